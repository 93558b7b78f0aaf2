/**
 * yarn bench:consumers [--repos N] [--concurrency C]
 *
 * One dataset migration with N (default 1,800) generated consumer repositories —
 * local git, 1–20 SQL and dbt files each (joins, CTEs, aliases, SELECT *, window
 * functions) — through the real job path: the service queues the migration,
 * graphile-worker runs it and then every consumer's discovery, impact, rewrite,
 * verification (shadow checks on the sample dataset; a command for one in ten)
 * and local pull request. Prints consumers per minute, p95 per consumer, the
 * process's peak RSS, and the ratio to a baseline measured in the same run:
 * reading every repository once (the least any consumer migration must do).
 */
import { execFile } from 'node:child_process';
import {
  mkdirSync,
  mkdtempSync,
  rmSync,
  writeFileSync,
  chmodSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { setTimeout as sleep } from 'node:timers/promises';
import knexFactory, { type Knex } from 'knex';
import { ConfigReader } from '@backstage/config';
import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import type { FieldChange } from '@dataset-migrations/plugin-dataset-migrations-common';
import { ConsumerPipeline } from '../src/consumers/ConsumerPipeline';
import { ConsumerStore } from '../src/consumers/ConsumerStore';
import { LocalGitRepositoryReader } from '../src/consumers/repositories/LocalGitRepositoryReader';
import { LocalGitScmProvider } from '../src/consumers/scm/LocalGitScmProvider';
import { DatabaseMigrationStore } from '../src/database/DatabaseMigrationStore';
import { EngineRegistry } from '../src/engines/EngineRegistry';
import { postgresEngineFactory } from '../src/engines/postgres/PostgresDatasetEngine';
import { JobQueue } from '../src/jobs/JobQueue';
import { MigrationRunner } from '../src/jobs/MigrationRunner';
import { DatasetCatalog } from '../src/service/DatasetCatalog';
import { MigrationService } from '../src/service/MigrationService';
import { mapConcurrently } from '../src/consumers/mapConcurrently';

const arg = (name: string, fallback: number) =>
  process.argv.includes(name)
    ? Number(process.argv[process.argv.indexOf(name) + 1])
    : fallback;
const REPOS = arg('--repos', 1800);
const CONCURRENCY = arg('--concurrency', 8);
const DATASET = 'resource:default/bench-events';
const CHANGES: FieldChange[] = [
  { renameField: { from: 'track_id', to: 'track_uri' } },
  { changeType: { field: 'duration_ms', type: 'bigint' } },
];
const run = promisify(execFile);

const quiet: LoggerService = {
  info: () => {},
  debug: () => {},
  warn: (message: string) => console.warn(`warn: ${message}`),
  error: (message: string) => console.error(`error: ${message}`),
  child: () => quiet,
};

/** Consumer queries of the kinds real pipelines hold; `{n}` varies them per file. */
const TEMPLATES = [
  `-- plays per track in one country
select e.track_id, sum(e.duration_ms) as listened_ms
from public.bench_events e
where e.country = '{country}'
group by e.track_id;
`,
  `with recent as (
    select user_id, track_id, duration_ms,
           row_number() over (partition by user_id order by played_at desc) as rn
    from bench_events
)
select user_id, track_id, duration_ms from recent where rn <= {n};
`,
  `SELECT u.name, count(*) AS plays, max(e.duration_ms) AS longest
FROM bench_events AS e
JOIN users u ON u.id = e.user_id
WHERE e.played_at >= timestamptz '2026-01-01' + interval '{n} hours'
GROUP BY u.name;
`,
  `select *
from bench_events
where duration_ms > {ms}
  and country = '{country}';
`,
  `{{ config(materialized='table') }}

select track_id, avg(duration_ms) as avg_ms, count(*) as plays
from {{ source('warehouse', 'bench_events') }}
group by 1
`,
  `select country, count(distinct user_id) as listeners
from bench_events
group by country;
`,
  `select t.track_id, t.plays
from (select track_id, count(*) as plays from bench_events group by track_id) t
where t.plays > {n}
order by t.plays desc;
`,
  `select name, country from users where id < {n};
`,
];
const COUNTRIES = ['SE', 'US', 'GB', 'DE', 'BR', 'JP', 'IN', 'FR'];

/** A small deterministic generator, so every run benchmarks the same repositories. */
function random(seed: number) {
  let state = seed;
  return () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
}

async function createRepositories(
  root: string,
): Promise<{ dirs: string[]; files: number }> {
  const rand = random(42);
  const plans = Array.from({ length: REPOS }, (_, i) => {
    const count = 1 + Math.floor(rand() * 20);
    const files: Record<string, string> = {};
    for (let f = 0; f < count; f++) {
      const t = Math.floor(rand() * TEMPLATES.length);
      const sql = TEMPLATES[t]
        .replace(/\{n\}/g, String(1 + Math.floor(rand() * 50)))
        .replace(/\{ms\}/g, String(30000 + Math.floor(rand() * 200000)))
        .replace(
          /\{country\}/g,
          COUNTRIES[Math.floor(rand() * COUNTRIES.length)],
        );
      files[t === 4 ? `models/model_${f}.sql` : `sql/query_${f}.sql`] = sql;
    }
    return {
      dir: path.join(root, `consumer-${String(i).padStart(4, '0')}`),
      files,
    };
  });
  const env = {
    ...process.env,
    GIT_AUTHOR_NAME: 'Bench',
    GIT_AUTHOR_EMAIL: 'bench@localhost',
    GIT_COMMITTER_NAME: 'Bench',
    GIT_COMMITTER_EMAIL: 'bench@localhost',
  };
  await mapConcurrently(plans, 8, async ({ dir, files }) => {
    for (const [file, content] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
      writeFileSync(path.join(dir, file), content);
    }
    await run('git', ['init', '-q', '-b', 'main'], { cwd: dir, env });
    await run('git', ['add', '-A'], { cwd: dir, env });
    await run('git', ['commit', '-q', '-m', 'pipeline'], { cwd: dir, env });
  });
  return {
    dirs: plans.map(p => p.dir),
    files: plans.reduce((n, p) => n + Object.keys(p.files).length, 0),
  };
}

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[
    Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))
  ];
}

