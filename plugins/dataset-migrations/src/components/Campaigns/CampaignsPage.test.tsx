import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { signalApiRef, type SignalApi } from '@backstage/plugin-signals-react';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { parse as parseYaml } from 'yaml';
import {
  CAMPAIGN_SIGNAL_CHANNEL,
  campaignDocumentSchema,
  DATASET_MIGRATIONS_SIGNAL_CHANNEL,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef, type DatasetMigrationsApi } from '../../api';
import { saveBlob } from '../shared/saveBlob';
import { CampaignsPage } from './CampaignsPage';
import { exampleCampaignDocument } from './campaignText';
import { pausedCampaign, plan } from './testCampaign';
import { RUN_SIGNALS_READ_MS } from './useCampaignSignals';

jest.mock('../shared/saveBlob', () => ({ saveBlob: jest.fn() }));

async function renderPage(
  api: Partial<DatasetMigrationsApi>,
  path: string,
  signalApi?: SignalApi,
) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [datasetMigrationsApiRef, api as DatasetMigrationsApi],
        [permissionApiRef, mockApis.permission()],
        ...(signalApi ? [[signalApiRef, signalApi] as const] : []),
      ]}
    >
      <CampaignsPage />
    </TestApiProvider>,
    {
      routeEntries: [path],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    },
  );
}

// Full pages render slowly on a shared 2-core machine.
jest.setTimeout(30_000);

/**
 * Puts `text` into a field as one paste: typing it key by key re-renders the whole
 * page per key, which took most of a 30 s timeout on a loaded machine.
 */
async function fill(field: HTMLElement, text: string) {
  await userEvent.click(field);
  await userEvent.paste(text);
}

