/** Stage dry-run: transform a sample of the source without writing anything. */
import type { DatasetMigrationRun } from '@dataset-migrations/plugin-dataset-migrations-node';
import { isTemporary, readOnly, type Connections } from '../connection';
import { failingRowsError } from '../diagnostics/failingRows';
import { estimateRows } from '../relations';
import { dryRunSql } from '../sql/copy';
import type { MigrationShape } from '../sql/shape';

/** Rows the dry run transforms; small tables are transformed whole. */
export const DRY_RUN_SAMPLE_ROWS = 10_000;

/** Transforms a sample in a read-only transaction; names the rows it fails on. */
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
    const sample =
      percent < 100 ? `TABLESAMPLE SYSTEM (${percent.toFixed(4)})` : '';
    await readOnly(client, 'default', async () => {
      const result = await client.query<{ rows: string }>(
        dryRunSql(shape, sample),
      );
      await run.log(
        `transformed ${result.rows[0].rows} sample rows without error`,
      );
    }).catch(async error => {
      if (isTemporary(error)) throw error;
      throw await failingRowsError(db, shape, error as Error);
    });
  });
}
