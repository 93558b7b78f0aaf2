import type { Knex } from 'knex';
import type {
  FieldChange,
  Migration,
  MigrationDetails,
  MigrationLogLine,
  MigrationStatus,
  MigrationSummary,
} from '@dataset-migrations/plugin-dataset-migrations-common';

export interface NewMigration {
  id: string;
  entityRef: string;
  fromVersion: number;
  targetVersion: number;
  changes: FieldChange[];
  dryRun: boolean;
  fingerprint: string;
  requestedBy: string;
}

/** Runs inside the transaction that writes a queued migration, so both land or neither. */
export type Enqueue = (tx: Knex.Transaction, migrationId: string) => Promise<void>;

/** Either the queued migration, or the dataset's active one that blocked it. */
export type QueueResult =
  | { queued: true; migration: Migration }
  | { queued: false; active?: Migration };

export interface MigrationStore {
  /**
   * Inserts a queued migration; refused while the dataset has an active one, or when
   * a migration with the same fingerprint is queued, running or succeeded.
   */
  createMigration(migration: NewMigration, enqueue: Enqueue): Promise<QueueResult>;
  /** Puts a failed or cancelled migration back in the queue for another attempt. */
  requeueMigration(id: string, enqueue: Enqueue): Promise<QueueResult>;
  /** The migration that a request with this fingerprint already produced, unless it failed or was cancelled. */
  findByFingerprint(fingerprint: string): Promise<Migration | undefined>;
  getMigration(id: string): Promise<MigrationDetails | undefined>;
  listMigrations(filter: { entityRef?: string; limit: number }): Promise<Migration[]>;
  latestMigrations(entityRefs: string[]): Promise<Map<string, MigrationSummary>>;

  /** Cancels a queued migration at once; asks a running one to stop at its next safe point. */
  requestCancel(id: string): Promise<Migration | undefined>;
  isCancelRequested(id: string): Promise<boolean>;

  /** Marks the migration running for a new attempt; undefined when it is no longer runnable. */
  claimMigration(id: string): Promise<Migration | undefined>;
  startStep(id: string, attempt: number, name: string): Promise<void>;
  finishStep(id: string, attempt: number, name: string, status: 'succeeded' | 'failed'): Promise<void>;
  appendLog(id: string, line: Omit<MigrationLogLine, 'createdAt'>): Promise<void>;
  /**
   * Ends the migration. A successful, real migration records the dataset's new
   * schema version in the same transaction.
   */
  finishMigration(
    id: string,
    outcome: { status: Extract<MigrationStatus, 'succeeded' | 'failed' | 'cancelled'>; reason?: string },
  ): Promise<void>;

  getSchemaVersion(entityRef: string): Promise<number | undefined>;
  getSchemaVersions(entityRefs: string[]): Promise<Map<string, number>>;
}
