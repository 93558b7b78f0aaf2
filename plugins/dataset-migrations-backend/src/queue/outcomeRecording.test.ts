import { Pool, type PoolClient } from 'pg';
import { Logger, run, type Runner } from 'graphile-worker';
import type { Knex } from 'knex';
import {
  connectionUrlOf,
  createTestDatabases,
  waitFor,
} from '../__testUtils__/testDatabases';

jest.setTimeout(60_000);

/**
 * Our patch of graphile-worker (`.yarn/patches/graphile-worker-*.patch`): how a
 * job's outcome is recorded when the reply to that statement is lost.
 */
describe("graphile-worker's record of a job's outcome", () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let pool: Pool;
  let runner: Runner | undefined;
  const sent: string[] = [];
  const errors: string[] = [];
  /** The statement whose first reply is lost after it committed. */
  let loseReplyOf: RegExp | undefined;

  beforeAll(async () => {
    knex = await init();
    pool = new Pool({ connectionString: connectionUrlOf(knex) });
    // Each statement runs for real; the first matching one then "loses" its reply.
    const connect = pool.connect.bind(pool) as () => Promise<PoolClient>;
    const wrapped = async () => {
      const client = await connect();
      const query = client.query.bind(client) as (
        ...args: unknown[]
      ) => Promise<unknown>;
      (client as { query: unknown }).query = async (...args: unknown[]) => {
        const text = String((args[0] as { text?: string }).text ?? args[0]);
        const result = await query(...args);
        if (loseReplyOf?.test(text)) {
          sent.push(text);
          if (sent.length === 1)
            throw new Error('Connection terminated unexpectedly');
        }
        return result;
      };
      return client;
    };
    // graphile-worker's LISTEN client connects with a callback.
    (pool as { connect: unknown }).connect = (
      callback?: (
        error: unknown,
        client?: PoolClient,
        done?: () => void,
      ) => void,
    ) => {
      if (!callback) return wrapped();
      wrapped().then(
        client => callback(undefined, client, () => client.release()),
        error => callback(error),
      );
      return undefined;
    };
  });

  afterEach(async () => {
    loseReplyOf = undefined;
    await runner?.stop();
    runner = undefined;
    sent.length = 0;
    errors.length = 0;
  });

  afterAll(async () => {
    await pool.end();
  });

  async function start(
    schema: string,
    task: () => Promise<void>,
    statement: RegExp,
  ) {
    loseReplyOf = undefined;
    runner = await run({
      pgPool: pool,
      schema,
      concurrency: 2,
      noHandleSignals: true,
      pollInterval: 200,
      parsedCronItems: [],
      logger: new Logger(() => (level, message) => {
        if (level === 'error') errors.push(message);
      }),
      taskList: { task },
    });
    // Set once the worker's own schema is in place: its migrations match too.
    loseReplyOf = statement;
    return runner.addJob('task', {}, { maxAttempts: 5 });
  }

  const job = async (schema: string, id: string) =>
    (
      await knex.raw(
        `SELECT attempts, locked_by FROM ${schema}._private_jobs WHERE id = ?`,
        [id],
      )
    ).rows[0];

  it('does not fail a job again: a second try could unlock it while a sibling worker runs it', async () => {
    const { id } = await start(
      'failing_queue',
      async () => {
        throw new Error('boom');
      },
      /^update .*\bset\b.*last_error = /s,
    );
    await waitFor(async () => (sent.length >= 1 ? true : undefined), {
      what: 'the job to fail',
    });
    // Past the first retry's pause (0.5 s) and before the job is due again (2.7 s).
    await new Promise(resolve => setTimeout(resolve, 1_500));
    expect(sent).toHaveLength(1);
    expect(errors).toContainEqual(
      `Failed to fail job '${id}' (try 1 of 1): Error: Connection terminated unexpectedly`,
    );
    expect(await job('failing_queue', id)).toEqual({
      attempts: 1,
      locked_by: null,
    });
  });

  it('completes a job again until one try is answered', async () => {
    const { id } = await start(
      'completing_queue',
      async () => {},
      /^delete from /,
    );
    await waitFor(async () => (sent.length >= 2 ? true : undefined), {
      what: 'the completion to be sent again',
    });
    expect(await job('completing_queue', id)).toBeUndefined();
    expect(errors).toContainEqual(
      `Failed to complete job '${id}' (try 1 of 20): Error: Connection terminated unexpectedly`,
    );
  });
});
