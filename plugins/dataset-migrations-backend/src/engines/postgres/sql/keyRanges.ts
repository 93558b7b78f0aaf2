/**
 * Ranges of a table's primary key, in keyset order: where backfill batches and
 * verify ranges start and end. A range holds the keys after the last key done
 * (`$1`…, left out for the first range) up to and including its end key (the
 * parameters that follow, left out for the last range, which runs to the end).
 */

import { quoteRelation } from '../relations';
import type { MigrationShape } from './shape';
import { list, q } from './values';

export interface KeyRange {
  hasLastKey: boolean;
  hasEnd: boolean;
}

/** `(c1, c2) <op> ($n::t1, $n+1::t2)`: a key compared with typed parameters. */
function compareKey(
  columns: string[],
  op: '>' | '<=',
  types: string[],
  firstParam: number,
): string {
  return `(${list(columns)}) ${op} (${list(
    types.map((type, i) => `$${firstParam + i}::${type}`),
  )})`;
}

/** The conditions that keep a range's rows, over key `columns` of the given types. */
export function keyRangeConditions(
  columns: string[],
  types: string[],
  range: KeyRange,
): string[] {
  const conditions: string[] = [];
  if (range.hasLastKey) conditions.push(compareKey(columns, '>', types, 1));
  if (range.hasEnd)
    conditions.push(
      compareKey(columns, '<=', types, range.hasLastKey ? types.length + 1 : 1),
    );
  return conditions;
}

/** The source key's columns as read from the source aliased `s`. */
export function sourceKeyColumns(shape: MigrationShape): string[] {
  return shape.sourceKey.map(k => `s.${q(k)}`);
}

/**
 * The keys that end the next ranges: every `$2`-th source key after the last one
 * done (`$3`…), and the `$1`-th, which ends the batch, numbered `n` (one
 * index-only walk). Without an `n = $1` row fewer remain: the batch is the last
 * and runs to the end of the table. Keys are cast to text only once kept: a cast
 * in the walk itself ran on every key passed and cost more than the walk.
 */
export function batchEndsSql(
  shape: MigrationShape,
  keyTypes: string[],
  hasLastKey: boolean,
): string {
  const keys = list(sourceKeyColumns(shape));
  const where = hasLastKey
    ? `WHERE ${compareKey(sourceKeyColumns(shape), '>', keyTypes, 3)}`
    : '';
  return `SELECT n, ${keysAsText(shape)}
            FROM (SELECT row_number() OVER (ORDER BY ${keys}) AS n, ${list(
    shape.sourceKey.map((k, i) => `s.${q(k)} AS k${i}`),
  )}
                    FROM ${quoteRelation(shape.source)} AS s ${where}
                   ORDER BY ${keys} LIMIT $1) AS b
           WHERE n % $2 = 0 OR n = $1`;
}

/**
 * The key that ends a range of `$1` rows after the last key done (`$2`…): one
 * walk of the source's key index, no row read, and only the key found cast to
 * text. No row when fewer remain, or, with `hasBound`, when fewer remain up to
 * and including the key that follows the last key's parameters.
 */
export function rangeEndSql(
  shape: MigrationShape,
  keyTypes: string[],
  hasLastKey: boolean,
  hasBound = false,
): string {
  const columns = sourceKeyColumns(shape);
  const conditions = [
    ...(hasLastKey ? [compareKey(columns, '>', keyTypes, 2)] : []),
    ...(hasBound
      ? [
          compareKey(
            columns,
            '<=',
            keyTypes,
            2 + (hasLastKey ? keyTypes.length : 0),
          ),
        ]
      : []),
  ];
  const where = conditions.length ? `WHERE ${conditions.join(' AND ')}` : '';
  return `SELECT ${keysAsText(shape)}
            FROM (SELECT ${list(columns.map((c, i) => `${c} AS k${i}`))}
                    FROM ${quoteRelation(shape.source)} AS s ${where}
                   ORDER BY ${list(
                     columns,
                   )} OFFSET ($1::bigint - 1) LIMIT 1) AS e`;
}

/** A walk's key columns `k0`, `k1`… as text, the form checkpoints keep. */
function keysAsText(shape: MigrationShape): string {
  return list(shape.sourceKey.map((_, i) => `k${i}::text AS k${i}`));
}
