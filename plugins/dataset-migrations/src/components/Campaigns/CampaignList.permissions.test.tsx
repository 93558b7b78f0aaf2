import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { datasetMigrationCampaignCreatePermission } from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef, type DatasetMigrationsApi } from '../../api';
import { CampaignsPage } from './CampaignsPage';

// Its own file: permission decisions are cached per permission for the module.
jest.setTimeout(30_000);

describe('New campaign without the create permission', () => {
  it('is there, disabled, saying which permission is missing', async () => {
    const api = { listCampaigns: jest.fn(async () => []) };
    const authorize = jest.fn((request: { permission: { name: string } }) =>
      request.permission.name === datasetMigrationCampaignCreatePermission.name
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
    );

    const create = await screen.findByRole('button', { name: 'New campaign' });
    expect(create).toBeDisabled();
    expect(
      screen.queryByRole('link', { name: 'New campaign' }),
    ).not.toBeInTheDocument();
    await userEvent.hover(create.parentElement!);
    expect(
      await screen.findByText(
        'You do not have the permission dataset-migrations.campaign.create',
      ),
    ).toBeInTheDocument();
  });
});
