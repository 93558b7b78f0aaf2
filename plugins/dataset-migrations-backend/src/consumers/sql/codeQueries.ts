/**
 * Whole SQL queries held in code's string literals (a Python `cur.execute("…")`,
 * a Java text block, a JavaScript template), read by the parser where a
 * pattern cannot judge them: a grouped query reading the dataset's columns
 * through its primary key (see groupedByKey.ts) breaks at the first cut-over
 * whatever the migration changes, in code as in a SQL file.
 */
import { positionOf, parseSql } from '../../sql/sqlParser';
import { analyzeSql, namesWord, type DatasetTarget } from './analyzeSql';

/**
 * String literals, longest quoting first: Python's and Java's triple quotes,
 * JavaScript's backticks, then single and double quotes on one line.
 */
const LITERAL =
  /("""|''')([\s\S]*?)\1|`((?:[^`\\]|\\[\s\S])*)`|"((?:[^"\\\n]|\\.)*)"|'((?:[^'\\\n]|\\.)*)'/g;

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
 * The lines of `code` (its comments blanked, the names it builds in written
 * in) holding a grouped query that reads a column of the dataset through its
 * primary key.
 */
export function groupedByKeyInCode(
  code: string,
  target: DatasetTarget,
): number[] {
  const lines = new Set<number>();
  for (const match of code.matchAll(LITERAL)) {
    const body = match[2] ?? match[3] ?? match[4] ?? match[5] ?? '';
    if (!/\bgroup\s+by\b/i.test(body) || !namesWord(body, target.table))
      continue;
    const sql = withValuesForPlaceholders(
      // A quote escaped in the literal is one in the SQL.
      body.replace(/\\(["'`])/g, '$1').replace(/\\n/g, '\n'),
    );
    let found = false;
    try {
      found = analyzeSql(sql, parseSql(sql), target).some(statement =>
        statement.opaque.some(read => read.kind === 'grouped-by-key'),
      );
    } catch {
      // Not SQL the parser takes (or not SQL): patterns judge it.
    }
    if (found) lines.add(positionOf(code, match.index ?? 0).line);
  }
  return [...lines].sort((a, b) => a - b);
}