describe('New campaign', () => {
  it('starts from an example document the backend’s schema accepts', () => {
    const parsed = campaignDocumentSchema.safeParse(
      parseYaml(exampleCampaignDocument(new Date('2026-12-01T00:00:00Z'))),
    );
    expect(parsed.success && parsed.data.deadline).toBe('2027-03-01');
  });

  it('reviews the plan: waves canary first, compatibility in words, skipped with reasons', async () => {
    const api = { planCampaign: jest.fn(async () => plan) };
    await renderPage(api, '/new');

    await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));

    expect(
      await screen.findByText(
        '3 datasets in 2 waves, 7 consumers, 6 pull requests; 1 skipped',
      ),
    ).toBeInTheDocument();
    expect(api.planCampaign).toHaveBeenCalledWith(
      expect.stringContaining('kind: Campaign'),
    );
    const waves = screen
      .getAllByRole('table')
      .map(table => table.getAttribute('aria-label'));
    expect(waves).toEqual([
      'Canary (wave 0)',
      'Wave 1',
      'Skipped datasets',
      'Load per owner',
    ]);
    const canary = screen.getByRole('table', { name: 'Canary (wave 0)' });
    expect(within(canary).getByText('Events')).toBeInTheDocument();
    expect(
      within(canary).getByText('Forward: the dataset moves first'),
    ).toBeInTheDocument();
    const wave = screen.getByRole('table', { name: 'Wave 1' });
    expect(
      within(wave).getByText('Breaking: both versions served side by side'),
    ).toBeInTheDocument();
    expect(within(wave).getByText('v3 → v4')).toBeInTheDocument();
    // The datasets that go first, by name rather than as raw refs.
    expect(
      screen.getByText((_, node) => node?.textContent === 'after events'),
    ).toBeInTheDocument();
    for (const table of [canary, wave])
      expect(table).not.toHaveTextContent('resource:default');
    const skipped = screen.getByRole('table', { name: 'Skipped datasets' });
    expect(within(skipped).getByText('ledger')).toBeInTheDocument();
    expect(within(skipped).getByText('has no primary key')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Create campaign' }),
    ).toBeEnabled();
  });

  it('shows each problem the server names on its own line', async () => {
    const refusal = Object.assign(new Error('Request failed with 400'), {
      cause: {
        message:
          'Invalid campaign document: deadline: must be a date or date-time; rollout.waveSize: must be a count, or a percent from 1% to 100%',
      },
    });
    const api = {
      planCampaign: jest.fn(async () => {
        throw refusal;
      }),
    };
    await renderPage(api, '/new');

    await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));

    const items = await screen.findAllByRole('listitem');
    expect(items.map(item => item.textContent)).toEqual([
      'deadline: must be a date or date-time',
      'rollout.waveSize: must be a count, or a percent from 1% to 100%',
    ]);
    // No plan, no campaign: the button says so on hover and focus.
    const create = screen.getByRole('button', { name: 'Create campaign' });
    expect(create).toHaveAttribute('aria-disabled', 'true');
    expect(create).toHaveAccessibleDescription(
      'Review the plan first: a campaign is created from a reviewed document',
    );
  });

  it('creates the draft, then starts it after a confirmation naming the scale', async () => {
    const draft = pausedCampaign({ state: 'draft', stateReason: undefined });
    const api = {
      planCampaign: jest.fn(async () => plan),
      createCampaign: jest.fn(async () => draft),
      startCampaign: jest.fn(async () => ({
        ...draft,
        state: 'running' as const,
      })),
      getCampaign: jest.fn(async () => ({
        ...draft,
        state: 'running' as const,
      })),
    };
    await renderPage(api, '/new');

    await userEvent.click(screen.getByRole('button', { name: 'Review plan' }));
    await userEvent.click(
      await screen.findByRole('button', { name: 'Create campaign' }),
    );
    const startButton = await screen.findByRole('button', { name: 'Start' });
    // The draft exists: creating it again is refused on the button, with why.
    expect(
      screen.getByRole('button', { name: 'Create campaign' }),
    ).toHaveAccessibleDescription(
      `Created as draft ${draft.name}: start it, or change the document to create another`,
    );
    await userEvent.click(startButton);
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent('This migrates 3 datasets in 2 waves');
    await userEvent.click(
      within(dialog).getByRole('button', {
        name: 'Start 3 datasets in 2 waves',
      }),
    );

    await waitFor(() => expect(api.startCampaign).toHaveBeenCalledWith('c1'));
    expect(api.createCampaign).toHaveBeenCalledWith(
      expect.stringContaining('name: rename-country'),
    );
    // The campaign's own page follows.
    expect(await screen.findByText('Rename country')).toBeInTheDocument();
    expect(api.getCampaign).toHaveBeenCalledWith('c1');
  });
});

describe('Campaigns list', () => {
  it('shows each campaign’s state, progress and a link to its page', async () => {
    const summary = pausedCampaign();
    const api = {
      listCampaigns: jest.fn(async () => [
        summary,
        {
          ...summary,
          id: 'c2',
          title: 'Drop fax',
          state: 'completed' as const,
          counts: { datasets: 3, done: 3, failed: 0, rolledBack: 0 },
        },
        // A failure policy that accepts failures lets a campaign complete with them.
        {
          ...summary,
          id: 'c3',
          title: 'Widen ids',
          state: 'completed' as const,
          counts: { datasets: 3, done: 2, failed: 1, rolledBack: 0 },
        },
        {
          ...summary,
          id: 'c4',
          title: 'Retype plays',
          state: 'completed' as const,
          counts: { datasets: 3, done: 0, failed: 3, rolledBack: 0 },
        },
      ]),
    };
    await renderPage(api, '/');

    const link = await screen.findByRole('link', { name: 'Rename country' });
    expect(link).toHaveAttribute('href', '/c1');
    const rows = screen.getAllByRole('row');
    const paused = rows.find(row =>
      row.textContent?.includes('Rename country'),
    )!;
    expect(within(paused).getByText('Paused')).toBeInTheDocument();
    expect(
      within(paused).getByRole('progressbar', {
        name: 'Rename country: datasets done',
      }),
    ).toHaveAttribute('aria-valuenow', '33');
    expect(within(paused).getByText('1/3 · 1 failed')).toBeInTheDocument();
    const stateOf = (title: string) =>
      rows.find(row => row.textContent?.includes(title))!;
    expect(within(stateOf('Drop fax')).getByText('Completed')).toBeVisible();
    expect(
      within(stateOf('Widen ids')).getByText('Completed, 1 failed'),
    ).toBeVisible();
    expect(
      within(stateOf('Retype plays')).getByText('Completed, none migrated'),
    ).toBeVisible();
    expect(screen.getByRole('link', { name: 'New campaign' })).toHaveAttribute(
      'href',
      '/new',
    );
  });
});

