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
import { escapeRegExp, type DatasetTarget } from './analyzeSql';
import type { ConsumerMapping } from './fieldMapping';
import { positionOf } from '../../sql/sqlParser';

export type CodeTableStatement =
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
  | 'ON CONFLICT';

/**
 * Code's text with its comments blanked, positions kept: `#` (Python, shell,
 * YAML, Ruby), `//` and `-- ` to the end of the line where they start a line
 * or follow a blank (not a command's `--data-only`), and `/* … *\/` blocks. A
 * statement named in a comment is not run.
 */
function withoutComments(code: string): string {
  const blank = (text: string) => text.replace(/[^\n]/g, ' ');
  return (
    code
      // Not a glob's `data/*.csv`: a comment starts a line or follows a blank.
      .replace(/(?<=^|[\s;(])\/\*[\s\S]*?\*\//gm, blank)
      .replace(
        /(^|[ \t])(?:#|\/\/|--(?=\s|-|$))[^\n]*/gm,
        (match, lead: string) => `${lead}${blank(match.slice(lead.length))}`,
      )
  );
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

/** Keywords that start the statements looked for. */
const SQL_KEYWORDS =
  /^(?:copy|truncate|vacuum|analy[sz]e|alter|create|drop|cluster|reindex|insert|update|delete|select|from)$/i;

/**
 * Where a SQL statement may start in code: a string's or line's start, after
 * `;`, `(`, a YAML key or list item (dbt's `on-run-start:` list), a dollar
 * quote opening a function's body (`AS $$ TRUNCATE orders $$`), or a PL/pgSQL
 * block's word (`BEGIN`, `THEN`, `LOOP`).
 */
const STATEMENT_START = String.raw`(?:^|^\s*-\s|[;"'\x60(]|:\s|\$\w*\$|\b(?:begin|then|else|loop|atomic)\s)\s*`;

/** Where a COPY reads or writes: a stream, a program, a quoted path, a placeholder, a file's name. */
const COPY_END = String.raw`(?:stdin|stdout|pstdin|pstdout|program|['"$%{:?]|[\w./-]*[./][\w./-]*)`;

function patterns(
  target: DatasetTarget,
  mapping: ConsumerMapping,
): Array<[CodeTableStatement, RegExp]> {
  const name = namePattern(target);
  const list = `(?:only\\s+)?(?:[\\w$."]+\\s*\\*?\\s*,\\s*(?:only\\s+)?)*${name}`;
  const table = escapeRegExp(target.table);
  const quotedName = `\\\\?['"]${name}\\\\?['"]`;
  const found: Array<[CodeTableStatement, RegExp]> = [
    [
      'COPY … TO',
      new RegExp(
        `${STATEMENT_START}\\\\?copy\\s+${name}\\s*(?:\\([^)]*\\))?\\s+to\\s+${COPY_END}`,
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
        `${STATEMENT_START}\\\\?copy\\s+${name}\\s*(?:\\([^)]*\\))?\\s+from\\s+${COPY_END}`,
        'gim',
      ),
    ],
    [
      'COPY … FROM',
      // psycopg2's copy_from(file, table), asyncpg's copy_to_table and
      // copy_records_to_table, Airflow's bulk_load, pgx's CopyFrom.
      new RegExp(
        `\\b(?:copy_from\\s*\\(\\s*[^,()]+,\\s*(?:table\\s*=\\s*)?|copy_(?:records_)?to_table\\s*\\(\\s*(?:table_name\\s*=\\s*)?|bulk_load\\s*\\(\\s*(?:table\\s*=\\s*)?)${quotedName}|\\bCopyFrom\\s*\\([^,]*,\\s*pgx\\.Identifier\\s*\\{\\s*(?:"${escapeRegExp(
          target.schema,
        )}"\\s*,\\s*)?"${table}"\\s*\\}`,
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
    ...identified(target),
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
        `\\bpg_dump\\b[^;|&\\n]*(?:\\\\\\n[^;|&\\n]*)*?(?:[\\s'"]-t|--table)[=\\s'",]*${name}['"]*(?=[\\s'",\\]]|$)`,
        'gim',
      ),
    ],
    [
      'COPY … FROM',
      // pg_restore -t loads the table's rows with COPY … FROM.
      new RegExp(
        `\\bpg_restore\\b[^;|&\\n]*(?:\\\\\\n[^;|&\\n]*)*?(?:[\\s'"]-t|--table)[=\\s'",]*${name}['"]*(?=[\\s'",\\]]|$)`,
        'gim',
      ),
    ],
    [
      'a schema change (ALTER TABLE, CREATE INDEX, REFERENCES, CLUSTER, REINDEX, a trigger, or a migration tool’s)',
      new RegExp(
        [
          `${STATEMENT_START}alter\\s+table\\s+(?:if\\s+exists\\s+)?(?:only\\s+)?${name}`,
          `${STATEMENT_START}create\\s+(?:unique\\s+)?index\\b[^;'"]{0,200}?\\bon\\s+(?:only\\s+)?${name}`,
          `\\breferences\\s+${name}\\s*(?:\\(|,|\\)|;|$|\\s+(?:on|match|not|deferrable|initially)\\b)`,
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
          `\\bmode\\s*\\(\\s*(?:['"]overwrite['"]|SaveMode\\.Overwrite)\\s*\\)[^;]{0,400}?(?:\\bjdbc\\s*\\([^,]*,\\s*|\\bdbtable['"]?\\s*[,=:]\\s*)${quotedName}`,
          `(?:\\bjdbc\\s*\\([^,]*,\\s*|\\bdbtable['"]?\\s*[,=:]\\s*)${quotedName}[^;]{0,400}?\\bmode\\s*\\(\\s*(?:['"]overwrite['"]|SaveMode\\.Overwrite)\\s*\\)`,
          `\\breferences\\s*:\\s*\\{\\s*model\\s*:\\s*${quotedName}`,
          // Liquibase: `<addColumn tableName="orders">`, `referencedTableName="orders"`.
          `<\\s*(?:addColumn|createIndex|addForeignKeyConstraint|addUniqueConstraint|addPrimaryKey|renameColumn|dropColumn|modifyDataType|addNotNullConstraint|dropNotNullConstraint|addDefaultValue)\\b[^>]*?\\b(?:baseTableName|tableName)\\s*=\\s*${quotedName}`,
          `\\breferencedTableName\\s*=\\s*${quotedName}`,
        ].join('|'),
        'gim',
      ),
    ],
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
  ];
  if (mapping.viewHasTrigger)
    found.push([
      'ON CONFLICT',
      new RegExp(
        // Airflow's PostgresHook.insert_rows(table, rows, replace=True) upserts.
        `\\binsert\\s+into\\s+${name}[^;]{0,2000}?\\bon\\s+conflict\\b(?!\\s+on\\s+constraint)|\\binsert_rows\\s*\\(\\s*(?:table\\s*=\\s*)?${quotedName}[^)]*\\breplace\\s*=\\s*True`,
        'gi',
      ),
    ]);
  return found;
}

/**
 * psycopg's composed SQL: `sql.SQL("TRUNCATE {}").format(sql.Identifier("orders"))`,
 * `sql.Identifier("public", "orders")`, the statement's `{}` the table.
 */
function identified(
  target: DatasetTarget,
): Array<[CodeTableStatement, RegExp]> {
  const identifier = `\\bIdentifier\\s*\\(\\s*(?:['"]${escapeRegExp(
    target.schema,
  )}['"]\\s*,\\s*)?['"]${escapeRegExp(target.table)}['"]\\s*\\)`;
  const formatted = (statement: string) =>
    new RegExp(
      `${STATEMENT_START}${statement}[^;'"]{0,200}['"][^;]{0,200}?\\.format\\s*\\(\\s*(?:\\w+\\s*=\\s*)?(?:sql\\s*\\.\\s*)?${identifier}`,
      'gim',
    );
  return [
    ['COPY … TO', formatted(`copy\\s+\\{\\w*\\}\\s*(?:\\([^)]*\\))?\\s+to\\b`)],
    [
      'COPY … FROM',
      formatted(`copy\\s+\\{\\w*\\}\\s*(?:\\([^)]*\\))?\\s+from\\b`),
    ],
    [
      'TRUNCATE',
      formatted(`truncate\\s+(?:table\\s+)?(?:only\\s+)?\\{\\w*\\}`),
    ],
    [
      'VACUUM or ANALYZE',
      formatted(
        `(?:vacuum|analy[sz]e)(?:\\s+(?:full|freeze|verbose|analy[sz]e))*\\s+\\{\\w*\\}`,
      ),
    ],
  ];
}

/**
 * A statement whose table an interpolation names (`f"TRUNCATE {table}"`,
 * `` `COPY ${TABLE} TO STDOUT` ``, `"VACUUM {}".format(table)` is not read),
 * where the file sets that variable to the dataset's name (`TABLE =
 * "public.orders"`, `table: str = 'orders'`), as DAGs and loaders do.
 */
function throughVariables(
  text: string,
  target: DatasetTarget,
): Array<{ kind: CodeTableStatement; at: number }> {
  const found: Array<{ kind: CodeTableStatement; at: number }> = [];
  const statement = new RegExp(
    `${STATEMENT_START}(\\\\?copy|truncate(?:\\s+table)?|vacuum(?:\\s+(?:full|analy[sz]e|verbose))*|analy[sz]e|alter\\s+table|drop\\s+table(?:\\s+if\\s+exists)?)\\s+(?:only\\s+)?(?:\\{(\\w+)\\}|\\$\\{(\\w+)\\}|#\\{(\\w+)\\})\\s*(?:\\([^)]*\\)\\s*)?(\\w*)`,
    'gim',
  );
  const named = new RegExp(namePattern(target), 'i');
  for (const match of text.matchAll(statement)) {
    const keyword = match[1].replace(/^\\/, '');
    const first = /[A-Za-z]+/.exec(keyword)![0];
    if (first !== first.toUpperCase() && first !== first.toLowerCase())
      continue;
    const variable = match[2] ?? match[3] ?? match[4];
    const set = new RegExp(
      `(?<![\\w$.])${escapeRegExp(
        variable,
      )}\\s*(?::\\s*\\w+\\s*)?[:=]\\s*['"]([^'"\\n]+)['"]`,
      'g',
    );
    if (
      ![...text.matchAll(set)].some(v => {
        const value = v[1].trim();
        const m = named.exec(value);
        return !!m && m.index === 0 && m[0].length === value.length;
      })
    )
      continue;
    const after = match[5].toLowerCase();
    const word = keyword.toLowerCase();
    const copy: Record<string, CodeTableStatement> = {
      to: 'COPY … TO',
      from: 'COPY … FROM',
    };
    let kind: CodeTableStatement | undefined =
      'a schema change (ALTER TABLE, CREATE INDEX, REFERENCES, CLUSTER, REINDEX, a trigger, or a migration tool’s)';
    if (word.startsWith('copy')) kind = copy[after];
    else if (word.startsWith('truncate')) kind = 'TRUNCATE';
    else if (word.startsWith('vacuum') || word.startsWith('analy'))
      kind = 'VACUUM or ANALYZE';
    if (kind)
      found.push({
        kind,
        at: (match.index ?? 0) + Math.max(0, match[0].search(/[A-Za-z\\]/)),
      });
  }
  return found;
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
    case 'ON CONFLICT':
      return 'this migration gives the view an INSTEAD OF trigger until contract, through which ON CONFLICT fails: use MERGE, or wait for contract';
    default:
      return `a view refuses an application's own schema change (or, for what a view takes, applies it to the view, not the data): name ${t}_v<N>, the version the migration makes, or run it before the migration`;
  }
}

/**
 * The statements in `code` that need the dataset's name to be a table, with
 * their lines and a reason for a person, or undefined where there are none.
 */
export function tableStatementsIn(
  code: string,
  target: DatasetTarget,
  mapping: ConsumerMapping,
):
  | { what: CodeTableStatement[]; lines: number[]; message: string }
  | undefined {
  const text = withoutComments(code);
  const what: CodeTableStatement[] = [];
  const lines = new Set<number>();
  for (const [kind, pattern] of patterns(target, mapping))
    for (const match of text.matchAll(pattern)) {
      // A SQL keyword is written in capitals or in lower case; `Analyze
      // orders` and `Truncate orders` are a label's or a sentence's words.
      const keyword = /[A-Za-z]+/.exec(match[0])?.[0] ?? '';
      if (
        SQL_KEYWORDS.test(keyword) &&
        keyword !== keyword.toUpperCase() &&
        keyword !== keyword.toLowerCase()
      )
        continue;
      // A quoted name keeps its case: `"Orders"` is another table.
      if (quotedOtherCase(match[0], target.table)) continue;
      if (!what.includes(kind)) what.push(kind);
      // The statement's keyword, past what stands before it (a quote, a newline).
      const at =
        (match.index ?? 0) + Math.max(0, match[0].search(/[A-Za-z\\]/));
      lines.add(positionOf(code, at).line);
    }
  for (const { kind, at } of throughVariables(text, target)) {
    if (!what.includes(kind)) what.push(kind);
    lines.add(positionOf(code, at).line);
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
      .map(w => instead(w, target, mapping))
      .join('; ')}. Change it before the migration runs, then Retry`,
  };
}
