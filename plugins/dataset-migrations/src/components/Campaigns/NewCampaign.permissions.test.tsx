import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  permissionApiRef,
  type PermissionApi,
} from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { datasetMigrationCampaignManagePermission } from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef, type DatasetMigrationsApi } from '../../api';
import { CampaignsPage } from './CampaignsPage';
import { pausedCampaign, plan } from './testCampaign';

// Its own file: permission decisions are cached per permission for the module.
// Full pages render slowly on a shared 2-core machine.
jest.setTimeout(30_000);

describe('Start after creating a draft', () => {
  it('is disabled while the manage permission on the draft is being checked, saying so', async () => {
    const draft = pausedCampaign({ state: 'draft', stateReason: undefined });
    const api = {
      planCampaign: jest.fn(async () => plan),
      createCampaign: jest.fn(async () => draft),
      startCampaign: jest.fn(),
    };
    // The manage decision never comes; everything else is allowed.
    const permissions: PermissionApi = {
      authorize: async request =>
        request.permission.name ===
        datasetMigrationCampaignManagePermission.name
          ? new Promise(() => {})
          : { result: AuthorizeResult.ALLOW },
    };
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            datasetMigrationsApiRef,
            api as Partial<DatasetMigrationsApi> as DatasetMigrationsApi,
          ],
          [permissionApiRef, permissions],
        ]}
      >
        <CampaignsPage />
      </TestApiProvider>,
      {
        routeEntries: ['/new'],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );

    await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));
    await userEvent.click(
      await screen.findByRole('button', { name: 'Create campaign' }),
    );
    const start = await screen.findByRole('button', { name: 'Start' });
    expect(start).toHaveAttribute('aria-disabled', 'true');
    expect(start).toHaveAccessibleDescription('Checking your permissions');
    await userEvent.click(start);
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
    expect(api.startCampaign).not.toHaveBeenCalled();
  });
});
