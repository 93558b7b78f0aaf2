import { mockServices } from '@backstage/backend-test-utils';
import { ConsumerStore } from '../database/ConsumerStore';
import { migrationStoreHarness } from '../database/__testUtils__/migrationStoreHarness';
import type { MigrationAnnouncer } from '../announcements/MigrationAnnouncer';
import { PullRequestFollowUp } from './PullRequestFollowUp';

const WAITING = 'component:default/waiting';
const FRESH = 'component:default/fresh';
const DAY_MS = 86_400_000;

describe('PullRequestFollowUp reminders', () => {
  const harness = migrationStoreHarness();

  function replica(announcer: MigrationAnnouncer) {
    return new PullRequestFollowUp({
      consumers: new ConsumerStore(harness.knex),
      enqueueConsumer: async () => {},
      logger: mockServices.logger.mock(),
      intervalMs: 60_000,
      reminderAfterMs: 7 * DAY_MS,
      announcer,
    });
  }

  async function withOpenPullRequests(): Promise<string> {
    const { id } = await harness.queued();
    const consumers = new ConsumerStore(harness.knex);
    await consumers.addDiscovered(id, [
      { entityRef: WAITING, depth: 1, repositoryUrl: 'file:///waiting' },
      { entityRef: FRESH, depth: 1, repositoryUrl: 'file:///fresh' },
    ]);
    for (const [ref, number] of [
      [WAITING, 1],
      [FRESH, 2],
    ] as const) {
      await consumers.advance(id, ref, ['discovered'], {
        state: 'pr-opened',
        pullRequest: {
          provider: 'local-git',
          url: `file:///pulls/${number}`,
          number,
          branch: `dataset-migrations/${number}`,
          state: 'open',
        },
      });
    }
    // One was opened eight days ago, the other just now.
    await harness
      .knex('migration_consumers')
      .where({ migration_id: id, entity_ref: WAITING })
      .update({ updated_at: new Date(Date.now() - 8 * DAY_MS) });
    return id;
  }

  it("reminds a pull request's owners once, however many rounds and replicas follow up", async () => {
    const id = await withOpenPullRequests();
    const consumerChanged = jest.fn(async () => {});
    const announcer = { migrationChanged: jest.fn(), consumerChanged };

    const counts = await Promise.all([
      replica(announcer).remind(),
      replica(announcer).remind(),
      replica(announcer).remind(),
    ]);
    await replica(announcer).followUp();

    expect(counts.reduce((a, b) => a + b)).toBe(1);
    expect(consumerChanged).toHaveBeenCalledTimes(1);
    expect(consumerChanged).toHaveBeenCalledWith({
      migrationId: id,
      consumerRef: WAITING,
      notice: 'stale-pull-request',
      reason: expect.stringMatching(
        /^file:\/\/\/pulls\/1 has been open for more than 7 days/,
      ),
    });
  });

  it('reminds nobody without a reminder period', async () => {
    await withOpenPullRequests();
    const consumerChanged = jest.fn(async () => {});
    const followUp = new PullRequestFollowUp({
      consumers: new ConsumerStore(harness.knex),
      enqueueConsumer: async () => {},
      logger: mockServices.logger.mock(),
      intervalMs: 60_000,
      announcer: { migrationChanged: jest.fn(), consumerChanged },
    });
    expect(await followUp.remind()).toBe(0);
    expect(consumerChanged).not.toHaveBeenCalled();
  });
});