describe('Campaigns list counts', () => {
  it('counts a rolled-back dataset apart from a failed one, in the campaign page’s words', async () => {
    const summary = pausedCampaign({
      counts: { datasets: 4, done: 1, failed: 1, rolledBack: 2 },
    });
    const api = {
      listCampaigns: jest.fn(async () => [
        summary,
        // Completed with one rolled back and none failed: not a green Completed.
        {
          ...summary,
          id: 'c2',
          title: 'Move zip',
          state: 'completed' as const,
          counts: { datasets: 3, done: 2, failed: 0, rolledBack: 1 },
        },
        {
          ...summary,
          id: 'c3',
          title: 'Widen ids',
          state: 'completed' as const,
          counts: { datasets: 4, done: 2, failed: 1, rolledBack: 1 },
        },
      ]),
    };
    await renderPage(api, '/');

    await screen.findByRole('link', { name: 'Rename country' });
    const rows = screen.getAllByRole('row');
    const rowOf = (title: string) =>
      rows.find(row => row.textContent?.includes(title))!;
    expect(
      within(rowOf('Rename country')).getByText(
        '1/4 · 1 failed · 2 rolled back',
      ),
    ).toBeVisible();
    expect(
      within(rowOf('Move zip')).getByText('Completed, 1 rolled back'),
    ).toBeVisible();
    expect(
      within(rowOf('Move zip')).getByText('2/3 · 1 rolled back'),
    ).toBeVisible();
    expect(
      within(rowOf('Widen ids')).getByText(
        'Completed, 1 failed, 1 rolled back',
      ),
    ).toBeVisible();
  });
});

