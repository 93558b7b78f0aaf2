import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import type { Pool } from 'pg';
import {
  Logger as GraphileLogger,
  run,
  runMigrations,
  type LogLevel,
  type JobHelpers,
  type Runner,
  type Task,
  type TaskList,
} from 'graphile-worker';
import { z } from 'zod';
import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  asStoreTransaction,
  knexOf,
  type StoreTransaction,
} from '../database/StoreTransaction';
import { createQueuePool } from './queuePool';

const RUN_MIGRATION_TASK = 'dataset-migrations.run-migration';
const DISCOVER_CONSUMERS_TASK = 'dataset-migrations.discover-consumers';
const ADVANCE_CONSUMER_TASK = 'dataset-migrations.advance-consumer';
const CLOSE_PULL_REQUEST_TASK = 'dataset-migrations.close-pull-request';
const OPERATE_MIGRATION_TASK = 'dataset-migrations.operate-migration';
const ADVANCE_CAMPAIGN_TASK = 'dataset-migrations.advance-campaign';
const FOLLOW_UP_TASK = 'dataset-migrations.follow-up-pull-requests';
/**
 * How long an operation's job may stay taken before a new ask for the same request
 * queues it again: a rollback or contract takes seconds, and a copy that finds the
 * operation done, or still held by the first, only answers.
 */
const ABANDONED_JOB_MS = 2 * 60_000;
/** The one pending round of the pull-request follow-up, across all replicas. */
const FOLLOW_UP_JOB_KEY = 'pull-request-follow-up';
/** Every task the queue runs, e.g. for gauges that report each one, waiting or not. */
export const JOB_TASKS = [
  RUN_MIGRATION_TASK,
  DISCOVER_CONSUMERS_TASK,
  ADVANCE_CONSUMER_TASK,
  CLOSE_PULL_REQUEST_TASK,
  OPERATE_MIGRATION_TASK,
  ADVANCE_CAMPAIGN_TASK,
  FOLLOW_UP_TASK,
] as const;
/** Rollbacks and contracts one replica runs at once, beside its other jobs. */
const OPERATION_CONCURRENCY = 2;
/**
 * Consumer steps run after every other waiting job (graphile-worker takes the
 * lowest priority first, then the earliest). A migration's run of 10 datasets can
 * queue hundreds of consumer steps; in one FIFO a campaign's look and the
 * migrations it starts waited behind them, so its slots stood empty for tens of
 * seconds at a time (measured with `yarn bench:campaign`). Jobs of the same
 * priority keep their order; consumers still get every worker no run wants.
 */
const CONSUMER_PRIORITY = 1;

const migrationJob = z.object({ migrationId: z.string().min(1) });
const campaignJob = z.object({ campaignId: z.string().min(1) });
const consumerJob = migrationJob.extend({ entityRef: z.string().min(1) });
const overrideSchema = z.object({
  reason: z.string(),
  by: z.string(),
  at: z.string(),
  blockers: z.array(z.string()).optional(),
});
const operationJob = migrationJob.extend({
  operation: z.enum(['rollback', 'contract']),
  /** Names the request, so the one who asked finds its outcome. */
  requestId: z.string().uuid(),
  /** A person's override of the gate the request passed, kept with the run. */
  override: overrideSchema.optional(),
  /**
   * A rollback whose override says only why (a campaign's failure policy): still
   * refused while a consumer's merged patch reads the new version.
   */
  keepMergedReaders: z.literal(true).optional(),
  /** The user who asked, told apart from those notified of the outcome. */
  actor: z.string().optional(),
});

/** A rollback or contract asked of a finished run, carried out by a worker under its lease. */
export type OperationJob = z.infer<typeof operationJob>;

/**
 * What an operation job answers its request with, kept as a checkpoint of the run
 * under {@link operationOutcomeName}: done, or refused with the reason a person reads.
 */
export type OperationOutcome =
  | { done: true }
  /**
   * `byEngine`: the engine's own words, which may quote a value of the rows (a
   * write it could not carry back), so they go only to who may see them.
   */
  | { refused: string; byEngine?: true };

