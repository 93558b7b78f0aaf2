import type {
  ApprovalDecision,
  FieldChange,
  Migration,
  MigrationApproval,
  MigrationDetails,
  MigrationPlan,
  ContractOverride,
  MigrationStatus,
  MigrationSummary,
  PersonOverride,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { DatasetState } from './DatasetVersionStore';
import type { StoreTransaction } from './StoreTransaction';
import type { MigrationVisibility } from './migrationVisibility';

export interface NewMigration {
  id: string;
  entityRef: string;
  fromVersion: number;
  targetVersion: number;
  changes: FieldChange[];
  dryRun: boolean;
  fingerprint: string;
  requestedBy: string;
  /** The dataset's owner at request time, for "runs of datasets owned by" in SQL. */
  datasetOwner?: string;
  /** What the migration will execute, for review; fixed at creation. */
  plan?: MigrationPlan;
  /** Set when it needs an approval: it is written `awaiting-approval`, not queued. */
  approval?: MigrationApproval;
  /** The campaign that requests it, and its wave there. */
  campaign?: { id: string; wave: number };
}

/** What a new request is checked against first (see `findRequestGrounds`). */
export interface RequestGrounds {
  /** The migration an identical request already made, unless it failed, was cancelled or was rolled back. */
  repeated?: Migration;
  /** The version and table migrations left the dataset at; undefined if never migrated. */
  dataset?: DatasetState;
}

/** Runs inside the transaction that writes a queued migration, so both land or neither. */
export type Enqueue = (
  tx: StoreTransaction,
  migrationId: string,
) => Promise<void>;

/**
 * Runs inside the transaction that records a run's outcome, only when it is
 * recorded: what must not be lost with it (its announcement, owed) lands or not
 * with it.
 */
export type WithOutcome = (tx: StoreTransaction) => Promise<void>;

/** Either the queued migration, or the dataset's active one that blocked it. */
export type QueueResult =
  | { queued: true; migration: Migration }
  | { queued: false; active?: Migration };

/** Migration requests: what was asked for, and the status each one is in. */
export interface MigrationRequestStore {
  /**
   * Inserts a queued migration (`awaiting-approval` when it carries an approval);
   * refused while the dataset has an active one, or when a migration with the same
   * fingerprint is active or succeeded.
   */
  createMigration(
    migration: NewMigration,
    enqueue: Enqueue,
  ): Promise<QueueResult>;
  /**
   * Puts a failed or cancelled migration back in the queue for another attempt;
   * given an approval, back to `awaiting-approval` with it instead.
   */
  requeueMigration(
    id: string,
    enqueue: Enqueue,
    awaiting?: MigrationApproval,
  ): Promise<QueueResult>;
  /** What a migration's approval digest is computed from: its request and its plan. */
  getRequestSubject(
    id: string,
  ): Promise<{ fingerprint: string; plan?: MigrationPlan } | undefined>;
  /**
   * Records a person's decision on a migration awaiting approval, compare-and-set on
   * the status and (when given) the digest reviewed, in one transaction: approved
   * queues it with its job (`enqueue`), rejected ends it and frees the dataset.
   * Undefined when the run no longer awaits approval of that digest. An approval
   * of a campaign's migration while the campaign is not running is refused (409).
   */
  decideApproval(
    id: string,
    decision: ApprovalDecision,
    requestDigest: string | undefined,
    enqueue: Enqueue,
  ): Promise<Migration | undefined>;
  /** The migration that a request with this fingerprint already produced, unless it failed, was cancelled or was rolled back. */
  findByFingerprint(fingerprint: string): Promise<Migration | undefined>;
  /**
   * What a new request is checked against first, read together: the migration
   * its fingerprint already produced (as {@link findByFingerprint}) and the
   * dataset's state (as `getDatasetState`).
   */
  findRequestGrounds(
    fingerprint: string,
    entityRef: string,
  ): Promise<RequestGrounds>;
  getMigration(id: string): Promise<MigrationDetails | undefined>;
  /** The campaign that requested the migration, if any: one column, read on every outcome. */
  campaignOf(id: string): Promise<string | undefined>;
  /** A migration and its plan, without steps and logs: for work that runs often. */
  getMigrationWithPlan(
    id: string,
  ): Promise<(Migration & { plan?: MigrationPlan }) | undefined>;
  /**
   * The newest runs first; with a visibility, only the runs it selects (in SQL).
   * Without one, every run: for the plugin's own checks, never for a caller.
   */
  listMigrations(filter: {
    entityRef?: string;
    /** Runs of any of these datasets (a campaign's, planned at once). */
    entityRefs?: string[];
    limit: number;
    visibility?: MigrationVisibility;
    /** Only live runs not yet contracted: those a later migration may wait for. */
    uncontracted?: boolean;
    /** Only these runs (a permission decision's resources). */
    ids?: string[];
  }): Promise<Migration[]>;
  /** Datasets with runs that recorded no owner (requested before owners were kept). */
  datasetsWithoutOwner(): Promise<string[]>;
  /** Records the owner on a dataset's runs that have none; returns how many. */
  recordDatasetOwner(entityRef: string, owner: string): Promise<number>;
  /** Each dataset's newest run among those `visibility` shows (all when omitted). */
  latestMigrations(
    entityRefs: string[],
    visibility?: MigrationVisibility,
  ): Promise<Map<string, MigrationSummary>>;

  /**
   * Cancels a queued migration at once; asks a running one to stop at its next
   * safe point. `changed`: this call did it (of two at once, one did). `reason`
   * is kept with one cancelled at once (who cancelled it, when not a person).
   */
  requestCancel(
    id: string,
    reason?: string,
  ): Promise<{ migration: Migration; changed: boolean } | undefined>;
  isCancelRequested(id: string): Promise<boolean>;

  /**
   * Parks this owner's running migration in `awaiting-decision`, releasing its lease,
   * if a consumer still waits for a person's decision; false when none does (or the
   * run is no longer this owner's), and the run goes on.
   */
  awaitDecisions(id: string, owner: string): Promise<boolean>;
  /**
   * Queues a migration waiting for decisions again, with its job, once no consumer
   * waits for one; false when it is not waiting or a decision is still missing.
   */
  resumeAfterDecisions(id: string, enqueue: Enqueue): Promise<boolean>;
  /**
   * {@link resumeAfterDecisions} for every waiting run no consumer waits on any
   * more: the decider's own resume was lost with its process or session, and
   * nothing else would queue the run. Returns the ids queued.
   */
  resumeDecidedRuns(enqueue: Enqueue): Promise<string[]>;

  /**
   * Ends the migration. A successful, real migration records the dataset's new
   * schema version in the same transaction. Given an owner, only while that owner
   * still holds the run's lease: a worker that lost the run cannot overwrite the
   * outcome of the one that took it. Returns whether the outcome was recorded.
   * `enqueueAfterSuccess` queues what a real migration's success starts (its
   * consumers' moves) in the same transaction, so no crash falls between them;
   * `withOutcome` runs in it too, whatever the outcome.
   */
  finishMigration(
    id: string,
    outcome: {
      status: Extract<MigrationStatus, 'succeeded' | 'failed' | 'cancelled'>;
      reason?: string;
    },
    owner?: string,
    enqueueAfterSuccess?: Enqueue,
    withOutcome?: WithOutcome,
  ): Promise<boolean>;
  /**
   * Records that a succeeded migration's dataset is back on its previous version;
   * false when the migration is not succeeded or was contracted. Given an owner,
   * only while that owner holds the run's lease, which ends with it.
   * `withOutcome` runs in the transaction that records it.
   */
  markRolledBack(
    id: string,
    override?: PersonOverride,
    owner?: string,
    withOutcome?: WithOutcome,
  ): Promise<boolean>;
  /**
   * Records that the previous version was dropped, with the person's override when
   * consumers had not moved; false when not applicable. Fenced by an owner as
   * `markRolledBack` is, with `withOutcome` likewise.
   */
  markContracted(
    id: string,
    override?: ContractOverride,
    owner?: string,
    withOutcome?: WithOutcome,
  ): Promise<boolean>;
}
