/**
 * Connections to the engine: the pool, a client or a transaction per piece of
 * work, and which database errors only interrupt a run (it resumes from its
 * checkpoints) rather than fail it.
 */
import { createHash } from 'node:crypto';
import {
  Pool,
  type PoolClient,
  type QueryResult,
  type QueryResultRow,
} from 'pg';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { MigrationInterruptedError } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  DEFAULT_BOOKKEEPING_SCHEMA,
  type PostgresEngineConfig,
} from './config';
import { EXPRESSION_SETTINGS } from './sql/values';

export function createPool(
  name: string,
  config: PostgresEngineConfig,
  logger: LoggerService,
  max: number = config.maxConnections,
): Pool {
  const pool = new Pool({
    // The client's side of the keepalives the server is asked for below: a server
    // host that vanishes without closing its sockets fails the statement waiting
    // on it (within minutes, by the OS's probes) instead of leaving the run, whose
    // heartbeats go elsewhere and keep its lease, waiting for ever.
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
    ...config.connection,
    max,
    // Expressions compute alike here and in the triggers (see EXPRESSION_SETTINGS);
    // no statement runs longer than the engine's statementTimeout. A commit waits
    // for the disk even where the server's default does not: a run records a stage
    // done once its transaction commits, and a crash must not lose what it recorded
    // (backfill batches opt out, checkpointing only positions known flushed).
    options: Object.entries({
      ...EXPRESSION_SETTINGS,
      statement_timeout: String(config.statementTimeoutMs),
      synchronous_commit: 'on',
    })
      .map(([key, value]) => `-c ${key}=${value.replace(/ /g, '\\ ')}`)
      .join(' '),
  });
  pool.on('error', error =>
    logger.warn(`Engine ${name}: idle connection error: ${error.message}`),
  );
  const checks = orphanChecksSql(config);
  pool.on('connect', client => {
    // A checked-out client has no listener of the pool's: its connection dropping between
    // queries (a server restart) would be an unhandled 'error' event. Its next query fails
    // instead, which interrupts the run.
    client.on('error', error =>
      logger.warn(`Engine ${name}: connection error: ${error.message}`),
    );
    // Queued before the client is handed out: set before its first use.
    client
      .query(checks)
      .catch(error =>
        logger.warn(
          `Engine ${name}: could not set the orphan checks: ${error.message}`,
        ),
      );
  });
  return pool;
}

/**
 * How soon the server lets go of what a dead worker started, so that it does not
 * run on beside the attempt that takes the run up (two builds of one index
 * collide in the catalog; a held lock blocks readers): a running statement looks
 * for its client every `clientConnectionCheckInterval`, and keepalives find a
 * client host that vanished without closing its sockets in about 25 s, within a
 * run's lease. Best effort: a server that refuses one
 * (client_connection_check_interval on Windows, or fixed by a managed service)
 * keeps its own value.
 */
function orphanChecksSql(config: PostgresEngineConfig): string {
  const settings = {
    ...(config.clientConnectionCheckIntervalMs > 0 && {
      client_connection_check_interval: Math.round(
        config.clientConnectionCheckIntervalMs,
      ),
    }),
    tcp_keepalives_idle: 10,
    tcp_keepalives_interval: 5,
    tcp_keepalives_count: 3,
  };
  // One statement that cannot fail: each setting in a block of its own, so that a
  // refused one leaves the others set. Names and whole numbers only, no input.
  return `DO $$ BEGIN ${Object.entries(settings)
    .map(
      ([setting, value]) =>
        `BEGIN PERFORM set_config('${setting}', '${value}', false); EXCEPTION WHEN OTHERS THEN NULL; END;`,
    )
    .join(' ')} END $$`;
}

const statementNames = new Map<string, string>();

/**
 * A read of the system catalogs as a named statement, parsed and planned once per
 * connection: planning these joins costs more than running them (a request's plan
 * reads the catalogs a dozen times). Only fixed texts with parameters belong here;
 * each text is prepared on every connection it runs on, for the connection's life.
 */
export function catalogRead<R extends QueryResultRow>(
  client: PoolClient,
  text: string,
  values: unknown[],
): Promise<QueryResult<R>> {
  let name = statementNames.get(text);
  if (!name) {
    name = `dsm_catalog_${createHash('sha256')
      .update(text)
      .digest('hex')
      .slice(0, 16)}`;
    statementNames.set(text, name);
  }
  return client.query<R>({ name, text, values });
}

/** Clients from the engine's pool, each lent for one piece of work. */
export class Connections {
  constructor(
    private readonly pool: Pool,
    /** Where the engine keeps its own objects (see PostgresEngineConfig). */
    readonly bookkeepingSchema: string = DEFAULT_BOOKKEEPING_SCHEMA,
  ) {}

