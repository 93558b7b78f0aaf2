/**
 * yarn bench:backfill [--rows N] [--writer [--writer-for SECONDS]] [--connections N]
 *
 * Migrates an N-row table (default 1,000,000) through the real job path — the
 * service queues it, graphile-worker runs it, the Postgres engine stages it — on a
 * throw-away embedded PostgreSQL, and compares each stage with one
 * `INSERT … SELECT` of the same transform on the same server in the same run (the
 * ceiling: one statement, no batching, no capture, no checkpoints), measured
 * before the migrations and again after them to show the machine's drift, and
 * once more on a connection of its own, new as the engine's copy is. With
 * `--writer`, migrates an identical table a second time while a writer inserts,
 * updates, deletes and changes keys all over it, and compares the backfill rates;
 * `--writer-for` stops that writer after so many seconds (writers that come and go).
 * Also prints the backend's peak RSS: rows never pass through Node. `--connections`
 * sets the engine's pool (default 4; 1 copies and verifies on one connection).
 * `--optimize-sql-parser` lets V8 optimise the SQL parser the engine loads, as
 * `datasetMigrations.sqlParser.optimize` does (the default keeps its baseline code).
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
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
  random,
  sqlParserAsConfigured,
  startBenchPostgres,
  startJobPath,
} from './harness';

const rows =
  Number(process.argv[process.argv.indexOf('--rows') + 1]) || 1_000_000;
const withWriter = process.argv.includes('--writer');
/** Seconds the writer writes for, from its start (default: until the backfill ends). */
const writerFor = process.argv.includes('--writer-for')
  ? Number(process.argv[process.argv.indexOf('--writer-for') + 1])
  : undefined;
if (writerFor !== undefined && !(writerFor >= 0))
  throw new Error(
    '--writer-for takes a number of seconds, e.g. --writer-for 1',
  );
const connections =
  Number(process.argv[process.argv.indexOf('--connections') + 1]) || 4;
/** Batches by key even on a heap table (the engine's `backfill.batchesByKey`), to compare. */
const batchesByKey = process.argv.includes('--by-key');
const CHANGES: FieldChange[] = [
  { renameField: { from: 'legacy_flag', to: 'is_legacy' } },
  { addField: { name: 'source', type: 'text', default: 'app' } },
  { changeType: { field: 'duration_ms', type: 'bigint' } },
];
const STAGES = [
  'dry-run',
  'create-target',
  'backfill',
  'indexes',
  'verify',
  'cut-over',
] as const;

function seconds(fromIso?: string, toIso?: string) {
  return (Date.parse(toIso!) - Date.parse(fromIso!)) / 1000;
}

async function createTable(warehouse: Knex, table: string) {
  await warehouse.raw(`
    CREATE TABLE public.${table} (
      event_id bigint PRIMARY KEY, user_id bigint, track_id text, duration_ms integer,
      played_at timestamptz, country text, legacy_flag boolean)`);
  await warehouse.raw(`
    INSERT INTO public.${table}
    SELECT g, 1 + (g * 7919) % 20000, 'trk_' || lpad(((g * 104729) % 5000)::text, 5, '0'),
           30000 + (g * 31) % 240000, timestamptz '2026-01-01' + g * interval '13 seconds',
           (ARRAY['SE','US','GB','DE','BR','JP','IN','FR'])[1 + g % 8], g % 17 = 0
      FROM generate_series(1::bigint, ${rows}) AS g`);
  await warehouse.raw(`VACUUM ANALYZE public.${table}`);
}

function datasetEntity(table: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Resource',
    metadata: {
      name: table.replace(/_/g, '-'),
      namespace: 'default',
      annotations: {
        'dataset-migrations.io/engine': 'warehouse',
        'dataset-migrations.io/table': `public.${table}`,
      },
    },
    spec: { type: 'dataset' },
  };
}

/**
 * Writes all over the table, one statement per transaction, until stopped:
 * updates, deletes, inserts (of keys deleted before, or new ones past the end)
 * and key changes. Returns how many writes it made.
 */
function startWriter(warehouse: Knex, table: string) {
  const next = random(42);
  const key = () => 1 + Math.floor(next() * rows);
  const deleted: number[] = [];
  let newKey = rows;
  let writes = 0;
  let stopped = false;
  const done = (async () => {
    while (!stopped) {
      const dice = next();
      if (dice < 0.5) {
        await warehouse.raw(
          `UPDATE public.${table} SET duration_ms = duration_ms + 1, country = 'XX' WHERE event_id = ?`,
          [key()],
        );
      } else if (dice < 0.7) {
        const k = key();
        await warehouse.raw(`DELETE FROM public.${table} WHERE event_id = ?`, [
          k,
        ]);
        deleted.push(k);
      } else if (dice < 0.9) {
        const k = deleted.pop() ?? ++newKey;
        await warehouse.raw(
          `INSERT INTO public.${table} VALUES (?, 7, 'trk_new', 1000, now(), 'SE', false)
           ON CONFLICT DO NOTHING`,
          [k],
        );
      } else {
        await warehouse.raw(
          `UPDATE public.${table} SET event_id = ? WHERE event_id = ?`,
          [++newKey, key()],
        );
      }
      writes += 1;
    }
  })();
  return {
    async stop() {
      stopped = true;
      await done;
      return writes;
    },
  };
}

