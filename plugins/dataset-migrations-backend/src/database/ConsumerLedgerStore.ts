import type {
  ConsumerDecision,
  ConsumerFailure,
  ConsumerImpact,
  ConsumerLedger,
  ConsumerPullRequest,
  ConsumerState,
  ConsumerVerification,
  Migration,
  MigrationConsumer,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { MigrationVisibility } from './migrationVisibility';
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';

/** A consumer found through lineage, before anything is known of its code. */
export type DiscoveredConsumer = Pick<
  MigrationConsumer,
  'entityRef' | 'title' | 'owner' | 'depth' | 'via' | 'repositoryUrl'
>;

/** What a step of the pipeline records about a consumer. */
export interface ConsumerUpdate {
  state: ConsumerState;
  failure?: ConsumerFailure | null;
  impact?: ConsumerImpact;
  verification?: ConsumerVerification;
  pullRequest?: ConsumerPullRequest;
  patch?: string;
  patchedFiles?: ChangedFile[];
  /** The commit of the consumer's default branch the patch was made from. */
  patchBaseCommit?: string;
}

/**
 * Which part of a ledger to read: `limit` rows (all without it) from `offset`,
 * of the consumers in `states` if given, and with `after` only those past that
 * consumer in ledger order (depth, then entity ref).
 */
export interface LedgerPage {
  limit?: number;
  offset: number;
  states?: ConsumerState[];
  after?: { depth: number; entityRef: string };
}

/** The consumer ledger's rows: one per consumer of a migration, and its state. */
export interface ConsumerLedgerStore {
  /** Adds consumers not yet in the ledger; known ones keep their state. */
  addDiscovered(
    migrationId: string,
    consumers: DiscoveredConsumer[],
  ): Promise<void>;
  get(
    migrationId: string,
    entityRef: string,
  ): Promise<MigrationConsumer | undefined>;
  /** What a consumer's pull request will carry, and the commit it starts from. */
  getPatch(
    migrationId: string,
    entityRef: string,
  ): Promise<{ files: ChangedFile[]; baseCommit?: string }>;
  list(migrationId: string): Promise<MigrationConsumer[]>;
  /**
   * One consumer entity's rows across runs, newest run first, among the runs
   * `visibility` lets through; `more` says whether a page follows.
   */
  listByEntity(
    entityRef: string,
    page: { limit: number; offset: number; visibility: MigrationVisibility },
  ): Promise<{
    entries: Array<{ migration: Migration; consumer: MigrationConsumer }>;
    more: boolean;
  }>;
  /**
   * The whole ledger, or a `page` of it; counts and the undecided are always
   * over all, read in the same snapshot as the page.
   */
  ledger(migrationId: string, page?: LedgerPage): Promise<ConsumerLedger>;
  /**
   * Records a step's outcome, but only if the consumer is still in one of the
   * states the step started from: a duplicate job cannot move it backwards.
   */
  advance(
    migrationId: string,
    entityRef: string,
    from: readonly ConsumerState[],
    update: ConsumerUpdate,
  ): Promise<boolean>;
  /** Which of these refs are consumers of the migration at all. */
  existing(migrationId: string, entityRefs: string[]): Promise<Set<string>>;
  /**
   * Records a person's decision on a consumer that waits for one (failed with
   * `needs-decision`), moving it to `state`; false when it does not wait for one
   * (any more). The decision stays with the consumer through later retries.
   */
  decide(
    migrationId: string,
    entityRef: string,
    decision: Omit<ConsumerDecision, 'decidedAt'>,
    state: ConsumerState,
  ): Promise<boolean>;
  /** Consumers that wait for a person's decision, by the rule of `needsDecision()`. */
  undecided(migrationId: string): Promise<MigrationConsumer[]>;
  /**
   * Sends failed consumers, and kept ones (to learn whether their code still reads
   * the kept field), back to the start; returns the refs that were reset.
   */
  resetForRetry(migrationId: string, entityRefs?: string[]): Promise<string[]>;
  /** The consumers a retry without names would reset now. */
  retryable(migrationId: string): Promise<string[]>;
}
