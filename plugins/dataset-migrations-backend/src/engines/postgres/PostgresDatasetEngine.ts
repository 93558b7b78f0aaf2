import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { Pool, type PoolClient, type PoolConfig } from 'pg';
import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  MigrationInterruptedError,
  type DatasetEngine,
  type DatasetEngineFactory,
  type DatasetLocation,
  type DatasetMigrationPlanRequest,
  type DatasetMigrationRun,
  type DatasetSchema,
  type QueryComparison,
  type QueryComparisonRequest,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  carrierOf,
  widensForReaders,
  type DatasetField,
  type PlannedStage,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { loadSqlParser } from '../../sql/sqlParser';
import { checkExpression } from './expressions';
import {
  copyGrantsSql,
  estimateRows,
  formatRelation,
  isVersionOf,
  parseRelationName,
  primaryKey,
  quoteRelation,
  readConstraints,
  readDependents,
  readIndexes,
  readFailures,
  readFields,
  relationComment,
  relationExists,
  resolveDataset,
  versionOf,
  type RelationName,
  type ResolvedDataset,
} from './relations';
import { planCarryOver } from './carryOver';
import {
  batchEndSql,
  verifySql,
  contractStatements,
  copyRangeSql,
  inverseOf,
  isRename,
  previousVersion,
  rollbackStatements,
  createTargetStatements,
  cutOverStatements,
  dropCaptureSql,
  dryRunSql,
  EXPRESSION_SETTINGS,
  q,
  removeGhostsSql,
  transformRangeSql,
  type MigrationShape,
  rowChecksum,
  keyTypesOf,
} from './sql';

/** How the backfill paces itself: batches sized to stay near `targetBatchMs`. */
export interface BackfillSettings {
  maxBatchRows: number;
  targetBatchMs: number;
  /** Pause between batches, to leave the database room for other work. */
  pauseMs: number;
}

const DEFAULT_BACKFILL: BackfillSettings = {
  maxBatchRows: 200_000,
  targetBatchMs: 500,
  pauseMs: 0,
};
const FIRST_BATCH_ROWS = 5_000;
/** Rows whose values an inference compares with a field's examples. */
const SAMPLE_ROWS = 100_000;
/** Rows the dry run transforms; small tables are transformed whole. */
const DRY_RUN_SAMPLE_ROWS = 10_000;
const UNIQUE_VIOLATION = '23505';
const UNDEFINED_TABLE = '42P01';
/** How many failing rows are named before the search stops. */
const MAX_FAILING_ROWS = 10;

interface BackfillCheckpoint {
  lastKey: string[] | null;
  rows: number;
}

interface Verification {
  rows: number;
  checksum: string;
}

/**
 * Datasets in PostgreSQL. A version is a table `<name>_v<N>`; readers use `<name>`,
 * which after the first migration is a view over the current version's table, so
 * earlier versions stay readable under their versioned names.
 *
 * A migration runs in stages, each recorded as a checkpoint so an interrupted run
 * continues where it stopped: dry-run (transform a sample), create-target (the new
 * table and a trigger that captures every write to the source), backfill (keyset
 * batches, each its own short transaction), verify (row count and checksum of both
 * sides in one snapshot) and cut-over (one short transaction repoints the name).
 */
export class PostgresDatasetEngine implements DatasetEngine {
  constructor(
    private readonly pool: Pool,
    private readonly backfillSettings: BackfillSettings = DEFAULT_BACKFILL,
  ) {}

  async introspect(dataset: DatasetLocation): Promise<DatasetSchema> {
    // An unreachable database interrupts a run's plan step, as it does every stage.
    return interruptible(() =>
      this.withClient(async client => {
        const { storage } = await resolveDataset(
          client,
          parseRelationName(dataset.table),
        );
        return {
          fields: await readFields(client, storage),
          indexes: (await readIndexes(client, storage)).map(index => ({
            name: index.name,
            unique: index.unique,
            definition: index.definition,
          })),
          rowEstimate: await estimateRows(client, storage),
        };
      }),
    );
  }

  async sampleOverlap(
    dataset: DatasetLocation,
    field: string,
    examples: string[],
  ): Promise<number> {
    if (examples.length === 0) return 0;
    return this.withClient(async client => {
      const { storage } = await resolveDataset(
        client,
        parseRelationName(dataset.table),
      );
      const { rows } = await client.query<{ found: number }>(
        `SELECT count(DISTINCT e)::int AS found FROM unnest($1::text[]) AS e
          WHERE e IN (SELECT ${q(field)}::text FROM ${quoteRelation(
          storage,
        )} LIMIT ${SAMPLE_ROWS})`,
        [examples],
      );
      return rows[0].found / new Set(examples).size;
    });
  }

  async checkExpression(
    expression: string,
    sourceFields: DatasetField[],
  ): Promise<string[]> {
    await loadSqlParser();
    return checkExpression(
      expression,
      sourceFields.map(f => f.name),
    );
  }

  versionRelation(dataset: DatasetLocation, version: number): string {
    return quoteRelation(versionOf(parseRelationName(dataset.table), version));
  }