/** The checkpoint an operation job writes its outcome to, and its request polls. */
export function operationOutcomeName(requestId: string): string {
  return `operation:${requestId}`;
}

/** The work behind each task; each handler must be safe to run twice. */
export interface JobHandlers {
  /**
   * Runs a rollback or contract; throws while another worker holds the run, to be
   * retried. A replica without it leaves these jobs to one that has it.
   */
  operateMigration?(job: OperationJob): Promise<void>;
  runMigration(migrationId: string): Promise<void>;
  discoverConsumers(migrationId: string): Promise<void>;
  /**
   * `lastAttempt`: the queue will not retry this job, so an interruption must be
   * recorded rather than thrown for a retry that never comes.
   */
  advanceConsumer(
    migrationId: string,
    entityRef: string,
    options?: { lastAttempt: boolean },
  ): Promise<void>;
  /** Closes a rolled-back migration's consumer pull request; throws to be retried. */
  closePullRequest?(migrationId: string, entityRef: string): Promise<void>;
  /** One look at a campaign: records outcomes, starts what may start, schedules the next look. */
  advanceCampaign?(campaignId: string): Promise<void>;
  /** One round of the pull-request follow-up; it schedules the next round itself. */
  followUpPullRequests?(): Promise<void>;
}

/** The plugin's knex, or a store's transaction, so a job is written with its row. */
type Executor = Knex | StoreTransaction;

export interface JobQueueOptions {
  /**
   * The plugin's own knex client; the queue lives in the same database and
   * connects to it with the same settings.
   */
  knex: Knex;
  /** The Postgres schema graphile-worker keeps its tables and functions in. */
  schema: string;
  /** Connections graphile-worker's pool may hold (`worker.poolSize`). */
  poolSize?: number;
  logger: LoggerService;
}

/**
 * graphile-worker, embedded. Jobs are enqueued with SQL, inside the caller's
 * transaction when it passes one, so a migration row and its job are written
 * together or not at all.
 * Worker exclusivity is not the queue's job: the store's tables decide what may run.
 */
export class JobQueue {
  private readonly pool: Pool;
  private readonly graphileLogger: GraphileLogger;
  private readonly runners: Runner[] = [];
  /** Set by stop(): a start still trying, or one that just got through, starts nothing more. */
  private readonly stopping = new AbortController();

  constructor(private readonly options: JobQueueOptions) {
    this.pool = createQueuePool(
      options.knex.client.config.connection,
      options.poolSize,
    );
    // An idle pooled client losing its server must not crash the backend.
    const onError = (error: Error) =>
      options.logger.warn(`Job queue connection error: ${error.message}`);
    this.pool.on('error', onError);
    this.pool.on('connect', client => client.on('error', onError));
    this.graphileLogger = new GraphileLogger(
      () => (level: LogLevel, message: string) => {
        if (level === 'error') options.logger.error(message);
        else if (level === 'warning') options.logger.warn(message);
        else if (level === 'info') options.logger.info(message);
        else options.logger.debug(message);
      },
    );
  }

  /** Creates or upgrades graphile-worker's schema; needed before anything is enqueued. */
  async migrate(): Promise<void> {
    await runMigrations({
      pgPool: this.pool,
      schema: this.options.schema,
      logger: this.graphileLogger,
    });
  }

  async enqueueMigration(
    tx: StoreTransaction,
    migrationId: string,
  ): Promise<void> {
    // The key makes a re-enqueue of a waiting job replace it rather than add another.
    await this.addJob(
      tx,
      RUN_MIGRATION_TASK,
      { migrationId },
      migrationJobKey(migrationId),
    );
  }

