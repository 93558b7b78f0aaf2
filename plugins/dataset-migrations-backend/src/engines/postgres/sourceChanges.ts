/**
 * A source changed while its run copied: a column, index or constraint the
 * application added after the run began is on no version readers get at cut-over,
 * and a column's values go with the previous version at contract. Cut-over
 * refuses that (under its lock, which waits for such DDL and holds it off).
 */
import type { PoolClient } from 'pg';
import { planCarryOver } from './carryOver';
import { catalogRead } from './connection';
import {
  formatRelation,
  quoteRelation,
  readConstraints,
  readIndexes,
  type RelationName,
} from './relations';
import type { MigrationShape } from './sql/shape';

/** A column as the run began with it: its type as numbers, the same in one database. */
export interface SourceColumn {
  name: string;
  typeOid: string;
  typmod: number;
  /** The type as people read it. */
  type: string;
}

/** The checkpoint holding the source's columns as the run's first attempt read them. */
export const SOURCE_COLUMNS = 'sourceColumns';

export async function readSourceColumns(
  client: PoolClient,
  table: RelationName,
): Promise<SourceColumn[]> {
  const { rows } = await catalogRead<SourceColumn>(
    client,
    `SELECT a.attname AS name, a.atttypid::int8::text AS "typeOid",
            a.atttypmod AS typmod, format_type(a.atttypid, a.atttypmod) AS type
       FROM pg_attribute a
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [quoteRelation(table)],
  );
  return rows;
}

/**
 * What of the source the new version does not have: columns added, dropped or
 * retyped since the run began (`began`; unknown for runs begun before this was
 * recorded), and indexes and constraints the carry-over would rebuild now that
 * are not on the new version. Throws naming each; moves nothing.
 */
export async function refuseSourceChanges(
  client: PoolClient,
  shape: MigrationShape,
  targetVersion: number,
  began: SourceColumn[] | undefined,
): Promise<void> {
  const changes: string[] = [];
  if (began) {
    const now = await readSourceColumns(client, shape.source);
    for (const column of now) {
      const then = began.find(c => c.name === column.name);
      if (!then) changes.push(`column "${column.name}" (${column.type}) added`);
      else if (then.typeOid !== column.typeOid || then.typmod !== column.typmod)
        changes.push(
          `column "${column.name}" changed from ${then.type} to ${column.type}`,
        );
    }
    for (const column of began)
      if (!now.some(c => c.name === column.name))
        changes.push(`column "${column.name}" dropped`);
  }
  const carried = planCarryOver({
    target: shape.target,
    targetVersion,
    fields: shape.fields,
    indexes: await readIndexes(client, shape.source),
    constraints: await readConstraints(client, shape.source),
  });
  const { rows: onTarget } = await catalogRead<{ name: string }>(
    client,
    `SELECT c.relname AS name FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = $1::regclass AND i.indisvalid
     UNION ALL
     SELECT conname FROM pg_constraint WHERE conrelid = $1::regclass`,
    [quoteRelation(shape.target)],
  );
  const present = new Set(onTarget.map(r => r.name));
  for (const index of carried.indexes)
    if (!present.has(index.name))
      changes.push(`an index added (${index.name} is not built)`);
  for (const constraint of carried.constraints)
    if (!present.has(constraint.name))
      changes.push(`constraint "${constraint.name}" added`);
  if (changes.length > 0)
    throw new Error(
      `${formatRelation(
        shape.source,
      )} changed while the migration ran: ${changes.join(
        '; ',
      )}. ${formatRelation(
        shape.target,
      )} was built without that, so the name was not moved; request the migration again, so that its plan includes it`,
    );
}
