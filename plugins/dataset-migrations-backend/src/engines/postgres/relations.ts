import type { PoolClient } from 'pg';
import { escapeIdentifier } from 'pg';
import { InputError } from '@backstage/errors';
import { catalogRead } from './connection';
import {
  isSystemSchemaName,
  type DatasetField,
} from '@dataset-migrations/plugin-dataset-migrations-common';

export interface RelationName {
  schema: string;
  name: string;
}

export function quoteRelation(relation: RelationName): string {
  return `${escapeIdentifier(relation.schema)}.${escapeIdentifier(
    relation.name,
  )}`;
}

/** Where version `n` of a dataset lives: `<schema>.<name>_v<n>`. */
export function versionOf(relation: RelationName, n: number): RelationName {
  return { schema: relation.schema, name: `${relation.name}_v${n}` };
}

/** Whether `candidate` is where some version of `relation` lives (`<name>_v<N>`). */
export function isVersionOf(
  relation: RelationName,
  candidate: RelationName,
): boolean {
  const versioned = new RegExp(
    `^${relation.name.replace(/\$/g, '\\$')}_v\\d+$`,
  );
  return candidate.schema === relation.schema && versioned.test(candidate.name);
}

export function formatRelation(relation: RelationName): string {
  return `${relation.schema}.${relation.name}`;
}

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_$]{0,62}$/;

/** Parses a dataset's table annotation: `schema.name`, or `name` in `public`. */
export function parseRelationName(table: string): RelationName {
  const parts = table.split('.');
  const [schema, name] = parts.length === 1 ? ['public', parts[0]] : parts;
  if (parts.length > 2 || !IDENTIFIER.test(schema) || !IDENTIFIER.test(name)) {
    throw new InputError(
      `"${table}" is not a Postgres relation name of the form schema.table`,
    );
  }
  if (isSystemSchemaName(schema)) {
    throw new InputError(
      `"${table}" is in the system schema ${schema}: pg_* and information_schema hold the server's own tables, never a dataset`,
    );
  }
  return { schema, name };
}

/**
 * The one spelling of the relation a table annotation names, as `parseRelationName`
 * reads it: `events` and `public.events` are one relation, `Events` another.
 */
export function canonicalRelationName(table: string): string {
  return formatRelation(parseRelationName(table));
}

/** The relation readers use, and the table that holds the current version's rows. */
export interface ResolvedDataset {
  relation: RelationName;
  kind: 'table' | 'view';
  storage: RelationName;
}

/**
 * A dataset starts as a plain table. After its first migration its name is a view
 * over the current version's table (and, until contract, the previous one).
 */
export async function resolveDataset(
  client: PoolClient,
  relation: RelationName,
): Promise<ResolvedDataset> {
  const found = await catalogRead<{ oid: number; relkind: string }>(
    client,
    `SELECT c.oid, c.relkind FROM pg_class c
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2`,
    [relation.schema, relation.name],
  );
  const row = found.rows[0];
  if (!row)
    throw new InputError(`relation ${formatRelation(relation)} does not exist`);
  if (row.relkind === 'r' || row.relkind === 'p') {
    return { relation, kind: 'table', storage: relation };
  }
  if (row.relkind !== 'v') {
    throw new InputError(
      `relation ${formatRelation(relation)} is neither a table nor a view`,
    );
  }
  const read = await catalogRead<RelationName>(
    client,
    `SELECT DISTINCT n.nspname AS schema, c.relname AS name
       FROM pg_rewrite r
       JOIN pg_depend d ON d.objid = r.oid AND d.classid = 'pg_rewrite'::regclass
       JOIN pg_class c ON c.oid = d.refobjid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE r.ev_class = $1 AND d.refobjid <> $1 AND c.relkind IN ('r', 'p')`,
    [row.oid],
  );
  // Only a view this plugin made: a user's view may filter rows or hide columns, and
  // repointing or contracting it would change what readers see or drop their table.
  // It reads one version, or two while a migration expands (the newest holds the rows).
  const foreign = read.rows.find(r => !isVersionOf(relation, r));
  if (read.rows.length === 0 || read.rows.length > 2 || foreign) {
    throw new InputError(
      foreign
        ? `view ${formatRelation(relation)} reads ${formatRelation(
            foreign,
          )}, which is not one of its versions (${
            relation.name
          }_v<N>); point the dataset at a table`
        : `view ${formatRelation(relation)} reads ${
            read.rows.length
          } tables; a dataset view reads its current version (and, until contract, the previous one)`,
    );
  }
  const version = (r: RelationName) =>
    Number(r.name.slice(r.name.lastIndexOf('_v') + 2));
  const storage = read.rows.reduce((a, b) => (version(b) > version(a) ? b : a));
  return { relation, kind: 'view', storage };
}

