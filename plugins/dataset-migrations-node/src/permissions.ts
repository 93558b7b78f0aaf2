import { createPermissionResourceRef } from '@backstage/plugin-permission-node';
import {
  RESOURCE_TYPE_DATASET_MIGRATION,
  RESOURCE_TYPE_DATASET_MIGRATION_CAMPAIGN,
  type CampaignSummary,
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

/**
 * What campaign rules read of a campaign: its header, not its datasets or
 * progress (a permission check loads no more than it needs).
 *
 * @public
 */
export type CampaignPermissionResource = Pick<
  CampaignSummary,
  'name' | 'title' | 'owner'
>;

/**
 * A condition on campaigns: the campaign's `owner` is one of `values`.
 *
 * @public
 */
export type CampaignPermissionFilter = {
  key: 'owner';
  values: string[];
};

/**
 * The campaign resource, for permission rules and conditional decisions.
 *
 * @public
 */
export const datasetMigrationCampaignPermissionResourceRef =
  createPermissionResourceRef<
    CampaignPermissionResource,
    CampaignPermissionFilter
  >().with({
    pluginId: 'dataset-migrations',
    resourceType: RESOURCE_TYPE_DATASET_MIGRATION_CAMPAIGN,
  });