  /**
   * Of these migrations, those whose job will still run: waiting, retrying, or taken
   * by a worker less than `staleMs` ago, with attempts left (graphile-worker counts
   * an attempt when a worker takes the job, so one taken on its last attempt counts
   * as dead: the run gets a second job, which its lease makes harmless). A job taken longer ago, for a run that is
   * still queued, belongs to a worker that died before it claimed the run, and
   * graphile-worker frees such a job only after hours. Read from graphile-worker's
   * `jobs` view, in the caller's transaction.
   */
  async migrationsWithLiveJobs(
    tx: StoreTransaction,
    migrationIds: string[],
    staleMs: number,
  ): Promise<Set<string>> {
    const byKey = new Map(migrationIds.map(id => [migrationJobKey(id), id]));
    const live = await this.liveJobKeys(knexOf(tx), [...byKey.keys()], staleMs);
    return new Set([...live].map(key => byKey.get(key)!));
  }

  /**
   * Of these campaigns, those with no look waiting (however far ahead) or taken
   * within `staleMs`: a look killed while it ran holds its job for graphile-worker's
   * four hours, and one that failed its last attempt leaves none, while a look is
   * what schedules the next.
   */
  async campaignsWithoutLook(
    campaignIds: string[],
    staleMs: number,
  ): Promise<string[]> {
    if (campaignIds.length === 0) return [];
    const live = await this.liveJobKeys(
      this.options.knex,
      campaignIds.map(campaignTickKey),
      staleMs,
    );
    return campaignIds.filter(id => !live.has(campaignTickKey(id)));
  }

  /**
   * Of these job keys, those whose job will still run: waiting, retrying, or taken
   * less than `staleMs` ago, with attempts left.
   */
  private async liveJobKeys(
    executor: Knex,
    keys: string[],
    staleMs: number,
  ): Promise<Set<string>> {
    const { rows } = await executor.raw<{ rows: { key: string }[] }>(
      `SELECT key FROM ${this.schemaName}.jobs
        WHERE key = ANY(?) AND attempts < max_attempts
          AND (locked_at IS NULL OR locked_at > now() - ? * interval '1 millisecond')`,
      [keys, staleMs],
    );
    return new Set(rows.map(row => row.key));
  }

  /** Finds a migration's consumers; the same key collapses repeats into one job. */
  async enqueueConsumerDiscovery(
    executor: Executor,
    migrationId: string,
  ): Promise<void> {
    await this.addJob(
      executor,
      DISCOVER_CONSUMERS_TASK,
      { migrationId },
      `consumers:${migrationId}`,
    );
  }

  /** `runAt`: not before then (a throttled pull request waits for a slot). */
  async enqueueConsumer(
    migrationId: string,
    entityRef: string,
    runAt?: Date,
  ): Promise<void> {
    // The key collapses waiting repeats. No named queue per consumer (thousands
    // of them slow graphile-worker down): the pipeline claims the consumer's row,
    // so a repeat never runs a step beside the one already running.
    await this.addJob(
      this.options.knex,
      ADVANCE_CONSUMER_TASK,
      { migrationId, entityRef },
      `consumer:${migrationId}:${entityRef}`,
      runAt,
      { priority: CONSUMER_PRIORITY },
    );
  }

  /**
   * Retries the close of a rolled-back migration's consumer pull request that failed;
   * graphile-worker retries it with backoff while it throws (5 attempts).
   */
  async enqueueClosePullRequest(
    migrationId: string,
    entityRef: string,
  ): Promise<void> {
    await this.addJob(
      this.options.knex,
      CLOSE_PULL_REQUEST_TASK,
      { migrationId, entityRef },
      `close-pull-request:${migrationId}:${entityRef}`,
    );
  }

  /**
   * Queues a rollback or contract of a finished run. The job carries the whole
   * request, so writing it is recording the request: nothing is half done.
   */
  async enqueueOperation(job: OperationJob): Promise<void> {
    await this.addJob(
      this.options.knex,
      OPERATE_MIGRATION_TASK,
      operationJob.parse(job),
      `operate:${job.migrationId}:${job.requestId}`,
    );
  }

