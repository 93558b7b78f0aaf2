import { Table, type TableColumn } from '@backstage/core-components';
import { Container, Header } from '@backstage/ui';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import { Alert } from '@material-ui/lab';
import useAsync from 'react-use/esm/useAsync';
import type { DatasetSummary } from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { MigrationStatus } from '../shared/MigrationStatus';
import { countedTitle, formatTime, messageOf } from '../shared/format';

const columns: TableColumn<DatasetSummary>[] = [
  {
    title: 'Dataset',
    field: 'title',
    highlight: true,
    cellStyle: { whiteSpace: 'nowrap' },
    render: row => (
      <EntityRefLink entityRef={row.entityRef} title={row.title} />
    ),
  },
  {
    title: 'Owner',
    field: 'owner',
    cellStyle: { whiteSpace: 'nowrap' },
    render: row =>
      row.owner ? (
        <EntityRefLink entityRef={row.owner} defaultKind="group" />
      ) : (
        '—'
      ),
  },
  {
    title: 'Schema version',
    field: 'schemaVersion',
    type: 'numeric',
    align: 'left',
  },
  {
    title: 'Consumers',
    field: 'consumerCount',
    type: 'numeric',
    align: 'left',
  },
  {
    title: 'Last migration',
    field: 'lastMigration.status',
    render: row =>
      row.lastMigration ? (
        <>
          <MigrationStatus status={row.lastMigration.status} />
          {` to v${row.lastMigration.targetVersion}${
            row.lastMigration.dryRun ? ' (dry run)' : ''
          }, ${formatTime(
            row.lastMigration.finishedAt ?? row.lastMigration.createdAt,
          )}`}
        </>
      ) : (
        'never'
      ),
  },
];

/** Every dataset in the catalog, with its schema version and latest migration. */
export function DatasetsPage() {
  const api = useApi(datasetMigrationsApiRef);
  // By name, whatever its case, so a dataset is where a reader looks for it.
  const datasets = useAsync(
    async () =>
      (await api.listDatasets()).sort((a, b) =>
        a.title.localeCompare(b.title, undefined, { sensitivity: 'base' }),
      ),
    [api],
  );
  return (
    <>
      <Header
        title="Datasets"
        description="Catalog datasets, their schema versions and migrations"
      />
      <Container>
        {datasets.error && (
          <Alert severity="error">{messageOf(datasets.error)}</Alert>
        )}
        <Table<DatasetSummary>
          title={countedTitle('Datasets', datasets.value)}
          isLoading={datasets.loading}
          options={{ paging: false, search: true, padding: 'dense' }}
          columns={columns}
          data={datasets.value ?? []}
        />
      </Container>
    </>
  );
}
