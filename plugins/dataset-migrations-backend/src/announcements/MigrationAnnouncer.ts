import type {
  CampaignState,
  ConsumerState,
  Migration,
  MigrationOutcome,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { EscalationOutstanding } from '../database/CampaignEscalations';

/**
 * What happened to a run, for the people and plugins that follow it. Fired after
 * the change is committed.
 */
export interface MigrationChange {
  migrationId: string;
  /** Set when the change is an outcome with its own notification and events topic. */
  outcome?: MigrationOutcome;
  /** The user who caused it; left out of notifications. Absent for a worker's own step. */
  actor?: string;
  /** Why it failed, or the approver's comment. */
  reason?: string;
  /**
   * The run as the change just wrote it, when the caller has it: an outcome is
   * then told from it, not read again (what it tells of a run never changes).
   */
  migration?: Migration;
  /** When the outcome happened, when it is told later than that (from the outbox). */
  occurredAt?: Date;
  /**
   * Called once an outcome's deliveries are over: delivered, or given up on after
   * their retries (no argument), or not attempted because the run could not be
   * read (the error). An announcer that takes the change calls it exactly once.
   */
  settled?: (error?: unknown) => void;
}

/** What happened to one consumer of a run. */
export interface ConsumerChange {
  migrationId: string;
  consumerRef: string;
  /**
   * Set when the consumer's owners are told: their pull request opened, they must
   * decide, it failed, its pull request has waited too long, or a rollback of the
   * run closed its pull request (they were told it would move them), or found it
   * merged, so that its patch reads a version no longer served: revert it.
   */
  notice?:
    | 'pull-request-opened'
    | 'needs-decision'
    | 'failed'
    | 'stale-pull-request'
    | 'pull-request-closed'
    | 'pull-request-merged-after-rollback';
  /**
   * The team owning the consumer, as its ledger row has it: a team's notices of
   * one run that come together are told to it as one.
   */
  owner?: string;
  /** Set when a step moved the consumer to another state (possibly past several). */
  transition?: { from: ConsumerState; to: ConsumerState };
  actor?: string;
  reason?: string;
}

/** What happened to a campaign: it started, paused (by itself or a person), resumed, completed or was aborted. */
export interface CampaignChange {
  campaignId: string;
  state: CampaignState;
  /** The user who caused it; absent when the runner acted by itself. */
  actor?: string;
  /** Why, e.g. the threshold a wave crossed. */
  reason?: string;
}

/**
 * A campaign's failure policy rolled back a wave holding a dataset the campaign
 * may not roll back: its owners decide, and are told so.
 */
export interface CampaignLeftToOwners {
  campaignId: string;
  /** The dataset, whose owners are told. */
  entityRef: string;
  migrationId: string;
  /** Why the wave was rolled back. */
  reason: string;
}

/**
 * A campaign's deadline is within its `escalateBefore` while work is outstanding:
 * the owners of a consumer or dataset it holds back are told, and the campaign's
 * owner gets a summary. A consumer is told once per campaign migration reaching
 * it, a dataset and the owner once per campaign.
 */
export type CampaignEscalationNotice = {
  campaignId: string;
  deadline: Date;
} & (
  | {
      to: 'consumer' | 'dataset';
      entityRef: string;
      /** The campaign's datasets it holds back. */
      datasets: string[];
    }
  | { to: 'owner'; outstanding: EscalationOutstanding }
);

/**
 * Tells people (notifications), portals (signals) and other plugins (events) that
 * a run or a consumer changed. Never throws, but for a deadline notice: an
 * announcement that cannot be delivered is logged and retried a few times, and
 * the migration goes on.
 */
export interface MigrationAnnouncer {
  migrationChanged(change: MigrationChange): Promise<void>;
  consumerChanged(change: ConsumerChange): Promise<void>;
  /** Tells the campaign's owner and those watching its page. */
  campaignChanged?(change: CampaignChange): Promise<void>;
  /** Tells a dataset's owners that a campaign left its rollback to them. */
  campaignLeftToOwners?(notice: CampaignLeftToOwners): Promise<void>;
  /**
   * Tells the owners of outstanding work, or the campaign's owner, that its
   * deadline nears. Resolves once delivered; throws when it could not be, after
   * its retries, so the caller keeps it to send in a later round.
   */
  campaignEscalated?(notice: CampaignEscalationNotice): Promise<void>;
}