  /**
   * Queues a rollback or contract unless the same request (its `requestId`) already
   * has a job waiting or running, in which case the ask joins it. `onQueued` writes with a new
   * job, in its transaction (its audit record). Answers whether a job was queued.
   */
  async enqueueOperationOnce(
    job: OperationJob,
    onQueued: (
      tx: StoreTransaction,
      queued: { jobId: string },
    ) => Promise<void>,
  ): Promise<boolean> {
    const key = `operate:${job.migrationId}:${job.requestId}`;
    const payload = operationJob.parse(job);
    return this.options.knex.transaction(async tx => {
      // Two asks at once take turns: the second finds the first's job waiting.
      await tx.raw('SELECT pg_advisory_xact_lock(hashtextextended(?, 0))', [
        key,
      ]);
      // Waiting, or taken by a worker lately (on any attempt): either does this
      // request. One taken longer ago is taken as abandoned: a worker that died
      // holding it, or whose failure graphile-worker could not record, keeps it
      // locked for hours, and a campaign asks with the same request id each look.
      const waiting = await tx.raw(
        `SELECT 1 FROM ${this.schemaName}._private_jobs
          WHERE key = ? AND CASE WHEN locked_at IS NULL
            THEN attempts < max_attempts
            ELSE locked_at > now() - ? * interval '1 millisecond' END`,
        [key, ABANDONED_JOB_MS],
      );
      if (waiting.rows.length > 0) return false;
      // A new job each time (one that failed for good loses its key to it): its id
      // tells this queueing from earlier ones.
      const { rows } = await tx.raw(
        `SELECT (${this.schemaName}.add_job(
           identifier := ?, payload := ?::json, job_key := ?, max_attempts := 5)).id::text AS id`,
        [OPERATE_MIGRATION_TASK, JSON.stringify(payload), key],
      );
      await onQueued(asStoreTransaction(tx), { jobId: rows[0].id });
      return true;
    });
  }

  /**
   * Queues again the operations (rollback, contract) of a run taken by a worker
   * that died: a copy of each job it held, with its payload, since graphile-worker
   * frees a dead worker's job only after hours. A copy that finds the operation
   * done only answers (the runner is safe to run twice).
   */
  async requeueOperations(
    executor: Executor,
    migrationId: string,
  ): Promise<void> {
    await knexOf(executor).raw(
      // graphile-worker's public view has no payload; its private tables do.
      `SELECT ${this.schemaName}.add_job(
         identifier := t.identifier, payload := j.payload, job_key := j.key, max_attempts := 5)
         FROM ${this.schemaName}._private_jobs j
         JOIN ${this.schemaName}._private_tasks t ON t.id = j.task_id
        WHERE t.identifier = ? AND j.payload->>'migrationId' = ?
          AND j.locked_at IS NOT NULL AND j.key IS NOT NULL`,
      [OPERATE_MIGRATION_TASK, migrationId],
    );
  }

  /**
   * Queues again each job of a task whose work may be repeated (a consumer
   * discovery, the retry of a pull request's close) that a worker took more than
   * `staleMs` ago and still holds: graphile-worker frees a dead worker's job only
   * after hours, and a worker killed in a discovery left every consumer of the
   * migration without a job. `staleMs` must be well past the longest such a job
   * runs alive: one alive still runs beside its repeat (a close may comment
   * twice). The dead job's row goes, and the new one gets the attempts it had
   * left; one with none left is answered as spent, not queued. One transaction
   * that skips rows another sweep holds, so concurrent sweeps queue a job once.
   */
  async requeueAbandonedJobs(
    staleMs: number,
  ): Promise<{ requeued: string[]; spent: string[] }> {
    return this.options.knex.transaction(async tx => {
      const { rows } = await tx.raw<{
        rows: {
          id: string;
          task: string;
          payload: object;
          key: string;
          priority: number;
          left: number;
        }[];
      }>(
        `SELECT j.id, t.identifier AS task, j.payload, j.key, j.priority,
                j.max_attempts - j.attempts AS left
           FROM ${this.schemaName}._private_jobs j
           JOIN ${this.schemaName}._private_tasks t ON t.id = j.task_id
          WHERE t.identifier = ANY(?) AND j.key IS NOT NULL
            AND j.locked_at < now() - ? * interval '1 millisecond'
          FOR UPDATE OF j SKIP LOCKED`,
        [[DISCOVER_CONSUMERS_TASK, CLOSE_PULL_REQUEST_TASK], staleMs],
      );
      const requeued: string[] = [];
      const spent: string[] = [];
      for (const job of rows) {
        await tx.raw(
          `DELETE FROM ${this.schemaName}._private_jobs WHERE id = ?`,
          [job.id],
        );
        if (job.left < 1) {
          spent.push(job.key);
          continue;
        }
        await this.addJob(tx, job.task, job.payload, job.key, undefined, {
          priority: job.priority,
          maxAttempts: job.left,
        });
        requeued.push(job.key);
      }
      return { requeued, spent };
    });
  }

