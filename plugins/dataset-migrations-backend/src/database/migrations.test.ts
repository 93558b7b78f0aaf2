import type { Knex } from 'knex';
import {
  createTestDatabases,
  MIGRATIONS_DIR,
} from '../__testUtils__/testDatabases';

const PLUGIN_TABLES = [
  'dataset_versions',
  'migration_checkpoints',
  'migration_consumers',
  'migration_logs',
  'migration_steps',
  'migrations',
];

async function tablesIn(knex: Knex): Promise<string[]> {
  const { rows } = await knex.raw<{ rows: { tablename: string }[] }>(
    `SELECT tablename FROM pg_tables WHERE schemaname = 'public' AND tablename = ANY(?) ORDER BY tablename`,
    [PLUGIN_TABLES],
  );
  return rows.map(r => r.tablename);
}

async function indexDef(knex: Knex, name: string): Promise<string | undefined> {
  const { rows } = await knex.raw<{ rows: { indexdef: string }[] }>(
    `SELECT indexdef FROM pg_indexes WHERE schemaname = 'public' AND indexname = ?`,
    [name],
  );
  return rows[0]?.indexdef;
}

function migrationRow(
  id: string,
  status: string,
  entityRef = 'resource:default/events',
) {
  return {
    id,
    entity_ref: entityRef,
    from_version: 1,
    target_version: 2,
    changes: JSON.stringify([]),
    fingerprint: id.replace(/-/g, ''),
    status,
    requested_by: 'user:default/tester',
  };
}

describe('knex migrations', () => {
  const { init } = createTestDatabases();
  let knex: Knex;

  beforeAll(async () => {
    knex = await init();
  });

  it('migrates up, down to nothing, and up again', async () => {
    await knex.migrate.latest({ directory: MIGRATIONS_DIR });
    expect(await tablesIn(knex)).toEqual(PLUGIN_TABLES);
    const [completed] = await knex.migrate.list({ directory: MIGRATIONS_DIR });
    expect(completed.length).toBeGreaterThan(0);

    const partial = await indexDef(knex, 'migrations_one_active_per_dataset');
    expect(partial).toMatch(
      /^CREATE UNIQUE INDEX .* ON public\.migrations .*\(entity_ref\) WHERE/,
    );
    expect(partial).toContain("'queued'");
    expect(partial).toContain("'running'");
    expect(partial).toContain("'awaiting-decision'");

    // The partial index allows any number of finished migrations but one active one.
    await knex('migrations').insert([
      migrationRow('00000000-0000-4000-8000-000000000001', 'succeeded'),
      migrationRow('00000000-0000-4000-8000-000000000002', 'failed'),
      migrationRow('00000000-0000-4000-8000-000000000003', 'queued'),
      migrationRow(
        '00000000-0000-4000-8000-000000000004',
        'running',
        'resource:default/other',
      ),
    ]);
    await expect(
      knex('migrations').insert(
        migrationRow('00000000-0000-4000-8000-000000000005', 'running'),
      ),
    ).rejects.toMatchObject({
      code: '23505',
      constraint: 'migrations_one_active_per_dataset',
    });
    await expect(
      knex('migrations').insert(
        migrationRow('00000000-0000-4000-8000-000000000006', 'paused'),
      ),
    ).rejects.toMatchObject({
      code: '23514',
      constraint: 'migrations_status_check',
    });

    // Steps and logs go with their migration.
    await knex('migration_steps').insert({
      migration_id: '00000000-0000-4000-8000-000000000001',
      attempt: 1,
      name: 'plan',
      status: 'succeeded',
    });
    await knex('migration_logs').insert({
      migration_id: '00000000-0000-4000-8000-000000000001',
      attempt: 1,
      level: 'info',
      message: 'hello',
    });
    await knex('migrations')
      .where({ id: '00000000-0000-4000-8000-000000000001' })
      .delete();
    expect(await knex('migration_steps').count({ n: '*' })).toEqual([
      { n: '0' },
    ]);
    expect(await knex('migration_logs').count({ n: '*' })).toEqual([
      { n: '0' },
    ]);

    await knex.migrate.rollback({ directory: MIGRATIONS_DIR }, true);
    expect(await tablesIn(knex)).toEqual([]);
    expect(
      await indexDef(knex, 'migrations_one_active_per_dataset'),
    ).toBeUndefined();
    const [afterRollback, pending] = await knex.migrate.list({
      directory: MIGRATIONS_DIR,
    });
    expect(afterRollback).toEqual([]);
    expect(pending.length).toBe(completed.length);

    await knex.migrate.latest({ directory: MIGRATIONS_DIR });
    expect(await tablesIn(knex)).toEqual(PLUGIN_TABLES);
    expect(await indexDef(knex, 'migrations_one_active_per_dataset')).toBe(
      partial,
    );
    expect(await knex('migrations').count({ n: '*' })).toEqual([{ n: '0' }]);
  });
});
