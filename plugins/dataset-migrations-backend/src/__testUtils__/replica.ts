import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import knexFactory, { type Knex } from 'knex';
import type { Entity } from '@backstage/catalog-model';
import type { JsonObject } from '@backstage/types';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { datasetMigrationsPlugin } from '../plugin';

/**
 * Test-only: a backend replica running the dataset-migrations plugin, either in this
 * process or as a child Node process that a test can SIGKILL. Replicas that share a
 * plugin database share the migrations, the leases and the job queue.
 */

export interface ReplicaOptions {
  /** The plugin's database; replicas sharing it are one deployment. */
  pluginDatabaseUrl: string;
  /** What the in-memory catalog holds. */
  entities: Entity[];
  /** `datasetMigrations.engines`, e.g. `{ warehouse: { type: 'postgres', connection, backfill } }`. */
  engines: Record<string, JsonObject>;
  /** `datasetMigrations.worker`. */
  worker?: { enabled?: boolean; concurrency?: number; lease?: string };
  /** `datasetMigrations.consumers` (e.g. `localGit.roots`), if consumers are migrated. */
  consumers?: JsonObject;
  /** `datasetMigrations.contract`, e.g. `{ retention: '0s' }`. */
  contract?: JsonObject;
  /** Backend log level; logs go to the console (the child's stdout/stderr). Default `none`. */
  logLevel?: 'none' | 'error' | 'warn' | 'info' | 'debug';
}

export interface Replica {
  /** Base URL of the plugin's API, e.g. `http://127.0.0.1:1234/api/dataset-migrations`. */
  api: string;
  stop(): Promise<void>;
}

/** Starts a replica in this process, on startTestBackend with mock auth (callers act as `user:default/mock`). */
export async function startReplica(options: ReplicaOptions): Promise<Replica> {
  const knex: Knex = knexFactory({
    client: 'pg',
    connection: options.pluginDatabaseUrl,
    pool: { min: 0, max: 10 },
  });
  try {
    const backend = await startTestBackend({
      features: [
        // The real scheduler: the mock one runs a task once, at startup.
        schedulerServiceFactory,
        datasetMigrationsPlugin,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({ entities: options.entities }),
        mockServices.rootLogger.factory({ level: options.logLevel ?? 'none' }),
        mockServices.rootConfig.factory({
          data: {
            datasetMigrations: {
              // Approvals are tested on their own (approvals.test.ts); here migrations run at once.
              approvals: { required: [] },
              worker: options.worker ?? {},
              engines: options.engines,
              ...(options.consumers ? { consumers: options.consumers } : {}),
              ...(options.contract ? { contract: options.contract } : {}),
            },
          },
        }),
      ],
    });
    const port = backend.server.port();
    let stopped: Promise<void> | undefined;
    return {
      api: `http://127.0.0.1:${port}/api/dataset-migrations`,
      stop: () => {
        stopped ??= backend.stop().finally(() => knex.destroy());
        return stopped;
      },
    };
  } catch (error) {
    await knex.destroy();
    throw error;
  }
}

const OPTIONS_ENV = 'DSM_REPLICA_OPTIONS';
const nodeTransform = require.resolve(
  '@backstage/cli-node/config/nodeTransform.cjs',
);
const childMain = path.join(__dirname, 'replicaProcess.ts');

export interface ReplicaProcess extends Replica {
  pid: number;
  /** Everything the process wrote to stdout and stderr so far. */
  output(): string;
  /** Sends a signal and waits for the process to exit. */
  kill(signal: NodeJS.Signals): Promise<void>;
}

const children = new Set<ChildProcess>();

/**
 * Starts a replica as a child Node process, the way `backstage-cli package start`
 * runs TypeScript (`node --require @backstage/cli-node/config/nodeTransform.cjs`).
 * The child reports its port over IPC, and exits when the IPC channel closes, so it
 * does not outlive a test process that dies.
 */
export async function spawnReplica(
  options: ReplicaOptions,
  { startTimeoutMs = 60_000 }: { startTimeoutMs?: number } = {},
): Promise<ReplicaProcess> {
  return (await spawnStandbyReplica(options)).start({ startTimeoutMs });
}

/** A child replica process that has loaded its code and waits to start its backend. */
export interface StandbyReplica {
  pid: number;
  /** Starts the backend; resolves once it serves. */
  start(options?: { startTimeoutMs?: number }): Promise<ReplicaProcess>;
  /** Ends it without starting. */
  kill(): Promise<void>;
}

/**
 * Spawns a replica process that loads (and transforms) the backend's code, the bulk
 * of a start on a busy machine, then waits for `start()`: a standby, as a
 * deployment's spare replica is, so that a test measures the plugin's recovery
 * rather than Node's module loading.
 */
