/** Copying rows from source to target: keyset batches, the dry run and failing-row ranges. */

import { quoteRelation } from '../relations';
import type { MigrationShape } from './shape';
import { list, q, valueOf } from './values';

/** `INSERT … ON CONFLICT` of mapped rows; later writes win over copied ones. */
export function upsertSql(
  shape: MigrationShape,
  rows: string,
  row: string,
  onConflict: 'update' | 'nothing' | 'none',
) {
  const columns = list(shape.fields.map(f => q(f.name)));
  const values = list(shape.fields.map(f => valueOf(f, row)));
  const key = list(shape.targetKey.map(f => q(f.name)));
  const insert = `INSERT INTO ${quoteRelation(
    shape.target,
  )} (${columns}) SELECT ${values} FROM ${rows}`;
  if (onConflict === 'none') return insert;
  const others = shape.fields.filter(f => !f.primaryKey);
  const action =
    onConflict === 'nothing' || others.length === 0
      ? 'DO NOTHING'
      : `DO UPDATE SET ${list(
          others.map(f => `${q(f.name)} = EXCLUDED.${q(f.name)}`),
        )}`;
  return `${insert} ON CONFLICT (${key}) ${action}`;
}

/** `(k1, k2) <op> ($n::t1, $n+1::t2)` over the source key. */
function compareKey(
  shape: MigrationShape,
  op: '>' | '<=',
  keyTypes: string[],
  firstParam: number,
): string {
  return `(${list(shape.sourceKey.map(k => `s.${q(k)}`))}) ${op} (${list(
    keyTypes.map((type, i) => `$${firstParam + i}::${type}`),
  )})`;
}

/**
 * The keys that end the next batch's ranges: every `$2`-th source key after the
 * last one copied (`$3`…), and the `$1`-th, which ends the batch, numbered `n`
 * (one index-only walk). Without an `n = $1` row fewer remain: the batch is the
 * last and copies to the end of the table. A batch of one range (no writers met)
 * only needs the `$1`-th key: an index-only walk that skips to it (`$2`… is then
 * the last key), without numbering every key on the way (about a sixth of a
 * batch's time when it did).
 */
export function batchEndsSql(
  shape: MigrationShape,
  keyTypes: string[],
  hasLastKey: boolean,
  ranges: 'one' | 'many' = 'many',
): string {
  const keys = list(shape.sourceKey.map(k => `s.${q(k)}`));
  const columns = list(
    shape.sourceKey.map((k, i) => `s.${q(k)}::text AS k${i}`),
  );
  const where = (firstParam: number) =>
    hasLastKey ? `WHERE ${compareKey(shape, '>', keyTypes, firstParam)}` : '';
  if (ranges === 'one')
    return `SELECT $1::bigint AS n, ${columns}
              FROM ${quoteRelation(shape.source)} AS s ${where(2)}
             ORDER BY ${keys} OFFSET $1::bigint - 1 LIMIT 1`;
  return `SELECT * FROM (SELECT row_number() OVER (ORDER BY ${keys}) AS n, ${columns}
            FROM ${quoteRelation(shape.source)} AS s ${where(3)}
           ORDER BY ${keys} LIMIT $1) AS b
           WHERE n % $2 = 0 OR n = $1`;
}

/** How a range is copied; see copyRangeSql. */
export interface CopyRange {
  hasLastKey: boolean;
  hasEnd: boolean;
  /** Leave out rows whose key the target already has. */
  skipCopied: boolean;
  /** Keep the target's row, with no error, where one with the key is written meanwhile. */
  keepExisting: boolean;
}

/**
 * Copies the source rows after the last key up to and including the end key (to
 * the end of the table without one). Plain, it is as fast as copying gets, and
 * fails on a row the capture trigger wrote first. `skipCopied` leaves out rows
 * already in the target (one index probe each, run per row so that it stays a
 * probe whatever the target's statistics say); `keepExisting` also keeps rows
 * written while the range copies, each checked against the key as it goes in, at
 * about twice a plain insert's cost. Either way the capture's row is the newer one
 * (or its deletion is remembered, for verify).
 */
export function copyRangeSql(
  shape: MigrationShape,
  keyTypes: string[],
  range: CopyRange,
): string {
  const targetKey = list(shape.targetKey.map(f => `t.${q(f.name)}`));
  const mappedKey = list(shape.targetKey.map(f => valueOf(f, 's.')));
  const conditions = [
    range.hasLastKey ? compareKey(shape, '>', keyTypes, 1) : undefined,
    range.hasEnd
      ? compareKey(
          shape,
          '<=',
          keyTypes,
          range.hasLastKey ? keyTypes.length + 1 : 1,
        )
      : undefined,
    range.skipCopied
      ? `NOT EXISTS (SELECT FROM ${quoteRelation(
          shape.target,
        )} AS t WHERE (${targetKey}) = (${mappedKey}) OFFSET 0)`
      : undefined,
  ].filter(Boolean);
  const where =
    conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  return upsertSql(
    shape,
    `${quoteRelation(shape.source)} AS s ${where}`,
    's.',
    range.keepExisting ? 'nothing' : 'none',
  );
}

/** Rows the backfill copied from a snapshot older than their deletion. */
export function removeGhostsSql(shape: MigrationShape): string {
  const targetKey = list(shape.targetKey.map(f => `t.${q(f.name)}`));
  const mappedDeleted = list(shape.targetKey.map(f => valueOf(f, 'd.')));
  const stillThere = shape.sourceKey
    .map(k => `s.${q(k)} = d.${q(k)}`)
    .join(' AND ');
  return `DELETE FROM ${quoteRelation(shape.target)} AS t USING ${quoteRelation(
    shape.deleted,
  )} AS d
           WHERE (${targetKey}) = (${mappedDeleted})
             AND NOT EXISTS (SELECT 1 FROM ${quoteRelation(
               shape.source,
             )} AS s WHERE ${stillThere})`;
}

/** The mapped rows of a source key range, for finding which rows a transform fails on. */
export function transformRangeSql(
  shape: MigrationShape,
  keyTypes: string[],
): string {
  const n = keyTypes.length;
  const keys = list(shape.sourceKey.map(k => `s.${q(k)}`));
  const from = list(keyTypes.map((t, i) => `$${i + 1}::${t}`));
  const to = list(keyTypes.map((t, i) => `$${n + i + 1}::${t}`));
  return `SELECT ${list(
    shape.fields.map(f => valueOf(f, 's.')),
  )} FROM ${quoteRelation(shape.source)} AS s
           WHERE (${keys}) >= (${from}) AND (${keys}) <= (${to})`;
}

export function dryRunSql(shape: MigrationShape, sample: string): string {
  const values = shape.fields.map(f => valueOf(f, 's.')).join(', ');
  return `SELECT count(*) AS rows, sum(length(ROW(${values})::text)) AS width
            FROM ${quoteRelation(shape.source)} AS s ${sample}`;
}
