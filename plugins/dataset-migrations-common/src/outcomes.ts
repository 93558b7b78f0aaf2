/**
 * The signal channel the backend publishes on when a run, one of its steps or one
 * of its consumers changes. Messages carry ids only: the client refetches with its
 * own credentials.
 *
 * @public
 */
export const DATASET_MIGRATIONS_SIGNAL_CHANNEL = 'dataset-migrations';

/**
 * What a signal on {@link DATASET_MIGRATIONS_SIGNAL_CHANNEL} says changed.
 *
 * @public
 */
export interface DatasetMigrationsSignal {
  migrationId: string;
  /** The dataset's entity ref. */
  entityRef: string;
  /** Set when the change is to one consumer. */
  consumerRef?: string;
  /** Set when the run belongs to a campaign, whose page follows it. */
  campaignId?: string;
  // Signals are JSON objects.
  [key: string]: string | undefined;
}

/**
 * The outcomes of a migration that other plugins can react to, one events topic each.
 *
 * @public
 */
export const MIGRATION_OUTCOMES = [
  'awaiting-approval',
  'approved',
  'rejected',
  'started',
  'succeeded',
  'failed',
  'cancelled',
  'rolled-back',
  'contracted',
] as const;

/** @public */
export type MigrationOutcome = (typeof MIGRATION_OUTCOMES)[number];

/**
 * The events-service topic of an outcome, e.g. `dataset-migrations.migration.succeeded`.
 *
 * @public
 */
export function migrationOutcomeTopic(outcome: MigrationOutcome): string {
  return `dataset-migrations.migration.${outcome}`;
}

/**
 * The payload published on a {@link migrationOutcomeTopic}.
 *
 * @public
 */
export interface MigrationOutcomeEvent {
  migrationId: string;
  entityRef: string;
  outcome: MigrationOutcome;
  fromVersion: number;
  targetVersion: number;
  dryRun: boolean;
  /** The user whose action led to it; absent for a worker's own outcome. */
  actor?: string;
  /**
   * A person's words: the approver's comment, why it was cancelled or rolled
   * back. Not why it failed, which may quote the dataset's rows: the run says
   * that, to who may see them.
   */
  reason?: string;
  occurredAt: string;
}
