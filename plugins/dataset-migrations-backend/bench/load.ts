/**
 * yarn bench:load [--runs N] [--consumers C] [--clients K] [--seconds S] [--no-approvals] [--queries] [--probe]
 *
 * The plugin's real backend (routers, services, stores, permission checks as the
 * fuzz runs them) on an embedded PostgreSQL whose tables hold a long-lived
 * installation's history: N runs (default 100,000) of 1,000 datasets in every
 * finished state with steps and logs, and C consumer ledger rows (default
 * 10,000, 500 per run of the newest runs). Then K clients (default 50) for S
 * seconds (default 30), each in turn:
 *
 * - creates a migration as Migrate does (`POST /migrations`, an additive change,
 *   so it is queued: enqueue = that call's response time) and cancels it, which
 *   frees its dataset for the next;
 * - reads a dataset's history, the history of all datasets, a run's details, a
 *   page of 100 of a run's consumer ledger, a whole ledger (500, as the portal
 *   reads it) and one consumer's runs (`/consumers?entityRef=`);
 * - asks `/health`: the baseline, under the same load, that every route's p95
 *   is divided by. A `SELECT 1` round trip on its own connection is sampled too.
 *
 * The replica is API-only (`worker.enabled: false`): runs are queued, not run.
 * Prints p50/p95/max per route, requests per second and the targets; with
 * `--queries`, also the plugin database's statements that took longest in all.
 * `--no-approvals` configures no approval (`approvals.required: []`), where
 * enqueue awaits the start permission before it asks the engine anything.
 * `--probe` adds, per route, where the server's time went (see loadProbe).
 */
import type { Knex } from 'knex';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { datasetMigrationsPlugin } from '../src/plugin';
import { once } from 'node:events';
import { Worker } from 'node:worker_threads';
import { percentile, startBenchPostgres } from './harness';
import type { ClientMessage, ClientPlan } from './loadClients';
import { consumerName, datasetName, datasetRef, seedHistory } from './loadSeed';
import { probeRequests } from './loadProbe';

const arg = (name: string, fallback: number) =>
  process.argv.includes(name)
    ? Number(process.argv[process.argv.indexOf(name) + 1])
    : fallback;
const RUNS = arg('--runs', 100_000);
const CONSUMERS = arg('--consumers', 10_000);
const CLIENTS = arg('--clients', 50);
const SECONDS = arg('--seconds', 30);
const DATASETS = 1000;
const CONSUMERS_PER_RUN = 500;
const CONSUMER_ENTITIES = 2000;
const WARM_UP_MS = 3000;
const QUERIES = process.argv.includes('--queries');
const NO_APPROVALS = process.argv.includes('--no-approvals');
const PROBE = process.argv.includes('--probe');
const API = '/api/dataset-migrations';

/** The targets of issue 14: p95 in ms. */
const TARGETS: Record<string, number> = {
  'POST /migrations (enqueue)': 50,
  'GET /migrations?entityRef= (a dataset’s history)': 100,
  'GET /migrations (all history)': 100,
  'GET /migrations/:id (a run)': 100,
  'GET /migrations/:id/consumers?limit=100 (a ledger page)': 100,
  'GET /migrations/:id/consumers (a whole ledger)': 100,
  'GET /consumers?entityRef=': 100,
};

const datasetEntity = (i: number): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: datasetName(i),
    namespace: 'default',
    annotations: {
      'dataset-migrations.io/engine': 'warehouse',
      'dataset-migrations.io/table': `public.${datasetName(i).replace(
        '-',
        '_',
      )}`,
      'dataset-migrations.io/schema-version': '1',
    },
  },
  spec: { type: 'dataset', owner: `group:default/team-${i % 12}` },
});

const consumerEntity = (i: number): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: consumerName(i), namespace: 'default' },
  spec: { type: 'pipeline', owner: `group:default/team-${i % 12}` },
});

async function createTables(warehouse: Knex): Promise<void> {
  await warehouse.raw(`
    DO $$ BEGIN
      FOR i IN 0..${DATASETS - 1} LOOP
        EXECUTE format('CREATE TABLE public.ds_%s (id bigint PRIMARY KEY, title text,
          user_id text, amount numeric, created_at timestamptz DEFAULT now())', lpad(i::text, 4, '0'));
      END LOOP;
    END $$;`);
}

