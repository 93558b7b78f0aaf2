/**
 * Between cut-over and contract the name serves both shapes: the expand view over
 * the new version, the trigger for writes through it, and the refusal of writes
 * through an old name.
 */

import { createHash } from 'node:crypto';
import {
  type DatasetField,
  type ExpandColumn,
  type ExpandPhase,
  type TargetField,
  expandPhaseOf,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { type CarriedIndex, indexName } from '../carryOver';
import {
  EXPAND_INDEX_COMMENT,
  type IndexDefinition,
  type RelationName,
  formatRelation,
  quoteRelation,
} from '../relations';
import { defaultOf } from './capture';
import {
  changedValueFnIfNeededSql,
  dropChangedValueFnSql,
  keptValueOf,
  writerRemedy,
} from './keptValues';
import { createViewSql } from './privileges';
import { CONFLICTS_FAIL_THE_WRITE } from './rowTriggers';
import { type MigrationShape, OVERRIDING_IDENTITY } from './shape';
import {
  bareType,
  castTo,
  COLUMNS_OVER_VARIABLES,
  dollarQuoted,
  functionSettings,
  keyChangedSql,
  list,
  literal,
  q,
  valueOf,
} from './values';

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
  const columns = phase.columns.map(
    c => `${readOf(shape, previous, c)} AS ${q(c.name)}`,
  );
  const statements = createViewSql(
    shape.name,
    `SELECT ${list(columns)} FROM ${quoteRelation(shape.target)} AS n`,
    grants,
  );
  // PostgreSQL writes through a plain projection itself; the view shows the
  // new version's defaults, for writers that read them from the catalog.
  if (phase.plain)
    return [...statements, ...plainViewDefaultsSql(shape, phase)];
  // Writers that leave a column out get what the previous version gave them.
  const renamed = renamedWithDefault(shape, phase);
  for (const field of shape.sourceFields) {
    if (field.default !== undefined)
      statements.push(
        `ALTER VIEW ${name} ALTER COLUMN ${q(field.name)} SET DEFAULT ${
          previousOnlyOf(phase).some(c => c.name === field.name) ||
          renamed.some(r => r.old === field.name)
            ? countedDefault(shape, field.name, field.default)
            : field.default
        }`,
      );
  }
  // A renamed field's new name too, so that the trigger knows which name an
  // insert gave: `state = NULL` with `status` left out is NULL, not the default.
  for (const { now, fallback } of renamed)
    statements.push(
      `ALTER VIEW ${name} ALTER COLUMN ${q(now)} SET DEFAULT ${countedDefault(
        shape,
        now,
        fallback,
      )}`,
    );
  // An added field's default too, so that NEW holds what an insert leaving it out
  // stores, and an insert naming it with NULL stores NULL, as on a table.
  for (const field of addedWithDefault(shape, phase)) {
    statements.push(
      `ALTER VIEW ${name} ALTER COLUMN ${q(field.name)} SET DEFAULT ${defaultOf(
        field,
      )}`,
    );
  }
  return [
    ...statements,
    ...changedValueFnIfNeededSql(shape),
    ...expandWriteSql(shape, previous, phase),
    ...previousTypesGuardSql(shape, phase),
  ];
}

/**
 * A view's column defaults, as its table's: PostgreSQL applies a base column's
 * default to a column an insert through an auto-updatable view leaves out, but
 * shows none for the view in the catalog (pg_attrdef, information_schema), and
 * ORMs that read defaults there and then name every column in an insert
 * (Active Record from Rails 7.0, `partial_inserts = false`) sent NULL instead:
 * a NOT NULL column with a default refused every insert, a nullable one stored
 * NULL (found by a probe, 2026-12-07). A view default applies only to a column
 * the write leaves out, as the table's did, so SQL writers store the same.
 */
export function viewDefaultsSql(
  view: RelationName,
  defaults: Array<{ name: string; value: string | undefined }>,
): string[] {
  return defaults.flatMap(({ name, value }) =>
    value === undefined
      ? []
      : [
          `ALTER VIEW ${quoteRelation(view)} ALTER COLUMN ${q(
            name,
          )} SET DEFAULT ${value}`,
        ],
  );
}

/**
 * The new version's column defaults (see createTargetSql): an identity column has
 * none, it numbers a row itself.
 */
export function targetDefaultsOf(
  shape: MigrationShape,
): Array<{ name: string; value: string | undefined }> {
  return shape.fields
    .filter(f => !shape.identities.some(i => i.to === f.name))
    .map(f => ({ name: f.name, value: defaultOf(f) }));
}

/** The previous version's column defaults, as it has them. */
export function sourceDefaultsOf(
  shape: MigrationShape,
): Array<{ name: string; value: string | undefined }> {
  return shape.sourceFields
    .filter(f => !shape.identities.some(i => i.from === f.name))
    .map(f => ({ name: f.name, value: f.default }));
}

/**
 * A plain expand view's defaults (see viewDefaultsSql): each column that alone
 * serves a column of the new version has that column's default. A renamed
 * field's two names have none: PostgreSQL would add the default of the name an
 * insert leaves out to the value it gives under the other, two assignments to
 * one column, and the insert would fail; left out under both names, the new
 * version's own default applies, once, as before.
 */
