/**
 * Table names a repository's ORM or database configuration prefixes at run
 * time (found by round 38's probe): the code names `posts`, the database holds
 * `blog_posts`. Rails' `table_name_prefix` (a namespace's or the app's) and an
 * engine's `isolate_namespace`, Laravel's connection `'prefix' => 'app_'`,
 * GORM's `NamingStrategy{TablePrefix: "app_"}`, a `TABLE_PREFIX` setting
 * (wallabag's `WALLABAG_TABLE_PREFIX=wallabag_`). Each was said unaffected,
 * its files never naming the dataset's table.
 */

import { snake } from './derivedColumns';

/** A prefix the repository gives table names, and the file that says so. */
export interface TablePrefix {
  prefix: string;
  path: string;
}

// Rails: `def self.table_name_prefix; "blog_"; end`, `self.table_name_prefix =
// 'blog_'`, `config.active_record.table_name_prefix = "x_"`.
const RAILS_PREFIX =
  /\btable_name_prefix\b\s*(?:=\s*|(?:\(\s*\))?\s*(?:;|\n)\s*(?:return\s+)?)["']([A-Za-z0-9_]+)["']/g;
// A Rails engine's models are `<engine>_<table>`.
const ISOLATED = /\bisolate_namespace\s+(?:::)?(?:\w+::)*([A-Z]\w*)/g;
// A setting named for a table prefix (`TablePrefix: "app_"`, `table_prefix =
// 'app_'`, `DB_TABLE_PREFIX=app_`), or Laravel's connection `'prefix' =>
// 'app_'`: a value ending in `_`, as table prefixes do (a route's `'prefix' =>
// 'admin'` does not).
const SETTING =
  /(?:\b\w*table_?prefix|\bDB_PREFIX|['"]prefix['"]\s*=>)\s*(?:=>|[:=])?\s*["']?([A-Za-z][A-Za-z0-9_]*_)(?=["'\s,;)}]|$)/gim;

/** The prefixes the repository's files give table names. */
export function tablePrefixesOf(
  files: Array<{ path: string; content: string }>,
): TablePrefix[] {
  const found = new Map<string, string>();
  const add = (prefix: string, path: string) => {
    if (!found.has(prefix)) found.set(prefix, path);
  };
  for (const file of files) {
    const text = file.content;
    if (!/prefix|isolate_namespace/i.test(text)) continue;
    for (const m of text.matchAll(RAILS_PREFIX)) add(m[1], file.path);
    for (const m of text.matchAll(ISOLATED)) add(`${snake(m[1])}_`, file.path);
    for (const m of text.matchAll(SETTING)) add(m[1], file.path);
  }
  return [...found].map(([prefix, path]) => ({ prefix, path }));
}

/**
 * The dataset's table as the repository's code may name it: without a prefix
 * the repository gives table names, where the table has it (`blog_posts` →
 * `posts`).
 */
export function unprefixedTable(
  table: string,
  files: Array<{ path: string; content: string }>,
): (TablePrefix & { table: string }) | undefined {
  const lower = table.toLowerCase();
  const prefix = tablePrefixesOf(files)
    .filter(
      p =>
        lower.startsWith(p.prefix.toLowerCase()) &&
        lower.length > p.prefix.length,
    )
    .sort((a, b) => b.prefix.length - a.prefix.length)[0];
  return prefix && { ...prefix, table: table.slice(prefix.prefix.length) };
}
