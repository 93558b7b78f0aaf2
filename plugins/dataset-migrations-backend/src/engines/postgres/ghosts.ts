/**
 * Ghosts: rows the backfill copied from a snapshot older than their deletion,
 * which the capture had already applied. Removed after the backfill, before
 * what reads the new version whole (a self-referencing key's validation,
 * verify) and after any later copy (a partition attached meanwhile).
 */
import type { PoolClient } from 'pg';
import { inTransaction } from './connection';
import { removeGhostsSql } from './sql/copy';
import type { MigrationShape } from './sql/shape';

const SERIALIZATION_FAILURE = '40001';
/** Attempts at removing ghosts while writers keep changing them, before the attempt fails. */
const GHOST_REMOVAL_ATTEMPTS = 10;

/**
 * Removes the rows the backfill copied from a snapshot older than their deletion,
 * at REPEATABLE READ, while writers go on writing. At READ COMMITTED a writer that
 * inserts a ghost's key again while the DELETE waits on that row has its row
 * re-checked against the DELETE's older snapshot of the source, which does not
 * have the key, and deleted: a row the source has would be missing from the new
 * version. At REPEATABLE READ that DELETE fails instead, and runs again from a
 * new snapshot, which sees the key in the source.
 */
export async function removeGhosts(
  client: PoolClient,
  shape: MigrationShape,
): Promise<number> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await inTransaction(client, async () => {
        await client.query('SET TRANSACTION ISOLATION LEVEL REPEATABLE READ');
        return (await client.query(removeGhostsSql(shape))).rowCount ?? 0;
      });
    } catch (error) {
      if (
        (error as { code?: string }).code !== SERIALIZATION_FAILURE ||
        attempt >= GHOST_REMOVAL_ATTEMPTS
      )
        throw error;
    }
  }
}
