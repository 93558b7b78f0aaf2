/**
 * The engine's settings, read once from `dataset-migrations.engines.<name>` into a
 * typed object; nothing else in the engine reads config.
 */
import type { PoolConfig } from 'pg';
import type { Config } from '@backstage/config';

/** How the backfill paces itself: batches sized to take about `batchDurationMs`. */
export interface BackfillSettings {
  maxBatchRows: number;
  batchDurationMs: number;
  /** Pause between batches, to leave the database room for other work. */
  batchPauseMs: number;
}

export interface PostgresEngineConfig {
  /** Where and how to connect, handed to node-postgres as given. */
  connection: PoolConfig;
  /** Connections held open to the engine. */
  maxConnections: number;
  backfill: BackfillSettings;
}

export const DEFAULT_BACKFILL: BackfillSettings = {
  maxBatchRows: 200_000,
  batchDurationMs: 500,
  batchPauseMs: 0,
};

export function readPostgresEngineConfig(config: Config): PostgresEngineConfig {
  return {
    connection: readConnection(config),
    maxConnections: config.getOptionalNumber('maxConnections') ?? 4,
    backfill: readBackfill(config.getOptionalConfig('backfill')),
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

function readBackfill(backfill: Config | undefined): BackfillSettings {
  return {
    maxBatchRows:
      backfill?.getOptionalNumber('maxBatchRows') ??
      DEFAULT_BACKFILL.maxBatchRows,
    batchDurationMs:
      backfill?.getOptionalNumber('targetBatchMs') ??
      DEFAULT_BACKFILL.batchDurationMs,
    batchPauseMs:
      backfill?.getOptionalNumber('pauseMs') ?? DEFAULT_BACKFILL.batchPauseMs,
  };
}
