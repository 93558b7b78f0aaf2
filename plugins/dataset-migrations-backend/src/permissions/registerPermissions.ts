import type { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import {
  createConditionTransformer,
  type ConditionTransformer,
} from '@backstage/plugin-permission-node';
import {
  datasetMigrationEntityPermissions,
  datasetMigrationCampaignPermissions,
  datasetMigrationRunPermissions,
  type Migration,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  datasetMigrationPermissionResourceRef,
  type MigrationPermissionFilter,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import { migrationPermissionRules } from './rules';

/** A run id; anything else names no run (and Postgres's uuid type would refuse it). */
const RUN_ID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Registers the plugin's permissions, and the migration-run resource with its
 * rules, so policies and RBAC tooling find them and the permission backend can
 * resolve a conditional decision on one run. Call in `init`: the registry refuses
 * additions once the plugin has started. Returns what turns a conditional
 * decision on runs into the filter the store applies in SQL.
 */
export function registerPermissions(
  registry: PermissionsRegistryService,
  runs: { getMigrationWithPlan(id: string): Promise<Migration | undefined> },
): ConditionTransformer<MigrationPermissionFilter> {
  registry.addResourceType({
    resourceRef: datasetMigrationPermissionResourceRef,
    permissions: datasetMigrationRunPermissions,
    rules: migrationPermissionRules,
    getResources: ids =>
      Promise.all(
        ids.map(async id =>
          RUN_ID.test(id) ? runs.getMigrationWithPlan(id) : undefined,
        ),
      ),
  });
  registry.addPermissions(datasetMigrationEntityPermissions);
  registry.addPermissions(datasetMigrationCampaignPermissions);
  return createConditionTransformer(
    registry.getPermissionRuleset(datasetMigrationPermissionResourceRef),
  );
}
