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
 * The key that ends the next batch: the `$1`-th source key after the last one
 * copied (an index-only walk), or no row when fewer remain.
 */
export function batchEndSql(
  shape: MigrationShape,
  keyTypes: string[],
  hasLastKey: boolean,
): string {
  const where = hasLastKey
    ? `WHERE ${compareKey(shape, '>', keyTypes, 2)}`
    : '';
  return `SELECT ${list(
    shape.sourceKey.map((k, i) => `s.${q(k)}::text AS k${i}`),
  )}
            FROM ${quoteRelation(shape.source)} AS s ${where}
           ORDER BY ${list(
             shape.sourceKey.map(k => `s.${q(k)}`),
           )} OFFSET $1 - 1 LIMIT 1`;
}

/**
 * Copies the source rows after the last key up to and including the end key (to
 * the end of the table without one). Without `skipExisting` it is a plain insert,
 * as fast as copying gets; a batch that meets a row the capture trigger already
 * wrote is redone with `skipExisting`, keeping the trigger's newer row.
 */
export function copyRangeSql(
  shape: MigrationShape,
  keyTypes: string[],
  range: { hasLastKey: boolean; hasEnd: boolean; skipExisting: boolean },
): string {
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
  ].filter(Boolean);
  const where =
    conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  return upsertSql(
    shape,
    `${quoteRelation(shape.source)} AS s ${where}`,
    's.',
    range.skipExisting ? 'nothing' : 'none',
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
