import type { Migration } from '@dataset-migrations/plugin-dataset-migrations-common';
import { formatMoment } from '../shared/format';

/**
 * Why an action on a run would be refused now, in the words its button shows on
 * hover; undefined when the server would take it. These mirror the server's own
 * gates (MigrationOperations, MigrationCommands), read from the run as it was last
 * fetched: the server still decides, and says so if the run moved on meanwhile.
 */

/** Only the run that produced the dataset's current version goes back. */
export function whyNoRollback(migration: Migration): string | undefined {
  const current = migration.gates?.datasetVersion;
  if (current === undefined || current === migration.targetVersion)
    return undefined;
  return `Only the latest migration can be rolled back: the dataset is at version ${current} now, not ${migration.targetVersion}`;
}

/** The previous version is kept through the retention period. */
export function whyNoContract(
  migration: Migration,
  now: number,
  locale?: string,
): string | undefined {
  const keptUntil = migration.gates?.keptUntil;
  if (!keptUntil || Date.parse(keptUntil) <= now) return undefined;
  return `Contract possible after ${formatMoment(keptUntil, locale)}: version ${
    migration.fromVersion
  } is kept until then, so a rollback stays possible`;
}

/** A cancel asked for already is on its way. */
export function whyNoCancel(migration: Migration): string | undefined {
  if (!migration.cancelRequested) return undefined;
  return 'Cancel requested: the run stops at its next checkpoint';
}

/** Timers cannot wait longer than this (2^31 - 1 ms would fire at once). */
const MAX_WAIT_MS = 60_000;

/**
 * How long until the contract gate should be looked at again: when it opens, at
 * most a minute on; undefined once it is open.
 */
export function contractOpensIn(
  migration: Migration,
  now: number,
): number | undefined {
  const keptUntil = migration.gates?.keptUntil;
  if (!keptUntil) return undefined;
  const ms = Date.parse(keptUntil) - now;
  return ms > 0 ? Math.min(ms + 1, MAX_WAIT_MS) : undefined;
}
