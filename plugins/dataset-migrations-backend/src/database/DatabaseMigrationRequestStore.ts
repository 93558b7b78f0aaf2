import type { Knex } from 'knex';
import { ConflictError } from '@backstage/errors';
import {
  ACTIVE_MIGRATION_STATUSES,
  type ApprovalDecision,
  type ContractOverride,
  type Migration,
  type MigrationApproval,
  type MigrationDetails,
  type MigrationPlan,
  type MigrationStatus,
  type MigrationSummary,
  type PersonOverride,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { DatabaseDatasetVersionStore } from './DatabaseDatasetVersionStore';
import type { DatabaseRunJournal } from './DatabaseRunJournal';
import type {
  Enqueue,
  WithOutcome,
  MigrationRequestStore,
  NewMigration,
  QueueResult,
  RequestGrounds,
} from './MigrationRequestStore';
import { asStoreTransaction } from './StoreTransaction';
import {
  reviveConsumersOfEndedRun,
  supersedeConsumersOfEndedRun,
} from './endedRunConsumers';
import { whereVisible, type MigrationVisibility } from './migrationVisibility';
import {
  MIGRATION_COLUMNS,
  toMigration,
  toMigrationWithPlan,
  toSummary,
  type MigrationListRow,
  type MigrationRow,
} from './migrationRows';

const UNIQUE_VIOLATION = '23505';
/** Statuses in which a migration answers a repeat of its request. */
const REUSABLE_STATUSES: MigrationStatus[] = [
  'queued',
  'running',
  'awaiting-decision',
  'awaiting-approval',
  'succeeded',
];
/** Active runs that wait for a person and are stopped at once by a cancel. */
const CANCELLED_AT_ONCE = `status IN ('queued', 'awaiting-decision', 'awaiting-approval')`;
/**
 * A consumer of the migration (in `migrations`) waits for a person's decision: the
 * pipeline left it failed with `needs-decision` and nobody has decided yet. The
 * same rule as `needsDecision()` in -common, read by the database.
 */
const UNDECIDED_CONSUMER = `EXISTS (
  SELECT 1 FROM migration_consumers c
   WHERE c.migration_id = migrations.id
     AND c.state = 'failed' AND c.failure_kind = 'needs-decision')`;

/** `dataset_versions`' columns as {@link DatabaseMigrationRequestStore.findRequestGrounds} names them. */
type DatasetStateColumns = {
  dataset_schema_version: number | null;
  dataset_table_name: string | null;
};

/** Migration requests in the plugin's database: the `migrations` rows and their status. */
export class DatabaseMigrationRequestStore implements MigrationRequestStore {
  constructor(
    private readonly knex: Knex,
    private readonly parts: {
      /** Where a migration's steps and logs are read from, for its details. */
      journal: DatabaseRunJournal;
      /** Written in the transaction that records an outcome that moves the dataset. */
      versions: DatabaseDatasetVersionStore;
    },
  ) {}

  async createMigration(
    migration: NewMigration,
    enqueue: Enqueue,
  ): Promise<QueueResult> {
    return this.queueOrReportActive(migration.entityRef, async tx => {
      // A repeat whose identical twin was queued and even finished since the caller
      // last looked must not become a second migration; the caller answers it with
      // the twin.
      const twin = await tx<MigrationRow>('migrations')
        .where({ fingerprint: migration.fingerprint })
        .whereIn('status', REUSABLE_STATUSES)
        .first('id');
      if (twin) return undefined;
      const [row] = await tx<MigrationRow>('migrations')
        .insert({
          id: migration.id,
          entity_ref: migration.entityRef,
          from_version: migration.fromVersion,
          target_version: migration.targetVersion,
          changes: JSON.stringify(migration.changes) as any,
          dry_run: migration.dryRun,
          fingerprint: migration.fingerprint,
          status:
            migration.approval && !migration.approval.decision
              ? 'awaiting-approval'
              : 'queued',
          requested_by: migration.requestedBy,
          dataset_owner: migration.datasetOwner ?? null,
          plan: migration.plan ? (JSON.stringify(migration.plan) as any) : null,
          approval: migration.approval
            ? (JSON.stringify(migration.approval) as any)
            : null,
          campaign_id: migration.campaign?.id ?? null,
          campaign_wave: migration.campaign?.wave ?? null,
        })
        .returning(MIGRATION_COLUMNS);
      await enqueue(asStoreTransaction(tx), row.id);
      return row;
    });
  }

  async requeueMigration(
    id: string,
    enqueue: Enqueue,
    awaiting?: MigrationApproval,
  ): Promise<QueueResult> {
    const existing = await this.knex<MigrationRow>('migrations')
      .where({ id })
      .first();
    if (!existing) return { queued: false };
    return this.queueOrReportActive(existing.entity_ref, async tx => {
      // An aborted campaign never runs again, nor do its runs: retried, one would
      // hold its dataset for nothing (an abort cancels those awaiting approval).
      const { rows: aborted } = await tx.raw<{ rows: Array<{ name: string }> }>(
        `SELECT c.name FROM migrations m
           JOIN campaigns c ON c.id = m.campaign_id
          WHERE m.id = ? AND c.state = 'aborted' FOR SHARE OF c`,
        [id],
      );
      if (aborted[0])
        throw new ConflictError(
          `migration ${id} belongs to campaign ${aborted[0].name}, which was aborted: it does not run again; request a new migration of its dataset`,
        );
      const [row] = await tx<MigrationRow>('migrations')
        .where({ id })
        .whereIn('status', ['failed', 'cancelled'])
        .update({
          status: awaiting ? 'awaiting-approval' : 'queued',
          ...(awaiting ? { approval: JSON.stringify(awaiting) as any } : {}),
          failure_reason: null,
          cancel_requested_at: null,
          finished_at: null,
          updated_at: tx.fn.now(),
          retried_at_attempt: tx.raw('attempts') as any,
        })
        .returning(MIGRATION_COLUMNS);
      if (!row) return undefined;
      await reviveConsumersOfEndedRun(tx, row.id);
      await enqueue(asStoreTransaction(tx), row.id);
      return row;
    });
  }

  async getRequestSubject(
    id: string,
  ): Promise<{ fingerprint: string; plan?: MigrationPlan } | undefined> {
    const row = await this.knex<MigrationRow>('migrations')
      .where({ id })
      .first('fingerprint', 'plan');
    return row && { fingerprint: row.fingerprint, plan: row.plan ?? undefined };
  }

  async decideApproval(
    id: string,
    decision: ApprovalDecision,
    requestDigest: string | undefined,
    enqueue: Enqueue,
  ): Promise<Migration | undefined> {
    const approved = decision.outcome === 'approved';
    return this.knex.transaction(async tx => {
      // A campaign's migration starts only while its campaign runs: a paused or
      // aborted campaign starts nothing new, an approval included. Its row is
      // shared-locked, so a pause or abort (which takes it for update) waits for
      // this decision, or this one sees it.
      if (approved) {
        const { rows } = await tx.raw<{
          rows: Array<{ name: string; state: string }>;
        }>(
          `SELECT c.name, c.state FROM migrations m
             JOIN campaigns c ON c.id = m.campaign_id
            WHERE m.id = ? FOR SHARE OF c`,
          [id],
        );
        const campaign = rows[0];
        if (campaign?.state === 'aborted')
          throw new ConflictError(
            `migration ${id} belongs to campaign ${campaign.name}, which was aborted: none of its migrations starts any more, and this one is cancelled with it`,
          );
        if (campaign && campaign.state !== 'running')
          throw new ConflictError(
            `migration ${id} belongs to campaign ${campaign.name}, which is ${campaign.state}: none of its migrations starts until it runs again, so approve it once the campaign's owner resumes it`,
          );
      }
      // The row lock of the update makes a concurrent decision wait, then find the
      // status changed: one decision wins.
      const query = tx<MigrationRow>('migrations').where({
        id,
        status: 'awaiting-approval',
      });
      if (requestDigest !== undefined)
        query.whereRaw(`approval->>'requestDigest' = ?`, [requestDigest]);
      const [row] = await query
        .update({
          status: approved ? 'queued' : 'rejected',
          approval: tx.raw(`jsonb_set(approval, '{decision}', ?::jsonb)`, [
            JSON.stringify(decision),
          ]) as any,
          finished_at: approved ? null : (tx.fn.now() as any),
          updated_at: tx.fn.now() as any,
        })
        .returning(MIGRATION_COLUMNS);
      if (!row) return undefined;
      if (approved) await enqueue(asStoreTransaction(tx), id);
      return toMigration(row);
    });
  }

  /**
   * Runs a write that makes a migration active. The partial unique index refuses a
   * second active migration of a dataset; that refusal is reported with the
   * migration that holds the dataset.
   */
  private async queueOrReportActive(
    entityRef: string,
    write: (tx: Knex.Transaction) => Promise<MigrationListRow | undefined>,
  ): Promise<QueueResult> {
    try {
      const row = await this.knex.transaction(write);
      if (row) return { queued: true, migration: toMigration(row) };
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
    }
    const active: MigrationListRow | undefined = await this.knex('migrations')
      .where({ entity_ref: entityRef })
      .whereIn('status', ACTIVE_MIGRATION_STATUSES)
      .first(MIGRATION_COLUMNS);
    return { queued: false, active: active && toMigration(active) };
  }

  async findByFingerprint(fingerprint: string): Promise<Migration | undefined> {
    const row: MigrationListRow | undefined = await this.knex('migrations')
      .where({ fingerprint })
      .whereIn('status', REUSABLE_STATUSES)
      .orderBy('created_at', 'desc')
      .first(MIGRATION_COLUMNS);
    return row && toMigration(row);
  }

  async findRequestGrounds(
    fingerprint: string,
    entityRef: string,
  ): Promise<RequestGrounds> {
    // One statement, so a request takes one connection of the shared pool for
    // both: the repeat (as findByFingerprint) and the dataset's state (as
    // getDatasetState), each joined to a single row whether found or not.
    const row: (MigrationListRow & DatasetStateColumns) | undefined =
      await this.knex
        .select([
          ...MIGRATION_COLUMNS.map(column => `repeated.${column}`),
          'dataset.schema_version as dataset_schema_version',
          'dataset.table_name as dataset_table_name',
        ])
        .from(this.knex.raw('(SELECT 1) AS one'))
        .leftJoin(
          this.knex('migrations')
            .select(MIGRATION_COLUMNS)
            .where({ fingerprint })
            .whereIn('status', REUSABLE_STATUSES)
            .orderBy('created_at', 'desc')
            .limit(1)
            .as('repeated'),
          this.knex.raw('true'),
        )
        .leftJoin(
          this.knex('dataset_versions')
            .select('schema_version', 'table_name')
            .where({ entity_ref: entityRef })
            .as('dataset'),
          this.knex.raw('true'),
        )
        .first();
    return {
      ...(row?.id ? { repeated: toMigration(row) } : {}),
      ...(row && row.dataset_schema_version !== null
        ? {
            dataset: {
              schemaVersion: row.dataset_schema_version,
              ...(row.dataset_table_name
                ? { table: row.dataset_table_name }
                : {}),
            },
          }
        : {}),
    };
  }

  async getMigration(id: string): Promise<MigrationDetails | undefined> {
    const row = await this.knex<MigrationRow>('migrations')
      .where({ id })
      .first();
    if (!row) return undefined;
    const { verification, dry_run_sample: dryRunSample } = row;
    return {
      ...toMigrationWithPlan(row),
      // now() as JSON carries an offset; other times here are ISO in UTC.
      verification: verification
        ? {
            ...verification,
            recordedAt: new Date(verification.recordedAt).toISOString(),
          }
        : undefined,
      ...(dryRunSample ? { dryRunSample } : {}),
      ...(await this.parts.journal.history(id)),
    };
  }

  async campaignOf(id: string): Promise<string | undefined> {
    const row = await this.knex<MigrationRow>('migrations')
      .where({ id })
      .first('campaign_id');
    return row?.campaign_id ?? undefined;
  }

  async getMigrationWithPlan(
    id: string,
  ): Promise<(Migration & { plan?: MigrationPlan }) | undefined> {
    const row = await this.knex<MigrationRow>('migrations')
      .where({ id })
      .first();
    return row && toMigrationWithPlan(row);
  }

  async listMigrations(filter: {
    entityRef?: string;
    entityRefs?: string[];
    limit: number;
    visibility?: MigrationVisibility;
    uncontracted?: boolean;
    ids?: string[];
  }): Promise<Migration[]> {
    const visibility = filter.visibility ?? { type: 'all' };
    if (visibility.type === 'none') return [];
    const query = this.knex('migrations')
      .select(MIGRATION_COLUMNS)
      .orderBy('created_at', 'desc')
      .limit(filter.limit);
    if (filter.entityRef) query.where({ entity_ref: filter.entityRef });
    if (filter.entityRefs) query.whereIn('entity_ref', filter.entityRefs);
    if (filter.ids) query.whereIn('id', filter.ids);
    // isLiveMigration, in SQL.
    if (filter.uncontracted)
      query
        .where({ status: 'succeeded', dry_run: false })
        .whereNull('contracted_at');
    if (visibility.type === 'conditional')
      query.where(q => whereVisible(q, visibility.filter));
    return ((await query) as MigrationListRow[]).map(toMigration);
  }

  async datasetsWithoutOwner(): Promise<string[]> {
    const rows = await this.knex<MigrationRow>('migrations')
      .distinct('entity_ref')
      .whereNull('dataset_owner');
    return rows.map(row => row.entity_ref);
  }

  async recordDatasetOwner(entityRef: string, owner: string): Promise<number> {
    return this.knex<MigrationRow>('migrations')
      .where({ entity_ref: entityRef })
      .whereNull('dataset_owner')
      .update({ dataset_owner: owner });
  }

  async latestMigrations(
    entityRefs: string[],
    visibility: MigrationVisibility = { type: 'all' },
  ): Promise<Map<string, MigrationSummary>> {
    if (entityRefs.length === 0 || visibility.type === 'none') return new Map();
    const rows: MigrationListRow[] = await this.knex.select('*').from(
      this.knex('migrations')
        .select(MIGRATION_COLUMNS)
        .distinctOn('entity_ref')
        .whereIn('entity_ref', entityRefs)
        .where(q => {
          if (visibility.type === 'conditional')
            whereVisible(q, visibility.filter);
        })
        .orderBy([
          { column: 'entity_ref' },
          { column: 'created_at', order: 'desc' },
        ])
        .as('latest'),
    );
    return new Map(rows.map(row => [row.entity_ref, toSummary(row)]));
  }

  async requestCancel(
    id: string,
    reason?: string,
  ): Promise<{ migration: Migration; changed: boolean } | undefined> {
    const row = await this.knex.transaction(async tx => {
      const [updated] = await tx<MigrationRow>('migrations')
        .where({ id })
        .whereIn('status', ACTIVE_MIGRATION_STATUSES)
        .update({
          status: tx.raw(
            `CASE WHEN ${CANCELLED_AT_ONCE} THEN 'cancelled' ELSE status END`,
          ) as any,
          finished_at: tx.raw(
            `CASE WHEN ${CANCELLED_AT_ONCE} THEN now() ELSE finished_at END`,
          ) as any,
          ...(reason
            ? {
                failure_reason: tx.raw(
                  `CASE WHEN ${CANCELLED_AT_ONCE} THEN ? ELSE failure_reason END`,
                  [reason],
                ) as any,
              }
            : {}),
          cancel_requested_at: tx.fn.now() as any,
          updated_at: tx.fn.now() as any,
        })
        .returning(MIGRATION_COLUMNS);
      // Ended here: its consumers settle with it (a running one's, when its runner ends it).
      if (updated?.status === 'cancelled')
        await supersedeConsumersOfEndedRun(tx, id, 'cancelled');
      return updated;
    });
    if (row) return { migration: toMigration(row), changed: true };
    const existing = await this.knex<MigrationRow>('migrations')
      .where({ id })
      .first();
    return existing && { migration: toMigration(existing), changed: false };
  }

  async isCancelRequested(id: string): Promise<boolean> {
    const row = await this.knex<MigrationRow>('migrations')
      .where({ id })
      .first('cancel_requested_at', 'status');
    return (
      !row || row.status === 'cancelled' || row.cancel_requested_at !== null
    );
  }

  async awaitDecisions(id: string, owner: string): Promise<boolean> {
    // One statement with the check, so a decision recorded meanwhile is either seen
    // here (the run goes on) or finds the run waiting (and queues it again).
    const updated = await this.knex('migrations')
      .where({ id, status: 'running', lease_owner: owner })
      // A cancel asked for meanwhile is the run's to carry out, not to park.
      .whereNull('cancel_requested_at')
      .whereRaw(UNDECIDED_CONSUMER)
      .update({
        status: 'awaiting-decision',
        lease_owner: null,
        lease_expires_at: null,
        updated_at: this.knex.fn.now(),
      });
    return updated === 1;
  }

  async resumeAfterDecisions(id: string, enqueue: Enqueue): Promise<boolean> {
    return this.knex.transaction(async tx => {
      const [row] = await tx('migrations')
        .where({ id, status: 'awaiting-decision' })
        .whereRaw(`NOT ${UNDECIDED_CONSUMER}`)
        .update({ status: 'queued', updated_at: tx.fn.now() })
        .returning('id');
      if (!row) return false;
      await enqueue(asStoreTransaction(tx), id);
      return true;
    });
  }

  async resumeDecidedRuns(enqueue: Enqueue): Promise<string[]> {
    return this.knex.transaction(async tx => {
      const rows: Array<{ id: string }> = await tx('migrations')
        .where({ status: 'awaiting-decision' })
        .whereRaw(`NOT ${UNDECIDED_CONSUMER}`)
        .update({ status: 'queued', updated_at: tx.fn.now() })
        .returning('id');
      for (const { id } of rows) await enqueue(asStoreTransaction(tx), id);
      return rows.map(row => row.id);
    });
  }

  async finishMigration(
    id: string,
    outcome: { status: 'succeeded' | 'failed' | 'cancelled'; reason?: string },
    owner?: string,
    enqueueAfterSuccess?: Enqueue,
    withOutcome?: WithOutcome,
  ): Promise<boolean> {
    return this.knex.transaction(async tx => {
      const query = tx<MigrationRow>('migrations').where({ id });
      if (owner) query.where({ lease_owner: owner, status: 'running' });
      const [row] = await query
        .update({
          status: outcome.status,
          failure_reason: outcome.reason ?? null,
          finished_at: tx.fn.now(),
          updated_at: tx.fn.now(),
          lease_owner: null,
          lease_expires_at: null,
        })
        .returning('*');
      if (row && outcome.status !== 'succeeded')
        await supersedeConsumersOfEndedRun(tx, id, outcome.status);
      // A step whose failure could not be recorded (its session lost) ends with the run.
      if (row && outcome.status !== 'succeeded')
        await tx('migration_steps')
          .where({ migration_id: id, status: 'running' })
          .update({ status: 'failed', finished_at: tx.fn.now() });
      if (row && outcome.status === 'succeeded' && !row.dry_run) {
        await this.parts.versions.recordMigrated(tx, row);
        await enqueueAfterSuccess?.(asStoreTransaction(tx), id);
      }
      if (row) await withOutcome?.(asStoreTransaction(tx));
      return row !== undefined;
    });
  }

  async markRolledBack(
    id: string,
    override?: PersonOverride,
    owner?: string,
    withOutcome?: WithOutcome,
  ): Promise<boolean> {
    return this.knex.transaction(async tx => {
      const [row] = await tx<MigrationRow>('migrations')
        .where(liveSucceeded(id, owner))
        .whereNull('contracted_at')
        .update({
          status: 'rolled-back',
          updated_at: tx.fn.now(),
          lease_owner: null,
          lease_expires_at: null,
          ...(override
            ? { rollback_override: JSON.stringify(override) as any }
            : {}),
        })
        .returning('*');
      if (!row) return false;
      await this.parts.versions.recordRolledBack(tx, row);
      await withOutcome?.(asStoreTransaction(tx));
      return true;
    });
  }

  async markContracted(
    id: string,
    override?: ContractOverride,
    owner?: string,
    withOutcome?: WithOutcome,
  ): Promise<boolean> {
    return this.knex.transaction(async tx => {
      const updated = await tx('migrations')
        .where(liveSucceeded(id, owner))
        .whereNull('contracted_at')
        .update({
          contracted_at: tx.fn.now(),
          lease_owner: null,
          lease_expires_at: null,
          ...(override ? { contract_override: JSON.stringify(override) } : {}),
          updated_at: tx.fn.now(),
        });
      if (updated !== 1) return false;
      await withOutcome?.(asStoreTransaction(tx));
      return true;
    });
  }
}

/** A succeeded run an operation may finish; given an owner, only while it holds the lease. */
function liveSucceeded(id: string, owner?: string) {
  return { id, status: 'succeeded', ...(owner ? { lease_owner: owner } : {}) };
}
