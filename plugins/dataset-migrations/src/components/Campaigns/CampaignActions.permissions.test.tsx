import { screen } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { datasetMigrationCampaignManagePermission } from '@dataset-migrations/plugin-dataset-migrations-common';
import { renderCampaignsDenying } from './__testUtils__/renderCampaignsDenying';
import { pausedCampaign } from './testCampaign';

// Its own file: permission decisions are cached per permission for the module.
// Full pages render slowly on a shared 2-core machine.
jest.setTimeout(30_000);

describe('Campaign actions without the manage permission on the campaign', () => {
  it('are disabled, saying why, even where the state allows them', async () => {
    const running = pausedCampaign({
      state: 'running',
      stateReason: undefined,
    });
    const api = {
      getCampaign: jest.fn(async () => running),
      pauseCampaign: jest.fn(),
    };
    const authorize = await renderCampaignsDenying(
      datasetMigrationCampaignManagePermission,
      api,
      '/c1',
    );

    const pause = await screen.findByRole('button', { name: 'Pause' });
    expect(pause).toHaveAttribute('aria-disabled', 'true');
    expect(screen.getByRole('button', { name: 'Abort' })).toHaveAttribute(
      'aria-disabled',
      'true',
    );
    const reason =
      'You do not have the permission dataset-migrations.campaign.manage for this campaign';
    expect(pause).toHaveAccessibleDescription(reason);
    await userEvent.hover(pause);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(reason);
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({
        permission: expect.objectContaining({
          name: 'dataset-migrations.campaign.manage',
        }),
        // Checked on this campaign: a policy may let only its owner manage it.
        resourceRef: running.id,
      }),
    );
  });
});