async function main() {
  const { startTestPostgres } = await import(
    path.resolve(__dirname, '../../../scripts/with-test-postgres.mjs')
  );
  const { ensureDatabase } = await import('@internal/embedded-postgres');
  const server = await startTestPostgres({ fast: true });
  const work = mkdtempSync(path.join(tmpdir(), 'dsm-bench-consumers-'));
  chmodSync(work, 0o755);
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const connections: Knex[] = [];
  const connect = async (name: string) => {
    const knex = knexFactory({
      client: 'pg',
      connection: await ensureDatabase(server.url, name),
      pool: { min: 0, max: 10 },
    });
    connections.push(knex);
    return knex;
  };
  try {
    console.log(
      `bench:consumers — ${REPOS} consumer repositories, worker concurrency ${CONCURRENCY}`,
    );
    const setupStarted = Date.now();
    const { dirs, files } = await createRepositories(work);
    console.log(
      `generated ${files} files in ${dirs.length} repositories in ${(
        (Date.now() - setupStarted) /
        1000
      ).toFixed(1)} s`,
    );

    const warehouse = await connect('warehouse');
    await warehouse.raw(`
      CREATE TABLE public.bench_events (event_id bigint PRIMARY KEY, user_id bigint, track_id text,
        duration_ms integer, played_at timestamptz, country text);
      INSERT INTO public.bench_events
        SELECT g, 1 + g % 500, 'trk_' || (g % 300), 30000 + (g * 31) % 240000,
               timestamptz '2026-01-01' + g * interval '13 minutes', (ARRAY['SE','US','GB','DE','BR','JP','IN','FR'])[1 + g % 8]
          FROM generate_series(1, 5000) g;
      CREATE TABLE public.users (id bigint PRIMARY KEY, name text, country text);
      INSERT INTO public.users SELECT g, 'user ' || g, 'SE' FROM generate_series(1, 500) g;
      ANALYZE;`);

    const engines = await EngineRegistry.fromConfig({
      config: new ConfigReader({
        datasetMigrations: {
          engines: {
            warehouse: {
              type: 'postgres',
              maxConnections: 8,
              connection: await ensureDatabase(server.url, 'warehouse'),
            },
          },
        },
      }),
      factories: [postgresEngineFactory],
      logger: quiet,
    });

    const consumerEntities: Entity[] = dirs.map((dir, i) => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: path.basename(dir),
        namespace: 'default',
        annotations: {
          'backstage.io/source-location': `url:file://${dir}/`,
          ...(i % 10 === 0
            ? { 'dataset-migrations.io/verify-command': 'test -d .git' }
            : {}),
        },
      },
      spec: { type: 'pipeline', owner: `group:default/team-${i % 40}` },
    }));
    const datasetEntity: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'bench-events',
        namespace: 'default',
        annotations: {
          'dataset-migrations.io/engine': 'warehouse',
          'dataset-migrations.io/table': 'public.bench_events',
        },
      },
      spec: { type: 'dataset' },
      relations: consumerEntities.map(e => ({
        type: 'dependencyOf',
        targetRef: `component:default/${e.metadata.name}`,
      })),
    };
    const byRef = new Map<string, Entity>([
      [DATASET, datasetEntity],
      ...consumerEntities.map(
        e => [`component:default/${e.metadata.name}`, e] as [string, Entity],
      ),
    ]);
    const catalog = new DatasetCatalog({
      getEntityByRef: async (ref: string) => byRef.get(ref),
      getEntitiesByRefs: async ({ entityRefs }: { entityRefs: string[] }) => ({
        items: entityRefs.map(r => byRef.get(r)),
      }),
      getEntities: async () => ({ items: [datasetEntity] }),
      refreshEntity: async () => {},
    } as unknown as CatalogService);
    const auth = {
      getOwnServiceCredentials: async () => ({
        principal: { type: 'service', subject: 'bench' },
      }),
    } as unknown as AuthService;

    // Baseline: read every repository once, at the same concurrency.
    const reader = new LocalGitRepositoryReader();
    const baselineStarted = Date.now();
    await mapConcurrently(dirs, CONCURRENCY, async dir => {
      await reader.read(`file://${dir}/`);
    });
    const baselineSeconds = (Date.now() - baselineStarted) / 1000;

    const pluginDb = await connect('plugin');
    const store = await DatabaseMigrationStore.create({
      database: {
        getClient: async () => pluginDb,
        migrations: { skip: false },
      } as any,
    });
    const consumers = new ConsumerStore(pluginDb);
    const queue = new JobQueue({
      knex: pluginDb,
      schema: 'dataset_migrations_worker',
      logger: quiet,
    });
    await queue.migrate();
    const pipeline = new ConsumerPipeline({
      consumers,
      migrations: store,
      catalog,
      engines,
      readers: [reader],
      scm: [new LocalGitScmProvider()],
      auth,
      logger: quiet,
      enqueueConsumer: (id, ref) => queue.enqueueConsumer(id, ref),
      limits: {
        commandTimeoutMs: 30_000,
        commandMemoryMb: 512,
        shadowTimeoutMs: 30_000,
        maxDepth: 3,
      },
    });
    const runner = new MigrationRunner({
      store,
      engines,
      catalog,
      auth,
      logger: quiet,
      leaseMs: 30_000,
      onSucceeded: id => queue.enqueueConsumerDiscovery(pluginDb, id),
    });
    const busy = new Map<string, number>();
    await queue.start({
      concurrency: CONCURRENCY,
      handlers: {
        runMigration: id => runner.run(id),
        discoverConsumers: async id => {
          await pipeline.discover(id);
        },
        advanceConsumer: async (id, ref) => {
          const started = Date.now();
          try {
            await pipeline.advance(id, ref);
          } finally {
            busy.set(ref, (busy.get(ref) ?? 0) + Date.now() - started);
          }
        },
      },
    });
    const service = new MigrationService({
      store,
      catalog,
      engines,
      queue,
      retentionMs: 0,
    });
    const credentials = {
      $$type: '@backstage/BackstageCredentials',
      principal: { type: 'user', userEntityRef: 'user:default/bench' },
    } as BackstageCredentials<any>;

    const started = Date.now();
    const { migration } = await service.createMigration(
      { entityRef: DATASET, targetVersion: 2, changes: CHANGES },
      credentials,
    );
    let ledger = await consumers.ledger(migration.id);
    const settled = () =>
      ledger.consumers.length === REPOS &&
      ledger.consumers.every(c =>
        ['unaffected', 'pr-opened', 'failed', 'done'].includes(c.state),
      );
    let migratedAt: number | undefined;
    while (!settled()) {
      await sleep(500);
      if (!migratedAt) {
        const m = await store.getMigrationWithPlan(migration.id);
        if (m?.status === 'succeeded') migratedAt = Date.now();
        else if (m && m.status !== 'queued' && m.status !== 'running')
          throw new Error(`migration ${m.status}: ${m.failureReason}`);
      }
      ledger = await consumers.ledger(migration.id);
    }
    const finished = Date.now();
    await queue.stop();
    await engines.close();

    const seconds = (finished - started) / 1000;
    const durations = [...busy.values()];
    const checks = ledger.consumers.flatMap(
      c => c.verification?.shadowChecks ?? [],
    );
    console.log('');
    console.log('| measure | value |');
    console.log('|---|---|');
    console.log(`| consumers | ${REPOS} (${files} files) |`);
    console.log(
      `| states | ${Object.entries(ledger.counts)
        .filter(([, n]) => n > 0)
        .map(([s, n]) => `${s} ${n}`)
        .join(', ')} |`,
    );
    console.log(
      `| whole run (queued → every consumer settled) | ${seconds.toFixed(
        1,
      )} s |`,
    );
    console.log(
      `| of which after the data migration succeeded | ${(
        (finished - (migratedAt ?? started)) /
        1000
      ).toFixed(1)} s |`,
    );
    console.log(
      `| consumers per minute | ${Math.round((REPOS / seconds) * 60)} |`,
    );
    console.log(
      `| work per consumer, p50 / p95 | ${percentile(
        durations,
        50,
      )} ms / ${percentile(durations, 95)} ms |`,
    );
    console.log(
      `| shadow checks | ${
        checks.filter(c => c.outcome === 'match').length
      } match, ${
        checks.filter(c => c.outcome === 'mismatch').length
      } mismatch, ${
        checks.filter(c => c.outcome === 'skipped').length
      } skipped |`,
    );
    console.log(
      `| baseline: read every repository once | ${baselineSeconds.toFixed(
        1,
      )} s |`,
    );
    console.log(
      `| whole run ÷ baseline | ${(seconds / baselineSeconds).toFixed(1)}× |`,
    );
    console.log(
      `| peak RSS of this process (the backend side) | ${Math.round(
        peakRss / 1024 / 1024,
      )} MB |`,
    );
    const failed = ledger.consumers.filter(c => c.state === 'failed');
    if (failed.length > 0)
      console.log(
        `failed, e.g.: ${failed[0].entityRef}: ${failed[0].failure?.message}`,
      );
  } finally {
    clearInterval(sampler);
    await Promise.all(connections.map(k => k.destroy()));
    await server.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
