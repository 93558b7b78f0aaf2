/**
 * Creating the new version: its table, and the capture trigger that applies every
 * write to the source to it while the run copies.
 */

import type { TargetField } from '@dataset-migrations/plugin-dataset-migrations-common';
import { quoteRelation } from '../relations';
import { upsertSql } from './copy';
import { onlyOwnerSql } from './privileges';
import {
  createBookkeepingSchemaSql,
  dropRowTriggerSql,
  rowTriggerSql,
} from './rowTriggers';
import type { MigrationShape } from './shape';
import { list, literal, q, valueOf } from './values';

/**
 * A field's default on the new version: an added field's default, or the source
 * column's default (cast when the type changed), so writers that leave the column
 * out keep getting what they got.
 */
function defaultOf(field: TargetField): string | undefined {
  if (field.source.kind === 'default') {
    return field.source.value === null
      ? undefined
      : `${literal(field.source.value)}::${field.type}`;
  }
  if (field.default === undefined) return undefined;
  return field.source.kind === 'copy'
    ? field.default
    : `(${field.default})::${field.type}`;
}

export function createTargetSql(shape: MigrationShape): string {
  const columns = shape.fields.map(f => {
    const fallback = defaultOf(f);
    return `${q(f.name)} ${f.type}${f.nullable ? '' : ' NOT NULL'}${
      fallback === undefined ? '' : ` DEFAULT ${fallback}`
    }`;
  });
  columns.push(`PRIMARY KEY (${list(shape.targetKey.map(f => q(f.name)))})`);
  return `CREATE TABLE ${quoteRelation(shape.target)} (${list(columns)})`;
}

function createDeletedSql(shape: MigrationShape): string {
  return `CREATE TABLE ${quoteRelation(shape.deleted)} AS
            SELECT ${list(shape.sourceKey.map(q))} FROM ${quoteRelation(
    shape.source,
  )} WITH NO DATA`;
}

/**
 * The capture trigger: every write to the source, from the moment it is installed,
 * is applied to the target in the writer's own transaction. Deleted keys are also
 * remembered, so a row the backfill copied from an older snapshot can be removed.
 */
function createCaptureSql(shape: MigrationShape): string[] {
  const keyChanged = `(${list(
    shape.sourceKey.map(k => `OLD.${q(k)}`),
  )}) IS DISTINCT FROM (${list(shape.sourceKey.map(k => `NEW.${q(k)}`))})`;
  const targetKeyOfOld = `(${list(
    shape.targetKey.map(f => q(f.name)),
  )}) = (${list(shape.targetKey.map(f => valueOf(f, 'OLD.')))})`;
  return rowTriggerSql({
    ...shape.capture,
    body: `         IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND ${keyChanged}) THEN
           DELETE FROM ${quoteRelation(shape.target)} WHERE ${targetKeyOfOld};
           INSERT INTO ${quoteRelation(shape.deleted)} VALUES (${list(
      shape.sourceKey.map(k => `OLD.${q(k)}`),
    )});
         END IF;
         IF TG_OP IN ('INSERT', 'UPDATE') THEN
           ${upsertSql(shape, '(SELECT NEW.*) AS n', 'n.', 'update')};
         END IF;`,
  });
}

export function dropCaptureSql(shape: MigrationShape): string[] {
  return [
    ...dropRowTriggerSql(shape.capture),
    `DROP TABLE IF EXISTS ${quoteRelation(shape.deleted)}`,
  ];
}

/** The new table, its provenance comment, and write capture from the source. */
export function createTargetStatements(
  shape: MigrationShape,
  comment: string,
): string[] {
  return [
    ...createBookkeepingSchemaSql(shape.bookkeepingSchema),
    createTargetSql(shape),
    onlyOwnerSql(shape.target),
    `COMMENT ON TABLE ${quoteRelation(shape.target)} IS ${literal(comment)}`,
    createDeletedSql(shape),
    onlyOwnerSql(shape.deleted),
    ...createCaptureSql(shape),
  ];
}
