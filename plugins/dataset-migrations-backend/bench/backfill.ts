/**
 * yarn bench:backfill [--rows N]
 *
 * Migrates an N-row table (default 1,000,000) through the real job path — the
 * service queues it, graphile-worker runs it, the Postgres engine stages it — on a
 * throw-away embedded PostgreSQL, and compares the backfill's rate with one
 * `INSERT … SELECT` of the same transform on the same server in the same run (the
 * ceiling: one statement, no batching, no capture, no checkpoints). Also prints the
 * backend's peak RSS: rows never pass through Node.
 */
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import knexFactory, { type Knex } from 'knex';
import { ConfigReader } from '@backstage/config';
import type {
  AuthService,
  BackstageCredentials,
  LoggerService,
} from '@backstage/backend-plugin-api';
import type { CatalogService } from '@backstage/plugin-catalog-node';
import {
  planFieldChanges,
  type FieldChange,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { DatabaseMigrationStore } from '../src/database/DatabaseMigrationStore';
import { EngineRegistry } from '../src/engines/EngineRegistry';
import { postgresEngineFactory } from '../src/engines/postgres/PostgresDatasetEngine';
import { createTargetSql, valueOf } from '../src/engines/postgres/sql';
import { JobQueue } from '../src/jobs/JobQueue';
import { MigrationRunner } from '../src/jobs/MigrationRunner';
import { DatasetCatalog } from '../src/service/DatasetCatalog';
import { MigrationService } from '../src/service/MigrationService';

const rows =
  Number(process.argv[process.argv.indexOf('--rows') + 1]) || 1_000_000;
const ENTITY_REF = 'resource:default/bench-events';
const CHANGES: FieldChange[] = [
  { renameField: { from: 'legacy_flag', to: 'is_legacy' } },
  { addField: { name: 'source', type: 'text', default: 'app' } },
  { changeType: { field: 'duration_ms', type: 'bigint' } },
];

const quiet: LoggerService = {
  info: () => {},
  debug: () => {},
  warn: (message: string) => console.warn(`warn: ${message}`),
  error: (message: string) => console.error(`error: ${message}`),
  child: () => quiet,
};

function seconds(fromIso?: string, toIso?: string) {
  return (Date.parse(toIso!) - Date.parse(fromIso!)) / 1000;
}

async function main() {
  const { startTestPostgres } = await import(
    path.resolve(__dirname, '../../../scripts/with-test-postgres.mjs')
  );
  const { ensureDatabase } = await import('@internal/embedded-postgres');
  const server = await startTestPostgres({ fast: false });
  let peakRss = 0;
  const sampler = setInterval(() => {
    peakRss = Math.max(peakRss, process.memoryUsage().rss);
  }, 50);
  const connections: Knex[] = [];
  const connect = async (name: string) => {
    const knex = knexFactory({
      client: 'pg',
      connection: await ensureDatabase(server.url, name),
      pool: { min: 0, max: 5 },
    });
    connections.push(knex);
    return knex;
  };
  try {
    const warehouse = await connect('warehouse');
    console.log(
      `bench:backfill — ${rows.toLocaleString(
        'en-US',
      )} rows, PostgreSQL on 127.0.0.1:${server.port}`,
    );
    await warehouse.raw(`
      CREATE TABLE public.bench_events (
        event_id bigint PRIMARY KEY, user_id bigint, track_id text, duration_ms integer,
        played_at timestamptz, country text, legacy_flag boolean)`);
    await warehouse.raw(`
      INSERT INTO public.bench_events
      SELECT g, 1 + (g * 7919) % 20000, 'trk_' || lpad(((g * 104729) % 5000)::text, 5, '0'),
             30000 + (g * 31) % 240000, timestamptz '2026-01-01' + g * interval '13 seconds',
             (ARRAY['SE','US','GB','DE','BR','JP','IN','FR'])[1 + g % 8], g % 17 = 0
        FROM generate_series(1::bigint, ${rows}) AS g`);
    await warehouse.raw('VACUUM ANALYZE public.bench_events');
    const engines = await EngineRegistry.fromConfig({
      config: new ConfigReader({
        datasetMigrations: {
          engines: {
            warehouse: {
              type: 'postgres',
              connection: await ensureDatabase(server.url, 'warehouse'),
            },
          },
        },
      }),
      factories: [postgresEngineFactory],
      logger: quiet,
    });
    const schema = await engines
      .get('warehouse')
      .introspect({ table: 'public.bench_events' });
    const { fields } = planFieldChanges(schema.fields, CHANGES);

    // The ceiling: the same transform as one statement.
    const baselineTable = { schema: 'public', name: 'bench_baseline' };
    await warehouse.raw(
      createTargetSql({
        target: baselineTable,
        fields,
        targetKey: fields.filter(f => f.primaryKey),
      } as any),
    );
    await warehouse.raw('CHECKPOINT');
    const baselineStarted = Date.now();
    await warehouse.raw(
      `INSERT INTO public.bench_baseline (${fields
        .map(f => `"${f.name}"`)
        .join(', ')})
       SELECT ${fields
         .map(f => valueOf(f, 's.'))
         .join(', ')} FROM public.bench_events AS s`,
    );
    const baselineSeconds = (Date.now() - baselineStarted) / 1000;
    await warehouse.raw('DROP TABLE public.bench_baseline');
    await warehouse.raw('CHECKPOINT');

    // The real job path: service → graphile-worker → runner → engine.
    const pluginDb = await connect('plugin');
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
    const entity = {
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
    };
    const catalog = new DatasetCatalog({
      getEntityByRef: async () => entity,
      getEntities: async () => ({ items: [entity] }),
      refreshEntity: async () => {},
    } as unknown as CatalogService);
    const auth = {
      getOwnServiceCredentials: async () => ({
        principal: { type: 'service', subject: 'bench' },
      }),
    } as unknown as AuthService;
    const runner = new MigrationRunner({
      store,
      engines,
      catalog,
      auth,
      logger: quiet,
      leaseMs: 30_000,
    });
    await queue.start({
      concurrency: 1,
      handlers: {
        runMigration: id => runner.run(id),
        discoverConsumers: async () => {},
        advanceConsumer: async () => {},
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

    const { migration } = await service.createMigration(
      { entityRef: ENTITY_REF, targetVersion: 2, changes: CHANGES },
      credentials,
    );
    let done = await store.getMigration(migration.id);
    while (done && (done.status === 'queued' || done.status === 'running')) {
      await sleep(100);
      done = await store.getMigration(migration.id);
    }
    await queue.stop();
    await engines.close();
    if (done?.status !== 'succeeded') {
      throw new Error(`migration ${done?.status}: ${done?.failureReason}`);
    }

    const step = (name: string) => done!.steps.find(s => s.name === name)!;
    const backfill = seconds(
      step('backfill').startedAt,
      step('backfill').finishedAt,
    );
    const verify = seconds(step('verify').startedAt, step('verify').finishedAt);
    const whole = seconds(done.createdAt, done.finishedAt);
    const copiedLog = done.logs.find(
      l => l.step === 'backfill' && l.message.startsWith('copied'),
    )!;
    const rate = (s: number) =>
      `${Math.round(rows / s).toLocaleString('en-US')} rows/s`;
    const table = [
      [
        'INSERT … SELECT (ceiling)',
        baselineSeconds,
        rate(baselineSeconds),
        '1.00',
      ],
      [
        'backfill stage',
        backfill,
        rate(backfill),
        (baselineSeconds / backfill).toFixed(2),
      ],
      [
        'whole migration (queued → succeeded)',
        whole,
        rate(whole),
        (baselineSeconds / whole).toFixed(2),
      ],
      ['verify stage', verify, rate(verify), '—'],
    ];
    console.log('');
    console.log('| measure | seconds | rate | × ceiling |');
    console.log('|---|---|---|---|');
    for (const [name, s, r, ratio] of table)
      console.log(
        `| ${name} | ${(s as number).toFixed(2)} | ${r} | ${ratio} |`,
      );
    console.log('');
    console.log(`backfill: ${copiedLog.message}`);
    console.log(
      `peak RSS of this process (the backend side): ${Math.round(
        peakRss / 1024 / 1024,
      )} MB`,
    );
  } finally {
    clearInterval(sampler);
    await Promise.all(connections.map(k => k.destroy()));
    await server.stop();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
