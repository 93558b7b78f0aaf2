import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { planFieldChanges } from '@dataset-migrations/plugin-dataset-migrations-common';
import type { DatasetMigrationRun } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { MigrationStore } from '../database/MigrationStore';
import type { EngineRegistry } from '../engines/EngineRegistry';
import { DatasetCatalog, locationOf } from '../service/DatasetCatalog';

class MigrationCancelledError extends Error {
  constructor() {
    super('cancelled by request');
  }
}

/**
 * Executes one migration attempt: the job handler behind the queue. Everything it
 * decides is written to the store, so any replica can answer for the run; a job
 * for a migration that is no longer runnable does nothing.
 */
export class MigrationRunner {
  constructor(
    private readonly deps: {
      store: MigrationStore;
      engines: EngineRegistry;
      catalog: DatasetCatalog;
      auth: AuthService;
      logger: LoggerService;
    },
  ) {}

  async run(migrationId: string): Promise<void> {
    const { store, engines, catalog, auth, logger } = this.deps;
    const migration = await store.claimMigration(migrationId);
    if (!migration) {
      logger.info(`Migration ${migrationId} is no longer runnable; its job ends here`);
      return;
    }
    const attempt = migration.attempts;
    const log: DatasetMigrationRun['log'] = (message, level = 'info') =>
      store.appendLog(migrationId, { attempt, level, message, step: currentStep });
    let currentStep: string | undefined;
    const step = async <T>(name: string, work: () => Promise<T>): Promise<T> => {
      currentStep = name;
      await store.startStep(migrationId, attempt, name);
      try {
        const result = await work();
        await store.finishStep(migrationId, attempt, name, 'succeeded');
        return result;
      } catch (error) {
        await store.finishStep(migrationId, attempt, name, 'failed');
        throw error;
      } finally {
        currentStep = undefined;
      }
    };
    const throwIfCancelled = async () => {
      if (await store.isCancelRequested(migrationId)) throw new MigrationCancelledError();
    };

    try {
      await log(`attempt ${attempt} started`);
      const credentials = await auth.getOwnServiceCredentials();
      const { engine: engineName, targetFields, table } = await step('plan', async () => {
        const entity = await catalog.getDataset(migration.entityRef, credentials);
        const location = locationOf(entity);
        const current = (await store.getSchemaVersion(migration.entityRef)) ?? migration.fromVersion;
        if (current !== migration.fromVersion) {
          throw new Error(
            `the dataset is at schema version ${current} now, not ${migration.fromVersion} as when this migration was requested`,
          );
        }
        const schema = await engines.get(location.engine).introspect(location);
        const plan = planFieldChanges(schema.fields, migration.changes);
        if (plan.problems.length > 0) throw new Error(plan.problems.join('; '));
        await log(
          `${location.engine}:${location.table} v${migration.fromVersion} → v${migration.targetVersion}, ~${schema.rowEstimate} rows`,
        );
        return { engine: location.engine, table: location.table, targetFields: plan.fields };
      });
      await throwIfCancelled();

      await engines.get(engineName).migrate({
        migrationId,
        entityRef: migration.entityRef,
        dataset: { table },
        fromVersion: migration.fromVersion,
        targetVersion: migration.targetVersion,
        targetFields,
        dryRun: migration.dryRun,
        step,
        log,
        throwIfCancelled,
      });

      await store.finishMigration(migrationId, { status: 'succeeded' });
      if (!migration.dryRun) {
        // The data has moved; a catalog that is slow to hear it only delays the
        // annotation until its next processing round.
        await catalog.refresh(migration.entityRef, credentials).catch(error =>
          log(`catalog refresh failed, the next processing round will pick it up: ${error}`, 'warn'),
        );
        await log(`dataset is at schema version ${migration.targetVersion}`);
      }
    } catch (error) {
      const cancelled = error instanceof MigrationCancelledError;
      const reason = cancelled ? 'cancelled by request' : String((error as Error).message ?? error);
      await log(cancelled ? 'cancelled; nothing was changed' : `failed: ${reason}`, cancelled ? 'warn' : 'error');
      await store.finishMigration(migrationId, {
        status: cancelled ? 'cancelled' : 'failed',
        reason,
      });
    }
  }
}