describe('Campaign page', () => {
  it('reads the campaign again when one of its runs changes, and only then', async () => {
    let campaign = pausedCampaign({ state: 'running', stateReason: undefined });
    const api = { getCampaign: jest.fn(async () => campaign) };
    const listeners = new Map<string, Array<(message: object) => void>>();
    const signalApi = {
      subscribe: (channel: string, onMessage: (message: object) => void) => {
        listeners.set(channel, [...(listeners.get(channel) ?? []), onMessage]);
        return { unsubscribe: () => {} };
      },
    } as unknown as SignalApi;
    const send = (channel: string, message: object) =>
      act(() => listeners.get(channel)?.forEach(listener => listener(message)));
    await renderPage(api, '/c1', signalApi);
    expect(await screen.findByText('0/2 · 1 failed')).toBeInTheDocument();
    const reads = api.getCampaign.mock.calls.length;

    // A run of no campaign, or of another: not this page's business.
    send(DATASET_MIGRATIONS_SIGNAL_CHANNEL, {
      migrationId: 'x',
      entityRef: 'resource:default/other',
    });
    send(DATASET_MIGRATIONS_SIGNAL_CHANNEL, {
      migrationId: 'y',
      entityRef: 'resource:default/other',
      campaignId: 'c2',
    });
    send(CAMPAIGN_SIGNAL_CHANNEL, { campaignId: 'c2' });
    expect(api.getCampaign).toHaveBeenCalledTimes(reads);

    // One of its datasets started: no campaign state changed, its run did.
    campaign = {
      ...campaign,
      datasets: campaign.datasets.map(d =>
        d.state === 'failed'
          ? { ...d, state: 'migrating', migrationStatus: 'running' }
          : d,
      ),
      waves: campaign.waves.map(w =>
        w.index === 1 ? { ...w, state: 'running', failed: 0 } : w,
      ),
    };
    send(DATASET_MIGRATIONS_SIGNAL_CHANNEL, {
      migrationId: 'm-orders',
      entityRef: 'resource:default/orders',
      campaignId: 'c1',
    });
    expect(await screen.findByText('0/2')).toBeInTheDocument();
    expect(api.getCampaign).toHaveBeenCalledTimes(reads + 1);

    // Its runs' progress comes up to once a second each: a burst is read
    // once, later (not on the signal itself), and not again. No assertion
    // here depends on how fast the machine is: only waiting longer could show
    // a read too many.
    for (const migrationId of ['m-orders', 'm-events', 'm-orders'])
      send(DATASET_MIGRATIONS_SIGNAL_CHANNEL, {
        migrationId,
        entityRef: 'resource:default/orders',
        campaignId: 'c1',
      });
    expect(api.getCampaign).toHaveBeenCalledTimes(reads + 1);
    await waitFor(
      () => expect(api.getCampaign).toHaveBeenCalledTimes(reads + 2),
      { timeout: RUN_SIGNALS_READ_MS * 3 },
    );
    await new Promise(resolve =>
      setTimeout(resolve, RUN_SIGNALS_READ_MS * 1.5),
    );
    expect(api.getCampaign).toHaveBeenCalledTimes(reads + 2);
  });

  it('puts a paused campaign’s reason in front, with its waves and stuck items', async () => {
    const api = { getCampaign: jest.fn(async () => pausedCampaign()) };
    await renderPage(api, '/c1');

    const reason = await screen.findByRole('status');
    expect(reason).toHaveTextContent('Paused');
    expect(reason).toHaveTextContent('wave 1: 1 of 2 failed, over 20%');
    expect(
      screen.getByRole('progressbar', { name: 'Wave 1 done' }),
    ).toHaveAttribute('aria-valuenow', '0');
    expect(
      screen.getByRole('progressbar', { name: 'Wave 0 done' }),
    ).toHaveAttribute('aria-valuenow', '100');
    expect(screen.getByText('0/2 · 1 failed')).toBeInTheDocument();
    const open = screen.getByRole('link', { name: 'Open migration' });
    expect(open).toHaveAttribute(
      'href',
      '/catalog/default/resource/orders/migration-history?migration=m-orders',
    );
    // Paused: it may resume or abort, not pause again.
    expect(screen.getByRole('button', { name: 'Resume' })).toBeEnabled();
    expect(screen.getByRole('button', { name: 'Pause' })).toHaveAttribute(
      'aria-disabled',
      'true',
    );
  });

  it('says when the owners of outstanding work were told the deadline nears, by team', async () => {
    const escalated = pausedCampaign({
      escalation: {
        at: '2027-02-15T00:00:00.000Z',
        lastAt: '2027-02-15T00:00:00.000Z',
        consumers: 3,
        datasets: 1,
        byOwner: [
          { owner: 'group:default/payments', consumers: 2, datasets: 1 },
          { consumers: 1, datasets: 0 },
        ],
      },
    });
    await renderPage({ getCampaign: jest.fn(async () => escalated) }, '/c1');
    const notice = await screen.findByRole('alert', {
      name: 'Deadline escalation',
    });
    expect(notice).toHaveTextContent(
      'The owners of 3 consumers and 1 dataset still outstanding were told on',
    );
    expect(notice).toHaveTextContent('payments: 2 consumers, 1 dataset');
    expect(notice).toHaveTextContent('No owner: 1 consumer, 0 datasets');
  });

  it('says nothing of escalation before any', async () => {
    await renderPage(
      { getCampaign: jest.fn(async () => pausedCampaign()) },
      '/c1',
    );
    await screen.findByRole('status');
    expect(
      screen.queryByRole('alert', { name: 'Deadline escalation' }),
    ).not.toBeInTheDocument();
  });

  it('names migration states in words and the entities a stuck item names by name', async () => {
    const campaign = pausedCampaign();
    const api = {
      getCampaign: jest.fn(async () => ({
        ...campaign,
        stuck: [
          {
            ...campaign.stuck[0],
            kind: 'needs-decision' as const,
            detail:
              'consumer component:default/churn-model waits for a decision',
          },
        ],
      })),
    };
    await renderPage(api, '/c1');

    expect(await screen.findByRole('link', { name: 'Failed' })).toHaveAttribute(
      'href',
      '/catalog/default/resource/orders/migration-history?migration=m-orders',
    );
    expect(screen.getByRole('link', { name: 'Succeeded' })).toBeInTheDocument();
    expect(
      screen.queryByRole('link', { name: /^(failed|succeeded)$/ }),
    ).not.toBeInTheDocument();
    expect(
      screen.getByText(
        (_, node) =>
          node?.tagName === 'TD' &&
          node.textContent === 'consumer churn-model waits for a decision',
      ),
    ).toBeInTheDocument();
    expect(screen.queryByText(/component:default/)).not.toBeInTheDocument();
  });

  it('tells a rolled-back dataset and a failed consumer from a failed migration, and counts no consumers as moved for a rolled-back one', async () => {
    const campaign = pausedCampaign();
    const api = {
      getCampaign: jest.fn(async () => ({
        ...campaign,
        datasets: campaign.datasets.map(d =>
          d.entityRef === 'resource:default/orders'
            ? {
                ...d,
                state: 'rolled-back' as const,
                migrationStatus: 'rolled-back' as const,
                consumersMoved: 2,
                consumersOutstanding: 0,
              }
            : d,
        ),
        stuck: [
          {
            ...campaign.stuck[0],
            kind: 'rolled-back' as const,
            detail: 'migration m-orders was rolled back',
          },
          {
            ...campaign.stuck[0],
            kind: 'consumer-failed' as const,
            detail: 'consumer component:default/billing failed: no repository',
          },
        ],
      })),
    };
    await renderPage(api, '/c1');

    const stuck = await screen.findByRole('heading', { name: /^Stuck/ });
    const table = stuck.closest('[class*="MuiPaper"]') as HTMLElement;
    const whats = within(table)
      .getAllByRole('row')
      .slice(1)
      .map(r => within(r).getAllByRole('cell')[0].textContent);
    expect(whats).toEqual(['Rolled back', 'Consumer failed']);
    const orders = screen
      .getAllByRole('row')
      .find(
        r =>
          /^orders/.test(r.textContent ?? '') &&
          /Rolled back/.test(r.textContent ?? ''),
      )!;
    expect(orders.textContent).toContain('— (rolled back)');
    expect(orders.textContent).not.toContain('2/2');
  });

  it('says a dataset whose migration waits for an approval is awaiting approval, not migrating', async () => {
    const campaign = pausedCampaign();
    const api = {
      getCampaign: jest.fn(async () => ({
        ...campaign,
        datasets: campaign.datasets.map(d => {
          if (d.entityRef === 'resource:default/refunds')
            return {
              ...d,
              state: 'migrating' as const,
              migrationId: 'm-refunds',
              migrationStatus: 'awaiting-approval',
            };
          if (d.entityRef === 'resource:default/events')
            return {
              ...d,
              state: 'migrating' as const,
              migrationStatus: 'running',
            };
          return d;
        }),
      })),
    };
    await renderPage(api, '/c1');

    const waiting = (
      await screen.findByRole('link', { name: 'Awaiting approval' })
    ).closest('tr')!;
    expect(waiting).toHaveTextContent('refunds');
    // Its state says so too, beside the link to its migration.
    expect(within(waiting).getAllByText('Awaiting approval')).toHaveLength(2);
    expect(within(waiting).queryByText('Migrating')).not.toBeInTheDocument();
    const running = screen
      .getByRole('link', { name: 'Running' })
      .closest('tr')!;
    expect(within(running).getByText('Migrating')).toBeInTheDocument();
  });

  it('draws minutes of progress readably when the deadline is months away, and the deadline on request', async () => {
    // Its work took five minutes; the deadline is four months later.
    const finished = pausedCampaign({
      state: 'completed',
      stateReason: undefined,
      finishedAt: '2026-11-20T10:05:00.000Z',
    });
    await renderPage({ getCampaign: jest.fn(async () => finished) }, '/c1');

    expect(
      await screen.findByText(
        /^Progress so far; the deadline, .*, is further right\.$/,
      ),
    ).toBeInTheDocument();
    await userEvent.click(
      screen.getByRole('button', { name: 'Show until deadline' }),
    );
    expect(screen.getByText('Until the deadline.')).toBeInTheDocument();
    expect(
      screen.getByRole('button', { name: 'Show progress so far' }),
    ).toBeInTheDocument();
  });

  it('labels the waves an aborted campaign left unfinished as aborted, not soaking', async () => {
    const aborted = pausedCampaign({
      state: 'aborted',
      stateReason: 'replanned',
    });
    aborted.waves[1] = { ...aborted.waves[1], state: 'aborted' };
    await renderPage({ getCampaign: jest.fn(async () => aborted) }, '/c1');
    const wave = await screen.findByRole('group', { name: 'Wave 1' });
    expect(within(wave).getByText('Aborted')).toBeInTheDocument();
    expect(within(wave).queryByText(/Soak/)).not.toBeInTheDocument();
  });

  it('says how many failed in a completed campaign and its healthy waves, when a lenient policy let failures through', async () => {
    const completed = pausedCampaign({
      state: 'completed',
      stateReason: undefined,
      counts: { datasets: 3, done: 0, failed: 3, rolledBack: 0 },
    });
    completed.waves = [
      { ...completed.waves[0], state: 'healthy', done: 0, failed: 1 },
      { ...completed.waves[1], state: 'healthy', done: 1, failed: 1 },
    ];
    await renderPage({ getCampaign: jest.fn(async () => completed) }, '/c1');
    const canary = await screen.findByRole('group', { name: 'Wave 0' });
    expect(
      within(canary).getByText('Within policy, none migrated'),
    ).toBeVisible();
    expect(
      within(screen.getByRole('group', { name: 'Wave 1' })).getByText(
        'Within policy, 1 failed',
      ),
    ).toBeVisible();
    expect(screen.getByText('Completed, none migrated')).toBeVisible();
    expect(screen.queryByText('Healthy')).not.toBeInTheDocument();
  });

  it("counts a wave's rolled-back datasets apart from its failed ones", async () => {
    const rolledBack = pausedCampaign({
      counts: { datasets: 3, done: 1, failed: 1, rolledBack: 1 },
    });
    rolledBack.waves[1] = {
      ...rolledBack.waves[1],
      state: 'rolled-back',
      done: 0,
      failed: 1,
      rolledBack: 1,
    };
    await renderPage({ getCampaign: jest.fn(async () => rolledBack) }, '/c1');
    const wave = await screen.findByRole('group', { name: 'Wave 1' });
    expect(
      within(wave).getByText('0/2 · 1 failed · 1 rolled back'),
    ).toBeVisible();
  });

  it('exports the datasets table as CSV named after the campaign and the date', async () => {
    const api = { getCampaign: jest.fn(async () => pausedCampaign()) };
    await renderPage(api, '/c1');

    await userEvent.click(
      await screen.findByRole('button', { name: 'Export CSV' }),
    );

    const [blob, fileName] = (saveBlob as jest.Mock).mock.calls[0];
    expect(fileName).toMatch(/^rename-country-\d{4}-\d{2}-\d{2}\.csv$/);
    expect(await (blob as Blob).text()).toBe(
      [
        'dataset,owner,wave,position,criticality,state,migration_id,migration_status,consumers_moved,consumers_outstanding,started_at,finished_at,reason',
        'resource:default/events,group:default/data-platform,0,1,low,migrated,m-events,succeeded,2,0,2026-11-20T10:00:00.000Z,2026-11-20T10:02:00.000Z,',
        'resource:default/orders,group:default/payments,1,2,high,failed,m-orders,failed,1,3,2026-11-20T11:00:00.000Z,2026-11-20T11:05:00.000Z,"verification failed: ""total"", off by 2"',
        'resource:default/refunds,group:default/payments,1,3,medium,pending,,,0,1,,,',
        '',
      ].join('\r\n'),
    );
  });

  it('quotes a pause reason ending in a full stop with one full stop', async () => {
    const api = {
      getCampaign: jest.fn(async () =>
        pausedCampaign({
          pausedByFailurePolicy: true,
          stateReason: 'wave 1: 1 of 2 failed, over 20%.',
        }),
      ),
    };
    await renderPage(api, '/c1');
    await userEvent.click(
      await screen.findByRole('button', { name: 'Resume' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent(
      'Its failure policy paused it: wave 1: 1 of 2 failed, over 20%. Resuming',
    );
    expect(dialog).not.toHaveTextContent('..');
  });

  it('resumes with the failures the page shows, so one that landed since is not accepted unseen', async () => {
    const api = {
      getCampaign: jest.fn(async () =>
        pausedCampaign({ pausedByFailurePolicy: true }),
      ),
      resumeCampaign: jest.fn(async () =>
        pausedCampaign({ state: 'running', stateReason: undefined }),
      ),
    };
    await renderPage(api, '/c1');

    await userEvent.click(
      await screen.findByRole('button', { name: 'Resume' }),
    );
    // Overriding the failure policy is confirmed first, the reason in front.
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent(
      'Its failure policy paused it: wave 1: 1 of 2 failed, over 20%. Resuming overrides that pause: the failed dataset this page shows is accepted',
    );
    expect(api.resumeCampaign).not.toHaveBeenCalled();
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Override and resume' }),
    );
    await waitFor(() =>
      expect(api.resumeCampaign).toHaveBeenCalledWith('c1', [
        'resource:default/orders',
      ]),
    );
  });

  it('resumes a campaign a person paused only once confirmed, saying no policy is overridden', async () => {
    const api = {
      getCampaign: jest.fn(async () => pausedCampaign()),
      resumeCampaign: jest.fn(async () =>
        pausedCampaign({ state: 'running', stateReason: undefined }),
      ),
    };
    await renderPage(api, '/c1');

    await userEvent.click(
      await screen.findByRole('button', { name: 'Resume' }),
    );
    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent(
      'The campaign runs again: datasets not started yet start as its waves and rollout windows allow.',
    );
    expect(dialog).not.toHaveTextContent('failure policy');
    expect(dialog).toHaveTextContent(
      'It keeps only the rights you and its starter both hold',
    );
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Cancel' }),
    );
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    expect(api.resumeCampaign).not.toHaveBeenCalled();

    await userEvent.click(screen.getByRole('button', { name: 'Resume' }));
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: 'Resume',
      }),
    );
    await waitFor(() => expect(api.resumeCampaign).toHaveBeenCalledTimes(1));
  });

  it('disables Start on a draft whose deadline passed, saying how to go on', async () => {
    const late = pausedCampaign({
      state: 'draft',
      stateReason: undefined,
      deadline: new Date(Date.now() - 60_000).toISOString(),
    });
    const api = {
      getCampaign: jest.fn(async () => late),
      startCampaign: jest.fn(),
    };
    await renderPage(api, '/c1');
    const start = await screen.findByRole('button', { name: 'Start' });
    expect(start).toHaveAttribute('aria-disabled', 'true');
    expect(start).toHaveAccessibleDescription(
      /^Its deadline, .+, has passed: abort this draft and create the campaign again with a later deadline$/,
    );
    await userEvent.click(start);
    expect(api.startCampaign).not.toHaveBeenCalled();
  });

  it('shows why the server refused to start a draft, in its words', async () => {
    const refusal =
      "campaign rename-country cannot be started: its deadline 2027-03-31 has passed (it is 2027-04-01T00:00:00.000Z), and a draft's document cannot be changed: abort this draft and create the campaign again with a later deadline";
    const api = {
      // Ahead by this page's clock, passed by the server's.
      getCampaign: jest.fn(async () =>
        pausedCampaign({
          state: 'draft',
          stateReason: undefined,
          deadline: new Date(Date.now() + 60_000).toISOString(),
        }),
      ),
      startCampaign: jest.fn(async () => {
        throw new Error(refusal);
      }),
    };
    await renderPage(api, '/c1');
    await userEvent.click(await screen.findByRole('button', { name: 'Start' }));
    await userEvent.click(
      within(await screen.findByRole('dialog')).getByRole('button', {
        name: /^Start \d+ datasets? in/,
      }),
    );
    const alert = await screen.findByRole('alert');
    expect(alert).toHaveTextContent('The campaign could not start');
    expect(alert).toHaveTextContent(refusal);
  });

  it('pauses with a reason, and aborts only once the name is typed', async () => {
    const running = pausedCampaign({
      state: 'running',
      stateReason: undefined,
    });
    const api = {
      getCampaign: jest.fn(async () => running),
      pauseCampaign: jest.fn(async () => pausedCampaign()),
      abortCampaign: jest.fn(async () => pausedCampaign({ state: 'aborted' })),
    };
    await renderPage(api, '/c1');

    await userEvent.click(await screen.findByRole('button', { name: 'Pause' }));
    const pause = await screen.findByRole('dialog');
    const confirmPause = within(pause).getByRole('button', { name: 'Pause' });
    expect(confirmPause).toBeDisabled();
    await fill(
      within(pause).getByRole('textbox', { name: /Reason/ }),
      'billing freeze',
    );
    await userEvent.click(confirmPause);
    await waitFor(() =>
      expect(api.pauseCampaign).toHaveBeenCalledWith('c1', 'billing freeze'),
    );

    // The pause dialog's closing transition hides the page from queries until done.
    await waitFor(() =>
      expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Abort' }));
    const abort = await screen.findByRole('dialog');
    // What an abort does, approvals included (the runner cancels those).
    expect(abort).toHaveTextContent(
      'The campaign ends for good and cannot be resumed: datasets not started yet are skipped, and its migrations still awaiting approval are cancelled. Migrations already queued or running finish; finished ones stay as they are.',
    );
    const confirmAbort = within(abort).getByRole('button', {
      name: 'Abort campaign',
    });
    await fill(
      within(abort).getByRole('textbox', { name: /Reason/ }),
      'superseded',
    );
    await fill(
      within(abort).getByRole('textbox', { name: /Type rename-country/ }),
      'rename-countr',
    );
    expect(confirmAbort).toBeDisabled();
    await userEvent.type(
      within(abort).getByRole('textbox', { name: /Type rename-country/ }),
      'y',
    );
    await userEvent.click(confirmAbort);
    await waitFor(() =>
      expect(api.abortCampaign).toHaveBeenCalledWith('c1', 'superseded'),
    );
    // Two dialogs over the whole page: role queries walk it each time (20 s under load).
  }, 60_000);
});
