/**
 * Which database errors interrupt a run (it resumes from its checkpoints) rather
 * than fail it, on a real PostgreSQL.
 */
import type { Knex } from 'knex';
import { ConfigReader } from '@backstage/config';
import { mockServices } from '@backstage/backend-test-utils';
import { MigrationInterruptedError } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  connectionUrlOf,
  createTestDatabases,
  waitFor,
} from '../../__testUtils__/testDatabases';
import { readPostgresEngineConfig } from './config';
import { createPool, interruptible } from './connection';

describe('interruptible', () => {
  const { init } = createTestDatabases();
  let knex: Knex;

  beforeAll(async () => {
    knex = await init();
    await knex.raw('CREATE TABLE public.pair (id int PRIMARY KEY, n int)');
    await knex.raw('INSERT INTO public.pair VALUES (1, 0), (2, 0)');
  });

  afterAll(async () => {
    await knex.destroy();
  });

  it('takes the deadlock the server broke by rolling this side back as an interruption, not a failure', async () => {
    const first = await knex.transaction();
    const second = await knex.transaction();
    try {
      await first.raw('UPDATE public.pair SET n = n + 1 WHERE id = 1');
      await second.raw('UPDATE public.pair SET n = n + 1 WHERE id = 2');
      // Each now waits for the other's row: the server rolls one of them back.
      const outcomes = await Promise.allSettled([
        interruptible(() =>
          first.raw('UPDATE public.pair SET n = n + 1 WHERE id = 2'),
        ),
        interruptible(() =>
          second.raw('UPDATE public.pair SET n = n + 1 WHERE id = 1'),
        ),
      ]);
      const failed = outcomes.filter(o => o.status === 'rejected');
      expect(failed).toHaveLength(1);
      const { reason } = failed[0] as PromiseRejectedResult;
      expect(reason).toBeInstanceOf(MigrationInterruptedError);
      expect(String(reason.message)).toMatch(/deadlock detected/);
    } finally {
      await first.rollback().catch(() => {});
      await second.rollback().catch(() => {});
    }
  });

  it('lets an error about the migration itself through as it is', async () => {
    await expect(
      interruptible(() => knex.raw('SELECT 1 / 0')),
    ).rejects.not.toBeInstanceOf(MigrationInterruptedError);
  });
});

describe('an engine connection whose worker died', () => {
  const { init } = createTestDatabases();
  let knex: Knex;

  beforeAll(async () => {
    knex = await init();
  });

  afterAll(async () => {
    await knex.destroy();
  });

  /** Starts a long statement on a connection of the engine's pool, then drops the socket as a killed process would. */
  async function orphanedStatement(config: Record<string, unknown>) {
    const pool = createPool(
      'warehouse',
      readPostgresEngineConfig(
        new ConfigReader({ connection: connectionUrlOf(knex), ...config }),
      ),
      mockServices.logger.mock(),
    );
    const client = await pool.connect();
    client.on('error', () => {});
    const pid = (await client.query('SELECT pg_backend_pid() AS pid')).rows[0]
      .pid as number;
    client.query('SELECT pg_sleep(60)').catch(() => {});
    const running = async () =>
      (
        await knex.raw(
          `SELECT count(*)::int AS n FROM pg_stat_activity
            WHERE pid = ? AND query LIKE 'SELECT pg_sleep%' AND state = 'active'`,
          [pid],
        )
      ).rows[0].n === 1;
    await waitFor(async () => ((await running()) ? true : undefined));
    // What the kernel does for a process killed with SIGKILL: its socket closes.
    (client as any).connection.stream.destroy();
    client.release(true);
    await pool.end().catch(() => {});
    return { pid, running };
  }

  it('is set, before its first statement, to look for its worker and for a vanished host', async () => {
    const pool = createPool(
      'warehouse',
      readPostgresEngineConfig(
        new ConfigReader({ connection: connectionUrlOf(knex) }),
      ),
      mockServices.logger.mock(),
    );
    try {
      const { rows } = await pool.query(
        `SELECT current_setting('client_connection_check_interval') AS check,
                current_setting('tcp_keepalives_idle') AS idle,
                current_setting('tcp_keepalives_interval') AS interval,
                current_setting('tcp_keepalives_count') AS count`,
      );
      expect(rows[0]).toEqual({
        check: '1s',
        idle: '10',
        interval: '5',
        count: '3',
      });
    } finally {
      await pool.end();
    }
  });

  it('stops its statement within seconds instead of running it to its end', async () => {
    const { pid, running } = await orphanedStatement({});
    const gone = await waitFor(
      async () => ((await running()) ? undefined : true),
      { timeoutMs: 15_000 },
    );
    expect(gone).toBe(true);
    expect(
      (
        await knex.raw(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = ?',
          [pid],
        )
      ).rows[0].n,
    ).toBe(0);
  });

  it('runs it to its end when the check is turned off (0), as PostgreSQL does by default', async () => {
    const { pid, running } = await orphanedStatement({
      clientConnectionCheckInterval: { milliseconds: 0 },
    });
    // Well past the 1 s check: the orphan still runs.
    await new Promise(resolve => setTimeout(resolve, 3000));
    expect(await running()).toBe(true);
    await knex.raw('SELECT pg_terminate_backend(?)', [pid]);
  });
});
