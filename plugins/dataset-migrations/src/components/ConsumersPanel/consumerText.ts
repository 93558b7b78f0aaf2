import type {
  ConsumerLedger,
  ConsumerState,
  FileImpact,
  MigrationConsumer,
} from '@dataset-migrations/plugin-dataset-migrations-common';

/** Consumers that need nothing more: they read the new version or never cared. */
export const SETTLED_GOOD_STATES: readonly ConsumerState[] = [
  'unaffected',
  'done',
];

/** States the backend moves a consumer out of by itself, soon. */
export const WORKING_STATES: readonly ConsumerState[] = [
  'discovered',
  'patched',
  'verified',
];

/** States that wait on a pull request, which a person merges when they will. */
export const AWAITING_MERGE_STATES: readonly ConsumerState[] = [
  'pr-opened',
  'merged',
];

/** How many consumers are in a settled-good state (unaffected or done). */
export function settledCount(ledger: ConsumerLedger): number {
  return SETTLED_GOOD_STATES.reduce(
    (sum, state) => sum + (ledger.counts[state] ?? 0),
    0,
  );
}

/**
 * The failed consumers apart from those that wait for a person's decision: the
 * ledger keeps both as `failed`, but only the first broke.
 */
export function failedCounts(
  ledger: Pick<ConsumerLedger, 'counts' | 'undecided'>,
): {
  failed: number;
  undecided: number;
} {
  const undecided = Math.min(ledger.undecided, ledger.counts.failed);
  return { failed: ledger.counts.failed - undecided, undecided };
}

/** How many consumers the run has in all, from the counts (a page holds only some). */
export function consumerCount(ledger: ConsumerLedger): number {
  return Object.values(ledger.counts).reduce((sum, n) => sum + n, 0);
}

/** The share (0–100) of consumers in a settled-good state; 100 for none at all. */
export function settledShare(ledger: ConsumerLedger): number {
  const total = consumerCount(ledger);
  return total === 0 ? 100 : (100 * settledCount(ledger)) / total;
}

/** "3-5,9": lines with consecutive runs folded. */
export function formatLines(lines: number[]): string {
  const sorted = [...new Set(lines)].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length; i++) {
    const start = sorted[i];
    while (sorted[i + 1] === sorted[i] + 1) i++;
    runs.push(start === sorted[i] ? `${start}` : `${start}-${sorted[i]}`);
  }
  return runs.join(',');
}

/** "models/plays.sql:3-5,9", or the path alone when no line is known. */
export function formatFileLines(file: FileImpact): string {
  const lines = formatLines(file.lines);
  return lines ? `${file.path}:${lines}` : file.path;
}

/**
 * Whether the backend left out the consumer's patch, files and evidence because
 * the user may not read the consumer's entity (a private repository).
 */
export function isWithheld(consumer: MigrationConsumer): boolean {
  return consumer.redacted === true;
}

/** A few consumer refs, then how many more: a tooltip or a toast is no place for a thousand. */
export function fewRefs(refs: string[]): string {
  const shown = refs.slice(0, 3).join(', ');
  return refs.length > 3 ? `${shown} and ${refs.length - 3} more` : shown;
}
