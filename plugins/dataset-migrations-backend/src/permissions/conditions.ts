import { createConditionExports } from '@backstage/plugin-permission-node';
import {
  datasetMigrationCampaignPermissionResourceRef,
  datasetMigrationPermissionResourceRef,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  campaignPermissionRules,
  isCampaignOwner,
  isDataset,
  isDatasetOwner,
  isRequester,
} from './rules';

const { conditions, createConditionalDecision } = createConditionExports({
  resourceRef: datasetMigrationPermissionResourceRef,
  rules: { isRequester, isDatasetOwner, isDataset },
});

/**
 * Conditions a permission policy can use on migration runs, e.g.
 * `datasetMigrationConditions.isRequester({ claims: user.identity.ownershipEntityRefs })`.
 *
 * @alpha
 */
export const datasetMigrationConditions = conditions;

/**
 * Builds a conditional decision on a migration-run permission from
 * {@link datasetMigrationConditions}.
 *
 * @alpha
 */
export const createDatasetMigrationConditionalDecision =
  createConditionalDecision;

const campaignExports = createConditionExports({
  resourceRef: datasetMigrationCampaignPermissionResourceRef,
  rules: { isCampaignOwner },
});

/**
 * Conditions a permission policy can use on campaigns, e.g.
 * `datasetMigrationCampaignConditions.isCampaignOwner({ claims: ownershipEntityRefs })`.
 *
 * @alpha
 */
export const datasetMigrationCampaignConditions = campaignExports.conditions;

/**
 * Builds a conditional decision on a campaign permission from
 * {@link datasetMigrationCampaignConditions}.
 *
 * @alpha
 */
export const createDatasetMigrationCampaignConditionalDecision =
  campaignExports.createConditionalDecision;

/**
 * The rules behind {@link datasetMigrationCampaignConditions}, to resolve a
 * policy's decision on a campaign where the plugin is not running (a policy's
 * tests) exactly as the plugin does.
 *
 * @alpha
 */
export const datasetMigrationCampaignPermissionRules = campaignPermissionRules;