export async function relationExists(
  client: PoolClient,
  relation: RelationName,
): Promise<boolean> {
  const result = await catalogRead(
    client,
    `SELECT 1 FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE n.nspname = $1 AND c.relname = $2`,
    [relation.schema, relation.name],
  );
  return result.rowCount! > 0;
}

const TYPE_ALIASES: Record<string, string> = {
  'timestamp with time zone': 'timestamptz',
  'timestamp without time zone': 'timestamp',
};

export async function readFields(
  client: PoolClient,
  table: RelationName,
): Promise<DatasetField[]> {
  const result = await catalogRead<DatasetField & { default: string | null }>(
    client,
    `SELECT a.attname AS name,
            format_type(a.atttypid, a.atttypmod) AS type,
            NOT a.attnotnull AS nullable,
            coalesce(a.attnum = ANY (i.indkey), false) AS "primaryKey",
            pg_get_expr(d.adbin, d.adrelid) AS "default"
       FROM pg_attribute a
       LEFT JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
       LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
      ORDER BY a.attnum`,
    [quoteRelation(table)],
  );
  return result.rows.map(({ default: fallback, ...field }) => ({
    ...field,
    type: TYPE_ALIASES[field.type] ?? field.type,
    ...(fallback === null ? {} : { default: fallback }),
  }));
}

/**
 * The comment on a new version's identity column that was GENERATED ALWAYS on the
 * source: it is BY DEFAULT until contract, and a later run that starts from it
 * before then must still know to make its own new version ALWAYS.
 */
export const ALWAYS_AT_CONTRACT =
  'dataset-migrations: GENERATED ALWAYS at contract';

/** An identity column of a table's key, with its sequence's settings. */
export interface KeyIdentity {
  name: string;
  always: boolean;
  type: string;
  increment: string;
  min: string;
  max: string;
  cache: string;
  cycle: boolean;
}

/** `table`'s identity columns in its primary key. */
export async function readKeyIdentities(
  client: PoolClient,
  table: RelationName,
): Promise<KeyIdentity[]> {
  const { rows } = await catalogRead<KeyIdentity>(
    client,
    `SELECT a.attname AS name,
            a.attidentity = 'a' OR col_description(a.attrelid, a.attnum) = $2 AS always,
            format_type(a.atttypid, NULL) AS type,
            s.seqincrement::text AS increment, s.seqmin::text AS min,
            s.seqmax::text AS max, s.seqcache::text AS cache, s.seqcycle AS cycle
       FROM pg_attribute a
       JOIN pg_index i ON i.indrelid = a.attrelid AND i.indisprimary
       JOIN pg_sequence s
         ON s.seqrelid = pg_get_serial_sequence($1, a.attname)::regclass
      WHERE a.attrelid = $1::regclass AND a.attnum = ANY (i.indkey)
        AND a.attidentity <> ''
      ORDER BY a.attnum`,
    [quoteRelation(table), ALWAYS_AT_CONTRACT],
  );
  return rows;
}

/**
 * The types of `table`'s columns that live outside pg_catalog, each as format_type
 * spells it here (bare, where the search_path finds it) → with its schema. The
 * engine's functions run with only pg_catalog on their search_path (see
 * functionSettings), where a bare `mood` names no type.
 */
