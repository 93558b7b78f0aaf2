import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import {
  emptyConsumerStateCounts,
  type ConsumerLedger,
  type ConsumerPullRequestDetails,
  type Migration,
  type MigrationConsumer,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef, type DatasetMigrationsApi } from '../../api';
import { ConsumersPanel } from './ConsumersPanel';

const migration: Migration = {
  id: 'm1',
  entityRef: 'resource:default/listening-events',
  status: 'succeeded',
  fromVersion: 1,
  targetVersion: 2,
  dryRun: false,
  changes: [{ renameField: { from: 'track_id', to: 'track_uri' } }],
  requestedBy: 'user:default/ada',
  attempts: 1,
  retriedAtAttempt: 0,
  cancelRequested: false,
  createdAt: '2026-11-21T10:00:00.000Z',
  finishedAt: '2026-11-21T10:00:03.000Z',
  updatedAt: '2026-11-21T10:00:03.000Z',
};

const LOCAL_REF = 'component:default/churn-model';
const GITHUB_REF = 'component:default/daily-plays';
const BRANCH = 'dataset-migrations/listening-events-v2/churn-model';

function consumer(
  entityRef: string,
  pullRequest: MigrationConsumer['pullRequest'],
): MigrationConsumer {
  return {
    entityRef,
    depth: 1,
    state: 'pr-opened',
    attempts: 1,
    updatedAt: '2026-11-21T10:05:00.000Z',
    pullRequest,
  };
}

const ledger: ConsumerLedger = {
  migrationId: 'm1',
  counts: { ...emptyConsumerStateCounts(), 'pr-opened': 2 },
  undecided: 0,
  total: 2,
  consumers: [
    consumer(LOCAL_REF, {
      provider: 'local-git',
      url: 'file:///srv/consumer-repos/churn-model#pull/1',
      number: 1,
      branch: BRANCH,
      state: 'open',
    }),
    consumer(GITHUB_REF, {
      provider: 'github',
      url: 'https://github.com/acme/daily-plays/pull/7',
      number: 7,
      branch: 'dataset-migrations/listening-events-v2/daily-plays',
      state: 'open',
    }),
  ],
};

const localPull: ConsumerPullRequestDetails = {
  provider: 'local-git',
  url: 'file:///srv/consumer-repos/churn-model#pull/1',
  number: 1,
  branch: BRANCH,
  base: 'main',
  state: 'open',
  title: 'Read listening-events schema version 2',
  body: '## Mapping\n\n**track_id** is now `track_uri`.\n\n| field | lines |\n|---|---|\n| track_id | 3 |',
  diff: [
    'diff --git a/features.sql b/features.sql',
    '--- a/features.sql',
    '+++ b/features.sql',
    '@@ -3 +3 @@',
    '-select track_id from listening_events',
    '+select track_uri AS track_id from listening_events',
    '',
  ].join('\n'),
  diffTruncated: false,
  files: [{ path: 'features.sql', additions: 1, deletions: 1 }],
  canMerge: true,
};

function fakeApi() {
  return {
    getConsumerLedger: jest.fn(async () => ledger),
    getConsumerPullRequest: jest.fn(async (_id: string, ref: string) => {
      if (ref === LOCAL_REF) return localPull;
      throw new Error(
        'pull request https://github.com/acme/daily-plays/pull/7 is on github, which the portal cannot show; open it there',
      );
    }),
    mergeConsumerPullRequest: jest.fn(async () => ({
      ...localPull,
      state: 'merged' as const,
      canMerge: false,
    })),
  } as unknown as jest.Mocked<DatasetMigrationsApi>;
}

async function renderPanel(api: DatasetMigrationsApi) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [datasetMigrationsApiRef, api],
        [permissionApiRef, mockApis.permission()],
      ]}
    >
      <ConsumersPanel migration={migration} />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

// Rendering a whole app per test is slow on a shared machine; nothing here waits on time.
jest.setTimeout(30_000);