  async compareQueries(
    comparison: QueryComparisonRequest,
  ): Promise<QueryComparison> {
    let request = comparison;
    return this.withClient(async client => {
      // Read-only, one snapshot: consumer SQL can change nothing, and both sides
      // see the same rows.
      return readOnly(client, 'snapshot', async () => {
        await client.query(
          `SET LOCAL statement_timeout = ${Math.max(
            1,
            Math.floor(request.timeoutMs),
          )}`,
        );
        // Same columns, by name and type, or the results are not the same.
        const columns = async (sql: string) =>
          (await client.query(`SELECT * FROM (${sql}\n) q LIMIT 0`)).fields;
        const shape = (fields: Awaited<ReturnType<typeof columns>>) =>
          fields.map(f => `${f.name}:${f.dataTypeID}`).join(', ');
        const [beforeColumns, afterColumns] = [
          await columns(request.before),
          await columns(request.after),
        ];
        const [beforeShape, afterShape] = [
          shape(beforeColumns),
          shape(afterColumns),
        ];
        // A column the rewrite reads in a wider type is compared in that type.
        const widened =
          beforeShape !== afterShape && request.allowWidening
            ? await widenedQuery(
                client,
                request.before,
                beforeColumns,
                afterColumns,
              )
            : undefined;
        if (beforeShape !== afterShape && !widened) {
          throw new Error(
            `the rewrite returns other columns (${afterShape}) than the original (${beforeShape})`,
          );
        }
        if (widened) request = { ...request, before: widened };
        const figures = (sql: string) =>
          resultFigures(
            client,
            `SELECT count(*) AS rows, ${rowChecksum(
              'q',
            )} AS checksum FROM (${sql}\n) q`,
          );
        const before = await figures(request.before);
        const after = await figures(request.after);
        const differing: QueryComparison['differing'] = [];
        if (before.rows !== after.rows || before.checksum !== after.checksum) {
          for (const [side, mine, theirs] of [
            ['before', request.before, request.after],
            ['after', request.after, request.before],
          ] as const) {
            const { rows } = await client.query<{ row: string }>(
              `SELECT row FROM (SELECT q::text AS row FROM (${mine}\n) q
                 EXCEPT ALL SELECT q::text FROM (${theirs}\n) q) d LIMIT ${Math.floor(
                request.sampleRows,
              )}`,
            );
            differing.push(...rows.map(r => ({ side, row: r.row })));
          }
        }
        return { before, after, differing };
      });
    });
  }

  async plan(request: DatasetMigrationPlanRequest): Promise<PlannedStage[]> {
    return this.withClient(async client => {
      const dataset = await resolveDataset(
        client,
        parseRelationName(request.dataset.table),
      );
      await refuseDependents(client, dataset);
      const shape = await this.shapeFor(client, dataset, request);
      await checkNewName(client, shape, dataset);
      const grants = await grantsAfterCutOver(client, shape, dataset);
      const previous = previousVersion(shape, dataset, request.fromVersion);
      const keyTypes = keyTypesOf(shape);
      const range = { hasLastKey: true, hasEnd: true, skipExisting: false };
      return [
        {
          name: 'dry-run',
          description: `Transform about ${DRY_RUN_SAMPLE_ROWS} sampled rows in a read-only transaction; a failure names the rows by key.`,
          sql: [dryRunSql(shape, 'TABLESAMPLE BERNOULLI (<percent>)')],
        },
        {
          name: 'create-target',
          description:
            'Create the new version and a trigger that applies every write to the source to it, in one transaction.',
          sql: createTargetStatements(shape, provenance(request)),
        },
        {
          name: 'backfill',
          description: `Per batch (up to ${this.backfillSettings.maxBatchRows} rows, sized to ~${this.backfillSettings.targetBatchMs} ms, its own transaction): find the batch's last key, copy the range; a batch that meets captured rows is redone skipping them. The last key is checkpointed after each batch.`,
          sql: [
            batchEndSql(shape, keyTypes, true),
            copyRangeSql(shape, keyTypes, range),
          ],
        },
        {
          name: 'indexes',
          description: indexesDescription(shape),
          sql: [
            ...shape.carryOver.indexes.map(i => i.create),
            ...shape.carryOver.constraints.flatMap(c =>
              c.validate ? [c.add, c.validate] : [c.add],
            ),
          ],
        },
        {
          name: 'verify',
          description:
            'Remove rows deleted while they were copied; then, in one repeatable-read snapshot, compare row counts and checksums of the mapped source and the target.',
          sql: [removeGhostsSql(shape), ...verifySql(shape)],
        },
        {
          name: 'cut-over',
          description:
            'One short transaction: writers wait, readers go on, the name moves to the new version.',
          sql: cutOverStatements(shape, dataset, request.fromVersion, grants),
        },
        {
          name: 'undo',
          description:
            'On failure or cancel before cut-over: remove the capture and the unfinished target; the source was never changed.',
          sql: [
            ...dropCaptureSql(shape),
            `DROP TABLE IF EXISTS ${quoteRelation(shape.target)}`,
          ],
        },
        {
          name: 'rollback',
          description: rollbackDescription(shape),
          // The view is recreated under the dataset's name, with its grants now.
          sql: rollbackStatements(shape, dataset, previous, grants.oldName),
        },
        {
          name: 'contract',
          description: `On request, after the retention period: drop version ${request.fromVersion}; rollback ends here.`,
          sql: contractStatements(shape, dataset, previous, grants.name),
        },
      ];
    });
  }

