import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ResponseError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { DatasetCatalog, currentState } from './DatasetCatalog';

describe('DatasetCatalog', () => {
  /** A catalog answering as the catalog backend does for a ref its validators refuse. */
  const refusing = () => {
    const catalog = catalogServiceMock.mock();
    catalog.getEntityByRef.mockImplementation(async () => {
      throw await ResponseError.fromResponse(
        new Response(
          JSON.stringify({
            error: {
              name: 'InputError',
              message: 'Invalid entity ref, "😀" is not a valid name',
            },
            request: { method: 'GET', url: '/entities/by-name/…' },
            response: { statusCode: 400 },
          }),
          {
            status: 400,
            statusText: 'Bad Request',
            headers: { 'content-type': 'application/json' },
          },
        ) as any,
      );
    });
    return new DatasetCatalog(catalog, mockServices.auth());
  };

  it('names a ref the catalog refuses in a 400 of its own, with the catalog’s reason', async () => {
    const ref = 'resource:default/😀';
    for (const read of [
      (c: DatasetCatalog) => c.getDataset(ref, mockCredentials.user()),
      (c: DatasetCatalog) => c.getEntity(ref, mockCredentials.user()),
    ])
      await expect(read(refusing())).rejects.toMatchObject({
        name: 'InputError',
        message: `entity ${ref} is not a ref the catalog accepts: Invalid entity ref, "😀" is not a valid name`,
      });
  });

  it("selects a campaign's datasets by a hundred of the longest owner refs in queries whose URL a server reads", async () => {
    const owners = Array.from(
      { length: 100 },
      (_, i) => `group:default/${'o'.repeat(250)}${i}`,
    );
    const owned = (name: string, owner: string): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: { name, namespace: 'default' },
      spec: { type: 'dataset', owner },
      relations: [{ type: 'ownedBy', targetRef: owner }],
    });
    const client = catalogServiceMock({
      entities: [
        owned('first', owners[0]),
        owned('middle', owners[50]),
        owned('last', owners[99]),
        owned('nobodys', 'group:default/someone-else'),
      ],
    });
    const asked = jest.spyOn(client, 'getEntities');
    const catalog = new DatasetCatalog(client, mockServices.auth());

    const found = await catalog.queryDatasets(
      { types: ['dataset'], owners },
      mockCredentials.user(),
    );

    expect(found.map(e => e.metadata.name).sort()).toEqual([
      'first',
      'last',
      'middle',
    ]);
    // Node reads 16 kB of headers: each query's filter stays far below.
    expect(asked.mock.calls.length).toBeGreaterThan(1);
    for (const [request] of asked.mock.calls)
      expect(
        encodeURIComponent(JSON.stringify(request?.filter)).length,
      ).toBeLessThan(8_000);
  });

  describe('currentState', () => {
    const dataset = (version?: string): Entity => ({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: 'events',
        namespace: 'default',
        annotations: {
          'dataset-migrations.io/engine': 'warehouse',
          'dataset-migrations.io/table': 'public.events',
          ...(version === undefined
            ? {}
            : { 'dataset-migrations.io/schema-version': version }),
        },
      },
      spec: { type: 'dataset' },
    });
    const unmigrated = { getDatasetState: async () => undefined };

    it('refuses a dataset no migration moved that declares a version no whole number, rather than taking it for 1', async () => {
      await expect(
        currentState(dataset('v3'), unmigrated),
      ).rejects.toMatchObject({
        name: 'InputError',
        message:
          'dataset resource:default/events has the annotation dataset-migrations.io/schema-version "v3", which is not a whole number of 1 or more',
      });
      await expect(currentState(dataset(), unmigrated)).resolves.toMatchObject({
        version: 1,
      });
      await expect(
        currentState(dataset('3'), unmigrated),
      ).resolves.toMatchObject({ version: 3 });
    });

    it('reads a migrated dataset’s version from its migrations, whatever the annotation says until the catalog writes it back', async () => {
      await expect(
        currentState(dataset('v3'), {
          getDatasetState: async () => ({ schemaVersion: 4 }),
        }),
      ).resolves.toMatchObject({ version: 4 });
    });
  });
});
