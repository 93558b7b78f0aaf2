/**
 * Whole rows of the dataset read or written by code in other languages (and
 * configuration), which names none of the fields it gets.
 */
import { escapeRegExp, type DatasetTarget } from './analyzeSql';
import {
  starChanges,
  widenedFields,
  type ConsumerMapping,
} from './fieldMapping';
import { positionOf } from '../../sql/sqlParser';

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
): { what: string[]; lines: number[] } {
  const table = `(?:(?:"[^"]+"|[A-Za-z_][\\w$]*)\\s*\\.\\s*)?"?${escapeRegExp(
    target.table,
  )}"?(?![\\w$])`;
  const patterns: Array<[string, RegExp]> = [];
  if (rowsChange)
    patterns.push(
      [
        '*',
        /\b(?:select(?:\s+distinct(?:\s+on\s*\([^)]*\))?|\s+all)?|returning)\s+(?:(?:"[^"]+"|[A-Za-z_][\w$]*)\s*\.\s*)?\*/gi,
      ],
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
        'a DataFrame of the table',
        new RegExp(
          `\\b(?:table|read_sql|read_table|jdbc|dbReadTable|tbl)\\s*\\(\\s*(?:[^,()'"\`]*,\\s*)?['"\`]\\s*${table}\\s*['"\`]`,
          'gi',
        ),
      ],
      [
        'dbtable',
        new RegExp(`\\bdbtable['"]?\\s*[,=:]\\s*['"]\\s*${table}`, 'gi'),
      ],
      ["dbt's Python source()", /\bdbt\s*\.\s*(?:source|ref)\s*\(/g],
      // Query builders' whole rows: knex's `knex('orders')` (every column
      // unless it selects some), Kysely's `selectAll()`, Ruby Sequel's
      // `DB[:orders]`, often handed on as JSON whose keys are the columns.
      [
        'a query builder of the table',
        new RegExp(
          `\\b(?:knex|db|trx)\\s*\\(\\s*['"\`]\\s*${table}\\s*['"\`]\\s*\\)(?!\\s*\\.\\s*(?:select|pluck|first|count|sum|max|min|avg)\\s*\\(\\s*['"\`](?!\\s*\\*))`,
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
        "a check of the table's columns",
        /\b(?:expect_table_columns_to_match_(?:ordered_list|set)|expect_table_column_count_to_(?:equal|be_between)|when\s+mismatching\s+columns|when\s+wrong\s+column\s+index)\b/gi,
      ],
      // Change data capture of the table (Debezium's `table.include.list`)
      // sends its rows on, keyed by column.
      [
        'a change-data capture of the table',
        new RegExp(
          `\\btable\\.(?:include\\.list|whitelist)['"]?\\s*[:=]\\s*['"]?[^'"\\n]*?(?<![\\w$])${table}`,
          'gi',
        ),
      ],
      [
        'Sequel',
        new RegExp(`\\[\\s*:${escapeRegExp(target.table)}\\s*\\]`, 'g'),
      ],
    );
  // dbt's YAML snapshots (1.9+) copy every field of their `relation:` into
  // the snapshot models read by `ref()`: renamed, dropped, added or widened
  // fields reach those models unseen. A unit test's `fixture:` file gives a
  // source's rows by column name, which dbt checks against the table's.
  if (starChanges(mapping) || widenedFields(mapping).length > 0)
    if (/^\s*snapshots\s*:/m.test(content))
      patterns.push([
        'a dbt snapshot of every field',
        /^\s*-?\s*relation\s*:\s*["']?\s*(?:source|ref)\s*\(/gm,
      ]);
  if (starChanges(mapping) && /^\s*unit_tests\s*:/m.test(content))
    patterns.push(["a dbt unit test's fixture file", /^\s*-?\s*fixture\s*:/gm]);
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
        `\\binsert\\s+into\\s+${table}\\s*(?:as\\s+\\w+\\s+)?(?:values|select|with|table|\\(\\s*(?:select|with|values)\\b)`,
        'gi',
      ),
    ]);
  const what: string[] = [];
  const lines = new Set<number>();
  const writes = [
    'rows written by their columns',
    "a check of the table's columns",
  ];
  for (const [name, pattern] of patterns)
    if (rowsChange !== 'reads' || !writes.includes(name))
      for (const match of content.matchAll(pattern)) {
        if (!what.includes(name)) what.push(name);
        lines.add(positionOf(content, match.index ?? 0).line);
      }
  return { what, lines: [...lines].sort((a, b) => a - b) };
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
): CodeWholeRows {
  const widened = clientVisibleWidenings(mapping);
  // A widening alone changes what is read, not what may be written.
  const rowsChange = starChanges(mapping) || (widened.length > 0 && 'reads');
  const whole = wholeRowsRead(content, target, mapping, rowsChange);
  return { ...whole, widened: whole.lines.length > 0 ? widened : [] };
}

/** Why whole rows read by code need a person: the widened fields, or the changed row. */
export function wholeRowsReason(whole: CodeWholeRows): string {
  if (whole.widened.length === 0) return 'which the migration changes';
  return `whose ${whole.widened
    .map(w => `"${w.field}"`)
    .join(', ')} the migration widens (${whole.widened
    .map(w => `${w.from} → ${w.to}`)
    .join(
      ', ',
    )}): SQL reads the wider type as it is, but a client driver returns it as another type (node-postgres a string for bigint and numeric, Python's drivers Decimal for numeric, JDBC's getObject Long or BigDecimal, not Integer), so code using the rows' values may get other results`;
}
