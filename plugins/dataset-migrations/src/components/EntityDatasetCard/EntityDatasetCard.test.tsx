import userEvent from '@testing-library/user-event';
import { act, screen, waitFor, within } from '@testing-library/react';
import {
  mockApis,
  renderInTestApp,
  TestApiProvider,
} from '@backstage/test-utils';
import { permissionApiRef } from '@backstage/plugin-permission-react';
import { EntityProvider } from '@backstage/plugin-catalog-react';
import type { Entity } from '@backstage/catalog-model';
import { signalApiRef, type SignalApi } from '@backstage/plugin-signals-react';
import {
  emptyConsumerStateCounts,
  type DatasetMigrationsSignal,
  type ConsumerStateCounts,
  type DatasetDetails,
  type Migration,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef, type DatasetMigrationsApi } from '../../api';
import { EntityDatasetCard } from './EntityDatasetCard';

const entity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name: 'listening-events',
    namespace: 'default',
    annotations: {
      'dataset-migrations.io/engine': 'warehouse',
      'dataset-migrations.io/table': 'public.listening_events',
      'dataset-migrations.io/schema-version': '2',
    },
  },
  spec: { type: 'dataset', owner: 'group:default/data-platform' },
};

const lastMigration = {
  id: 'm1',
  status: 'succeeded',
  fromVersion: 1,
  targetVersion: 2,
  dryRun: false,
  createdAt: '2026-11-21T10:00:00.000Z',
} as Migration;

const counts = (some: Partial<ConsumerStateCounts>): ConsumerStateCounts => ({
  ...emptyConsumerStateCounts(),
  ...some,
});

