/** Stage verify: source and target hold the same rows, by count and checksum, range by range. */
import type { PoolClient } from 'pg';
import {
  MigrationInterruptedError,
  type DatasetMigrationRun,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import type { BackfillSettings } from '../config';
import type { BackfillCheckpoint } from './backfill';
import { isInterruption, readOnly, type Connections } from '../connection';
import { addFigures, resultFigures, type Figures } from '../figures';
import {
  attachmentsAsBegun,
  copyAttachedSince,
  type PartitionAttachment,
} from '../attachedPartitions';
import { estimateRows, quoteRelation, readFailures } from '../relations';
import { SOURCE_AS_BEGUN, type SourceAsBegun } from '../sourceChanges';
import { verifySql } from '../sql/checksums';
import { removeGhosts } from '../ghosts';
import { rangeEndSql } from '../sql/keyRanges';
import type { MigrationShape } from '../sql/shape';

/**
 * Rows of the first range: under a second on this machine when quiet, under ten
 * when loaded; later ranges are sized by the time ranges took.
 */
const FIRST_RANGE_ROWS = 1_000_000;
/**
 * Rows of the first range of a table that does not fit in one: enough to time the
 * reading, after which a rest that fits `verifyOnePassUpToMs` is read in one
 * pass. A first range of FIRST_RANGE_ROWS, read through the key's index, took
 * about as long as the pass over the other 2M rows of a 3M-row table.
 */
const TIMING_RANGE_ROWS = 100_000;
/**
 * A range reads up to this many backfill batches' rows and is sized to take as
 * long as they would: a read is cheaper than a copy, and a range read through the
 * key's index costs more per row than one scan of the whole table (a walk of the
 * keys to find its end, no sequential scan), so ranges are few; yet each is short
 * enough that an interruption loses little. Once the rest is estimated to take no
 * longer than `verifyOnePassUpToMs`, it is read in one pass instead.
 */
export const BATCHES_PER_RANGE = 10;
/**
 * Lost connections (or other temporary errors) in a row that verify takes on
 * itself, each time on a fresh connection, before it leaves the attempt to be
 * resumed by the next: an attempt's start (the run's plan and shape, verify's
 * first reads) may take longer than connections last when they are terminated
 * over and over, while one range, halved as often as it is cut off, fits.
 */
const RETRIES_IN_A_ROW = 10;
/** The pause before the first retry, doubled before each next one, up to 1 s. */
const FIRST_RETRY_PAUSE_MS = 50;
/** Rows of the smallest range a range cut off over and over is halved to. */
const MIN_RANGE_ROWS = 100;
/**
 * What importing the snapshot of a transaction that has ended fails with: its
 * file is gone (undefined_object), or, in the moment between a transaction's
 * end and its file's removal, the file is there but its transaction is not
 * (object_not_in_prerequisite_state; the only error of that class a snapshot
 * import raises).
 */
const SNAPSHOT_GONE = new Set(['42704', '55000']);

/** Verify so far: every range up to `lastKey` compared, their figures summed. */
export interface VerifyCheckpoint {
  /** The last key of the ranges compared; null before the first. */
  lastKey: string[] | null;
  /** The last range ran to the end of the table: nothing is left to compare. */
  complete: boolean;
  ranges: number;
  source: Figures;
  target: Figures;
  /** Ranges whose two sides differed. */
  differing: number;
  rowsDeletedDuringCopy: number;
  durationMs: number;
  /** The new version was analyzed for the ranges' plans (not again when resumed). */
  analyzed?: boolean;
  /**
   * The ends of the ranges not yet compared that the backfill marked (see
   * BackfillCheckpoint.rangeEnds); absent in a checkpoint from before them.
   */
  markedEnds?: string[][];
  /** The source's partitions as the last range found them (see attachedPartitions.ts). */
  partitions?: PartitionAttachment[];
}

/**
 * Compares the mapped source and the target range by range of the source's key,
 * each range's row counts and checksums read in one snapshot, each range's result
 * checkpointed, so a resumed verify goes on from the first range not compared.
 *
 * Sound across snapshots because the capture trigger applies every write to both
 * sides in the writer's own transaction (the whole mapped row, or its deletion):
 * since the backfill ended, the keys on which the sides differ can only become
 * fewer, so a difference left when verify ends was there when its range was
 * compared. Ghosts (rows the backfill copied after their deletion) are removed
 * first, on every attempt. Ranges need the target's key to hold the source's key
 * values unchanged (see rangeKeyTypes); otherwise the whole tables are one range.
 */
export async function verify(
  db: Connections,
  settings: BackfillSettings,
  run: DatasetMigrationRun,
  shape: MigrationShape,
): Promise<void> {
  const state = (await run.checkpoints.get<VerifyCheckpoint>('verify')) ?? {
    lastKey: null,
    complete: false,
    ranges: 0,
    source: { rows: 0, checksum: '0' },
    target: { rows: 0, checksum: '0' },
    differing: 0,
    rowsDeletedDuringCopy: 0,
    durationMs: 0,
    markedEnds:
      (await run.checkpoints.get<BackfillCheckpoint>('backfill'))?.rangeEnds ??
      [],
  };
  if (state.ranges > 0 && !state.complete)
    await run.log(
      `resuming verify after ${state.ranges} ranges (${state.source.rows} rows compared)`,
    );
  const { keyTypes, total, ghosts } = await retrying(
    run,
    'the first reads',
    () =>
      db.withClient(async client => {
        const failed = await readFailures(client, shape.capture.failures);
        if (failed.count > 0) {
          throw new Error(
            `${failed.count} writes made during the migration could not be transformed (e.g. ${failed.first})`,
          );
        }
        return {
          ghosts: await removeGhosts(client, shape),
          keyTypes: await rangeKeyTypes(client, shape),
          total: await estimateRows(client, shape.source),
        };
      }),
  );
  if (ghosts) {
    state.rowsDeletedDuringCopy += ghosts;
    await run.checkpoints.set('verify', state);
    await run.log(`removed ${ghosts} rows deleted while they were copied`);
  }
  if (!keyTypes && state.ranges === 0)
    await run.log(
      "the new version's key does not keep the source key's order: verify compares the whole tables at once",
    );
  const maxRangeRows = BATCHES_PER_RANGE * settings.maxBatchRows;
  let rangeRows = Math.min(FIRST_RANGE_ROWS, maxRangeRows);
  if (keyTypes && total > rangeRows && state.ranges === 0)
    rangeRows = Math.min(rangeRows, TIMING_RANGE_ROWS);
  // Once a range was cut off, no later range of this attempt is larger than the
  // halved one: ranges are walked, up to the backfill's next mark at most.
  let ceiling = maxRangeRows;
  let cutOff = false;
  /** Whether the range being compared runs to the end of the table. */
  let toTheEnd = false;
  /** A range to the end was cut off: from then on, walks find where ranges end. */
  let walkToTheEnd = false;
  /** Time per row of the last range this attempt compared (null before one). */
  let msPerRow: number | null = null;
  if (
    keyTypes &&
    state.ranges === 0 &&
    !state.analyzed &&
    !(total > 0 && total <= rangeRows)
  ) {
    // Without statistics of the new version (nothing analyzed it since the
    // copy) the planner may read all of it for each range, not its key's range.
    await retrying(run, 'analyzing the new version', () =>
      db.withClient(client =>
        client.query(`ANALYZE ${quoteRelation(shape.target)}`),
      ),
    );
    state.analyzed = true;
    await run.checkpoints.set('verify', state);
  }

  const compareRange = async (
    client: PoolClient,
    targetOn: PoolClient,
    /**
     * Where the range starts, the rows compared before it, and whether the
     * rest is read in one pass.
     */
    at: {
      lastKey: string[] | null;
      compared: number;
      restInOnePass: boolean;
    },
  ) => {
    const { lastKey, compared, restInOnePass } = at;
    let end: string[] | null = null;
    // The range estimated to be the last runs to the end of the table
    // unbounded: no walk, and the whole of a table that fits in one range is
    // read as before ranges, in one parallel scan per side. Others end where
    // the backfill marked, while marks are left; else a walk finds the end.
    // After a cut-off a walk finds it, up to the next mark at most; after a
    // range to the end was cut off, too, however small the estimate says the
    // rest is (an estimate older than the writes since would keep that range
    // whole however often it is halved).
    const marked = state.markedEnds?.[0];
    const restInOneRange =
      !walkToTheEnd &&
      total > 0 &&
      (total - compared <= rangeRows || restInOnePass);
    toTheEnd = false;
    if (keyTypes && !restInOneRange) {
      if (marked && !cutOff) end = marked;
      else {
        const { rows } = await client.query(
          rangeEndSql(shape, keyTypes.source, lastKey !== null, !!marked),
          [String(rangeRows), ...(lastKey ?? []), ...(marked ?? [])],
        );
        if (rows.length > 0)
          end = shape.sourceKey.map((_, i) => String(rows[0][`k${i}`]));
        else if (marked) end = marked;
      }
    }
    toTheEnd = end === null;
    const params = [...(lastKey ?? []), ...(end ?? [])];
    const [sourceSql, targetSql] = verifySql(
      shape,
      keyTypes
        ? {
            range: { hasLastKey: lastKey !== null, hasEnd: end !== null },
            sourceKeyTypes: keyTypes.source,
            targetKeyTypes: keyTypes.target,
          }
        : undefined,
    );
    // On one client the two queries queue: one side after the other.
    const [source, target] = await Promise.all([
      resultFigures(client, sourceSql, params),
      resultFigures(targetOn, targetSql, params),
    ]);
    // A walk may end at the mark itself, which is then used up as well.
    const usedMark =
      end !== null && !!marked && end.every((k, i) => k === marked[i]);
    return { end, source, target, usedMark };
  };
  // A range cut off is compared again, halved, from a new snapshot.
  const halveRange = () => {
    cutOff = true;
    if (toTheEnd) walkToTheEnd = true;
    ceiling = rangeRows = Math.max(MIN_RANGE_ROWS, Math.floor(rangeRows / 2));
  };

  const began = await run.checkpoints.get<SourceAsBegun>(SOURCE_AS_BEGUN);
  while (!state.complete) {
    await run.throwIfCancelled();
    const started = Date.now();
    // A partition attached since brought rows that no write made: the new
    // version is given them before the range compares them.
    const attached = await retrying(run, 'partitions attached meanwhile', () =>
      db.withClient(async client => {
        const found = await copyAttachedSince(
          client,
          shape,
          state.partitions ?? attachmentsAsBegun(began),
          // Once a range was compared (in an earlier attempt too).
          state.partitions !== undefined || state.ranges > 0,
        );
        const removed =
          found.copied.length > 0 ? await removeGhosts(client, shape) : 0;
        return { ...found, removed };
      }),
    );
    state.partitions = attached.attachments;
    state.rowsDeletedDuringCopy += attached.removed;
    if (attached.copied.length > 0)
      await run.log(
        `copied the rows of ${attached.copied.join(
          ', ',
        )}, attached while the run copied and verified the table`,
      );
    const lastKey = state.lastKey;
    const compared = state.source.rows;
    // Ranges so far tell how long the rest takes; one pass reads it for less
    // (sequential scans, parallel where allowed, no walks), in one snapshot.
    const restMs = msPerRow === null ? null : (total - compared) * msPerRow;
    const restInOnePass =
      restMs !== null &&
      total - compared > rangeRows &&
      restMs <= settings.verifyOnePassUpToMs;
    if (restInOnePass && !walkToTheEnd)
      await run.log(
        `comparing the remaining ~${
          total - compared
        } rows in one pass (estimated ${(restMs / 1000).toFixed(1)} s, up to ${
          settings.verifyOnePassUpToMs / 1000
        } s allowed)`,
      );
    // The target is read at the same time on a second connection, in the same
    // snapshot (exported, as a parallel pg_dump does), when the pool has one to
    // spare; else after the source, on the same connection.
    const at: Parameters<typeof compareRange>[2] = {
      lastKey,
      compared,
      restInOnePass,
    };
    const range = await retrying(
      run,
      lastKey ? `the range after (${lastKey.join(', ')})` : 'the first range',
      () =>
        db.withSpareClient((client, spare) =>
          readOnly(client, 'snapshot', () =>
            spare
              ? readOnly(spare, 'snapshot', async () => {
                  await shareSnapshot(client, spare);
                  return compareRange(client, spare, at);
                })
              : compareRange(client, client, at),
          ),
        ),
      halveRange,
    );
    const elapsed = Math.max(1, Date.now() - started);
    if (range.source.rows > 0) msPerRow = elapsed / range.source.rows;
    const matched =
      range.source.rows === range.target.rows &&
      range.source.checksum === range.target.checksum;
    if (!matched)
      await run.log(
        `the sides differ in the keys ${describeRange(
          lastKey,
          range.end,
        )}: source ${range.source.rows} rows (checksum ${
          range.source.checksum
        }), target ${range.target.rows} rows (checksum ${
          range.target.checksum
        })`,
        'warn',
      );
    // One checkpoint holds the range's end and the sums with it: a write the
    // lease refuses leaves the previous range's, which a resume goes on from.
    Object.assign(state, {
      lastKey: range.end ?? lastKey,
      complete: range.end === null,
      ranges: state.ranges + 1,
      source: addFigures(state.source, range.source),
      target: addFigures(state.target, range.target),
      differing: state.differing + (matched ? 0 : 1),
      durationMs: state.durationMs + elapsed,
      markedEnds: range.usedMark
        ? state.markedEnds!.slice(1)
        : state.markedEnds,
    });
    await run.checkpoints.set('verify', state);
    await run.progress(
      'verify',
      state.source.rows,
      state.complete ? state.source.rows : Math.max(total, state.source.rows),
    );
    rangeRows = Math.min(
      ceiling,
      Math.max(
        1000,
        Math.round(
          (rangeRows * BATCHES_PER_RANGE * settings.batchDurationMs) / elapsed,
        ),
      ),
    );
  }

  const { source, target } = state;
  const matched = state.differing === 0;
  // Recorded either way: a mismatch is what people most need to see.
  await run.recordVerification({
    source,
    target,
    matched,
    durationMs: state.durationMs,
    ...(state.rowsDeletedDuringCopy
      ? { rowsDeletedDuringCopy: state.rowsDeletedDuringCopy }
      : {}),
  });
  if (!matched) {
    throw new Error(
      `verification failed: source ${source.rows} rows (checksum ${source.checksum}), target ${target.rows} rows (checksum ${target.checksum})`,
    );
  }
  await run.log(
    // The checksum is in the run's verification figures, for who may see rows.
    `verified ${target.rows} rows: counts and checksums match on both sides`,
  );
  if (state.ranges > 1)
    await run.log(`compared in ${state.ranges} ranges of the key`);
}

/**
 * Engine work that is done again, on a fresh connection, when a lost connection
 * or another temporary error stops it, up to RETRIES_IN_A_ROW times with a
 * growing pause (a server restarting takes seconds); `again` is told before each
 * retry. A cancel or a lost lease ends the retries. The work must touch only the
 * engine, so that nothing of it is recorded twice.
 */
async function retrying<T>(
  run: DatasetMigrationRun,
  what: string,
  work: () => Promise<T>,
  again?: () => void,
): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await work();
    } catch (error) {
      if (!isInterruption(error) || tries >= RETRIES_IN_A_ROW) throw error;
      await run.log(
        `${what} was cut off (${
          (error as Error).message
        }); trying again on a new connection (${tries} of ${RETRIES_IN_A_ROW} retries in a row)`,
        'warn',
      );
      await new Promise(resolve =>
        setTimeout(
          resolve,
          Math.min(1000, FIRST_RETRY_PAUSE_MS * 2 ** (tries - 1)),
        ),
      );
      await run.throwIfCancelled();
      again?.();
    }
  }
}

