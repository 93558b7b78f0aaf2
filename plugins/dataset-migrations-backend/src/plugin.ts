import {
  coreServices,
  createBackendPlugin,
} from '@backstage/backend-plugin-api';
import { metricsServiceRef } from '@backstage/backend-plugin-api/alpha';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { eventsServiceRef } from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import { signalsServiceRef } from '@backstage/plugin-signals-node';
import {
  datasetEnginesExtensionPoint,
  datasetMigrationsScmExtensionPoint,
  type DatasetEngineFactory,
  type ScmProvider,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import { CommandCodingAgent } from './consumers/agent/CommandCodingAgent';
import { RewriteWorkers } from './consumers/rewriteWorkers';
import { ConsumerPipeline } from './consumers/ConsumerPipeline';
import { ConsumerPullRequests } from './services/ConsumerPullRequests';
import { ConsumerService } from './services/ConsumerService';
import { ConsumerStore } from './database/ConsumerStore';
import { RollbackSettlement } from './consumers/RollbackSettlement';
import { GithubRepositoryReader } from './consumers/repositories/GithubRepositoryReader';
import { CommitFilesCache } from './consumers/repositories/CommitFilesCache';
import { LocalGitRepositoryReader } from './consumers/repositories/LocalGitRepositoryReader';
import { LocalRepositoryRoots } from './consumers/repositories/LocalRepositoryRoots';
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
import { CampaignPullRequestSlots } from './database/CampaignPullRequestSlots';
import { recordDatasetOwners } from './jobs/recordDatasetOwners';
import { DatasetCatalog } from './catalog/DatasetCatalog';
import { MigrationService } from './services/MigrationService';
import { createRouter } from './http/router';
import { RequestGuard } from './http/RequestGuard';
import { registerPermissions } from './permissions/registerPermissions';
import { readPluginConfig } from './config/readPluginConfig';
import { keepSqlParserOnBaselineCode, loadSqlParser } from './sql/sqlParser';
import { BackstageMigrationAnnouncer } from './announcements/BackstageMigrationAnnouncer';
import { meterDatasetMigrations } from './metrics';
import { DatabaseCampaignStore } from './database/DatabaseCampaignStore';
import { CampaignRunner } from './campaigns/CampaignRunner';
import { CampaignDeadlineEscalation } from './campaigns/CampaignDeadlineEscalation';
import { CampaignAuditOutbox } from './database/CampaignAuditOutbox';
import { MigrationOutcomeOutbox } from './database/MigrationOutcomeOutbox';
import { OutcomeAnnouncements } from './jobs/outcomeAnnouncements';
import { CampaignLookLeases } from './database/CampaignLookLeases';
import { CampaignEscalations } from './database/CampaignEscalations';
import { CampaignService } from './campaigns/CampaignService';
import { withCampaignTicks } from './campaigns/campaignTicks';
import { CampaignPlanner } from './campaigns/CampaignPlanner';

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
        userInfo: coreServices.userInfo,
        lifecycle: coreServices.lifecycle,
        scheduler: coreServices.scheduler,
        catalog: catalogServiceRef,
        permissions: coreServices.permissions,
        permissionsRegistry: coreServices.permissionsRegistry,
        auditor: coreServices.auditor,
        notifications: notificationService,
        signals: signalsServiceRef,
        events: eventsServiceRef,
        metrics: metricsServiceRef,
      },
      async init({
        config,
        logger,
        database,
        httpRouter,
        httpAuth,
        auth,
        userInfo,
        lifecycle,
        scheduler,
        catalog,
        permissions,
        permissionsRegistry,
        auditor,
        notifications,
        signals,
        events,
        metrics,
      }) {
        // Read and checked before anything starts: a bad value fails startup, naming its key.
        const settings = readPluginConfig(config);
        if (!settings.sqlParser.optimize) keepSqlParserOnBaselineCode();
        // Loaded once here, after that choice: planning, impact and campaign plans parse SQL.
        await loadSqlParser();
        const store = await DatabaseMigrationStore.create({ database });
        const campaignStore = new DatabaseCampaignStore(
          await database.getClient(),
        );
        const guard = new RequestGuard({
          permissions,
          auditor,
          toMigrationFilter: registerPermissions(
            permissionsRegistry,
            store,
            campaignStore,
          ),
        });
        const engines = await EngineRegistry.fromConfig({
          config,
          factories: engineFactories,
          logger,
        });
        const queueKnex = await database.getClient();
        const queue = new JobQueue({
          knex: queueKnex,
          schema: settings.worker.schema,
          poolSize: settings.worker.poolSize,
          logger: logger.child({ component: 'job-queue' }),
        });
        await queue.migrate();

        const datasetCatalog = new DatasetCatalog(catalog, auth);
        const { worker, consumers: consumerSettings } = settings;
        const consumers = new ConsumerStore(await database.getClient());
        // People, portals and other plugins hear of each committed change; a
        // delivery that fails is retried and logged, and the migration goes on.
        const meters = meterDatasetMigrations({
          metrics,
          knex: queueKnex,
          workerSchema: settings.worker.schema,
          migrations: store,
          logger: logger.child({ component: 'metrics' }),
        });
        const backstageAnnouncer = new BackstageMigrationAnnouncer({
          migrations: store,
          campaigns: campaignStore,
          notifications,
          signals,
          events,
          logger: logger.child({ component: 'announcer' }),
        });
        // A campaign's migration that ends asks its campaign to look again at once.
        const announcer = withCampaignTicks(
          meters.announcer(backstageAnnouncer),
          {
            migrations: store,
            consumers,
            enqueueTick: id => queue.enqueueCampaignTick(id),
            logger,
          },
        );
        const migrations = new MigrationService({
          store,
          catalog: datasetCatalog,
          engines,
          queue,
          consumers: {
            countOpenByDataset: refs => consumers.countOpenByDataset(refs),
            listMergedPatches: id => consumers.listMergedPatches(id),
            listMoving: id => consumers.listMoving(id),
          },
          retentionMs: settings.contract.retentionMs,
          permissions: guard,
          approvalsRequired: settings.approvals.required,
          announcer,
        });
        const campaignPlanning = new CampaignPlanner({
          catalog: datasetCatalog,
          engines,
          store,
          permissions: guard,
        });
        // One set of GitHub integrations and credentials for reading and for pull requests.
        const github = GithubRepositories.fromConfig(config);
        const localRoots = new LocalRepositoryRoots(
          consumerSettings.localGitRoots,
        );
        // One bound for the files both keep of commits they read.
        const cache = new CommitFilesCache();
        const readers = [
          new GithubRepositoryReader(github, { cache }),
          new LocalGitRepositoryReader(localRoots, cache),
        ];
        const enqueueConsumer = (migrationId: string, entityRef: string) =>
          queue.enqueueConsumer(migrationId, entityRef);
        // Modules' providers first, so they can take over a host.
        const scm = [
          ...scmProviders,
          new GithubScmProvider(github, (input, init) => fetch(input, init)),
          new LocalGitScmProvider(localRoots),
        ];
        const settlement = new RollbackSettlement({
          consumers,
          scm,
          enqueueClose: (migrationId, entityRef) =>
            queue.enqueueClosePullRequest(migrationId, entityRef),
          logger,
          announcer,
        });
        // A migration waiting for decisions is queued again, with its job, once none is missing.
        const resumeIfDecided = async (migrationId: string) => {
          await store.resumeAfterDecisions(migrationId, (tx, id) =>
            queue.enqueueMigration(tx, id),
          );
        };
        const agent =
          consumerSettings.agent &&
          new CommandCodingAgent(consumerSettings.agent);
        // Consumer jobs read code on worker threads, within a time and memory budget.
        const assessments = RewriteWorkers.forJobs({
          concurrency: worker.concurrency,
          ...consumerSettings.assessment,
        });
        const pipeline = new ConsumerPipeline({
          consumers,
          migrations: store,
          catalog: datasetCatalog,
          engines,
          readers,
          scm,
          agent,
          code: assessments,
          auth,
          enqueueConsumer,
          resumeIfDecided,
          announcer,
          // A dead worker's consumers resume about a lease later, as its runs do.
          claimLeaseMs: worker.leaseMs,
          logger: logger.child({ component: 'consumers' }),
          // A campaign's pull requests within its throttles; merged when it may.
          campaigns: {
            pullRequests: new CampaignPullRequestSlots(
              await database.getClient(),
            ),
            defer: (migrationId, entityRef, runAt) =>
              queue.enqueueConsumer(migrationId, entityRef, runAt),
          },
          auditor,
          limits: {
            maxDepth: consumerSettings.maxDepth,
            pullRequestRepositories: consumerSettings.pullRequestRepositories,
            runVerifyCommands: consumerSettings.verify.commands,
            commandTimeoutMs: consumerSettings.verify.timeoutMs,
            commandMemoryMb: consumerSettings.verify.memoryMb,
            commandIsolation: consumerSettings.verify.isolation,
            shadowTimeoutMs: consumerSettings.shadowCheck.timeoutMs,
          },
        });
        const followUp = new PullRequestFollowUp({
          consumers,
          enqueueConsumer,
          rounds: queue,
          logger,
          intervalMs: consumerSettings.followUpIntervalMs,
          reminderAfterMs: consumerSettings.pullRequestReminderAfterMs,
          announcer,
          escalation: new CampaignDeadlineEscalation({
            escalations: new CampaignEscalations(await database.getClient()),
            announcer,
            logger: logger.child({ component: 'campaign-escalation' }),
          }),
        });
        // Ends this replica's scheduled tasks before the workers they feed stop.
        const scheduled = new AbortController();
        let runner: MigrationRunner | undefined;
        let operations: OperationRunner | undefined;
        if (worker.enabled) {
          // Outcomes a worker records are announced though it dies right after.
          const outcomes = new OutcomeAnnouncements({
            outbox: new MigrationOutcomeOutbox(await database.getClient()),
            announcer,
            logger: logger.child({ component: 'announcer' }),
          });
          runner = new MigrationRunner({
            store,
            engines,
            catalog: datasetCatalog,
            auth,
            logger,
            leaseMs: worker.leaseMs,
            // The new version exists: consumers can now be patched and checked against it.
            onSucceeded: (tx, id) => queue.enqueueConsumerDiscovery(tx, id),
            undecidedConsumers: id => pipeline.assessBeforeRun(id),
            announcer,
            outcomes,
            stages: meters.stages,
          });
          // Rollback and contract, under the run's lease with this replica's id.
          operations = new OperationRunner({
            store,
            engines,
            catalog: datasetCatalog,
            auth,
            logger,
            workerId: runner.workerId,
            leaseMs: worker.leaseMs,
            settleRolledBack: (migration, override) =>
              settlement.settle(migration, override),
            holdingMerges: (migration, work) =>
              settlement.holdingMerges(migration, work),
            announcer,
            outcomes,
            stages: meters.stages,
            lastConsumerMovedAt: id => consumers.lastMovedAt(id),
          });
          const campaignRunner = new CampaignRunner({
            campaigns: campaignStore,
            lookLeases: new CampaignLookLeases(
              await database.getClient(),
              worker.leaseMs,
            ),
            migrations,
            queue,
            auth,
            logger: logger.child({ component: 'campaign-runner' }),
            audit: new CampaignAuditOutbox(await database.getClient()),
            auditor,
            announcer,
          });
          const sweeper = new LeaseSweeper({
            store,
            queue,
            logger,
            intervalMs: LeaseSweeper.intervalFor(worker.leaseMs),
            graceMs: worker.leaseMs,
            consumers: {
              listExpiredClaims: () => consumers.listExpiredClaims(),
              enqueueConsumer,
              staleJobs: staleMs => queue.staleConsumerJobs(staleMs),
              listUnclaimed: refs => consumers.listUnclaimed(refs),
            },
            followUp,
            campaigns: campaignStore,
            campaignAudit: campaignRunner,
            outcomes,
          });
          // Start once the backend serves: a job may call the catalog straight away.
          lifecycle.addStartupHook(async () => {
            // The sweep first: it is what recovers a dead replica's work, needs no
            // worker of this replica's, and nothing below (a start tried until the
            // database answers, say) may delay it or leave this replica without it.
            await sweeper.schedule(scheduler, scheduled.signal);
            // Runs from before owners were kept; a catalog hiccup only delays it.
            await recordDatasetOwners({
              store,
              catalog: datasetCatalog,
              auth,
              logger,
            }).catch(error =>
              logger.warn(
                `Could not record dataset owners on earlier runs: ${error}`,
              ),
            );
            // Tries until the workers run (or the plugin stops): Backstage only
            // logs a startup hook that throws.
            await queue.start({
              concurrency: worker.concurrency,
              handlers: {
                runMigration: id => runner!.run(id),
                discoverConsumers: async id => {
                  await pipeline.discover(id);
                },
                advanceConsumer: (id, ref, options) =>
                  pipeline.advance(id, ref, options),
                operateMigration: job => operations!.run(job),
                closePullRequest: async (id, ref) => {
                  const migration = await store.getMigrationWithPlan(id);
                  if (migration) await settlement.closeOne(migration, ref);
                },
                advanceCampaign: id => campaignRunner.tick(id),
                followUpPullRequests: () => followUp.round(),
              },
            });
            // The first round one interval after startup, unless one is waiting;
            // where this fails, the sweep schedules it (it checks every pass).
            await followUp
              .ensureScheduled(worker.leaseMs)
              .catch(error =>
                logger.warn(
                  `Could not schedule the pull-request follow-up yet; the lease sweep will: ${error}`,
                ),
              );
          });
          logger.info(
            `Migration workers enabled, concurrency ${worker.concurrency}`,
          );
        } else {
          logger.info(
            'Migration workers disabled on this replica; it only queues work',
          );
        }
        const rewrites = new RewriteWorkers(consumerSettings.rewritePreview);
        lifecycle.addShutdownHook(async () => {
          await rewrites.close();
          await assessments.close();
          scheduled.abort();
          // Running attempts stop at their next checkpoint; another replica resumes them.
          await runner?.stop();
          await queue.stop();
          await backstageAnnouncer.close();
          await engines.close();
        });

        httpRouter.use(
          createRouter({
            service: migrations,
            campaigns: new CampaignService({
              campaigns: campaignStore,
              planning: campaignPlanning,
              permissions: guard,
              userInfo,
              queue,
              announcer,
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
              retentionMs: settings.contract.retentionMs,
              rewrites,
              pullRequestRepositories: consumerSettings.pullRequestRepositories,
            }),
            pullRequests: new ConsumerPullRequests({
              consumers,
              migrations: store,
              scm,
              catalog: datasetCatalog,
              enqueueConsumer,
            }),
            httpAuth,
            guard,
          }),
        );
        httpRouter.addAuthPolicy({ path: '/health', allow: 'unauthenticated' });
        httpRouter.addAuthPolicy({ path: '/spec', allow: 'unauthenticated' });
        httpRouter.addAuthPolicy({
          path: '/campaign-spec',
          allow: 'unauthenticated',
        });
      },
    });
  },
});
