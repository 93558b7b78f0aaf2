import { screen, within } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import type { DatasetSummary } from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef, type DatasetMigrationsApi } from '../../api';
import { DatasetsPage } from './DatasetsPage';

const datasets: DatasetSummary[] = [
  {
    entityRef: 'resource:default/listening-events',
    title: 'Listening events',
    owner: 'group:default/data-platform',
    schemaVersion: 2,
    consumerCount: 4,
    lastMigration: {
      id: 'm1',
      status: 'rolled-back',
      fromVersion: 1,
      targetVersion: 2,
      dryRun: false,
      createdAt: '2026-11-21T10:00:00.000Z',
    },
  },
];

/** The page on `api`, with the catalog's entity route for its links. */
const renderPage = (api: DatasetMigrationsApi) =>
  renderInTestApp(
    <TestApiProvider apis={[[datasetMigrationsApiRef, api]]}>
      <DatasetsPage />
    </TestApiProvider>,
    { mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef } },
  );

describe('DatasetsPage', () => {
  it('lists datasets under the catalog’s header, each last run’s status in words', async () => {
    const api = {
      listDatasets: jest.fn(async () => datasets),
    } as unknown as DatasetMigrationsApi;
    await renderPage(api);
    expect(
      screen.getByRole('heading', { name: 'Datasets', level: 2 }),
    ).toBeInTheDocument();
    const row = (await screen.findByText('Listening events')).closest('tr')!;
    expect(within(row).getByText('Rolled back')).toBeInTheDocument();
    expect(within(row).queryByText(/rolled-back/)).not.toBeInTheDocument();
  });

  it('says how many datasets there are only once it knows', async () => {
    let answer!: (list: DatasetSummary[]) => void;
    const api = {
      listDatasets: jest.fn(
        () =>
          new Promise<DatasetSummary[]>(resolve => {
            answer = resolve;
          }),
      ),
    } as unknown as DatasetMigrationsApi;
    await renderPage(api);
    // Loading: no count, and never "(0)".
    expect(screen.queryByText(/Datasets \(/)).not.toBeInTheDocument();
    answer(datasets);
    expect(await screen.findByText('Datasets (1)')).toBeInTheDocument();
  });

  it('lists datasets by name, whatever its case', async () => {
    const named = (title: string): DatasetSummary => ({
      ...datasets[0],
      entityRef: `resource:default/${title.toLowerCase()}`,
      title,
      lastMigration: undefined,
    });
    const api = {
      listDatasets: jest.fn(async () => [
        named('payouts-eu'),
        named('Tracks'),
        named('ad-impressions'),
        named('Listening events'),
      ]),
    } as unknown as DatasetMigrationsApi;
    await renderPage(api);
    await screen.findByText('Tracks');
    const names = screen
      .getAllByRole('row')
      .slice(1)
      .map(row => row.querySelector('td')?.textContent);
    expect(names).toEqual([
      'ad-impressions',
      'Listening events',
      'payouts-eu',
      'Tracks',
    ]);
  });
});
