import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ResponseError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { DatasetCatalog } from './DatasetCatalog';

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
});
