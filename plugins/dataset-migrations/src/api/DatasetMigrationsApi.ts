import { createApiRef } from '@backstage/core-plugin-api';
import type {
  CreateMigrationRequest,
  DatasetDetails,
  DatasetSummary,
  Migration,
  MigrationDetails,
  MigrationPlan,
} from '@dataset-migrations/plugin-dataset-migrations-common';

export interface DatasetMigrationsApi {
  listDatasets(): Promise<DatasetSummary[]>;
  /** The dataset with its live schema, introspected on its engine. */
  getDataset(entityRef: string): Promise<DatasetDetails>;
  /** The plan a request would execute; changes nothing. */
  planMigration(request: CreateMigrationRequest): Promise<MigrationPlan>;
  createMigration(request: CreateMigrationRequest): Promise<Migration>;
  listMigrations(entityRef: string): Promise<Migration[]>;
  getMigration(id: string): Promise<MigrationDetails>;
  cancelMigration(id: string): Promise<Migration>;
  retryMigration(id: string): Promise<Migration>;
  /** Puts readers back on the previous version, losing no write made since. */
  rollbackMigration(id: string): Promise<Migration>;
  /** Drops the previous version, after the retention period. */
  contractMigration(id: string): Promise<Migration>;
}

export const datasetMigrationsApiRef = createApiRef<DatasetMigrationsApi>({
  id: 'plugin.dataset-migrations.api',
});
