/**
 * Statements in code that is not a SQL file (a Python or Java string, a shell
 * script's psql or pg_dump, a DAG's SQL, a dbt hook) that need the dataset's
 * name to be a table. From the first cut-over of any migration the name is a
 * view over the new version, which PostgreSQL refuses them on (see
 * docs/engine.md, "What does not work through a view"), whatever fields the
 * code reads: so such a file goes to a person before the data moves, even
 * where it names no field the migration changes. SQL files are read by the
 * parser instead (analyzeSql's `view-statement`); this is for code, by pattern.
 */
import { CATALOG_FUNCTION } from './analyzeSql';
import { type DatasetTarget } from './datasetTarget';
import { escapeRegExp } from '../../sql/regExp';
import {
  groupedByKeyInCode,
  LITERAL,
  literalParts,
  unescapedCode,
} from './codeQueries';
import type { ConsumerMapping } from './fieldMapping';
import {
  modelClassNames,
  singularsOf,
  ormClassesOf,
  ormModelsIn,
  ORM_CONFLICT_CONSTRAINT,
  ormUpsertPattern,
  tableObjectsOf,
} from './ormClasses';
import { positionOf } from '../../sql/sqlParser';
import { ormGroupedQueries, ormGroupedReason } from './ormGrouped';

export type CodeTableStatement =
  | 'a grouped query an ORM or query builder builds'
  | 'COPY … TO'
  | 'COPY … FROM'
  | 'TRUNCATE'
  | 'VACUUM or ANALYZE'
  | 'pg_dump -t'
  | 'a schema change (ALTER TABLE, CREATE INDEX, REFERENCES, CLUSTER, REINDEX, a trigger, or a migration tool’s)'
  | 'TABLESAMPLE'
  | 'a system column (ctid, xmin, tableoid…)'
  | 'WHERE CURRENT OF'
  | 'ON CONFLICT ON CONSTRAINT'
  | 'ON CONFLICT'
  | 'a grouped query reading columns through the primary key'
  | 'a grouped query built in code that could not be read whole'
  | 'a loader told to replace the table (pgloader WITH truncate, dlt replace, ogr2ogr -overwrite, Singer overwrite…)'
  | 'a catalog read of the table (reltuples, relpages, pg_total_relation_size, pg_stat_user_tables, information_schema’s BASE TABLE…)'
  | 'an ORM’s schema migration at start-up (GORM’s AutoMigrate or Migrator, Ent’s Schema.Create)'
  | 'SQLAlchemy reflecting tables only (automap, MetaData.reflect, a reflected class without its primary key)'
  | 'a Kafka Connect JDBC connector looking up tables only (no VIEW in table.types)'
  | 'change-data capture of the table by name (Debezium, Flink CDC, wal2json)'
  | 'a write with session_replication_role = replica'
  | 'a write to the old name of the renamed dataset'
  | 'a model of the renamed dataset, whose saves write its old name'
  | 'pg_repack'
  | 'a framework’s test for a table of the name (Rails’ table_exists?, Laravel’s hasTable, Django’s table_names(), JDBC’s getTables of TABLE, Liquibase’s tableExists)';

/** GORM's AutoMigrate and Migrator, Ent's Schema.Create. */
const AUTO_MIGRATE: CodeTableStatement =
  'an ORM’s schema migration at start-up (GORM’s AutoMigrate or Migrator, Ent’s Schema.Create)';
const REFLECTION: CodeTableStatement =
  'SQLAlchemy reflecting tables only (automap, MetaData.reflect, a reflected class without its primary key)';
const JDBC_CONNECTOR: CodeTableStatement =
  'a Kafka Connect JDBC connector looking up tables only (no VIEW in table.types)';
const CAPTURE: CodeTableStatement =
  'change-data capture of the table by name (Debezium, Flink CDC, wal2json)';
const REPLICA_WRITE: CodeTableStatement =
  'a write with session_replication_role = replica';
export const RENAMED_WRITE: CodeTableStatement =
  'a write to the old name of the renamed dataset';
const RENAMED_MODEL: CodeTableStatement =
  'a model of the renamed dataset, whose saves write its old name';

const TABLE_EXISTS: CodeTableStatement =
  'a framework’s test for a table of the name (Rails’ table_exists?, Laravel’s hasTable, Django’s table_names(), JDBC’s getTables of TABLE, Liquibase’s tableExists)';

const LOADER: CodeTableStatement =
  'a loader told to replace the table (pgloader WITH truncate, dlt replace, ogr2ogr -overwrite, Singer overwrite…)';

/**
 * The rest of a Laravel column's chain up to `constrained()` with no table
 * given (`->nullable()->constrained()`, `->constrained(null, 'id')`,
 * `->constrained(column: 'id')`), its calls' arguments one level deep.
 */
const LARAVEL_CONSTRAINED = String.raw`(?:\s*->\s*(?!constrained\b)\w+\s*\((?:[^()]|\([^()]*\))*\))*\s*->\s*constrained\s*\(\s*(?:\)|null\b|(?!table\s*:)\w+\s*:)`;

/**
 * `table`'s singular in snake case, as ORMs infer a table back from a key's
 * name (`order` for `orders`, `order_line` for `order_lines`): Laravel's
 * `foreignId('order_id')->constrained()`, Rails' `t.references :order,
 * foreign_key: true`. Escaped, as alternatives.
 */
function snakeSingulars(table: string): string {
  const words = table.split('_');
  const last = words.pop() ?? '';
  return singularsOf(last)
    .map(singular => escapeRegExp([...words, singular].join('_')))
    .join('|');
}

/**
 * A foreign key to `table` that names only its singular, the ORM inferring the
 * table: Laravel's `foreignId('order_id')->constrained()`, Rails'
 * `t.references :order, foreign_key: true` and `add_reference :line_items,
 * :order, foreign_key: { on_delete: :cascade }`.
 */
function inferredReferences(target: DatasetTarget): string {
  // Both infer a table of the default schema.
  if (target.schema !== 'public') return '(?!)';
  const singulars = snakeSingulars(target.table);
  // Rails' options, over lines too, up to the next column or statement.
  const options = String.raw`(?:(?!\b(?:t|end)\b[.\s]|;)[\s\S]){0,400}?`;
  return [
    String.raw`\bforeign(?:Id|Uuid|Ulid)\s*\(\s*['"](?:${singulars})_id['"]\s*\)${LARAVEL_CONSTRAINED}`,
    String.raw`\b(?:references|belongs_to|add_(?:reference|belongs_to)\s*(?:\(\s*)?:\w+\s*,)\s*(?:\(\s*)?(?::(?:${singulars})\b|["'](?:${singulars})["'])${options}(?:\bforeign_key:|:foreign_key\s*=>)\s*(?:true\b|\{(?![^}]*\bto_table\b))`,
  ].join('|');
}

/**
 * Whether `code` makes a foreign key to the dataset naming only its singular
 * (see inferredReferences): such a file names no table, yet its `REFERENCES`
 * fails once the name is a view.
 */
export function referencesByInference(
  code: string,
  target: DatasetTarget,
): boolean {
  return new RegExp(inferredReferences(target)).test(code);
}

/** The classes among `mapped` (not table objects), as regex alternatives; none matches nothing. */
function classAlternatives(mapped: string[]): string {
  return (
    mapped
      .filter(m => /^[A-Z]/.test(m))
      .map(escapeRegExp)
      .join('|') || '(?!)'
  );
}

/**
 * Declarations of an ORM model of the dataset: a class `mapped` to it with a
 * base class (`class Order < ApplicationRecord`, `class Order extends Model`,
 * `class Order(Base):`) or an entity annotation (`@Entity("orders")`,
 * `[Table("orders")]`), an Ecto `schema "orders"`, a Django model named as
 * the table's last word (`class Order(models.Model)` for `shop_order`), a
 * Prisma `model Order {`, or a GORM model's struct (`gorm.Model`, `gorm:`
 * tags): an app writes through each in more ways than calls can follow
 * (Prisma's nested writes, GORM's `Save(&order)`).
 */
function modelDeclarations(target: DatasetTarget, mapped: string[]): string {
  const classes = classAlternatives(mapped);
  const modifiers = String.raw`(?:(?:export|default|public|abstract|final|sealed|partial|data|open)\s+)*`;
  const word = target.table.slice(target.table.lastIndexOf('_') + 1);
  const django = /^[a-z0-9]+$/.test(word)
    ? [...word]
        .map(c => (/[a-z]/.test(c) ? `[${c.toUpperCase()}${c}]` : c))
        .join('')
    : '(?!)';
  return [
    String.raw`^[ \t]*${modifiers}class\s+(?:${classes})\b[^\n{]*?(?:<|\bextends\b|\()`,
    String.raw`(?:@Entity|@Table|\[Table)\b[^\n]*\n(?:[ \t]*(?:@|\[)[^\n]*\n)*[ \t]*${modifiers}class\s+(?:${classes})\b`,
    String.raw`\bschema\s*(?:\(\s*)?"${escapeRegExp(target.table)}"`,
    String.raw`^[ \t]*class\s+${django}\s*\([^)\n]*Model\b`,
    String.raw`^[ \t]*model\s+(?:${classes}|${escapeRegExp(
      target.table,
    )})\s*\{`,
    String.raw`^[ \t]*type\s+(?:${classes})\s+struct\s*\{(?=[^}]*\bgorm\b)`,
  ].join('|');
}

/** Rails' primary-key lookups: the catalog's key and sequence of a table. */
const RAILS_KEY_LOOKUP = 'reset_pk_sequence!|pk_and_sequence_for';
/**
 * A loader told to replace a table it names: the name given by a key or flag
 * (`table_name='orders'`, `tablename=orders`, pgloader's `TARGET TABLE
 * orders`, ogr2ogr's `-nln orders`) and, within 300 characters of it in the
 * same statement, either way round, a directive to replace what is there
 * (dlt's `write_disposition='replace'`, Embulk's `mode: truncate_insert`,
 * pgloader's `WITH truncate`, ogr2ogr's `-overwrite`, `truncate: true`; not
 * `replace=True`, Airflow's upsert, nor `drop=True`, pandas' index).
 * Singer's and Meltano's `load_method: overwrite` names no table: the
 * streams' names are the tables: the file naming the table's word is enough.
 */
function replacingLoader(name: string): string {
  const key = String.raw`(?:\b(?:table|table_name|tablename|target_table|destination_table|dest_table)['"]?\s*[:=]\s*|-nln['"]?[\s,]+|\btarget\s+table\s+)\\?['"]?${name}`;
  const replace = String.raw`(?:\b(?:write_disposition|load_method|write_mode|mode|disposition)['"]?\s*[:=]\s*\\?['"]?(?:replace|overwrite|truncate\w*|drop)\b|(?<![\w-])--?overwrite\b|(?:\bwith|,)\s*truncate\b(?!['"]?\s*[:=])|\boverwrite\s*=\s*yes\b|\b(?:truncate(?:_table)?|overwrite|drop_table)['"]?\s*[:=]\s*['"]?(?:true|yes)\b)`;
  return String.raw`${key}[^;]{0,300}?${replace}|${replace}[^;]{0,300}?${key}`;
}

/**
 * The schemas a loader in `text` is given (dlt's `dataset_name`, Singer's
 * `default_target_schema`): where some are and none is the dataset's, a bare
 * table name it replaces is another schema's table.
 */
