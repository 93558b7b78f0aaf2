import { createPermission } from '@backstage/plugin-permission-common';

/**
 * The resource type of a migration run, for permissions checked against one run
 * (read, cancel, retry). Its rules are registered by the backend plugin.
 *
 * @public
 */
export const RESOURCE_TYPE_DATASET_MIGRATION = 'dataset-migration';

/**
 * The catalog's resource type: permissions that act on a dataset (or a consumer)
 * are checked against its entity, so a policy can use the catalog's own
 * conditions such as `isEntityOwner`.
 *
 * @public
 */
export const RESOURCE_TYPE_CATALOG_ENTITY = 'catalog-entity';

/**
 * The resource type of a campaign, for permissions checked against one campaign
 * (manage), so a policy can limit them to the campaign's owner. Its rules are
 * registered by the backend plugin.
 *
 * @public
 */
export const RESOURCE_TYPE_DATASET_MIGRATION_CAMPAIGN =
  'dataset-migrations-campaign';

/**
 * Ask for a migration of a dataset. Without {@link datasetMigrationStartPermission}
 * the request waits for an approval by someone who may approve it.
 *
 * @public
 */
export const datasetMigrationRequestPermission = createPermission({
  name: 'dataset-migrations.migration.request',
  attributes: { action: 'create' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Start a migration of a dataset without anyone else's approval (a breaking change
 * may still need one, as configured).
 *
 * @public
 */
export const datasetMigrationStartPermission = createPermission({
  name: 'dataset-migrations.migration.start',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Approve or reject a migration of a dataset that awaits approval.
 *
 * @public
 */
export const datasetMigrationApprovePermission = createPermission({
  name: 'dataset-migrations.migration.approve',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Approve one's own request. Without it, a requester's approval is refused even
 * when they may approve others' requests.
 *
 * @public
 */
export const datasetMigrationApproveOwnPermission = createPermission({
  name: 'dataset-migrations.migration.approve-own',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Put a dataset's readers back on its previous version.
 *
 * @public
 */
export const datasetMigrationRollbackPermission = createPermission({
  name: 'dataset-migrations.migration.rollback',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Drop a dataset's previous version for good.
 *
 * @public
 */
export const datasetMigrationContractPermission = createPermission({
  name: 'dataset-migrations.migration.contract',
  attributes: { action: 'delete' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * Decide what happens to a consumer, retry it or merge its pull request; checked
 * against the consumer's entity.
 *
 * @public
 */
export const datasetMigrationConsumerUpdatePermission = createPermission({
  name: 'dataset-migrations.consumer.update',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_CATALOG_ENTITY,
});

/**
 * See a migration run: its plan, steps, logs and consumer ledger. List endpoints
 * return only the runs this allows.
 *
 * @public
 */
export const datasetMigrationReadPermission = createPermission({
  name: 'dataset-migrations.migration.read',
  attributes: { action: 'read' },
  resourceType: RESOURCE_TYPE_DATASET_MIGRATION,
});

/**
 * Cancel a queued or running migration.
 *
 * @public
 */
export const datasetMigrationCancelPermission = createPermission({
  name: 'dataset-migrations.migration.cancel',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_DATASET_MIGRATION,
});

/**
 * Queue a failed or cancelled migration again.
 *
 * @public
 */
export const datasetMigrationRetryPermission = createPermission({
  name: 'dataset-migrations.migration.retry',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_DATASET_MIGRATION,
});

/**
 * See campaigns and plan one (planning changes nothing). Basic: a campaign spans
 * many owners' datasets, and what it shows of each run still follows the read
 * permission on runs.
 *
 * @public
 */
export const datasetMigrationCampaignReadPermission = createPermission({
  name: 'dataset-migrations.campaign.read',
  attributes: { action: 'read' },
});

/**
 * Create a campaign (a draft; nothing runs until it is started).
 *
 * @public
 */
export const datasetMigrationCampaignCreatePermission = createPermission({
  name: 'dataset-migrations.campaign.create',
  attributes: { action: 'create' },
});

/**
 * Start, pause, resume and abort a campaign; checked against the campaign, so a
 * policy can allow it only to the campaign's owner. Starting also needs the
 * request permission on every dataset the campaign migrates; each migration is
 * requested in the name of the person who started it and is approved as theirs
 * would be.
 *
 * @public
 */
export const datasetMigrationCampaignManagePermission = createPermission({
  name: 'dataset-migrations.campaign.manage',
  attributes: { action: 'update' },
  resourceType: RESOURCE_TYPE_DATASET_MIGRATION_CAMPAIGN,
});

/**
 * Campaign permissions: read and create are basic, manage is checked against
 * the campaign.
 *
 * @public
 */
export const datasetMigrationCampaignPermissions = [
  datasetMigrationCampaignReadPermission,
  datasetMigrationCampaignCreatePermission,
  datasetMigrationCampaignManagePermission,
];

/**
 * Permissions checked against a dataset's (or consumer's) catalog entity.
 *
 * @public
 */
export const datasetMigrationEntityPermissions = [
  datasetMigrationRequestPermission,
  datasetMigrationStartPermission,
  datasetMigrationApprovePermission,
  datasetMigrationApproveOwnPermission,
  datasetMigrationRollbackPermission,
  datasetMigrationContractPermission,
  datasetMigrationConsumerUpdatePermission,
];

/**
 * Permissions checked against a migration run.
 *
 * @public
 */
export const datasetMigrationRunPermissions = [
  datasetMigrationReadPermission,
  datasetMigrationCancelPermission,
  datasetMigrationRetryPermission,
];

/**
 * Every permission of the plugin, for policies and RBAC tooling.
 *
 * @public
 */
export const datasetMigrationPermissions = [
  ...datasetMigrationEntityPermissions,
  ...datasetMigrationRunPermissions,
  ...datasetMigrationCampaignPermissions,
];
