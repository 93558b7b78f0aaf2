/**
 * What both benchmarks stand on: a throw-away embedded PostgreSQL, a catalog that
 * holds only the bench's entities, and the plugin's real job path (store,
 * graphile-worker queue, runner, service) on that server.
 */
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import { ConfigReader } from '@backstage/config';
import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import { isDatasetEntity } from '@dataset-migrations/plugin-dataset-migrations-common';
import { DatabaseMigrationStore } from '../src/database/DatabaseMigrationStore';
import { EngineRegistry } from '../src/engines/EngineRegistry';
import { postgresEngineFactory } from '../src/engines/postgres/PostgresDatasetEngine';
import { JobQueue } from '../src/queue/JobQueue';
import { MigrationRunner } from '../src/jobs/MigrationRunner';
import { DatasetCatalog } from '../src/catalog/DatasetCatalog';
import { MigrationService } from '../src/services/MigrationService';
import type { MigrationAnnouncer } from '../src/announcements/MigrationAnnouncer';
import { ConsumerPipeline } from '../src/consumers/ConsumerPipeline';
import { RewriteWorkers } from '../src/consumers/rewriteWorkers';
import { ConsumerStore } from '../src/database/ConsumerStore';
import { LocalGitRepositoryReader } from '../src/consumers/repositories/LocalGitRepositoryReader';
import { LocalGitScmProvider } from '../src/consumers/scm/LocalGitScmProvider';
import { LocalRepositoryRoots } from '../src/consumers/repositories/LocalRepositoryRoots';
import { DEFAULT_ISOLATION } from '../src/consumers/sandbox/namespaces';
import { keepSqlParserOnBaselineCode } from '../src/sql/sqlParser';
import { registeredIn } from '../src/__testUtils__/gitRepos';

/** Warnings and errors only: a benchmark's output is its figures. */
export const quiet: LoggerService = {
  info: () => {},
  debug: () => {},
  warn: (message: string) => console.warn(`warn: ${message}`),
  error: (message: string) => console.error(`error: ${message}`),
  child: () => quiet,
};

export const benchAuth = {
  getOwnServiceCredentials: async () => ({
    principal: { type: 'service', subject: 'bench' },
  }),
} as unknown as AuthService;

export const benchUser = {
  $$type: '@backstage/BackstageCredentials',
  principal: { type: 'user', userEntityRef: 'user:default/bench' },
} as BackstageCredentials<any>;

/**
 * Every permission granted, on one entity or many: the benches measure
 * migrations, not permissions.
 */
export const benchPermissions = {
  isAllowedOnEntity: async () => true,
  assertAllowedOnEntity: async () => {},
  isAllowedOnEntities: async (_c: unknown, _p: unknown, refs: string[]) =>
    refs.map(() => true),
  assertAllowedOnEntities: async () => {},
  allowedEntities: async (_c: unknown, _p: unknown, refs: string[]) =>
    new Set(refs),
  seesRowsOf: () => async (refs: string[]) => new Set(refs),
};

/** A small deterministic generator, so every run benchmarks the same inputs. */
export function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

export function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

export { createGitRepositories } from './gitRepositories';

/** A consumer Component whose repository is the local git directory `dir`. */
export function consumerEntity(
  dir: string,
  owner: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: path.basename(dir),
      namespace: 'default',
      annotations: {
        ...registeredIn(dir),
        ...annotations,
      },
    },
    spec: { type: 'pipeline', owner },
  };
}

/** An embedded PostgreSQL with databases on demand, and this process's peak RSS. */
export async function startBenchPostgres(options: { fast: boolean }) {
  const { startTestPostgres } = await import(
    path.resolve(__dirname, '../../../scripts/with-test-postgres.mjs')
  );
  const { ensureDatabase } = await import('@internal/embedded-postgres');
  const server = await startTestPostgres(options);
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const connections: Knex[] = [];
  const url = (name: string): Promise<string> =>
    ensureDatabase(server.url, name);
  // The server runs detached (pg_ctl): a bench stopped by a signal stops it
  // first, then dies of that signal.
  const onSignal = (signal: NodeJS.Signals) => {
    server
      .stop()
      .catch(() => undefined)
      .finally(() => process.kill(process.pid, signal));
  };
  const signals: NodeJS.Signals[] = ['SIGINT', 'SIGTERM', 'SIGHUP'];
  for (const signal of signals) process.once(signal, onSignal);
  return {
    port: server.port as number,
    url,
    async connect(name: string, maxConnections = 5): Promise<Knex> {
      const knex = knexFactory({
        client: 'pg',
        connection: await url(name),
        pool: { min: 0, max: maxConnections },
      });
      connections.push(knex);
      return knex;
    },
    peakRssMb: () => Math.round(peakRss / 1024 / 1024),
    async stop() {
      for (const signal of signals) process.off(signal, onSignal);
      clearInterval(sampler);
      await Promise.all(connections.map(k => k.destroy()));
      await server.stop();
    },
  };
}