  async migrate(run: DatasetMigrationRun): Promise<void> {
    const shape = await interruptible(() => this.shapeOf(run));
    const stage = async (name: string, work: () => Promise<void>) => {
      if (await run.checkpoints.get<boolean>(`done:${name}`)) return; // an earlier attempt did it
      await run.step(name, () => interruptible(work));
      await interruptible(() => run.checkpoints.set(`done:${name}`, true));
    };
    try {
      await stage('dry-run', () => this.dryRun(run, shape));
      if (run.dryRun) {
        await run.log(
          'dry run: the transform works on the sample; nothing was created',
        );
        await run.checkpoints.clear();
        return;
      }
      await run.throwIfCancelled();
      await stage('create-target', () => this.createTarget(run, shape));
      await stage('backfill', () => this.backfill(run, shape));
      await stage('indexes', () => this.buildIndexes(run, shape));
      await stage('verify', () => this.verify(run, shape));
      await run.throwIfCancelled();
      await stage('cut-over', () => this.cutOver(run, shape));
    } catch (error) {
      if (error instanceof MigrationInterruptedError) throw error;
      // Only the run's owner may undo: a worker that lost the run leaves it alone.
      await run.throwIfCancelled().catch(check => {
        if (check instanceof MigrationInterruptedError) throw check;
      });
      if (
        await interruptible(() =>
          this.withClient(c => this.isCutOver(c, shape)),
        )
      ) {
        // Readers are on the new version already: a cancel or failure now changes nothing.
        await run.log(
          `the cut-over had been committed; "${
            (error as Error).message
          }" came too late to change that`,
          'warn',
        );
        return;
      }
      try {
        await this.undo(run, shape);
      } catch (undoError) {
        // Leaving the target and the capture trigger would burden every writer: try again.
        throw new MigrationInterruptedError(
          `could not undo yet (${(undoError as Error).message})`,
        );
      }
      throw error;
    }
  }

  async rollback(run: DatasetMigrationRun): Promise<void> {
    const shape = await interruptible(() => this.shapeOf(run)).catch(error => {
      if ((error as { code?: string }).code === UNDEFINED_TABLE) {
        throw new Error(
          `rollback is not available: version ${run.fromVersion} was dropped`,
        );
      }
      throw error;
    });
    await run.step('rollback', () =>
      interruptible(() =>
        this.transaction(async client => {
          const dataset = await resolveDataset(
            client,
            parseRelationName(run.dataset.table),
          );
          const previous = previousVersion(shape, dataset, run.fromVersion);
          if (!(await this.isCutOver(client, shape))) {
            // A rollback whose commit was not recorded is done, not refused.
            const rolledBack =
              formatRelation(dataset.storage) === formatRelation(previous) &&
              !(await relationExists(client, shape.target));
            if (rolledBack) return;
            throw new Error(
              `${run.dataset.table} does not read version ${run.targetVersion}: nothing to roll back`,
            );
          }
          // Writers wait from here, so no write can fail to go back after the count.
          await client.query(
            `LOCK TABLE ${quoteRelation(shape.target)} IN EXCLUSIVE MODE`,
          );
          if (!(await relationExists(client, shape.reverse.failures))) {
            const inverse = inverseOf(shape);
            throw new Error(
              `rollback is not available: ${
                'impossible' in inverse
                  ? inverse.impossible
                  : 'writes are not carried back'
              }`,
            );
          }
          const lost = await readFailures(client, shape.reverse.failures);
          if (lost.count > 0) {
            throw new Error(
              `rollback would lose ${lost.count} writes that could not be carried back to version ${run.fromVersion} (e.g. ${lost.first})`,
            );
          }
          const grants = await copyGrantsSql(
            client,
            dataset.relation,
            dataset.relation,
          );
          for (const sql of rollbackStatements(
            shape,
            dataset,
            previous,
            grants,
          ))
            await client.query(sql);
          await run.log(
            `${run.dataset.table} reads ${formatRelation(
              previous,
            )} again, with every write made since the cut-over; ${formatRelation(
              shape.target,
            )} was dropped`,
          );
        }),
      ),
    );
  }

  async contract(run: DatasetMigrationRun): Promise<void> {
    const shape = await interruptible(() => this.shapeOf(run));
    await run.step('contract', () =>
      interruptible(() =>
        this.transaction(async client => {
          const dataset = await resolveDataset(
            client,
            parseRelationName(run.dataset.table),
          );
          const previous = previousVersion(shape, dataset, run.fromVersion);
          // The name is this migration's only while no later one put its own
          // trigger on it (a later rename leaves the view, refusing writes).
          const current =
            (await this.isCutOver(client, shape)) &&
            !(await hasOtherMigrationTrigger(client, shape));
          const grants = current
            ? await copyGrantsSql(client, shape.name, shape.name)
            : undefined;
          // A serial's sequence belongs to the previous version's column; the new
          // version's default uses it, so it moves over before that table goes.
          for (const sql of await moveOwnedSequencesSql(
            client,
            shape,
            previous,
          ))
            await client.query(sql);
          for (const sql of contractStatements(
            shape,
            dataset,
            previous,
            grants,
          ))
            await client.query(sql);
          if (current && !isRename(shape, dataset)) {
            await run.log(
              `${formatRelation(shape.name)} now serves version ${
                run.targetVersion
              } exactly: the fields only version ${
                run.fromVersion
              } had are gone from it`,
            );
          }
          await run.log(
            `dropped ${formatRelation(previous)}: version ${
              run.fromVersion
            } is gone`,
          );
        }),
      ),
    );
  }

  async close(): Promise<void> {
    await this.pool.end();
  }

  /** Names and keys of this run; the source is pinned at the first attempt. */
  private async shapeOf(run: DatasetMigrationRun): Promise<MigrationShape> {
    const pinned = await run.checkpoints.get<RelationName>('source');
    const shape = await this.withClient(async client =>
      this.shapeFor(
        client,
        await resolveDataset(client, parseRelationName(run.dataset.table)),
        run,
        pinned,
      ),
    );
    if (!pinned) await run.checkpoints.set('source', shape.source);
    return shape;
  }

