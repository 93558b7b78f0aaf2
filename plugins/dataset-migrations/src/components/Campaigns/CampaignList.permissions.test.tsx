import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { datasetMigrationCampaignCreatePermission } from '@dataset-migrations/plugin-dataset-migrations-common';
import { renderCampaignsDenying } from './__testUtils__/renderCampaignsDenying';

// Its own file: permission decisions are cached per permission for the module.
jest.setTimeout(30_000);

describe('New campaign without the create permission', () => {
  it('is there, disabled, saying which permission is missing', async () => {
    const api = { listCampaigns: jest.fn(async () => []) };
    await renderCampaignsDenying(
      datasetMigrationCampaignCreatePermission,
      api,
      '/',
    );

    const create = await screen.findByRole('button', { name: 'New campaign' });
    expect(create).toHaveAttribute('aria-disabled', 'true');
    expect(
      screen.queryByRole('link', { name: 'New campaign' }),
    ).not.toBeInTheDocument();
    const reason =
      'You do not have the permission dataset-migrations.campaign.create';
    expect(create).toHaveAccessibleDescription(reason);
    await userEvent.hover(create);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(reason);
  });
});
