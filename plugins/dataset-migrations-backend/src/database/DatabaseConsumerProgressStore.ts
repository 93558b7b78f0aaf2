import type { Knex } from 'knex';
import {
  emptyConsumerStateCounts,
  MOVED_CONSUMER_STATES,
  UNCHECKED_CONSUMER_STATES,
  type ConsumerState,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type {
  ConsumerProgressStore,
  EarlierMigrationHold,
  OpenConsumerCounts,
} from './ConsumerProgressStore';
import { CONSUMERS_TABLE } from './consumerRows';

/** Consumers' progress, counted from the ledger and its migrations in the plugin's database. */
export class DatabaseConsumerProgressStore implements ConsumerProgressStore {
  constructor(private readonly knex: Knex) {}

  /** Consumers of the migration still moving (not in MOVED_CONSUMER_STATES), with their state. */
  async listMoving(
    migrationId: string,
  ): Promise<Array<{ entityRef: string; state: ConsumerState }>> {
    const rows: Array<{ entity_ref: string; state: ConsumerState }> =
      await this.knex(CONSUMERS_TABLE)
        .where({ migration_id: migrationId })
        .whereNotIn('state', MOVED_CONSUMER_STATES as ConsumerState[])
        .orderBy('entity_ref')
        .select('entity_ref', 'state');
    return rows.map(r => ({ entityRef: r.entity_ref, state: r.state }));
  }

  async countMoving(migrationIds: string[]): Promise<Map<string, number>> {
    if (migrationIds.length === 0) return new Map();
    const rows: Array<{ migration_id: string; moving: string | number }> =
      await this.knex(CONSUMERS_TABLE)
        .whereIn('migration_id', migrationIds)
        .whereNotIn('state', MOVED_CONSUMER_STATES as ConsumerState[])
        .groupBy('migration_id')
        .select('migration_id', this.knex.raw('count(*) AS moving'));
    return new Map(rows.map(r => [r.migration_id, Number(r.moving)]));
  }

  async countUnchecked(migrationId: string): Promise<number> {
    const [row] = await this.knex(CONSUMERS_TABLE)
      .where({ migration_id: migrationId })
      .whereIn('state', UNCHECKED_CONSUMER_STATES as ConsumerState[])
      .count({ unchecked: '*' });
    return Number(row?.unchecked ?? 0);
  }

  async lastMovedAt(migrationId: string): Promise<string | undefined> {
    const [row] = await this.knex(CONSUMERS_TABLE)
      .where({ migration_id: migrationId })
      .select(
        this.knex.raw('max(updated_at) AS moved_at'),
        this.knex.raw(
          `bool_and(state IN (${MOVED_CONSUMER_STATES.map(() => '?').join(
            ', ',
          )})) AS all_moved`,
          [...MOVED_CONSUMER_STATES],
        ),
      );
    return row?.all_moved && row.moved_at
      ? new Date(row.moved_at).toISOString()
      : undefined;
  }

  /**
   * Per dataset, its consumers per state over every open migration: succeeded, not
   * a dry run, not contracted (a rolled-back, failed or cancelled one is not open).
   * Datasets without an open migration are absent. Those that wait for a
   * decision are counted apart too: the ledger keeps them failed.
   */
  async countOpenByDataset(
    datasetRefs: string[],
  ): Promise<Map<string, OpenConsumerCounts>> {
    if (datasetRefs.length === 0) return new Map();
    const open = this.knex('migrations')
      .whereIn('entity_ref', datasetRefs)
      .where({ status: 'succeeded', dry_run: false })
      .whereNull('contracted_at');
    const [migrations, rows] = await Promise.all([
      open.clone().select('entity_ref'),
      this.knex(`${CONSUMERS_TABLE} as c`)
        .join('migrations as m', 'm.id', 'c.migration_id')
        .whereIn('m.id', open.clone().select('id'))
        .groupBy('m.entity_ref', 'c.state')
        .select(
          'm.entity_ref',
          'c.state',
          this.knex.raw('count(*)::int AS count'),
          // needsDecision(): failed, waiting for a person.
          this.knex.raw(
            "(count(*) FILTER (WHERE c.failure_kind = 'needs-decision'))::int AS undecided",
          ),
        ),
    ]);
    const counts = new Map<string, OpenConsumerCounts>();
    for (const m of migrations as Array<{ entity_ref: string }>)
      if (!counts.has(m.entity_ref))
        counts.set(m.entity_ref, {
          counts: emptyConsumerStateCounts(),
          undecided: 0,
        });
    for (const r of rows as Array<{
      entity_ref: string;
      state: ConsumerState;
      count: number;
      undecided: number;
    }>) {
      const dataset = counts.get(r.entity_ref)!;
      dataset.counts[r.state] += r.count;
      if (r.state === 'failed') dataset.undecided += r.undecided;
    }
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
      this.knex(`${CONSUMERS_TABLE} as c`)
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
