/** Row count and checksum of a set of rows: what verify and query comparison compare. */
import type { PoolClient } from 'pg';

export interface Figures {
  rows: number;
  checksum: string;
}

/** Runs a query of one row, `rows` and `checksum`, as verification figures. */
export async function resultFigures(
  client: PoolClient,
  sql: string,
  params: string[] = [],
): Promise<Figures> {
  const { rows } = await client.query<{ rows: string; checksum: string }>(
    sql,
    params,
  );
  return { rows: Number(rows[0].rows), checksum: rows[0].checksum };
}

/** Figures of two disjoint sets of rows taken together: counts and checksums add up. */
export function addFigures(a: Figures, b: Figures): Figures {
  return {
    rows: a.rows + b.rows,
    checksum: (BigInt(a.checksum) + BigInt(b.checksum)).toString(),
  };
}
