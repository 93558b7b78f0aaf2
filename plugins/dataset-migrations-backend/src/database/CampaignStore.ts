import type {
  Campaign,
  CampaignDatasetState,
  CampaignDocument,
  CampaignPlan,
  CampaignState,
  CampaignSummary,
  CampaignWaveState,
  CompatibilityClass,
  MigrationStatus,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { StoreTransaction } from './StoreTransaction';

/** A campaign as the runner reads it for one tick. */
export interface CampaignRun {
  id: string;
  name: string;
  owner: string;
  state: CampaignState;
  stateReason?: string;
  /** Whether the failure policy (not a person) paused it, while it is paused. */
  pausedByRunner?: boolean;
  document: CampaignDocument;
  /** In whose name its migrations are requested; set once it started. */
  startedBy?: string;
  waves: CampaignRunWave[];
  /** In start order. */
  datasets: CampaignRunDataset[];
}

export interface CampaignRunWave {
  index: number;
  kind: 'canary' | 'wave';
  state: CampaignWaveState;
  startedAt?: Date;
  soakedAt?: Date;
  /** Failures a person had seen when they resumed the campaign after the policy paused it. */
  failuresAccepted: number;
}

/** The datasets on which the starter held start, approve with approve-own, contract and rollback, when starting. */
/** Per right, the datasets a campaign no longer holds it on. */
export interface RevokedRights {
  start: string[];
  approve: string[];
  contract: string[];
}

export interface StarterRights {
  mayStart: ReadonlySet<string>;
  mayApprove: ReadonlySet<string>;
  mayContract: ReadonlySet<string>;
  mayRollBack: ReadonlySet<string>;
}

export interface CampaignRunDataset {
  entityRef: string;
  wave: number;
  position: number;
  state: CampaignDatasetState;
  targetVersion: number;
  /** Whether the starter held the start permission on it at start time. */
  starterMayStart: boolean;
  /** Whether the starter held approve and approve-own on it at start time. */
  starterMayApprove: boolean;
  /** Whether the starter held the contract permission on it at start time. */
  starterMayContract: boolean;
  /** Whether the starter held the rollback permission on it at start time. */
  starterMayRollBack: boolean;
  /** When the campaign last asked for its migration's contract. */
  contractRequestedAt?: Date;
  /** Consumers of its migration not yet moved (contract waits for them). */
  consumersMoving: number;
  /** Datasets of the campaign it is derived from (lineage), as planned. */
  upstream: string[];
  /** The compatibility class of its migration in the plan the starter started. */
  reviewedCompatibility?: CompatibilityClass;
  migrationId?: string;
  migrationStatus?: MigrationStatus;
  migrationFailure?: string;
  contracted: boolean;
  /** A consumer of its migration that failed verification or a shadow check, e.g. `component:default/x (shadow-mismatch)`. */
  consumerFailure?: string;
  /** Consumers of its migration whose verification and shadow checks have not run yet. */
  consumersUnchecked: number;
}

/** A dataset's move from one state to another, compare-and-set on `from`. */
export interface CampaignDatasetUpdate {
  entityRef: string;
  from: CampaignDatasetState;
  to: CampaignDatasetState;
  reason?: string;
}

/** The answer of a compare-and-set on a campaign's state. */
export type CampaignTransitionResult =
  | {
      changed: true;
      /** Failures were accepted: the policy (not a person) had paused it. */
      acceptedFailures?: boolean;
    }
  | { changed: false; current?: CampaignState };

/** Thrown inside a migration's creating transaction when the campaign may not start the dataset now. */
export class CampaignStartRefused extends Error {
  name = 'CampaignStartRefused';

  /**
   * @param full - true when no dataset of the campaign may start now (it is not
   *   running, or its concurrency is taken), not just this one
   */
  constructor(message: string, readonly full = false) {
    super(message);
  }
}

/**
 * Thrown by a campaign's create or start when one of its datasets is busy: with an
 * active migration, or held by another campaign. Checked in the writing
 * transaction under one lock, so two campaigns written at once never both hold a dataset.
 */
export class CampaignDatasetsBusy extends Error {
  name = 'CampaignDatasetsBusy';

  /** @param busy - each busy dataset with why */
  constructor(readonly busy: ReadonlyMap<string, string>) {
    super(
      `${
        busy.size === 1 ? 'a dataset is' : `${busy.size} datasets are`
      } busy: ${[...busy.values()].join('; ')}`,
    );
  }
}

/** Campaigns, their waves and datasets, and the progress snapshots of the burndown. */
export interface CampaignStore {
  /**
   * Writes a draft with its waves and datasets (in plan order); false when the name
   * is taken. Throws {@link CampaignDatasetsBusy} when a dataset is busy.
   */
  createCampaign(campaign: {
    id: string;
    plan: CampaignPlan;
    createdBy: string;
    at: Date;
  }): Promise<boolean>;
  listCampaigns(): Promise<CampaignSummary[]>;
  /** The campaign with its progress, burndown and what is stuck (as of `now`). */
  getCampaign(id: string, now: Date): Promise<Campaign | undefined>;
  getRun(id: string): Promise<CampaignRun | undefined>;
  /**
   * draft → running: the refreshed plan replaces the draft's waves and datasets, the
   * starter and their start permission per dataset are recorded. Throws
   * {@link CampaignDatasetsBusy} when a dataset is busy elsewhere.
   */
  startCampaign(
    id: string,
    start: {
      plan: CampaignPlan;
      startedBy: string;
      starterRights: StarterRights;
      at: Date;
    },
  ): Promise<CampaignTransitionResult>;
  /**
   * Compare-and-set on the campaign's state (`UPDATE … WHERE state = ANY(from)`).
   * `skipPending` skips every dataset not started yet with that reason (abort);
   * `acceptFailures` lets the failure policy start over from the failures seen
   * now (a person's resume) when the policy, not a person, paused it, as read
   * under the transition's lock, only the datasets in `failedSeen` (those the
   * person saw failed) where given; `pausedByRunner` marks the failure policy's
   * pause; `revokeRights` takes the campaign's right to start, approve or
   * contract away on the datasets listed (those a resumer lacks it on);
   * `inTransaction` writes with a change made (its audit record). Within `tx`
   * when given (a look's, fenced by its lease).
   */
  transition(
    id: string,
    change: {
      from: readonly CampaignState[];
      to: CampaignState;
      reason?: string;
      at: Date;
      skipPending?: string;
      acceptFailures?: boolean;
      failedSeen?: readonly string[];
      pausedByRunner?: boolean;
      revokeRights?: RevokedRights;
      inTransaction?: (tx: StoreTransaction) => Promise<void>;
    },
    tx?: StoreTransaction,
  ): Promise<CampaignTransitionResult>;
  /** Whether the policy (not a person) paused it. */
  isPausedByRunner(id: string): Promise<boolean>;
  /**
   * The reason of a campaign the failure policy paused, rewritten as a look finds
   * it now: a compare-and-set on the reason that look read, while the policy's
   * pause holds (a person's pause, resume or abort since is left alone). Nothing
   * else changes: not its state, not when it last changed. Answers whether it
   * wrote. Within `tx` when given (a look's, fenced by its lease).
   */
  refreshPauseReason(
    id: string,
    change: { from: string; to: string },
    tx?: StoreTransaction,
  ): Promise<boolean>;
  /**
   * Every campaign that must have a look waiting or running: each one running,
   * and one paused, completed or aborted while a look still has to ask for a
   * rollback of a rolled-back wave's migration or (completed) for a contract.
   */
  campaignsAwaitingLooks(): Promise<string[]>;
  /**
   * Applies each update whose `from` still holds; snapshots progress when any did.
   * Returns those applied. Within `tx` when given (a transition's).
   */
  updateDatasets(
    id: string,
    updates: CampaignDatasetUpdate[],
    at: Date,
    tx?: StoreTransaction,
  ): Promise<number>;
  /**
   * Applies each update whose `from` still holds, without a progress record:
   * the caller records it ({@link CampaignStore.recordProgress}). Returns those
   * applied. Within `tx` when given.
   */
  updateDatasetStates(
    id: string,
    updates: CampaignDatasetUpdate[],
    at: Date,
    tx?: StoreTransaction,
  ): Promise<number>;
  /**
   * Records the outstanding work now when it changed since the last record
   * (consumers move without a campaign write; looks record them), unless the
   * last record is less than `minIntervalMs` older than `at`: then answers
   * when the record is due, for the caller to look again by then.
   */
  recordProgress(
    id: string,
    at: Date,
    options?: { minIntervalMs?: number },
  ): Promise<Date | undefined>;
  /** Compare-and-set on a wave's state; within `tx` when given (a transition's). */
  updateWave(
    id: string,
    index: number,
    change: {
      from: readonly CampaignWaveState[];
      to: CampaignWaveState;
      at: Date;
      soakedAt?: Date;
    },
    tx?: StoreTransaction,
  ): Promise<boolean>;
  /**
   * Inside a migration's creating transaction: moves the dataset from `pending` to
   * `migrating` with the migration, while the campaign runs and fewer than
   * `concurrency` of its datasets are migrating (the campaign row is locked, so
   * concurrent ticks take turns). Throws {@link CampaignStartRefused} otherwise,
   * which rolls the migration back with it.
   */
  claimDatasetStart(
    tx: StoreTransaction,
    claim: {
      campaignId: string;
      entityRef: string;
      migrationId: string;
      concurrency: number;
      at: Date;
      /** The rights the look started it with: refused where a resume narrowed them since. */
      rightsRead?: { mayStart: boolean; mayApprove: boolean };
    },
  ): Promise<void>;
  /**
   * Records that the campaign asks for the dataset's contract now, unless it asked
   * after `askedBefore` (compare-and-set: two looks at once ask once); false then.
   * Within `tx` when given.
   */
  markContractRequested(
    id: string,
    entityRef: string,
    at: Date,
    askedBefore: Date,
    tx?: StoreTransaction,
  ): Promise<boolean>;
  /** Owner, name and title, for announcements. */
  getHeader(
    id: string,
  ): Promise<{ name: string; title: string; owner: string } | undefined>;
}
