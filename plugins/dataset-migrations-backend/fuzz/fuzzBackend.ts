/**
 * The plugin's real backend for fuzzing: its routers, stores, queue and engine
 * on PostgreSQL, with a migration and a campaign in states that refuse every
 * action, so that any body a route accepts still changes nothing.
 */
import type { Knex } from 'knex';
import type express from 'express';
import request from 'supertest';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { Entity } from '@backstage/catalog-model';
import { datasetMigrationsPlugin } from '../src/plugin';
import { createRouter } from '../src/http/router';

export const API = '/api/dataset-migrations';
const WORKER_SCHEMA = 'dataset_migrations_worker';

const datasetEntity = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Resource',
  metadata: {
    name,
    namespace: 'default',
    annotations: {
      'dataset-migrations.io/engine': 'warehouse',
      'dataset-migrations.io/table': `public.${name}`,
      'dataset-migrations.io/schema-version': '1',
    },
  },
  spec: { type: 'dataset', owner: 'group:default/data' },
});

/** A route the plugin serves, as its router declares it. */
export interface Route {
  method: 'post' | 'put';
  path: string;
}

/** Every POST and PUT route of the plugin's routers, read from the routers themselves. */
export function writeRoutes(): Route[] {
  const stub = {} as never;
  const router = createRouter({
    service: stub,
    consumers: stub,
    pullRequests: stub,
    httpAuth: stub,
    guard: stub,
    campaigns: stub,
  });
  const routes: Route[] = [];
  const walk = (stack: any[]) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const method of ['post', 'put'] as const)
          if (layer.route.methods[method])
            routes.push({ method, path: layer.route.path });
      } else if (layer.handle?.stack) walk(layer.handle.stack);
    }
  };
  walk((router as unknown as { stack: any[] }).stack);
  return routes;
}

/** The fixture campaign's document; a body naming it again can never create one. */
export const CAMPAIGN = {
  name: 'fuzz-fixture',
  title: 'A fixture for the fuzz',
  // The fuzz's caller (the mock user): a campaign's owner is its creator or their group.
  owner: 'user:default/mock',
  deadline: '2099-12-31',
  selector: { entityRefs: ['resource:default/events'] },
  changes: [{ renameField: { from: 'user_id', to: 'account_id' } }],
};

const JOBS = 'jobs: ';

export async function startFuzzBackend(options: {
  pluginDb: Knex;
  warehouse: Knex;
  warehouseUrl: string;
}) {
  const { pluginDb, warehouse, warehouseUrl } = options;
  await warehouse.raw(`
    CREATE TABLE IF NOT EXISTS public.events (id int PRIMARY KEY, title text, user_id text);
    INSERT INTO public.events VALUES (1, 'a', 'u') ON CONFLICT DO NOTHING;
  `);
  const backend = await startTestBackend({
    features: [
      datasetMigrationsPlugin,
      mockServices.database.factory({ knex: pluginDb }),
      catalogServiceMock.factory({ entities: [datasetEntity('events')] }),
      mockServices.rootConfig.factory({
        data: {
          datasetMigrations: {
            // Every request waits for an approval: the fixture run is rejected at once.
            approvals: { required: ['always'] },
            engines: {
              warehouse: { type: 'postgres', connection: warehouseUrl },
            },
          },
        },
      }),
    ],
  });
  const server = backend.server as unknown as express.Express;

  // A rejected migration: cancel, retry, approve, rollback, contract, decisions and
  // merges are all refused for it.
  const created = await request(server)
    .post(`${API}/migrations`)
    .send({
      entityRef: 'resource:default/events',
      targetVersion: 2,
      changes: [{ renameField: { from: 'title', to: 'headline' } }],
    });
  if (created.status !== 201)
    throw new Error(`fixture migration: ${created.status} ${created.text}`);
  const migrationId: string = created.body.migration.id;
  const rejected = await request(server)
    .post(`${API}/migrations/${migrationId}/reject`)
    .send({ comment: 'a fixture for the fuzz' });
  if (rejected.status !== 200)
    throw new Error(`fixture rejection: ${rejected.status} ${rejected.text}`);

  // An aborted campaign: start, pause, resume and abort are all refused; its name is taken.
  const campaign = await request(server)
    .post(`${API}/campaigns`)
    .send(CAMPAIGN);
  if (campaign.status !== 201)
    throw new Error(`fixture campaign: ${campaign.status} ${campaign.text}`);
  const campaignId: string = campaign.body.campaign.id;
  const aborted = await request(server)
    .post(`${API}/campaigns/${campaignId}/abort`)
    .send({ reason: 'a fixture for the fuzz' });
  if (aborted.status !== 200)
    throw new Error(`fixture abort: ${aborted.status} ${aborted.text}`);

  return {
    server,
    migrationId,
    campaignId,
    /** Row counts and contents of the plugin's tables and the queue's jobs. */
    fingerprint: () => fingerprint(pluginDb),
    stop: () => backend.stop(),
  };
}

async function fingerprint(db: Knex): Promise<Record<string, string>> {
  const { rows: tables } = await db.raw(
    `SELECT table_name AS name FROM information_schema.tables
      WHERE table_type = 'BASE TABLE' AND table_schema = 'public'
        AND table_name NOT LIKE 'knex%'
        AND table_name NOT LIKE 'backstage_backend_tasks%'
        -- A worker's look at the fixture campaign holds a row here while it
        -- runs: bookkeeping of the workers, which no request writes.
        AND table_name <> 'campaign_look_leases'
      ORDER BY 1`,
  );
  const result: Record<string, string> = {};
  for (const { name } of tables) {
    const { rows } = await db.raw(
      `SELECT count(*)::int AS n,
              md5(coalesce(string_agg(t::text, '|' ORDER BY t::text), '')) AS digest
         FROM ?? t`,
      [name],
    );
    result[name] = `${rows[0].n} rows, ${rows[0].digest}`;
  }
  // Queued jobs by task; their rows change as workers look at them (see changedSince).
  const { rows: jobs } = await db.raw(
    `SELECT task_identifier AS task, count(*)::int AS n FROM ${WORKER_SCHEMA}.jobs GROUP BY 1 ORDER BY 1`,
  );
  for (const { task, n } of jobs) result[`${JOBS}${task}`] = `${n} jobs`;
  return result;
}

/**
 * What a fingerprint shows changed: any table's rows, or more queued jobs of a
 * task. Fewer is no change a request made: a worker took a job the fixture queued.
 */
export function changedSince(
  before: Record<string, string>,
  after: Record<string, string>,
): string[] {
  return Object.keys({ ...before, ...after }).filter(key =>
    key.startsWith(JOBS)
      ? parseInt(after[key] ?? '0', 10) > parseInt(before[key] ?? '0', 10)
      : before[key] !== after[key],
  );
}
