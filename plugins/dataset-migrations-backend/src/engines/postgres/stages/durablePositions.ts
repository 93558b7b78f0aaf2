/**
 * Where a backfill may resume from after a crash: its batches commit without
 * waiting for the disk, so a position is checkpointed only once the server has
 * flushed past it.
 */
import type { PoolClient } from 'pg';
import {
  MigrationInterruptedError,
  type DatasetMigrationRun,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import { localSettings, type Connections } from '../connection';
import type { BackfillCheckpoint } from './backfill';

const INSUFFICIENT_PRIVILEGE = '42501';

/** WAL positions in bytes: how far the server has written, and flushed to disk. */
export interface WalPositions {
  written: number;
  flushed: number;
  /** When the server started: a restart loses commits that were not flushed. */
  server: string;
}

/**
 * Batches commit without waiting for the disk; a position is checkpointed only
 * once the WAL is flushed past the batch's commit, so the checkpoint never runs
 * ahead of what a crash keeps.
 */
export class DurablePositions {
  /** Positions committed but not yet known flushed, oldest first; `written` once known. */
  private pending: { state: BackfillCheckpoint; written?: number }[] = [];
  /** The server the pending positions were committed on. */
  private server?: string;

  constructor(
    private readonly run: DatasetMigrationRun,
    /** Rows of the latest checkpoint. */
    public rows: number,
  ) {}

  /**
   * Read at a batch's start (`written` is past every commit before it), with the
   * batch's own settings made in the same round trip.
   */
  async walPositions(
    client: PoolClient,
    settings: Record<string, string>,
  ): Promise<WalPositions> {
    const { items, params } = localSettings(settings);
    const { rows } = await client.query<{
      written: string;
      flushed: string;
      server: string;
    }>(
      `SELECT ${[
        ...items,
        `pg_current_wal_insert_lsn() - '0/0' AS written`,
        `pg_current_wal_flush_lsn() - '0/0' AS flushed`,
        `pg_postmaster_start_time()::text AS server`,
      ].join(', ')}`,
      params,
    );
    return {
      written: Number(rows[0].written),
      flushed: Number(rows[0].flushed),
      server: rows[0].server,
    };
  }

  /**
   * At each batch's start: a restart since the batch before, unnoticed by a pool
   * that reconnected, may have lost commits not yet flushed, so the run resumes
   * from the last checkpoint instead of going on from memory.
   */
  sameServer(wal: WalPositions): void {
    if (this.server !== undefined && wal.server !== this.server)
      throw new MigrationInterruptedError(
        'the engine restarted during the backfill; resuming from the last checkpoint it had flushed',
      );
    this.server = wal.server;
  }

  /** After a batch committed: checkpoints the latest position already on disk. */
  async committed(state: BackfillCheckpoint, wal: WalPositions): Promise<void> {
    // Positions committed before this batch started are behind `wal.written`.
    for (const p of this.pending) p.written ??= wal.written;
    let latest: BackfillCheckpoint | undefined;
    while (
      this.pending.length > 0 &&
      this.pending[0].written !== undefined &&
      this.pending[0].written <= wal.flushed
    )
      latest = this.pending.shift()!.state;
    this.pending.push({ state: { ...state } });
    if (!latest) return;
    await this.run.checkpoints.set('backfill', latest);
    this.rows = latest.rows;
  }

  /**
   * Flushes the WAL (a synchronous commit flushes all before it) and checkpoints
   * `state`, unless the server restarted since the last batch: the commits pending
   * may be lost, and the last checkpoint stays.
   */
  async flush(db: Connections, state: BackfillCheckpoint): Promise<void> {
    if (this.pending.length === 0) return;
    const server = await db.transaction(async client => {
      await commitWaitsForDisk(client);
      const { rows } = await client.query<{ server: string }>(
        'SELECT pg_postmaster_start_time()::text AS server',
      );
      return rows[0].server;
    });
    if (server !== this.server) return;
    this.pending = [];
    await this.run.checkpoints.set('backfill', state);
    this.rows = state.rows;
  }
}

/**
 * Makes the transaction's commit wait until the WAL is on disk, its own and every
 * commit before it. PostgreSQL commits a transaction that wrote no WAL before its
 * commit record without waiting, transaction id or not (a batch whose rows the
 * capture had all written, or a stop that only flushes): a transactional message
 * in the WAL, which no reader sees, makes it wait.
 */
export async function commitWaitsForDisk(client: PoolClient): Promise<void> {
  await client.query('SET LOCAL synchronous_commit = on');
  await client.query('SAVEPOINT wal_record');
  try {
    await client.query(
      `SELECT pg_logical_emit_message(true, 'dataset-migrations', 'backfill flushed')`,
    );
  } catch (error) {
    if ((error as { code?: string }).code !== INSUFFICIENT_PRIVILEGE)
      throw error;
    // A server hardened against that function: a temporary table's catalog
    // rows are written to the WAL too, and need no more than TEMP.
    await client.query('ROLLBACK TO SAVEPOINT wal_record');
    await client.query(
      'CREATE TEMPORARY TABLE dataset_migrations_flushed () ON COMMIT DROP',
    );
  }
}
