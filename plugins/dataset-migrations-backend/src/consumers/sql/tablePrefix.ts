/**
 * Table names a repository's ORM or database configuration prefixes at run
 * time (found by round 38's probe): the code names `posts`, the database holds
 * `blog_posts`. Rails' `table_name_prefix` (a namespace's or the app's) and an
 * engine's `isolate_namespace`, Laravel's connection `'prefix' => 'app_'`,
 * GORM's `NamingStrategy{TablePrefix: "app_"}`, a `TABLE_PREFIX` setting
 * (wallabag's `WALLABAG_TABLE_PREFIX=wallabag_`). Each was said unaffected,
 * its files never naming the dataset's table.
 */

import { escapeRegExp } from '../../sql/regExp';
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
// Laravel's default may come through `env('DB_PREFIX', 'app_')`.
const SETTING =
  /(?:\b\w*table_?prefix|\bDB_PREFIX|['"]prefix['"]\s*=>)\s*(?:=>|[:=])?\s*(?:env\s*\(\s*['"]\w+['"]\s*,\s*)?["']?([A-Za-z][A-Za-z0-9_]*_)(?=["'\s,;)}]|$)/gim;
// Drizzle's `pgTableCreator((name) => `app_${name}`)` (create-t3-app's).
const TABLE_CREATOR =
  /\bpgTableCreator\s*\(\s*(?:\(\s*)?\w+\s*(?:\)\s*)?=>\s*[`'"]([A-Za-z][A-Za-z0-9_]*_)\$\{/g;
/** Documentation shows settings; it configures nothing. */
const DOCUMENTATION = /\.(?:md|markdown|rst|txt|adoc|html?)$/i;

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
    if (DOCUMENTATION.test(file.path)) continue;
    if (!/prefix|isolate_namespace|pgTableCreator/i.test(text)) continue;
    for (const m of text.matchAll(RAILS_PREFIX)) add(m[1], file.path);
    for (const m of text.matchAll(ISOLATED)) add(`${snake(m[1])}_`, file.path);
    for (const m of text.matchAll(SETTING)) add(m[1], file.path);
    for (const m of text.matchAll(TABLE_CREATOR)) add(m[1], file.path);
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
  if (!prefix) return undefined;
  const bare = table.slice(prefix.prefix.length);
  // A table of that name the repository makes itself is another table (a
  // Rails app's own `posts` beside its `Blog::Post`, a namespace's prefix
  // being the namespace's only).
  return createsTable(files, bare) ? undefined : { ...prefix, table: bare };
}

/**
 * Whether the repository shows a table named `name` as the database holds
 * it: a Rails schema dump's `create_table "posts"`, or SQL's `CREATE TABLE
 * posts` (an ORM's own calls, `Schema::create('posts')`, are prefixed too).
 */
function createsTable(
  files: Array<{ path: string; content: string }>,
  name: string,
): boolean {
  const table = escapeRegExp(name);
  const dump = new RegExp(
    String.raw`\bcreate_table\s*(?:\(\s*)?["']${table}["']`,
  );
  const ddl = new RegExp(
    String.raw`\bcreate\s+(?:unlogged\s+)?table\s+(?:if\s+not\s+exists\s+)?(?:[\w"\x60]+\.)?["\x60]?${table}["\x60]?(?![\w$])`,
    'i',
  );
  return files.some(
    f =>
      !DOCUMENTATION.test(f.path) &&
      ((/(?:^|\/)db\/[^/]*schema\.rb$/.test(f.path) && dump.test(f.content)) ||
        ddl.test(f.content)),
  );
}
