/**
 * An application that changes the dataset's table while a run copies it (its own
 * migrations deploy at any time): cut-over refuses to move the name to a new
 * version built without the change, names it, and the run is undone.
 */
import type { Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { FieldChange } from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine on a table changed while its run copies', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  beforeEach(async () => {
    knex = await init();
    await knex.raw(`
      CREATE TABLE public.jobs (
        id bigint PRIMARY KEY,
        status text NOT NULL,
        email text,
        attempts integer NOT NULL DEFAULT 0
      )`);
    await knex.raw(
      `INSERT INTO public.jobs (id, status, email) VALUES (1, 'pending', 'a@x'), (2, 'done', 'b@x')`,
    );
    engine = await createTestEngine(knex);
  });

  afterEach(async () => {
    await engine.close?.();
    await knex.destroy();
  });

  /** Migrates `public.jobs` (by default, a field added), running `ddl` as the run reaches `stage`. */
  async function migrateWhile(
    stage: string,
    ddl: string[],
    changes: FieldChange[] = [
      { addField: { name: 'region', type: 'text', default: 'eu' } },
    ],
  ) {
    const { run, steps } = await engineRun(engine, 'public.jobs', changes);
    const step = run.step;
    run.step = async (name, work) => {
      if (name === stage) for (const sql of ddl) await knex.raw(sql);
      return step(name, work);
    };
    const outcome = await engine.migrate(run).then(
      () => 'moved',
      (error: Error) => error.message,
    );
    return { outcome, steps };
  }

  const relkind = async (name: string) =>
    (
      await knex.raw(
        `SELECT relkind FROM pg_class WHERE oid = to_regclass(?)`,
        [name],
      )
    ).rows[0]?.relkind;

  it('refuses the cut-over for a column added while the run copied, and keeps its values where they were', async () => {
    const { outcome, steps } = await migrateWhile('verify', [
      `ALTER TABLE public.jobs ADD COLUMN priority integer NOT NULL DEFAULT 5`,
      `UPDATE public.jobs SET priority = 9 WHERE id = 1`,
    ]);
    // PostgreSQL 18 also names a NOT NULL column's constraint.
    expect(outcome).toMatch(
      /^public\.jobs changed while the migration ran: column "priority" \(integer\) added(; constraint "jobs_priority_not_null" added)?\. public\.jobs_v2 was built without that, so the name was not moved; request the migration again, so that its plan includes it$/,
    );
    expect(steps.map(s => [s.name, s.status])).toContainEqual([
      'cut-over',
      'failed',
    ]);
    // The run was undone: the name is the table still, with the column's values.
    expect(await relkind('public.jobs')).toBe('r');
    expect(await relkind('public.jobs_v2')).toBeUndefined();
    expect(
      (await knex.raw(`SELECT id, priority FROM public.jobs ORDER BY id`)).rows,
    ).toEqual([
      { id: '1', priority: 9 },
      { id: '2', priority: 5 },
    ]);
  });

  it('refuses it for a column retyped while the run copied', async () => {
    expect(
      (
        await migrateWhile('indexes', [
          `ALTER TABLE public.jobs ALTER COLUMN attempts TYPE bigint`,
        ])
      ).outcome,
    ).toMatch(
      /^public\.jobs changed while the migration ran: column "attempts" changed from integer to bigint\. /,
    );
  });

  it('refuses it for a column dropped while the run copied, though the migration drops it too (the previous shape serves it until contract)', async () => {
    const { outcome } = await migrateWhile(
      'cut-over',
      [`ALTER TABLE public.jobs DROP COLUMN email`],
      [{ dropField: { name: 'email' } }],
    );
    expect(outcome).toMatch(
      /^public\.jobs changed while the migration ran: column "email" dropped\. /,
    );
    expect(await relkind('public.jobs')).toBe('r');
  });

  it('refuses it for a unique index and a CHECK added while the run copied, which the new version would not enforce', async () => {
    const { outcome } = await migrateWhile('verify', [
      `CREATE UNIQUE INDEX jobs_email_key ON public.jobs (email)`,
      `ALTER TABLE public.jobs ADD CONSTRAINT jobs_status_check CHECK (status IN ('pending', 'done'))`,
    ]);
    expect(outcome).toMatch(
      /^public\.jobs changed while the migration ran: constraint "jobs_status_check" added; index "jobs_email_key" added\. /,
    );
    expect(await relkind('public.jobs')).toBe('r');
  });

  it('refuses it for a CHECK or an index redefined under its name, and a column made NOT NULL', async () => {
    await knex.raw(
      `ALTER TABLE public.jobs ADD CONSTRAINT jobs_status_check CHECK (status IN ('pending', 'done'))`,
    );
    await knex.raw(`CREATE INDEX jobs_email_idx ON public.jobs (email)`);
    const { outcome } = await migrateWhile('verify', [
      // How an enum-like value is usually added.
      `ALTER TABLE public.jobs DROP CONSTRAINT jobs_status_check`,
      `ALTER TABLE public.jobs ADD CONSTRAINT jobs_status_check CHECK (status IN ('pending', 'done', 'archived'))`,
      `DROP INDEX public.jobs_email_idx`,
      `CREATE UNIQUE INDEX jobs_email_idx ON public.jobs (email)`,
      `ALTER TABLE public.jobs ALTER COLUMN email SET NOT NULL`,
    ]);
    expect(outcome).toMatch(/^public\.jobs changed while the migration ran: /);
    for (const change of [
      'column "email" made NOT NULL',
      'constraint "jobs_status_check" redefined',
      'index "jobs_email_idx" redefined',
    ])
      expect(outcome).toContain(change);
    expect(await relkind('public.jobs')).toBe('r');
  });

  it('moves the name when what changed was there before the run began, and carries it', async () => {
    await knex.raw(`CREATE UNIQUE INDEX jobs_email_key ON public.jobs (email)`);
    const { outcome } = await migrateWhile('verify', [
      // Rows change, the table's shape does not.
      `UPDATE public.jobs SET attempts = 3 WHERE id = 2`,
    ]);
    expect(outcome).toBe('moved');
    expect(await relkind('public.jobs')).toBe('v');
    await expect(
      knex.raw(
        `INSERT INTO public.jobs (id, status, email) VALUES (3, 'done', 'a@x')`,
      ),
    ).rejects.toThrow(
      /duplicate key value violates unique constraint "jobs_email_key_v2"/,
    );
  });
});
