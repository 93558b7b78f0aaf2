/**
 * A retype's cast that can change a value without an error: found by the dry run
 * in its sample, refused by the copy for every other row, recorded by the
 * capture (the writer goes on), and refused for writes through the name.
 *
 * An explicit cast rounds and cuts without a word: `bigint` → `double
 * precision` stores 9007199254740995 as …996, `numeric` → `integer` 2.5 as 3,
 * `timestamp` → `date` drops the time of day, `integer` → `boolean` 5 as true,
 * `double precision` → `numeric` keeps 15 digits. ALTER TABLE does the
 * same; a migration that promises to lose nothing must not. A value is kept when
 * it casts back to the previous type as it was. Text is parsed, into a normal
 * form that is the point of the retype (text '042' → integer 42; see
 * docs/engine.md), so of a parse only what it drops is checked: a time of day or
 * an offset from UTC, digits past a float's precision; a key's text must read
 * back as stored. Widenings lose nothing.
 */
import {
  type TargetField,
  widens,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { quoteRelation } from '../relations';
import type { MigrationShape } from './shape';
import {
  bareType,
  castTo,
  dollarQuoted,
  functionSettings,
  literal,
  q,
  TEXT_TYPES,
  valueOf,
} from './values';

/**
 * Types whose values a cast to another type may round or cut without an error,
 * and that compare with `=` as values (so a value that casts back equal is the
 * same value).
 */
const COMPARED_TYPES = new Set([
  'smallint',
  'integer',
  'bigint',
  'numeric',
  'decimal',
  'real',
  'double precision',
  'money',
  'boolean',
  'date',
  'timestamp without time zone',
  'timestamp with time zone',
  'timestamp',
  'timestamptz',
  'time without time zone',
  'time with time zone',
  'interval',
  'uuid',
  'bytea',
  'jsonb',
  'inet',
  'cidr',
  'macaddr',
]);

/**
 * SQL: whether the text `v` gives seconds digits past the microsecond, which a
 * parse into a time rounds away without a word: `10:30:00.123456789` (Java's
 * Instant, Go's RFC3339Nano) is 10:30:00.123457. Found by a probe (2026-12-06).
 */
function subMicrosecond(v: string): string {
  // Never NULL: a NULL here would be taken for a changed value.
  return `coalesce(CAST(${v} AS text) ~ '[0-9]:[0-9]{2}[.][0-9]{6}[0-9]*[1-9]', false)`;
}

/**
 * SQL: whether the float `type` made of `v` (text or numeric) drops digits:
 * its text, the shortest that reads back as it (extra_float_digits = 1), is
 * another number. Not PostgreSQL's float → numeric cast, which keeps 15 digits
 * (6 of a real), so 1234567890123457, which a double holds, would seem changed
 * (found by a review, 2026-12-06).
 */
const floatDrops = (type: string) => (v: string) =>
  `CAST(CAST(CAST(${v} AS ${type}) AS text) AS numeric) IS DISTINCT FROM CAST(${v} AS numeric)`;

/**
 * SQL: whether the text `v` is a date whose reading PostgreSQL guesses: the
 * order of day and month where both could be either (`01/03/2026` is 3 January
 * month first, as the engine's DateStyle reads it, and 1 March day first, as a
 * British file or a `DMY` session wrote it), or the century of a year in two
 * digits (`05/05/45`, `Jan 5 45`, `08-Jan-99`, `990108` is 1999). A date whose
 * year comes first (`2026-03-01`, ISO 8601) is read alike in every DateStyle.
 * Found by a probe (2026-12-06): a writer in a `DMY` session wrote
 * `05/01/2026` through the name and 1 May was stored. The patterns without
 * captures come first: a capture costs about 20 µs a row.
 */
function numericDateGuessed(v: string): string {
  const text = `CAST(${v} AS text)`;
  const fields = `regexp_match(${text}, '(?:^|[^0-9])([0-9]{1,2})[-/. ]+([0-9]{1,3})[-/. ]+([0-9]+)')`;
  // Never NULL: a NULL here would be taken for a changed value.
  return `CASE WHEN ${text} ~ '^\\s*[0-9]{6}\\s*$' THEN true
     WHEN ${text} ~ '^\\s*[0-9]{3}' THEN false
     WHEN ${text} ~ '[A-Za-z]' AND ${text} ~ '[0-9]' AND ${text} !~ '[0-9]{3}' THEN true
     WHEN ${text} !~ '(^|[^0-9])[0-9]{1,2}[-/. ]+[0-9]{1,3}[-/. ]+[0-9]' THEN false
     ELSE coalesce((SELECT (d[1]::int BETWEEN 1 AND 12 AND d[2]::int BETWEEN 1 AND 12 AND d[1]::int <> d[2]::int) OR length(d[3]) <= 2 FROM ${fields} AS d), false) END`;
}

/**
 * SQL: whether the text `v` names a time PostgreSQL reads from the clock
 * (`'now'`, `'today'`…), which each batch and the check after the copy would
 * read again, each at its own moment (found by a probe, 2026-12-07).
 */
function readFromClock(v: string): string {
  // Never NULL: a NULL here would be taken for a changed value.
  // A word anywhere: 'today 10:00' sets the date from the clock, the time given.
  return `coalesce(CAST(${v} AS text) ~* '\\m(now|today|tomorrow|yesterday)\\M', false)`;
}

/**
 * What a parse of the text `v` into each type drops, as SQL true where it
 * drops something (or guesses: see numericDateGuessed). The engine's sessions
 * and functions are in UTC (see EXPRESSION_SETTINGS), so text without an
 * offset reads alike both ways.
 */
const PARSE_DROPS: Record<string, (v: string) => string> = {
  // As an instant, so an offset dropped counts as a time of day does
  // (`2026-01-05T00:00:00+02:00` is the 4th in UTC). A date past timestamp's
  // range (294276 AD) has no time of day to drop, and the check would fail
  // the parse the cast takes.
  date: v =>
    `CASE WHEN CAST(${v} AS date) > date '294276-12-31' THEN false ELSE CAST(CAST(${v} AS date) AS timestamp) AT TIME ZONE 'UTC' IS DISTINCT FROM CAST(${v} AS timestamptz) OR ${subMicrosecond(
      v,
    )} END OR ${numericDateGuessed(v)} OR ${readFromClock(v)}`,
  timestamp: v =>
    `(CAST(${v} AS timestamp) AT TIME ZONE 'UTC') IS DISTINCT FROM CAST(${v} AS timestamptz) OR ${subMicrosecond(
      v,
    )} OR ${numericDateGuessed(v)} OR ${readFromClock(v)}`,
  timestamptz: v =>
    `${subMicrosecond(v)} OR ${numericDateGuessed(v)} OR ${readFromClock(v)}`,
  'double precision': floatDrops('double precision'),
  real: floatDrops('real'),
};

const DATE_TYPES = new Set(['date', 'timestamp', 'timestamptz']);

/** A retyped field whose cast is checked, and what it casts between. */
export interface CheckedCast {
  field: TargetField;
  /** The source field the cast reads. */
  from: string;
  /** Its type, as the source spells it. */
  was: string;
  /** SQL: whether the cast changes the source value `value`. */
  changed: (value: string) => string;
  /** Whether it parses text into a date or a time, guessing numeric dates' order. */
  readsDates?: boolean;
}

/** The cast a field's value comes from, where it can change a value without an error. */
export function checkedCastOf(
  shape: MigrationShape,
  field: TargetField,
): CheckedCast | undefined {
  if (field.source.kind !== 'cast') return undefined;
  const from = field.source.from;
  const was = shape.sourceFields.find(f => f.name === from)?.type;
  if (!was || was.endsWith(']') || field.type.endsWith(']')) return undefined;
  const wasBase = bareType(shape.domainBases[was] ?? was);
  const nowBase = bareType(field.type);
  if (widens(wasBase, nowBase)) return undefined;
  if (
    (wasBase === 'numeric' || wasBase === 'decimal') &&
    (nowBase === 'double precision' || nowBase === 'real')
  )
    return { field, from, was, changed: floatDrops(nowBase) };
  if (COMPARED_TYPES.has(wasBase))
    return {
      field,
      from,
      was,
      // Back to the base type: without its modifier or domain, whose rounding
      // (`numeric(5,2)`: 1000 overflows) or CHECK would fail where the value
      // was changed, an SQL error in place of the refusal naming the row (found
      // by a probe, 2026-12-06); jsonb by to_jsonb (see castTo).
      changed: v =>
        `${castTo(
          `CAST(${v} AS ${field.type})`,
          wasBase,
        )} IS DISTINCT FROM ${v}`,
    };
  const drops = PARSE_DROPS[nowBase];
  // A key parsed from text must read back as it is stored: the reverse trigger
  // finds the previous version's row by the new key cast back to text, which
  // misses '042' (integer 42 reads back '42') or an upper-case uuid, so writes
  // through the name would skip that row there and a rollback serve it again
  // (found by a probe, 2026-12-07).
  if (TEXT_TYPES.has(wasBase) && shape.sourceKey.includes(from))
    return {
      field,
      from,
      was,
      changed: v =>
        `CAST(CAST(${v} AS ${
          field.type
        }) AS text) IS DISTINCT FROM CAST(${v} AS text)${
          drops ? ` OR ${drops(v)}` : ''
        }`,
      readsDates: DATE_TYPES.has(nowBase),
    };
  if (TEXT_TYPES.has(wasBase) && drops)
    return {
      field,
      from,
      was,
      changed: drops,
      readsDates: DATE_TYPES.has(nowBase),
    };
  return undefined;
}

/** SQL: whether the cast changes the value of the row `row` (`s.`, `n.`). */
export function changedByCastSql(cast: CheckedCast, row: string): string {
  return cast.changed(`${row}${q(cast.from)}`);
}

/** The function the copy, the capture and the expand trigger call to refuse a value the cast changes. */
function changedValueFnOf(shape: MigrationShape) {
  return { ...shape.capture.fn, name: `${shape.capture.fn.name}_changed` };
}

/**
 * The function raising its message: an SQL expression has no RAISE. Dropped
 * by undo, or with the expand trigger's functions (see dropExpandSql).
 */
function changedValueFnSql(shape: MigrationShape): string {
  return `CREATE OR REPLACE FUNCTION ${quoteRelation(
    changedValueFnOf(shape),
  )}(message text) RETURNS boolean LANGUAGE plpgsql ${functionSettings()} AS ${dollarQuoted(
    `
     BEGIN
       RAISE EXCEPTION USING ERRCODE = 'data_exception', MESSAGE = message;
     END `,
    'changed',
  )}`;
}

/**
 * The function, where a field's cast is checked: made with each thing that
 * calls it (the capture, the backfill's copy, a copy of partitions attached
 * since, the expand trigger), so a run begun before the function was still
 * finds it wherever it resumes.
 */
export function changedValueFnIfNeededSql(shape: MigrationShape): string[] {
  return shape.fields.some(f => checkedCastOf(shape, f))
    ? [changedValueFnSql(shape)]
    : [];
}

export function dropChangedValueFnSql(shape: MigrationShape): string {
  return `DROP FUNCTION IF EXISTS ${quoteRelation(
    changedValueFnOf(shape),
  )}(text)`;
}

/** SQL: the row's key as `k=v, …`. */
export function keyTextSql(shape: MigrationShape, row: string): string {
  return shape.sourceKey
    .map(k => `${literal(`${k}=`)} || coalesce(${row}${q(k)}::text, 'NULL')`)
    .join(` || ', ' || `);
}

/** A field's name as a person would write it in `using`: quoted only where it must be. */
function nameInAdvice(name: string): string {
  return /^[a-z_][a-z0-9_]*$/.test(name) ? name : q(name);
}

/** Why a value is refused, the same words from the dry run and the copy. */
export function changedValueWords(cast: CheckedCast): {
  what: string;
  remedy: string;
} {
  const from = nameInAdvice(cast.from);
  return {
    what: `field ${q(cast.field.name)}: the cast from ${cast.was} to ${
      cast.field.type
    } changes`,
    remedy: `a retype keeps every value: fix those rows${
      cast.field.primaryKey
        ? ', or keep the type'
        : `, or, where the change is meant, say so with using: ${from}::${
            cast.field.type
          }${cast.readsDates ? dayFirstRemedy(cast) : ''}`
    }`,
  };
}

/**
 * For a transform whose parse of a date failed (`13/01/2026` read month first
 * is out of range): how to read each field parsed into dates from text
 * written day first. Undefined where no field is.
 */
export function dayFirstAdvice(shape: MigrationShape): string | undefined {
  const reads = shape.fields.flatMap(f => {
    const cast = checkedCastOf(shape, f);
    return cast?.readsDates ? [dayFirstReading(cast)] : [];
  });
  if (reads.length === 0) return undefined;
  return `a date in numbers is read month first; for text written day first, say so with using: ${reads.join(
    ', ',
  )}`;
}

/** How to read the field's text written day first, where the cast parses dates. */
function dayFirstReading(cast: CheckedCast): string {
  const from = nameInAdvice(cast.from);
  return bareType(cast.field.type) === 'date'
    ? `to_date(${from}, 'DD/MM/YYYY')`
    : `regexp_replace(${from}, '^\\s*(\\d{1,2})([/.-])(\\d{1,2})\\2(\\d{4})', '\\4-\\3-\\1')::${cast.field.type}`;
}

/**
 * For a parse of dates: what the engine guesses, and how to read text written
 * day first (not for a year in two digits, whose century no format knows: `YY`
 * guesses too). For a time, the date is put year first and the rest left to
 * the cast: a `to_timestamp` format would drop a fraction or an offset it does
 * not name.
 */
function dayFirstRemedy(cast: CheckedCast): string {
  const how =
    bareType(cast.field.type) === 'date'
      ? 'give its format'
      : 'put its date year first';
  return ` (a date in numbers is read month first, a year in two digits as 1970 to 2069); for text written day first ${how}: ${dayFirstReading(
    cast,
  )}`;
}

/**
 * What the plan warns writers of, where a field is parsed from text into
 * dates: until contract a write through the name of a date whose reading is
 * guessed is refused, though a session whose DateStyle reads it as the engine
 * does (month first) meant what the engine would store.
 */
export function guessedDatesWarning(shape: MigrationShape): string | undefined {
  const fields = shape.fields.filter(f => checkedCastOf(shape, f)?.readsDates);
  if (fields.length === 0) return undefined;
  return `until contract a date written through the name into ${fields
    .map(f => q(f.name))
    .join(
      ', ',
    )} whose day and month could be either way round (03/04/2026) or whose year has two digits is refused, in every session's DateStyle: writers write the year first (2026-04-03)`;
}

/** What a writer through the name is told of a value the cast would change. */
export function writerRemedy(cast: CheckedCast): string {
  return `until contract the name takes only values the new version holds as they are${
    cast.readsDates ? ': write a date year first (2026-01-05)' : ''
  }`;
}

/**
 * The field's value from the row `row`, as the copy, the capture and writes
 * through the name store it: the cast, or, where it changes the value, an error
 * naming the row, the value and what it would become, and `remedy` (by default
 * the migration's author's).
 */
export function keptValueOf(
  shape: MigrationShape,
  field: TargetField,
  row: string,
  remedyOf?: (cast: CheckedCast) => string,
): string {
  const cast = checkedCastOf(shape, field);
  if (!cast) return valueOf(field, row);
  const { what, remedy: authors } = changedValueWords(cast);
  const remedy = remedyOf?.(cast) ?? authors;
  const value = `${row}${q(cast.from)}`;
  const message = `format(${literal(
    `${what} %s into %s (%s); ${remedy}`,
  )}, ${value}::text, CAST(${value} AS ${field.type})::text, ${keyTextSql(
    shape,
    row,
  )})`;
  // CASE evaluates the refusal only for a row whose first WHEN is false.
  return `CASE WHEN NOT (${changedByCastSql(cast, row)}) THEN ${valueOf(
    field,
    row,
  )} WHEN ${quoteRelation(changedValueFnOf(shape))}(${message}) THEN NULL END`;
}
