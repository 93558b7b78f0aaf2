import type { Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../../__testUtils__/testDatabases';
import { DatabaseMigrationStore } from '../DatabaseMigrationStore';
import type { Enqueue, NewMigration } from '../MigrationStore';
import { knexOf } from '../StoreTransaction';

export { newMigration } from '../../__testUtils__/fixtures';
import { newMigration } from '../../__testUtils__/fixtures';

export const LEASE = { owner: 'test-worker', durationMs: 60_000 };

export const EVENTS = 'resource:default/events';
export const PLAYS = 'resource:default/plays';

/**
 * A migration store on a real Postgres, emptied before each test, with a stand-in
 * job queue: `test_jobs`, written inside the store's transaction. Call inside a
 * `describe`; read the fields from within tests (they are set by its hooks).
 */
export function migrationStoreHarness() {
  const { init } = createTestDatabases();
  const harness = {
    knex: undefined as unknown as Knex,
    store: undefined as unknown as DatabaseMigrationStore,
    /** Records, inside the caller's transaction, which migrations were enqueued. */
    enqueue: undefined as unknown as jest.MockedFunction<Enqueue>,
    /** The migrations the stand-in queue holds a job for. */
    async jobs(): Promise<string[]> {
      return (await harness.knex('test_jobs').select('migration_id')).map(
        r => r.migration_id,
      );
    },
    /** Creates a migration, which must be queued. */
    async queued(overrides: Partial<NewMigration> = {}) {
      const result = await harness.store.createMigration(
        newMigration(overrides),
        harness.enqueue,
      );
      if (!result.queued)
        throw new Error('expected the migration to be queued');
      return result.migration;
    },
  };

  // A fresh database and the plugin's migrations: slow on a busy machine.
  beforeAll(async () => {
    harness.knex = await init();
    harness.store = await DatabaseMigrationStore.create({
      database: mockServices.database({ knex: harness.knex }),
    });
    await harness.knex.schema.createTable('test_jobs', t => {
      t.uuid('migration_id').notNullable();
    });
  }, 60_000);

  beforeEach(async () => {
    const { knex } = harness;
    await knex('test_jobs').delete();
    await knex('dataset_versions').delete();
    await knex('migrations').delete();
    harness.enqueue = jest.fn(async (tx, migrationId) => {
      await knexOf(tx)('test_jobs').insert({ migration_id: migrationId });
    });
  });

  return harness;
}
