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
import {
  DATASET_MIGRATIONS_SIGNAL_CHANNEL,
  type ConsumerState,
  type DatasetMigrationsSignal,
  type MigrationConsumer,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  datasetMigrationsApiRef,
  type ConsumerLedgerPageQuery,
  type DatasetMigrationsApi,
} from '../../api';
import { ConsumersPanel } from './ConsumersPanel';
import { ledgerOf, migration } from './testLedger';

/** 45 consumers in ledger order, c01…c45; every ninth failed, the rest done. */
function fleet(failedEvery = 9): MigrationConsumer[] {
  return Array.from({ length: 45 }, (_, i) => {
    const n = i + 1;
    const state: ConsumerState = n % failedEvery === 0 ? 'failed' : 'done';
    return {
      entityRef: `component:default/c${String(n).padStart(2, '0')}`,
      depth: 1,
      state,
      ...(state === 'failed'
        ? { failure: { kind: 'patch-failed' as const, message: 'no patch' } }
        : {}),
      attempts: 1,
      updatedAt: '2026-11-21T10:05:00.000Z',
    };
  });
}

function setup(consumers: () => MigrationConsumer[] = fleet) {
  const api = {
    getConsumerLedger: jest.fn(
      async (id: string, query?: ConsumerLedgerPageQuery) =>
        ledgerOf(id, consumers(), query),
    ),
    getRetryableConsumers: jest.fn(async () => ({
      allowed: [],
      notAllowed: [],
    })),
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
  const render = () =>
    renderInTestApp(
      <TestApiProvider
        apis={[
          [datasetMigrationsApiRef, api],
          [permissionApiRef, mockApis.permission()],
          [signalApiRef, signalApi as unknown as SignalApi],
        ]}
      >
        <ConsumersPanel migration={migration} />
      </TestApiProvider>,
      { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
    );
  return { api, send, render };
}

/** The consumers the table shows, by name. */
function shownNames(): string[] {
  const table = screen.getByRole('table', { name: 'Consumers' });
  return within(table)
    .queryAllByTestId(/^consumer-/)
    .map(row => row.dataset.testid!.replace('consumer-component:default/', ''));
}

const names = (from: number, to: number) =>
  Array.from(
    { length: to - from + 1 },
    (_, i) => `c${String(from + i).padStart(2, '0')}`,
  );

// Each test renders up to 45 rows and pages through them: slow on a loaded machine.
jest.setTimeout(90_000);

describe('ConsumersPanel, a ledger larger than a page', () => {
  it('reads one page at a time from the server, with the total and the catalog’s page sizes', async () => {
    const { api, render } = setup();
    await render();

    await waitFor(() => expect(shownNames()).toEqual(names(1, 20)));
    // The progress is over every consumer, not the page.
    expect(
      screen.getByText('40 of 45 consumers done or unaffected'),
    ).toBeInTheDocument();
    expect(screen.getByText('1-20 of 45')).toBeInTheDocument();
    expect(api.getConsumerLedger).toHaveBeenCalledWith('m1', {
      limit: 20,
      offset: 0,
    });

    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() => expect(shownNames()).toEqual(names(21, 40)));
    expect(api.getConsumerLedger).toHaveBeenLastCalledWith('m1', {
      limit: 20,
      offset: 20,
    });
    expect(screen.getByText('21-40 of 45')).toBeInTheDocument();

    // A larger page starts again at the first consumer.
    await userEvent.click(
      screen.getByRole('button', { name: /^Rows per page/ }),
    );
    await userEvent.click(await screen.findByRole('option', { name: '50' }));
    await waitFor(() => expect(shownNames()).toEqual(names(1, 45)));
    expect(api.getConsumerLedger).toHaveBeenLastCalledWith('m1', {
      limit: 50,
      offset: 0,
    });

    // Never the whole ledger.
    for (const [, query] of api.getConsumerLedger.mock.calls)
      expect(query?.limit).toBeDefined();
  });

  it('filters by state on the server, offering the states some consumer is in, with counts', async () => {
    const { api, render } = setup();
    await render();
    await waitFor(() => expect(shownNames()).toHaveLength(20));

    await userEvent.click(
      screen.getByRole('button', { name: 'Filter by state' }),
    );
    const options = (await screen.findAllByRole('option')).map(
      o => o.textContent,
    );
    expect(options).toEqual(['All states (45)', 'Done (40)', 'Failed (5)']);
    await userEvent.click(screen.getByRole('option', { name: 'Failed (5)' }));

    await waitFor(() =>
      expect(shownNames()).toEqual(['c09', 'c18', 'c27', 'c36', 'c45']),
    );
    expect(api.getConsumerLedger).toHaveBeenLastCalledWith('m1', {
      limit: 20,
      offset: 0,
      state: ['failed'],
    });
    // Five fit on one page: no paging controls.
    expect(
      screen.queryByRole('button', { name: 'Next page' }),
    ).not.toBeInTheDocument();
  });

  it('reads the page shown again on a signal for the run, not the whole ledger', async () => {
    let consumers = fleet();
    const { api, send, render } = setup(() => consumers);
    await render();
    await waitFor(() => expect(shownNames()).toHaveLength(20));
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() => expect(shownNames()).toEqual(names(21, 40)));
    const reads = api.getConsumerLedger.mock.calls.length;

    consumers = consumers.map(c =>
      c.entityRef === 'component:default/c27'
        ? { ...c, state: 'done', failure: undefined }
        : c,
    );
    send({
      migrationId: 'm1',
      entityRef: migration.entityRef,
      consumerRef: 'component:default/c27',
    });
    await waitFor(() =>
      expect(api.getConsumerLedger).toHaveBeenCalledTimes(reads + 1),
    );
    expect(api.getConsumerLedger).toHaveBeenLastCalledWith('m1', {
      limit: 20,
      offset: 20,
    });
    await waitFor(() =>
      expect(
        screen.getByTestId('consumer-component:default/c27'),
      ).toHaveTextContent('Done'),
    );
    expect(shownNames()).toEqual(names(21, 40));
  });

  it('steps back to the last page when the one shown empties', async () => {
    let consumers = fleet(1); // all 45 failed
    const { api, send, render } = setup(() => consumers);
    await render();
    await waitFor(() => expect(shownNames()).toHaveLength(20));
    await userEvent.click(
      screen.getByRole('button', { name: 'Filter by state' }),
    );
    await userEvent.click(
      await screen.findByRole('option', { name: 'Failed (45)' }),
    );
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await userEvent.click(screen.getByRole('button', { name: 'Next page' }));
    await waitFor(() => expect(shownNames()).toEqual(names(41, 45)));

    // Twenty of them are retried and done: the third page of failed is empty now.
    consumers = consumers.map((c, i) =>
      i < 20 ? { ...c, state: 'done', failure: undefined } : c,
    );
    send({ migrationId: 'm1', entityRef: migration.entityRef });
    expect(await screen.findByText('21-25 of 25')).toBeInTheDocument();
    await waitFor(() => expect(shownNames()).toEqual(names(41, 45)));
    expect(api.getConsumerLedger).toHaveBeenLastCalledWith('m1', {
      limit: 20,
      offset: 20,
      state: ['failed'],
    });
  });
});
