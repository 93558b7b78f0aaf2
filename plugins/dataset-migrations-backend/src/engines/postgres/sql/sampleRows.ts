/** The dry run's sample of rows before and after: which columns it shows, and the query. */

import type {
  DryRunSample,
  TargetField,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { quoteRelation } from '../relations';
import type { MigrationShape } from './shape';
import { list, q, valueOf } from './values';

/** Rows of the sample: enough to see what a transform does, few enough to show. */
export const SAMPLE_ROWS = 5;
/** A longer value is cut to this many characters: the sample is for reading. */
const MAX_VALUE_CHARS = 200;

const unchanged = (field: TargetField) =>
  field.source.kind === 'copy' && field.source.from === field.name;

/**
 * The columns the sample shows: the key, the new version's fields the migration
 * changes and the current fields they come from (or that are dropped). Fields the
 * migration leaves as they are stay out, so it shows no more data than it needs.
 */
export function sampleColumns(shape: MigrationShape): {
  before: string[];
  after: TargetField[];
} {
  const changed = shape.fields.filter(f => !unchanged(f));
  const after = shape.fields.filter(f => f.primaryKey || !unchanged(f));
  const read = (name: string) =>
    changed.some(f =>
      f.source.kind === 'copy' || f.source.kind === 'cast'
        ? f.source.from === name
        : f.source.kind === 'expression' &&
          new RegExp(`(^|[^a-z0-9_"])"?${name}"?($|[^a-z0-9_"])`, 'i').test(
            f.source.sql,
          ),
    );
  const kept = (name: string) =>
    shape.fields.some(
      f =>
        (f.source.kind === 'copy' || f.source.kind === 'cast') &&
        f.source.from === name,
    );
  const before = shape.sourceFields
    .filter(
      f => shape.sourceKey.includes(f.name) || read(f.name) || !kept(f.name),
    )
    .map(f => f.name);
  return { before, after };
}

/** The first rows of the source, each shown as it is and as the transform makes it. */
export function sampleRowsSql(shape: MigrationShape): string {
  const { before, after } = sampleColumns(shape);
  const text = (value: string) => `left((${value})::text, ${MAX_VALUE_CHARS})`;
  return `SELECT ${list([
    ...before.map((name, i) => `${text(`s.${q(name)}`)} AS b${i}`),
    ...after.map((field, i) => `${text(valueOf(field, 's.'))} AS a${i}`),
  ])} FROM ${quoteRelation(shape.source)} AS s
     ORDER BY ${list(shape.sourceKey.map(k => `s.${q(k)}`))}
     LIMIT ${SAMPLE_ROWS}`;
}

/** The query's rows as the run stores them. */
export function toSample(
  shape: MigrationShape,
  rows: Array<Record<string, string | null>>,
): DryRunSample {
  const { before, after } = sampleColumns(shape);
  return {
    before,
    after: after.map(f => f.name),
    rows: rows.map(row => ({
      before: Object.fromEntries(before.map((name, i) => [name, row[`b${i}`]])),
      after: Object.fromEntries(after.map((f, i) => [f.name, row[`a${i}`]])),
    })),
  };
}
