import type { Knex } from 'knex';
import { Pool, type PoolConfig } from 'pg';
import {
  Logger as GraphileLogger,
  run,
  runMigrations,
  type LogLevel,
  type Runner,
} from 'graphile-worker';
import type { LoggerService } from '@backstage/backend-plugin-api';

const RUN_MIGRATION_TASK = 'dataset-migrations.run-migration';
const DISCOVER_CONSUMERS_TASK = 'dataset-migrations.discover-consumers';
const ADVANCE_CONSUMER_TASK = 'dataset-migrations.advance-consumer';
const CLOSE_PULL_REQUEST_TASK = 'dataset-migrations.close-pull-request';

/** The work behind each task; each handler must be safe to run twice. */
export interface JobHandlers {
  runMigration(migrationId: string): Promise<void>;
  discoverConsumers(migrationId: string): Promise<void>;
  advanceConsumer(migrationId: string, entityRef: string): Promise<void>;
  /** Closes a rolled-back migration's consumer pull request; throws to be retried. */
  closePullRequest?(migrationId: string, entityRef: string): Promise<void>;
}

/** The plugin's knex, or a transaction of it, so a job is written with its row. */
type Executor = Pick<Knex, 'raw'>;

export interface JobQueueOptions {
  /** The plugin's own knex client; the queue lives in the same database. */
  knex: Knex;
  /** The Postgres schema graphile-worker keeps its tables and functions in. */
  schema: string;
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
  private runner?: Runner;

  constructor(private readonly options: JobQueueOptions) {
    this.pool = new Pool({ ...connectionOf(options.knex), max: 12 });
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
    tx: Knex.Transaction,
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
    tx: Knex.Transaction,
    migrationIds: string[],
    staleMs: number,
  ): Promise<Set<string>> {
    const byKey = new Map(migrationIds.map(id => [migrationJobKey(id), id]));
    const { rows } = await tx.raw<{ rows: { key: string }[] }>(
      `SELECT key FROM ${this.schemaName}.jobs
        WHERE key = ANY(?) AND attempts < max_attempts
          AND (locked_at IS NULL OR locked_at > now() - ? * interval '1 millisecond')`,
      [[...byKey.keys()], staleMs],
    );
    return new Set(rows.map(row => byKey.get(row.key)!));
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

  async enqueueConsumer(migrationId: string, entityRef: string): Promise<void> {
    // The key collapses waiting repeats. No named queue per consumer (thousands
    // of them slow graphile-worker down): the pipeline claims the consumer's row,
    // so a repeat never runs a step beside the one already running.
    await this.addJob(
      this.options.knex,
      ADVANCE_CONSUMER_TASK,
      { migrationId, entityRef },
      `consumer:${migrationId}:${entityRef}`,
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

  private async addJob(
    executor: Executor,
    task: string,
    payload: Record<string, string>,
    jobKey: string,
    queueName?: string,
  ): Promise<void> {
    await executor.raw(
      `SELECT ${this.schemaName}.add_job(
         identifier := ?, payload := ?::json, job_key := ?, max_attempts := 5,
         queue_name := ?)`,
      [task, JSON.stringify(payload), jobKey, queueName ?? null],
    );
  }

  async start(options: {
    concurrency: number;
    handlers: JobHandlers;
  }): Promise<void> {
    const { handlers } = options;
    this.runner = await run({
      pgPool: this.pool,
      schema: this.options.schema,
      concurrency: options.concurrency,
      noHandleSignals: true,
      pollInterval: 2000,
      parsedCronItems: [],
      logger: this.graphileLogger,
      taskList: {
        [RUN_MIGRATION_TASK]: async payload => {
          const { migrationId } = payload as { migrationId: string };
          await handlers.runMigration(migrationId);
        },
        [DISCOVER_CONSUMERS_TASK]: async payload => {
          const { migrationId } = payload as { migrationId: string };
          await handlers.discoverConsumers(migrationId);
        },
        [ADVANCE_CONSUMER_TASK]: async payload => {
          const { migrationId, entityRef } = payload as {
            migrationId: string;
            entityRef: string;
          };
          await handlers.advanceConsumer(migrationId, entityRef);
        },
        [CLOSE_PULL_REQUEST_TASK]: async payload => {
          const { migrationId, entityRef } = payload as {
            migrationId: string;
            entityRef: string;
          };
          await handlers.closePullRequest?.(migrationId, entityRef);
        },
      },
    });
  }

  async stop(): Promise<void> {
    await this.runner?.stop();
    this.runner = undefined;
    await this.pool.end();
  }

  private get schemaName(): string {
    return `"${this.options.schema.replace(/"/g, '""')}"`;
  }
}

/** One job per migration: repeats of its enqueue collapse into the waiting job. */
function migrationJobKey(migrationId: string): string {
  return `migration:${migrationId}`;
}

/** The pg connection settings behind a knex client, whatever form the config took. */
function connectionOf(knex: Knex): PoolConfig {
  const connection = knex.client.config.connection;
  if (typeof connection === 'string') return { connectionString: connection };
  if (connection && typeof connection === 'object') {
    const { database, host, port, user, password, ssl, connectionString } =
      connection as PoolConfig;
    return { database, host, port, user, password, ssl, connectionString };
  }
  throw new Error(
    'dataset-migrations needs a Postgres database with static connection settings for its job queue',
  );
}
