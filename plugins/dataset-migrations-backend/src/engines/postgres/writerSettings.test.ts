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

/**
 * A field retyped from text to a date or time type: the view shows it as text in
 * the reader's own DateStyle, so a writer whose session orders the day first
 * (`SQL, DMY`) reads `13/01/2026 10:00:00`, text the triggers, which read dates
 * month first as the copy did, cannot parse. Writes that leave the field as read
 * keep its stored value.
 */
describe('PostgresDatasetEngine: writers whose session orders dates day first', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;
  let writer: Client;

  beforeEach(async () => {
    knex = await init();
    await knex.raw(`
      CREATE TABLE public.visits (
        id bigint PRIMARY KEY,
        seen_at text,
        note text
      )`);
    await knex.raw(
      `INSERT INTO public.visits VALUES (1, '2026-01-13 10:00:00', 'a'), (2, '2026-01-14 11:30:00.25', 'b'), (3, '2026-03-04 09:00:00', 'c')`,
    );
    engine = await createTestEngine(knex);
    writer = new Client(connectionUrlOf(knex));
    await writer.connect();
    await writer.query(`SET DateStyle = 'SQL, DMY'`);
  });

  afterEach(async () => {
    await writer.end();
    await engine.close?.();
    await knex.destroy();
  });

  const stored = async () =>
    (
      await knex.raw(
        `SELECT id, seen_at::text, note FROM public.visits_v2 ORDER BY id`,
      )
    ).rows;

  it('takes updates of other fields and deletes of rows it reads day first, keeping the stored value', async () => {
    const { run } = await engineRun(engine, 'public.visits', [
      { changeType: { field: 'seen_at', type: 'timestamp' } },
    ]);
    await engine.migrate(run);
    expect(
      (await writer.query(`SELECT seen_at FROM public.visits WHERE id = 1`))
        .rows,
    ).toEqual([{ seen_at: '13/01/2026 10:00:00' }]);

    // Refused before: the trigger read 13/01/2026 month first.
    const updated = await writer.query(
      `UPDATE public.visits SET note = 'x' WHERE id IN (1, 3) RETURNING id, seen_at, note`,
    );
    expect(updated.rows.sort((a, b) => a.id - b.id)).toEqual([
      { id: '1', seen_at: '13/01/2026 10:00:00', note: 'x' },
      { id: '3', seen_at: '04/03/2026 09:00:00', note: 'x' },
    ]);
    await writer.query(`DELETE FROM public.visits WHERE id = 2`);
    expect(await stored()).toEqual([
      { id: '1', seen_at: '2026-01-13 10:00:00', note: 'x' },
      // Read as 04/03 and written back unchanged: still 4 March, not 3 April.
      { id: '3', seen_at: '2026-03-04 09:00:00', note: 'x' },
    ]);

    // A value the writer changes is read as the copy read text: ISO, or month first.
    await writer.query(
      `UPDATE public.visits SET seen_at = '2026-02-03 04:05:06' WHERE id = 1`,
    );
    await writer.query(`UPDATE public.visits SET seen_at = NULL WHERE id = 3`);
    await writer.query(
      `INSERT INTO public.visits VALUES (4, '2026-05-06 07:08:09', 'd')`,
    );
    expect(await stored()).toEqual([
      { id: '1', seen_at: '2026-02-03 04:05:06', note: 'x' },
      { id: '3', seen_at: null, note: 'x' },
      { id: '4', seen_at: '2026-05-06 07:08:09', note: 'd' },
    ]);
    // The previous version holds the same.
    expect(
      (
        await knex.raw(
          `SELECT id, seen_at, note FROM public.visits_v1 ORDER BY id`,
        )
      ).rows,
    ).toEqual([
      { id: '1', seen_at: '2026-02-03 04:05:06', note: 'x' },
      { id: '3', seen_at: null, note: 'x' },
      { id: '4', seen_at: '2026-05-06 07:08:09', note: 'd' },
    ]);
  });

  it('computes a field derived from it and another from what is stored, when only the other changes', async () => {
    await knex.raw(`
      CREATE TABLE public.ev (id int PRIMARY KEY, happened text, place text);
      INSERT INTO public.ev VALUES (1, '2026-01-13 10:00:00', 'A')`);
    const { run } = await engineRun(engine, 'public.ev', [
      { changeType: { field: 'happened', type: 'timestamp' } },
      {
        addField: {
          name: 'label',
          type: 'text',
          expression: `happened || ' @ ' || place`,
        },
      },
    ]);
    await engine.migrate(run);
    const label = async () =>
      (await knex.raw(`SELECT label FROM public.ev_v2 WHERE id = 1`)).rows;
    // Found by a review: the field was read as NULL on both sides of the
    // update, and the label kept 'A', in any session.
    await knex.raw(`UPDATE public.ev SET place = 'B' WHERE id = 1`);
    expect(await label()).toEqual([{ label: '2026-01-13 10:00:00 @ B' }]);
    await writer.query(`UPDATE public.ev SET place = 'C' WHERE id = 1`);
    expect(await label()).toEqual([{ label: '2026-01-13 10:00:00 @ C' }]);
  });
});
