import type { ConsumerState } from '@dataset-migrations/plugin-dataset-migrations-common';
import type { OpenConsumerCounts } from '../database/ConsumerProgressStore';

/**
 * What the migration services read of the consumer ledger: the rules that tie
 * migrations to their consumers (rollback, a later migration, the dataset's counts).
 */
export interface ConsumerLedgerPort {
  /** Per dataset, consumers per state over its open (live, not contracted) migrations. */
  countOpenByDataset(
    datasetRefs: string[],
  ): Promise<Map<string, OpenConsumerCounts>>;
  /** Consumers whose merged patch reads the migration's new version. */
  listMergedPatches(migrationId: string): Promise<string[]>;
  /** Consumers still moving to the migration's version, with their state. */
  listMoving(
    migrationId: string,
  ): Promise<Array<{ entityRef: string; state: ConsumerState }>>;
}
