/**
 * `{% include 'sql/cte_orders.sql' %}` in a SQL template (an Airflow task's
 * SQL, rendered by Jinja with the DAG's template search path): Jinja renders
 * the named template where the tag stands, in the including template's
 * context. Where every include names, as a plain string, one file of the
 * repository and no other, the template reads as the text with each tag
 * replaced by that file's (itself so resolved), and can be judged as such.
 */
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';

export type InlinedIncludes =
  | { text: string }
  /** An include not resolved to one file: why, for a person. */
  | { unresolved: string };

/**
 * `{% include 'name' %}`, `{%- include "name" ignore missing with context -%}`:
 * a single string literal. A list of names, an expression or `without
 * context` (the included text then sees none of the including template's
 * names) does not match as a whole and is left unresolved.
 */
const INCLUDE_TAG = /\{%-?\s*include\b([^%]*?)-?%\}/g;
const LITERAL_INCLUDE =
  /^\s*(?:'([^'\\]*)'|"([^"\\]*)")\s*(?:ignore\s+missing\s*)?(?:with\s+context\s*)?$/;
/** Includes inside includes, however deep: far above any real template. */
const MAX_DEPTH = 8;
/**
 * The most text a template may read as with its includes in place: far above
 * any real template. Includes fanning out (a file including another twenty
 * times, that one another twenty times…) grow it exponentially, past what a
 * string holds (found by a review: 7 levels of 12 includes threw a RangeError
 * out of the rewrite); past this the includes are unresolved, for a person.
 */
export const MAX_INLINED_LENGTH = 1_000_000;

/**
 * The template with each `{% include %}` replaced by the file it names;
 * undefined when it has none. The file is the one repository path equal to
 * the name or ending in `/name` (a template search path is a folder of the
 * repository: `dags/` for `dags/sql/x.sql` named `sql/x.sql`); none, or
 * several, and the include is unresolved. Jinja drops a template's one
 * trailing newline (`keep_trailing_newline` is off by default, as in
 * Airflow), which matters after a `--` comment. More than
 * `MAX_INLINED_LENGTH` of text with the includes in place is unresolved too.
 */
export function inlineIncludes(
  content: string,
  files: readonly ChangedFile[],
): InlinedIncludes | undefined {
  try {
    return inline(content, files, 0, {
      names: new Map(),
      inlined: new Map(),
    });
  } catch (error) {
    // Past the cap nothing should grow this large; if it does (a string
    // too long, a stack too deep), a person reads the includes.
    if (error instanceof RangeError)
      return {
        unresolved: `its includes could not be put in place (${error.message})`,
      };
    throw error;
  }
}

/**
 * What one call of `inlineIncludes` has worked out: each name's file, and
 * each file's text with its includes in place at a depth (the same at the
 * same depth; deeper, the depth cap may leave it unresolved). Each file is
 * expanded once per depth however many includes name it.
 */
type Memo = {
  names: Map<string, ChangedFile | string>;
  inlined: Map<string, InlinedIncludes | undefined>;
};

function inline(
  content: string,
  files: readonly ChangedFile[],
  depth: number,
  memo: Memo,
): InlinedIncludes | undefined {
  if (!/\{%-?\s*include\b/.test(content)) return undefined;
  if (depth >= MAX_DEPTH)
    return { unresolved: 'includes nested too deep (or in a cycle)' };
  let unresolved: string | undefined;
  // The length of the text with the includes so far in place.
  let length = content.length;
  const text = content.replace(INCLUDE_TAG, (tag, argument: string) => {
    if (unresolved !== undefined) return tag;
    const literal = LITERAL_INCLUDE.exec(argument);
    const name = literal?.[1] ?? literal?.[2];
    if (name === undefined) {
      unresolved = `${tag.trim()} names its template other than as one string`;
      return tag;
    }
    let found = memo.names.get(name);
    if (found === undefined) {
      found = resolveTemplate(name, files);
      memo.names.set(name, found);
    }
    if (typeof found === 'string') {
      unresolved = `${tag.trim()}: ${found}`;
      return tag;
    }
    const body = found.content.replace(/(?:\r\n|\r|\n)$/, '');
    const key = `${depth + 1}\0${found.path}`;
    let inner = memo.inlined.get(key);
    if (!memo.inlined.has(key)) {
      inner = inline(body, files, depth + 1, memo);
      memo.inlined.set(key, inner);
    }
    if (inner && 'unresolved' in inner) {
      unresolved = `${tag.trim()}: ${found.path} ${inner.unresolved}`;
      return tag;
    }
    const included = inner ? inner.text : body;
    length += included.length - tag.length;
    if (length > MAX_INLINED_LENGTH) {
      unresolved = `${tag.trim()}: with its includes in place the template would be more than ${MAX_INLINED_LENGTH} characters long`;
      return tag;
    }
    return included;
  });
  // A tag the pattern did not take whole (`{% include x %}` with `%` inside).
  if (
    unresolved === undefined &&
    /\{%-?\s*include\b/.test(text.replace(INCLUDE_TAG, ''))
  )
    unresolved = 'an include the rewriter does not read';
  return unresolved !== undefined ? { unresolved } : { text };
}

function resolveTemplate(
  name: string,
  files: readonly ChangedFile[],
): ChangedFile | string {
  // Jinja's loaders take `/`-separated names inside the search path only.
  if (
    name === '' ||
    name.startsWith('/') ||
    name.includes('\\') ||
    name.split('/').some(part => part === '..' || part === '.')
  )
    return 'a name no search path resolves inside the repository';
  const matches = files.filter(
    f => f.path === name || f.path.endsWith(`/${name}`),
  );
  if (matches.length === 0) return 'no file of the repository has that name';
  if (matches.length > 1)
    return `several files could be it (${matches
      .map(f => f.path)
      .slice(0, 3)
      .join(', ')})`;
  return matches[0];
}
