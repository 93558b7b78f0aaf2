/**
 * What a consumer's shadow checks may read beside the migrated dataset's two
 * versions: the other datasets its entity declares in `spec.dependsOn` (a churn
 * model joins user profiles to listening events), on the same engine, under the
 * name they are read by now. Nothing else is granted to the check's role.
 */
import { isDatasetEntity } from '@dataset-migrations/plugin-dataset-migrations-common';
import { parseEntityRef, stringifyEntityRef } from '@backstage/catalog-model';
import { currentState } from '../../catalog/DatasetCatalog';
import type { MigrationContext, StepDependencies } from '../steps/stepContext';

export async function datasetsReadBeside(
  { catalog, auth, migrations }: StepDependencies,
  { plan }: MigrationContext,
  entityRef: string,
): Promise<string[]> {
  const credentials = await auth.getOwnServiceCredentials();
  const consumer = await catalog.getEntity(entityRef, credentials);
  const declared = consumer?.spec?.dependsOn;
  if (!Array.isArray(declared)) return [];
  const refs = declared.flatMap(ref => {
    try {
      return [
        stringifyEntityRef(
          parseEntityRef(String(ref), {
            defaultNamespace: consumer!.metadata.namespace ?? 'default',
          }),
        ),
      ];
    } catch {
      return [];
    }
  });
  const read: string[] = [];
  for (const entity of await catalog.getEntities(refs, credentials)) {
    if (!entity || !isDatasetEntity(entity)) continue;
    try {
      const { location } = await currentState(entity, migrations);
      // The migrated dataset is read through its versions only.
      if (
        location.engine === plan.engine &&
        location.table !== plan.table &&
        location.table !== plan.targetTable
      )
        read.push(location.table);
    } catch {
      // A dataset without its engine or table annotations: nothing to grant.
    }
  }
  return read;
}
