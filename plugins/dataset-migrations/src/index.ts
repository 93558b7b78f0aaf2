/**
 * Frontend plugin for dataset migrations. `.` serves the legacy frontend system;
 * `./alpha` the new one.
 *
 * @packageDocumentation
 */
export {
  datasetMigrationsPlugin,
  DatasetsPage,
  CampaignsPage,
  EntityDatasetCard,
  EntityConsumerMigrationsCard,
  EntityMigrationHistoryContent,
} from './plugin';
export {
  datasetMigrationsApiRef,
  DatasetMigrationsClient,
  type ConsumerLedgerPageQuery,
  type DatasetMigrationsApi,
} from './api';
export {
  isDatasetEntity,
  isDatasetConsumerEntity,
} from '@dataset-migrations/plugin-dataset-migrations-common';
