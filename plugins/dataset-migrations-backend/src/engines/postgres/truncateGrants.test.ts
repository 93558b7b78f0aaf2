/**
 * A view cannot be truncated, so from cut-over a TRUNCATE goes to the new
 * version, `<name>_v<N+1>`: a role that could truncate the table may truncate
 * it (and through it the previous version), where only the owner could.
 */
import type { Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun, outcomeOf } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine: TRUNCATE rights on the new version', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;
  const loader = `dsm_loader_${process.pid}`;
  const reader = `dsm_reader_${process.pid}`;

  beforeEach(async () => {
    knex = await init();
    engine = await createTestEngine(knex);
    await knex.raw(`
      CREATE ROLE ${loader}; CREATE ROLE ${reader};
      CREATE TABLE public.staging (id int PRIMARY KEY, n int);
      INSERT INTO public.staging SELECT g, g FROM generate_series(1, 3) g;
      GRANT SELECT, INSERT, TRUNCATE ON public.staging TO ${loader};
      GRANT SELECT ON public.staging TO ${reader}`);
  });

  afterEach(async () => {
    await engine.close?.();
    await knex.raw(
      `DROP OWNED BY ${loader}, ${reader}; DROP ROLE ${loader}, ${reader}`,
    );
    await knex.destroy();
  });

  async function truncateAs(role: string) {
    const tx = await knex.transaction();
    try {
      await tx.raw(`SET LOCAL ROLE ${role}`);
      await tx.raw(`TRUNCATE public.staging_v2`);
      await tx.commit();
      return 'done';
    } catch (error) {
      await tx.rollback();
      return (error as Error).message;
    }
  }

  it('lets a role that could truncate the table truncate the new version, and no other', async () => {
    const { run } = await engineRun(engine, 'public.staging', [
      { changeType: { field: 'n', type: 'bigint' } },
    ]);
    await engine.plan(run);
    await engine.migrate(run);
    expect(await truncateAs(reader)).toMatch(/permission denied/);
    expect(await truncateAs(loader)).toBe('done');
    expect(
      (await knex.raw(`SELECT count(*)::int AS n FROM public.staging_v1`)).rows,
    ).toEqual([{ n: 0 }]);
    expect(await outcomeOf(engine.contract(run))).toBe('done');
    expect(await truncateAs(loader)).toBe('done');
  });
});
