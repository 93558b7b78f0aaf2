/**
 * A serial key widened (`integer` → `bigint`, the commonest migration of a key,
 * made before the key runs out of numbers): its sequence, created `AS integer`
 * by `serial`, must number past the previous type's bound once contract has the
 * new version serve alone. Before, contract handed the sequence to the new
 * version as it was, so inserts failed at 2147483647 as before the migration
 * (found by a probe, 2026-12-06).
 */
import type { Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun, outcomeOf } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine on a serial key widened', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  beforeEach(async () => {
    knex = await init();
    engine = await createTestEngine(knex);
    await knex.raw(`
      CREATE TABLE public.orders (id serial PRIMARY KEY, line smallserial, note text);
      INSERT INTO public.orders (note) VALUES ('a'), ('b')`);
  });

  afterEach(async () => {
    await engine.close?.();
    await knex.destroy();
  });

  const sequences = async () =>
    (
      await knex.raw(
        `SELECT seqrelid::regclass::text AS sequence, seqtypid::regtype::text AS type, seqmax::text AS max
           FROM pg_sequence ORDER BY 1`,
      )
    ).rows;

  it('numbers past the previous type once contracted, and not before', async () => {
    const { run } = await engineRun(engine, 'public.orders', [
      { changeType: { field: 'id', type: 'bigint' } },
      { changeType: { field: 'line', type: 'integer' } },
    ]);
    await engine.plan(run);
    expect(await outcomeOf(engine.migrate(run))).toBe('done');
    // Until contract every value must fit the previous type.
    expect(await sequences()).toEqual([
      { sequence: 'orders_id_seq', type: 'integer', max: '2147483647' },
      { sequence: 'orders_line_seq', type: 'smallint', max: '32767' },
    ]);
    expect(await outcomeOf(engine.contract(run))).toBe('done');
    expect(await sequences()).toEqual([
      {
        sequence: 'orders_id_seq',
        type: 'bigint',
        max: '9223372036854775807',
      },
      { sequence: 'orders_line_seq', type: 'integer', max: '2147483647' },
    ]);
    await knex.raw(`SELECT setval('public.orders_id_seq', 2147483647)`);
    await knex.raw(`SELECT setval('public.orders_line_seq', 32767)`);
    expect(
      (
        await knex.raw(
          `INSERT INTO public.orders (note) VALUES ('c') RETURNING id::text, line`,
        )
      ).rows,
    ).toEqual([{ id: '2147483648', line: 32768 }]);
  });

  it('widens it when the migration that widened the key is contracted before an earlier add-only one', async () => {
    // Found by a probe (2026-12-06): the earlier one's contract, its new
    // version dropped by the later one's, set the sequence free as it was.
    const { run: first } = await engineRun(engine, 'public.orders', [
      { addField: { name: 'source', type: 'text' } },
    ]);
    expect(await outcomeOf(engine.migrate(first))).toBe('done');
    const { run: second } = await engineRun(
      engine,
      'public.orders',
      [{ changeType: { field: 'id', type: 'bigint' } }],
      {
        fromVersion: 2,
        targetVersion: 3,
        migrationId: '00000000-0000-4000-8000-000000000002',
      },
    );
    expect(await outcomeOf(engine.migrate(second))).toBe('done');
    // A table of another dataset, named like a version, drawing from it too.
    await knex.raw(
      `CREATE TABLE public.audit_v1 (n int DEFAULT nextval('public.orders_id_seq'))`,
    );
    expect(await outcomeOf(engine.contract(second))).toBe('done');
    expect(await outcomeOf(engine.contract(first))).toBe('done');
    expect(await sequences()).toEqual([
      {
        sequence: 'orders_id_seq',
        type: 'bigint',
        max: '9223372036854775807',
      },
      { sequence: 'orders_line_seq', type: 'smallint', max: '32767' },
    ]);
    // Owned by the version that serves, so it goes with that table.
    expect(
      (
        await knex.raw(
          `SELECT pg_get_serial_sequence('public.orders_v3', 'id') AS id,
                  pg_get_serial_sequence('public.orders_v3', 'line') AS line`,
        )
      ).rows,
    ).toEqual([{ id: 'public.orders_id_seq', line: 'public.orders_line_seq' }]);
    await knex.raw(`SELECT setval('public.orders_id_seq', 2147483647)`);
    expect(
      (
        await knex.raw(
          `INSERT INTO public.orders (note) VALUES ('c') RETURNING id::text`,
        )
      ).rows,
    ).toEqual([{ id: '2147483648' }]);
  });

  it('leaves a sequence of a key kept as it was', async () => {
    const { run } = await engineRun(engine, 'public.orders', [
      { addField: { name: 'source', type: 'text' } },
    ]);
    expect(await outcomeOf(engine.migrate(run))).toBe('done');
    expect(await outcomeOf(engine.contract(run))).toBe('done');
    expect(await sequences()).toEqual([
      { sequence: 'orders_id_seq', type: 'integer', max: '2147483647' },
      { sequence: 'orders_line_seq', type: 'smallint', max: '32767' },
    ]);
  });
});
