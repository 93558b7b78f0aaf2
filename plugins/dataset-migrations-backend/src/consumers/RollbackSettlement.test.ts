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
    const settlement = new RollbackSettlement({
      consumers,
      scm: [
        GithubScmProvider.fromConfig(
          new ConfigReader({
            integrations: { github: [{ host: 'github.com', token: 't' }] },
          }),
        ),
      ],
      enqueueClose: (m, ref) => queue.enqueueClosePullRequest(m, ref),
      logger,
    });

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
});
