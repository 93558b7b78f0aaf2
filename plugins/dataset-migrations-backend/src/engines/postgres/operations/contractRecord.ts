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
import { ensureBookkeepingSchema } from '../bookkeepingSchema';
import type { Connections } from '../connection';
import { createdMeanwhile } from '../createdMeanwhile';
import {
  formatRelation,
  quoteRelation,
  relationExists,
  type RelationName,
} from '../relations';
import { onlyOwnerSql } from '../sql/privileges';

/** Named like the engine's other objects: the schema may be shared with others. */
const TABLE = 'dsm_contracts';
const COLUMNS = ['migration_id', 'dropped', 'contracted_at'];

/**
 * In the schema the run pinned at its first attempt (see shapeOf), so a change of
 * `bookkeepingSchema` between the commit and its retry does not hide the row; a
 * run started before schemas were pinned uses the configured one.
 */
export async function contractRecordOf(
  db: Connections,
  run: DatasetMigrationRun,
): Promise<RelationName> {
  const pinned = await run.checkpoints.get<string>('bookkeepingSchema');
  return { schema: pinned ?? db.bookkeepingSchema, name: TABLE };
}

/**
 * Creates the schema and the table if missing, each on its own (a lost race is
 * fine); a relation of that name that is not this table is refused, not written to.
 */
export async function ensureContractRecord(
  db: Connections,
  run: DatasetMigrationRun,
): Promise<void> {
  const record = await contractRecordOf(db, run);
  await ensureBookkeepingSchema(db, record.schema);
  await db.withClient(async client => {
    if (!(await relationExists(client, record))) {
      // Made here, by this call alone: only then are its grants the defaults'.
      const made = await client
        .query(
          `CREATE TABLE IF NOT EXISTS ${quoteRelation(record)} (
             migration_id text PRIMARY KEY,
             dropped text NOT NULL,
             contracted_at timestamptz NOT NULL DEFAULT now())`,
        )
        .then(
          () => true,
          error => {
            if (!createdMeanwhile(error)) throw error;
            return false;
          },
        );
      if (made) await client.query(onlyOwnerSql(record));
    }
    await refuseForeign(client, record);
  });
}

/** IF NOT EXISTS accepts any relation of the name: it must be this table. */
async function refuseForeign(
  client: PoolClient,
  record: RelationName,
): Promise<void> {
  const { rows } = await client.query<{ kind: string; columns: string[] }>(
    `SELECT c.relkind::text AS kind,
            array(SELECT a.attname::text FROM pg_attribute a
                   WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
                   ORDER BY a.attnum) AS columns
       FROM pg_class c WHERE c.oid = to_regclass($1)`,
    [quoteRelation(record)],
  );
  const [found] = rows;
  if (found?.kind === 'r' && found.columns.join() === COLUMNS.join()) return;
  // Named only: what another tool's relation holds is not the requester's to read.
  throw new Error(
    `${formatRelation(
      record,
    )} is not the engine's record of contracts; rename it or set another bookkeepingSchema`,
  );
}

/**
 * Records, in the contract's transaction, that `run` dropped `previous`. The
 * record's name is resolved before (`contractRecordOf`): that transaction holds
 * the dataset's locks, and must not wait on the plugin's database meanwhile.
 */
export async function recordContract(
  client: PoolClient,
  record: RelationName,
  run: DatasetMigrationRun,
  previous: RelationName,
): Promise<void> {
  await client.query(
    `INSERT INTO ${quoteRelation(record)} (migration_id, dropped)
     VALUES ($1, $2) ON CONFLICT (migration_id) DO NOTHING`,
    [run.migrationId, formatRelation(previous)],
  );
}

/** This run's contract as the engine committed it, if it did. */
export async function committedContract(
  db: Connections,
  run: DatasetMigrationRun,
): Promise<{ dropped: string; at: Date } | undefined> {
  const record = await contractRecordOf(db, run);
  return db.withClient(async client => {
    const { rows: present } = await client.query(
      `SELECT to_regclass($1) IS NOT NULL AS present`,
      [quoteRelation(record)],
    );
    if (!present[0].present) return undefined;
    await refuseForeign(client, record);
    const { rows } = await client.query<{ dropped: string; at: Date }>(
      `SELECT dropped, contracted_at AS at FROM ${quoteRelation(record)}
        WHERE migration_id = $1`,
      [run.migrationId],
    );
    return rows[0];
  });
}
