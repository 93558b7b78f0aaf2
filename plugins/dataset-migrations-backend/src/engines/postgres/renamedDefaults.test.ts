/**
 * Writes through the name of a field renamed (`status` to `state`), or renamed
 * and retyped, whose column has a default, while the name is a view with a
 * trigger (another change beside the rename): the view serves the field under both names, so an insert that
 * gives one and leaves the other out must be read by the name it gave. Before,
 * `state = NULL` with `status` left out stored the default (found by a probe,
 * 2026-12-06).
 */
import type { Knex } from 'knex';
import { Client } from 'pg';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  connectionUrlOf,
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun, outcomeOf } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine: a renamed field with a default, written through the name', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  beforeEach(async () => {
    knex = await init();
    engine = await createTestEngine(knex);
    await knex.raw(`
      CREATE TABLE public.jobs (id int PRIMARY KEY, status text DEFAULT 'new', note text);
      INSERT INTO public.jobs VALUES (1, 'done', 'a')`);
  });

  afterEach(async () => {
    await engine.close?.();
    await knex.destroy();
  });

  it('stores what the insert gave under either name, and the default where it gave neither', async () => {
    const { run } = await engineRun(engine, 'public.jobs', [
      { renameField: { from: 'status', to: 'state' } },
      // Beside the rename, so that the name is a view with a trigger.
      { changeType: { field: 'id', type: 'bigint' } },
    ]);
    await engine.plan(run);
    expect(await outcomeOf(engine.migrate(run))).toBe('done');

    await knex.raw(`
      INSERT INTO public.jobs (id, state) VALUES (2, NULL);
      INSERT INTO public.jobs (id, state) VALUES (3, 'x');
      INSERT INTO public.jobs (id) VALUES (4);
      INSERT INTO public.jobs (id, status) VALUES (5, NULL);
      INSERT INTO public.jobs (id, status) VALUES (6, 'y');
      INSERT INTO public.jobs (id, status, state) VALUES (7, 'p', 'q');
      INSERT INTO public.jobs (id, state) SELECT 7 + i, NULL FROM generate_series(1, 3) i;
      INSERT INTO public.jobs (id, note) SELECT 10 + i, 'n' FROM generate_series(1, 2) i;
      UPDATE public.jobs SET state = DEFAULT WHERE id = 1`);

    expect(
      (await knex.raw(`SELECT id, status, state FROM public.jobs ORDER BY id`))
        .rows,
    ).toEqual([
      { id: 1, status: 'new', state: 'new' },
      { id: 2, status: null, state: null },
      { id: 3, status: 'x', state: 'x' },
      { id: 4, status: 'new', state: 'new' },
      { id: 5, status: null, state: null },
      { id: 6, status: 'y', state: 'y' },
      { id: 7, status: 'q', state: 'q' },
      { id: 8, status: null, state: null },
      { id: 9, status: null, state: null },
      { id: 10, status: null, state: null },
      { id: 11, status: 'new', state: 'new' },
      { id: 12, status: 'new', state: 'new' },
    ]);
    // The new version holds it, and so does the previous one for its readers.
    expect(
      (
        await knex.raw(
          `SELECT id::int AS id, state FROM public.jobs_v2 WHERE id IN (2, 5, 8, 11) ORDER BY id`,
        )
      ).rows,
    ).toEqual([
      { id: 2, state: null },
      { id: 5, state: null },
      { id: 8, state: null },
      { id: 11, state: 'new' },
    ]);
  });

  it('does the same for a field renamed and retyped at once', async () => {
    await knex.raw(`
      CREATE TABLE public.tasks (id int PRIMARY KEY, priority smallint DEFAULT 3, note text);
      INSERT INTO public.tasks VALUES (1, 9, 'a')`);
    const { run } = await engineRun(engine, 'public.tasks', [
      { renameField: { from: 'priority', to: 'rank' } },
      { changeType: { field: 'rank', type: 'integer' } },
    ]);
    await engine.plan(run);
    expect(await outcomeOf(engine.migrate(run))).toBe('done');

    await knex.raw(`
      INSERT INTO public.tasks (id, rank) VALUES (2, NULL);
      INSERT INTO public.tasks (id, rank) VALUES (3, 5);
      INSERT INTO public.tasks (id) VALUES (4);
      INSERT INTO public.tasks (id, priority) VALUES (5, NULL);
      INSERT INTO public.tasks (id, priority) VALUES (6, 7);
      INSERT INTO public.tasks (id, rank) SELECT 6 + i, NULL FROM generate_series(1, 2) i;
      UPDATE public.tasks SET rank = DEFAULT WHERE id = 1`);

    expect(
      (
        await knex.raw(
          `SELECT id, priority, rank FROM public.tasks ORDER BY id`,
        )
      ).rows,
    ).toEqual([
      { id: 1, priority: 3, rank: 3 },
      { id: 2, priority: null, rank: null },
      { id: 3, priority: 5, rank: 5 },
      { id: 4, priority: 3, rank: 3 },
      { id: 5, priority: null, rank: null },
      { id: 6, priority: 7, rank: 7 },
      { id: 7, priority: null, rank: null },
      { id: 8, priority: null, rank: null },
    ]);
  });

  it('gives a renamed and retyped time field its default as the copy converts it, whatever the writer’s time zone', async () => {
    await knex.raw(`
      CREATE TABLE public.stamps (id int PRIMARY KEY, made timestamptz DEFAULT now(), note text);
      INSERT INTO public.stamps VALUES (1, now(), 'a')`);
    const { run } = await engineRun(engine, 'public.stamps', [
      { renameField: { from: 'made', to: 'made_local' } },
      { changeType: { field: 'made_local', type: 'timestamp' } },
    ]);
    await engine.plan(run);
    expect(await outcomeOf(engine.migrate(run))).toBe('done');
    const writer = new Client(connectionUrlOf(knex));
    await writer.connect();
    try {
      await writer.query(`SET TimeZone = 'America/New_York'`);
      // A writer of the previous shape leaving both names to their defaults:
      // found by a review, the new name's default was cast in the writer's zone,
      // 5 hours off what the copy gives (in UTC).
      await writer.query(
        `INSERT INTO public.stamps (id, note) VALUES (2, 'b')`,
      );
      const { rows } = await writer.query(
        `SELECT round(extract(epoch FROM now() - made))::int AS behind FROM public.stamps WHERE id = 2`,
      );
      expect(rows).toEqual([{ behind: 0 }]);
    } finally {
      await writer.end();
    }
  });
});
