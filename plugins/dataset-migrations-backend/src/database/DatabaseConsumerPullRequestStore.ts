import type { Knex } from 'knex';
import {
  isLiveMigration,
  type ConsumerPullRequest,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type {
  ConsumerPullRequestStore,
  PullRequestToClose,
} from './ConsumerPullRequestStore';
import { CONSUMERS_TABLE, type ConsumerRow } from './consumerRows';
import type { MigrationRow } from './migrationRows';

/** Consumers' pull requests, as recorded on their ledger rows in the plugin's database. */
export class DatabaseConsumerPullRequestStore
  implements ConsumerPullRequestStore
{
  constructor(private readonly knex: Knex) {}

  /** Consumers whose pull requests are open or merged, to follow up on. */
  async listAwaitingMerge(): Promise<
    Array<{ migrationId: string; entityRef: string }>
  > {
    const rows = await this.knex<ConsumerRow>(CONSUMERS_TABLE)
      .whereIn('state', ['pr-opened', 'merged'])
      .select('migration_id', 'entity_ref');
    return rows.map(r => ({
      migrationId: r.migration_id,
      entityRef: r.entity_ref,
    }));
  }

  async takeStalePullRequests(
    openForMs: number,
  ): Promise<Array<{ migrationId: string; entityRef: string; url: string }>> {
    // A consumer's row changes when its state does; while its pull request waits
    // in `pr-opened` nothing writes it, so its updated_at is when the request opened.
    const { rows } = await this.knex.raw(
      `WITH stale AS (
         SELECT migration_id, entity_ref, pull_request->>'url' AS url,
                'stale-pull-request:' || entity_ref || ':' || (pull_request->>'url') AS name
           FROM ${CONSUMERS_TABLE}
          WHERE state = 'pr-opened'
            AND pull_request->>'url' IS NOT NULL
            AND updated_at < now() - make_interval(secs => :seconds)
       ), reminded AS (
         INSERT INTO migration_checkpoints (migration_id, name, value)
         SELECT migration_id, name, jsonb_build_object('remindedAt', now()) FROM stale
         ON CONFLICT (migration_id, name) DO NOTHING
         RETURNING migration_id, name
       )
       SELECT s.migration_id, s.entity_ref, s.url
         FROM stale s JOIN reminded r USING (migration_id, name)`,
      { seconds: openForMs / 1000 },
    );
    return (
      rows as Array<{ migration_id: string; entity_ref: string; url: string }>
    ).map(r => ({
      migrationId: r.migration_id,
      entityRef: r.entity_ref,
      url: r.url,
    }));
  }

  /**
   * Settles every consumer of a rolled-back migration that is not unaffected:
   * `superseded`, with the reason, keeping its failure and pull request, and
   * without a claim. Returns
   * those whose pull request is still open, to be closed.
   */
  async supersede(
    migrationId: string,
    reasons: {
      /** For a consumer whose patch was merged: its code now reads the new version. */
      merged: string;
      /** For one with a pull request that is still open. */
      open: string;
      /** For every other one. */
      other: string;
    },
  ): Promise<PullRequestToClose[]> {
    const rows: Array<
      Pick<ConsumerRow, 'entity_ref' | 'repository_url' | 'pull_request'>
    > = await this.knex(CONSUMERS_TABLE)
      .where({ migration_id: migrationId })
      .whereNotIn('state', ['unaffected', 'superseded'])
      .update({
        state: 'superseded',
        // Nothing is left to do for it: a claim a killed worker held would
        // otherwise stay (the sweep frees only consumers with a step ahead), and
        // a live step's writes, fenced on the state, change nothing now.
        claimed_by: null,
        claimed_until: null,
        superseded_reason: this.knex.raw(
          `CASE WHEN state = 'merged' OR (state = 'done' AND coalesce(patch, '') <> '') THEN ?
                  WHEN pull_request->>'state' = 'open' THEN ? ELSE ? END`,
          [reasons.merged, reasons.open, reasons.other],
        ),
        updated_at: this.knex.fn.now(),
      })
      .returning(['entity_ref', 'repository_url', 'pull_request']);
    return rows
      .filter(r => r.pull_request?.state === 'open' && r.repository_url)
      .map(r => ({
        entityRef: r.entity_ref,
        repositoryUrl: r.repository_url!,
        pullRequest: r.pull_request!,
      }));
  }

  /** Records a superseded consumer's pull request as it stands after closing it. */
  async recordClosedPullRequest(
    migrationId: string,
    entityRef: string,
    pullRequest: ConsumerPullRequest,
    supersededReason?: string,
  ): Promise<boolean> {
    const count = await this.knex(CONSUMERS_TABLE)
      .where({
        migration_id: migrationId,
        entity_ref: entityRef,
        state: 'superseded',
      })
      .update({
        pull_request: JSON.stringify(pullRequest),
        ...(supersededReason ? { superseded_reason: supersededReason } : {}),
        updated_at: this.knex.fn.now(),
      });
    return count > 0;
  }

  /**
   * Consumers whose code reads the migration's new version because their patch was
   * merged: `merged`, or `done` with a patch.
   */
  async listMergedPatches(migrationId: string): Promise<string[]> {
    const rows: Array<{ entity_ref: string }> = await this.knex(CONSUMERS_TABLE)
      .where({ migration_id: migrationId })
      .where(q =>
        q
          .where('state', 'merged')
          .orWhere(d =>
            d.where('state', 'done').whereRaw(`coalesce(patch, '') <> ''`),
          ),
      )
      .orderBy('entity_ref')
      .select('entity_ref');
    return rows.map(r => r.entity_ref);
  }

  async holdForMerge<T>(
    migrationId: string,
    work: () => Promise<T>,
  ): Promise<
    | { held: true; value: T }
    | { held: false; rollingBack: true }
    | { held: false; status: string }
  > {
    return this.knex.transaction(async tx => {
      if (!(await takeMergeLock(tx, migrationId, 'shared')))
        return { held: false, rollingBack: true };
      // Read on the lock's own connection: a burst of merges must not wait on
      // the pool for a second one while holding the first.
      const run = await tx<MigrationRow>('migrations')
        .where({ id: migrationId })
        .first('status', 'dry_run');
      if (!run || !isLiveMigration({ status: run.status, dryRun: run.dry_run }))
        return { held: false, status: run?.status ?? 'gone' };
      return { held: true, value: await work() };
    });
  }

  async holdForRollback<T>(
    migrationId: string,
    work: () => Promise<T>,
  ): Promise<T> {
    return this.knex.transaction(async tx => {
      await takeMergeLock(tx, migrationId, 'whole');
      return work();
    });
  }
}

/**
 * The migration's merge lock: transaction-scoped and advisory, so a worker that
 * dies lets go with its connection. Shared by merges, which only try; taken
 * whole by a rollback, which waits. Answers whether it was taken.
 */
async function takeMergeLock(
  tx: Knex.Transaction,
  migrationId: string,
  how: 'shared' | 'whole',
): Promise<boolean> {
  const key = `dataset-migrations:merges:${migrationId}`;
  if (how === 'whole') {
    await tx.raw(`SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`, [key]);
    return true;
  }
  const { rows } = await tx.raw(
    `SELECT pg_try_advisory_xact_lock_shared(hashtextextended(?, 0)) AS taken`,
    [key],
  );
  return rows[0].taken === true;
}