  /**
   * Consumers whose advance job a worker took more than `staleMs` ago and still
   * holds. A live job claims its consumer at once; one that claims nothing belongs
   * to a worker that died before it claimed, and graphile-worker frees it only
   * after hours. Enqueueing the consumer again adds a job beside it.
   */
  async staleConsumerJobs(
    staleMs: number,
  ): Promise<Array<{ migrationId: string; entityRef: string }>> {
    const { rows } = await this.options.knex.raw<{
      rows: { migration_id: string; entity_ref: string }[];
    }>(
      // graphile-worker's public view has no payload; its private tables do.
      `SELECT j.payload->>'migrationId' AS migration_id, j.payload->>'entityRef' AS entity_ref
         FROM ${this.schemaName}._private_jobs j
         JOIN ${this.schemaName}._private_tasks t ON t.id = j.task_id
        WHERE t.identifier = ? AND j.key IS NOT NULL
          AND j.locked_at < now() - ? * interval '1 millisecond'`,
      [ADVANCE_CONSUMER_TASK, staleMs],
    );
    return rows
      .filter(r => r.migration_id && r.entity_ref)
      .map(r => ({ migrationId: r.migration_id, entityRef: r.entity_ref }));
  }

  /**
   * Schedules a look at a campaign at `runAt` (now when omitted). One waiting job per
   * campaign: a repeat collapses into it, and the earlier of the two times wins, so a
   * tick scheduling its next look far ahead never delays one asked for sooner. Two
   * at once take turns (a lock per campaign for the transaction): otherwise each
   * reads no waiting job, and the later time, written second, wins.
   */
  async enqueueCampaignTick(
    campaignId: string,
    runAt?: Date,
    executor: Executor = this.options.knex,
  ): Promise<void> {
    const knex = knexOf(executor);
    if (!knex.isTransaction) {
      await knex.transaction(tx =>
        this.enqueueCampaignTick(campaignId, runAt, tx),
      );
      return;
    }
    const jobKey = campaignTickKey(campaignId);
    await knex.raw(`SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`, [
      `dataset-migrations:campaign-look-job:${campaignId}`,
    ]);
    await knex.raw(
      `SELECT ${this.schemaName}.add_job(
         identifier := ?, payload := ?::json, job_key := ?, max_attempts := 5,
         run_at := LEAST(coalesce(?::timestamptz, now()), coalesce(
           (SELECT run_at FROM ${this.schemaName}.jobs
             WHERE key = ? AND locked_at IS NULL), 'infinity')))`,
      [
        ADVANCE_CAMPAIGN_TASK,
        JSON.stringify({ campaignId }),
        jobKey,
        runAt ?? null,
        jobKey,
      ],
    );
  }

  /**
   * Schedules the next round of the pull-request follow-up at `runAt`: one waiting
   * round across all replicas, which a repeat moves. Called by a round as its first
   * act: its own job is locked, so graphile-worker takes the key off it and adds the
   * next round as a new job. A worker killed inside a round thus holds nothing the
   * next round needs (a Backstage global task's lock would be held until the
   * scheduler's timeout, and never freed under NODE_ENV=test).
   */
  async scheduleFollowUp(runAt: Date): Promise<void> {
    await this.addJob(
      this.options.knex,
      FOLLOW_UP_TASK,
      {},
      FOLLOW_UP_JOB_KEY,
      runAt,
    );
  }

