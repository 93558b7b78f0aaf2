import type { Knex } from 'knex';
import {
  ACTIVE_MIGRATION_STATUSES,
  type Migration,
  type MigrationDetails,
  type MigrationLogLine,
  type MigrationPlan,
  type MigrationStatus,
  type VerificationFigures,
  type DryRunSample,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { Enqueue } from './MigrationRequestStore';
import type { Lease, LiveJobs, RunJournal } from './RunJournal';
import { asStoreTransaction } from './StoreTransaction';
import { toMigrationWithPlan, type MigrationRow } from './migrationRows';

/**
 * Runs a worker may take: active ones, except a run awaiting approval, which runs
 * nothing until a person approves it (a job left over for it ends at once).
 */
const CLAIMABLE_STATUSES: MigrationStatus[] = ACTIVE_MIGRATION_STATUSES.filter(
  status => status !== 'awaiting-approval',
);

/** A running attempt's run, or a succeeded one an operation (rollback, contract) works on. */
const LEASED_STATUSES: MigrationStatus[] = ['running', 'succeeded'];

/** The run journal in the plugin's database: leases on `migrations`, and its own tables. */
export class DatabaseRunJournal implements RunJournal {
  constructor(private readonly knex: Knex) {}

  async claimMigration(
    id: string,
    lease: Lease,
  ): Promise<(Migration & { plan?: MigrationPlan }) | undefined> {
    return this.knex.transaction(async tx => {
      const [row] = await tx<MigrationRow>('migrations')
        .where({ id })
        .whereIn('status', CLAIMABLE_STATUSES)
        // Not even this process's own lease: each attempt has its own (see attemptOwner).
        .where(q =>
          q
            .whereNull('lease_owner')
            .orWhere('lease_expires_at', '<', tx.fn.now()),
        )
        .update({
          status: 'running',
          attempts: tx.raw('attempts + 1') as any,
          started_at: tx.raw('coalesce(started_at, now())') as any,
          updated_at: tx.fn.now() as any,
          lease_owner: lease.owner,
          lease_expires_at: leaseEnd(tx, lease.durationMs),
        } as any)
        .returning('*');
      if (!row) return undefined;
      // Steps an earlier attempt left running ended with it (its worker died): close them.
      await tx('migration_steps')
        .where({ migration_id: id, status: 'running' })
        .where('attempt', '<', row.attempts)
        .update({ status: 'failed', finished_at: tx.fn.now() });
      return toMigrationWithPlan(row);
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
        lease_expires_at: leaseEnd(this.knex, lease.durationMs),
      } as any)
      .returning('*');
    return row && toMigrationWithPlan(row);
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
      .update({ lease_expires_at: leaseEnd(this.knex, lease.durationMs) });
    return updated === 1;
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
          lease_expires_at: leaseEnd(tx, graceMs),
        })
        .returning('id');
      for (const { id } of rows) await enqueue(asStoreTransaction(tx), id);
      return rows.map(r => r.id);
    });
  }

  async requeueExpiredOperations(
    enqueue: Enqueue,
    graceMs: number,
  ): Promise<string[]> {
    return this.knex.transaction(async tx => {
      // A finished run is leased only while an operation works on it.
      const rows: { id: string }[] = await tx('migrations')
        .where({ status: 'succeeded' })
        .whereNotNull('lease_owner')
        .where('lease_expires_at', '<', tx.fn.now())
        .update({
          lease_owner: null,
          lease_expires_at: leaseEnd(tx, graceMs),
        })
        .returning('id');
      for (const { id } of rows) await enqueue(asStoreTransaction(tx), id);
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
      const unit = asStoreTransaction(tx);
      const live = await liveJobs(unit, waiting);
      const stranded = waiting.filter(id => !live.has(id));
      for (const id of stranded) await enqueue(unit, id);
      return stranded;
    });
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

  async attemptsWithoutProgress(
    id: string,
    sinceAttempt: number,
  ): Promise<number> {
    const { rows } = await this.knex.raw<{ rows: { n: number }[] }>(
      `SELECT count(DISTINCT s.attempt)::int AS n
         FROM migration_steps s
        WHERE s.migration_id = :id AND s.attempt > :sinceAttempt
          AND s.started_at > coalesce(
            (SELECT max(updated_at) FROM migration_checkpoints
              WHERE migration_id = :id), '-infinity')`,
      { id, sinceAttempt },
    );
    return rows[0]?.n ?? 0;
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
      // Progress is only shown: one a crash loses is written again by the next
      // report, so its commit need not wait for the disk (a backfill reports per batch).
      { waitForDisk: false },
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

  async recordDryRunSample(
    id: string,
    sample: DryRunSample,
    owner?: string,
  ): Promise<boolean> {
    return this.whileLeased(
      id,
      owner,
      `UPDATE migrations SET dry_run_sample = CAST(:sample AS jsonb)
         WHERE id IN (SELECT id FROM held)`,
      { sample: JSON.stringify(sample) },
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
    { waitForDisk = true }: { waitForDisk?: boolean } = {},
  ): Promise<boolean> {
    const held = owner
      ? `SELECT id FROM migrations
           WHERE id = :id AND lease_owner = :owner
             AND status IN ('running', 'succeeded')
           FOR SHARE`
      : `SELECT CAST(:id AS uuid) AS id`;
    const { rows } = await this.knex.raw(
      `WITH held AS (${held}), written AS (${write})
       SELECT EXISTS (SELECT 1 FROM held) AS held${
         // Local to the statement's own transaction, whose commit reads it.
         waitForDisk ? '' : `, set_config('synchronous_commit', 'off', true)`
       }`,
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

  /** The run's steps and (up to 5,000) log lines, in order, for its details. */
  async history(id: string): Promise<Pick<MigrationDetails, 'steps' | 'logs'>> {
    const [steps, logs] = await Promise.all([
      this.knex('migration_steps').where({ migration_id: id }).orderBy('id'),
      this.knex('migration_logs')
        .where({ migration_id: id })
        .orderBy('id')
        .limit(5000),
    ]);
    return {
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
}

/** `durationMs` from now, in the database's clock, which every lease is read against. */
function leaseEnd(knex: Knex, durationMs: number) {
  return knex.raw(`now() + ? * interval '1 millisecond'`, [durationMs]);
}
