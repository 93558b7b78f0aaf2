/**
 * Conditions for permission policies on dataset-migration runs and campaigns,
 * and the campaign rules that resolve them.
 *
 * @packageDocumentation
 */
export {
  datasetMigrationConditions,
  createDatasetMigrationConditionalDecision,
  datasetMigrationCampaignConditions,
  createDatasetMigrationCampaignConditionalDecision,
  datasetMigrationCampaignPermissionRules,
} from './permissions/conditions';
