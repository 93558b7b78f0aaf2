import { useApi } from '@backstage/core-plugin-api';
import {
  needsDecision,
  type Migration,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { MigrationStatus } from '../shared/MigrationStatus';
import { usePolledValue } from '../shared/usePolledValue';

const POLL_MS = 2000;

/**
 * A run's status in its history row; a run awaiting decisions says how many are
 * left, read from its consumer ledger while it waits.
 */
export function MigrationRunStatus(props: { migration: Migration }) {
  const { id, status, updatedAt } = props.migration;
  const api = useApi(datasetMigrationsApiRef);
  const awaiting = status === 'awaiting-decision';
  const ledger = usePolledValue(
    () => api.getConsumerLedger(id),
    [api, id, updatedAt],
    () => (awaiting ? POLL_MS : undefined),
    { enabled: awaiting },
  );
  return (
    <MigrationStatus
      status={status}
      decisionsLeft={
        awaiting && ledger.value
          ? ledger.value.consumers.filter(needsDecision).length
          : undefined
      }
    />
  );
}
