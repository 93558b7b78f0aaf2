import { hostname } from 'node:os';
import { randomUUID } from 'node:crypto';
import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  planFieldChanges,
  type Migration,
  type MigrationPlan,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  MigrationCancelledError,
  MigrationInterruptedError,
  type DatasetMigrationRun,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import type { Lease, MigrationStore } from '../database/MigrationStore';
import type { Enqueue } from '../database/MigrationRequestStore';
import type { EngineRegistry } from '../engines/EngineRegistry';
import {
  createRunContext,
  attemptOwner,
  holdRunLease,
  LEASE_RAN_OUT,
  runOf,
  PINNED_PLAN,
  type HeldLease,
  type PinnedPlan,
} from './runContext';
import { DatasetCatalog, currentState } from '../catalog/DatasetCatalog';
import { TableClaims } from '../catalog/TableClaims';
import type {
  MigrationAnnouncer,
  MigrationChange,
} from '../announcements/MigrationAnnouncer';
import { meterStages, type StageMeter } from '../metrics/meterStages';
import {
  pendingOutcome,
  type OutcomeAnnouncements,
} from './outcomeAnnouncements';

import { recordReadsBaseline } from './previousShapeReads';
import { asInterruption } from './databaseLoss';
/** A schema as "name type, …", to compare what was reviewed with what would run. */
function shapeOf(fields: { name: string; type: string }[]): string {
  return fields.map(f => `${f.name} ${f.type}`).join(', ');
}

/**
 * Interrupted attempts in a row that wrote no checkpoint, after which the run is
 * failed: a long copy or verify under repeated connection losses still moves on
 * from its checkpoints, while a run that cannot get anywhere stops.
 */
export const MAX_ATTEMPTS_WITHOUT_PROGRESS = 10;
/** Attempts after which a run is failed whatever it did (one interrupted before any step counts here only). */
const MAX_ATTEMPTS = 100;
/** After an interruption, how long before another worker may resume the run. */
const RESUME_DELAY_MS = 2000;

export interface MigrationRunnerOptions {
  store: MigrationStore;
  engines: EngineRegistry;
  catalog: DatasetCatalog;
  auth: AuthService;
  logger: LoggerService;
  /** How long a run stays this worker's without a heartbeat. */
  leaseMs: number;
  /**
   * Before the first stage of a real migration: its consumers that wait for a
   * person's decision, once every consumer has been assessed. While there are any,
   * no stage runs and the migration waits in `awaiting-decision`.
   */
  undecidedConsumers?: (
    migrationId: string,
  ) => Promise<Array<{ entityRef: string }>>;
  /**
   * Queues what a real (not dry-run) migration's success starts, in the
   * transaction that records the success.
   */
  onSucceeded?: Enqueue;
  /** Told of every committed change of a run: its outcomes, steps and progress. */
  announcer?: MigrationAnnouncer;
  /** Where outcomes are recorded as owed with the run's, so they are announced though this worker dies. */
  outcomes?: OutcomeAnnouncements;
  /** Times each stage and counts what it copied. */
  stages?: StageMeter;
}

/**
 * Executes migration attempts: the job handler behind the queue. A run is leased to
 * one worker at a time and heartbeats while it works; everything it decides is
 * written to the store, so any replica can answer for it and resume it.
 */
export class MigrationRunner {
  /** Unique per process, so a restarted backend never mistakes an old lease for its own. */
  readonly workerId = `${hostname()}:${process.pid}:${randomUUID().slice(
    0,
    8,
  )}`;
  private stopping = false;
  private readonly running = new Set<Promise<void>>();

  constructor(private readonly deps: MigrationRunnerOptions) {}

