/**
 * Row-level security, a rule or a publication added to the source while the run
 * copies it: the cut-over looked again only for owners and triggers, and moved
 * the name onto a view over a new version without them (found by a probe,
 * 2026-12-06: a role read every row past the policy, and a delete a rule kept
 * from the table deleted). The cut-over, under its lock, now asks all that plan
 * asks of the table.
 */
import type { Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun, outcomeOf } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine: what is added to the source while it copies', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  beforeEach(async () => {
    knex = await init();
    engine = await createTestEngine(knex);
    await knex.raw(`
      CREATE TABLE public.notes (id int PRIMARY KEY, n smallint, owner text);
      INSERT INTO public.notes VALUES (1, 1, 'alice'), (2, 1, 'bob')`);
  });

  afterEach(async () => {
    await engine.close?.();
    await knex.destroy();
  });

  async function migrateAdding(sql: string) {
    let added = false;
    const { run } = await engineRun(
      engine,
      'public.notes',
      [{ changeType: { field: 'n', type: 'integer' } }],
      {
        // During the copy, as an application's own schema migration would.
        progress: async () => {
          if (added) return;
          added = true;
          await knex.raw(sql);
        },
      },
    );
    return outcomeOf(engine.migrate(run));
  }

  it('does not move the name past row-level security enabled during the copy', async () => {
    await knex.raw(`DROP ROLE IF EXISTS zz_alice; CREATE ROLE zz_alice;
      GRANT SELECT ON public.notes TO zz_alice`);
    try {
      const outcome = await migrateAdding(`
        ALTER TABLE public.notes ENABLE ROW LEVEL SECURITY;
        CREATE POLICY own ON public.notes USING (owner = 'alice')`);
      const seen = await knex.transaction(async tx => {
        await tx.raw('SET LOCAL ROLE zz_alice');
        return (await tx.raw('SELECT id FROM public.notes ORDER BY id')).rows;
      });
      expect(seen).toEqual([{ id: 1 }]);
      expect(outcome).toContain('row-level security');
    } finally {
      await knex.raw(`DROP OWNED BY zz_alice; DROP ROLE zz_alice`);
    }
  });

  it('does not move the name past a rule created during the copy', async () => {
    const outcome = await migrateAdding(
      `CREATE RULE notes_kept AS ON DELETE TO public.notes DO INSTEAD NOTHING`,
    );
    await knex.raw(`DELETE FROM public.notes WHERE id = 1`);
    expect(
      (await knex.raw('SELECT id FROM public.notes ORDER BY id')).rows,
    ).toEqual([{ id: 1 }, { id: 2 }]);
    expect(outcome).toContain('rule');
  });
});