  private async shapeFor(
    client: PoolClient,
    dataset: ResolvedDataset,
    run: DatasetMigrationPlanRequest,
    pinnedSource?: RelationName,
  ): Promise<MigrationShape> {
    let source = pinnedSource ?? dataset.storage;
    if (
      dataset.kind === 'view' &&
      formatRelation(source) === formatRelation(dataset.relation)
    ) {
      // The source was the dataset's own table, renamed to its version at cut-over.
      source = versionOf(source, run.fromVersion);
    }
    const sourceKey = await primaryKey(client, source);
    if (sourceKey.length === 0) {
      throw new Error(
        `${formatRelation(
          source,
        )} has no primary key; copying in batches and capturing writes need one`,
      );
    }
    const targetKey = sourceKey.map(key => {
      const field = run.targetFields.find(
        f =>
          (f.source.kind === 'copy' || f.source.kind === 'cast') &&
          f.source.from === key,
      );
      if (!field)
        throw new Error(
          `primary key field "${key}" has no place in the new version`,
        );
      return field;
    });
    const name = run.renamedTo
      ? parseRelationName(run.renamedTo.table)
      : dataset.relation;
    const target = versionOf(name, run.targetVersion);
    for (const versioned of [
      target,
      versionOf(dataset.relation, run.fromVersion),
    ]) {
      // Postgres would cut a longer name short, and this one would not be found again.
      if (Buffer.byteLength(versioned.name) > 63) {
        throw new InputError(
          `${formatRelation(
            versioned,
          )} is longer than Postgres' 63-byte names; choose a shorter dataset name`,
        );
      }
    }
    const carryOver = planCarryOver({
      target,
      targetVersion: run.targetVersion,
      fields: run.targetFields,
      indexes: await readIndexes(client, source),
      constraints: await readConstraints(client, source),
    });
    // Object names must be unique per run and short enough for Postgres' 63 characters.
    const tag = createHash('sha256')
      .update(run.migrationId)
      .digest('hex')
      .slice(0, 12);
    const inSchema = (name: string) => ({
      schema: dataset.relation.schema,
      name,
    });
    return {
      source,
      target,
      name,
      movedFunction: inSchema(`dsm_${tag}_moved`),
      movedTrigger: `dsm_${tag}_moved`,
      deleted: inSchema(`dsm_${tag}_deleted`),
      capture: {
        on: source,
        trigger: `dsm_${tag}_capture`,
        fn: inSchema(`dsm_${tag}_capture`),
        failures: inSchema(`dsm_${tag}_capture_failures`),
      },
      fields: run.targetFields,
      sourceKey,
      targetKey,
      sourceFields: await readFields(client, source),
      expand: {
        fn: inSchema(`dsm_${tag}_expand`),
        trigger: `dsm_${tag}_expand`,
      },
      reverse: {
        on: target,
        trigger: `dsm_${tag}_reverse`,
        fn: inSchema(`dsm_${tag}_reverse`),
        failures: inSchema(`dsm_${tag}_reverse_failures`),
      },
      carryOver,
    };
  }

  /** Transforms a sample in a read-only transaction; names the rows it fails on. */
  private async dryRun(
    run: DatasetMigrationRun,
    shape: MigrationShape,
  ): Promise<void> {
    await this.withClient(async client => {
      const rows = await estimateRows(client, shape.source);
      const percent =
        rows > DRY_RUN_SAMPLE_ROWS ? (100 * DRY_RUN_SAMPLE_ROWS) / rows : 100;
      const sample =
        percent < 100 ? `TABLESAMPLE BERNOULLI (${percent.toFixed(4)})` : '';
      await readOnly(client, 'default', async () => {
        const result = await client.query<{ rows: string }>(
          dryRunSql(shape, sample),
        );
        await run.log(
          `transformed ${result.rows[0].rows} sample rows without error`,
        );
      }).catch(async error => {
        if (isTemporary(error)) throw error;
        throw await this.failingRowsError(shape, error as Error);
      });
    });
  }

  private async createTarget(
    run: DatasetMigrationRun,
    shape: MigrationShape,
  ): Promise<void> {
    await this.transaction(async client => {
      const dataset = await resolveDataset(
        client,
        parseRelationName(run.dataset.table),
      );
      await refuseDependents(client, dataset);
      await checkNewName(client, shape, dataset);
      const previous = versionOf(dataset.relation, run.fromVersion);
      if (
        dataset.kind === 'table' &&
        (await relationExists(client, previous))
      ) {
        throw new Error(
          `cannot keep version ${run.fromVersion} readable: ${formatRelation(
            previous,
          )} already exists`,
        );
      }
      if (await relationExists(client, shape.target)) {
        // Left by an attempt of this same run that stopped before its checkpoint.
        if (!(await this.isOurs(client, shape.target, run))) {
          throw new Error(
            `relation ${formatRelation(shape.target)} already exists`,
          );
        }
        await client.query(`DROP TABLE ${quoteRelation(shape.target)}`);
      }
      for (const sql of [
        ...dropCaptureSql(shape),
        ...createTargetStatements(shape, provenance(run)),
      ]) {
        await client.query(sql);
      }
      await run.log(
        `created ${formatRelation(shape.target)} with ${
          shape.fields.length
        } fields; writes to ${formatRelation(
          shape.source,
        )} are captured from now on`,
      );
    });
  }