  /**
   * Schedules a follow-up round at `runAt` unless one is waiting (with attempts left)
   * or was taken less than `staleMs` ago; true when it did. A round keeps the key only until its first
   * statement, so one holding it longer died before it scheduled the next: this is
   * how startup and the lease sweep mend the chain. Two replicas mending at once
   * collapse into one job. A waiting round due after `runAt` is brought forward to it.
   */
  async ensureFollowUp(runAt: Date, staleMs: number): Promise<boolean> {
    const { rows } = await this.options.knex.raw<{ rows: { id: string }[] }>(
      `SELECT (${this.schemaName}.add_job(
         identifier := ?, payload := '{}'::json, job_key := ?, max_attempts := 5,
         run_at := ?::timestamptz)).id
        WHERE NOT EXISTS (
          SELECT 1 FROM ${this.schemaName}.jobs
           WHERE key = ? AND attempts < max_attempts
             AND (locked_at IS NULL OR locked_at > now() - ? * interval '1 millisecond'))`,
      [
        FOLLOW_UP_TASK,
        FOLLOW_UP_JOB_KEY,
        runAt.toISOString(),
        FOLLOW_UP_JOB_KEY,
        staleMs,
      ],
    );
    // A waiting round scheduled further out (a longer interval before a restart)
    // comes forward; never later, so frequent restarts cannot keep pushing it off.
    await this.options.knex.raw(
      `UPDATE ${this.schemaName}._private_jobs SET run_at = ?::timestamptz
        WHERE key = ? AND locked_at IS NULL AND run_at > ?::timestamptz`,
      [runAt.toISOString(), FOLLOW_UP_JOB_KEY, runAt.toISOString()],
    );
    return rows.length > 0;
  }

  private async addJob(
    executor: Executor,
    task: string,
    payload: object,
    jobKey: string,
    runAt?: Date,
    { priority = 0, maxAttempts = 5 } = {},
  ): Promise<void> {
    await knexOf(executor).raw(
      `SELECT ${this.schemaName}.add_job(
         identifier := ?, payload := ?::json, job_key := ?, max_attempts := ?,
         run_at := coalesce(?::timestamptz, now()), priority := ?)`,
      [
        task,
        JSON.stringify(payload),
        jobKey,
        maxAttempts,
        runAt?.toISOString() ?? null,
        priority,
      ],
    );
  }

  /**
   * Starts this replica's workers, and tries again, each time after a longer pause
   * (up to `maxRetryDelayMs`), until they run or the queue is stopped. Backstage
   * logs a startup hook that throws and serves on, so one failed start (a session
   * terminated while graphile-worker checks its schema, say) would leave the
   * replica without workers for its whole life, its jobs waiting for another.
   */
  async start(options: {
    concurrency: number;
    handlers: JobHandlers;
    retryDelayMs?: number;
    maxRetryDelayMs?: number;
  }): Promise<void> {
    const signal = this.stopping.signal;
    let delayMs = options.retryDelayMs ?? 1000;
    for (let tries = 1; !signal.aborted; tries++) {
      try {
        const started = await this.startRunners(options);
        if (signal.aborted) await stopAll(started);
        else this.runners.push(...started);
        return;
      } catch (error) {
        if (signal.aborted) return;
        this.options.logger.warn(
          `Could not start the job queue's workers (try ${tries}), trying again in ${delayMs} ms: ${error}`,
        );
        await sleep(delayMs, undefined, { signal }).catch(() => {});
        delayMs = Math.min(delayMs * 2, options.maxRetryDelayMs ?? 30_000);
      }
    }
  }

