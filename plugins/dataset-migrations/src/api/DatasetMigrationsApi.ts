import { createApiRef } from '@backstage/core-plugin-api';
import type {
  CreateMigrationRequest,
  InferenceEvidence,
  TargetSchema,
  DatasetDetails,
  DatasetSummary,
  Migration,
  MigrationDetails,
  MigrationPlan,
} from '@dataset-migrations/plugin-dataset-migrations-common';

export interface InferredSpec {
  spec: CreateMigrationRequest;
  evidence: InferenceEvidence[];
}

export interface DatasetMigrationsApi {
  listDatasets(): Promise<DatasetSummary[]>;
  /** The dataset with its live schema, introspected on its engine. */
  getDataset(entityRef: string): Promise<DatasetDetails>;
  /** The plan a request would execute; changes nothing. A string is a spec in YAML or JSON. */
  planMigration(
    request: CreateMigrationRequest | string,
  ): Promise<MigrationPlan>;
  createMigration(request: CreateMigrationRequest | string): Promise<Migration>;
  /** A spec to a desired schema, with the evidence for each change. */
  inferSpec(target: TargetSchema): Promise<InferredSpec>;
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