  /** Keyset batches, each committed on its own, with the position checkpointed after each. */
  private async backfill(
    run: DatasetMigrationRun,
    shape: MigrationShape,
  ): Promise<void> {
    const settings = this.backfillSettings;
    const state = (await run.checkpoints.get<BackfillCheckpoint>(
      'backfill',
    )) ?? { lastKey: null, rows: 0 };
    if (state.rows > 0)
      await run.log(`resuming the backfill after ${state.rows} rows`);
    const keyTypes = keyTypesOf(shape);
    const total = await this.withClient(client =>
      estimateRows(client, shape.source),
    );
    let batchRows = Math.min(FIRST_BATCH_ROWS, settings.maxBatchRows);
    const started = Date.now();
    const startRows = state.rows;
    let longestBatchMs = 0;

    for (;;) {
      await run.throwIfCancelled();
      const batchStarted = Date.now();
      const lastKey = state.lastKey;
      const { copied, end } = await this.transaction(async client => {
        const endRow = (
          await client.query(batchEndSql(shape, keyTypes, lastKey !== null), [
            batchRows,
            ...(lastKey ?? []),
          ])
        ).rows[0];
        const batchEnd: string[] | null = endRow
          ? shape.sourceKey.map((_, i) => endRow[`k${i}`])
          : null;
        const params = [...(lastKey ?? []), ...(batchEnd ?? [])];
        const range = {
          hasLastKey: lastKey !== null,
          hasEnd: batchEnd !== null,
        };
        await client.query('SAVEPOINT batch');
        try {
          const result = await client.query(
            copyRangeSql(shape, keyTypes, { ...range, skipExisting: false }),
            params,
          );
          return { copied: result.rowCount ?? 0, end: batchEnd };
        } catch (error) {
          if (isTemporary(error)) throw error;
          if ((error as { code?: string }).code !== UNIQUE_VIOLATION) {
            throw await this.failingRowsError(shape, error as Error);
          }
          // The capture trigger (or an earlier attempt) wrote some of these rows already.
          await client.query('ROLLBACK TO SAVEPOINT batch');
          const result = await client.query(
            copyRangeSql(shape, keyTypes, { ...range, skipExisting: true }),
            params,
          );
          return { copied: result.rowCount ?? 0, end: batchEnd };
        }
      });
      state.rows += copied;
      if (end === null) break; // that batch copied the rest of the table
      state.lastKey = end;
      await run.checkpoints.set('backfill', state);
      await run.progress('backfill', state.rows, Math.max(total, state.rows));
      const elapsed = Math.max(1, Date.now() - batchStarted);
      longestBatchMs = Math.max(longestBatchMs, elapsed);
      batchRows = Math.max(
        1000,
        Math.min(
          settings.maxBatchRows,
          Math.round((batchRows * settings.targetBatchMs) / elapsed),
        ),
      );
      if (settings.pauseMs > 0) await sleep(settings.pauseMs);
    }
    await run.checkpoints.set('backfill', state);
    const seconds = (Date.now() - started) / 1000;
    await run.progress('backfill', state.rows, state.rows);
    await run.log(
      `copied ${state.rows} rows to ${formatRelation(
        shape.target,
      )} (${Math.round(
        (state.rows - startRows) / Math.max(seconds, 0.001),
      )} rows/s this attempt, longest batch ${longestBatchMs} ms)`,
    );
  }

  /**
   * Rebuilds the old version's indexes on the new one once its rows are in (faster
   * than keeping them up during the copy), without blocking the writes the capture
   * carries over; then adds and validates its CHECKs and foreign keys. Each piece
   * is skipped when an earlier attempt finished it.
   */
  private async buildIndexes(
    run: DatasetMigrationRun,
    shape: MigrationShape,
  ): Promise<void> {
    const { indexes, constraints, skipped } = shape.carryOver;
    for (const reason of skipped)
      await run.log(`not carried over: ${reason}`, 'warn');
    for (const [i, index] of indexes.entries()) {
      await run.throwIfCancelled();
      await this.withClient(async client => {
        const { rows } = await client.query<{ valid: boolean }>(
          `SELECT i.indisvalid AS valid FROM pg_index i
            WHERE i.indexrelid = to_regclass($1) AND i.indrelid = $2::regclass`,
          [
            quoteRelation({ schema: shape.target.schema, name: index.name }),
            quoteRelation(shape.target),
          ],
        );
        if (rows[0]?.valid) return;
        // A concurrent build that was interrupted leaves an invalid index behind.
        if (rows[0])
          await client.query(
            `DROP INDEX CONCURRENTLY ${quoteRelation({
              schema: shape.target.schema,
              name: index.name,
            })}`,
          );
        await client.query(index.create);
      });
      await run.progress('indexes', i + 1, indexes.length);
    }
    for (const constraint of constraints) {
      await run.throwIfCancelled();
      await this.transaction(async client => {
        const { rowCount } = await client.query(
          `SELECT 1 FROM pg_constraint WHERE conrelid = $1::regclass AND conname = $2`,
          [quoteRelation(shape.target), constraint.name],
        );
        if (!rowCount) await client.query(constraint.add);
      });
      // Validating reads every row but lets writers on: its own transaction.
      if (constraint.validate)
        await this.transaction(client => client.query(constraint.validate!));
    }
    await run.log(
      `rebuilt ${indexes.length} indexes and ${
        constraints.length
      } constraints on ${formatRelation(shape.target)}`,
    );
  }

  /**
   * Removes rows the backfill copied after their deletion, then compares row counts
   * and checksums of source (mapped) and target, both read in one snapshot: the
   * capture trigger writes both in the same transaction, so any snapshot agrees.
   */
  private async verify(
    run: DatasetMigrationRun,
    shape: MigrationShape,
  ): Promise<void> {
    await this.withClient(async client => {
      const failed = await readFailures(client, shape.capture.failures);
      if (failed.count > 0) {
        throw new Error(
          `${failed.count} writes made during the migration could not be transformed (e.g. ${failed.first})`,
        );
      }
      const ghosts = await client.query(removeGhostsSql(shape));
      if (ghosts.rowCount)
        await run.log(
          `removed ${ghosts.rowCount} rows deleted while they were copied`,
        );
      const started = Date.now();
      const [source, target] = await readOnly(client, 'snapshot', () =>
        Promise.all(verifySql(shape).map(sql => resultFigures(client, sql))),
      );
      const matched =
        source.rows === target.rows && source.checksum === target.checksum;
      // Recorded either way: a mismatch is what people most need to see.
      await run.recordVerification({
        source,
        target,
        matched,
        durationMs: Date.now() - started,
        ...(ghosts.rowCount ? { rowsDeletedDuringCopy: ghosts.rowCount } : {}),
      });
      if (!matched) {
        throw new Error(
          `verification failed: source ${source.rows} rows (checksum ${source.checksum}), target ${target.rows} rows (checksum ${target.checksum})`,
        );
      }
      await run.log(
        `verified ${target.rows} rows, checksum ${target.checksum} on both sides`,
      );
    });
  }