  async withClient<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    const client = await this.pool.connect();
    let broken: Error | undefined;
    try {
      return await work(client);
    } catch (error) {
      // A client whose connection is gone must not go back to the pool; one that
      // waited too long for a lock is healthy.
      if (isConnectionLost(error)) broken = error as Error;
      throw error;
    } finally {
      client.release(broken);
    }
  }

  /**
   * Work on a client, with a second one when the pool lends it without waiting.
   * Work that only goes faster on two must never wait for the second: runs
   * sharing the pool, each holding one client and waiting for another, would
   * wait for ever. Asked in the same tick as the check, the pool serves this
   * request first, from an idle client or a new connection.
   */
  async withSpareClient<T>(
    work: (client: PoolClient, spare?: PoolClient) => Promise<T>,
  ): Promise<T> {
    return this.withClient(client => {
      const { pool } = this;
      const lendsAtOnce =
        pool.waitingCount === 0 &&
        (pool.idleCount > 0 || pool.totalCount < (pool.options.max ?? 10));
      return lendsAtOnce
        ? this.withClient(spare => work(client, spare))
        : work(client);
    });
  }

  async transaction<T>(work: (client: PoolClient) => Promise<T>): Promise<T> {
    return this.withClient(client => inTransaction(client, () => work(client)));
  }

  async close(): Promise<void> {
    await this.pool.end();
  }
}

/**
 * Settings for the current transaction only, as `set_config(…, true)` items of a
 * select list with their parameters (to share a round trip with other items).
 */
export function localSettings(settings: Record<string, string>): {
  items: string[];
  params: string[];
} {
  const names = Object.keys(settings);
  return {
    items: names.map(
      (_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`,
    ),
    params: names.flatMap(name => [name, settings[name]]),
  };
}

/** Applies settings to the current transaction only. */
export async function applySettings(
  client: PoolClient,
  settings: Record<string, string>,
): Promise<void> {
  const { items, params } = localSettings(settings);
  await client.query(`SELECT ${items.join(', ')}`, params);
}

/**
 * Work in a transaction on `client`, committed when the work succeeds; locks
 * waited for 5 s at most. Always READ COMMITTED, whatever the database's default:
 * the engine counts on each statement reading a snapshot of its own (a batch's
 * second statement sees what committed during its first; the writers the capture
 * saw are read after the trigger's lock made earlier writers finish).
 */
export async function inTransaction<T>(
  client: PoolClient,
  work: () => Promise<T>,
): Promise<T> {
  await client.query('BEGIN ISOLATION LEVEL READ COMMITTED');
  try {
    await client.query(`SET LOCAL lock_timeout = '5s'`);
    const result = await work();
    await client.query('COMMIT');
    return result;
  } catch (error) {
    // The original error is the one worth reporting, even if the connection is gone.
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  }
}

/**
 * Work in a read-only transaction that is always rolled back, so it can change
 * nothing; `snapshot` reads everything from one repeatable-read snapshot.
 */
export async function readOnly<T>(
  client: PoolClient,
  isolation: 'snapshot' | 'default',
  work: () => Promise<T>,
): Promise<T> {
  await client.query(
    isolation === 'snapshot'
      ? 'BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY'
      : 'BEGIN READ ONLY',
  );
  try {
    return await work();
  } finally {
    // The work's own error is the one worth reporting, even if the connection is gone.
    await client.query('ROLLBACK').catch(() => {});
  }
}
/** The connection itself is gone (or the server is going): it cannot be used again. */
export function isConnectionLost(error: unknown): boolean {
  const { code, message } = (error ?? {}) as {
    code?: string;
    message?: string;
  };
  if (typeof code === 'string') {
    if (code.startsWith('08') || ['57P01', '57P02'].includes(code)) return true;
    if (['ECONNREFUSED', 'ECONNRESET', 'ETIMEDOUT', 'EPIPE'].includes(code))
      return true;
  }
  return /Connection terminated|terminating connection|connection error/i.test(
    message ?? '',
  );
}

/**
 * Errors that say nothing about the migration, only that the database is away or
 * busy for now (starting up, out of connections, a lock not granted in time), or
 * that it rolled the transaction back to let another go first (a deadlock, a
 * serialization failure: the contract's locks against a writer's, say): the run
 * is interrupted and resumes from its checkpoints.
 */
export function isTemporary(error: unknown): boolean {
  const { code } = (error ?? {}) as { code?: string };
  return (
    isConnectionLost(error) ||
    ['57P03', '53300', '55P03', '40P01', '40001'].includes(code ?? '')
  );
}

/**
 * An error that stops the attempt rather than fails the migration: an interruption
 * already (the plugin's store lost, say) or a temporary database error. Neither
 * says anything about the rows, so no search for failing rows follows it.
 */
export function isInterruption(error: unknown): boolean {
  return error instanceof MigrationInterruptedError || isTemporary(error);
}

export async function interruptible<T>(work: () => Promise<T>): Promise<T> {
  try {
    return await work();
  } catch (error) {
    if (isTemporary(error)) {
      throw new MigrationInterruptedError(
        `the database is unavailable: ${(error as Error).message}`,
      );
    }
    throw error;
  }
}
