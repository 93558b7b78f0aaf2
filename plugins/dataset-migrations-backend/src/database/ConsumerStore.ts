import type { Knex } from 'knex';
import {
  emptyConsumerStateCounts,
  MOVED_CONSUMER_STATES,
  type ConsumerDecision,
  type ConsumerFailure,
  type ConsumerImpact,
  type ConsumerLedger,
  type ConsumerPullRequest,
  type ConsumerState,
  type ConsumerStateCounts,
  type ConsumerVerification,
  type MigrationConsumer,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';

/** A consumer found through lineage, before anything is known of its code. */
export interface DiscoveredConsumer {
  entityRef: string;
  title?: string;
  owner?: string;
  depth: number;
  via?: string;
  repositoryUrl?: string;
}

/** What a step of the pipeline records about a consumer. */
export interface ConsumerUpdate {
  state: ConsumerState;
  failure?: ConsumerFailure | null;
  impact?: ConsumerImpact;
  verification?: ConsumerVerification;
  pullRequest?: ConsumerPullRequest;
  patch?: string;
  patchedFiles?: ChangedFile[];
}

interface Row {
  migration_id: string;
  entity_ref: string;
  title: string | null;
  owner: string | null;
  depth: number;
  via: string | null;
  repository_url: string | null;
  state: ConsumerState;
  failure_kind: string | null;
  failure_message: string | null;
  impact: ConsumerImpact | null;
  verification: ConsumerVerification | null;
  pull_request: ConsumerPullRequest | null;
  patch: string | null;
  patched_files: ChangedFile[] | null;
  superseded_reason: string | null;
  decision: ConsumerDecision | null;
  attempts: number;
  updated_at: Date | string;
}

const TABLE = 'migration_consumers';
/** Everything but the patched files, which only the pipeline's own steps read. */
const LEDGER_COLUMNS = [
  'migration_id',
  'entity_ref',
  'title',
  'owner',
  'depth',
  'via',
  'repository_url',
  'state',
  'failure_kind',
  'failure_message',
  'impact',
  'verification',
  'pull_request',
  'patch',
  'superseded_reason',
  'decision',
  'attempts',
  'updated_at',
];

/** A consumer superseded by a rollback whose pull request is still open. */
export interface PullRequestToClose {
  entityRef: string;
  repositoryUrl: string;
  pullRequest: ConsumerPullRequest;
}

/** A consumer that has not moved off an earlier migration of the same dataset. */
export interface EarlierMigrationHold {
  migrationId: string;
  fromVersion: number;
  targetVersion: number;
  contractedAt?: string;
  state: ConsumerState;
}

/** The consumer ledger in the plugin's database. */
export class ConsumerStore {
  constructor(private readonly knex: Knex) {}

  /** Adds consumers not yet in the ledger; known ones keep their state. */
  async addDiscovered(
    migrationId: string,
    consumers: DiscoveredConsumer[],
  ): Promise<void> {
    if (consumers.length === 0) return;
    for (let i = 0; i < consumers.length; i += 500) {
      await this.knex(TABLE)
        .insert(
          consumers.slice(i, i + 500).map(c => ({
            migration_id: migrationId,
            entity_ref: c.entityRef,
            title: c.title ?? null,
            owner: c.owner ?? null,
            depth: c.depth,
            via: c.via ?? null,
            repository_url: c.repositoryUrl ?? null,
            state: 'discovered',
          })),
        )
        .onConflict(['migration_id', 'entity_ref'])
        .ignore();
    }
  }

  async get(
    migrationId: string,
    entityRef: string,
  ): Promise<MigrationConsumer | undefined> {
    const row = await this.knex<Row>(TABLE)
      .where({ migration_id: migrationId, entity_ref: entityRef })
      .first(LEDGER_COLUMNS);
    return row && toConsumer(row as unknown as Row);
  }

  /** The files a consumer's pull request will carry. */
  async getPatchedFiles(
    migrationId: string,
    entityRef: string,
  ): Promise<ChangedFile[]> {
    const row = await this.knex<Row>(TABLE)
      .where({ migration_id: migrationId, entity_ref: entityRef })
      .first('patched_files');
    return row?.patched_files ?? [];
  }

  async list(migrationId: string): Promise<MigrationConsumer[]> {
    const rows = await this.knex<Row>(TABLE)
      .where({ migration_id: migrationId })
      .orderBy([{ column: 'depth' }, { column: 'entity_ref' }])
      .select(LEDGER_COLUMNS);
    return (rows as unknown as Row[]).map(toConsumer);
  }

  async ledger(migrationId: string): Promise<ConsumerLedger> {
    const consumers = await this.list(migrationId);
    const counts = emptyConsumerStateCounts();
    for (const c of consumers) counts[c.state]++;
    return { migrationId, counts, consumers };
  }

  /**
   * Records a step's outcome, but only if the consumer is still in one of the
   * states the step started from: a duplicate job cannot move it backwards.
   */
  async advance(
    migrationId: string,
    entityRef: string,
    from: readonly ConsumerState[],
    update: ConsumerUpdate,
  ): Promise<boolean> {
    const values: Record<string, unknown> = {
      state: update.state,
      updated_at: this.knex.fn.now(),
    };
    if (update.failure !== undefined) {
      values.failure_kind = update.failure?.kind ?? null;
      values.failure_message = update.failure?.message ?? null;
    }
    if (update.impact) values.impact = JSON.stringify(update.impact);
    if (update.verification)
      values.verification = JSON.stringify(update.verification);
    if (update.pullRequest)
      values.pull_request = JSON.stringify(update.pullRequest);
    if (update.patch !== undefined) values.patch = update.patch;
    if (update.patchedFiles)
      values.patched_files = JSON.stringify(update.patchedFiles);
    const count = await this.knex(TABLE)
      .where({ migration_id: migrationId, entity_ref: entityRef })
      .whereIn('state', from as ConsumerState[])
      .update(values);
    return count > 0;
  }

  /** Which of these refs are consumers of the migration at all. */
  async existing(
    migrationId: string,
    entityRefs: string[],
  ): Promise<Set<string>> {
    const rows = await this.knex<Row>(TABLE)
      .where({ migration_id: migrationId })
      .whereIn('entity_ref', entityRefs)
      .select('entity_ref');
    return new Set(rows.map(r => r.entity_ref));
  }

  /**
   * Records a person's decision on a consumer that waits for one (failed with
   * `needs-decision`), moving it to `state`; false when it does not wait for one
   * (any more). The decision stays with the consumer through later retries.
   */
  async decide(
    migrationId: string,
    entityRef: string,
    decision: Omit<ConsumerDecision, 'decidedAt'>,
    state: ConsumerState,
  ): Promise<boolean> {
    const count = await this.knex(TABLE)
      .where({
        migration_id: migrationId,
        entity_ref: entityRef,
        state: 'failed',
        failure_kind: 'needs-decision',
      })
      .update({
        state,
        decision: this.knex.raw(
          `CAST(? AS jsonb) || jsonb_build_object('decidedAt', now())`,
          [JSON.stringify(decision)],
        ),
        failure_kind: null,
        failure_message: null,
        updated_at: this.knex.fn.now(),
      });
    return count > 0;
  }

  /** Consumers that wait for a person's decision, by the rule of `needsDecision()`. */
  async undecided(migrationId: string): Promise<MigrationConsumer[]> {
    const rows = await this.knex<Row>(TABLE)
      .where({
        migration_id: migrationId,
        state: 'failed',
        failure_kind: 'needs-decision',
      })
      .orderBy('entity_ref')
      .select(LEDGER_COLUMNS);
    return (rows as unknown as Row[]).map(toConsumer);
  }

  /**
   * Sends failed consumers, and kept ones (to learn whether their code still reads
   * the kept field), back to the start; returns the refs that were reset.
   */
  async resetForRetry(
    migrationId: string,
    entityRefs?: string[],
  ): Promise<string[]> {
    const query = this.knex(TABLE)
      .where({ migration_id: migrationId })
      .whereIn('state', ['failed', 'kept'])
      .update({
        state: 'discovered',
        failure_kind: null,
        failure_message: null,
        attempts: this.knex.raw('attempts + 1'),
        updated_at: this.knex.fn.now(),
      })
      .returning('entity_ref');
    if (entityRefs) query.whereIn('entity_ref', entityRefs);
    const rows: Array<{ entity_ref: string }> = await query;
    return rows.map(r => r.entity_ref);
  }

  /** Consumers whose pull requests are open or merged, to follow up on. */
  async listAwaitingMerge(): Promise<
    Array<{ migrationId: string; entityRef: string }>
  > {
    const rows = await this.knex<Row>(TABLE)
      .whereIn('state', ['pr-opened', 'merged'])
      .select('migration_id', 'entity_ref');
    return rows.map(r => ({
      migrationId: r.migration_id,
      entityRef: r.entity_ref,
    }));
  }

  /**
   * Settles every consumer of a rolled-back migration that is not unaffected:
   * `superseded`, with the reason, keeping its failure and pull request. Returns
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
      Pick<Row, 'entity_ref' | 'repository_url' | 'pull_request'>
    > = await this.knex(TABLE)
      .where({ migration_id: migrationId })
      .whereNotIn('state', ['unaffected', 'superseded'])
      .update({
        state: 'superseded',
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
  ): Promise<boolean> {
    const count = await this.knex(TABLE)
      .where({
        migration_id: migrationId,
        entity_ref: entityRef,
        state: 'superseded',
      })
      .update({
        pull_request: JSON.stringify(pullRequest),
        updated_at: this.knex.fn.now(),
      });
    return count > 0;
  }

  /**
   * Consumers whose code reads the migration's new version because their patch was
   * merged: `merged`, or `done` with a patch.
   */
  async listMergedPatches(migrationId: string): Promise<string[]> {
    const rows: Array<{ entity_ref: string }> = await this.knex(TABLE)
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

  /** Consumers of the migration still moving (not in MOVED_CONSUMER_STATES), with their state. */
  async listMoving(
    migrationId: string,
  ): Promise<Array<{ entityRef: string; state: ConsumerState }>> {
    const rows: Array<{ entity_ref: string; state: ConsumerState }> =
      await this.knex(TABLE)
        .where({ migration_id: migrationId })
        .whereNotIn('state', MOVED_CONSUMER_STATES as ConsumerState[])
        .orderBy('entity_ref')
        .select('entity_ref', 'state');
    return rows.map(r => ({ entityRef: r.entity_ref, state: r.state }));
  }

  /**
   * Per dataset, its consumers per state over every open migration: succeeded, not
   * a dry run, not contracted (a rolled-back, failed or cancelled one is not open).
   * Datasets without an open migration are absent.
   */
  async countOpenByDataset(
    datasetRefs: string[],
  ): Promise<Map<string, ConsumerStateCounts>> {
    if (datasetRefs.length === 0) return new Map();
    const open = this.knex('migrations')
      .whereIn('entity_ref', datasetRefs)
      .where({ status: 'succeeded', dry_run: false })
      .whereNull('contracted_at');
    const [migrations, rows] = await Promise.all([
      open.clone().select('entity_ref'),
      this.knex(`${TABLE} as c`)
        .join('migrations as m', 'm.id', 'c.migration_id')
        .whereIn('m.id', open.clone().select('id'))
        .groupBy('m.entity_ref', 'c.state')
        .select('m.entity_ref', 'c.state')
        .count({ count: '*' }),
    ]);
    const counts = new Map<string, ConsumerStateCounts>();
    for (const m of migrations as Array<{ entity_ref: string }>)
      if (!counts.has(m.entity_ref))
        counts.set(m.entity_ref, emptyConsumerStateCounts());
    for (const r of rows as Array<{
      entity_ref: string;
      state: ConsumerState;
      count: string | number;
    }>)
      counts.get(r.entity_ref)![r.state] += Number(r.count);
    return counts;
  }

  /**
   * Earlier migrations of the same dataset, live or contracted, that this consumer
   * has not moved off; newest first.
   */
  async listEarlierHolds(
    migrationId: string,
    entityRef: string,
  ): Promise<EarlierMigrationHold[]> {
    return this.earlierHolds(entityRef, q =>
      q
        .whereIn(
          'm.entity_ref',
          this.knex('migrations')
            .where({ id: migrationId })
            .select('entity_ref'),
        )
        .whereNot('m.id', migrationId)
        .where(
          'm.created_at',
          '<',
          this.knex('migrations')
            .where({ id: migrationId })
            .select('created_at'),
        ),
    );
  }

  /** As {@link listEarlierHolds}, over every migration of a dataset, for a preview. */
  async listHolds(
    datasetRef: string,
    entityRefs: string[],
  ): Promise<Map<string, EarlierMigrationHold>> {
    if (entityRefs.length === 0) return new Map();
    const rows = await this.holdRows(q =>
      q.where('m.entity_ref', datasetRef).whereIn('c.entity_ref', entityRefs),
    );
    const holds = new Map<string, EarlierMigrationHold>();
    for (const row of rows)
      if (!holds.has(row.entity_ref)) holds.set(row.entity_ref, toHold(row));
    return holds;
  }

  private async earlierHolds(
    entityRef: string,
    scope: (q: Knex.QueryBuilder) => Knex.QueryBuilder,
  ): Promise<EarlierMigrationHold[]> {
    const rows = await this.holdRows(q =>
      scope(q.where('c.entity_ref', entityRef)),
    );
    return rows.map(toHold);
  }

  private async holdRows(
    scope: (q: Knex.QueryBuilder) => Knex.QueryBuilder,
  ): Promise<HoldRow[]> {
    return scope(
      this.knex(`${TABLE} as c`)
        .join('migrations as m', 'm.id', 'c.migration_id')
        .where({ 'm.status': 'succeeded', 'm.dry_run': false })
        .whereNotIn('c.state', MOVED_CONSUMER_STATES as ConsumerState[]),
    )
      .orderBy('m.created_at', 'desc')
      .select(
        'c.entity_ref',
        'c.state',
        'm.id',
        'm.from_version',
        'm.target_version',
        'm.contracted_at',
      );
  }

  /**
   * Takes the consumer for `owner` until `leaseMs` from now, or renews the
   * owner's claim. While another owner holds a live claim, returns false and,
   * with `requestPass`, asks that owner for one more pass before it lets go.
   */
  async claim(
    migrationId: string,
    entityRef: string,
    owner: string,
    options: { leaseMs: number; requestPass: boolean },
  ): Promise<boolean> {
    const free = `(claimed_by = :owner OR claimed_until IS NULL OR claimed_until < now())`;
    const { rows } = await this.knex.raw<{ rows: { claimed: boolean }[] }>(
      `UPDATE ${TABLE} SET
         advance_requested = CASE WHEN claimed_by = :owner THEN advance_requested
           WHEN ${free} THEN false ELSE advance_requested OR :requestPass END,
         claimed_until = CASE WHEN ${free}
           THEN now() + :leaseMs * interval '1 millisecond' ELSE claimed_until END,
         claimed_by = CASE WHEN ${free} THEN :owner ELSE claimed_by END
       WHERE migration_id = :migrationId AND entity_ref = :entityRef
       RETURNING claimed_by = :owner AS claimed`,
      { owner, migrationId, entityRef, ...options },
    );
    return rows[0]?.claimed ?? false;
  }

  /**
   * Lets go of the owner's claim and returns true; returns false, keeping it,
   * when another job asked for one more pass meanwhile. One statement, so a
   * request lands either before (another pass) or after (on a free row).
   */
  async releaseClaim(
    migrationId: string,
    entityRef: string,
    owner: string,
  ): Promise<boolean> {
    const { rows } = await this.knex.raw<{ rows: { released: boolean }[] }>(
      `UPDATE ${TABLE} SET
         claimed_by = CASE WHEN advance_requested THEN claimed_by END,
         claimed_until = CASE WHEN advance_requested THEN claimed_until END,
         advance_requested = false
       WHERE migration_id = :migrationId AND entity_ref = :entityRef
         AND claimed_by = :owner
       RETURNING claimed_by IS NULL AS released`,
      { owner, migrationId, entityRef },
    );
    return rows[0]?.released ?? true;
  }
}

interface HoldRow {
  entity_ref: string;
  state: ConsumerState;
  id: string;
  from_version: number;
  target_version: number;
  contracted_at: Date | null;
}

function toHold(row: HoldRow): EarlierMigrationHold {
  return {
    migrationId: row.id,
    fromVersion: row.from_version,
    targetVersion: row.target_version,
    state: row.state,
    ...(row.contracted_at
      ? { contractedAt: new Date(row.contracted_at).toISOString() }
      : {}),
  };
}

function toConsumer(row: Row): MigrationConsumer {
  return {
    entityRef: row.entity_ref,
    title: row.title ?? undefined,
    owner: row.owner ?? undefined,
    depth: row.depth,
    via: row.via ?? undefined,
    repositoryUrl: row.repository_url ?? undefined,
    state: row.state,
    failure: row.failure_kind
      ? {
          kind: row.failure_kind as ConsumerFailure['kind'],
          message: row.failure_message ?? '',
        }
      : undefined,
    impact: row.impact ?? undefined,
    verification: row.verification ?? undefined,
    pullRequest: row.pull_request ?? undefined,
    patch: row.patch ?? undefined,
    supersededReason: row.superseded_reason ?? undefined,
    ...(row.decision
      ? {
          decision: {
            ...row.decision,
            // now() as JSON carries an offset; other times here are ISO in UTC.
            decidedAt: new Date(row.decision.decidedAt).toISOString(),
          },
        }
      : {}),
    attempts: row.attempts,
    updatedAt: new Date(row.updated_at).toISOString(),
  };
}
