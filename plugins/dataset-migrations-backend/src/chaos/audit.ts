import type { Pool } from 'pg';
import type { WriteLog } from './writer';

/**
 * Jepsen-style accounting of a relation against the writer's log: every row the
 * seed and the acknowledged writes say exists must be there with the last
 * acknowledged values, and nothing else. Keys of writes with an unknown outcome
 * are left out on both sides.
 */
export interface AuditResult {
  relation: string;
  rows: number;
  /** Expected rows missing, or holding other values than the last acknowledged write. */
  lost: number;
  /** Keys present more than once, plus rows that should not exist (deleted, or a moved key's old one). */
  duplicated: number;
  uncertain: number;
  /** A few lost or duplicated keys, to start looking from. */
  examples: string[];
}

export async function auditRelation(
  pool: Pool,
  relation: string,
  log: WriteLog,
  seededRows: number,
): Promise<AuditResult> {
  const client = await pool.connect();
  try {
    await client.query('BEGIN ISOLATION LEVEL REPEATABLE READ');
    await client.query(
      `CREATE TEMP TABLE chaos_log (id bigint PRIMARY KEY, account text, amount integer, present boolean) ON COMMIT DROP`,
    );
    const ids: number[] = [];
    const accounts: (string | null)[] = [];
    const amounts: (number | null)[] = [];
    const present: (boolean | null)[] = [];
    for (const [id, row] of log.acknowledged) {
      if (log.uncertain.has(id)) continue;
      ids.push(id);
      accounts.push(row?.account ?? null);
      amounts.push(row?.amount ?? null);
      present.push(row !== null);
    }
    for (const id of log.uncertain) {
      ids.push(id);
      accounts.push(null);
      amounts.push(null);
      // Null: either outcome is right.
      present.push(null);
    }
    await client.query(
      `INSERT INTO chaos_log SELECT * FROM unnest($1::bigint[], $2::text[], $3::integer[], $4::boolean[])`,
      [ids, accounts, amounts, present],
    );
    await client.query('ANALYZE chaos_log');
    const { rows } = await client.query(
      `WITH expected AS (
         SELECT g::bigint AS id, 'a' || (g % 1000) AS account, (g % 10000)::integer AS amount
           FROM generate_series(1, $1::bigint) AS g
          WHERE NOT EXISTS (SELECT 1 FROM chaos_log l WHERE l.id = g)
         UNION ALL
         SELECT id, account, amount FROM chaos_log WHERE present
       ),
       actual AS MATERIALIZED (SELECT id, account, amount FROM ${relation}),
       lost AS (
         SELECT e.id FROM expected e
          WHERE NOT EXISTS (SELECT 1 FROM actual a WHERE a.id = e.id
                              AND a.account IS NOT DISTINCT FROM e.account
                              AND a.amount IS NOT DISTINCT FROM e.amount)
       ),
       extra AS (
         SELECT a.id FROM actual a
          WHERE NOT EXISTS (SELECT 1 FROM expected e WHERE e.id = a.id)
            AND NOT EXISTS (SELECT 1 FROM chaos_log l WHERE l.id = a.id AND l.present IS NULL)
       ),
       doubled AS (SELECT id FROM actual GROUP BY id HAVING count(*) > 1)
       SELECT (SELECT count(*) FROM actual)::bigint AS rows,
              (SELECT count(*) FROM lost)::bigint AS lost,
              ((SELECT count(*) FROM extra) + (SELECT count(*) FROM doubled))::bigint AS duplicated,
              (SELECT array_agg(x) FROM (
                 (SELECT 'lost ' || id AS x FROM lost LIMIT 3)
                 UNION ALL (SELECT 'extra ' || id FROM extra LIMIT 3)
                 UNION ALL (SELECT 'doubled ' || id FROM doubled LIMIT 3)) s) AS examples`,
      [seededRows],
    );
    await client.query('COMMIT');
    return {
      relation,
      rows: Number(rows[0].rows),
      lost: Number(rows[0].lost),
      duplicated: Number(rows[0].duplicated),
      uncertain: log.uncertain.size,
      examples: rows[0].examples ?? [],
    };
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
