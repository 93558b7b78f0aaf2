import type {
  Migration,
  MigrationPlan,
} from '@dataset-migrations/plugin-dataset-migrations-common';

/**
 * What a dataset's name serves until `migration` is contracted, and its new
 * version does not: its previous version's fields as they were, and its previous
 * name. Empty when the migration only added fields: every later version still
 * serves what it served, so a later migration need not wait for its contract.
 * The plan (where a move is recorded) is read only when the fields changed none
 * of that: a run's row as listed carries its changes, not its plan.
 */
export async function stillServed(
  migration: Pick<Migration, 'id' | 'changes'>,
  withPlan: (id: string) => Promise<{ plan?: MigrationPlan } | undefined>,
): Promise<string[]> {
  const fields = migration.changes.flatMap(change => {
    if ('renameField' in change)
      return [`${change.renameField.from}, renamed ${change.renameField.to}`];
    if ('dropField' in change) return [`${change.dropField.name}, dropped`];
    if ('changeType' in change)
      return [
        `${change.changeType.field} before it became ${change.changeType.type}`,
      ];
    if ('deriveField' in change)
      return [`${change.deriveField.field} before it was recomputed`];
    return [];
  });
  if (fields.length > 0) return fields;
  const plan = (await withPlan(migration.id))?.plan;
  return plan?.targetTable
    ? [`its name ${plan.table}, moved to ${plan.targetTable}`]
    : [];
}

/**
 * Why a later migration of `entityRef` waits for `previous`'s contract: a later
 * cut-over replaces what the name serves, and contract is where readers nobody
 * discovered are looked for (read counters, retention, a person's override).
 */
export function waitsForContract(
  entityRef: string,
  previous: Pick<Migration, 'id' | 'fromVersion' | 'targetVersion'>,
  served: string[],
): string {
  return `dataset ${entityRef} waits for its migration to version ${
    previous.targetVersion
  } (${previous.id}) to be contracted: until then its name serves version ${
    previous.fromVersion
  } (${served.join(
    ', ',
  )}) to readers nobody may have discovered, which the next cut-over would stop serving. Contract that migration first (its gate looks for such readers), or roll it back`;
}
