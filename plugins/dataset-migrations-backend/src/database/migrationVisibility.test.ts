import type { PermissionCriteria } from '@backstage/plugin-permission-common';
import type { MigrationPermissionFilter } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  EVENTS,
  PLAYS,
  migrationStoreHarness,
} from './__testUtils__/migrationStoreHarness';

const ALICE = 'user:default/alice';
const BOB = 'user:default/bob';
const DATA = 'group:default/data';

describe('listMigrations with a visibility (conditions applied in SQL)', () => {
  const harness = migrationStoreHarness();
  /** id → a short name, so expectations read as the runs they select. */
  const names = new Map<string, string>();

  beforeEach(async () => {
    names.clear();
    // Three runs on two datasets: one owner known, one not recorded.
    const runs = [
      {
        name: 'alice-events',
        entityRef: EVENTS,
        requestedBy: ALICE,
        datasetOwner: DATA,
      },
      {
        name: 'bob-plays',
        entityRef: PLAYS,
        requestedBy: BOB,
        datasetOwner: 'group:default/games',
      },
      { name: 'bob-events-unowned', entityRef: EVENTS, requestedBy: BOB },
    ];
    for (const { name, ...run } of runs) {
      const migration = await harness.queued(run);
      names.set(migration.id, name);
      // The next run of the same dataset needs the first out of the way.
      await harness
        .knex('migrations')
        .where({ id: migration.id })
        .update({ status: 'failed' });
    }
  });

  async function visible(
    filter: PermissionCriteria<MigrationPermissionFilter>,
  ): Promise<string[]> {
    const runs = await harness.store.listMigrations({
      limit: 100,
      visibility: { type: 'conditional', filter },
    });
    return runs.map(m => names.get(m.id)!).sort();
  }

  it('selects runs by requester, dataset and owner, and combines them', async () => {
    expect(await visible({ key: 'requestedBy', values: [ALICE] })).toEqual([
      'alice-events',
    ]);
    expect(await visible({ key: 'entityRef', values: [EVENTS] })).toEqual([
      'alice-events',
      'bob-events-unowned',
    ]);
    expect(await visible({ key: 'datasetOwner', values: [DATA] })).toEqual([
      'alice-events',
    ]);
    expect(
      await visible({
        anyOf: [
          { key: 'requestedBy', values: [ALICE] },
          { key: 'datasetOwner', values: ['group:default/games'] },
        ],
      }),
    ).toEqual(['alice-events', 'bob-plays']);
    expect(
      await visible({
        allOf: [
          { key: 'requestedBy', values: [BOB] },
          { key: 'entityRef', values: [EVENTS] },
        ],
      }),
    ).toEqual(['bob-events-unowned']);
  });

  it('negates with not, counting a run without a recorded owner as not owned', async () => {
    expect(
      await visible({ not: { key: 'datasetOwner', values: [DATA] } }),
    ).toEqual(['bob-events-unowned', 'bob-plays']);
    expect(
      await visible({
        not: {
          anyOf: [
            { key: 'requestedBy', values: [ALICE] },
            { key: 'entityRef', values: [PLAYS] },
          ],
        },
      }),
    ).toEqual(['bob-events-unowned']);
  });

  it('matches nothing with an empty list of values, or an empty anyOf', async () => {
    expect(await visible({ key: 'requestedBy', values: [] })).toEqual([]);
    expect(
      await visible({
        anyOf: [],
      } as unknown as PermissionCriteria<MigrationPermissionFilter>),
    ).toEqual([]);
    expect(
      await visible({ not: { key: 'requestedBy', values: [] } }),
    ).toHaveLength(3);
  });

  it('reads an empty allOf as every run, so that its negation is none', async () => {
    const empty = {
      allOf: [],
    } as unknown as PermissionCriteria<MigrationPermissionFilter>;
    expect(await visible(empty)).toHaveLength(3);
    expect(await visible({ not: empty })).toEqual([]);
  });

  it('keeps the entity filter and the limit under a condition', async () => {
    const runs = await harness.store.listMigrations({
      entityRef: EVENTS,
      limit: 1,
      visibility: {
        type: 'conditional',
        filter: { key: 'requestedBy', values: [ALICE, BOB] },
      },
    });
    expect(runs.map(m => names.get(m.id))).toEqual(['bob-events-unowned']);
  });

  it('lists every run with all, none with none, and rejects an unknown key', async () => {
    expect(
      await harness.store.listMigrations({
        limit: 100,
        visibility: { type: 'all' },
      }),
    ).toHaveLength(3);
    expect(
      await harness.store.listMigrations({
        limit: 100,
        visibility: { type: 'none' },
      }),
    ).toEqual([]);
    await expect(
      visible({
        key: 'status',
        values: ['failed'],
      } as unknown as MigrationPermissionFilter),
    ).rejects.toThrow('unknown migration permission filter status');
  });
});
