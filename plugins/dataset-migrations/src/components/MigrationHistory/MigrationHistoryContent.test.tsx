import { act, screen, waitFor, within } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import {
  catalogApiRef,
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { alertApiRef } from '@backstage/core-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { signalApiRef, type SignalApi } from '@backstage/plugin-signals-react';
import {
  DATASET_MIGRATIONS_SIGNAL_CHANNEL,
  type DatasetMigrationsSignal,
  type Migration,
  type MigrationConsumer,
  type MigrationDetails,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  datasetMigrationsApiRef,
  type ConsumerLedgerPageQuery,
  type DatasetMigrationsApi,
} from '../../api';
import { ledgerOf } from '../ConsumersPanel/testLedger';
import { MigrationHistoryContent } from './MigrationHistoryContent';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: { name: 'listening-events', namespace: 'default' },
  spec: { type: 'dataset', owner: 'group:default/data-platform' },
};

function run(overrides: Partial<Migration>): Migration {
  return {
    id: 'm1',
    entityRef: 'resource:default/listening-events',
    status: 'succeeded',
    fromVersion: 1,
    targetVersion: 2,
    dryRun: false,
    changes: [{ renameField: { from: 'country', to: 'country_code' } }],
    requestedBy: 'user:default/ada',
    attempts: 1,
    retriedAtAttempt: 0,
    cancelRequested: false,
    createdAt: '2026-11-21T10:00:00.000Z',
    startedAt: '2026-11-21T10:00:01.000Z',
    finishedAt: '2026-11-21T10:00:03.000Z',
    updatedAt: '2026-11-21T10:00:03.000Z',
    ...overrides,
  };
}

/** A button once the permission decision enabled it. */
function enabledButton(name: string) {
  return waitFor(() => {
    const button = screen.getByRole('button', { name });
    expect(button).toBeEnabled();
    return button;
  });
}

