import { succeededMigration } from '../__testUtils__/fixtures';
import type { Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import type { MigrationPlan } from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  MigrationInterruptedError,
  type PullRequestRef,
  type ScmProvider,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import type { RepositorySnapshot } from './repositories/RepositoryReader';
import { createTestDatabases, waitFor } from '../__testUtils__/testDatabases';
import type { DatasetCatalog } from '../catalog/DatasetCatalog';
import { ConsumerStore } from '../database/ConsumerStore';
import { DatabaseMigrationStore } from '../database/DatabaseMigrationStore';
import type { MigrationStore } from '../database/MigrationStore';
import type { EngineRegistry } from '../engines/EngineRegistry';
import {
  CLAIM_RAN_OUT,
  ConsumerPipeline,
  type ConsumerPipelineOptions,
} from './ConsumerPipeline';
import { codeInThread } from '../__testUtils__/codeInThread';
import { DEFAULT_ISOLATION } from './sandbox/namespaces';

const DATASET = 'resource:default/orders';
const CONSUMER = 'component:default/billing';
const REPO = 'https://git.example.com/acme/billing';
const FIELD = { type: 'text', nullable: true, primaryKey: false };

/**
 * One step per consumer at a time, with no graphile queue per consumer: the job
 * that finds the consumer claimed leaves its pass to the job holding it.
 */
describe('consumer claims', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let store: DatabaseMigrationStore;
  let consumers: ConsumerStore;

  beforeAll(async () => {
    knex = await init();
    store = await DatabaseMigrationStore.create({
      database: mockServices.database({ knex }),
    });
    consumers = new ConsumerStore(knex);
  }, 60_000);

  /** A live migration whose consumer is verified: its next step opens a pull request. */
  async function verifiedConsumer(): Promise<string> {
    const id = await succeededMigration(store, {
      entityRef: DATASET,
      changes: [{ renameField: { from: 'customer', to: 'client' } }],
    });
    await consumers.addDiscovered(id, [
      { entityRef: CONSUMER, depth: 1, repositoryUrl: REPO },
    ]);
    await consumers.advance(id, CONSUMER, ['discovered'], {
      state: 'verified',
      impact: { status: 'affected', fields: ['customer'], files: [] },
      verification: { patchedBy: 'rewriter', shadowChecks: [] },
      patchedFiles: [{ path: 'billing.sql', content: 'select client' }],
    });
    return id;
  }

  function pipelineWith(
    scm: ScmProvider,
    read: (url: string) => Promise<RepositorySnapshot> = async url => ({
      url,
      defaultBranch: 'main',
      files: [],
    }),
    options: Partial<ConsumerPipelineOptions> = {},
  ): ConsumerPipeline {
    const plan = {
      entityRef: DATASET,
      engine: 'postgres',
      table: 'public.orders',
      source: [{ name: 'customer', ...FIELD }],
      target: [{ name: 'client', ...FIELD }],
    } as Partial<MigrationPlan> as MigrationPlan;
    const migrations = {
      getMigrationWithPlan: async (id: string) => ({
        ...(await store.getMigrationWithPlan(id))!,
        plan,
      }),
    } as Partial<MigrationStore> as MigrationStore;
    return new ConsumerPipeline({
      consumers,
      migrations,
      catalog: {} as DatasetCatalog,
      engines: {} as EngineRegistry,
      readers: [
        {
          supports: () => true,
          read,
          checkout: async () => {},
        },
      ],
      scm: [scm],
      code: codeInThread,
      auth: mockServices.auth(),
      enqueueConsumer: async () => {},
      limits: {
        // Consumers here are made without catalog entities: where a pull request may
        // go is registeredRepository.test.ts's and consumers.test.ts's concern.
        pullRequestRepositories: 'any',
        runVerifyCommands: true,
        commandTimeoutMs: 1000,
        commandMemoryMb: 64,
        commandIsolation: DEFAULT_ISOLATION,
        shadowTimeoutMs: 1000,
        maxDepth: 1,
      },
      ...options,
    });
  }

  it('runs a step once when two jobs advance the same consumer at once', async () => {
    const id = await verifiedConsumer();
    let opened = 0;
    let looked = 0;
    let entered!: () => void;
    const inside = new Promise<void>(resolve => (entered = resolve));
    let letOpen!: () => void;
    const gate = new Promise<void>(resolve => (letOpen = resolve));
    const pullRequest = (branch: string): PullRequestRef => ({
      provider: 'fake',
      url: `${REPO}/pull/1`,
      number: 1,
      branch,
      state: 'open',
    });
    const pipeline = pipelineWith({
      id: 'fake',
      supports: () => true,
      openPullRequest: async draft => {
        opened++;
        entered();
        await gate;
        return pullRequest(draft.branch);
      },
      getPullRequest: async (_url, branch) => {
        looked++;
        return pullRequest(branch);
      },
    });

    const first = pipeline.advance(id, CONSUMER);
    await inside;
    // The second job finds the consumer claimed and ends without waiting.
    await pipeline.advance(id, CONSUMER);
    expect(opened).toBe(1);
    letOpen();
    await first;

    expect(opened).toBe(1);
    expect(await consumers.get(id, CONSUMER)).toMatchObject({
      state: 'pr-opened',
    });
    // The first job made the second's pass before it let go: the pull request
    // was looked at after each.
    expect(looked).toBe(2);
    // And let go: a later job claims it at once.
    await pipeline.advance(id, CONSUMER);
    expect(looked).toBe(3);
  }, 60_000);

  /** A scm whose pull request opens after `before` and `stallMs`; counts follow-ups. */
  function stallingScm(before: () => Promise<void>, stallMs = 300) {
    const scm = {
      looked: 0,
      id: 'fake',
      supports: () => true,
      openPullRequest: async (draft: { branch: string }) => {
        await before();
        await new Promise(resolve => setTimeout(resolve, stallMs));
        return {
          provider: 'fake',
          url: `${REPO}/pull/1`,
          number: 1,
          branch: draft.branch,
          state: 'open' as const,
        };
      },
      getPullRequest: async () => {
        scm.looked++;
        return undefined;
      },
    };
    return scm;
  }

  const claimOf = async (id: string) =>
    knex('migration_consumers')
      .where({ migration_id: id, entity_ref: CONSUMER })
      .first('claimed_by', 'claimed_until');

  it('stops before its next step once another job took its claim, and leaves the claim to that job', async () => {
    const id = await verifiedConsumer();
    // This job stalled past its claim, and another job took the consumer; the
    // next renewal (every 500 ms, well inside the stall) finds it so. A lease
    // of seconds: on a loaded machine a shorter one ran out between two
    // renewals first, which is the next test's case.
    const scm = stallingScm(async () => {
      await knex('migration_consumers')
        .where({ migration_id: id, entity_ref: CONSUMER })
        .update({
          claimed_by: 'other-job',
          claimed_until: knex.raw(`now() + interval '1 minute'`),
        });
    }, 1200);
    const pipeline = pipelineWith(scm, undefined, { claimLeaseMs: 2000 });

    // Not an error: the step under way was a compare-and-set on the consumer's
    // state, recorded once, and the job holding the consumer takes the next.
    await pipeline.advance(id, CONSUMER);
    expect((await consumers.get(id, CONSUMER))!.state).toBe('pr-opened');
    expect(scm.looked).toBe(0);
    expect((await claimOf(id))!.claimed_by).toBe('other-job');
  }, 60_000);

  it('stops a job whose renewals fail for a whole claim, and leaves the claim to run out for the next job', async () => {
    const id = await verifiedConsumer();
    const renewals = jest
      .spyOn(consumers, 'renewClaim')
      .mockRejectedValue(new Error('Connection terminated unexpectedly'));
    const logger = mockServices.logger.mock();
    const scm = stallingScm(async () => {});
    const pipeline = pipelineWith(scm, undefined, {
      claimLeaseMs: 200,
      logger,
    });
    try {
      // An interruption, for the queue's retry.
      await expect(pipeline.advance(id, CONSUMER)).rejects.toThrow(
        CLAIM_RAN_OUT,
      );
    } finally {
      renewals.mockRestore();
    }
    expect(scm.looked).toBe(0);
    expect(logger.warn).toHaveBeenCalledWith(
      expect.stringMatching(
        /could not be renewed: Error: Connection terminated/,
      ),
    );
    // Not let go: the sweep finds a claim that ran out (a consumer mid-step).
    expect((await claimOf(id))!.claimed_by).not.toBeNull();
    // Once it has, the next job takes the consumer and goes on.
    await waitFor(
      async () =>
        (
          await knex.raw(
            `SELECT 1 FROM migration_consumers WHERE migration_id = ? AND claimed_until < now()`,
            [id],
          )
        ).rows[0],
      { what: 'the claim to run out' },
    );
    await pipeline.advance(id, CONSUMER);
    expect(scm.looked).toBe(1);
  }, 60_000);

  it('renews only its own claim: not one taken by another job, nor a free one; a settled consumer has nothing left to hold', async () => {
    const id = await verifiedConsumer();
    const lease = { leaseMs: 60_000, requestPass: false };
    expect(await consumers.claim(id, CONSUMER, 'job-a', lease)).toBe(true);
    expect(await consumers.renewClaim(id, CONSUMER, 'job-a', 60_000)).toBe(
      true,
    );
    expect(await consumers.renewClaim(id, CONSUMER, 'job-b', 60_000)).toBe(
      false,
    );
    // Let go (another job took and released it, say): not taken back.
    expect(await consumers.releaseClaim(id, CONSUMER, 'job-a')).toBe(true);
    expect(await consumers.renewClaim(id, CONSUMER, 'job-a', 60_000)).toBe(
      false,
    );
    expect((await claimOf(id))!.claimed_by).toBeNull();
    // Its own settling write clears the claim; the renewal after it is no loss.
    expect(await consumers.claim(id, CONSUMER, 'job-a', lease)).toBe(true);
    await consumers.advance(id, CONSUMER, ['verified'], {
      state: 'failed',
      failure: { kind: 'pull-request-failed', message: 'closed' },
    });
    expect(await consumers.renewClaim(id, CONSUMER, 'job-a', 60_000)).toBe(
      true,
    );
    expect((await claimOf(id))!.claimed_by).toBeNull();
  });

  it('lets go of a consumer once it settles, whoever held it: a holder killed after its last write leaves no claim behind', async () => {
    const id = await verifiedConsumer();
    const lease = { leaseMs: 10 * 60_000, requestPass: false };
    expect(await consumers.claim(id, CONSUMER, 'killed-worker', lease)).toBe(
      true,
    );
    expect(await consumers.claim(id, CONSUMER, 'other-worker', lease)).toBe(
      false,
    );
    // Still moving: the claim holds.
    await consumers.advance(id, CONSUMER, ['verified'], {
      state: 'pr-opened',
    });
    expect(await consumers.claim(id, CONSUMER, 'other-worker', lease)).toBe(
      false,
    );
    // Its last write; the holder dies before it releases.
    await consumers.advance(id, CONSUMER, ['pr-opened'], {
      state: 'failed',
      failure: { kind: 'pull-request-failed', message: 'closed' },
    });
    const row = await knex('migration_consumers')
      .where({ migration_id: id, entity_ref: CONSUMER })
      .first('claimed_by', 'claimed_until');
    expect(row).toEqual({ claimed_by: null, claimed_until: null });
    // Its renewal landing after that write, or a duplicate job, takes nothing:
    // either dying before its release would leave the claim for good.
    expect(await consumers.claim(id, CONSUMER, 'killed-worker', lease)).toBe(
      false,
    );
    expect(
      await consumers.claim(id, CONSUMER, 'duplicate-job', {
        ...lease,
        requestPass: true,
      }),
    ).toBe(false);
    expect(
      await knex('migration_consumers')
        .where({ migration_id: id, entity_ref: CONSUMER })
        .first('claimed_by', 'claimed_until', 'advance_requested'),
    ).toEqual({
      claimed_by: null,
      claimed_until: null,
      advance_requested: false,
    });
    // The holder's own release, should it come, finds nothing to keep.
    expect(await consumers.releaseClaim(id, CONSUMER, 'killed-worker')).toBe(
      true,
    );
  });

  it('leaves an interrupted consumer to the queue’s retry, and records it on the last attempt', async () => {
    const id = await verifiedConsumer();
    const pipeline = pipelineWith(
      {
        id: 'fake',
        supports: () => true,
        openPullRequest: async () => {
          throw new Error('not reached');
        },
        getPullRequest: async () => undefined,
      },
      async () => {
        throw new MigrationInterruptedError(
          'Connection terminated unexpectedly',
        );
      },
    );
    // Retried by the queue: thrown, and the consumer is where it was.
    await expect(pipeline.advance(id, CONSUMER)).rejects.toThrow(
      'Connection terminated',
    );
    expect((await consumers.get(id, CONSUMER))!.state).toBe('verified');
    // No retry follows the last attempt: failed, visibly, for a person to retry.
    await pipeline.advance(id, CONSUMER, { lastAttempt: true });
    const failed = (await consumers.get(id, CONSUMER))!;
    expect(failed.state).toBe('failed');
    expect(failed.failure?.message).toMatch(
      /^interrupted on every attempt, the last by: Connection terminated unexpectedly; retry it/,
    );
  }, 60_000);
});
