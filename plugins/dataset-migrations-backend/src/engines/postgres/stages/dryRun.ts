/** Stage dry-run: transform a sample of the source without writing anything. */
import type { DatasetMigrationRun } from '@dataset-migrations/plugin-dataset-migrations-node';
import { isInterruption, readOnly, type Connections } from '../connection';
import { failingRowsError } from '../diagnostics/failingRows';
import { estimateRows } from '../relations';
import { dryRunSql } from '../sql/copy';
import { sampleRowsSql, toSample } from '../sql/sampleRows';
import type { MigrationShape } from '../sql/shape';

/** PostgreSQL's code for a statement stopped by statement_timeout (or a cancel). */
const QUERY_CANCELED = '57014';

/** Rows the dry run transforms; small tables are transformed whole. */
export const DRY_RUN_SAMPLE_ROWS = 10_000;

/**
 * Transforms a sample in a read-only transaction and records a few of its rows
 * before and after, read in the same transaction; names the rows it fails on.
 */
export async function dryRun(
  db: Connections,
  run: DatasetMigrationRun,
  shape: MigrationShape,
): Promise<void> {
  await db.withClient(async client => {
    const rows = await estimateRows(client, shape.source);
    const percent =
      rows > DRY_RUN_SAMPLE_ROWS ? (100 * DRY_RUN_SAMPLE_ROWS) / rows : 100;
    // Whole pages, so the sample reads about as many pages as it transforms rows'
    // worth, however large the table (BERNOULLI would read every page).
    const tableSample =
      percent < 100 ? `TABLESAMPLE SYSTEM (${percent.toFixed(4)})` : '';
    const outcome = await readOnly(client, 'default', async () => {
      const result = await client.query<{ rows: string }>(
        dryRunSql(shape, tableSample),
      );
      const shown = await client.query<Record<string, string | null>>(
        sampleRowsSql(shape),
      );
      // Logged last in the read-only transaction, which has nothing left to lose.
      await run.log(
        `transformed ${result.rows[0].rows} sample rows without error`,
      );
      return { shown: shown.rows };
    }).catch(async error => {
      // An interruption (the plugin's store lost under the log, say) is no
      // failure of the transform: no search for failing rows.
      if (isInterruption(error)) throw error;
      // Every row is slow, none fails: searching for failing rows would only repeat it.
      if ((error as { code?: string }).code === QUERY_CANCELED)
        throw new Error(
          `the transform of the sample was stopped by the engine's statementTimeout: its expressions cost too much per row (${
            (error as Error).message
          })`,
        );
      throw await failingRowsError(db, shape, error as Error);
    });
    await run.recordDryRunSample(toSample(shape, outcome.shown));
  });
}
