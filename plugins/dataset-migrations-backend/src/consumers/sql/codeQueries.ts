/**
 * Whole SQL queries held in code's string literals (a Python `cur.execute("…")`,
 * a Java text block, a JavaScript template), read by the parser where a
 * pattern cannot judge them: a grouped query reading the dataset's columns
 * through its primary key (see groupedByKey.ts) breaks at the first cut-over
 * whatever the migration changes, in code as in a SQL file.
 */
import { readBody } from '../../sql/functionBodies';
import { positionOf, parseSql } from '../../sql/sqlParser';
import { analyzeSql, namesWord, type DatasetTarget } from './analyzeSql';

/**
 * A string literal of code: Python's triple-quoted or prefixed (`f"…"`), a
 * line's `'…'` or `"…"`, or a `` `…` `` template. Linear on any text: a quote
 * right after a backslash opens nothing (so a run of escaped quotes is scanned
 * once, not from each of them), and a triple-quoted text ends at its first
 * closing quotes (a lazy `[\s\S]*?` went on past them whenever what followed
 * the literal in a larger pattern failed: 48 s on 100 kB, found by a review).
 */
export const LITERAL = String.raw`(?:\b[fFrRbBuUsS]{1,2}(?=['"]))?(?<!\\)(?:"""(?:(?!""")[\s\S])*"""|'''(?:(?!''')[\s\S])*'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|\x60(?:\\[\s\S]|[^\x60\\])*\x60)`;

const LITERALS = new RegExp(LITERAL, 'g');

/** The quote a literal opens and closes with, and its text between. */
export function literalParts(
  literal: string,
): { open: string; body: string; close: string } | undefined {
  const m = /^([fFrRbBuUsS]{0,2})("""|'''|["'\x60])([\s\S]*)\2$/.exec(literal);
  if (!m) return undefined;
  return { open: `${m[1]}${m[2]}`, body: m[3], close: m[2] };
}

/**
 * A client's placeholders as SQL the parser takes: `%s`, `%(name)s`, `?`,
 * `:name`, `{name}`, `${name}`, `#{name}` stand for values (`$1` is SQL's own).
 * One standing for a name fails the parse, and the literal is skipped.
 */
function withValuesForPlaceholders(sql: string): string {
  return sql
    .replace(
      /%\(\w+\)s|%s|[$#]?\{[^{}\n]*\}|(?<![:\w]):(?!:)[A-Za-z_]\w*/g,
      'NULL',
    )
    .replace(/\?(?![|&-])/g, 'NULL');
}

/**
 * The literals of `code` with those it joins into one string put together:
 * side by side (Python's and C's implicit concatenation) or by `+` (Java,
 * JavaScript, Python), across lines, as a query split over lines is written.
 * Each with where its first literal starts.
 */
function joinedLiterals(code: string): Array<{ at: number; body: string }> {
  const joined: Array<{ at: number; body: string; end: number }> = [];
  for (const match of code.matchAll(LITERALS)) {
    const at = match.index ?? 0;
    const body = literalParts(match[0])?.body ?? '';
    const last = joined[joined.length - 1];
    if (last && /^[\s+\\]*$/.test(code.slice(last.end, at))) {
      last.body += body;
      last.end = at + match[0].length;
    } else joined.push({ at, body, end: at + match[0].length });
  }
  return joined;
}

/**
 * Dollar-quoted texts (`$$…$$`, `$body$…$body$`): a function's or DO block's
 * body. One pass: a tag opens, the same tag closes, others between are text.
 */
function dollarQuoted(code: string): Array<{ at: number; body: string }> {
  const found: Array<{ at: number; body: string }> = [];
  let open: { tag: string; at: number; from: number } | undefined;
  for (const m of code.matchAll(/\$(?:[A-Za-z_][A-Za-z0-9_]*)?\$/g)) {
    const at = m.index ?? 0;
    if (!open) open = { tag: m[0], at, from: at + m[0].length };
    else if (m[0] === open.tag) {
      found.push({ at: open.at, body: code.slice(open.from, at) });
      open = undefined;
    }
  }
  return found;
}

/**
 * Whether SQL text, whole or (a PL/pgSQL body) statement by statement, holds a
 * grouped query reading the dataset through its primary key.
 */
function readsThroughKey(text: string, target: DatasetTarget): boolean {
  const throughKey = (sql: string) => {
    try {
      return analyzeSql(sql, parseSql(sql), target).some(statement =>
        statement.opaque.some(read => read.kind === 'grouped-by-key'),
      );
    } catch {
      // Not SQL the parser takes (or not SQL): patterns judge it.
      return undefined;
    }
  };
  const whole = throughKey(text);
  if (whole !== undefined) return whole;
  // `PERFORM …` is a SELECT whose rows PL/pgSQL drops.
  return readBody(text).statements.some(
    statement =>
      throughKey(statement.text.replace(/^perform\b/i, 'SELECT')) === true,
  );
}

/**
 * The lines of `code` (its comments blanked, the names it builds in written
 * in) holding a grouped query that reads a column of the dataset through its
 * primary key.
 */
export function groupedByKeyInCode(
  code: string,
  target: DatasetTarget,
): number[] {
  const lines = new Set<number>();
  for (const { at, body } of [...joinedLiterals(code), ...dollarQuoted(code)]) {
    if (!/\bgroup\s+by\b/i.test(body) || !namesWord(body, target.table))
      continue;
    const sql = withValuesForPlaceholders(
      // A quote escaped in the literal is one in the SQL.
      body.replace(/\\(["'`])/g, '$1').replace(/\\n/g, '\n'),
    );
    if (readsThroughKey(sql, target)) lines.add(positionOf(code, at).line);
  }
  return [...lines].sort((a, b) => a - b);
}
