/**
 * A retype whose cast would change a value without an error (rounded, cut
 * short): the dry run refuses it naming the rows in its sample, and the copy and
 * the capture refuse any other row, so no value is changed and the name never
 * moves onto a version holding one.
 */
import type { Knex } from 'knex';
import type {
  DatasetEngine,
  DatasetMigrationRun,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import type { FieldChange } from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun, outcomeOf } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine: a retype keeps every value', () => {
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
        WHERE relnamespace = 'public'::regnamespace AND relkind IN ('r', 'v') ORDER BY 1`,
    );
    return rows.map((r: { relname: string }) => r.relname);
  }

  /** A run whose `before` is done just before the stage `stage` starts. */
  async function runWith(
    changes: FieldChange[],
    stage?: string,
    before?: () => Promise<unknown>,
  ) {
    const made = await engineRun(engine, 'public.orders', changes);
    const step = made.run.step;
    const run: DatasetMigrationRun = {
      ...made.run,
      step: async (name, work) => {
        if (name === stage) await before?.();
        return step(name, work);
      },
    };
    return { ...made, outcome: await outcomeOf(engine.migrate(run)) };
  }

  it('refuses at the dry run a bigint rounded by double precision, naming rows and values', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, amount bigint);
      INSERT INTO public.orders SELECT i, i * 1000 FROM generate_series(1, 1000) i;
      UPDATE public.orders SET amount = 9007199254740995 WHERE id = 7;
      UPDATE public.orders SET amount = 9007199254740993 WHERE id = 70`);
    const { outcome, steps } = await runWith([
      { changeType: { field: 'amount', type: 'double precision' } },
    ]);
    expect(outcome).toBe(
      'field "amount": the cast from bigint to double precision changes 2 of the 1000 rows the dry run transformed (id=7: 9007199254740995 into 9.007199254740996e+15; id=70: 9007199254740993 into 9.007199254740992e+15); a retype keeps every value: fix those rows, or, where the change is meant, say so with "using": ""amount"::double precision"',
    );
    expect(steps.map(s => `${s.name}:${s.status}`)).toEqual(['dry-run:failed']);
    expect(await tables()).toEqual(['orders']);
  }, 60_000);

  it('refuses numeric rounded to integer, text cut short and an integer turned boolean, all at once', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, price numeric, code text, flag int);
      INSERT INTO public.orders SELECT i, i, 'c' || (i % 10), i % 2 FROM generate_series(1, 100) i;
      UPDATE public.orders SET price = 2.5 WHERE id = 3;
      UPDATE public.orders SET code = 'abcdef' WHERE id = 4;
      UPDATE public.orders SET flag = 5 WHERE id = 5`);
    const { outcome } = await runWith([
      { changeType: { field: 'price', type: 'integer' } },
      { changeType: { field: 'code', type: 'varchar(3)' } },
      { changeType: { field: 'flag', type: 'boolean' } },
    ]);
    expect(outcome).toContain(
      'field "price": the cast from numeric to integer changes 1 of the 100 rows the dry run transformed (id=3: 2.5 into 3)',
    );
    expect(outcome).toContain(
      'field "code": the cast from text to varchar(3) changes 1 of the 100 rows the dry run transformed (id=4: abcdef into abc)',
    );
    expect(outcome).toContain(
      'field "flag": the cast from integer to boolean changes 1 of the 100 rows the dry run transformed (id=5: 5 into true)',
    );
  }, 60_000);

  it('migrates a retype whose values all cast back as they were, and parses text as before', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, amount bigint, price numeric(10,3), code text, n text);
      INSERT INTO public.orders SELECT i, 9007199254740992 - i, i / 4.0, 'c' || (i % 10), '0' || i
        FROM generate_series(1, 500) i`);
    const { outcome } = await runWith([
      { changeType: { field: 'amount', type: 'double precision' } },
      { changeType: { field: 'price', type: 'numeric(10,2)' } },
      { changeType: { field: 'code', type: 'varchar(3)' } },
      { changeType: { field: 'n', type: 'integer' } },
    ]);
    expect(outcome).toBe('done');
    const { rows } = await knex.raw(
      `SELECT amount::numeric AS amount, price::text AS price, n FROM public.orders_v2 WHERE id = 42`,
    );
    expect(rows).toEqual([
      { amount: String(9007199254740992 - 42), price: '10.50', n: 42 },
    ]);
  }, 120_000);

  it('refuses at the backfill a value changed after the dry run, and keeps the source', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, amount bigint);
      INSERT INTO public.orders SELECT i, i FROM generate_series(1, 1000) i`);
    const { outcome, steps } = await runWith(
      [{ changeType: { field: 'amount', type: 'double precision' } }],
      'create-target',
      () =>
        knex.raw(
          `UPDATE public.orders SET amount = 9007199254740995 WHERE id = 600`,
        ),
    );
    expect(outcome).toContain(
      'field "amount": the cast from bigint to double precision changes 9007199254740995 into 9.007199254740996e+15 (id=600)',
    );
    expect(steps.map(s => `${s.name}:${s.status}`)).toEqual([
      'dry-run:succeeded',
      'create-target:succeeded',
      'backfill:failed',
    ]);
    const { rows } = await knex.raw(
      `SELECT amount::text FROM public.orders WHERE id = 600`,
    );
    expect(rows).toEqual([{ amount: '9007199254740995' }]);
  }, 60_000);

  it('records a write the capture would change, so the name does not move, and the writer goes on', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, amount bigint);
      INSERT INTO public.orders SELECT i, i FROM generate_series(1, 1000) i`);
    let written = '';
    const { outcome, steps } = await runWith(
      [{ changeType: { field: 'amount', type: 'double precision' } }],
      'verify',
      async () => {
        await knex.raw(
          `UPDATE public.orders SET amount = 9007199254740995 WHERE id = 600`,
        );
        written = (
          await knex.raw(
            `SELECT amount::text FROM public.orders WHERE id = 600`,
          )
        ).rows[0].amount;
      },
    );
    expect(written).toBe('9007199254740995');
    expect(outcome).toContain(
      'writes made during the migration could not be transformed (e.g. field "amount": the cast from bigint to double precision changes 9007199254740995 into 9.007199254740996e+15 (id=600)',
    );
    expect(steps.map(s => s.name)).not.toContain('cut-over');
    expect(await tables()).toEqual(['orders']);
  }, 60_000);
});
