/**
 * The dataset as consumers' SQL, dbt projects and code name it: its schema,
 * table, fields and key, where a rename puts it, which dbt `source()` and
 * `ref()` are it, and whether a text names it.
 */
import { escapeRegExp } from '../../sql/regExp';
import type { JinjaReference } from './dbtJinja';
import { sourceKey, type DbtProject } from './dbtProject';

/** The dataset as consumer SQL names it. */
export interface DatasetTarget {
  schema: string;
  table: string;
  /** The old version's fields: they decide unqualified names when several relations are in scope. */
  fields: string[];
  /**
   * Its primary key's fields, where known (none: it has no key; as the engine
   * introspects it): PostgreSQL
   * takes a grouped query's other columns as grouped only where GROUP BY holds
   * all of them.
   */
  key?: string[];
  /**
   * The table name dbt `source()` calls use for the dataset, when it is not
   * `table`: after a rename, sources keep their name and point at the new table
   * through `identifier:`.
   */
  sourceTable?: string;
  /** The consumer's own dbt project, which decides what its ref() and source() name. */
  dbt?: DbtProject;
  /**
   * What the file's result is read into by its number of columns, if anything
   * (a dbt model whose contract dbt enforces): see StarUse.countFixedBy.
   */
  resultCountFixedBy?: string;
}

/** The dataset at `schema.table` (or `table` in `public`) with the old version's fields. */
export function datasetTarget(
  table: string,
  fields: Array<{ name: string; primaryKey?: boolean }>,
): DatasetTarget {
  const [schema, name] = table.includes('.')
    ? table.split('.', 2)
    : ['public', table];
  return {
    schema,
    table: name,
    fields: fields.map(f => f.name),
    // A key none of the fields is said to be part of is taken as unknown.
    ...(fields.some(f => f.primaryKey)
      ? { key: fields.filter(f => f.primaryKey).map(f => f.name) }
      : {}),
  };
}

/**
 * Where a dataset renamed to `to` (`name`, or `schema.name` to relocate it) is
 * read: a bare name stays in the dataset's schema, as the migration places it.
 */
export function renamedRelation(
  target: DatasetTarget,
  to: string,
): { schema: string; table: string } {
  const [schema, table] = to.includes('.')
    ? to.split('.', 2)
    : [target.schema, to];
  return { schema, table };
}

/** The renamed dataset as rewritten consumer SQL names it; dbt sources keep their name. */
export function renamedTarget(
  target: DatasetTarget,
  renamedTo: { schema: string; table: string },
): DatasetTarget {
  return {
    ...target,
    schema: renamedTo.schema,
    table: renamedTo.table,
    sourceTable: target.sourceTable ?? target.table,
  };
}

/**
 * A `source()` is the dataset when the project declares it at the dataset's
 * schema and table (or, undeclared, by its table name); a `ref()` when it names
 * no model of the project's own and has the dataset's name.
 */
export function jinjaNamesDataset(
  jinja: JinjaReference,
  target: DatasetTarget,
): boolean {
  const table = target.sourceTable ?? target.table;
  if (jinja.kind === 'source') {
    const declared = target.dbt?.sources.get(
      sourceKey(jinja.source, jinja.table),
    );
    if (!declared) return jinja.table === table;
    return declared.identifier === table && declared.schema === target.schema;
  }
  return (
    jinja.kind === 'ref' &&
    jinja.model === target.table &&
    !target.dbt?.models.has(jinja.model)
  );
}

/**
 * The project's sources dbt may render as the dataset or as another table: their
 * `schema:` or `identifier:` is Jinja (`"{{ var('shop_schema', 'public') }}"`,
 * `"{{ target.schema }}"`), which only the run (its vars, target and
 * environment) decides, and what is spelled plainly matches; or two projects of
 * a monorepo declare the same source, one at the dataset and one elsewhere.
 * Their keys (`source.table`).
 */
export function sourcesMaybeDataset(target: DatasetTarget): string[] {
  return [...(target.dbt?.sources ?? [])]
    .filter(([key, relation]) => {
      const kinds = new Set(
        (target.dbt?.sourceAlternatives?.get(key) ?? [relation]).map(r =>
          sourceRelationIs(r, target),
        ),
      );
      return kinds.has('maybe') || kinds.size > 1;
    })
    .map(([key]) => key);
}

/** Whether a declared source's relation is the dataset, another table, or (Jinja) either. */
export function sourceRelationIs(
  { schema, identifier }: { schema: string; identifier: string },
  target: DatasetTarget,
): 'dataset' | 'other' | 'maybe' {
  const table = target.sourceTable ?? target.table;
  const jinja = (text: string) => /\{[{%]/.test(text);
  if (
    (!jinja(schema) && schema !== target.schema) ||
    (!jinja(identifier) && identifier !== table)
  )
    return 'other';
  return jinja(schema) || jinja(identifier) ? 'maybe' : 'dataset';
}

/** Whether `text` has `name` as a whole word, in any case. */
export function namesWord(text: string, name: string): boolean {
  return wordPattern(name, 'i').test(text);
}

/**
 * `name` as a whole word: not beside a letter, digit or `_` of any script.
 * (`\b` knows only ASCII ones: `\bcafé\b` finds no `café`, since `é` is no
 * word character to it, and a dataset named so was read nowhere.)
 */
export function wordPattern(name: string, flags: string): RegExp {
  return new RegExp(
    `(?<![\\p{L}\\p{M}\\p{N}_])${escapeRegExp(name)}(?![\\p{L}\\p{M}\\p{N}_])`,
    `${flags}u`,
  );
}

/**
 * Whether `text` may name the identifier `name`: as a whole word in any case
 * ({@link namesWord}), or as a Unicode-escaped identifier (`U&"\0074"`, or
 * `U&"!0074" UESCAPE '!'`, is `t`), which names it without spelling it.
 */
export function namesIdentifier(text: string, name: string): boolean {
  if (namesWord(text, name)) return true;
  const wanted = name.toLowerCase();
  for (const match of text.matchAll(
    /U&"((?:[^"]|"")*)"(?:\s*UESCAPE\s*'([^'])')?/gi,
  ))
    if (unicodeEscaped(match[1], match[2] ?? '\\').toLowerCase() === wanted)
      return true;
  return false;
}

/** The identifier a `U&"…"` body spells with its escape character. */
function unicodeEscaped(body: string, escape: string): string {
  const e = escapeRegExp(escape);
  return body
    .replace(/""/g, '"')
    .replace(
      new RegExp(`${e}(?:${e}|([0-9a-f]{4})|\\+([0-9a-f]{6}))`, 'gi'),
      (_escape, four: string | undefined, six: string | undefined) => {
        const hex = four ?? six;
        return hex ? String.fromCodePoint(parseInt(hex, 16)) : escape;
      },
    );
}
