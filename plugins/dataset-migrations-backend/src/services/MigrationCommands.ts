import { randomUUID } from 'node:crypto';
import { isDeepStrictEqual } from 'node:util';
import type {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import {
  CONSUMER_STATE_LABELS,
  datasetMigrationApprovePermission,
  datasetMigrationRequestPermission,
  datasetMigrationStartPermission,
  isActiveMigrationStatus,
  type Migration,
  type ApprovalDecision,
  type CompatibilityClass,
  type MigrationApproval,
  type MigrationPlan,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { MigrationAnnouncer } from '../announcements/MigrationAnnouncer';
import { DatasetCatalog } from '../catalog/DatasetCatalog';
import type { ApprovalRequirement } from '../config/readPluginConfig';
import type {
  Enqueue,
  MigrationStore,
  QueueResult,
} from '../database/MigrationStore';
import type { JobQueue } from '../queue/JobQueue';
import type { ConsumerLedgerPort } from './ConsumerLedgerPort';
import {
  approvalReasons,
  awaitedApproval,
  requestDigest,
  type EntityPermissions,
} from './MigrationApprovals';
import type {
  MigrationPlanner,
  ParsedRequest,
  ValidRequest,
} from './MigrationPlanner';
import type { MigrationQueries } from './MigrationQueries';
import { stillServed, waitsForContract } from './previousVersions';

/**
 * A campaign migration's checks and plan, made before its start (nothing written):
 * the run checks the dataset's version and schema again when it starts, as it does
 * for any request queued a while before it runs.
 */
export interface PreparedMigration {
  request: ParsedRequest;
  valid: ValidRequest;
  id: string;
  plan: MigrationPlan;
}

/** Writes with a new migration, in its transaction; told whether it was written approved. */
export type WithMigration = (
  ...args: [...Parameters<Enqueue>, written: { approved: boolean }]
) => Promise<void>;

/** What queues, stops and requeues migrations; each run's work is a job. */
export class MigrationCommands {
  constructor(
    private readonly deps: {
      store: MigrationStore;
      queue: Pick<JobQueue, 'enqueueMigration' | 'enqueueConsumerDiscovery'>;
      planner: MigrationPlanner;
      queries: MigrationQueries;
      /** The consumer ledger; without it, migrations ignore consumers. */
      consumers?: ConsumerLedgerPort;
      /** The caller's permissions on the dataset, checked at request time. */
      permissions: EntityPermissions;
      /** What makes a migration wait for an approval (`datasetMigrations.approvals.required`). */
      approvalsRequired: readonly ApprovalRequirement[];
      announcer?: MigrationAnnouncer;
    },
  ) {}

  /**
   * Queues a migration with its plan, or answers with the one an identical request
   * already made. Nothing is written unless the caller may request it and the whole
   * request is valid against the live schema. A migration that needs an approval
   * (as configured) is written `awaiting-approval` and runs nothing until approved;
   * its consumers are still discovered and assessed (read-only, nothing is proposed
   * before the new version is live), so the approver sees the impact.
   */
  async createMigration(
    body: unknown,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<{ migration: Migration; created: boolean }> {
    const { planner, permissions } = this.deps;
    const request = await planner.parse(body, credentials);
    await permissions.assertAllowedOnEntity(
      credentials,
      datasetMigrationRequestPermission,
      request.entityRef,
    );
    if (request.dryRun)
      await this.assertMayDryRun(credentials, request.entityRef);
    return this.create(request, {
      requestedBy: credentials.principal.userEntityRef,
      mayStart: () =>
        permissions.isAllowedOnEntity(
          credentials,
          datasetMigrationStartPermission,
          request.entityRef,
        ),
    });
  }

  /**
   * A dry run runs at once, on the dataset's rows: whether it fails answers a
   * question about them (an expression can fail on any row it picks), so it is
   * for who may see them, as its sample and its failure are.
   */
  private async assertMayDryRun(
    credentials: BackstageCredentials,
    entityRef: string,
  ): Promise<void> {
    const seen = await this.deps.permissions.seesRowsOf(credentials)([
      entityRef,
    ]);
    if (!seen.has(entityRef)) throw dryRunRefused(entityRef);
  }

  /**
   * A campaign's migration of one of its datasets: an ordinary migration, planned,
   * checked and approved like a person's request, in the name of the person who
   * started the campaign. Their rights were checked when they started it
   * (`mayStart` is that check); the worker reads the catalog with its own
   * credentials. `inTransaction` writes the campaign's side (and its audit record,
   * which says whether the approval given at start was carried) with the migration row
   * and its job: all land, or none.
   */
  async createCampaignMigration(
    body: unknown,
    options: {
      credentials: BackstageCredentials;
      requestedBy: string;
      mayStart: boolean;
      /**
       * The starter may approve this migration and did, by starting the campaign
       * whose plan they reviewed: a migration that needs an approval carries theirs,
       * as long as its compatibility class is still the one they reviewed.
       */
      approvedAtStart?: {
        campaignName: string;
        at: Date;
        compatibility: CompatibilityClass;
      };
      campaign: { id: string; wave: number };
      inTransaction: WithMigration;
      /** Its checks and plan, made ahead from the same body; made now when absent. */
      prepared?: PreparedMigration;
    },
  ): Promise<{ migration: Migration; created: boolean }> {
    const request =
      options.prepared?.request ??
      (await this.deps.planner.parse(body, options.credentials));
    const started = options.approvedAtStart;
    return this.create(request, {
      ...(options.prepared ? { prepared: options.prepared } : {}),
      requestedBy: options.requestedBy,
      mayStart: async () => options.mayStart,
      ...(started
        ? {
            approvedBy: {
              decision: {
                outcome: 'approved' as const,
                by: options.requestedBy,
                at: started.at.toISOString(),
                comment: `approved by starting campaign ${started.campaignName}`,
              },
              forCompatibility: started.compatibility,
            },
          }
        : {}),
      campaign: options.campaign,
      inTransaction: options.inTransaction,
    });
  }

  /**
   * A campaign migration's checks and plan, made while the campaign's slots are
   * taken, so that its start when one frees only writes it. Throws what the
   * request would (a 400 for a change that does not apply, …).
   */
  async prepareCampaignMigration(
    body: unknown,
    credentials: BackstageCredentials,
  ): Promise<PreparedMigration> {
    const { planner } = this.deps;
    const request = await planner.parse(body, credentials);
    const valid = await planner.validate(request);
    const id = randomUUID();
    return { request, valid, id, plan: await planner.plan(valid, id) };
  }

  private async create(
    request: ParsedRequest,
    options: {
      prepared?: PreparedMigration;
      requestedBy: string;
      mayStart: () => Promise<boolean>;
      /** An approval given in advance, of a plan of this compatibility class. */
      approvedBy?: {
        decision: ApprovalDecision;
        forCompatibility: CompatibilityClass;
      };
      campaign?: { id: string; wave: number };
      inTransaction?: WithMigration;
    },
  ): Promise<{ migration: Migration; created: boolean }> {
    const { store, queue, planner, announcer } = this.deps;
    // The repeat and the dataset's state in one statement: one connection of the
    // shared pool fewer on every request's way.
    const grounds = await store.findRequestGrounds(
      request.fingerprint,
      request.entityRef,
    );
    if (grounds.repeated)
      return { migration: grounds.repeated, created: false };

    // Checks that read different things (the ledger, the permission service, the
    // engine's catalogs) run at once, but the engine is asked nothing for a
    // caller the permission alone refuses; a request that fails several is
    // refused for the first in this order, as when they ran one after the other.
    const moved = request.dryRun
      ? undefined
      : settledLater(this.assertPreviousVersionsSettled(request.entityRef));
    const mayStart = request.dryRun
      ? undefined
      : settledLater(options.mayStart());
    // With no approval configured, one who may not start is refused whatever the
    // plan: before the live schema is read (nor named in a validation error).
    if (
      mayStart &&
      this.deps.approvalsRequired.length === 0 &&
      !(await mayStart)
    )
      throw startRefused(request.entityRef);
    // A plan made ahead stands only while what it was made from does: the
    // dataset's version, place and live schema, read again now (a column added
    // meanwhile would fail the run, a version moved would plan from the wrong one).
    const valid = await planner.validate(request, grounds);
    const prepared =
      options.prepared && sameGrounds(options.prepared.valid, valid)
        ? options.prepared
        : undefined;
    const id = prepared?.id ?? randomUUID();
    const planned = settledLater(
      prepared ? Promise.resolve(prepared.plan) : planner.plan(valid, id),
    );
    await moved;
    const plan = await planned;
    const needed = mayStart
      ? await this.approvalNeeded(request, plan, await mayStart)
      : undefined;
    // A plan that turned out otherwise than the one approved in advance waits.
    const approval =
      needed &&
      options.approvedBy &&
      plan?.compatibility.class === options.approvedBy.forCompatibility
        ? { ...needed, decision: options.approvedBy.decision }
        : needed;
    const awaiting = approval !== undefined && !approval.decision;
    const result = await store.createMigration(
      {
        id,
        entityRef: request.entityRef,
        fromVersion: valid.currentVersion,
        targetVersion: request.targetVersion,
        changes: request.changes,
        dryRun: request.dryRun,
        fingerprint: request.fingerprint,
        requestedBy: options.requestedBy,
        datasetOwner: DatasetCatalog.ownerOf(request.entity),
        plan,
        approval,
        ...(options.campaign ? { campaign: options.campaign } : {}),
      },
      async (tx, migrationId) => {
        await options.inTransaction?.(tx, migrationId, {
          approved: approval?.decision?.outcome === 'approved',
        });
        // Awaiting approval, nothing runs: the run's job is enqueued by the approval.
        if (!awaiting) await queue.enqueueMigration(tx, migrationId);
        // Consumers and their impact are known before the data moves; a dry run has none.
        if (!request.dryRun)
          await queue.enqueueConsumerDiscovery(tx, migrationId);
      },
    );
    if (result.queued) {
      if (approval)
        await announcer?.migrationChanged({
          migrationId: id,
          outcome: awaiting ? 'awaiting-approval' : 'approved',
          actor: options.requestedBy,
          reason: awaiting
            ? approval.reasons.join('; ')
            : approval.decision?.comment,
        });
      // Queued: pages listing the dataset's runs, or its campaign's, show it.
      else
        await announcer?.migrationChanged({
          migrationId: id,
          migration: result.migration,
        });
      return { migration: result.migration, created: true };
    }
    // Lost a race to an identical request, or the dataset is busy with another one.
    const twin = await store.findByFingerprint(request.fingerprint);
    if (twin) return { migration: twin, created: false };
    throw busy(request.entityRef, result);
  }

  /**
   * The approval a real migration awaits, or none. With no reason configured that
   * applies, a requester who may not start migrations of the dataset is refused.
   */
  private async approvalNeeded(
    request: { entityRef: string; fingerprint: string },
    plan: MigrationPlan | undefined,
    mayStart: boolean,
  ): Promise<MigrationApproval | undefined> {
    const reasons = approvalReasons({
      required: this.deps.approvalsRequired,
      plan,
      mayStart,
    });
    if (reasons.length > 0)
      return awaitedApproval(reasons, request.fingerprint, plan);
    if (!mayStart) throw startRefused(request.entityRef);
    return undefined;
  }

  /**
   * A later migration builds on the current version, and its cut-over replaces
   * what the dataset's name serves. While an earlier one is not contracted, the
   * name still serves that one's previous version: to its consumers still moving
   * (who would be left two versions behind), and to readers nobody discovered,
   * whom contract looks for (read counters, retention, a person's override). So a
   * later one waits for consumers still moving, and for the contract unless the
   * earlier one only added fields (every later version serves what it served).
   */
  private async assertPreviousVersionsSettled(
    entityRef: string,
  ): Promise<void> {
    const { store, consumers: ledger } = this.deps;
    const open = await store.listMigrations({
      entityRef,
      limit: 500,
      uncontracted: true,
    });
    for (const previous of open) {
      const moving = (await ledger?.listMoving(previous.id)) ?? [];
      if (moving.length > 0)
        throw new ConflictError(
          `dataset ${entityRef} waits for its migration to version ${
            previous.targetVersion
          }, which is not contracted: ${moving.length} ${
            moving.length === 1 ? 'consumer is' : 'consumers are'
          } still moving to it: ${moving
            .map(
              c =>
                `${c.entityRef} (${CONSUMER_STATE_LABELS[
                  c.state
                ].toLowerCase()})`,
            )
            .join(', ')}; start the next migration once they have moved`,
        );
      const served = await stillServed(previous, id =>
        store.getMigrationWithPlan(id),
      );
      if (served.length > 0)
        throw new ConflictError(waitsForContract(entityRef, previous, served));
    }
  }

  /**
   * `actor`: the user who asked, left out of the notification it causes; `read`:
   * the run as the caller just read it (to check the request), not read again;
   * `reason`: why, when the system cancels it (kept with the run).
   */
  async cancelMigration(
    id: string,
    actor?: string,
    read?: Migration,
    reason?: string,
  ): Promise<Migration> {
    // A repeated cancel changes nothing, so it tells nobody again.
    const before = read ?? (await this.deps.queries.findMigration(id));
    if (before.status === 'cancelled') return before;
    const cancel = await this.deps.store.requestCancel(id, reason);
    if (!cancel) throw new NotFoundError(`migration ${id} was not found`);
    const { migration } = cancel;
    if (
      !isActiveMigrationStatus(migration.status) &&
      migration.status !== 'cancelled'
    ) {
      throw new ConflictError(
        `migration ${id} has already ${migration.status}`,
      );
    }
    // Of two cancels at once, the one that did not change it tells nobody.
    if (!cancel.changed) return migration;
    // A run that had not started is cancelled here; a running one is the runner's
    // to stop, and it announces the outcome.
    await this.deps.announcer?.migrationChanged({
      migrationId: id,
      ...(migration.status === 'cancelled'
        ? { outcome: 'cancelled', reason: reason ?? 'cancelled by request' }
        : {}),
      ...(actor ? { actor } : {}),
      migration,
    });
    return migration;
  }

  /**
   * Queues a failed or cancelled migration again. A run that needed an approval
   * keeps it only when it was approved and its digest (request and plan) is
   * unchanged; otherwise it awaits an approval again, with a fresh digest. A run
   * that needed none is held to today's rules and the retrier's rights, as a new
   * request would be.
   */
  async retryMigration(
    id: string,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<Migration> {
    const existing = await this.deps.queries.findMigration(id);
    if (existing.status !== 'failed' && existing.status !== 'cancelled') {
      throw new ConflictError(
        `migration ${id} is ${existing.status}; only failed or cancelled migrations can be retried`,
      );
    }
    // Run again on today's rows, for today's rights: as a new dry run would be.
    if (existing.dryRun)
      await this.assertMayDryRun(credentials, existing.entityRef);
    const awaiting = await this.approvalOnRetry(existing, credentials);
    const result = await this.deps.store.requeueMigration(
      id,
      async (tx, migrationId) => {
        if (!awaiting) await this.deps.queue.enqueueMigration(tx, migrationId);
      },
      awaiting,
    );
    if (result.queued) {
      if (awaiting)
        await this.deps.announcer?.migrationChanged({
          migrationId: id,
          outcome: 'awaiting-approval',
          reason: awaiting.reasons.join('; '),
        });
      return result.migration;
    }
    // Another retry of this run came first, between the check above and the update.
    const now =
      result.active?.id === id
        ? result.active
        : await this.deps.queries.findMigration(id);
    if (now.status !== 'failed' && now.status !== 'cancelled')
      throw new ConflictError(
        `migration ${id} was already retried: it is ${now.status}; only failed or cancelled migrations can be retried`,
      );
    throw busy(existing.entityRef, result);
  }

  private async approvalOnRetry(
    migration: Migration,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<MigrationApproval | undefined> {
    const { approval } = migration;
    if (migration.dryRun) return undefined;
    const subject = await this.deps.store.getRequestSubject(migration.id);
    if (!subject)
      throw new NotFoundError(`migration ${migration.id} was not found`);
    if (!approval)
      return this.approvalNeeded(
        { entityRef: migration.entityRef, fingerprint: subject.fingerprint },
        subject.plan,
        await this.deps.permissions.isAllowedOnEntity(
          credentials,
          datasetMigrationStartPermission,
          migration.entityRef,
        ),
      );
    const digest = requestDigest(subject.fingerprint, subject.plan);
    if (
      approval.decision?.outcome === 'approved' &&
      approval.requestDigest === digest
    )
      return undefined;
    return { reasons: approval.reasons, requestDigest: digest };
  }
}

function busy(entityRef: string, result: QueueResult): ConflictError {
  const active = !result.queued && result.active;
  return new ConflictError(
    active
      ? `dataset ${entityRef} is busy with migration ${active.id} (${active.status}, to version ${active.targetVersion})`
      : `dataset ${entityRef} could not be queued; try again`,
  );
}

/** Two checks of a request found the dataset as it was: same version, place and shape. */
function sameGrounds(earlier: ValidRequest, now: ValidRequest): boolean {
  const grounds = (v: ValidRequest) => ({
    currentVersion: v.currentVersion,
    location: v.location,
    renamedTo: v.renamedTo,
    source: v.source,
    target: v.target,
  });
  return isDeepStrictEqual(grounds(earlier), grounds(now));
}

/** Why a requester who may not see the dataset's rows runs no dry run of it. */
function dryRunRefused(entityRef: string): NotAllowedError {
  return new NotAllowedError(
    `not allowed: a dry run reads ${entityRef}'s rows, and permissions ${datasetMigrationStartPermission.name} and ${datasetMigrationApprovePermission.name} on it were denied; review the plan, or request the migration itself for an approver to check`,
  );
}

/** Why a requester who may not start a migration, and whom no approval would carry, is refused. */
function startRefused(entityRef: string): NotAllowedError {
  return new NotAllowedError(
    `not allowed: permission ${datasetMigrationStartPermission.name} on ${entityRef} was denied, and no approval is configured for such requests`,
  );
}

/**
 * The promise, marked handled: awaited later, after others, it must not count as
 * an unhandled rejection while it waits (awaiting it still throws).
 */
function settledLater<T>(promise: Promise<T>): Promise<T> {
  promise.catch(() => {});
  return promise;
}
