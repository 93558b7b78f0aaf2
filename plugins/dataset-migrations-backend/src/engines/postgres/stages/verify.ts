/** Stage verify: source and target hold the same rows, by count and checksum. */
import type { DatasetMigrationRun } from '@dataset-migrations/plugin-dataset-migrations-node';
import { readOnly, type Connections } from '../connection';
import { resultFigures } from '../figures';
import { readFailures } from '../relations';
import { verifySql } from '../sql/checksums';
import { removeGhostsSql } from '../sql/copy';
import type { MigrationShape } from '../sql/shape';

/**
 * Removes rows the backfill copied after their deletion, then compares row counts
 * and checksums of source (mapped) and target, both read in one snapshot: the
 * capture trigger writes both in the same transaction, so any snapshot agrees.
 */
export async function verify(
  db: Connections,
  run: DatasetMigrationRun,
  shape: MigrationShape,
): Promise<void> {
  await db.withClient(async client => {
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
