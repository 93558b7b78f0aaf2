/**
 * The engine's settings, read once from `dataset-migrations.engines.<name>` into a
 * typed object; nothing else in the engine reads config.
 */
import type { ConnectionOptions } from 'node:tls';
import type { PoolConfig } from 'pg';
import type { Config } from '@backstage/config';
import { readDurationMs } from '../../config/readDuration';

/** How the backfill paces itself: batches sized to take about `batchDurationMs`. */
export interface BackfillSettings {
  maxBatchRows: number;
  batchDurationMs: number;
  /** Pause between batches, to leave the database room for other work. */
  batchPauseMs: number;
}

export interface PostgresEngineConfig {
  /** Where and how to connect, handed to node-postgres as given (TLS included). */
  connection: PoolConfig;
  /** Connections held open to the engine. */
  maxConnections: number;
  /** PostgreSQL's statement_timeout on the engine's connections. */
  statementTimeoutMs: number;
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

export const DEFAULT_BACKFILL: BackfillSettings = {
  maxBatchRows: 200_000,
  batchDurationMs: 500,
  batchPauseMs: 0,
};

/** Long enough for an index build or verify on tens of millions of rows here. */
export const DEFAULT_STATEMENT_TIMEOUT_MS = 5 * 60_000;

export function readPostgresEngineConfig(config: Config): PostgresEngineConfig {
  const ssl = readSsl(config);
  return {
    connection: {
      ...readConnection(config),
      ...(ssl !== undefined && { ssl }),
    },
    maxConnections: config.getOptionalNumber('maxConnections') ?? 4,
    statementTimeoutMs: readDurationMs(
      config,
      'statementTimeout',
      DEFAULT_STATEMENT_TIMEOUT_MS,
    ),
    backfill: readBackfill(config.getOptionalConfig('backfill')),
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

function readBackfill(backfill: Config | undefined): BackfillSettings {
  return {
    maxBatchRows:
      backfill?.getOptionalNumber('maxBatchRows') ??
      DEFAULT_BACKFILL.maxBatchRows,
    batchDurationMs: readDurationMs(
      backfill,
      'batchDuration',
      DEFAULT_BACKFILL.batchDurationMs,
    ),
    batchPauseMs: readDurationMs(
      backfill,
      'pause',
      DEFAULT_BACKFILL.batchPauseMs,
    ),
  };
}