  /** One short transaction: writers wait a moment, readers go on, the name moves. */
  private async cutOver(
    run: DatasetMigrationRun,
    shape: MigrationShape,
  ): Promise<void> {
    await this.transaction(async client => {
      if (await this.isCutOver(client, shape)) {
        // An earlier attempt committed the cut-over and stopped before recording it.
        await run.log(
          `${run.dataset.table} already reads ${formatRelation(shape.target)}`,
        );
        return;
      }
      const dataset = await resolveDataset(
        client,
        parseRelationName(run.dataset.table),
      );
      // Read before the name moves: the grants belong to what readers use now.
      const grants = await grantsAfterCutOver(client, shape, dataset);
      for (const sql of cutOverStatements(
        shape,
        dataset,
        run.fromVersion,
        grants,
      ))
        await client.query(sql);
      if (dataset.kind === 'table') {
        await run.log(
          `version ${run.fromVersion} stays readable as ${formatRelation(
            versionOf(dataset.relation, run.fromVersion),
          )}`,
        );
      }
      // The last moment a cancel can still win: after the commit the switch is done.
      await run.throwIfCancelled();
      await run.log(
        `${formatRelation(shape.name)} now reads ${formatRelation(
          shape.target,
        )}`,
      );
      if (isRename(shape, dataset)) {
        await run.log(
          `${formatRelation(dataset.relation)} keeps reading version ${
            run.fromVersion
          } until contract, and refuses writes`,
        );
      }
    });
  }

  /** Before cut-over, puts the dataset back as it was: no trigger, no target. */
  private async undo(
    run: DatasetMigrationRun,
    shape: MigrationShape,
  ): Promise<void> {
    const undone = await this.transaction(async client => {
      // Once readers are on the target it is the dataset: never drop it, and keep the
      // checkpoints so the next attempt finishes the run.
      if (await this.isCutOver(client, shape)) return false;
      for (const sql of dropCaptureSql(shape)) await client.query(sql);
      if (
        (await relationExists(client, shape.target)) &&
        (await this.isOurs(client, shape.target, run))
      ) {
        await client.query(`DROP TABLE ${quoteRelation(shape.target)}`);
      }
      return true;
    });
    if (undone) await run.checkpoints.clear();
  }

  /**
   * Finds which source rows the transform fails on, by transforming key ranges and
   * halving the ones that fail, and returns an error naming them.
   */
  private async failingRowsError(
    shape: MigrationShape,
    cause: Error,
  ): Promise<Error> {
    const failures = await this.withClient(async c => {
      const keyTypes = keyTypesOf(shape);
      const keyList = shape.sourceKey.map(k => `${q(k)}::text`).join(', ');
      const order = shape.sourceKey.map(q).join(', ');
      const found: string[] = [];
      let lastKey: string[] | null = null;
      await readOnly(c, 'default', async () => {
        while (found.length < MAX_FAILING_ROWS) {
          const after: string = lastKey
            ? `WHERE (${order}) > (${keyTypes
                .map((t, i) => `$${i + 1}::${t}`)
                .join(', ')})`
            : '';
          const { rows } = await c.query(
            `SELECT ARRAY[${keyList}] AS key FROM ${quoteRelation(
              shape.source,
            )} ${after} ORDER BY ${order} LIMIT 10000`,
            lastKey ?? [],
          );
          if (rows.length === 0) break;
          const keys: string[][] = rows.map(r => r.key);
          await this.bisect(c, shape, keyTypes, keys, found);
          lastKey = keys[keys.length - 1];
        }
      });
      return found;
    });
    if (failures.length === 0) return cause;
    return new Error(
      `the transform fails on ${
        failures.length >= MAX_FAILING_ROWS ? 'at least ' : ''
      }${failures.length} rows: ${failures.join('; ')}`,
    );
  }

  private async bisect(
    client: PoolClient,
    shape: MigrationShape,
    keyTypes: string[],
    keys: string[][],
    found: string[],
  ): Promise<void> {
    if (keys.length === 0 || found.length >= MAX_FAILING_ROWS) return;
    await client.query('SAVEPOINT range');
    try {
      await client.query(transformRangeSql(shape, keyTypes), [
        ...keys[0],
        ...keys[keys.length - 1],
      ]);
      await client.query('RELEASE SAVEPOINT range');
      return;
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT range');
      if (keys.length === 1) {
        const key = shape.sourceKey
          .map((k, i) => `${k}=${keys[0][i]}`)
          .join(', ');
        found.push(`${key}: ${(error as Error).message}`);
        return;
      }
    }
    const middle = Math.floor(keys.length / 2);
    await this.bisect(client, shape, keyTypes, keys.slice(0, middle), found);
    await this.bisect(client, shape, keyTypes, keys.slice(middle), found);
  }

  /** Whether the name readers use after the migration already reads its target. */
  private async isCutOver(client: PoolClient, shape: MigrationShape) {
    // Before a rename's cut-over, the new name does not exist yet.
    if (!(await relationExists(client, shape.name))) return false;
    const dataset = await resolveDataset(client, shape.name);
    return (
      dataset.kind === 'view' &&
      dataset.storage.schema === shape.target.schema &&
      dataset.storage.name === shape.target.name
    );
  }

  private async isOurs(
    client: PoolClient,
    relation: RelationName,
    run: DatasetMigrationRun,
  ) {
    return (
      (await relationComment(client, relation))?.includes(
        `(migration ${run.migrationId})`,
      ) ?? false
    );
  }

