import { escapeIdentifier } from 'pg';
import type { TargetField } from '@dataset-migrations/plugin-dataset-migrations-common';
import { quoteRelation, type RelationName } from './relations';

/** Everything one run needs to name and transform: source, target and their keys. */
export interface MigrationShape {
  source: RelationName;
  target: RelationName;
  /** Source rows deleted while the run copies, so copied ghosts can be removed. */
  deleted: RelationName;
  captureFunction: RelationName;
  captureTrigger: string;
  fields: TargetField[];
  /** Source primary key, in index order: the keyset order of the backfill. */
  sourceKey: string[];
  /** Target primary key fields, in the same order. */
  targetKey: TargetField[];
}

export const q = escapeIdentifier;

/** A SQL literal; standard_conforming_strings is on in every supported Postgres. */
export function literal(value: string | number | boolean | null): string {
  if (value === null) return 'NULL';
  return `'${String(value).replace(/'/g, "''")}'`;
}

/** The target field's value computed from a source row (`row` is e.g. `s.` or `NEW.`). */
export function valueOf(field: TargetField, row: string): string {
  switch (field.source.kind) {
    case 'copy':
      return `${row}${q(field.source.from)}`;
    case 'cast':
      return `(${row}${q(field.source.from)})::${field.type}`;
    case 'expression':
      // Written over the source's field names; every use reads from exactly one source row.
      return `(${field.source.sql})::${field.type}`;
    default:
      return `${literal(field.source.value)}::${field.type}`;
  }
}

const list = (items: string[]) => items.join(', ');

export function createTargetSql(shape: MigrationShape): string {
  const columns = shape.fields.map(
    f => `${q(f.name)} ${f.type}${f.nullable ? '' : ' NOT NULL'}`,
  );
  columns.push(`PRIMARY KEY (${list(shape.targetKey.map(f => q(f.name)))})`);
  return `CREATE TABLE ${quoteRelation(shape.target)} (${list(columns)})`;
}

export function createDeletedSql(shape: MigrationShape): string {
  return `CREATE TABLE ${quoteRelation(shape.deleted)} AS
            SELECT ${list(shape.sourceKey.map(q))} FROM ${quoteRelation(shape.source)} WITH NO DATA`;
}

/** `INSERT … ON CONFLICT` of mapped rows; later writes win over copied ones. */
function upsertSql(
  shape: MigrationShape,
  rows: string,
  row: string,
  onConflict: 'update' | 'nothing' | 'none',
) {
  const columns = list(shape.fields.map(f => q(f.name)));
  const values = list(shape.fields.map(f => valueOf(f, row)));
  const key = list(shape.targetKey.map(f => q(f.name)));
  const insert = `INSERT INTO ${quoteRelation(shape.target)} (${columns}) SELECT ${values} FROM ${rows}`;
  if (onConflict === 'none') return insert;
  const others = shape.fields.filter(f => !f.primaryKey);
  const action =
    onConflict === 'nothing' || others.length === 0
      ? 'DO NOTHING'
      : `DO UPDATE SET ${list(others.map(f => `${q(f.name)} = EXCLUDED.${q(f.name)}`))}`;
  return `${insert} ON CONFLICT (${key}) ${action}`;
}

/**
 * The capture trigger: every write to the source, from the moment it is installed,
 * is applied to the target in the writer's own transaction. Deleted keys are also
 * remembered, so a row the backfill copied from an older snapshot can be removed.
 */
export function createCaptureSql(shape: MigrationShape): string[] {
  const keyChanged = `(${list(shape.sourceKey.map(k => `OLD.${q(k)}`))}) IS DISTINCT FROM (${list(
    shape.sourceKey.map(k => `NEW.${q(k)}`),
  )})`;
  const targetKeyOfOld = `(${list(shape.targetKey.map(f => q(f.name)))}) = (${list(
    shape.targetKey.map(f => valueOf(f, 'OLD.')),
  )})`;
  const fn = quoteRelation(shape.captureFunction);
  return [
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $capture$
     BEGIN
       IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND ${keyChanged}) THEN
         DELETE FROM ${quoteRelation(shape.target)} WHERE ${targetKeyOfOld};
         INSERT INTO ${quoteRelation(shape.deleted)} VALUES (${list(shape.sourceKey.map(k => `OLD.${q(k)}`))});
       END IF;
       IF TG_OP IN ('INSERT', 'UPDATE') THEN
         ${upsertSql(shape, '(SELECT NEW.*) AS n', 'n.', 'update')};
       END IF;
       RETURN NULL;
     END $capture$`,
    `CREATE TRIGGER ${q(shape.captureTrigger)} AFTER INSERT OR UPDATE OR DELETE ON ${quoteRelation(
      shape.source,
    )} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
  ];
}

