import { useApi } from '@backstage/core-plugin-api';
import {
  isActiveMigrationStatus,
  type ConsumerLedger,
  type ConsumerState,
  type Migration,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { usePolledValue } from '../shared/usePolledValue';
import { useMigrationSignals } from '../shared/useMigrationSignals';
import {
  AWAITING_MERGE_STATES,
  WORKING_STATES,
  consumerCount,
} from './consumerText';

const WORKING_POLL_MS = 2000;
/** Merges are made by people, so a pull request is checked on less often. */
const AWAITING_MERGE_POLL_MS = 15000;
/** Consumers are discovered by a job queued when the run succeeds, a little later. */
const DISCOVERY_GRACE_MS = 2 * 60 * 1000;

/** How often to refetch, or undefined once nothing will move without a person. */
export function pollInterval(
  migration: Migration,
  ledger: ConsumerLedger | undefined,
  now = Date.now(),
): number | undefined {
  if (isActiveMigrationStatus(migration.status)) return WORKING_POLL_MS;
  if (!ledger) return undefined;
  // The counts are over every consumer, whichever page is shown.
  const has = (states: readonly ConsumerState[]) =>
    states.some(state => ledger.counts[state] > 0);
  if (has(WORKING_STATES)) return WORKING_POLL_MS;
  const awaitingDiscovery =
    consumerCount(ledger) === 0 &&
    migration.status === 'succeeded' &&
    !migration.dryRun &&
    migration.finishedAt !== undefined &&
    now - Date.parse(migration.finishedAt) < DISCOVERY_GRACE_MS;
  if (awaitingDiscovery) return WORKING_POLL_MS;
  if (has(AWAITING_MERGE_STATES)) return AWAITING_MERGE_POLL_MS;
  return undefined;
}

/** Which page of the ledger to show: `limit` consumers from `offset`, of one state if given. */
export interface LedgerPage {
  limit: number;
  offset: number;
  state?: ConsumerState;
}

/**
 * A page of a migration's consumer ledger (with counts over every consumer),
 * read again when a signal says the run or one of its consumers changed, and
 * whenever the run itself changes, e.g. when it succeeds; polled while
 * consumers are on the move (slowly, with signals). Only the page shown is
 * ever read.
 */
export function useConsumerLedger(migration: Migration, page: LedgerPage) {
  const api = useApi(datasetMigrationsApiRef);
  const { id, updatedAt } = migration;
  const { limit, offset, state } = page;
  const signals = useMigrationSignals(signal => signal.migrationId === id);
  const { value, error, loading, reload, interval } = usePolledValue(
    () =>
      api.getConsumerLedger(id, {
        limit,
        offset,
        ...(state ? { state: [state] } : {}),
      }),
    [api, id, updatedAt, signals.changes, limit, offset, state],
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
