/** Copying rows from source to target: key ranges, the dry run and failing-row ranges. */

import { quoteRelation } from '../relations';
import type { MigrationShape } from './shape';
import { list, q, valueOf } from './values';

/** `INSERT … ON CONFLICT` of mapped rows; later writes win over copied ones. */
export function upsertSql(
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

/** How a range is copied; see copyRangeSql. */
export interface CopyOptions {
  /** Leave out rows whose key the target already has. */
  skipCopied: boolean;
  /** Keep the target's row, with no error, where one with the key is written meanwhile. */
  keepExisting: boolean;
  /**
   * Leave out row versions written by transactions numbered from this one on
   * (see capturedFromSql): the capture wrote each of them to the target in its
   * writer's transaction. No probe of the target: a comparison per row.
   */
  skipWrittenFrom?: number;
}

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
 * The capture trigger as captureTriggerSql reads it and, in the same snapshot,
 * X: that snapshot's xmax (one past the latest transaction finished), as a number
 * while the cluster has never wrapped its transaction ids (epoch 0), else null.
 * A transaction numbered X or later was running at the snapshot or began after
 * it. Either way every write it made to the source fired the trigger as read, or
 * as changed since (which each batch checks): a write holds the table's ROW
 * EXCLUSIVE lock to its transaction's end, and enabling, disabling, creating or
 * dropping a trigger waits for that lock, so no trigger change committed between
 * such a write and the snapshot. Read in two statements, a trigger disabled for a
 * load and enabled again between them would pass the check with the load's rows
 * left out. Numbers compare as row `xmin`s only within one epoch: a frozen row
 * keeps its old `xmin`, which after a wrap may fall anywhere.
 */
export function capturedFromSql(): string {
  return `SELECT ${TRIGGER_IDENTITY} AS trigger, CASE WHEN x < 4294967296 THEN x END AS captured_from
            FROM (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint AS x) AS s`;
}

/**
 * Copies the source rows that meet `rangeConditions` (a range of keys or of
 * blocks, over the source aliased `s`). Plain, it is as fast as copying gets, and
 * fails on a row the capture trigger wrote first. `skipCopied` leaves out rows
 * already in the target (one index probe each, run per row so that it stays a
 * probe whatever the target's statistics say); `keepExisting` also keeps rows
 * written while the range copies, each checked against the key as it goes in, at
 * about twice a plain insert's cost. Either way the capture's row is the newer one
 * (or its deletion is remembered, for verify). `skipWrittenFrom` leaves out the
 * rows the capture wrote by their `xmin` alone, for about 5 % more than plain.
 */
export function copyRangeSql(
  shape: MigrationShape,
  rangeConditions: string[],
  options: CopyOptions,
): string {
  const targetKey = list(shape.targetKey.map(f => `t.${q(f.name)}`));
  const mappedKey = list(shape.targetKey.map(f => valueOf(f, 's.')));
  const written = options.skipWrittenFrom;
  if (written !== undefined && !Number.isSafeInteger(written))
    throw new Error(`not a transaction id: ${written}`);
  const conditions = [
    ...rangeConditions,
    // Only ids handed out since: a frozen row keeps its xmin, which a cluster
    // whose epoch was reset (pg_resetwal) could number past `written`.
    ...(written !== undefined
      ? [
          `(s.xmin::text::bigint < ${written} OR s.xmin::text::bigint >= (SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint))`,
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

export function dryRunSql(shape: MigrationShape, sample: string): string {
  const values = shape.fields.map(f => valueOf(f, 's.')).join(', ');
  return `SELECT count(*) AS rows, sum(length(ROW(${values})::text)) AS width
            FROM ${quoteRelation(shape.source)} AS s ${sample}`;
}