  private async transaction<T>(
    work: (client: PoolClient) => Promise<T>,
  ): Promise<T> {
    return this.withClient(async client => {
      await client.query('BEGIN');
      try {
        await client.query(`SET LOCAL lock_timeout = '5s'`);
        const result = await work(client);
        await client.query('COMMIT');
        return result;
      } catch (error) {
        // The original error is the one worth reporting, even if the connection is gone.
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
    });
  }

  private async withClient<T>(
    work: (client: PoolClient) => Promise<T>,
  ): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      return await work(client);
    } catch (error) {
      // A client whose connection is gone must not go back to the pool; one that
      // waited too long for a lock is healthy.
      if (isConnectionLost(error)) broken = error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
  }
}

/** Runs a query of one row, `rows` and `checksum`, as verification figures. */
async function resultFigures(
  client: PoolClient,
  sql: string,
): Promise<Verification> {
  const { rows } = await client.query<{ rows: string; checksum: string }>(sql);
  return { rows: Number(rows[0].rows), checksum: rows[0].checksum };
}

function indexesDescription(shape: MigrationShape): string {
  const { indexes, constraints, skipped } = shape.carryOver;
  const rebuilt =
    indexes.length + constraints.length === 0
      ? 'No secondary indexes, CHECKs or foreign keys to carry over.'
      : `Build ${indexes.length} indexes concurrently, then add ${constraints.length} CHECK and foreign-key constraints and validate them, each without blocking writers.`;
  return skipped.length === 0
    ? rebuilt
    : `${rebuilt} Not carried over: ${skipped.join('; ')}.`;
}

/**
 * Views and foreign keys are bound to a table, not to the name readers use: after
 * the switch they would keep the old version, and dropping it would break them.
 */
async function refuseDependents(
  client: PoolClient,
  dataset: ResolvedDataset,
): Promise<void> {
  const dependents = await readDependents(
    client,
    dataset.kind === 'view'
      ? [dataset.relation, dataset.storage]
      : [dataset.storage],
    dataset.relation,
  );
  if (dependents.length > 0) {
    throw new InputError(
      `${formatRelation(
        dataset.relation,
      )} cannot move to a new version while ${dependents.join(
        ', ',
      )} depend on its current table; Postgres binds them to the table, not the name, so they would stay on the old version. Drop or repoint them first`,
    );
  }
}

/** A rename needs its schema, and a name nobody uses yet. */
async function checkNewName(
  client: PoolClient,
  shape: MigrationShape,
  dataset: ResolvedDataset,
): Promise<void> {
  if (!isRename(shape, dataset)) return;
  const { rowCount } = await client.query(
    `SELECT 1 FROM pg_namespace WHERE nspname = $1`,
    [shape.name.schema],
  );
  if (!rowCount) {
    throw new InputError(
      `cannot rename to ${formatRelation(shape.name)}: schema ${
        shape.name.schema
      } does not exist`,
    );
  }
  if (isVersionOf(dataset.relation, shape.name)) {
    throw new InputError(
      `cannot rename to ${formatRelation(
        shape.name,
      )}: that is the name of one of the dataset's versions`,
    );
  }
  if (await relationExists(client, shape.name)) {
    throw new InputError(
      `cannot rename to ${formatRelation(shape.name)}: it already exists`,
    );
  }
}

/** Grants readers and writers have now, for the view(s) the cut-over creates. */
async function grantsAfterCutOver(
  client: PoolClient,
  shape: MigrationShape,
  dataset: ResolvedDataset,
) {
  return {
    name: await copyGrantsSql(client, dataset.relation, shape.name),
    oldName: await copyGrantsSql(client, dataset.relation, dataset.relation),
  };
}

function rollbackDescription(shape: MigrationShape): string {
  const inverse = inverseOf(shape);
  return 'impossible' in inverse
    ? `After cut-over: not available, ${inverse.impossible}.`
    : 'After cut-over, on request: point the name back at the previous version, which a trigger keeps current with every write to the new one, and drop the new one.';
}

function provenance(run: DatasetMigrationPlanRequest): string {
  return `dataset-migrations: ${run.entityRef} schema version ${run.targetVersion} (migration ${run.migrationId})`;
}

/** The connection itself is gone (or the server is going): it cannot be used again. */
function isConnectionLost(error: unknown): boolean {
  const { code, message } = (error ?? {}) as {
    code?: string;
    message?: string;
  };
  if (typeof code === 'string') {
    if (code.startsWith('08') || ['57P01', '57P02'].includes(code)) return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code))
      return true;
  }
  return /Connection terminated|terminating connection|connection error/i.test(
    message ?? '',
  );
}

/**
 * Errors that say nothing about the migration, only that the database is away or
 * busy for now (starting up, out of connections, a lock not granted in time): the
 * run is interrupted and resumes from its checkpoints.
 */
function isTemporary(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: string };
  return (
    isConnectionLost(error) || ['57P03', '53300', '55P03'].includes(code ?? '')
  );
}

async function interruptible<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isTemporary(error)) {
      throw new MigrationInterruptedError(
        `the database is unavailable: ${(error as Error).message}`,
      );
    }
    throw error;
  }
}

function poolConfig(config: Config): PoolConfig {
  const connection = config.get('connection');
  if (typeof connection === 'string') return { connectionString: connection };
  const c = config.getConfig('connection');
  return {
    host: c.getOptionalString('host'),
    port: c.getOptionalNumber('port'),
    user: c.getOptionalString('user'),
    password: c.getOptionalString('password'),
    database: c.getOptionalString('database'),
  };
}

