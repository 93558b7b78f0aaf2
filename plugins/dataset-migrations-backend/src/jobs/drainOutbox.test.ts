import { mockServices } from '@backstage/backend-test-utils';
import type { ClaimedEntry } from '../database/OutboxClaims';
import { drainOutbox, type DrainableOutbox } from './drainOutbox';

/** An outbox of `n` owed entries in memory: claims hand them out oldest first. */
function outboxOf(n: number) {
  const owed: ClaimedEntry[] = Array.from({ length: n }, (_, i) => ({
    id: `entry-${i}`,
    claimedBy: 'this-drain',
    attempts: 0,
    recordedAt: new Date(0),
    row: {},
  }));
  const done: string[] = [];
  const outbox: DrainableOutbox<ClaimedEntry> = {
    claimMs: 60_000,
    claimNext: async () => owed.shift(),
    renewClaim: async () => true,
    markDone: async entry => {
      done.push(entry.id);
      return true;
    },
    markRejected: async entry => {
      owed.push(entry);
    },
  };
  return { outbox, owed, done };
}

describe('drainOutbox', () => {
  const common = {
    describe: (entry: ClaimedEntry) => entry.id,
    repeatedAs: 'again',
    logger: mockServices.logger.mock(),
  };

  it('delivers every owed entry, oldest first, when no limit is given', async () => {
    const { outbox, done } = outboxOf(5);
    const delivered: string[] = [];
    expect(
      await drainOutbox({
        ...common,
        outbox,
        deliver: async entry => {
          delivered.push(entry.id);
        },
      }),
    ).toBe(5);
    expect(delivered).toEqual([
      'entry-0',
      'entry-1',
      'entry-2',
      'entry-3',
      'entry-4',
    ]);
    expect(done).toEqual(delivered);
  });

  it('takes at most `limit` entries in one call, and leaves the rest for the next', async () => {
    const { outbox, owed, done } = outboxOf(5);
    const deliver = async () => {};
    expect(await drainOutbox({ ...common, outbox, deliver, limit: 2 })).toBe(2);
    expect(done).toEqual(['entry-0', 'entry-1']);
    expect(owed.map(e => e.id)).toEqual(['entry-2', 'entry-3', 'entry-4']);
    expect(await drainOutbox({ ...common, outbox, deliver, limit: 2 })).toBe(2);
    expect(await drainOutbox({ ...common, outbox, deliver, limit: 2 })).toBe(1);
  });

  it('counts a failed delivery against the limit, so a failing entry cannot keep a call going', async () => {
    const { outbox, done } = outboxOf(1);
    let tries = 0;
    const deliver = async () => {
      tries++;
      throw new Error('refused');
    };
    // The rejected entry goes back to the end of this in-memory queue at once.
    expect(await drainOutbox({ ...common, outbox, deliver, limit: 3 })).toBe(0);
    expect(tries).toBe(3);
    expect(done).toEqual([]);
  });
});
