import { createHash } from 'node:crypto';
import type {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  approveMigrationRequestSchema,
  datasetMigrationApproveOwnPermission,
  datasetMigrationApprovePermission,
  rejectMigrationRequestSchema,
  type ApprovalDecision,
  type Migration,
  type MigrationApproval,
  type MigrationPlan,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { MigrationAnnouncer } from '../announcements/MigrationAnnouncer';
import type { ApprovalRequirement } from '../config/readPluginConfig';
import type { MigrationStore } from '../database/MigrationStore';
import type { JobQueue } from '../queue/JobQueue';
import { parseInput } from '../validation/parseInput';
import type { SeesRowsOf } from './rowsWithheld';

/**
 * The caller's permissions on a catalog entity, checked with the caller's own
 * credentials at request time (the request guard answers this).
 */
export interface EntityPermissions {
  isAllowedOnEntity(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    entityRef: string,
  ): Promise<boolean>;
  /** The datasets, of these, whose rows the caller may see (see RequestGuard). */
  seesRowsOf(credentials: BackstageCredentials): SeesRowsOf;
  /** Throws 403 naming the permission unless the caller holds it. */
  assertAllowedOnEntity(
    credentials: BackstageCredentials,
    permission: ResourcePermission<'catalog-entity'>,
    entityRef: string,
  ): Promise<void>;
}

const REASONS: Record<ApprovalRequirement, string> = {
  always: 'every migration needs an approval here',
  breaking: 'the change is breaking',
  'requester-may-not-start':
    'the requester may not start migrations of this dataset',
};

/**
 * Why a real migration must wait for an approval, as configured (a dry run never
 * does: it touches nothing).
 */
export function approvalReasons(options: {
  required: readonly ApprovalRequirement[];
  plan?: MigrationPlan;
  mayStart: boolean;
}): string[] {
  const applies: Record<ApprovalRequirement, boolean> = {
    always: true,
    breaking: options.plan?.compatibility.class === 'breaking',
    'requester-may-not-start': !options.mayStart,
  };
  return options.required.filter(r => applies[r]).map(r => REASONS[r]);
}

/**
 * What an approval approves: the request (its fingerprint) and the plan it pins,
 * so what was approved is what runs. Canonical JSON: the plan read back from jsonb
 * has its keys in another order than the one planned.
 */
export function requestDigest(
  fingerprint: string,
  plan: MigrationPlan | undefined,
): string {
  return createHash('sha256')
    .update(canonicalJson([fingerprint, plan ?? null]))
    .digest('hex');
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value && typeof value === 'object') {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => compareKeys(a, b));
    return `{${entries
      .map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`)
      .join(',')}}`;
  }
  return JSON.stringify(value ?? null);
}

/** Orders object keys by code unit, as `<` compares them. */
function compareKeys(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}

/**
 * Approves or rejects migrations that await approval: the decision, who made it
 * and when are kept with the run; an approval queues it, a rejection ends it.
 */
export class MigrationApprovals {
  constructor(
    private readonly deps: {
      store: Pick<MigrationStore, 'getMigrationWithPlan' | 'decideApproval'>;
      queue: Pick<JobQueue, 'enqueueMigration'>;
      permissions: EntityPermissions;
      announcer?: MigrationAnnouncer;
    },
  ) {}

  async approve(
    id: string,
    body: unknown,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<Migration> {
    const request = parseInput(approveMigrationRequestSchema, body, 'approval');
    return this.decide(id, credentials, {
      outcome: 'approved',
      requestDigest: request.requestDigest,
      comment: request.comment,
    });
  }

  async reject(
    id: string,
    body: unknown,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<Migration> {
    const request = parseInput(rejectMigrationRequestSchema, body, 'rejection');
    return this.decide(id, credentials, {
      outcome: 'rejected',
      requestDigest: request.requestDigest,
      comment: request.comment,
    });
  }

  private async decide(
    id: string,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
    asked: {
      outcome: ApprovalDecision['outcome'];
      requestDigest?: string;
      comment?: string;
    },
  ): Promise<Migration> {
    const { store, queue, permissions, announcer } = this.deps;
    const migration = await store.getMigrationWithPlan(id);
    if (!migration) throw new NotFoundError(`migration ${id} was not found`);
    const actor = credentials.principal.userEntityRef;
    // Rights first: whoever may not decide learns nothing about the run's state.
    await permissions.assertAllowedOnEntity(
      credentials,
      datasetMigrationApprovePermission,
      migration.entityRef,
    );
    if (
      migration.requestedBy === actor &&
      !(await permissions.isAllowedOnEntity(
        credentials,
        datasetMigrationApproveOwnPermission,
        migration.entityRef,
      ))
    ) {
      throw new NotAllowedError(
        `not allowed: a requester cannot ${
          asked.outcome === 'approved' ? 'approve' : 'reject'
        } their own request (permission ${
          datasetMigrationApproveOwnPermission.name
        } on ${
          migration.entityRef
        } was denied); cancel it instead, or ask another approver`,
      );
    }
    assertDecidable(migration, asked.requestDigest);

    const decision: ApprovalDecision = {
      outcome: asked.outcome,
      by: actor,
      at: new Date().toISOString(),
      ...(asked.comment ? { comment: asked.comment } : {}),
    };
    const decided = await store.decideApproval(
      id,
      decision,
      asked.requestDigest,
      (tx, migrationId) => queue.enqueueMigration(tx, migrationId),
    );
    if (!decided) {
      // Another decision, a cancel or a new request came first: say which.
      const now = await store.getMigrationWithPlan(id);
      if (now) assertDecidable(now, asked.requestDigest);
      throw new ConflictError(
        `migration ${id} changed while this decision was made; review it again`,
      );
    }
    await announcer?.migrationChanged({
      migrationId: id,
      outcome: asked.outcome,
      actor,
      reason: asked.comment,
    });
    return decided;
  }
}

/** 409 with the reason unless the run awaits approval of the digest reviewed. */
function assertDecidable(migration: Migration, reviewedDigest?: string): void {
  if (migration.status !== 'awaiting-approval') {
    const decision = migration.approval?.decision;
    throw new ConflictError(
      `migration ${migration.id} is not awaiting approval: it is ${
        migration.status
      }${
        decision
          ? ` (${decision.outcome} by ${decision.by} at ${decision.at})`
          : ''
      }`,
    );
  }
  if (
    reviewedDigest !== undefined &&
    migration.approval?.requestDigest !== reviewedDigest
  ) {
    // The run's own digest is not told: an approver takes it from the run they
    // read (GET /migrations/:id), so an approval is always of a request seen.
    throw new ConflictError(
      `migration ${migration.id}: the request changed since you reviewed it (the digest sent is not the one it awaits approval of); read it again and decide on it as it is now`,
    );
  }
}

/** The approval a migration awaits: why, and the digest an approver must name. */
export function awaitedApproval(
  reasons: string[],
  fingerprint: string,
  plan: MigrationPlan | undefined,
): MigrationApproval {
  return { reasons, requestDigest: requestDigest(fingerprint, plan) };
}
