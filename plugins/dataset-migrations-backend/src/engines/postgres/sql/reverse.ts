/** Carrying writes to the new version back to the old one after cut-over, when that is possible. */

import { type RelationName, quoteRelation } from '../relations';
import {
  dropRowTriggerSql,
  rowTriggerSql,
  truncateTriggerOf,
  truncateTriggerSql,
} from './rowTriggers';
import { type MigrationShape, OVERRIDING_IDENTITY } from './shape';
import { castTo, keyChangedSql, list, q } from './values';

/**
 * How each field of the old version is recomputed from a row of the new one, or
 * why it cannot be. Renamed and cast fields go back by name and cast; a dropped
 * nullable field goes back as NULL; a recomputed one cannot go back.
 */
export function inverseOf(
  shape: MigrationShape,
):
  | { values: Map<string, (row: string) => string>; carried: Set<string> }
  | { impossible: string } {
  const values = new Map<string, (row: string) => string>();
  const carried = new Set<string>();
  for (const old of shape.sourceFields) {
    const carrier = shape.fields.find(
      f =>
        (f.source.kind === 'copy' || f.source.kind === 'cast') &&
        f.source.from === old.name,
    );
    const recomputed = shape.fields.find(
      f => f.name === old.name && f.source.kind === 'expression',
    );
    if (carrier) {
      carried.add(old.name);
      values.set(old.name, row =>
        carrier.source.kind === 'copy'
          ? `${row}${q(carrier.name)}`
          : castTo(`${row}${q(carrier.name)}`, old.type, shape.domainBases),
      );
    } else if (recomputed) {
      return {
        impossible: `"${old.name}" is recomputed by an expression; its old values cannot be recovered from the new version`,
      };
    } else if (old.nullable) {
      // A dropped field: new rows get NULL; rows that had a value keep it.
      values.set(old.name, () => `NULL::${old.type}`);
    } else {
      return {
        impossible: `"${old.name}" (NOT NULL) cannot be recomputed from the new version`,
      };
    }
  }
  return { values, carried };
}

/**
 * After cut-over, a trigger on the new version carries every write back to the old
 * one, so a rollback loses nothing. A write that cannot be carried back (a value
 * that does not fit the old type) is recorded instead of failing the writer, and
 * then blocks the rollback.
 */
