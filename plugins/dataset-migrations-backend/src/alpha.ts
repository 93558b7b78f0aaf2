/**
 * Conditions for permission policies on dataset-migration runs and campaigns.
 *
 * @packageDocumentation
 */
export {
  datasetMigrationConditions,
  createDatasetMigrationConditionalDecision,
  datasetMigrationCampaignConditions,
  createDatasetMigrationCampaignConditionalDecision,
} from './permissions/conditions';
