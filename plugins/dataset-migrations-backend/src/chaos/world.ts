import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Pool } from 'pg';
import type { Entity } from '@backstage/catalog-model';
import { dataset } from '../__testUtils__/fixtures';
import { createRepository, registeredIn } from '../__testUtils__/gitRepos';
import {
  startRestartablePostgres,
  type RestartablePostgres,
} from '../__testUtils__/postgresServer';
import {
  killAllReplicaProcesses,
  spawnReplica,
  type ReplicaOptions,
  type ReplicaProcess,
} from '../__testUtils__/replica';
import { seedSql } from './writer';

/**
 * What the chaos suite runs against: its own PostgreSQL (so it can restart it)
 * holding the plugin's database and the warehouse, a seeded dataset, consumers in
 * local git repositories, a backend replica that only serves the API, and the
 * worker replica the suite kills.
 */

export const DATASET = 'resource:default/events';
export const TABLE = 'public.events';
/** Marks the suite's own sessions, which connection terminations spare. */
export const HARNESS_APP = 'dsm-chaos-harness';

export interface ChaosWorld {
  server: RestartablePostgres;
  /** The suite's sessions on the plugin database and the warehouse. */
  plugin: Pool;
  warehouse: Pool;
  warehouseUrl: string;
  pluginUrl: string;
  consumers: { ref: string; repo: string }[];
  api: ReplicaProcess;
  workerOptions: ReplicaOptions;
  /** Aborted as the world closes, so the suite's waits end instead of polling a dead server. */
  closed: AbortSignal;
  /** Kills every replica and deletes the server; safe to call more than once. */
  close(): Promise<void>;
}

/** The server's URL with another database. */
export function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

export function harnessPool(url: string, max = 4): Pool {
  const pool = new Pool({
    connectionString: url,
    max,
    application_name: HARNESS_APP,
  });
  // An idle client dropped by a restart is discarded; the next query reconnects.
  pool.on('error', () => {});
  return pool;
}

function consumerEntity(name: string, repo: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: registeredIn(repo),
    },
    spec: {
      type: 'pipeline',
      lifecycle: 'production',
      owner: `group:default/${name}-team`,
      dependsOn: [DATASET],
    },
    relations: [{ type: 'dependsOn', targetRef: DATASET }],
  };
}

export async function createWorld(options: {
  rows: number;
  consumers: number;
  lease: string;
}): Promise<ChaosWorld> {
  const server = await startRestartablePostgres();
  const work = mkdtempSync(join(tmpdir(), 'dsm-chaos-'));
  chmodSync(work, 0o755);
  const admin = harnessPool(server.url, 1);
  const opened: Pool[] = [admin];
  try {
    await admin.query('CREATE DATABASE plugin');
    await admin.query('CREATE DATABASE warehouse');
    const pluginUrl = withDatabase(server.url, 'plugin');
    const warehouseUrl = withDatabase(server.url, 'warehouse');
    const plugin = harnessPool(pluginUrl);
    const warehouse = harnessPool(warehouseUrl, 6);
    opened.push(plugin, warehouse);
    await warehouse.query(seedSql(TABLE, options.rows));

    const consumers = Array.from({ length: options.consumers }, (_, i) => {
      const name = `pipeline-${i + 1}`;
      const repo = createRepository(join(work, name), {
        // A reader of the field every migration renames, on a few rows so the
        // shadow check stays small on a large table.
        'sql/report.sql': `select id, note from ${TABLE} where id <= ${
          10 * (i + 1)
        };\n`,
      });
      return { ref: `component:default/${name}`, repo };
    });
    const entities: Entity[] = [
      {
        ...dataset('events'),
        relations: consumers.map(c => ({
          type: 'dependencyOf',
          targetRef: c.ref,
        })),
      },
      ...consumers.map(c => consumerEntity(c.ref.split('/')[1], c.repo)),
    ];
    const workerOptions: ReplicaOptions = {
      pluginDatabaseUrl: pluginUrl,
      entities,
      engines: {
        warehouse: {
          type: 'postgres',
          connection: warehouseUrl,
          // A small table is copied in many short batches, so a kill can land inside.
          ...(options.rows < 500_000
            ? { backfill: { maxBatchRows: 500, pause: '20ms' } }
            : {}),
        },
      },
      worker: { lease: options.lease },
      consumers: { localGit: { roots: [work] }, followUpInterval: '1s' },
      contract: { retention: '0s' },
      logLevel: 'warn',
    };
    const api = await spawnReplica(
      { ...workerOptions, worker: { enabled: false } },
      { startTimeoutMs: 180_000 },
    );
    const closing = new AbortController();
    let closed: Promise<void> | undefined;
    return {
      server,
      plugin,
      warehouse,
      pluginUrl,
      warehouseUrl,
      consumers,
      api,
      workerOptions,
      closed: closing.signal,
      close() {
        closing.abort();
        closed ??= (async () => {
          await killAllReplicaProcesses();
          await Promise.all(opened.map(p => p.end().catch(() => {})));
          await server.destroy();
          rmSync(work, { recursive: true, force: true });
        })();
        return closed;
      },
    };
  } catch (error) {
    await killAllReplicaProcesses();
    await Promise.all(opened.map(p => p.end().catch(() => {})));
    await server.destroy();
    rmSync(work, { recursive: true, force: true });
    throw error;
  }
}
