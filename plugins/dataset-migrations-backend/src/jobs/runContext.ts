import { randomUUID } from 'node:crypto';
import type {
  Migration,
  TargetField,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  MigrationInterruptedError,
  type DatasetMigrationRun,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { Lease, MigrationStore } from '../database/MigrationStore';
import { asInterruption } from './databaseLoss';
import { holdLease } from './leaseHold';

/** What the first attempt planned; later attempts and operations on the run execute exactly this. */
export interface PinnedPlan {
  engine: string;
  table: string;
  /** Where the migration moves the dataset, when it renames it. */
  renamedTo?: string;
  targetFields: TargetField[];
}

export const PINNED_PLAN = 'plan';

/** The engine's view of a migration as its pinned plan says, with the store-backed parts. */
export function runOf(
  migration: Pick<
    Migration,
    'id' | 'entityRef' | 'fromVersion' | 'targetVersion' | 'dryRun'
  >,
  pinned: PinnedPlan,
  context: Omit<
    DatasetMigrationRun,
    | 'migrationId'
    | 'entityRef'
    | 'dataset'
    | 'renamedTo'
    | 'fromVersion'
    | 'targetVersion'
    | 'targetFields'
    | 'dryRun'
  >,
): DatasetMigrationRun {
  return {
    migrationId: migration.id,
    entityRef: migration.entityRef,
    dataset: { table: pinned.table },
    ...(pinned.renamedTo ? { renamedTo: { table: pinned.renamedTo } } : {}),
    fromVersion: migration.fromVersion,
    targetVersion: migration.targetVersion,
    targetFields: pinned.targetFields,
    dryRun: migration.dryRun,
    ...context,
  };
}

/** Why an attempt stops once its worker finds the run is no longer its own. */
export const LEASE_LOST = 'another worker took over this run';

/** Why an attempt stops once no renewal of its lease took for a lease's duration. */
export const LEASE_RAN_OUT =
  "this attempt's lease on the run ran out while its renewals failed; the sweep hands the run on";

/** The lease an attempt runs under, and what to do when it turns out lost. */
export interface AttemptLease {
  owner: string;
  onLost(): void;
}

/** A run's lease held by heartbeats (see {@link holdLease}), and whether it turned out lost. */
export interface HeldLease extends AttemptLease {
  /** True once a heartbeat or a fenced write found the run another worker's, or renewals stopped taking. */
  readonly lost: boolean;
  /** Why it was lost ({@link LEASE_LOST} or {@link LEASE_RAN_OUT}), once it was. */
  readonly lostReason: string | undefined;
  /** Ends the heartbeat, waiting for a renewal under way; the lease itself ends with the outcome or runs out. */
  stopHeartbeat(): Promise<void>;
}

/**
 * Holds a claimed run's lease as long as the work under it runs: stages and
 * operations on a finished run alike, so no two workers act on a run at the same
 * time. `claimedAt` is when the claim was sent.
 */
export function holdRunLease(
  store: Pick<MigrationStore, 'renewLease'>,
  migrationId: string,
  lease: Lease,
  claimedAt: number,
  logger: LoggerService,
): HeldLease {
  const hold = holdLease({
    claimedAt,
    durationMs: lease.durationMs,
    renew: () => store.renewLease(migrationId, lease),
    warn: message =>
      logger.warn(`The lease on migration ${migrationId}: ${message}`),
  });
  return {
    owner: lease.owner,
    get lost() {
      return hold.lost;
    },
    get lostReason() {
      const why = hold.lostBecause;
      if (!why) return undefined;
      return why === 'taken' ? LEASE_LOST : LEASE_RAN_OUT;
    },
    onLost: hold.markLost,
    stopHeartbeat: hold.stop,
  };
}

/**
 * The parts of an engine's run that write to the store: steps, log lines,
 * checkpoints, progress and verification figures, all under one attempt number.
 * Given a lease, all but steps and log lines are written only while it holds, so
 * an attempt that lost its run stops at its next write instead of overwriting
 * where the new owner is. `changed` hears of each write once it is committed.
 */
export function createRunContext(
  store: MigrationStore,
  migrationId: string,
  attempt: number,
  lease?: AttemptLease,
  changed: () => void = () => {},
): Pick<
  DatasetMigrationRun,
  | 'step'
  | 'log'
  | 'checkpoints'
  | 'progress'
  | 'recordVerification'
  | 'recordDryRunSample'
> {
  let currentStep: string | undefined;
  const owner = lease?.owner;
  /**
   * The store's answer, a lost plugin-database connection reported as an
   * interruption: the engine sees it inside a stage, and an engine undoes what a
   * stage did on any error but an interruption (a terminated session at a step's
   * bookkeeping dropped a backfill half done, and the run started over).
   */
  const stored = <T>(call: Promise<T>) =>
    call.catch(error => {
      throw asInterruption(error);
    });
  const whileLeased = async (write: Promise<boolean>) => {
    if (await stored(write)) {
      changed();
      return;
    }
    lease?.onLost();
    throw new MigrationInterruptedError(LEASE_LOST);
  };
  const then = <T>(write: Promise<T>) =>
    stored(write).then(result => {
      changed();
      return result;
    });
  return {
    log: (message, level = 'info') =>
      then(
        store.appendLog(migrationId, {
          attempt,
          level,
          message,
          step: currentStep,
        }),
      ),
    step: async (name, work) => {
      currentStep = name;
      await then(store.startStep(migrationId, attempt, name));
      try {
        const result = await work();
        await then(store.finishStep(migrationId, attempt, name, 'succeeded'));
        return result;
      } catch (error) {
        // The step's own failure is what the engine must hear of, not a lost
        // session that kept it from being recorded: a failed stage is undone and
        // fails the run, which closes the step (else the next claim does).
        await then(
          store.finishStep(migrationId, attempt, name, 'failed'),
        ).catch(() => {});
        throw error;
      } finally {
        currentStep = undefined;
      }
    },
    checkpoints: {
      get: name => stored(store.getCheckpoint(migrationId, name)),
      set: (name, value) =>
        whileLeased(store.setCheckpoint(migrationId, name, value, owner)),
      clear: () => whileLeased(store.clearCheckpoints(migrationId, owner)),
    },
    progress: (stage, done, total) =>
      whileLeased(
        store.reportProgress(migrationId, attempt, stage, done, total, owner),
      ),
    recordVerification: figures =>
      whileLeased(
        store.recordVerification(migrationId, attempt, figures, owner),
      ),
    recordDryRunSample: sample =>
      whileLeased(store.recordDryRunSample(migrationId, sample, owner)),
  };
}

/**
 * A lease owner per attempt, not per process: two attempts of one process (a run
 * claimed again after its lease ran out while the first was stuck in a statement)
 * fence each other as attempts of two processes do. Read as `<worker id>/<attempt>`.
 */
export function attemptOwner(workerId: string): string {
  return `${workerId}/${randomUUID().slice(0, 8)}`;
}
