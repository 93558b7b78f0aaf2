import { useApi } from '@backstage/core-plugin-api';
import type { Migration } from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { MigrationStatus } from '../shared/MigrationStatus';
import { usePolledValue } from '../shared/usePolledValue';
import { useMigrationSignals } from '../shared/useMigrationSignals';

const POLL_MS = 2000;

/**
 * A run's status in its history row; a run awaiting decisions says how many are
 * left, counted by the consumer ledger while it waits (again on each signal for
 * the run): the smallest page carries the count, not the consumers. A contracted
 * run says so in the row, not only once opened.
 */
export function MigrationRunStatus(props: { migration: Migration }) {
  const { id, status, updatedAt, contractedAt } = props.migration;
  const api = useApi(datasetMigrationsApiRef);
  const awaiting = status === 'awaiting-decision';
  const signals = useMigrationSignals(signal => signal.migrationId === id);
  const ledger = usePolledValue(
    () => api.getConsumerLedger(id, { limit: 1, state: ['failed'] }),
    [api, id, updatedAt, signals.changes],
    () => signals.pollMs(awaiting ? POLL_MS : undefined),
    { enabled: awaiting },
  );
  return (
    <MigrationStatus
      status={status}
      decisionsLeft={awaiting ? ledger.value?.undecided : undefined}
      contracted={Boolean(contractedAt)}
    />
  );
}