/**
 * Gives `to`'s transaction, not yet read in, the snapshot of `from`'s
 * repeatable-read transaction, which must stay open until `to` has read.
 */
async function shareSnapshot(from: PoolClient, to: PoolClient): Promise<void> {
  const { rows } = await from.query<{ id: string }>(
    'SELECT pg_export_snapshot() AS id',
  );
  const id = rows[0].id;
  // The statement takes no parameters: the id is the server's, checked anyway.
  if (!/^[0-9A-F-]+$/i.test(id))
    throw new Error(`unexpected snapshot id ${id}`);
  try {
    await to.query(`SET TRANSACTION SNAPSHOT '${id}'`);
  } catch (error) {
    // The snapshot lives as long as the transaction that exported it, which is
    // held open here: gone, that transaction's connection was lost.
    if (SNAPSHOT_GONE.has((error as { code?: string }).code ?? ''))
      throw new MigrationInterruptedError(
        `the database is unavailable: the connection that exported the range's snapshot was lost (${
          (error as Error).message
        })`,
      );
    throw error;
  }
}

function describeRange(after: string[] | null, upTo: string[] | null): string {
  const key = (k: string[]) => `(${k.join(', ')})`;
  if (after && upTo) return `after ${key(after)} up to ${key(upTo)}`;
  if (after) return `after ${key(after)}`;
  return upTo ? `up to ${key(upTo)}` : 'of the whole table';
}

