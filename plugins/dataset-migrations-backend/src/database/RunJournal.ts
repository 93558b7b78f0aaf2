import type {
  Migration,
  MigrationLogLine,
  MigrationPlan,
  VerificationFigures,
  DryRunSample,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { Enqueue } from './MigrationRequestStore';
import type { StoreTransaction } from './StoreTransaction';

/** Of these migrations, the ones whose job will still run; read inside the caller's transaction. */
export type LiveJobs = (
  tx: StoreTransaction,
  migrationIds: string[],
) => Promise<Set<string>>;

/** A worker's claim on a running migration, renewed by heartbeats. */
export interface Lease {
  owner: string;
  durationMs: number;
}

/**
 * The run journal: who runs a migration (leases), and what its runs did and reached
 * (steps, logs, checkpoints, verification figures).
 */
export interface RunJournal {
  /**
   * Takes the run for a new attempt under a lease: undefined when it is no longer
   * runnable or another worker's lease on it is still live.
   */
  claimMigration(
    id: string,
    lease: Lease,
  ): Promise<(Migration & { plan?: MigrationPlan }) | undefined>;
  /**
   * Takes the lease on a succeeded, real, uncontracted migration for an operation
   * on it (rollback, contract): undefined when it no longer is one, or a lease on
   * it is still live (this owner's too: one operation at a time). Fenced writes and
   * heartbeats then work as for a running attempt.
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
  /**
   * Finished runs whose rollback or contract lost its worker (the operation's
   * lease ran out): frees each for any worker, hands it to `enqueue` (which
   * queues its operation again), and does not sweep it again for `graceMs`.
   */
  requeueExpiredOperations(
    enqueue: Enqueue,
    graceMs: number,
  ): Promise<string[]>;

  getCheckpoint<T>(id: string, name: string): Promise<T | undefined>;
  /**
   * Writes a checkpoint. Given an owner, only while that owner still holds the run's
   * lease, as with `finishMigration`: a worker that lost the run cannot overwrite
   * where the one that took it is. Returns whether it was written.
   */
  setCheckpoint<T>(
    id: string,
    name: string,
    value: T,
    owner?: string,
  ): Promise<boolean>;
  /** Forgets the run's checkpoints; fenced by an owner as `setCheckpoint` is. */
  clearCheckpoints(id: string, owner?: string): Promise<boolean>;
  /**
   * How many attempts after `sinceAttempt` began their steps after the run's
   * latest checkpoint write: the attempts in a row that moved the run no further.
   */
  attemptsWithoutProgress(id: string, sinceAttempt: number): Promise<number>;

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
  /** Keeps the rows a dry run transformed; fenced by an owner as `setCheckpoint` is. */
  recordDryRunSample(
    id: string,
    sample: DryRunSample,
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
}
