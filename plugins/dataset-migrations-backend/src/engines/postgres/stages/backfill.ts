/**
 * Stage backfill: copy the source in batches of blocks (heap tables) or of keys
 * (anything else), paced to the engine's settings.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import type { PoolClient } from 'pg';
import type { DatasetMigrationRun } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { BackfillSettings } from '../config';
import {
  applySettings,
  inTransaction,
  isInterruption,
  type Connections,
} from '../connection';
import { failingRowsError } from '../diagnostics/failingRows';
import {
  estimateRows,
  formatRelation,
  quoteRelation,
  type RelationName,
} from '../relations';
import {
  blockRange,
  blockRangeConditions,
  blockRangeParams,
  onlyTableOf,
  sourceStorageSql,
  storageChange,
  tablesNamedSql,
} from '../sql/blockRanges';
import {
  type CapturedWriters,
  copyLeftOutSql,
  copyRangeSql,
  countRangeSql,
  leftOutPlaces,
  leftOutSql,
  targetWrittenSql,
} from '../sql/copy';
import {
  batchEndsSql,
  keyRangeConditions,
  rangeEndSql,
  sourceKeyColumns,
} from '../sql/keyRanges';
import { keyTypesOf, type MigrationShape } from '../sql/shape';
import { changedValueFnIfNeededSql } from '../sql/keptValues';
import { BATCHES_PER_RANGE } from './verify';
import { commitWaitsForDisk, DurablePositions } from './durablePositions';
import { capturedWriters, captureTriggerOf } from './capturedWriters';

const FIRST_BATCH_ROWS = 5_000;
/**
 * Rows per range once writers meet a copy that leaves rows copied out by probes
 * (by key, or once the capture may have missed writes): a write into a range
 * being copied makes it repeat. Each batch that repeats none doubles them (see
 * copyBatches). A copy that leaves the capture's rows out by `xmin` stays in
 * whole batches: it leaves out rows being written as it reads them (see
 * CopyOptions.leaveOutModified), so a write seldom makes a range repeat.
 */
const CONTENDED_RANGE_ROWS = 10_000;
/** Ranges per batch at most: each is a subtransaction, and more than 64 overflow PostgreSQL's cache of them. */
const MAX_RANGES = 32;
/** Rows per block assumed until a batch or the statistics say (about a 80-byte row's). */
const DEFAULT_ROWS_PER_BLOCK = 90;
const UNIQUE_VIOLATION = '23505';
/**
 * A batch's own settings. Key lookups stay index probes even when the new table's
 * statistics still say it is empty (a range of the source is read through its key
 * anyway). A batch need not wait for its commit to reach disk: its position is
 * only checkpointed once the server has flushed past it, and the run resumes from
 * that checkpoint, so a commit a crash loses is copied again. The last batch
 * waits, which makes every batch before it durable too.
 */
const BATCH_SETTINGS = { enable_seqscan: 'off', synchronous_commit: 'off' };

export interface BackfillCheckpoint {
  /** Batches by key: the last key copied (null before the first batch). */
  lastKey: string[] | null;
  /**
   * Batches by block: every block before this one is copied. Absent when batches
   * go by key (the source is not all heap tables, or the checkpoint is older).
   */
  nextBlock?: number;
  /** With `nextBlock`: the identity of the storage whose blocks it counts. */
  storage?: string;
  rows: number;
  /**
   * Batch ends about a verify range apart (BATCHES_PER_RANGE batches of the most
   * rows), in key order: where verify's ranges end, so verify need not walk the
   * key's index to find them (a walk cost nearly as much as reading the range).
   * Each mark is a new array: checkpoints waiting for the disk keep their own.
   */
  rangeEnds?: string[][];
  /**
   * Rows the key range held since the last of `rangeEnds`, as each batch's walk
   * counted them (rows the capture wrote first included, which `rows` leaves out).
   * Absent in a checkpoint from before marks: that backfill marks nothing, and
   * verify walks, rather than make a first range of every row copied before.
   */
  rowsSinceRangeEnd?: number;
}

