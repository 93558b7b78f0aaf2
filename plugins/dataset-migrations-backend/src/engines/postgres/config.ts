/**
 * The engine's settings, read once from `dataset-migrations.engines.<name>` into a
 * typed object; nothing else in the engine reads config.
 */
import type { ConnectionOptions } from 'node:tls';
import type { PoolConfig } from 'pg';
import type { Config } from '@backstage/config';
import {
  readDurationAtLeast,
  readIntegerAtLeast,
} from '../../config/checkedSettings';

/** How the backfill paces itself: batches sized to take about `batchDurationMs`. */
export interface BackfillSettings {
  maxBatchRows: number;
  batchDurationMs: number;
  /** Pause between batches, to leave the database room for other work. */
  batchPauseMs: number;
  /**
   * Batches go by ranges of the key even where they could go by blocks (a heap
   * source): a rewrite of the source during the copy (VACUUM FULL, CLUSTER,
   * pg_repack) then costs nothing, where by blocks it starts the copy again.
   */
  batchesByKey: boolean;
  /**
   * Verify reads the rest of the tables in one pass (one snapshot, a sequential
   * scan of each side) when that is estimated, from its ranges so far, to take no
   * longer than this; else in ranges of the key. 0: always in ranges.
   */
  verifyOnePassUpToMs: number;
}

export interface PostgresEngineConfig {
  /** Where and how to connect, handed to node-postgres as given (TLS included). */
  connection: PoolConfig;
  /** Connections the engine's runs share (their stages, rollback, contract). */
  maxConnections: number;
  /**
   * Connections for what requests read (a dataset's live schema, a plan, samples),
   * apart from the runs': a request never waits behind a run's stage, and
   * concurrent requests, each a dozen short catalog reads, are not capped by the
   * runs' few connections. Opened under load only; idle ones close.
   */
  requestConnections: number;
  /** PostgreSQL's statement_timeout on the engine's connections. */
  statementTimeoutMs: number;
  /**
   * PostgreSQL's client_connection_check_interval on the engine's connections (0:
   * off): how soon a statement stops once the worker that sent it is gone.
   */
  clientConnectionCheckIntervalMs: number;
  backfill: BackfillSettings;
  /**
   * The schema of the engine's own objects (trigger functions, tables of failed
   * writes and deleted keys), so none is left in a dataset's schema; created if missing.
   */
  bookkeepingSchema: string;
  /** The role shadow checks run consumer SQL as (see ShadowReader). */
  shadowCheck: { user: string; password?: string };
}

export const DEFAULT_BOOKKEEPING_SCHEMA = 'dataset_migrations_engine';

/** As many as a Backstage plugin's own database pool holds by default. */
export const DEFAULT_REQUEST_CONNECTIONS = 10;

export const DEFAULT_BACKFILL: BackfillSettings = {
  maxBatchRows: 200_000,
  batchDurationMs: 500,
  batchPauseMs: 0,
  batchesByKey: false,
  // A snapshot held this long delays vacuum's clean-up by as much, which OLTP
  // databases shrug off; a pass over 10M rows takes about a quarter of it here.
  verifyOnePassUpToMs: 30_000,
};

/**
 * A worker killed mid-statement leaves its session running the statement to its
 * end (an index build, a verify scan): the server checks whether its client is
 * still there only when it next talks to it. Meanwhile the attempt that takes the
 * run up repeats that work beside it, and two builds of one index collide in the
 * catalog ("tuple concurrently updated"). Checked every second, the orphan stops
 * within about a second of its process.
 */
export const DEFAULT_CLIENT_CONNECTION_CHECK_INTERVAL_MS = 1000;

/** Long enough for an index build or verify on tens of millions of rows here. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 5 * 60_000;

/**
 * Reads `datasetMigrations.engines.<name>` (`config`); a value out of bounds stops
 * the backend, its error naming the whole key.
 */
export function readPostgresEngineConfig(
  config: Config,
  name = '<name>',
): PostgresEngineConfig {
  const under = `datasetMigrations.engines.${name}`;
  const ssl = readSsl(config);
  return {
    connection: {
      ...readConnection(config),
      ...(ssl !== undefined && { ssl }),
    },
    maxConnections: readIntegerAtLeast(config, under, 'maxConnections', 4, 1),
    requestConnections: readIntegerAtLeast(
      config,
      under,
      'requestConnections',
      DEFAULT_REQUEST_CONNECTIONS,
      1,
    ),
    // PostgreSQL reads 0 as no limit at all: not what a setting of 0 looks like.
    statementTimeoutMs: readDurationAtLeast(
      config,
      under,
      'statementTimeout',
      DEFAULT_STATEMENT_TIMEOUT_MS,
      'positive',
    ),
    clientConnectionCheckIntervalMs: readDurationAtLeast(
      config,
      under,
      'clientConnectionCheckInterval',
      DEFAULT_CLIENT_CONNECTION_CHECK_INTERVAL_MS,
      0,
    ),
    backfill: readBackfill(
      config.getOptionalConfig('backfill'),
      `${under}.backfill`,
    ),
    bookkeepingSchema:
      config.getOptionalString('bookkeepingSchema') ??
      DEFAULT_BOOKKEEPING_SCHEMA,
    shadowCheck: {
      user:
        config.getOptionalString('shadowCheck.user') ??
        'dataset_migrations_shadow',
      password: config.getOptionalString('shadowCheck.password'),
    },
  };
}

function readConnection(config: Config): PoolConfig {
  const connection = config.get('connection');
  if (typeof connection === 'string') return { connectionString: connection };
  const c = config.getConfig('connection');
  return {
    host: c.getOptionalString('host'),
    port: c.getOptionalNumber('port'),
    user: c.getOptionalString('user'),
    password: c.getOptionalString('password'),
    database: c.getOptionalString('database'),
  };
}

/** `true`, `false`, or node's TLS options for certificates the engine's server or client needs. */
function readSsl(config: Config): boolean | ConnectionOptions | undefined {
  if (!config.has('ssl')) return undefined;
  if (typeof config.get('ssl') === 'boolean') return config.getBoolean('ssl');
  const ssl = config.getConfig('ssl');
  const options: ConnectionOptions = {
    ca: ssl.getOptionalString('ca'),
    cert: ssl.getOptionalString('cert'),
    key: ssl.getOptionalString('key'),
    rejectUnauthorized: ssl.getOptionalBoolean('rejectUnauthorized'),
    servername: ssl.getOptionalString('servername'),
  };
  // Unset options stay unset, so node's defaults (verify the server) apply.
  return Object.fromEntries(
    Object.entries(options).filter(([, value]) => value !== undefined),
  );
}

function readBackfill(
  backfill: Config | undefined,
  under: string,
): BackfillSettings {
  return {
    maxBatchRows: readIntegerAtLeast(
      backfill,
      under,
      'maxBatchRows',
      DEFAULT_BACKFILL.maxBatchRows,
      1,
    ),
    batchDurationMs: readDurationAtLeast(
      backfill,
      under,
      'batchDuration',
      DEFAULT_BACKFILL.batchDurationMs,
      'positive',
    ),
    batchPauseMs: readDurationAtLeast(
      backfill,
      under,
      'pause',
      DEFAULT_BACKFILL.batchPauseMs,
      0,
    ),
    batchesByKey:
      backfill?.getOptionalBoolean('batchesByKey') ??
      DEFAULT_BACKFILL.batchesByKey,
    verifyOnePassUpToMs: readDurationAtLeast(
      backfill,
      under,
      'verifyOnePassUpTo',
      DEFAULT_BACKFILL.verifyOnePassUpToMs,
      0,
    ),
  };
}