/** The `warehouse` engine on a bench database. */
export function benchEngines(
  connection: string,
  maxConnections = 4,
  backfill: { batchesByKey?: boolean } = {},
) {
  return EngineRegistry.fromConfig({
    config: new ConfigReader({
      datasetMigrations: {
        engines: {
          warehouse: { type: 'postgres', connection, maxConnections, backfill },
        },
      },
    }),
    factories: [postgresEngineFactory],
    logger: quiet,
  });
}

/** A catalog that holds just these entities. */
export function benchCatalog(entities: Entity[]): DatasetCatalog {
  const byRef = new Map(
    entities.map(e => [
      `${e.kind.toLowerCase()}:${e.metadata.namespace ?? 'default'}/${
        e.metadata.name
      }`,
      e,
    ]),
  );
  return new DatasetCatalog(
    {
      getEntityByRef: async (ref: string) => byRef.get(ref),
      getEntitiesByRefs: async ({ entityRefs }: { entityRefs: string[] }) => ({
        items: entityRefs.map(r => byRef.get(r)),
      }),
      getEntities: async () => ({ items: entities.filter(isDatasetEntity) }),
      refreshEntity: async () => {},
    } as unknown as CatalogService,
    benchAuth,
  );
}

/** The plugin's job path on its database; start the queue with the handlers a bench needs. */
/**
 * The SQL parser as the plugin sets it up by default (V8's baseline code), or
 * optimised with `--optimize-sql-parser` (`datasetMigrations.sqlParser.optimize`).
 * Returns the words for the bench's first line.
 */
export function sqlParserAsConfigured(): string {
  if (process.argv.includes('--optimize-sql-parser'))
    return 'SQL parser optimised by V8';
  keepSqlParserOnBaselineCode();
  return "SQL parser on V8's baseline code (the default)";
}

export async function startJobPath(options: {
  pluginDb: Knex;
  engines: EngineRegistry;
  catalog: DatasetCatalog;
  /** Queue the consumers' discovery when a migration succeeds, as the plugin does. */
  withConsumers?: boolean;
  /** Hears outcomes, as the plugin's announcer does (campaigns look again on them). */
  announcer?: MigrationAnnouncer;
}) {
  const { pluginDb, engines, catalog } = options;
  const store = await DatabaseMigrationStore.create({
    database: {
      getClient: async () => pluginDb,
      migrations: { skip: false },
    } as any,
  });
  const queue = new JobQueue({
    knex: pluginDb,
    schema: 'dataset_migrations_worker',
    logger: quiet,
  });
  await queue.migrate();
  const runner = new MigrationRunner({
    store,
    engines,
    catalog,
    auth: benchAuth,
    logger: quiet,
    leaseMs: 30_000,
    onSucceeded: options.withConsumers
      ? (tx, id) => queue.enqueueConsumerDiscovery(tx, id)
      : undefined,
    announcer: options.announcer,
  });
  const service = new MigrationService({
    store,
    catalog,
    engines,
    queue,
    retentionMs: 0,
    // The bench measures migrations, not permissions or approvals.
    permissions: benchPermissions,
    approvalsRequired: [],
    announcer: options.announcer,
  });
  return { store, queue, runner, service };
}

/**
 * The consumers' pipeline on local git repositories under `root`: discovery,
 * impact, rewrite, verification and a local pull request, as the plugin runs it.
 */
export function benchConsumerPipeline(options: {
  root: string;
  pluginDb: Knex;
  jobPath: Awaited<ReturnType<typeof startJobPath>>;
  catalog: DatasetCatalog;
  engines: EngineRegistry;
  announcer?: MigrationAnnouncer;
  campaigns?: ConstructorParameters<typeof ConsumerPipeline>[0]['campaigns'];
}) {
  const { root, pluginDb, jobPath, catalog, engines } = options;
  const consumers = new ConsumerStore(pluginDb);
  const reader = new LocalGitRepositoryReader(new LocalRepositoryRoots([root]));
  // As the plugin reads consumers' code: on worker threads, with its defaults.
  const assessments = RewriteWorkers.forJobs({
    concurrency: 4,
    timeoutMs: 300_000,
    memoryMb: 2048,
  });
  const pipeline = new ConsumerPipeline({
    consumers,
    migrations: jobPath.store,
    catalog,
    engines,
    readers: [reader],
    scm: [new LocalGitScmProvider(new LocalRepositoryRoots([root]))],
    code: assessments,
    auth: benchAuth,
    enqueueConsumer: (id, ref) => jobPath.queue.enqueueConsumer(id, ref),
    announcer: options.announcer,
    campaigns: options.campaigns,
    limits: {
      runVerifyCommands: true,
      commandTimeoutMs: 30_000,
      commandMemoryMb: 512,
      commandIsolation: DEFAULT_ISOLATION,
      shadowTimeoutMs: 30_000,
      maxDepth: 3,
    },
  });
  return { consumers, reader, pipeline, assessments };
}