function plainViewDefaultsSql(
  shape: MigrationShape,
  phase: ExpandPhase,
): string[] {
  const servedOnce = (name: string) =>
    phase.columns.filter(c => c.from === name).length === 1;
  return viewDefaultsSql(
    shape.name,
    targetDefaultsOf(shape).filter(
      d =>
        servedOnce(d.name) &&
        phase.columns.some(c => c.name === d.name && c.from === d.name),
    ),
  );
}

/**
 * PL/pgSQL refusing a value of a retyped field (`value`, of the new version's
 * type `now`) that does not read back the same in the previous version's type
 * `was` (an error, or a value cut short or rounded): until contract the name
 * serves every row in the previous type, so such a row would fail, or misread,
 * every reader of the previous shape. Needs a `fits boolean` variable.
 */
function mustFitPreviousSql(
  value: string,
  now: string,
  field: { name: string; previousName: string; was: string },
  bases: Record<string, string>,
): string {
  return `
         BEGIN
           fits := CAST(${castTo(
             value,
             field.was,
             bases,
           )} AS ${now}) IS NOT DISTINCT FROM ${value};
         EXCEPTION WHEN OTHERS THEN
           fits := false;
         END;
         IF NOT fits THEN
           RAISE EXCEPTION USING ERRCODE = 'numeric_value_out_of_range', MESSAGE = ${literal(
             `${field.name}: until contract a value must also fit "${field.previousName}" ${field.was} of the previous version`,
           )};
         END IF;`;
}

/** The trigger of previousTypesGuardSql and its function. */
function previousTypesGuardOf(shape: MigrationShape) {
  return {
    trigger: `${shape.expand.trigger}_fits`,
    fn: { ...shape.expand.fn, name: `${shape.expand.fn.name}_fits` },
  };
}

/**
 * Until contract the name serves every row of the new version in the previous
 * types, so a row holding a value of a retyped field that the previous type
 * cannot hold, or holds only cut short or rounded, would fail, or misread, every
 * reader of the previous shape. The new version refuses it, whoever writes it:
 * through the name, or straight into the new version (found by a probe,
 * 2026-12-06: one such row failed every read of the name). Before its indexes
 * see it, whose cast back (see expandIndexesOf) would refuse it with the cast's
 * bare words. In sessions with session_replication_role = replica too.
 */
function previousTypesGuardSql(
  shape: MigrationShape,
  phase: ExpandPhase,
): string[] {
  const checks = phase.columns
    .filter(c => c.source === 'old-type')
    .map(c =>
      mustFitPreviousSql(
        `NEW.${q(c.from!)}`,
        newTypeOf(shape, c),
        { name: c.from!, previousName: c.name, was: c.type },
        shape.domainBases,
      ),
    );
  if (checks.length === 0) return [];
  const { trigger, fn } = previousTypesGuardOf(shape);
  return [
    `CREATE FUNCTION ${quoteRelation(
      fn,
    )}() RETURNS trigger LANGUAGE plpgsql ${functionSettings()} AS ${dollarQuoted(
      `
     ${COLUMNS_OVER_VARIABLES}
     DECLARE
       fits boolean;
     BEGIN${checks.join('')}
       RETURN NEW;
     END `,
      'fits',
    )}`,
    `CREATE TRIGGER ${q(trigger)} BEFORE INSERT OR UPDATE ON ${quoteRelation(
      shape.target,
    )} FOR EACH ROW EXECUTE FUNCTION ${quoteRelation(fn)}()`,
    `ALTER TABLE ${quoteRelation(shape.target)} ENABLE ALWAYS TRIGGER ${q(
      trigger,
    )}`,
  ];
}

/**
 * The view's columns that are fields added with a constant default: the view
 * gives them that default, and an insert stores what it names them with.
 */
function addedWithDefault(
  shape: MigrationShape,
  phase: ExpandPhase,
): TargetField[] {
  return shape.fields.filter(
    f =>
      f.source.kind === 'default' &&
      defaultOf(f) !== undefined &&
      phase.columns.some(c => c.source === 'new' && c.name === f.name),
  );
}

/**
 * Renamed fields (retyped too or not) whose new version's column has a default
 * (the previous column's, cast): the view serves them under both names, each
 * with a default, counted (see countedDefault), so that the trigger knows which
 * name an insert gave; the new name with the new version's, of its type.
 */
function renamedWithDefault(
  shape: MigrationShape,
  phase: ExpandPhase,
): Array<{ old: string; now: string; fallback: string }> {
  return phase.columns.flatMap(c => {
    const renamed =
      c.source === 'renamed' || (c.source === 'old-type' && c.from !== c.name);
    const fallback = renamed
      ? defaultOf(shape.fields.find(f => f.name === c.from)!)
      : undefined;
    return fallback !== undefined && c.from !== undefined
      ? [{ old: c.name, now: c.from, fallback }]
      : [];
  });
}

/** The view's columns only the previous version has: dropped and recomputed fields. */
function previousOnlyOf(phase: ExpandPhase): ExpandColumn[] {
  return phase.columns.filter(c => c.source === 'previous');
}

/**
 * The transaction-local setting that counts the rows of which the view filled
 * `column` in with its default, not yet seen by the expand trigger. A setting a
 * writer's session can change with no grant: the view's default runs in the
 * writer's rights. Named by a hash of the trigger's function and the column, so
 * that any names fit and two views never share one.
 */
