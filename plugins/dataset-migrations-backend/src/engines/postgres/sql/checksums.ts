/** Row counts and order-independent checksums, to compare two sets of rows. */

import type { TargetField } from '@dataset-migrations/plugin-dataset-migrations-common';
import { type RelationName, quoteRelation } from '../relations';
import {
  keyRangeConditions,
  sourceKeyColumns,
  type KeyRange,
} from './keyRanges';
import type { MigrationShape } from './shape';
import { list, q, valueOf } from './values';

/**
 * An order-independent checksum aggregate: the sum (exact, as PostgreSQL sums
 * bigints in 128 bits) of a native 64-bit hash of each row's text.
 */
export function rowChecksum(row: string): string {
  return `coalesce(sum(hashtextextended((${row})::text, 0)), 0)::text`;
}

/**
 * Types whose values are equal exactly when their text is the same, so hashing the
 * value (without rendering it as text, the bulk of the cost) tells as much as
 * hashing its text. Every other type is hashed as its text, byte for byte: numeric
 * 1.0 = 1.00, float -0 = 0 and citext 'A' = 'a', yet a copy must keep each as it was.
 */
const HASHED_AS_VALUES = new Set([
  'smallint',
  'int2',
  'integer',
  'int',
  'int4',
  'bigint',
  'int8',
  'boolean',
  'bool',
  'date',
  'uuid',
  'bytea',
  'timestamp with time zone',
  'timestamptz',
  'timestamp without time zone',
  'timestamp',
]);

/** A field's value as hashed: itself, or its text compared byte for byte. */
function hashable(field: TargetField, value: string): string {
  const type = field.type.toLowerCase().replace(/\(\d+\)/, '');
  return HASHED_AS_VALUES.has(type) ? value : `(${value})::text COLLATE "C"`;
}

/**
 * Row count and an order-independent checksum of one side of verify, in one scan
 * PostgreSQL may run in parallel: each row's 64-bit hash (hash_record_extended over
 * its fields, as values or as text, see HASHED_AS_VALUES) summed exactly. That
 * hash combines fields linearly, so a sum of it would not see values swapped
 * between rows: each row's hash is mixed once more (hashint8extended) first.
 */
function checksumSql(
  relation: RelationName,
  fields: TargetField[],
  valueOfField: (field: TargetField) => string,
  conditions: string[],
): string {
  const row = list(fields.map(f => hashable(f, valueOfField(f))));
  const where =
    conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  return `SELECT count(*) AS rows,
                 coalesce(sum(hashint8extended(hash_record_extended(ROW(${row}), 0), 0)), 0)::text AS checksum
            FROM ${quoteRelation(relation)} AS s ${where}`;
}

/**
 * A range of verify: the same keys on both sides, as typed parameters of each
 * side's key (see KeyRange); the target's key holds the source's values unchanged.
 */
export interface VerifyRange {
  range: KeyRange;
  sourceKeyTypes: string[];
  targetKeyTypes: string[];
}

/**
 * Verify's two queries: the source as mapped, and the target, each `rows` and
 * `checksum`; of the whole tables, or of one range of keys.
 */
export function verifySql(
  shape: MigrationShape,
  ranged?: VerifyRange,
): [string, string] {
  const where = (columns: string[], types: string[]) =>
    ranged ? keyRangeConditions(columns, types, ranged.range) : [];
  return [
    checksumSql(
      shape.source,
      shape.fields,
      f => valueOf(f, 's.'),
      where(sourceKeyColumns(shape), ranged?.sourceKeyTypes ?? []),
    ),
    checksumSql(
      shape.target,
      shape.fields,
      f => `s.${q(f.name)}`,
      where(
        shape.targetKey.map(f => `s.${q(f.name)}`),
        ranged?.targetKeyTypes ?? [],
      ),
    ),
  ];
}