  /** Interrupts running attempts at their next safe point and waits for them. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.allSettled([...this.running]);
  }

  async run(migrationId: string): Promise<void> {
    const attempt = this.attempt(migrationId);
    this.running.add(attempt);
    try {
      await attempt;
    } finally {
      this.running.delete(attempt);
    }
  }

  private async attempt(migrationId: string): Promise<void> {
    const { store, engines, catalog, auth, logger } = this.deps;
    const lease: Lease = {
      owner: attemptOwner(this.workerId),
      durationMs: this.deps.leaseMs,
    };
    const claimedAt = Date.now();
    const migration = await store.claimMigration(migrationId, lease);
    if (!migration) {
      logger.info(
        `Migration ${migrationId} is finished or leased to another worker; this job ends here`,
      );
      return;
    }
    const attempt = migration.attempts;
    const held = holdRunLease(store, migrationId, lease, claimedAt, logger);
    const announce = (change: Omit<MigrationChange, 'migrationId'> = {}) =>
      this.deps.announcer?.migrationChanged({ migrationId, ...change });
    const context = meterStages(
      createRunContext(
        store,
        migrationId,
        attempt,
        held,
        // Not awaited, so its failure is logged here rather than left unhandled.
        () =>
          void announce()?.catch(error =>
            logger.warn(
              `Could not announce a step of migration ${migrationId}: ${error}`,
            ),
          ),
      ),
      this.deps.stages,
    );
    const { log, step } = context;
    // The first attempt of a request (or of its retry) starts it; later ones resume it.
    await announce(
      attempt === migration.retriedAtAttempt + 1 ? { outcome: 'started' } : {},
    );

    const throwIfCancelled = async () => {
      if (held.lostReason) throw new MigrationInterruptedError(held.lostReason);
      if (this.stopping)
        throw new MigrationInterruptedError('the backend is shutting down');
      if (await store.isCancelRequested(migrationId))
        throw new MigrationCancelledError();
    };

    try {
      const since = migration.retriedAtAttempt;
      let gaveUp: Error | undefined;
      if (attempt - since > MAX_ATTEMPTS)
        gaveUp = new Error(
          `gave up after ${MAX_ATTEMPTS} interrupted attempts`,
        );
      else if (
        attempt - since > MAX_ATTEMPTS_WITHOUT_PROGRESS &&
        (await store.attemptsWithoutProgress(migrationId, since)) >=
          MAX_ATTEMPTS_WITHOUT_PROGRESS
      )
        gaveUp = new Error(
          `gave up after ${MAX_ATTEMPTS_WITHOUT_PROGRESS} interrupted attempts in a row that made no progress`,
        );
      await log(`attempt ${attempt} started on ${lease.owner}`);
      const credentials = await auth.getOwnServiceCredentials();
      // The plan is pinned at the first attempt: after a cut-over the live schema is the
      // new one, and planning against it again would be planning another migration.
      const pinned = await store.getCheckpoint<PinnedPlan>(
        migrationId,
        PINNED_PLAN,
      );
      // Giving up goes through the engine, which alone can undo what attempts left.
      if (gaveUp && !pinned) throw gaveUp;
      // The rollout order the plan states is the order that runs: no data moves
      // while a consumer that reads what the migration drops waits for a decision.
      if (
        !pinned &&
        !migration.dryRun &&
        (await this.awaitDecisions(migration, lease, log))
      )
        return;
      const plan =
        pinned ??
        (await step('plan', () =>
          this.planAttempt(migration, credentials, context),
        ));
      // On a first attempt nothing has been done yet, so a cancel stops right here;
      // later attempts leave it to the engine, which alone can undo what is there.
      if (!pinned) await throwIfCancelled();

      const engine = engines.get(plan.engine);
      const run = runOf(migration, plan, {
        ...context,
        throwIfCancelled: gaveUp
          ? async () => {
              throw gaveUp;
            }
          : throwIfCancelled,
      });
      await engine.migrate(run);
      // A dry run changes nothing, so a cancel asked for while it ran still holds.
      if (migration.dryRun) await throwIfCancelled();
      // Reads of the previous shape are counted from here, for contract's gate.
      if (!migration.dryRun) await recordReadsBaseline(engine, run, store);

      const succeeded = pendingOutcome(this.deps, {
        migrationId,
        outcome: 'succeeded',
      });
      if (
        !(await store.finishMigration(
          migrationId,
          { status: 'succeeded' },
          lease.owner,
          this.deps.onSucceeded,
          succeeded.record,
        ))
      ) {
        logger.warn(
          `Migration ${migrationId} was taken over by another worker; its outcome is that worker's to record`,
        );
        return;
      }
      await succeeded.announce();
      if (!migration.dryRun) {
        // The data has moved; a catalog that is slow to hear it only delays the
        // annotation until its next processing round.
        await catalog
          .refresh(migration.entityRef, credentials)
          .catch(error =>
            log(
              `catalog refresh failed, the next processing round will pick it up: ${error}`,
              'warn',
            ),
          );
        await log(`dataset is at schema version ${migration.targetVersion}`);
      }
    } catch (caught) {
      const error = asInterruption(caught);
      if (error instanceof MigrationInterruptedError) {
        await this.interrupted(migrationId, lease, held, error, log);
        return;
      }
      const cancelled = error instanceof MigrationCancelledError;
      const reason = cancelled
        ? 'cancelled by request'
        : String((error as Error).message ?? error);
      await log(
        cancelled ? 'cancelled; nothing was changed' : `failed: ${reason}`,
        cancelled ? 'warn' : 'error',
      );
      const ended = pendingOutcome(this.deps, {
        migrationId,
        outcome: cancelled ? 'cancelled' : 'failed',
        reason,
      });
      const recorded = await store.finishMigration(
        migrationId,
        { status: cancelled ? 'cancelled' : 'failed', reason },
        lease.owner,
        undefined,
        ended.record,
      );
      if (recorded) await ended.announce();
    } finally {
      await held.stopHeartbeat();
    }
  }

  /**
   * Assesses the consumers and, while any waits for a decision, parks the run in
   * `awaiting-decision` without its lease; true when it did. A decision recorded
   * meanwhile is seen by the park itself, and the run goes on.
   */
  private async awaitDecisions(
    migration: Migration,
    lease: Lease,
    log: DatasetMigrationRun['log'],
  ): Promise<boolean> {
    if (!this.deps.undecidedConsumers) return false;
    const undecided = await this.deps
      .undecidedConsumers(migration.id)
      .catch(error => {
        // The database or a claim went away: the run resumes, as from a stage.
        const interruption = asInterruption(error);
        if (interruption instanceof MigrationInterruptedError)
          throw interruption;
        throw new Error(
          `could not assess the consumers before the first stage: ${
            (error as Error).message
          }`,
        );
      });
    if (undecided.length === 0) return false;
    const names = undecided.map(c => c.entityRef).join(', ');
    if (!(await this.deps.store.awaitDecisions(migration.id, lease.owner))) {
      // Decided meanwhile, or cancelled or taken over: the next steps see which.
      await log(
        `not waiting for ${names}: decided meanwhile, or the run was cancelled or taken over`,
      );
      return false;
    }
    await log(
      `no stage runs until each consumer that reads a dropped or recomputed field, or would break at the cut-over, is decided; waiting for ${
        undecided.length
      } decision${undecided.length === 1 ? '' : 's'}: ${names}`,
      'warn',
    );
    return true;
  }

