/**
 * A field retyped to text from a type whose text form follows the session
 * (`extra_float_digits` for floats, `bytea_output` for bytea): the copy, the
 * triggers and verify give the same text whatever the writer's session says,
 * as they do for TimeZone and DateStyle, so a writer that set them (pgAdmin,
 * ODBC drivers, a dump's restore) neither loses digits nor has writes refused.
 */
import type { Knex } from 'knex';
import { Client } from 'pg';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  connectionUrlOf,
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine: writers whose session formats floats and bytea otherwise', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;
  let writer: Client;

  beforeEach(async () => {
    knex = await init();
    await knex.raw(`
      CREATE TABLE public.samples (
        id bigint PRIMARY KEY,
        ratio double precision,
        payload bytea,
        note text
      )`);
    await knex.raw(
      `INSERT INTO public.samples VALUES (1, 0.1::float8 + 0.2::float8, '\\x00ff', 'a')`,
    );
    engine = await createTestEngine(knex);
    writer = new Client(connectionUrlOf(knex));
    await writer.connect();
    await writer.query(`SET extra_float_digits = 0`);
    await writer.query(`SET bytea_output = 'escape'`);
  });

  afterEach(async () => {
    await writer.end();
    await engine.close?.();
    await knex.destroy();
  });

  it('keeps every digit and byte written through the name, and takes writes of other fields', async () => {
    const { run } = await engineRun(engine, 'public.samples', [
      { changeType: { field: 'ratio', type: 'text' } },
      { changeType: { field: 'payload', type: 'text' } },
    ]);
    await engine.migrate(run);
    await writer.query(
      `INSERT INTO public.samples VALUES (2, 0.1::float8 + 0.2::float8, '\\x00ff', 'b')`,
    );
    // Refused before: the trigger's own text of the row's ratio had fewer digits.
    await writer.query(`UPDATE public.samples SET note = 'c' WHERE id = 1`);
    expect(
      (
        await knex.raw(
          `SELECT id, ratio, payload FROM public.samples_v2 ORDER BY id`,
        )
      ).rows,
    ).toEqual([
      { id: '1', ratio: '0.30000000000000004', payload: '\\x00ff' },
      { id: '2', ratio: '0.30000000000000004', payload: '\\x00ff' },
    ]);
    expect(
      (
        await knex.raw(
          `SELECT id, ratio = 0.1::float8 + 0.2::float8 AS exact, payload = '\\x00ff'::bytea AS same FROM public.samples ORDER BY id`,
        )
      ).rows,
    ).toEqual([
      { id: '1', exact: true, same: true },
      { id: '2', exact: true, same: true },
    ]);
  });
});
