import type { Config } from '@backstage/config';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  DatasetField,
  TargetField,
} from '@dataset-migrations/plugin-dataset-migrations-common';

/** Where a dataset lives on its engine, from the entity's annotations. */
export interface DatasetLocation {
  /** The relation name the dataset is read under, e.g. `public.listening_events`. */
  table: string;
}

export interface DatasetSchema {
  fields: DatasetField[];
  /** The engine's estimate; exact counts are for verification, not for listing. */
  rowEstimate: number;
}

/** What an engine needs to move one dataset from one schema version to the next. */
export interface DatasetMigrationRun {
  migrationId: string;
  entityRef: string;
  dataset: DatasetLocation;
  fromVersion: number;
  targetVersion: number;
  /** The target version's fields and where each takes its values from. */
  targetFields: TargetField[];
  /** Do all the work, then roll it back: nothing stays changed. */
  dryRun: boolean;
  /** Runs one named step that users see in the run, with its timing and outcome. */
  step<T>(name: string, work: () => Promise<T>): Promise<T>;
  log(message: string, level?: 'info' | 'warn' | 'error'): Promise<void>;
  /**
   * Throws if the user cancelled the run. Engines call it before each point of no
   * return, so a cancelled run never leaves a half-switched dataset.
   */
  throwIfCancelled(): Promise<void>;
}

/**
 * An engine holds datasets and moves them between schema versions. The Postgres
 * engine is built in; others (warehouses, lakes) plug in through
 * {@link datasetEnginesExtensionPoint}.
 */
export interface DatasetEngine {
  /** Reads the live schema of the dataset's current version. */
  introspect(dataset: DatasetLocation): Promise<DatasetSchema>;
  /**
   * Creates the target version, moves the data and switches readers to it, all or
   * nothing: when it throws, the dataset is as it was.
   */
  migrate(run: DatasetMigrationRun): Promise<void>;
  /** Releases connections when the backend stops. */
  close?(): Promise<void>;
}

/** Builds engines of one `type` from their `datasetMigrations.engines.<name>` config. */
export interface DatasetEngineFactory {
  type: string;
  create(options: {
    name: string;
    config: Config;
    logger: LoggerService;
  }): DatasetEngine | Promise<DatasetEngine>;
}
