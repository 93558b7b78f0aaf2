import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { datasetMigrationStartPermission } from '@dataset-migrations/plugin-dataset-migrations-common';
import { RequestGuard } from './RequestGuard';

describe('RequestGuard', () => {
  it('asks the permission backend in batches it reads, answering every entity in order', async () => {
    // The permission backend reads 100 kB of body, about 500 decisions, and
    // answers 413 beyond: a retry may name 5,000 consumers.
    const batches: number[] = [];
    const permissions = mockServices.permissions.mock({
      authorize: async requests => {
        batches.push(requests.length);
        return requests.map(r => ({
          result: (r as { resourceRef: string }).resourceRef.endsWith('7')
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
        }));
      },
    });
    const guard = new RequestGuard({
      permissions,
      auditor: mockServices.auditor.mock(),
      toMigrationFilter: jest.fn(),
    });
    const refs = Array.from(
      { length: 1234 },
      (_, i) => `resource:default/d${i}`,
    );

    const allowed = await guard.allowedEntities(
      mockCredentials.user(),
      datasetMigrationStartPermission,
      refs,
    );

    expect(batches).toEqual([
      100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 100, 34,
    ]);
    expect([...allowed]).toEqual(refs.filter(r => !r.endsWith('7')));
    await expect(
      guard.assertAllowedOnEntities(
        mockCredentials.user(),
        datasetMigrationStartPermission,
        refs,
      ),
    ).rejects.toThrow(
      /^not allowed: permission dataset-migrations.migration.start on resource:default\/d7, resource:default\/d17, /,
    );
  });
});