function omittedSetting(shape: MigrationShape, column: string): string {
  const hash = createHash('sha256')
    .update(`${quoteRelation(shape.expand.fn)}.${q(column)}`)
    .digest('hex')
    .slice(0, 32);
  return `dataset_migrations.omitted_${hash}`;
}

/** SQL: how many rows wait in the count of omittedSetting. */
function omittedCountSql(setting: string): string {
  return `coalesce(nullif(current_setting(${literal(
    setting,
  )}, true), ''), '0')::int`;
}

/**
 * A previous-only column's default on the view: the previous version's default,
 * evaluated in the writer's session as the table did (a timestamp's time zone, a
 * sequence under the writer's rights), after counting the row as one that left
 * the column out. NEW holds the default either way; without the count the
 * trigger could not tell it from a value the writer gave, and a volatile one
 * (now(), nextval) cannot be computed again to compare.
 */
function countedDefault(
  shape: MigrationShape,
  column: string,
  fallback: string,
): string {
  const setting = omittedSetting(shape, column);
  return `CASE WHEN set_config(${literal(setting)}, (${omittedCountSql(
    setting,
  )} + 1)::text, true) IS NOT NULL THEN ${fallback} END`;
}

/** How an index kept for readers of the previous shape is named: `<index>_v<n>_dsmx`. */
const EXPAND_INDEX_SUFFIX = '_dsmx';

/**
 * Indexes of the new version on what the expand view reads for a retyped field
 * (`(sent_at AT TIME ZONE 'UTC')::timestamp` of a timestamp made timestamptz):
 * readers of the previous shape filter on that cast, which the new version's own
 * indexes do not match, so without these every lookup by such a field through
 * the name scanned the whole new version until contract. One for the key and for
 * each plain btree index of the previous version over a retyped field, where
 * every value of the new type casts back (see castsBackEveryValue), or fails to
 * (castBackOnlyFails: an integer widened, the commonest migration of a key);
 * dropped at contract.
 */
export function expandIndexesOf(
  shape: MigrationShape,
  previousIndexes: IndexDefinition[],
  targetVersion: number,
): CarriedIndex[] {
  const phase = expandPhaseOf(shape.sourceFields, shape.fields);
  if (phase.plain) return [];
  const keyIndex = {
    name: `${shape.target.name}_pkey`,
    method: 'btree',
    keys: shape.sourceKey.map(k => q(k)),
    keyOptions: shape.sourceKey.map(() => ''),
  };
  const candidates = [
    keyIndex,
    ...previousIndexes.filter(i => i.method === 'btree' && !i.predicate),
  ];
  const indexes: CarriedIndex[] = [];
  const names = new Set<string>();
  for (const index of candidates) {
    const columns = index.keys.map(key =>
      phase.columns.find(c => key === c.name || key === q(c.name)),
    );
    if (
      columns.some(
        c =>
          !c ||
          (c.source !== 'same' &&
            c.source !== 'renamed' &&
            c.source !== 'old-type'),
      ) ||
      !columns.some(c => c!.source === 'old-type') ||
      // A cast back that could change a value (numeric → integer rounds) would
      // index what no row holds; one that can only fail (bigint → integer)
      // fails on what is refused until contract anyway (see mustFitPreviousSql).
      columns.some(
        c =>
          c!.source === 'old-type' &&
          !castsBackEveryValue(shape, newTypeOf(shape, c!), c!.type) &&
          !castBackOnlyFails(shape, newTypeOf(shape, c!), c!.type),
      )
    )
      continue;
    const keys = columns.map(
      (c, i) =>
        `${
          c!.source === 'old-type'
            ? `(${castBack(shape, q(c!.from!), newTypeOf(shape, c!), c!.type)})`
            : q(c!.from!)
        }${index.keyOptions[i]}`,
    );
    // Unique in the schema beside the same index's of another version.
    const suffix =
      index === keyIndex
        ? EXPAND_INDEX_SUFFIX
        : `_v${targetVersion}${EXPAND_INDEX_SUFFIX}`;
    const name = indexName(index.name, suffix, index.name, names);
    const relation = quoteRelation({ schema: shape.target.schema, name });
    // Beside the index it serves for, as the new version's own are.
    const tablespace =
      index === keyIndex
        ? shape.tablespaces?.key
        : (index as IndexDefinition).tablespace;
    indexes.push({
      name,
      original: index.name,
      expand: true,
      create: `CREATE INDEX CONCURRENTLY ${q(name)} ON ${quoteRelation(
        shape.target,
      )} USING btree (${list(keys)})${
        tablespace ? ` TABLESPACE ${q(tablespace)}` : ''
      }`,
      comment: `COMMENT ON INDEX ${relation} IS '${EXPAND_INDEX_COMMENT}'`,
    });
  }
  return indexes;
}

/**
 * A column of the expand view, read from the new version's row `n`, or from the
 * previous version's row of the same key. That one is read in a subquery, not a
 * join: `SELECT … FOR UPDATE` (Rails' `lock`, Django's `select_for_update`, a job
 * queue's `SKIP LOCKED`) through the view locks the new version's row, and
 * PostgreSQL refuses it on the nullable side of an outer join. A row the previous
 * version could not hold reads the field as NULL, as the outer join did.
 */
