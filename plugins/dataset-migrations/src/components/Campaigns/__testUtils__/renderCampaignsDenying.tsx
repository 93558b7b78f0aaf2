import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  datasetMigrationsApiRef,
  type DatasetMigrationsApi,
} from '../../../api';
import { CampaignsPage } from '../CampaignsPage';

/**
 * Renders the Campaigns page at `route` for a user the policy denies
 * `permission` (and allows everything else); returns the policy's mock.
 */
export async function renderCampaignsDenying(
  permission: { name: string },
  api: Partial<DatasetMigrationsApi>,
  route: string,
) {
  const authorize = jest.fn((request: { permission: { name: string } }) =>
    request.permission.name === permission.name
      ? AuthorizeResult.DENY
      : AuthorizeResult.ALLOW,
  );
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [datasetMigrationsApiRef, api as DatasetMigrationsApi],
        [permissionApiRef, mockApis.permission({ authorize })],
      ]}
    >
      <CampaignsPage />
    </TestApiProvider>,
    {
      routeEntries: [route],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
  return authorize;
}
