/** Undo: before cut-over, a failed or cancelled run leaves the dataset as it found it. */
import type { DatasetMigrationRun } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { Connections } from '../connection';
import { quoteRelation, relationExists } from '../relations';
import { isCutOver, isOurs } from '../runShape';
import { dropCaptureSql } from '../sql/capture';
import { dropChangedValueFnSql } from '../sql/keptValues';
import type { MigrationShape } from '../sql/shape';

/** Before cut-over, puts the dataset back as it was: no trigger, no target. */
export async function undo(
  db: Connections,
  run: DatasetMigrationRun,
  shape: MigrationShape,
): Promise<void> {
  const undone = await db.transaction(async client => {
    // Once readers are on the target it is the dataset: never drop it, and keep the
    // checkpoints so the next attempt finishes the run.
    if (await isCutOver(client, shape)) return false;
    for (const sql of dropCaptureSql(shape)) await client.query(sql);
    await client.query(dropChangedValueFnSql(shape));
    if (
      (await relationExists(client, shape.target)) &&
      (await isOurs(client, shape.target, run))
    ) {
      await client.query(`DROP TABLE ${quoteRelation(shape.target)}`);
    }
    return true;
  });
  if (undone) await run.checkpoints.clear();
}
