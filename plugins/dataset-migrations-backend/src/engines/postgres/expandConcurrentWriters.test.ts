/**
 * Two writers of one row through the expand view at READ COMMITTED (the default):
 * on a table the second waits for the first and judges its WHERE again on what
 * the first wrote. Through the view's trigger, which gets the row as the
 * statement's snapshot saw it, the second must not apply values computed from a
 * row since changed: it fails as a serialization failure, or skips a row gone.
 */
import type { Knex } from 'knex';
import { Client } from 'pg';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  connectionUrlOf,
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine: concurrent writers of a row through the expand view', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;
  let first: Client;
  let second: Client;

  beforeEach(async () => {
    knex = await init();
    await knex.raw(`
      CREATE TABLE public.jobs (
        id bigint PRIMARY KEY,
        status text NOT NULL,
        attempts integer NOT NULL DEFAULT 0,
        worker text,
        tag text
      )`);
    await knex.raw(
      `INSERT INTO public.jobs (id, status) VALUES (1, 'pending'), (2, 'pending')`,
    );
    engine = await createTestEngine(knex);
    // A retype and a drop: the name is served by a view whose writes a trigger makes.
    const { run } = await engineRun(engine, 'public.jobs', [
      { changeType: { field: 'attempts', type: 'bigint' } },
      { dropField: { name: 'tag' } },
    ]);
    await engine.migrate(run);
    first = new Client(connectionUrlOf(knex));
    second = new Client(connectionUrlOf(knex));
    await first.connect();
    await second.connect();
  });

  afterEach(async () => {
    await first.end();
    await second.end();
    await engine.close?.();
    await knex.destroy();
  });

  /** Runs `sql` on the second writer while the first holds `firstSql` uncommitted, then commits the first. */
  async function race(firstSql: string, sql: string) {
    await first.query('BEGIN');
    await first.query(firstSql);
    const waiting = second.query(sql).then(
      r => ({ rowCount: r.rowCount, rows: r.rows }),
      (e: { code?: string; message: string }) => ({
        code: e.code,
        message: e.message,
      }),
    );
    // The second writer waits for the first one's lock on the row.
    await waitForLockWait();
    await first.query('COMMIT');
    return waiting;
  }

  async function waitForLockWait() {
    for (let i = 0; i < 200; i++) {
      const { rows } = await knex.raw(
        `SELECT count(*)::int AS n FROM pg_stat_activity WHERE wait_event_type = 'Lock'`,
      );
      if (rows[0].n > 0) return;
      await new Promise(r => setTimeout(r, 25));
    }
    throw new Error('the second writer never waited');
  }

  const row = async (id: number) =>
    (
      await knex.raw(
        `SELECT status, attempts::int, worker FROM public.jobs WHERE id = ?`,
        [id],
      )
    ).rows[0];

  it('fails the second of two increments instead of losing the first', async () => {
    const increment = `UPDATE public.jobs SET attempts = attempts + 1 WHERE id = 1`;
    const outcome = await race(increment, increment);
    expect(outcome).toEqual({
      code: '40001',
      message:
        'could not serialize access due to concurrent update of public.jobs',
    });
    expect(await row(1)).toEqual({
      status: 'pending',
      attempts: 1,
      worker: null,
    });
    // Retried, as the error asks, it counts.
    await second.query(increment);
    expect((await row(1)).attempts).toBe(2);
  });

  it('lets only one of two workers claim a pending job', async () => {
    const claim = (worker: string) =>
      `UPDATE public.jobs SET status = 'running', worker = '${worker}' WHERE id = 2 AND status = 'pending'`;
    const outcome = await race(claim('a'), claim('b'));
    expect(outcome).toMatchObject({ code: '40001' });
    expect(await row(2)).toEqual({
      status: 'running',
      attempts: 0,
      worker: 'a',
    });
  });

  it('gives a row popped by one writer to no other', async () => {
    const pop = `DELETE FROM public.jobs WHERE id = 1 RETURNING id, status`;
    expect(await race(pop, pop)).toEqual({ rowCount: 0, rows: [] });
    expect(await row(1)).toBeUndefined();
  });

  it('skips a row deleted before the update reached it, as a table does', async () => {
    expect(
      await race(
        `DELETE FROM public.jobs WHERE id = 2`,
        `UPDATE public.jobs SET worker = 'late' WHERE id = 2`,
      ),
    ).toEqual({ rowCount: 0, rows: [] });
    expect(
      (
        await knex.raw(
          `SELECT count(*)::int AS n FROM public.jobs_v1 WHERE id = 2`,
        )
      ).rows[0].n,
    ).toBe(0);
  });

  it('writes a row once when one statement reaches it twice, as a table does', async () => {
    const result = await first.query(
      `UPDATE public.jobs AS j SET attempts = j.attempts + 1 FROM (VALUES (1), (1)) AS v(id) WHERE j.id = v.id`,
    );
    expect(result.rowCount).toBe(1);
    expect((await row(1)).attempts).toBe(1);
  });

  it('locks rows through the name for a job queue’s SKIP LOCKED, the dropped field read beside them', async () => {
    await knex.raw(`UPDATE public.jobs SET tag = 'urgent' WHERE id = 2`);
    const next = `SELECT id, tag FROM public.jobs WHERE status = 'pending' ORDER BY id LIMIT 1 FOR UPDATE SKIP LOCKED`;
    await first.query('BEGIN');
    expect((await first.query(next)).rows).toEqual([{ id: '1', tag: null }]);
    await second.query('BEGIN');
    expect((await second.query(next)).rows).toEqual([
      { id: '2', tag: 'urgent' },
    ]);
    // What either holds is rows of the new version.
    expect(
      (
        await knex.raw(
          `SELECT count(*)::int AS n FROM pg_locks l JOIN pg_class c ON c.oid = l.relation WHERE c.relname = 'jobs_v2' AND l.mode = 'RowShareLock'`,
        )
      ).rows[0].n,
    ).toBe(2);
    await first.query('COMMIT');
    await second.query('COMMIT');
    expect(
      (await first.query(`SELECT id FROM public.jobs WHERE id = 1 FOR SHARE`))
        .rows,
    ).toEqual([{ id: '1' }]);
  });

  it('writes once, not failing, when one statement reaches a row twice inside a savepoint', async () => {
    await first.query('BEGIN');
    await first.query('SAVEPOINT s');
    const result = await first.query(
      `UPDATE public.jobs AS j SET attempts = j.attempts + 1 FROM (VALUES (1), (1)) AS v(id) WHERE j.id = v.id`,
    );
    await first.query('COMMIT');
    expect(result.rowCount).toBe(1);
    expect((await row(1)).attempts).toBe(1);
  });

  it('takes a lone writer in any time zone and date style, with json and casts that depend on them', async () => {
    await knex.raw(`
      CREATE TABLE public.events (
        id bigint PRIMARY KEY,
        seen text NOT NULL,
        day text NOT NULL,
        payload json,
        note text,
        tag text
      )`);
    await knex.raw(
      `INSERT INTO public.events VALUES (1, '2026-01-01 10:00:00+00', '2026-01-02', '{"a": 1}', 'a', 't')`,
    );
    const { run } = await engineRun(
      engine,
      'public.events',
      [
        { changeType: { field: 'seen', type: 'timestamptz' } },
        { changeType: { field: 'day', type: 'date' } },
        { dropField: { name: 'tag' } },
      ],
      { migrationId: '00000000-0000-4000-8000-000000000002' },
    );
    await engine.migrate(run);
    await first.query(`SET TimeZone = 'America/New_York'`);
    await first.query(`SET DateStyle = 'SQL, DMY'`);
    expect(
      (
        await first.query(
          `UPDATE public.events SET note = 'x', payload = '{"b": 2}' WHERE id = 1`,
        )
      ).rowCount,
    ).toBe(1);
    expect(
      (
        await knex.raw(
          `SELECT note, payload::text, seen FROM public.events_v2 WHERE id = 1`,
        )
      ).rows,
    ).toEqual([
      {
        note: 'x',
        payload: '{"b": 2}',
        seen: new Date('2026-01-01T10:00:00Z'),
      },
    ]);
    expect(
      (await first.query(`DELETE FROM public.events WHERE id = 1`)).rowCount,
    ).toBe(1);
  });

  it('still takes one writer after another, and a dropped field’s value', async () => {
    await first.query(
      `UPDATE public.jobs SET attempts = attempts + 1 WHERE id = 1`,
    );
    await second.query(
      `UPDATE public.jobs SET attempts = attempts + 1, tag = 'x' WHERE id = 1`,
    );
    await first.query(`UPDATE public.jobs SET tag = 'y' WHERE id = 1`);
    expect((await row(1)).attempts).toBe(2);
    expect(
      (
        await knex.raw(
          `SELECT attempts::int, tag FROM public.jobs_v1 WHERE id = 1`,
        )
      ).rows,
    ).toEqual([{ attempts: 2, tag: 'y' }]);
  });
});
