/**
 * The plugin database losing a session under a step's bookkeeping, inside an
 * engine's stage (found by `yarn chaos`, which terminates both databases'
 * sessions at once): the engine must see an interruption, not an error it undoes
 * the run's work for.
 */
import type { Knex } from 'knex';
import { Client } from 'pg';
import { MigrationInterruptedError } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { MigrationStore } from '../database/MigrationStore';
import { engineRun } from '../__testUtils__/engineRun';
import {
  connectionUrlOf,
  createTestDatabases,
  createTestEngine,
} from '../__testUtils__/testDatabases';
import { createRunContext } from './runContext';

const ROWS = 2_000;
const MIGRATION = '00000000-0000-4000-8000-0000000000d1';

/** What a query on a session the server terminates fails with, for real. */
async function terminatedSessionError(knex: Knex): Promise<Error> {
  const client = new Client({ connectionString: connectionUrlOf(knex) });
  client.on('error', () => {});
  await client.connect();
  const { rows } = await client.query('SELECT pg_backend_pid() AS pid');
  const query = client.query('SELECT pg_sleep(30)');
  await knex.raw('SELECT pg_terminate_backend(?, 5000)', [rows[0].pid]);
  const error = await query.then(
    () => undefined,
    (e: Error) => e,
  );
  await client.end().catch(() => {});
  if (!error) throw new Error('the terminated query did not fail');
  return error;
}

/**
 * The store's run journal in memory; `failing.error` makes the next end of step
 * `failing.step` (the backfill unless set) fail, `onCheckpoint` hears each write.
 */
function journal() {
  const checkpoints = new Map<string, unknown>();
  const failing: {
    error?: Error;
    step?: string;
    onCheckpoint?: (name: string) => Promise<void>;
  } = {};
  const store = {
    appendLog: async () => {},
    startStep: async () => {},
    finishStep: async (_id: string, _attempt: number, name: string) => {
      if (name === (failing.step ?? 'backfill') && failing.error) {
        const error = failing.error;
        failing.error = undefined;
        throw error;
      }
    },
    getCheckpoint: async (_id: string, name: string) =>
      checkpoints.has(name)
        ? JSON.parse(JSON.stringify(checkpoints.get(name)))
        : undefined,
    setCheckpoint: async (_id: string, name: string, value: unknown) => {
      checkpoints.set(name, JSON.parse(JSON.stringify(value)));
      await failing.onCheckpoint?.(name);
      return true;
    },
    clearCheckpoints: async () => {
      checkpoints.clear();
      return true;
    },
    reportProgress: async () => true,
    recordVerification: async () => true,
    recordDryRunSample: async () => true,
  } as unknown as MigrationStore;
  return { store, checkpoints, failing };
}

describe('a plugin-database session lost under a step inside an engine stage', () => {
  const { init } = createTestDatabases();

  it('interrupts the run, which keeps its work and resumes, instead of undoing it', async () => {
    const knex = await init();
    await knex.raw(`
      CREATE TABLE public.events (id bigint PRIMARY KEY, user_id text NOT NULL);
      INSERT INTO public.events SELECT g, 'user' || g FROM generate_series(1, ${ROWS}) AS g;
      ANALYZE public.events;`);
    const engine = await createTestEngine(knex, {
      config: { backfill: { maxBatchRows: 500 } },
    });
    try {
      const { store, checkpoints, failing } = journal();
      const lost = await terminatedSessionError(knex);
      failing.error = lost;
      const changes = [{ renameField: { from: 'user_id', to: 'listener_id' } }];
      const attempt = async (n: number) =>
        (
          await engineRun(engine, 'public.events', changes, {
            migrationId: MIGRATION,
            ...createRunContext(store, MIGRATION, n),
          })
        ).run;

      // The backfill copied everything; recording its step's end fails.
      const first = engine.migrate(await attempt(1));
      await expect(first).rejects.toBeInstanceOf(MigrationInterruptedError);
      await expect(first).rejects.toThrow(
        `the plugin database is unavailable: ${lost.message}`,
      );
      expect(failing.error).toBeUndefined();
      const { rows } = await knex.raw(
        `SELECT to_regclass('public.events_v2')::text AS target,
                (SELECT count(*) FROM public.events_v2)::int AS copied`,
      );
      // Kept, not undone: the new version with every row, and the checkpoints.
      expect(rows[0]).toEqual({ target: 'events_v2', copied: ROWS });
      expect(checkpoints.get('done:create-target')).toBe(true);
      expect(checkpoints.get('backfill')).toMatchObject({ rows: ROWS });

      await engine.migrate(await attempt(2));
      const { rows: after } = await knex.raw(
        `SELECT count(*)::int AS n FROM public.events_v2`,
      );
      expect(after[0].n).toBe(ROWS);
      expect(checkpoints.get('done:cut-over')).toBe(true);
    } finally {
      await engine.close?.();
      await knex.destroy();
    }
  });
  it("lets the engine hear of a step's own failure, not of the lost session that kept it from being recorded", async () => {
    const knex = await init();
    await knex.raw(`
      CREATE TABLE public.events (id bigint PRIMARY KEY, user_id text NOT NULL);
      INSERT INTO public.events SELECT g, 'user' || g FROM generate_series(1, ${ROWS}) AS g;
      ANALYZE public.events;`);
    const engine = await createTestEngine(knex);
    try {
      const { store, checkpoints, failing } = journal();
      const lost = await terminatedSessionError(knex);
      // A row of the new version changed behind the capture's back, so verify
      // fails; recording that its step failed meets a terminated session.
      failing.step = 'verify';
      failing.onCheckpoint = async name => {
        if (name !== 'done:indexes') return;
        await knex.raw(
          `UPDATE public.events_v2 SET listener_id = 'changed' WHERE id = 7`,
        );
        failing.error = lost;
      };
      const changes = [{ renameField: { from: 'user_id', to: 'listener_id' } }];
      const { run } = await engineRun(engine, 'public.events', changes, {
        migrationId: MIGRATION,
        ...createRunContext(store, MIGRATION, 1),
      });

      const migrated = engine.migrate(run);
      await expect(migrated).rejects.toThrow(/^verification failed: /);
      await expect(migrated).rejects.not.toBeInstanceOf(
        MigrationInterruptedError,
      );
      expect(failing.error).toBeUndefined();
      // Failed, so undone: no new version, the checkpoints cleared.
      const { rows } = await knex.raw(
        `SELECT to_regclass('public.events_v2')::text AS target`,
      );
      expect(rows[0].target).toBeNull();
      expect(checkpoints.size).toBe(0);
    } finally {
      await engine.close?.();
      await knex.destroy();
    }
  });
});
