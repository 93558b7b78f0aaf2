/**
 * Writes made straight into the previous version's table after cut-over
 * (`<name>_v1`) reached neither the name nor the new version, and a rollback,
 * which drops the new version, then served them: a row deleted there was gone
 * from the name, though the name served it until then. They are refused, as
 * writes into the previous version's partitions are; what the engine's
 * triggers and foreign keys' actions write there goes on.
 */
import type { Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun, outcomeOf } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine: writes straight into the previous version', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  beforeEach(async () => {
    knex = await init();
    engine = await createTestEngine(knex);
    await knex.raw(`
      CREATE TABLE public.teams (id int PRIMARY KEY);
      INSERT INTO public.teams VALUES (1), (2);
      CREATE TABLE public.members (id int PRIMARY KEY, n int,
        team int REFERENCES public.teams ON DELETE CASCADE);
      INSERT INTO public.members SELECT g, g, 1 + g % 2 FROM generate_series(1, 6) g`);
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
    'refuses them, keeps what reaches it through the name, and rolls back to what the name served (%s)',
    async (_, changes) => {
      const { run } = await engineRun(engine, 'public.members', [...changes]);
      await engine.plan(run);
      await engine.migrate(run);
      for (const write of [
        `DELETE FROM public.members_v1 WHERE id = 1`,
        `UPDATE public.members_v1 SET n = 99 WHERE id = 3`,
        `INSERT INTO public.members_v1 (id, n) VALUES (50, 50)`,
        `TRUNCATE public.members_v1`,
      ])
        expect({ write, outcome: await outcomeOf(knex.raw(write)) }).toEqual({
          write,
          outcome: expect.stringMatching(
            /public\.members_v1 holds the previous version of public\.members, which now reads public\.members_v2: write through public\.members/,
          ),
        });
      // Through the name, and by a foreign key's action, it is written still.
      await knex.raw(`UPDATE public.members SET n = 30 WHERE id = 3`);
      await knex.raw(`INSERT INTO public.members (id, n) VALUES (7, 7)`);
      await knex.raw(`DELETE FROM public.teams WHERE id = 1`);
      expect(await ids('public.members')).toEqual([1, 3, 5, 7]);
      expect(await ids('public.members_v1')).toEqual([1, 3, 5, 7]);
      expect(await outcomeOf(engine.rollback!(run))).toBe('done');
      expect(
        (await knex.raw(`SELECT id, n FROM public.members ORDER BY id`)).rows,
      ).toEqual([
        { id: 1, n: 1 },
        { id: 3, n: 30 },
        { id: 5, n: 5 },
        { id: 7, n: 7 },
      ]);
      // The table takes writes again.
      await knex.raw(`DELETE FROM public.members WHERE id = 1`);
      expect(await ids('public.members')).toEqual([3, 5, 7]);
    },
  );
});
