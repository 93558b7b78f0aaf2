import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseMigrationStore } from '../database/DatabaseMigrationStore';
import { ConsumerStore } from '../database/ConsumerStore';
import { JobQueue } from '../queue/JobQueue';
import { LeaseSweeper } from './LeaseSweeper';
import { CampaignAuditOutbox } from '../database/CampaignAuditOutbox';
import { CampaignLookLeases } from '../database/CampaignLookLeases';
import { DatabaseCampaignStore } from '../database/DatabaseCampaignStore';
import { CampaignRunner } from '../campaigns/CampaignRunner';
import { recordingAuditor } from '../__testUtils__/recordingAuditor';
import { MigrationOutcomeOutbox } from '../database/MigrationOutcomeOutbox';
import type { MigrationChange } from '../announcements/MigrationAnnouncer';
import { OutcomeAnnouncements } from './outcomeAnnouncements';

const SCHEMA = 'test_worker';

/** The sweeper against graphile-worker's own tables, with no worker running. */
describe('LeaseSweeper', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let store: DatabaseMigrationStore;
  let queue: JobQueue;
  let logger: ReturnType<typeof mockServices.logger.mock>;
  let sweeper: LeaseSweeper;

  beforeAll(async () => {
    knex = await init();
    store = await DatabaseMigrationStore.create({
      database: mockServices.database({ knex }),
    });
    queue = new JobQueue({
      knex,
      schema: SCHEMA,
      logger: mockServices.logger.mock(),
    });
    await queue.migrate();
  });

  afterAll(async () => {
    await queue.stop();
  });

  beforeEach(async () => {
    await knex.raw(`DELETE FROM ${SCHEMA}._private_jobs`);
    await knex('migrations').delete();
    logger = mockServices.logger.mock();
    sweeper = new LeaseSweeper({
      store,
      queue,
      logger,
      intervalMs: 60_000,
      graceMs: 30_000,
    });
  });

  async function queueRun(entityRef = 'resource:default/events') {
    const id = randomUUID();
    const result = await store.createMigration(
      {
        id,
        entityRef,
        fromVersion: 1,
        targetVersion: 2,
        changes: [],
        dryRun: false,
        fingerprint: id,
        requestedBy: 'user:default/tester',
      },
      (tx, migrationId) => queue.enqueueMigration(tx, migrationId),
    );
    if (!result.queued) throw new Error('not queued');
    return id;
  }

  /** As if the run was queued a minute ago, twice the grace period. */
  const queuedAMinuteAgo = (id: string) =>
    knex('migrations')
      .where({ id })
      .update({ updated_at: knex.raw(`now() - interval '1 minute'`) });

  /** The run's jobs as graphile-worker keeps them, oldest first. */
  async function jobsOf(id: string) {
    const { rows } = await knex.raw(
      `SELECT key, locked_by AS "lockedBy", attempts, max_attempts AS "maxAttempts", revision
         FROM ${SCHEMA}._private_jobs WHERE payload->>'migrationId' = ? ORDER BY id`,
      [id],
    );
    return rows;
  }

  const updateJob = (id: string, set: string) =>
    knex.raw(
      `UPDATE ${SCHEMA}._private_jobs SET ${set} WHERE payload->>'migrationId' = ?`,
      [id],
    );

  const loseJob = (id: string) =>
    knex.raw(
      `DELETE FROM ${SCHEMA}._private_jobs WHERE payload->>'migrationId' = ?`,
      [id],
    );

  const waitingJob = (id: string) => ({
    key: `migration:${id}`,
    lockedBy: null,
    attempts: 0,
    maxAttempts: 5,
    revision: 0,
  });

  it('leaves a queued run whose job is waiting its turn, however long it waits', async () => {
    const id = await queueRun();
    await queuedAMinuteAgo(id);
    for (let sweep = 0; sweep < 3; sweep++) {
      expect(await sweeper.sweep()).toEqual([]);
    }
    // Not even replaced by a repeat enqueue: the job is as it was added.
    expect(await jobsOf(id)).toEqual([waitingJob(id)]);
  });

  it('re-enqueues a queued run whose job is gone, once, after the grace period', async () => {
    const id = await queueRun();
    await loseJob(id);
    // Within the grace period: not yet.
    expect(await sweeper.sweep()).toEqual([]);

    await queuedAMinuteAgo(id);
    expect(await sweeper.sweep()).toEqual([id]);
    expect(await jobsOf(id)).toEqual([waitingJob(id)]);
    expect(logger.warn).toHaveBeenCalledWith(
      `Migration ${id} was queued with no job left to run it; re-queued`,
    );

    expect(await sweeper.sweep()).toEqual([]);
    expect(await jobsOf(id)).toEqual([waitingJob(id)]);
  });

  it('re-enqueues a queued run whose job a worker took and never claimed the run for, but not one just taken', async () => {
    const id = await queueRun();
    await queuedAMinuteAgo(id);
    // A worker has just taken the job and is about to claim the run.
    await updateJob(id, `locked_at = now(), locked_by = 'live-worker'`);
    expect(await sweeper.sweep()).toEqual([]);
    expect(await jobsOf(id)).toHaveLength(1);

    // That worker died an hour ago; graphile-worker would free its job only after four.
    await updateJob(id, `locked_at = now() - interval '1 hour'`);
    expect(await sweeper.sweep()).toEqual([id]);
    // graphile-worker retires the dead worker's job and adds a fresh one under the key.
    expect(await jobsOf(id)).toEqual([
      {
        key: null,
        lockedBy: 'live-worker',
        attempts: 5,
        maxAttempts: 5,
        revision: 0,
      },
      waitingJob(id),
    ]);

    expect(await sweeper.sweep()).toEqual([]);
    expect(await jobsOf(id)).toHaveLength(2);
  });

  it('re-enqueues a queued run whose job used up its attempts', async () => {
    const id = await queueRun();
    await queuedAMinuteAgo(id);
    // Failing attempts of a job that is still retrying leave the run to it.
    await updateJob(id, `attempts = 4, last_error = 'database down'`);
    expect(await sweeper.sweep()).toEqual([]);

    await updateJob(id, 'attempts = max_attempts');
    expect(await sweeper.sweep()).toEqual([id]);
    expect(await jobsOf(id)).toEqual([
      { key: null, lockedBy: null, attempts: 5, maxAttempts: 5, revision: 0 },
      waitingJob(id),
    ]);
  });

  it('hands back, in one sweep, runs whose worker died while running and while queued', async () => {
    const running = await queueRun('resource:default/running');
    await store.claimMigration(running, {
      owner: 'dead-worker',
      durationMs: 60_000,
    });
    await knex('migrations')
      .where({ id: running })
      .update({ lease_expires_at: knex.raw(`now() - interval '1 second'`) });
    const stranded = await queueRun('resource:default/stranded');
    await loseJob(running);
    await loseJob(stranded);
    await queuedAMinuteAgo(stranded);

    expect(await sweeper.sweep()).toEqual([running, stranded]);
    expect(await jobsOf(running)).toEqual([waitingJob(running)]);
    expect(await jobsOf(stranded)).toEqual([waitingJob(stranded)]);
  });
  it('queues again a rollback or contract whose worker died, with its payload, once its lease ran out', async () => {
    const id = await queueRun();
    // The run itself finished: its job is done and gone.
    await loseJob(id);
    const requestId = randomUUID();
    await queue.enqueueOperation({
      migrationId: id,
      operation: 'contract',
      requestId,
      actor: 'user:default/tester',
    });
    // Taken by a worker that died mid-contract: its lease ran out, its job stays locked.
    await updateJob(
      id,
      `locked_by = 'dead-worker', locked_at = now() - interval '1 minute'`,
    );
    await knex('migrations')
      .where({ id })
      .update({
        status: 'succeeded',
        lease_owner: 'dead-worker',
        lease_expires_at: knex.raw(`now() - interval '1 second'`),
      });
    const operationJobs = async () =>
      (
        await knex.raw(
          `SELECT key, locked_by AS "lockedBy", payload FROM ${SCHEMA}._private_jobs
            WHERE payload->>'migrationId' = ? ORDER BY id`,
          [id],
        )
      ).rows;
    const payload = {
      migrationId: id,
      operation: 'contract',
      requestId,
      actor: 'user:default/tester',
    };

    expect(await sweeper.sweep()).toEqual([id]);
    expect(logger.warn).toHaveBeenCalledWith(
      `Migration ${id} lost the worker of its rollback or contract; re-queued`,
    );
    expect(await operationJobs()).toEqual([
      { key: null, lockedBy: 'dead-worker', payload },
      { key: `operate:${id}:${requestId}`, lockedBy: null, payload },
    ]);
    // Free for any worker, and not swept again within the grace.
    expect(await knex('migrations').where({ id }).first('lease_owner')).toEqual(
      {
        lease_owner: null,
      },
    );
    expect(await sweeper.sweep()).toEqual([]);
    expect(await operationJobs()).toHaveLength(2);
  });

  describe('consumers', () => {
    /** A consumer row as a job leaves it: in `state`, claimed until `until` (SQL). */
    const consumerRow = (
      migrationId: string,
      name: string,
      state: string,
      until: string | null,
    ) =>
      knex('migration_consumers').insert({
        migration_id: migrationId,
        entity_ref: `component:default/${name}`,
        state,
        claimed_by: until ? randomUUID() : null,
        claimed_until: until ? knex.raw(until) : null,
      });

    const consumerJobs = async () =>
      (
        await knex.raw(
          `SELECT key, locked_by AS "lockedBy" FROM ${SCHEMA}._private_jobs
            WHERE task_id = (SELECT id FROM ${SCHEMA}._private_tasks WHERE identifier = 'dataset-migrations.advance-consumer')
            ORDER BY id`,
        )
      ).rows;

    /** A sweeper that also looks after consumers, as the plugin wires it. */
    const consumerSweeper = () => {
      const consumers = new ConsumerStore(knex);
      return new LeaseSweeper({
        store,
        queue,
        logger,
        intervalMs: 60_000,
        graceMs: 30_000,
        consumers: {
          listExpiredClaims: () => consumers.listExpiredClaims(),
          enqueueConsumer: (migrationId, entityRef) =>
            queue.enqueueConsumer(migrationId, entityRef),
          staleJobs: staleMs => queue.staleConsumerJobs(staleMs),
          listUnclaimed: refs => consumers.listUnclaimed(refs),
        },
      });
    };

    it('re-enqueues a consumer whose worker died in a step, once its claim ran out, and no other', async () => {
      const id = await queueRun();
      const withConsumers = consumerSweeper();
      // Killed while verifying its patch: the claim ran out, the job stays locked by the dead worker.
      await consumerRow(
        id,
        'orphaned',
        'patched',
        `now() - interval '1 second'`,
      );
      await queue.enqueueConsumer(id, 'component:default/orphaned');
      await knex.raw(
        `UPDATE ${SCHEMA}._private_jobs SET locked_by = 'dead-worker', locked_at = now() - interval '1 minute'`,
      );
      // A step still running on a live worker, a consumer waiting for its merge, one never claimed.
      await consumerRow(
        id,
        'working',
        'verified',
        `now() + interval '1 minute'`,
      );
      await consumerRow(
        id,
        'waiting',
        'pr-opened',
        `now() - interval '1 second'`,
      );
      await consumerRow(id, 'fresh', 'discovered', null);

      expect(await withConsumers.sweep()).toEqual([
        `${id} component:default/orphaned`,
      ]);
      expect(logger.warn).toHaveBeenCalledWith(
        `Consumer of migration ${id} component:default/orphaned lost its worker; re-queued`,
      );
      // A new job next to the dead one, which graphile-worker would free only after hours.
      expect(await consumerJobs()).toEqual([
        { key: null, lockedBy: 'dead-worker' },
        { key: `consumer:${id}:component:default/orphaned`, lockedBy: null },
      ]);
    });

    it('re-enqueues a consumer whose worker died after it took the job and before it claimed the consumer', async () => {
      const id = await queueRun();
      const withConsumers = consumerSweeper();
      // Never claimed: the job was taken a minute ago by a worker that died at once.
      await consumerRow(id, 'stranded', 'discovered', null);
      await queue.enqueueConsumer(id, 'component:default/stranded');
      // Taken just now, by a worker about to claim it.
      await consumerRow(id, 'starting', 'discovered', null);
      await queue.enqueueConsumer(id, 'component:default/starting');
      await knex.raw(
        `UPDATE ${SCHEMA}._private_jobs SET locked_by = 'worker',
           locked_at = CASE WHEN payload->>'entityRef' LIKE '%stranded' THEN now() - interval '1 minute' ELSE now() END`,
      );

      expect(await withConsumers.sweep()).toEqual([
        `${id} component:default/stranded`,
      ]);
      expect(await consumerJobs()).toEqual([
        { key: null, lockedBy: 'worker' },
        {
          key: `consumer:${id}:component:default/starting`,
          lockedBy: 'worker',
        },
        { key: `consumer:${id}:component:default/stranded`, lockedBy: null },
      ]);
      // Its new job waits: swept again, nothing more is added.
      expect(await withConsumers.sweep()).toEqual([]);
    });
  });
  it("queues again a consumer discovery and a pull request's close held ten leases, with the attempts they had left, and no job held less", async () => {
    const died = await queueRun();
    const slow = await queueRun('resource:default/other');
    const spent = await queueRun('resource:default/third');
    await queue.enqueueConsumerDiscovery(knex, died);
    await queue.enqueueClosePullRequest(died, 'component:default/report');
    await queue.enqueueConsumerDiscovery(knex, slow);
    await queue.enqueueClosePullRequest(spent, 'component:default/report');
    // Taken by workers: two died six minutes ago (ten leases are five), one of them
    // on its second attempt and with a priority; one still works after two minutes;
    // one died on its last attempt. The runs' own jobs, taken now, are not this sweep's.
    await knex.raw(
      `UPDATE ${SCHEMA}._private_jobs SET locked_by = 'worker',
         locked_at = CASE WHEN key LIKE 'migration:%' THEN now()
                          WHEN payload->>'migrationId' = ? THEN now() - interval '2 minutes'
                          ELSE now() - interval '6 minutes' END,
         attempts = CASE WHEN key LIKE 'consumers:%' THEN 2
                         WHEN payload->>'migrationId' = ? THEN 5 ELSE 1 END,
         priority = CASE WHEN key LIKE 'consumers:%' THEN 3 ELSE 0 END`,
      [slow, spent],
    );
    const requeued = [
      `consumers:${died}`,
      `close-pull-request:${died}:component:default/report`,
    ];

    expect((await sweeper.sweep()).sort()).toEqual([...requeued].sort());
    expect(logger.warn).toHaveBeenCalledWith(
      `Job consumers:${died} lost its worker; queued again`,
    );
    expect(logger.error).toHaveBeenCalledWith(
      `Job close-pull-request:${spent}:component:default/report lost its worker on its last attempt; not queued again`,
    );
    const jobs = async () =>
      (
        await knex.raw(
          `SELECT t.identifier AS task, j.key, j.payload, j.locked_by AS "lockedBy",
                  j.attempts, j.max_attempts AS "maxAttempts", j.priority
             FROM ${SCHEMA}._private_jobs j JOIN ${SCHEMA}._private_tasks t ON t.id = j.task_id
            WHERE t.identifier IN ('dataset-migrations.discover-consumers', 'dataset-migrations.close-pull-request')
            ORDER BY j.id`,
        )
      ).rows;
    // The dead jobs' rows are gone; the slow one is left to its worker.
    expect(await jobs()).toEqual([
      {
        task: 'dataset-migrations.discover-consumers',
        key: `consumers:${slow}`,
        payload: { migrationId: slow },
        lockedBy: 'worker',
        attempts: 2,
        maxAttempts: 5,
        priority: 3,
      },
      {
        task: 'dataset-migrations.discover-consumers',
        key: requeued[0],
        payload: { migrationId: died },
        lockedBy: null,
        attempts: 0,
        maxAttempts: 3,
        priority: 3,
      },
      {
        task: 'dataset-migrations.close-pull-request',
        key: requeued[1],
        payload: { migrationId: died, entityRef: 'component:default/report' },
        lockedBy: null,
        attempts: 0,
        maxAttempts: 4,
        priority: 0,
      },
    ]);
    // Their new jobs wait: swept again, nothing more is added.
    expect(await sweeper.sweep()).toEqual([]);
  });

  it('skips a dead discovery another replica is queueing again, without waiting for it, and queues it once', async () => {
    const died = await queueRun();
    await queue.enqueueConsumerDiscovery(knex, died);
    const key = `consumers:${died}`;
    await knex.raw(
      `UPDATE ${SCHEMA}._private_jobs SET locked_by = 'worker', attempts = 1,
         locked_at = now() - interval '6 minutes' WHERE key = ?`,
      [key],
    );
    // Another replica's sweep holds the row in its transaction.
    const other = await knex.transaction();
    try {
      await other.raw(
        `SELECT 1 FROM ${SCHEMA}._private_jobs WHERE key = ? FOR UPDATE`,
        [key],
      );
      expect(await sweeper.sweep()).toEqual([]);
    } finally {
      await other.rollback();
    }
    expect(await sweeper.sweep()).toEqual([key]);
    expect(await sweeper.sweep()).toEqual([]);
  });

  it('emits the campaign audit events waiting and prunes those emitted over a week ago', async () => {
    const { auditor, events } = recordingAuditor();
    const notUsed = async () => {
      throw new Error('a sweep starts, rolls back and contracts nothing');
    };
    const campaignRunner = new CampaignRunner({
      campaigns: new DatabaseCampaignStore(knex),
      migrations: {
        createCampaignMigration: notUsed,
        requestRollback: notUsed,
        requestContract: notUsed,
      },
      queue,
      auth: mockServices.auth(),
      logger,
      audit: new CampaignAuditOutbox(knex),
      lookLeases: new CampaignLookLeases(knex, 30_000),
      auditor,
    });
    const withAudit = new LeaseSweeper({
      store,
      queue,
      logger,
      intervalMs: 60_000,
      graceMs: 30_000,
      campaignAudit: campaignRunner,
    });
    const row = (wave: number, emittedAt: Knex.Raw | null) => ({
      id: randomUUID(),
      campaign_id: randomUUID(),
      event_id: 'campaign-policy-trip',
      severity_level: 'high',
      meta: JSON.stringify({ wave }),
      recorded_at: new Date('2026-11-01T00:00:00Z'),
      emitted_at: emittedAt,
    });
    await knex('campaign_audit_outbox').insert([
      row(0, knex.raw(`now() - interval '8 days'`)),
      row(1, knex.raw(`now() - interval '6 days'`)),
      row(2, null),
    ]);

    await withAudit.sweep();
    expect(events.map(e => (e.meta as { wave: number }).wave)).toEqual([2]);
    const left = await knex('campaign_audit_outbox')
      .orderByRaw(`meta->>'wave'`)
      .select(knex.raw(`(meta->>'wave')::int AS wave`));
    expect(left).toEqual([{ wave: 1 }, { wave: 2 }]);
  });

  it('announces the outcomes a dead worker left owed, past the grace, and prunes those announced over a day ago', async () => {
    const migrationChanged = jest.fn(async (change: MigrationChange) =>
      change.settled?.(),
    );
    const withOutcomes = new LeaseSweeper({
      store,
      queue,
      logger,
      intervalMs: 60_000,
      graceMs: 30_000,
      outcomes: new OutcomeAnnouncements({
        outbox: new MigrationOutcomeOutbox(knex),
        announcer: { migrationChanged, consumerChanged: async () => {} },
        logger,
      }),
    });
    const id = await queueRun();
    const entry = (outcome: string, age: string, emittedAge?: string) => ({
      id: randomUUID(),
      migration_id: id,
      outcome,
      recorded_at: knex.raw(`now() - interval '${age}'`),
      emitted_at: emittedAge
        ? knex.raw(`now() - interval '${emittedAge}'`)
        : null,
    });
    await knex('migration_outcome_outbox').insert([
      entry('succeeded', '2 days', '2 days'),
      entry('rolled-back', '5 minutes'),
      // A healthy worker may still be announcing it.
      entry('contracted', '1 second'),
    ]);

    await withOutcomes.sweep();
    expect(migrationChanged.mock.calls.map(([c]) => c.outcome)).toEqual([
      'rolled-back',
    ]);
    expect(
      await knex('migration_outcome_outbox')
        .orderBy('recorded_at')
        .select('outcome', knex.raw('emitted_at IS NOT NULL AS announced')),
    ).toEqual([
      { outcome: 'rolled-back', announced: true },
      { outcome: 'contracted', announced: false },
    ]);
  });

  it('queues a look for a running campaign with none waiting or running: a look killed while it ran, or one out of attempts', async () => {
    const [waiting, later, killed, spent, gone] = [1, 2, 3, 4, 5].map(() =>
      randomUUID(),
    );
    const withCampaigns = new LeaseSweeper({
      store,
      queue,
      logger,
      intervalMs: 60_000,
      graceMs: 30_000,
      campaigns: {
        campaignsAwaitingLooks: async () => [
          waiting,
          later,
          killed,
          spent,
          gone,
        ],
      },
    });
    await queue.enqueueCampaignTick(waiting);
    await queue.enqueueCampaignTick(later, new Date(Date.now() + 3_600_000));
    await queue.enqueueCampaignTick(killed);
    await queue.enqueueCampaignTick(spent);
    const lookJob = (id: string, set: string) =>
      knex.raw(
        `UPDATE ${SCHEMA}._private_jobs SET ${set} WHERE payload->>'campaignId' = ?`,
        [id],
      );
    // Taken by a worker killed a minute ago (twice the grace): held for hours.
    await lookJob(
      killed,
      `locked_at = now() - interval '1 minute', locked_by = 'dead-worker', attempts = 1`,
    );
    await lookJob(spent, `attempts = max_attempts`);

    const swept = await withCampaigns.sweep();
    expect([...swept].sort()).toEqual([killed, spent, gone].sort());
    const { rows } = await knex.raw(
      `SELECT payload->>'campaignId' AS id, count(*) FILTER (WHERE locked_at IS NULL AND attempts < max_attempts)::int AS waiting
         FROM ${SCHEMA}._private_jobs WHERE payload->>'campaignId' IS NOT NULL GROUP BY 1`,
    );
    const waitingLooks = Object.fromEntries(
      rows.map((r: { id: string; waiting: number }) => [r.id, r.waiting]),
    );
    expect(waitingLooks).toEqual({
      [waiting]: 1,
      [later]: 1,
      [killed]: 1,
      [spent]: 1,
      [gone]: 1,
    });
    // Each has its look now: the next sweep queues none.
    expect(await withCampaigns.sweep()).toEqual([]);
  });
});