  /**
   * Plans the first attempt against the live schema and pins it: later attempts and
   * rollback run exactly this, and a schema that changed since review voids it.
   */
  private async planAttempt(
    migration: Migration & { plan?: MigrationPlan },
    credentials: BackstageCredentials,
    context: ReturnType<typeof createRunContext>,
  ): Promise<PinnedPlan> {
    const { store, engines, catalog } = this.deps;
    const { log } = context;
    const entity = await catalog.getDataset(migration.entityRef, credentials);
    const { location, migratedVersion } = await currentState(entity, store);
    const current = migratedVersion ?? migration.fromVersion;
    if (current !== migration.fromVersion) {
      throw new Error(
        `the dataset is at schema version ${current} now, not ${migration.fromVersion} as when this migration was requested`,
      );
    }
    const reviewed = migration.plan;
    // The catalog may have changed since the request: a table another entity names
    // now fails the run before the engine is asked anything.
    const tables = await TableClaims.read(catalog, engines, [location.engine]);
    tables.assertOnlyNamedBy(
      migration.entityRef,
      location.engine,
      location.table,
    );
    if (reviewed?.targetTable)
      tables.assertOnlyNamedBy(
        migration.entityRef,
        location.engine,
        reviewed.targetTable,
        'renameDataset.to',
      );
    const schema = await engines.get(location.engine).introspect(location);
    const plan = planFieldChanges(schema.fields, migration.changes);
    if (plan.problems.length > 0) throw new Error(plan.problems.join('; '));
    // What runs must be what was reviewed: a schema that changed since voids the plan.
    if (reviewed && shapeOf(reviewed.target) !== shapeOf(plan.fields)) {
      throw new Error(
        `the dataset changed since this migration was planned (planned ${shapeOf(
          reviewed.target,
        )}, now ${shapeOf(
          plan.fields,
        )}); request it again to review a new plan`,
      );
    }
    await log(
      `${location.engine}:${location.table} v${migration.fromVersion} → v${migration.targetVersion}, ~${schema.rowEstimate} rows`,
    );
    const planned: PinnedPlan = {
      engine: location.engine,
      table: location.table,
      ...(reviewed?.targetTable ? { renamedTo: reviewed.targetTable } : {}),
      targetFields: plan.fields,
    };
    await context.checkpoints.set(PINNED_PLAN, planned);
    return planned;
  }

  /** Leaves the run as it is, to be resumed from its checkpoints by whoever leases it next. */
  private async interrupted(
    migrationId: string,
    lease: Lease,
    held: HeldLease,
    error: Error,
    log: DatasetMigrationRun['log'],
  ): Promise<void> {
    // Before the lease is shortened below: a renewal landing after it would
    // restore a whole lease, and the run would wait that long for the sweep.
    await held.stopHeartbeat();
    if (held.lost) {
      this.deps.logger.warn(
        `Migration ${migrationId}: ${error.message}; stopping this attempt`,
      );
      // Nobody took the run: its own log says why it stands still until the sweep.
      if (held.lostReason === LEASE_RAN_OUT)
        await log(`interrupted: ${error.message}`, 'warn').catch(() => {});
      return;
    }
    await log(
      `interrupted: ${error.message}; the run resumes from its checkpoints`,
      'warn',
    ).catch(() => {});
    // Shorten our lease so the next sweep hands the run on soon.
    await this.deps.store
      .renewLease(migrationId, {
        owner: lease.owner,
        durationMs: RESUME_DELAY_MS,
      })
      .catch(() => {});
  }
}
