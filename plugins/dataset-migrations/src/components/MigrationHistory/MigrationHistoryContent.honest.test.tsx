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
import type { Entity } from '@backstage/catalog-model';
import type { Migration } from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef, type DatasetMigrationsApi } from '../../api';
import { formatMoment } from '../shared/format';
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
    requestedBy: 'user:development/guest',
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

/** A catalog that knows no user: sign-ins like `development/guest` are not in it. */
const catalogApi = { getEntityByRef: jest.fn(async () => undefined) };

async function renderHistory(
  runs: Migration[],
  getDataset: () => Promise<unknown> = async () => ({}),
) {
  const api = {
    listMigrations: jest.fn(async () => runs),
    getDataset: jest.fn(getDataset),
    getMigration: jest.fn(),
    getConsumerLedger: jest.fn(async () => ({
      migrationId: runs[0].id,
      counts: {},
      consumers: [],
    })),
    cancelMigration: jest.fn(async () => runs[0]),
    contractMigration: jest.fn(),
    rollbackMigration: jest.fn(),
  } as unknown as jest.Mocked<DatasetMigrationsApi>;
  await renderInTestApp(
    <TestApiProvider
      apis={[
        [datasetMigrationsApiRef, api],
        [permissionApiRef, mockApis.permission()],
        [catalogApiRef, catalogApi],
      ]}
    >
      <EntityProvider entity={entity}>
        <MigrationHistoryContent />
      </EntityProvider>
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );
  return api;
}

/** The tooltip a disabled button shows on hover, once permitted. */
async function reasonOf(button: HTMLElement): Promise<string> {
  await waitFor(() => expect(button).toHaveAttribute('aria-disabled', 'true'));
  await userEvent.hover(button);
  return (await screen.findByRole('tooltip')).textContent ?? '';
}