async function main() {
  const postgres = await startBenchPostgres({ fast: false });
  try {
    const warehouse = await postgres.connect('warehouse');
    const hugePages = (await warehouse.raw(`SHOW huge_pages_status`)).rows[0]
      .huge_pages_status;
    console.log(
      `bench:backfill — ${rows.toLocaleString(
        'en-US',
      )} rows, PostgreSQL on 127.0.0.1:${postgres.port}${
        withWriter ? ', and again with a writer' : ''
      }, batches by ${
        batchesByKey ? 'key (--by-key)' : 'block where the table allows'
      }, huge pages ${hugePages}, ${sqlParserAsConfigured()}`,
    );
    const tables = [
      'bench_events',
      // bench_live migrates under the writer; the ceiling is measured under it
      // on a table of its own, so that the writer meets the same rows in both.
      ...(withWriter ? ['bench_live', 'bench_ceiling_live'] : []),
    ];
    for (const table of tables) await createTable(warehouse, table);
    const engines = await benchEngines(
      await postgres.url('warehouse'),
      connections,
      { batchesByKey },
    );
    const schema = await engines
      .get('warehouse')
      .introspect({ table: 'public.bench_events' });
    const { fields } = planFieldChanges(schema.fields, CHANGES);

    /**
     * The ceiling: the same transform as one statement, into a table like the
     * new version. Measured before the migration and again after it (from
     * version 1, which the migration keeps): the two show how far the machine
     * drifted meanwhile, which a ratio cannot.
     */
    const baselineTable = { schema: 'public', name: 'bench_baseline' };
    const measureCeiling = async (
      source: string,
      connection: Knex = warehouse,
    ) => {
      await warehouse.raw(
        createTargetSql({
          target: baselineTable,
          fields,
          targetKey: fields.filter(f => f.primaryKey),
          identities: [],
        }),
      );
      await warehouse.raw('CHECKPOINT');
      const started = Date.now();
      await connection.raw(
        `INSERT INTO public.bench_baseline (${fields
          .map(f => `"${f.name}"`)
          .join(', ')})
         SELECT ${fields
           .map(f => valueOf(f, 's.'))
           .join(', ')} FROM public.${source} AS s`,
      );
      const elapsed = (Date.now() - started) / 1000;
      await warehouse.raw('DROP TABLE public.bench_baseline');
      await warehouse.raw('CHECKPOINT');
      return elapsed;
    };
    const baselineSeconds = await measureCeiling('bench_events');
    /**
     * The same statement from a server process of its own, as the engine's copy
     * runs (its pool opens connections as it needs them). Without huge pages a new
     * process maps each page of the shared buffers on first touch, which slowed
     * the copy's first ~1M rows by about a fifth here; the ceiling's connection
     * touched most of them loading the table.
     */
    const newConnectionSeconds = await (async () => {
      const connection = await postgres.connect('warehouse', 1);
      try {
        // Connected before the clock starts: only the process's first statement is timed.
        await connection.raw('SELECT 1');
        return await measureCeiling('bench_events', connection);
      } finally {
        await connection.destroy();
      }
    })();

    // The real job path: service → graphile-worker → runner → engine.
    const { store, queue, runner, service } = await startJobPath({
      pluginDb: await postgres.connect('plugin'),
      engines,
      catalog: benchCatalog(tables.map(datasetEntity)),
    });
    await queue.start({
      concurrency: 1,
      handlers: {
        runMigration: id => runner.run(id),
        discoverConsumers: async () => {},
        advanceConsumer: async () => {},
      },
    });

    /** One migration of `table`, with a writer on it until its backfill ends. */
    const migrate = async (table: string, writer: boolean) => {
      await warehouse.raw('CHECKPOINT');
      const { migration } = await service.createMigration(
        {
          entityRef: `resource:default/${table.replace(/_/g, '-')}`,
          targetVersion: 2,
          changes: CHANGES,
        },
        benchUser,
      );
      const writes = writer ? startWriter(warehouse, table) : undefined;
      const writerStarted = Date.now();
      let writesMade = 0;
      let done = await store.getMigration(migration.id);
      while (done && (done.status === 'queued' || done.status === 'running')) {
        if (
          writes &&
          (done.steps.find(s => s.name === 'backfill')?.finishedAt ||
            (writerFor !== undefined &&
              Date.now() - writerStarted >= writerFor * 1000))
        )
          writesMade = await writes.stop();
        await sleep(100);
        done = await store.getMigration(migration.id);
      }
      if (writes) writesMade = await writes.stop();
      if (done?.status !== 'succeeded') {
        throw new Error(`migration ${done?.status}: ${done?.failureReason}`);
      }
      const step = (name: string) => {
        const s = done!.steps.find(x => x.name === name)!;
        return seconds(s.startedAt, s.finishedAt);
      };
      const stages = Object.fromEntries(STAGES.map(name => [name, step(name)]));
      const copied = done.logs.find(
        l => l.step === 'backfill' && l.message.startsWith('copied'),
      )!.message;
      const verified = done.logs
        .filter(l => l.step === 'verify')
        .map(l => l.message)
        .join('; ');
      return {
        stages,
        verified,
        whole: seconds(done.createdAt, done.finishedAt),
        started: seconds(done.createdAt, done.steps[0]?.startedAt),
        copied,
        writesMade,
      };
    };

    const plain = await migrate('bench_events', false);
    /**
     * The ceiling while the same writer writes the table it reads: each of the
     * writer's commits waits for the disk, and so for the copy's WAL written
     * before it, which may slow one statement too.
     */
    const liveCeiling = withWriter
      ? await (async () => {
          const writer = startWriter(warehouse, 'bench_ceiling_live');
          const started = Date.now();
          const ceilingSeconds = await measureCeiling('bench_ceiling_live');
          const writes = await writer.stop();
          return {
            seconds: ceilingSeconds,
            writesPerSecond: writes / ((Date.now() - started) / 1000),
          };
        })()
      : undefined;
    const live = withWriter ? await migrate('bench_live', true) : undefined;
    const ceilingAfter = await measureCeiling('bench_events_v1');
    await queue.stop();
    await engines.close();

    const rate = (s: number) =>
      `${Math.round(rows / s).toLocaleString('en-US')} rows/s`;
    const ratio = (s: number) => (baselineSeconds / s).toFixed(2);
    const line = (name: string, s: number, r: string, x: string) =>
      console.log(`| ${name} | ${s.toFixed(2)} | ${r} | ${x} |`);
    console.log('');
    console.log('| measure | seconds | rate | × ceiling |');
    console.log('|---|---|---|---|');
    line(
      'INSERT … SELECT (ceiling)',
      baselineSeconds,
      rate(baselineSeconds),
      '1.00',
    );
    line(
      'INSERT … SELECT on a new connection, as the copy runs',
      newConnectionSeconds,
      rate(newConnectionSeconds),
      ratio(newConnectionSeconds),
    );
    line(
      'INSERT … SELECT again, after the migrations (drift)',
      ceilingAfter,
      rate(ceilingAfter),
      ratio(ceilingAfter),
    );
    line(
      'backfill stage',
      plain.stages.backfill,
      rate(plain.stages.backfill),
      ratio(plain.stages.backfill),
    );
    line(
      'whole migration (queued → succeeded)',
      plain.whole,
      rate(plain.whole),
      ratio(plain.whole),
    );
    if (liveCeiling)
      line(
        'INSERT … SELECT, with the writer',
        liveCeiling.seconds,
        rate(liveCeiling.seconds),
        ratio(liveCeiling.seconds),
      );
    if (live)
      line(
        'backfill stage, with the writer',
        live.stages.backfill,
        rate(live.stages.backfill),
        ratio(live.stages.backfill),
      );
    console.log('');
    console.log('| stage | seconds | ÷ ceiling |');
    console.log('|---|---|---|');
    console.log(`| queued → first stage | ${plain.started.toFixed(2)} | — |`);
    for (const name of STAGES)
      console.log(
        `| ${name} | ${plain.stages[name].toFixed(2)} | ${(
          plain.stages[name] / baselineSeconds
        ).toFixed(2)} |`,
      );
    console.log('');
    console.log(
      `backfill × the ceiling on a new connection: ${(
        newConnectionSeconds / plain.stages.backfill
      ).toFixed(2)}`,
    );
    console.log(
      `verify ÷ backfill: ${(
        plain.stages.verify / plain.stages.backfill
      ).toFixed(2)}`,
    );
    console.log(`backfill: ${plain.copied}`);
    console.log(`verify: ${plain.verified}`);
    if (live) {
      console.log(
        `with the writer: ${live.writesMade} writes (${
          writerFor !== undefined
            ? `in its first ${writerFor} s`
            : `${Math.round(live.writesMade / live.stages.backfill)}/s`
        }) during the backfill; ${live.copied}`,
      );
      console.log(
        `backfill rate with the writer ÷ without: ${(
          plain.stages.backfill / live.stages.backfill
        ).toFixed(2)}`,
      );
      console.log(
        `the ceiling's rate with the writer (${Math.round(
          liveCeiling!.writesPerSecond,
        )} writes/s) ÷ without: ${(
          baselineSeconds / liveCeiling!.seconds
        ).toFixed(2)}; the backfill with the writer × that ceiling: ${(
          liveCeiling!.seconds / live.stages.backfill
        ).toFixed(2)}`,
      );
    }
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