function readOf(
  shape: MigrationShape,
  previous: RelationName,
  c: ExpandColumn,
): string {
  if (c.source === 'previous')
    return `(SELECT p.${q(c.name)} FROM ${quoteRelation(
      previous,
    )} AS p WHERE (${list(shape.sourceKey.map(k => `p.${q(k)}`))}) = (${list(
      shape.targetKey.map(f => oldValueOf(shape, f, 'n.')),
    )}))`;
  if (c.source !== 'old-type') return `n.${q(c.from!)}`;
  return castBack(shape, `n.${q(c.from!)}`, newTypeOf(shape, c), c.type);
}

/**
 * A value of the new version's type `now` as the previous type `was`. The copy
 * and the triggers turned the previous type into the new one in UTC
 * (EXPRESSION_SETTINGS); a plain cast back would take the reader's time zone and
 * show every value shifted by it. A domain is judged by its base type.
 */
function castBack(
  shape: MigrationShape,
  value: string,
  now: string,
  was: string,
): string {
  const [to, from] = [zoned(baseOf(shape, was)), zoned(baseOf(shape, now))];
  if (from === 'zoned' && to === 'local')
    return `CAST((${value} AT TIME ZONE 'UTC') AS ${was})`;
  if (from === 'local' && to === 'zoned')
    return `CAST((CAST(${value} AS timestamp) AT TIME ZONE 'UTC') AS ${was})`;
  return castTo(value, was, shape.domainBases);
}

/** The type a domain of the source's is over; any other type itself. */
function baseOf(shape: MigrationShape, type: string): string {
  return shape.domainBases[type] ?? type;
}

const NUMBERS = new Set([
  'smallint',
  'int2',
  'integer',
  'int',
  'int4',
  'bigint',
  'int8',
  'numeric',
  'decimal',
  'real',
  'float4',
  'double precision',
  'float8',
]);
const TEXTS = new Set([
  'text',
  'varchar',
  'character varying',
  'char',
  'character',
  'bpchar',
]);

/** Whether a cast between two types gives the same value whatever the session's settings. */
function sameInEverySession(
  shape: MigrationShape,
  from: string,
  to: string,
): boolean {
  const [a, b] = [bareType(baseOf(shape, from)), bareType(baseOf(shape, to))];
  return (NUMBERS.has(a) && NUMBERS.has(b)) || (TEXTS.has(a) && TEXTS.has(b));
}

/**
 * The previous types every value of a numeric type casts to without an error (an
 * unbounded numeric; a wider integer; a float, rounding).
 */
const HOLDS_EVERY_VALUE_OF: Record<string, string[]> = {
  integer: ['smallint', 'integer'],
  bigint: ['smallint', 'integer', 'bigint'],
  numeric: ['smallint', 'integer', 'bigint', 'numeric'],
  real: ['smallint', 'integer', 'bigint', 'real'],
  'double precision': [
    'smallint',
    'integer',
    'bigint',
    'real',
    'double precision',
  ],
};

/**
 * The previous integer types a wider integer type casts back to with an error
 * for a value out of range, never another value.
 */
const FAILS_OUT_OF_RANGE: Record<string, string[]> = {
  smallint: ['integer', 'bigint'],
  integer: ['bigint'],
};

/** Whether castBack of a value of `now` to `was` either gives it unchanged or fails. */
function castBackOnlyFails(
  shape: MigrationShape,
  now: string,
  was: string,
): boolean {
  if (shape.domainBases[was] !== undefined) return false;
  return (
    FAILS_OUT_OF_RANGE[bareType(was)]?.includes(bareType(baseOf(shape, now))) ??
    false
  );
}

/**
 * Whether castBack of every value of the new type `now` to the previous type `was`
 * succeeds, and gives the same in the engine's session as in a reader's: between
 * time types (in UTC), between text types (`varchar(n)` cuts), to a numeric type
 * holding every value. Not to a domain, whose CHECK may refuse it; not a number
 * shown as text (extra_float_digits).
 */
function castsBackEveryValue(
  shape: MigrationShape,
  now: string,
  was: string,
): boolean {
  if (shape.domainBases[was] !== undefined) return false;
  if (zoned(was) && zoned(baseOf(shape, now))) return true;
  if (!sameInEverySession(shape, now, was)) return false;
  if (TEXTS.has(bareType(was))) return true;
  const into = was.includes('(')
    ? undefined
    : HOLDS_EVERY_VALUE_OF[bareType(was)];
  return into?.includes(bareType(baseOf(shape, now))) ?? false;
}

/** A type as written, lower case and without its modifier: `numeric(10, 2)` → `numeric`. */

/** The new version's type of the field an expand column reads. */
function newTypeOf(shape: MigrationShape, c: ExpandColumn): string {
  return shape.fields.find(f => f.name === c.from)!.type;
}

