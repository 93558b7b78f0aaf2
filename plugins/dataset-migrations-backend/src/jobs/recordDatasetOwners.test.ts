import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DatasetCatalog } from '../catalog/DatasetCatalog';
import { DatabaseMigrationStore } from '../database/DatabaseMigrationStore';
import { dataset, newMigration } from '../__testUtils__/fixtures';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { recordDatasetOwners } from './recordDatasetOwners';

describe('recordDatasetOwners', () => {
  const { init } = createTestDatabases();

  it("gives earlier runs their dataset's owner from the catalog, and only those", async () => {
    const knex = await init();
    const store = await DatabaseMigrationStore.create({
      database: mockServices.database({ knex }),
    });
    const finished = async (entityRef: string, datasetOwner?: string) => {
      const run = newMigration({ entityRef, datasetOwner });
      await store.createMigration(run, async () => {});
      // Finished, so the next run of the same dataset may be queued.
      await knex('migrations')
        .where({ id: run.id })
        .update({ status: 'succeeded' });
      return run.id;
    };
    // Requested before owners were kept: no owner recorded.
    const old = await finished('resource:default/events');
    // Recorded at request time; the dataset has changed hands since.
    const kept = await finished(
      'resource:default/events',
      'group:default/before',
    );
    // A dataset the catalog no longer has.
    const gone = await finished('resource:default/gone');

    const catalog = new DatasetCatalog(
      catalogServiceMock({ entities: [dataset('events')] }),
      mockServices.auth(),
    );
    const deps = {
      store,
      catalog,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
    };
    expect(await recordDatasetOwners(deps)).toBe(1);

    const owners = Object.fromEntries(
      (await knex('migrations').select('id', 'dataset_owner')).map(r => [
        r.id,
        r.dataset_owner,
      ]),
    );
    expect(owners).toEqual({
      [old]: DatasetCatalog.ownerOf(dataset('events')),
      [kept]: 'group:default/before',
      [gone]: null,
    });
    expect(owners[old]).toMatch(/^group:default\//);
    // Again: nothing left to record.
    expect(await recordDatasetOwners(deps)).toBe(0);
  });
});
