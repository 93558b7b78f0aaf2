import { ConflictError } from '@backstage/errors';
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

/**
 * Contract refused because the retention period has not passed: an ordinary 409,
 * which says when it passes, so that a caller asking by itself (a campaign) need
 * not ask again before then.
 */
export class RetentionNotPassed extends ConflictError {
  constructor(message: string, readonly keptUntil: number) {
    super(message);
  }
}
