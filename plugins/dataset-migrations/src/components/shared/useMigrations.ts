import { useCallback, useEffect, useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import {
  isActiveMigrationStatus,
  type Migration,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';

const POLL_MS = 2000;

/**
 * A dataset's migrations, newest first, refetched every two seconds while one of
 * them is queued or running so the page follows the run without a reload.
 */
export function useMigrations(entityRef: string) {
  const api = useApi(datasetMigrationsApiRef);
  const [migrations, setMigrations] = useState<Migration[]>();
  const [error, setError] = useState<Error>();

  const reload = useCallback(async () => {
    try {
      setMigrations(await api.listMigrations(entityRef));
      setError(undefined);
    } catch (e) {
      setError(e as Error);
    }
  }, [api, entityRef]);

  useEffect(() => {
    reload();
  }, [reload]);

  const active =
    migrations?.some(m => isActiveMigrationStatus(m.status)) ?? false;
  useEffect(() => {
    if (!active) return undefined;
    const timer = setInterval(reload, POLL_MS);
    return () => clearInterval(timer);
  }, [active, reload]);

  return {
    migrations,
    error,
    loading: migrations === undefined && !error,
    reload,
    active,
  };
}
