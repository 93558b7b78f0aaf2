/** The engine's own schema, made when missing by whichever stage needs it first. */
import type { Connections } from './connection';
import { createdMeanwhile } from './createdMeanwhile';
import { createBookkeepingSchemaSql } from './sql/rowTriggers';

/**
 * Made on its own, outside the stage's transaction: two first runs at once raced
 * on it inside their transactions (a unique violation on pg_namespace), failing
 * one; the loser of that race now goes on.
 */
export async function ensureBookkeepingSchema(
  db: Connections,
  schema: string,
): Promise<void> {
  await db.withClient(async client => {
    for (const sql of createBookkeepingSchemaSql(schema)) {
      await client.query(sql).catch(error => {
        if (!createdMeanwhile(error)) throw error;
      });
    }
  });
}
