import type { Knex } from 'knex';
import type { DatabaseMigrationStore } from './DatabaseMigrationStore';
import {
  EVENTS,
  LEASE,
  PLAYS,
  migrationStoreHarness,
} from './__testUtils__/migrationStoreHarness';

describe('DatabaseDatasetVersionStore', () => {
  const harness = migrationStoreHarness();
  let knex: Knex;
  let store: DatabaseMigrationStore;
  const { queued } = harness;

  beforeEach(() => {
    ({ knex, store } = harness);
  });

  describe('finishMigration', () => {
    it('records the dataset version of a successful migration', async () => {
      const m = await queued({ targetVersion: 2 });
      await store.claimMigration(m.id, LEASE);
      await store.finishMigration(m.id, { status: 'succeeded' });

      expect(await store.getMigration(m.id)).toMatchObject({
        status: 'succeeded',
        failureReason: undefined,
        finishedAt: expect.any(String),
      });
      expect(await store.getSchemaVersion(EVENTS)).toBe(2);
      expect(
        await knex('dataset_versions').select(
          'entity_ref',
          'schema_version',
          'migration_id',
        ),
      ).toEqual([
        { entity_ref: EVENTS, schema_version: 2, migration_id: m.id },
      ]);

      const next = await queued({ fromVersion: 2, targetVersion: 4 });
      await store.finishMigration(next.id, { status: 'succeeded' });
      expect(await store.getSchemaVersion(EVENTS)).toBe(4);
      expect(await knex('dataset_versions').select('migration_id')).toEqual([
        { migration_id: next.id },
      ]);
    });

    it('records no version for a dry run or a failure', async () => {
      const dry = await queued({ dryRun: true });
      await store.finishMigration(dry.id, { status: 'succeeded' });
      expect(await store.getMigration(dry.id)).toMatchObject({
        status: 'succeeded',
      });

      const failed = await queued();
      await store.finishMigration(failed.id, {
        status: 'failed',
        reason: 'cast failed',
      });
      expect(await store.getMigration(failed.id)).toMatchObject({
        status: 'failed',
        failureReason: 'cast failed',
      });

      expect(await store.getSchemaVersion(EVENTS)).toBeUndefined();
      expect(await knex('dataset_versions').count({ n: '*' })).toEqual([
        { n: '0' },
      ]);
    });
  });

  it('records the version a rollback goes back to, also for an earlier run once a later one was rolled back', async () => {
    const succeeded = async (fromVersion: number, targetVersion: number) => {
      const m = await queued({ fromVersion, targetVersion });
      await store.claimMigration(m.id, LEASE);
      await store.finishMigration(m.id, { status: 'succeeded' });
      return m.id;
    };
    const first = await succeeded(3, 4);
    const later = await succeeded(4, 5);
    expect(await store.markRolledBack(later)).toBe(true);
    expect(await store.getSchemaVersion(EVENTS)).toBe(4);
    // Version 4 is the first run's again.
    expect(await knex('dataset_versions').select('migration_id')).toEqual([
      { migration_id: first },
    ]);
    expect(await store.markRolledBack(first)).toBe(true);
    expect(await store.getSchemaVersion(EVENTS)).toBe(3);
  });

  it('reads recorded schema versions in bulk', async () => {
    const a = await queued({ targetVersion: 3 });
    await store.finishMigration(a.id, { status: 'succeeded' });
    const b = await queued({ entityRef: PLAYS, targetVersion: 7 });
    await store.finishMigration(b.id, { status: 'succeeded' });

    expect(
      await store.getSchemaVersions([EVENTS, PLAYS, 'resource:default/never']),
    ).toEqual(
      new Map([
        [EVENTS, 3],
        [PLAYS, 7],
      ]),
    );
  });
});