/**
 * The types each side's key is compared in, when the target's key holds the
 * source's key values unchanged, and so sorts them alike: each key field of the
 * same type, modifier and collation, or an integer widened to a wider integer or
 * a numeric. Otherwise null, and the whole tables are one range.
 */
async function rangeKeyTypes(
  client: PoolClient,
  shape: MigrationShape,
): Promise<{ source: string[]; target: string[] } | null> {
  const { rows } = await client.query<{
    source: string;
    target: string;
    ordered: boolean;
  }>(
    `SELECT format_type(s.atttypid, s.atttypmod) AS source,
            format_type(t.atttypid, t.atttypmod) AS target,
            (s.atttypid, s.atttypmod, s.attcollation) = (t.atttypid, t.atttypmod, t.attcollation)
            OR coalesce(
              array_position('{smallint,integer,bigint,numeric}'::regtype[], t.atttypid::regtype)
              > array_position('{smallint,integer,bigint}'::regtype[], s.atttypid::regtype),
              false) AS ordered
       FROM unnest($3::text[], $4::text[]) WITH ORDINALITY AS k(source, target, n)
       JOIN pg_attribute s ON s.attrelid = $1::regclass AND s.attname = k.source
       JOIN pg_attribute t ON t.attrelid = $2::regclass AND t.attname = k.target
      ORDER BY k.n`,
    [
      quoteRelation(shape.source),
      quoteRelation(shape.target),
      shape.sourceKey,
      shape.targetKey.map(f => f.name),
    ],
  );
  if (rows.length !== shape.sourceKey.length || rows.some(r => !r.ordered))
    return null;
  return { source: rows.map(r => r.source), target: rows.map(r => r.target) };
}
