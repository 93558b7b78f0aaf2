import { escapeIdentifier } from 'pg';
import {
  expandPhaseOf,
  type DatasetField,
  type ExpandPhase,
  type TargetField,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { CarryOver } from './carryOver';
import {
  formatRelation,
  quoteRelation,
  versionOf,
  type RelationName,
} from './relations';

/** Everything one run needs to name and transform: source, target and their keys. */
export interface MigrationShape {
  source: RelationName;
  target: RelationName;
  /** The name readers use after the cut-over: the dataset's, or the one it is renamed to. */
  name: RelationName;
  /** Refuses writes through the old name once the dataset was renamed away from it. */
  movedFunction: RelationName;
  movedTrigger: string;
  /** Source rows deleted while the run copies, so copied ghosts can be removed. */
  deleted: RelationName;
  /**
   * Applies writes to the source to the target while the run copies; its failures
   * table holds writes it could not transform, which fail verification.
   */
  capture: RowTrigger;
  fields: TargetField[];
  /** Source primary key, in index order: the keyset order of the backfill. */
  sourceKey: string[];
  /** Target primary key fields, in the same order. */
  targetKey: TargetField[];
  /** The source version's fields, for carrying writes back after cut-over. */
  sourceFields: DatasetField[];
  /**
   * Carries writes to the new version back to the old one after cut-over; its
   * failures table holds writes that could not go back, which a rollback would lose.
   */
  reverse: RowTrigger;
  /** The old version's indexes and constraints, rebuilt on the new one. */
  carryOver: CarryOver;
  /**
   * Between cut-over and contract the name serves both shapes (see expandViewSql);
   * when that takes computed columns, writes through it go through this trigger.
   */
  expand: { fn: RelationName; trigger: string };
}

export const q = escapeIdentifier;

/**
 * Settings every computation of an expression runs with: the backfill and verify
 * sessions, and the triggers inside writers' sessions. A timestamptz shown as text
 * or truncated to a day must give the same answer in all of them.
 */
export const EXPRESSION_SETTINGS: Record<string, string> = {
  TimeZone: 'UTC',
  DateStyle: 'ISO, MDY',
  IntervalStyle: 'postgres',
};

/** A SQL literal; standard_conforming_strings is on in every supported Postgres. */
function literal(value: string | number | boolean | null): string {
  if (value === null) return 'NULL';
  return `'${String(value).replace(/'/g, "''")}'`;
}

/** The target field's value computed from a source row (`row` is e.g. `s.` or `NEW.`). */
export function valueOf(field: TargetField, row: string): string {
  switch (field.source.kind) {
    case 'copy':
      return `${row}${q(field.source.from)}`;
    case 'cast':
      return `(${row}${q(field.source.from)})::${field.type}`;
    case 'expression':
      // Written over the source's field names; every use reads from exactly one source row.
      return `(${field.source.sql})::${field.type}`;
    default:
      return `${literal(field.source.value)}::${field.type}`;
  }
}

const list = (items: string[]) => items.join(', ');

/**
 * A field's default on the new version: an added field's default, or the source
 * column's default (cast when the type changed), so writers that leave the column
 * out keep getting what they got.
 */
function defaultOf(field: TargetField): string | undefined {
  if (field.source.kind === 'default') {
    return field.source.value === null
      ? undefined
      : `${literal(field.source.value)}::${field.type}`;
  }
  if (field.default === undefined) return undefined;
  return field.source.kind === 'copy'
    ? field.default
    : `(${field.default})::${field.type}`;
}

export function createTargetSql(shape: MigrationShape): string {
  const columns = shape.fields.map(f => {
    const fallback = defaultOf(f);
    return `${q(f.name)} ${f.type}${f.nullable ? '' : ' NOT NULL'}${
      fallback === undefined ? '' : ` DEFAULT ${fallback}`
    }`;
  });
  columns.push(`PRIMARY KEY (${list(shape.targetKey.map(f => q(f.name)))})`);
  return `CREATE TABLE ${quoteRelation(shape.target)} (${list(columns)})`;
}

function createDeletedSql(shape: MigrationShape): string {
  return `CREATE TABLE ${quoteRelation(shape.deleted)} AS
            SELECT ${list(shape.sourceKey.map(q))} FROM ${quoteRelation(
    shape.source,
  )} WITH NO DATA`;
}

/** `INSERT … ON CONFLICT` of mapped rows; later writes win over copied ones. */
function upsertSql(
  shape: MigrationShape,
  rows: string,
  row: string,
  onConflict: 'update' | 'nothing' | 'none',
) {
  const columns = list(shape.fields.map(f => q(f.name)));
  const values = list(shape.fields.map(f => valueOf(f, row)));
  const key = list(shape.targetKey.map(f => q(f.name)));
  const insert = `INSERT INTO ${quoteRelation(
    shape.target,
  )} (${columns}) SELECT ${values} FROM ${rows}`;
  if (onConflict === 'none') return insert;
  const others = shape.fields.filter(f => !f.primaryKey);
  const action =
    onConflict === 'nothing' || others.length === 0
      ? 'DO NOTHING'
      : `DO UPDATE SET ${list(
          others.map(f => `${q(f.name)} = EXCLUDED.${q(f.name)}`),
        )}`;
  return `${insert} ON CONFLICT (${key}) ${action}`;
}

/** A row trigger of a run: its function, and the table recording writes it failed on. */
export interface RowTrigger {
  on: RelationName;
  trigger: string;
  fn: RelationName;
  failures: RelationName;
}

/**
 * A function body in dollar quotes whose tag occurs nowhere in it, so that no
 * value inside (a default, an expression) can end the body early.
 */
function dollarQuoted(body: string, tag: string): string {
  let t = tag;
  for (let i = 0; body.includes(`$${t}$`); i++) t = `${tag}_${i}`;
  return `$${t}$${body}$${t}$`;
}

/** The settings clause of every function the migration installs on the engine. */
function functionSettings(): string {
  return `SECURITY DEFINER SET search_path = pg_catalog, pg_temp ${Object.entries(
    EXPRESSION_SETTINGS,
  )
    .map(([name, value]) => `SET ${name} = ${literal(value)}`)
    .join(' ')}`;
}

/**
 * The trigger runs with its owner's rights (the migration's), so writers need no
 * grant on the tables it writes; a write its body fails on is recorded in
 * `failures`, never refused.
 */
function rowTriggerSql(t: RowTrigger & { body: string }): string[] {
  const fn = quoteRelation(t.fn);
  return [
    `CREATE TABLE ${quoteRelation(
      t.failures,
    )} (at timestamptz NOT NULL DEFAULT now(), message text NOT NULL)`,
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql
       ${functionSettings()} AS ${dollarQuoted(
      `
     BEGIN
       BEGIN
${t.body}
       EXCEPTION WHEN OTHERS THEN
         INSERT INTO ${quoteRelation(t.failures)} (message) VALUES (SQLERRM);
       END;
       RETURN NULL;
     END `,
      'trigger',
    )}`,
    `CREATE TRIGGER ${q(
      t.trigger,
    )} AFTER INSERT OR UPDATE OR DELETE ON ${quoteRelation(
      t.on,
    )} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
  ];
}

function dropRowTriggerSql(t: RowTrigger): string[] {
  return [
    `DROP TRIGGER IF EXISTS ${q(t.trigger)} ON ${quoteRelation(t.on)}`,
    `DROP FUNCTION IF EXISTS ${quoteRelation(t.fn)}()`,
    `DROP TABLE IF EXISTS ${quoteRelation(t.failures)}`,
  ];
}

/**
 * The capture trigger: every write to the source, from the moment it is installed,
 * is applied to the target in the writer's own transaction. Deleted keys are also
 * remembered, so a row the backfill copied from an older snapshot can be removed.
 */
function createCaptureSql(shape: MigrationShape): string[] {
  const keyChanged = `(${list(
    shape.sourceKey.map(k => `OLD.${q(k)}`),
  )}) IS DISTINCT FROM (${list(shape.sourceKey.map(k => `NEW.${q(k)}`))})`;
  const targetKeyOfOld = `(${list(
    shape.targetKey.map(f => q(f.name)),
  )}) = (${list(shape.targetKey.map(f => valueOf(f, 'OLD.')))})`;
  return rowTriggerSql({
    ...shape.capture,
    body: `         IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND ${keyChanged}) THEN
           DELETE FROM ${quoteRelation(shape.target)} WHERE ${targetKeyOfOld};
           INSERT INTO ${quoteRelation(shape.deleted)} VALUES (${list(
      shape.sourceKey.map(k => `OLD.${q(k)}`),
    )});
         END IF;
         IF TG_OP IN ('INSERT', 'UPDATE') THEN
           ${upsertSql(shape, '(SELECT NEW.*) AS n', 'n.', 'update')};
         END IF;`,
  });
}

export function dropCaptureSql(shape: MigrationShape): string[] {
  return [
    ...dropRowTriggerSql(shape.capture),
    `DROP TABLE IF EXISTS ${quoteRelation(shape.deleted)}`,
  ];
}

/** `(k1, k2) <op> ($n::t1, $n+1::t2)` over the source key. */
function compareKey(
  shape: MigrationShape,
  op: '>' | '<=',
  keyTypes: string[],
  firstParam: number,
): string {
  return `(${list(shape.sourceKey.map(k => `s.${q(k)}`))}) ${op} (${list(
    keyTypes.map((type, i) => `$${firstParam + i}::${type}`),
  )})`;
}

/**
 * The key that ends the next batch: the `$1`-th source key after the last one
 * copied (an index-only walk), or no row when fewer remain.
 */
export function batchEndSql(
  shape: MigrationShape,
  keyTypes: string[],
  hasLastKey: boolean,
): string {
  const where = hasLastKey
    ? `WHERE ${compareKey(shape, '>', keyTypes, 2)}`
    : '';
  return `SELECT ${list(
    shape.sourceKey.map((k, i) => `s.${q(k)}::text AS k${i}`),
  )}
            FROM ${quoteRelation(shape.source)} AS s ${where}
           ORDER BY ${list(
             shape.sourceKey.map(k => `s.${q(k)}`),
           )} OFFSET $1 - 1 LIMIT 1`;
}

/**
 * Copies the source rows after the last key up to and including the end key (to
 * the end of the table without one). Without `skipExisting` it is a plain insert,
 * as fast as copying gets; a batch that meets a row the capture trigger already
 * wrote is redone with `skipExisting`, keeping the trigger's newer row.
 */
export function copyRangeSql(
  shape: MigrationShape,
  keyTypes: string[],
  range: { hasLastKey: boolean; hasEnd: boolean; skipExisting: boolean },
): string {
  const conditions = [
    range.hasLastKey ? compareKey(shape, '>', keyTypes, 1) : undefined,
    range.hasEnd
      ? compareKey(
          shape,
          '<=',
          keyTypes,
          range.hasLastKey ? keyTypes.length + 1 : 1,
        )
      : undefined,
  ].filter(Boolean);
  const where =
    conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  return upsertSql(
    shape,
    `${quoteRelation(shape.source)} AS s ${where}`,
    's.',
    range.skipExisting ? 'nothing' : 'none',
  );
}

/** Rows the backfill copied from a snapshot older than their deletion. */
export function removeGhostsSql(shape: MigrationShape): string {
  const targetKey = list(shape.targetKey.map(f => `t.${q(f.name)}`));
  const mappedDeleted = list(shape.targetKey.map(f => valueOf(f, 'd.')));
  const stillThere = shape.sourceKey
    .map(k => `s.${q(k)} = d.${q(k)}`)
    .join(' AND ');
  return `DELETE FROM ${quoteRelation(shape.target)} AS t USING ${quoteRelation(
    shape.deleted,
  )} AS d
           WHERE (${targetKey}) = (${mappedDeleted})
             AND NOT EXISTS (SELECT 1 FROM ${quoteRelation(
               shape.source,
             )} AS s WHERE ${stillThere})`;
}

/** Types of the source key columns, in key order, for typed keyset parameters. */
export function keyTypesOf(shape: MigrationShape): string[] {
  return shape.sourceKey.map(
    key => shape.sourceFields.find(f => f.name === key)!.type,
  );
}

/** An order-independent checksum aggregate: the sum of 64-bit hashes of each row's text. */
export function rowChecksum(row: string): string {
  return `coalesce(sum(('x' || substr(md5((${row})::text), 1, 16))::bit(64)::bigint::numeric), 0)::text`;
}

/** Row count and an order-independent checksum of the mapped columns. */
function checksumSql(relation: RelationName, expressions: string[]): string {
  return `SELECT count(*) AS rows, ${rowChecksum(
    `ROW(${list(expressions)})`,
  )} AS checksum
            FROM ${quoteRelation(relation)} AS s`;
}

/** Verify's two queries: the source as mapped, and the target, each `rows` and `checksum`. */
export function verifySql(shape: MigrationShape): [string, string] {
  return [
    checksumSql(
      shape.source,
      shape.fields.map(f => valueOf(f, 's.')),
    ),
    checksumSql(
      shape.target,
      shape.fields.map(f => `s.${q(f.name)}`),
    ),
  ];
}

/** The mapped rows of a source key range, for finding which rows a transform fails on. */
export function transformRangeSql(
  shape: MigrationShape,
  keyTypes: string[],
): string {
  const n = keyTypes.length;
  const keys = list(shape.sourceKey.map(k => `s.${q(k)}`));
  const from = list(keyTypes.map((t, i) => `$${i + 1}::${t}`));
  const to = list(keyTypes.map((t, i) => `$${n + i + 1}::${t}`));
  return `SELECT ${list(
    shape.fields.map(f => valueOf(f, 's.')),
  )} FROM ${quoteRelation(shape.source)} AS s
           WHERE (${keys}) >= (${from}) AND (${keys}) <= (${to})`;
}

/**
 * How each field of the old version is recomputed from a row of the new one, or
 * why it cannot be. Renamed and cast fields go back by name and cast; a dropped
 * nullable field goes back as NULL; a recomputed one cannot go back.
 */
export function inverseOf(
  shape: MigrationShape,
):
  | { values: Map<string, (row: string) => string>; carried: Set<string> }
  | { impossible: string } {
  const values = new Map<string, (row: string) => string>();
  const carried = new Set<string>();
  for (const old of shape.sourceFields) {
    const carrier = shape.fields.find(
      f =>
        (f.source.kind === 'copy' || f.source.kind === 'cast') &&
        f.source.from === old.name,
    );
    const recomputed = shape.fields.find(
      f => f.name === old.name && f.source.kind === 'expression',
    );
    if (carrier) {
      carried.add(old.name);
      values.set(old.name, row =>
        carrier.source.kind === 'copy'
          ? `${row}${q(carrier.name)}`
          : `(${row}${q(carrier.name)})::${old.type}`,
      );
    } else if (recomputed) {
      return {
        impossible: `"${old.name}" is recomputed by an expression; its old values cannot be recovered from the new version`,
      };
    } else if (old.nullable) {
      // A dropped field: new rows get NULL; rows that had a value keep it.
      values.set(old.name, () => `NULL::${old.type}`);
    } else {
      return {
        impossible: `"${old.name}" (NOT NULL) cannot be recomputed from the new version`,
      };
    }
  }
  return { values, carried };
}

/**
 * After cut-over, a trigger on the new version carries every write back to the old
 * one, so a rollback loses nothing. A write that cannot be carried back (a value
 * that does not fit the old type) is recorded instead of failing the writer, and
 * then blocks the rollback.
 */
function createReverseSql(
  shape: MigrationShape,
  previous: RelationName,
): string[] {
  const inverse = inverseOf(shape);
  if (!('values' in inverse)) return [];
  const oldColumns = shape.sourceFields.map(f => f.name);
  const valueOf = (name: string, row: string) => inverse.values.get(name)!(row);
  const oldKey = list(shape.sourceKey.map(q));
  // Only carried fields are updated: a dropped field keeps the value it had.
  const others = oldColumns.filter(
    c => !shape.sourceKey.includes(c) && inverse.carried.has(c),
  );
  const upsert = `INSERT INTO ${quoteRelation(previous)} (${list(
    oldColumns.map(q),
  )})
           SELECT ${list(
             oldColumns.map(c => valueOf(c, 'n.')),
           )} FROM (SELECT NEW.*) AS n
           ON CONFLICT (${oldKey}) ${
    others.length === 0
      ? 'DO NOTHING'
      : `DO UPDATE SET ${list(others.map(c => `${q(c)} = EXCLUDED.${q(c)}`))}`
  }`;
  const keyChanged = `(${list(
    shape.targetKey.map(f => `OLD.${q(f.name)}`),
  )}) IS DISTINCT FROM (${list(shape.targetKey.map(f => `NEW.${q(f.name)}`))})`;
  const oldKeyOfOld = `(${oldKey}) = (${list(
    shape.sourceKey.map(k => valueOf(k, 'OLD.')),
  )})`;
  return rowTriggerSql({
    ...shape.reverse,
    body: `         IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND ${keyChanged}) THEN
           DELETE FROM ${quoteRelation(previous)} WHERE ${oldKeyOfOld};
         END IF;
         IF TG_OP IN ('INSERT', 'UPDATE') THEN
           ${upsert};
         END IF;`,
  });
}

function dropReverseSql(shape: MigrationShape): string[] {
  return dropRowTriggerSql(shape.reverse);
}

/** The new table, its provenance comment, and write capture from the source. */
export function createTargetStatements(
  shape: MigrationShape,
  comment: string,
): string[] {
  return [
    createTargetSql(shape),
    `COMMENT ON TABLE ${quoteRelation(shape.target)} IS ${literal(comment)}`,
    createDeletedSql(shape),
    ...createCaptureSql(shape),
  ];
}

/** Whether the migration moves the dataset to another name. */
export function isRename(
  shape: MigrationShape,
  dataset: { relation: RelationName },
): boolean {
  return quoteRelation(shape.name) !== quoteRelation(dataset.relation);
}

/**
 * Repoints the dataset's name at the target. The first migration renames the
 * original table to its versioned name and puts a view in its place. A rename puts
 * the view under the new name instead; the old name keeps reading the old version
 * for readers that have not moved, and refuses writes, which would be lost there.
 */
export function cutOverStatements(
  shape: MigrationShape,
  dataset: { relation: RelationName; kind: 'table' | 'view' },
  fromVersion: number,
  /** The dataset's grants, for each name's view (see copyGrantsSql). */
  grants: { name: string[]; oldName: string[] },
): string[] {
  const previous = previousVersion(shape, dataset, fromVersion);
  const renamed = isRename(shape, dataset);
  const oldName = quoteRelation(dataset.relation);
  const moveOldName =
    dataset.kind === 'table'
      ? [
          `ALTER TABLE ${oldName} RENAME TO ${q(previous.name)}`,
          ...(renamed
            ? [
                `CREATE VIEW ${oldName} AS SELECT * FROM ${quoteRelation(
                  previous,
                )}`,
                ...grants.oldName,
              ]
            : []),
        ]
      : renamed
      ? []
      : [`DROP VIEW ${oldName}`];
  return [
    `LOCK TABLE ${quoteRelation(shape.source)} IN EXCLUSIVE MODE`,
    ...dropCaptureSql(shape),
    ...moveOldName,
    ...(renamed
      ? [
          ...refuseWritesSql(shape, dataset.relation),
          // A renamed dataset's new name serves the new version as it is.
          `CREATE VIEW ${quoteRelation(
            shape.name,
          )} AS SELECT * FROM ${quoteRelation(shape.target)}`,
          ...grants.name,
        ]
      : expandViewStatements(shape, previous, grants.name)),
    ...createReverseSql(shape, previous),
  ];
}

/**
 * What the name serves from cut-over until contract: every field of the previous
 * version under its name, type and values, in its order, then the new version's
 * own fields (see expandPhaseOf). Renamed and retyped fields are read from the new
 * version; dropped and recomputed ones from the previous version, which the reverse
 * trigger keeps current while rollback is possible.
 */
export function expandViewStatements(
  shape: MigrationShape,
  previous: RelationName,
  grants: string[],
): string[] {
  const phase = expandPhaseOf(shape.sourceFields, shape.fields);
  const name = quoteRelation(shape.name);
  const usesPrevious = phase.columns.some(c => c.source === 'previous');
  const columns = phase.columns.map(c => {
    const read =
      c.source === 'previous'
        ? `p.${q(c.name)}`
        : c.source === 'old-type'
        ? `CAST(n.${q(c.from!)} AS ${c.type})`
        : `n.${q(c.from!)}`;
    return `${read} AS ${q(c.name)}`;
  });
  const join = usesPrevious
    ? ` LEFT JOIN ${quoteRelation(previous)} AS p ON (${list(
        shape.sourceKey.map(k => `p.${q(k)}`),
      )}) = (${list(shape.targetKey.map(f => oldValueOf(shape, f, 'n.')))})`
    : '';
  const statements = [
    `CREATE VIEW ${name} AS SELECT ${list(columns)} FROM ${quoteRelation(
      shape.target,
    )} AS n${join}`,
    ...grants,
  ];
  if (phase.plain) return statements; // PostgreSQL writes through a plain projection itself
  // Writers that leave a column out get what the previous version gave them.
  for (const field of shape.sourceFields) {
    if (field.default !== undefined)
      statements.push(
        `ALTER VIEW ${name} ALTER COLUMN ${q(field.name)} SET DEFAULT ${
          field.default
        }`,
      );
  }
  return [...statements, ...expandWriteSql(shape, previous, phase)];
}

/** An old key field's value computed from a row of the new version. */
function oldValueOf(
  shape: MigrationShape,
  carrier: TargetField,
  row: string,
): string {
  const from = (carrier.source as { from: string }).from;
  const old = shape.sourceFields.find(f => f.name === from)!;
  return old.type === carrier.type
    ? `${row}${q(carrier.name)}`
    : `CAST(${row}${q(carrier.name)} AS ${old.type})`;
}

/**
 * Writes through the expand view: each write goes to the new version, values given
 * under either a field's old or its new name. The previous version's row is then
 * written from the same write (carried fields from the new row, dropped and
 * recomputed ones as given), so its readers see every write even where no reverse
 * trigger could be made. A value the previous type cannot hold is refused, since
 * every reader of the previous shape would fail on it. A write that fails fails the
 * writer, as it would on a table.
 */
function expandWriteSql(
  shape: MigrationShape,
  previous: RelationName,
  phase: ExpandPhase,
): string[] {
  const exposed = new Set(
    phase.columns.filter(c => c.source === 'new').map(c => c.name),
  );
  const target = quoteRelation(shape.target);
  const forward = (row: 'NEW' | 'OLD') =>
    `(SELECT ${list(
      shape.fields.map(f => `${valueOf(f, 'r.')} AS ${q(f.name)}`),
    )} FROM (SELECT ${row}.*) AS r)`;
  const columns = list(shape.fields.map(f => q(f.name)));
  const inserted = list(
    shape.fields.map(f =>
      exposed.has(f.name)
        ? `coalesce(NEW.${q(f.name)}, nv.${q(f.name)})`
        : `nv.${q(f.name)}`,
    ),
  );
  const updated = list(
    shape.fields.map(f => {
      const given = exposed.has(f.name)
        ? `WHEN NEW.${q(f.name)} IS DISTINCT FROM OLD.${q(f.name)} THEN NEW.${q(
            f.name,
          )} `
        : '';
      return `${q(f.name)} = CASE ${given}WHEN nv.${q(
        f.name,
      )} IS DISTINCT FROM ov.${q(f.name)} THEN nv.${q(f.name)} ELSE t.${q(
        f.name,
      )} END`;
    }),
  );
  const keyOf = (row: string) =>
    `(${list(shape.targetKey.map(f => `${row}.${q(f.name)}`))})`;
  // The previous version's row of the written one: carried fields from it, the rest as given.
  const oldValue = (old: DatasetField): string => {
    const column = phase.columns.find(c => c.name === old.name)!;
    return column.source === 'previous'
      ? `NEW.${q(old.name)}`
      : column.source === 'old-type'
      ? `CAST(w.${q(column.from!)} AS ${old.type})`
      : `w.${q(column.from!)}`;
  };
  const oldKey = list(shape.sourceKey.map(q));
  const oldOthers = shape.sourceFields.filter(
    f => !shape.sourceKey.includes(f.name),
  );
  const previousKeyOf = (row: string) =>
    `(${list(shape.sourceKey.map(k => `${row}.${q(k)}`))})`;
  const writtenKey = `(${list(
    shape.sourceKey.map(k => {
      const field = shape.sourceFields.find(f => f.name === k)!;
      return oldValue(field);
    }),
  )})`;
  const keepPrevious = `
       BEGIN
         IF TG_OP <> 'INSERT' THEN
           DELETE FROM ${quoteRelation(previous)} AS p
            WHERE ${previousKeyOf('p')} = ${previousKeyOf('OLD')}
              AND (TG_OP = 'DELETE' OR ${previousKeyOf(
                'OLD',
              )} IS DISTINCT FROM ${writtenKey});
         END IF;
         IF TG_OP <> 'DELETE' THEN
           INSERT INTO ${quoteRelation(previous)} AS p (${list(
    shape.sourceFields.map(f => q(f.name)),
  )})
             VALUES (${list(shape.sourceFields.map(oldValue))})
             ON CONFLICT (${oldKey}) ${
    oldOthers.length === 0
      ? 'DO NOTHING'
      : `DO UPDATE SET ${list(
          oldOthers.map(f => `${q(f.name)} = EXCLUDED.${q(f.name)}`),
        )}`
  };
         END IF;
       EXCEPTION WHEN OTHERS THEN
         -- A row the previous version cannot hold (a dropped NOT NULL field not
         -- given): its readers see the field empty; the new version has the write.
         NULL;
       END;`;
  // Values a retyped field takes in the new version must read back in the old type.
  const fits = shape.fields
    .flatMap(f => {
      const column = phase.columns.find(
        c => c.source === 'old-type' && c.from === f.name,
      );
      return column ? [{ f, column }] : [];
    })
    .map(
      ({ f, column }) => `
         BEGIN
           fits := CAST(CAST(w.${q(f.name)} AS ${column.type}) AS ${
        f.type
      }) IS NOT DISTINCT FROM w.${q(f.name)};
         EXCEPTION WHEN OTHERS THEN
           fits := false;
         END;
         IF NOT fits THEN
           RAISE EXCEPTION USING ERRCODE = 'numeric_value_out_of_range', MESSAGE = ${literal(
             `${f.name}: until contract a value must also fit "${column.name}" ${column.type} of the previous version`,
           )};
         END IF;`,
    )
    .join('');
  const fn = quoteRelation(shape.expand.fn);
  return [
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql
       ${functionSettings()} AS ${dollarQuoted(
      `
     DECLARE
       w ${target}%ROWTYPE;
       fits boolean;
     BEGIN
       IF TG_OP = 'INSERT' THEN
         INSERT INTO ${target} (${columns})
           SELECT ${inserted} FROM ${forward('NEW')} AS nv RETURNING * INTO w;
       ELSIF TG_OP = 'UPDATE' THEN
         UPDATE ${target} AS t SET ${updated}
           FROM ${forward('NEW')} AS nv, ${forward('OLD')} AS ov
          WHERE ${keyOf('t')} = ${keyOf('ov')} RETURNING t.* INTO w;
       ELSE
         DELETE FROM ${target} AS t USING ${forward('OLD')} AS ov
          WHERE ${keyOf('t')} = ${keyOf('ov')};
       END IF;
       IF TG_OP = 'UPDATE' AND w IS NULL THEN RETURN NULL; END IF;${fits}${keepPrevious}
       IF TG_OP = 'DELETE' THEN RETURN OLD; END IF;
       RETURN NEW;
     END `,
      'expand',
    )}`,
    `CREATE TRIGGER ${q(
      shape.expand.trigger,
    )} INSTEAD OF INSERT OR UPDATE OR DELETE ON ${quoteRelation(
      shape.name,
    )} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
  ];
}

/** Removes what expandViewStatements made; the view itself is dropped by the caller. */
function dropExpandSql(shape: MigrationShape): string[] {
  return [`DROP FUNCTION IF EXISTS ${quoteRelation(shape.expand.fn)}()`];
}

function refuseWritesSql(
  shape: MigrationShape,
  oldName: RelationName,
): string[] {
  const fn = quoteRelation(shape.movedFunction);
  const message = `${formatRelation(oldName)} was renamed to ${formatRelation(
    shape.name,
  )}; it keeps the old version for readers only: write to ${formatRelation(
    shape.name,
  )}`;
  return [
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS $moved$
     BEGIN
       RAISE EXCEPTION USING ERRCODE = 'read_only_sql_transaction', MESSAGE = ${literal(
         message,
       )};
     END $moved$`,
    `CREATE TRIGGER ${q(
      shape.movedTrigger,
    )} INSTEAD OF INSERT OR UPDATE OR DELETE ON ${quoteRelation(
      oldName,
    )} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
  ];
}

function dropRefuseWritesSql(
  shape: MigrationShape,
  oldName: RelationName,
): string[] {
  return [
    `DROP TRIGGER IF EXISTS ${q(shape.movedTrigger)} ON ${quoteRelation(
      oldName,
    )}`,
    `DROP FUNCTION IF EXISTS ${quoteRelation(shape.movedFunction)}()`,
  ];
}

/** Where the old version lives once the name moved: the source, renamed if it was the name. */
export function previousVersion(
  shape: MigrationShape,
  dataset: { relation: RelationName; kind: 'table' | 'view' },
  fromVersion: number,
): RelationName {
  return dataset.kind === 'table' && shape.source.name === dataset.relation.name
    ? versionOf(dataset.relation, fromVersion)
    : shape.source;
}

/**
 * Points the name back at the old version, which the reverse trigger kept current,
 * and drops the new one: every write it took is in the old version now. After a
 * rename the old name already reads the old version; the new name goes.
 */
export function rollbackStatements(
  shape: MigrationShape,
  dataset: { relation: RelationName },
  previous: RelationName,
  /** The dataset's grants, to give the recreated view (see copyGrantsSql). */
  grants: string[],
): string[] {
  const repoint = isRename(shape, dataset)
    ? [
        ...dropRefuseWritesSql(shape, dataset.relation),
        `DROP VIEW ${quoteRelation(shape.name)}`,
      ]
    : [
        `DROP VIEW ${quoteRelation(dataset.relation)}`,
        ...dropExpandSql(shape),
        `CREATE VIEW ${quoteRelation(
          dataset.relation,
        )} AS SELECT * FROM ${quoteRelation(previous)}`,
        ...grants,
      ];
  return [
    `LOCK TABLE ${quoteRelation(shape.target)} IN EXCLUSIVE MODE`,
    ...dropReverseSql(shape),
    ...repoint,
    `DROP TABLE ${quoteRelation(shape.target)}`,
  ];
}

/**
 * Ends the old version, and the old name if the dataset was renamed: after this,
 * rollback is gone. While the name still reads this migration's version it becomes
 * exactly that version (the expand view goes); after a later migration moved the
 * name on, only the old version and its bookkeeping go.
 */
export function contractStatements(
  shape: MigrationShape,
  dataset: { relation: RelationName },
  previous: RelationName,
  /** The name's grants, for its plain view; undefined when the name moved on. */
  grants: string[] | undefined,
): string[] {
  const name = quoteRelation(shape.name);
  const narrow =
    grants && !isRename(shape, dataset)
      ? [
          `LOCK TABLE ${quoteRelation(shape.target)} IN EXCLUSIVE MODE`,
          `DROP VIEW ${name}`,
          `CREATE VIEW ${name} AS SELECT * FROM ${quoteRelation(shape.target)}`,
          ...grants,
        ]
      : [];
  return [
    ...narrow,
    ...dropExpandSql(shape),
    ...dropReverseSql(shape),
    ...(isRename(shape, dataset)
      ? [
          `DROP VIEW IF EXISTS ${quoteRelation(dataset.relation)}`,
          `DROP FUNCTION IF EXISTS ${quoteRelation(shape.movedFunction)}()`,
        ]
      : []),
    `DROP TABLE IF EXISTS ${quoteRelation(previous)}`,
  ];
}

export function dryRunSql(shape: MigrationShape, sample: string): string {
  const values = shape.fields.map(f => valueOf(f, 's.')).join(', ');
  return `SELECT count(*) AS rows, sum(length(ROW(${values})::text)) AS width
            FROM ${quoteRelation(shape.source)} AS s ${sample}`;
}
