/**
 * A table kept in a tablespace of its own (a large table on a volume apart): the
 * new version, its key and its indexes go there too. Before, they were created
 * in the database's default tablespace, so the copy of such a table filled the
 * default's volume, which the data directory often shares (found by a probe,
 * 2026-12-06).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun, outcomeOf } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine on a table in a tablespace of its own', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;
  let directory: string;
  const tablespace = `dsm_apart_${process.pid}`;

  beforeEach(async () => {
    knex = await init();
    engine = await createTestEngine(knex);
    directory = fs.mkdtempSync(path.join(os.tmpdir(), 'dsm-tablespace-'));
    // The server must own the directory: it runs as the data directory's owner.
    const { setting } = (
      await knex.raw(
        `SELECT setting FROM pg_settings WHERE name = 'data_directory'`,
      )
    ).rows[0];
    const owner = fs.statSync(setting);
    if (owner.uid !== process.getuid?.())
      fs.chownSync(directory, owner.uid, owner.gid);
    await knex.raw(`CREATE TABLESPACE ${tablespace} LOCATION '${directory}'`);
    await knex.raw(`
      CREATE TABLE public.events (
        id int PRIMARY KEY USING INDEX TABLESPACE ${tablespace},
        n int, note text
      ) TABLESPACE ${tablespace};
      CREATE INDEX events_n ON public.events (n) TABLESPACE ${tablespace};
      CREATE INDEX events_note ON public.events (note);
      INSERT INTO public.events SELECT g, g, 'x' FROM generate_series(1, 100) g`);
  });

  afterEach(async () => {
    await engine.close?.();
    await knex.raw(`DROP SCHEMA public CASCADE; CREATE SCHEMA public`);
    await knex.raw(`DROP TABLESPACE ${tablespace}`);
    await knex.destroy();
    fs.rmSync(directory, { recursive: true, force: true });
  });

  const placed = async () =>
    (
      await knex.raw(
        `SELECT c.relname AS name, t.spcname AS tablespace FROM pg_class c
           LEFT JOIN pg_tablespace t ON t.oid = c.reltablespace
          WHERE c.relnamespace = 'public'::regnamespace AND c.relname LIKE 'events%v2%'
          ORDER BY 1`,
      )
    ).rows;

  it('puts the new version, its key and its indexes where the table and its indexes are', async () => {
    const { run } = await engineRun(engine, 'public.events', [
      // The key widened: the name is served through a view with a trigger, and
      // an index for readers of the previous shape is built beside the key's.
      { changeType: { field: 'id', type: 'bigint' } },
    ]);
    await engine.plan(run);
    expect(await outcomeOf(engine.migrate(run))).toBe('done');
    expect(await placed()).toEqual([
      { name: 'events_n_v2', tablespace },
      { name: 'events_note_v2', tablespace: null },
      { name: 'events_v2', tablespace },
      { name: 'events_v2_pkey', tablespace },
      { name: 'events_v2_pkey_dsmx', tablespace },
    ]);
  });
});
