import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import {
  killAllReplicaProcesses,
  spawnReplica,
  UNHANDLED_MARK,
  type ReplicaProcess,
} from '../__testUtils__/replica';
import { mergePullRequest } from './runChaos';
import { createWorld, DATASET, harnessPool, type ChaosWorld } from './world';

/** A session the server ended, as pg_stat_activity showed it just before. */
interface Ended {
  datname: string;
  usename: string;
  state: string;
  query: string;
}

/** Which kind of connection an ended session was. */
function connectionKind(e: Ended): string {
  if (e.datname === 'plugin')
    return /LISTEN/.test(e.query) ? 'plugin: LISTEN' : 'plugin';
  return e.usename === 'dataset_migrations_shadow'
    ? 'warehouse: shadow checks'
    : 'warehouse: engine';
}

/**
 * Ends every session of the two databases but the suite's own, every `everyMs`,
 * until stopped; what it ended is kept, so a test can tell which connections it hit.
 */
function terminateRepeatedly(admin: Pool, everyMs: () => number) {
  const ended: Ended[] = [];
  let rounds = 0;
  const stopped = new AbortController();
  const loop = (async () => {
    while (!stopped.signal.aborted) {
      if (
        !(await sleep(everyMs(), true, { signal: stopped.signal }).catch(
          () => false,
        ))
      )
        break;
      const { rows } = await admin
        .query<Ended>(
          `SELECT datname, usename, coalesce(state, '') AS state, left(query, 60) AS query
             FROM pg_stat_activity
            WHERE datname IN ('plugin', 'warehouse') AND pid <> pg_backend_pid()
              AND coalesce(application_name, '') NOT LIKE 'dsm-chaos-harness%'
              AND pg_terminate_backend(pid)`,
        )
        .catch(() => ({ rows: [] as Ended[] }));
      rounds += 1;
      ended.push(...rows);
    }
  })();
  return {
    ended,
    async stop() {
      stopped.abort();
      await loop;
      return rounds;
    },
  };
}

/**
 * Connections of every kind the backend holds, ended by the server over and over
 * (pg_terminate_backend, as an operator or a failover does): the engine's pool, the
 * shadow checks' role and lock holders, graphile-worker's pool and LISTEN client,
 * the plugin's knex pool, on a worker replica and an API replica. Neither process
 * may meet an error nothing handles (each reports one and exits, see
 * runReplicaProcess), and the work goes on to its end once the terminations stop.
 */
