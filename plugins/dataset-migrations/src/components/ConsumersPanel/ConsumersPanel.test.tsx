import { screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { alertApiRef } from '@backstage/core-plugin-api';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import type {
  ConsumerLedger,
  Migration,
  MigrationConsumer,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  datasetMigrationsApiRef,
  type ConsumerLedgerPageQuery,
  type DatasetMigrationsApi,
} from '../../api';
import { ConsumersPanel } from './ConsumersPanel';
import { ledgerOf, migration } from './testLedger';

function consumer(
  name: string,
  overrides: Partial<MigrationConsumer>,
): MigrationConsumer {
  return {
    entityRef: `component:default/${name}`,
    owner: 'group:default/analytics',
    depth: 1,
    state: 'done',
    attempts: 1,
    updatedAt: '2026-11-21T10:05:00.000Z',
    ...overrides,
  };
}

const ledger: ConsumerLedger = ledgerOf('m1', [
  consumer('daily-plays', {
    state: 'pr-opened',
    impact: {
      status: 'affected',
      fields: ['country'],
      files: [
        {
          path: 'models/daily_plays.sql',
          status: 'rewritten',
          fields: ['country'],
          lines: [3, 4, 5, 9],
        },
        {
          path: 'models/other.sql',
          status: 'unaffected',
          fields: [],
          lines: [],
        },
      ],
    },
    verification: {
      command: {
        command: 'dbt test',
        exitCode: 0,
        timedOut: false,
        durationMs: 4200,
        outputTail: 'PASS=12 WARN=0 ERROR=0',
      },
      shadowChecks: [
        {
          path: 'models/daily_plays.sql',
          statement: 1,
          before: { rows: 1200, checksum: 'a1b2' },
          after: { rows: 1200, checksum: 'a1b2' },
          outcome: 'match',
        },
      ],
      patchedBy: 'rewriter',
    },
    pullRequest: {
      provider: 'github',
      url: 'https://github.com/acme/daily-plays/pull/7',
      number: 7,
      branch: 'dataset-migrations/m1',
      state: 'open',
    },
    patch: [
      '--- a/models/daily_plays.sql',
      '+++ b/models/daily_plays.sql',
      '@@ -3 +3 @@',
      '-select country from listening_events',
      '+select country_code as country from listening_events',
    ].join('\n'),
  }),
  consumer('weekly-report', {
    state: 'failed',
    depth: 2,
    via: 'resource:default/daily-plays-table',
    impact: {
      status: 'unparseable',
      fields: ['country'],
      files: [
        {
          path: 'reports/weekly.sql',
          status: 'unparseable',
          fields: ['country'],
          lines: [12],
          problem: {
            message: 'unexpected token ")"',
            position: { line: 12, column: 8 },
          },
        },
      ],
    },
    failure: {
      kind: 'unparseable',
      message: 'reports/weekly.sql does not parse; the rewriter will not guess',
    },
  }),
  consumer('audit-export', { state: 'unaffected' }),
]);

/** Pages and filters `current()`'s consumers as the backend does; its counts come from them. */
function fakeApi(current: () => ConsumerLedger = () => ledger) {
  return {
    getConsumerLedger: jest.fn(
      async (id: string, query?: ConsumerLedgerPageQuery) =>
        ledgerOf(id, current().consumers, query),
    ),
    getRetryableConsumers: jest.fn(async () => ({
      allowed: current()
        .consumers.filter(c => c.state === 'failed' || c.state === 'kept')
        .map(c => c.entityRef),
      notAllowed: [] as string[],
    })),
    retryConsumers: jest.fn(async (_id: string, refs?: string[]) => ({
      retried: refs ?? ['component:default/weekly-report'],
    })),
    getImpactCsv: jest.fn(
      async () => new Blob(['consumer\r\n'], { type: 'text/csv' }),
    ),
    decideConsumer: jest.fn(
      async (_id: string, request: { entityRef: string }) => ({
        consumer: consumer(request.entityRef.split('/')[1], {
          state: 'excluded',
        }),
      }),
    ),
  } as unknown as jest.Mocked<Required<DatasetMigrationsApi>>;
}

async function renderPanel(
  api: DatasetMigrationsApi,
  run = migration,
  alertApi = { post: jest.fn(), alert$: jest.fn() },
) {
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [datasetMigrationsApiRef, api],
        [permissionApiRef, mockApis.permission()],
        [alertApiRef, alertApi],
      ]}
    >
      <ConsumersPanel migration={run} />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
}

