/**
 * A field the new version holds NOT NULL, where the transform gives NULL: a
 * PostgreSQL 18 `NOT NULL … NOT VALID` over rows that hold NULL (the source's
 * field is NOT NULL in the catalog, its old rows were never checked), or an
 * expression that gives NULL for a field that is NOT NULL. The dry run, the
 * first stage of every run, refuses it naming the field and rows, before
 * anything is created; the backfill would refuse it only after the new version
 * was built and the copy was under way.
 */
import type { Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine: NULL in a field the new version holds NOT NULL', () => {
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

  async function tables(): Promise<string[]> {
    const { rows } = await knex.raw(
      `SELECT relname FROM pg_class
        WHERE relnamespace = 'public'::regnamespace AND relkind = 'r' ORDER BY 1`,
    );
    return rows.map((r: { relname: string }) => r.relname);
  }

  it('refuses a NOT NULL … NOT VALID over rows holding NULL at the dry run, naming the field and rows', async () => {
    const { rows } = await knex.raw(`SHOW server_version_num`);
    if (Number(rows[0].server_version_num) < 180000) return;
    await knex.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, note text, total int);
      INSERT INTO public.orders SELECT i, CASE WHEN i % 100 <> 7 THEN 'n' END, i
        FROM generate_series(1, 1000) i;
      ALTER TABLE public.orders ADD CONSTRAINT orders_note_nn NOT NULL note NOT VALID`);
    const { run, steps } = await engineRun(engine, 'public.orders', [
      { addField: { name: 'twice', type: 'integer', expression: 'total * 2' } },
    ]);
    const failure = await engine.migrate(run).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failure).toBe(
      'field "note" is NOT NULL in the new version, but 10 of the 1000 rows the dry run transformed give it NULL (id=7; id=107; id=207; id=307; id=407; …): the source\'s NOT NULL constraint "orders_note_nn" on "note" is NOT VALID, and rows from before it hold NULL; give them a value and validate it, or drop it',
    );
    expect(steps.map(s => `${s.name}:${s.status}`)).toEqual(['dry-run:failed']);
    expect(await tables()).toEqual(['orders']);
  }, 60_000);

  it('names the rows from the sample it counted them in, on a table larger than the sample', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, code text NOT NULL);
      INSERT INTO public.orders SELECT i, CASE WHEN i % 50 = 0 THEN '' ELSE i::text END
        FROM generate_series(1, 40000) i;
      ANALYZE public.orders`);
    const { run } = await engineRun(engine, 'public.orders', [
      {
        changeType: {
          field: 'code',
          type: 'integer',
          using: "nullif(code, '')::integer",
        },
      },
    ]);
    const failure = await engine.migrate(run).then(
      () => '',
      (error: Error) => error.message,
    );
    const [, nulls, rows, keys] =
      /^field "code" is NOT NULL in the new version, but (\d+) of the (\d+) rows the dry run transformed give it NULL \((.*); …\)$/.exec(
        failure,
      ) ?? [];
    // A sample of pages: about a quarter of the rows, one in 50 of them NULL.
    expect(Number(rows)).toBeLessThan(40000);
    expect(Number(nulls)).toBeGreaterThan(5);
    const named = keys.split('; ');
    expect(named).toHaveLength(5);
    for (const key of named) expect(Number(key.slice(3)) % 50).toBe(0);
    expect(await tables()).toEqual(['orders']);
  }, 60_000);

  it('refuses an expression that gives NULL for a field that is NOT NULL at the dry run', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, code text NOT NULL);
      INSERT INTO public.orders VALUES (1, '10'), (2, ''), (3, '30')`);
    const { run, steps } = await engineRun(engine, 'public.orders', [
      {
        changeType: {
          field: 'code',
          type: 'integer',
          using: "nullif(code, '')::integer",
        },
      },
    ]);
    const failure = await engine.migrate(run).then(
      () => undefined,
      (error: Error) => error.message,
    );
    expect(failure).toBe(
      'field "code" is NOT NULL in the new version, but 1 of the 3 rows the dry run transformed gives it NULL (id=2)',
    );
    expect(steps.map(s => `${s.name}:${s.status}`)).toEqual(['dry-run:failed']);
    expect(await tables()).toEqual(['orders']);
  }, 60_000);
});
