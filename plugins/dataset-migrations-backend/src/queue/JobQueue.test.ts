import { setTimeout as sleep } from 'node:timers/promises';
import { randomUUID } from 'node:crypto';
import knexFactory, { type Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import { startRestartablePostgres } from '../__testUtils__/postgresServer';
import { createTestDatabases, waitFor } from '../__testUtils__/testDatabases';
import { asStoreTransaction } from '../database/StoreTransaction';
import { JobQueue, type JobHandlers, type OperationJob } from './JobQueue';

const SCHEMA = 'test_queue';

/** Jobs as graphile-worker stores them, added with its own SQL, run by the queue. */
describe('JobQueue', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let queue: JobQueue;
  let handlers: jest.Mocked<Required<JobHandlers>>;

  beforeAll(async () => {
    knex = await init();
    queue = new JobQueue({
      knex,
      schema: SCHEMA,
      logger: mockServices.logger.mock(),
    });
    await queue.migrate();
    handlers = {
      runMigration: jest.fn(async (_id: string) => {}),
      discoverConsumers: jest.fn(async (_id: string) => {}),
      advanceConsumer: jest.fn(async (_id: string, _ref: string) => {}),
      closePullRequest: jest.fn(async (_id: string, _ref: string) => {}),
      operateMigration: jest.fn(async (_job: OperationJob) => {}),
      advanceCampaign: jest.fn(async (_id: string) => {}),
      followUpPullRequests: jest.fn(async () => {}),
    };
    await queue.start({ concurrency: 1, handlers });
  });

  afterAll(async () => {
    await queue.stop();
  });

  /** Adds a job the way any SQL client can, bypassing the queue's typed enqueue. */
  async function addJob(task: string, payload: object): Promise<string> {
    const { rows } = await knex.raw(
      `SELECT id FROM ${SCHEMA}.add_job(?, ?::json, max_attempts := 1)`,
      [task, JSON.stringify(payload)],
    );
    return String(rows[0].id);
  }

  async function failureOf(jobId: string): Promise<string> {
    return waitFor(
      async () => {
        const { rows } = await knex.raw(
          `SELECT last_error FROM ${SCHEMA}.jobs WHERE id = ?`,
          [jobId],
        );
        return rows[0]?.last_error ?? undefined;
      },
      { timeoutMs: 20_000, what: `job ${jobId} to fail` },
    );
  }

  it('fails a job whose payload is malformed, naming the task and the field, without calling its handler', async () => {
    const job = await addJob('dataset-migrations.operate-migration', {
      migrationId: randomUUID(),
      operation: 'drop-everything',
      requestId: randomUUID(),
    });
    expect(await failureOf(job)).toMatch(
      /^dataset-migrations\.operate-migration: malformed job payload: operation: /,
    );

    const consumer = await addJob('dataset-migrations.advance-consumer', {
      migrationId: randomUUID(),
    });
    expect(await failureOf(consumer)).toMatch(
      /^dataset-migrations\.advance-consumer: malformed job payload: entityRef: Required$/,
    );
    expect(handlers.operateMigration).not.toHaveBeenCalled();
    expect(handlers.advanceConsumer).not.toHaveBeenCalled();
  });

  it('keeps one waiting look per campaign, at the earlier of the times asked for', async () => {
    const campaignId = randomUUID();
    const inOneHour = new Date(Date.now() + 3_600_000);
    const runAtOf = async () => {
      const { rows } = await knex.raw(
        `SELECT run_at FROM ${SCHEMA}.jobs WHERE key = ?`,
        [`campaign:${campaignId}`],
      );
      return rows.map((r: { run_at: Date }) => new Date(r.run_at).getTime());
    };
    await queue.enqueueCampaignTick(campaignId, inOneHour);
    await queue.enqueueCampaignTick(
      campaignId,
      new Date(inOneHour.getTime() + 3_600_000),
    );
    expect(await runAtOf()).toEqual([inOneHour.getTime()]);
    expect(handlers.advanceCampaign).not.toHaveBeenCalled();

    // Asked for now: the waiting look moves up and runs, once.
    await queue.enqueueCampaignTick(campaignId);
    // Done once its handler ran and graphile-worker removed the finished job.
    await waitFor(
      async () =>
        handlers.advanceCampaign.mock.calls.length > 0 &&
        (await runAtOf()).length === 0
          ? true
          : undefined,
      { what: 'the campaign tick to run and be removed' },
    );
    expect(handlers.advanceCampaign.mock.calls).toEqual([[campaignId]]);
  });

  it('keeps the earlier time when two looks are asked for at once, the earlier one committed second', async () => {
    const campaignId = randomUUID();
    const inOneHour = new Date(Date.now() + 3_600_000);
    const inTwoHours = new Date(Date.now() + 7_200_000);
    let committed!: () => void;
    const commit = new Promise<void>(resolve => {
      committed = resolve;
    });
    // The earlier look is asked for inside a transaction that commits later
    // (a policy trip queues its look with the pause).
    const earlier = knex.transaction(async tx => {
      await queue.enqueueCampaignTick(
        campaignId,
        inOneHour,
        asStoreTransaction(tx),
      );
      await commit;
    });
    await sleep(100);
    // The later one is asked for meanwhile, and its read of the waiting job
    // must not come before the earlier one is committed.
    const later = queue.enqueueCampaignTick(campaignId, inTwoHours);
    await sleep(300);
    committed();
    await Promise.all([earlier, later]);
    const { rows } = await knex.raw(
      `SELECT run_at FROM ${SCHEMA}.jobs WHERE key = ?`,
      [`campaign:${campaignId}`],
    );
    expect(
      rows.map((r: { run_at: Date }) => new Date(r.run_at).getTime()),
    ).toEqual([inOneHour.getTime()]);
  });

  it('queues an operation once while it waits or runs, again once abandoned or failed for good, and never without what it writes with it', async () => {
    // A queue nobody works, in a database of its own: its jobs wait.
    const idleKnex = await init();
    const idle = new JobQueue({
      knex: idleKnex,
      schema: SCHEMA,
      logger: mockServices.logger.mock(),
    });
    await idle.migrate();
    const job: OperationJob = {
      migrationId: randomUUID(),
      operation: 'rollback',
      requestId: randomUUID(),
      actor: 'user:default/starter',
    };
    const key = `operate:${job.migrationId}:${job.requestId}`;
    const written: string[] = [];
    const ask = () =>
      idle.enqueueOperationOnce(job, async (tx, { jobId }) => {
        // Written in the job's transaction: it sees the job.
        const { rows } = await (tx as unknown as Knex).raw(
          `SELECT count(*)::int AS n FROM ${SCHEMA}.jobs WHERE key = ?`,
          [key],
        );
        expect(rows[0].n).toBe(1);
        written.push(jobId);
      });
    const jobs = async () =>
      (
        await idleKnex.raw(
          `SELECT id, attempts FROM ${SCHEMA}._private_jobs WHERE key = ?`,
          [key],
        )
      ).rows;

    expect(await ask()).toBe(true);
    // Asked again while it waits: the ask joins it, and writes nothing.
    expect(await ask()).toBe(false);
    expect(await jobs()).toHaveLength(1);
    expect(written).toHaveLength(1);

    // A worker runs it, on its last attempt: the ask joins the running job too.
    await idleKnex.raw(
      `UPDATE ${SCHEMA}._private_jobs
          SET locked_at = now(), locked_by = 'a-worker', attempts = max_attempts
        WHERE key = ?`,
      [key],
    );
    expect(await ask()).toBe(false);
    expect(await jobs()).toHaveLength(1);
    expect(written).toHaveLength(1);

    // Its worker died holding it, or could not record its failure: graphile-worker
    // frees it only after hours. Past a few minutes, an ask queues it again.
    await idleKnex.raw(
      `UPDATE ${SCHEMA}._private_jobs
          SET locked_at = now() - interval '10 minutes'
        WHERE key = ?`,
      [key],
    );
    expect(await ask()).toBe(true);
    expect(written).toHaveLength(2);
    expect((await jobs()).map((j: { attempts: number }) => j.attempts)).toEqual(
      [0],
    );

    // It failed for good: a new ask queues it again, under a new id for its record.
    await idleKnex.raw(
      `UPDATE ${SCHEMA}._private_jobs
          SET locked_at = NULL, locked_by = NULL, attempts = max_attempts
        WHERE key = ?`,
      [key],
    );
    expect(await ask()).toBe(true);
    expect(written).toHaveLength(3);
    expect(new Set(written).size).toBe(3);
    expect((await jobs()).map((j: { attempts: number }) => j.attempts)).toEqual(
      [0],
    );

    // What it writes with the job fails: no job is queued either.
    const other: OperationJob = { ...job, requestId: randomUUID() };
    await expect(
      idle.enqueueOperationOnce(other, async () => {
        throw new Error('the audit record could not be written');
      }),
    ).rejects.toThrow('the audit record could not be written');
    const { rows } = await idleKnex.raw(
      `SELECT count(*)::int AS n FROM ${SCHEMA}._private_jobs WHERE key = ?`,
      [`operate:${other.migrationId}:${other.requestId}`],
    );
    expect(rows[0].n).toBe(0);
    await idle.stop();
  });

  it('hands a well-formed payload to its handler, parsed', async () => {
    const job = {
      migrationId: randomUUID(),
      operation: 'contract' as const,
      requestId: randomUUID(),
      override: { reason: 'no reader left', by: 'user:default/ana', at: 'now' },
    };
    await queue.enqueueOperation(job);
    await waitFor(async () => handlers.operateMigration.mock.calls[0]?.[0], {
      timeoutMs: 20_000,
      what: 'the operation job to run',
    });
    expect(handlers.operateMigration).toHaveBeenCalledWith(job);
  });

  it('holds a deferred consumer job until its time, one job per consumer', async () => {
    const migrationId = randomUUID();
    const entityRef = 'component:default/throttled';
    const runAtOf = async () => {
      const { rows } = await knex.raw(
        `SELECT run_at FROM ${SCHEMA}.jobs WHERE key = ?`,
        [`consumer:${migrationId}:${entityRef}`],
      );
      return rows.map((r: { run_at: Date }) => r.run_at.getTime());
    };
    const inAnHour = new Date(Date.now() + 3600_000);
    await queue.enqueueConsumer(migrationId, entityRef, inAnHour);
    expect(await runAtOf()).toEqual([inAnHour.getTime()]);
    await new Promise(resolve => setTimeout(resolve, 3000));
    expect(handlers.advanceConsumer).not.toHaveBeenCalledWith(
      migrationId,
      entityRef,
    );

    // Deferred again (a slot frees sooner): the same job, at the new time.
    await queue.enqueueConsumer(
      migrationId,
      entityRef,
      new Date(Date.now() + 500),
    );
    expect(await runAtOf()).toHaveLength(1);
    await waitFor(
      async () =>
        handlers.advanceConsumer.mock.calls.find(
          ([id]) => id === migrationId,
        ) ?? undefined,
      { timeoutMs: 20_000, what: 'the deferred consumer job to run' },
    );
  }, 40_000);

  it('runs migrations, discoveries and campaign looks before consumer steps queued earlier', async () => {
    const migrationId = randomUUID();
    const ran: string[] = [];
    let release!: () => void;
    const held = new Promise<void>(resolve => (release = resolve));
    const ours = (id: string) => id === migrationId;
    handlers.advanceConsumer.mockImplementation(async (id, ref) => {
      if (!ours(id)) return;
      if (ref === 'component:default/holds-the-worker') await held;
      else ran.push(ref);
    });
    handlers.runMigration.mockImplementation(async id => {
      if (ours(id)) ran.push('run');
    });
    handlers.discoverConsumers.mockImplementation(async id => {
      if (ours(id)) ran.push('discover');
    });
    handlers.advanceCampaign.mockImplementation(async id => {
      if (ours(id)) ran.push('look');
    });
    try {
      // The one worker is busy; consumer steps queue first, then the rest.
      await queue.enqueueConsumer(
        migrationId,
        'component:default/holds-the-worker',
      );
      await waitFor(
        async () =>
          handlers.advanceConsumer.mock.calls.some(
            ([id, ref]) =>
              ours(id) && ref === 'component:default/holds-the-worker',
          ) || undefined,
        {
          timeoutMs: 20_000,
          what: 'the first consumer step to hold the worker',
        },
      );
      await queue.enqueueConsumer(migrationId, 'component:default/a');
      await queue.enqueueConsumer(migrationId, 'component:default/b');
      await knex.transaction(tx =>
        queue.enqueueMigration(asStoreTransaction(tx), migrationId),
      );
      await queue.enqueueConsumerDiscovery(knex, migrationId);
      await queue.enqueueCampaignTick(migrationId);
      release();
      await waitFor(async () => (ran.length === 5 ? ran : undefined), {
        timeoutMs: 20_000,
        what: 'every job to run',
      });
      expect(ran).toEqual([
        'run',
        'discover',
        'look',
        'component:default/a',
        'component:default/b',
      ]);
    } finally {
      release();
      for (const h of [
        handlers.advanceConsumer,
        handlers.runMigration,
        handlers.discoverConsumers,
        handlers.advanceCampaign,
      ])
        h.mockImplementation(async () => {});
    }
  }, 60_000);

  it('starts its workers once its database answers again when a start fails, and a stop ends the tries', async () => {
    const server = await startRestartablePostgres();
    const own = knexFactory({
      client: 'pg',
      connection: server.url,
      pool: { min: 0, max: 2 },
    });
    const logger = mockServices.logger.mock();
    const flaky = new JobQueue({ knex: own, schema: SCHEMA, logger });
    const stoppedLogger = mockServices.logger.mock();
    const stopped = new JobQueue({
      knex: own,
      schema: SCHEMA,
      logger: stoppedLogger,
    });
    const ran: string[] = [];
    const warned = (queueLogger: typeof logger) => () =>
      queueLogger.warn.mock.calls.some(([message]) =>
        /^Could not start the job queue's workers \(try 1\)/.test(
          String(message),
        ),
      )
        ? true
        : undefined;
    try {
      await flaky.migrate();
      // Closed so that no pooled connection of the test sees the server go.
      await own.destroy();
      await server.stop();
      const starting = flaky.start({
        concurrency: 1,
        handlers: { ...handlers, runMigration: async id => void ran.push(id) },
        retryDelayMs: 50,
        maxRetryDelayMs: 200,
      });
      await waitFor(async () => warned(logger)(), {
        timeoutMs: 20_000,
        what: 'a start to fail while the database is down',
      });

      // A queue stopped while its start keeps failing starts nothing afterwards.
      const stoppedStart = stopped.start({
        concurrency: 1,
        handlers,
        retryDelayMs: 50,
      });
      await waitFor(async () => warned(stoppedLogger)(), {
        timeoutMs: 20_000,
        what: 'the second queue to fail to start',
      });
      await stopped.stop();
      await stoppedStart;

      await server.start();
      await starting;
      own.initialize();
      const migrationId = randomUUID();
      await own.transaction(tx =>
        flaky.enqueueMigration(asStoreTransaction(tx), migrationId),
      );
      await waitFor(async () => (ran.length > 0 ? ran : undefined), {
        timeoutMs: 20_000,
        what: 'the started workers to run a job',
      });
      expect(ran).toEqual([migrationId]);
      expect((stopped as any).runners).toEqual([]);
    } finally {
      await flaky.stop().catch(() => {});
      await own.destroy().catch(() => {});
      await server.destroy();
    }
  }, 120_000);

  it('runs jobs after the session looking up its task ids was terminated', async () => {
    // graphile-worker looks its tasks' ids up once, at a pool's first poll, and
    // kept a failed lookup: its workers then never took a job again (a stall
    // found by yarn chaos, its pool alive and polling nothing).
    const own = await init();
    const lookupQueue = new JobQueue({
      knex: own,
      schema: SCHEMA,
      logger: mockServices.logger.mock(),
    });
    const ran: string[] = [];
    const lock = await own.client.acquireConnection();
    try {
      await lookupQueue.migrate();
      await lock.query('BEGIN');
      await lock.query(
        `LOCK TABLE ${SCHEMA}._private_tasks IN ACCESS EXCLUSIVE MODE`,
      );
      const starting = lookupQueue.start({
        concurrency: 1,
        handlers: {
          runMigration: async id => void ran.push(id),
          discoverConsumers: async () => {},
          advanceConsumer: async () => {},
        },
      });
      const lookups = await waitFor(
        async () => {
          const { rows } = await own.raw(
            `SELECT pid FROM pg_stat_activity
              WHERE datname = current_database() AND wait_event_type = 'Lock'
                AND query LIKE '%_private_tasks%'`,
          );
          return rows.length > 0
            ? rows.map((r: { pid: number }) => r.pid)
            : undefined;
        },
        { timeoutMs: 20_000, what: 'the task-id lookup to wait for the lock' },
      );
      await own.raw(
        'SELECT pg_terminate_backend(pid) FROM unnest(?::int[]) pid',
        [lookups],
      );
      await lock.query('COMMIT');
      await starting;

      const migrationId = randomUUID();
      await own.transaction(tx =>
        lookupQueue.enqueueMigration(asStoreTransaction(tx), migrationId),
      );
      await waitFor(async () => (ran.length > 0 ? ran : undefined), {
        timeoutMs: 20_000,
        what: 'a worker to take the job after the failed lookup',
      });
      expect(ran).toEqual([migrationId]);
    } finally {
      await lock.query('ROLLBACK').catch(() => {});
      await own.client.releaseConnection(lock);
      await lookupQueue.stop();
    }
  }, 60_000);
});
