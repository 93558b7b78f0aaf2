import {
  emptyConsumerStateCounts,
  needsDecision,
  type ConsumerLedger,
  type Migration,
  type MigrationConsumer,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { ConsumerLedgerPageQuery } from '../../api';

/**
 * Answers `getConsumerLedger` for these consumers as the backend does: counts
 * and the undecided over all of them, then the `state` filter, then the page
 * (`limit` from `offset`), with `nextOffset` when more follow.
 */
export function ledgerOf(
  migrationId: string,
  consumers: MigrationConsumer[],
  query: ConsumerLedgerPageQuery = {},
): ConsumerLedger {
  const counts = emptyConsumerStateCounts();
  for (const c of consumers) counts[c.state]++;
  const matching = query.state
    ? consumers.filter(c => query.state!.includes(c.state))
    : consumers;
  const offset = query.offset ?? 0;
  const end = query.limit === undefined ? undefined : offset + query.limit;
  return {
    migrationId,
    counts,
    undecided: consumers.filter(needsDecision).length,
    total: matching.length,
    consumers: matching.slice(offset, end),
    ...(end !== undefined && end < matching.length ? { nextOffset: end } : {}),
  };
}

/** A finished run of listening-events renaming `country`, whose ledger the tests read. */
export const migration: Migration = {
  id: 'm1',
  entityRef: 'resource:default/listening-events',
  status: 'succeeded',
  fromVersion: 1,
  targetVersion: 2,
  dryRun: false,
  changes: [{ renameField: { from: 'country', to: 'country_code' } }],
  requestedBy: 'user:default/ada',
  attempts: 1,
  retriedAtAttempt: 0,
  cancelRequested: false,
  createdAt: '2026-11-21T10:00:00.000Z',
  finishedAt: '2026-11-21T10:00:03.000Z',
  updatedAt: '2026-11-21T10:00:03.000Z',
};