function backfillSettings(config: Config): BackfillSettings {
  const backfill = config.getOptionalConfig('backfill');
  return {
    maxBatchRows:
      backfill?.getOptionalNumber('maxBatchRows') ??
      DEFAULT_BACKFILL.maxBatchRows,
    targetBatchMs:
      backfill?.getOptionalNumber('targetBatchMs') ??
      DEFAULT_BACKFILL.targetBatchMs,
    pauseMs: backfill?.getOptionalNumber('pauseMs') ?? DEFAULT_BACKFILL.pauseMs,
  };
}

/**
 * Creates the engine for `datasetMigrations.engines.<name>` entries of `type: postgres`.
 *
 * @public
 */
export const postgresEngineFactory: DatasetEngineFactory = {
  type: 'postgres',
  create({ name, config, logger }) {
    const pool = new Pool({
      ...poolConfig(config),
      max: config.getOptionalNumber('maxConnections') ?? 4,
      // Expressions compute alike here and in the triggers (see EXPRESSION_SETTINGS).
      options: Object.entries(EXPRESSION_SETTINGS)
        .map(([name, value]) => `-c ${name}=${value.replace(/ /g, '\\ ')}`)
        .join(' '),
    });
    pool.on('error', error =>
      logger.warn(`Engine ${name}: idle connection error: ${error.message}`),
    );
    // A checked-out client has no listener of the pool's: its connection dropping between
    // queries (a server restart) would be an unhandled 'error' event. Its next query fails
    // instead, which interrupts the run.
    pool.on('connect', client =>
      client.on('error', error =>
        logger.warn(`Engine ${name}: connection error: ${error.message}`),
      ),
    );
    return new PostgresDatasetEngine(pool, backfillSettings(config));
  },
};

/**
 * Work in a read-only transaction that is always rolled back, so it can change
 * nothing; `snapshot` reads everything from one repeatable-read snapshot.
 */
async function readOnly<T>(
  client: PoolClient,
  isolation: 'snapshot' | 'default',
  work: () => Promise<T>,
): Promise<T> {
  await client.query(
    isolation === 'snapshot'
      ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'
      : 'BEGIN READ ONLY',
  );
  try {
    return await work();
  } finally {
    // The work's own error is the one worth reporting, even if the connection is gone.
    await client.query('ROLLBACK').catch(() => {});
  }
}

/**
 * The original query with each column the rewrite returns in a wider type (see
 * `widensForReaders`) cast to that type, so both sides are compared as values of
 * the wider type (`real` 0.1 prints otherwise than the same value as `double
 * precision`); undefined when the columns differ otherwise.
 */
async function widenedQuery(
  client: PoolClient,
  before: string,
  beforeColumns: Array<{ name: string; dataTypeID: number }>,
  afterColumns: Array<{
    name: string;
    dataTypeID: number;
    dataTypeModifier: number;
  }>,
): Promise<string | undefined> {
  if (
    beforeColumns.length !== afterColumns.length ||
    beforeColumns.some((c, i) => c.name !== afterColumns[i].name)
  )
    return undefined;
  const { rows } = await client.query<{
    from: string;
    to: string;
    cast: string;
  }>(
    `SELECT format_type(b, NULL) AS "from", format_type(a, NULL) AS "to",
            format_type(a, NULLIF(m, -1)) AS "cast"
       FROM unnest($1::oid[], $2::oid[], $3::int[]) WITH ORDINALITY AS t(b, a, m, i)
      ORDER BY i`,
    [
      beforeColumns.map(c => c.dataTypeID),
      afterColumns.map(c => c.dataTypeID),
      afterColumns.map(c => c.dataTypeModifier),
    ],
  );
  const list: string[] = [];
  for (const [i, column] of afterColumns.entries()) {
    const { from, to, cast } = rows[i];
    const value = `q.c${i}`;
    if (beforeColumns[i].dataTypeID === column.dataTypeID)
      list.push(`${value} AS ${q(column.name)}`);
    else if (widensForReaders(from, to))
      list.push(`CAST(${value} AS ${cast}) AS ${q(column.name)}`);
    else return undefined;
  }
  return `SELECT ${list.join(', ')} FROM (${before}\n) q(${afterColumns
    .map((_, i) => `c${i}`)
    .join(', ')})`;
}

/** Whether another migration's trigger is on the name (it moved the name on). */
async function hasOtherMigrationTrigger(
  client: PoolClient,
  shape: MigrationShape,
): Promise<boolean> {
  const { rows } = await client.query(
    `SELECT 1 FROM pg_trigger t JOIN pg_class c ON c.oid = t.tgrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2 AND NOT t.tgisinternal
        AND t.tgname LIKE 'dsm\\_%' AND t.tgname <> $3`,
    [shape.name.schema, shape.name.name, shape.expand.trigger],
  );
  return rows.length > 0;
}

/** Sequences owned by the previous version's columns, handed to the fields that carry them. */
async function moveOwnedSequencesSql(
  client: PoolClient,
  shape: MigrationShape,
  previous: RelationName,
): Promise<string[]> {
  const { rows } = await client.query<{
    schema: string;
    sequence: string;
    column: string;
  }>(
    `SELECT sn.nspname AS schema, s.relname AS sequence, a.attname AS column
       FROM pg_depend d
       JOIN pg_class s ON s.oid = d.objid AND s.relkind = 'S'
       JOIN pg_namespace sn ON sn.oid = s.relnamespace
       JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
      WHERE d.refobjid = to_regclass($1) AND d.deptype = 'a'`,
    [quoteRelation(previous)],
  );
  return rows.map(r => {
    const carrier = carrierOf(shape.fields, r.column);
    return `ALTER SEQUENCE ${quoteRelation({
      schema: r.schema,
      name: r.sequence,
    })} OWNED BY ${
      carrier ? `${quoteRelation(shape.target)}.${q(carrier.name)}` : 'NONE'
    }`;
  });
}
