import type {
  AuditorService,
  AuditorServiceEventSeverityLevel,
  BackstageCredentials,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import { NotAllowedError } from '@backstage/errors';
import type { JsonObject } from '@backstage/types';
import {
  AuthorizeResult,
  type BasicPermission,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import type { ConditionTransformer } from '@backstage/plugin-permission-node';
import type { Request } from 'express';
import {
  datasetMigrationApprovePermission,
  datasetMigrationStartPermission,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { MigrationPermissionFilter } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { MigrationVisibility } from '../database/migrationVisibility';
import { namedFew } from '../validation/namedFew';
import { boundAuditError, boundAuditMeta } from '../audit/boundAudit';
import type { SeesRows, SeesRowsOf } from '../services/rowsWithheld';

/** Decisions asked of the permission backend in one request. */
const DECISIONS_PER_REQUEST = 100;

/**
 * The request-time checks every route makes: the caller's permission, with the
 * caller's own credentials (a check inside a job runs as the plugin and proves
 * nothing), and an audit event for every action that changes something.
 */

export class RequestGuard {
  constructor(
    private readonly deps: {
      permissions: PermissionsService;
      auditor: AuditorService;
      /** Turns a conditional decision on runs into a filter the store applies in SQL. */
      toMigrationFilter: ConditionTransformer<MigrationPermissionFilter>;
    },
  ) {}

  /**
   * Runs an action as one audit event: `initiated` now, then `succeeded`, or
   * `failed` with the error (a denied permission included), which is rethrown.
   * What the event records is bounded (see boundAuditMeta): its meta may hold
   * what the request sent, before that was checked.
   */
  async audited<T>(
    request: Request,
    event: {
      eventId: string;
      severityLevel: AuditorServiceEventSeverityLevel;
      meta?: JsonObject;
    },
    action: (addMeta: (meta: JsonObject) => void) => Promise<T>,
  ): Promise<T> {
    const meta: JsonObject = { ...event.meta };
    const auditEvent = await this.deps.auditor.createEvent({
      eventId: event.eventId,
      severityLevel: event.severityLevel,
      request,
      meta: boundAuditMeta(meta),
    });
    try {
      const result = await action(more => Object.assign(meta, more));
      await auditEvent.success({ meta: boundAuditMeta(meta) });
      return result;
    } catch (error) {
      await auditEvent.fail({
        error: boundAuditError(error as Error),
        meta: boundAuditMeta(meta),
      });
      throw error;
    }
  }

  /** Throws 403 naming the permission unless the caller holds it (a basic permission: no resource). */
  async assertAllowed(
    credentials: BackstageCredentials,
    permission: BasicPermission,
  ): Promise<void> {
    const [decision] = await this.deps.permissions.authorize([{ permission }], {
      credentials,
    });
    if (decision.result !== AuthorizeResult.ALLOW)
      throw new NotAllowedError(
        `not allowed: permission ${permission.name} was denied`,
      );
  }

  /** Of these entities, those the caller holds the permission on. */
  async allowedEntities(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    entityRefs: string[],
  ): Promise<Set<string>> {
    const allowed = await this.isAllowedOnEntities(
      credentials,
      permission,
      entityRefs,
    );
    return new Set(entityRefs.filter((_, i) => allowed[i]));
  }

  /** Whether the caller holds a permission on a catalog entity (dataset or consumer). */
  async isAllowedOnEntity(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    entityRef: string,
  ): Promise<boolean> {
    const [decision] = await this.deps.permissions.authorize(
      [{ permission, resourceRef: entityRef }],
      { credentials },
    );
    return decision.result === AuthorizeResult.ALLOW;
  }

  /** Whether the caller holds a permission on each entity, in order (batched). */
  async isAllowedOnEntities(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    entityRefs: string[],
  ): Promise<boolean[]> {
    const allowed: boolean[] = [];
    // In batches: the permission backend reads a body of 100 kB at most, about
    // 500 decisions, and answers a larger one 413.
    for (let i = 0; i < entityRefs.length; i += DECISIONS_PER_REQUEST) {
      const decisions = await this.deps.permissions.authorize(
        entityRefs
          .slice(i, i + DECISIONS_PER_REQUEST)
          .map(resourceRef => ({ permission, resourceRef })),
        { credentials },
      );
      allowed.push(...decisions.map(d => d.result === AuthorizeResult.ALLOW));
    }
    return allowed;
  }

  /** Throws 403 naming the permission unless the caller holds it on the entity. */
  async assertAllowedOnEntity(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    entityRef: string,
  ): Promise<void> {
    if (!(await this.isAllowedOnEntity(credentials, permission, entityRef))) {
      throw denied(permission.name, entityRef);
    }
  }

  /**
   * All or nothing: throws 403 naming the permission and every entity it was
   * denied on unless the caller holds it on each one (batched).
   */
  async assertAllowedOnEntities(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    entityRefs: string[],
  ): Promise<void> {
    const allowed = await this.isAllowedOnEntities(
      credentials,
      permission,
      entityRefs,
    );
    const refused = entityRefs.filter((_, i) => !allowed[i]);
    if (refused.length > 0) throw denied(permission.name, namedFew(refused));
  }

  /**
   * The datasets, of these, whose rows the caller may read through runs (a dry
   * run and its sample, why a run failed, a shadow check's rows): rows are data,
   * not catalog metadata, so only who may start or approve a migration of the
   * dataset sees them, not a requester who may only ask for one.
   */
  seesRowsOf(credentials: BackstageCredentials): SeesRowsOf {
    return async entityRefs => {
      const seen = new Set<string>();
      for (const permission of [
        datasetMigrationStartPermission,
        datasetMigrationApprovePermission,
      ]) {
        const rest = entityRefs.filter(ref => !seen.has(ref));
        const allowed = await this.isAllowedOnEntities(
          credentials,
          permission,
          rest,
        );
        rest.forEach((ref, i) => allowed[i] && seen.add(ref));
      }
      return seen;
    };
  }

  /** `seesRowsOf` for one dataset. */
  seesRowsIn(credentials: BackstageCredentials): SeesRows {
    const seesRowsOf = this.seesRowsOf(credentials);
    return async entityRef => (await seesRowsOf([entityRef])).has(entityRef);
  }

  /** Throws 403 naming the permission unless the caller holds it on the run. */
  async assertAllowedOnMigration(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'dataset-migration'>,
    migrationId: string,
  ): Promise<void> {
    const [decision] = await this.deps.permissions.authorize(
      [{ permission, resourceRef: migrationId }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw denied(permission.name, `migration ${migrationId}`);
    }
  }

  /**
   * Throws 403 naming the permission unless the caller holds it on the campaign
   * (a policy's conditions are resolved against the stored campaign).
   */
  async assertAllowedOnCampaign(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'dataset-migrations-campaign'>,
    campaignId: string,
  ): Promise<void> {
    const [decision] = await this.deps.permissions.authorize(
      [{ permission, resourceRef: campaignId }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw denied(permission.name, `campaign ${campaignId}`);
    }
  }

  /** Which runs the caller may read, for list endpoints to filter in SQL. */
  async migrationVisibility(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'dataset-migration'>,
  ): Promise<MigrationVisibility> {
    const [decision] = await this.deps.permissions.authorizeConditional(
      [{ permission }],
      { credentials },
    );
    if (decision.result === AuthorizeResult.ALLOW) return { type: 'all' };
    if (decision.result !== AuthorizeResult.CONDITIONAL)
      return { type: 'none' };
    return {
      type: 'conditional',
      filter: this.deps.toMigrationFilter(decision.conditions),
    };
  }
}

function denied(permission: string, resource: string): NotAllowedError {
  return new NotAllowedError(
    `not allowed: permission ${permission} on ${resource} was denied`,
  );
}