export async function spawnStandbyReplica(
  options: ReplicaOptions,
  { loadTimeoutMs = 180_000 }: { loadTimeoutMs?: number } = {},
): Promise<StandbyReplica> {
  const child = spawn(
    process.execPath,
    ['--require', nodeTransform, childMain],
    {
      cwd: path.resolve(__dirname, '../..'),
      env: { ...process.env, [OPTIONS_ENV]: JSON.stringify(options) },
      stdio: ['ignore', 'pipe', 'pipe', 'ipc'],
    },
  );
  children.add(child);
  let output = '';
  child.stdout!.on('data', chunk => (output += chunk));
  child.stderr!.on('data', chunk => (output += chunk));
  const exited = new Promise<void>(resolve => {
    child.once('exit', (code, signal) => {
      output += `\n[replica ${child.pid} exited: ${signal ?? code}]\n`;
      children.delete(child);
      resolve();
    });
  });

  /** The child's next message of `type`, within `timeoutMs`; it is killed otherwise. */
  const message = (type: string, timeoutMs: number, what: string) =>
    new Promise<{ port?: number }>((resolve, reject) => {
      const timer = setTimeout(
        () =>
          reject(
            new Error(
              `replica did not ${what} within ${timeoutMs} ms:\n${output}`,
            ),
          ),
        timeoutMs,
      );
      const onMessage = (m: { type?: string; port?: number }) => {
        if (m?.type !== type) return;
        clearTimeout(timer);
        child.off('message', onMessage);
        resolve(m);
      };
      child.on('message', onMessage);
      child.once('exit', () => {
        clearTimeout(timer);
        reject(new Error(`replica exited before it was ready:\n${output}`));
      });
    }).catch(async error => {
      child.kill('SIGKILL');
      await exited;
      throw error;
    });

  const kill = async (signal: NodeJS.Signals) => {
    if (child.exitCode === null && child.signalCode === null)
      child.kill(signal);
    await exited;
  };
  await message('loaded', loadTimeoutMs, 'load its code');
  return {
    pid: child.pid!,
    kill: () => kill('SIGKILL'),
    async start({ startTimeoutMs = 60_000 } = {}) {
      const ready = message('ready', startTimeoutMs, 'start');
      child.send({ type: 'start' });
      const { port } = await ready;
      return {
        pid: child.pid!,
        api: `http://127.0.0.1:${port}/api/dataset-migrations`,
        output: () => output,
        kill,
        stop: () => kill('SIGTERM'),
      };
    },
  };
}

/** SIGKILLs every replica process still running: for afterEach/afterAll, failure or not. */
export async function killAllReplicaProcesses(): Promise<void> {
  await Promise.all(
    [...children].map(
      child =>
        new Promise<void>(resolve => {
          if (child.exitCode !== null || child.signalCode !== null) {
            resolve();
            return;
          }
          child.once('exit', () => resolve());
          child.kill('SIGKILL');
        }),
    ),
  );
}

/** Opens the line a replica process writes for an error nothing handled. */
export const UNHANDLED_MARK = '[replica] unhandled';

/** The child's side: runs in the process `spawnReplica` starts. */
export async function runReplicaProcess(): Promise<void> {
  // An error nothing handled ends the process as Node would (the backend installs
  // no handler under NODE_ENV=test), after a line a test can look for.
  for (const event of ['uncaughtException', 'unhandledRejection'] as const) {
    process.on(event, (error: unknown) => {
      console.error(
        `${UNHANDLED_MARK} ${event}: ${
          error instanceof Error ? error.stack : String(error)
        }`,
      );
      process.exit(70);
    });
  }
  const options: ReplicaOptions = JSON.parse(
    process.env[OPTIONS_ENV] ?? 'null',
  );
  if (!options)
    throw new Error(
      `${OPTIONS_ENV} is not set; this file is started by spawnReplica()`,
    );
  // The test process went away: do not linger.
  const orphaned = () => process.exit(0);
  process.once('disconnect', orphaned);
  // The code is loaded (this module imports the plugin and the backend): wait for the word.
  await new Promise<void>(resolve => {
    process.on('message', (m: { type?: string }) => {
      if (m?.type === 'start') resolve();
    });
    process.send!({ type: 'loaded' });
  });
  const replica = await startReplica(options);
  const shutdown = () => {
    replica.stop().then(
      () => process.exit(0),
      error => {
        console.error(error);
        process.exit(1);
      },
    );
  };
  process.once('SIGTERM', shutdown);
  process.once('SIGINT', shutdown);
  process.off('disconnect', orphaned);
  process.once('disconnect', shutdown);
  process.send!({ type: 'ready', port: Number(new URL(replica.api).port) });
}
