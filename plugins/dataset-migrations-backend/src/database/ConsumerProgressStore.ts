import type {
  ConsumerState,
  ConsumerStateCounts,
} from '@dataset-migrations/plugin-dataset-migrations-common';

/** A dataset's consumers over its open migrations, per state. */
export interface OpenConsumerCounts {
  counts: ConsumerStateCounts;
  /** Of `counts.failed`, those that wait for a person's decision (`needsDecision()`). */
  undecided: number;
}

/** A consumer that has not moved off an earlier migration of the same dataset. */
export interface EarlierMigrationHold {
  migrationId: string;
  fromVersion: number;
  targetVersion: number;
  contractedAt?: string;
  state: ConsumerState;
}

/**
 * How far consumers have moved to a migration's new version: per migration, per
 * dataset, and across a dataset's earlier migrations.
 */
export interface ConsumerProgressStore {
  /** Consumers of the migration still moving (not in MOVED_CONSUMER_STATES), with their state. */
  listMoving(
    migrationId: string,
  ): Promise<Array<{ entityRef: string; state: ConsumerState }>>;
  /** Per migration, how many of its consumers are still moving; absent when none. */
  countMoving(migrationIds: string[]): Promise<Map<string, number>>;
  /** How many of the migration's consumers have their checks still to come (UNCHECKED_CONSUMER_STATES). */
  countUnchecked(migrationId: string): Promise<number>;
  /**
   * When the migration's last consumer to move reached a moved state (its row's last
   * change); undefined while one is still moving, or when it has none.
   */
  lastMovedAt(migrationId: string): Promise<string | undefined>;
  /**
   * Per dataset, its consumers per state over every open migration: succeeded, not
   * a dry run, not contracted (a rolled-back, failed or cancelled one is not open).
   * Datasets without an open migration are absent.
   */
  countOpenByDataset(
    datasetRefs: string[],
  ): Promise<Map<string, OpenConsumerCounts>>;
  /**
   * Earlier migrations of the same dataset, live or contracted, that this consumer
   * has not moved off; newest first.
   */
  listEarlierHolds(
    migrationId: string,
    entityRef: string,
  ): Promise<EarlierMigrationHold[]>;
  /** As {@link ConsumerProgressStore.listEarlierHolds}, over every migration of a dataset, for a preview. */
  listHolds(
    datasetRef: string,
    entityRefs: string[],
  ): Promise<Map<string, EarlierMigrationHold>>;
}
