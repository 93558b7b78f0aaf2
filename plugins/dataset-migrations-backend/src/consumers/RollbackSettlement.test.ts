import { succeededMigration } from '../__testUtils__/fixtures';
import type { Knex } from 'knex';
import { ConfigReader } from '@backstage/config';
import {
  mockServices,
  registerMswTestHooks,
} from '@backstage/backend-test-utils';
import { http, HttpResponse } from 'msw';
import { setupServer } from 'msw/node';
import { createTestDatabases, waitFor } from '../__testUtils__/testDatabases';
import { DatabaseMigrationStore } from '../database/DatabaseMigrationStore';
import { JobQueue } from '../queue/JobQueue';
import { ConsumerStore } from '../database/ConsumerStore';
import type { ConsumerChange } from '../announcements/MigrationAnnouncer';
import { RollbackSettlement } from './RollbackSettlement';
import { GithubScmProvider } from './scm/GithubScmProvider';

const REPO = 'https://api.github.com/repos/acme/orders';
const server = setupServer();
registerMswTestHooks(server);

/**
 * A close GitHub refuses for a while: the rollback's settlement goes on, and a
 * graphile-worker job closes the pull request later.
 */
describe('RollbackSettlement', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let store: DatabaseMigrationStore;
  let consumers: ConsumerStore;
  let queue: JobQueue;

  beforeAll(async () => {
    knex = await init();
    store = await DatabaseMigrationStore.create({
      database: mockServices.database({ knex }),
    });
    consumers = new ConsumerStore(knex);
    queue = new JobQueue({
      knex,
      schema: 'test_worker',
      logger: mockServices.logger.mock(),
    });
    await queue.migrate();
  });

  afterAll(async () => {
    await queue.stop();
  });

  it('supersedes the ledger at once and leaves a failed close to a retried job', async () => {
    // GitHub, per its REST contract: the pull request, its comments, and a close
    // that fails (502) the first time only.
    const pull = {
      number: 7,
      html_url: 'https://github.com/acme/orders/pull/7',
      state: 'open',
      merged_at: null,
    };
    const comments: string[] = [];
    let closeAttempts = 0;
    server.use(
      http.get(`${REPO}/pulls/7`, () => HttpResponse.json(pull)),
      // Listed oldest first, 100 a page here (all of them fit on page 1).
      http.get(`${REPO}/issues/7/comments`, ({ request }) =>
        HttpResponse.json(
          new URL(request.url).searchParams.get('page') === '1'
            ? comments.map((body, i) => ({ id: i + 1, body }))
            : [],
        ),
      ),
      http.post(`${REPO}/issues/7/comments`, async ({ request }) => {
        comments.push(((await request.json()) as { body: string }).body);
        return HttpResponse.json({ id: comments.length }, { status: 201 });
      }),
      http.patch(`${REPO}/pulls/7`, async ({ request }) => {
        closeAttempts++;
        if (closeAttempts === 1)
          return HttpResponse.json(
            { message: 'Server Error' },
            { status: 502 },
          );
        const { state } = (await request.json()) as { state: string };
        pull.state = state;
        return HttpResponse.json(pull);
      }),
    );

    const id = await succeededMigration(store, {
      entityRef: 'resource:default/orders',
      changes: [{ renameField: { from: 'customer', to: 'client' } }],
    });
    await consumers.addDiscovered(id, [
      {
        entityRef: 'component:default/billing',
        depth: 1,
        repositoryUrl: 'https://github.com/acme/orders',
      },
      { entityRef: 'component:default/no-repo', depth: 1 },
    ]);
    await consumers.advance(id, 'component:default/billing', ['discovered'], {
      state: 'pr-opened',
      pullRequest: {
        provider: 'github',
        url: pull.html_url,
        number: 7,
        branch: 'dataset-migrations/orders-v2/billing',
        state: 'open',
      },
    });
    await consumers.advance(id, 'component:default/no-repo', ['discovered'], {
      state: 'failed',
      failure: { kind: 'no-repository', message: 'no source-location' },
    });
    // A worker killed in a step of billing's left its claim.
    await knex('migration_consumers')
      .where({ migration_id: id, entity_ref: 'component:default/billing' })
      .update({
        claimed_by: 'killed-worker',
        claimed_until: knex.raw(`now() + interval '1 minute'`),
      });
    expect(await store.markRolledBack(id)).toBe(true);
    const migration = (await store.getMigrationWithPlan(id))!;

    const logger = mockServices.logger.mock();
    const settlement = settlementOnGithub({ logger });

    await settlement.settle(migration);

    expect(closeAttempts).toBe(1);
    const billing = await consumers.get(id, 'component:default/billing');
    expect(billing).toMatchObject({
      state: 'superseded',
      pullRequest: { number: 7, state: 'open' },
    });
    // Settled: nothing holds it any more.
    expect(
      await knex('migration_consumers')
        .where({ migration_id: id })
        .whereNotNull('claimed_by')
        .count({ n: '*' }),
    ).toEqual([{ n: '0' }]);
    // A failed consumer is superseded too, its failure kept.
    expect(await consumers.get(id, 'component:default/no-repo')).toMatchObject({
      state: 'superseded',
      failure: { kind: 'no-repository', message: 'no source-location' },
      supersededReason: expect.stringMatching(/Nothing more is needed/),
    });
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(/Could not close .*pull\/7.*a job will retry/),
    );

    await queue.start({
      concurrency: 1,
      handlers: {
        runMigration: async () => {},
        discoverConsumers: async () => {},
        advanceConsumer: async () => {},
        closePullRequest: async (m, ref) =>
          settlement.closeOne((await store.getMigrationWithPlan(m))!, ref),
      },
    });
    const closed = await waitFor(
      async () => {
        const c = await consumers.get(id, 'component:default/billing');
        return c?.pullRequest?.state === 'closed' ? c : undefined;
      },
      { timeoutMs: 30_000, what: 'the job to close the pull request' },
    );
    expect(closed.state).toBe('superseded');
    expect(pull.state).toBe('closed');
    expect(closeAttempts).toBe(2);
    // The comment was posted before the first close attempt; the retried close
    // found it there and did not post it again.
    expect(comments).toHaveLength(1);
    expect(comments[0]).toMatch(`Dataset migration \`${id}\``);
  }, 60_000);

  /** A consumer with a pull request the ledger last saw open, on GitHub. */
  async function withOpenPullRequests(
    migrationId: string,
    pulls: Array<{ ref: string; number: number; branch: string }>,
  ) {
    await consumers.addDiscovered(
      migrationId,
      pulls.map(p => ({
        entityRef: p.ref,
        depth: 1,
        repositoryUrl: 'https://github.com/acme/orders',
      })),
    );
    for (const p of pulls) {
      await consumers.advance(migrationId, p.ref, ['discovered'], {
        state: 'pr-opened',
        pullRequest: {
          provider: 'github',
          url: `https://github.com/acme/orders/pull/${p.number}`,
          number: p.number,
          branch: p.branch,
          state: 'open',
        },
      });
    }
  }

  /** A settlement on GitHub's API as the tests' server plays it. */
  function settlementOnGithub(
    options: Partial<
      Pick<
        ConstructorParameters<typeof RollbackSettlement>[0],
        'announcer' | 'logger'
      >
    > = {},
  ) {
    return new RollbackSettlement({
      consumers,
      scm: [
        GithubScmProvider.fromConfig(
          new ConfigReader({
            integrations: { github: [{ host: 'github.com', token: 't' }] },
          }),
        ),
      ],
      enqueueClose: (m, ref) => queue.enqueueClosePullRequest(m, ref),
      logger: mockServices.logger.mock(),
      ...options,
    });
  }

  /** What the settlement tells the announcer, in order. */
  function tellingAnnouncer() {
    const told: ConsumerChange[] = [];
    return {
      told,
      announcer: {
        consumerChanged: async (change: ConsumerChange) => {
          told.push(change);
        },
      },
    };
  }

  it('asks source control at the last look: a pull request merged since the ledger looked, or one it cannot read, is in the way; merges wait', async () => {
    const id = await succeededMigration(store, {
      entityRef: 'resource:default/orders',
      changes: [{ renameField: { from: 'customer', to: 'client' } }],
    });
    await withOpenPullRequests(id, [
      { ref: 'component:default/merged', number: 11, branch: 'dm/merged' },
      { ref: 'component:default/open', number: 12, branch: 'dm/open' },
      { ref: 'component:default/unread', number: 13, branch: 'dm/unread' },
    ]);
    // GitHub, per its REST contract: the pulls of a branch, `merged_at` set once merged.
    const pullOf = (number: number, merged: boolean) => ({
      number,
      html_url: `https://github.com/acme/orders/pull/${number}`,
      state: merged ? 'closed' : 'open',
      merged_at: merged ? '2026-12-06T10:00:00Z' : null,
    });
    server.use(
      http.get(`${REPO}/pulls`, ({ request }) => {
        const head = new URL(request.url).searchParams.get('head');
        if (head === 'acme:dm/merged')
          return HttpResponse.json([pullOf(11, true)]);
        if (head === 'acme:dm/open')
          return HttpResponse.json([pullOf(12, false)]);
        return HttpResponse.json({ message: 'Server Error' }, { status: 500 });
      }),
    );
    const migration = (await store.getMigrationWithPlan(id))!;
    let mergeMeanwhile: unknown;
    const seen = await settlementOnGithub().holdingMerges(
      migration,
      async patches => {
        mergeMeanwhile = await consumers.holdForMerge(id, async () => 'merged');
        return patches;
      },
    );
    expect(seen).toEqual({
      merged: ['component:default/merged'],
      unread: ['component:default/unread'],
    });
    expect(mergeMeanwhile).toEqual({ held: false, rollingBack: true });
    // Once the rollback's look is over, merges go on; they hold each other off not.
    expect(
      await consumers.holdForMerge(id, () =>
        consumers.holdForMerge(id, async () => 'merged'),
      ),
    ).toEqual({ held: true, value: { held: true, value: 'merged' } });
  }, 60_000);

  it('tells the owners of a consumer whose pull request the rollback closed, once, with what its ledger row says', async () => {
    const id = await succeededMigration(store, {
      entityRef: 'resource:default/orders',
      changes: [{ renameField: { from: 'customer', to: 'client' } }],
    });
    // Told when its pull request opened that it moves billing-report.
    await consumers.addDiscovered(id, [
      {
        entityRef: 'component:default/billing-report',
        owner: 'group:default/finance',
        depth: 1,
        repositoryUrl: 'https://github.com/acme/orders',
      },
    ]);
    await consumers.advance(
      id,
      'component:default/billing-report',
      ['discovered'],
      {
        state: 'pr-opened',
        pullRequest: {
          provider: 'github',
          url: 'https://github.com/acme/orders/pull/31',
          number: 31,
          branch: 'dm/billing-report',
          state: 'open',
        },
      },
    );
    // GitHub, per its REST contract: the pull request, its comments, a close.
    const pull = {
      number: 31,
      html_url: 'https://github.com/acme/orders/pull/31',
      state: 'open',
      merged_at: null,
    };
    server.use(
      http.get(`${REPO}/pulls/31`, () => HttpResponse.json(pull)),
      http.get(`${REPO}/issues/31/comments`, () => HttpResponse.json([])),
      http.post(`${REPO}/issues/31/comments`, () =>
        HttpResponse.json({ id: 1 }, { status: 201 }),
      ),
      http.patch(`${REPO}/pulls/31`, async ({ request }) => {
        pull.state = ((await request.json()) as { state: string }).state;
        return HttpResponse.json(pull);
      }),
    );
    const { told, announcer } = tellingAnnouncer();
    const settlement = settlementOnGithub({ announcer });
    expect(await store.markRolledBack(id)).toBe(true);
    const migration = (await store.getMigrationWithPlan(id))!;
    await settlement.settle(migration);

    expect(pull.state).toBe('closed');
    const row = await consumers.get(id, 'component:default/billing-report');
    expect(row?.supersededReason).toMatch(
      /Its pull request is closed unmerged; nothing more is needed\.$/,
    );
    expect(told).toEqual([
      {
        migrationId: id,
        consumerRef: 'component:default/billing-report',
        owner: 'group:default/finance',
        notice: 'pull-request-closed',
        reason: row!.supersededReason,
      },
    ]);
    // A repeated close (its job, say) finds it closed: not told again.
    await settlement.closeOne(migration, 'component:default/billing-report');
    expect(told).toHaveLength(1);
  }, 60_000);

  it('records a pull request found merged when closing it as merged, to be reverted', async () => {
    const id = await succeededMigration(store, {
      entityRef: 'resource:default/orders',
      changes: [{ renameField: { from: 'customer', to: 'client' } }],
    });
    await withOpenPullRequests(id, [
      { ref: 'component:default/late', number: 21, branch: 'dm/late' },
    ]);
    // Merged on GitHub after the rollback's last look: a close leaves it as it is.
    const pull = {
      number: 21,
      html_url: 'https://github.com/acme/orders/pull/21',
      state: 'closed',
      merged_at: '2026-12-06T10:00:00Z',
    };
    server.use(http.get(`${REPO}/pulls/21`, () => HttpResponse.json(pull)));
    expect(await store.markRolledBack(id)).toBe(true);
    const { told, announcer } = tellingAnnouncer();
    const settlement = settlementOnGithub({ announcer });
    const migration = (await store.getMigrationWithPlan(id))!;
    await settlement.settle(migration);
    const late = await consumers.get(id, 'component:default/late');
    expect(late).toMatchObject({
      state: 'superseded',
      pullRequest: { number: 21, state: 'merged' },
    });
    expect(late?.supersededReason).toMatch(
      /Its merged patch reads version 2: revert it to read version 1\.$/,
    );
    // Its owners are told to revert it, once (found by a probe, 2026-12-06:
    // only its ledger row said so).
    expect(told).toEqual([
      {
        migrationId: id,
        consumerRef: 'component:default/late',
        notice: 'pull-request-merged-after-rollback',
        reason: late!.supersededReason,
      },
    ]);
    await settlement.closeOne(migration, 'component:default/late');
    expect(told).toHaveLength(1);
  }, 60_000);
});