  /** One try: every runner, or none (those started are stopped when one fails). */
  private async startRunners(options: {
    concurrency: number;
    handlers: JobHandlers;
  }): Promise<Runner[]> {
    const started: Runner[] = [];
    try {
      for (const { concurrency, taskList } of runnersOf(options)) {
        started.push(
          await run({
            pgPool: this.pool,
            schema: this.options.schema,
            concurrency,
            noHandleSignals: true,
            pollInterval: 2000,
            parsedCronItems: [],
            logger: this.graphileLogger,
            taskList,
          }),
        );
      }
      return started;
    } catch (error) {
      await stopAll(started).catch(() => {});
      throw error;
    }
  }

  async stop(): Promise<void> {
    this.stopping.abort();
    await stopAll(this.runners.splice(0));
    await this.pool.end();
  }

  private get schemaName(): string {
    return `"${this.options.schema.replace(/"/g, '""')}"`;
  }
}

/**
 * A task that parses its payload before the work starts: a malformed one fails the
 * job with the task and the fields named, instead of reaching the handler half-typed.
 */
function parsed<T>(
  task: string,
  schema: z.ZodType<T>,
  handle: (job: T, helpers: JobHelpers) => Promise<void>,
): Task {
  return async (payload, helpers) => {
    const result = schema.safeParse(payload);
    if (!result.success) {
      const problems = result.error.issues.map(
        issue => `${issue.path.join('.') || 'payload'}: ${issue.message}`,
      );
      throw new Error(`${task}: malformed job payload: ${problems.join('; ')}`);
    }
    await handle(result.data, helpers);
  };
}

/** One job per migration: repeats of its enqueue collapse into the waiting job. */
function migrationJobKey(migrationId: string): string {
  return `migration:${migrationId}`;
}

/** The queue's runners: each with its workers and the tasks it alone takes. */
function runnersOf(options: {
  concurrency: number;
  handlers: JobHandlers;
}): { concurrency: number; taskList: TaskList }[] {
  const { handlers } = options;
  const main: TaskList = {
    [RUN_MIGRATION_TASK]: parsed(RUN_MIGRATION_TASK, migrationJob, job =>
      handlers.runMigration(job.migrationId),
    ),
    [DISCOVER_CONSUMERS_TASK]: parsed(
      DISCOVER_CONSUMERS_TASK,
      migrationJob,
      job => handlers.discoverConsumers(job.migrationId),
    ),
    [ADVANCE_CONSUMER_TASK]: parsed(
      ADVANCE_CONSUMER_TASK,
      consumerJob,
      (job, helpers) =>
        handlers.advanceConsumer(job.migrationId, job.entityRef, {
          lastAttempt: helpers.job.attempts >= helpers.job.max_attempts,
        }),
    ),
    [CLOSE_PULL_REQUEST_TASK]: parsed(
      CLOSE_PULL_REQUEST_TASK,
      consumerJob,
      async job => {
        await handlers.closePullRequest?.(job.migrationId, job.entityRef);
      },
    ),
    ...(handlers.advanceCampaign
      ? {
          [ADVANCE_CAMPAIGN_TASK]: parsed(
            ADVANCE_CAMPAIGN_TASK,
            campaignJob,
            job => handlers.advanceCampaign!(job.campaignId),
          ),
        }
      : {}),
    ...(handlers.followUpPullRequests
      ? {
          [FOLLOW_UP_TASK]: async () => {
            await handlers.followUpPullRequests!();
          },
        }
      : {}),
  };
  if (!handlers.operateMigration)
    return [{ concurrency: options.concurrency, taskList: main }];
  // A person waits for these: workers of their own, so a rollback never queues
  // behind long consumer checks. graphile-worker gives a runner only its own tasks.
  const operations: TaskList = {
    [OPERATE_MIGRATION_TASK]: parsed(
      OPERATE_MIGRATION_TASK,
      operationJob,
      job => handlers.operateMigration!(job),
    ),
  };
  return [
    { concurrency: options.concurrency, taskList: main },
    { concurrency: OPERATION_CONCURRENCY, taskList: operations },
  ];
}

async function stopAll(runners: Runner[]): Promise<void> {
  await Promise.all(runners.map(r => r.stop()));
}

function campaignTickKey(campaignId: string): string {
  return `campaign:${campaignId}`;
}
