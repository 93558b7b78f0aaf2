/**
 * A source changed while its run copied: a column the application added after
 * the run began is on no version readers get at cut-over (its values go with the
 * previous version at contract), and an index or constraint added or redefined
 * is not enforced on the new version. Cut-over refuses that (under its lock,
 * which waits for such DDL and holds it off).
 */
import type { PoolClient } from 'pg';
import { readPartitionTree } from './attachedPartitions';
import { catalogRead } from './connection';
import {
  EXPAND_INDEX_COMMENT,
  formatRelation,
  quoteRelation,
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
  notNull: boolean;
  default: string | null;
}

/** An index or constraint of the source, as PostgreSQL prints its definition. */
export interface SourceRule {
  kind: 'index' | 'constraint';
  name: string;
  definition: string;
}

/**
 * A partition of the source, at any level: its oid, its name for people, and
 * the transaction that attached it (see attachedPartitions.ts; absent for runs
 * begun before it was recorded).
 */
export interface SourcePartition {
  oid: string;
  name: string;
  attachedBy?: string;
}

/** The source as the run's first attempt read it. */
export interface SourceAsBegun {
  columns: SourceColumn[];
  rules: SourceRule[];
  /** Absent for runs begun before partitions were recorded. */
  partitions?: SourcePartition[];
}

/** The checkpoint holding {@link SourceAsBegun}. */
export const SOURCE_AS_BEGUN = 'sourceAsBegun';

export async function readSourceAsBegun(
  client: PoolClient,
  table: RelationName,
): Promise<SourceAsBegun> {
  const { rows: columns } = await catalogRead<SourceColumn>(
    client,
    `SELECT a.attname AS name, a.atttypid::int8::text AS "typeOid",
            a.atttypmod AS typmod, format_type(a.atttypid, a.atttypmod) AS type,
            a.attnotnull AS "notNull", pg_get_expr(d.adbin, d.adrelid) AS "default"
       FROM pg_attribute a
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [quoteRelation(table)],
  );
  const { rows: rules } = await catalogRead<SourceRule>(
    client,
    `SELECT 'index' AS kind, c.relname AS name, pg_get_indexdef(i.indexrelid) AS definition
       FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid
      WHERE i.indrelid = $1::regclass
        AND obj_description(c.oid, 'pg_class') IS DISTINCT FROM '${EXPAND_INDEX_COMMENT}'
     UNION ALL
     SELECT 'constraint', conname, pg_get_constraintdef(oid)
       FROM pg_constraint WHERE conrelid = $1::regclass
      ORDER BY 1, 2`,
    [quoteRelation(table)],
  );
  const partitions = (await readPartitionTree(client, table)).map(
    ({ oid, label, attachedBy }) => ({ oid, name: label, attachedBy }),
  );
  return { columns, rules, partitions };
}

/**
 * What changed in the source since the run began (`began`; unknown for runs
 * begun before this was recorded): columns added, dropped, retyped, made NOT
 * NULL or given another default, indexes and constraints added, dropped or
 * redefined, and partitions detached or dropped. The new version was built from
 * the source as it was, so each would be lost or unenforced from cut-over on.
 * Throws naming each; moves nothing.
 */
export async function refuseSourceChanges(
  client: PoolClient,
  shape: MigrationShape,
  began: SourceAsBegun | undefined,
): Promise<void> {
  if (!began?.columns) return;
  const now = await readSourceAsBegun(client, shape.source);
  const changes: string[] = [];
  for (const column of now.columns) {
    const then = began.columns.find(c => c.name === column.name);
    if (!then) changes.push(`column "${column.name}" (${column.type}) added`);
    else if (then.typeOid !== column.typeOid || then.typmod !== column.typmod)
      changes.push(
        `column "${column.name}" changed from ${then.type} to ${column.type}`,
      );
    else if (then.notNull !== column.notNull)
      changes.push(
        `column "${column.name}" made ${
          column.notNull ? 'NOT NULL' : 'nullable'
        }`,
      );
    else if (then.default !== column.default)
      changes.push(`column "${column.name}" given another default`);
  }
  for (const column of began.columns)
    if (!now.columns.some(c => c.name === column.name))
      changes.push(`column "${column.name}" dropped`);
  const key = (r: SourceRule) => `${r.kind} "${r.name}"`;
  for (const rule of now.rules) {
    const then = began.rules.find(r => key(r) === key(rule));
    if (!then) changes.push(`${key(rule)} added`);
    else if (then.definition !== rule.definition)
      changes.push(`${key(rule)} redefined`);
  }
  for (const rule of began.rules)
    if (!now.rules.some(r => key(r) === key(rule)))
      changes.push(`${key(rule)} dropped`);
  // A partition detached or dropped took its rows with it, writing no row the
  // capture saw: the new version still holds them. One attached is copied.
  for (const partition of began.partitions ?? [])
    if (!now.partitions?.some(p => p.oid === partition.oid))
      changes.push(
        `partition ${partition.name} detached or dropped, and its rows with it`,
      );
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
