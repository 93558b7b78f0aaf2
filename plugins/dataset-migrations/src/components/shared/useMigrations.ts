import { useApi } from '@backstage/core-plugin-api';
import { isActiveMigrationStatus } from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { usePolledValue } from './usePolledValue';

const POLL_MS = 2000;

/**
 * A dataset's migrations, newest first, refetched every two seconds while one of
 * them is queued or running so the page follows the run without a reload. Nothing
 * is fetched until there is an entity ref.
 */
export function useMigrations(entityRef: string) {
  const api = useApi(datasetMigrationsApiRef);
  const { value, error, loading, reload } = usePolledValue(
    () => api.listMigrations(entityRef),
    [api, entityRef],
    migrations =>
      migrations?.some(m => isActiveMigrationStatus(m.status))
        ? POLL_MS
        : undefined,
    { enabled: entityRef !== '' },
  );
  return { migrations: value, error, loading, reload };
}
