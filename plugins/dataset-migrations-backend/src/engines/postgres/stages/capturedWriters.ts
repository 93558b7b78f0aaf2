/**
 * Which transactions' writes the capture trigger saw (see capturedFromSql), read
 * as close to the trigger's creation as can be: in the transaction that creates
 * it (READ COMMITTED, so in a snapshot of its own), once it holds the lock that
 * made every earlier writer finish. Transactions that finished between the
 * trigger's creation and the start of the copy are then known to be captured too,
 * and the copy leaves their rows out by `xmin` rather than meet them (a writer's
 * updates move rows to the table's end: the last batch met them every time).
 *
 * Kept only while the source's storage is the one it was read for: a rewrite
 * (a rewriting ALTER TABLE, pg_repack) writes every row again under its own
 * transaction id and fires no trigger, so its rows must not be taken for the
 * capture's. Read again after one, they number below it.
 */
import type { PoolClient } from 'pg';
import type { DatasetMigrationRun } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  type CapturedWriters,
  capturedFromSql,
  captureTriggerSql,
} from '../sql/copy';
import type { MigrationShape } from '../sql/shape';
import { onlyTableOf } from '../sql/blockRanges';

/** The checkpoint create-target leaves for backfill. */
const CHECKPOINT = 'captured-writers';

interface Captured {
  /** The trigger's identity when read (see captureTriggerSql). */
  trigger: string;
  /** The source's storage identity when read (see sourceStorageSql). */
  storage: string;
  /** Null on a cluster whose transaction ids wrapped (see capturedFromSql). */
  writers: CapturedWriters | null;
}

/**
 * The capture trigger on the one table under the source (`storage`, its identity
 * as sourceStorageSql reads it) and the writers it saw so far.
 */
export async function readCapturedWriters(
  client: PoolClient,
  shape: MigrationShape,
  storage: string,
): Promise<Captured> {
  const { rows } = await client.query(capturedFromSql(), [
    onlyTableOf(storage),
    shape.capture.trigger,
  ]);
  const from = rows[0].captured_from as string | null;
  return {
    trigger: rows[0].trigger as string,
    storage,
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
 * The writers the trigger saw since it was made, when create-target read them, the
 * trigger is the same still (never disabled, dropped or made again since: its
 * catalog row would be a new version) and so is the storage the copy goes by
 * (`storage`: the source's now, and the checkpoint's of a resumed copy, if they
 * are one); else those it saw since now.
 */
export async function capturedWriters(
  client: PoolClient,
  run: DatasetMigrationRun,
  shape: MigrationShape,
  storage: string | undefined,
): Promise<Captured | undefined> {
  if (storage === undefined || onlyTableOf(storage) === undefined)
    return undefined;
  const kept = await run.checkpoints.get<Captured>(CHECKPOINT);
  if (
    kept?.storage === storage &&
    (await captureTriggerOf(client, shape, storage)) === kept.trigger
  )
    return kept;
  return readCapturedWriters(client, shape, storage);
}

/** The capture trigger's identity (see captureTriggerSql) on the one table of `storage`. */
export async function captureTriggerOf(
  client: PoolClient,
  shape: MigrationShape,
  storage: string,
): Promise<string> {
  const { rows } = await client.query(captureTriggerSql(), [
    onlyTableOf(storage),
    shape.capture.trigger,
  ]);
  return rows[0].trigger as string;
}
