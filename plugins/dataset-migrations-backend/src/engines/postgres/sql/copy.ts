/** Copying rows from source to target: key ranges, the dry run and failing-row ranges. */

import { quoteRelation } from '../relations';
import type { MigrationShape } from './shape';
import {
  type CheckedCast,
  changedByCastSql,
  checkedCastOf,
  keptValueOf,
  keyTextSql,
} from './keptValues';
import { list, q, valueOf } from './values';

/**
 * `INSERT … ON CONFLICT` of mapped rows; later writes win over copied ones. A
 * value a retype's cast would change is refused (see keptValues.ts).
 */
export function upsertSql(
  shape: MigrationShape,
  rows: string,
  row: string,
  onConflict: 'update' | 'nothing' | 'none',
) {
  const columns = list(shape.fields.map(f => q(f.name)));
  const values = list(shape.fields.map(f => keptValueOf(shape, f, row)));
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

/** How a range is copied; see copyRangeSql. */
export interface CopyOptions {
  /** Leave out rows whose key the target already has. */
  skipCopied: boolean;
  /** Keep the target's row, with no error, where one with the key is written meanwhile. */
  keepExisting: boolean;
  /**
   * Leave out row versions written by the transactions this names (see
   * capturedFromSql): the capture wrote each of them to the target in its
   * writer's transaction. No probe of the target: a comparison per row.
   */
  skipCaptured?: CapturedWriters;
  /**
   * With `skipCaptured`: also leave out each row a transaction had begun to
   * update, delete or lock when the copy read it (an `xmax` of a transaction not
   * yet finished when the statement began), noting its
   * place in LEFT_OUT_SETTING (see leftOutSql). A writer's row then meets the copy
   * only if it is written in the moment between the copy reading the row and
   * inserting it; the rows left out are copied next, by their places (see
   * copyLeftOutSql). `xmax` only decides which of the two statements copies a
   * row: rows whose `xmax` is cleared in between (a VACUUM) are found by place.
   */
  leaveOutModified?: boolean;
}

/**
 * The transaction's setting where a copy that leaves out rows being modified notes
 * their places: `(block,offset)` one after the other, or `*` once that would pass
 * LEFT_OUT_MAX_CHARS (each note copies the string so far).
 */
const LEFT_OUT_SETTING = 'dataset_migrations.left_out';
const LEFT_OUT_MAX_CHARS = 20_000;
const leftOutSoFar = `coalesce(pg_catalog.current_setting('${LEFT_OUT_SETTING}', true), '')`;
/** The next value of LEFT_OUT_SETTING, with the place of the row `s` noted. */
const noteLeftOut = `CASE WHEN ${leftOutSoFar} = '*' OR length(${leftOutSoFar}) > ${LEFT_OUT_MAX_CHARS} THEN '*'
          ELSE ${leftOutSoFar} || s.ctid::text END`;

const TRIGGER_IDENTITY = `(SELECT coalesce(string_agg(t.oid::text || ':' || t.xmin::text || ':' || t.tgenabled::text, ','), '')
            FROM pg_trigger t WHERE t.tgrelid = $1::oid AND t.tgname = $2)`;

/**
 * The capture trigger `$2` on table `$1` (an oid) as the catalog has it: its oid,
 * the transaction that last changed it and whether it fires always ('A'). While
 * these stay the same, it fired on every write to the table; disabled for a while,
 * or dropped and cloned again (a partition detached and attached), it did not.
 */
export function captureTriggerSql(): string {
  return `SELECT ${TRIGGER_IDENTITY} AS trigger`;
}

/**
 * Transactions whose every write to the source the capture trigger saw, by their
 * numbers: all from `from` on, and `running` (some of those below it).
 */
export interface CapturedWriters {
  from: number;
  running: number[];
}

/** Transactions listed in CapturedWriters.running at most: each is a comparison per row copied. */
const RUNNING_LISTED = 32;

/**
 * The capture trigger as captureTriggerSql reads it and, in the same snapshot,
 * the transactions whose writes it saw (see CapturedWriters): from the snapshot's
 * xmax (one past the latest transaction finished), and up to RUNNING_LISTED of
 * those running below it (the newest), as numbers while the cluster has never
 * wrapped its transaction ids (epoch 0), else null. A transaction numbered from
 * the xmax on, or running, was running at the snapshot or began after it. Either
 * way every write it made to the source fired the trigger as read, or as changed
 * since (which each batch checks): a write holds the table's ROW EXCLUSIVE lock to
 * its transaction's end, and enabling, disabling, creating or dropping a trigger
 * waits for that lock, so no trigger change committed between such a write and
 * the snapshot. Read in two statements, a trigger disabled for a load and enabled
 * again between them would pass the check with the load's rows left out. Numbers
 * compare as row `xmin`s only within one epoch: a frozen row keeps its old
 * `xmin`, which after a wrap may fall anywhere. Transactions that finished below
 * the xmax are not listed: one may have written before the trigger was made; nor
 * are subtransactions of those running (their rows are copied, and meet the
 * capture's). Sound only in a snapshot of the statement's own, taken once the
 * trigger holds its lock or after (READ COMMITTED), and only for rows written by
 * writes that fire triggers: a rewrite of the table gives every row a new `xmin`.
 */
export function capturedFromSql(): string {
  return `SELECT ${TRIGGER_IDENTITY} AS trigger,
                 CASE WHEN x < 4294967296 THEN x END AS captured_from,
                 CASE WHEN x < 4294967296 THEN running END AS running
            FROM (SELECT pg_snapshot_xmax(c.snapshot)::text::bigint AS x,
                         ARRAY(SELECT r::text::bigint FROM pg_snapshot_xip(c.snapshot) AS r
                                ORDER BY 1 DESC LIMIT ${RUNNING_LISTED}) AS running
                    FROM (SELECT pg_current_snapshot() AS snapshot) AS c) AS s`;
}

/**
 * Copies the source rows that meet `rangeConditions` (a range of keys or of
 * blocks, over the source aliased `s`). Plain, it is as fast as copying gets, and
 * fails on a row the capture trigger wrote first. `skipCopied` leaves out rows
 * already in the target (one index probe each, run per row so that it stays a
 * probe whatever the target's statistics say); `keepExisting` also keeps rows
 * written while the range copies, each checked against the key as it goes in, at
 * about twice a plain insert's cost. Either way the capture's row is the newer one
 * (or its deletion is remembered, for verify). `skipCaptured` leaves out the
 * rows the capture wrote by their `xmin` alone, for about 5 % more than plain.
 */
export function copyRangeSql(
  shape: MigrationShape,
  rangeConditions: string[],
  options: CopyOptions,
): string {
  const targetKey = list(shape.targetKey.map(f => `t.${q(f.name)}`));
  const mappedKey = list(shape.targetKey.map(f => valueOf(f, 's.')));
  const captured = options.skipCaptured;
  for (const id of captured ? [captured.from, ...captured.running] : [])
    if (!Number.isSafeInteger(id))
      throw new Error(`not a transaction id: ${id}`);
  if (options.leaveOutModified && captured === undefined)
    throw new Error('rows being modified are left out only with skipCaptured');
  const conditions = [
    ...rangeConditions,
    // Only ids handed out since: a frozen row keeps its xmin, which a cluster
    // whose epoch was reset (pg_resetwal) could number past `captured.from`.
    ...(captured !== undefined
      ? [
          `((s.xmin::text::bigint < ${captured.from}${
            captured.running.length > 0
              ? ` AND s.xmin <> ALL ('{${captured.running.join(',')}}'::xid[])`
              : ''
          }) OR s.xmin::text::bigint >= (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint))`,
        ]
      : []),
    ...(options.leaveOutModified
      ? [
          // An xmax that finished before the statement's snapshot (below its xmin,
          // or visible in it and no longer running, which a savepoint of a running
          // writer is not) left the row visible, so it was a lock (a foreign key's
          // check) or an update rolled back, which VACUUM leaves in place: copied
          // plainly, as any row may be, even while an older transaction elsewhere
          // holds the snapshot's xmin back. Transaction ids compare as numbers only
          // in epoch 0, which skipCaptured requires (from an epoch on, every xmax
          // is below the xmin and every row copied plainly). A multixact, numbered
          // apart, may be misjudged, and then at worst meets a writer.
          `(s.xmax = '0'::xid OR s.xmax::text::bigint < (SELECT pg_snapshot_xmin(pg_current_snapshot())::text::bigint)
              OR (pg_visible_in_snapshot(s.xmax::text::xid8, (SELECT pg_current_snapshot()))
                  AND pg_xact_status(s.xmax::text::xid8) IS DISTINCT FROM 'in progress')
              OR pg_catalog.set_config('${LEFT_OUT_SETTING}', ${noteLeftOut}, true) IS NULL)`,
        ]
      : []),
    ...(options.skipCopied
      ? [
          `NOT EXISTS (SELECT FROM ${quoteRelation(
            shape.target,
          )} AS t WHERE (${targetKey}) = (${mappedKey}) OFFSET 0)`,
        ]
      : []),
  ];
  const where =
    conditions.length > 0 ? `WHERE ${conditions.join(' AND ')}` : '';
  return upsertSql(
    shape,
    `${quoteRelation(shape.source)} AS s ${where}`,
    's.',
    options.keepExisting ? 'nothing' : 'none',
  );
}

/**
 * The places a copy with `leaveOutModified` noted, and the setting emptied for the
 * next copy, in one statement: '' when it left nothing out, `*` when it noted too
 * many (see leftOutPlaces).
 */
export function leftOutSql(): string {
  // The subquery (kept one by OFFSET 0) reads the places before the setting is emptied.
  return `SELECT l.places, pg_catalog.set_config('${LEFT_OUT_SETTING}', '', true) AS emptied
            FROM (SELECT ${leftOutSoFar} AS places OFFSET 0) AS l`;
}

/** The places LEFT_OUT_SETTING noted, as `(block,offset)` strings; `all` when it noted too many. */
export function leftOutPlaces(noted: string): string[] | 'all' {
  if (noted === '*') return 'all';
  return noted.match(/\(\d+,\d+\)/g) ?? [];
}

/**
 * The rows a copy with `leaveOutModified` left out, copied again by their places
 * (`$1`, an array of tids), or, `all`, the whole range again. Rows the capture
 * wrote are still left out by `xmin`; a writer's row written meanwhile is kept
 * (the copy waits for its transaction, as a plain copy would). A row at a place
 * that a committed update or deletion since left behind is not seen, and its
 * writer's capture holds what it wrote.
 */
export function copyLeftOutSql(
  shape: MigrationShape,
  rangeConditions: string[] | 'byPlace',
  skipCaptured: CapturedWriters,
): string {
  return copyRangeSql(
    shape,
    rangeConditions === 'byPlace'
      ? ['s.ctid = ANY($1::tid[])']
      : rangeConditions,
    { skipCopied: false, keepExisting: true, skipCaptured },
  );
}

/** Whether the new version holds any row: before a new copy's first batch, only the capture's. */
export function targetWrittenSql(shape: MigrationShape): string {
  return `SELECT EXISTS (SELECT FROM ${quoteRelation(
    shape.target,
  )}) AS written`;
}

/** The rows of a range, counted: whether a copy that left out rows already copied met writers. */
export function countRangeSql(
  shape: MigrationShape,
  rangeConditions: string[],
): string {
  return `SELECT count(*) AS n FROM ${quoteRelation(shape.source)} AS s ${
    rangeConditions.length > 0 ? `WHERE ${rangeConditions.join(' AND ')}` : ''
  }`;
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
 * The dry run's transform of a sample: its rows, per field the new version
 * holds NOT NULL (`fields[i].nullable` false) how many of them give it NULL
 * (`nulls_<i>`), and per retyped field whose cast is checked how many values the
 * cast changes (`changed_<i>`, see keptValues.ts), in the same pass: the insert into the new version would refuse
 * those rows only at the backfill, once the new version is built and the copy
 * under way.
 */
export function dryRunSql(shape: MigrationShape, sample: string): string {
  const values = shape.fields.map((f, i) => `${valueOf(f, 's.')} AS v${i}`);
  const nulls = shape.fields.flatMap((f, i) =>
    f.nullable ? [] : [`count(*) FILTER (WHERE t.v${i} IS NULL) AS nulls_${i}`],
  );
  const casts = shape.fields.flatMap((f, i) => {
    const cast = checkedCastOf(shape, f);
    return cast ? [{ i, cast }] : [];
  });
  values.push(
    ...casts.map(({ i, cast }) => `${changedByCastSql(cast, 's.')} AS c${i}`),
  );
  const changed = casts.map(
    ({ i }) => `count(*) FILTER (WHERE t.c${i}) AS changed_${i}`,
  );
  // OFFSET 0 keeps the subquery whole: each value is computed once per row,
  // not again for its NULL count.
  return `SELECT ${list([
    'count(*) AS rows',
    `sum(length(ROW(${list(
      shape.fields.map((_, i) => `t.v${i}`),
    )})::text)) AS width`,
    ...nulls,
    ...changed,
  ])}
            FROM (SELECT ${list(values)}
                    FROM ${quoteRelation(
                      shape.source,
                    )} AS s ${sample} OFFSET 0) AS t`;
}

/**
 * The first `limit` keys, as `k=v, …`, of the sample's rows (the same sample:
 * a repeatable one) that give `fields[index]` NULL; a top-N sort, bounded
 * however many rows do.
 */
export function nullRowsSql(
  shape: MigrationShape,
  index: number,
  sample: string,
  limit: number,
): string {
  return `SELECT ${keyTextSql(shape, 's.')} AS key FROM ${quoteRelation(
    shape.source,
  )} AS s ${sample}
           WHERE ${valueOf(shape.fields[index], 's.')} IS NULL
           ORDER BY ${shape.sourceKey.map(k => `s.${q(k)}`).join(', ')}
           LIMIT ${limit}`;
}

/**
 * As nullRowsSql, the first `limit` rows of the sample whose value the checked
 * cast changes: their key, the value, and what the cast makes of it.
 */
export function changedRowsSql(
  shape: MigrationShape,
  cast: CheckedCast,
  sample: string,
  limit: number,
): string {
  const value = `s.${q(cast.from)}`;
  return `SELECT ${keyTextSql(
    shape,
    's.',
  )} AS key, ${value}::text AS was, CAST(${value} AS ${
    cast.field.type
  })::text AS became
            FROM ${quoteRelation(shape.source)} AS s ${sample}
           WHERE ${changedByCastSql(cast, 's.')}
           ORDER BY ${shape.sourceKey.map(k => `s.${q(k)}`).join(', ')}
           LIMIT ${limit}`;
}
