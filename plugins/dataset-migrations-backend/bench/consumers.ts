/**
 * yarn bench:consumers [--repos N] [--concurrency C] [--optimize-sql-parser]
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
import { mkdtempSync, rmSync, chmodSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Entity } from '@backstage/catalog-model';
import type { FieldChange } from '@dataset-migrations/plugin-dataset-migrations-common';
import { mapConcurrently } from '../src/consumers/mapConcurrently';
import {
  benchCatalog,
  benchConsumerPipeline,
  benchEngines,
  benchUser,
  consumerEntity,
  createGitRepositories,
  percentile,
  random,
  startBenchPostgres,
  sqlParserAsConfigured,
  startJobPath,
} from './harness';

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
  await createGitRepositories(plans);
  return {
    dirs: plans.map(p => p.dir),
    files: plans.reduce((n, p) => n + Object.keys(p.files).length, 0),
  };
}

async function main() {
  const postgres = await startBenchPostgres({ fast: true });
  const work = mkdtempSync(path.join(tmpdir(), 'dsm-bench-consumers-'));
  chmodSync(work, 0o755);
  try {
    console.log(
      `bench:consumers — ${REPOS} consumer repositories, worker concurrency ${CONCURRENCY}, ${sqlParserAsConfigured()}`,
    );
    const setupStarted = Date.now();
    const { dirs, files } = await createRepositories(work);
    console.log(
      `generated ${files} files in ${dirs.length} repositories in ${(
        (Date.now() - setupStarted) /
        1000
      ).toFixed(1)} s`,
    );

    const warehouse = await postgres.connect('warehouse', 10);
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

    const engines = await benchEngines(await postgres.url('warehouse'), 8);

    const consumerEntities: Entity[] = dirs.map((dir, i) =>
      consumerEntity(
        dir,
        `group:default/team-${i % 40}`,
        i % 10 === 0
          ? { 'dataset-migrations.io/verify-command': 'test -d .git' }
          : {},
      ),
    );
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
    const catalog = benchCatalog([datasetEntity, ...consumerEntities]);

    const pluginDb = await postgres.connect('plugin', 10);
    const jobPath = await startJobPath({
      pluginDb,
      engines,
      catalog,
      withConsumers: true,
    });
    const { store, queue, runner } = jobPath;
    const { consumers, reader, pipeline, assessments } = benchConsumerPipeline({
      root: work,
      pluginDb,
      jobPath,
      catalog,
      engines,
    });

    // Baseline: read every repository once, at the same concurrency.
    const baselineStarted = Date.now();
    await mapConcurrently(dirs, CONCURRENCY, async dir => {
      await reader.read(`file://${dir}/`);
    });
    const baselineSeconds = (Date.now() - baselineStarted) / 1000;

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

    const started = Date.now();
    const { migration } = await jobPath.service.createMigration(
      { entityRef: DATASET, targetVersion: 2, changes: CHANGES },
      benchUser,
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
    await assessments.close();
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
      `| peak RSS of this process (the backend side) | ${postgres.peakRssMb()} MB |`,
    );
    const failed = ledger.consumers.filter(c => c.state === 'failed');
    if (failed.length > 0)
      console.log(
        `failed, e.g.: ${failed[0].entityRef}: ${failed[0].failure?.message}`,
      );
  } finally {
    await postgres.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