export async function qualifiedColumnTypes(
  client: PoolClient,
  table: RelationName,
): Promise<Map<string, string>> {
  const { rows } = await catalogRead<{ type: string; qualified: string }>(
    client,
    `SELECT DISTINCT format_type(a.atttypid, a.atttypmod) AS type,
            quote_ident(n.nspname) || '.' || format_type(a.atttypid, a.atttypmod) AS qualified
       FROM pg_attribute a
       JOIN pg_type t ON t.oid = a.atttypid
       -- An array is spelled as its element, then [] (format_type's test of one).
       JOIN pg_type e ON e.oid = CASE WHEN t.typelem <> 0 AND t.typlen = -1
                                       AND t.typstorage <> 'p' THEN t.typelem ELSE t.oid END
       JOIN pg_namespace n ON n.oid = e.typnamespace
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
        AND n.nspname <> 'pg_catalog' AND pg_type_is_visible(e.oid)`,
    [quoteRelation(table)],
  );
  return new Map(rows.map(r => [r.type, r.qualified]));
}

/**
 * The base type of each domain among `table`'s column types, through domains over
 * domains (`format_type` spelling → the base's, e.g. `instant` → `timestamptz`):
 * what a value of the domain is, where that matters (a time zone).
 */
export async function domainBaseTypes(
  client: PoolClient,
  table: RelationName,
): Promise<Map<string, string>> {
  const { rows } = await catalogRead<{ type: string; base: string }>(
    client,
    `WITH RECURSIVE d (type, base, mod) AS (
       SELECT DISTINCT format_type(a.atttypid, a.atttypmod), t.typbasetype, t.typtypmod
         FROM pg_attribute a
         JOIN pg_type t ON t.oid = a.atttypid AND t.typtype = 'd'
        WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
       UNION ALL
       SELECT d.type, t.typbasetype, t.typtypmod
         FROM d JOIN pg_type t ON t.oid = d.base AND t.typtype = 'd'
     )
     SELECT d.type, format_type(d.base, d.mod) AS base
       FROM d JOIN pg_type t ON t.oid = d.base AND t.typtype <> 'd'`,
    [quoteRelation(table)],
  );
  return new Map(
    rows.map(r => [r.type, TYPE_ALIASES[r.base] ?? r.base] as const),
  );
}

/**
 * The comment an index of the new version kept for readers of the previous shape
 * until contract carries (see expandIndexesOf): how a later migration of the
 * table knows it for ours (not carried, not a change to the table), whatever
 * its name.
 */
export const EXPAND_INDEX_COMMENT =
  'dataset-migrations: serves readers of the previous shape until contract';

