import { useApi } from '@backstage/core-plugin-api';
import {
  isActiveMigrationStatus,
  type ConsumerLedger,
  type Migration,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { usePolledValue } from '../shared/usePolledValue';
import { useMigrationSignals } from '../shared/useMigrationSignals';
import { AWAITING_MERGE_STATES, WORKING_STATES } from './consumerText';

const WORKING_POLL_MS = 2000;
/** Merges are made by people, so a pull request is checked on less often. */
const AWAITING_MERGE_POLL_MS = 15000;
/** Consumers are discovered by a job queued when the run succeeds, a little later. */
const DISCOVERY_GRACE_MS = 2 * 60 * 1000;

/** How often to refetch the ledger, or undefined once nothing will move without a person. */
export function pollInterval(
  migration: Migration,
  ledger: ConsumerLedger | undefined,
  now = Date.now(),
): number | undefined {
  if (isActiveMigrationStatus(migration.status)) return WORKING_POLL_MS;
  if (!ledger) return undefined;
  const has = (states: readonly string[]) =>
    ledger.consumers.some(c => states.includes(c.state));
  if (has(WORKING_STATES)) return WORKING_POLL_MS;
  const awaitingDiscovery =
    ledger.consumers.length === 0 &&
    migration.status === 'succeeded' &&
    !migration.dryRun &&
    migration.finishedAt !== undefined &&
    now - Date.parse(migration.finishedAt) < DISCOVERY_GRACE_MS;
  if (awaitingDiscovery) return WORKING_POLL_MS;
  if (has(AWAITING_MERGE_STATES)) return AWAITING_MERGE_POLL_MS;
  return undefined;
}

/**
 * A migration's consumer ledger, refetched when a signal says the run or one of
 * its consumers changed, and whenever the run itself changes, e.g. when it
 * succeeds; polled while consumers are on the move (slowly, with signals).
 */
export function useConsumerLedger(migration: Migration) {
  const api = useApi(datasetMigrationsApiRef);
  const { id, updatedAt } = migration;
  const signals = useMigrationSignals(signal => signal.migrationId === id);
  const { value, error, loading, reload, interval } = usePolledValue(
    () => api.getConsumerLedger(id),
    [api, id, updatedAt, signals.changes],
    ledger => signals.pollMs(pollInterval(migration, ledger)),
  );
  return {
    ledger: value,
    error,
    loading,
    /** Whether the ledger is still expected to move by itself. */
    following: interval !== undefined,
    reload,
  };
}
