import type { Knex } from 'knex';
import {
  CONSUMER_STATES,
  emptyConsumerStateCounts,
  SETTLED_CONSUMER_STATES,
  type ConsumerDecision,
  type ConsumerLedger,
  type ConsumerState,
  type Migration,
  type MigrationConsumer,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import type {
  ConsumerLedgerStore,
  ConsumerUpdate,
  DiscoveredConsumer,
  LedgerPage,
} from './ConsumerLedgerStore';
import {
  LEDGER_COLUMNS,
  CONSUMERS_TABLE,
  toConsumer,
  type ConsumerRow,
} from './consumerRows';
import {
  MIGRATION_COLUMNS,
  toMigration,
  type MigrationListRow,
} from './migrationRows';
import { whereVisible, type MigrationVisibility } from './migrationVisibility';

/** Failed consumers, and kept ones (to learn whether their code still reads the kept field). */
const RETRYABLE_STATES: ConsumerState[] = ['failed', 'kept'];

/** The consumer ledger's rows in the plugin's database. */
export class DatabaseConsumerLedgerStore implements ConsumerLedgerStore {
  constructor(private readonly knex: Knex) {}

  /**
   * Adds consumers not yet in the ledger; known ones keep their state. None is
   * added to a run that ended cancelled or rolled back: its consumers were
   * settled as it ended. The run's row is read FOR SHARE, so a cancel ending it
   * meanwhile (an update of that row) waits for this insert, and its settling
   * sees these rows, or this insert waits for the cancel and adds nothing.
   */
  async addDiscovered(
    migrationId: string,
    consumers: DiscoveredConsumer[],
  ): Promise<void> {
    if (consumers.length === 0) return;
    for (let i = 0; i < consumers.length; i += 500) {
      const batch = consumers.slice(i, i + 500);
      await this.knex.raw(
        `INSERT INTO ${CONSUMERS_TABLE}
           (migration_id, entity_ref, title, owner, depth, via, repository_url, state)
         SELECT m.id, c.entity_ref, c.title, c.owner, c.depth, c.via, c.repository_url, 'discovered'
           FROM migrations m,
                unnest(:refs::text[], :titles::text[], :owners::text[], :depths::int[],
                       :vias::text[], :urls::text[])
                  AS c(entity_ref, title, owner, depth, via, repository_url)
          WHERE m.id = :migrationId AND m.status NOT IN ('cancelled', 'rolled-back')
            FOR SHARE OF m
         ON CONFLICT (migration_id, entity_ref) DO NOTHING`,
        {
          migrationId,
          refs: batch.map(c => c.entityRef),
          titles: batch.map(c => c.title ?? null),
          owners: batch.map(c => c.owner ?? null),
          depths: batch.map(c => c.depth),
          vias: batch.map(c => c.via ?? null),
          urls: batch.map(c => c.repositoryUrl ?? null),
        },
      );
    }
  }

  async get(
    migrationId: string,
    entityRef: string,
  ): Promise<MigrationConsumer | undefined> {
    const row = await this.knex<ConsumerRow>(CONSUMERS_TABLE)
      .where({ migration_id: migrationId, entity_ref: entityRef })
      .first(LEDGER_COLUMNS);
    return row && toConsumer(row as unknown as ConsumerRow);
  }

  /** What a consumer's pull request will carry, and the commit it starts from. */
  async getPatch(
    migrationId: string,
    entityRef: string,
  ): Promise<{ files: ChangedFile[]; baseCommit?: string }> {
    const row = await this.knex<ConsumerRow>(CONSUMERS_TABLE)
      .where({ migration_id: migrationId, entity_ref: entityRef })
      .first('patched_files', 'patch_base_commit');
    return {
      files: row?.patched_files ?? [],
      ...(row?.patch_base_commit ? { baseCommit: row.patch_base_commit } : {}),
    };
  }

  async list(migrationId: string): Promise<MigrationConsumer[]> {
    const rows = await this.knex<ConsumerRow>(CONSUMERS_TABLE)
      .where({ migration_id: migrationId })
      .orderBy([{ column: 'depth' }, { column: 'entity_ref' }])
      .select(LEDGER_COLUMNS);
    return (rows as unknown as ConsumerRow[]).map(toConsumer);
  }

  async listByEntity(
    entityRef: string,
    page: { limit: number; offset: number; visibility: MigrationVisibility },
  ): Promise<{
    entries: Array<{ migration: Migration; consumer: MigrationConsumer }>;
    more: boolean;
  }> {
    const { limit, offset, visibility } = page;
    if (visibility.type === 'none') return { entries: [], more: false };
    // The runs are filtered and ordered in SQL; one row more tells whether a page follows.
    const migrationRows: MigrationListRow[] = await this.knex('migrations')
      .join(CONSUMERS_TABLE, `${CONSUMERS_TABLE}.migration_id`, 'migrations.id')
      .where(`${CONSUMERS_TABLE}.entity_ref`, entityRef)
      .where(q => {
        if (visibility.type === 'conditional')
          whereVisible(q, visibility.filter);
      })
      .orderBy([
        { column: 'migrations.created_at', order: 'desc' },
        { column: 'migrations.id' },
      ])
      .offset(offset)
      .limit(limit + 1)
      .select(MIGRATION_COLUMNS.map(column => `migrations.${column}`));
    const shown = migrationRows.slice(0, limit);
    const consumerRows = (await this.knex<ConsumerRow>(CONSUMERS_TABLE)
      .where({ entity_ref: entityRef })
      .whereIn(
        'migration_id',
        shown.map(m => m.id),
      )
      .select(LEDGER_COLUMNS)) as unknown as ConsumerRow[];
    const byRun = new Map(consumerRows.map(r => [r.migration_id, r]));
    return {
      entries: shown.map(row => ({
        migration: toMigration(row),
        consumer: toConsumer(byRun.get(row.id)!),
      })),
      more: migrationRows.length > limit,
    };
  }

  async ledger(
    migrationId: string,
    page: LedgerPage = { offset: 0 },
  ): Promise<ConsumerLedger> {
    const { limit, offset, states, after } = page;
    // In ledger order through an index: (migration_id, depth, entity_ref), or
    // (migration_id, state, depth, entity_ref) for a filter by state.
    const rows = (q: Knex) => {
      const query = q<ConsumerRow>(CONSUMERS_TABLE)
        .where({ migration_id: migrationId })
        .orderBy([{ column: 'depth' }, { column: 'entity_ref' }])
        .select(LEDGER_COLUMNS);
      if (states) query.whereIn('state', states);
      // By key: rows added or removed before the cursor cannot shift the rest.
      if (after)
        query.whereRaw('(depth, entity_ref) > (?, ?)', [
          after.depth,
          after.entityRef,
        ]);
      // One row more tells whether a page follows.
      if (limit !== undefined) query.offset(offset).limit(limit + 1);
      else if (offset > 0) query.offset(offset);
      return query as unknown as Promise<ConsumerRow[]>;
    };
    const stateCounts = (q: Knex) =>
      q(CONSUMERS_TABLE)
        .where({ migration_id: migrationId })
        .groupBy('state')
        .select(
          'state',
          q.raw('count(*)::int AS n'),
          // needsDecision(): failed, waiting for a person.
          q.raw(
            "(count(*) FILTER (WHERE failure_kind = 'needs-decision'))::int AS undecided",
          ),
        ) as Promise<
        Array<{ state: ConsumerState; n: number; undecided: number }>
      >;
    // One snapshot: the page, its total and its counts agree.
    const [found, byState] = await this.knex.transaction(
      async trx => [await rows(trx), await stateCounts(trx)] as const,
      { isolationLevel: 'repeatable read', readOnly: true },
    );
    const counts = emptyConsumerStateCounts();
    let undecided = 0;
    for (const row of byState) {
      counts[row.state] = row.n;
      if (row.state === 'failed') undecided = row.undecided;
    }
    let total = 0;
    for (const state of states ?? CONSUMER_STATES) total += counts[state];
    const more = limit !== undefined && found.length > limit;
    return {
      migrationId,
      counts,
      undecided,
      total,
      consumers: found.slice(0, limit).map(toConsumer),
      ...(more ? { nextOffset: offset + limit } : {}),
    };
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
    if (update.patchBaseCommit)
      values.patch_base_commit = update.patchBaseCommit;
    // A settled consumer is held by no job: a holder killed after this write
    // would otherwise leave its claim on the row for good (no sweep looks at
    // settled rows), and one still in its pass has nothing left to do.
    if (SETTLED_CONSUMER_STATES.includes(update.state))
      Object.assign(values, {
        claimed_by: null,
        claimed_until: null,
        advance_requested: false,
      });
    const count = await this.knex(CONSUMERS_TABLE)
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
    const rows = await this.knex<ConsumerRow>(CONSUMERS_TABLE)
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
    const count = await this.knex(CONSUMERS_TABLE)
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
    const rows = await this.knex<ConsumerRow>(CONSUMERS_TABLE)
      .where({
        migration_id: migrationId,
        state: 'failed',
        failure_kind: 'needs-decision',
      })
      .orderBy('entity_ref')
      .select(LEDGER_COLUMNS);
    return (rows as unknown as ConsumerRow[]).map(toConsumer);
  }

  /**
   * Sends failed consumers, and kept ones (to learn whether their code still reads
   * the kept field), back to the start; returns the refs that were reset.
   */
  async resetForRetry(
    migrationId: string,
    entityRefs?: string[],
  ): Promise<string[]> {
    const query = this.knex(CONSUMERS_TABLE)
      .where({ migration_id: migrationId })
      .whereIn('state', RETRYABLE_STATES)
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

  async retryable(migrationId: string): Promise<string[]> {
    const rows = await this.knex<ConsumerRow>(CONSUMERS_TABLE)
      .where({ migration_id: migrationId })
      .whereIn('state', RETRYABLE_STATES)
      .orderBy('entity_ref')
      .select('entity_ref');
    return rows.map(r => r.entity_ref);
  }
}
