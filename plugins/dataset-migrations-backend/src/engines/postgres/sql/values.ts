/** How SQL text is built: quoting, literals, session settings and a target field's value. */

import type { TargetField } from '@dataset-migrations/plugin-dataset-migrations-common';
import { escapeIdentifier } from 'pg';

export const q = escapeIdentifier;

/**
 * Settings every computation of an expression runs with: the backfill and verify
 * sessions, and the triggers inside writers' sessions. A timestamptz shown as text
 * or truncated to a day, a float or a bytea shown as text, must give the same
 * answer in all of them.
 */
export const EXPRESSION_SETTINGS: Record<string, string> = {
  TimeZone: 'UTC',
  DateStyle: 'ISO, MDY',
  IntervalStyle: 'postgres',
  extra_float_digits: '1',
  bytea_output: 'hex',
};

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

export const list = (items: string[]) => items.join(', ');

/**
 * Types of text: their casts to other types parse them, and their values sort
 * by a collation (a key over any other type has none).
 */
export const TEXT_TYPES: ReadonlySet<string> = new Set([
  'text',
  'character varying',
  'varchar',
  'character',
  'char',
  'bpchar',
  'citext',
  'name',
]);

/**
 * A type's name without its modifiers, in lower case: `numeric(10,2)` →
 * `numeric`, `timestamp(3) without time zone` → `timestamp without time zone`.
 */
export function bareType(type: string): string {
  return type
    .toLowerCase()
    .replace(/\s*\(\s*\d+(\s*,\s*-?\d+)?\s*\)/g, '')
    .replace(/\s+/g, ' ')
    .trim();
}

/**
 * SQL: `value` as the type `type`, a field's previous type where a retype is
 * carried back. jsonb takes no cast from the types a retype makes of it
 * (`cannot cast type numeric to jsonb`): its value is made with to_jsonb, as
 * the number, boolean or text it is, and so is a domain's over jsonb (`bases`,
 * see MigrationShape.domainBases). Found by a probe (2026-12-06): a jsonb →
 * numeric retype failed at the cut-over, after its whole copy.
 */
export function castTo(
  value: string,
  type: string,
  bases: Record<string, string> = {},
): string {
  const base = bases[type] ?? type;
  if (base.trim().toLowerCase() !== 'jsonb') return `CAST(${value} AS ${type})`;
  return base === type
    ? `to_jsonb(${value})`
    : `CAST(to_jsonb(${value}) AS ${type})`;
}

/**
 * SQL: whether a key's values `after` differ from `before` (lists of the same
 * types), as stored, not by `=`: `=` calls values equal that differ (numeric
 * `1.0` and `1.00`, text under a nondeterministic collation), so a write changing
 * only that was taken for one keeping its key, and the other version kept the row
 * under the key's previous value.
 */
export function keyChangedSql(before: string[], after: string[]): string {
  return `record_image_ne(ROW(${list(before)}), ROW(${list(after)}))`;
}

/**
 * A field's default on the new version: an added field's default, or the source
 * column's default (cast when the type changed), so writers that leave the column
 * out keep getting what they got.
 */

/**
 * A function body in dollar quotes whose tag occurs nowhere in it, so that no
 * value inside (a default, an expression) can end the body early.
 */
export function dollarQuoted(body: string, tag: string): string {
  let t = tag;
  for (let i = 0; body.includes(`$${t}$`); i++) t = `${tag}_${i}`;
  return `$${t}$${body}$${t}$`;
}

/**
 * The first line of the body of every trigger function the engine installs that
 * reads the dataset's columns: a name in its SQL that is both a column and a
 * PL/pgSQL variable (`found`, or one the function declares, such as `changed`, a
 * column Drupal's tables have) means the column. PL/pgSQL would refuse it as
 * ambiguous, failing every write through the name, or recording every captured
 * one as failed, where a key or an expression names such a column. The engine's
 * own variables are only ever read qualified (`w.<field>`) or outside SQL.
 */
export const COLUMNS_OVER_VARIABLES = '#variable_conflict use_column';

/** The settings clause of every function the migration installs on the engine. */
export function functionSettings(): string {
  return `SECURITY DEFINER SET search_path = pg_catalog, pg_temp ${Object.entries(
    EXPRESSION_SETTINGS,
  )
    .map(([name, value]) => `SET ${name} = ${literal(value)}`)
    .join(' ')}`;
}
