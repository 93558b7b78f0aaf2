import type { Knex } from 'knex';
import {
  resolvePackagePath,
  type DatabaseService,
} from '@backstage/backend-plugin-api';
import {
  ACTIVE_MIGRATION_STATUSES,
  type Migration,
  type MigrationDetails,
  type MigrationLogLine,
  type MigrationPlan,
  type ContractOverride,
  type MigrationStatus,
  type MigrationSummary,
  type PersonOverride,
  type RecordedVerification,
  type VerificationFigures,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type {
  DatasetState,
  Enqueue,
  Lease,
  LiveJobs,
  MigrationStore,
  NewMigration,
  QueueResult,
} from './MigrationStore';

const migrationsDir = resolvePackagePath(
  '@dataset-migrations/plugin-dataset-migrations-backend',
  'migrations',
);

type MigrationRow = {
  id: string;
  entity_ref: string;
  from_version: number;
  target_version: number;
  changes: Migration['changes'];
  dry_run: boolean;
  fingerprint: string;
  status: MigrationStatus;
  failure_reason: string | null;
  requested_by: string;
  attempts: number;
  cancel_requested_at: Date | null;
  created_at: Date;
  started_at: Date | null;
  finished_at: Date | null;
  updated_at: Date;
  lease_owner: string | null;
  lease_expires_at: Date | null;
  plan: MigrationPlan | null;
  contracted_at: Date | null;
  contract_override: ContractOverride | null;
  retried_at_attempt: number;
  verification: RecordedVerification | null;
  rollback_override: PersonOverride | null;
};

const UNIQUE_VIOLATION = '23505';

/** A running attempt's run, or a succeeded one an operation (rollback, contract) works on. */
const LEASED_STATUSES: MigrationStatus[] = ['running', 'succeeded'];
/** Statuses in which a migration answers a repeat of its request. */
const REUSABLE_STATUSES: MigrationStatus[] = [
  'queued',
  'running',
  'awaiting-decision',
  'succeeded',
];
/**
 * A consumer of the migration (in `migrations`) waits for a person's decision: the
 * pipeline left it failed with `needs-decision` and nobody has decided yet. The
 * same rule as `needsDecision()` in -common, read by the database.
 */
const UNDECIDED_CONSUMER = `EXISTS (
  SELECT 1 FROM migration_consumers c
   WHERE c.migration_id = migrations.id
     AND c.state = 'failed' AND c.failure_kind = 'needs-decision')`;

function toSummary(row: MigrationRow): MigrationSummary {
  return {
    id: row.id,
    status: row.status,
    fromVersion: row.from_version,
    targetVersion: row.target_version,
    dryRun: row.dry_run,
    createdAt: row.created_at.toISOString(),
    finishedAt: row.finished_at?.toISOString(),
  };
}

function toMigration(row: MigrationRow): Migration {
  return {
    ...toSummary(row),
    entityRef: row.entity_ref,
    changes: row.changes,
    failureReason: row.failure_reason ?? undefined,
    requestedBy: row.requested_by,
    attempts: row.attempts,
    retriedAtAttempt: row.retried_at_attempt,
    cancelRequested: row.cancel_requested_at !== null,
    startedAt: row.started_at?.toISOString(),
    updatedAt: row.updated_at.toISOString(),
    contractedAt: row.contracted_at?.toISOString(),
    ...(row.contract_override
      ? { contractOverride: row.contract_override }
      : {}),
    ...(row.rollback_override
      ? {
          rollbackOverride: {
            ...row.rollback_override,
            at: new Date(row.rollback_override.at).toISOString(),
          },
        }
      : {}),
  };
}

export class DatabaseMigrationStore implements MigrationStore {
  static async create(options: {
    database: DatabaseService;
    skipMigrations?: boolean;
  }): Promise<DatabaseMigrationStore> {
    const knex = await options.database.getClient();
    if (!options.database.migrations?.skip && !options.skipMigrations) {
      await knex.migrate.latest({ directory: migrationsDir });
    }
    return new DatabaseMigrationStore(knex);
  }

  constructor(private readonly knex: Knex) {}

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
          status: 'queued',
          requested_by: migration.requestedBy,
          plan: migration.plan ? (JSON.stringify(migration.plan) as any) : null,
        })
        .returning('*');
      await enqueue(tx, row.id);
      return row;
    });
  }

  async requeueMigration(id: string, enqueue: Enqueue): Promise<QueueResult> {
    const existing = await this.knex<MigrationRow>('migrations')
      .where({ id })
      .first();
    if (!existing) return { queued: false };
    return this.queueOrReportActive(existing.entity_ref, async tx => {
      const [row] = await tx<MigrationRow>('migrations')
        .where({ id })
        .whereIn('status', ['failed', 'cancelled'])
        .update({
          status: 'queued',
          failure_reason: null,
          cancel_requested_at: null,
          finished_at: null,
          updated_at: tx.fn.now(),
          retried_at_attempt: tx.raw('attempts') as any,
        })
        .returning('*');
      if (!row) return undefined;
      await enqueue(tx, row.id);
      return row;
    });
  }

  /**
   * Runs a write that makes a migration active. The partial unique index refuses a
   * second active migration of a dataset; that refusal is reported with the
   * migration that holds the dataset.
   */
  private async queueOrReportActive(
    entityRef: string,
    write: (tx: Knex.Transaction) => Promise<MigrationRow | undefined>,
  ): Promise<QueueResult> {
    try {
      const row = await this.knex.transaction(write);
      if (row) return { queued: true, migration: toMigration(row) };
    } catch (error) {
      if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
    }
    const active = await this.knex<MigrationRow>('migrations')
      .where({ entity_ref: entityRef })
      .whereIn('status', ACTIVE_MIGRATION_STATUSES)
      .first();
    return { queued: false, active: active && toMigration(active) };
  }

  async findByFingerprint(fingerprint: string): Promise<Migration | undefined> {
    const row = await this.knex<MigrationRow>('migrations')
      .where({ fingerprint })
      .whereIn('status', REUSABLE_STATUSES)
      .orderBy('created_at', 'desc')
      .first();
    return row && toMigration(row);
  }

  async getMigration(id: string): Promise<MigrationDetails | undefined> {
    const row = await this.knex<MigrationRow>('migrations')
      .where({ id })
      .first();
    if (!row) return undefined;
    const { verification } = row;
    const [steps, logs] = await Promise.all([
      this.knex('migration_steps').where({ migration_id: id }).orderBy('id'),
      this.knex('migration_logs')
        .where({ migration_id: id })
        .orderBy('id')
        .limit(5000),
    ]);
    return {
      ...toMigration(row),
      plan: row.plan ?? undefined,
      // now() as JSON carries an offset; other times here are ISO in UTC.
      verification: verification
        ? {
            ...verification,
            recordedAt: new Date(verification.recordedAt).toISOString(),
          }
        : undefined,
      steps: steps.map(step => ({
        name: step.name,
        attempt: step.attempt,
        status: step.status,
        startedAt: step.started_at.toISOString(),
        finishedAt: step.finished_at?.toISOString(),
        rowsDone: step.rows_done === null ? undefined : Number(step.rows_done),
        rowsTotal:
          step.rows_total === null ? undefined : Number(step.rows_total),
      })),
      logs: logs.map(log => ({
        attempt: log.attempt,
        step: log.step ?? undefined,
        level: log.level,
        message: log.message,
        createdAt: log.created_at.toISOString(),
      })),
    };
  }

  async getMigrationWithPlan(
    id: string,
  ): Promise<(Migration & { plan?: MigrationPlan }) | undefined> {
    const row = await this.knex<MigrationRow>('migrations')
      .where({ id })
      .first();
    return row && { ...toMigration(row), plan: row.plan ?? undefined };
  }

  async listMigrations(filter: {
    entityRef?: string;
    limit: number;
  }): Promise<Migration[]> {
    const query = this.knex<MigrationRow>('migrations')
      .orderBy('created_at', 'desc')
      .limit(filter.limit);
    if (filter.entityRef) query.where({ entity_ref: filter.entityRef });
    return (await query).map(toMigration);
  }

  async latestMigrations(
    entityRefs: string[],
  ): Promise<Map<string, MigrationSummary>> {
    if (entityRefs.length === 0) return new Map();
    const rows: MigrationRow[] = await this.knex.select('*').from(
      this.knex('migrations')
        .distinctOn('entity_ref')
        .whereIn('entity_ref', entityRefs)
        .orderBy([
          { column: 'entity_ref' },
          { column: 'created_at', order: 'desc' },
        ])
        .as('latest'),
    );
    return new Map(rows.map(row => [row.entity_ref, toSummary(row)]));
  }

  async requestCancel(id: string): Promise<Migration | undefined> {
    const [row] = await this.knex<MigrationRow>('migrations')
      .where({ id })
      .whereIn('status', ACTIVE_MIGRATION_STATUSES)
      .update({
        status: this.knex.raw(
          `CASE WHEN status IN ('queued', 'awaiting-decision') THEN 'cancelled' ELSE status END`,
        ) as any,
        finished_at: this.knex.raw(
          `CASE WHEN status IN ('queued', 'awaiting-decision') THEN now() ELSE finished_at END`,
        ) as any,
        cancel_requested_at: this.knex.fn.now() as any,
        updated_at: this.knex.fn.now() as any,
      })
      .returning('*');
    if (row) return toMigration(row);
    const existing = await this.knex<MigrationRow>('migrations')
      .where({ id })
      .first();
    return existing && toMigration(existing);
  }

  async isCancelRequested(id: string): Promise<boolean> {
    const row = await this.knex<MigrationRow>('migrations')
      .where({ id })
      .first('cancel_requested_at', 'status');
    return (
      !row || row.status === 'cancelled' || row.cancel_requested_at !== null
    );
  }

  async claimMigration(
    id: string,
    lease: Lease,
  ): Promise<(Migration & { plan?: MigrationPlan }) | undefined> {
    return this.knex.transaction(async tx => {
      const [row] = await tx<MigrationRow>('migrations')
        .where({ id })
        .whereIn('status', ACTIVE_MIGRATION_STATUSES)
        .where(q =>
          q
            .whereNull('lease_owner')
            .orWhere('lease_owner', lease.owner)
            .orWhere('lease_expires_at', '<', tx.fn.now()),
        )
        .update({
          status: 'running',
          attempts: tx.raw('attempts + 1') as any,
          started_at: tx.raw('coalesce(started_at, now())') as any,
          updated_at: tx.fn.now() as any,
          lease_owner: lease.owner,
          lease_expires_at: this.leaseEnd(lease.durationMs, tx),
        } as any)
        .returning('*');
      if (!row) return undefined;
      // Steps an earlier attempt left running ended with it (its worker died): close them.
      await tx('migration_steps')
        .where({ migration_id: id, status: 'running' })
        .where('attempt', '<', row.attempts)
        .update({ status: 'failed', finished_at: tx.fn.now() });
      return { ...toMigration(row), plan: row.plan ?? undefined };
    });
  }

  async claimOperation(
    id: string,
    lease: Lease,
  ): Promise<(Migration & { plan?: MigrationPlan }) | undefined> {
    const [row] = await this.knex<MigrationRow>('migrations')
      .where({ id, status: 'succeeded', dry_run: false })
      .whereNull('contracted_at')
      // Not even this owner's own lease: two operations in one process exclude each other too.
      .where(q =>
        q
          .whereNull('lease_owner')
          .orWhere('lease_expires_at', '<', this.knex.fn.now()),
      )
      .update({
        lease_owner: lease.owner,
        lease_expires_at: this.leaseEnd(lease.durationMs),
      } as any)
      .returning('*');
    return row && { ...toMigration(row), plan: row.plan ?? undefined };
  }

  async releaseLease(id: string, owner: string): Promise<void> {
    await this.knex('migrations')
      .where({ id, lease_owner: owner })
      .update({ lease_owner: null, lease_expires_at: null });
  }

  async renewLease(id: string, lease: Lease): Promise<boolean> {
    const updated = await this.knex('migrations')
      .where({ id, lease_owner: lease.owner })
      // A succeeded run is leased only while an operation works on it.
      .whereIn('status', LEASED_STATUSES)
      .update({ lease_expires_at: this.leaseEnd(lease.durationMs) });
    return updated === 1;
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
      await enqueue(tx, id);
      return true;
    });
  }

  async requeueExpiredRuns(
    enqueue: Enqueue,
    graceMs: number,
  ): Promise<string[]> {
    return this.knex.transaction(async tx => {
      const rows: { id: string }[] = await tx('migrations')
        .where({ status: 'running' })
        .where('lease_expires_at', '<', tx.fn.now())
        // A concurrent sweep blocks on the row and then sees the fresh lease: one wins.
        .update({
          lease_owner: null,
          lease_expires_at: this.leaseEnd(graceMs, tx),
        })
        .returning('id');
      for (const { id } of rows) await enqueue(tx, id);
      return rows.map(r => r.id);
    });
  }

  async requeueStrandedRuns(
    enqueue: Enqueue,
    liveJobs: LiveJobs,
    graceMs: number,
  ): Promise<string[]> {
    return this.knex.transaction(async tx => {
      // Queued since: created, or put back by a retry. A run another sweep or a
      // claim has locked is theirs: skip it rather than wait and enqueue it twice.
      const waiting: string[] = (
        await tx('migrations')
          .where({ status: 'queued' })
          .where(
            'updated_at',
            '<',
            tx.raw(`now() - ? * interval '1 millisecond'`, [graceMs]),
          )
          .forUpdate()
          .skipLocked()
          .select('id')
      ).map(row => row.id);
      if (waiting.length === 0) return [];
      const live = await liveJobs(tx, waiting);
      const stranded = waiting.filter(id => !live.has(id));
      for (const id of stranded) await enqueue(tx, id);
      return stranded;
    });
  }

  private leaseEnd(durationMs: number, knex: Knex = this.knex) {
    return knex.raw(`now() + ? * interval '1 millisecond'`, [durationMs]);
  }

  async getCheckpoint<T>(id: string, name: string): Promise<T | undefined> {
    const row = await this.knex('migration_checkpoints')
      .where({ migration_id: id, name })
      .first('value');
    return row?.value;
  }

  async setCheckpoint<T>(
    id: string,
    name: string,
    value: T,
    owner?: string,
  ): Promise<boolean> {
    return this.whileLeased(
      id,
      owner,
      `INSERT INTO migration_checkpoints (migration_id, name, value)
         SELECT id, :name, CAST(:value AS jsonb) FROM held
         ON CONFLICT (migration_id, name)
         DO UPDATE SET value = excluded.value, updated_at = now()`,
      { name, value: JSON.stringify(value) },
    );
  }

  async clearCheckpoints(id: string, owner?: string): Promise<boolean> {
    return this.whileLeased(
      id,
      owner,
      `DELETE FROM migration_checkpoints
         WHERE migration_id IN (SELECT id FROM held)`,
    );
  }

  async reportProgress(
    id: string,
    attempt: number,
    name: string,
    done: number,
    total: number,
    owner?: string,
  ): Promise<boolean> {
    return this.whileLeased(
      id,
      owner,
      `UPDATE migration_steps SET rows_done = :done, rows_total = :total
         WHERE migration_id IN (SELECT id FROM held)
           AND attempt = :attempt AND name = :name`,
      { attempt, name, done, total },
    );
  }

  async recordVerification(
    id: string,
    attempt: number,
    figures: VerificationFigures,
    owner?: string,
  ): Promise<boolean> {
    const verification = { ...figures, attempt };
    return this.whileLeased(
      id,
      owner,
      `UPDATE migrations
         SET verification = CAST(:verification AS jsonb)
           || jsonb_build_object('recordedAt', now())
         WHERE id IN (SELECT id FROM held)`,
      { verification: JSON.stringify(verification) },
    );
  }

  /**
   * Makes `write` (SQL that reads the run's id from `held`) in one statement with the
   * check that `owner` still holds the run's lease; returns whether it did. FOR SHARE
   * checks the newest version of the run's row and keeps it until the write commits,
   * so a takeover either waits for the write or the write sees the new owner: never
   * check-then-write. Without an owner the write is not fenced.
   */
  private async whileLeased(
    id: string,
    owner: string | undefined,
    write: string,
    bindings: Record<string, string | number> = {},
  ): Promise<boolean> {
    const held = owner
      ? `SELECT id FROM migrations
           WHERE id = :id AND lease_owner = :owner
             AND status IN ('running', 'succeeded')
           FOR SHARE`
      : `SELECT CAST(:id AS uuid) AS id`;
    const { rows } = await this.knex.raw(
      `WITH held AS (${held}), written AS (${write})
       SELECT EXISTS (SELECT 1 FROM held) AS held`,
      { ...bindings, id, owner: owner ?? null },
    );
    return rows[0].held;
  }

  async startStep(id: string, attempt: number, name: string): Promise<void> {
    await this.knex('migration_steps')
      .insert({ migration_id: id, attempt, name, status: 'running' })
      .onConflict(['migration_id', 'attempt', 'name'])
      .merge({
        status: 'running',
        started_at: this.knex.fn.now(),
        finished_at: null,
      });
  }

  async finishStep(
    id: string,
    attempt: number,
    name: string,
    status: 'succeeded' | 'failed',
  ): Promise<void> {
    await this.knex('migration_steps')
      .where({ migration_id: id, attempt, name })
      .update({ status, finished_at: this.knex.fn.now() });
  }

  async appendLog(
    id: string,
    line: Omit<MigrationLogLine, 'createdAt'>,
  ): Promise<void> {
    await this.knex('migration_logs').insert({
      migration_id: id,
      attempt: line.attempt,
      step: line.step ?? null,
      level: line.level,
      message: line.message,
    });
  }

  async finishMigration(
    id: string,
    outcome: { status: 'succeeded' | 'failed' | 'cancelled'; reason?: string },
    owner?: string,
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
      if (row && outcome.status === 'succeeded' && !row.dry_run) {
        const { plan } = row;
        await tx('dataset_versions')
          .insert({
            entity_ref: row.entity_ref,
            schema_version: row.target_version,
            migration_id: row.id,
            table_name: plan ? plan.targetTable ?? plan.table : null,
          })
          .onConflict('entity_ref')
          .merge([
            'schema_version',
            'migration_id',
            'table_name',
            'updated_at',
          ]);
      }
      return row !== undefined;
    });
  }

  async markRolledBack(
    id: string,
    override?: PersonOverride,
    owner?: string,
  ): Promise<boolean> {
    return this.knex.transaction(async tx => {
      const [row] = await tx<MigrationRow>('migrations')
        .where({
          id,
          status: 'succeeded',
          ...(owner ? { lease_owner: owner } : {}),
        })
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
      await tx('dataset_versions')
        .where({ entity_ref: row.entity_ref, migration_id: row.id })
        .update({
          schema_version: row.from_version,
          table_name: row.plan?.table ?? null,
          updated_at: tx.fn.now(),
        });
      return true;
    });
  }

  async markContracted(
    id: string,
    override?: ContractOverride,
    owner?: string,
  ): Promise<boolean> {
    const updated = await this.knex('migrations')
      .where({
        id,
        status: 'succeeded',
        ...(owner ? { lease_owner: owner } : {}),
      })
      .whereNull('contracted_at')
      .update({
        contracted_at: this.knex.fn.now(),
        lease_owner: null,
        lease_expires_at: null,
        ...(override ? { contract_override: JSON.stringify(override) } : {}),
        updated_at: this.knex.fn.now(),
      });
    return updated === 1;
  }

  async getSchemaVersion(entityRef: string): Promise<number | undefined> {
    const row = await this.knex('dataset_versions')
      .where({ entity_ref: entityRef })
      .first('schema_version');
    return row?.schema_version;
  }

  async getDatasetState(entityRef: string): Promise<DatasetState | undefined> {
    const row = await this.knex('dataset_versions')
      .where({ entity_ref: entityRef })
      .first('schema_version', 'table_name');
    if (!row) return undefined;
    return {
      schemaVersion: row.schema_version,
      ...(row.table_name ? { table: row.table_name } : {}),
    };
  }

  async getSchemaVersions(entityRefs: string[]): Promise<Map<string, number>> {
    const rows = await this.knex('dataset_versions')
      .whereIn('entity_ref', entityRefs)
      .select('entity_ref', 'schema_version');
    return new Map(rows.map(row => [row.entity_ref, row.schema_version]));
  }
}
