/**
 * Columns named like a PL/pgSQL variable of the engine's trigger functions:
 * `found` (every function has it) and the expand trigger's own (`changed`, a
 * column every Drupal entity table has). PL/pgSQL refuses such a name as
 * ambiguous where its SQL reads the column unqualified (a key's `ON CONFLICT`
 * and `WHERE`, an expression over the previous fields): every write through the
 * name failed, or every captured one was recorded as failed and the run failed.
 */
import type { Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine on columns named like its triggers’ variables', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  beforeEach(async () => {
    knex = await init();
    engine = await createTestEngine(knex);
  });

  afterEach(async () => {
    await engine.close?.();
    await knex.destroy();
  });

  const rows = async (sql: string) => (await knex.raw(sql)).rows;

  it('takes writes through the name after a field named changed is retyped using itself', async () => {
    // Drupal keeps `changed` as a Unix time in an integer.
    await knex.raw(
      `CREATE TABLE public.node (nid integer PRIMARY KEY, title text, changed integer NOT NULL)`,
    );
    await knex.raw(`INSERT INTO public.node VALUES (1, 'a', 1700000000)`);
    const { run } = await engineRun(engine, 'public.node', [
      {
        changeType: {
          field: 'changed',
          type: 'timestamptz',
          using: 'pg_catalog.to_timestamp(changed)',
        },
      },
    ]);
    await engine.migrate(run);

    await knex.raw(
      `INSERT INTO public.node (nid, title, changed) VALUES (2, 'b', 1700000100)`,
    );
    await knex.raw(`UPDATE public.node SET changed = 1700000200 WHERE nid = 1`);
    const written = [
      { nid: 1, title: 'a', changed: 1700000200 },
      { nid: 2, title: 'b', changed: 1700000100 },
    ];
    expect(await rows(`SELECT * FROM public.node ORDER BY nid`)).toEqual(
      written,
    );
    expect(
      await rows(
        `SELECT nid, extract(epoch FROM changed)::integer AS changed FROM public.node_v2 ORDER BY nid`,
      ),
    ).toEqual([
      { nid: 1, changed: 1700000200 },
      { nid: 2, changed: 1700000100 },
    ]);
    expect(await rows(`SELECT * FROM public.node_v1 ORDER BY nid`)).toEqual(
      written,
    );
  });

  it('captures, carries back and rolls back writes to a table keyed by a field named found', async () => {
    await knex.raw(
      `CREATE TABLE public.items (box text, found integer, note text, PRIMARY KEY (box, found))`,
    );
    await knex.raw(
      `INSERT INTO public.items VALUES ('a', 1, 'x'), ('a', 2, 'y')`,
    );
    let wrote = false;
    const { run } = await engineRun(
      engine,
      'public.items',
      [
        { dropField: { name: 'note' } },
        {
          addField: {
            name: 'label',
            type: 'text',
            expression: "box || '-' || found::text",
          },
        },
      ],
      {
        // Writes while the run copies: each fired the capture trigger.
        progress: async stage => {
          if (stage !== 'backfill' || wrote) return;
          wrote = true;
          await knex.raw(`UPDATE public.items SET found = 3 WHERE found = 2`);
          await knex.raw(`INSERT INTO public.items VALUES ('b', 1, 'z')`);
        },
      },
    );
    await engine.migrate(run);
    expect(wrote).toBe(true);
    expect(
      await rows(`SELECT * FROM public.items_v2 ORDER BY box, found`),
    ).toEqual([
      { box: 'a', found: 1, label: 'a-1' },
      { box: 'a', found: 3, label: 'a-3' },
      { box: 'b', found: 1, label: 'b-1' },
    ]);

    // Through the name: each write reaches the previous version too.
    await knex.raw(`UPDATE public.items SET note = 'w' WHERE found = 1`);
    await knex.raw(
      `INSERT INTO public.items (box, found, note) VALUES ('c', 1, 'v')`,
    );
    await knex.raw(`DELETE FROM public.items WHERE found = 3`);
    const written = [
      { box: 'a', found: 1, note: 'w' },
      { box: 'b', found: 1, note: 'w' },
      { box: 'c', found: 1, note: 'v' },
    ];
    expect(
      await rows(`SELECT box, found, note FROM public.items ORDER BY box`),
    ).toEqual(written);

    await engine.rollback(run);
    expect(await rows(`SELECT * FROM public.items ORDER BY box`)).toEqual(
      written,
    );
  });
});