describe('MigrationHistoryContent', () => {
  it('lists runs, shows a run’s steps and logs, and retries a failed one', async () => {
    const failed = run({
      id: 'm2',
      status: 'failed',
      fromVersion: 2,
      targetVersion: 3,
      failureReason: 'invalid input syntax for type integer: "SE"',
    });
    let runs = [failed, run({})];
    const details: MigrationDetails = {
      ...failed,
      steps: [
        {
          name: 'plan',
          attempt: 1,
          status: 'succeeded',
          startedAt: failed.startedAt!,
          finishedAt: failed.startedAt,
        },
        {
          name: 'copy-rows',
          attempt: 1,
          status: 'failed',
          startedAt: failed.startedAt!,
          finishedAt: failed.finishedAt,
        },
      ],
      logs: [
        {
          attempt: 1,
          step: 'copy-rows',
          level: 'error',
          message: 'failed: bad cast',
          createdAt: failed.finishedAt!,
        },
      ],
    };
    const api = {
      listMigrations: jest.fn(async () => runs),
      // The run as the list has it now, with its steps and logs.
      getMigration: jest.fn(async (id: string) => ({
        ...details,
        ...runs.find(r => r.id === id),
      })),
      getConsumerLedger: jest.fn(
        async (id: string, query?: ConsumerLedgerPageQuery) =>
          ledgerOf(id, [], query),
      ),
      retryMigration: jest.fn(async () => {
        runs = [
          {
            ...failed,
            status: 'queued',
            updatedAt: '2026-11-21T10:05:00.000Z',
          },
          runs[1],
        ];
        return runs[0];
      }),
      cancelMigration: jest.fn(),
    } as unknown as jest.Mocked<DatasetMigrationsApi>;

    await renderInTestApp(
      <TestApiProvider
        apis={[
          [datasetMigrationsApiRef, api],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <EntityProvider entity={entity}>
          <MigrationHistoryContent />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );

    expect(await screen.findByText('v2 → v3')).toBeInTheDocument();
    expect(screen.getByText('v1 → v2')).toBeInTheDocument();
    expect(api.listMigrations).toHaveBeenCalledWith(
      'resource:default/listening-events',
    );

    await userEvent.click(
      screen.getByRole('button', { name: 'Run to version 3' }),
    );
    expect(
      await screen.findByText('invalid input syntax for type integer: "SE"'),
    ).toBeInTheDocument();
    expect(screen.getByRole('table', { name: 'Steps' })).toHaveTextContent(
      'copy-rows',
    );
    expect(screen.getByText(/failed: bad cast/)).toBeInTheDocument();
    // The run's consumers are part of its details; a failed run moved none.
    expect(
      await screen.findByText('No consumers are tracked for this run.'),
    ).toBeInTheDocument();
    expect(api.getConsumerLedger).toHaveBeenCalledWith('m2', {
      limit: 20,
      offset: 0,
    });

    // Only the failed run offers Retry; retrying puts it back in the queue.
    expect(screen.getAllByRole('button', { name: 'Retry' })).toHaveLength(1);
    await userEvent.click(await enabledButton('Retry'));
    expect(api.retryMigration).toHaveBeenCalledWith('m2');
    await waitFor(() => expect(screen.getByText('Queued')).toBeInTheDocument());
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeInTheDocument();
  });

  it('says in its row that a run was contracted, not only once it is opened', async () => {
    const api = {
      listMigrations: jest.fn(async () => [
        run({ id: 'm2', fromVersion: 2, targetVersion: 3 }),
        run({ contractedAt: '2026-11-22T10:00:00.000Z' }),
      ]),
    } as unknown as jest.Mocked<DatasetMigrationsApi>;
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [datasetMigrationsApiRef, api],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <EntityProvider entity={entity}>
          <MigrationHistoryContent />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    const contracted = await screen.findByRole('button', {
      name: 'Run to version 2',
    });
    expect(contracted).toHaveTextContent('Succeeded, contracted');
    const live = screen.getByRole('button', { name: 'Run to version 3' });
    expect(live).toHaveTextContent('Succeeded');
    expect(live).not.toHaveTextContent('contracted');
  });

  it('rolls back the live migration and shows it rolled back; a refusal is reported', async () => {
    let runs: Migration[] = [
      run({ id: 'live' }),
      run({ id: 'dry', dryRun: true, targetVersion: 3, fromVersion: 2 }),
    ];
    const api = {
      listMigrations: jest.fn(async () => runs),
      getMigration: jest.fn(),
      rollbackMigration: jest.fn(async () => {
        runs = [{ ...runs[0], status: 'rolled-back' }, runs[1]];
        return runs[0];
      }),
      getConsumerLedger: jest.fn(
        async (id: string, query?: ConsumerLedgerPageQuery) =>
          ledgerOf(
            id,
            [
              { entityRef: 'component:default/moved', state: 'done' },
              {
                entityRef: 'component:default/report',
                title: 'Daily report',
                state: 'pr-opened',
              },
            ] as MigrationConsumer[],
            query,
          ),
      ),
      contractMigration: jest.fn(async () => {
        throw Object.assign(new Error('Request failed with 409 Conflict'), {
          cause: {
            message:
              'version 1 is kept until 2026-11-28T10:00:03.000Z; contract it after that',
          },
        });
      }),
    } as unknown as jest.Mocked<DatasetMigrationsApi>;
    const alertApi = { post: jest.fn(), alert$: jest.fn() };

    await renderInTestApp(
      <TestApiProvider
        apis={[
          [datasetMigrationsApiRef, api],
          [permissionApiRef, mockApis.permission()],
          [alertApiRef, alertApi],
        ]}
      >
        <EntityProvider entity={entity}>
          <MigrationHistoryContent />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );

    // Only the real, succeeded run offers them; the dry run does not.
    expect(
      await screen.findAllByRole('button', { name: 'Roll back' }),
    ).toHaveLength(1);
    // Contract asks first: it names who would break, and needs a reason and the name.
    await userEvent.click(await enabledButton('Contract'));
    expect(
      await screen.findByText(/1 consumer still read version 1/),
    ).toHaveTextContent('Daily report (pull request open)');
    const confirm = screen.getByRole('button', { name: 'Contract anyway' });
    expect(confirm).toBeDisabled();
    await userEvent.type(
      screen.getByRole('textbox', { name: 'dataset name to confirm' }),
      'listening-events',
    );
    expect(confirm).toBeDisabled();
    await userEvent.type(
      screen.getByRole('textbox', { name: 'reason to contract anyway' }),
      'report is retired',
    );
    await userEvent.click(confirm);
    expect(api.contractMigration).toHaveBeenCalledWith('live', {
      override: { reason: 'report is retired' },
    });
    // A refusal stays in the dialog, in words.
    expect(
      await screen.findByText(
        'version 1 is kept until 2026-11-28T10:00:03.000Z; contract it after that',
      ),
    ).toBeInTheDocument();
    await userEvent.click(screen.getByRole('button', { name: 'Cancel' }));
    await waitFor(
      () =>
        expect(
          screen.queryByRole('button', { name: 'Contract anyway' }),
        ).not.toBeInTheDocument(),
      { timeout: 10_000 },
    );

    // Roll back asks first, saying what happens to readers and consumers.
    await userEvent.click(screen.getByRole('button', { name: 'Roll back' }));
    const rollbackDialog = await screen.findByRole('dialog', {
      name: 'Roll back version 2 to version 1?',
    });
    expect(rollbackDialog).toHaveTextContent(
      'Readers of the dataset go back to version 1',
    );
    expect(api.rollbackMigration).not.toHaveBeenCalled();
    await userEvent.click(
      within(rollbackDialog).getByRole('button', { name: 'Roll back' }),
    );
    expect(api.rollbackMigration).toHaveBeenCalledWith('live');
    await waitFor(() =>
      expect(screen.getByText('Rolled back')).toBeInTheDocument(),
    );
    expect(
      screen.queryByRole('button', { name: 'Roll back' }),
    ).not.toBeInTheDocument();
  });

  it('offers to roll back anyway when merged patches refuse it, and sends the reason', async () => {
    let runs: Migration[] = [run({ id: 'live' })];
    const refusal =
      'rollback refused: 1 consumer has merged a patch that reads version 2 and would break on version 1: component:default/billing; to roll back anyway, send an override with the reason';
    const api = {
      listMigrations: jest.fn(async () => runs),
      getMigration: jest.fn(),
      rollbackMigration: jest.fn(
        async (_id: string, override?: { reason: string }) => {
          if (!override)
            throw Object.assign(new Error('Request failed with 409'), {
              cause: { message: refusal },
            });
          runs = [{ ...runs[0], status: 'rolled-back' }];
          return runs[0];
        },
      ),
    } as unknown as jest.Mocked<DatasetMigrationsApi>;
    const alertApi = { post: jest.fn(), alert$: jest.fn() };
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [datasetMigrationsApiRef, api],
          [permissionApiRef, mockApis.permission()],
          [alertApiRef, alertApi],
          [catalogApiRef, { getEntityByRef: async () => entity }],
        ]}
      >
        <EntityProvider entity={entity}>
          <MigrationHistoryContent />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );

    await userEvent.click(await enabledButton('Roll back'));
    await userEvent.click(
      within(
        await screen.findByRole('dialog', { name: /^Roll back version/ }),
      ).getByRole('button', { name: 'Roll back' }),
    );
    const dialog = await screen.findByRole('dialog', {
      name: 'Roll back anyway?',
    });
    // The consumer by name, linked; the API's instruction is what the dialog does.
    expect(dialog).toHaveTextContent(
      'Rollback refused: 1 consumer has merged a patch that reads version 2 and would break on version 1: billing.',
    );
    expect(dialog).not.toHaveTextContent(/component:|send an override/);
    expect(
      await within(dialog).findByRole('link', { name: /billing/ }),
    ).toHaveAttribute('href', '/catalog/default/component/billing');
    expect(alertApi.post).not.toHaveBeenCalled();
    const confirm = within(dialog).getByRole('button', {
      name: 'Roll back anyway',
    });
    expect(confirm).toBeDisabled();
    await userEvent.type(
      within(dialog).getByLabelText(/Reason/),
      '  invoices break on v2 ',
    );
    await userEvent.click(confirm);

    expect(api.rollbackMigration).toHaveBeenLastCalledWith('live', {
      reason: 'invoices break on v2',
    });
    await waitFor(() =>
      expect(screen.getByText('Rolled back')).toBeInTheDocument(),
    );
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('shows a run awaiting decisions with how many are left', async () => {
    const waiting = run({
      status: 'awaiting-decision',
      finishedAt: undefined,
    });
    const needs = (name: string): MigrationConsumer => ({
      entityRef: `component:default/${name}`,
      depth: 1,
      state: 'failed',
      failure: { kind: 'needs-decision', message: 'reads "legacy_flag"' },
      attempts: 0,
      updatedAt: waiting.updatedAt,
    });
    const api = {
      listMigrations: jest.fn(async () => [waiting]),
      getConsumerLedger: jest.fn(
        async (id: string, query?: ConsumerLedgerPageQuery) =>
          ledgerOf(
            id,
            [
              needs('a'),
              needs('b'),
              { ...needs('c'), state: 'excluded', failure: undefined },
            ],
            query,
          ),
      ),
    } as unknown as jest.Mocked<DatasetMigrationsApi>;

    await renderInTestApp(
      <TestApiProvider
        apis={[
          [datasetMigrationsApiRef, api],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <EntityProvider entity={entity}>
          <MigrationHistoryContent />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(
      await screen.findByText('Awaiting decisions (2 left)'),
    ).toBeInTheDocument();
    // Counted by the server: the smallest page, not the ledger.
    expect(api.getConsumerLedger).toHaveBeenCalledWith('m1', {
      limit: 1,
      state: ['failed'],
    });
    // It holds the dataset like a queued run, and can be cancelled like one.
    expect(screen.getByRole('button', { name: 'Cancel' })).toBeInTheDocument();
  });

  it('disables every action, with the missing permission in a tooltip, for one the policy denies', async () => {
    const runs = [
      run({ id: 'live', entityRef: 'resource:default/denied-events' }),
      run({
        id: 'broken',
        status: 'failed',
        entityRef: 'resource:default/denied-events',
      }),
      run({
        id: 'moving',
        status: 'running',
        finishedAt: undefined,
        entityRef: 'resource:default/denied-events',
      }),
    ];
    const api = {
      listMigrations: jest.fn(async () => runs),
      getConsumerLedger: jest.fn(),
    } as unknown as jest.Mocked<DatasetMigrationsApi>;
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [datasetMigrationsApiRef, api],
          [
            permissionApiRef,
            mockApis.permission({ authorize: AuthorizeResult.DENY }),
          ],
        ]}
      >
        <EntityProvider
          entity={{
            ...entity,
            metadata: { ...entity.metadata, name: 'denied-events' },
          }}
        >
          <MigrationHistoryContent />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );

    for (const name of ['Roll back', 'Contract', 'Retry', 'Cancel', 'Migrate'])
      await waitFor(() =>
        expect(screen.getByRole('button', { name })).toHaveAttribute(
          'aria-disabled',
          'true',
        ),
      );
    await userEvent.hover(screen.getByRole('button', { name: 'Roll back' }));
    expect(await screen.findByRole('tooltip')).toHaveTextContent(
      'You do not have the permission dataset-migrations.migration.rollback',
    );
    expect(screen.queryByRole('dialog')).not.toBeInTheDocument();
  });

  it('reads the history again when a signal says one of its runs changed, and only then', async () => {
    let runs = [run({ id: 'm1', status: 'running', finishedAt: undefined })];
    const api = {
      listMigrations: jest.fn(async () => runs),
      getConsumerLedger: jest.fn(),
    } as unknown as jest.Mocked<DatasetMigrationsApi>;
    const listeners: Array<(message: DatasetMigrationsSignal) => void> = [];
    const signalApi = {
      subscribe: jest.fn(
        (channel: string, onMessage: (m: DatasetMigrationsSignal) => void) => {
          if (channel === DATASET_MIGRATIONS_SIGNAL_CHANNEL)
            listeners.push(onMessage);
          return { unsubscribe: jest.fn() };
        },
      ),
    };
    const send = (message: DatasetMigrationsSignal) =>
      act(() => listeners.forEach(listener => listener({ ...message })));

    await renderInTestApp(
      <TestApiProvider
        apis={[
          [datasetMigrationsApiRef, api],
          [permissionApiRef, mockApis.permission()],
          [signalApiRef, signalApi as unknown as SignalApi],
        ]}
      >
        <EntityProvider entity={entity}>
          <MigrationHistoryContent />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    expect(await screen.findByText('Running')).toBeInTheDocument();
    expect(listeners.length).toBeGreaterThan(0);
    const reads = api.listMigrations.mock.calls.length;

    // Another dataset's run, or a consumer of this one: not the history's business.
    send({ migrationId: 'x', entityRef: 'resource:default/other' });
    send({
      migrationId: 'm1',
      entityRef: 'resource:default/listening-events',
      consumerRef: 'component:default/report',
    });
    expect(api.listMigrations).toHaveBeenCalledTimes(reads);

    runs = [{ ...runs[0], status: 'succeeded' }];
    send({
      migrationId: 'm1',
      entityRef: 'resource:default/listening-events',
      status: 'succeeded',
    });
    expect(await screen.findByText('Succeeded')).toBeInTheDocument();
    expect(api.listMigrations).toHaveBeenCalledTimes(reads + 1);
  });

  it('shows an opened run’s approval once, in its details, and in its row while closed', async () => {
    const approved = run({
      approval: {
        reasons: ['the change is breaking'],
        requestDigest: 'sha256:4f1c9a',
        decision: {
          outcome: 'approved',
          by: 'user:default/ada',
          at: '2026-11-21T09:59:00.000Z',
          comment: 'go',
        },
      },
    });
    const api = {
      listMigrations: jest.fn(async () => [approved]),
      getMigration: jest.fn(async () => ({
        ...approved,
        steps: [],
        logs: [],
      })),
      getConsumerLedger: jest.fn(
        async (id: string, query?: ConsumerLedgerPageQuery) =>
          ledgerOf(id, [], query),
      ),
    } as unknown as jest.Mocked<DatasetMigrationsApi>;
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [datasetMigrationsApiRef, api],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <EntityProvider entity={entity}>
          <MigrationHistoryContent />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    const row = await screen.findByRole('button', { name: 'Run to version 2' });
    expect(within(row).getByTestId('approval-decision')).toHaveTextContent(
      /Approved by ada/,
    );
    await userEvent.click(row);
    expect(
      await screen.findByRole('alert', { name: 'Approval decision' }),
    ).toHaveTextContent(/Approved by ada, .*: “go”/);
    expect(screen.getAllByTestId('approval-decision')).toHaveLength(1);
  });

  it('shows an opened run’s header and steps in one state as it ends, never Succeeded over a running step', async () => {
    const running = run({
      status: 'running',
      finishedAt: undefined,
      updatedAt: '2026-11-21T10:00:02.000Z',
    });
    const steps = (status: 'running' | 'succeeded') => [
      {
        name: 'backfill',
        attempt: 1,
        status,
        startedAt: running.startedAt!,
        ...(status === 'succeeded' ? { finishedAt: running.finishedAt } : {}),
      },
    ];
    let runs = [running];
    // The second reading of the run waits until the test lets it answer.
    let answer: (details: MigrationDetails) => void = () => {};
    const api = {
      listMigrations: jest.fn(async () => runs),
      getMigration: jest
        .fn()
        .mockResolvedValueOnce({
          ...running,
          steps: steps('running'),
          logs: [],
        })
        .mockImplementation(
          () =>
            new Promise<MigrationDetails>(resolve => {
              answer = resolve;
            }),
        ),
      getConsumerLedger: jest.fn(
        async (id: string, query?: ConsumerLedgerPageQuery) =>
          ledgerOf(id, [], query),
      ),
    } as unknown as jest.Mocked<DatasetMigrationsApi>;
    const listeners: Array<(message: DatasetMigrationsSignal) => void> = [];
    const signalApi = {
      subscribe: jest.fn(
        (channel: string, onMessage: (m: DatasetMigrationsSignal) => void) => {
          if (channel === DATASET_MIGRATIONS_SIGNAL_CHANNEL)
            listeners.push(onMessage);
          return { unsubscribe: jest.fn() };
        },
      ),
    };
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [datasetMigrationsApiRef, api],
          [permissionApiRef, mockApis.permission()],
          [signalApiRef, signalApi as unknown as SignalApi],
        ]}
      >
        <EntityProvider entity={entity}>
          <MigrationHistoryContent />
        </EntityProvider>
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
    await userEvent.click(
      await screen.findByRole('button', { name: 'Run to version 2' }),
    );
    const stepsTable = await screen.findByRole('table', { name: 'Steps' });
    expect(stepsTable).toHaveTextContent('Running');
    const header = screen.getByTestId('migration-m1');
    expect(header).toHaveTextContent('Running');

    // The run ends: the list reads it first, its details a moment later.
    runs = [run({})];
    act(() =>
      listeners.forEach(listener =>
        listener({
          migrationId: 'm1',
          entityRef: 'resource:default/listening-events',
          status: 'succeeded',
        }),
      ),
    );
    await waitFor(() =>
      expect(api.listMigrations.mock.calls.length).toBeGreaterThan(1),
    );
    await act(() => api.listMigrations.mock.results.at(-1)!.value);
    expect(screen.getByRole('table', { name: 'Steps' })).toHaveTextContent(
      'Running',
    );
    expect(screen.getByTestId('migration-m1')).toHaveTextContent('Running');
    expect(screen.getByTestId('migration-m1')).not.toHaveTextContent(
      'Succeeded',
    );

    await act(async () =>
      answer({ ...run({}), steps: steps('succeeded'), logs: [] }),
    );
    await waitFor(() =>
      expect(screen.getByTestId('migration-m1')).toHaveTextContent('Succeeded'),
    );
    expect(screen.getByRole('table', { name: 'Steps' })).toHaveTextContent(
      'Succeeded',
    );
    expect(screen.getByRole('table', { name: 'Steps' })).not.toHaveTextContent(
      'Running',
    );
  });
});
