/**
 * Writes through the name while it is an expand view with a trigger (a field
 * retyped, beside a rename and an added field): `RETURNING` gives the row as
 * the name then serves it, as a table's `RETURNING` gives the row it stored,
 * and an insert naming an added field with `NULL` stores `NULL`, as the table
 * the name becomes at contract does.
 */
import type { Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine: RETURNING and added fields through the expand view', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  beforeEach(async () => {
    knex = await init();
    engine = await createTestEngine(knex);
    await knex.raw(`
      CREATE TABLE public.accounts (
        id int PRIMARY KEY, email text, score int, note text DEFAULT 'n');
      INSERT INTO public.accounts VALUES (1, 'a', 1, 'x'), (2, 'b', 2, 'y')`);
  });

  afterEach(async () => {
    await engine.close?.();
    await knex.destroy();
  });

  async function migrated() {
    const { run } = await engineRun(engine, 'public.accounts', [
      { renameField: { from: 'email', to: 'mail' } },
      { changeType: { field: 'score', type: 'bigint' } },
      { addField: { name: 'source', type: 'text', default: 'app' } },
      { addField: { name: 'tag', type: 'text' } },
    ]);
    await engine.plan(run);
    await engine.migrate(run);
    return run;
  }

  /** The rows a write returned, and the same keys as a read through the name gives them. */
  async function returnedAndRead(sql: string) {
    const returned = (await knex.raw(`${sql} RETURNING a.*`)).rows;
    const read = (
      await knex.raw(
        `SELECT * FROM public.accounts WHERE id = ANY(?) ORDER BY id`,
        [returned.map((r: { id: number }) => r.id)],
      )
    ).rows;
    return {
      returned: [...returned].sort(
        (a: { id: number }, b: { id: number }) => a.id - b.id,
      ),
      read,
    };
  }

  it('returns what the write stored, by old and new names, through INSERT, UPDATE and MERGE', async () => {
    await migrated();
    const writes = [
      `INSERT INTO public.accounts AS a (id, email, score) VALUES (10, 'e', 1)`,
      `INSERT INTO public.accounts AS a (id, mail, score) VALUES (11, 'm', 1)`,
      `UPDATE public.accounts a SET email = 'x' WHERE id = 10`,
      `UPDATE public.accounts a SET mail = 'z' WHERE id = 10`,
      `UPDATE public.accounts a SET source = DEFAULT, tag = 't' WHERE id = 1`,
      `MERGE INTO public.accounts a
         USING (VALUES (2, 'bb'), (3, 'cc')) v(id, e) ON a.id = v.id
         WHEN MATCHED THEN UPDATE SET email = v.e
         WHEN NOT MATCHED THEN INSERT (id, email) VALUES (v.id, v.e)`,
    ];
    for (const write of writes) {
      if (write.startsWith('MERGE')) {
        const { rows } = await knex.raw(`SHOW server_version_num`);
        if (Number(rows[0].server_version_num) < 170000) continue;
      }
      const { returned, read } = await returnedAndRead(write);
      expect({ write, rows: returned }).toEqual({ write, rows: read });
    }
    expect(
      (
        await knex.raw(
          `SELECT id, email, mail, source, tag FROM public.accounts WHERE id IN (1, 10, 11) ORDER BY id`,
        )
      ).rows,
    ).toEqual([
      { id: 1, email: 'a', mail: 'a', source: 'app', tag: 't' },
      { id: 10, email: 'z', mail: 'z', source: 'app', tag: null },
      { id: 11, email: 'm', mail: 'm', source: 'app', tag: null },
    ]);
  });

  it('stores NULL where an insert names an added field with NULL, as after contract', async () => {
    const run = await migrated();
    await knex.raw(
      `INSERT INTO public.accounts (id, mail, source) VALUES (20, 'm', NULL)`,
    );
    await knex.raw(`INSERT INTO public.accounts (id, mail) VALUES (21, 'm')`);
    await engine.contract(run);
    await knex.raw(
      `INSERT INTO public.accounts (id, mail, source) VALUES (22, 'm', NULL)`,
    );
    await knex.raw(`INSERT INTO public.accounts (id, mail) VALUES (23, 'm')`);
    expect(
      (
        await knex.raw(
          `SELECT id, source FROM public.accounts WHERE id >= 20 ORDER BY id`,
        )
      ).rows,
    ).toEqual([
      { id: 20, source: null },
      { id: 21, source: 'app' },
      { id: 22, source: null },
      { id: 23, source: 'app' },
    ]);
  });

  it('reads the row back whatever its fields are named, as the trigger names its own', async () => {
    await knex.raw(`
      CREATE TABLE public.odd (w int PRIMARY KEY, n text, nv int, "new" text);
      INSERT INTO public.odd VALUES (1, 'a', 1, 'x')`);
    const { run } = await engineRun(engine, 'public.odd', [
      { renameField: { from: 'n', to: 'r' } },
      { changeType: { field: 'nv', type: 'bigint' } },
      { addField: { name: 'fits', type: 'text', default: 'f' } },
    ]);
    await engine.plan(run);
    await engine.migrate(run);
    expect(
      (
        await knex.raw(
          `INSERT INTO public.odd (w, n, nv, "new") VALUES (2, 'b', 2, 'y') RETURNING *`,
        )
      ).rows,
    ).toEqual([{ w: 2, n: 'b', nv: 2, new: 'y', r: 'b', fits: 'f' }]);
    expect(
      (await knex.raw(`UPDATE public.odd SET r = 'c' WHERE w = 1 RETURNING *`))
        .rows,
    ).toEqual([{ w: 1, n: 'c', nv: 1, new: 'x', r: 'c', fits: 'f' }]);
  });
});
