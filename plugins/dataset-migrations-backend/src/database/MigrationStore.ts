import type { Knex } from 'knex';
import type {
  FieldChange,
  Migration,
  MigrationDetails,
  MigrationLogLine,
  MigrationPlan,
  ContractOverride,
  MigrationStatus,
  MigrationSummary,
  PersonOverride,
  VerificationFigures,
} from '@dataset-migrations/plugin-dataset-migrations-common';

export interface NewMigration {
  id: string;
  entityRef: string;
  fromVersion: number;
  targetVersion: number;
  changes: FieldChange[];
  dryRun: boolean;
  fingerprint: string;
  requestedBy: string;
  /** What the migration will execute, for review; fixed at creation. */
  plan?: MigrationPlan;
}

/** Runs inside the transaction that writes a queued migration, so both land or neither. */
export type Enqueue = (
  tx: Knex.Transaction,
  migrationId: string,
) => Promise<void>;

/** Of these migrations, the ones whose job will still run; read inside the caller's transaction. */
export type LiveJobs = (
  tx: Knex.Transaction,
  migrationIds: string[],
) => Promise<Set<string>>;

/** Either the queued migration, or the dataset's active one that blocked it. */
export type QueueResult =
  | { queued: true; migration: Migration }
  | { queued: false; active?: Migration };

/** A worker's claim on a running migration, renewed by heartbeats. */
export interface Lease {
  owner: string;
  durationMs: number;
}

export interface MigrationStore {
  /**
   * Inserts a queued migration; refused while the dataset has an active one, or when
   * a migration with the same fingerprint is queued, running or succeeded.
   */
  createMigration(
    migration: NewMigration,
    enqueue: Enqueue,
  ): Promise<QueueResult>;
  /** Puts a failed or cancelled migration back in the queue for another attempt. */
  requeueMigration(id: string, enqueue: Enqueue): Promise<QueueResult>;
  /** The migration that a request with this fingerprint already produced, unless it failed, was cancelled or was rolled back. */
  findByFingerprint(fingerprint: string): Promise<Migration | undefined>;
  getMigration(id: string): Promise<MigrationDetails | undefined>;
  /** A migration and its plan, without steps and logs: for work that runs often. */
  getMigrationWithPlan(
    id: string,
  ): Promise<(Migration & { plan?: MigrationPlan }) | undefined>;
  listMigrations(filter: {
    entityRef?: string;
    limit: number;
  }): Promise<Migration[]>;
  latestMigrations(
    entityRefs: string[],
  ): Promise<Map<string, MigrationSummary>>;

  /** Cancels a queued migration at once; asks a running one to stop at its next safe point. */
  requestCancel(id: string): Promise<Migration | undefined>;
  isCancelRequested(id: string): Promise<boolean>;

  /**
   * Takes the run for a new attempt under a lease: undefined when it is no longer
   * runnable or another worker's lease on it is still live.
   */
  claimMigration(
    id: string,
    lease: Lease,
  ): Promise<(Migration & { plan?: MigrationPlan }) | undefined>;
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
   * Takes the lease on a succeeded, real, uncontracted migration for an operation
   * on it (rollback, contract): undefined when it no longer is one, or a lease on
   * it is still live (this owner's too: one operation at a time). Fenced writes and heartbeats then work as
   * for a running attempt.
   */
  claimOperation(
    id: string,
    lease: Lease,
  ): Promise<(Migration & { plan?: MigrationPlan }) | undefined>;
  /** Lets go of this owner's lease on a finished run, after an operation on it. */
  releaseLease(id: string, owner: string): Promise<void>;
  /** Extends the lease; false when the run is no longer this owner's. */
  renewLease(id: string, lease: Lease): Promise<boolean>;
  /**
   * Running migrations whose lease ran out (their worker died): re-enqueues each,
   * free for any worker to claim, and not swept again for `graceMs`.
   */
  requeueExpiredRuns(enqueue: Enqueue, graceMs: number): Promise<string[]>;
  /**
   * Queued migrations, waiting for longer than `graceMs`, that no job will run (it
   * was lost, gave up, or its worker died before claiming the run): re-enqueues each.
   * A run whose job is only waiting its turn is left alone.
   */
  requeueStrandedRuns(
    enqueue: Enqueue,
    liveJobs: LiveJobs,
    graceMs: number,
  ): Promise<string[]>;

  getCheckpoint<T>(id: string, name: string): Promise<T | undefined>;
  /**
   * Writes a checkpoint. Given an owner, only while that owner still holds the run's
   * lease, as with {@link MigrationStore.finishMigration}: a worker that lost the run
   * cannot overwrite where the one that took it is. Returns whether it was written.
   */
  setCheckpoint<T>(
    id: string,
    name: string,
    value: T,
    owner?: string,
  ): Promise<boolean>;
  /** Forgets the run's checkpoints; fenced by an owner as `setCheckpoint` is. */
  clearCheckpoints(id: string, owner?: string): Promise<boolean>;

  startStep(id: string, attempt: number, name: string): Promise<void>;
  /** Fenced by an owner as `setCheckpoint` is; true also when the step does not exist. */
  reportProgress(
    id: string,
    attempt: number,
    name: string,
    done: number,
    total: number,
    owner?: string,
  ): Promise<boolean>;
  /**
   * Keeps what an attempt's verification compared, replacing an earlier attempt's;
   * fenced by an owner as `setCheckpoint` is.
   */
  recordVerification(
    id: string,
    attempt: number,
    figures: VerificationFigures,
    owner?: string,
  ): Promise<boolean>;
  finishStep(
    id: string,
    attempt: number,
    name: string,
    status: 'succeeded' | 'failed',
  ): Promise<void>;
  appendLog(
    id: string,
    line: Omit<MigrationLogLine, 'createdAt'>,
  ): Promise<void>;
  /**
   * Ends the migration. A successful, real migration records the dataset's new
   * schema version in the same transaction. Given an owner, only while that owner
   * still holds the run's lease: a worker that lost the run cannot overwrite the
   * outcome of the one that took it. Returns whether the outcome was recorded.
   */
  finishMigration(
    id: string,
    outcome: {
      status: Extract<MigrationStatus, 'succeeded' | 'failed' | 'cancelled'>;
      reason?: string;
    },
    owner?: string,
  ): Promise<boolean>;

  /**
   * Records that a succeeded migration's dataset is back on its previous version;
   * false when the migration is not succeeded or was contracted. Given an owner,
   * only while that owner holds the run's lease, which ends with it.
   */
  markRolledBack(
    id: string,
    override?: PersonOverride,
    owner?: string,
  ): Promise<boolean>;
  /**
   * Records that the previous version was dropped, with the person's override when
   * consumers had not moved; false when not applicable. Fenced by an owner as
   * `markRolledBack` is.
   */
  markContracted(
    id: string,
    override?: ContractOverride,
    owner?: string,
  ): Promise<boolean>;

  getSchemaVersion(entityRef: string): Promise<number | undefined>;
  /** The version and table migrations left the dataset at; undefined if never migrated. */
  getDatasetState(entityRef: string): Promise<DatasetState | undefined>;
  getSchemaVersions(entityRefs: string[]): Promise<Map<string, number>>;
}

/** What migrations made of a dataset. */
export interface DatasetState {
  schemaVersion: number;
  /** The table readers use, when a migration recorded it. */
  table?: string;
}