/** The source's storage, as sourceStorageSql reads it. */
export interface SourceStorage {
  /** All heap tables, on a server with TID range scans: batches go by block. */
  heap: boolean;
  storage: string;
  blocks: number;
  rowsPerBlock: number | null;
}

export async function readSourceStorage(
  client: PoolClient,
  shape: MigrationShape,
  sizes = true,
): Promise<SourceStorage> {
  const { rows } = await client.query(sourceStorageSql(sizes), [
    quoteRelation(shape.source),
  ]);
  const row = rows[0];
  return {
    heap: row.heap === true && row.storage !== null,
    storage: row.storage ?? '',
    blocks: Number(row.blocks),
    // No estimate, or one of an empty table (which may have filled since): unknown,
    // else a batch sized by it would take the whole table at once.
    rowsPerBlock:
      Number(row.rows_per_block) > 0 ? Number(row.rows_per_block) : null,
  };
}

/**
 * While a batch left out rows by their `xmin`, the capture may have missed
 * writes: a table was added under the source, or its trigger was disabled or
 * dropped and made again.
 */
class CaptureInDoubt extends Error {
  constructor() {
    super('the capture may have missed writes during the copy');
  }
}

/** The source's storage was rewritten during the copy: its blocks hold other rows now. */
class StorageRewritten extends Error {
  constructor(readonly storage: SourceStorage) {
    super('the source was rewritten during the copy');
  }
}

/** A batch's bounds: keys it ends at (inclusive), or blocks it ends before. */
type Bound = string[] | number;

/**
 * Batches, each committed on its own; the position is checkpointed once the
 * batches before it are durable (see `DurablePositions`). A heap source is copied
 * by ranges of blocks (see blockRanges), anything else by ranges of its key. Once
 * writers are seen meeting the copy, a batch leaves out rows the capture trigger
 * already wrote (they are newer): by `xmin` where it can, with the rows being
 * written as it reads them copied after the range, else by probes of the target
 * in short ranges, so a write lands in a range being copied only rarely. A range
 * met is redone keeping the writer's row. While no range is redone, short ranges
 * grow back to whole batches.
 */
