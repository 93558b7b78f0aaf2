import type { Config } from '@backstage/config';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  DatasetField,
  DatasetIndex,
  PlannedStage,
  TargetField,
  VerificationFigures,
  DryRunSample,
} from '@dataset-migrations/plugin-dataset-migrations-common';

/**
 * Where a dataset lives on its engine, from the entity's annotations.
 *
 * @public
 */
export interface DatasetLocation {
  /** The relation name the dataset is read under, e.g. `public.listening_events`. */
  table: string;
}

/** @public */
export interface DatasetSchema {
  fields: DatasetField[];
  /** Secondary indexes, for people to see what a migration carries over. */
  indexes?: DatasetIndex[];
  /** The engine's estimate; exact counts are for verification, not for listing. */
  rowEstimate: number;
}

/**
 * What an engine needs to move one dataset from one schema version to the next.
 *
 * @public
 */
export interface DatasetMigrationRun {
  migrationId: string;
  entityRef: string;
  dataset: DatasetLocation;
  /**
   * Where readers find the dataset after the cut-over, when the migration renames
   * or relocates it; the old name keeps reading the old version until contract.
   */
  renamedTo?: DatasetLocation;
  fromVersion: number;
  targetVersion: number;
  /** The target version's fields and where each takes its values from. */
  targetFields: TargetField[];
  /** Plan and check a sample of the transform, then stop: nothing stays changed. */
  dryRun: boolean;
  /** Runs one named step that users see in the run, with its timing and outcome. */
  step<T>(name: string, work: () => Promise<T>): Promise<T>;
  log(message: string, level?: 'info' | 'warn' | 'error'): Promise<void>;
  /**
   * Throws if the user cancelled the run ({@link MigrationCancelledError}) or this
   * worker lost the run to another ({@link MigrationInterruptedError}). Engines call
   * it between units of work and before each point of no return.
   */
  throwIfCancelled(): Promise<void>;
  /**
   * Durable state of this run, kept across attempts: a resumed attempt (after a
   * crash, a lost lease or a database restart) continues from what was recorded.
   */
  checkpoints: {
    get<T>(name: string): Promise<T | undefined>;
    set<T>(name: string, value: T): Promise<void>;
    /** Forgets everything: the next attempt starts over. */
    clear(): Promise<void>;
  };
  /** Reports how far a stage is, for progress bars: rows done of rows in all. */
  progress(stage: string, done: number, total: number): Promise<void>;
  /**
   * Stores what verification compared, for people to see on the run. Engines call
   * it whether or not the sides match, before failing on a mismatch.
   */
  recordVerification(figures: VerificationFigures): Promise<void>;
  /**
   * Stores a few rows as the dry run transformed them, for the person who started
   * it to see; engines keep it small and show only the key and changed fields.
   */
  recordDryRunSample(sample: DryRunSample): Promise<void>;
}

/**
 * The user cancelled the run; engines undo what they did and rethrow.
 *
 * @public
 */
export class MigrationCancelledError extends Error {
  constructor() {
    super('cancelled by request');
    this.name = 'MigrationCancelledError';
  }
}

/**
 * This attempt must stop where it is, touching nothing more: another worker owns
 * the run now, or the backend is shutting down. The run resumes from its
 * checkpoints, so engines must not undo their work on this error.
 *
 * @public
 */
export class MigrationInterruptedError extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'MigrationInterruptedError';
  }
}

/**
 * What an engine needs to plan a migration without running it.
 *
 * @public
 */
export type DatasetMigrationPlanRequest = Pick<
  DatasetMigrationRun,
  | 'migrationId'
  | 'entityRef'
  | 'dataset'
  | 'renamedTo'
  | 'fromVersion'
  | 'targetVersion'
  | 'targetFields'
>;

/**
 * An engine holds datasets and moves them between schema versions. The Postgres
 * engine is built in; others (warehouses, lakes) plug in through
 * {@link datasetEnginesExtensionPoint}.
 *
 * @public
 */