function loaderSchemaElsewhere(text: string, target: DatasetTarget): boolean {
  const given = [
    ...text.matchAll(
      /\b(?:dataset_name|default_target_schema|target_schema)['"]?\s*[:=]\s*['"]?([\w$]+)/gi,
    ),
  ].map(m => m[1].toLowerCase());
  return given.length > 0 && !given.includes(target.schema.toLowerCase());
}

const CATALOG_READ: CodeTableStatement =
  'a catalog read of the table (reltuples, relpages, pg_total_relation_size, pg_stat_user_tables, information_schema’s BASE TABLE…)';

/**
 * Reads of the catalog that tell a table's size, statistics or kind, of the
 * dataset: on a view pg_class has reltuples -1 and relpages 0,
 * pg_total_relation_size, pg_relation_size, pg_table_size and pg_indexes_size
 * are 0, and pg_stat_user_tables, pg_statio_user_tables, pg_tables,
 * pg_indexes, pg_stats and information_schema.tables' `BASE TABLE` have no row
 * of it, and pg_get_serial_sequence is NULL (PostgreSQL 18): a count, a size
 * check or an existence test reads wrong, and `setval(pg_get_serial_sequence(…),
 * …)` sets nothing, silently. A catalog function given the name, by the list
 * a SQL file's statements are read with (analyzeSql's `CATALOG_FUNCTION`: a
 * SQL file calling one and naming the dataset in a string goes to a person),
 * its first argument or after one (`has_table_privilege(u, 'orders', …)`).
 * The name compared as a literal (`'orders'`,
 * `'public.orders'::regclass`, `to_regclass('orders')`) or a parameter given it
 * (`relname = %s", ("orders",)`).
 */
function catalogReads(name: string): string {
  const given = String.raw`(?:%s|\$1|\?|%\(\w+\)s|:\w+)(?=[^'"\n]{0,120}['"]\s*,\s*[\[({]?\s*(?:['"]?\w+['"]?\s*[:=]\s*)?\\?['"]${name}\\?['"])`;
  // A string, its quotes escaped where the SQL is a literal in code
  // (`'…(\\'orders\\', …)'`, `"…(\\"orders\\", …)"`).
  const value = String.raw`(?:to_regclass\s*\(\s*)?(?:\\?'${name}\\?'|\\"${name}\\"|${given})`;
  // The column compared with the name: `= 'orders'`, `::text = …`,
  // `IN (…, 'orders')`, or the other way round, `'orders' = relname`.
  const compared = (columns: string) =>
    String.raw`(?:\b(?:${columns})(?:\s*::\s*\w+)?(?:\s*=\s*${value}|\s+in\s*\([^;)]{0,200}?${value})|${value}(?:\s*::\s*\w+)?\s*=\s*(?:\w+\s*\.\s*)?(?:${columns})\b)`;
  const size = String.raw`pg_(?:total_relation|relation|table|indexes)_size\s*\(`;
  // What pg_class tells differently of a view: its size, statistics, kind.
  const told = String.raw`\b(?:reltuples|relpages|relkind|${size})`;
  const before = String.raw`(?:(?:\\?'[^'\\\n]{0,200}\\?'|[\w$.]{1,60})\s*,\s*)?`;
  return [
    String.raw`\b${CATALOG_FUNCTION}\s*\(\s*${before}${value}`,
    String.raw`${told}[^;]{0,300}?\bpg_class\b[^;]{0,300}?${compared(
      'relname|oid',
    )}`,
    String.raw`\bpg_class\b[^;]{0,300}?${compared(
      'relname|oid',
    )}[^;]{0,300}?${told}`,
    String.raw`\binformation_schema\s*\.\s*tables\b(?=[^;]{0,400}?\btable_type\b)[^;]{0,400}?${compared(
      'table_name',
    )}`,
    String.raw`\btable_type\b[^;]{0,300}?\binformation_schema\s*\.\s*tables\b[^;]{0,400}?${compared(
      'table_name',
    )}`,
    // Catalogs with no row of a view: statistics, indexes, constraints.
    String.raw`\binformation_schema\s*\.\s*(?:table_constraints|key_column_usage|constraint_column_usage)\b[^;]{0,400}?${compared(
      'table_name',
    )}`,
    String.raw`\bpg_stat(?:io)?_(?:user|all)_tables\b[^;]{0,300}?${compared(
      'relname|relid',
    )}`,
    String.raw`\bpg_(?:tables|indexes|stats)\b[^;]{0,300}?${compared(
      'tablename',
    )}`,
    String.raw`\bpg_(?:index|constraint)\b[^;]{0,300}?${compared(
      'indrelid|conrelid',
    )}`,
  ].join('|');
}

/**
 * Tests for a table of the name that leave views out, which answer false from
 * the cut-over, silently (a guard skips its work, a migration it guards runs
 * CREATE TABLE). The connection's `table_exists?` and `tables` in Rails
 * (relkind r or p; a model's own `Order.table_exists?` asks for any data
 * source, views included), Laravel's `hasTable` (BASE TABLE; not knex's
 * `hasTable`, which any relation passes), Django's
 * `introspection.table_names()` (views only with `include_views`) and
 * SQLAlchemy's `get_table_names()` (views are `get_view_names()`), JDBC's
 * `getTables` of type TABLE, and Liquibase's `tableExists` precondition in a
 * changeset run again (`runAlways`, `runOnChange`; one that ran is never
 * checked again), its tableName the first after it.
 */
function tableExistsTests(name: string, table: string): string {
  const quotedName = String.raw`\\?['"]${name}\\?['"]`;
  const listed = String.raw`(?:get_table_names|introspection\s*\.\s*table_names)\s*\((?![^)]*(?:\binclude_views\s*=\s*|,\s*)True)[^)]*\)`;
  return [
    String.raw`\b(?:table_exists\?|tables\s*\.\s*include\?)\s*(?:\(\s*)?(?:${quotedName}|:${table}(?![\w$]))`,
    String.raw`(?:::|->)\s*hasTable\s*\(\s*${quotedName}`,
    // `'orders' in connection.introspection.table_names()`, or in a list
    // taken from it first.
    String.raw`${quotedName}\s+(?:not\s+)?in\s+(?:[\w.]+|[\w.]+\s*\([^()]*\))\s*\.\s*${listed}`,
    String.raw`\b(?<list>\w+)\s*=\s*[^\n]{0,80}?${listed}[\s\S]{0,2000}?${quotedName}\s+(?:not\s+)?in\s+\k<list>\b`,
    String.raw`\bgetTables\s*\([^;]{0,300}?${quotedName}\s*,\s*(?:new\s+String\s*\[\s*\]\s*)?(?:\{|arrayOf\s*\(|Array\s*\()\s*"TABLE"\s*[)}]`,
    String.raw`\brun(?:Always|OnChange)["']?\s*[:=]\s*["']?true\b(?:(?!changeSet)[\s\S]){0,1500}?\btableExists\b(?:(?!\btableName\b)[^<;]){0,300}?\btableName['"]?\s*[:=]\s*\\?['"]?${name}`,
  ].join('|');
}

/**
 * `code` with its `/* … *\/` blocks blanked, each ending at its first `*\/`.
 * Not a glob's `data/*.csv`: a comment starts a line or follows a blank. One
 * pass: a block never closed leaves no later one closed either (a lazy
 * pattern looked from each unclosed opener to the text's end).
 */
function withoutBlockComments(
  code: string,
  blank: (text: string) => string,
): string {
  const opener = /(?<=^|[\s;(])\/\*/gm;
  let out = '';
  let from = 0;
  for (let m = opener.exec(code); m; m = opener.exec(code)) {
    const end = code.indexOf('*/', m.index + 2);
    if (end === -1) break;
    out += code.slice(from, m.index) + blank(code.slice(m.index, end + 2));
    from = end + 2;
    opener.lastIndex = from;
  }
  return out + code.slice(from);
}

const COMMENT =
  /(^|[ \t])(?:#(?![{>]|-[ \t]*['"{$])|\/\/)[^\n]*|(^|[ \t]|\\[nr])--(?=\s|-|$)(?:(?!\\[nr])[^\n"])*|(["'\x60])--(?=\s|-)(?:(?!\\[nr]|\3)[^\n"])*/gm;
/** `--` then a command it ends the options before (`-- psql`, `-- /usr/bin/pg_dump`). */
const OPTIONS_END =
  /^--[ \t]+(?:[\w.~-]*\/)*(?:psql|pg_dump|pg_dumpall|pg_restore|vacuumdb|reindexdb|clusterdb|pgbench|sh|bash|env|python3?|ruby|node|perl|php|java|mysql|sqlite3|duckdb|dbt|rails|rake|bundle|npx|yarn|npm)\b/;

/**
 * Code's text with its comments blanked, positions kept: `#` (Python, shell,
 * YAML, Ruby), `//` and `-- ` to the end of the line where they start a line
 * or follow a blank or an escaped line break (`…),\n-- per month\n…` in a
 * JSON string; not a command's `--data-only`), and `/* … *\/` blocks. A
 * statement named in a comment is not run. SQL's `-- ` in a string written on
 * one line ends at its escaped line break (`"-- per order\nTRUNCATE orders"` in
 * JSON, Python, Go) or at the string's closing quote (`"SELECT 1 -- warm"),
 * db.Exec("TRUNCATE orders")`): what follows runs; the code's own `#` and `//`
 * end only with their line, but a shell's `#` inside a one-line string ends
 * with the string's line as SQL's `-- ` does. Not comments (a probe of real repositories, round
 * 36, found statements hidden behind each): the `--` ending a command's
 * options before the command it runs (`kubectl exec … -- psql -c "TRUNCATE
 * orders"`), and jsonb's `#>`, `#>>` and `#-` operators.
 */
function withoutComments(code: string): string {
  const blank = (text: string) => text.replace(/[^\n]/g, ' ');
  const quotes = openQuotes();
  return withoutBlockComments(code, blank).replace(
    COMMENT,
    (
      match,
      codeLead: string | undefined,
      sqlLead: string | undefined,
      quote: string | undefined,
      offset: number,
      text: string,
    ) => {
      const start = (codeLead ?? sqlLead ?? quote ?? '').length;
      const comment = match.slice(start);
      if (sqlLead !== undefined && OPTIONS_END.test(comment)) return match;
      // A comment inside a string of one line (`"sleep 5 # wait\npsql -c
      // '…'"`, `'SELECT 1 -- warm'); execute('TRUNCATE …')`) ends at the
      // string's escaped line break or its closing quote.
      const inString =
        quote === undefined ? quotes.openAt(text, offset) : undefined;
      const end = inString
        ? comment.search(new RegExp(String.raw`\\[nr]|${inString}`))
        : -1;
      return end === -1
        ? `${match.slice(0, start)}${blank(comment)}`
        : `${match.slice(0, start)}${blank(
            comment.slice(0, end),
          )}${comment.slice(end)}`;
    },
  );
}

/**
 * The quote a line leaves open at an offset (`echo "a`), read forwards once
 * over the whole text as the offsets asked grow: from each line's start, it
 * made a long line of many comments quadratic.
 */
function openQuotes(): {
  openAt: (text: string, offset: number) => string | undefined;
} {
  let scanned = 0;
  let open: string | undefined;
  return {
    openAt(text, offset) {
      for (; scanned < offset; scanned++) {
        const c = text[scanned];
        if (c === '\n') open = undefined;
        else if (c === '\\') scanned++;
        else if (open === undefined && (c === '"' || c === "'" || c === '`'))
          open = c;
        else if (c === open) open = undefined;
      }
      return open;
    },
  };
}

/**
 * The dataset's name as SQL or a client's argument spells it: `orders`,
 * `public.orders`, `"public"."orders"`, in any case unquoted, never another
 * schema's (`other.orders`) nor a longer name (`orders_archive`); or dbt's
 * `{{ source('…', 'orders') }}` / `{{ ref('orders') }}`.
 */
function namePattern(target: DatasetTarget): string {
  const schema = escapeRegExp(target.schema);
  const table = escapeRegExp(target.table);
  const plain = `(?<![\\w$.])(?<!\\.\\s*")(?<!\\.\\s+)(?:"?${schema}"?\\s*\\.\\s*)?"?${table}"?(?![\\w$])`;
  // `ref('orders')` names the project's own model where it has one.
  const ref = target.dbt?.models.has(target.table) ? '' : '|ref\\s*\\(\\s*';
  const jinja = `\\{\\{-?\\s*(?:source\\s*\\(\\s*['"][^'"]*['"]\\s*,\\s*${ref})\\\\?['"]${table}\\\\?['"]\\s*\\)\\s*-?\\}\\}`;
  return `(?:${plain}|${jinja})`;
}

/** Whether `text` names the table only in double quotes in another case. */
function quotedOtherCase(text: string, table: string): boolean {
  const quoted = [
    ...text.matchAll(new RegExp(`"(${escapeRegExp(table)})"`, 'gi')),
  ];
  return quoted.length > 0 && quoted.every(q => q[1] !== table);
}

/** A literal where a text starts. */
const LITERAL_AT_START = new RegExp(`^${LITERAL}`);

/** A name code binds: `TABLE`, or an object's own `self.table`, `this.table`. */
const BOUND = String.raw`(?:(?:self|this|cls)\s*\.\s*)?[A-Za-z_$][\w$]*`;

/** psycopg's `sql.Identifier("public", "orders")`, pgx's `pgx.Identifier{"orders"}`. */
const IDENTIFIER = String.raw`(?:[A-Za-z_]\w*\s*\.\s*)?Identifier\s*(?:\([^()\n]*\)|\{[^{}\n]*\})`;

/** A value naming a table in code: a literal, a bound name, an identifier (`.Sanitize()`d). */
const VALUE = String.raw`(?:${LITERAL}|${IDENTIFIER}|${BOUND})(?:\s*\.\s*Sanitize\s*\(\s*\))?`;
const VALUE_AT_START = new RegExp(`^${VALUE}`);
const WHOLE_IDENTIFIER = new RegExp(`^${IDENTIFIER}$`);

/**
 * The arguments of a call or literal whose bracket opens at `open`, split at
 * their top-level commas, and where the bracket closes; undefined when it does
 * not close within 2,000 characters.
 */
function argumentsAt(
  text: string,
  open: number,
): { args: string[]; end: number } | undefined {
  const pairs: Record<string, string> = { '(': ')', '[': ']', '{': '}' };
  const stack: string[] = [pairs[text[open]]];
  const args: string[] = [];
  let start = open + 1;
  for (let i = open + 1; i < Math.min(text.length, open + 2000); i++) {
    const c = text[i];
    if (/['"\x60]/.test(c)) {
      const literal = LITERAL_AT_START.exec(text.slice(i, i + 2000));
      if (!literal) return undefined;
      i += literal[0].length - 1;
    } else if (pairs[c]) stack.push(pairs[c]);
    else if (c === stack[stack.length - 1]) {
      stack.pop();
      if (stack.length === 0) {
        args.push(text.slice(start, i));
        return {
          args: args.map(a => a.trim()).filter(a => a !== ''),
          end: i + 1,
        };
      }
    } else if (c === ',' && stack.length === 1) {
      args.push(text.slice(start, i));
      start = i + 1;
    }
  }
  return undefined;
}

/**
 * What code binds to the dataset's name in the file: a variable, constant or
 * keyword argument assigned a literal naming it wholly (`TABLE =
 * "public.orders"`, `static final String TABLE = "orders";`, `table :=
 * "orders"`, `self.table = 'orders'`, `table="orders"`), a dictionary's key
 * (Airflow's `params={"table": "orders"}`), or an identifier of it (`tbl :=
 * pgx.Identifier{"orders"}`). Only what plainly names the dataset: a name
 * assigned anything else, or only at run time, binds nothing.
 */
interface Bindings {
  /** The SQL a value stands for, where it names the dataset. */
  valueOf(expression: string): string | undefined;
  /** Names bound to the dataset, and keys of dictionaries naming it. */
  names: Map<string, string>;
  keys: Map<string, string>;
}

function bindingsOf(code: string, target: DatasetTarget): Bindings {
  const named = new RegExp(namePattern(target), 'i');
  const namesIt = (value: string) => {
    const m = named.exec(value.trim());
    return !!m && m.index === 0 && m[0].length === value.trim().length;
  };
  const normal = (name: string) => name.replace(/\s+/g, '');
  // Every literal a name is assigned, the schema's too (`SCHEMA = "public"`).
  const literals = new Map<string, string[]>();
  const keys = new Map<string, string>();
  const assigned = new RegExp(
    `(?:\\bvar\\s+([A-Za-z_]\\w*)\\s+[\\w.\\[\\]*]+\\s*=|(?<![\\w$.])(${BOUND})\\s*(?::\\s*[\\w.<>\\[\\]]+\\s*)?(?::=|=(?![=>~])|:(?![:=])))\\s*(${LITERAL})`,
    'g',
  );
  for (const m of code.matchAll(assigned)) {
    const parts = literalParts(m[3]);
    if (!parts || parts.body.includes('\n')) continue;
    const name = normal(m[1] ?? m[2]);
    // Appended in place: copying made a file assigning one name many times
    // (a DBUnit XML dataset's `<orders id="1" …/>` rows) quadratic, 82 s on
    // 1 MiB (round 35's review).
    const values = literals.get(name);
    if (values) values.push(parts.body);
    else literals.set(name, [parts.body]);
  }
  for (const m of code.matchAll(
    /["']([A-Za-z_]\w*)["']\s*:\s*(["'])([^"'\n]+)\2/g,
  ))
    if (namesIt(m[3])) keys.set(m[1], m[3].trim());
  // `TABLE = f"{SCHEMA}.orders"`: its own interpolations, from literals.
  const literalOf = (expression: string): string | undefined => {
    const parts = literalParts(expression.trim());
    if (parts)
      return parts.body.replace(
        /\$?\{\s*(\w+)\s*\}/g,
        (whole, name: string) => literals.get(name)?.[0] ?? whole,
      );
    return literals.get(normal(expression.trim()))?.[0];
  };
  const names = new Map<string, string>();
  for (const [name, values] of literals)
    for (const value of values) {
      const written = literalOf(JSON.stringify(value));
      if (written !== undefined && namesIt(written)) {
        names.set(name, written.trim());
        break;
      }
    }
  const valueOf = (expression: string): string | undefined => {
    const e = expression
      .trim()
      .replace(/\s*\.\s*Sanitize\s*\(\s*\)$/, '')
      .trim();
    const identifier = WHOLE_IDENTIFIER.exec(e);
    if (identifier) {
      const inner = /[({]([^(){}]*)[)}]$/.exec(e)![1];
      const parts = inner
        .split(',')
        .map(p => p.trim())
        .filter(p => p !== '')
        .map(literalOf);
      if (parts.length === 0 || parts.length > 2 || parts.includes(undefined))
        return undefined;
      const sql = (parts as string[])
        .map(p => (/^[a-z_][a-z0-9_$]*$/.test(p) ? p : `"${p}"`))
        .join('.');
      return namesIt(sql) ? sql : undefined;
    }
    if (literalParts(e)) {
      const value = literalOf(e);
      return value !== undefined && namesIt(value) ? value.trim() : undefined;
    }
    return names.get(normal(e));
  };
  for (const m of code.matchAll(
    new RegExp(
      `(?<![\\w$.])(${BOUND})\\s*(?::=|=(?!=))\\s*(${IDENTIFIER})`,
      'g',
    ),
  )) {
    const value = valueOf(m[2]);
    if (value !== undefined) names.set(normal(m[1]), value);
  }
  return { valueOf, names, keys };
}

/** `text` with `edits` made, each keeping the lines it spans (its newlines go after it). */
function edited(
  text: string,
  edits: Array<{ start: number; end: number; text: string }>,
): string {
  let out = text;
  let before = Infinity;
  for (const e of [...edits].sort((a, b) => b.start - a.start)) {
    // Two edits of one literal: the first found is kept.
    if (e.end > before) continue;
    before = e.start;
    const lines = out.slice(e.start, e.end).replace(/[^\n]/g, '');
    const kept = lines.slice(e.text.replace(/[^\n]/g, '').length);
    out = `${out.slice(0, e.start)}${e.text}${kept}${out.slice(e.end)}`;
  }
  return out;
}

/**
 * Code's text with the dataset's name written in where code builds it into a
 * statement from what plainly names it in the same file (`bindings`):
 * Airflow's `{{ params.table }}`, an interpolation (`f"TRUNCATE {TABLE}"`,
 * `` `COPY ${table} TO STDOUT` ``, `"… #{table}"`, `"$TABLE"`), `.format`,
 * `%`, `String.format` and `fmt.Sprintf` (`"TRUNCATE %s" % table`,
 * `"TRUNCATE {}".format("orders")`, psycopg's `sql.SQL("TRUNCATE
 * {}").format(sql.Identifier("orders"))`), concatenation (`"COPY " + TABLE +
 * " FROM STDIN"`, `"TRUNCATE " + pgx.Identifier{"orders"}.Sanitize()`), and a
 * bound name handed to a call (`cur.copy_from(f, TABLE)`, `conn.CopyFrom(ctx,
 * tbl, …)`, `.jdbc(url, TABLE, …)`) as its literal. Lines are kept.
 */
function resolved(code: string, bindings: Bindings): string {
  const { valueOf, names, keys } = bindings;
  const replaceAll = (
    source: string,
    pattern: RegExp,
    replace: (m: RegExpMatchArray) => string | undefined,
  ) => {
    const edits: Array<{ start: number; end: number; text: string }> = [];
    for (const m of source.matchAll(pattern)) {
      const written = replace(m);
      if (written !== undefined)
        edits.push({
          start: m.index!,
          end: m.index! + m[0].length,
          text: written,
        });
    }
    return edited(source, edits);
  };
  // Airflow's params, and interpolations of bound names.
  let out = replaceAll(
    code,
    /\{\{-?\s*params\s*(?:\.\s*(\w+)|\[\s*["'](\w+)["']\s*\])\s*-?\}\}/g,
    m => keys.get(m[1] ?? m[2]) ?? names.get(m[1] ?? m[2]),
  );
  out = replaceAll(
    out,
    new RegExp(
      `(?:\\$|#)?(?<!\\{)\\{\\s*(${BOUND})\\s*(?:!s)?\\}(?!\\})|\\$(${BOUND})(?![\\w$])`,
      'g',
    ),
    m => valueOf(m[1] ?? m[2]),
  );
  const edits: Array<{ start: number; end: number; text: string }> = [];
  // A literal at `start` with its placeholders filled from the arguments that
  // follow it, where any is.
  const fill = (
    start: number,
    literal: string,
    placeholder: RegExp,
    valueAt: (m: RegExpMatchArray, index: number) => string | undefined,
  ): void => {
    const parts = literalParts(literal);
    if (!parts) return;
    let index = 0;
    let changed = false;
    const body = parts.body.replace(placeholder, (...found) => {
      const m = found.slice(0, -2) as unknown as RegExpMatchArray;
      if (m[0] === '%%') return m[0];
      const value = valueAt(m, index++);
      if (value === undefined) return m[0];
      changed = true;
      return value;
    });
    if (changed)
      edits.push({
        start,
        end: start + literal.length,
        text: `${parts.open}${body}${parts.close}`,
      });
  };
  const keyword = (args: string[]) =>
    new Map(
      args.flatMap(a => {
        const m = /^["']?(\w+)["']?\s*[=:]\s*([\s\S]+)$/.exec(a);
        return m ? [[m[1], m[2]] as [string, string]] : [];
      }),
    );
  // `"… {}".format(…)`, `sql.SQL("… {}").format(…)`, `"… %s".formatted(…)`.
  for (const m of out.matchAll(
    new RegExp(
      `(${LITERAL})(\\s*(?:\\)\\s*)?\\.\\s*format(?:ted)?\\s*)\\(`,
      'g',
    ),
  )) {
    const call = argumentsAt(out, m.index! + m[0].length - 1);
    if (!call) continue;
    const positional = call.args.filter(a => !/^\*{0,2}\w+\s*=[^=]/.test(a));
    const named = keyword(call.args);
    // Python's `{}`, or Java's, Kotlin's and Scala's `%s`.
    const braces = /\{\w*\}/.test(m[1]);
    fill(
      m.index!,
      m[1],
      braces ? /\{(\w*)\}/g : /%%|%(?:(\d+)\$)?s/g,
      (p, index) => {
        let arg: string | undefined;
        if (!braces) arg = positional[p[1] ? Number(p[1]) - 1 : index];
        else if (p[1] === '') arg = positional[index];
        else if (/^\d+$/.test(p[1])) arg = positional[Number(p[1])];
        else arg = named.get(p[1]);
        return arg === undefined ? undefined : valueOf(arg);
      },
    );
  }
  // `"… %s" % table`, `"… %(t)s" % {"t": table}`.
  for (const m of out.matchAll(
    new RegExp(`(${LITERAL})\\s*%\\s*(?=[(\\[{]|${VALUE})`, 'g'),
  )) {
    const after = m.index! + m[0].length;
    let args: string[];
    if (/[(\[{]/.test(out[after])) {
      const call = argumentsAt(out, after);
      if (!call) continue;
      args = call.args;
    } else args = [VALUE_AT_START.exec(out.slice(after))![0]];
    const named = keyword(args);
    fill(m.index!, m[1], /%%|%(?:\((\w+)\))?[sr]/g, (p, index) => {
      const arg = p[1] ? named.get(p[1]) : args[index];
      return arg === undefined ? undefined : valueOf(arg);
    });
  }
  // `String.format("… %s", TABLE)`, `fmt.Sprintf("… %s", table)`.
  for (const m of out.matchAll(
    /\b(?:String\s*\.\s*format|fmt\s*\.\s*[SF]?printf|sprintf|format!)\s*\(/g,
  )) {
    const open = m.index! + m[0].length - 1;
    const call = argumentsAt(out, open);
    if (!call) continue;
    const at = call.args.findIndex(a => literalParts(a) !== undefined);
    if (at < 0) continue;
    const start = out.indexOf(call.args[at], open);
    if (start < 0) continue;
    const rest = call.args.slice(at + 1);
    fill(
      start,
      call.args[at],
      /%%|%(?:(\d+)\$)?[-#0 +]*\d*(?:\.\d+)?([svq])/g,
      (p, index) => {
        const arg = rest[p[1] ? Number(p[1]) - 1 : index];
        const value = arg === undefined ? undefined : valueOf(arg);
        return value !== undefined && p[2] === 'q' ? `"${value}"` : value;
      },
    );
  }
  out = edited(out, edits);
  // `"COPY " + TABLE + " FROM STDIN"`: one literal, as it runs.
  for (let round = 0; round < 3; round++) {
    const before = out;
    out = replaceAll(
      out,
      new RegExp(`(${LITERAL})\\s*\\+\\s*(${VALUE})(\\s*\\+\\s*["'])?`, 'g'),
      m => {
        const parts = literalParts(m[1]);
        const value = valueOf(m[2]);
        if (!parts || value === undefined) return undefined;
        return `${parts.open}${parts.body}${value}${m[3] ? '' : parts.close}`;
      },
    );
    if (out === before) break;
  }
  // A bound name or an identifier handed to a call: its literal. A name's
  // first character is looked for before the blanks behind it, which a
  // lookbehind alone scanned back over from every position of a run of them.
  out = replaceAll(
    out,
    new RegExp(
      `(?=[A-Za-z_$])(?<=[(,\\[{=]\\s*)(?:${IDENTIFIER}(?:\\s*\\.\\s*Sanitize\\s*\\(\\s*\\))?|${BOUND})(?=\\s*[,)\\]}])`,
      'g',
    ),
    m => {
      if (literalParts(m[0])) return undefined;
      const value = valueOf(m[0]);
      return value === undefined ? undefined : `'${value}'`;
    },
  );
  return out;
}

/** Keywords that start the statements looked for. */
const SQL_KEYWORDS =
  /^(?:copy|truncate|vacuum|analy[sz]e|alter|create|drop|cluster|reindex|insert|update|delete|select|from)$/i;

/**
 * Where a SQL statement may start in code: a string's or line's start, after
 * `;`, `(`, a YAML key or list item (dbt's `on-run-start:` list), a
 * setting's `=` (`cleanup.sql=TRUNCATE orders` in `.properties`), a dollar
 * quote opening a function's body (`AS $$ TRUNCATE orders $$`), or a PL/pgSQL
 * block's word (`BEGIN`, `THEN`, `LOOP`). A line's start takes the blanks of
 * its own line only: taking line breaks too, each of a run of empty lines
 * looked to the run's end (2.7 s on 12,500 line breaks, found by a review).
 */
const STATEMENT_START = String.raw`(?:^[ \t\uFEFF]*(?:-\s+)?|(?:[;"'\x60(=]|:\s|\$\w*\$|\b(?:begin|then|else|loop|atomic)\s)\s*)`;

/** Ent's schema migration: `client.Schema.Create(ctx)`. */
const ENT_SCHEMA_CREATE = String.raw`\.\s*Schema\s*\.\s*Create\s*\(`;

/** Spark's overwrite: `.mode("overwrite")`, `.mode(SaveMode.Overwrite)`, `save(mode="overwrite")`. */
const OVERWRITE = String.raw`\bmode\s*(?:\(\s*(?:saveMode\s*=\s*)?|=\s*)(?:['"]overwrite['"]|SaveMode\.Overwrite)`;

/** What a Spark writer's chain runs on to, at most 400 characters, to its end. */
const SPARK_CHAIN = String.raw`(?:(?!\.\s*(?:read\b|load\s*\(|save\w*\s*\(|insertInto\s*\(|parquet\s*\(|csv\s*\(|json\s*\(|orc\s*\(|text\s*\(|jdbc\s*\())[^;]){0,400}?`;

/** Where a COPY reads or writes: a stream, a program, a quoted path, a placeholder, a file's name. */
const COPY_END = String.raw`(?:stdin|stdout|pstdin|pstdout|program|['"$%{:?]|[\w./-]*[./][\w./-]*)`;

/**
 * Writes a library makes of the table without SQL in the code, by the table's
 * name or through a class or table object `mapped` to it: a query builder
 * (knex's `('orders').insert(`, Laravel's `DB::table('orders')->insert(`,
 * Kysely's `insertInto('orders')`, jOOQ's `insertInto(table("orders"))`,
 * Ecto's `Repo.insert_all("orders", …)`); a DataFrame or loader appending
 * (pandas' `to_sql('orders', …)`, polars' `write_database`, Spark's
 * `.write….jdbc(url, "orders")` or `dbtable` option, Airflow's
 * `insert_rows('orders', …)`); a model class's write (`Order.create!`,
 * Django's `objects.create`, Sequelize's `bulkCreate`, GORM's
 * `Create(&Order{…})`, Prisma's `prisma.order.update(…)`); a table object's
 * (SQLAlchemy's and Drizzle's `insert(orders)`, `orders_t.insert()`). Round
 * 36 found pandas, Spark, Airflow, SQLAlchemy, Kysely, GORM, Drizzle and
 * Prisma writers of a renamed dataset handed to the agent after the cut-over.
 */
function libraryWrites(
  quotedName: string,
  table: string,
  mapped: string[],
  text: string,
): string {
  // A table object is often named as the table, in a schema file of its own
  // (Drizzle's `export const orders = pgTable('orders', …)`): where the code
  // imports the name, not an array or a map of rows named so.
  const t = escapeRegExp(table);
  const imported = new RegExp(
    String.raw`\bimport\s*(?:type\s+)?\{[^}]*\b${t}\b[^}]*\}\s*from|\bfrom\s+[\w.]+\s+import\s+[^\n]*\b${t}\b`,
  ).test(text);
  const names = [...mapped.map(escapeRegExp), ...(imported ? [t] : [])];
  const classes = classAlternatives(mapped);
  // Prisma's delegate of a model (`tx.order`); of one named as the table
  // (`model orders`) only on Prisma's client, since MongoDB's shell names
  // a collection so (`db.orders.deleteMany`).
  const delegates = mapped
    .filter(m => /^[A-Z]/.test(m) && m.toLowerCase() !== table.toLowerCase())
    .map(m => escapeRegExp(m[0].toLowerCase() + m.slice(1)));
  const any = (list: string[]) => list.join('|') || '(?!)';
  // A call's arguments, with calls in them two deep.
  const argument = String.raw`(?:[^()]|\((?:[^()]|\([^()]*\))*\)){0,500}?`;
  // A query builder's chain up to its write, in one statement.
  const chain = String.raw`(?:\s*(?:\.|->)\s*\w+\s*\(${argument}\))*?\s*(?:\.|->)\s*`;
  const write = String.raw`(?:insert\w*|update\w*|upsert|del|delete|merge|increment|decrement|Create|CreateInBatches|Save|Updates?|UpdateColumns?|Delete|FirstOrCreate)\s*\(`;
  return [
    // knex's `knex('orders')`, `.table('orders')`, `.from('orders')`;
    // Laravel's `DB::table('orders')`; GORM's `db.Table("orders")`. Not any
    // call of the name (`db.collection('orders').insertOne`, a dict's get).
    String.raw`(?:\b(?:knex|db|database|pg|sql|trx|tx|qb|k|conn|connection|builder|query)\s*(?:<[^<>]*>)?\s*|(?:\.|->|::)\s*(?:[Tt]able|from|into))\(\s*${quotedName}\s*\)${chain}${write}`,
    String.raw`\.\s*insert\s*\(${argument}\)\s*\.\s*into\s*\(\s*${quotedName}`,
    String.raw`\b(?:insertInto|updateTable|deleteFrom|mergeInto|replaceInto|bulkInsert|bulkUpdate|bulkDelete)\s*\(\s*(?:(?:DSL\s*\.\s*)?table\s*\(\s*)?${quotedName}`,
    String.raw`\bRepo\s*\.\s*(?:insert_all!?|update_all|delete_all)\s*\(\s*(?:from\s*(?:\(\s*)?\w+\s+in\s+)?${quotedName}`,
    String.raw`\.\s*(?:to_sql|write_database)\s*\(\s*(?:(?:name|table_name)\s*=\s*)?${quotedName}|\.\s*(?:to_sql|write_database)\s*\(${argument}\b(?:name|table_name)\s*=\s*${quotedName}`,
    String.raw`\binsert_rows\s*\(\s*(?:table\s*=\s*)?${quotedName}`,
    String.raw`\.\s*write\b${SPARK_CHAIN}(?:\.\s*jdbc\s*\(${argument}${quotedName}|\bdbtable['"]?\s*[,=:]\s*${quotedName})`,
    String.raw`(?<![\w$.])(?:${classes})\s*\.\s*(?:create!?|insert(?:_all)?!?|upsert(?:_all)?|update(?:_all)?|delete_all|destroy(?:_all)?|find_or_create_by!?|bulkCreate|findOrCreate|objects\s*\.\s*(?:create|bulk_create|bulk_update|update_or_create|get_or_create))(?![\w$!?])`,
    String.raw`\.\s*(?:Create|CreateInBatches|Save|FirstOrCreate|Updates?|UpdateColumns?|Delete)\s*\(\s*&\s*(?:\[\]\s*\*?\s*)?(?:${classes})\s*\{|\.\s*Model\s*\(\s*&\s*(?:${classes})\s*\{\s*\}\s*\)[^;\n]{0,300}?\.\s*(?:Updates?|UpdateColumns?|Delete)\s*\(`,
    String.raw`(?:\.\s*(?:${any(
      delegates,
    )})|\bprisma\s*\.\s*${t})\s*\.\s*(?:create|createMany|createManyAndReturn|update|updateMany|updateManyAndReturn|upsert|delete|deleteMany)\s*\(`,
    String.raw`\b(?:insert|update|delete)\s*\(\s*(?:(?:${any(
      names,
    )})\s*\)|(?:\w+\s*\.\s*)?[Tt]able\s*\(\s*${quotedName})|(?<![\w$.])(?:${any(
      names,
    )})\s*(?:\(\s*\)\s*)?\.\s*(?:insert|update|delete|del)\s*\(`,
  ].join('|');
}

function patterns(
  target: DatasetTarget,
  mapping: ConsumerMapping,
  text: string,
  /** Classes and table objects an ORM maps to the dataset, for its upserts. */
  mapped: string[] = [],
): Array<[CodeTableStatement, RegExp]> {
  const name = namePattern(target);
  const schema = escapeRegExp(target.schema);
  // One way to read each item's blanks: `\s*\*?\s*` split them two ways or
  // more, exponential in a list with blanks before its commas (14.7 s for 13
  // items in 251 bytes, found by round 38's ReDoS triage).
  const list = `(?:only\\s+)?(?:[\\w$."]+(?:\\s*\\*)?\\s*,\\s*(?:only\\s+)?)*${name}`;
  const table = escapeRegExp(target.table);
  const quotedName = `\\\\?['"]${name}\\\\?['"]`;
  // A command's words to 2,000 characters, over continued lines (a backslash
  // and a newline, as any escaped character, taken as one).
  const COMMAND = `(?:[^;|&\\n\\\\]|\\\\[\\s\\S]){0,2000}?`;
  // pg_dump's and pg_restore's table: `-t orders`, `--table=orders`, or the
  // value glued on, `-traw.orders` (where the name follows a letter).
  const tableOption = `(?:(?:[\\s'"]-t|--table)[=\\s'",]*${name}|[\\s'"]-t(?:"?${schema}"?\\s*\\.\\s*)?"?${table}"?(?![\\w$]))`;
  const found: Array<[CodeTableStatement, RegExp]> = [
    [
      'COPY … TO',
      new RegExp(
        `${STATEMENT_START}\\\\{0,4}copy\\s+${name}\\s*(?:\\([^)]{0,2000}\\))?\\s+to\\s+${COPY_END}`,
        'gim',
      ),
    ],
    [
      'COPY … TO',
      // psycopg2's copy_to(file, table), asyncpg's copy_from_table(table),
      // Airflow's PostgresHook.bulk_dump(table, file): COPY table TO.
      new RegExp(
        `\\b(?:copy_to\\s*\\(\\s*[^,()]+,\\s*(?:table\\s*=\\s*)?|copy_from_table\\s*\\(\\s*(?:table_name\\s*=\\s*)?|bulk_dump\\s*\\(\\s*(?:table\\s*=\\s*)?)${quotedName}`,
        'gi',
      ),
    ],
    [
      'COPY … FROM',
      new RegExp(
        `${STATEMENT_START}\\\\{0,4}copy\\s+${name}\\s*(?:\\([^)]{0,2000}\\))?\\s+from\\s+${COPY_END}`,
        'gim',
      ),
    ],
    [
      'COPY … FROM',
      // psycopg2's copy_from(file, table), asyncpg's copy_to_table and
      // copy_records_to_table, Airflow's bulk_load, pgx's CopyFrom.
      new RegExp(
        `\\b(?:copy_from\\s*\\(\\s*[^,()]+,\\s*(?:table\\s*=\\s*)?|copy_(?:records_)?to_table\\s*\\(\\s*(?:table_name\\s*=\\s*)?|bulk_load\\s*\\(\\s*(?:table\\s*=\\s*)?)${quotedName}|\\bCopyFrom\\s*\\([^,]*,\\s*${quotedName}`,
        'gi',
      ),
    ],
    [
      'TRUNCATE',
      // Ending there, not going on as words do (`'Truncate orders older than…'`).
      new RegExp(
        [
          `${STATEMENT_START}truncate\\s+(?:table\\s+)?${list}\\s*(?=[;,'"\\x60)\\\\$]|$|(?:restart|continue|cascade|restrict)\\b)`,
          // knex('orders').truncate(), ActiveRecord's connection.truncate(:orders).
          `\\b(?:knex|db|trx)\\s*(?:<[^>]*>)?\\s*\\(\\s*${quotedName}\\s*\\)\\s*\\.\\s*truncate\\s*\\(`,
          `\\.\\s*(?:from|table|into)\\s*\\(\\s*${quotedName}\\s*\\)\\s*\\.\\s*truncate\\s*\\(`,
          `\\bconnection\\s*\\.\\s*truncate(?:_tables)?\\s*\\(?\\s*(?::${table}\\b|${quotedName})`,
        ].join('|'),
        'gim',
      ),
    ],
    [
      'VACUUM or ANALYZE',
      new RegExp(
        `${STATEMENT_START}(?:vacuum|analy[sz]e)(?:\\s*\\([^)]*\\))?(?:\\s+(?:full|freeze|verbose|analy[sz]e|skip_locked))*\\s+${list}\\s*(?=[;,'"\\x60()\\\\$]|$)`,
        'gim',
      ),
    ],
    [
      'pg_dump -t',
      new RegExp(
        // `pg_dump -t orders`, `--table=public.orders`, a subprocess's
        // `["pg_dump", "-t", "orders"]`, over continued lines.
        `\\bpg_dump\\b${COMMAND}${tableOption}['"]*(?=[\\s'",\\]]|$)`,
        'gim',
      ),
    ],
    [
      'COPY … FROM',
      // pg_restore -t loads the table's rows with COPY … FROM.
      new RegExp(
        `\\bpg_restore\\b${COMMAND}${tableOption}['"]*(?=[\\s'",\\]]|$)`,
        'gim',
      ),
    ],
    [
      'a schema change (ALTER TABLE, CREATE INDEX, REFERENCES, CLUSTER, REINDEX, a trigger, or a migration tool’s)',
      new RegExp(
        [
          `${STATEMENT_START}alter\\s+table\\s+(?:if\\s+exists\\s+)?(?:only\\s+)?${name}`,
          `${STATEMENT_START}create\\s+(?:unique\\s+)?index\\b[^;'"]{0,200}?\\bon\\s+(?:only\\s+)?${name}`,
          `\\breferences\\s+${name}\\s*(?:\\(|,|\\)|;|$|(?<=\\s)(?:on|match|not|deferrable|initially)\\b)`,
          `${STATEMENT_START}(?:cluster|reindex\\s+table)\\s+${name}`,
          `\\bcreate\\s+(?:or\\s+replace\\s+)?(?:constraint\\s+)?trigger\\b[^;]{0,200}?\\b(?:before|after)\\b[^;]{0,200}?\\bon\\s+${name}`,
          // What else PostgreSQL takes only on a table ("is not a table").
          `${STATEMENT_START}comment\\s+on\\s+table\\s+${name}`,
          `${STATEMENT_START}create\\s+policy\\b[^;'"]{0,200}?\\bon\\s+${name}`,
          `\\bpartition\\s+of\\s+${name}`,
          `${STATEMENT_START}(?:create|alter)\\s+publication\\b[^;'"]{0,200}?\\btable\\s+(?:only\\s+)?${name}`,
          // Schema migrations of ORMs and migration tools, which run ALTER
          // TABLE, CREATE INDEX or a foreign key on the table they name.
          // Rails: `add_index :orders, …`, `change_table :orders`,
          // `add_foreign_key :line_items, :orders`, `to_table: :orders`.
          `\\b(?:add_index|remove_index|add_column|remove_column|rename_column|change_column(?:_null|_default)?|add_reference|remove_reference|add_check_constraint|add_timestamps|change_table|add_foreign_key\\s*\\(?\\s*:\\w+\\s*,)\\s*\\(?\\s*:${table}\\b`,
          `\\bto_table:\\s*:${table}\\b`,
          // Alembic: `op.add_column('orders', …)`, `op.create_index('ix', 'orders', …)`.
          `\\bop\\s*\\.\\s*(?:add_column|alter_column|drop_column|create_index|create_unique_constraint|create_check_constraint|create_primary_key|create_foreign_key|drop_constraint|batch_alter_table)\\s*\\((?:\\s*(?:\\w+\\s*=\\s*)?(?:${quotedName}|['"][^'"]*['"])\\s*,)*\\s*(?:\\w+\\s*=\\s*)?${quotedName}`,
          // Knex and Sequelize: `knex.schema.alterTable('orders', …)`,
          // `.inTable('orders')`, `queryInterface.addIndex('orders', …)`,
          // `references: { model: 'orders' }`.
          `\\b(?:queryInterface|qi)\\s*\\.\\s*(?:addColumn|removeColumn|renameColumn|changeColumn|addIndex|removeIndex|addConstraint|dropTable)\\s*\\(\\s*(?:\\{\\s*tableName\\s*:\\s*)?${quotedName}`,
          `\\bschema\\s*\\.\\s*(?:alterTable|table|dropTable(?:IfExists)?)\\s*\\(\\s*${quotedName}|\\.\\s*inTable\\s*\\(\\s*${quotedName}`,
          // DROP TABLE of a view fails ("is not a table"); so does pandas'
          // to_sql(…, if_exists='replace'), and Spark's JDBC overwrite, which
          // drops the table or, with truncate, truncates it.
          `${STATEMENT_START}drop\\s+table\\s+(?:if\\s+exists\\s+)?${list}`,
          `\\bto_sql\\s*\\(\\s*(?:name\\s*=\\s*)?${quotedName}[^)]*\\bif_exists\\s*=\\s*['"]replace['"]`,
          // Within one writer's chain: not past its end (`.parquet(…)`,
          // `.save(…)`) nor into a reader's (`spark.read.jdbc(…)`).
          `${OVERWRITE}${SPARK_CHAIN}(?:\\.\\s*jdbc\\s*\\([^,]*,\\s*|\\bdbtable['"]?\\s*[,=:]\\s*)${quotedName}`,
          `\\bdbtable['"]?\\s*[,=:]\\s*${quotedName}${SPARK_CHAIN}(?:${OVERWRITE}|\\.\\s*save\\s*\\([^)]*\\bmode\\s*=\\s*['"]overwrite['"])`,
          // PySpark's `df.write.jdbc(url, "orders", mode="overwrite")`, or
          // its mode the third argument.
          `\\bjdbc\\s*\\(\\s*(?:(?:[^,()\\s][^,()]*)?,\\s*)?(?:table\\s*=\\s*)?${quotedName}[^()]*?(?:,\\s*|\\bmode\\s*=\\s*)['"]overwrite['"]`,
          `\\breferences\\s*:\\s*\\{\\s*model\\s*:\\s*${quotedName}`,
          // Ecto: `alter table(:orders)`, `create index(:orders, …)`,
          // `references(:orders)`, not another prefix's (round 34c).
          `\\b(?:(?:alter|drop(?:_if_exists)?)\\s+table|(?:create|drop)(?:_if_not_exists|_if_exists)?\\s+(?:unique_)?index|rename\\s+table|references)\\s*\\(\\s*(?::${table}\\b|${quotedName})(?![^)\\n]*\\bprefix:)`,
          // EF Core: `migrationBuilder.AddColumn<int>(…, table: "orders")`.
          `\\bmigrationBuilder\\s*\\.\\s*(?:AddColumn|AlterColumn|DropColumn|RenameColumn|CreateIndex|DropIndex|AddForeignKey|DropForeignKey|AddPrimaryKey|AddUniqueConstraint|AddCheckConstraint)\\b[^;]{0,600}?\\b(?:table|principalTable)\\s*:\\s*${quotedName}`,
          // TypeORM: `queryRunner.addColumn("orders", …)`.
          `\\bqueryRunner\\s*\\.\\s*(?:addColumns?|changeColumns?|dropColumns?|renameColumn|createIndex|createIndices|dropIndex|createForeignKeys?|createPrimaryKey|createUniqueConstraint|createCheckConstraint|renameTable)\\s*\\(\\s*${quotedName}`,
          // Laravel: `Schema::table('orders', …)`, `->constrained('orders')`,
          // `->references('id')->on('orders')`.
          `\\bSchema\\s*::\\s*(?:table|drop|dropIfExists|rename)\\s*\\(\\s*${quotedName}`,
          `->\\s*references\\s*\\([^)]*\\)\\s*->\\s*on\\s*\\(\\s*${quotedName}|->\\s*constrained\\s*\\(\\s*${quotedName}`,
          // Laravel infers the table a key constrains from its column
          // (`foreignId('order_id')->constrained()`) or its model
          // (`foreignIdFor(Order::class)->constrained()`); TypeORM's and knex's
          // own spellings (`queryRunner.dropTable("orders")`,
          // `.references('orders.id')`).
          inferredReferences(target),
          // Laravel 11 asks the model for its table.
          `\\bforeignIdFor\\s*\\(\\s*(?:\\\\?[\\w\\\\]*\\\\)?(?:${classAlternatives(
            mapped,
          )})::class\\b[^)]*\\)${LARAVEL_CONSTRAINED}`,
          `\\bqueryRunner\\s*\\.\\s*dropTable\\s*\\(\\s*${quotedName}`,
          `\\.\\s*references\\s*\\(\\s*\\\\?['"]${name}\\s*\\.\\s*\\w+\\\\?['"]`,
          // Liquibase: `<addColumn tableName="orders">`, `referencedTableName="orders"`.
          `<\\s*(?:addColumn|createIndex|addForeignKeyConstraint|addUniqueConstraint|addPrimaryKey|renameColumn|dropColumn|modifyDataType|addNotNullConstraint|dropNotNullConstraint|addDefaultValue)\\b[^>]*?\\b(?:baseTableName|tableName)\\s*=\\s*${quotedName}`,
          `\\breferencedTableName\\s*[=:]\\s*${quotedName}`,
        ].join('|'),
        'gim',
      ),
    ],
    [
      'a catalog read of the table (reltuples, relpages, pg_total_relation_size, pg_stat_user_tables, information_schema’s BASE TABLE…)',
      new RegExp(catalogReads(name), 'gi'),
    ],
    [
      CATALOG_READ,
      // Rails' key lookup reads the catalog for the table's primary key and
      // its sequence: on a view it finds neither, so `reset_pk_sequence!`
      // resets nothing. The table as a string, a symbol or a model's
      // `Order.table_name`.
      new RegExp(
        `\\b(?:${RAILS_KEY_LOOKUP})\\s*\\(?\\s*(?:${quotedName}|:${table}(?![\\w$])|(?<![\\w$.])(?:${classAlternatives(
          mapped,
        )})\\s*\\.\\s*table_name\\b)`,
        'g',
      ),
    ],
    [TABLE_EXISTS, new RegExp(tableExistsTests(name, table), 'g')],
    [
      'TABLESAMPLE',
      new RegExp(
        `\\bfrom\\s+(?:only\\s+)?${name}(?:\\s+(?:as\\s+)?(?!tablesample\\b)[A-Za-z_]\\w*)?\\s+tablesample\\b`,
        'gi',
      ),
    ],
    [
      'a system column (ctid, xmin, tableoid…)',
      new RegExp(
        `(?<!\\bas\\s+)\\b(?:ctid|xmin|xmax|cmin|cmax|tableoid)\\b[^;'"]{0,300}?\\b(?:from|join)\\s+(?:only\\s+)?${name}|\\b(?:update|delete\\s+from)\\s+(?:only\\s+)?${name}[^;'"]{0,300}?\\b(?:ctid|xmin|xmax|tableoid)\\b`,
        'gi',
      ),
    ],
    [
      'WHERE CURRENT OF',
      new RegExp(
        `\\b(?:update|delete\\s+from)\\s+(?:only\\s+)?${name}[^;]{0,300}?\\bwhere\\s+current\\s+of\\b`,
        'gi',
      ),
    ],
    [
      'ON CONFLICT ON CONSTRAINT',
      new RegExp(
        `\\binsert\\s+into\\s+${name}[^;]{0,2000}?\\bon\\s+conflict\\s+on\\s+constraint\\b`,
        'gi',
      ),
    ],
    [LOADER, new RegExp(replacingLoader(name), 'gi')],
  ];
  // Singer's and Meltano's target-postgres replacing the streams it loads, one
  // of them the table's word.
  if (new RegExp(`(?<![\\w$])${table}(?![\\w$])`, 'i').test(text))
    found.push([
      LOADER,
      /\bload_method['"]?\s*[:=]\s*['"]?(?:overwrite|truncate)\b/gi,
    ]);
  if (mapping.viewHasTrigger)
    found.push([
      'ON CONFLICT',
      new RegExp(
        // Airflow's PostgresHook.insert_rows(table, rows, replace=True) upserts.
        `\\binsert\\s+into\\s+${name}[^;]{0,2000}?\\bon\\s+conflict\\b(?!\\s+on\\s+constraint)|\\binsert_rows\\s*\\(\\s*(?:table\\s*=\\s*)?${quotedName}[^)]{0,2000}\\breplace\\s*=\\s*True`,
        'gi',
      ),
    ]);
  // An ORM's upsert runs ON CONFLICT too, never spelling it (round 31b);
  // naming a constraint, ON CONFLICT ON CONSTRAINT, through any view.
  const upserts = ormUpsertPattern(text, mapped, {
    name: target.table,
    schema: target.schema,
    quoted: quotedName,
  });
  found.push([
    'ON CONFLICT ON CONSTRAINT',
    new RegExp(
      `(?:${upserts})(?<=OnConstraint\\s*\\()|(?:${upserts})${ORM_CONFLICT_CONSTRAINT}`,
      'g',
    ),
  ]);
  if (mapping.viewHasTrigger)
    found.push(['ON CONFLICT', new RegExp(upserts, 'g')]);
  // Code and config that need the name to be a table though they run no SQL
  // of it (round 33): an ORM's start-up migration, reflection of tables
  // only, a JDBC connector's lookup of tables, pg_repack.
  found.push([
    AUTO_MIGRATE,
    new RegExp(gormMigrations(mapped, quotedName), 'g'),
  ]);
  const entities = mapped.filter(m => /^[A-Z]/.test(m));
  if (
    entities.length > 0 &&
    new RegExp(
      String.raw`\.\s*(?:${entities
        .map(escapeRegExp)
        .join(
          '|',
        )})\s*\.\s*(?:Query|Create|CreateBulk|Update|UpdateOne|UpdateOneID|Delete|DeleteOne|DeleteOneID|Get|GetX)\s*\(`,
    ).test(text)
  )
    found.push([AUTO_MIGRATE, new RegExp(ENT_SCHEMA_CREATE, 'g')]);
  for (const pattern of sqlalchemyReflection(text, target, quotedName))
    found.push([REFLECTION, new RegExp(pattern, 'gm')]);
  for (const pattern of jdbcConnectors(text, target))
    found.push([JDBC_CONNECTOR, new RegExp(pattern, 'g')]);
  for (const pattern of capturesByName(text, target))
    found.push([CAPTURE, new RegExp(pattern, 'g')]);
  const sqlWrite = `\\b(?:insert\\s+into|update|delete\\s+from|merge\\s+into)\\s+(?:only\\s+)?${name}(?![\\w$])`;
  // In a session replicating, PostgreSQL fires no INSTEAD OF trigger: a write
  // through the view reports success and stores nothing (round 33b, F7).
  if (
    mapping.viewHasTrigger &&
    /\bsession_replication_role\b['"]?\s*(?:=|\bto\b|,)\s*['"]?replica\b/i.test(
      text,
    )
  )
    found.push([REPLICA_WRITE, new RegExp(sqlWrite, 'gi')]);
  // A renamed dataset's old name refuses writes from the cut-over on, before
  // code writing it can be changed (round 33c): SQL, a query builder's write
  // (`knex('orders').insert(…)`), a model class's (`Order.create!`,
  // `Order.objects.bulk_create`).
  if (mapping.renamedTo)
    found.push(
      [RENAMED_WRITE, new RegExp(sqlWrite, 'gi')],
      [
        RENAMED_WRITE,
        new RegExp(libraryWrites(quotedName, target.table, mapped, text), 'g'),
      ],
    );
  // A model of the renamed dataset writes its old name wherever the app saves,
  // creates or deletes through it (`$song->save()`, `Repo.insert`, an
  // association's `create!`), which no pattern of a call can follow: its
  // declaration goes to a person (found by round 35 in Laravel, Ecto and Rails
  // apps, handed to the agent after the cut-over). Not a read-only one.
  if (mapping.renamedTo && !/\bdef\s+readonly\?\s*(?:;|\n)\s*true\b/.test(text))
    found.push([
      RENAMED_MODEL,
      new RegExp(modelDeclarations(target, mapped), 'gm'),
    ]);
  found.push([
    'pg_repack',
    new RegExp(
      `\\bpg_repack\\b${COMMAND}(?:${tableOption}|(?:[\\s'"]-I|--parent-table)[=\\s'",]*${name})['"]*(?=[\\s'",\\]]|$)`,
      'gim',
    ),
  ]);
  return found;
}

/**
 * GORM's schema migration of a model in `mapped` (the dataset's struct):
 * `db.AutoMigrate(&User{}, &models.Order{})`, `new(Order)`, the Migrator's
 * `db.Migrator().CreateTable(&Order{})`, `AddColumn(&Order{}, "Note")`,
 * `AlterColumn`…, or `db.Table("orders").AutoMigrate(…)`. GORM's Postgres
 * migrator asks information_schema for a BASE TABLE of the name, finds none
 * once it is a view, and runs CREATE TABLE.
 */
function gormMigrations(mapped: string[], quotedName: string): string {
  const classes = mapped.filter(m => /^[A-Z]/.test(m));
  const model = classes.length
    ? String.raw`(?:&\s*|new\s*\(\s*|(?<![\w$.]))(?:[A-Za-z]\w{0,60}\.){0,4}(?:${classes
        .map(escapeRegExp)
        .join('|')})\s*[{)]`
    : '(?!)';
  const args = String.raw`(?:[^()]|\([^()]{0,200}\)){0,2000}?`;
  return [
    String.raw`\.\s*(?:AutoMigrate|CreateTable|DropTable|AddColumn|AlterColumn|MigrateColumn|DropColumn|RenameColumn|CreateIndex|DropIndex|RenameIndex|CreateConstraint|DropConstraint)\s*\(${args}${model}`,
    String.raw`\.\s*Table\s*\(\s*${quotedName}\s*\)\s*\.\s*(?:AutoMigrate|Migrator)\b`,
  ].join('|');
}

/** A text's values of a config key (JSON, YAML or a properties file), trimmed. */
function configValues(text: string, key: string): string[] {
  return [
    ...text.matchAll(
      new RegExp(
        String.raw`(?<![\w.-])["']?${escapeRegExp(
          key,
        )}["']?\s*[:=]\s*["']?([^"'\n]*)`,
        'g',
      ),
    ),
  ].map(m => m[1].trim().replace(/(?<![,\s])[,\s]+$/, ''));
}

/** A config key's comma-separated lists of values, each trimmed, none empty. */
function configList(text: string, key: string): string[] {
  return configValues(text, key)
    .flatMap(v => v.split(','))
    .map(v => v.trim())
    .filter(v => v !== '');
}

/**
 * Kafka Connect's JDBC connectors (Confluent's) writing or reading the dataset,
 * which look their tables up by `table.types`, TABLE by default: the sink's
 * `table.name.format` (with `${topic}` its topics), or its topics where it
 * gives none; the source's `table.whitelist` or `table.include.list`. None
 * where `table.types` lists VIEW.
 */
function jdbcConnectors(text: string, target: DatasetTarget): string[] {
  if (!/\bJdbc(?:Sink|Source)Connector\b/.test(text)) return [];
  if (configValues(text, 'table.types').some(v => /\bview\b/i.test(v)))
    return [];
  const named = new RegExp(`^${namePattern(target)}$`);
  const found: string[] = [];
  // Debezium's JDBC sink is another connector.
  const sink = String.raw`(?<!debezium\.connector\.jdbc\.)\bJdbcSinkConnector\b`;
  if (new RegExp(sink).test(text)) {
    const topics = configList(text, 'topics');
    const formats = configValues(text, 'table.name.format');
    const tables = formats.length
      ? formats.flatMap(f =>
          f.includes('${topic}')
            ? topics.map(topic => f.replace(/\$\{topic\}/g, topic))
            : [f],
        )
      : topics;
    if (tables.some(t => named.test(t))) found.push(sink);
  }
  if (
    /\bJdbcSourceConnector\b/.test(text) &&
    [
      ...configList(text, 'table.whitelist'),
      ...configList(text, 'table.include.list'),
    ].some(t => named.test(t))
  )
    found.push(String.raw`\bJdbcSourceConnector\b`);
  return found;
}

/** What every capture capturesByName reads spells, in any case. */
const CAPTURE_MARK =
  /PostgresConnector|postgres-cdc|add-tables|tableList|type\s*:\s*["']?postgres/i;

/**
 * Whether `text` configures a change-data capture of the dataset by its
 * table's name (see capturesByName), whether or not it spells the name: a
 * Debezium connector of its schema, a Flink CDC pattern (`'table-name' =
 * '.*'`) capture it too.
 */
export function capturesDataset(text: string, target: DatasetTarget): boolean {
  // Asked of every file of a repository, several times: most name no capture.
  return CAPTURE_MARK.test(text) && capturesByName(text, target).length > 0;
}

/**
 * Change-data capture that picks the dataset's changes by its table's name
 * (round 33, F6): Debezium's PostgreSQL connector whose `table.include.list`
 * (`table.whitelist`) matches it, or, listing no table, whose
 * `schema.include.list` does or which lists neither (every table), Flink
 * CDC's (found by round 33c), and wal2json's `add-tables`. From the cut-over of any migration writes through
 * the name land in the new version's table: decoded under that name, no more
 * under the dataset's, so the capture stops seeing them, silently (checked on
 * PostgreSQL 18 with a test_decoding slot).
 */
function capturesByName(text: string, target: DatasetTarget): string[] {
  const qualified = `${target.schema}.${target.table}`;
  // Debezium's lists are regular expressions matched against a whole name.
  const matches = (entry: string, name: string) => {
    try {
      return new RegExp(`^(?:${entry})$`, 'i').test(name);
    } catch {
      return entry.toLowerCase() === name.toLowerCase();
    }
  };
  // A JSON config's `\\.` is a pattern's `\.`.
  const entries = (key: string) =>
    configList(text, key).map(v => v.replace(/\\\\/g, '\\'));
  const found: string[] = [];
  const debezium = String.raw`\bio\.debezium\.connector\.postgresql\.PostgresConnector\b`;
  if (new RegExp(debezium).test(text)) {
    const tables = [
      ...entries('table.include.list'),
      ...entries('table.whitelist'),
    ];
    const schemas = [
      ...entries('schema.include.list'),
      ...entries('schema.whitelist'),
    ];
    if (
      tables.length > 0
        ? tables.some(e => matches(e, qualified))
        : schemas.length === 0 || schemas.some(e => matches(e, target.schema))
    )
      found.push(debezium);
  }
  // Flink CDC (Debezium inside): a postgres-cdc table of Flink SQL, whose
  // `'schema-name'` and `'table-name'` patterns its own WITH (…) gives; the
  // DataStream source's `tableList("raw.orders")` of `schema.table` patterns;
  // a pipeline's `tables:`, `db.schema.table` patterns whose `.` parts them
  // and `\.` is a pattern's any character (Flink CDC's docs: `adb.\.*.\.*`).
  const flinkTable = String.raw`['"]connector['"]\s*=\s*['"]postgres-cdc['"]`;
  for (const table of text.split(/\bcreate\s+(?:temporary\s+)?table\b/i)) {
    if (!new RegExp(flinkTable).test(table)) continue;
    const options = (key: string) => configList(table, key);
    const schemas = options('schema-name');
    if (
      options('table-name').some(e => matches(e, target.table)) &&
      (schemas.length === 0 || schemas.some(e => matches(e, target.schema)))
    ) {
      found.push(flinkTable);
      break;
    }
  }
  const flinkSource = String.raw`\bPostgres(?:QL)?(?:Source|SourceBuilder|IncrementalSource)\b`;
  if (
    new RegExp(flinkSource).test(text) &&
    [...text.matchAll(/\.tableList\s*\(([^)]*)\)/g)]
      .flatMap(m => [...m[1].matchAll(/"((?:\\.|[^"\\])*)"/g)])
      .some(m => matches(m[1].replace(/\\\\/g, '\\'), qualified))
  )
    found.push(String.raw`\.tableList\s*\(`);
  if (
    /^[ \t]*type\s*:\s*["']?postgres["']?\s*$/im.test(text) &&
    entries('tables').some(e => {
      const parts = e
        .split(/(?<!\\)\./)
        .map(part => part.replace(/\\\./g, '.'));
      // Code's text comes unescaped (`\.` read as `.`): then the whole
      // pattern, past its database, is tried as one.
      return parts.length === 3
        ? matches(parts[1], target.schema) && matches(parts[2], target.table)
        : matches(e.replace(/^[^.]*\./, ''), qualified);
    })
  )
    found.push(String.raw`(?<![^\n])[ \t]*tables\s*:`);
  // wal2json's add-tables: `schema.table`, `*` standing for any part.
  if (
    entries('add-tables').some(e =>
      matches(e.replace(/\./g, '\\.').replace(/\*/g, '.*'), qualified),
    )
  )
    found.push(String.raw`["']?add-tables\b`);
  return found;
}

/**
 * SQLAlchemy code that finds the dataset by reflecting tables only, or maps a
 * reflected class of it without its primary key: automap's
 * `Base.classes.orders` (automap maps only what has a primary key, which a
 * view has none of), `MetaData.reflect(…)` without `views=True` where the file
 * reads `metadata.tables["orders"]` or reflects `only=["orders"]`, and a
 * declarative class of the table reflected (`__table_args__ =
 * {"autoload_with": engine}`, `__table__ = Table("orders", …,
 * autoload_with=…)`, `DeferredReflection`) declaring no primary key, or, with
 * `DeferredReflection`, prepared without `views=True`. A class of the table
 * declared with its primary key keeps automap's `Base.classes.orders`.
 */
function sqlalchemyReflection(
  text: string,
  target: DatasetTarget,
  quotedName: string,
): string[] {
  if (
    !/\b(?:automap_base|reflect|autoload_with|autoload|DeferredReflection)\b/.test(
      text,
    )
  )
    return [];
  const table = escapeRegExp(target.table);
  const found: string[] = [];
  let declaredWithKey = false;
  const viewsPrepared =
    /\.\s*prepare\s*\((?:[^()]|\([^()]*\)){0,500}?\bviews\s*=\s*True/.test(
      text,
    );
  const headers = [
    ...text.matchAll(
      /^([ \t]*)class\s+([A-Za-z_]\w*)\s*\(([^)]{0,2000})\)\s*:/gm,
    ),
  ];
  // DeferredReflection, or a class of the file deriving from it (`class
  // Reflected(DeferredReflection): __abstract__ = True`).
  const deferring = new Set(['DeferredReflection']);
  for (const h of headers)
    if (/\bDeferredReflection\b/.test(h[3])) deferring.add(h[2]);
  for (const header of headers) {
    const start = header.index! + header[0].length;
    const end = new RegExp(`^[ \\t]{0,${header[1].length}}(?=\\S)`, 'gm');
    end.lastIndex = start + 1;
    const next = end.exec(text);
    const body = text.slice(start, next ? next.index : text.length);
    if (
      !new RegExp(
        String.raw`\b__tablename__\s*=\s*${quotedName}|\b__table__\s*=\s*(?:\w+\s*\.\s*)?Table\s*\(\s*${quotedName}`,
      ).test(body)
    )
      continue;
    const hasKey = /\bprimary_key\s*=\s*True|["']primary_key["']\s*:/.test(
      body,
    );
    const deferred = header[3]
      .split(',')
      .some(base => deferring.has(base.trim().replace(/^.*\./, '')));
    const reflected =
      deferred || /\bautoload(?:_with\b|\s*=\s*True)/.test(body);
    if (hasKey && !(deferred && !viewsPrepared)) declaredWithKey = true;
    if (reflected && (!hasKey || (deferred && !viewsPrepared)))
      found.push(String.raw`^[ \t]*class\s+${escapeRegExp(header[2])}\s*\(`);
  }
  if (/\bautomap_base\s*\(/.test(text) && !declaredWithKey)
    found.push(
      String.raw`\.\s*classes\s*(?:\.\s*${table}(?![\w$])|\[\s*${quotedName}\s*\]|\.\s*get\s*\(\s*${quotedName})|\bgetattr\s*\(\s*[\w.]+\s*\.\s*classes\s*,\s*${quotedName}`,
    );
  const noViews = String.raw`(?!(?:[^()]|\([^()]*\)){0,500}?\bviews\s*=\s*True)`;
  if (
    new RegExp(
      String.raw`\.\s*tables\s*(?:\[\s*${quotedName}\s*\]|\.\s*get\s*\(\s*${quotedName})`,
    ).test(text)
  )
    found.push(String.raw`\.\s*reflect\s*\(${noViews}`);
  else
    found.push(
      String.raw`\.\s*reflect\s*\(${noViews}(?:[^()]|\([^()]*\)){0,500}?\bonly\s*=\s*[\[(][^\])]{0,500}?${quotedName}`,
    );
  return found;
}

/** What the old name of a renamed dataset does from the cut-over. */
function oldNameRefusesWrites(table: string): string {
  return `from the cut-over the old name ${table} keeps the previous version for readers only and refuses writes ("it keeps the old version for readers only")`;
}

/** What to write instead, per statement. */
function instead(
  what: CodeTableStatement,
  target: DatasetTarget,
  mapping: ConsumerMapping,
): string {
  const t = target.table;
  switch (what) {
    case 'COPY … TO':
      return `COPY … TO refuses a view ("cannot copy from view"): write COPY (SELECT <the columns it lists, in their order; listing none, ${mapping.sourceFields
        .map(f => f.name)
        .join(
          ', ',
        )}> FROM ${t}) TO …, which writes the same bytes from the table now and through the view until contract (psycopg2's copy_to, asyncpg's copy_from_table and Airflow's bulk_dump take a table: give copy_expert, copy_from_query or COPY (SELECT …) instead)`;
    case 'COPY … FROM':
      return `COPY … FROM takes a view only while it has an INSTEAD OF trigger (${
        mapping.viewHasTrigger
          ? 'this migration gives it one until contract: it fails from contract on'
          : 'this migration gives it none: it fails from the cut-over on'
      }, "cannot copy to view"): load into a table of its own (a temporary one), then INSERT INTO ${t} (…) SELECT … from it`;
    case 'TRUNCATE':
      return `TRUNCATE refuses a view ("is not a table"): write DELETE FROM ${t}`;
    case 'VACUUM or ANALYZE':
      return `VACUUM and ANALYZE skip a view with a warning, doing nothing: name ${t}_v<N>, the version the migration makes`;
    case 'pg_dump -t':
      return `pg_dump -t ${t} dumps the view's definition and no row: name ${t}_v<N> too`;
    case 'TABLESAMPLE':
      return 'TABLESAMPLE refuses a view: sample with WHERE random() < p';
    case 'a system column (ctid, xmin, tableoid…)':
      return 'a view has no system columns: read the rows by their key';
    case 'WHERE CURRENT OF':
      return 'WHERE CURRENT OF on a view is not implemented: find the row by its key';
    case 'ON CONFLICT ON CONSTRAINT':
      return `a view has no constraint for ON CONFLICT ON CONSTRAINT to name: name its columns, ON CONFLICT (id)${
        mapping.viewHasTrigger
          ? ' (from contract on; until then use MERGE)'
          : ''
      }`;
    case 'a catalog read of the table (reltuples, relpages, pg_total_relation_size, pg_stat_user_tables, information_schema’s BASE TABLE…)':
      return `on a view pg_class reads reltuples -1 and relpages 0, the size functions read 0, pg_get_serial_sequence reads NULL (so setval(pg_get_serial_sequence('${t}', …), …) sets nothing, as Rails' reset_pk_sequence! does, and later inserts hit duplicate keys), and pg_stat_user_tables, pg_tables, pg_indexes, pg_stats and information_schema.tables' BASE TABLE find no row: read them of ${t}_v<N>, the version the migration makes, or count through the view`;
    case 'a grouped query reading columns through the primary key':
      return `a grouped query may read a table's columns it does not group by where GROUP BY holds the primary key; a view has no key ("must appear in the GROUP BY clause"): add them to GROUP BY (the groups stay the same) or read them in an aggregate`;
    case 'a grouped query built in code that could not be read whole':
      return `through the view such a query fails where it reads columns it does not group by through the primary key ("must appear in the GROUP BY clause"), and code builds it where that is decided: read it whole, and add such columns to GROUP BY or read them in an aggregate`;
    case 'a loader told to replace the table (pgloader WITH truncate, dlt replace, ogr2ogr -overwrite, Singer overwrite…)':
      return `a loader told to replace a table empties or drops it and loads it again, which a view refuses: pgloader's WITH truncate, Singer's and Meltano's target-postgres with load_method overwrite, and Embulk's truncate modes run TRUNCATE ${t} ("is not a table") and then COPY into it ("cannot copy to view"); dlt's write_disposition 'replace' truncates it or drops it and makes it again; ogr2ogr's -overwrite runs DROP TABLE ${t} and makes a table of the name: load into a table of its own (a staging table), then DELETE FROM ${t} and INSERT INTO ${t} (…) SELECT … from it in one transaction`;
    case AUTO_MIGRATE:
      return `GORM's AutoMigrate (and its Migrator's CreateTable, AddColumn, AlterColumn…) and Ent's Schema.Create ask the catalog for a BASE TABLE of the name, find none once ${t} is a view, and run CREATE TABLE ${t} ("relation already exists"), so the service fails at its first start after cut-over, and after contract too: stop AutoMigrate (or Ent's migration) for this model and migrate the table by hand, naming ${t}_v<N> after the migration`;
    case REFLECTION:
      return `SQLAlchemy reflects tables only unless told views=True (MetaData.reflect, automap's prepare, DeferredReflection), and a view has no primary key: automap maps no class of ${t} (Base.classes.${t} is gone, ${t}_v1 and ${t}_v2 appear) and a reflected class without a declared key fails to map ("could not assemble any primary key columns"): declare the class (__tablename__ = "${t}") with its primary key (id = Column(…, primary_key=True)), and reflect with views=True`;
    case JDBC_CONNECTOR:
      return `a Kafka Connect JDBC connector looks its tables up by table.types, TABLE by default, and finds none once ${t} is a view: the sink stops ("table is missing and auto-creation is disabled", or with auto.create runs CREATE TABLE ${t}, "relation already exists") and the source reads no more of it: add table.types: TABLE,VIEW to its config`;
    case RENAMED_MODEL:
      return `${oldNameRefusesWrites(
        t,
      )}, so every save, create or delete through this model fails from then, wherever the app makes it, and the new name does not exist before then: stop the app's writes for the cut-over and deploy the model mapped to the new name right after, or keep the name`;
    case RENAMED_WRITE:
      return `${oldNameRefusesWrites(
        t,
      )}, and the new name does not exist before then: stop this writer for the cut-over and deploy it writing the new name right after, or keep the name`;
    case REPLICA_WRITE:
      return `with session_replication_role = replica PostgreSQL fires no INSTEAD OF trigger, and until contract ${t} is a view that writes through one: each such write reports success and stores nothing (INSERT 0 1, no row): write without the setting, or before the migration or after contract`;
    case CAPTURE:
      return `a change-data capture picking ${t}'s changes by its table's name (Debezium's table.include.list, Flink CDC's postgres-cdc table-name or tableList, wal2json's add-tables) decodes writes to the table ${t} only; from the cut-over of any migration ${t} is a view and writes through it land in ${t}_v<N>, the version the migration makes, so the capture stops seeing them, without an error: before the migration runs, capture the versions too (a pattern such as ${target.schema}.${t}(_v[0-9]+)?, the copy arriving as inserts into ${t}_v<N>) and map their topic back to ${t}'s (pgoutput's publication of the table makes the engine refuse the migration instead)`;
    case TABLE_EXISTS:
      return `these ask the catalog for a table and leave views out, so from the cut-over they answer that ${t} does not exist, without an error (the work a guard holds is skipped, a migration it guards runs CREATE TABLE ${t}: "relation already exists"): ask for any relation of the name (Rails' data_source_exists?, Django's table_names(include_views=True), SQLAlchemy's has_table, JDBC's getTables with "VIEW" too, to_regclass('${t}') IS NOT NULL)`;
    case 'pg_repack':
      return `pg_repack works on tables only and fails on a view ("relation ${t} is not a table" or no such table): repack ${t}_v<N>, the version the migration makes, after contract, or leave ${t} out until then`;
    case 'ON CONFLICT':
      return 'this migration gives the view an INSTEAD OF trigger until contract, through which ON CONFLICT fails: use MERGE, or wait for contract';
    default:
      return `a view refuses an application's own schema change (or, for what a view takes, applies it to the view, not the data): name ${t}_v<N>, the version the migration makes, or run it before the migration`;
  }
}

/**
 * Whether SQL creates, outside its comments, a table or view of the dataset's
 * name that outlives its session (not a temporary one): another file run on
 * the same database then reads it in the dataset's place.
 */
export function createsTableNamedLike(
  target: DatasetTarget,
): (sql: string) => boolean {
  const creates = new RegExp(
    `${STATEMENT_START}create\\s+(?:or\\s+replace\\s+)?(?:unlogged\\s+|materialized\\s+)?(?:table|view)\\s+(?:if\\s+not\\s+exists\\s+)?${namePattern(
      target,
    )}`,
    'im',
  );
  return sql => creates.test(sql) && creates.test(withoutComments(sql));
}

/**
 * Where code starts acting on a temporary table of its own under the dataset's
 * name (`CREATE TEMP TABLE orders …`, which the session reads before the
 * dataset): statements after it act on that table, those before on the
 * dataset. A file that drops the name acts on the dataset throughout. A plain
 * `CREATE TABLE orders (` in code may be a docstring's or a fixture's as well
 * as the statement run (found by round 30c: a docstring hid a TRUNCATE), so it
 * counts for nothing. The text's length where it makes none.
 */
function ownTableFrom(text: string, target: DatasetTarget): number {
  const name = namePattern(target);
  if (
    new RegExp(
      `${STATEMENT_START}drop\\s+table\\s+(?:if\\s+exists\\s+)?(?:[^;]{0,500}?,\\s*)?${name}`,
      'im',
    ).test(text)
  )
    return text.length;
  const made = new RegExp(
    `${STATEMENT_START}create\\s+(?:(?:global|local)\\s+)?(?:temp|temporary)\\s+table\\s+${name}\\s*(?:\\(|as\\b)`,
    'im',
  ).exec(text);
  return made ? made.index : text.length;
}

/**
 * The statements in `code` that need the dataset's name to be a table, with
 * their lines and a reason for a person, or undefined where there are none.
 */
export function tableStatementsIn(
  code: string,
  target: DatasetTarget,
  mapping: ConsumerMapping,
  bindings?: Bindings,
  only?: CodeTableStatement,
  /** Classes other files map to the dataset (`class Order` with `__tablename__`). */
  mappedElsewhere: string[] = [],
):
  | { what: CodeTableStatement[]; lines: number[]; message: string }
  | undefined {
  // Comments are found before escapes are blanked: one in a string on one
  // line ends at its escaped line break.
  const plain = unescapedCode(withoutComments(code));
  // Each name once: a file binding one name many times made every pattern
  // naming them as long as the file (a minute on 200 kB).
  const mapped = [
    ...new Set([
      ...ormClassesOf(plain, target.table, target.schema),
      ...tableObjectsOf(plain, target.table),
      ...mappedElsewhere,
      // Active Record and Sequelize map `Order` to `orders` by its name alone,
      // in the default schema, where the file maps no table itself (nor with
      // Ecto's `schema "…"`, GORM's `TableName()` or Laravel's `$table`); a
      // model's `Order.table_name` read maps none.
      ...(target.schema === 'public' &&
      !/\b(?:table_name|tableName|__tablename__|db_table)\s*[:=]|\bTableName\s*\(|\bschema\s+["']|\$table\s*=/.test(
        plain,
      )
        ? modelClassNames(target.table)
        : []),
    ]),
  ];
  // The name where code builds it into the statement, each line kept.
  const text = resolved(plain, bindings ?? bindingsOf(plain, target));
  const own = ownTableFrom(text, target);
  const what: CodeTableStatement[] = [];
  const lines = new Set<number>();
  // A catalog read names the dataset in quotes (escaped in a literal too),
  // or is Rails' key lookup: where the text has neither, its patterns (the
  // costliest) are not run.
  const quotesName = new RegExp(
    `\\\\?['"]${namePattern(target)}\\\\?['"]|\\b(?:${RAILS_KEY_LOOKUP})`,
    'i',
  ).test(text);
  const qualified = new RegExp(
    `${escapeRegExp(target.schema)}"?\\s*\\.\\s*"?${escapeRegExp(
      target.table,
    )}`,
    'i',
  );
  let schemaElsewhere: boolean | undefined;
  for (const [kind, pattern] of patterns(target, mapping, text, mapped)) {
    if (only && kind !== only) continue;
    if (kind === CATALOG_READ && !quotesName) continue;
    for (const match of text.matchAll(pattern)) {
      if ((match.index ?? 0) >= own) continue;
      // A SQL keyword is written in capitals or in lower case; `Analyze
      // orders` and `Truncate orders` are a label's or a sentence's words,
      // GORM's `.Create(` a method.
      const word = /[A-Za-z]+/.exec(match[0]);
      const keyword = word?.[0] ?? '';
      if (
        !/(?:\.|->)\s*$/.test(match[0].slice(0, word?.index ?? 0)) &&
        SQL_KEYWORDS.test(keyword) &&
        keyword !== keyword.toUpperCase() &&
        keyword !== keyword.toLowerCase()
      )
        continue;
      // A quoted name keeps its case: `"Orders"` is another table.
      if (quotedOtherCase(match[0], target.table)) continue;
      // A loader given another schema replaces that schema's table.
      if (kind === LOADER && !qualified.test(match[0])) {
        schemaElsewhere ??= loaderSchemaElsewhere(text, target);
        if (schemaElsewhere) continue;
      }
      if (!what.includes(kind)) what.push(kind);
      // The statement's keyword, past what stands before it (a quote, a newline).
      const at =
        (match.index ?? 0) + Math.max(0, match[0].search(/[A-Za-z\\]/));
      lines.add(positionOf(text, at).line);
    }
  }
  const ownLine = own < text.length ? positionOf(text, own).line : Infinity;
  const grouped = only
    ? { throughKey: [], unread: [] }
    : groupedByKeyInCode(text, target);
  const throughKey = grouped.throughKey.filter(l => l < ownLine);
  if (throughKey.length > 0) {
    what.push('a grouped query reading columns through the primary key');
    for (const line of throughKey) lines.add(line);
  }
  // Not read whole, it may read through the key: a person reads it.
  const unread = grouped.unread.filter(l => l < ownLine);
  if (unread.length > 0) {
    what.push('a grouped query built in code that could not be read whole');
    for (const line of unread) lines.add(line);
  }
  // Built by an ORM or a query builder, no SQL shows it (round 31b).
  const ormGrouped =
    only && only !== 'a grouped query an ORM or query builder builds'
      ? []
      : ormGroupedQueries(text, target, mapped).filter(l => l < ownLine);
  if (ormGrouped.length > 0) {
    what.push('a grouped query an ORM or query builder builds');
    for (const line of ormGrouped) lines.add(line);
  }
  if (what.length === 0) return undefined;
  return {
    what,
    lines: [...lines].sort((a, b) => a - b),
    message: `runs ${what.join(', ')} on ${target.table}, which ${
      what.length > 1 ? 'need' : 'needs'
    } it to be a table: from the first cut-over of any migration ${
      target.table
    } is a view over the new version, and the code runs unchanged until its pull request is merged, so it breaks there; ${what
      .map(w =>
        w === 'a grouped query an ORM or query builder builds'
          ? ormGroupedReason(ormGrouped)
          : instead(w, target, mapping),
      )
      .join('; ')}. Change it before the migration runs, then Retry`,
  };
}

/**
 * Catalog reads of the dataset in a SQL file (`SELECT reltuples FROM pg_class
 * WHERE relname = 'orders'`), which the parser reads as any query: on the view
 * they read -1, 0 or nothing.
 */
export function catalogReadsIn(
  sql: string,
  target: DatasetTarget,
  mapping: ConsumerMapping,
): { lines: number[]; message: string } | undefined {
  return tableStatementsIn(sql, target, mapping, undefined, CATALOG_READ);
}

/**
 * SQL files an Airflow operator in `file` runs (`sql="truncate_orders.sql"`,
 * `sql=["wipe.sql", "load.sql"]`), found among `files` beside it (or, one of
 * that name, elsewhere in the repository), with the dataset written in where
 * the operator's params name it (`params={"table": "orders"}` for the file's
 * `TRUNCATE {{ params.table }}`): what of them needs the dataset to be a
 * table. Such a file names no table, so it is never read for the dataset.
 */
export function templatedTableStatementsIn(
  file: { path: string; content: string },
  files: Array<{ path: string; content: string }>,
  target: DatasetTarget,
  mapping: ConsumerMapping,
): { lines: number[]; message: string } | undefined {
  const migrated = migratedElsewhere(file, files, target, mapping);
  if (migrated) return migrated;
  const code = withoutComments(file.content);
  const bindings = bindingsOf(code, target);
  if (bindings.keys.size === 0 && bindings.names.size === 0) return undefined;
  const dir = file.path.slice(0, file.path.lastIndexOf('/') + 1);
  for (const operator of code.matchAll(
    /\bsql\s*=\s*(\[[^\]]*\]|(?:\(\s*)?["'][^"'\n]+["'])/g,
  ))
    for (const named of operator[1].matchAll(/["']([^"'\n]+\.sql)["']/g)) {
      const wanted = named[1].replace(/^\.?\//, '');
      const candidates = files.filter(
        f => f.path === `${dir}${wanted}` || f.path.endsWith(`/${wanted}`),
      );
      const template =
        candidates.find(f => f.path.startsWith(dir)) ??
        (candidates.length === 1 ? candidates[0] : undefined);
      if (!template) continue;
      const found = tableStatementsIn(
        template.content,
        target,
        mapping,
        bindings,
      );
      if (found)
        return {
          lines: [positionOf(file.content, operator.index ?? 0).line],
          message: `has Airflow run ${template.path} with params naming ${target.table}: that file (line ${found.lines[0]}) ${found.message}`,
        };
    }
  return undefined;
}

/** Documentation shows commands a person may run; it runs none itself. */
const DOCUMENTATION = /\.(?:md|markdown|rst|txt|adoc)$/i;

/**
 * A model of the dataset in `file` that another file of the repository
 * migrates at start-up, which the file naming it alone does not show (found by
 * round 33): a GORM struct (`TableName()` returning the table, or `Order` by
 * convention) given to `AutoMigrate` or the Migrator elsewhere (`main.go`'s
 * `db.AutoMigrate(&models.Order{})`); an Ent schema of the table (`type Order
 * struct { ent.Schema }`, or its `entsql.Annotation{Table: "orders"}`) where
 * code runs `client.Schema.Create(ctx)`; a Prisma model of it (`@@map("orders")`
 * or `model orders`) where a script, Dockerfile or entrypoint runs `prisma db
 * push`, which plans CREATE TABLE of the name once it is a view and, with
 * `--accept-data-loss`, drops the tables the schema does not declare, the
 * migration's versions among them.
 */
function migratedElsewhere(
  file: { path: string; content: string },
  files: Array<{ path: string; content: string }>,
  target: DatasetTarget,
  mapping: ConsumerMapping,
): { lines: number[]; message: string } | undefined {
  if (DOCUMENTATION.test(file.path)) return undefined;
  const code = withoutComments(file.content);
  const t = escapeRegExp(target.table);
  const quotedName = `\\\\?['"]${namePattern(target)}\\\\?['"]`;
  const others = files.filter(
    f => f.path !== file.path && !DOCUMENTATION.test(f.path),
  );
  const firstIn = (pattern: RegExp, test: (f: { path: string }) => boolean) => {
    for (const other of others) {
      if (!test(other) || !pattern.test(other.content)) continue;
      const text = withoutComments(other.content);
      const m = pattern.exec(text);
      if (m) return { path: other.path, line: positionOf(text, m.index).line };
    }
    return undefined;
  };
  const found = (
    at: number,
    by: { path: string; line: number },
    model: string,
    how: string,
    reason: string,
  ) => ({
    lines: [positionOf(code, at).line],
    message: `maps ${model} to ${target.table}, which ${by.path} (line ${by.line}) ${how}, which needs ${target.table} to be a table: from the first cut-over of any migration ${target.table} is a view over the new version, so it breaks there; ${reason}. Change it before the migration runs, then Retry`,
  });
  if (/\.go$/i.test(file.path)) {
    const conventional = modelClassNames(target.table);
    const structs = [...code.matchAll(/\btype\s+([A-Z]\w*)\s+struct\s*\{/g)];
    const tableNamed = (name: string) =>
      new RegExp(
        String.raw`\bfunc\s*\(\s*\w*\s*\*?${escapeRegExp(
          name,
        )}\s*\)\s*TableName\s*\(`,
      ).test(code);
    const ent = String.raw`entsql\s*\.\s*Annotation\s*\{[^}]*\bTable\s*:\s*`;
    for (const struct of structs) {
      const name = struct[1];
      const entSchema = /^\s*ent\s*\.\s*Schema\b/.test(
        code.slice(struct.index! + struct[0].length),
      );
      if (entSchema) {
        const annotated = new RegExp(`${ent}["']([^"']+)["']`).exec(code);
        const ofTable = annotated
          ? new RegExp(`^${namePattern(target)}$`).test(annotated[1])
          : conventional.includes(name);
        if (!ofTable) continue;
        const by = firstIn(new RegExp(ENT_SCHEMA_CREATE), f =>
          /\.go$/i.test(f.path),
        );
        if (by)
          return found(
            struct.index!,
            by,
            `the Ent schema ${name}`,
            "runs Ent's Schema.Create at start-up",
            instead(AUTO_MIGRATE, target, mapping),
          );
        continue;
      }
      const mapped =
        ormClassesOf(code, target.table, target.schema).includes(name) ||
        (target.schema === 'public' &&
          conventional.includes(name) &&
          !tableNamed(name));
      if (!mapped) continue;
      const by = firstIn(new RegExp(gormMigrations([name], quotedName)), f =>
        /\.go$/i.test(f.path),
      );
      if (by)
        return found(
          struct.index!,
          by,
          `the GORM model ${name}`,
          "migrates with GORM's AutoMigrate or Migrator",
          instead(AUTO_MIGRATE, target, mapping),
        );
    }
    return undefined;
  }
  if (/\.rb$/i.test(file.path)) {
    // This file and the repository's other Ruby files, without comments.
    const repository = rubyOf(files);
    const ruby = [
      code,
      ...[...repository.texts]
        .filter(([path]) => path !== file.path)
        .map(([, text]) => text),
    ];
    const unknown = keyLookedUp(code, ruby, repository.models, target);
    if (unknown)
      return {
        lines: [positionOf(code, unknown.at).line],
        message: `has the ${unknown.orm} model ${unknown.model} of ${target.table} and no file of the repository declares its primary key, which ${unknown.orm} then finds in the catalog's indexes (pg_index), and a view has none: from the first cut-over of any migration ${target.table} is a view over the new version, so ${unknown.model}.find, update and destroy fail there (${unknown.error}); declare the key in the model (${unknown.declare}) before the migration runs, then Retry`,
      };
    return insertsBothNames(code, ruby, target, mapping);
  }
  if (/\.prisma$/i.test(file.path)) {
    for (const model of code.matchAll(
      /\bmodel\s+(\w+)\s*\{((?:(?!\bmodel\s+\w+\s*\{)[^}])*)\}/g,
    )) {
      const map = /@@map\s*\(\s*(?:name\s*:\s*)?["']([^"']+)["']/.exec(
        model[2],
      );
      if ((map ? map[1] : model[1]) !== target.table) continue;
      const by = firstIn(/\bprisma\s+db\s+push\b/, () => true);
      if (by)
        return found(
          model.index!,
          by,
          `the Prisma model ${model[1]}`,
          'runs prisma db push against',
          `prisma db push compares the schema with the tables it finds, none of ${target.table} once it is a view: it plans CREATE TABLE "${target.table}" ("relation already exists") and, with --accept-data-loss, drops the tables the schema does not declare, ${t}_v<N>, the migration's versions among them: do not db push against this database (apply the schema with prisma migrate, or before the migration)`,
        );
    }
  }
  return undefined;
}

/**
 * The repository's Ruby files without comments, by path (not documentation's), and (when first
 * asked) its Ruby ORM models: read once per file list, not once per Ruby file
 * naming the dataset.
 */
const rubyByFiles = new WeakMap<
  object,
  { texts: Map<string, string>; models: () => string[] }
>();
function rubyOf(files: Array<{ path: string; content: string }>): {
  texts: Map<string, string>;
  models: () => string[];
} {
  let found = rubyByFiles.get(files);
  if (!found) {
    const texts = new Map(
      files
        .filter(f => /\.rb$/i.test(f.path) && !DOCUMENTATION.test(f.path))
        .map(f => [f.path, withoutComments(f.content)] as const),
    );
    let models: string[] | undefined;
    found = {
      texts,
      models: () =>
        (models ??= ormModelsIn(
          [...texts].map(([path, content]) => ({ path, content })),
        ).map(m => m.name)),
    };
    rubyByFiles.set(files, found);
  }
  return found;
}

/**
 * An Active Record or Sequel model of the dataset in `code` (`class Order <
 * ApplicationRecord`, by convention or `self.table_name = "orders"`; `class
 * Order < Sequel::Model(:orders)`) whose primary key neither its class nor any
 * other Ruby file of the repository declares (`self.primary_key = "id"`,
 * `Order.primary_key = …`, Sequel's `set_primary_key :id`): the ORM finds it
 * in pg_index, which has no row of a view, and raises (found by round 33,
 * F9). Not an abstract class.
 */
function keyLookedUp(
  code: string,
  ruby: string[],
  models: () => string[],
  target: DatasetTarget,
):
  | { at: number; model: string; orm: string; error: string; declare: string }
  | undefined {
  // Abstract bases of the repository's own (`class Page < Entity`, where
  // `Entity < ApplicationRecord` sets abstract_class): found by round 36b.
  // Only a class on another base needs them.
  const bases = /^[ \t]*class\s[^\n]*</m.test(code) ? models() : [];
  for (const { at, model, sequel, body } of rubyModelsOf(code, target, bases)) {
    const declares = String.raw`\bself\s*\.\s*primary_key\s*=|\bset_primary_key\b`;
    if (new RegExp(declares).test(body)) continue;
    const elsewhere = new RegExp(
      String.raw`(?<![\w:])${model}\s*\.\s*(?:primary_key\s*=|set_primary_key\b)`,
    );
    const reopened = new RegExp(
      String.raw`^[ \t]*class\s+${model}\b[^\n]*\n(?:(?!^[ \t]*class\s)[\s\S]){0,20000}?(?:${declares})`,
      'm',
    );
    if (
      ruby.some(
        text => elsewhere.test(text) || (text !== code && reopened.test(text)),
      )
    )
      continue;
    return sequel
      ? {
          at,
          model,
          orm: 'Sequel',
          error: '"No primary key is associated with this model"',
          declare: 'set_primary_key :id',
        }
      : {
          at,
          model,
          orm: 'Active Record',
          error: 'ActiveRecord::UnknownPrimaryKey',
          declare: 'self.primary_key = "id"',
        };
  }
  return undefined;
}

/**
 * The Active Record and Sequel models of the dataset in `code` (`class Order <
 * ApplicationRecord`, by convention or `self.table_name = "orders"`; `class
 * Order < Sequel::Model(:orders)`; `class Order < Entity`, one of the
 * repository's `bases` that are models), with their bodies; not abstract
 * classes.
 */
function* rubyModelsOf(
  code: string,
  target: DatasetTarget,
  bases: string[] = [],
): Generator<{ at: number; model: string; sequel: boolean; body: string }> {
  const conventional =
    target.schema === 'public' ? modelClassNames(target.table) : [];
  const named = ormClassesOf(code, target.table, target.schema);
  const t = escapeRegExp(target.table);
  const own = bases.map(escapeRegExp).join('|') || '(?!)';
  for (const m of code.matchAll(
    new RegExp(
      String.raw`^[ \t]*class\s+(?:(?:::)?[A-Z]\w*::)*([A-Z]\w*)\s*<\s*(?:::)?((?:[A-Z]\w*::)*[A-Z]\w*Record\b|ActiveRecord::Base|Sequel::Model\b(?:\s*\(\s*([^)\n]*)\))?|(?:[A-Z]\w*::)*(?:${own})\b)`,
      'gm',
    ),
  )) {
    const model = m[1];
    const sequel = m[2].startsWith('Sequel');
    const start = m.index! + m[0].length;
    const end = /^[ \t]*class\s/m.exec(code.slice(start));
    const body = code.slice(start, end ? start + end.index : code.length);
    if (/\bself\s*\.\s*abstract_class\s*=\s*true\b/.test(body)) continue;
    // Sequel's model names its table (`Sequel::Model(:orders)`) or takes
    // its class's; Active Record's by `self.table_name` or its class's.
    const ofTable =
      sequel && m[3] !== undefined
        ? new RegExp(`^(?:\\w+\\s*\\[\\s*)?:${t}(?![\\w$])`).test(m[3].trim())
        : (!sequel &&
            (named.includes(model) ||
              new RegExp(
                `\\btable_name\\s*=\\s*["'](?:${escapeRegExp(
                  target.schema,
                )}\\.)?${t}["']`,
              ).test(body))) ||
          (conventional.includes(model) && !/\btable_name\s*=/.test(body));
    if (ofTable) yield { at: m.index!, model, sequel, body };
  }
}

/**
 * An Active Record model of the dataset in a Rails app that inserts every
 * column it reads from the catalog (`config.load_defaults` 7.0 or later, whose
 * `partial_inserts` is false, or that setting itself): through a plain view a
 * renamed field is served under both names until contract, and an insert naming
 * both fails ("multiple assignments to same column"; found by round 33, F1,
 * on PostgreSQL 18). Not where the model ignores the new name.
 */
function insertsBothNames(
  code: string,
  ruby: string[],
  target: DatasetTarget,
  mapping: ConsumerMapping,
): { lines: number[]; message: string } | undefined {
  if (mapping.viewHasTrigger) return undefined;
  const renamed = [...mapping.byField].flatMap(([from, m]) =>
    m.kind === 'renamed' && m.to !== from ? [{ from, to: m.to }] : [],
  );
  if (renamed.length === 0) return undefined;
  const defaults = ruby
    .map(text => /\bload_defaults\s*(?:\(\s*)?["']?(\d+)(?:\.\d+)?/.exec(text))
    .find(m => m);
  const says = (pattern: RegExp) => ruby.some(text => pattern.test(text));
  let allColumns: string | undefined;
  if (says(/\bpartial_(?:inserts|writes)\s*=\s*false\b/))
    allColumns = 'partial_inserts = false';
  else if (
    defaults &&
    Number(defaults[1]) >= 7 &&
    !says(/\bpartial_inserts\s*=\s*true\b/)
  )
    allColumns = `load_defaults ${defaults[1]}, whose partial_inserts is false`;
  if (!allColumns) return undefined;
  for (const { at, model, sequel, body } of rubyModelsOf(code, target)) {
    if (sequel) continue;
    const ignored = renamed.filter(({ to }) =>
      new RegExp(
        String.raw`\bignored_columns\b[^\n]{0,500}?["':]${escapeRegExp(to)}\b`,
      ).test(body),
    );
    const both = renamed.filter(r => !ignored.includes(r));
    if (both.length === 0) continue;
    const { from, to } = both[0];
    return {
      lines: [positionOf(code, at).line],
      message: `has the Active Record model ${model} of ${target.table}, and the app inserts every column Active Record reads from the catalog (${allColumns}): from the cut-over until contract ${target.table} serves "${from}" under its new name "${to}" too, so ${model}'s inserts name both and fail ("multiple assignments to same column"); have the model ignore the new name until contract (self.ignored_columns += ["${to}"]), or set config.active_record.partial_inserts = true, before the migration runs, then Retry`,
    };
  }
  return undefined;
}
