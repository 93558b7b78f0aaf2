import type { Config } from '@backstage/config';
import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import {
  datasetEnginesExtensionPoint,
  datasetMigrationsScmExtensionPoint,
  type DatasetEngineFactory,
  type ScmProvider,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import { CommandCodingAgent } from './consumers/agent/CommandCodingAgent';
import { ConsumerPipeline } from './consumers/ConsumerPipeline';
import { ConsumerPullRequests } from './services/ConsumerPullRequests';
import { ConsumerService } from './services/ConsumerService';
import { ConsumerStore } from './database/ConsumerStore';
import { RollbackSettlement } from './consumers/RollbackSettlement';
import { GithubRepositoryReader } from './consumers/repositories/GithubRepositoryReader';
import { LocalGitRepositoryReader } from './consumers/repositories/LocalGitRepositoryReader';
import { GithubScmProvider } from './consumers/scm/GithubScmProvider';
import { GithubRepositories } from './consumers/github';
import { LocalGitScmProvider } from './consumers/scm/LocalGitScmProvider';
import { DatabaseMigrationStore } from './database/DatabaseMigrationStore';
import { EngineRegistry } from './engines/EngineRegistry';
import { postgresEngineFactory } from './engines/postgres/PostgresDatasetEngine';
import { JobQueue } from './queue/JobQueue';
import { LeaseSweeper } from './jobs/LeaseSweeper';
import { PullRequestFollowUp } from './jobs/PullRequestFollowUp';
import { MigrationRunner } from './jobs/MigrationRunner';
import { OperationRunner } from './jobs/OperationRunner';
import { DatasetCatalog } from './catalog/DatasetCatalog';
import { MigrationService } from './services/MigrationService';
import { createRouter } from './http/router';

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
    const scmProviders: ScmProvider[] = [];
    env.registerExtensionPoint(datasetMigrationsScmExtensionPoint, {
      addScmProvider(provider) {
        scmProviders.push(provider);
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
        const queueKnex = await database.getClient();
        const queue = new JobQueue({
          knex: queueKnex,
          schema:
            config.getOptionalString('datasetMigrations.worker.schema') ??
            'dataset_migrations_worker',
          logger: logger.child({ component: 'job-queue' }),
        });
        await queue.migrate();

        const datasetCatalog = new DatasetCatalog(catalog);
        const workerConfig = readWorkerConfig(config);
        const consumerConfig = readConsumerConfig(config);
        const consumers = new ConsumerStore(await database.getClient());
        // One set of GitHub integrations and credentials for reading and for pull requests.
        const github = GithubRepositories.fromConfig(config);
        const readers = [
          new GithubRepositoryReader(github),
          new LocalGitRepositoryReader(),
        ];
        const enqueueConsumer = (migrationId: string, entityRef: string) =>
          queue.enqueueConsumer(migrationId, entityRef);
        // Modules' providers first, so they can take over a host.
        const scm = [
          ...scmProviders,
          new GithubScmProvider(github, (input, init) => fetch(input, init)),
          new LocalGitScmProvider(),
        ];
        const settlement = new RollbackSettlement({
          consumers,
          scm,
          enqueueClose: (migrationId, entityRef) =>
            queue.enqueueClosePullRequest(migrationId, entityRef),
          logger,
        });
        // A migration waiting for decisions is queued again, with its job, once none is missing.
        const resumeIfDecided = async (migrationId: string) => {
          await store.resumeAfterDecisions(migrationId, (tx, id) =>
            queue.enqueueMigration(tx, id),
          );
        };
        const agent = CommandCodingAgent.fromConfig(config);
        const pipeline = new ConsumerPipeline({
          consumers,
          migrations: store,
          catalog: datasetCatalog,
          engines,
          readers,
          scm,
          agent,
          auth,
          enqueueConsumer,
          resumeIfDecided,
          limits: consumerConfig,
        });
        const followUp = new PullRequestFollowUp({
          consumers,
          enqueueConsumer,
          logger,
          intervalMs: consumerConfig.followUpMs,
        });
        let runner: MigrationRunner | undefined;
        let operations: OperationRunner | undefined;
        let sweeper: LeaseSweeper | undefined;
        if (workerConfig.enabled) {
          runner = new MigrationRunner({
            store,
            engines,
            catalog: datasetCatalog,
            auth,
            logger,
            leaseMs: workerConfig.leaseMs,
            // The new version exists: consumers can now be patched and checked against it.
            onSucceeded: id => queue.enqueueConsumerDiscovery(queueKnex, id),
            undecidedConsumers: id => pipeline.assessBeforeRun(id),
          });
          // Rollback and contract, under the run's lease with this replica's id.
          operations = new OperationRunner({
            store,
            engines,
            catalog: datasetCatalog,
            auth,
            logger,
            workerId: runner.workerId,
            leaseMs: workerConfig.leaseMs,
            settleRolledBack: (migration, override) =>
              settlement.settle(migration, override),
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
              handlers: {
                runMigration: id => runner!.run(id),
                discoverConsumers: async id => {
                  await pipeline.discover(id);
                },
                advanceConsumer: (id, ref) => pipeline.advance(id, ref),
                operateMigration: job => operations!.run(job),
                closePullRequest: async (id, ref) => {
                  const migration = await store.getMigrationWithPlan(id);
                  if (migration) await settlement.closeOne(migration, ref);
                },
              },
            });
            sweeper!.start();
            followUp.start();
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
          followUp.stop();
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
              consumers: {
                countOpenByDataset: refs => consumers.countOpenByDataset(refs),
                listMergedPatches: id => consumers.listMergedPatches(id),
                listMoving: id => consumers.listMoving(id),
              },
              retentionMs:
                (config.getOptionalNumber(
                  'datasetMigrations.contract.retentionHours',
                ) ?? 168) * 3600_000,
            }),
            consumers: new ConsumerService({
              consumers,
              migrations: store,
              catalog: datasetCatalog,
              engines,
              readers,
              enqueueConsumer,
              hasAgent: agent !== undefined,
              resumeIfDecided,
            }),
            pullRequests: new ConsumerPullRequests({
              consumers,
              migrations: store,
              scm,
              enqueueConsumer,
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

function readConsumerConfig(config: Config) {
  const consumers = config.getOptionalConfig('datasetMigrations.consumers');
  return {
    maxDepth: consumers?.getOptionalNumber('maxDepth') ?? 3,
    commandTimeoutMs:
      (consumers?.getOptionalNumber('verify.timeoutSeconds') ?? 300) * 1000,
    commandMemoryMb: consumers?.getOptionalNumber('verify.memoryMb') ?? 4096,
    shadowTimeoutMs:
      (consumers?.getOptionalNumber('shadowCheck.timeoutSeconds') ?? 60) * 1000,
    followUpMs: (consumers?.getOptionalNumber('followUpSeconds') ?? 300) * 1000,
  };
}