async function renderCard(
  consumerCounts?: ConsumerStateCounts,
  consumersUndecided?: number,
) {
  const api = {
    listMigrations: jest.fn(async () =>
      consumerCounts === undefined ? [] : [lastMigration],
    ),
    getDataset: jest.fn(
      async () => ({ consumerCounts, consumersUndecided } as DatasetDetails),
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
        <EntityDatasetCard />
      </EntityProvider>
    </TestApiProvider>,
  );
  return api;
}

describe('EntityDatasetCard', () => {
  it('says where the consumers of the open migrations stand, per state', async () => {
    const api = await renderCard(
      counts({
        'pr-opened': 3,
        failed: 1,
        done: 1,
        unaffected: 1,
        patched: 1,
        merged: 1,
      }),
    );
    expect(
      await screen.findByText(
        '1 being patched · 3 pull requests open · 1 merged, not yet on its default branch · 1 needs attention · 2 moved',
      ),
    ).toBeInTheDocument();
    expect(api.getDataset).toHaveBeenCalledWith(
      'resource:default/listening-events',
    );
  });

  it('counts consumers awaiting a decision apart from those that failed', async () => {
    await renderCard(counts({ failed: 3, 'pr-opened': 1 }), 2);
    expect(
      await screen.findByText(
        '1 pull request open · 1 needs attention · 2 need a decision',
      ),
    ).toBeInTheDocument();
  });

  it('says when every consumer has moved', async () => {
    await renderCard(counts({ done: 2, unaffected: 3 }));
    expect(
      await screen.findByText('All consumers are on the current version'),
    ).toBeInTheDocument();
  });

  it('counts one pull request in the singular', async () => {
    await renderCard(counts({ 'pr-opened': 1 }));
    expect(await screen.findByText('1 pull request open')).toBeInTheDocument();
  });

  it('says nothing about consumers when the dataset reports no count, as without an open migration', async () => {
    const api = await renderCard(undefined);
    expect(await screen.findByText('Schema version 2')).toBeInTheDocument();
    // The card asked, and had its answer before the checks below.
    await waitFor(() =>
      expect(api.getDataset).toHaveBeenCalledWith(
        'resource:default/listening-events',
      ),
    );
    await act(() => api.getDataset.mock.results[0].value);
    expect(screen.queryByLabelText('Consumers')).not.toBeInTheDocument();
    expect(screen.queryByText(/current version/)).not.toBeInTheDocument();
  });

  it('reads the consumer counts again when a signal says a consumer of this dataset moved', async () => {
    let current = counts({ 'pr-opened': 2 });
    const api = {
      listMigrations: jest.fn(async () => [lastMigration]),
      getDataset: jest.fn(
        async () => ({ consumerCounts: current } as DatasetDetails),
      ),
    } as unknown as jest.Mocked<DatasetMigrationsApi>;
    const listeners: Array<(message: DatasetMigrationsSignal) => void> = [];
    const signalApi = {
      subscribe: (
        _channel: string,
        onMessage: (message: DatasetMigrationsSignal) => void,
      ) => {
        listeners.push(onMessage);
        return { unsubscribe: () => {} };
      },
    } as unknown as SignalApi;
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [datasetMigrationsApiRef, api],
          [permissionApiRef, mockApis.permission()],
          [signalApiRef, signalApi],
        ]}
      >
        <EntityProvider entity={entity}>
          <EntityDatasetCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    expect(await screen.findByLabelText('Consumers')).toHaveTextContent(
      '2 pull requests open',
    );

    current = counts({ 'pr-opened': 1, done: 1 });
    act(() =>
      listeners.forEach(listener =>
        listener({
          migrationId: 'm1',
          entityRef: 'resource:default/listening-events',
          consumerRef: 'component:default/report',
        }),
      ),
    );
    await waitFor(() =>
      expect(screen.getByLabelText('Consumers')).toHaveTextContent(
        '1 pull request open · 1 moved',
      ),
    );
  });

  it('lists the dataset’s fields as the engine has them', async () => {
    const api = {
      listMigrations: jest.fn(async () => []),
      getDataset: jest.fn(
        async () =>
          ({
            fields: [
              { name: 'id', type: 'bigint', nullable: false, primaryKey: true },
              {
                name: 'country',
                type: 'text',
                nullable: true,
                primaryKey: false,
                default: "'SE'::text",
              },
            ],
          } as DatasetDetails),
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
          <EntityDatasetCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    const fields = await screen.findByRole('table', { name: 'Fields' });
    const rows = within(fields)
      .getAllByRole('row')
      .map(r => r.textContent);
    expect(rows).toEqual([
      'FieldTypeRequiredDefault',
      'id (primary key)bigintYes—',
      "countrytextNo'SE'::text",
    ]);
  });

  it('disables Migrate while a run is active, with a link to it in Migration History', async () => {
    const api = {
      listMigrations: jest.fn(async () => [
        { ...lastMigration, id: 'm2', status: 'running', targetVersion: 3 },
      ]),
      getDataset: jest.fn(async () => ({} as DatasetDetails)),
    } as unknown as jest.Mocked<DatasetMigrationsApi>;
    await renderInTestApp(
      <TestApiProvider
        apis={[
          [datasetMigrationsApiRef, api],
          [permissionApiRef, mockApis.permission()],
        ]}
      >
        <EntityProvider entity={entity}>
          <EntityDatasetCard />
        </EntityProvider>
      </TestApiProvider>,
    );
    // Migrate is disabled while permissions load too: wait for the run first, so
    // what is checked is the run holding it.
    const note = await screen.findByLabelText('Active migration');
    const migrate = screen.getByRole('button', { name: 'Migrate' });
    expect(migrate).toHaveAttribute('aria-disabled', 'true');
    await userEvent.hover(migrate);
    expect((await screen.findByRole('tooltip')).textContent).toBe(
      'The migration to version 3 is running: a dataset migrates one run at a time',
    );
    expect(within(note).getByRole('link', { name: 'view it' })).toHaveAttribute(
      'href',
      expect.stringMatching(/migration-history\?migration=m2$/),
    );
  });

  describe('a dataset the backend refuses', () => {
    /** The backend's answer to GET /datasets/:ref, as the client throws it. */
    const refused = (statusCode: number, message: string) =>
      Object.assign(new Error(`Request failed with ${statusCode}`), {
        statusCode,
        cause: { message },
      });

    async function renderRefused(error: Error, annotated: Entity = entity) {
      const api = {
        listMigrations: jest.fn(async () => []),
        getDataset: jest.fn(async () => {
          throw error;
        }),
      } as unknown as jest.Mocked<DatasetMigrationsApi>;
      await renderInTestApp(
        <TestApiProvider
          apis={[
            [datasetMigrationsApiRef, api],
            [permissionApiRef, mockApis.permission()],
          ]}
        >
          <EntityProvider entity={annotated}>
            <EntityDatasetCard />
          </EntityProvider>
        </TestApiProvider>,
      );
    }

    it('says up front that its engine is misconfigured, naming it, with Migrate off and saying why', async () => {
      await renderRefused(
        refused(
          400,
          'engine "warehous" is not configured under datasetMigrations.engines',
        ),
      );
      expect(await screen.findByLabelText('Dataset problem')).toHaveTextContent(
        'Misconfigured: engine "warehous" is not configured under datasetMigrations.engines.',
      );
      const migrate = screen.getByRole('button', { name: 'Migrate' });
      expect(migrate).toHaveAttribute('aria-disabled', 'true');
      await userEvent.hover(migrate);
      expect((await screen.findByRole('tooltip')).textContent).toBe(
        'The dataset is misconfigured: engine "warehous" is not configured under datasetMigrations.engines',
      );
    });

    it('shows no version 1 for a version annotation that is no number', async () => {
      const annotated: Entity = {
        ...entity,
        metadata: {
          ...entity.metadata,
          annotations: {
            ...entity.metadata.annotations,
            'dataset-migrations.io/schema-version': 'v3',
          },
        },
      };
      const problem =
        'dataset resource:default/listening-events has the annotation dataset-migrations.io/schema-version "v3", which is not a whole number of 1 or more';
      await renderRefused(refused(400, problem), annotated);
      expect(await screen.findByLabelText('Dataset problem')).toHaveTextContent(
        problem,
      );
      expect(screen.getByLabelText('Schema version')).toHaveTextContent(
        'Schema version unknown',
      );
      expect(screen.getByRole('button', { name: 'Migrate' })).toHaveAttribute(
        'aria-disabled',
        'true',
      );
    });

    it('names a table another entity claims (409) as misconfiguration too', async () => {
      await renderRefused(
        refused(
          409,
          'table public.tracks is named by resource:default/tracks as well',
        ),
      );
      expect(await screen.findByLabelText('Dataset problem')).toHaveTextContent(
        /^Misconfigured: table public.tracks is named by resource:default\/tracks as well/,
      );
    });

    it('tells a failure to read it apart from misconfiguration', async () => {
      await renderRefused(refused(503, 'the database is not answering'));
      expect(await screen.findByLabelText('Dataset problem')).toHaveTextContent(
        'The dataset could not be read: the database is not answering.',
      );
      expect(screen.getByRole('button', { name: 'Migrate' })).toHaveAttribute(
        'aria-disabled',
        'true',
      );
    });
  });
});
