import {
  type DatasetEngine,
  type DatasetEngineFactory,
  type DatasetLocation,
  type DatasetMigrationPlanRequest,
  type DatasetMigrationRun,
  type DatasetSchema,
  type PreviousShapeReads,
  type QueryComparison,
  type QueryComparisonRequest,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import type {
  DatasetField,
  PlannedStage,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { InputError } from '@backstage/errors';
import { loadSqlParser } from '../../sql/sqlParser';
import { compareQueries } from './capabilities/queryComparison';
import { sampleOverlap } from './capabilities/sampling';
import { ShadowReader } from './capabilities/shadowReader';
import { readPostgresEngineConfig, type BackfillSettings } from './config';
import { Connections, createPool, interruptible } from './connection';
import { databaseIdentity } from './databaseIdentity';
import { checkExpression } from './expressions';
import { introspect } from './introspection';
import { contract } from './operations/contract';
import { readsOfPreviousShape } from './operations/previousShapeReads';
import { rollback } from './operations/rollback';
import { planStages } from './planning';
import {
  canonicalRelationName,
  parseRelationName,
  quoteRelation,
  versionOf,
} from './relations';
import { migrate } from './stages/runStages';

/**
 * Datasets in PostgreSQL. A version is a table `<name>_v<N>`; readers use `<name>`,
 * which after the first migration is a view over the current version's table, so
 * earlier versions stay readable under their versioned names.
 *
 * A migration runs in stages (see `stages/`), each recorded as a checkpoint so an
 * interrupted run continues where it stopped: dry-run (transform a sample),
 * create-target (the new table and a trigger that captures every write to the
 * source), backfill (keyset batches, each its own short transaction), indexes,
 * verify (row count and checksum of both sides in one snapshot) and cut-over (one
 * short transaction repoints the name). Rollback, contract and undo are in
 * `operations/`.
 */
export class PostgresDatasetEngine implements DatasetEngine {
  constructor(
    /** The runs' connections. */
    private readonly db: Connections,
    private readonly backfill: BackfillSettings,
    /** Consumer SQL runs as this role, never the engine's. */
    private readonly shadowReader: ShadowReader,
    /** What requests read: live schemas, plans, samples (see requestConnections). */
    private readonly reads: Connections,
    /** The database the connection settings reach (see `databaseIdentity`). */
    private readonly database: string,
  ) {}

  canonicalTable(table: string): string {
    const canonical = canonicalRelationName(table);
    // Its own records (capture, checkpoints, contracts): an entity naming them
    // would migrate, read or rename what every run relies on.
    if (parseRelationName(table).schema === this.db.bookkeepingSchema)
      throw new InputError(
        `"${table}" is in ${this.db.bookkeepingSchema}, this engine's own bookkeeping schema (its capture, checkpoints and contracts), never a dataset`,
      );
    return canonical;
  }

  databaseIdentity(): string {
    return this.database;
  }

  introspect(dataset: DatasetLocation): Promise<DatasetSchema> {
    return introspect(this.reads, dataset);
  }

  sampleOverlap(
    dataset: DatasetLocation,
    field: string,
    examples: string[],
  ): Promise<number> {
    return sampleOverlap(this.reads, dataset, field, examples);
  }

  async checkExpression(
    expression: string,
    sourceFields: DatasetField[],
  ): Promise<string[]> {
    return checkExpression(
      expression,
      sourceFields.map(f => f.name),
    );
  }

  versionRelation(dataset: DatasetLocation, version: number): string {
    return quoteRelation(versionOf(parseRelationName(dataset.table), version));
  }

  compareQueries(comparison: QueryComparisonRequest): Promise<QueryComparison> {
    // A lost connection says nothing about the queries: the check is interrupted, not failed.
    return interruptible(() => compareQueries(this.shadowReader, comparison));
  }

  plan(request: DatasetMigrationPlanRequest): Promise<PlannedStage[]> {
    return planStages(this.reads, this.backfill, request);
  }

  migrate(run: DatasetMigrationRun): Promise<void> {
    return migrate(this.db, this.backfill, run);
  }

  rollback(run: DatasetMigrationRun): Promise<void> {
    return rollback(this.db, run);
  }

  contract(run: DatasetMigrationRun): Promise<void> {
    return contract(this.db, run);
  }

  readsOfPreviousShape(
    run: DatasetMigrationRun,
  ): Promise<PreviousShapeReads | undefined> {
    return readsOfPreviousShape(this.db, run);
  }

  async close(): Promise<void> {
    // Every pool ends, even when another fails to.
    const closed = await Promise.allSettled([
      this.shadowReader.close(),
      this.db.close(),
      this.reads.close(),
    ]);
    const failed = closed.find(c => c.status === 'rejected');
    if (failed) throw (failed as PromiseRejectedResult).reason;
  }
}

/**
 * Creates the engine for `datasetMigrations.engines.<name>` entries of `type: postgres`.
 *
 * @public
 */
export const postgresEngineFactory: DatasetEngineFactory = {
  type: 'postgres',
  async create({ name, config, logger }) {
    const settings = readPostgresEngineConfig(config, name);
    // Planning carries indexes and constraints over by parsing their expressions.
    await loadSqlParser();
    const db = new Connections(
      createPool(name, settings, logger),
      settings.bookkeepingSchema,
    );
    const reads = new Connections(
      createPool(
        `${name} (requests)`,
        settings,
        logger,
        settings.requestConnections,
      ),
      settings.bookkeepingSchema,
    );
    const shadowReader = new ShadowReader(db, settings, name, logger);
    // Grants a process killed mid-check left behind.
    void shadowReader.sweep();
    return new PostgresDatasetEngine(
      db,
      settings.backfill,
      shadowReader,
      reads,
      databaseIdentity(settings.connection),
    );
  },
};
