/**
 * A TRUNCATE of the new version after cut-over (`<name>_v2`, where a TRUNCATE
 * goes once the name is a view) fires no row trigger: the previous version kept
 * every row it removed, readers of it still read them, and a rollback served
 * them again beside the rows written since. It is carried back.
 */
import type { Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun, outcomeOf } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine: TRUNCATE of the new version after cut-over', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  beforeEach(async () => {
    knex = await init();
    engine = await createTestEngine(knex);
    await knex.raw(`
      CREATE TABLE public.staging (id int PRIMARY KEY, n int);
      INSERT INTO public.staging SELECT g, g FROM generate_series(1, 5) g`);
  });

  afterEach(async () => {
    await engine.close?.();
    await knex.destroy();
  });

  const ids = async (relation: string) =>
    (await knex.raw(`SELECT id FROM ${relation} ORDER BY id`)).rows.map(
      (r: { id: number }) => r.id,
    );

  it.each([
    ['a plain view', [{ addField: { name: 'note', type: 'text' } }]],
    ['a view with a trigger', [{ changeType: { field: 'n', type: 'bigint' } }]],
  ] as const)(
    'empties the previous version too, so a rollback serves only what was written since (%s)',
    async (_, changes) => {
      const { run } = await engineRun(engine, 'public.staging', [...changes]);
      await engine.plan(run);
      await engine.migrate(run);
      // A nightly reload: TRUNCATE, then load again through the name.
      await knex.raw(`TRUNCATE public.staging_v2`);
      await knex.raw(`INSERT INTO public.staging (id, n) VALUES (7, 7)`);
      expect(await ids('public.staging')).toEqual([7]);
      expect(await ids('public.staging_v1')).toEqual([7]);
      expect(await outcomeOf(engine.rollback!(run))).toBe('done');
      expect(await ids('public.staging')).toEqual([7]);
    },
  );

  it('empties a partitioned previous version too, whose partitions refuse writes of their own', async () => {
    await knex.raw(`
      CREATE TABLE public.readings (id int, k int, n int, PRIMARY KEY (id, k))
        PARTITION BY RANGE (k);
      CREATE TABLE public.readings_a PARTITION OF public.readings FOR VALUES FROM (0) TO (10);
      CREATE TABLE public.readings_b PARTITION OF public.readings FOR VALUES FROM (10) TO (20);
      INSERT INTO public.readings SELECT g, g, g FROM generate_series(1, 15) g`);
    const { run } = await engineRun(engine, 'public.readings', [
      { changeType: { field: 'n', type: 'bigint' } },
    ]);
    await engine.plan(run);
    await engine.migrate(run);
    expect(await outcomeOf(knex.raw(`TRUNCATE public.readings_a`))).toMatch(
      /public\.readings_a holds rows of the previous version/,
    );
    await knex.raw(`TRUNCATE public.readings_v2`);
    await knex.raw(`INSERT INTO public.readings (id, k, n) VALUES (3, 12, 3)`);
    expect(await ids('public.readings_v1')).toEqual([3]);
    expect(await outcomeOf(engine.rollback!(run))).toBe('done');
    expect(await ids('public.readings')).toEqual([3]);
  });

  it('is refused where the previous version is referenced, as a TRUNCATE of the table was', async () => {
    const { run } = await engineRun(engine, 'public.staging', [
      { addField: { name: 'note', type: 'text' } },
    ]);
    await engine.plan(run);
    await engine.migrate(run);
    await knex.raw(`
      CREATE TABLE public.refs (id int PRIMARY KEY,
        staging_id int REFERENCES public.staging_v1 (id))`);
    expect(await outcomeOf(knex.raw(`TRUNCATE public.staging_v2`))).toMatch(
      /cannot truncate a table referenced in a foreign key/,
    );
    expect(await ids('public.staging')).toEqual([1, 2, 3, 4, 5]);
    await knex.raw(`DROP TABLE public.refs`);
    await engine.contract(run);
    expect(await ids('public.staging')).toEqual([1, 2, 3, 4, 5]);
    // Contract takes the trigger with the previous version.
    await knex.raw(`TRUNCATE public.staging_v2`);
    expect(await ids('public.staging')).toEqual([]);
  });
});