export interface DatasetEngine {
  /**
   * The table a dataset's table annotation (or a rename's target) names, in one
   * spelling per table, as this engine resolves it: two datasets whose names give
   * the same answer share a table. Throws for a name it cannot resolve. Optional:
   * without it, names are compared as written.
   */
  canonicalTable?(table: string): string;
  /**
   * The database this engine reaches, one string per database: two engines
   * (two names under `datasetMigrations.engines`) that answer the same reach the
   * same tables, so a table one entity names through either belongs to it alone.
   * Optional: without it, the engine's tables are its own (keyed by its name).
   */
  databaseIdentity?(): string;
  /** Reads the live schema of the dataset's current version. */
  introspect(dataset: DatasetLocation): Promise<DatasetSchema>;
  /**
   * Share (0..1) of `examples` found among sampled values of a field, to tell apart
   * fields that look alike when inferring a spec. Optional.
   */
  sampleOverlap?(
    dataset: DatasetLocation,
    field: string,
    examples: string[],
  ): Promise<number>;
  /**
   * The relation that holds one version of the dataset, as SQL, for queries that
   * must read that version whatever the dataset's name points at. Optional; with
   * {@link DatasetEngine.compareQueries} it enables consumers' shadow checks.
   */
  versionRelation?(dataset: DatasetLocation, version: number): string;
  /**
   * Runs two read-only queries on one snapshot and compares their results by row
   * count and an order-independent checksum, with a sample of rows found on one
   * side only. Proves that a consumer's rewritten query, on the new version,
   * returns what the original returned on the old one.
   */
  compareQueries?(request: QueryComparisonRequest): Promise<QueryComparison>;
  /**
   * Problems with one expression of a spec (a `using`, an added or derived field),
   * read in the engine's own dialect over the source version's fields; none when
   * it may be embedded in the engine's statements. Optional: without it, only the
   * dry run finds a bad expression.
   */
  checkExpression?(
    expression: string,
    sourceFields: DatasetField[],
  ): Promise<string[]>;
  /** The stages and statements `migrate` would run, changing nothing. */
  plan(request: DatasetMigrationPlanRequest): Promise<PlannedStage[]>;
  /**
   * Creates the target version, moves the data and switches readers to it. It may
   * be called again for the same run after an interruption and must continue from
   * the run's checkpoints. When it throws anything but an interruption, the dataset
   * is as it was before the run.
   */
  migrate(run: DatasetMigrationRun): Promise<void>;
  /**
   * After a cut-over, points readers back at the previous version, losing no write
   * made since; throws, changing nothing, when that is not possible.
   */
  rollback(run: DatasetMigrationRun): Promise<void>;
  /** Drops the previous version for good; rollback is not possible afterwards. */
  contract(run: DatasetMigrationRun): Promise<void>;
  /**
   * Between cut-over and contract: the engine's own counters of reads of the
   * previous shape, so contract can wait for readers no consumer ledger knows of.
   * Two snapshots of one run compare; undefined once the previous version is gone.
   * Optional; without it, contract is gated by known consumers only.
   */
  readsOfPreviousShape?(
    run: DatasetMigrationRun,
  ): Promise<PreviousShapeReads | undefined>;
  /** Releases connections when the backend stops. */
  close?(): Promise<void>;
}

/**
 * Cumulative counters of reads of a run's previous shape, as its engine sees them.
 * Reads between two snapshots are `scans - upkeep` of the later less the earlier;
 * a counter that went down means the engine's statistics were reset in between.
 *
 * @public
 */
export interface PreviousShapeReads {
  /** When the counters were read, by the engine's clock. */
  at: string;
  /** Scans of the relations that hold the previous shape, by anyone. */
  scans: number;
  /**
   * Of those, as many as the engine's own upkeep of the previous version may have
   * made (the writes it carries back there until contract).
   */
  upkeep: number;
  /** The last scan, when the engine records it (upkeep scans included). */
  lastScanAt?: string;
  /** What was counted, for people: the relation and the statistics read. */
  evidence: string;
}

/** @public */
export interface QueryComparisonRequest {
  before: string;
  after: string;
  /** Rows to sample from each side when the results differ. */
  sampleRows: number;
  timeoutMs: number;
  /**
   * A column `after` returns in a type that widens the one `before` returns
   * (integer → bigint, real → double precision) is compared as values of the
   * wider type rather than refused as another column.
   */
  allowWidening?: boolean;
  /**
   * The relations the queries are meant to read, as `versionRelation` names
   * them: the dataset's two versions. Consumer SQL is code from outside; an
   * engine runs it with rights to read these and nothing more.
   */
  reads: string[];
}

/** @public */
export interface QueryComparison {
  before: { rows: number; checksum: string };
  after: { rows: number; checksum: string };
  /** Rows (as text) returned on only one side; empty when the results match. */
  differing: Array<{ side: 'before' | 'after'; row: string }>;
}

/**
 * Builds engines of one `type` from their `datasetMigrations.engines.<name>` config.
 *
 * @public
 */
export interface DatasetEngineFactory {
  type: string;
  create(options: {
    name: string;
    config: Config;
    logger: LoggerService;
  }): DatasetEngine | Promise<DatasetEngine>;
}
