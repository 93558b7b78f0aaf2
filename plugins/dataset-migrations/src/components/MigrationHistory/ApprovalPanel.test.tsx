import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  AuthorizeResult,
  type EvaluatePermissionRequest,
} from '@backstage/plugin-permission-common';
import type {
  Migration,
  MigrationDetails,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef, type DatasetMigrationsApi } from '../../api';
import { MigrationRunDetails } from './MigrationRunDetails';

const DIGEST = 'sha256:4f1c9a';

// Each test its own dataset: permission decisions are cached per resource.
function awaiting(entityName: string): MigrationDetails {
  return {
    id: `m-${entityName}`,
    entityRef: `resource:default/${entityName}`,
    status: 'awaiting-approval',
    fromVersion: 1,
    targetVersion: 2,
    dryRun: true,
    changes: [{ dropField: { name: 'country' } }],
    requestedBy: 'user:default/guest',
    attempts: 0,
    retriedAtAttempt: 0,
    cancelRequested: false,
    createdAt: '2026-11-21T10:00:00.000Z',
    updatedAt: '2026-11-21T10:00:00.000Z',
    approval: {
      reasons: ['the change is breaking: it drops country'],
      requestDigest: DIGEST,
    },
    steps: [],
    logs: [],
  };
}

function conflict(message: string) {
  return Object.assign(new Error('Request failed with 409 Conflict'), {
    statusCode: 409,
    cause: { message },
  });
}

async function renderRun(
  details: MigrationDetails,
  api: Partial<DatasetMigrationsApi>,
  authorize: (
    request: EvaluatePermissionRequest,
  ) => AuthorizeResult.ALLOW | AuthorizeResult.DENY = () =>
    AuthorizeResult.ALLOW,
) {
  const onChanged = jest.fn();
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [datasetMigrationsApiRef, api as DatasetMigrationsApi],
        [permissionApiRef, mockApis.permission({ authorize })],
      ]}
    >
      <MigrationRunDetails migration={details} onChanged={onChanged} />
    </TestApiProvider>,
  );
  const region = await screen.findByRole('region', { name: 'Approval' });
  return { region, onChanged };
}

/** A run of campaign `campaignId`, awaiting approval, and an API whose campaign is in `state`. */
function campaignRun(entityName: string, campaignId: string, state: string) {
  const details: MigrationDetails = {
    ...awaiting(entityName),
    campaign: { id: campaignId, wave: 0 },
  };
  const api = {
    getMigration: jest.fn(async () => details),
    getCampaign: jest.fn(async (id: string) => ({
      id,
      name: 'fleet-account-id',
      title: 'Account ids for the fleet',
      state,
      stateReason:
        state === 'paused' ? 'checking the canary’s owner' : undefined,
    })),
    approveMigration: jest.fn(),
    rejectMigration: jest.fn(async () => details),
  };
  return { details, api: api as typeof api & Partial<DatasetMigrationsApi> };
}

