/**
 * Which transactions' writes the capture trigger saw (see capturedFromSql), read
 * as close to the trigger's creation as can be: in the transaction that creates
 * it, once it holds the lock that made every earlier writer finish. Transactions
 * that finished between the trigger's creation and the start of the copy are then
 * known to be captured too, and the copy leaves their rows out by `xmin` rather
 * than meet them (a writer's updates move rows to the table's end: the last batch
 * met them every time).
 */
import type { PoolClient } from 'pg';
import type { DatasetMigrationRun } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  type CapturedWriters,
  capturedFromSql,
  captureTriggerSql,
} from '../sql/copy';
import type { MigrationShape } from '../sql/shape';

/** The checkpoint create-target leaves for backfill. */
const CHECKPOINT = 'captured-writers';

interface Captured {
  /** The trigger's identity when read (see captureTriggerSql). */
  trigger: string;
  /** Null on a cluster whose transaction ids wrapped (see capturedFromSql). */
  writers: CapturedWriters | null;
}

/** The capture trigger on `table` (the one table under the source, an oid) and the writers it saw so far. */
export async function readCapturedWriters(
  client: PoolClient,
  shape: MigrationShape,
  table: string,
): Promise<Captured> {
  const { rows } = await client.query(capturedFromSql(), [
    table,
    shape.capture.trigger,
  ]);
  const from = rows[0].captured_from as string | null;
  return {
    trigger: rows[0].trigger as string,
    writers:
      from === null
        ? null
        : {
            from: Number(from),
            running: (rows[0].running as string[]).map(Number),
          },
  };
}

export async function keepCapturedWriters(
  run: DatasetMigrationRun,
  captured: Captured,
): Promise<void> {
  await run.checkpoints.set(CHECKPOINT, captured);
}

/**
 * The writers the trigger saw since it was made, when create-target read them and
 * the trigger is the same still (never disabled, dropped or made again since: its
 * catalog row would be a new version); else those it saw since now.
 */
export async function capturedWriters(
  client: PoolClient,
  run: DatasetMigrationRun,
  shape: MigrationShape,
  table: string,
): Promise<Captured> {
  const kept = await run.checkpoints.get<Captured>(CHECKPOINT);
  if (kept) {
    const { rows } = await client.query(captureTriggerSql(), [
      table,
      shape.capture.trigger,
    ]);
    if (rows[0].trigger === kept.trigger) return kept;
  }
  return readCapturedWriters(client, shape, table);
}