describe('PullRequestDialog, from the consumer ledger', () => {
  it('shows a local pull request in the portal: title, branch → base, state, markdown body and coloured diff', async () => {
    const api = fakeApi();
    await renderPanel(api);

    const row = await screen.findByTestId(`consumer-${LOCAL_REF}`);
    // Not a file:// link a browser would refuse: it opens the pull request here.
    const number = within(row).getByRole('link', { name: '#1 (open)' });
    expect(number.getAttribute('href')).not.toMatch(/^file:/);
    await userEvent.click(number);

    const dialog = await screen.findByRole('dialog', {
      name: `Pull request #1 of ${LOCAL_REF}`,
    });
    expect(api.getConsumerPullRequest).toHaveBeenCalledWith('m1', LOCAL_REF);
    expect(
      await within(dialog).findByText('Read listening-events schema version 2'),
    ).toBeInTheDocument();
    expect(within(dialog).getByLabelText('Branch into base')).toHaveTextContent(
      `${BRANCH} → main`,
    );
    expect(
      within(dialog).getByLabelText('Pull request state'),
    ).toHaveTextContent('open');
    // The body is markdown, rendered.
    const body = within(dialog).getByLabelText('Pull request body');
    expect(
      within(body).getByRole('heading', { name: 'Mapping' }),
    ).toBeInTheDocument();
    expect(
      within(body).getByText('track_id', { selector: 'strong' }),
    ).toBeInTheDocument();
    expect(within(body).getByRole('table')).toHaveTextContent('track_id3');
    expect(
      within(dialog).getByRole('table', { name: 'Changed files' }),
    ).toHaveTextContent('features.sql+1 −1');
    const diff = within(dialog).getByLabelText('Patch');
    expect(
      within(diff).getByText('-select track_id from listening_events'),
    ).toHaveAttribute('data-diff', 'removed');
    expect(
      within(diff).getByText(
        '+select track_uri AS track_id from listening_events',
      ),
    ).toHaveAttribute('data-diff', 'added');
    expect(within(dialog).queryByText(/Open on/)).not.toBeInTheDocument();
  });

  it('merges a local pull request (demo), then shows it merged and reads the ledger again', async () => {
    const api = fakeApi();
    await renderPanel(api);
    await userEvent.click(
      await screen.findByRole('button', {
        name: `View pull request of ${LOCAL_REF}`,
      }),
    );
    const dialog = await screen.findByRole('dialog');
    const calls = api.getConsumerLedger.mock.calls.length;

    await userEvent.click(
      await within(dialog).findByRole('button', { name: 'Merge (demo)' }),
    );

    expect(api.mergeConsumerPullRequest).toHaveBeenCalledWith('m1', LOCAL_REF);
    await waitFor(() =>
      expect(
        within(dialog).getByLabelText('Pull request state'),
      ).toHaveTextContent('merged'),
    );
    expect(
      within(dialog).queryByRole('button', { name: 'Merge (demo)' }),
    ).not.toBeInTheDocument();
    await waitFor(() =>
      expect(api.getConsumerLedger.mock.calls.length).toBeGreaterThan(calls),
    );

    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Close' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
  });

  it('shows why a merge was refused, and keeps the button', async () => {
    const api = fakeApi();
    api.mergeConsumerPullRequest.mockRejectedValueOnce(
      new Error(
        'pull request #1 of /srv/consumer-repos/churn-model does not merge cleanly into "main": features.sql changed on both sides; update the branch first',
      ),
    );
    await renderPanel(api);
    await userEvent.click(
      await screen.findByRole('button', {
        name: `View pull request of ${LOCAL_REF}`,
      }),
    );
    const dialog = await screen.findByRole('dialog');
    await userEvent.click(
      await within(dialog).findByRole('button', { name: 'Merge (demo)' }),
    );

    expect(
      await within(dialog).findByText(/does not merge cleanly into "main"/),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByLabelText('Pull request state'),
    ).toHaveTextContent('open');
    expect(
      within(dialog).getByRole('button', { name: 'Merge (demo)' }),
    ).toBeEnabled();
  });

  it('reads the pull request again after a refused merge, so one a rollback closed meanwhile shows closed, without the button', async () => {
    const api = fakeApi();
    api.mergeConsumerPullRequest.mockRejectedValueOnce(
      new Error(
        "migration m-1 is being rolled back: its consumers' pull requests are not to be merged",
      ),
    );
    await renderPanel(api);
    await userEvent.click(
      await screen.findByRole('button', {
        name: `View pull request of ${LOCAL_REF}`,
      }),
    );
    const dialog = await screen.findByRole('dialog');
    await within(dialog).findByRole('button', { name: 'Merge (demo)' });
    // Closed by the rollback while the dialog was open.
    api.getConsumerPullRequest.mockResolvedValue({
      ...localPull,
      state: 'closed',
      canMerge: false,
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Merge (demo)' }),
    );

    expect(
      await within(dialog).findByText(/is being rolled back/),
    ).toBeInTheDocument();
    await waitFor(() =>
      expect(
        within(dialog).getByLabelText('Pull request state'),
      ).toHaveTextContent('closed'),
    );
    expect(
      within(dialog).queryByRole('button', { name: 'Merge (demo)' }),
    ).not.toBeInTheDocument();
  });

  it('keeps the external link for a GitHub pull request, with no merge button', async () => {
    const api = fakeApi();
    await renderPanel(api);
    const row = await screen.findByTestId(`consumer-${GITHUB_REF}`);
    expect(
      within(row).getByRole('link', { name: /#7 \(open\)/ }),
    ).toHaveAttribute('href', 'https://github.com/acme/daily-plays/pull/7');

    await userEvent.click(
      within(row).getByRole('button', {
        name: `View pull request of ${GITHUB_REF}`,
      }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(
      await within(dialog).findByText(/which the portal cannot show/),
    ).toBeInTheDocument();
    expect(
      within(dialog).getByRole('link', { name: /Open it/ }),
    ).toHaveAttribute('href', 'https://github.com/acme/daily-plays/pull/7');
    expect(
      within(dialog).queryByRole('button', { name: 'Merge (demo)' }),
    ).not.toBeInTheDocument();
  });
});
