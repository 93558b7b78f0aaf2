import type { Config } from '@backstage/config';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  datasetEnginesExtensionPoint,
  type DatasetEngineFactory,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import { DatabaseMigrationStore } from './database/DatabaseMigrationStore';
import { EngineRegistry } from './engines/EngineRegistry';
import { postgresEngineFactory } from './engines/postgres/PostgresDatasetEngine';
import { JobQueue } from './jobs/JobQueue';
import { LeaseSweeper } from './jobs/LeaseSweeper';
import { MigrationRunner } from './jobs/MigrationRunner';
import { DatasetCatalog } from './service/DatasetCatalog';
import { MigrationService } from './service/MigrationService';
import { createRouter } from './service/router';

/**
 * The dataset-migrations backend plugin.
 *
 * @public
 */
export const datasetMigrationsPlugin = createBackendPlugin({
  pluginId: 'dataset-migrations',
  register(env) {
    const engineFactories: DatasetEngineFactory[] = [postgresEngineFactory];
    env.registerExtensionPoint(datasetEnginesExtensionPoint, {
      addEngineFactory(factory) {
        engineFactories.push(factory);
      },
    });

    env.registerInit({
      deps: {
        config: coreServices.rootConfig,
        logger: coreServices.logger,
        database: coreServices.database,
        httpRouter: coreServices.httpRouter,
        httpAuth: coreServices.httpAuth,
        auth: coreServices.auth,
        lifecycle: coreServices.lifecycle,
        catalog: catalogServiceRef,
      },
      async init({
        config,
        logger,
        database,
        httpRouter,
        httpAuth,
        auth,
        lifecycle,
        catalog,
      }) {
        const store = await DatabaseMigrationStore.create({ database });
        const engines = await EngineRegistry.fromConfig({
          config,
          factories: engineFactories,
          logger,
        });
        const queue = new JobQueue({
          knex: await database.getClient(),
          schema:
            config.getOptionalString('datasetMigrations.worker.schema') ??
            'dataset_migrations_worker',
          logger: logger.child({ component: 'job-queue' }),
        });
        await queue.migrate();

        const datasetCatalog = new DatasetCatalog(catalog);
        const workerConfig = readWorkerConfig(config);
        let runner: MigrationRunner | undefined;
        let sweeper: LeaseSweeper | undefined;
        if (workerConfig.enabled) {
          runner = new MigrationRunner({
            store,
            engines,
            catalog: datasetCatalog,
            auth,
            logger,
            leaseMs: workerConfig.leaseMs,
          });
          sweeper = new LeaseSweeper({
            store,
            queue,
            logger,
            intervalMs: workerConfig.sweepMs,
            graceMs: workerConfig.leaseMs,
          });
          // Start once the backend serves: a job may call the catalog straight away.
          lifecycle.addStartupHook(async () => {
            await queue.start({
              concurrency: workerConfig.concurrency,
              runMigration: id => runner!.run(id),
            });
            sweeper!.start();
          });
          logger.info(
            `Migration workers enabled, concurrency ${workerConfig.concurrency}`,
          );
        } else {
          logger.info(
            'Migration workers disabled on this replica; it only queues work',
          );
        }
        lifecycle.addShutdownHook(async () => {
          sweeper?.stop();
          // Running attempts stop at their next checkpoint; another replica resumes them.
          await runner?.stop();
          await queue.stop();
          await engines.close();
        });

        httpRouter.use(
          createRouter({
            service: new MigrationService({
              store,
              catalog: datasetCatalog,
              engines,
              queue,
              retentionMs:
                (config.getOptionalNumber(
                  'datasetMigrations.contract.retentionHours',
                ) ?? 168) * 3600_000,
            }),
            httpAuth,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        httpRouter.addAuthPolicy({ path: '/spec', allow: 'unauthenticated' });
      },
    });
  },
});

function readWorkerConfig(config: Config) {
  const worker = config.getOptionalConfig('datasetMigrations.worker');
  const leaseSeconds = worker?.getOptionalNumber('leaseSeconds') ?? 30;
  return {
    enabled: worker?.getOptionalBoolean('enabled') ?? true,
    concurrency: worker?.getOptionalNumber('concurrency') ?? 4,
    leaseMs: leaseSeconds * 1000,
    sweepMs: Math.max(1000, Math.min(10_000, (leaseSeconds * 1000) / 3)),
  };
}
