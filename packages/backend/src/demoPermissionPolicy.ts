import {
  coreServices,
  createBackendModule,
  type UserInfoService,
} from '@backstage/backend-plugin-api';
import {
  catalogConditions,
  createCatalogConditionalDecision,
} from '@backstage/plugin-catalog-backend/alpha';
import {
  AuthorizeResult,
  isResourcePermission,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  createDatasetMigrationCampaignConditionalDecision,
  createDatasetMigrationConditionalDecision,
  datasetMigrationCampaignConditions,
  datasetMigrationConditions,
} from '@dataset-migrations/plugin-dataset-migrations-backend/alpha';
import {
  datasetMigrationApproveOwnPermission,
  datasetMigrationApprovePermission,
  datasetMigrationCampaignCreatePermission,
  datasetMigrationCampaignManagePermission,
  datasetMigrationCampaignReadPermission,
  datasetMigrationCancelPermission,
  datasetMigrationConsumerUpdatePermission,
  datasetMigrationContractPermission,
  datasetMigrationPermissions,
  datasetMigrationReadPermission,
  datasetMigrationRequestPermission,
  datasetMigrationRetryPermission,
  datasetMigrationRollbackPermission,
  datasetMigrationStartPermission,
  RESOURCE_TYPE_CATALOG_ENTITY,
  RESOURCE_TYPE_DATASET_MIGRATION,
  RESOURCE_TYPE_DATASET_MIGRATION_CAMPAIGN,
} from '@dataset-migrations/plugin-dataset-migrations-common';

/** Members of these groups may do everything in the demo. */
export const DEMO_ADMIN_GROUPS = ['group:default/admins'];

/** Acts on a dataset (or a consumer): allowed to the entity's owners. */
const OWNER_ENTITY_PERMISSIONS = new Set(
  [
    datasetMigrationStartPermission,
    datasetMigrationApprovePermission,
    datasetMigrationApproveOwnPermission,
    datasetMigrationRollbackPermission,
    datasetMigrationContractPermission,
    datasetMigrationConsumerUpdatePermission,
  ].map(p => p.name),
);

/** Acts on a run: allowed to whoever asked for it and to its dataset's owners. */
const REQUESTER_OR_OWNER_RUN_PERMISSIONS = new Set(
  [datasetMigrationCancelPermission, datasetMigrationRetryPermission].map(
    p => p.name,
  ),
);

/** Open to everyone signed in. */
const SIGNED_IN_PERMISSIONS = new Set(
  [
    datasetMigrationRequestPermission,
    datasetMigrationReadPermission,
    datasetMigrationCampaignReadPermission,
  ].map(p => p.name),
);

/** The platform team runs campaigns; each migration still needs its dataset's rights. */
export const DEMO_CAMPAIGN_GROUPS = ['group:default/data-platform'];

const PLUGIN_PERMISSIONS = new Set(
  datasetMigrationPermissions.map(p => p.name),
);

/**
 * The demo portal's policy: admins may do everything; a dataset's owner group may
 * start, approve, roll back and contract its migrations; a consumer's owner group
 * decides for that consumer; a run may be cancelled or retried by its requester or
 * its dataset's owners; everyone signed in may read runs and campaigns and request
 * migrations; the platform team (data-platform) may create campaigns and run
 * those owned by a group they are in.
 * Every other plugin's permissions (the catalog's own, …) stay allowed, as under
 * the allow-all policy this replaces.
 *
 * Ownership claims (the user and their groups) come from the user's token through
 * the user-info service; `PolicyQueryUser.info` is deprecated.
 */
export class DemoPermissionPolicy implements PermissionPolicy {
  constructor(
    private readonly userInfo: UserInfoService,
    private readonly adminGroups: string[] = DEMO_ADMIN_GROUPS,
  ) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const { permission } = request;
    if (!PLUGIN_PERMISSIONS.has(permission.name)) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (!user) return { result: AuthorizeResult.DENY };

    const { ownershipEntityRefs: claims } = await this.userInfo.getUserInfo(
      user.credentials,
    );
    if (claims.some(ref => this.adminGroups.includes(ref))) {
      return { result: AuthorizeResult.ALLOW };
    }
    if (SIGNED_IN_PERMISSIONS.has(permission.name)) {
      return { result: AuthorizeResult.ALLOW };
    }
    const runsCampaigns = claims.some(ref =>
      DEMO_CAMPAIGN_GROUPS.includes(ref),
    );
    if (permission.name === datasetMigrationCampaignCreatePermission.name) {
      return {
        result: runsCampaigns ? AuthorizeResult.ALLOW : AuthorizeResult.DENY,
      };
    }
    if (
      runsCampaigns &&
      permission.name === datasetMigrationCampaignManagePermission.name &&
      isResourcePermission(permission, RESOURCE_TYPE_DATASET_MIGRATION_CAMPAIGN)
    ) {
      // Only campaigns their own groups own: another team's campaign is theirs to run.
      return createDatasetMigrationCampaignConditionalDecision(
        permission,
        datasetMigrationCampaignConditions.isCampaignOwner({ claims }),
      );
    }
    if (
      OWNER_ENTITY_PERMISSIONS.has(permission.name) &&
      isResourcePermission(permission, RESOURCE_TYPE_CATALOG_ENTITY)
    ) {
      return createCatalogConditionalDecision(
        permission,
        catalogConditions.isEntityOwner({ claims }),
      );
    }
    if (
      REQUESTER_OR_OWNER_RUN_PERMISSIONS.has(permission.name) &&
      isResourcePermission(permission, RESOURCE_TYPE_DATASET_MIGRATION)
    ) {
      return createDatasetMigrationConditionalDecision(permission, {
        anyOf: [
          datasetMigrationConditions.isRequester({ claims }),
          datasetMigrationConditions.isDatasetOwner({ claims }),
        ],
      });
    }
    return { result: AuthorizeResult.DENY };
  }
}

/** Installs {@link DemoPermissionPolicy} as the permission backend's policy. */
export const demoPermissionPolicyModule = createBackendModule({
  pluginId: 'permission',
  moduleId: 'demo-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        userInfo: coreServices.userInfo,
      },
      async init({ policy, userInfo }) {
        policy.setPolicy(new DemoPermissionPolicy(userInfo));
      },
    });
  },
});
