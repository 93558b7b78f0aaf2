import type { Migration } from '@dataset-migrations/plugin-dataset-migrations-common';

/**
 * Consumers a rollback would break: their code reads the new version (a merged
 * patch), or may (an open pull request whose source control could not be asked).
 */
export interface MergedPatches {
  merged: string[];
  unread: string[];
}

/** Why a rollback nobody overrode is refused, or undefined when no consumer is in its way. */
export function mergedPatchesRefusal(
  migration: Pick<Migration, 'targetVersion' | 'fromVersion'>,
  { merged, unread }: MergedPatches,
): string | undefined {
  const parts: string[] = [];
  if (merged.length > 0) {
    parts.push(
      `${merged.length} ${
        merged.length === 1 ? 'consumer has' : 'consumers have'
      } merged a patch that reads version ${
        migration.targetVersion
      } and would break on version ${migration.fromVersion}: ${merged.join(
        ', ',
      )}`,
    );
  }
  if (unread.length > 0) {
    parts.push(
      `the pull request of ${unread.join(
        ', ',
      )} could not be read from its source control, so whether it was merged is not known`,
    );
  }
  if (parts.length === 0) return undefined;
  return `rollback refused: ${parts.join(
    '; ',
  )}; to roll back anyway, send an override with the reason`;
}
