import { createConditionExports } from '@backstage/plugin-permission-node';
import { datasetMigrationPermissionResourceRef } from '@dataset-migrations/plugin-dataset-migrations-node';
import { isDataset, isDatasetOwner, isRequester } from './rules';

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
