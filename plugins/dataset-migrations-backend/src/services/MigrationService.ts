import type {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import {
  datasetMigrationStartPermission,
  type Migration,
  type PlanResponse,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { MigrationStore } from '../database/MigrationStore';
import type { MigrationVisibility } from '../database/migrationVisibility';
import type { EngineRegistry } from '../engines/EngineRegistry';
import type { JobQueue } from '../queue/JobQueue';
import type { DatasetCatalog } from '../catalog/DatasetCatalog';
import type { MigrationAnnouncer } from '../announcements/MigrationAnnouncer';
import type { ApprovalRequirement } from '../config/readPluginConfig';
import type { ConsumerLedgerPort } from './ConsumerLedgerPort';
import {
  approvalReasons,
  MigrationApprovals,
  type EntityPermissions,
} from './MigrationApprovals';
import { MigrationPlanner } from './MigrationPlanner';
import { MigrationQueries } from './MigrationQueries';
import { MigrationCommands } from './MigrationCommands';
import { MigrationOperations } from './MigrationOperations';
import type { SeesRows, SeesRowsOf } from './rowsWithheld';

/**
 * What the router serves, in one place: queries read, commands queue and stop
 * runs, operations roll back and contract finished ones. The rules of the product
 * live in those modules, not in the routes.
 */
export class MigrationService {
  private readonly queries: MigrationQueries;
  private readonly commands: MigrationCommands;
  private readonly operations: MigrationOperations;
  private readonly approvals: MigrationApprovals;
  private readonly approvalsRequired: readonly ApprovalRequirement[];
  private readonly permissions: EntityPermissions;

  constructor(deps: {
    store: MigrationStore;
    catalog: DatasetCatalog;
    engines: EngineRegistry;
    queue: Pick<
      JobQueue,
      | 'enqueueMigration'
      | 'enqueueConsumerDiscovery'
      | 'enqueueOperation'
      | 'enqueueOperationOnce'
    >;
    /** The consumer ledger; without it, migrations ignore consumers. */
    consumers?: ConsumerLedgerPort;
    /** How long a previous version is kept after its migration succeeded. */
    retentionMs: number;
    /** How long a rollback or contract request waits for its job; 20 s unless set. */
    operationWaitMs?: number;
    /** The caller's permissions on a dataset, checked at request time. */
    permissions: EntityPermissions;
    /** What makes a migration wait for an approval (`datasetMigrations.approvals.required`). */
    approvalsRequired: readonly ApprovalRequirement[];
    /** Tells people, portals and plugins what happened; none in some tests. */
    announcer?: MigrationAnnouncer;
  }) {
    const {
      store,
      catalog,
      engines,
      queue,
      consumers,
      permissions,
      announcer,
    } = deps;
    this.approvalsRequired = deps.approvalsRequired;
    this.permissions = permissions;
    const planner = new MigrationPlanner({ store, catalog, engines });
    this.queries = new MigrationQueries({
      store,
      catalog,
      engines,
      planner,
      consumers,
      retentionMs: deps.retentionMs,
    });
    this.commands = new MigrationCommands({
      store,
      queue,
      planner,
      queries: this.queries,
      consumers,
      permissions,
      approvalsRequired: deps.approvalsRequired,
      announcer,
    });
    this.approvals = new MigrationApprovals({
      store,
      queue,
      permissions,
      announcer,
    });
    this.operations = new MigrationOperations({
      store,
      queue,
      queries: this.queries,
      consumers,
      permissions,
      retentionMs: deps.retentionMs,
      waitMs: deps.operationWaitMs,
    });
  }

  listDatasets(
    credentials: BackstageCredentials,
    visibility: MigrationVisibility,
  ) {
    return this.queries.listDatasets(credentials, visibility);
  }

  getDataset(
    entityRef: string,
    credentials: BackstageCredentials,
    visibility: MigrationVisibility,
  ) {
    return this.queries.getDataset(entityRef, credentials, visibility);
  }

  inferSpec(
    body: unknown,
    credentials: BackstageCredentials,
    seesRows?: SeesRows,
  ) {
    return this.queries.inferSpec(body, credentials, seesRows);
  }

  /** The plan, and whether the caller's migration would wait for an approval. */
  async planMigration(
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<PlanResponse> {
    const { plan, dryRun } = await this.queries.planMigration(
      body,
      credentials,
    );
    // As createMigration decides: a dry run changes nothing and waits for no one.
    if (dryRun) return { plan };
    const reasons = approvalReasons({
      required: this.approvalsRequired,
      plan,
      mayStart: await this.permissions.isAllowedOnEntity(
        credentials,
        datasetMigrationStartPermission,
        plan.entityRef,
      ),
    });
    return { plan, ...(reasons.length > 0 ? { approval: { reasons } } : {}) };
  }

  listMigrations(
    entityRef: string | undefined,
    limit: number,
    visibility: MigrationVisibility,
    seesRowsOf?: SeesRowsOf,
  ) {
    return this.queries.listMigrations(
      entityRef,
      limit,
      visibility,
      seesRowsOf,
    );
  }

  getMigration(
    id: string,
    credentials?: BackstageCredentials,
    seesRows?: SeesRows,
  ) {
    return this.queries.getMigration(id, credentials, seesRows);
  }

  /** A run without steps and logs (404 when there is none), e.g. to check a permission on its dataset. */
  findMigration(id: string) {
    return this.queries.findMigration(id);
  }

  getMigratedState(
    entityRef: string,
    credentials: Parameters<MigrationQueries['getMigratedState']>[1],
  ) {
    return this.queries.getMigratedState(entityRef, credentials);
  }

  createMigration(
    body: unknown,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ) {
    return this.commands.createMigration(body, credentials);
  }

  /** A campaign's migration of one dataset (see {@link MigrationCommands.createCampaignMigration}). */
  createCampaignMigration(
    body: unknown,
    options: Parameters<MigrationCommands['createCampaignMigration']>[1],
  ) {
    return this.commands.createCampaignMigration(body, options);
  }

  /** A campaign migration's checks and plan, made ahead of its start (see {@link MigrationCommands.prepareCampaignMigration}). */
  prepareCampaignMigration(body: unknown, credentials: BackstageCredentials) {
    return this.commands.prepareCampaignMigration(body, credentials);
  }

  /** A rollback a campaign's failure policy asks for, queued without waiting. */
  requestRollback(
    id: string,
    request: Parameters<MigrationOperations['requestRollback']>[1],
  ) {
    return this.operations.requestRollback(id, request);
  }

  /** A contract the system asks for (see {@link MigrationOperations.requestContract}). */
  requestContract(
    id: string,
    request: Parameters<MigrationOperations['requestContract']>[1],
  ) {
    return this.operations.requestContract(id, request);
  }

  cancelMigration(
    id: string,
    actor?: string,
    read?: Migration,
    reason?: string,
  ) {
    return this.commands.cancelMigration(id, actor, read, reason);
  }

  retryMigration(
    id: string,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ) {
    return this.commands.retryMigration(id, credentials);
  }

  approveMigration(
    id: string,
    body: unknown,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ) {
    return this.approvals.approve(id, body, credentials);
  }

  rejectMigration(
    id: string,
    body: unknown,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ) {
    return this.approvals.reject(id, body, credentials);
  }

  rollbackMigration(
    id: string,
    credentials: BackstageCredentials,
    body: unknown = {},
  ) {
    return this.operations.rollbackMigration(id, credentials, body);
  }

  contractMigration(
    id: string,
    body: unknown,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ) {
    return this.operations.contractMigration(id, body, credentials);
  }
}
