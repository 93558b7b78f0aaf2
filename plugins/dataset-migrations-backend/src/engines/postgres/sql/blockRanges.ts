/**
 * Ranges of the source's blocks: where backfill batches start and end when the
 * source is stored in heap tables. A TID range scan reads a range as fast as a
 * sequential scan reads those blocks, and its ends are numbers, found without a
 * walk of the key's index (a range of keys is read through that index, which cost
 * the copy 6–10 % against one sequential scan, and its walk about 8 % more).
 *
 * Sound because every write to the source since the capture began is applied to
 * the target by the trigger: a row is either copied where it lay when its range
 * was read, or written by the capture when it moved. Only a rewrite of the
 * source's storage (VACUUM FULL, CLUSTER, pg_repack, a rewriting ALTER TABLE)
 * moves rows without a write; it changes the storage's identity, which each batch
 * checks under the lock its copy holds. A table attached under the source (or
 * created as its partition) adds to that identity without moving a row: its rows
 * behind the copy are copied on their own, each read as itself.
 */

import { list } from './values';

export interface BlockRange {
  hasStart: boolean;
  hasEnd: boolean;
}

/** The conditions that keep a range's rows: blocks from `$1` up to, not including, the end's. */
export function blockRangeConditions(range: BlockRange): string[] {
  const conditions: string[] = [];
  if (range.hasStart) conditions.push('s.ctid >= $1::tid');
  if (range.hasEnd) conditions.push(`s.ctid < $${range.hasStart ? 2 : 1}::tid`);
  return conditions;
}

/** The parameters of a range from block `start` to block `end` (null: to the end of the table). */
export function blockRangeParams(start: number, end: number | null): string[] {
  return [
    ...(start > 0 ? [`(${start},0)`] : []),
    ...(end !== null ? [`(${end},0)`] : []),
  ];
}

/** The range from block `start` to `end` (null: to the end), as blockRangeConditions takes it. */
export function blockRange(start: number, end: number | null): BlockRange {
  return { hasStart: start > 0, hasEnd: end !== null };
}

/**
 * The source (`$1`, a relation name) and every table under it (partitions,
 * inheritance children: a read of the source reads them too, and a block range
 * applies to each): whether all are heap tables on a server with TID range scans
 * (PostgreSQL 14 or later), and, of those with storage, their identity (oid and
 * file of each), the most blocks any has, and the rows per block the statistics
 * estimate (null before the first ANALYZE or VACUUM). Without `sizes` the
 * blocks are left out (0): reading a table's size waits for its lock, which a plan
 * must not.
 */
export function sourceStorageSql(sizes = true): string {
  const stored = `FILTER (WHERE c.relkind = 'r')`;
  return `WITH RECURSIVE tree(oid) AS (
              SELECT $1::regclass::oid
              UNION ALL
              SELECT i.inhrelid FROM pg_inherits i JOIN tree ON i.inhparent = tree.oid)
            SELECT ${list([
              `current_setting('server_version_num')::int >= 140000
                 AND bool_and(c.relkind = 'p' OR (c.relkind = 'r' AND a.amname = 'heap')) AS heap`,
              `string_agg(c.oid || ':' || pg_relation_filenode(c.oid), ',' ORDER BY c.oid) ${stored} AS storage`,
              sizes
                ? `coalesce(max(pg_relation_size(c.oid)) ${stored}, 0) / current_setting('block_size')::bigint AS blocks`
                : '0 AS blocks',
              `sum(c.reltuples) ${stored} / nullif(max(c.relpages) ${stored}, 0)
                 * CASE WHEN bool_and(c.reltuples >= 0) ${stored} THEN 1 END AS rows_per_block`,
            ])}
              FROM tree JOIN pg_class c ON c.oid = tree.oid
              LEFT JOIN pg_am a ON a.oid = c.relam`;
}

/** The one table (its oid) of a storage identity (see sourceStorageSql); undefined for none or several. */
export function onlyTableOf(storage: string): string | undefined {
  const tables = storage.split(',').filter(Boolean);
  return tables.length === 1 ? tables[0].split(':')[0] : undefined;
}

/**
 * How a storage identity (see sourceStorageSql) changed: whether a table in both
 * has a new file (a rewrite: its rows may have moved), and the tables only the
 * new one has. Tables gone (detached, dropped) are neither.
 */
export function storageChange(
  before: string,
  now: string,
): { rewritten: boolean; added: string[] } {
  const files = (identity: string) =>
    new Map(
      identity
        .split(',')
        .filter(Boolean)
        .map(entry => entry.split(':') as [string, string]),
    );
  const was = files(before);
  const is = files(now);
  return {
    rewritten: [...was].some(
      ([oid, file]) => is.has(oid) && is.get(oid) !== file,
    ),
    added: [...is.keys()].filter(oid => !was.has(oid)),
  };
}

/** The schema and name of each table `$1` (oids): the tables a storage identity added. */
export function tablesNamedSql(): string {
  return `SELECT n.nspname AS schema, c.relname AS name
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
           WHERE c.oid = ANY($1::oid[])`;
}
