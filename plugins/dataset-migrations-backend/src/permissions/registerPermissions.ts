import type { PermissionsRegistryService } from '@backstage/backend-plugin-api';
import {
  createConditionTransformer,
  type ConditionTransformer,
} from '@backstage/plugin-permission-node';
import {
  datasetMigrationEntityPermissions,
  datasetMigrationCampaignCreatePermission,
  datasetMigrationCampaignManagePermission,
  datasetMigrationCampaignReadPermission,
  datasetMigrationRunPermissions,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  datasetMigrationCampaignPermissionResourceRef,
  datasetMigrationPermissionResourceRef,
  type MigrationPermissionFilter,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import type { CampaignStore } from '../database/CampaignStore';
import type { MigrationRequestStore } from '../database/MigrationRequestStore';
import { campaignPermissionRules, migrationPermissionRules } from './rules';

/** A run's or campaign's id; anything else names none (and Postgres's uuid type would refuse it). */
const RUN_ID =
  /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/**
 * Registers the plugin's permissions, and the migration-run and campaign
 * resources with their rules, so policies and RBAC tooling find them and the
 * permission backend can resolve a conditional decision on one run or campaign.
 * Call in `init`: the registry refuses additions once the plugin has started.
 * Returns what turns a conditional decision on runs into the filter the store
 * applies in SQL.
 */
export function registerPermissions(
  registry: PermissionsRegistryService,
  runs: Pick<MigrationRequestStore, 'listMigrations'>,
  campaigns: Pick<CampaignStore, 'getHeader'>,
): ConditionTransformer<MigrationPermissionFilter> {
  registry.addResourceType({
    resourceRef: datasetMigrationPermissionResourceRef,
    permissions: datasetMigrationRunPermissions,
    rules: migrationPermissionRules,
    // One query for every id, without plans: the rules read the run's columns only.
    getResources: async ids => {
      const valid = ids.filter(id => RUN_ID.test(id));
      const found = new Map(
        (valid.length
          ? await runs.listMigrations({ ids: valid, limit: valid.length })
          : []
        ).map(run => [run.id, run]),
      );
      // Stored in lower case; a route reads a run by its id in any case.
      return ids.map(id => found.get(id.toLowerCase()));
    },
  });
  registry.addResourceType({
    resourceRef: datasetMigrationCampaignPermissionResourceRef,
    permissions: [datasetMigrationCampaignManagePermission],
    rules: campaignPermissionRules,
    // A route acts on one campaign: one header read each.
    getResources: ids =>
      Promise.all(
        ids.map(id =>
          RUN_ID.test(id) ? campaigns.getHeader(id.toLowerCase()) : undefined,
        ),
      ),
  });
  registry.addPermissions(datasetMigrationEntityPermissions);
  registry.addPermissions([
    datasetMigrationCampaignReadPermission,
    datasetMigrationCampaignCreatePermission,
  ]);
  return createConditionTransformer(
    registry.getPermissionRuleset(datasetMigrationPermissionResourceRef),
  );
}
