/**
 * Conditions for permission policies on dataset-migration runs.
 *
 * @packageDocumentation
 */
export {
  datasetMigrationConditions,
  createDatasetMigrationConditionalDecision,
} from './permissions/conditions';
