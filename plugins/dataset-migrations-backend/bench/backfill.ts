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
import { setTimeout as sleep } from 'node:timers/promises';
import type { Entity } from '@backstage/catalog-model';
import {
  planFieldChanges,
  type FieldChange,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { createTargetSql } from '../src/engines/postgres/sql/capture';
import { valueOf } from '../src/engines/postgres/sql/values';
import {
  benchCatalog,
  benchEngines,
  benchUser,
  startBenchPostgres,
  startJobPath,
} from './harness';

const rows =
  Number(process.argv[process.argv.indexOf('--rows') + 1]) || 1_000_000;
const ENTITY_REF = 'resource:default/bench-events';
const CHANGES: FieldChange[] = [
  { renameField: { from: 'legacy_flag', to: 'is_legacy' } },
  { addField: { name: 'source', type: 'text', default: 'app' } },
  { changeType: { field: 'duration_ms', type: 'bigint' } },
];

function seconds(fromIso?: string, toIso?: string) {
  return (Date.parse(toIso!) - Date.parse(fromIso!)) / 1000;
}

async function main() {
  const postgres = await startBenchPostgres({ fast: false });
  try {
    const warehouse = await postgres.connect('warehouse');
    console.log(
      `bench:backfill — ${rows.toLocaleString(
        'en-US',
      )} rows, PostgreSQL on 127.0.0.1:${postgres.port}`,
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
    const engines = await benchEngines(await postgres.url('warehouse'));
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
    const entity: Entity = {
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
    const { store, queue, runner, service } = await startJobPath({
      pluginDb: await postgres.connect('plugin'),
      engines,
      catalog: benchCatalog([entity]),
    });
    await queue.start({
      concurrency: 1,
      handlers: {
        runMigration: id => runner.run(id),
        discoverConsumers: async () => {},
        advanceConsumer: async () => {},
      },
    });

    const { migration } = await service.createMigration(
      { entityRef: ENTITY_REF, targetVersion: 2, changes: CHANGES },
      benchUser,
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
      `peak RSS of this process (the backend side): ${postgres.peakRssMb()} MB`,
    );
  } finally {
    await postgres.stop();
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