export function dropCaptureSql(shape: MigrationShape): string[] {
  return [
    `DROP TRIGGER IF EXISTS ${q(shape.captureTrigger)} ON ${quoteRelation(shape.source)}`,
    `DROP FUNCTION IF EXISTS ${quoteRelation(shape.captureFunction)}()`,
    `DROP TABLE IF EXISTS ${quoteRelation(shape.deleted)}`,
  ];
}

/** `(k1, k2) <op> ($n::t1, $n+1::t2)` over the source key. */
function compareKey(shape: MigrationShape, op: '>' | '<=', keyTypes: string[], firstParam: number): string {
  return `(${list(shape.sourceKey.map(k => `s.${q(k)}`))}) ${op} (${list(
    keyTypes.map((type, i) => `$${firstParam + i}::${type}`),
  )})`;
}

/**
 * The key that ends the next batch: the `$1`-th source key after the last one
 * copied (an index-only walk), or no row when fewer remain.
 */
export function batchEndSql(shape: MigrationShape, keyTypes: string[], hasLastKey: boolean): string {
  const where = hasLastKey ? `WHERE ${compareKey(shape, '>', keyTypes, 2)}` : '';
  return `SELECT ${list(shape.sourceKey.map((k, i) => `s.${q(k)}::text AS k${i}`))}
            FROM ${quoteRelation(shape.source)} AS s ${where}
           ORDER BY ${list(shape.sourceKey.map(k => `s.${q(k)}`))} OFFSET $1 - 1 LIMIT 1`;
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
    range.hasEnd ? compareKey(shape, '<=', keyTypes, range.hasLastKey ? keyTypes.length + 1 : 1) : undefined,
  ].filter(Boolean);
  const where = conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
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
  const stillThere = shape.sourceKey.map(k => `s.${q(k)} = d.${q(k)}`).join(' AND ');
  return `DELETE FROM ${quoteRelation(shape.target)} AS t USING ${quoteRelation(shape.deleted)} AS d
           WHERE (${targetKey}) = (${mappedDeleted})
             AND NOT EXISTS (SELECT 1 FROM ${quoteRelation(shape.source)} AS s WHERE ${stillThere})`;
}

/** Row count and an order-independent checksum of the mapped columns. */
export function checksumSql(relation: RelationName, expressions: string[]): string {
  return `SELECT count(*) AS rows,
                 coalesce(sum(('x' || substr(md5(ROW(${list(expressions)})::text), 1, 16))::bit(64)::bigint::numeric), 0)::text AS checksum
            FROM ${quoteRelation(relation)} AS s`;
}

/** The mapped rows of a source key range, for finding which rows a transform fails on. */
export function transformRangeSql(shape: MigrationShape, keyTypes: string[]): string {
  const n = keyTypes.length;
  const keys = list(shape.sourceKey.map(k => `s.${q(k)}`));
  const from = list(keyTypes.map((t, i) => `$${i + 1}::${t}`));
  const to = list(keyTypes.map((t, i) => `$${n + i + 1}::${t}`));
  return `SELECT ${list(shape.fields.map(f => valueOf(f, 's.')))} FROM ${quoteRelation(shape.source)} AS s
           WHERE (${keys}) >= (${from}) AND (${keys}) <= (${to})`;
}

/** The new table, its provenance comment, and write capture from the source. */
export function createTargetStatements(shape: MigrationShape, comment: string): string[] {
  return [
    createTargetSql(shape),
    `COMMENT ON TABLE ${quoteRelation(shape.target)} IS ${literal(comment)}`,
    createDeletedSql(shape),
    ...createCaptureSql(shape),
  ];
}

/**
 * Repoints the dataset's name at the target. The first migration renames the
 * original table to its versioned name and puts a view in its place.
 */
export function cutOverStatements(
  shape: MigrationShape,
  dataset: { relation: RelationName; kind: 'table' | 'view' },
  fromVersion: number,
): string[] {
  return [
    `LOCK TABLE ${quoteRelation(shape.source)} IN EXCLUSIVE MODE`,
    ...dropCaptureSql(shape),
    dataset.kind === 'table'
      ? `ALTER TABLE ${quoteRelation(dataset.relation)} RENAME TO ${q(`${dataset.relation.name}_v${fromVersion}`)}`
      : `DROP VIEW ${quoteRelation(dataset.relation)}`,
    `CREATE VIEW ${quoteRelation(dataset.relation)} AS SELECT * FROM ${quoteRelation(shape.target)}`,
  ];
}

export function dryRunSql(shape: MigrationShape, sample: string): string {
  const values = shape.fields.map(f => valueOf(f, 's.')).join(', ');
  return `SELECT count(*) AS rows, sum(length(ROW(${values})::text)) AS width
            FROM ${quoteRelation(shape.source)} AS s ${sample}`;
}
