import { TableClaims } from '../catalog/TableClaims';
import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import {
  isLiveMigration,
  type ContractOverride,
  type Migration,
  type PersonOverride,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  MigrationInterruptedError,
  type DatasetEngine,
  type DatasetMigrationRun,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import type { Lease, MigrationStore } from '../database/MigrationStore';
import type { EngineRegistry } from '../engines/EngineRegistry';
import type { DatasetCatalog } from '../catalog/DatasetCatalog';
import {
  operationOutcomeName,
  type OperationJob,
  type OperationOutcome,
} from '../queue/JobQueue';
import {
  createRunContext,
  attemptOwner,
  holdRunLease,
  PINNED_PLAN,
  runOf,
  type HeldLease,
  type PinnedPlan,
} from './runContext';
import type { MigrationAnnouncer } from '../announcements/MigrationAnnouncer';
import { meterStages, type StageMeter } from '../metrics/meterStages';
import {
  pendingOutcome,
  type OutcomeAnnouncements,
} from './outcomeAnnouncements';
import {
  CONTRACT_GATE,
  type ContractGateRecord,
} from '../database/contractGateRecord';
import { describeReads, judgeReads } from './previousShapeReads';
import { asInterruption } from './databaseLoss';
import {
  mergedPatchesRefusal,
  type MergedPatches,
} from '../consumers/mergedPatches';

export interface OperationRunnerOptions {
  store: MigrationStore;
  engines: EngineRegistry;
  catalog: DatasetCatalog;
  auth: AuthService;
  logger: LoggerService;
  /** The process's worker id, which each operation's lease owner names (see attemptOwner). */
  workerId: string;
  /** How long a run stays this worker's without a heartbeat. */
  leaseMs: number;
  /** Supersedes a rolled-back migration's consumers and closes their pull requests. */
  settleRolledBack?: (
    migration: Migration,
    override?: PersonOverride,
  ) => Promise<void>;
  /**
   * Runs a rollback with merges of its pull requests held off, given the
   * consumers it would break (see RollbackSettlement.holdingMerges); without
   * it, a rollback does not look at consumers.
   */
  holdingMerges?: <T>(
    migration: Migration,
    work: (consumers: MergedPatches) => Promise<T>,
  ) => Promise<T>;
  /** Told when a run is rolled back or contracted, and of its steps meanwhile. */
  announcer?: MigrationAnnouncer;
  /** Where outcomes are recorded as owed with the run's, so they are announced though this worker dies. */
  outcomes?: OutcomeAnnouncements;
  /** Times each stage of a rollback or contract. */
  stages?: StageMeter;
  /**
   * When the run's last known consumer moved (undefined while one is moving or
   * there is none): where reads of the previous shape stop being expected.
   */
  lastConsumerMovedAt?: (migrationId: string) => Promise<string | undefined>;
}

const PAST_TENSE = { rollback: 'rolled back', contract: 'contracted' };

/**
 * Rolls back or contracts a finished run: the job handler behind the request, under
 * the run's lease as the stages are, so no two workers act on a run at once and a
 * request never waits on the engine's locks. Safe to run twice: a second run finds
 * the outcome in place and only answers.
 */
export class OperationRunner {
  constructor(private readonly deps: OperationRunnerOptions) {}

  async run(job: OperationJob): Promise<void> {
    const { store, logger } = this.deps;
    const lease: Lease = {
      owner: attemptOwner(this.deps.workerId),
      durationMs: this.deps.leaseMs,
    };
    const claimedAt = Date.now();
    const migration = await store.claimOperation(job.migrationId, lease);
    if (!migration) {
      await this.unclaimed(job);
      return;
    }
    const held = holdRunLease(store, job.migrationId, lease, claimedAt, logger);
    try {
      const operate = (consumers?: MergedPatches) =>
        this.operate(migration, job, held, consumers);
      await this.answer(
        job,
        job.operation === 'rollback' && this.deps.holdingMerges
          ? await this.deps.holdingMerges(migration, operate)
          : await operate(),
      );
    } finally {
      await held.stopHeartbeat();
      // Marking the outcome ends the lease; a refusal lets go of it here.
      await store.releaseLease(job.migrationId, lease.owner);
    }
  }

  private async operate(
    migration: Migration,
    job: OperationJob,
    held: HeldLease,
    consumers?: MergedPatches,
  ): Promise<OperationOutcome> {
    const { store, engines } = this.deps;
    const { migrationId, operation } = job;
    // Checked at the request too, but merges go on: this look is the one that counts.
    if (consumers && (!job.override || job.keepMergedReaders)) {
      const refused = mergedPatchesRefusal(migration, consumers);
      if (refused) return { refused };
    }
    const pinned = await store.getCheckpoint<PinnedPlan>(
      migrationId,
      PINNED_PLAN,
    );
    if (!pinned) {
      return {
        refused: `migration ${migrationId} has no recorded plan to ${operation}`,
      };
    }
    // The run finished; what happens now is a step of its last attempt.
    const run = runOf({ ...migration, dryRun: false }, pinned, {
      ...meterStages(
        createRunContext(
          store,
          migrationId,
          migration.attempts,
          held,
          // Not awaited, so its failure is logged here rather than left unhandled.
          () =>
            void this.deps.announcer
              ?.migrationChanged({ migrationId })
              .catch(error =>
                this.deps.logger.warn(
                  `Could not announce a step of migration ${migrationId}: ${error}`,
                ),
              ),
        ),
        this.deps.stages,
      ),
      throwIfCancelled: async () => {
        if (held.lostReason)
          throw new MigrationInterruptedError(held.lostReason);
      },
    });
    const engine = engines.get(pinned.engine);
    let override = job.override;
    let engineAsked = false;
    try {
      if (operation === 'contract') {
        // Contract drops a version for good: not while another entity names the
        // table, whose owners' rights and approvals were never asked (the run may
        // predate the entity, or the check at request).
        const tables = await TableClaims.read(this.deps.catalog, engines, [
          pinned.engine,
        ]);
        for (const table of [pinned.table, pinned.renamedTo ?? []].flat())
          tables.assertOnlyNamedBy(migration.entityRef, pinned.engine, table);
        const gate = await this.readersGate(migration, run, engine, job);
        if ('refused' in gate) return gate;
        override = gate.override;
        if (!gate.gone) {
          await store.setCheckpoint<ContractGateRecord>(
            migrationId,
            CONTRACT_GATE,
            {
              requestId: job.requestId,
              ...(gate.override ? { override: gate.override } : {}),
            },
            held.owner,
          );
        }
      }
      engineAsked = true;
      await engine[operation](run);
    } catch (caught) {
      // Interrupted, the job is retried and finds where the run is.
      const error = asInterruption(caught);
      if (error instanceof MigrationInterruptedError) throw error;
      return {
        refused: `${operation} refused: ${(error as Error).message}`,
        ...(engineAsked ? { byEngine: true as const } : {}),
      };
    }
    const outcome = pendingOutcome(this.deps, {
      migrationId,
      outcome: operation === 'rollback' ? 'rolled-back' : 'contracted',
      // Who asked; an override's author for jobs queued before the job named them.
      actor: job.actor ?? job.override?.by,
      ...(override ? { reason: `overridden: ${override.reason}` } : {}),
    });
    const marked =
      operation === 'rollback'
        ? await store.markRolledBack(
            migrationId,
            override,
            held.owner,
            outcome.record,
          )
        : await store.markContracted(
            migrationId,
            override as ContractOverride | undefined,
            held.owner,
            outcome.record,
          );
    if (!marked) return { refused: await this.changedMeanwhile(job) };
    await outcome.announce();
    await this.afterwards(migration, job);
    return { done: true };
  }

  /**
   * The engine's own evidence before contract: reads of the previous shape after
   * every known consumer moved refuse it, unless a person overrode with a reason.
   * The override is kept with the run only when a gate needed it: consumers that
   * had not moved (the request's blockers; reads are not judged then) or reads
   * nobody accounted for.
   */
  private async readersGate(
    migration: Migration,
    run: DatasetMigrationRun,
    engine: DatasetEngine,
    job: OperationJob,
  ): Promise<
    { override?: ContractOverride; gone?: true } | { refused: string }
  > {
    const blockers = job.override?.blockers ?? [];
    // Known consumers that have not moved read the previous shape (their shadow
    // checks too): reads prove nothing of unknown readers until they have moved.
    if (blockers.length > 0)
      return { override: { ...job.override!, blockers } };
    const consumersMovedAt = await this.deps.lastConsumerMovedAt?.(
      migration.id,
    );
    const verdict = await judgeReads({
      engine,
      run,
      store: this.deps.store,
      consumersMovedAt,
    });
    if (verdict.clear && verdict.gone) {
      // Contracted already: recorded with the override of the request that did it.
      const committing =
        await this.deps.store.getCheckpoint<ContractGateRecord>(
          migration.id,
          CONTRACT_GATE,
        );
      return {
        gone: true,
        ...(committing?.override ? { override: committing.override } : {}),
      };
    }
    if (verdict.clear) return {};
    if (!job.override) {
      return {
        refused: describeReads(
          verdict,
          migration.fromVersion,
          consumersMovedAt,
        ),
      };
    }
    return {
      override: {
        ...job.override,
        blockers,
        ...('found' in verdict ? { undiscoveredReads: verdict.found } : {}),
      },
    };
  }

  /**
   * Not leased: another worker holds the run (throws, so the job is retried), or
   * the operation is done already (a rerun: finish and answer), or the run moved on.
   */
  private async unclaimed(job: OperationJob): Promise<void> {
    const { store } = this.deps;
    const { migrationId, operation, requestId } = job;
    const migration = await store.getMigrationWithPlan(migrationId);
    if (!migration) return;
    if (await store.getCheckpoint(migrationId, operationOutcomeName(requestId)))
      return;
    const done =
      operation === 'rollback'
        ? migration.status === 'rolled-back'
        : migration.contractedAt !== undefined;
    if (done) {
      await this.afterwards(migration, job);
      await this.answer(job, { done: true });
      return;
    }
    if (isLiveMigration(migration) && !migration.contractedAt) {
      throw new Error(
        `migration ${migrationId} is leased to another worker; the ${operation} is retried once it lets go`,
      );
    }
    await this.answer(job, {
      refused: await this.changedMeanwhile(job, migration),
    });
  }

  /**
   * Why an operation found its run changed by another: what that other did, from
   * the run as `read` (read again when not given).
   */
  private async changedMeanwhile(
    { migrationId, operation }: OperationJob,
    read?: Migration,
  ): Promise<string> {
    const now =
      read ?? (await this.deps.store.getMigrationWithPlan(migrationId));
    let what = `is ${now?.status ?? 'gone'}`;
    if (now?.status === 'rolled-back') what = 'was rolled back';
    if (now?.contractedAt) what = 'was contracted';
    return `migration ${migrationId} ${what} meanwhile, so it was not ${PAST_TENSE[operation]}`;
  }

  /** What follows a rollback once readers are back; each part is safe to repeat. */
  private async afterwards(
    migration: Migration,
    job: OperationJob,
  ): Promise<void> {
    if (job.operation !== 'rollback') return;
    // The consumers' work for this version is over.
    await this.deps.settleRolledBack?.(migration, job.override);
    const credentials = await this.deps.auth.getOwnServiceCredentials();
    await this.deps.catalog
      .refresh(migration.entityRef, credentials)
      .catch(() => {});
  }

  private async answer(
    job: OperationJob,
    outcome: OperationOutcome,
  ): Promise<void> {
    await this.deps.store.setCheckpoint(
      job.migrationId,
      operationOutcomeName(job.requestId),
      outcome,
    );
  }
}
