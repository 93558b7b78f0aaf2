import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { datasetMigrationCampaignManagePermission } from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef, type DatasetMigrationsApi } from '../../api';
import { CampaignsPage } from './CampaignsPage';
import { pausedCampaign } from './testCampaign';

// Its own file: permission decisions are cached per permission for the module.
// Full pages render slowly on a shared 2-core machine.
jest.setTimeout(30_000);

describe('Campaign actions without the manage permission', () => {
  it('are disabled, saying why, even where the state allows them', async () => {
    const running = pausedCampaign({
      state: 'running',
      stateReason: undefined,
    });
    const api = {
      getCampaign: jest.fn(async () => running),
      pauseCampaign: jest.fn(),
    };
    const authorize = jest.fn((request: { permission: { name: string } }) =>
      request.permission.name === datasetMigrationCampaignManagePermission.name
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW,
    );
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            datasetMigrationsApiRef,
            api as Partial<DatasetMigrationsApi> as DatasetMigrationsApi,
          ],
          [permissionApiRef, mockApis.permission({ authorize })],
        ]}
      >
        <CampaignsPage />
      </TestApiProvider>,
      {
        routeEntries: ['/c1'],
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );

    const pause = await screen.findByRole('button', { name: 'Pause' });
    expect(pause).toBeDisabled();
    expect(screen.getByRole('button', { name: 'Abort' })).toBeDisabled();
    await userEvent.hover(pause.parentElement!);
    expect(
      await screen.findByText(
        'You do not have the permission dataset-migrations.campaign.manage',
      ),
    ).toBeInTheDocument();
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({
        permission: expect.objectContaining({
          name: 'dataset-migrations.campaign.manage',
        }),
      }),
    );
  });
});
