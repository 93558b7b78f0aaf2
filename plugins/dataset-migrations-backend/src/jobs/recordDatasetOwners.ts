import type { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { DatasetCatalog } from '../catalog/DatasetCatalog';
import type { MigrationStore } from '../database/MigrationStore';

/**
 * Gives runs requested before owners were kept their dataset's owner, from the
 * catalog, so that "runs of datasets owned by" (in SQL and in policies) covers
 * them too. Idempotent and safe on every replica: only rows without an owner are
 * written, and a dataset the catalog no longer has keeps none.
 */
export async function recordDatasetOwners(deps: {
  store: Pick<MigrationStore, 'datasetsWithoutOwner' | 'recordDatasetOwner'>;
  catalog: DatasetCatalog;
  auth: AuthService;
  logger: LoggerService;
}): Promise<number> {
  const { store, catalog, auth, logger } = deps;
  const refs = await store.datasetsWithoutOwner();
  if (refs.length === 0) return 0;
  const entities = await catalog.getEntities(
    refs,
    await auth.getOwnServiceCredentials(),
  );
  let recorded = 0;
  for (const [i, entity] of entities.entries()) {
    const owner = entity && DatasetCatalog.ownerOf(entity);
    if (owner) recorded += await store.recordDatasetOwner(refs[i], owner);
  }
  logger.info(
    `Recorded the dataset's owner on ${recorded} earlier runs of ${refs.length} datasets`,
  );
  return recorded;
}
