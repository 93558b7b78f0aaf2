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
 */
export function wholeRowsRead(
  content: string,
  target: DatasetTarget,
  mapping: ConsumerMapping,
): { what: string[]; lines: number[] } {
  const table = `(?:(?:"[^"]+"|[A-Za-z_][\\w$]*)\\s*\\.\\s*)?"?${escapeRegExp(
    target.table,
  )}"?(?![\\w$])`;
  const patterns: Array<[string, RegExp]> = [];
  if (starChanges(mapping))
    patterns.push(
      [
        '*',
        /\b(?:select(?:\s+distinct(?:\s+on\s*\([^)]*\))?|\s+all)?|returning)\s+(?:(?:"[^"]+"|[A-Za-z_][\w$]*)\s*\.\s*)?\*/gi,
      ],
      ['read_sql_table', /\bread_sql_table\s*\(/g],
      ['autoload', /\bautoload(?:_with)?\s*=/g],
      ['COPY', new RegExp(`\\bcopy\\s+${table}\\s+(?:from|to)\\b`, 'gi')],
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
  for (const [name, pattern] of patterns)
    for (const match of content.matchAll(pattern)) {
      if (!what.includes(name)) what.push(name);
      lines.add(positionOf(content, match.index ?? 0).line);
    }
  return { what, lines: [...lines].sort((a, b) => a - b) };
}