/** The partitions under `table` at every level, quoted; none for a table that is not partitioned. */
export async function partitionsOf(
  client: PoolClient,
  table: RelationName,
): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS name
       FROM pg_partition_tree($1::regclass) AS t
       JOIN pg_class c ON c.oid = t.relid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE t.relid <> $1::regclass
      ORDER BY 1`,
    [quoteRelation(table)],
  );
  return rows.map(r => r.name);
}

export async function estimateRows(
  client: PoolClient,
  table: RelationName,
): Promise<number> {
  const result = await catalogRead<{ estimate: string }>(
    client,
    `SELECT greatest(reltuples, 0)::bigint AS estimate FROM pg_class WHERE oid = $1::regclass`,
    [quoteRelation(table)],
  );
  return Number(result.rows[0]?.estimate ?? 0);
}

/** The primary key's columns in index order (keyset order), or [] when there is none. */
export async function primaryKey(
  client: PoolClient,
  table: RelationName,
): Promise<string[]> {
  const result = await catalogRead<{ name: string }>(
    client,
    `SELECT a.attname AS name
       FROM pg_index i
       CROSS JOIN LATERAL unnest(i.indkey) WITH ORDINALITY AS k(attnum, ord)
       JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k.attnum
      WHERE i.indrelid = $1::regclass AND i.indisprimary
      ORDER BY k.ord`,
    [quoteRelation(table)],
  );
  return result.rows.map(row => row.name);
}

/** The comment dataset-migrations puts on relations it creates, naming the run. */
export async function relationComment(
  client: PoolClient,
  relation: RelationName,
): Promise<string | undefined> {
  const result = await catalogRead<{ comment: string | null }>(
    client,
    `SELECT obj_description(to_regclass($1), 'pg_class') AS comment`,
    [quoteRelation(relation)],
  );
  return result.rows[0]?.comment ?? undefined;
}

/**
 * GRANTs that give `to` the privileges roles other than the owner hold on `from`,
 * so readers and writers of a dataset keep their access when its name moves; and
 * the owner's, when the migration's role is not the owner: the views the
 * migration makes are its role's, and an application that owns its tables would
 * otherwise lose every right to them at cut-over.
 */
export async function copyGrantsSql(
  client: PoolClient,
  from: RelationName,
  to: RelationName,
): Promise<string[]> {
  return (await grantsOf(client, from))(to);
}

/** The grants on `from`, read once, as GRANTs for any relation `to`. */
export async function grantsOf(
  client: PoolClient,
  from: RelationName,
): Promise<(to: RelationName) => string[]> {
  const { rows } = await catalogRead<{
    grantee: string | null;
    privilege: string;
    grantable: boolean;
  }>(
    client,
    // current_user compared by name: `::regrole` would read it as an identifier
    // (a role "Migrator" or "bot@example.com" is not found that way).
    `SELECT CASE WHEN a.grantee = 0 THEN NULL ELSE a.grantee::regrole::text END AS grantee,
            a.privilege_type AS privilege,
            -- An owner may always grant what it holds.
            a.is_grantable OR a.grantee = c.relowner AS grantable
       FROM pg_class c
       -- No ACL means the owner's default rights (and nobody else's).
       CROSS JOIN LATERAL aclexplode(coalesce(c.relacl, acldefault('r', c.relowner))) AS a
      WHERE c.oid = $1::regclass
        AND (a.grantee <> c.relowner
             OR c.relowner <> (SELECT oid FROM pg_roles WHERE rolname = current_user))
      ORDER BY 1, 2`,
    [quoteRelation(from)],
  );
  return to =>
    rows.map(
      r =>
        `GRANT ${r.privilege} ON ${quoteRelation(to)} TO ${
          r.grantee ?? 'PUBLIC'
        }${r.grantable ? ' WITH GRANT OPTION' : ''}`,
    );
}

/** How many writes a run's trigger recorded as failed, and the first reason. */
export async function readFailures(
  client: PoolClient,
  failures: RelationName,
): Promise<{ count: number; first?: string }> {
  const { rows } = await client.query<{ n: number; first: string | null }>(
    `SELECT count(*)::int AS n, min(message) AS first FROM ${quoteRelation(
      failures,
    )}`,
  );
  return { count: rows[0].n, first: rows[0].first ?? undefined };
}

/** A secondary index, as parts the engine can rebuild on another version. */
export interface IndexDefinition {
  name: string;
  unique: boolean;
  method: string;
  /** Key columns' expressions (a plain column is its quoted name), in order. */
  keys: string[];
  /** Per key: ` COLLATE …`, an operator class, ` DESC`, ` NULLS FIRST`…, or ''. */
  keyOptions: string[];
  /** INCLUDE columns. */
  included: string[];
  predicate?: string;
  /** NULLS NOT DISTINCT (Postgres 15+): one NULL at most. */
  nullsNotDistinct: boolean;
  /** The constraint the index backs, when it is one that a plain index cannot be. */
  special?: 'exclusion' | 'deferrable' | 'without-overlaps';
  /**
   * Backs a plain `UNIQUE` constraint (not a primary key, not special): rebuilt
   * as one, so `ON CONFLICT ON CONSTRAINT` on the new version's table finds it.
   */
  uniqueConstraint?: boolean;
  /** Its tablespace, where not the database's default. */
  tablespace?: string;
  /** As `pg_get_indexdef` prints it, for people. */
  definition: string;
}

/** The table's indexes other than its primary key. */
export async function readIndexes(
  client: PoolClient,
  table: RelationName,
): Promise<IndexDefinition[]> {
  const { rows } = await catalogRead<{
    name: string;
    unique: boolean;
    method: string;
    key_count: number;
    columns: string[];
    options: number[];
    opclasses: Array<string | null>;
    collations: Array<string | null>;
    predicate: string | null;
    definition: string;
    nulls_not_distinct: boolean | null;
    constraint_type: string | null;
    deferrable: boolean | null;
    period: boolean | null;
    tablespace: string | null;
  }>(
    client,
    `SELECT ic.relname::text AS name,
            (SELECT t.spcname::text FROM pg_tablespace t WHERE t.oid = ic.reltablespace) AS tablespace, i.indisunique AS unique, am.amname AS method,
            i.indnkeyatts AS key_count,
            array(SELECT pg_get_indexdef(i.indexrelid, k, false)
                    FROM generate_series(1, i.indnatts) AS k ORDER BY k) AS columns,
            i.indoption::int2[] AS options,
            -- With its schema: a class of the database's own named like a
            -- built-in one (name_ops) would be read as the built-in.
            array(SELECT CASE WHEN o.opcdefault THEN NULL
                              ELSE format('%I.%I', ns.nspname, o.opcname) END
                    FROM unnest(i.indclass) WITH ORDINALITY AS x(oid, n)
                    JOIN pg_opclass o ON o.oid = x.oid
                    JOIN pg_namespace ns ON ns.oid = o.opcnamespace
                   ORDER BY x.n) AS opclasses,
            -- A key's own collation (email COLLATE case_insensitive), where it is
            -- not its type's: pg_get_indexdef of one key leaves it out, and without
            -- it a unique index of a nondeterministic collation stops enforcing.
            array(SELECT CASE WHEN x.oid <> 0 AND x.oid <> t.typcollation
                              THEN format('%I.%I', cn.nspname, co.collname) END
                    FROM unnest(i.indcollation) WITH ORDINALITY AS x(oid, n)
                    JOIN pg_attribute ia ON ia.attrelid = i.indexrelid AND ia.attnum = x.n
                    JOIN pg_type t ON t.oid = ia.atttypid
                    LEFT JOIN pg_collation co ON co.oid = x.oid
                    LEFT JOIN pg_namespace cn ON cn.oid = co.collnamespace
                   ORDER BY x.n) AS collations,
            pg_get_expr(i.indpred, i.indrelid) AS predicate,
            pg_get_indexdef(i.indexrelid) AS definition,
            -- Read through jsonb: the column only exists from Postgres 15.
            (to_jsonb(i.*) ->> 'indnullsnotdistinct')::boolean AS nulls_not_distinct,
            con.contype::text AS constraint_type, con.condeferrable AS deferrable,
            -- UNIQUE (…, p WITHOUT OVERLAPS), Postgres 18+: through jsonb as above.
            (to_jsonb(con.*) ->> 'conperiod')::boolean AS period
       FROM pg_index i
       LEFT JOIN pg_constraint con ON con.conindid = i.indexrelid AND con.conrelid = i.indrelid
       JOIN pg_class ic ON ic.oid = i.indexrelid
       JOIN pg_am am ON am.oid = ic.relam
      WHERE i.indrelid = $1::regclass AND NOT i.indisprimary
        -- Kept for readers of an earlier shape until its contract (see expandIndexesOf).
        AND obj_description(ic.oid, 'pg_class') IS DISTINCT FROM '${EXPAND_INDEX_COMMENT}'
      ORDER BY ic.relname`,
    [quoteRelation(table)],
  );
  return rows.map(r => ({
    name: r.name,
    unique: r.unique,
    method: r.method,
    keys: r.columns.slice(0, r.key_count),
    keyOptions: r.columns.slice(0, r.key_count).map((_, k) => {
      // indoption bits: 1 = DESC, 2 = NULLS FIRST (see pg_index.h).
      const bits = r.options[k] ?? 0;
      const opclass = r.opclasses[k];
      const collation = r.collations[k];
      return `${collation ? ` COLLATE ${collation}` : ''}${
        opclass ? ` ${opclass}` : ''
      }${bits & 1 ? ' DESC' : ''}${
        bits & 1 && !(bits & 2) ? ' NULLS LAST' : ''
      }${!(bits & 1) && bits & 2 ? ' NULLS FIRST' : ''}`;
    }),
    included: r.columns.slice(r.key_count),
    ...(r.predicate === null ? {} : { predicate: r.predicate }),
    nullsNotDistinct: r.nulls_not_distinct === true,
    ...specialOf(r),
    ...(r.constraint_type === 'u' && !specialOf(r).special
      ? { uniqueConstraint: true }
      : {}),
    ...(r.tablespace === null ? {} : { tablespace: r.tablespace }),
    definition: r.definition,
  }));
}

/** The constraint an index backs, when it is one that a plain index cannot be. */
function specialOf(row: {
  constraint_type: string | null;
  deferrable: boolean | null;
  period: boolean | null;
}): Pick<IndexDefinition, 'special'> {
  if (row.constraint_type === 'x') return { special: 'exclusion' };
  if (row.period) return { special: 'without-overlaps' };
  if (row.deferrable) return { special: 'deferrable' };
  return {};
}

/** A CHECK or foreign-key constraint of a table. */
export interface ConstraintDefinition {
  name: string;
  kind: 'check' | 'foreign-key';
  /** The columns it reads, by name. */
  columns: string[];
  /** CHECK: the expression. Foreign key: everything after its column list. */
  body: string;
  /** As `pg_get_constraintdef` prints it, for people. */
  definition: string;
  /** A foreign key from the table to itself. */
  selfReference: boolean;
  /**
   * A foreign key's referenced columns, by name, and what its definition says
   * after their list (`ON DELETE CASCADE DEFERRABLE`, or nothing).
   */
  references?: { columns: string[]; rest: string };
  /**
   * A foreign key's actions when a referenced row is deleted or its key updated,
   * as pg_constraint codes them: `a` no action, `r` restrict, `c` cascade, `n`
   * set null, `d` set default. Absent for a CHECK.
   */
  onDelete?: string;
  onUpdate?: string;
  /** `NOT ENFORCED` (Postgres 18+): recorded, never checked. */
  notEnforced?: boolean;
  /** A foreign key over a period (Postgres 18+): its last columns with `PERIOD`. */
  period?: boolean;
}

export async function readConstraints(
  client: PoolClient,
  table: RelationName,
): Promise<ConstraintDefinition[]> {
  const { rows } = await catalogRead<{
    name: string;
    type: 'c' | 'f';
    columns: string[];
    check: string | null;
    definition: string;
    self: boolean;
    on_delete: string;
    on_update: string;
    referenced: string[] | null;
    referenced_quoted: string[] | null;
    not_enforced: boolean;
    period: boolean;
  }>(
    client,
    `SELECT c.conname AS name, c.contype AS type,
            array(SELECT a.attname::text FROM unnest(c.conkey) WITH ORDINALITY AS k(n, o)
                    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n
                   ORDER BY k.o) AS columns,
            CASE WHEN c.contype = 'c' THEN pg_get_expr(c.conbin, c.conrelid) END AS check,
            pg_get_constraintdef(c.oid) AS definition,
            c.confrelid = c.conrelid AS self,
            c.confdeltype::text AS on_delete, c.confupdtype::text AS on_update,
            f.referenced, f.referenced_quoted,
            -- Through jsonb: the columns only exist from Postgres 18.
            coalesce((to_jsonb(c.*) ->> 'conenforced')::boolean, true) = false AS not_enforced,
            coalesce((to_jsonb(c.*) ->> 'conperiod')::boolean, false) AS period
       FROM pg_constraint c
       LEFT JOIN LATERAL (
         SELECT array_agg(a.attname::text ORDER BY k.o) AS referenced,
                array_agg(quote_ident(a.attname::text) ORDER BY k.o) AS referenced_quoted
           FROM unnest(c.confkey) WITH ORDINALITY AS k(n, o)
           JOIN pg_attribute a ON a.attrelid = c.confrelid AND a.attnum = k.n
       ) AS f ON true
      WHERE c.conrelid = $1::regclass AND c.contype IN ('c', 'f')
      ORDER BY c.conname`,
    [quoteRelation(table)],
  );
  return rows.map(r => ({
    name: r.name,
    kind: r.type === 'c' ? 'check' : 'foreign-key',
    columns: r.columns,
    body:
      r.type === 'c'
        ? r.check!
        : r.definition.slice(r.definition.indexOf(') REFERENCES') + 2),
    definition: r.definition,
    selfReference: r.self,
    ...(r.not_enforced ? { notEnforced: true } : {}),
    ...(r.period ? { period: true } : {}),
    ...(r.type === 'f'
      ? {
          onDelete: r.on_delete,
          onUpdate: r.on_update,
          ...referencesOf(
            r.definition,
            r.referenced ?? [],
            r.referenced_quoted ?? [],
          ),
        }
      : {}),
  }));
}

/**
 * A foreign key's referenced columns and the rest of its definition, found by
 * their list as `pg_get_constraintdef` prints it (quoted where needed): `…
 * REFERENCES <table>(<columns>)<rest>`.
 */
function referencesOf(
  definition: string,
  columns: string[],
  quoted: string[],
): { references?: ConstraintDefinition['references'] } {
  const list = `(${quoted.join(', ')})`;
  const after = definition.indexOf(') REFERENCES ');
  const at = after < 0 ? -1 : definition.indexOf(list, after + 2);
  if (columns.length === 0 || at < 0) return {};
  return {
    references: { columns, rest: definition.slice(at + list.length).trim() },
  };
}

/**
 * Other relations bound to a relation, not to its name: views reading it, rules
 * naming it, and foreign keys pointing at it. A migration moves the name to a new table, so they
 * would stay on the old version, or block the switch; they are named so a person
 * can repoint them first.
 */
export async function readDependents(
  client: PoolClient,
  relations: RelationName[],
  except: RelationName[],
): Promise<string[]> {
  const { rows } = await catalogRead<{ what: string }>(
    client,
    `WITH bound AS (SELECT unnest($1::text[])::regclass AS oid),
          excepted AS (SELECT to_regclass(x) AS oid FROM unnest($2::text[]) AS x)
     -- A view's (or materialized view's) definition is its _RETURN rule; any
     -- other rule (on a table or a view) names the relation, writing into it or
     -- reading it in its action or condition.
     SELECT DISTINCT CASE
              WHEN r.rulename <> '_RETURN'
                THEN format('rule %I on %s', r.rulename, v.oid::regclass)
              WHEN v.relkind = 'm' THEN format('materialized view %s', v.oid::regclass)
              ELSE format('view %s', v.oid::regclass) END AS what
       FROM bound b
       JOIN pg_depend d ON d.refobjid = b.oid AND d.classid = 'pg_rewrite'::regclass
       JOIN pg_rewrite r ON r.oid = d.objid
       JOIN pg_class v ON v.oid = r.ev_class
      WHERE v.oid <> b.oid
        AND NOT EXISTS (SELECT FROM excepted e WHERE e.oid = v.oid)
     UNION
     SELECT format('foreign key %I on %s', c.conname, c.conrelid::regclass)
       FROM bound b JOIN pg_constraint c ON c.confrelid = b.oid AND c.contype = 'f'
      WHERE c.conrelid <> b.oid
     UNION
     -- Bound to its row type (a function returning SETOF it or taking a row
     -- of it: PostgREST's and Hasura's computed columns; a column of that
     -- type), or to the table itself (a function with a BEGIN ATOMIC body).
     SELECT pg_describe_object(d.classid, d.objid, d.objsubid)
       FROM bound b
       JOIN pg_type t ON t.typrelid = b.oid
       JOIN pg_depend d ON d.refclassid = 'pg_type'::regclass
                       AND d.refobjid IN (t.oid, t.typarray) AND d.deptype = 'n'
      WHERE d.classid <> 'pg_rewrite'::regclass
        AND NOT (d.classid = 'pg_class'::regclass AND d.objid = b.oid)
     UNION
     SELECT pg_describe_object(d.classid, d.objid, d.objsubid)
       FROM bound b
       JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass AND d.refobjid = b.oid
      WHERE d.classid = 'pg_proc'::regclass
      ORDER BY 1`,
    [relations.map(quoteRelation), except.map(quoteRelation)],
  );
  return rows.map(r => r.what);
}

/**
 * The tablespaces of a table and of its primary key's index, where not the
 * database's default (see MigrationShape.tablespaces).
 */
export async function readTablespaces(
  client: PoolClient,
  table: RelationName,
): Promise<{ table?: string; key?: string }> {
  const { rows } = await catalogRead<{
    table: string | null;
    key: string | null;
  }>(
    client,
    `SELECT (SELECT t.spcname::text FROM pg_tablespace t WHERE t.oid = c.reltablespace) AS table,
            (SELECT t.spcname::text FROM pg_index i
               JOIN pg_class ic ON ic.oid = i.indexrelid
               JOIN pg_tablespace t ON t.oid = ic.reltablespace
              WHERE i.indrelid = c.oid AND i.indisprimary) AS key
       FROM pg_class c WHERE c.oid = $1::regclass`,
    [quoteRelation(table)],
  );
  const row = rows[0];
  return {
    ...(row?.table ? { table: row.table } : {}),
    ...(row?.key ? { key: row.key } : {}),
  };
}
