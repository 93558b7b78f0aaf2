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
  EntityMigrationHistoryContent,
} from './plugin';
export {
  datasetMigrationsApiRef,
  DatasetMigrationsClient,
  type DatasetMigrationsApi,
} from './api';
export { isDatasetEntity } from '@dataset-migrations/plugin-dataset-migrations-common';
