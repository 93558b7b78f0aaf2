/**
 * Readers nobody discovered: the engine's own count of reads of a migration's
 * previous shape, kept with the run so contract can tell reads made after every
 * known consumer moved from the reads of consumers that had not moved yet.
 *
 * The window starts at cut-over (the runner records the counters then) and again
 * at each contract request that found reads, so once reads stop, the next request
 * finds none. See the engine's `readsOfPreviousShape` for what it can count.
 */
import type { UndiscoveredReads } from '@dataset-migrations/plugin-dataset-migrations-common';
import type {
  DatasetEngine,
  DatasetMigrationRun,
  PreviousShapeReads,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import type { MigrationStore } from '../database/MigrationStore';
import {
  PREVIOUS_SHAPE_READS,
  type PreviousShapeReadsRecord,
} from '../database/previousShapeReadsRecord';

/** What contract may do, as far as the previous shape's readers go. */
export type ReadsVerdict =
  /** `gone`: the previous version is gone already, by a contract the engine committed. */
  | { clear: true; gone?: true }
  /** Read after every known consumer moved: a reader nobody discovered. */
  | { clear: false; found: UndiscoveredReads }
  /** No window to judge (the run was cut over before counters were kept). */
  | { clear: false; watchingSince: string };

/** Reads between two snapshots; after a reset of the counters, those since the reset. */
export function readsBetween(
  earlier: PreviousShapeReads,
  later: PreviousShapeReads,
): number {
  const reset = later.scans < earlier.scans || later.upkeep < earlier.upkeep;
  const count = reset
    ? later.scans - later.upkeep
    : later.scans - earlier.scans - (later.upkeep - earlier.upkeep);
  return Math.max(0, count);
}

/**
 * Starts the window at cut-over. Best effort: without it the first contract
 * request starts the window and waits for the next.
 */
export async function recordReadsBaseline(
  engine: DatasetEngine,
  run: DatasetMigrationRun,
  store: Pick<MigrationStore, 'setCheckpoint'>,
): Promise<void> {
  try {
    const baseline = await engine.readsOfPreviousShape?.(run);
    if (!baseline) return;
    await store.setCheckpoint<PreviousShapeReadsRecord>(
      run.migrationId,
      PREVIOUS_SHAPE_READS,
      { baseline },
    );
  } catch (error) {
    await run.log(
      `could not read the previous version's read counters; contract will start counting: ${error}`,
      'warn',
    );
  }
}

/**
 * Whether the previous shape was read after every known consumer moved. A window
 * that started before the last consumer moved (`consumersMovedAt`, by the plugin
 * database's clock) holds that consumer's own reads too: its reads count only if
 * the engine saw a scan after that. Finding reads starts a new window, so the next
 * request judges only what comes after.
 */
export async function judgeReads(options: {
  engine: DatasetEngine;
  run: DatasetMigrationRun;
  store: Pick<MigrationStore, 'getCheckpoint' | 'setCheckpoint'>;
  consumersMovedAt?: string;
}): Promise<ReadsVerdict> {
  const { engine, run, store, consumersMovedAt } = options;
  if (!engine.readsOfPreviousShape) return { clear: true };
  const now = await engine.readsOfPreviousShape(run);
  // Gone (a contract whose record was lost; one by anybody else the engine's
  // contract refuses): nothing is left to protect, whoever asks now.
  if (!now) return { clear: true, gone: true };
  const record = await store.getCheckpoint<PreviousShapeReadsRecord>(
    run.migrationId,
    PREVIOUS_SHAPE_READS,
  );
  const keep = (undiscovered?: UndiscoveredReads) =>
    store.setCheckpoint<PreviousShapeReadsRecord>(
      run.migrationId,
      PREVIOUS_SHAPE_READS,
      { baseline: now, ...(undiscovered ? { undiscovered } : {}) },
    );
  if (!record) {
    await keep();
    return { clear: false, watchingSince: now.at };
  }
  const { baseline } = record;
  const count = readsBetween(baseline, now);
  const readAfterMove =
    consumersMovedAt === undefined ||
    Date.parse(baseline.at) >= Date.parse(consumersMovedAt) ||
    now.lastScanAt === undefined ||
    Date.parse(now.lastScanAt) > Date.parse(consumersMovedAt);
  if (count === 0 || !readAfterMove) {
    if (record.undiscovered) await keep();
    return { clear: true };
  }
  const found: UndiscoveredReads = {
    count,
    since: baseline.at,
    checkedAt: now.at,
    ...(now.lastScanAt ? { lastReadAt: now.lastScanAt } : {}),
    evidence: now.evidence,
  };
  await keep(found);
  return { clear: false, found };
}

/** The refusal a person reads, naming the evidence. */
export function describeReads(
  verdict: Exclude<ReadsVerdict, { clear: true }>,
  fromVersion: number,
  consumersMovedAt: string | undefined,
): string {
  if ('watchingSince' in verdict) {
    return `contract refused: reads of version ${fromVersion} were not counted since the cut-over; counting from ${verdict.watchingSince}. Ask again once its readers have had time to run, or override with a reason`;
  }
  const { count, since, lastReadAt, evidence } = verdict.found;
  return `contract refused: the previous shape (version ${fromVersion}) was read ${count} time${
    count === 1 ? '' : 's'
  } since ${since}${lastReadAt ? `, last at ${lastReadAt}` : ''}, after ${
    consumersMovedAt
      ? `every known consumer moved (the last at ${consumersMovedAt})`
      : 'the cut-over, with no known consumer left'
  }: a reader nobody discovered (${evidence}). Find it and move it, then ask again (counting restarts now), or override with a reason`;
}
