import type { UndiscoveredReads } from '@dataset-migrations/plugin-dataset-migrations-common';
import type { PreviousShapeReads } from '@dataset-migrations/plugin-dataset-migrations-node';

/**
 * The run checkpoint that holds what contract's gate knows of reads of the previous
 * shape (see `jobs/previousShapeReads.ts`), read back to show them on the run.
 */
export const PREVIOUS_SHAPE_READS = 'previous-shape-reads';

export interface PreviousShapeReadsRecord {
  /** The engine's counters where the current window starts. */
  baseline: PreviousShapeReads;
  /** What the last contract request found; absent when it found nothing. */
  undiscovered?: UndiscoveredReads;
}
