/**
 * The engine's own record of each contract, one row written in the contract's
 * transaction: committed with the drop of the previous version or not at all.
 * A contract retried after its worker died between that commit and the plugin's
 * record of it (the plugin's database may be another server) finds the row and is
 * done; a previous version gone without the row was dropped by someone else, and
 * the contract refuses. Kept in the engine's schema, not on the dataset: a later
 * migration may drop this one's new version too.
 */
import type { PoolClient } from 'pg';
import type { DatasetMigrationRun } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { Connections } from '../connection';
import { createdMeanwhile } from '../createdMeanwhile';
import { formatRelation, quoteRelation, type RelationName } from '../relations';
import { q } from '../sql/values';

const TABLE = 'contracts';

function table(db: Connections): RelationName {
  return { schema: db.bookkeepingSchema, name: TABLE };
}

/** Creates the schema and the table if missing, each on its own (a lost race is fine). */
export async function ensureContractRecord(db: Connections): Promise<void> {
  const statements = [
    `CREATE SCHEMA IF NOT EXISTS ${q(db.bookkeepingSchema)}`,
    `CREATE TABLE IF NOT EXISTS ${quoteRelation(table(db))} (
       migration_id text PRIMARY KEY,
       dropped text NOT NULL,
       contracted_at timestamptz NOT NULL DEFAULT now())`,
  ];
  await db.withClient(async client => {
    for (const sql of statements) {
      await client.query(sql).catch(error => {
        if (!createdMeanwhile(error)) throw error;
      });
    }
  });
}

/** Records, in the contract's transaction, that `run` dropped `previous`. */
export async function recordContract(
  client: PoolClient,
  db: Connections,
  run: DatasetMigrationRun,
  previous: RelationName,
): Promise<void> {
  await client.query(
    `INSERT INTO ${quoteRelation(table(db))} (migration_id, dropped)
     VALUES ($1, $2) ON CONFLICT (migration_id) DO NOTHING`,
    [run.migrationId, formatRelation(previous)],
  );
}

/** This run's contract as the engine committed it, if it did. */
export async function committedContract(
  db: Connections,
  run: DatasetMigrationRun,
): Promise<{ dropped: string; at: Date } | undefined> {
  return db.withClient(async client => {
    const { rows: present } = await client.query(
      `SELECT to_regclass($1) IS NOT NULL AS present`,
      [quoteRelation(table(db))],
    );
    if (!present[0].present) return undefined;
    const { rows } = await client.query<{ dropped: string; at: Date }>(
      `SELECT dropped, contracted_at AS at FROM ${quoteRelation(table(db))}
        WHERE migration_id = $1`,
      [run.migrationId],
    );
    return rows[0];
  });
}
