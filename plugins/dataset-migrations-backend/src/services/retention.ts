import type { Migration } from '@dataset-migrations/plugin-dataset-migrations-common';

/**
 * When a succeeded migration's previous version may be dropped: its finish plus
 * the retention period. Contract is refused before, and the run's gates say so.
 */
export function previousVersionKeptUntil(
  migration: Pick<Migration, 'finishedAt'>,
  retentionMs: number,
): number {
  return Date.parse(migration.finishedAt!) + retentionMs;
}
