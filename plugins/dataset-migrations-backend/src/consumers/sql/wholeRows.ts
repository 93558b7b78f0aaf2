/**
 * Whole rows of the dataset read or written by code in other languages (and
 * configuration), which names none of the fields it gets.
 */
import { type DatasetTarget } from './datasetTarget';
import { escapeRegExp } from '../../sql/regExp';
import {
  starChanges,
  widenedFields,
  type ConsumerMapping,
} from './fieldMapping';
import { positionOf } from '../../sql/sqlParser';
import { modelClassNames, ormClassesOf } from './ormClasses';
import { wholeRowsInCode, type CodeWholeRowReads } from './codeQueries';
import { growingStarRead, starOf } from './growingStars';
import { namedFew } from '../../validation/namedFew';
import { changedDerivedColumns } from './derivedColumns';

/** Labels of whole-row reads that take every column, which the cut-over asks about too. */
const DATAFRAME = 'a DataFrame of the table';
const DBTABLE = 'dbtable';
const COLUMN_CHECK = "a check of the table's columns";

/**
 * A helper's arguments, up to 600 characters: not past the line its call ends
 * (`)` at the line's end), a `;`, nor into the next such call.
 */
const HELPER_ARGUMENTS = String.raw`(?:(?!\)[ \t]*(?:\n|$)|\b(?:insert_rows|S3ToSqlOperator|GenericTransfer)\b)[^;]){0,600}`;

/**
 * Where code in another language reads or writes the dataset's rows whole,
 * naming none of its fields: `SELECT *` or `e.*` (or `RETURNING *`), pandas'
 * `read_sql_table`, SQLAlchemy's reflection (`autoload_with=`), `COPY` without
 * a column list, when the migration changes what `*` returns (an added,
 * renamed, dropped or retyped field: the script unpacks the old columns, the
 * export writes the old header); and `INSERT INTO` the dataset without a
 * column list, when a field is dropped or retyped (values go by position).
 * Such code may not name a changed field, yet reads or writes another shape.
 * `rowsChange` says the reads of whole rows count (by default, when `*`
 * returns something else; code asks {@link wholeRowsReadByCode}); `'reads'`
 * counts reads only, not rows written by their columns (`COPY … FROM`,
 * `to_sql`) or checks of the column list, which a widening leaves working.
 */