export async function backfill(
  db: Connections,
  settings: BackfillSettings,
  run: DatasetMigrationRun,
  shape: MigrationShape,
): Promise<void> {
  const saved = await run.checkpoints.get<BackfillCheckpoint>('backfill');
  const keyTypes = keyTypesOf(shape);
  const { total, storage } = await db.withClient(async client => {
    for (const sql of changedValueFnIfNeededSql(shape)) await client.query(sql);
    return {
      total: await estimateRows(client, shape.source),
      storage: await readSourceStorage(client, shape),
    };
  });
  const captureOf = (client: PoolClient) =>
    captureTriggerOf(client, shape, storage.storage);
  // A copy goes on as it began; a new one goes by block where it can.
  const state: BackfillCheckpoint =
    saved ??
    (storage.heap && !settings.batchesByKey
      ? { lastKey: null, nextBlock: 0, storage: storage.storage, rows: 0 }
      : { lastKey: null, rows: 0, rangeEnds: [], rowsSinceRangeEnd: 0 });
  if (state.rows > 0)
    await run.log(`resuming the backfill after ${state.rows} rows`);
  /** The source's blocks as the latest batch saw them. */
  let blocks = storage.blocks;
  /**
   * Rows per block a batch of blocks is sized by: the statistics' estimate (or a
   * guess) until a batch meets rows, then the densest any batch met (or the
   * estimate, if higher). It never falls: a sparse stretch (rows deleted, small
   * partitions ended) must not make the next, denser one a huge batch.
   */
  let rowsPerBlock = storage.rowsPerBlock ?? DEFAULT_ROWS_PER_BLOCK;
  let densest = storage.rowsPerBlock ?? 0;
  const durable = new DurablePositions(run, state.rows);
  const rowsPerVerifyRange = BATCHES_PER_RANGE * settings.maxBatchRows;
  let batchRows = Math.min(FIRST_BATCH_ROWS, settings.maxBatchRows);
  let contended = false;
  /**
   * Rows per range while contended. Each range costs a statement and a savepoint
   * (a batch of 10,000-row ranges copied at about 0.8 of one range's rate), so
   * ranges grow back to the whole batch while no write lands in one, and start
   * small again when one does.
   */
  let contendedRangeRows = CONTENDED_RANGE_ROWS;
  /** Batches copied in more than one range, for the log. */
  let splitBatches = 0;
  const started = Date.now();
  const startRows = state.rows;
  let longestBatchMs = 0;
  let redoneRanges = 0;
  /** Rows left out as they were being modified, then copied by their places (for the log). */
  let leftOutRows = 0;
  /** Ranges that left out too many rows to note their places, copied again whole keeping what they copied. */
  let rangesCopiedTwice = 0;
  let batches = 0;
  /** Time spent finding where key batches end, for the log: their only overhead that grows with the table. */
  let walkMs = 0;
  /**
   * The latest batch's checkpoint and progress, stored while the next batch
   * copies. A batch commits only once they are stored, so an attempt whose
   * write is refused (it lost its run) commits nothing after it.
   */
  let bookkeeping: Promise<void> = Promise.resolve();

  /**
   * Tables were added under the source (see copyRanges) while two connections
   * copied a batch: the storage is not taken as seen until a batch copying alone
   * has copied their rows behind it.
   */
  let tablesAdded = false;

  /**
   * Once writers meet the copy, a batch of blocks leaves out the rows the capture
   * wrote by their `xmin` (see capturedFromSql) rather than by a probe of the
   * target for each row, which nearly doubled a batch's time. Only while the
   * source is one table the trigger fires on, copied once: not after a rewrite
   * (rows copied before keep their old `xmin`), and never again once a table was
   * added under it or its trigger changed (disabled, or dropped and made again
   * with a partition detached and attached): rows came in uncaptured, whatever
   * their `xmin`.
   */
  let leftOutByXmin = false;
  /** The trigger as it was when the writers it saw were read: each batch checks it is so still. */
  const {
    trigger: capture,
    writers: captured,
    written,
  } = state.nextBlock !== undefined &&
  onlyTableOf(storage.storage) !== undefined
    ? await db.withClient(async client => ({
        ...((await capturedWriters(
          client,
          run,
          shape,
          state.storage === storage.storage ? storage.storage : undefined,
        )) ?? { trigger: '', writers: null }),
        written:
          state.rows === 0 &&
          (await client.query(targetWrittenSql(shape))).rows[0].written ===
            true,
      }))
    : { trigger: '', writers: null, written: false };
  let skipCaptured: CapturedWriters | undefined =
    captured !== null && /^\d+:\d+:A$/.test(capture) ? captured : undefined;
  // Writers wrote before a new copy's first batch: the capture's rows are in the
  // way already, so the copy leaves them out from the start rather than meet one
  // and copy its range again.
  contended = skipCaptured !== undefined && written;

  /** A range's conditions and parameters, from `from` to `to` (null: the table's start or end). */
  const rangeOf = (from: Bound | null, to: Bound | null) => {
    if (state.nextBlock !== undefined) {
      const start = (from as number | null) ?? 0;
      const end = to as number | null;
      return {
        conditions: blockRangeConditions(blockRange(start, end)),
        params: blockRangeParams(start, end),
      };
    }
    return {
      conditions: keyRangeConditions(sourceKeyColumns(shape), keyTypes, {
        hasLastKey: from !== null,
        hasEnd: to !== null,
      }),
      params: [...((from as string[]) ?? []), ...((to as string[]) ?? [])],
    };
  };

  /**
   * Copies the ranges from `from` up to each bound in turn (null: to the end of
   * the table), in the client's transaction. A range meeting rows the capture
   * trigger wrote first (they are newer), or rows this copy committed before on
   * another connection or attempt, is copied again keeping those. Blocks are
   * counted only while rows already copied are left out by probes of the target
   * (the count says whether writers still meet the copy), and checked to be the
   * same storage's under the lock the copy holds until the batch commits.
   */
  const copyRanges = async (
    client: PoolClient,
    from: Bound | null,
    bounds: (Bound | null)[],
    /** No other connection copies this batch (see the tables added below). */
    alone: boolean,
  ) => {
    let copied = 0;
    let present = 0;
    let met = false;
    let redone = 0;
    const skipWritten = contended ? skipCaptured : undefined;
    /** Whether a copy of this batch left rows out by xmin. */
    let byXmin = skipWritten !== undefined;
    // Counted to tell whether writers still meet the copy, where leaving their
    // rows out costs a probe each; by xmin it costs so little that it goes on.
    const counted =
      contended && state.nextBlock !== undefined && skipWritten === undefined;
    /** Where the next range starts. */
    let rangeFrom = from;
    const copy = async (
      range: ReturnType<typeof rangeOf>,
      keepExisting: boolean,
      skip = skipWritten,
    ) => {
      byXmin ||= skip !== undefined;
      // By xmin, rows being modified as they are read are left out, then copied
      // by their places keeping a writer's row: a writer meets the copy only in
      // the moment between the copy reading a row and inserting it. The places
      // are noted in a transaction-local setting, so both statements must run in
      // the batch's transaction (outside one, the notes and so the rows are lost).
      const leaveOutModified = skip !== undefined && !keepExisting;
      const rows =
        (
          await client.query(
            copyRangeSql(shape, range.conditions, {
              skipCopied: contended && skip === undefined,
              keepExisting,
              skipCaptured: skip,
              leaveOutModified,
            }),
            range.params,
          )
        ).rowCount ?? 0;
      if (!leaveOutModified) return rows;
      const places = leftOutPlaces(
        (await client.query(leftOutSql())).rows[0].places,
      );
      if (places !== 'all' && places.length === 0) return rows;
      if (places === 'all') rangesCopiedTwice += 1;
      else leftOutRows += places.length;
      const again = await client.query(
        copyLeftOutSql(
          shape,
          places === 'all' ? range.conditions : 'byPlace',
          skip,
        ),
        places === 'all' ? range.params : ([places] as unknown[]),
      );
      return rows + (again.rowCount ?? 0);
    };
    /** The copy, or on a writer's row met, rolled back; whether it was copied. */
    const tried = async (attempt: () => Promise<number>) => {
      try {
        copied += await attempt();
        return true;
      } catch (error) {
        if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error;
        await client.query('ROLLBACK TO SAVEPOINT range');
        return false;
      }
    };
    for (const to of bounds) {
      const range = rangeOf(rangeFrom, to);
      const { conditions, params } = range;
      try {
        await client.query('SAVEPOINT range');
        if (!(await tried(() => copy(range, false)))) {
          met = true;
          redone += 1;
          // The writer's row committed while the range copied: by xmin, a copy
          // again leaves it out and stays a plain insert. Keeping what the
          // target has, which costs twice as much, only if a writer meets it again.
          const captureSaw = skipCaptured;
          const again =
            skipWritten === undefined && captureSaw !== undefined
              ? await tried(() => copy(range, false, captureSaw))
              : false;
          if (!again) copied += await copy(range, true, skipCaptured);
        }
      } catch (error) {
        if (isInterruption(error)) throw error;
        throw await failingRowsError(db, shape, error as Error);
      }
      if (counted)
        present += Number(
          (await client.query(countRangeSql(shape, conditions), params)).rows[0]
            .n,
        );
      rangeFrom = to;
    }
    if (byXmin) leftOutByXmin = true;
    const inRanges = copied;
    let seenStorage: string | undefined;
    if (state.nextBlock !== undefined) {
      const now = await readSourceStorage(client, shape);
      const change = storageChange(state.storage!, now.storage);
      // A table under it that is not a heap (attached meanwhile) goes by key.
      if (change.rewritten || !now.heap) throw new StorageRewritten(now);
      if (
        skipCaptured !== undefined &&
        (change.added.length > 0 || (await captureOf(client)) !== capture)
      ) {
        // Rows came in uncaptured, whatever their `xmin` (with a table added, or
        // while the trigger was off): never left out by it again, and this
        // batch, which may have, is copied again.
        skipCaptured = undefined;
        if (byXmin) throw new CaptureInDoubt();
      }
      if (change.added.length > 0 && !alone) {
        // Two connections copying the same rows of them would deadlock: the next
        // batch copies alone, and copies them then.
        tablesAdded = true;
        return { copied, met, redone, present: counted ? present : inRanges };
      }
      if (change.added.length > 0) {
        // Attached or created since the batch began: this copy may have read none of
        // them, and rows attached with a table were never captured. Their rows up to
        // this copy's end are copied now, leaving out rows the target has.
        const end = rangeFrom as number | null;
        const { rows: added } = await client.query<RelationName>(
          tablesNamedSql(),
          [change.added],
        );
        for (const table of added)
          copied +=
            (
              await client.query(
                copyRangeSql(
                  { ...shape, source: table },
                  blockRangeConditions(blockRange(0, end)),
                  { skipCopied: true, keepExisting: true },
                ),
                blockRangeParams(0, end),
              )
            ).rowCount ?? 0;
      }
      blocks = now.blocks;
      seenStorage = now.storage;
      if (alone) tablesAdded = false;
    }
    return {
      copied,
      met,
      redone,
      present: counted ? present : inRanges,
      storage: seenStorage,
    };
  };

  /**
   * Where the next batch's ranges end, and where its second half starts when a
   * second connection copies it: numbers for blocks; for keys, walks of the
   * key's index, which also count the batch's rows.
   */
  const planBatch = async (
    client: PoolClient,
    spare: boolean,
  ): Promise<{
    from: Bound | null;
    bounds: (Bound | null)[];
    half?: Bound;
    rows?: number;
  }> => {
    const rangeRows =
      contended && skipCaptured === undefined
        ? Math.max(contendedRangeRows, Math.ceil(batchRows / MAX_RANGES))
        : batchRows;
    if (state.nextBlock !== undefined) {
      const from = state.nextBlock;
      const batchBlocks = Math.max(1, Math.ceil(batchRows / rowsPerBlock));
      const rangeBlocks = Math.max(1, Math.ceil(rangeRows / rowsPerBlock));
      const end = from + batchBlocks;
      const bounds: (Bound | null)[] = [];
      for (let b = from + rangeBlocks; b < end; b += rangeBlocks)
        bounds.push(b);
      // The last batch runs to the end of the table, however much it grew.
      bounds.push(end < blocks ? end : null);
      const half =
        spare &&
        !tablesAdded &&
        bounds.length === 1 &&
        end < blocks &&
        batchBlocks >= 2
          ? from + Math.floor(batchBlocks / 2)
          : undefined;
      return { from, bounds, half };
    }
    const lastKey = state.lastKey;
    const keyOf = (row: Record<string, unknown>) =>
      shape.sourceKey.map((_, i) => String(row[`k${i}`]));
    // A batch of one range (no writers met) only needs the key that ends it: a
    // walk that skips to it, without numbering every key on the way (that took
    // about a sixth of a batch's time).
    const endAfter = async (after: string[] | null, rows: number) => {
      const { rows: found } = await client.query(
        rangeEndSql(shape, keyTypes, after !== null),
        [rows, ...(after ?? [])],
      );
      return found.length > 0 ? keyOf(found[0]) : undefined;
    };
    const walkStarted = Date.now();
    let ends: { n: number; key: string[] }[];
    let half: string[] | undefined;
    if (rangeRows < batchRows) {
      ends = (
        await client.query(batchEndsSql(shape, keyTypes, lastKey !== null), [
          batchRows,
          rangeRows,
          ...(lastKey ?? []),
        ])
      ).rows.map(row => ({ n: Number(row.n), key: keyOf(row) }));
    } else {
      // With a second connection, two walks of half a batch (costing one
      // walk of a batch) find where its second half starts too.
      const firstHalf = spare && batchRows >= 2 ? Math.floor(batchRows / 2) : 0;
      if (firstHalf > 0) half = await endAfter(lastKey, firstHalf);
      const end =
        firstHalf > 0 && !half
          ? undefined
          : await endAfter(half ?? lastKey, batchRows - firstHalf);
      ends = end ? [{ n: batchRows, key: end }] : [];
    }
    walkMs += Date.now() - walkStarted;
    const full = ends.length > 0 && ends[ends.length - 1].n === batchRows;
    const bounds: (Bound | null)[] = ends.map(e => e.key);
    if (!full) bounds.push(null); // the last batch copies to the end of the table
    return {
      from: lastKey,
      bounds,
      half: full ? half : undefined,
      rows: batchRows,
    };
  };

  /** Goes on from the first block (or key) after the source's storage was rewritten, leaving out rows copied. */
  const startOver = async (rewritten: SourceStorage) => {
    await run.log(
      'the source was rewritten during the copy (VACUUM FULL, CLUSTER or the like): copying it again from the start, leaving out the rows already copied',
      'warn',
    );
    contended = true;
    contendedRangeRows = CONTENDED_RANGE_ROWS;
    skipCaptured = undefined;
    blocks = rewritten.blocks;
    delete state.rangeEnds;
    delete state.rowsSinceRangeEnd;
    state.lastKey = null;
    if (rewritten.heap && !settings.batchesByKey) {
      state.nextBlock = 0;
      state.storage = rewritten.storage;
    } else {
      delete state.nextBlock;
      delete state.storage;
    }
  };

  const copyBatches = async () => {
    // Stopping on purpose: leave a checkpoint at the last batch copied.
    const stopAtCheckpoint = async (error: unknown) => {
      await bookkeeping.catch(() => {});
      await durable.flush(db, state);
      throw error;
    };
    /** Plans the next batch and copies it, in halves when a spare connection is lent. */
    const copyBatch = (client: PoolClient, spare?: PoolClient) =>
      inTransaction(client, async () => {
        const wal = await durable.walPositions(client, BATCH_SETTINGS);
        // A restart since the last batch: stop before copying on from memory.
        durable.sameServer(wal);
        const { from, bounds, half, rows } = await planBatch(client, !!spare);
        const end = bounds[bounds.length - 1];
        if (end !== null && spare && half !== undefined) {
          // The halves copy at once, each in a transaction on its own connection:
          // an INSERT … SELECT runs on one core, two use two. One committed
          // without the other is copied again, keeping what it wrote (see copyRanges).
          // Both settle before either error is thrown: the connections go
          // back to the pool only once nothing runs on them.
          const [first, second] = await allSettled([
            copyRanges(client, from, [half], false),
            inTransaction(spare, async () => {
              await applySettings(spare, BATCH_SETTINGS);
              const copied = await copyRanges(spare, half, [end], false);
              await bookkeeping;
              return copied;
            }),
          ]);
          await bookkeeping;
          return {
            // Seen differently by the halves, or with tables added: kept as it
            // was, so the next batch finds the tables added again and copies
            // their rows behind it, rather than adopt what a half did not read.
            storage:
              first.storage === second.storage ? first.storage : undefined,
            copied: first.copied + second.copied,
            present: rows ?? first.present + second.present,
            met: first.met || second.met,
            redone: first.redone + second.redone,
            ranges: bounds.length,
            end,
            wal,
          };
        }
        // The last batch waits for the disk, and so for every batch before it.
        if (end === null) await commitWaitsForDisk(client);
        const copied = await copyRanges(client, from, bounds, true);
        await bookkeeping;
        return {
          ...copied,
          present: rows ?? copied.present,
          ranges: bounds.length,
          end,
          wal,
        };
      });
    for (;;) {
      await run.throwIfCancelled().catch(stopAtCheckpoint);
      const batchStarted = Date.now();
      let batch;
      try {
        batch = await db.withSpareClient(copyBatch);
      } catch (error) {
        // The batch rolled back: copied again, by probes of the target.
        if (error instanceof CaptureInDoubt) continue;
        if (!(error instanceof StorageRewritten)) throw error;
        await startOver(error.storage);
        continue;
      }
      batches += 1;
      redoneRanges += batch.redone;
      state.rows += batch.copied;
      if (batch.end === null) break; // that batch copied the rest of the table
      if (state.nextBlock !== undefined) {
        const batchBlocks = (batch.end as number) - state.nextBlock;
        if (batch.present > 0) {
          densest = Math.max(densest, batch.present / batchBlocks);
          rowsPerBlock = densest;
        }
        state.nextBlock = batch.end as number;
        if (batch.storage !== undefined) state.storage = batch.storage;
      } else {
        state.lastKey = batch.end as string[];
        if (state.rangeEnds && state.rowsSinceRangeEnd !== undefined) {
          // A full batch's key range held `batchRows` rows when its end was found.
          state.rowsSinceRangeEnd += batchRows;
          if (state.rowsSinceRangeEnd >= rowsPerVerifyRange) {
            state.rangeEnds = [...state.rangeEnds, state.lastKey];
            state.rowsSinceRangeEnd = 0;
          }
        }
      }
      if (batch.ranges > 1) splitBatches += 1;
      // Grown only by contended batches: a copy that becomes contended (a
      // writer met, a rewrite) starts with short ranges.
      if (batch.met) contendedRangeRows = CONTENDED_RANGE_ROWS;
      else if (contended)
        contendedRangeRows = Math.min(
          settings.maxBatchRows,
          contendedRangeRows * 2,
        );
      // Fewer rows copied than the range held means the capture had written
      // some, and the next batch expects writers too. Leaving them out by xmin,
      // the copy stays so: a batch that meets a writer in a range as long as
      // itself copies that range twice, and writers seldom stop for good.
      contended =
        batch.met ||
        (contended &&
          (skipCaptured !== undefined || batch.copied < batch.present));
      // `committed` takes its copy of the state before it first waits.
      bookkeeping = durable.committed(state, batch.wal).then(() =>
        // Progress counts what a resume would keep, so it never runs ahead of the checkpoint.
        run.progress('backfill', durable.rows, Math.max(total, state.rows)),
      );
      // Awaited before the next commit, or after the loop; a rejection waits for that.
      bookkeeping.catch(() => {});
      const elapsed = Math.max(1, Date.now() - batchStarted);
      longestBatchMs = Math.max(longestBatchMs, elapsed);
      batchRows = Math.max(
        1000,
        Math.min(
          settings.maxBatchRows,
          Math.round((batchRows * settings.batchDurationMs) / elapsed),
        ),
      );
      if (settings.batchPauseMs > 0) await sleep(settings.batchPauseMs);
    }
  };
  try {
    await copyBatches();
  } finally {
    // A batch failed: its predecessor's writes end before the attempt does.
    await bookkeeping.catch(() => {});
  }
  // The last batch committed synchronously: everything before it is on disk too.
  await run.checkpoints.set('backfill', state);
  const seconds = (Date.now() - started) / 1000;
  await run.progress('backfill', state.rows, state.rows);
  await run.log(
    `copied ${state.rows} rows to ${formatRelation(shape.target)} (${Math.round(
      (state.rows - startRows) / Math.max(seconds, 0.001),
    )} rows/s this attempt, ${batches} batches ${
      state.nextBlock !== undefined
        ? 'of blocks'
        : `of keys, ${walkMs} ms finding their ends`
    }, longest ${longestBatchMs} ms${
      redoneRanges > 0
        ? `, ${redoneRanges} ranges redone around concurrent writes`
        : ''
    }${splitBatches > 0 ? `, ${splitBatches} batches split into ranges` : ''}${
      leftOutRows > 0
        ? `, ${leftOutRows} rows being modified copied after their range`
        : ''
    }${
      rangesCopiedTwice > 0
        ? `, ${rangesCopiedTwice} ranges with too many rows being modified copied again`
        : ''
    }${
      leftOutByXmin
        ? ', rows the capture wrote left out by their transaction ids'
        : ''
    })`,
  );
}

/** Promise.all that waits for every promise to settle, then throws the first error. */
async function allSettled<T extends readonly unknown[]>(promises: {
  [K in keyof T]: Promise<T[K]>;
}): Promise<T> {
  const results = await Promise.allSettled(promises);
  const failed = results.find(r => r.status === 'rejected');
  if (failed) throw (failed as PromiseRejectedResult).reason;
  return results.map(
    r => (r as PromiseFulfilledResult<unknown>).value,
  ) as unknown as T;
}
