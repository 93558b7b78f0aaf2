import type { Knex } from 'knex';
import {
  CONSUMER_STATES,
  type ConsumerDecision,
  type ConsumerFailure,
  type ConsumerImpact,
  type ConsumerLedger,
  type ConsumerPullRequest,
  type ConsumerState,
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
  'decision',
  'attempts',
  'updated_at',
];

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
    const counts = Object.fromEntries(
      CONSUMER_STATES.map(s => [s, 0]),
    ) as ConsumerLedger['counts'];
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

  /** Per migration, how many consumers have not finished moving to the new version. */
  async countOutstanding(migrationIds: string[]): Promise<Map<string, number>> {
    if (migrationIds.length === 0) return new Map();
    const rows: Array<{ migration_id: string; count: string | number }> =
      await this.knex(TABLE)
        .whereIn('migration_id', migrationIds)
        .whereNotIn('state', ['unaffected', 'done'])
        .groupBy('migration_id')
        .select('migration_id')
        .count({ count: '*' });
    return new Map(rows.map(r => [r.migration_id, Number(r.count)]));
  }
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
