import { createPermissionResourceRef } from '@backstage/plugin-permission-node';
import {
  RESOURCE_TYPE_DATASET_MIGRATION,
  type Migration,
} from '@dataset-migrations/plugin-dataset-migrations-common';

/**
 * A condition on migration runs as the backend applies it in SQL: the run's
 * `requestedBy`, its dataset (`entityRef`) or its dataset's owner at request time
 * (`datasetOwner`) is one of `values`.
 *
 * @public
 */
export type MigrationPermissionFilter = {
  key: 'requestedBy' | 'entityRef' | 'datasetOwner';
  values: string[];
};

/**
 * The migration-run resource, for permission rules and conditional decisions.
 *
 * @public
 */
export const datasetMigrationPermissionResourceRef =
  createPermissionResourceRef<Migration, MigrationPermissionFilter>().with({
    pluginId: 'dataset-migrations',
    resourceType: RESOURCE_TYPE_DATASET_MIGRATION,
  });
