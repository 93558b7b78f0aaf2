import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import { dollarQuotes } from '../../sql/dollarQuotes';
import { parseSql } from '../../sql/sqlParser';

/**
 * Code in a language whose PostgreSQL drivers give a value the type it has in
 * the database (see wholeRows.ts' RECEIVED_AS); a shell script runs psql,
 * which prints a wider integer's digits alike.
 */
const CODE_PATH =
  /\.(?:[cm]?[jt]sx?|py|go|java|kt|kts|scala|rb|php|cs|rs|ex|exs|clj)$/i;

/**
 * How a SQL file shows that code runs it and reads its rows (said after the
 * file's path: "has bind parameters ($1)"), or undefined: a
 * query-file tool's name header (sqlc's `-- name: GetOrder :one`, aiosql's
 * `-- name: get_order`, HugSQL's `-- :name`, pgtyped's `@name`), a bind
 * parameter (`$1`) outside a dollar-quoted body, or code of the repository
 * naming the file (`readFileSync('queries/get_order.sql')`). Only a file
 * whose statements return rows (a SELECT, `TABLE`, `VALUES` or `RETURNING`)
 * hands values to that code.
 */
export function queryFileRunBy(
  file: ChangedFile,
  files: ChangedFile[],
): string | undefined {
  if (!returnsRows(file.content)) return undefined;
  const outside = outsideDollarQuotes(file.content);
  if (/^[ \t\uFEFF]*--\s*(?:name\s*:|:name\b)|@name\b/im.test(outside))
    return 'has a query-file tool’s name header';
  if (/(?<![\w$])\$\d+(?!\w)/.test(outside)) return 'has bind parameters ($1)';
  const name = file.path.replace(/^.*\//, '');
  const reader = files.find(
    f => CODE_PATH.test(f.path) && f.content.includes(name),
  );
  return reader ? `is read by ${reader.path}` : undefined;
}

/**
 * `sql` without its dollar-quoted bodies (a function's). A quote no delimiter
 * closes stays in: PostgreSQL would fail on the file, but a stray `$$` (in a
 * comment, a string) must not hide a name header or a `$1` after it, which
 * send the file to a person.
 */
function outsideDollarQuotes(sql: string): string {
  let outside = '';
  let from = 0;
  for (const quote of dollarQuotes(sql)) {
    if (!quote.closed) break;
    outside += sql.slice(from, quote.at);
    from = quote.end;
  }
  return outside + sql.slice(from);
}

/** Whether a top-level statement of `sql` returns rows to whoever runs it. */
function returnsRows(sql: string): boolean {
  try {
    return (parseSql(sql).result.stmts ?? []).some(({ stmt }) => {
      const node = (stmt ?? {}) as Record<
        string,
        { returningList?: unknown[] }
      >;
      return (
        'SelectStmt' in node ||
        Object.values(node).some(s => (s?.returningList?.length ?? 0) > 0)
      );
    });
  } catch {
    // Not SQL the parser takes: whether it returns rows is not known.
    return true;
  }
}
