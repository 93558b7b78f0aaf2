import {
  emptyConsumerStateCounts,
  needsDecision,
  type ConsumerLedger,
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
