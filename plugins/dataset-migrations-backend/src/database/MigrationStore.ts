import type { DatasetActivityStore } from './DatasetActivityStore';
import type { DatasetVersionStore } from './DatasetVersionStore';
import type { MigrationRequestStore } from './MigrationRequestStore';
import type { RunJournal } from './RunJournal';

export type {
  ActiveCampaignOfDataset,
  DatasetActivityStore,
} from './DatasetActivityStore';
export type { DatasetState, DatasetVersionStore } from './DatasetVersionStore';
export type {
  Enqueue,
  MigrationRequestStore,
  NewMigration,
  QueueResult,
  WithOutcome,
} from './MigrationRequestStore';
export type { Lease, LiveJobs, RunJournal } from './RunJournal';
export type { StoreTransaction } from './StoreTransaction';

/** Every part of the migration store, for callers that work across them. */
export type MigrationStore = MigrationRequestStore &
  RunJournal &
  DatasetVersionStore &
  DatasetActivityStore;