describe('connections terminated over and over', () => {
  let world: ChaosWorld | undefined;

  afterAll(async () => {
    await world?.close();
    await killAllReplicaProcesses();
  }, 60_000);

  it(
    'leaves no error unhandled in any replica, and the run, its consumer and its contract still finish',
    async () => {
      world = await createWorld({ rows: 3_000, consumers: 1, lease: '3s' });
      const w = world;
      const worker: ReplicaProcess = await spawnReplica(w.workerOptions, {
        startTimeoutMs: 180_000,
      });
      const replicas = [w.api, worker];
      /** Each report of an unhandled error, with its stack. */
      const unhandled = () =>
        replicas.flatMap(r =>
          r
            .output()
            .split(/\n(?!\s+at )/)
            .filter(report => report.startsWith(UNHANDLED_MARK)),
        );
      const call = async (
        method: 'GET' | 'POST',
        route: string,
        body?: unknown,
      ) => {
        for (let tries = 1; ; tries++) {
          const res = await fetch(`${w.api.api}${route}`, {
            method,
            headers:
              body === undefined ? {} : { 'content-type': 'application/json' },
            body: body === undefined ? undefined : JSON.stringify(body),
          }).catch(error => error as Error);
          // A 5xx while the API replica's connection was just ended is retried.
          if (!(res instanceof Error) && res.status < 500)
            return { status: res.status, body: await res.json() };
          if (tries >= 50)
            throw new Error(
              `${method} ${route}: ${res instanceof Error ? res : res.status}`,
            );
          await sleep(200);
        }
      };
      const until = async <T>(
        what: string,
        check: () => Promise<T | undefined>,
        timeoutMs = 240_000,
      ) => {
        const deadline = Date.now() + timeoutMs;
        let last = '';
        const keepLast = (error: unknown) => {
          last = String(error);
          return undefined;
        };
        for (;;) {
          if (unhandled().length > 0)
            throw new Error(
              `while waiting for ${what}: ${unhandled().join('\n')}`,
            );
          const value = await check().catch(keepLast);
          if (value !== undefined) return value;
          if (Date.now() > deadline)
            throw new Error(
              `timed out waiting for ${what}${last ? `: ${last}` : ''}`,
            );
          await sleep(250);
        }
      };
      const migration = async (id: string) =>
        (await call('GET', `/migrations/${id}`)).body.migration;
      const consumers = async (id: string) =>
        (await call('GET', `/migrations/${id}/consumers`)).body.consumers as {
          state: string;
        }[];

      const admin = harnessPool(w.server.url, 1);
      try {
        // Every ~5 s while the run and its consumer's steps work (each step is
        // interrupted about once; tighter, a loaded machine's steps may never
        // finish between two), then every ~150 ms for a few seconds while
        // the pull-request follow-up's job completes each second.
        const steady = terminateRepeatedly(
          admin,
          () => 3_000 + Math.random() * 4_000,
        );
        const created = await call('POST', '/migrations', {
          entityRef: DATASET,
          targetVersion: 2,
          changes: [{ renameField: { from: 'note', to: 'note_1' } }],
        });
        expect(created.status).toBe(201);
        const id: string = created.body.migration.id;
        await until(
          'the run to succeed and its consumer to open a pull request',
          async () => {
            const m = await migration(id);
            if (m.status === 'failed')
              throw new Error(`run failed: ${m.failureReason}`);
            const ledger = await consumers(id);
            if (
              m.status === 'succeeded' &&
              ledger.length === 1 &&
              ledger[0].state === 'pr-opened'
            )
              return true;
            // Said if it times out: how far the run and its consumer got.
            throw new Error(
              `last seen: run ${m.status}, consumers [${ledger
                .map(c => c.state)
                .join(', ')}]`,
            );
          },
        );
        const steadyRounds = await steady.stop();
        const tight = terminateRepeatedly(
          admin,
          () => 100 + Math.random() * 100,
        );
        await sleep(6_000);
        const tightRounds = await tight.stop();
        const ended = [...steady.ended, ...tight.ended];
        expect(unhandled()).toEqual([]);

        // Each kind of connection was there to be ended: the plugin database's
        // (knex's and graphile-worker's, its LISTEN client among them), the engine's,
        // and the shadow checks' role.
        expect(steadyRounds + tightRounds).toBeGreaterThan(10);
        const kinds = new Set(ended.map(connectionKind));
        console.log(
          `${steadyRounds + tightRounds} rounds of terminations ended ${
            ended.length
          } sessions: ${[...kinds].sort().join(', ')}`,
        );
        expect([...kinds].sort()).toEqual([
          'plugin',
          'plugin: LISTEN',
          'warehouse: engine',
          'warehouse: shadow checks',
        ]);

        // The work goes on: the owner merges, the follow-up sees it, the run contracts.
        await mergePullRequest(w.consumers[0].repo, id);
        await until('the consumer to be done', async () =>
          (await consumers(id))[0]?.state === 'done' ? true : undefined,
        );
        const contract = await call('POST', `/migrations/${id}/contract`, {
          override: { reason: 'the test reads the table only through the API' },
        });
        expect(contract.status).toBeLessThan(300);
        await until('the contract', async () =>
          (await migration(id)).contractedAt ? true : undefined,
        );
        expect(unhandled()).toEqual([]);
        for (const replica of replicas)
          expect(replica.output()).not.toMatch(/\[replica \d+ exited/);
      } finally {
        await admin.end();
      }
    },
    10 * 60_000,
  );
});
