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
      'field "amount": the cast from bigint to double precision changes 2 of the 1000 rows the dry run transformed (id=7: 9007199254740995 into 9.007199254740996e+15; id=70: 9007199254740993 into 9.007199254740992e+15); a retype keeps every value: fix those rows, or, where the change is meant, say so with using: amount::double precision',
    );
    expect(steps.map(s => `${s.name}:${s.status}`)).toEqual(['dry-run:failed']);
    expect(await tables()).toEqual(['orders']);
  }, 60_000);

  it('keeps a numeric a float holds, by its shortest text, and refuses one it rounds', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, amount numeric, ratio numeric);
      INSERT INTO public.orders SELECT i, 1234567890123457, 0.1 FROM generate_series(1, 100) i;
      UPDATE public.orders SET ratio = 0.12345678901234567890 WHERE id = 9`);
    const { outcome } = await runWith([
      { changeType: { field: 'amount', type: 'double precision' } },
      { changeType: { field: 'ratio', type: 'double precision' } },
    ]);
    expect(outcome).toMatch(
      /^field "ratio": the cast from numeric to double precision changes 1 of the 100 rows the dry run transformed \(id=9: 0\.12345678901234567890 into 0\.1234567890123456[78]\);/,
    );
  }, 60_000);

  it('takes the change where "using" says it is meant', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, amount bigint, placed timestamptz);
      INSERT INTO public.orders SELECT i, 9007199254740995, '2026-01-05 10:30+00'
        FROM generate_series(1, 100) i`);
    const { outcome } = await runWith([
      {
        changeType: {
          field: 'amount',
          type: 'double precision',
          using: 'amount::double precision',
        },
      },
      { changeType: { field: 'placed', type: 'date', using: 'placed::date' } },
    ]);
    expect(outcome).toBe('done');
    const { rows } = await knex.raw(
      `SELECT amount::bigint::text AS amount, placed::text FROM public.orders_v2 WHERE id = 1`,
    );
    expect(rows).toEqual([
      { amount: '9007199254740996', placed: '2026-01-05' },
    ]);
  }, 60_000);

  it('refuses numeric rounded to integer, a time of day dropped and an integer turned boolean, all at once', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, price numeric, placed timestamp, flag int);
      INSERT INTO public.orders SELECT i, i, date '2026-01-01' + i, i % 2 FROM generate_series(1, 100) i;
      UPDATE public.orders SET price = 2.5 WHERE id = 3;
      UPDATE public.orders SET placed = '2026-01-05 10:30' WHERE id = 4;
      UPDATE public.orders SET flag = 5 WHERE id = 5`);
    const { outcome } = await runWith([
      { changeType: { field: 'price', type: 'integer' } },
      { changeType: { field: 'placed', type: 'date' } },
      { changeType: { field: 'flag', type: 'boolean' } },
    ]);
    expect(outcome).toContain(
      'field "price": the cast from numeric to integer changes 1 of the 100 rows the dry run transformed (id=3: 2.5 into 3)',
    );
    expect(outcome).toContain(
      'field "placed": the cast from timestamp to date changes 1 of the 100 rows the dry run transformed (id=4: 2026-01-05 10:30:00 into 2026-01-05)',
    );
    expect(outcome).toContain(
      'field "flag": the cast from integer to boolean changes 1 of the 100 rows the dry run transformed (id=5: 5 into true)',
    );
  }, 60_000);

  it('migrates a retype whose values all cast back as they were, and parses text as before', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, amount bigint, price numeric(10,3), placed timestamp, n text);
      INSERT INTO public.orders SELECT i, 9007199254740992 - i, i * 2.0, date '2026-01-01' + i, '0' || i
        FROM generate_series(1, 500) i`);
    const { outcome } = await runWith([
      { changeType: { field: 'amount', type: 'double precision' } },
      { changeType: { field: 'price', type: 'integer' } },
      { changeType: { field: 'placed', type: 'date' } },
      { changeType: { field: 'n', type: 'integer' } },
    ]);
    expect(outcome).toBe('done');
    const { rows } = await knex.raw(
      `SELECT amount::bigint::text AS amount, price, placed::text, n FROM public.orders_v2 WHERE id = 44`,
    );
    expect(rows).toEqual([
      {
        amount: String(9007199254740992 - 44),
        price: 88,
        placed: '2026-02-14',
        n: 44,
      },
    ]);
  }, 120_000);

  it('refuses a text key that would not read back as stored, which the previous version could not be found by, and migrates one that does', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (id text PRIMARY KEY, note text);
      INSERT INTO public.orders SELECT i::text, 'n' || i FROM generate_series(1, 300) i;
      UPDATE public.orders SET id = '0305' WHERE id = '300'`);
    const refused = await runWith([
      { changeType: { field: 'id', type: 'integer' } },
    ]);
    expect(refused.outcome).toContain(
      'field "id": the cast from text to integer changes 1 of the 300 rows',
    );
    expect(refused.outcome).toContain('0305 into 305');
    expect(refused.outcome).toContain('fix those rows, or keep the type');
    expect(await tables()).toEqual(['orders']);

    // Once the key reads back as stored, writes through the name find the
    // previous version's row, and a rollback serves what they left.
    await knex.raw(`UPDATE public.orders SET id = '305' WHERE id = '0305'`);
    const { run, outcome } = await runWith([
      { changeType: { field: 'id', type: 'integer' } },
    ]);
    expect(outcome).toBe('done');
    await knex.raw(`
      UPDATE public.orders SET note = 'changed' WHERE id = '7';
      DELETE FROM public.orders WHERE id = '8'`);
    await engine.rollback(run);
    const { rows } = await knex.raw(
      `SELECT id, note FROM public.orders WHERE id IN ('7', '8') ORDER BY id`,
    );
    expect(rows).toEqual([{ id: '7', note: 'changed' }]);
    const { rows: count } = await knex.raw(
      `SELECT count(*)::int AS n FROM public.orders`,
    );
    expect(count).toEqual([{ n: 299 }]);
  }, 120_000);

  it("refuses text read from the clock ('now', 'today'), which each batch would read again", async () => {
    await knex.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, placed text, due text);
      INSERT INTO public.orders SELECT i, '2026-01-05 10:30:00+00', '2026-02-01'
        FROM generate_series(1, 100) i;
      UPDATE public.orders SET placed = ' Now ' WHERE id = 6;
      UPDATE public.orders SET placed = 'tomorrow 10:00+00' WHERE id = 7;
      UPDATE public.orders SET due = 'today' WHERE id = 9`);
    const { outcome } = await runWith([
      { changeType: { field: 'placed', type: 'timestamptz' } },
      { changeType: { field: 'due', type: 'date' } },
    ]);
    expect(outcome).toContain(
      'field "placed": the cast from text to timestamptz changes 2 of the 100 rows the dry run transformed (id=6:  Now  into',
    );
    expect(outcome).toContain(
      'field "due": the cast from text to date changes 1 of the 100 rows the dry run transformed (id=9: today into',
    );
    expect(await tables()).toEqual(['orders']);
  }, 60_000);

  it('refuses a parse of text that drops a time of day, an offset or digits, naming each', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, day text, at text, ratio text);
      INSERT INTO public.orders SELECT i, '2026-01-05', '2026-01-05 10:30', '0.5'
        FROM generate_series(1, 100) i;
      UPDATE public.orders SET day = '2026-01-05 10:30' WHERE id = 3;
      UPDATE public.orders SET at = '2026-01-05T10:30:00+02:00' WHERE id = 4;
      UPDATE public.orders SET ratio = '0.1234567890123456789' WHERE id = 5`);
    const { outcome } = await runWith([
      { changeType: { field: 'day', type: 'date' } },
      { changeType: { field: 'at', type: 'timestamp' } },
      { changeType: { field: 'ratio', type: 'double precision' } },
    ]);
    expect(outcome).toContain(
      'field "day": the cast from text to date changes 1 of the 100 rows the dry run transformed (id=3: 2026-01-05 10:30 into 2026-01-05)',
    );
    expect(outcome).toContain(
      'field "at": the cast from text to timestamp changes 1 of the 100 rows the dry run transformed (id=4: 2026-01-05T10:30:00+02:00 into 2026-01-05 10:30:00)',
    );
    expect(outcome).toContain(
      'field "ratio": the cast from text to double precision changes 1 of the 100 rows the dry run transformed (id=5: 0.1234567890123456789 into 0.12345678901234568)',
    );
  }, 60_000);

  it('refuses a parse that drops an offset into a date, or digits past a microsecond', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, day text, at text, instant text);
      INSERT INTO public.orders SELECT i, '2026-01-05T00:00:00Z', '2026-01-05 10:30:00.123456',
          '2026-01-05T10:30:00.123456000Z'
        FROM generate_series(1, 100) i;
      UPDATE public.orders SET day = '2026-01-05T00:00:00+02:00' WHERE id = 3;
      UPDATE public.orders SET at = '2026-01-05T10:30:00.123456789' WHERE id = 4;
      UPDATE public.orders SET instant = '2026-01-05T10:30:00.1234567Z' WHERE id = 5`);
    const { outcome } = await runWith([
      { changeType: { field: 'day', type: 'date' } },
      { changeType: { field: 'at', type: 'timestamp' } },
      { changeType: { field: 'instant', type: 'timestamptz' } },
    ]);
    expect(outcome).toContain(
      'field "day": the cast from text to date changes 1 of the 100 rows the dry run transformed (id=3: 2026-01-05T00:00:00+02:00 into 2026-01-05)',
    );
    expect(outcome).toContain(
      'field "at": the cast from text to timestamp changes 1 of the 100 rows the dry run transformed (id=4: 2026-01-05T10:30:00.123456789 into 2026-01-05 10:30:00.123457)',
    );
    expect(outcome).toContain(
      'field "instant": the cast from text to timestamptz changes 1 of the 100 rows the dry run transformed (id=5: 2026-01-05T10:30:00.1234567Z into 2026-01-05 10:30:00.123457+00)',
    );
  }, 60_000);

  it('parses a date past the range of timestamps, and NULL', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, day text);
      INSERT INTO public.orders VALUES (1, '2026-01-05'), (2, '300000-01-01'), (3, 'infinity'), (4, NULL)`);
    const { outcome } = await runWith([
      { changeType: { field: 'day', type: 'date' } },
    ]);
    expect(outcome).toBe('done');
    const { rows } = await knex.raw(
      `SELECT day::text FROM public.orders_v2 ORDER BY id`,
    );
    expect(rows.map((r: { day: string }) => r.day)).toEqual([
      '2026-01-05',
      '300000-01-01',
      'infinity',
      null,
    ]);
  }, 60_000);

  it('parses text that loses nothing: dates, times in UTC or without an offset, floats in full', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, day text, at text, ratio text);
      INSERT INTO public.orders VALUES
        (1, '2026-01-05', '2026-01-05T10:30:00Z', '0.30000000000000004'),
        (2, 'Jan 6 2026', '2026-01-06 10:30', '19.99'),
        (3, '2026-01-07 00:00', '2026-01-07 10:30:00+00', 'NaN')`);
    const { outcome } = await runWith([
      { changeType: { field: 'day', type: 'date' } },
      { changeType: { field: 'at', type: 'timestamp' } },
      { changeType: { field: 'ratio', type: 'double precision' } },
    ]);
    expect(outcome).toBe('done');
    const { rows } = await knex.raw(
      `SELECT day::text, at::text, ratio::text FROM public.orders_v2 ORDER BY id`,
    );
    expect(rows).toEqual([
      {
        day: '2026-01-05',
        at: '2026-01-05 10:30:00',
        ratio: '0.30000000000000004',
      },
      { day: '2026-01-06', at: '2026-01-06 10:30:00', ratio: '19.99' },
      { day: '2026-01-07', at: '2026-01-07 10:30:00', ratio: 'NaN' },
    ]);
  }, 60_000);

  it('refuses a date in numbers whose day and month order or century is guessed, naming it', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, day text, at text);
      INSERT INTO public.orders SELECT i, '2026-03-01', '2026-03-01 10:30'
        FROM generate_series(1, 100) i;
      UPDATE public.orders SET day = '01/03/2026' WHERE id = 3;
      UPDATE public.orders SET day = '05/05/45' WHERE id = 4;
      UPDATE public.orders SET day = 'Jan 5 45' WHERE id = 6;
      UPDATE public.orders SET day = '990108' WHERE id = 7;
      UPDATE public.orders SET at = '01.03.2026 10:30' WHERE id = 5`);
    const { outcome } = await runWith([
      { changeType: { field: 'day', type: 'date' } },
      { changeType: { field: 'at', type: 'timestamp' } },
    ]);
    expect(outcome).toContain(
      'field "day": the cast from text to date changes 4 of the 100 rows the dry run transformed (id=3: 01/03/2026 into 2026-01-03; id=4: 05/05/45 into 2045-05-05; id=6: Jan 5 45 into 2045-01-05; id=7: 990108 into 1999-01-08); a retype keeps every value: fix those rows, or, where the change is meant, say so with using: day::date (a date in numbers is read month first, a year in two digits as 1970 to 2069); for text written day first give its format: to_date(day, \'DD/MM/YYYY\')',
    );
    expect(outcome).toContain(
      'field "at": the cast from text to timestamp changes 1 of the 100 rows the dry run transformed (id=5: 01.03.2026 10:30 into 2026-01-03 10:30:00);',
    );
    expect(outcome).toContain(
      String.raw`for text written day first put its date year first: regexp_replace(at, '^\s*(\d{1,2})([/.-])(\d{1,2})\2(\d{4})', '\4-\3-\1')::timestamp`,
    );
    expect(await tables()).toEqual(['orders']);
  }, 60_000);

  it('parses a date in numbers that reads alike either way, and one whose format "using" gives', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, day text, due text);
      INSERT INTO public.orders VALUES
        (1, '05/05/2026', '01/03/2026'),
        (2, '01/13/2026', '13/01/2026'),
        (3, '2026/03/01', '31.12.1999')`);
    const { outcome } = await runWith([
      { changeType: { field: 'day', type: 'date' } },
      {
        changeType: {
          field: 'due',
          type: 'date',
          using: `to_date(due, 'DD/MM/YYYY')`,
        },
      },
    ]);
    expect(outcome).toBe('done');
    const { rows } = await knex.raw(
      `SELECT day::text, due::text FROM public.orders_v2 ORDER BY id`,
    );
    expect(rows).toEqual([
      { day: '2026-05-05', due: '2026-03-01' },
      { day: '2026-01-13', due: '2026-01-13' },
      { day: '2026-03-01', due: '1999-12-31' },
    ]);
  }, 60_000);

  it('says how to read day-first text whose parse fails, and that reading keeps the time, its fraction and its offset', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, at text);
      INSERT INTO public.orders VALUES
        (3, '25/12/2026 08:00'),
        (4, '2026-03-01 10:30Z')`);
    const refused = await runWith([
      { changeType: { field: 'at', type: 'timestamptz' } },
    ]);
    expect(refused.outcome).toContain(
      'the transform fails on 1 rows: id=3: date/time field value out of range: "25/12/2026 08:00"; a date in numbers is read month first; for text written day first, say so with using: regexp_replace(at, ',
    );
    const using =
      /say so with using: (regexp_replace\(at, .*::timestamptz)$/.exec(
        refused.outcome,
      )?.[1];
    expect(using).toBeDefined();

    await knex.raw(`INSERT INTO public.orders VALUES
      (1, '01/03/2026 10:30:00.123456+02'),
      (2, ' 1.3.2026 23:59:59.5 Europe/Paris')`);
    const { outcome } = await runWith([
      { changeType: { field: 'at', type: 'timestamptz', using } },
    ]);
    expect(outcome).toBe('done');
    const { rows } = await knex.raw(
      `SELECT to_char(at AT TIME ZONE 'UTC', 'YYYY-MM-DD HH24:MI:SS.US') AS utc
         FROM public.orders_v2 ORDER BY id`,
    );
    expect(rows.map((r: { utc: string }) => r.utc)).toEqual([
      '2026-03-01 08:30:00.123456',
      '2026-03-01 22:59:59.500000',
      '2026-12-25 08:00:00.000000',
      '2026-03-01 10:30:00.000000',
    ]);
  }, 60_000);

  it('refuses a date in numbers written through the name by a session reading day first, as the plan warns', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, day text);
      INSERT INTO public.orders SELECT i, '2026-03-01' FROM generate_series(1, 100) i`);
    const changes: FieldChange[] = [
      { changeType: { field: 'day', type: 'date' } },
    ];
    const planned = await engine.plan(
      (
        await engineRun(engine, 'public.orders', changes)
      ).run,
    );
    expect(planned.find(s => s.name === 'cut-over')?.warnings).toContain(
      'until contract a date written through the name into "day" whose day and month could be either way round (03/04/2026) or whose year has two digits is refused, in every session\'s DateStyle: writers write the year first (2026-04-03)',
    );
    const { outcome } = await runWith(changes);
    expect(outcome).toBe('done');
    const written = (sql: string) =>
      knex.transaction(async tx => {
        await tx.raw(`SET LOCAL DateStyle = 'SQL, DMY'`);
        await tx.raw(sql);
      });
    const refused = await outcomeOf(
      written(`UPDATE public.orders SET day = '05/01/2026' WHERE id = 1`),
    );
    expect(refused).toContain(
      'field "day": the cast from text to date changes 05/01/2026 into 2026-05-01 (id=1); until contract the name takes only values the new version holds as they are: write a date year first (2026-01-05)',
    );
    await written(`UPDATE public.orders SET day = '2026-01-05' WHERE id = 2`);
    // Read month first too, so refused by the parse itself.
    expect(
      await outcomeOf(
        written(`UPDATE public.orders SET day = '13/01/2026' WHERE id = 3`),
      ),
    ).toContain('date/time field value out of range: "13/01/2026"');
    const { rows } = await knex.raw(
      `SELECT id, day::text FROM public.orders_v2 WHERE id <= 3 ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: 1, day: '2026-03-01' },
      { id: 2, day: '2026-01-05' },
      { id: 3, day: '2026-03-01' },
    ]);
  }, 60_000);

  it('retypes jsonb numbers and booleans, and serves them as jsonb through the name until contract', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, price jsonb, qty jsonb, flag jsonb);
      INSERT INTO public.orders SELECT i, '2.50', to_jsonb(i), 'true' FROM generate_series(1, 100) i;
      UPDATE public.orders SET price = NULL, qty = NULL, flag = NULL WHERE id = 9`);
    const { outcome } = await runWith([
      { changeType: { field: 'price', type: 'numeric' } },
      { changeType: { field: 'qty', type: 'integer' } },
      { changeType: { field: 'flag', type: 'boolean' } },
    ]);
    expect(outcome).toBe('done');
    const { rows } = await knex.raw(
      `SELECT price::text, qty, flag FROM public.orders_v2 WHERE id IN (8, 9) ORDER BY id`,
    );
    expect(rows).toEqual([
      { price: '2.50', qty: 8, flag: true },
      { price: null, qty: null, flag: null },
    ]);
    await knex.raw(
      `INSERT INTO public.orders (id, price, qty, flag) VALUES (1000, '3.25', '7', 'false')`,
    );
    await knex.raw(`UPDATE public.orders SET qty = '9' WHERE id = 8`);
    const { rows: named } = await knex.raw(
      `SELECT id, price::text, qty::text, flag::text FROM public.orders WHERE id IN (8, 1000) ORDER BY id`,
    );
    expect(named).toEqual([
      { id: 8, price: '2.50', qty: '9', flag: 'true' },
      { id: 1000, price: '3.25', qty: '7', flag: 'false' },
    ]);
  }, 60_000);

  it('retypes a domain over jsonb, serving it through the name as the domain', async () => {
    await knex.raw(`
      CREATE DOMAIN public.doc AS jsonb;
      CREATE TABLE public.orders (id int PRIMARY KEY, price public.doc);
      INSERT INTO public.orders SELECT i, '2.50' FROM generate_series(1, 100) i`);
    const { outcome, run } = await runWith([
      { changeType: { field: 'price', type: 'numeric' } },
    ]);
    expect(outcome).toBe('done');
    await knex.raw(
      `INSERT INTO public.orders (id, price) VALUES (1000, '3.25')`,
    );
    const read = async () =>
      (
        await knex.raw(
          `SELECT id, price::text, pg_typeof(price)::text AS type FROM public.orders WHERE id IN (1, 1000) ORDER BY id`,
        )
      ).rows;
    const served = [
      { id: 1, price: '2.50', type: 'doc' },
      { id: 1000, price: '3.25', type: 'doc' },
    ];
    expect(await read()).toEqual(served);
    // The write went back to the previous version too.
    await engine.rollback(run);
    expect(await read()).toEqual(served);
  }, 60_000);

  it('refuses a jsonb number the cast to integer rounds, naming it', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, qty jsonb);
      INSERT INTO public.orders SELECT i, to_jsonb(i) FROM generate_series(1, 100) i;
      UPDATE public.orders SET qty = '2.5' WHERE id = 4`);
    const { outcome } = await runWith([
      { changeType: { field: 'qty', type: 'integer' } },
    ]);
    expect(outcome).toContain(
      'field "qty": the cast from jsonb to integer changes 1 of the 100 rows the dry run transformed (id=4: 2.5 into 3)',
    );
  }, 60_000);

  it('names a changed value that its previous type or domain would not take back', async () => {
    await knex.raw(`
      CREATE DOMAIN public.positive AS numeric CHECK (VALUE > 0);
      CREATE TABLE public.orders (id int PRIMARY KEY, price numeric(5,2), share public.positive);
      INSERT INTO public.orders SELECT i, i, i FROM generate_series(1, 100) i;
      UPDATE public.orders SET price = 999.99 WHERE id = 5;
      UPDATE public.orders SET share = 0.4 WHERE id = 6`);
    const { outcome } = await runWith([
      { changeType: { field: 'price', type: 'integer' } },
      { changeType: { field: 'share', type: 'integer' } },
    ]);
    expect(outcome).toContain(
      'field "price": the cast from numeric(5,2) to integer changes 1 of the 100 rows the dry run transformed (id=5: 999.99 into 1000)',
    );
    expect(outcome).toContain(
      'field "share": the cast from public.positive to integer changes 1 of the 100 rows the dry run transformed (id=6: 0.4 into 0)',
    );
  }, 60_000);

  it('refuses a write through the name that the new version would hold changed, until contract', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, amount bigint);
      INSERT INTO public.orders SELECT i, i FROM generate_series(1, 100) i`);
    const { outcome } = await runWith([
      { changeType: { field: 'amount', type: 'double precision' } },
    ]);
    expect(outcome).toBe('done');
    const refused = await outcomeOf(
      knex.raw(
        `INSERT INTO public.orders (id, amount) VALUES (2000, 9007199254740995)`,
      ),
    );
    expect(refused).toContain(
      'field "amount": the cast from bigint to double precision changes 9007199254740995 into 9.007199254740996e+15 (id=2000); until contract the name takes only values the new version holds as they are',
    );
    await knex.raw(
      `INSERT INTO public.orders (id, amount) VALUES (2001, 9007199254740992)`,
    );
    await knex.raw(`UPDATE public.orders SET amount = 2 ^ 53 - 1 WHERE id = 1`);
    const { rows } = await knex.raw(
      `SELECT id, amount::text FROM public.orders WHERE id IN (1, 2000, 2001) ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: 1, amount: '9007199254740991' },
      { id: 2001, amount: '9007199254740992' },
    ]);
  }, 60_000);

  /** The engine's functions that refuse a changed value, by signature. */
  async function refusalFunctions(): Promise<string[]> {
    const { rows } = await knex.raw(
      `SELECT p.oid::regprocedure::text AS fn FROM pg_proc p
        WHERE p.proname LIKE '%\\_changed' ORDER BY 1`,
    );
    return rows.map((r: { fn: string }) => r.fn);
  }

  it('writes through the name of a run whose new version was made before the refusal function was', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, amount bigint);
      INSERT INTO public.orders SELECT i, i FROM generate_series(1, 100) i`);
    // Its copy done, a run from before the function is where it would resume.
    const { outcome } = await runWith(
      [{ changeType: { field: 'amount', type: 'double precision' } }],
      'indexes',
      async () => {
        for (const fn of await refusalFunctions())
          await knex.raw(`DROP FUNCTION ${fn}`);
      },
    );
    expect(outcome).toBe('done');
    await knex.raw(`INSERT INTO public.orders (id, amount) VALUES (1000, 5)`);
    await knex.raw(`UPDATE public.orders SET amount = 7 WHERE id = 1`);
    const { rows } = await knex.raw(
      `SELECT id, amount FROM public.orders WHERE id IN (1, 1000) ORDER BY id`,
    );
    expect(rows).toEqual([
      { id: 1, amount: '7' },
      { id: 1000, amount: '5' },
    ]);
  }, 60_000);

  it('leaves no refusal function behind after a rollback of a run that also renames the dataset', async () => {
    await knex.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, amount bigint);
      INSERT INTO public.orders SELECT i, i FROM generate_series(1, 100) i`);
    const made = await engineRun(
      engine,
      'public.orders',
      [{ changeType: { field: 'amount', type: 'double precision' } }],
      { renamedTo: { table: 'public.purchases' } },
    );
    await engine.migrate(made.run);
    expect(await refusalFunctions()).toHaveLength(1);
    await engine.rollback(made.run);
    expect(await refusalFunctions()).toEqual([]);
    const { rows } = await knex.raw(
      `SELECT count(*)::int AS n FROM pg_proc p
         JOIN pg_namespace n ON n.oid = p.pronamespace
        WHERE n.nspname = 'dataset_migrations_engine'`,
    );
    expect(rows).toEqual([{ n: 0 }]);
  }, 60_000);

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