export function createReverseSql(
  shape: MigrationShape,
  previous: RelationName,
): string[] {
  const inverse = inverseOf(shape);
  if (!('values' in inverse)) return [];
  const oldColumns = shape.sourceFields.map(f => f.name);
  const valueOf = (name: string, row: string) => inverse.values.get(name)!(row);
  const oldKey = list(shape.sourceKey.map(q));
  // Only carried fields are updated: a dropped field keeps the value it had.
  const others = oldColumns.filter(
    c => !shape.sourceKey.includes(c) && inverse.carried.has(c),
  );
  const upsert = `INSERT INTO ${quoteRelation(previous)} (${list(
    oldColumns.map(q),
  )})${OVERRIDING_IDENTITY}
           SELECT ${list(
             oldColumns.map(c => valueOf(c, 'n.')),
           )} FROM (SELECT NEW.*) AS n
           ON CONFLICT (${oldKey}) ${
    others.length === 0
      ? 'DO NOTHING'
      : `DO UPDATE SET ${list(others.map(c => `${q(c)} = EXCLUDED.${q(c)}`))}`
  }`;
  const keyChanged = keyChangedSql(
    shape.targetKey.map(f => `OLD.${q(f.name)}`),
    shape.targetKey.map(f => `NEW.${q(f.name)}`),
  );
  const oldKeyOfOld = `(${oldKey}) = (${list(
    shape.sourceKey.map(k => valueOf(k, 'OLD.')),
  )})`;
  /*
   * A delete, and a change of the key, are rules of the previous version's table
   * to keep: a delete asks it to hold nothing, and a key change is an update of
   * its key, not a delete and an insert, so a foreign key to that table (added
   * after cut-over) acts as it did on the table (ON UPDATE CASCADE moves the rows
   * referencing the row, where ON DELETE CASCADE deleted them), and what refuses
   * it there (a foreign key that does not follow, an identity key GENERATED
   * ALWAYS) refuses the write, as the table did, rather than be recorded while
   * the versions part. Only a key the previous type cannot hold is the recorded
   * kind of failure: checked first, it is then recorded as before.
   */
  const keyed = (row: 'OLD' | 'NEW') =>
    shape.sourceKey.map(k => valueOf(k, `${row}.`));
  const cast = shape.fields.some(
    f => f.source.kind === 'cast' && shape.sourceKey.includes(f.source.from),
  );
  // NEW is NULL for a delete, and so are its fields.
  const keysOf = list([...keyed('OLD'), ...keyed('NEW')]);
  /*
   * An explicit cast to a narrower type truncates or rounds without a word
   * ('abcdefghijkl'::varchar(10) is 'abcdefghij', 1.234::numeric(10,2) is
   * 1.23): a value fits only if it comes back the same. One that does not is
   * recorded, like one the cast refuses, rather than carried back altered (or
   * onto another row's key).
   */
  const castBack = shape.fields.filter(f => f.source.kind === 'cast');
  const comesBack = (fields: typeof castBack, row: 'OLD' | 'NEW') =>
    fields.length === 0
      ? 'true'
      : fields
          .map(f => {
            const old = shape.sourceFields.find(
              o => f.source.kind === 'cast' && o.name === f.source.from,
            )!;
            return `CAST(${castTo(
              `${row}.${q(f.name)}`,
              old.type,
              shape.domainBases,
            )} AS ${f.type}) IS NOT DISTINCT FROM ${row}.${q(f.name)}`;
          })
          .join(' AND ');
  const castKeys = castBack.filter(
    f => f.source.kind === 'cast' && shape.sourceKey.includes(f.source.from),
  );
  const rules = `
       IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND ${keyChanged}) THEN${
    cast
      ? `
         BEGIN
           PERFORM ${keysOf};
           IF NOT (${comesBack(castKeys, 'OLD')}) OR (TG_OP = 'UPDATE'
               AND NOT (${comesBack(castKeys, 'NEW')})) THEN
             fitting := false;
           END IF;
         EXCEPTION WHEN OTHERS THEN
           fitting := false;
         END;`
      : ''
  }
         IF fitting AND TG_OP = 'DELETE' THEN
           DELETE FROM ${quoteRelation(previous)} WHERE ${oldKeyOfOld};
         ELSIF fitting THEN
           UPDATE ${quoteRelation(previous)} SET ${list(
    shape.sourceKey.map(k => `${q(k)} = ${valueOf(k, 'NEW.')}`),
  )}
            WHERE ${oldKeyOfOld};
         END IF;
       END IF;`;
  return rowTriggerSql({
    ...shape.reverse,
    declare: `
       fitting boolean := true;`,
    refused: rules,
    body: `         IF NOT fitting THEN
           PERFORM ${keysOf};
           RAISE EXCEPTION 'a key does not fit the previous version''s type';
         END IF;
         IF TG_OP IN ('INSERT', 'UPDATE') THEN
           IF NOT (${comesBack(castBack, 'NEW')}) THEN
             RAISE EXCEPTION 'a value does not come back the same from the previous version''s type';
           END IF;
           ${upsert};
         END IF;`,
  });
}

/**
 * A TRUNCATE of the new version (`<name>_v<N>`, where a TRUNCATE goes once the
 * name is a view) fires no row trigger, so the previous version kept every row
 * it removed: readers of the previous version, or of the old name after a
 * rename, read them still, and a rollback served them again beside what was
 * written since (found by a probe, 2026-12-06). It truncates the previous
 * version too, in the writer's transaction: what refuses that (a foreign key
 * to the previous version's table, as it refused a TRUNCATE of the table)
 * refuses the writer's TRUNCATE.
 */
export function createTruncateReverseSql(
  shape: MigrationShape,
  previous: RelationName,
): string[] {
  return truncateTriggerSql(
    shape.reverse,
    `TRUNCATE ${quoteRelation(previous)}`,
  );
}

export function dropReverseSql(shape: MigrationShape): string[] {
  const truncate = truncateTriggerOf(shape.reverse);
  return [
    `DROP TRIGGER IF EXISTS ${q(truncate.trigger)} ON ${quoteRelation(
      shape.reverse.on,
    )}`,
    `DROP FUNCTION IF EXISTS ${quoteRelation(truncate.fn)}()`,
    ...dropRowTriggerSql(shape.reverse),
  ];
}
