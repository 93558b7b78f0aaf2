import { mockServices } from '@backstage/backend-test-utils';
import { ConsumerStore } from '../database/ConsumerStore';
import { migrationStoreHarness } from '../database/__testUtils__/migrationStoreHarness';
import type { MigrationAnnouncer } from '../announcements/MigrationAnnouncer';
import { JobQueue } from '../queue/JobQueue';
import { waitFor } from '../__testUtils__/testDatabases';
import {
  PullRequestFollowUp,
  type FollowUpRounds,
} from './PullRequestFollowUp';

/** Rounds nobody schedules: for tests that call a round's parts directly. */
const noRounds: FollowUpRounds = {
  scheduleFollowUp: async () => {},
  ensureFollowUp: async () => false,
};

const WAITING = 'component:default/waiting';
const FRESH = 'component:default/fresh';
const DAY_MS = 86_400_000;

describe('PullRequestFollowUp reminders', () => {
  const harness = migrationStoreHarness();

  function replica(announcer: MigrationAnnouncer) {
    return new PullRequestFollowUp({
      consumers: new ConsumerStore(harness.knex),
      enqueueConsumer: async () => {},
      rounds: noRounds,
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
      rounds: noRounds,
      logger: mockServices.logger.mock(),
      intervalMs: 60_000,
      announcer: { migrationChanged: jest.fn(), consumerChanged },
    });
    expect(await followUp.remind()).toBe(0);
    expect(consumerChanged).not.toHaveBeenCalled();
  });
});

describe('PullRequestFollowUp rounds', () => {
  const harness = migrationStoreHarness();
  const queues: JobQueue[] = [];
  const releases: Array<() => void> = [];

  afterEach(async () => {
    releases.splice(0).forEach(release => release());
    await Promise.all(queues.splice(0).map(queue => queue.stop()));
  });

  async function withOpenPullRequest(): Promise<string> {
    const { id } = await harness.queued();
    const consumers = new ConsumerStore(harness.knex);
    await consumers.addDiscovered(id, [
      { entityRef: WAITING, depth: 1, repositoryUrl: 'file:///waiting' },
    ]);
    await consumers.advance(id, WAITING, ['discovered'], {
      state: 'pr-opened',
      pullRequest: {
        provider: 'local-git',
        url: 'file:///pulls/1',
        number: 1,
        branch: 'dataset-migrations/1',
        state: 'open',
      },
    });
    return id;
  }

  /**
   * A worker replica: the real queue on a schema its peers share, running rounds.
   * `stuck` makes it stop forever at that point of a round, holding the round's job
   * locked as a SIGKILLed worker does (its process never finishes the job).
   */
  async function replica(
    schema: string,
    stuck?: 'before-scheduling' | 'inside-round',
  ) {
    const queue = new JobQueue({
      knex: harness.knex,
      schema,
      logger: mockServices.logger.mock(),
    });
    queues.push(queue);
    await queue.migrate();
    const hang = () => new Promise<void>(resolve => releases.push(resolve));
    const entered = jest.fn();
    const followedUp: string[] = [];
    const rounds: FollowUpRounds = {
      scheduleFollowUp: async runAt => {
        if (stuck === 'before-scheduling') {
          entered();
          await hang();
        }
        await queue.scheduleFollowUp(runAt);
      },
      ensureFollowUp: (runAt, staleMs) => queue.ensureFollowUp(runAt, staleMs),
    };
    const followUp = new PullRequestFollowUp({
      consumers: new ConsumerStore(harness.knex),
      enqueueConsumer: async (_id, ref) => {
        if (stuck === 'inside-round') {
          entered();
          await hang();
        }
        followedUp.push(ref);
      },
      rounds,
      logger: mockServices.logger.mock(),
      intervalMs: 500,
    });
    await queue.start({
      concurrency: 1,
      handlers: {
        runMigration: async () => {},
        discoverConsumers: async () => {},
        advanceConsumer: async () => {},
        followUpPullRequests: () => followUp.round(),
      },
    });
    return { followUp, entered, followedUp };
  }

  it('follows up on another replica within seconds when the worker running a round is killed inside it', async () => {
    await withOpenPullRequest();
    const killed = await replica('test_follow_up_inside', 'inside-round');
    expect(await killed.followUp.ensureScheduled(3_000)).toBe(true);
    await waitFor(async () => killed.entered.mock.calls.length || undefined, {
      what: 'the first replica to be inside a round',
    });

    const survivor = await replica('test_follow_up_inside');
    const started = Date.now();
    await waitFor(async () => survivor.followedUp[0], {
      timeoutMs: 15_000,
      what: 'the other replica to follow up',
    });
    expect(survivor.followedUp[0]).toBe(WAITING);
    // The interval (0.5 s) and graphile-worker's 2 s poll, under load.
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('schedules the next round again from a sweep when a worker died before it could, and only then', async () => {
    await withOpenPullRequest();
    const killed = await replica('test_follow_up_before', 'before-scheduling');
    expect(await killed.followUp.ensureScheduled(3_000)).toBe(true);
    // A round waits: a sweep leaves it be.
    expect(await killed.followUp.ensureScheduled(3_000)).toBe(false);
    await waitFor(async () => killed.entered.mock.calls.length || undefined, {
      what: 'the first replica to take the round',
    });

    const survivor = await replica('test_follow_up_before');
    // Taken less than the grace ago: it may still be alive.
    expect(await survivor.followUp.ensureScheduled(60_000)).toBe(false);
    await new Promise(resolve => setTimeout(resolve, 1_200));
    expect(await survivor.followUp.ensureScheduled(1_000)).toBe(true);
    await waitFor(async () => survivor.followedUp[0], {
      timeoutMs: 15_000,
      what: 'the other replica to follow up',
    });
    expect(survivor.followedUp[0]).toBe(WAITING);
  });

  it('brings a waiting round forward when the interval is now shorter, and never pushes one back', async () => {
    const queue = new JobQueue({
      knex: harness.knex,
      schema: 'test_follow_up_interval',
      logger: mockServices.logger.mock(),
    });
    queues.push(queue);
    await queue.migrate();
    const runAt = async () => {
      const { rows } = await harness.knex.raw(
        `SELECT run_at FROM test_follow_up_interval.jobs WHERE key IS NOT NULL`,
      );
      return rows.map((r: { run_at: Date }) => new Date(r.run_at).getTime());
    };
    const day = Date.now() + 24 * 3600_000;
    await queue.scheduleFollowUp(new Date(day));
    // Restarted with a five-minute interval: one round, due in five minutes.
    const soon = Date.now() + 5 * 60_000;
    expect(await queue.ensureFollowUp(new Date(soon), 60_000)).toBe(false);
    expect(await runAt()).toEqual([soon]);
    // Another replica restarted later with the day-long interval: still five minutes.
    expect(await queue.ensureFollowUp(new Date(day), 60_000)).toBe(false);
    expect(await runAt()).toEqual([soon]);
  });
});
