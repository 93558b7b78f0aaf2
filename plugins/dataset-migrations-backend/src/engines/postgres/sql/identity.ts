/** Keeping the numbers two versions' identity columns hand out from colliding. */

import {
  ALWAYS_AT_CONTRACT,
  type RelationName,
  quoteRelation,
} from '../relations';
import { dollarQuoted, literal, q } from './values';

/**
 * Moves the identity sequence of `to` on to where that of `from` stands (never
 * back), so that the version the name serves next does not hand out a number
 * the other already gave a row. Run where both tables are locked against
 * inserts: the numbers of rows copied over were written explicitly and moved no
 * sequence. setval is not undone with the transaction; a failed switch leaves a
 * gap in the numbers, never a repeat.
 */
export function levelIdentitySql(
  from: { table: RelationName; column: string },
  to: { table: RelationName; column: string },
): string {
  const sequenceOf = (side: typeof from) =>
    `pg_get_serial_sequence(${literal(quoteRelation(side.table))}, ${literal(
      side.column,
    )})::regclass`;
  return `DO ${dollarQuoted(
    `DECLARE
       source regclass := ${sequenceOf(from)};
       target regclass := ${sequenceOf(to)};
       source_step bigint;
       step bigint;
       bound bigint;
       source_next numeric;
       target_next numeric;
       next numeric;
     BEGIN
       SELECT seqincrement, CASE WHEN seqincrement > 0 THEN seqmax ELSE seqmin END
         INTO step, bound FROM pg_sequence WHERE seqrelid = target;
       SELECT seqincrement INTO source_step FROM pg_sequence WHERE seqrelid = source;
       EXECUTE format('SELECT CASE WHEN is_called THEN last_value::numeric + %s ELSE last_value END FROM %s', source_step, source)
         INTO source_next;
       EXECUTE format('SELECT CASE WHEN is_called THEN last_value::numeric + %s ELSE last_value END FROM %s', step, target)
         INTO target_next;
       next := CASE WHEN step > 0 THEN greatest(source_next, target_next)
                    ELSE least(source_next, target_next) END;
       IF (step > 0 AND next > bound) OR (step < 0 AND next < bound) THEN
         -- Used up, as the source's is: the next insert fails as it would there.
         PERFORM setval(target, bound, true);
       ELSE
         PERFORM setval(target, next::bigint, false);
       END IF;
     END`,
    'identity',
  )}`;
}

/**
 * At contract: the new version's identity is ALWAYS again, as the source's was,
 * and loses the comment that said so (a comment someone wrote over it stays, and
 * a run started from this version before then keeps BY DEFAULT). Nothing when a
 * later run's contract already dropped this version, having made its own new
 * version ALWAYS.
 */
export function alwaysAgainSql(table: RelationName, column: string): string {
  const name = quoteRelation(table);
  return `DO ${dollarQuoted(
    `BEGIN
       IF to_regclass(${literal(name)}) IS NOT NULL THEN
         ALTER TABLE ${name} ALTER COLUMN ${q(column)} SET GENERATED ALWAYS;
         -- Not a comment someone wrote over it since.
         IF col_description(${literal(name)}::regclass,
              (SELECT attnum FROM pg_attribute
                WHERE attrelid = ${literal(name)}::regclass
                  AND attname = ${literal(column)})) = ${literal(
      ALWAYS_AT_CONTRACT,
    )} THEN
           COMMENT ON COLUMN ${name}.${q(column)} IS NULL;
         END IF;
       END IF;
     END`,
    'always',
  )}`;
}
