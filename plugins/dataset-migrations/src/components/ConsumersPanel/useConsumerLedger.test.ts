import {
  emptyConsumerStateCounts,
  type ConsumerLedger,
  type ConsumerState,
  type Migration,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { pollInterval } from './useConsumerLedger';

const finishedAt = '2026-11-21T10:00:00.000Z';
const finished = Date.parse(finishedAt);
const migration = {
  id: 'm1',
  status: 'succeeded',
  dryRun: false,
  finishedAt,
} as Migration;

/** A ledger with consumers in these states, of which the page shows none: the counts decide. */
function ledgerIn(...states: ConsumerState[]): ConsumerLedger {
  const counts = emptyConsumerStateCounts();
  for (const state of states) counts[state]++;
  return {
    migrationId: 'm1',
    counts,
    undecided: 0,
    total: states.length,
    consumers: [],
  };
}

describe('pollInterval', () => {
  const later = finished + 60 * 60 * 1000;

  it('follows closely while the run or a consumer is at work', () => {
    expect(pollInterval({ ...migration, status: 'running' }, undefined)).toBe(
      2000,
    );
    expect(pollInterval(migration, ledgerIn('done', 'patched'), later)).toBe(
      2000,
    );
  });

  it('checks less often while only pull requests wait on a merge', () => {
    expect(
      pollInterval(migration, ledgerIn('done', 'pr-opened', 'merged'), later),
    ).toBe(15000);
  });

  it('stops once every consumer is settled', () => {
    expect(
      pollInterval(migration, ledgerIn('done', 'unaffected', 'failed'), later),
    ).toBeUndefined();
  });

  it('waits a while for consumers to be discovered after the run succeeds', () => {
    expect(pollInterval(migration, ledgerIn(), finished + 10_000)).toBe(2000);
    expect(pollInterval(migration, ledgerIn(), later)).toBeUndefined();
    expect(
      pollInterval({ ...migration, status: 'failed' }, ledgerIn(), finished),
    ).toBeUndefined();
  });
});
