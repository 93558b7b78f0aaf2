/** Stage backfill: copy the source in keyset batches, paced to the engine's settings. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DatasetMigrationRun } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { BackfillSettings } from '../config';
import { isTemporary, type Connections } from '../connection';
import { failingRowsError } from '../diagnostics/failingRows';
import { estimateRows, formatRelation } from '../relations';
import { batchEndSql, copyRangeSql } from '../sql/copy';
import { keyTypesOf, type MigrationShape } from '../sql/shape';

const FIRST_BATCH_ROWS = 5_000;
const UNIQUE_VIOLATION = '23505';

interface BackfillCheckpoint {
  lastKey: string[] | null;
  rows: number;
}

/** Keyset batches, each committed on its own, with the position checkpointed after each. */
export async function backfill(
  db: Connections,
  settings: BackfillSettings,
  run: DatasetMigrationRun,
  shape: MigrationShape,
): Promise<void> {
  const state = (await run.checkpoints.get<BackfillCheckpoint>('backfill')) ?? {
    lastKey: null,
    rows: 0,
  };
  if (state.rows > 0)
    await run.log(`resuming the backfill after ${state.rows} rows`);
  const keyTypes = keyTypesOf(shape);
  const total = await db.withClient(client =>
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
    const { copied, end } = await db.transaction(async client => {
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
          throw await failingRowsError(db, shape, error as Error);
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
        Math.round((batchRows * settings.batchDurationMs) / elapsed),
      ),
    );
    if (settings.batchPauseMs > 0) await sleep(settings.batchPauseMs);
  }
  await run.checkpoints.set('backfill', state);
  const seconds = (Date.now() - started) / 1000;
  await run.progress('backfill', state.rows, state.rows);
  await run.log(
    `copied ${state.rows} rows to ${formatRelation(shape.target)} (${Math.round(
      (state.rows - startRows) / Math.max(seconds, 0.001),
    )} rows/s this attempt, longest batch ${longestBatchMs} ms)`,
  );
}
