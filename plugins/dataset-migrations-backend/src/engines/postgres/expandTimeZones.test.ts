/**
 * A field retyped between `timestamp` and `timestamptz` (or from `date`): the
 * expand view serves the previous type to readers whose session time zone is not
 * UTC (pgjdbc sends the JVM's, many servers default to local time) with the
 * values the previous version held, and writes through it read back as written.
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

describe('PostgresDatasetEngine: the expand view of a retyped timestamp, in another time zone', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;
  let reader: Client;

  beforeEach(async () => {
    knex = await init();
    await knex.raw(`
      CREATE TABLE public.plays (
        id bigint PRIMARY KEY,
        played_at timestamp NOT NULL,
        heard_at timestamptz NOT NULL,
        on_day date NOT NULL,
        note text
      )`);
    await knex.raw(`SET TimeZone = 'UTC'`);
    await knex.raw(
      `INSERT INTO public.plays VALUES (1, '2026-01-01 10:00', '2026-01-01 10:00+00', '2026-01-01', 'a')`,
    );
    engine = await createTestEngine(knex);
    reader = new Client(connectionUrlOf(knex));
    await reader.connect();
    await reader.query(`SET TimeZone = 'America/New_York'`);
  });

  afterEach(async () => {
    await reader.end();
    await engine.close?.();
    await knex.destroy();
  });

  const asText = `SELECT id, played_at::text, heard_at::text, on_day::text FROM public.plays ORDER BY id`;

  it('serves the previous values, and writes read back as written, whatever the reader’s zone', async () => {
    const before = (await reader.query(asText)).rows;
    const { run } = await engineRun(engine, 'public.plays', [
      { changeType: { field: 'played_at', type: 'timestamptz' } },
      { changeType: { field: 'heard_at', type: 'timestamp' } },
      { changeType: { field: 'on_day', type: 'timestamptz' } },
      // A drop too: the name is served by a view with a trigger for writes.
      { dropField: { name: 'note' } },
    ]);
    await engine.migrate(run);
    expect((await reader.query(asText)).rows).toEqual(before);
    expect(before[0]).toEqual({
      id: '1',
      played_at: '2026-01-01 10:00:00',
      heard_at: '2026-01-01 05:00:00-05',
      on_day: '2026-01-01',
    });

    await reader.query(
      `INSERT INTO public.plays (id, played_at, heard_at, on_day) VALUES (2, '2026-06-01 12:00', '2026-06-01 12:00-04', '2026-06-01')`,
    );
    expect(
      (
        await reader.query(
          `${asText.replace('ORDER BY', 'WHERE id = 2 ORDER BY')}`,
        )
      ).rows,
    ).toEqual([
      {
        id: '2',
        played_at: '2026-06-01 12:00:00',
        heard_at: '2026-06-01 12:00:00-04',
        on_day: '2026-06-01',
      },
    ]);
    expect(
      (
        await reader.query(
          `SELECT id FROM public.plays WHERE played_at = '2026-06-01 12:00'`,
        )
      ).rows,
    ).toEqual([{ id: '2' }]);
    // The previous version, read in UTC, holds the same.
    expect(
      (
        await knex.raw(
          `SELECT played_at::text, heard_at::text FROM public.plays_v1 WHERE id = 2`,
        )
      ).rows,
    ).toEqual([
      { played_at: '2026-06-01 12:00:00', heard_at: '2026-06-01 16:00:00+00' },
    ]);
  });
});

describe('PostgresDatasetEngine: the expand view of a retyped domain over a timestamp, in another time zone', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;
  let reader: Client;

  beforeEach(async () => {
    knex = await init();
    // As GitLab's and Mastodon's schemas name their timestamps: a domain of
    // the application's over each of the three types.
    await knex.raw(`CREATE DOMAIN public.wall_clock AS timestamp(6)`);
    await knex.raw(`CREATE DOMAIN public.instant AS timestamptz`);
    await knex.raw(`CREATE DOMAIN public.past_instant AS public.instant`);
    await knex.raw(
      `CREATE DOMAIN public.day AS date CHECK (VALUE > '1900-01-01')`,
    );
    await knex.raw(`
      CREATE TABLE public.plays (
        id bigint PRIMARY KEY,
        played_at public.wall_clock NOT NULL,
        heard_at public.past_instant NOT NULL,
        on_day public.day NOT NULL,
        note text
      )`);
    await knex.raw(`SET TimeZone = 'UTC'`);
    await knex.raw(
      `INSERT INTO public.plays VALUES (1, '2026-01-01 10:00', '2026-01-01 10:00+00', '2026-01-01', 'a')`,
    );
    engine = await createTestEngine(knex);
    reader = new Client(connectionUrlOf(knex));
    await reader.connect();
    await reader.query(`SET TimeZone = 'America/New_York'`);
  });

  afterEach(async () => {
    await reader.end();
    await engine.close?.();
    await knex.destroy();
  });

  const asText = `SELECT id, played_at::text, heard_at::text, on_day::text FROM public.plays ORDER BY id`;

  it('serves the previous values of a domain retyped to or from a timestamp, whatever the reader’s zone', async () => {
    const before = (await reader.query(asText)).rows;
    const { run } = await engineRun(engine, 'public.plays', [
      { changeType: { field: 'played_at', type: 'timestamptz' } },
      { changeType: { field: 'heard_at', type: 'timestamp' } },
      { changeType: { field: 'on_day', type: 'timestamptz' } },
      { dropField: { name: 'note' } },
    ]);
    await engine.migrate(run);
    expect(before[0]).toEqual({
      id: '1',
      played_at: '2026-01-01 10:00:00',
      heard_at: '2026-01-01 05:00:00-05',
      on_day: '2026-01-01',
    });
    expect((await reader.query(asText)).rows).toEqual(before);
    // Still the domains' types for readers of the previous shape.
    expect(
      (
        await reader.query(
          `SELECT pg_typeof(played_at)::text AS a, pg_typeof(heard_at)::text AS b, pg_typeof(on_day)::text AS c FROM public.plays`,
        )
      ).rows,
    ).toEqual([{ a: 'wall_clock', b: 'past_instant', c: 'day' }]);

    await reader.query(
      `INSERT INTO public.plays (id, played_at, heard_at, on_day) VALUES (2, '2026-06-01 12:00', '2026-06-01 12:00-04', '2026-06-01')`,
    );
    expect(
      (await reader.query(asText.replace('ORDER BY', 'WHERE id = 2 ORDER BY')))
        .rows,
    ).toEqual([
      {
        id: '2',
        played_at: '2026-06-01 12:00:00',
        heard_at: '2026-06-01 12:00:00-04',
        on_day: '2026-06-01',
      },
    ]);
    await engine.rollback(run);
    expect((await reader.query(`${asText}`)).rows).toEqual([
      before[0],
      {
        id: '2',
        played_at: '2026-06-01 12:00:00',
        heard_at: '2026-06-01 12:00:00-04',
        on_day: '2026-06-01',
      },
    ]);
  });
});

describe('PostgresDatasetEngine: a dropped field of a row keyed by a retyped timestamp, in another time zone', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;
  let reader: Client;

  beforeEach(async () => {
    knex = await init();
    // As GitLab's partitioned audit_events: keyed by (id, created_at).
    await knex.raw(`
      CREATE TABLE public.audit_events (
        id bigint NOT NULL,
        created_at timestamptz NOT NULL,
        target_details text,
        PRIMARY KEY (id, created_at)
      )`);
    await knex.raw(
      `INSERT INTO public.audit_events VALUES (1, '2026-01-01 10:00+00', 'a'), (2, '2026-07-01 23:30+00', 'b')`,
    );
    engine = await createTestEngine(knex);
    reader = new Client(connectionUrlOf(knex));
    await reader.connect();
    await reader.query(`SET TimeZone = 'America/New_York'`);
  });

  afterEach(async () => {
    await reader.end();
    await engine.close?.();
    await knex.destroy();
  });

  it('finds the previous version’s row by the key cast back in UTC', async () => {
    const read = `SELECT id, created_at::text, target_details FROM public.audit_events ORDER BY id`;
    const before = (await reader.query(read)).rows;
    const { run } = await engineRun(engine, 'public.audit_events', [
      { changeType: { field: 'created_at', type: 'timestamp' } },
      { dropField: { name: 'target_details' } },
    ]);
    await engine.migrate(run);
    expect((await reader.query(read)).rows).toEqual(before);
    expect(before).toEqual([
      { id: '1', created_at: '2026-01-01 05:00:00-05', target_details: 'a' },
      { id: '2', created_at: '2026-07-01 19:30:00-04', target_details: 'b' },
    ]);
  });
});