/** Whether a type's values are instants (`timestamptz`) or wall-clock dates and times. */
function zoned(type: string): 'zoned' | 'local' | undefined {
  const t = bareType(type);
  if (t === 'timestamptz' || t === 'timestamp with time zone') return 'zoned';
  if (t === 'timestamp' || t === 'timestamp without time zone' || t === 'date')
    return 'local';
  return undefined;
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
    : castBack(shape, `${row}${q(carrier.name)}`, carrier.type, old.type);
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
  /*
   * Fields the view shows in the writer's own settings (a timestamp retyped from
   * text, shown in their DateStyle: `13/01/2026` where the session orders the
   * day first), which this function, reading text as the copy did, may not read
   * back as the value stored. So such a field is read from NEW only where the
   * writer changed it; otherwise, and always for OLD, it is the stored value as
   * this function's settings show it, which reads back exactly (a field computed
   * from it and another is then computed from what is stored). Not a key field:
   * the key finds the row.
   */
  const shownInSession = phase.columns.filter(
    c =>
      c.source === 'old-type' &&
      !sameInEverySession(shape, c.type, newTypeOf(shape, c)) &&
      !shape.sourceKey.includes(c.name),
  );
  const changedByWriter = (c: ExpandColumn) =>
    `(TG_OP = 'INSERT' OR record_image_ne(ROW(NEW.${q(c.name)}), ROW(OLD.${q(
      c.name,
    )})))`;
  const storedOf = (c: ExpandColumn) =>
    `(SELECT ${readOf(shape, previous, c)} FROM ${target} AS n WHERE (${list(
      shape.targetKey.map(f => `n.${q(f.name)}`),
    )}) = (${list(shape.targetKey.map(f => valueOf(f, 'OLD.')))}))`;
  const rowOf = (row: 'NEW' | 'OLD') =>
    shownInSession.length === 0
      ? `${row}.*`
      : list(
          phase.columns.map(c => {
            if (!shownInSession.includes(c)) return `${row}.${q(c.name)}`;
            const read =
              row === 'OLD'
                ? storedOf(c)
                : `CASE WHEN ${changedByWriter(c)} THEN NEW.${q(
                    c.name,
                  )} ELSE ${storedOf(c)} END`;
            return `${read} AS ${q(c.name)}`;
          }),
        );
  const forward = (row: 'NEW' | 'OLD') =>
    `(SELECT ${list(
      shape.fields.map(
        f => `${keptValueOf(shape, f, 'r.', writerRemedy)} AS ${q(f.name)}`,
      ),
    )} FROM (SELECT ${rowOf(row)}) AS r)`;
  const columns = list(shape.fields.map(f => q(f.name)));
  // An added field with a default is given it by the view: NEW holds what the
  // writer named it with, NULL included. Any other field the view serves under its
  // new name (a rename's) is taken from its old name where NEW holds no value.
  const defaulted = new Set(addedWithDefault(shape, phase).map(f => f.name));
  // The columns whose view default counts the rows it filled in: left_out[i]
  // says whether this row's column counted(i) was left out.
  const renamed = renamedWithDefault(shape, phase);
  const previousOnly = previousOnlyOf(phase);
  const withDefault = previousOnly.filter(
    c => shape.sourceFields.find(f => f.name === c.name)?.default !== undefined,
  );
  const counted = [
    ...withDefault.map(c => c.name),
    ...renamed.flatMap(r => [r.old, r.now]),
  ];
  const leftOut = (column: string) =>
    `left_out[${counted.indexOf(column) + 1}]`;
  const inserted = list(
    shape.fields.map(f => {
      if (defaulted.has(f.name)) return `NEW.${q(f.name)}`;
      // Its new name as given, NULL included; left out, from its old name, given
      // or its default, as the copy computes it (the new name's default, cast in
      // the writer's session, would take its time zone).
      const pair = renamed.find(r => r.now === f.name);
      if (pair)
        return `CASE WHEN ${leftOut(pair.now)} THEN nv.${q(
          f.name,
        )} ELSE NEW.${q(f.name)} END`;
      return exposed.has(f.name)
        ? `coalesce(NEW.${q(f.name)}, nv.${q(f.name)})`
        : `nv.${q(f.name)}`;
    }),
  );
  const updated = list(
    shape.fields.map(f => {
      const given = exposed.has(f.name)
        ? `WHEN record_image_ne(ROW(NEW.${q(f.name)}), ROW(OLD.${q(
            f.name,
          )})) THEN NEW.${q(f.name)} `
        : '';
      return `${q(f.name)} = CASE ${given}WHEN record_image_ne(ROW(nv.${q(
        f.name,
      )}), ROW(ov.${q(f.name)})) THEN nv.${q(f.name)} ELSE t.${q(f.name)} END`;
    }),
  );
  const keyOf = (row: string) =>
    `(${list(shape.targetKey.map(f => `${row}.${q(f.name)}`))})`;
  // The previous version's row of the written one: carried fields from it, the rest as given.
  const oldValue = (old: DatasetField): string => {
    const column = phase.columns.find(c => c.name === old.name)!;
    if (column.source === 'previous') return `NEW.${q(old.name)}`;
    if (column.source === 'old-type')
      return castTo(`w.${q(column.from!)}`, old.type, shape.domainBases);
    return `w.${q(column.from!)}`;
  };
  const oldKey = list(shape.sourceKey.map(q));
  const oldOthers = shape.sourceFields.filter(
    f => !shape.sourceKey.includes(f.name),
  );
  const previousKeyOf = (row: string) =>
    `(${list(shape.sourceKey.map(k => `${row}.${q(k)}`))})`;
  // Both sides cast to the previous version's key types, which an image compares.
  const keyFields = shape.sourceKey.map(
    k => shape.sourceFields.find(f => f.name === k)!,
  );
  const writtenKeyChanged = keyChangedSql(
    keyFields.map(f => `CAST(OLD.${q(f.name)} AS ${f.type})`),
    keyFields.map(f => `CAST(${oldValue(f)} AS ${f.type})`),
  );
  // A writer that gives a field only the previous version has writes the previous
  // shape: that version's refusal (a unique index on a dropped field) is the
  // write's, as it was before cut-over. One that moved gives none of them. An
  // insert is judged by the fields it names (one the view filled in with its
  // default was counted there, see countedDefault), an update by the fields it
  // changes (NEW holds the rest as they were).
  // In parentheses: it is ANDed with the operation below.
  const insertGives =
    previousOnly.length === 0
      ? 'false'
      : `(${previousOnly
          .map(c =>
            withDefault.includes(c)
              ? `NOT ${leftOut(c.name)}`
              : `NEW.${q(c.name)} IS NOT NULL`,
          )
          .join(' OR ')})`;
  // Every row the view's default was counted for is taken off its count, also
  // an update's (`SET code = DEFAULT`), so the count is that of rows not yet
  // seen. The rows of a statement come here one by one after their values are
  // computed, or all after, when all left a column out (an INSERT … SELECT
  // names its columns once); an error undoes the counting with the rest.
  const countedOff = counted
    .map((column, i) => {
      const setting = omittedSetting(shape, column);
      return `
       left_out[${i + 1}] := ${omittedCountSql(setting)} > 0;
       IF left_out[${i + 1}] THEN
         PERFORM set_config(${literal(setting)}, (${omittedCountSql(
        setting,
      )} - 1)::text, true);
       END IF;`;
    })
    .join('');
  const seen =
    countedOff === ''
      ? ''
      : `
       IF TG_OP <> 'DELETE' THEN${countedOff}
       END IF;`;
  const updateGives = previousOnly
    .map(c => `record_image_ne(ROW(NEW.${q(c.name)}), ROW(OLD.${q(c.name)}))`)
    .join(' OR ');
  const refusedAsTheTableDid =
    previousOnly.length === 0
      ? ''
      : `
         IF (TG_OP = 'INSERT' AND ${insertGives})
            OR (TG_OP = 'UPDATE' AND (${updateGives})) THEN
           RAISE;
         END IF;`;
  const deletedFromPrevious = `
         DELETE FROM ${quoteRelation(previous)} AS p
          WHERE ${previousKeyOf('p')} = ${previousKeyOf('OLD')};`;
  // A delete asks the previous version to hold nothing, so whatever refuses it
  // there (a foreign key to that table, added since cut-over) refuses the write,
  // as it did the table's: kept on the new version only, the row would be gone
  // for one shape's readers and not the other's, the rule bypassed.
  const deletePrevious = `
       IF TG_OP = 'DELETE' THEN${deletedFromPrevious}
         RETURN OLD;
       END IF;`;
  // A key change is an update of the previous version's key, not a delete and an
  // insert: a foreign key to that table acts as it did on the table (ON UPDATE
  // CASCADE moves the rows referencing it, where ON DELETE CASCADE deleted them),
  // and what refuses it there (a foreign key that does not follow, an identity key
  // GENERATED ALWAYS) refuses the write, as it did the table's. The values were
  // checked to fit the previous types above. A row the previous version does not
  // hold is not there to change; the insert below gives it one.
  const rekeyPrevious = `
       IF TG_OP = 'UPDATE' AND ${writtenKeyChanged} THEN
         UPDATE ${quoteRelation(previous)} AS p SET ${list(
    keyFields.map(f => `${q(f.name)} = ${oldValue(f)}`),
  )}
          WHERE ${previousKeyOf('p')} = ${previousKeyOf('OLD')};
       END IF;`;
  const keepPrevious = `
       BEGIN
         INSERT INTO ${quoteRelation(previous)} AS p (${list(
    shape.sourceFields.map(f => q(f.name)),
  )})${OVERRIDING_IDENTITY}
           VALUES (${list(shape.sourceFields.map(oldValue))})
           ON CONFLICT (${oldKey}) ${
    oldOthers.length === 0
      ? 'DO NOTHING'
      : `DO UPDATE SET ${list(
          oldOthers.map(f => `${q(f.name)} = EXCLUDED.${q(f.name)}`),
        )}`
  };
       EXCEPTION
         ${CONFLICTS_FAIL_THE_WRITE}
         WHEN OTHERS THEN${refusedAsTheTableDid}
         -- A row the previous version cannot hold without the fields only it has (a
         -- dropped NOT NULL field not given): its readers see them empty; the new
         -- version has the write.
         NULL;
       END;`;
  // An insert that leaves an identity key out gets the new version's next number
  // here, in the engine's rights: a writer holds none on that sequence (a view
  // default would ask it for one), as it held none on the source's identity.
  const numbered = shape.identities
    .map(i => {
      const given = [...new Set([i.from, i.to])].filter(c =>
        phase.columns.some(column => column.name === c),
      );
      return `
       IF TG_OP = 'INSERT' AND ${given
         .map(c => `NEW.${q(c)} IS NULL`)
         .join(' AND ')} THEN
         NEW.${q(given[0])} := nextval(pg_get_serial_sequence(${literal(
        quoteRelation(shape.target),
      )}, ${literal(i.to)})::regclass);
       END IF;`;
    })
    .join('');
  /*
   * The row an update or delete was given (OLD) is as the statement's snapshot
   * saw it: on a table, PostgreSQL would wait for a writer of the row and judge
   * the statement's WHERE again on what it wrote; here the view has no row to
   * lock, so a second writer would apply values computed from a row since
   * changed (an increment lost, a job claimed twice, a version check passed).
   * So the new version's row is locked, then read again as the view reads it: a
   * row gone is not written (as on a table); one changed by another transaction
   * fails the write as a serialization failure, which the writer may retry; one
   * changed by this same statement is not written again (as on a table).
   */
  // Compared as stored (binary images: json has no equality), and only the
  // columns the view reads the same in every session: a cast back to the
  // previous type that depends on the writer's TimeZone or DateStyle gave OLD
  // in the writer's settings, and this function runs in its own.
  const compared = phase.columns.filter(
    c =>
      c.source !== 'old-type' ||
      sameInEverySession(shape, c.type, newTypeOf(shape, c)),
  );
  const now = compared.length
    ? `ROW(${list(compared.map(c => readOf(shape, previous, c)))})`
    : 'ROW(0)';
  const then = compared.length
    ? `ROW(${list(compared.map(c => `OLD.${q(c.name)}`))})`
    : 'ROW(0)';
  // After the lock, a row version by a transaction still in progress is this
  // one's (or a savepoint's in it): any other would have been waited for.
  // The row's 32-bit xmin widened to 64 bits in the epoch nearest this
  // transaction's id (a savepoint's id is above it, another's either side).
  const own = 'pg_current_xact_id()::text::bigint';
  const widened = `(${own} - ${own} % 4294967296 + n.xmin::text::bigint)`;
  const mine = `coalesce(pg_xact_status((${widened} + CASE
           WHEN ${widened} > ${own} + 2147483648 THEN -4294967296
           WHEN ${widened} < ${own} - 2147483648 THEN 4294967296
           ELSE 0 END)::text::xid8) = 'in progress', false)`;
  const unchangedSinceRead = `
         PERFORM 1 FROM ${target} AS n, ${forward('OLD')} AS ov
          WHERE ${keyOf('n')} = ${keyOf('ov')} FOR UPDATE OF n;
         IF NOT FOUND THEN RETURN NULL; END IF;
         -- A statement of its own: its snapshot sees what the writer waited for.
         SELECT record_image_ne(${now}, ${then}), n.xmin::text::bigint > 2 AND ${mine}
           INTO changed, ours
           FROM ${target} AS n, ${forward('OLD')} AS ov
          WHERE ${keyOf('n')} = ${keyOf('ov')};
         IF changed AND ours THEN RETURN NULL; END IF;
         IF changed THEN
           RAISE EXCEPTION USING ERRCODE = 'serialization_failure', MESSAGE = ${literal(
             `could not serialize access due to concurrent update of ${formatRelation(
               shape.name,
             )}`,
           )}, DETAIL = ${literal(
    `until contract ${formatRelation(
      shape.name,
    )} is a view, and another transaction changed the row after this statement read it`,
  )}, HINT = 'Retry the transaction.';
         END IF;`;
  /*
   * What the writer's RETURNING reads: the row as the view now serves it, not NEW
   * as given. NEW lacks what the write computed (a rename's other name, a field
   * the new version gives a value) and, after an update through one name of a
   * renamed field, holds the other's value from before. A value cast back
   * whose text depends on the session (a timestamptz shown as text) is read
   * again only where the writer did not give it: this function runs in UTC.
   */
  const served = phase.columns.filter(c => c.source !== 'previous');
  const asGiven = (c: ExpandColumn) =>
    c.source === 'old-type' &&
    !sameInEverySession(shape, c.type, newTypeOf(shape, c));
  // The row the write computed from NEW, only where compared: its expressions
  // run again.
  const computed = served.some(asGiven) ? `, ${forward('NEW')} AS nv` : '';
  const returned =
    served.length === 0
      ? ''
      : `
       IF TG_OP IN ('INSERT', 'UPDATE') THEN
         SELECT ${list(
           served.map(c =>
             asGiven(c)
               ? `CASE WHEN record_image_ne(ROW(n.${q(c.from!)}), ROW(nv.${q(
                   c.from!,
                 )})) THEN ${readOf(shape, previous, c)} ELSE NEW.${q(
                   c.name,
                 )} END`
               : readOf(shape, previous, c),
           ),
         )}
           INTO ${list(served.map(c => `NEW.${q(c.name)}`))}
           FROM (SELECT w.*) AS n${computed};
       END IF;`;
  const fn = quoteRelation(shape.expand.fn);
  return [
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql
       ${functionSettings()} AS ${dollarQuoted(
      `
     ${COLUMNS_OVER_VARIABLES}
     DECLARE
       w ${target}%ROWTYPE;
       changed boolean;
       ours boolean;
       left_out boolean[];
     BEGIN${seen}${numbered}
       IF TG_OP = 'INSERT' THEN
         INSERT INTO ${target} (${columns})
           SELECT ${inserted} FROM ${forward('NEW')} AS nv RETURNING * INTO w;
       ELSIF TG_OP = 'UPDATE' THEN${unchangedSinceRead}
         UPDATE ${target} AS t SET ${updated}
           FROM ${forward('NEW')} AS nv, ${forward('OLD')} AS ov
          WHERE ${keyOf('t')} = ${keyOf('ov')} RETURNING t.* INTO w;
       ELSE${unchangedSinceRead}
         DELETE FROM ${target} AS t USING ${forward('OLD')} AS ov
          WHERE ${keyOf('t')} = ${keyOf('ov')};
         IF NOT FOUND THEN RETURN NULL; END IF;
       END IF;
       IF TG_OP = 'UPDATE' AND w IS NULL THEN RETURN NULL; END IF;${deletePrevious}${rekeyPrevious}${keepPrevious}
${returned}
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
export function dropExpandSql(shape: MigrationShape): string[] {
  return [
    `DROP FUNCTION IF EXISTS ${quoteRelation(shape.expand.fn)}()`,
    // Called by the copy and the capture, then by the expand trigger.
    dropChangedValueFnSql(shape),
    // With its trigger, on the new version if a later migration left it.
    `DROP FUNCTION IF EXISTS ${quoteRelation(
      previousTypesGuardOf(shape).fn,
    )}() CASCADE`,
  ];
}

export function refuseWritesSql(
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
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql AS ${dollarQuoted(
      `BEGIN
       RAISE EXCEPTION USING ERRCODE = 'read_only_sql_transaction', MESSAGE = ${literal(
         message,
       )};
     END`,
      'moved',
    )}`,
    `CREATE TRIGGER ${q(
      shape.movedTrigger,
    )} INSTEAD OF INSERT OR UPDATE OR DELETE ON ${quoteRelation(
      oldName,
    )} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
  ];
}

export function dropRefuseWritesSql(
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

/**
 * Makes each partition of the old version (quoted names) refuse writes made
 * straight into it. Statement-level: rows the reverse trigger routes through the
 * old version's parent do not fire it. A TRUNCATE of the parent fires it in each
 * partition: one from inside a trigger (the new version's TRUNCATE carried back,
 * see createTruncateReverseSql) goes on.
 */
export function freezePartitionsSql(
  shape: MigrationShape,
  partitions: string[],
): string[] {
  if (partitions.length === 0) return [];
  return refuseStatementsSql(
    shape.frozenFunction,
    shape.frozenTrigger,
    `format('%I.%I', TG_TABLE_SCHEMA, TG_TABLE_NAME) || ${literal(
      ` holds rows of the previous version of ${formatRelation(
        shape.name,
      )}, which now reads ${formatRelation(
        shape.target,
      )}: write through ${formatRelation(shape.name)}`,
    )}`,
    partitions,
  );
}

/**
 * A function and a statement trigger on each of `tables` (quoted names) that
 * refuse a session's own insert, update, delete or TRUNCATE with `message` (a
 * SQL expression); what comes from inside a trigger (pg_trigger_depth() above 1
 * here: the engine's carry back, a foreign key's action) goes on.
 */
function refuseStatementsSql(
  fn: RelationName,
  trigger: string,
  message: string,
  tables: string[],
): string[] {
  return [
    `CREATE FUNCTION ${quoteRelation(
      fn,
    )}() RETURNS trigger LANGUAGE plpgsql AS ${dollarQuoted(
      `BEGIN
       IF pg_catalog.pg_trigger_depth() <= 1 THEN
         RAISE EXCEPTION USING ERRCODE = 'read_only_sql_transaction',
           MESSAGE = ${message};
       END IF;
       RETURN NULL;
     END`,
      'frozen',
    )}`,
    ...tables.map(
      table =>
        `CREATE TRIGGER ${q(
          trigger,
        )} BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON ${table} FOR EACH STATEMENT EXECUTE FUNCTION ${quoteRelation(
          fn,
        )}()`,
    ),
  ];
}

/** The function of freezePreviousSql's trigger, which has its name. */
function frozenPreviousOf(shape: MigrationShape): RelationName {
  return {
    ...shape.frozenFunction,
    name: `${shape.frozenFunction.name}_previous`,
  };
}

/**
 * Makes the previous version's table refuse writes made straight into it
 * (`<name>_v<N>`: an insert, update, delete or TRUNCATE of a statement of a
 * session's own), as its partitions do (freezePartitionsSql). Such a write
 * reached neither the name nor the new version, and a rollback, which drops the
 * new version, then served it: a row deleted there was gone from the name,
 * though the name served it until then (found by a probe, 2026-12-06). What the
 * engine's triggers write back there, and what a foreign key's action changes
 * there, comes from inside a trigger (pg_trigger_depth() above 1 in this one)
 * and goes on. A session with session_replication_role = replica fires no
 * such trigger, as for the partitions.
 */
export function freezePreviousSql(
  shape: MigrationShape,
  previous: RelationName,
): string[] {
  return refuseStatementsSql(
    frozenPreviousOf(shape),
    `${shape.frozenTrigger}_previous`,
    literal(
      `${formatRelation(
        previous,
      )} holds the previous version of ${formatRelation(
        shape.name,
      )}, which now reads ${formatRelation(
        shape.target,
      )}: write through ${formatRelation(
        shape.name,
      )} (a write here would reach neither, and a rollback would serve it)`,
    ),
    [quoteRelation(previous)],
  );
}

/** Removes what freezePartitionsSql and freezePreviousSql made, their triggers with their functions. */
export function dropFrozenPartitionsSql(shape: MigrationShape): string[] {
  return [
    `DROP FUNCTION IF EXISTS ${quoteRelation(shape.frozenFunction)}() CASCADE`,
    `DROP FUNCTION IF EXISTS ${quoteRelation(
      frozenPreviousOf(shape),
    )}() CASCADE`,
  ];
}