describe('ApprovalPanel', () => {
  it("offers no Approve on one's own request without approve-own, and says why", async () => {
    // The test app signs in as user:default/guest, who requested this run.
    const details = awaiting('own-request');
    const api = { getMigration: jest.fn(async () => details) };
    const { region } = await renderRun(details, api, request =>
      request.permission.name === 'dataset-migrations.migration.approve-own'
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW,
    );
    expect(
      await within(region).findByText(
        /it is your own request, which needs the permission dataset-migrations\.migration\.approve-own/,
      ),
    ).toBeInTheDocument();
    expect(
      within(region).queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
  });

  it('approves exactly the request it shows, with the comment', async () => {
    const details = awaiting('plays');
    const approved: MigrationDetails = {
      ...details,
      status: 'queued',
      approval: {
        ...details.approval!,
        decision: {
          outcome: 'approved',
          by: 'user:default/owner',
          at: '2026-11-21T10:05:00.000Z',
          comment: 'go',
        },
      },
    };
    let current = details;
    const api = {
      getMigration: jest.fn(async () => current),
      approveMigration: jest.fn(async () => {
        current = approved;
        return approved;
      }),
      rejectMigration: jest.fn(),
    };
    const authorize = jest.fn(
      (_request: EvaluatePermissionRequest) =>
        AuthorizeResult.ALLOW as AuthorizeResult.ALLOW,
    );
    const { region, onChanged } = await renderRun(details, api, authorize);

    expect(region).toHaveTextContent(
      'the change is breaking: it drops country',
    );
    expect(region).toHaveTextContent(DIGEST);
    await userEvent.type(
      within(region).getByRole('textbox', { name: 'Approval comment' }),
      '  go ',
    );
    await userEvent.click(
      await within(region).findByRole('button', { name: 'Approve' }),
    );
    expect(api.approveMigration).toHaveBeenCalledWith('m-plays', {
      requestDigest: DIGEST,
      comment: 'go',
    });
    expect(api.rejectMigration).not.toHaveBeenCalled();
    // The approval was checked against the dataset, not the run.
    expect(authorize).toHaveBeenCalledWith(
      expect.objectContaining({
        permission: expect.objectContaining({
          name: 'dataset-migrations.migration.approve',
        }),
        resourceRef: 'resource:default/plays',
      }),
    );
    // The run is read again and shows who decided, when, and what they said.
    expect(onChanged).toHaveBeenCalled();
    expect(await screen.findByTestId('approval-decision')).toHaveTextContent(
      /Approved by owner, .*: “go”/,
    );
    expect(
      screen.queryByRole('region', { name: 'Approval' }),
    ).not.toBeInTheDocument();
  });

  it('rejects only with a comment, and sends it', async () => {
    const details = awaiting('sessions');
    const api = {
      getMigration: jest.fn(async () => details),
      approveMigration: jest.fn(),
      rejectMigration: jest.fn(async () => ({
        ...details,
        status: 'rejected' as const,
      })),
    };
    const { region } = await renderRun(details, api);

    const reject = await within(region).findByRole('button', {
      name: 'Reject',
    });
    await waitFor(() =>
      expect(
        within(region).getByRole('button', { name: 'Approve' }),
      ).toBeEnabled(),
    );
    // Without a comment Reject says why, and a click does nothing.
    const needsComment =
      'A rejection needs a comment: say why in Comment above';
    expect(reject).toHaveAttribute('aria-disabled', 'true');
    expect(reject).toHaveAccessibleDescription(needsComment);
    await userEvent.click(reject);
    expect(api.rejectMigration).not.toHaveBeenCalled();
    await userEvent.type(
      within(region).getByRole('textbox', { name: 'Approval comment' }),
      '   ',
    );
    expect(reject).toHaveAccessibleDescription(needsComment);
    await userEvent.type(
      within(region).getByRole('textbox', { name: 'Approval comment' }),
      'not during the freeze',
    );
    // The same button, now usable.
    expect(reject).toBeEnabled();
    expect(reject).not.toHaveAttribute('aria-disabled');
    expect(reject).not.toHaveAttribute('aria-describedby');
    await userEvent.click(reject);
    expect(api.rejectMigration).toHaveBeenCalledWith('m-sessions', {
      requestDigest: DIGEST,
      comment: 'not during the freeze',
    });
    expect(api.approveMigration).not.toHaveBeenCalled();
  });

  it('says a run of an aborted campaign never starts, not that a resume would let it', async () => {
    const { details, api } = campaignRun('campaign-aborted', 'c-2', 'aborted');
    const { region } = await renderRun(details, api);
    const why =
      'This run belongs to the campaign “Account ids for the fleet” (fleet-account-id), which is aborted: it never starts, and is cancelled with the campaign.';
    expect(
      await within(region).findByRole('button', {
        name: 'Approve',
        description: why,
      }),
    ).toHaveAttribute('aria-disabled', 'true');
  });

  it('keeps Approve off while the run’s campaign is not running, says why, and still lets it be rejected', async () => {
    const { details, api } = campaignRun('campaign-paused', 'c-1', 'paused');
    const { region } = await renderRun(details, api);
    const why =
      'This run belongs to the campaign “Account ids for the fleet” (fleet-account-id), which is paused (checking the canary’s owner): it can be approved once the campaign is resumed.';
    // Said in view, and as the disabled button's description.
    const approve = await within(region).findByRole('button', {
      name: 'Approve',
      description: why,
    });
    expect(
      within(region)
        .getAllByRole('alert')
        .map(a => a.textContent),
    ).toContain(why);
    expect(api.getCampaign).toHaveBeenCalledWith('c-1');
    expect(approve).toHaveAttribute('aria-disabled', 'true');
    await userEvent.type(
      within(region).getByRole('textbox', { name: 'Approval comment' }),
      'not this quarter',
    );
    expect(approve).toHaveAttribute('aria-disabled', 'true');
    await userEvent.click(
      within(region).getByRole('button', { name: 'Reject' }),
    );
    expect(api.rejectMigration).toHaveBeenCalled();
    expect(api.approveMigration).not.toHaveBeenCalled();
  });

  it('offers Approve on a campaign’s run while the campaign runs', async () => {
    const { details, api } = campaignRun('campaign-running', 'c-2', 'running');
    const { region } = await renderRun(details, api);
    await waitFor(() => expect(api.getCampaign).toHaveBeenCalledWith('c-2'));
    await waitFor(() =>
      expect(
        within(region).getByRole('button', { name: 'Approve' }),
      ).toBeEnabled(),
    );
    expect(region).not.toHaveTextContent('belongs to the campaign');
  });

  it('shows the backend’s 409 in its words and reads the run again', async () => {
    const details = awaiting('artists');
    const api = {
      getMigration: jest.fn(async () => details),
      approveMigration: jest.fn(async () => {
        throw conflict(
          'the request changed since it was shown: approve it again',
        );
      }),
      rejectMigration: jest.fn(),
    };
    const { region, onChanged } = await renderRun(details, api);
    const approve = await within(region).findByRole('button', {
      name: 'Approve',
    });
    await waitFor(() => expect(approve).toBeEnabled());
    const readsBefore = api.getMigration.mock.calls.length;
    await userEvent.click(approve);

    expect(
      await within(region).findByText(
        'the request changed since it was shown: approve it again',
      ),
    ).toBeInTheDocument();
    expect(onChanged).toHaveBeenCalled();
    await waitFor(() =>
      expect(api.getMigration.mock.calls.length).toBeGreaterThan(readsBefore),
    );
  });

  it('offers no decision to one the policy does not let approve', async () => {
    const details = awaiting('albums');
    const api = {
      getMigration: jest.fn(async () => details),
      approveMigration: jest.fn(),
      rejectMigration: jest.fn(),
    };
    const { region } = await renderRun(
      details,
      api,
      () => AuthorizeResult.DENY,
    );
    expect(
      await within(region).findByText(
        /You may not approve migrations of this dataset/,
      ),
    ).toHaveTextContent('dataset-migrations.migration.approve');
    expect(region).toHaveTextContent(
      'the change is breaking: it drops country',
    );
    expect(
      within(region).queryByRole('button', { name: 'Approve' }),
    ).not.toBeInTheDocument();
    expect(
      within(region).queryByRole('button', { name: 'Reject' }),
    ).not.toBeInTheDocument();
  });
});

describe('a decided run', () => {
  it('shows a rejection with who, when and why', async () => {
    const details: MigrationDetails = {
      ...awaiting('tracks'),
      status: 'rejected',
      approval: {
        reasons: ['the change is breaking'],
        requestDigest: DIGEST,
        decision: {
          outcome: 'rejected',
          by: 'user:default/owner',
          at: '2026-11-21T10:05:00.000Z',
          comment: 'billing reads country',
        },
      },
    };
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [
            datasetMigrationsApiRef,
            {
              getMigration: jest.fn(async () => details),
            } as unknown as DatasetMigrationsApi,
          ],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <MigrationRunDetails migration={details as Migration} />
      </TestApiProvider>,
    );
    expect(await screen.findByTestId('approval-decision')).toHaveTextContent(
      /Rejected by owner, .*: “billing reads country”/,
    );
    expect(
      screen.queryByRole('region', { name: 'Approval' }),
    ).not.toBeInTheDocument();
  });
});
