/**
 * A TRUNCATE of the dataset's table while a run copies it (or of a partition, or
 * a partition detached or dropped) fires no row trigger,
 * so the capture never saw it: the new version kept every row, and from the
 * cut-over the name served the rows the writer had removed (a reload, `TRUNCATE`
 * then `INSERT`, brought every old row back beside the new ones). The capture
 * records it as a write it could not apply, so the run fails, before the name
 * moves, and is undone; the writer's TRUNCATE stands.
 */
import type { Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun, outcomeOf } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine: TRUNCATE of the table while a run copies it', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  beforeEach(async () => {
    knex = await init();
    engine = await createTestEngine(knex);
    await knex.raw(`
      CREATE TABLE public.items (id int PRIMARY KEY, n int);
      INSERT INTO public.items SELECT i, i FROM generate_series(1, 1000) i`);
  });

  afterEach(async () => {
    await engine.close?.();
    await knex.destroy();
  });

  it.each([
    [
      // A partition's TRUNCATE fires its own statement triggers, not its parent's.
      'TRUNCATE public.plays_high',
      'TRUNCATE of public.plays: the new version keeps the rows it removed',
    ],
    // Nor do a partition detached or dropped write a row the capture sees.
    [
      'ALTER TABLE public.plays DETACH PARTITION public.plays_high',
      'partition plays_high detached or dropped, and its rows with it',
    ],
    [
      'DROP TABLE public.plays_high',
      'partition plays_high detached or dropped, and its rows with it',
    ],
  ])(
    'fails the run where, after verify, a partition lost its rows: %s',
    async (removal, why) => {
      await knex.raw(`
      CREATE TABLE public.plays (id int PRIMARY KEY, n int) PARTITION BY RANGE (id);
      CREATE TABLE public.plays_low PARTITION OF public.plays FOR VALUES FROM (1) TO (501);
      CREATE TABLE public.plays_high PARTITION OF public.plays FOR VALUES FROM (501) TO (1001);
      INSERT INTO public.plays SELECT i, i FROM generate_series(1, 1000) i`);
      const { run } = await engineRun(engine, 'public.plays', [
        { changeType: { field: 'n', type: 'bigint' } },
      ]);
      const step = run.step;
      run.step = async (name, work) => {
        if (name === 'cut-over') await knex.raw(removal);
        return step(name, work);
      };
      await engine.plan(run);
      expect(await outcomeOf(engine.migrate(run))).toContain(why);
      expect(
        (await knex.raw(`SELECT count(*)::int AS n FROM public.plays`)).rows,
      ).toEqual([{ n: 500 }]);
      // Undone: no trigger of the run's is left on any partition, a detached one's included.
      expect(
        (
          await knex.raw(
            `SELECT count(*)::int AS triggers FROM pg_trigger
            WHERE tgrelid IN (SELECT oid FROM pg_class
                               WHERE relname IN ('plays', 'plays_low', 'plays_high'))
              AND tgname ~ '^dsm_'`,
          )
        ).rows,
      ).toEqual([{ triggers: 0 }]);
    },
  );

  it.each(['verify', 'cut-over'])(
    'fails the run at %s, before the name moves, where a reload truncated the table',
    async stage => {
      const { run, steps } = await engineRun(engine, 'public.items', [
        { changeType: { field: 'n', type: 'bigint' } },
      ]);
      const step = run.step;
      run.step = async (name, work) => {
        if (name === stage)
          await knex.raw(`
            BEGIN;
            TRUNCATE public.items;
            INSERT INTO public.items VALUES (1, 100), (2, 200);
            COMMIT`);
        return step(name, work);
      };
      await engine.plan(run);
      expect(await outcomeOf(engine.migrate(run))).toContain(
        'TRUNCATE of public.items: the new version keeps the rows it removed',
      );
      expect(steps.map(s => `${s.name}:${s.status}`)).toContain(
        `${stage}:failed`,
      );
      expect(
        (
          await knex.raw(
            `SELECT c.relkind, to_regclass('public.items_v2') AS target
               FROM pg_class c WHERE c.oid = 'public.items'::regclass`,
          )
        ).rows,
      ).toEqual([{ relkind: 'r', target: null }]);
      expect(
        (await knex.raw(`SELECT id, n FROM public.items ORDER BY id`)).rows,
      ).toEqual([
        { id: 1, n: 100 },
        { id: 2, n: 200 },
      ]);
      // Nothing of the run's is left on the table.
      expect(
        (
          await knex.raw(
            `SELECT count(*)::int AS triggers FROM pg_trigger
              WHERE tgrelid = 'public.items'::regclass AND tgname ~ '^dsm_'`,
          )
        ).rows,
      ).toEqual([{ triggers: 0 }]);
    },
  );
});
