/**
 * Test-only: proves the consumer rewriter on SQL written by others. For every
 * (source, migration) the source's files go through `assessConsumer` as a
 * consumer's repository would; then each SQL file is run on real Postgres, the
 * original on the old layout and what the rewriter made of it (the rewrite, or
 * the original when it called the file unaffected) on the new one, and the rows,
 * column names and column types are compared. See README.md in this directory.
 */
import { escapeRegExp } from '../../../sql/regExp';
import fs from 'node:fs';
import path from 'node:path';
import type { Knex } from 'knex';
import type {
  DatasetField,
  FieldChange,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import { assessConsumer } from '../../impact';
import { datasetTarget, renamedRelation } from '../datasetTarget';
import { refsIn } from '../dbtJinja';
import { dbtProjectOf, type DbtProject } from '../dbtProject';
import { renderDbtModel } from '../dbtRender';
import { consumerMapping, widenedFields } from '../fieldMapping';
import { identifier } from '../rewriteSql';
import { parseSql } from '../../../sql/sqlParser';

export interface CorpusMigration {
  name: string;
  /**
   * The table the migration changes, as the catalog names it (`schema.table`
   * when the consumer's SQL or dbt sources name its schema); the harness keeps
   * every table of a source in one schema of its own.
   */
  dataset: string;
  changes: FieldChange[];
  /** The dataset's new table name, when the migration renames it. */
  renameTo?: string;
}

export interface CorpusSource {
  name: string;
  /** The directory holding the source's files and its `schema.sql`. */
  dir: string;
  migrations: CorpusMigration[];
}

export type Outcome =
  /** Rewritten, and the rewrite reads the same rows, names and types. */
  | 'correct'
  /** Said unaffected, and the original reads the same on the new layout. */
  | 'unaffected'
  /** Left to a person (needs-decision or unparseable), with the reason. */
  | 'flagged'
  /** Rewritten, and the rewrite fails or reads something else. */
  | 'wrong'
  /** Said unaffected, and the original fails or reads something else on the new layout. */
  | 'unaffected-but-broken'
  /** The harness could not run it (a model it cannot render, or one reading a flagged model). */
  | 'not-proven';

export interface FileOutcome {
  source: string;
  migration: string;
  path: string;
  outcome: Outcome;
  detail?: string;
  /** Rows the original returned on the old layout: a proof over no rows proves little. */
  rows?: number;
}

export type Counts = Record<Outcome, number>;

/** Runs every migration of a source; the database is left with the source's schemas. */
export async function proveSource(
  db: Knex,
  source: CorpusSource,
): Promise<FileOutcome[]> {
  const files = readFiles(source.dir);
  const project = dbtProjectOf(files);
  const dbt = files.some(f => /(^|\/)dbt_project\.ya?ml$/.test(f.path));
  // A dbt project's macro files, its own or its packages', are no models: they
  // render into the models.
  const packageDirs = [...project.packages.values()].map(p => p.dir);
  const sqlFiles = files.filter(
    f =>
      f.path.endsWith('.sql') &&
      !project.macros.includes(f) &&
      !packageDirs.some(dir => f.path.startsWith(dir)),
  );
  const prefix = source.name.replace(/\W/g, '_');
  const oldSchema = `${prefix}_old`;
  await db.raw(`DROP SCHEMA IF EXISTS ${oldSchema} CASCADE`);
  await db.raw(`CREATE SCHEMA ${oldSchema}`);
  await inSchema(db, oldSchema, trx =>
    trx.raw(fs.readFileSync(path.join(source.dir, 'schema.sql'), 'utf8')),
  );
  const tables = await tablesOf(db, oldSchema);
  // Statistics, or the planner guesses: some TPC-DS queries ran 5-8 times slower.
  for (const table of tables.keys())
    await db.raw(`ANALYZE ${oldSchema}.${identifier(table)}`);
  const oldVersions = new Map(sqlFiles.map(f => [f.path, f.content]));
  const oldModels = dbt
    ? await createModels(db, oldSchema, oldVersions, project)
    : undefined;

  // The original on the old layout reads the same for every migration: run once.
  const originals = new Map<string, Promise<QueryResult>>();
  const original = (file: ChangedFile) => {
    if (!originals.has(file.path)) {
      const result = dbt
        ? readModel(db, oldSchema, file.path)
        : runQuery(db, oldSchema, file.content);
      result.catch(() => undefined);
      originals.set(file.path, result);
    }
    return originals.get(file.path)!;
  };
  const outcomes: FileOutcome[] = [];
  for (const [i, migration] of source.migrations.entries()) {
    const datasetTable = tableOf(migration.dataset);
    const fields = tables.get(datasetTable);
    if (!fields)
      throw new Error(`${source.name}: no table ${migration.dataset}`);
    const newSchema = `${prefix}_m${i}`;
    await db.raw(`DROP SCHEMA IF EXISTS ${newSchema} CASCADE`);
    await db.raw(`CREATE SCHEMA ${newSchema}`);
    // Only the dataset changes: the other tables are read through views, which
    // Postgres inlines, so the new layout costs one table's copy.
    for (const table of tables.keys())
      await db.raw(
        table === datasetTable
          ? `CREATE TABLE ${newSchema}.${table} AS TABLE ${oldSchema}.${table}`
          : `CREATE VIEW ${newSchema}.${table} AS TABLE ${oldSchema}.${table}`,
      );
    for (const ddl of ddlOf(migration, fields))
      await inSchema(db, newSchema, trx => trx.raw(ddl));
    await db.raw(
      `ANALYZE ${newSchema}.${identifier(migration.renameTo ?? datasetTable)}`,
    );
    // To the rewriter the dataset lives in `public` (datasetTarget), and where
    // a bare new name would read something else (a CTE of that name) it
    // qualifies the renamed table with that schema: while the migration is
    // proven, `public` serves the new table under its new name too, as the
    // dataset's schema would.
    const servedInPublic =
      migration.renameTo && !migration.renameTo.includes('.')
        ? `public.${identifier(migration.renameTo)}`
        : undefined;
    if (servedInPublic) {
      await db.raw(`DROP VIEW IF EXISTS ${servedInPublic}`);
      await db.raw(
        `CREATE VIEW ${servedInPublic} AS TABLE ${newSchema}.${identifier(
          migration.renameTo!,
        )}`,
      );
    }

    const target = datasetTarget(migration.dataset, fields);
    const mapping = consumerMapping(
      fields,
      migration.changes,
      migration.renameTo
        ? renamedRelation(target, migration.renameTo)
        : undefined,
    );
    const { results } = assessConsumer(files, target, mapping);
    const byPath = new Map(results.map(r => [r.path, r]));
    // What the consumer's repository holds after the rewriter: undefined when flagged.
    const newVersions = new Map<string, string | undefined>();
    for (const file of sqlFiles) {
      const r = byPath.get(file.path);
      let newVersion: string | undefined;
      if (!r || r.status === 'unaffected') newVersion = file.content;
      else if (r.status === 'rewritten') newVersion = r.content;
      newVersions.set(file.path, newVersion);
    }
    const widening = widenedFields(mapping).length > 0;
    const rowTypes = await rowTypesOf(
      db,
      oldSchema,
      newSchema,
      datasetTable,
      migration.renameTo,
    );
    // Models render with the project as the rewriter left it (a renamed
    // dataset's source points at its new table through a rewritten sources file).
    const rewrittenFiles = files.map(f => {
      const r = byPath.get(f.path);
      return r?.status === 'rewritten' ? { ...f, content: r.content } : f;
    });
    const created = dbt
      ? await createModels(
          db,
          newSchema,
          newVersions,
          dbtProjectOf(rewrittenFiles),
        )
      : undefined;
    for (const file of sqlFiles) {
      const r = byPath.get(file.path);
      const said = r?.status ?? 'unaffected';
      const at = {
        source: source.name,
        migration: migration.name,
        path: file.path,
      };
      if (said === 'needs-decision' || said === 'unparseable') {
        outcomes.push({
          ...at,
          outcome: 'flagged',
          detail: r?.impact.problem?.message,
        });
        continue;
      }
      const failed: Outcome =
        said === 'rewritten' ? 'wrong' : 'unaffected-but-broken';
      const proven: Outcome = said === 'rewritten' ? 'correct' : 'unaffected';
      const unbuilt = oldModels?.blocked.get(file.path);
      if (unbuilt) {
        outcomes.push({
          ...at,
          outcome: 'not-proven',
          detail: `original: ${unbuilt}`,
        });
        continue;
      }
      let before: QueryResult;
      try {
        before = await original(file);
      } catch (error) {
        outcomes.push({
          ...at,
          outcome: 'not-proven',
          detail: `original: ${error}`,
        });
        continue;
      }
      // A plain SQL file left as it was that never names the dataset's table
      // reads only tables the migration left alone (views of the very same
      // rows on the new layout): its result there is the original's.
      if (
        !dbt &&
        said === 'unaffected' &&
        !namesTable(file.content, datasetTable)
      ) {
        outcomes.push({ ...at, outcome: proven, rows: before.rows.length });
        continue;
      }
      let after: QueryResult;
      try {
        if (dbt && created?.blocked.has(file.path)) {
          outcomes.push({
            ...at,
            outcome: 'not-proven',
            detail: created.blocked.get(file.path),
          });
          continue;
        }
        after = dbt
          ? await readModel(db, newSchema, file.path)
          : await runQuery(db, newSchema, newVersions.get(file.path)!);
      } catch (error) {
        outcomes.push({ ...at, outcome: failed, detail: `${error}` });
        continue;
      }
      const difference = compareResults(before, after, widening, rowTypes);
      const rows = before.rows.length;
      outcomes.push(
        difference
          ? { ...at, outcome: failed, detail: difference, rows }
          : { ...at, outcome: proven, rows },
      );
    }
    if (servedInPublic) await db.raw(`DROP VIEW IF EXISTS ${servedInPublic}`);
  }
  return outcomes;
}

export function countOutcomes(outcomes: FileOutcome[]): Counts {
  const counts: Counts = {
    correct: 0,
    unaffected: 0,
    flagged: 0,
    wrong: 0,
    'unaffected-but-broken': 0,
    'not-proven': 0,
  };
  for (const o of outcomes) counts[o.outcome] += 1;
  return counts;
}

function readFiles(dir: string): ChangedFile[] {
  const files: ChangedFile[] = [];
  const walk = (relative: string) => {
    for (const entry of fs.readdirSync(path.join(dir, relative), {
      withFileTypes: true,
    })) {
      const inner = relative ? `${relative}/${entry.name}` : entry.name;
      if (entry.isDirectory()) walk(inner);
      else if (/\.(sql|ya?ml)$/.test(entry.name) && inner !== 'schema.sql')
        files.push({
          path: inner,
          content: fs.readFileSync(path.join(dir, inner), 'utf8'),
        });
    }
  };
  walk('');
  return files.sort((a, b) => a.path.localeCompare(b.path));
}

async function inSchema<T>(
  db: Knex,
  schema: string,
  work: (trx: Knex.Transaction) => Promise<T>,
): Promise<T> {
  return db.transaction(async trx => {
    await trx.raw(`SET LOCAL search_path TO ${schema}`);
    return work(trx);
  });
}

async function tablesOf(
  db: Knex,
  schema: string,
): Promise<Map<string, DatasetField[]>> {
  const { rows } = await db.raw(
    `SELECT c.relname AS table, a.attname AS name,
            format_type(a.atttypid, a.atttypmod) AS type, NOT a.attnotnull AS nullable
       FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_attribute a ON a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped
      WHERE n.nspname = ? AND c.relkind = 'r'
      ORDER BY c.relname, a.attnum`,
    [schema],
  );
  const tables = new Map<string, DatasetField[]>();
  for (const row of rows) {
    const fields = tables.get(row.table) ?? [];
    fields.push({
      name: row.name,
      type: row.type,
      nullable: row.nullable,
      primaryKey: false,
    });
    tables.set(row.table, fields);
  }
  return tables;
}

/** The migration's change, as plain DDL on a copy of the tables. */
function ddlOf(migration: CorpusMigration, fields: DatasetField[]): string[] {
  const table = identifier(tableOf(migration.dataset));
  const statements = migration.changes.map(change => {
    if ('renameField' in change)
      return `ALTER TABLE ${table} RENAME COLUMN ${identifier(
        change.renameField.from,
      )} TO ${identifier(change.renameField.to)}`;
    if ('dropField' in change)
      return `ALTER TABLE ${table} DROP COLUMN ${identifier(
        change.dropField.name,
      )}`;
    if ('changeType' in change) {
      const { field, type, using } = change.changeType;
      return `ALTER TABLE ${table} ALTER COLUMN ${identifier(
        field,
      )} TYPE ${type}${using ? ` USING ${using}` : ''}`;
    }
    if ('addField' in change) {
      const { name, type, default: value } = change.addField;
      return `ALTER TABLE ${table} ADD COLUMN ${identifier(name)} ${type}${
        value !== undefined ? ` DEFAULT ${value}` : ''
      }`;
    }
    throw new Error(
      `${migration.name}: no plain DDL for ${JSON.stringify(change)}`,
    );
  });
  if (!fields.length) throw new Error(`${migration.name}: no fields`);
  if (migration.renameTo)
    statements.push(
      `ALTER TABLE ${table} RENAME TO ${identifier(migration.renameTo)}`,
    );
  return statements;
}

interface QueryResult {
  columns: Array<{ name: string; type: number }>;
  rows: string[];
  ordered: boolean;
  /**
   * The output columns the last query's `ORDER BY` sorts by, when each of its
   * keys is one (by name or position): rows that tie on them may come in any
   * order, so only the keys' sequence is compared in order.
   */
  orderKeys?: number[];
}

const ROLLBACK = new Error('rollback');

/** A plain SQL file: its last statement's result, in a transaction rolled back. */
async function runQuery(
  db: Knex,
  schema: string,
  sql: string,
): Promise<QueryResult> {
  const statements = parseSql(sql).result.stmts ?? [];
  const last = statements[statements.length - 1]?.stmt as
    | { SelectStmt?: { sortClause?: SortBy[] } }
    | undefined;
  const sortClause = last?.SelectStmt?.sortClause ?? [];
  const ordered = sortClause.length > 0;
  let result: QueryResult | undefined;
  await db
    .transaction(async trx => {
      await trx.raw(`SET LOCAL search_path TO ${schema}`);
      const raw = await trx.raw(sql);
      const outcome = Array.isArray(raw) ? raw[raw.length - 1] : raw;
      result = resultOf(outcome, ordered);
      result.orderKeys = orderKeysOf(sortClause, result.columns);
      throw ROLLBACK;
    })
    .catch(error => {
      if (error !== ROLLBACK) throw error;
    });
  return result!;
}

interface SortBy {
  SortBy: {
    node: {
      ColumnRef?: { fields: Array<{ String?: { sval: string } }> };
      A_Const?: { ival?: { ival?: number } };
    };
  };
}

/** The output columns `ORDER BY` names (`cnt`) or numbers (`2`); undefined if any key is something else. */
function orderKeysOf(
  sortClause: SortBy[],
  columns: QueryResult['columns'],
): number[] | undefined {
  const keys: number[] = [];
  for (const { SortBy: by } of sortClause) {
    const fields = by.node.ColumnRef?.fields;
    const position = by.node.A_Const?.ival?.ival;
    let key = -1;
    if (fields?.length === 1 && fields[0].String) {
      const matches = columns.flatMap((c, i) =>
        c.name === fields[0].String!.sval ? [i] : [],
      );
      if (matches.length === 1) key = matches[0];
    } else if (position !== undefined && position >= 1) key = position - 1;
    if (key < 0 || key >= columns.length) return undefined;
    keys.push(key);
  }
  return keys;
}

async function readModel(
  db: Knex,
  schema: string,
  file: string,
): Promise<QueryResult> {
  const raw = await db.raw(
    `SELECT * FROM ${schema}.${identifier(modelName(file))}`,
  );
  return resultOf(raw, false);
}

/** text, varchar, bpchar, name: `'3.00'` and `'3'` are other strings. */
const TEXT_TYPES = new Set([25, 1043, 1042, 19]);

function resultOf(
  raw: {
    fields: Array<{ name: string; dataTypeID: number }>;
    rows: Record<string, unknown>[];
  },
  ordered: boolean,
): QueryResult {
  const columns = raw.fields.map(f => ({ name: f.name, type: f.dataTypeID }));
  const rows = raw.rows.map(row =>
    JSON.stringify(
      raw.fields.map(f =>
        TEXT_TYPES.has(f.dataTypeID) ? row[f.name] : canonical(row[f.name]),
      ),
    ),
  );
  return { columns, rows: ordered ? rows : [...rows].sort(), ordered };
}

/** Values as text, numbers without trailing zeros: `10.00`, `10` and 10 are one value. */
function canonical(value: unknown): unknown {
  if (value instanceof Date) return value.toISOString();
  const text = typeof value === 'number' ? String(value) : value;
  if (typeof text === 'string' && /^-?\d+(\.\d+)?$/.test(text))
    return text.includes('.') ? text.replace(/\.?0+$/, '') : text;
  return text;
}

/**
 * Integer and numeric types widen into each other; text and varchar too (not
 * floats); an array of them (`array_agg`) widens as its elements do.
 */
const WIDENING_FAMILIES = [
  new Set([21, 23, 20, 1700]),
  new Set([25, 1043]),
  new Set([1005, 1007, 1016, 1231]),
  new Set([1009, 1015]),
];

/**
 * The row type of each relation on the new layout, by OID, mapped to the old
 * layout's row type of the same relation (the dataset's under its new name) when
 * both have the same field names. The harness copies the tables into a new
 * schema, so a whole row (`SELECT t FROM t`) has another type OID there, where an
 * `ALTER TABLE` keeps the table's row type: its values are still compared.
 */
async function rowTypesOf(
  db: Knex,
  oldSchema: string,
  newSchema: string,
  datasetTable: string,
  renameTo: string | undefined,
): Promise<Map<number, number>> {
  const { rows } = (await db.raw(
    `SELECT n.nspname AS schema, c.relname AS name, t.oid::int AS oid,
            (SELECT string_agg(a.attname, ',' ORDER BY a.attnum) FROM pg_attribute a
              WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped) AS fields
       FROM pg_type t JOIN pg_class c ON c.oid = t.typrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname IN (?, ?)`,
    [oldSchema, newSchema],
  )) as {
    rows: Array<{ schema: string; name: string; oid: number; fields: string }>;
  };
  const old = new Map(
    rows.filter(r => r.schema === oldSchema).map(r => [r.name, r]),
  );
  const mapped = new Map<number, number>();
  for (const r of rows.filter(row => row.schema === newSchema)) {
    const was = old.get(r.name === renameTo ? datasetTable : r.name);
    if (was && was.fields === r.fields) mapped.set(r.oid, was.oid);
  }
  return mapped;
}

function compareResults(
  before: QueryResult,
  after: QueryResult,
  widening: boolean,
  rowTypes: Map<number, number>,
): string | undefined {
  const names = (r: QueryResult) => r.columns.map(c => c.name).join(', ');
  if (names(before) !== names(after))
    return `columns (${names(before)}) became (${names(after)})`;
  for (const [i, column] of before.columns.entries()) {
    const type = after.columns[i].type;
    if (type === column.type || rowTypes.get(type) === column.type) continue;
    // The migration widens a type: a column reading it as it is widens too.
    const sameFamily = WIDENING_FAMILIES.some(
      f => f.has(type) && f.has(column.type),
    );
    if (!widening || !sameFamily)
      return `column ${column.name} had type ${column.type}, now ${type}`;
  }
  if (before.rows.length !== after.rows.length)
    return `${before.rows.length} rows became ${after.rows.length}`;
  const keys = before.orderKeys;
  if (before.ordered && keys) {
    // Sorted by output columns: their values must come in the same order, and
    // the rows (which may tie on them) must be the same multiset.
    const keyOf = (row: string) =>
      JSON.stringify(keys.map(k => (JSON.parse(row) as unknown[])[k]));
    const at = before.rows.findIndex(
      (row, i) => keyOf(row) !== keyOf(after.rows[i]),
    );
    if (at >= 0)
      return `row ${at + 1} (in ORDER BY order): ${before.rows[at]} became ${
        after.rows[at]
      }`;
    const sorted = (rows: string[]) => [...rows].sort();
    const [a, b] = [sorted(before.rows), sorted(after.rows)];
    const differs = a.findIndex((row, i) => row !== b[i]);
    return differs >= 0 ? `row ${a[differs]} became ${b[differs]}` : undefined;
  }
  const at = before.rows.findIndex((row, i) => row !== after.rows[i]);
  if (at >= 0)
    return `row ${at + 1}${before.ordered ? ' (in ORDER BY order)' : ''}: ${
      before.rows[at]
    } became ${after.rows[at]}`;
  return undefined;
}

/**
 * Whether SQL text names the table anywhere (as a word, any case, quoted or
 * not, in a string too: `'^items$'`), or may: a Unicode-escaped identifier or
 * string (`U&"\0074"`), or an escaped string (`E'\x69tems'`), names it without
 * spelling it (adversarial27).
 */
function namesTable(sql: string, table: string): boolean {
  if (/U&["']|\bE'/i.test(sql)) return true;
  const name = escapeRegExp(table);
  return new RegExp(`(^|[^\\w])${name}($|[^\\w])`, 'i').test(sql);
}

function tableOf(dataset: string): string {
  return dataset.slice(dataset.indexOf('.') + 1);
}

function modelName(file: string): string {
  return path.basename(file, '.sql');
}

/**
 * Creates the project's models as views in `schema`, each from its given
 * version, upstream first. A model whose version is undefined (flagged), cannot
 * be rendered, or reads such a model is not created: it is `blocked`, with why.
 */
async function createModels(
  db: Knex,
  schema: string,
  versions: Map<string, string | undefined>,
  project: DbtProject,
): Promise<{ blocked: Map<string, string> }> {
  const blocked = new Map<string, string>();
  const pending = new Map<string, string>();
  for (const [file, content] of versions) {
    if (content === undefined) {
      blocked.set(file, 'flagged');
      continue;
    }
    try {
      pending.set(file, renderDbt(content, project));
    } catch (error) {
      blocked.set(file, `not rendered: ${(error as Error).message}`);
    }
  }
  const models = new Map([...versions.keys()].map(f => [modelName(f), f]));
  const done = new Set<string>();
  while (pending.size > 0) {
    const ready = [...pending].filter(([file]) =>
      refsIn(versions.get(file)!).every(
        m => !models.has(m) || done.has(models.get(m)!),
      ),
    );
    if (ready.length === 0) {
      for (const [file] of pending) {
        const upstream = refsIn(versions.get(file)!).filter(
          m => models.has(m) && !done.has(models.get(m)!),
        );
        blocked.set(file, `reads a model not created: ${upstream.join(', ')}`);
      }
      break;
    }
    for (const [file, sql] of ready) {
      pending.delete(file);
      try {
        await inSchema(db, schema, trx =>
          trx.raw(`CREATE VIEW ${identifier(modelName(file))} AS ${sql}`),
        );
        done.add(file);
      } catch {
        // Not blocked: the proof reads the view and reports the failure.
        blocked.delete(file);
        done.add(file);
      }
    }
  }
  return { blocked };
}

/**
 * The model as dbt compiles it, by the renderer shadow checks use: `ref` is the
 * model's or seed's relation in the search path, `source` the relation sources.yml
 * declares. A file it cannot render throws: such a file is not proven.
 */
export function renderDbt(content: string, project: DbtProject): string {
  const rendered = renderDbtModel(content, {
    project,
    relation: r =>
      identifier(
        r.kind === 'ref'
          ? r.model
          : project.sources.get(`${r.source}.${r.table}`)?.identifier ??
              r.table,
      ),
    targetSchema: 'public',
    self: 'this_model',
  });
  if ('unrendered' in rendered) throw new Error(rendered.unrendered);
  return rendered.sql;
}