/** Every statement's time on `db`, by its SQL text, from knex's query events. */
function watchStatements(db: Knex) {
  const byText = new Map<string, { total: number; n: number }>();
  const begun = new Map<string, number>();
  db.on('query', (q: { __knexQueryUid: string }) =>
    begun.set(q.__knexQueryUid, performance.now()),
  );
  db.on(
    'query-response',
    (_r: unknown, q: { __knexQueryUid: string; sql: string }) => {
      const t0 = begun.get(q.__knexQueryUid);
      if (t0 === undefined) return;
      begun.delete(q.__knexQueryUid);
      const entry = byText.get(q.sql) ?? { total: 0, n: 0 };
      entry.total += performance.now() - t0;
      entry.n++;
      byText.set(q.sql, entry);
    },
  );
  return byText;
}

async function main() {
  const postgres = await startBenchPostgres({ fast: true });
  // A Backstage plugin's default pool holds at most 10 connections.
  const pluginDb = await postgres.connect('load_plugin', 10);
  const warehouse = await postgres.connect('load_warehouse', 4);
  const probe = await postgres.connect('load_plugin', 1);
  let backend: Awaited<ReturnType<typeof startTestBackend>> | undefined;
  try {
    console.log(
      `bench:load — ${RUNS} runs of ${DATASETS} datasets, ${CONSUMERS} consumer ledger rows, ${CLIENTS} clients for ${SECONDS} s${
        NO_APPROVALS ? ', no approval configured' : ''
      }`,
    );
    await createTables(warehouse);
    const entities = [
      ...Array.from({ length: DATASETS }, (_, i) => datasetEntity(i)),
      ...Array.from({ length: CONSUMER_ENTITIES }, (_, i) => consumerEntity(i)),
    ];
    backend = await startTestBackend({
      features: [
        datasetMigrationsPlugin,
        mockServices.database.factory({ knex: pluginDb }),
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: {
            datasetMigrations: {
              worker: { enabled: false },
              ...(NO_APPROVALS ? { approvals: { required: [] } } : {}),
              engines: {
                warehouse: {
                  type: 'postgres',
                  connection: await postgres.url('load_warehouse'),
                },
              },
            },
          },
        }),
      ],
    });
    const base = `http://localhost:${(
      backend.server as unknown as { port(): number }
    ).port()}${API}`;

    const planned = await fetch(`${base}/plans`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        entityRef: datasetRef(0),
        targetVersion: 2,
        changes: [{ renameField: { from: 'title', to: 'headline' } }],
      }),
    });
    if (planned.status !== 200)
      throw new Error(`plan: ${planned.status} ${await planned.text()}`);
    const { plan } = await planned.json();

    const seedStarted = Date.now();
    const { ledgerRuns } = await seedHistory(pluginDb, {
      runs: RUNS,
      datasets: DATASETS,
      consumers: CONSUMERS,
      consumersPerRun: CONSUMERS_PER_RUN,
      consumerEntities: CONSUMER_ENTITIES,
      plan,
    });
    const versions = new Map<string, number>(
      (
        await pluginDb.raw(
          'SELECT entity_ref, schema_version FROM dataset_versions',
        )
      ).rows.map((r: { entity_ref: string; schema_version: number }) => [
        r.entity_ref,
        r.schema_version,
      ]),
    );
    const runIds: string[] = (
      await pluginDb.raw(
        'SELECT id FROM migrations ORDER BY random() LIMIT 2000',
      )
    ).rows.map((r: { id: string }) => r.id);
    const counts = (
      await pluginDb.raw(
        `SELECT (SELECT count(*) FROM migrations)::int AS runs,
                (SELECT count(*) FROM migration_steps)::int AS steps,
                (SELECT count(*) FROM migration_logs)::int AS logs,
                (SELECT count(*) FROM migration_consumers)::int AS consumers`,
      )
    ).rows[0];
    console.log(
      `seeded ${counts.runs} runs, ${counts.steps} steps, ${
        counts.logs
      } log lines, ${counts.consumers} ledger rows (${
        ledgerRuns.length
      } ledgers), each run with a ${(
        JSON.stringify(plan).length / 1024
      ).toFixed(1)} KB plan, in ${((Date.now() - seedStarted) / 1000).toFixed(
        1,
      )} s`,
    );

    const statements = QUERIES ? watchStatements(pluginDb) : undefined;
    let measureFrom = Infinity;
    const probed = PROBE
      ? probeRequests(pluginDb, () => measureFrom)
      : undefined;
    const roundTrips: number[] = [];
    // The clients run on their own thread: the backend's event loop serves
    // requests only, as a replica's does.
    const clients = new Worker(
      `require(${JSON.stringify(require.resolve('./loadClients'))})`,
      {
        eval: true,
        workerData: {
          base,
          clients: CLIENTS,
          datasets: DATASETS,
          consumerEntities: CONSUMER_ENTITIES,
          consumersPerRun: CONSUMERS_PER_RUN,
          warmUpMs: WARM_UP_MS,
          seconds: SECONDS,
          versions: [...versions],
          runIds,
          ledgerRuns,
        } satisfies ClientPlan,
      },
    );
    const [{ window }] = (await once(clients, 'message')) as [
      Extract<ClientMessage, { window: unknown }>,
    ];
    // Listened for now: a message nobody listens for is lost.
    const finished = once(clients, 'message') as Promise<
      [Extract<ClientMessage, { timings: unknown }>]
    >;
    measureFrom = window.measureFrom;
    const { deadline } = window;
    // The backend's own event loop and database, sampled under the same load.
    while (Date.now() < deadline) {
      const t0 = performance.now();
      await probe.raw('SELECT 1');
      if (Date.now() >= measureFrom) roundTrips.push(performance.now() - t0);
      await new Promise(resolve => setTimeout(resolve, 50));
    }
    const [{ timings }] = await finished;
    await clients.terminate();
    const seconds = (Date.now() - measureFrom) / 1000;

    const baseline = percentile(timings.get('GET /health (baseline)')!.ms, 95);
    const total = [...timings.values()].reduce((n, t) => n + t.ms.length, 0);
    const fmt = (ms: number) => (ms < 10 ? ms.toFixed(1) : Math.round(ms));
    console.log('');
    console.log(
      '| route | requests | p50 ms | p95 ms | max ms | p95 ÷ baseline p95 | target p95 |',
    );
    console.log('|---|---|---|---|---|---|---|');
    let missed = 0;
    for (const [route, { ms }] of timings) {
      const p95 = percentile(ms, 95);
      const target = TARGETS[route];
      if (target !== undefined && p95 > target) missed++;
      console.log(
        `| ${route} | ${ms.length} | ${fmt(percentile(ms, 50))} | ${fmt(
          p95,
        )} | ${fmt(Math.max(...ms))} | ${(p95 / baseline).toFixed(1)}× | ${
          target === undefined
            ? ''
            : `≤ ${target} ${p95 <= target ? 'met' : 'MISSED'}`
        } |`,
      );
    }
    console.log(
      `| SELECT 1 round trip (own connection, every 50 ms) | ${
        roundTrips.length
      } | ${fmt(percentile(roundTrips, 50))} | ${fmt(
        percentile(roundTrips, 95),
      )} | ${fmt(Math.max(...roundTrips))} | | |`,
    );
    console.log('');
    console.log(
      `${total} requests in ${seconds.toFixed(1)} s: ${Math.round(
        total / seconds,
      )} requests/s from ${CLIENTS} clients; peak RSS ${postgres.peakRssMb()} MB`,
    );
    for (const [route, { failures }] of timings)
      for (const [error, n] of failures)
        console.log(`failed ${n}× ${route}: ${error}`);
    if (statements) {
      console.log('\nstatements by total time (ms total, count, ms mean):');
      for (const [sql, { total: t, n }] of [...statements.entries()]
        .sort((a, b) => b[1].total - a[1].total)
        .slice(0, 15))
        console.log(
          `${String(Math.round(t)).padStart(8)} ${String(n).padStart(6)} ${(
            t / n
          )
            .toFixed(1)
            .padStart(7)}  ${sql.replace(/\s+/g, ' ').slice(0, 220)}`,
        );
    }
    if (probed) for (const line of probed()) console.log(line);
    console.log(missed ? `${missed} target(s) missed` : 'every target met');
  } finally {
    await backend?.stop();
    await postgres.stop();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
