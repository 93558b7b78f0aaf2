import { useApi } from '@backstage/core-plugin-api';
import { isActiveMigrationStatus } from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { usePolledValue } from './usePolledValue';
import { useMigrationSignals } from './useMigrationSignals';

/** Without signals, the page follows an active run by polling this often. */
const POLL_MS = 2000;

/**
 * A dataset's migrations, newest first, refetched when a signal says one of them
 * changed; polled while one of them is active, slowly when signals are there.
 * Nothing is fetched until there is an entity ref.
 */
export function useMigrations(entityRef: string) {
  const api = useApi(datasetMigrationsApiRef);
  const signals = useMigrationSignals(
    signal => signal.entityRef === entityRef && !signal.consumerRef,
  );
  const { value, error, loading, reload } = usePolledValue(
    () => api.listMigrations(entityRef),
    [api, entityRef, signals.changes],
    migrations =>
      signals.pollMs(
        migrations?.some(m => isActiveMigrationStatus(m.status))
          ? POLL_MS
          : undefined,
      ),
    { enabled: entityRef !== '' },
  );
  return { migrations: value, error, loading, reload };
}
