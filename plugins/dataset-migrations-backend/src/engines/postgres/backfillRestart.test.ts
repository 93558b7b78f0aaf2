/**
 * A backfill whose PostgreSQL crashes and comes back between two batches: the
 * engine's pool reconnects without an error, and the commits the crash lost are
 * behind the position the backfill holds in memory. The run must notice, stop, and
 * resume from the checkpoint it had flushed, copying nothing before it again.
 */
import knexFactory, { type Knex } from 'knex';
import {
  MigrationInterruptedError,
  type DatasetEngine,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  startRestartablePostgres,
  type RestartablePostgres,
} from '../../__testUtils__/postgresServer';
import { createTestEngine } from '../../__testUtils__/testDatabases';
import { engineRun } from '../../__testUtils__/engineRun';

const ROWS = 30_000;
const BATCH_ROWS = 1_000;
/** After this batch the test flushes the WAL, so a later batch checkpoints it. */
const FLUSH_AFTER_BATCH = 4;
/** The crash comes right after this batch committed, before the next one starts. */
const CRASH_AFTER_BATCH = 8;

interface Checkpoint {
  lastKey: string[] | null;
  nextBlock?: number;
  rows: number;
}

describe.each([
  ['by block', false],
  ['by key', true],
])(
  'a backfill %s across an engine crash between two batches',
  (_how, batchesByKey) => {
    let server: RestartablePostgres;
    let knex: Knex;
    let engine: DatasetEngine;
    const connect = () =>
      knexFactory({
        client: 'pg',
        connection: server.url,
        pool: { min: 0, max: 2 },
      });

    /** A table of ROWS rows, ids 1 to ROWS. */
    const createTable = (name: string) =>
      knex.raw(`
      CREATE TABLE public.${name} (id bigint PRIMARY KEY, user_id text NOT NULL, duration text);
      INSERT INTO public.${name}
        SELECT g, 'user-' || (g % 997), (g % 600)::text FROM generate_series(1, ${ROWS}) AS g;
      ANALYZE public.${name};`);

    /** Flushes the WAL: a synchronous commit of a transaction that wrote some waits for all before it. */
    const flushWal = () =>
      knex.transaction(async trx => {
        await trx.raw('SET LOCAL synchronous_commit = on');
        await trx.raw('INSERT INTO public.flushes VALUES (default)');
      });

    const crashAndRestart = async () => {
      await knex.destroy();
      await server.crash();
      await server.start();
      knex = connect();
    };

    /** Rows of `relation` with an id up to `lastKey`, and all of them. */
    const rowsUpTo = async (relation: string, lastKey: string) =>
      (
        await knex.raw(
          `SELECT count(*) FILTER (WHERE id <= ?)::int AS before, count(*)::int AS rows FROM ${relation}`,
          [lastKey],
        )
      ).rows[0] as { before: number; rows: number };

    /**
     * The last key a checkpoint's position covers: its key, or the last one in the
     * blocks before its block (the rows were written in key order, one per key).
     */
    const lastKeyOf = async (table: string, checkpoint: Checkpoint) => {
      if (checkpoint.nextBlock === undefined) return checkpoint.lastKey![0];
      expect(batchesByKey).toBe(false);
      const { rows } = await knex.raw(
        `SELECT coalesce(max(id), 0)::text AS key FROM public.${table} WHERE ctid < ?::tid`,
        [`(${checkpoint.nextBlock},0)`],
      );
      return rows[0].key as string;
    };

    /** Rows that differ between version 1 and `target` (user_id renamed listener_id). */
    const differing = async (name: string) =>
      (
        await knex.raw(
          `SELECT count(*)::int AS n FROM (
           (SELECT id, user_id, duration FROM public.${name}_v1
             EXCEPT SELECT id, listener_id, duration FROM public.${name}_v2)
           UNION ALL
           (SELECT id, listener_id, duration FROM public.${name}_v2
             EXCEPT SELECT id, user_id, duration FROM public.${name}_v1)) AS d`,
        )
      ).rows[0].n as number;

    const runOn = (
      table: string,
      migrationId: string,
      options: Parameters<typeof engineRun>[3] = {},
    ) =>
      engineRun(
        engine,
        `public.${table}`,
        [{ renameField: { from: 'user_id', to: 'listener_id' } }],
        { migrationId, ...options },
      );

    let calls = 0;
    beforeEach(() => {
      calls = 0;
    });
    /**
     * A run's `throwIfCancelled` that calls `between` before each backfill batch
     * (the backfill asks at every batch's start, and nothing else then) with how
     * many batches it has committed. A batch's progress is stored while the next
     * batch copies, so progress cannot tell where one batch ends.
     */
    const betweenBatches =
      (
        steps: () => { name: string; status: string }[],
        between: (committed: number) => Promise<void>,
      ) =>
      async () => {
        const current = steps().at(-1);
        if (current?.name !== 'backfill' || current.status !== 'running')
          return;
        await between(calls++);
      };

    /** The next attempt, from the checkpoints an earlier one left. */
    const resume = async (
      table: string,
      migrationId: string,
      checkpoints: Map<string, unknown>,
    ) => {
      const next = await runOn(table, migrationId);
      for (const [name, value] of checkpoints)
        await next.run.checkpoints.set(name, value);
      await engine.migrate(next.run);
      expect(next.steps.map(s => [s.name, s.status])).toEqual([
        ['backfill', 'succeeded'],
        ['indexes', 'succeeded'],
        ['verify', 'succeeded'],
        ['cut-over', 'succeeded'],
      ]);
      return next;
    };

    beforeAll(async () => {
      server = await startRestartablePostgres();
      knex = connect();
      await knex.raw(`CREATE TABLE public.flushes (n serial)`);
      // The WAL writer writes an asynchronous commit out within wal_writer_delay: at
      // its longest, a batch that just committed is still only in the server's
      // buffers when the crash comes, and is lost.
      await knex.raw(`ALTER SYSTEM SET wal_writer_delay = '10s'`);
      await knex.raw(`ALTER SYSTEM SET wal_writer_flush_after = '1GB'`);
      await knex.raw(`SELECT pg_reload_conf()`);
      engine = await createTestEngine(server.url, {
        config: { backfill: { maxBatchRows: BATCH_ROWS, batchesByKey } },
      });
    }, 120_000);

    afterAll(async () => {
      await engine?.close?.();
      await knex?.destroy();
      await server?.destroy();
    }, 60_000);

    it('resumes from its flushed checkpoint after a crash it notices between batches, copying no batch before it again', async () => {
      const id = `00000000-0000-4000-8000-0000000000${
        batchesByKey ? 'd' : 'c'
      }1`;
      await createTable('events');
      let atCrash: { inMemory: number; survived: number } | undefined;
      const reported: { done: number; checkpointed: number }[] = [];
      const first = await runOn('events', id, {
        progress: async (stage, done) => {
          if (stage !== 'backfill') return;
          const checkpoint = await first.run.checkpoints.get<Checkpoint>(
            'backfill',
          );
          reported.push({ done, checkpointed: checkpoint?.rows ?? 0 });
        },
        throwIfCancelled: betweenBatches(
          () => first.steps,
          async committed => {
            if (committed === FLUSH_AFTER_BATCH) await flushWal();
            if (committed !== CRASH_AFTER_BATCH) return;
            const inMemory = (await rowsUpTo('public.events_v2', '0')).rows;
            await crashAndRestart();
            atCrash = {
              inMemory,
              survived: (await rowsUpTo('public.events_v2', '0')).rows,
            };
          },
        ),
      });
      await expect(engine.migrate(first.run)).rejects.toThrow(
        new MigrationInterruptedError(
          'the engine restarted during the backfill; resuming from the last checkpoint it had flushed',
        ),
      );
      expect(atCrash).toBeDefined();
      const { inMemory, survived } = atCrash!;
      const checkpoint = first.checkpoints.get('backfill') as Checkpoint;
      // Progress reports the checkpoint's rows, not the batches' in memory.
      expect(reported.length).toBeGreaterThanOrEqual(CRASH_AFTER_BATCH - 1);
      for (const { done, checkpointed } of reported)
        expect(done).toBe(checkpointed);
      // The scenario: the crash lost commits past the checkpoint, so going on from
      // the position in memory would have left their rows out for good.
      expect(checkpoint.rows).toBeGreaterThan(
        (FLUSH_AFTER_BATCH - 1) * BATCH_ROWS,
      );
      expect(checkpoint.rows).toBeLessThan(inMemory);
      expect(survived).toBeGreaterThanOrEqual(checkpoint.rows);
      expect(survived).toBeLessThan(inMemory);
      // It stopped before copying anything on the restarted server.
      expect((await rowsUpTo('public.events_v2', '0')).rows).toBe(survived);

      const lastKey = await lastKeyOf('events', checkpoint);
      // Every transaction from here on has a later id than any row copied before.
      const { rows: xid } = await knex.raw(
        `SELECT txid_current()::text AS xid`,
      );
      const resumedAt = String(BigInt(xid[0].xid) % 2n ** 32n);
      const second = await resume('events', id, first.checkpoints);
      expect(second.logs).toContain(
        `resuming the backfill after ${checkpoint.rows} rows`,
      );
      // Copied by the first attempt (an older xmin) up to the checkpoint's key, and
      // not again; past it, the rows the crash lost were copied by the second.
      // (xmin is the 32-bit id; this fresh server is far from wrapping.)
      const { rows: copied } = await knex.raw(
        `SELECT count(*) FILTER (WHERE id <= ?)::int AS before,
              count(*) FILTER (WHERE id <= ? AND xmin::text::bigint >= ?)::int AS before_again,
              count(*) FILTER (WHERE id > ? AND xmin::text::bigint >= ?)::int AS after_resumed,
              count(*)::int AS rows, count(DISTINCT id)::int AS keys
         FROM public.events_v2`,
        [lastKey, lastKey, resumedAt, lastKey, resumedAt],
      );
      expect(copied[0]).toMatchObject({
        before: checkpoint.rows,
        before_again: 0,
        rows: ROWS,
        keys: ROWS,
      });
      expect(copied[0].after_resumed).toBe(ROWS - survived);
      expect(await differing('events')).toBe(0);
    }, 60_000);

    it('leaves a checkpoint a crash keeps when it stops on purpose between batches', async () => {
      const id = `00000000-0000-4000-8000-0000000000${
        batchesByKey ? 'd' : 'c'
      }2`;
      await createTable('plays');
      let copied = 0;
      const first = await runOn('plays', id, {
        // The worker is told to stop (its lease lost, its process shutting down).
        throwIfCancelled: betweenBatches(
          () => first.steps,
          async committed => {
            if (committed !== CRASH_AFTER_BATCH) return;
            copied = (await rowsUpTo('public.plays_v2', '0')).rows;
            throw new MigrationInterruptedError('worker stopping');
          },
        ),
      });
      await expect(engine.migrate(first.run)).rejects.toThrow(
        'worker stopping',
      );
      const checkpoint = first.checkpoints.get('backfill') as Checkpoint;
      // The stop checkpoints every batch it copied, so it must have flushed them.
      expect(checkpoint.rows).toBe(copied);
      expect(checkpoint.rows).toBeGreaterThan(
        (CRASH_AFTER_BATCH - 1) * BATCH_ROWS,
      );
      await crashAndRestart();
      expect(
        await rowsUpTo('public.plays_v2', await lastKeyOf('plays', checkpoint)),
      ).toEqual({
        before: checkpoint.rows,
        rows: checkpoint.rows,
      });

      const second = await resume('plays', id, first.checkpoints);
      expect(second.logs).toContain(
        `resuming the backfill after ${checkpoint.rows} rows`,
      );
      expect(await rowsUpTo('public.plays_v2', '0')).toMatchObject({
        rows: ROWS,
      });
      expect(await differing('plays')).toBe(0);
    }, 60_000);

    it('keeps the checkpoint it had flushed when it stops on purpose right after a crash', async () => {
      const id = `00000000-0000-4000-8000-0000000000${
        batchesByKey ? 'd' : 'c'
      }3`;
      await createTable('listens');
      let inMemory = 0;
      const first = await runOn('listens', id, {
        throwIfCancelled: betweenBatches(
          () => first.steps,
          async committed => {
            if (committed === FLUSH_AFTER_BATCH) await flushWal();
            if (committed !== CRASH_AFTER_BATCH) return;
            inMemory = (await rowsUpTo('public.listens_v2', '0')).rows;
            await crashAndRestart();
            // Told to stop just after the crash, before the next batch could notice it.
            throw new MigrationInterruptedError('worker stopping');
          },
        ),
      });
      await expect(engine.migrate(first.run)).rejects.toThrow(
        'worker stopping',
      );
      // The checkpoint is one the server had flushed before the crash, not the
      // position in memory the stop would have flushed on a server that kept it.
      const flushed = first.checkpoints.get('backfill') as Checkpoint;
      expect(flushed.rows).toBeGreaterThan(
        (FLUSH_AFTER_BATCH - 1) * BATCH_ROWS,
      );
      expect(flushed.rows).toBeLessThan(inMemory);
      const present = await rowsUpTo('public.listens_v2', '0');
      // The crash lost batches after the flushed checkpoint, which stays.
      expect(present.rows).toBeLessThan(inMemory);
      expect(
        await rowsUpTo(
          'public.listens_v2',
          await lastKeyOf('listens', flushed),
        ),
      ).toMatchObject({ before: flushed!.rows });

      await resume('listens', id, first.checkpoints);
      expect(await rowsUpTo('public.listens_v2', '0')).toMatchObject({
        rows: ROWS,
      });
      expect(await differing('listens')).toBe(0);
    }, 60_000);
  },
);
