/**
 * Functions and columns typed by a dataset's row type (PostgREST's and Hasura's
 * computed columns, an RPC returning SETOF the table), and functions whose
 * BEGIN ATOMIC body reads it, are bound to the table, not to its name: after
 * cut-over they would take the previous version's rows, and contract could not
 * drop it. Refused at plan and again when the run starts, naming each.
 */
import type { Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine on objects bound to a dataset’s row type', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  beforeEach(async () => {
    knex = await init();
    await knex.raw(
      `CREATE TABLE public.jobs (id bigint PRIMARY KEY, status text NOT NULL)`,
    );
    await knex.raw(`INSERT INTO public.jobs VALUES (1, 'pending')`);
    engine = await createTestEngine(knex);
  });

  afterEach(async () => {
    await engine.close?.();
    await knex.destroy();
  });

  it('refuses them, naming each, and creates nothing; once they are gone it migrates', async () => {
    await knex.raw(`
      CREATE FUNCTION public.pending_jobs() RETURNS SETOF public.jobs
        LANGUAGE sql AS $$ SELECT * FROM public.jobs WHERE status = 'pending' $$`);
    await knex.raw(`
      CREATE FUNCTION public.label(j public.jobs) RETURNS text
        LANGUAGE sql AS $$ SELECT j.status $$`);
    await knex.raw(
      `CREATE TABLE public.snapshots (id int, rows public.jobs[])`,
    );
    await knex.raw(`
      CREATE FUNCTION public.job_count() RETURNS bigint
        LANGUAGE sql BEGIN ATOMIC SELECT count(*) FROM public.jobs; END`);
    const { run } = await engineRun(engine, 'public.jobs', [
      { addField: { name: 'region', type: 'text' } },
    ]);
    const refusal =
      'public.jobs cannot move to a new version while column rows of table snapshots, function job_count(), function label(jobs), function pending_jobs() depend on its current table';
    await expect(engine.plan(run)).rejects.toThrow(refusal);
    await expect(engine.migrate(run)).rejects.toThrow(refusal);
    expect(
      (await knex.raw(`SELECT to_regclass('public.jobs_v2') AS target`)).rows,
    ).toEqual([{ target: null }]);

    await knex.raw(
      `DROP FUNCTION public.pending_jobs(), public.label(public.jobs), public.job_count()`,
    );
    await knex.raw(`DROP TABLE public.snapshots`);
    await engine.migrate(run);
    expect((await knex.raw(`SELECT id, region FROM public.jobs`)).rows).toEqual(
      [{ id: '1', region: null }],
    );
  });

  it('names a rule of another relation that writes into the dataset as a rule, not a view', async () => {
    // Found by a review (2026-12-06): a rule on a table was named "view …".
    await knex.raw(`
      CREATE TABLE public.job_log (id bigint);
      CREATE RULE log_to_jobs AS ON INSERT TO public.job_log
        DO ALSO INSERT INTO public.jobs VALUES (NEW.id, 'pending');
      CREATE VIEW public.job_inbox AS SELECT 1::bigint AS id;
      CREATE RULE inbox_to_jobs AS ON INSERT TO public.job_inbox
        DO INSTEAD INSERT INTO public.jobs VALUES (NEW.id, 'pending');
      CREATE MATERIALIZED VIEW public.job_counts AS SELECT count(*) FROM public.jobs`);
    const { run } = await engineRun(engine, 'public.jobs', [
      { addField: { name: 'region', type: 'text' } },
    ]);
    await expect(engine.plan(run)).rejects.toThrow(
      'public.jobs cannot move to a new version while materialized view job_counts, rule inbox_to_jobs on job_inbox, rule log_to_jobs on job_log depend on its current table',
    );
  });

  it('names what was built on the name since cut-over when rollback or contract would drop it, changing nothing', async () => {
    const { run } = await engineRun(engine, 'public.jobs', [
      { addField: { name: 'region', type: 'text' } },
    ]);
    await engine.migrate(run);
    await knex.raw(
      `CREATE VIEW public.pending AS SELECT id FROM public.jobs WHERE status = 'pending'`,
    );
    await knex.raw(`
      CREATE FUNCTION public.label(j public.jobs) RETURNS text
        LANGUAGE sql AS $$ SELECT j.status $$`);
    await expect(engine.rollback(run)).rejects.toThrow(
      'rollback would drop public.jobs and public.jobs_v2, which function label(jobs), view pending depend on; drop or repoint them first',
    );
    await expect(engine.contract(run)).rejects.toThrow(
      'contract would drop public.jobs and public.jobs_v1, which function label(jobs), view pending depend on; drop or repoint them first',
    );
    expect((await knex.raw(`SELECT id, region FROM public.jobs`)).rows).toEqual(
      [{ id: '1', region: null }],
    );
    expect(
      (await knex.raw(`SELECT to_regclass('public.jobs_v1') AS previous`)).rows,
    ).toEqual([{ previous: 'jobs_v1' }]);

    await knex.raw(`DROP VIEW public.pending`);
    await knex.raw(`DROP FUNCTION public.label(public.jobs)`);
    await engine.contract(run);
    expect(
      (await knex.raw(`SELECT to_regclass('public.jobs_v1') AS previous`)).rows,
    ).toEqual([{ previous: null }]);
  });
});
