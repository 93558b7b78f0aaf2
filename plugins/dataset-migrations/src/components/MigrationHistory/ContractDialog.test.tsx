import { screen, waitFor } from '@testing-library/react';
import userEvent from '@testing-library/user-event';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import type {
  Migration,
  MigrationConsumer,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  datasetMigrationsApiRef,
  type ConsumerLedgerPageQuery,
  type DatasetMigrationsApi,
} from '../../api';
import { ledgerOf } from '../ConsumersPanel/testLedger';
import { ContractDialog } from './ContractDialog';

const live: Migration = {
  id: 'm1',
  entityRef: 'resource:default/listening-events',
  status: 'succeeded',
  fromVersion: 1,
  targetVersion: 2,
  dryRun: false,
  changes: [{ dropField: { name: 'country' } }],
  requestedBy: 'user:default/ada',
  attempts: 1,
  retriedAtAttempt: 0,
  cancelRequested: false,
  createdAt: '2026-11-21T10:00:00.000Z',
  finishedAt: '2026-11-21T10:00:03.000Z',
  updatedAt: '2026-11-21T10:00:03.000Z',
};

describe('ContractDialog', () => {
  it('says the previous version goes for good, and contracts only once the dataset’s name is typed', async () => {
    const api = {
      getConsumerLedger: jest.fn(async () => ({
        migrationId: 'm1',
        counts: {},
        consumers: [],
      })),
      contractMigration: jest.fn(async () => live),
    } as unknown as jest.Mocked<DatasetMigrationsApi>;
    const onContracted = jest.fn();
    await renderInTestApp(
      <TestApiProvider apis={[[datasetMigrationsApiRef, api]]}>
        <ContractDialog
          migration={live}
          open
          onClose={jest.fn()}
          onContracted={onContracted}
        />
      </TestApiProvider>,
    );

    const dialog = await screen.findByRole('dialog');
    expect(dialog).toHaveTextContent(
      'version 1 is dropped for good. There is no rolling back after this.',
    );
    await waitFor(() => expect(api.getConsumerLedger).toHaveBeenCalled());
    const confirm = screen.getByRole('button', { name: 'Contract' });
    expect(confirm).toBeDisabled();
    const name = screen.getByRole('textbox', {
      name: 'dataset name to confirm',
    });
    // The entity ref, or a near miss, is not the name.
    await userEvent.type(name, 'listening-event');
    expect(confirm).toBeDisabled();
    await userEvent.clear(name);
    await userEvent.type(name, 'resource:default/listening-events');
    expect(confirm).toBeDisabled();
    await userEvent.clear(name);
    await userEvent.type(name, 'listening-events');
    expect(confirm).toBeEnabled();
    await userEvent.click(confirm);
    expect(api.contractMigration).toHaveBeenCalledWith('m1', {});
    await waitFor(() => expect(onContracted).toHaveBeenCalled());
  });

  it('names the first consumers that would break and counts the rest, reading no more of the ledger', async () => {
    const consumers = Array.from(
      { length: 30 },
      (_, i): MigrationConsumer => ({
        entityRef: `component:default/c${String(i + 1).padStart(2, '0')}`,
        depth: 1,
        // Five have moved; 25 still read version 1.
        state: i < 5 ? 'done' : 'pr-opened',
        attempts: 1,
        updatedAt: live.updatedAt,
      }),
    );
    const api = {
      getConsumerLedger: jest.fn(
        async (id: string, query?: ConsumerLedgerPageQuery) =>
          ledgerOf(id, consumers, query),
      ),
    } as unknown as jest.Mocked<DatasetMigrationsApi>;
    await renderInTestApp(
      <TestApiProvider apis={[[datasetMigrationsApiRef, api]]}>
        <ContractDialog
          migration={live}
          open
          onClose={jest.fn()}
          onContracted={jest.fn()}
        />
      </TestApiProvider>,
    );
    const warning = await screen.findByText(
      /25 consumers still read version 1/,
    );
    expect(warning).toHaveTextContent(
      'component:default/c06 (pull request open)',
    );
    expect(warning).toHaveTextContent(
      'component:default/c25 (pull request open)',
    );
    expect(warning).not.toHaveTextContent('c26');
    expect(warning).toHaveTextContent('and 5 more.');
    expect(api.getConsumerLedger).toHaveBeenCalledTimes(1);
    const [, query] = api.getConsumerLedger.mock.calls[0];
    expect(query?.limit).toBe(20);
    expect(query?.state).not.toContain('done');
    expect(query?.state).toContain('pr-opened');
  });
});