describe('ConsumersPanel', () => {
  it('shows progress, the non-zero counts and each consumer’s state, PR and failure', async () => {
    const api = fakeApi();
    await renderPanel(api);

    expect(
      await screen.findByText('1 of 3 consumers done or unaffected'),
    ).toBeInTheDocument();
    // One page of the catalog's first page size, every state.
    expect(api.getConsumerLedger).toHaveBeenCalledWith('m1', {
      limit: 20,
      offset: 0,
    });
    expect(
      screen.getByRole('progressbar', {
        name: 'Consumers done or unaffected',
      }),
    ).toHaveAttribute('aria-valuenow', '33');
    expect(screen.getByText('1 pull request open')).toBeInTheDocument();
    expect(screen.getByText('1 failed')).toBeInTheDocument();
    expect(screen.getByText('1 unaffected')).toBeInTheDocument();
    expect(screen.queryByText(/^0 /)).not.toBeInTheDocument();

    const opened = screen.getByTestId('consumer-component:default/daily-plays');
    expect(opened).toHaveTextContent('Pull request open');
    // Only the files the change touches, their lines folded.
    expect(opened).toHaveTextContent('models/daily_plays.sql:3-5,9');
    expect(opened).not.toHaveTextContent('models/other.sql');
    const pr = within(opened).getByRole('link', { name: /#7 \(open\)/ });
    expect(pr).toHaveAttribute(
      'href',
      'https://github.com/acme/daily-plays/pull/7',
    );
    expect(pr).toHaveAttribute('target', '_blank');

    const failed = screen.getByTestId(
      'consumer-component:default/weekly-report',
    );
    expect(failed).toHaveTextContent('Failed');
    expect(failed).toHaveTextContent(
      'SQL does not parse: reports/weekly.sql does not parse; the rewriter will not guess',
    );
    expect(failed).toHaveTextContent(/2 via .*daily-plays-table/);
  });

  it('shows a rolled-back migration’s consumers superseded, with why and their closed pull request', async () => {
    const superseded: ConsumerLedger = ledgerOf('m1', [
      consumer('daily-plays', {
        state: 'superseded',
        pullRequest: {
          provider: 'local-git',
          url: 'file:///repos/daily-plays#pull/1',
          number: 1,
          branch: 'dataset-migrations/m1',
          state: 'closed',
        },
        supersededReason:
          'Migration m1 was rolled back. Its pull request is closed unmerged; nothing more is needed.',
      }),
      consumer('weekly-report', {
        state: 'superseded',
        failure: {
          kind: 'no-repository',
          message:
            'component:default/weekly-report has no backstage.io/source-location annotation',
        },
        supersededReason:
          'Migration m1 of resource:default/listening-events was rolled back.',
      }),
      consumer('audit-export', { state: 'unaffected' }),
    ]);
    await renderPanel(
      fakeApi(() => superseded),
      { ...migration, status: 'rolled-back' },
    );

    expect(await screen.findByText('2 superseded')).toBeInTheDocument();
    expect(
      screen.getByText(
        /The migration was rolled back: its consumers are superseded/,
      ),
    ).toBeInTheDocument();
    const row = screen.getByTestId('consumer-component:default/daily-plays');
    expect(row).toHaveTextContent('Superseded');
    expect(row).toHaveTextContent('#1 (closed)');
    expect(row).toHaveTextContent(
      'Superseded: Migration m1 was rolled back. Its pull request is closed unmerged',
    );
    // The failure stays readable beside why it no longer matters; no retry is offered.
    const failedBefore = screen.getByTestId(
      'consumer-component:default/weekly-report',
    );
    // The entities the server's words name, by name rather than as raw refs.
    expect(failedBefore).toHaveTextContent(
      'Superseded: Migration m1 of listening-events was rolled back.',
    );
    expect(failedBefore).toHaveTextContent(
      'No repository: weekly-report has no backstage.io/source-location annotation',
    );
    expect(failedBefore).not.toHaveTextContent(/component:|resource:/);
    expect(
      screen.queryByRole('button', { name: /Retry/ }),
    ).not.toBeInTheDocument();
  });

  it('retries a failed row by its ref, and all failed ones at once', async () => {
    const api = fakeApi();
    await renderPanel(api);
    await screen.findByText('1 of 3 consumers done or unaffected');

    // Only the failed row offers Retry.
    expect(
      screen.getAllByRole('button', { name: /^Retry component:/ }),
    ).toHaveLength(1);
    await userEvent.click(
      screen.getByRole('button', {
        name: 'Retry component:default/weekly-report',
      }),
    );
    expect(api.retryConsumers).toHaveBeenCalledWith('m1', [
      'component:default/weekly-report',
    ]);
    // The ledger is read again to show where the retried consumer is now.
    await waitFor(() => expect(api.getConsumerLedger).toHaveBeenCalledTimes(2));

    await userEvent.click(screen.getByRole('button', { name: 'Retry failed' }));
    expect(api.retryConsumers).toHaveBeenLastCalledWith('m1', undefined, {
      allowedOnly: true,
    });
  });

  it('retries only the failed consumers the user may update, and says whose are left, before and after', async () => {
    const api = fakeApi();
    const mine = 'component:default/weekly-report';
    const theirs = [1, 2, 3, 4].map(i => `component:default/other-${i}`);
    api.getRetryableConsumers.mockResolvedValue({
      allowed: [mine],
      notAllowed: theirs,
    });
    api.retryConsumers.mockResolvedValue({
      retried: [mine],
      notAllowed: theirs,
    });
    const alertApi = { post: jest.fn(), alert$: jest.fn() };
    await renderPanel(api, migration, alertApi);

    const button = await screen.findByRole('button', {
      name: 'Retry the 1 you may update',
    });
    await userEvent.hover(button);
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      `Retries ${mine}. You do not have the permission dataset-migrations.consumer.update for component:default/other-1, component:default/other-2, component:default/other-3 and 1 more: their owners retry them.`,
    );
    await userEvent.click(button);
    expect(api.retryConsumers).toHaveBeenCalledWith('m1', undefined, {
      allowedOnly: true,
    });
    await waitFor(() =>
      expect(alertApi.post).toHaveBeenCalledWith({
        message:
          'Retried 1 consumer; left to their owners (you may not update them): component:default/other-1, component:default/other-2, component:default/other-3 and 1 more',
        severity: 'warning',
        display: 'transient',
      }),
    );
    expect(api.getRetryableConsumers).toHaveBeenCalledWith('m1');
  });

  it('disables Retry failed, saying why, when the user may update none of them', async () => {
    const api = fakeApi();
    api.getRetryableConsumers.mockResolvedValue({
      allowed: [],
      notAllowed: ['component:default/weekly-report'],
    });
    await renderPanel(api);

    const button = await screen.findByRole('button', { name: 'Retry failed' });
    await waitFor(() =>
      expect(button).toHaveAttribute('aria-disabled', 'true'),
    );
    expect(button).toHaveAccessibleDescription(
      'You do not have the permission dataset-migrations.consumer.update for component:default/weekly-report',
    );
    await userEvent.click(button);
    expect(api.retryConsumers).not.toHaveBeenCalled();
  });

  it('opens a consumer onto its file impact, verification evidence and coloured patch', async () => {
    await renderPanel(fakeApi());
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Show details of component:default/daily-plays',
      }),
    );
    expect(screen.getByRole('table', { name: 'Files' })).toHaveTextContent(
      'models/daily_plays.sqlrewrittencountry3-5,9',
    );
    expect(screen.getByText(/dbt test/)).toBeInTheDocument();
    expect(screen.getByText(/exit code 0 after 4 s/)).toBeInTheDocument();
    expect(screen.getByLabelText('Command output')).toHaveTextContent(
      'PASS=12 WARN=0 ERROR=0',
    );
    expect(
      screen.getByRole('table', { name: 'Shadow checks' }),
    ).toHaveTextContent('1,200 rows · a1b2');

    const patch = screen.getByLabelText('Patch');
    expect(
      within(patch).getByText('-select country from listening_events'),
    ).toHaveAttribute('data-diff', 'removed');
    expect(
      within(patch).getByText(
        '+select country_code as country from listening_events',
      ),
    ).toHaveAttribute('data-diff', 'added');
    // File headers are neither.
    expect(
      within(patch).getByText('+++ b/models/daily_plays.sql'),
    ).toHaveAttribute('data-diff', 'context');

    await userEvent.click(
      screen.getByRole('button', {
        name: 'Show details of component:default/weekly-report',
      }),
    );
    expect(
      screen.getAllByRole('table', { name: 'Files' })[1],
    ).toHaveTextContent('unexpected token ")" (at 12:8)');
  });

  it('downloads the impact CSV through the API, as a file', async () => {
    const api = fakeApi();
    const createObjectURL = jest.fn(() => 'blob:impact');
    const revokeObjectURL = jest.fn();
    // jsdom has no object URLs; put ours in for this test only.
    const original = {
      createObjectURL: URL.createObjectURL,
      revokeObjectURL: URL.revokeObjectURL,
    };
    Object.assign(URL, { createObjectURL, revokeObjectURL });
    // Recorded, then asserted outside: an expect thrown inside click() would be
    // caught by the panel and shown as an alert instead of failing the test.
    const clicked: Array<{ download: string; href: string }> = [];
    const click = jest
      .spyOn(HTMLAnchorElement.prototype, 'click')
      .mockImplementation(function recordClick(this: HTMLAnchorElement) {
        clicked.push({ download: this.download, href: this.href });
      });
    try {
      await renderPanel(api);
      await userEvent.click(
        await screen.findByRole('button', { name: 'Download impact CSV' }),
      );
      expect(api.getImpactCsv).toHaveBeenCalledWith('m1');
      expect(createObjectURL).toHaveBeenCalledWith(expect.any(Blob));
      expect(click).toHaveBeenCalledTimes(1);
      // Named after the dataset and the day, not the run's UUID.
      expect(clicked).toEqual([
        {
          download: expect.stringMatching(
            /^listening-events-impact-\d{4}-\d\d-\d\d\.csv$/,
          ),
          href: 'blob:impact',
        },
      ]);
    } finally {
      click.mockRestore();
      Object.assign(URL, original);
    }
  });
  describe('a run awaiting decisions', () => {
    const awaiting: Migration = {
      ...migration,
      status: 'awaiting-decision',
      finishedAt: undefined,
    };
    const decisionLedger = (): ConsumerLedger => ({
      ...ledger,
      consumers: [
        consumer('churn-model', {
          state: 'failed',
          impact: {
            status: 'needs-decision',
            fields: ['legacy_flag'],
            files: [
              {
                path: 'features.sql',
                status: 'needs-decision',
                fields: ['legacy_flag'],
                lines: [4],
                problem: {
                  message: 'reads "legacy_flag", which the migration drops',
                },
              },
            ],
            dbtPackagesMarked: true,
          },
          failure: {
            kind: 'needs-decision',
            message:
              'features.sql:4: reads "legacy_flag", which the migration drops',
          },
        }),
        consumer('old-report', {
          state: 'kept',
          decision: {
            kind: 'keep-field',
            reason: 'moves off it next sprint',
            decidedBy: 'user:default/ada',
            decidedAt: '2026-11-21T10:01:00.000Z',
          },
        }),
        consumer('audit-export', { state: 'discovered' }),
      ],
    });

    it('says how many decisions are left and shows who decided what', async () => {
      await renderPanel(fakeApi(decisionLedger), awaiting);
      expect(
        await screen.findByText(
          /No data moves until each consumer that reads a dropped or recomputed field, or would break at the cut-over, is decided: 1 decision left/,
        ),
      ).toBeInTheDocument();
      // Waiting for a person, not broken.
      const waiting = screen.getByTestId(
        'consumer-component:default/churn-model',
      );
      expect(waiting).toHaveTextContent('Needs a decision');
      expect(waiting).not.toHaveTextContent('Failed');
      const kept = screen.getByTestId('consumer-component:default/old-report');
      expect(within(kept).getByTestId('consumer-decision')).toHaveTextContent(
        /Field kept for now: moves off it next sprint — ada,/,
      );
      // Only the consumer that needs a decision is offered the three answers.
      expect(
        screen.getAllByRole('button', { name: /^Exclude component:/ }),
      ).toHaveLength(1);
      expect(
        within(kept).queryByRole('button', { name: /Keep field/ }),
      ).not.toBeInTheDocument();
      // A kept consumer can be looked at again once its code changed.
      expect(
        within(kept).getByRole('button', {
          name: 'Retry component:default/old-report',
        }),
      ).toBeInTheDocument();
    });

    it('counts a consumer awaiting a decision as its own figure, not under failed', async () => {
      const withBroken = (): ConsumerLedger => ({
        ...decisionLedger(),
        consumers: [
          ...decisionLedger().consumers,
          consumer('broken-report', {
            state: 'failed',
            failure: { kind: 'no-repository', message: 'no source-location' },
          }),
        ],
      });
      await renderPanel(fakeApi(withBroken), awaiting);
      expect(await screen.findByText('1 needs a decision')).toBeInTheDocument();
      expect(screen.getByText('1 failed')).toBeInTheDocument();
      expect(screen.queryByText('2 failed')).not.toBeInTheDocument();
      await userEvent.click(
        screen.getByRole('button', { name: 'Filter by state' }),
      );
      expect(
        (await screen.findAllByRole('option')).map(o => o.textContent),
      ).toContain('Failed (1) or needs a decision (1)');
    });

    it('counts only decisions when no consumer broke', async () => {
      await renderPanel(fakeApi(decisionLedger), awaiting);
      expect(await screen.findByText('1 needs a decision')).toBeInTheDocument();
      expect(screen.queryByText('1 failed')).not.toBeInTheDocument();
      await userEvent.click(
        screen.getByRole('button', { name: 'Filter by state' }),
      );
      expect(
        (await screen.findAllByRole('option')).map(o => o.textContent),
      ).toContain('Needs a decision (1)');
    });

    it('asks why before excluding, and hands a consumer to the agent at once', async () => {
      const api = fakeApi(decisionLedger);
      await renderPanel(api, awaiting);
      await userEvent.click(
        await screen.findByRole('button', {
          name: 'Exclude component:default/churn-model',
        }),
      );
      const dialog = screen.getByRole('dialog');
      const confirm = within(dialog).getByRole('button', { name: 'Exclude' });
      expect(confirm).toBeDisabled();
      await userEvent.type(
        within(dialog).getByLabelText(/Reason/),
        'retired next week',
      );
      await userEvent.click(confirm);
      expect(api.decideConsumer).toHaveBeenCalledWith('m1', {
        entityRef: 'component:default/churn-model',
        decision: 'exclude',
        reason: 'retired next week',
      });
      await waitFor(() =>
        expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
      );
      // The ledger is read again to show the decision.
      await waitFor(() =>
        expect(api.getConsumerLedger.mock.calls.length).toBeGreaterThan(1),
      );

      await userEvent.click(
        screen.getByRole('button', {
          name: 'Keep field for now for component:default/churn-model',
        }),
      );
      await userEvent.click(
        within(screen.getByRole('dialog')).getByRole('button', {
          name: 'Cancel',
        }),
      );
      await waitFor(() =>
        expect(screen.queryByRole('dialog')).not.toBeInTheDocument(),
      );
      expect(api.decideConsumer).toHaveBeenCalledTimes(1);

      await userEvent.click(
        screen.getByRole('button', {
          name: 'Hand component:default/churn-model to coding agent',
        }),
      );
      expect(api.decideConsumer).toHaveBeenLastCalledWith('m1', {
        entityRef: 'component:default/churn-model',
        decision: 'agent',
      });
    }, 20_000);

    it('keeps the coding agent in view but unusable, saying why, when the backend has none', async () => {
      const api = fakeApi(decisionLedger);
      api.getCodingAgent = jest.fn(async () => ({ configured: false }));
      await renderPanel(api, awaiting);
      const hand = await screen.findByRole('button', {
        name: 'Hand component:default/churn-model to coding agent',
      });
      await waitFor(() =>
        expect(hand).toHaveAttribute('aria-disabled', 'true'),
      );
      expect(hand).toHaveAccessibleDescription(
        'No coding agent is configured here (datasetMigrations.consumers.agent): keep the field or exclude the consumer',
      );
      await userEvent.click(hand);
      expect(api.decideConsumer).not.toHaveBeenCalled();
      // The other answers stay usable.
      expect(
        screen.getByRole('button', {
          name: 'Keep field for now for component:default/churn-model',
        }),
      ).not.toHaveAttribute('aria-disabled');
    });

    it('reports a refused decision in the server’s words', async () => {
      const api = fakeApi(decisionLedger);
      api.decideConsumer.mockRejectedValueOnce(
        Object.assign(new Error('Request failed with 409 Conflict'), {
          cause: {
            message:
              'no coding agent is configured (datasetMigrations.consumers.agent) to hand this consumer to; keep the field or exclude the consumer',
          },
        }),
      );
      const alertApi = { post: jest.fn(), alert$: jest.fn() };
      await renderInTestApp(
        <TestApiProvider
          apis={[
            [datasetMigrationsApiRef, api],
            [permissionApiRef, mockApis.permission()],
            [alertApiRef, alertApi],
          ]}
        >
          <ConsumersPanel migration={awaiting} />
        </TestApiProvider>,
        {
          mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
        },
      );
      await userEvent.click(
        await screen.findByRole('button', {
          name: 'Hand component:default/churn-model to coding agent',
        }),
      );
      await waitFor(() =>
        expect(alertApi.post).toHaveBeenCalledWith({
          message: expect.stringMatching(/no coding agent is configured/),
          severity: 'error',
          // Gone when the user moves on, not waiting on the next page.
          display: 'transient',
        }),
      );
    });

    it('offers no coding agent where an installed dbt package reads the field, and says why', async () => {
      const packaged = (): ConsumerLedger => {
        const base = decisionLedger();
        const [churn, ...rest] = base.consumers;
        const file = {
          path: 'dbt_packages/features/models/flags.sql',
          status: 'needs-decision' as const,
          fields: ['legacy_flag'],
          lines: [2],
          dbtPackage: 'features',
        };
        return {
          ...base,
          consumers: [
            { ...churn, impact: { ...churn.impact!, files: [file] } },
            ...rest,
          ],
        };
      };
      await renderPanel(fakeApi(packaged), awaiting);
      const row = await screen.findByTestId(
        'consumer-component:default/churn-model',
      );
      expect(
        await within(row).findByRole('button', {
          name: 'Exclude component:default/churn-model',
        }),
      ).toBeInTheDocument();
      expect(
        within(row).queryByRole('button', { name: /coding agent/ }),
      ).not.toBeInTheDocument();
      expect(within(row).getByTestId('no-agent')).toHaveTextContent(
        'Not for the coding agent: the coding agent may not patch the installed dbt package features (dbt_packages/features/models/flags.sql)',
      );
    });

    it('neither keeps the field nor offers the agent for code that fails through a view, and says why', async () => {
      const needsTable = (): ConsumerLedger => {
        const base = decisionLedger();
        const [churn, ...rest] = base.consumers;
        const file = {
          path: 'etl/load.py',
          status: 'needs-decision' as const,
          fields: [],
          lines: [4],
          needsTable: true as const,
        };
        return {
          ...base,
          consumers: [
            { ...churn, impact: { ...churn.impact!, files: [file] } },
            ...rest,
          ],
        };
      };
      await renderPanel(fakeApi(needsTable), awaiting);
      const row = await screen.findByTestId(
        'consumer-component:default/churn-model',
      );
      const keep = await within(row).findByRole('button', {
        name: 'Keep field for now for component:default/churn-model',
      });
      expect(keep).toHaveAttribute('aria-disabled', 'true');
      expect(keep).toHaveAccessibleDescription(
        'etl/load.py runs code that fails or misreads from the cut-over on, whatever is decided (its reason says why): change the code and retry the consumer, or exclude it',
      );
      expect(
        within(row).getByRole('button', {
          name: 'Exclude component:default/churn-model',
        }),
      ).not.toHaveAttribute('aria-disabled', 'true');
      expect(
        within(row).queryByRole('button', { name: /coding agent/ }),
      ).not.toBeInTheDocument();
      expect(within(row).getByTestId('no-agent')).toHaveTextContent(
        'Not for the coding agent: the coding agent patches only after the cut-over, and etl/load.py runs code that fails or misreads from the cut-over on',
      );
    });

    it('offers no coding agent for a consumer assessed before package files were marked, and says to retry it', async () => {
      const legacy = (): ConsumerLedger => {
        const base = decisionLedger();
        const [churn, ...rest] = base.consumers;
        const { dbtPackagesMarked: _, ...unmarked } = churn.impact!;
        return {
          ...base,
          consumers: [{ ...churn, impact: unmarked }, ...rest],
        };
      };
      await renderPanel(fakeApi(legacy), awaiting);
      const row = await screen.findByTestId(
        'consumer-component:default/churn-model',
      );
      expect(
        await within(row).findByRole('button', {
          name: 'Exclude component:default/churn-model',
        }),
      ).toBeInTheDocument();
      expect(
        within(row).queryByRole('button', { name: /coding agent/ }),
      ).not.toBeInTheDocument();
      expect(within(row).getByTestId('no-agent')).toHaveTextContent(
        /retry the consumer to assess its code again, then decide$/,
      );
      expect(
        within(row).getByRole('button', {
          name: 'Retry component:default/churn-model',
        }),
      ).toBeInTheDocument();
    });
  });

  it('disables a consumer’s decisions and retry for one who may not update that consumer', async () => {
    const denied = (name: string, overrides: Partial<MigrationConsumer>) =>
      consumer(`${name}-of-another-team`, overrides);
    const api = fakeApi(() => ({
      ...ledger,
      consumers: [
        denied('billing', {
          state: 'failed',
          failure: { kind: 'patch-failed', message: 'no patch' },
        }),
        denied('legacy', {
          state: 'failed',
          failure: { kind: 'needs-decision', message: 'reads "country"' },
        }),
      ],
    }));
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [datasetMigrationsApiRef, api],
          [
            permissionApiRef,
            mockApis.permission({
              authorize: request =>
                request.permission.name ===
                  'dataset-migrations.consumer.update' &&
                request.resourceRef?.includes('-of-another-team')
                  ? AuthorizeResult.DENY
                  : AuthorizeResult.ALLOW,
            }),
          ],
        ]}
      >
        <ConsumersPanel migration={migration} />
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    for (const name of [
      'Retry component:default/billing-of-another-team',
      'Keep field for now for component:default/legacy-of-another-team',
      'Exclude component:default/legacy-of-another-team',
      'Hand component:default/legacy-of-another-team to coding agent',
    ])
      await waitFor(() =>
        expect(screen.getByRole('button', { name })).toHaveAttribute(
          'aria-disabled',
          'true',
        ),
      );
    await userEvent.click(
      screen.getByRole('button', {
        name: 'Retry component:default/billing-of-another-team',
      }),
    );
    expect(api.retryConsumers).not.toHaveBeenCalled();
    expect(api.decideConsumer).not.toHaveBeenCalled();
  });

  it('says a consumer’s patch and files are not visible when the backend withheld them', async () => {
    const api = fakeApi(() => ({
      ...ledger,
      consumers: [
        // As the backend sends it: state and counts, no patch, files, evidence or pull request.
        consumer('private', { state: 'pr-opened', redacted: true }),
      ],
    }));
    await renderPanel(api);
    await userEvent.click(
      await screen.findByRole('button', {
        name: 'Show details of component:default/private',
      }),
    );
    expect(await screen.findByLabelText('Details withheld')).toHaveTextContent(
      'not visible to you',
    );
    expect(screen.queryByText('Not assessed yet.')).not.toBeInTheDocument();
  });
});