describe('MigrationHistoryContent: buttons that say why not', () => {
  it('disables Contract during retention, saying until when in the reader’s locale', async () => {
    const keptUntil = new Date(Date.now() + 3 * 86_400_000).toISOString();
    await renderHistory([
      run({ id: 'live', gates: { keptUntil, datasetVersion: 2 } }),
    ]);
    const contract = await screen.findByRole('button', { name: 'Contract' });
    const reason = await reasonOf(contract);
    expect(reason).toBe(
      `Contract possible after ${formatMoment(
        keptUntil,
      )}: version 1 is kept until then, so a rollback stays possible`,
    );
    // Not an ISO string: the moment as the reader's clock shows it.
    expect(reason).not.toContain(keptUntil);
    // Roll back is the current run's, and stays enabled.
    expect(screen.getByRole('button', { name: 'Roll back' })).toBeEnabled();
  });

  it('enables Contract once the retention has passed', async () => {
    await renderHistory([
      run({
        id: 'live',
        gates: { keptUntil: '2026-11-21T10:00:03.000Z', datasetVersion: 2 },
      }),
    ]);
    await waitFor(() =>
      expect(screen.getByRole('button', { name: 'Contract' })).toBeEnabled(),
    );
  });

  it('disables Roll back on a run that is not the dataset’s latest, saying which version it is at', async () => {
    await renderHistory([
      run({
        id: 'newer',
        fromVersion: 2,
        targetVersion: 3,
        gates: { keptUntil: '2026-11-21T10:00:03.000Z', datasetVersion: 3 },
      }),
      run({
        id: 'older',
        gates: { keptUntil: '2026-11-21T10:00:03.000Z', datasetVersion: 3 },
      }),
    ]);
    const older = await screen.findByTestId('migration-older');
    const rollback = within(older).getByRole('button', { name: 'Roll back' });
    expect(await reasonOf(rollback)).toBe(
      'Only the latest migration can be rolled back: the dataset is at version 3 now, not 2',
    );
    const newer = screen.getByTestId('migration-newer');
    await waitFor(() =>
      expect(
        within(newer).getByRole('button', { name: 'Roll back' }),
      ).toBeEnabled(),
    );
  });

  it('asks before cancelling, and cancels only on confirmation', async () => {
    const api = await renderHistory([
      run({ id: 'moving', status: 'running', finishedAt: undefined }),
    ]);
    const moving = await screen.findByTestId('migration-moving');
    const cancel = within(moving).getByRole('button', { name: 'Cancel' });
    await waitFor(() => expect(cancel).toBeEnabled());
    await userEvent.click(cancel);
    const dialog = await screen.findByRole('dialog', {
      name: 'Cancel the migration to version 2?',
    });
    await userEvent.click(
      within(dialog).getByRole('button', { name: 'Keep running' }),
    );
    expect(api.cancelMigration).not.toHaveBeenCalled();
    await userEvent.click(cancel);
    await userEvent.click(
      within(
        await screen.findByRole('dialog', {
          name: 'Cancel the migration to version 2?',
        }),
      ).getByRole('button', { name: 'Cancel migration' }),
    );
    expect(api.cancelMigration).toHaveBeenCalledWith('moving');
  });

  it('disables Cancel once a cancel was asked for, saying so', async () => {
    await renderHistory([
      run({
        id: 'stopping',
        status: 'running',
        finishedAt: undefined,
        cancelRequested: true,
      }),
    ]);
    const cancel = await screen.findByRole('button', { name: 'Cancel' });
    expect(await reasonOf(cancel)).toBe(
      'Cancel requested: the run stops at its next checkpoint',
    );
  });

  it('disables Migrate while a run is active, with a link to that run', async () => {
    await renderHistory([
      run({
        id: 'moving',
        status: 'running',
        fromVersion: 2,
        targetVersion: 3,
        finishedAt: undefined,
      }),
      run({ id: 'live' }),
    ]);
    const migrate = await screen.findByRole('button', { name: 'Migrate' });
    expect(await reasonOf(migrate)).toBe(
      'The migration to version 3 is running: a dataset migrates one run at a time',
    );
    const note = screen.getByLabelText('Active migration');
    expect(within(note).getByRole('link', { name: 'view it' })).toHaveAttribute(
      'href',
      expect.stringMatching(/\?migration=moving$/),
    );
  });

  it('disables Migrate on a misconfigured dataset, saying what the backend refuses, before the dialog opens', async () => {
    const message =
      'relation public.listening_event does not exist on engine warehouse';
    await renderHistory([run({ id: 'live' })], async () => {
      throw Object.assign(new Error('Request failed with 400'), {
        statusCode: 400,
        cause: { message },
      });
    });
    expect(await screen.findByLabelText('Dataset problem')).toHaveTextContent(
      `Misconfigured: ${message}.`,
    );
    const migrate = screen.getByRole('button', { name: 'Migrate' });
    expect(await reasonOf(migrate)).toBe(
      `The dataset is misconfigured: ${message}`,
    );
  });

  it('ticks a running duration live, rather than freezing at its first reading', async () => {
    const startedAt = new Date(Date.now() - 2_000).toISOString();
    await renderHistory([
      run({
        id: 'moving',
        status: 'running',
        startedAt,
        finishedAt: undefined,
      }),
    ]);
    const duration = await screen.findByLabelText('Duration');
    const first = duration.textContent;
    expect(first).toMatch(/^\d+ s$/);
    await act(() => new Promise(resolve => setTimeout(resolve, 2_100)));
    expect(duration.textContent).not.toBe(first);
  });

  it('names a requester without a catalog entity in plain text, not a link to "Entity not found"', async () => {
    await renderHistory([run({ id: 'live' })]);
    const row = await screen.findByTestId('migration-live');
    // Asked of the catalog, which does not know it.
    await waitFor(() =>
      expect(catalogApi.getEntityByRef).toHaveBeenCalledWith(
        'user:development/guest',
      ),
    );
    expect(within(row).getByText('development/guest')).toBeInTheDocument();
    expect(
      within(row).queryByRole('link', { name: /guest/ }),
    ).not.toBeInTheDocument();
  });
});