export function wholeRowsRead(
  content: string,
  target: DatasetTarget,
  mapping: ConsumerMapping,
  rowsChange: boolean | 'reads' = starChanges(mapping),
  /** Only the patterns of these names, where given. */
  only?: readonly string[],
): { what: string[]; lines: number[] } {
  const table = `(?:(?:"[^"]+"|[A-Za-z_][\\w$]*)\\s*\\.\\s*)?"?${escapeRegExp(
    target.table,
  )}"?(?![\\w$])`;
  // A pattern, or where its matches start where a pattern would read the
  // text again for each of them.
  const patterns: Array<[string, RegExp | ((text: string) => number[])]> = [];
  if (rowsChange)
    patterns.push(
      ['*', starSelects],
      ['read_sql_table', /\bread_sql_table\s*\(/g],
      ['autoload', /\bautoload(?:_with)?\s*=/g],
      [
        'COPY',
        new RegExp(
          `\\bcopy\\s+${table}\\s+(?:${
            rowsChange === 'reads' ? '' : 'from|'
          }to)\\b`,
          'gi',
        ),
      ],
      // A DataFrame of the whole table: Spark's, Snowpark's or ibis's
      // `.table("raw.orders")`, `read.jdbc(url, "raw.orders")`, the JDBC
      // `dbtable` option, pandas' `read_sql("orders", engine)` (a table's
      // name reads the table), R's `dbReadTable(con, "orders")` and dplyr's
      // `tbl(con, "orders")`, a dbt Python model's `dbt.source()`.
      [
        DATAFRAME,
        new RegExp(
          `(?<![@:]|\\bknex\\s*\\.\\s*)\\b(?:table|read_sql|read_sql_table|read_table|jdbc|dbReadTable|tbl)\\s*\\(\\s*(?:(?:[^,()'"\`\\s][^,()'"\`]*)?,\\s*){0,2}(?:(?:table_name|table)\\s*=\\s*)?['"\`]\\s*${table}\\s*['"\`]`,
          'gi',
        ),
      ],
      [
        DBTABLE,
        new RegExp(`\\bdbtable['"]?\\s*[,=:]\\s*['"]\\s*${table}`, 'gi'),
      ],
      ["dbt's Python source()", /\bdbt\s*\.\s*(?:source|ref)\s*\(/g],
      // Query builders' whole rows: knex's `knex('orders')` (every column
      // unless it selects some), Kysely's `selectAll()`, Ruby Sequel's
      // `DB[:orders]`, often handed on as JSON whose keys are the columns.
      [
        'a query builder of the table',
        new RegExp(
          `\\b(?:knex|db|trx)(?:\\s*<[^<>()\\n]*>)?\\s*\\(\\s*['"\`]\\s*${table}\\s*['"\`]\\s*\\)(?!\\s*\\.\\s*(?:select|pluck|first|count|sum|max|min|avg)\\s*\\(\\s*['"\`](?!\\s*\\*))`,
          'gi',
        ),
      ],
      ['selectAll', /\bselectAll\s*\(/g],
      // PostgREST's and Supabase's clients: `.from('orders').select('*')`,
      // or `.select()`, which selects `*`.
      [
        'a PostgREST select of every column',
        new RegExp(
          `\\.from\\s*\\(\\s*['"\`]\\s*${table}\\s*['"\`]\\s*\\)\\s*\\.\\s*select\\s*\\(\\s*(?:['"\`]\\s*\\*[^'"\`]*['"\`]\\s*)?\\)`,
          'gi',
        ),
      ],
      // Rows written into the table by their columns' names, as a DataFrame
      // or a file has them (pandas' `to_sql('orders', …)`, polars'
      // `write_database`, R's `dbWriteTable`/`dbAppendTable`, Spark's
      // `saveAsTable`/`insertInto`, psycopg's `copy_from`): a renamed or
      // dropped field is not there to write, and `if_exists='replace'`
      // makes the table again from the frame.
      [
        'rows written by their columns',
        new RegExp(
          `\\b(?:to_sql|write_database|dbWriteTable|dbAppendTable|dbCreateTable|saveAsTable|insertInto|copy_from)\\s*\\(\\s*(?:[^,()'"\`]*,\\s*)?(?:(?:name|table_name|table)\\s*=\\s*)?['"\`]\\s*${table}\\s*['"\`]`,
          'gi',
        ),
      ],
      // Checks of the table's whole column list or count (Great
      // Expectations' and dbt_expectations' `expect_table_columns_to_match_set`,
      // `…_ordered_list`, `expect_table_column_count_to_equal`, Soda's schema
      // check `when mismatching columns`): an added, renamed or dropped field
      // fails them, though they name none of the changed fields.
      [
        COLUMN_CHECK,
        /\b(?:expect_table_columns_to_match_(?:ordered_list|set)|expect_table_column_count_to_(?:equal|be_between)|when\s+mismatching\s+columns|when\s+wrong\s+column\s+index)\b/gi,
      ],
      // Change data capture of the table (Debezium's `table.include.list`)
      // sends its rows on, keyed by column.
      [
        'a change-data capture of the table',
        (text: string) => changeCaptures(text, table),
      ],
      [
        'Sequel',
        // Not `Sequel[:staging][:orders]`, another schema's (see libraryWholeRows).
        new RegExp(
          `(?<!\\]\\s*)\\[\\s*:${escapeRegExp(target.table)}\\s*\\]`,
          'g',
        ),
      ],
    );
  // dbt's YAML snapshots (1.9+) copy every field of their `relation:` into
  // the snapshot models read by `ref()`: renamed, dropped, added or widened
  // fields reach those models unseen. A unit test's `fixture:` file gives a
  // source's rows by column name, which dbt checks against the table's.
  if (starChanges(mapping) || widenedFields(mapping).length > 0)
    if (/^[ \t\uFEFF]*snapshots\s*:/m.test(content))
      patterns.push([
        'a dbt snapshot of every field',
        /^[ \t\uFEFF]*(?:-[ \t]*)?relation\s*:\s*(?:["']\s*)?(?:source|ref)\s*\(/gm,
      ]);
  if (starChanges(mapping) && /^[ \t\uFEFF]*unit_tests\s*:/m.test(content))
    patterns.push([
      "a dbt unit test's fixture file",
      /^[ \t\uFEFF]*(?:-[ \t]*)?fixture\s*:/gm,
    ]);
  if (
    [...mapping.byField.values()].some(
      m =>
        m.kind === 'dropped' ||
        m.kind === 'retyped' ||
        m.kind === 'recomputed' ||
        m.kind === 'reused',
    )
  )
    patterns.push([
      'INSERT without a column list',
      new RegExp(
        [
          `\\binsert\\s+into\\s+${table}\\s*(?:as\\s+\\w+\\s+)?(?:values|select|with|table|\\(\\s*(?:select|with|values)\\b)`,
          // Helpers writing `INSERT INTO t VALUES (%s, …)` where given no
          // columns: Airflow's `hook.insert_rows('orders', rows)` (no
          // `target_fields`), S3ToSqlOperator (no `column_list`) and
          // GenericTransfer, which call it. Their arguments run to the end of
          // the call's line (`)` ending it) or the next such call.
          `\\b(?:insert_rows\\s*\\(|(?:S3ToSqlOperator|GenericTransfer)\\s*\\()(?!${HELPER_ARGUMENTS}\\b(?:target_fields|column_list)\\b)${HELPER_ARGUMENTS}?(?:\\b(?:destination_)?table\\s*=\\s*|(?<=insert_rows\\s*\\(\\s*))['"\x60]\\s*${table}\\s*['"\x60]`,
        ].join('|'),
        'gi',
      ),
    ]);
  const what: string[] = [];
  const lines = new Set<number>();
  const writes = ['rows written by their columns', COLUMN_CHECK];
  for (const [name, pattern] of patterns)
    if (
      (rowsChange !== 'reads' || !writes.includes(name)) &&
      (!only || only.includes(name))
    )
      for (const at of typeof pattern === 'function'
        ? pattern(content)
        : [...content.matchAll(pattern)].map(m => m.index ?? 0)) {
        if (!what.includes(name)) what.push(name);
        lines.add(positionOf(content, at).line);
      }
  return { what, lines: [...lines].sort((a, b) => a - b) };
}

/** `* ` or `alias.*` after what selects it. */
const STAR = String.raw`\s+(?:(?:"[^"]+"|[A-Za-z_][\w$]*)\s*\.\s*)?\*`;

/**
 * Where `SELECT *`, `SELECT DISTINCT ON (…) o.*`, `RETURNING *` start, as
 * the pattern `\b(?:select(?:\s+distinct(?:\s+on\s*\([^)]*\))?|\s+all)?|returning)${STAR}`
 * read with the `g` flag would find them, but with the `)` closing a
 * DISTINCT ON list found once for all the lists it closes: the pattern read
 * on to it from each of thousands of `select distinct on (` on one line.
 */
function starSelects(content: string): number[] {
  const word = /\b(?:select|returning)/gi;
  const distinctOn = /select\s+distinct\s+on\s*\(/iy;
  const star = new RegExp(STAR, 'y');
  const other = new RegExp(
    String.raw`(?:select(?:\s+distinct|\s+all)?|returning)${STAR}`,
    'iy',
  );
  const starts: number[] = [];
  let close: number | undefined;
  for (let w = word.exec(content); w; w = word.exec(content)) {
    let end: number | undefined;
    // As the pattern tries them: DISTINCT ON (…) first, then DISTINCT, ALL
    // or the word alone.
    distinctOn.lastIndex = w.index;
    if (distinctOn.exec(content)) {
      if (close === undefined || (close !== -1 && close < distinctOn.lastIndex))
        close = content.indexOf(')', distinctOn.lastIndex);
      if (close !== -1) {
        star.lastIndex = close + 1;
        if (star.exec(content)) end = star.lastIndex;
      }
    }
    if (end === undefined) {
      other.lastIndex = w.index;
      if (other.exec(content)) end = other.lastIndex;
    }
    if (end !== undefined) {
      starts.push(w.index);
      word.lastIndex = end;
    }
  }
  return starts;
}

/**
 * Where Debezium's `table.include.list` (or `whitelist`) names the table
 * (`table`, a pattern), as the pattern `key[^'"\n]*?(?<![\w$])table` read
 * with the `g` flag would find them: the list runs to a quote or a line's
 * end. A list one key found no table in is not looked through again for the
 * keys within it: on one line of thousands of keys, each key read the rest
 * of the line.
 */
function changeCaptures(content: string, table: string): number[] {
  const key = /\btable\.(?:include\.list|whitelist)['"]?\s*[:=]\s*['"]?/gi;
  const capture = new RegExp(
    `${key.source}[^'"\\n]*?(?<![\\w$])${table}`,
    'iy',
  );
  const stop = /['"\n]/g;
  const starts: number[] = [];
  // Where the list after the last key ends, and the end of one no table was
  // found in.
  let listEnd = -1;
  let emptyTo = -1;
  for (let k = key.exec(content); k; k = key.exec(content)) {
    const after = k.index + k[0].length;
    if (listEnd < after) {
      stop.lastIndex = after;
      listEnd = stop.exec(content)?.index ?? content.length;
    }
    if (listEnd === emptyTo) continue;
    capture.lastIndex = k.index;
    const match = capture.exec(content);
    if (!match) emptyTo = listEnd;
    else {
      starts.push(k.index);
      key.lastIndex = k.index + match[0].length;
    }
  }
  return starts;
}

/**
 * What client drivers give code for a value of each type read as it is through
 * a widening: int2 and int4 come as the same thing (a JavaScript number from
 * node-postgres, a Python int, a Java Integer from pgjdbc's getObject, an R
 * integer), int8 as another (node-postgres gives a string: `{"amount":1250}`
 * becomes `{"amount":"1250"}` and `amount + 1` is `"12501"`; pgjdbc a Long, so
 * an `(Integer)` cast throws ClassCastException; RPostgres an integer64), and
 * numeric as another again (a string from node-postgres, Decimal from
 * psycopg and asyncpg, which `json.dumps` refuses, BigDecimal from JDBC and
 * Ruby's pg, which Rails writes to JSON as a string). So smallint → integer
 * changes nothing code receives; integer or smallint → bigint or numeric, and
 * bigint → numeric, do. Checked with node-postgres against PostgreSQL 18.
 */
const RECEIVED_AS: Record<string, string> = {
  smallint: 'int4',
  integer: 'int4',
  bigint: 'int8',
  numeric: 'numeric',
};

const receivedAs = (type: string) => {
  const base = type
    .replace(/\(.*\)$/, '')
    .trim()
    .toLowerCase();
  return RECEIVED_AS[base] ?? base;
};

/**
 * Widened fields SQL reads as they are (`starChanges` counts none of them) but
 * clients receive as another type (see {@link RECEIVED_AS}): code reading whole
 * rows gets other values from them.
 */
export function clientVisibleWidenings(
  mapping: ConsumerMapping,
): Array<{ field: string; from: string; to: string }> {
  return widenedFields(mapping).filter(
    w => receivedAs(w.from) !== receivedAs(w.to),
  );
}

export interface CodeWholeRows {
  what: string[];
  lines: number[];
  /** Widened fields whose values the rows bring clients as another type. */
  widened: Array<{ field: string; from: string; to: string }>;
  /**
   * Why columns a model of the dataset reads without spelling them (a
   * relation's foreign key, an ORM's timestamps; see derivedColumns.ts)
   * break: the migration renames or drops them.
   */
  derived?: string[];
}

/**
 * Whole rows code in another language (or configuration) reads or writes (see
 * {@link wholeRowsRead}), counted when the migration changes what `*` returns
 * or widens a field into a type clients receive as another
 * ({@link clientVisibleWidenings}). SQL files read widenings as they are: they
 * go on computing in SQL, where the wider type compares and sums the same.
 */
export function wholeRowsReadByCode(
  content: string,
  target: DatasetTarget,
  mapping: ConsumerMapping,
  classesMappedElsewhere: string[] = [],
  /** The file's SQL read already (wholeRowsInCode), if it was. */
  inSql?: CodeWholeRowReads,
): CodeWholeRows {
  const widened = clientVisibleWidenings(mapping);
  // A widening alone changes what is read, not what may be written.
  const rowsChange = starChanges(mapping) || (widened.length > 0 && 'reads');
  const whole = wholeRowsRead(content, target, mapping, rowsChange);
  if (rowsChange) {
    const library = libraryWholeRows(content, target, classesMappedElsewhere);
    const sqlLines = (inSql ?? wholeRowsInCode(content, target)).lines;
    if (sqlLines.length > 0) library.what.push('a whole row in its SQL');
    for (const what of library.what)
      if (!whole.what.includes(what)) whole.what.push(what);
    whole.lines = [
      ...new Set([...whole.lines, ...library.lines, ...sqlLines]),
    ].sort((a, b) => a - b);
  }
  // Widened fields change what whole rows read, not derived columns.
  const readsWholeRows = whole.lines.length > 0;
  // A model's columns its ORM derives (`customer = ForeignKey(…)` reads
  // `customer_id`), renamed or dropped: its every query fails after contract.
  const derived = changedDerivedColumns(content, target, mapping);
  if (derived.what.length > 0) {
    for (const what of derived.what) whole.what.push(`the column ${what}`);
    whole.lines = [...new Set([...whole.lines, ...derived.lines])].sort(
      (a, b) => a - b,
    );
  }
  return {
    ...whole,
    widened: readsWholeRows ? widened : [],
    ...(derived.reasons.length > 0 ? { derived: derived.reasons } : {}),
  };
}

/**
 * What code reads of the dataset's whole rows where it may take their values
 * by position or as a fixed set, which breaks at the cut-over itself, before
 * its pull request can be merged: from then `*` through the name has the new
 * version's own fields (`mapping.newAtCutOver`) after the previous ones
 * (round 33c). `needsTable`: some of it fails then whatever is decided (a `*`
 * an INSERT or a set operation takes a fixed number of columns from);
 * otherwise it fails only where the code takes the rows by position (a tuple
 * unpacked, Go's `rows.Scan`, sqlx's or pgx's struct scan refusing a column
 * it has no field for, a DataFrame's column list) or checks their columns,
 * which a person knows. ORMs and query builders, which read by name, are left
 * to the coding agent after the cut-over. Undefined where `*` does not grow.
 */
export function rowsGrowingAtCutOver(
  content: string,
  target: DatasetTarget,
  mapping: ConsumerMapping,
  inSql: CodeWholeRowReads = wholeRowsInCode(content, target),
): { message: string; needsTable: boolean; lines: number[] } | undefined {
  if (mapping.newAtCutOver.length === 0) return undefined;
  const added = namedFew(mapping.newAtCutOver.map(f => `"${f}"`));
  const linesText = (lines: readonly number[]) =>
    `line${lines.length === 1 ? '' : 's'} ${lines.join(', ')}`;
  const lines = (...lists: Array<readonly number[]>) =>
    [...new Set(lists.flat())].sort((a, b) => a - b);
  if (inSql.counted.length > 0)
    return {
      needsTable: true,
      lines: lines(inSql.counted.map(s => s.line)),
      message: `${inSql.counted
        .map(
          star =>
            `${linesText([star.line])}: ${growingStarRead(
              star.text,
              star.countFixedBy,
              starOf(target.table, star.through),
              mapping,
            )}`,
        )
        .join('; ')}`,
    };
  const checks = wholeRowsRead(content, target, mapping, true, [COLUMN_CHECK]);
  const frames = wholeRowsRead(content, target, mapping, true, [
    DATAFRAME,
    DBTABLE,
  ]);
  const rFrames = libraryWholeRows(content, target, [], DATAFRAME);
  const what = [
    ...(inSql.byPosition.length > 0
      ? [`\`*\` or a row of it in SQL (${linesText(inSql.byPosition)})`]
      : []),
    ...(frames.lines.length + rFrames.lines.length > 0
      ? [
          `a DataFrame of the table (${linesText(
            lines(frames.lines, rFrames.lines),
          )})`,
        ]
      : []),
    ...(checks.lines.length > 0
      ? [
          `a check of a table's column list or count (${linesText(
            checks.lines,
          )}), which fails from then where it checks ${target.table}`,
        ]
      : []),
  ];
  if (what.length === 0) return undefined;
  return {
    needsTable: false,
    lines: lines(inSql.byPosition, frames.lines, rFrames.lines, checks.lines),
    message: `reads whole rows of ${
      target.table
    }, or checks their columns: ${what.join(
      '; ',
    )}; from the cut-over on they also have the new version's ${added} after its fields, before the file's pull request can be merged: code taking a row's values by position or as a fixed set (a tuple unpacked, Go's rows.Scan, sqlx's or pgx's scan into a struct, a DataFrame's column list, the rows written elsewhere) fails or misreads from then, code reading them by name goes on; the rewriter reads SQL and dbt models only, so a person decides before the data moves: list the columns it reads, or hand it to the coding agent where it reads them by name`,
  };
}

/**
 * Why whole rows read by code need a person: the widened fields, or the changed
 * row; and the derived columns the migration renames or drops, if any.
 */
export function wholeRowsReason(whole: CodeWholeRows): string {
  const derived = whole.derived?.length ? `: ${whole.derived.join('; ')}` : '';
  if (whole.widened.length === 0)
    return `which the migration changes${derived}`;
  return `whose ${whole.widened
    .map(w => `"${w.field}"`)
    .join(', ')} the migration widens (${whole.widened
    .map(w => `${w.from} → ${w.to}`)
    .join(
      ', ',
    )}): SQL reads the wider type as it is, but a client driver returns it as another type (node-postgres a string for bigint and numeric, Python's drivers Decimal for numeric, JDBC's getObject Long or BigDecimal, not Integer), so code using the rows' values may get other results${derived}`;
}

/** Eloquent's static calls reading no whole row of the model's table. */
const ELOQUENT_NO_ROWS =
  'select|selectRaw|pluck|value|count|sum|max|min|avg|average|exists|doesntExist|insert|insertGetId|insertOrIgnore|upsert|create|forceCreate|make|destroy|truncate|raw|unguard|reguard|unguarded|observe|boot|booted|creating|created|updating|updated|saving|saved|deleting|deleted|retrieved|addGlobalScope|withoutEvents|flushEventListeners|factory|new|getTable|resolveRelationUsing|preventLazyLoading|shouldBeStrict|macro|mixin';

/** CakePHP's table methods reading no whole row. */
const CAKE_NO_ROWS =
  'save|saveMany|saveOrFail|saveManyOrFail|newEntity|newEntities|newEmptyEntity|patchEntity|patchEntities|delete|deleteOrFail|deleteAll|deleteMany|deleteManyOrFail|updateAll|exists|getSchema|getTable|getAlias|getPrimaryKey|getDisplayField|hasField|belongsTo|hasMany|hasOne|belongsToMany|addBehavior|removeBehavior|getValidator|getConnection';

/**
 * Whole rows of the table read through an ORM's or query builder's own API,
 * which no SQL in the file shows (found by round 29, W4, each unaffected under
 * a rename, a drop and a widening to numeric):
 * - a class the file itself maps to the table ({@link ormClassesOf}: Rails'
 *   `self.table_name = 'raw.orders'`, SQLAlchemy's `__tablename__`, JPA's
 *   `@Table`, …) used beyond its declaration (`render json:
 *   Order.find(params[:id])`, `Order.where(…)`, `session.query(Order)`: Active
 *   Record reads `SELECT "orders".*`, and JSON of a record has every column),
 *   or a record's whole row in that file (`attributes`, `column_names`,
 *   `as_json`, `to_dict`, `__dict__`, Sequelize's `dataValues`);
 * - R's `tbl(con, in_schema('raw', 'orders'))`, `dbReadTable(con, Id(schema =
 *   'raw', table = 'orders'))`, `tbl(con, I("raw.orders"))`;
 * - knex's `knex.withSchema('raw').from('orders')` or `knex.select().from(…)`
 *   without columns (and pypika's `from_`);
 * - Ruby Sequel's `DB.from(:orders)`, `Sequel::Model(:orders)`, `Sequel[:raw][:orders]`,
 *   `Sequel.qualify(:raw, :orders)`, `:raw__orders`.
 * A table qualified by another schema (`in_schema('staging', 'orders')`,
 * `withSchema('staging')`) or of another name (`orders_archive`) is not the
 * dataset's.
 */
export function libraryWholeRows(
  content: string,
  target: DatasetTarget,
  mappedElsewhere: string[] = [],
  /** Only what this label names, where given. */
  only?: string,
): { what: string[]; lines: number[] } {
  const table = escapeRegExp(target.table);
  const q = `['"\`]`;
  const sameSchema = (schema: string | undefined) =>
    schema === undefined ||
    schema.replace(/"/g, '').toLowerCase() === target.schema.toLowerCase();
  const what: string[] = [];
  const lines = new Set<number>();
  const found = (name: string, at: number) => {
    if (only !== undefined && name !== only) return;
    if (!what.includes(name)) what.push(name);
    lines.add(positionOf(content, at).line);
  };

  // Classes the file maps to the table, used beyond their declaration.
  const classes = [
    ...new Set([
      ...ormClassesOf(content, target.table, target.schema),
      ...mappedElsewhere,
    ]),
  ];
  const mapsTable = new RegExp(
    `${q}(?:[\\w$]+\\.)?${table}${q}|\\bschema\\s*${q}`,
    'i',
  );
  // Whether each line (by number) holds the mapping itself, tested once: a
  // hostile one-line file names the class thousands of times.
  const mappingLines = new Map<number, boolean>();
  for (const name of classes) {
    const use = new RegExp(`(?<![\\w$.])${escapeRegExp(name)}(?![\\w$])`, 'g');
    for (const match of content.matchAll(use)) {
      const at = match.index ?? 0;
      const before = content.slice(Math.max(0, at - 60), at);
      if (
        /\b(?:class|model|object|interface|struct|type|defmodule)\s+(?:[\w]+\.)*$/.test(
          before,
        )
      )
        continue;
      // Its name given (`define('Order', …)`) or bound (`const Order = …`).
      if (
        /['"]$/.test(before) ||
        /^\s*=(?!=)/.test(content.slice(at + name.length))
      )
        continue;
      const { line, column } = positionOf(content, at);
      let mapping = mappingLines.get(line);
      if (mapping === undefined) {
        const lineEnd = content.indexOf('\n', at);
        mapping = mapsTable.test(
          content.slice(
            at - column + 1,
            lineEnd === -1 ? content.length : lineEnd,
          ),
        );
        mappingLines.set(line, mapping);
      }
      // The mapping itself (`Entity<Order>().ToTable("orders")`, `define('Order', …)`).
      if (mapping) continue;
      found(
        `${name}, which ${
          mappedElsewhere.includes(name) ? 'another file' : 'the file'
        } maps to ${target.table}`,
        at,
      );
    }
  }
  if (classes.length > 0)
    for (const match of content.matchAll(
      /(?<![\w$])(?:attributes|column_names|content_columns|columns_hash|as_json|to_json|serializable_hash|to_dict|model_to_dict|__dict__|dataValues|toJSON)(?![\w$])/g,
    ))
      found(
        `a record's whole row (${match[0]}) of ${classes.join(', ')}`,
        match.index ?? 0,
      );

  // Ruby naming Active Record's model of the table by convention (`Order`
  // for `orders`, defined in app/models/order.rb with no table_name) and
  // querying it: `render json: Order.find(params[:id])` has every column.
  // Not where the file maps its classes itself (above).
  if (
    /^[ \t\uFEFF]*end\b|\{\s*\|\w+\|/m.test(content) &&
    !/\btable_name\s*=/.test(content)
  )
    for (const name of modelClassNames(target.table).filter(
      n => !classes.includes(n),
    ))
      for (const match of content.matchAll(
        new RegExp(
          `(?<![\\w$.:])${escapeRegExp(
            name,
          )}\\s*\\.\\s*(?:find|find_by!?|find_each|find_in_batches|find_sole_by|sole|where|all|first|last|take|order|limit|offset|includes|joins|left_joins|preload|eager_load|in_batches|column_names|attribute_names|columns)(?![\\w$!?])`,
          'g',
        ),
      ))
        found(
          `${name}, which Active Record maps to ${target.table} by its name`,
          match.index ?? 0,
        );

  // PHP naming the table's model by convention, where the file maps it to
  // no table of its own (`protected $table = 'legacy_orders'`, CakePHP's
  // `setTable('…')`): Eloquent's `class Order extends Model` (the snake_case
  // plural of its name, `OrderItem` for `order_items`, `Person` for `people`)
  // queried statically (`Order::find($id)`, `Order::query()->paginate(50)`,
  // a scope's `Order::open()->get()`) or bound to a route's parameter
  // (`show(Order $order)`): `select * from orders`, every column in
  // its JSON, `$order->note` null once contract drops it); and CakePHP's
  // table class of the table's name (`OrdersTable`, `$this->Orders->find()`,
  // `$this->fetchTable('Orders')`). Not calls reading no row
  // (`Order::count()`, `Order::pluck('id')`, `$this->Orders->newEmptyEntity()`).
  const ownTable = classesWithOwnTable(content);
  for (const name of modelClassNames(target.table).filter(
    n => !classes.includes(n) && !ownTable.has(n),
  ))
    for (const match of content.matchAll(
      new RegExp(
        `(?<![\\w$.:])${escapeRegExp(
          name,
        )}(?:\\s*::\\s*(?!(?:${ELOQUENT_NO_ROWS})(?![\\w$]))[a-z_]\\w*\\s*\\(|\\s+\\$[A-Za-z_])`,
        'g',
      ),
    ))
      found(
        `${name}, which Eloquent maps to ${target.table} by its name`,
        match.index ?? 0,
      );
  // CakePHP's tables: the table's by its name, and a class mapped to it
  // (`PurchasesTable` by `setTable('orders')`), read by its alias
  // (`fetchTable('Purchases')`, which names no class).
  const alias = cakeAliasOf(target.table);
  const cakeTables = [
    ...(alias && !ownTable.has(`${alias}Table`) && !classes.includes(alias)
      ? [{ alias, why: `the CakePHP table of ${target.table} by its name` }]
      : []),
    ...classes
      .filter(name => /^[A-Z]/.test(name))
      .map(name => ({
        alias: name,
        why: `which ${
          mappedElsewhere.includes(name) ? 'another file' : 'the file'
        } maps to ${target.table}`,
      })),
  ];
  for (const { alias: cake, why } of cakeTables) {
    const a = escapeRegExp(cake);
    for (const match of content.matchAll(
      new RegExp(
        [
          `\\$this\\s*->\\s*${a}\\s*->\\s*(?!(?:${CAKE_NO_ROWS})(?![\\w$]))[a-z_]\\w*\\s*\\(`,
          `\\b(?:fetchTable|loadModel|TableRegistry\\s*::\\s*get|getTableLocator\\s*\\(\\s*\\)\\s*->\\s*get)\\s*\\(\\s*['"](?:\\w+\\.)?${a}['"]`,
        ].join('|'),
        'g',
      ),
    ))
      found(`${cake}, ${why}`, match.index ?? 0);
    // Inside the table class itself: `$this->find()`.
    if (
      new RegExp(
        `\\bclass\\s+${a}Table\\s+extends\\s+(?:\\\\?\\w+\\\\)*Table\\b`,
      ).test(content)
    )
      for (const match of content.matchAll(
        /\$this\s*->\s*(?:find|findAll|get|query|selectQuery|findOrCreate)\w*\s*\(/g,
      ))
        found(`${cake}Table, ${why}`, match.index ?? 0);
  }

  // R: DBI's Id() and dbplyr's in_schema() or I() naming the table.
  for (const match of content.matchAll(
    /\b(?:tbl|dbReadTable|dbWriteTable|dbAppendTable|dbCreateTable)\s*\([^,()]*,\s*(?:\w+::)?(in_schema|in_catalog|Id|I)\s*\(([^()]*)\)/g,
  )) {
    const [, call, args] = match;
    const strings = [
      ...args.matchAll(/(?:\b(\w+)\s*=\s*)?['"]([^'"]*)['"]/g),
    ].map(a => ({ key: a[1], value: a[2] }));
    let schema: string | undefined;
    let name: string | undefined;
    if (call === 'I') {
      const parts = (strings[0]?.value ?? '').split('.');
      name = parts.at(-1);
      schema = parts.length > 1 ? parts.at(-2) : undefined;
    } else {
      name =
        strings.find(s => s.key === 'table')?.value ??
        strings.filter(s => !s.key).at(-1)?.value;
      const positional = strings.filter(s => !s.key);
      schema =
        strings.find(s => s.key === 'schema')?.value ??
        (positional.length >= 2 ? positional.at(-2)?.value : undefined);
    }
    if (name?.replace(/"/g, '') === target.table && sameSchema(schema))
      found(DATAFRAME, match.index ?? 0);
  }

  // knex (and pypika) selecting from the table without columns.
  let semicolon: number | undefined;
  let schemasBefore: ReturnType<typeof withSchemasBefore> | undefined;
  for (const match of content.matchAll(
    new RegExp(
      `\\.\\s*from_?\\s*\\(\\s*${q}\\s*(?:"?([\\w$]+)"?\\s*\\.\\s*)?"?${table}"?(?:\\s+as\\s+\\w+)?\\s*${q}\\s*\\)(?!\\s*\\.\\s*(?:select|pluck|first|count|countDistinct|sum|max|min|avg|column|columns|distinct)\\s*\\(\\s*${q}(?!\\s*\\*))`,
      'gi',
    ),
  )) {
    const at = match.index ?? 0;
    const start = Math.max(
      lastIndexAfter(content, ';', at, at - 300),
      lastIndexAfter(content, '\n\n', at, at - 300),
      at - 300,
    );
    const chain = content.slice(start + 1, at);
    if (
      new RegExp(
        `\\b(?:select|column|columns|pluck|count|sum|max|min|avg|distinct)\\s*\\(\\s*${q}(?!\\s*\\*)`,
      ).test(chain)
    )
      continue;
    // The `;` after a chain, found once for all the chains before it.
    if (semicolon === undefined || (semicolon !== -1 && semicolon < at))
      semicolon = content.indexOf(';', at);
    const end = semicolon;
    let schemasSame: boolean;
    if (end === -1) {
      const around = chain + content.slice(at, at + 300);
      schemasSame = [
        ...around.matchAll(
          new RegExp(`\\bwithSchema\\s*\\(\\s*${q}([^'"\`]+)${q}`, 'g'),
        ),
      ].every(m => sameSchema(m[1]));
    } else {
      if (schemasBefore?.end !== end)
        schemasBefore = withSchemasBefore(content, end, start + 1, sameSchema);
      schemasSame = schemasBefore.sameFrom(start + 1);
    }
    if (!sameSchema(match[1]) || !schemasSame) continue;
    found('a query builder of the table', at);
  }

  // Ruby Sequel's datasets of the table.
  for (const [pattern, schemaGroup] of [
    [
      new RegExp(
        `(?:\\.\\s*from|\\bSequel\\s*::\\s*Model)\\s*\\(\\s*:${table}(?![\\w$])`,
        'g',
      ),
      0,
    ],
    [
      new RegExp(
        `\\bSequel\\s*\\[\\s*:(\\w+)\\s*\\]\\s*\\[\\s*:${table}\\s*\\]`,
        'g',
      ),
      1,
    ],
    [
      new RegExp(
        `\\bSequel\\s*\\.\\s*qualify\\s*\\(\\s*:(\\w+)\\s*,\\s*:${table}\\s*\\)`,
        'g',
      ),
      1,
    ],
    [new RegExp(`(?<![\\w$]):(\\w+?)__${table}(?![\\w$])`, 'g'), 1],
  ] as Array<[RegExp, number]>)
    for (const match of content.matchAll(pattern))
      if (sameSchema(schemaGroup ? match[schemaGroup] : undefined))
        found('Sequel', match.index ?? 0);

  return { what, lines: [...lines].sort((a, b) => a - b) };
}

/**
 * PHP classes the file gives a table of their own (Eloquent's `protected
 * $table = '…'`, CakePHP's `$this->setTable('…')`), each the class declared
 * last before it: their names map no table by convention.
 */
function classesWithOwnTable(content: string): Set<string> {
  const own = new Set<string>();
  if (!/\$table\s*=|\bsetTable\s*\(/.test(content)) return own;
  const declarations = [...content.matchAll(/\bclass\s+([A-Z][\w$]*)/g)].map(
    m => ({ at: m.index ?? 0, name: m[1] }),
  );
  let d = -1;
  for (const match of content.matchAll(/\$table\s*=|\bsetTable\s*\(/g)) {
    while (
      d + 1 < declarations.length &&
      declarations[d + 1].at < (match.index ?? 0)
    )
      d++;
    if (d >= 0) own.add(declarations[d].name);
  }
  return own;
}

/** CakePHP's alias of a table (`Orders`, `OrderItems`): its name in CamelCase. */
function cakeAliasOf(table: string): string | undefined {
  if (!/^[a-z][a-z0-9_]*$/.test(table)) return undefined;
  return table
    .split('_')
    .filter(w => w.length > 0)
    .map(w => w[0].toUpperCase() + w.slice(1))
    .join('');
}

/**
 * `text.lastIndexOf(needle, before - 1)`, or -1 where that is before `floor`:
 * without reading back past `floor`, which a hostile line would make read
 * the whole line for each of its matches.
 */
function lastIndexAfter(
  text: string,
  needle: string,
  before: number,
  floor: number,
): number {
  const from = Math.max(0, floor);
  const found = text
    .slice(from, before - 1 + needle.length)
    .lastIndexOf(needle);
  return found === -1 ? -1 : from + found;
}

/**
 * Whether every knex `withSchema('…')` call in `text.slice(from, end)`, read
 * from `from` on as a global regex would, names a schema `sameSchema` takes,
 * for any `from` not before `floor` (and not decreasing from call to call).
 * Each call is read once for every chain ending at the same `end`: on a line
 * of thousands of chains and one `;`, reading the rest of the line for each
 * would be quadratic.
 */
function withSchemasBefore(
  text: string,
  end: number,
  floor: number,
  sameSchema: (schema: string) => boolean,
): { end: number; sameFrom: (from: number) => boolean } {
  const upToEnd = text.slice(0, end);
  const call = /withSchema\s*\(\s*['"`]([^'"`]+)['"`]/y;
  // Where each call starts, what it spans and whether its schema is taken.
  const starts: number[] = [];
  for (
    let i = upToEnd.indexOf('withSchema', floor);
    i !== -1;
    i = upToEnd.indexOf('withSchema', i + 1)
  )
    starts.push(i);
  const read = (i: number) => {
    call.lastIndex = i;
    const m = call.exec(upToEnd);
    return m ? { length: m[0].length, same: sameSchema(m[1]) } : undefined;
  };
  // The first start at or after `at`.
  const firstFrom = (at: number) => {
    let low = 0;
    let high = starts.length;
    while (low < high) {
      const mid = (low + high) >> 1;
      if (starts[mid] < at) low = mid + 1;
      else high = mid;
    }
    return low;
  };
  // allSame[k]: every call read from starts[k] on names a taken schema; a
  // `withSchema` right after a word character is not one (`\b`).
  const allSame: boolean[] = new Array(starts.length + 1).fill(true);
  for (let k = starts.length - 1; k >= 0; k--) {
    const i = starts[k];
    const m = i > 0 && /\w/.test(upToEnd[i - 1]) ? undefined : read(i);
    allSame[k] = m
      ? m.same && allSame[firstFrom(i + m.length)]
      : allSame[k + 1];
  }
  return {
    end,
    sameFrom: (from: number) => {
      const k = firstFrom(from);
      // A call where the text read starts has `\b` before it, whatever the
      // character before.
      if (starts[k] !== from) return allSame[k];
      const m = read(from);
      return m ? m.same && allSame[firstFrom(from + m.length)] : allSame[k + 1];
    },
  };
}
