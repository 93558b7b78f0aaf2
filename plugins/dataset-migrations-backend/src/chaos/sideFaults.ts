import { setTimeout as sleep } from 'node:timers/promises';
import { Client, type Pool } from 'pg';
import { HARNESS_APP } from './world';

/**
 * The faults besides kills: the server's own hand on the worker's connections,
 * an idle transaction, a long reader, a restart.
 */

/**
 * Terminates every session of the two databases that is not the suite's own (the
 * replicas'), every `everyMs` on average, until stopped or `bursts` are done.
 * Returns how many sessions it ended.
 */
export function terminateConnectionsRepeatedly(
  admin: Pool,
  everyMs: number,
  random: () => number,
  bursts = Infinity,
) {
  const stopped = new AbortController();
  let rounds = 0;
  let sessions = 0;
  const loop = (async () => {
    while (!stopped.signal.aborted && rounds < bursts) {
      const waited = await sleep(everyMs * (0.5 + random()), true, {
        signal: stopped.signal,
      }).catch(() => false);
      if (!waited) break;
      const { rows } = await admin
        .query(
          `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
            WHERE datname IN ('plugin', 'warehouse') AND pid <> pg_backend_pid()
              AND coalesce(application_name, '') NOT LIKE $1 || '%'`,
          [HARNESS_APP],
        )
        .catch(() => ({ rows: [{ n: 0 }] }));
      rounds += 1;
      sessions += rows[0].n;
    }
  })();
  return {
    async stop() {
      stopped.abort();
      await loop;
      return { rounds, sessions };
    },
  };
}

/**
 * A session on the warehouse that opens a transaction, takes a transaction id
 * and stays idle in it until released: an application that forgot to commit.
 */
export async function holdIdleTransaction(url: string) {
  const client = new Client({
    connectionString: url,
    application_name: `${HARNESS_APP}-idle`,
  });
  client.on('error', () => {});
  await client.connect();
  await client.query('BEGIN');
  const { rows } = await client.query('SELECT txid_current()::text AS xid');
  return {
    xid: rows[0].xid as string,
    /** Commits (so it was open the whole time) and disconnects. */
    async release(): Promise<void> {
      await client.query('COMMIT');
      await client.end();
    },
  };
}

/**
 * A reader holding the dataset's name for `holdMs` (one statement, so its lock
 * stays for all of it): started just before cut-over, the switch has to wait for
 * it or step back. Resolves with the rows it counted, or rejects with its error.
 */
export async function longReader(
  url: string,
  relation: string,
  holdMs: number,
): Promise<{ rows: number; ms: number }> {
  const client = new Client({
    connectionString: url,
    application_name: `${HARNESS_APP}-reader`,
  });
  client.on('error', () => {});
  await client.connect();
  try {
    const started = Date.now();
    const { rows } = await client.query(
      `SELECT count(*)::bigint AS n FROM ${relation}, (SELECT pg_sleep($1)) AS hold`,
      [holdMs / 1000],
    );
    return { rows: Number(rows[0].n), ms: Date.now() - started };
  } finally {
    await client.end().catch(() => {});
  }
}

/** A lock the suite holds until it lets go; letting go twice is harmless. */
export interface Hold {
  release(): Promise<void>;
}

/**
 * A reader's lock on every table and view of the dataset's schema, taken in a
 * transaction and kept until released: contract and rollback drop one of them,
 * so while it is held they wait inside their step (up to their 5 s lock timeout,
 * after which the attempt is retried) and a kill aimed at them lands there,
 * however fast they would otherwise be. Waits 5 s at most for the lock itself.
 */
export async function holdDatasetRelations(
  url: string,
  schema: string,
): Promise<Hold> {
  const client = new Client({
    connectionString: url,
    application_name: `${HARNESS_APP}-hold`,
  });
  client.on('error', () => {});
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(`SET LOCAL lock_timeout = '5s'`);
    const { rows } = await client.query(
      `SELECT format('%I.%I', n.nspname, c.relname) AS name FROM pg_class c
         JOIN pg_namespace n ON n.oid = c.relnamespace
        WHERE n.nspname = $1 AND c.relkind IN ('r', 'v', 'p')`,
      [schema],
    );
    await client.query(
      `LOCK TABLE ${rows.map(r => r.name).join(', ')} IN ACCESS SHARE MODE`,
    );
  } catch (error) {
    await client.end().catch(() => {});
    throw error;
  }
  return {
    /** Ends the transaction and the session; safe to call more than once. */
    async release(): Promise<void> {
      await client.query('ROLLBACK').catch(() => {});
      await client.end().catch(() => {});
    },
  };
}
