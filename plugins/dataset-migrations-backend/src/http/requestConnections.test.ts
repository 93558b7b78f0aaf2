import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage } from 'node:http';
import type { Knex } from 'knex';
import request from 'supertest';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  connectionUrlOf,
  createTestDatabases,
} from '../__testUtils__/testDatabases';
import { dataset } from '../__testUtils__/fixtures';
import { datasetMigrationsPlugin } from '../plugin';

const API = '/api/dataset-migrations';
const EVENTS = 'resource:default/events';

/**
 * How many connections of the plugin database's pool (shared by every route) a
 * request takes, and the work it starts before it is answered: under load each
 * take waits for the pool, so a request that takes one fewer waits once fewer.
 */
describe("a request's plugin-database connections", () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  /** The request being served, followed through its async work. */
  const serving = new AsyncLocalStorage<{ takes: number }>();

  beforeAll(async () => {
    knex = await init();
    const warehouse = await init();
    await warehouse.raw(
      `CREATE TABLE public.events (id int PRIMARY KEY, user_id text);`,
    );
    backend = await startTestBackend({
      features: [
        datasetMigrationsPlugin,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({ entities: [dataset('events')] }),
        mockServices.rootConfig.factory({
          data: {
            datasetMigrations: {
              worker: { enabled: false },
              engines: {
                warehouse: {
                  type: 'postgres',
                  connection: connectionUrlOf(warehouse),
                },
              },
            },
          },
        }),
      ],
    });
    // Entered before the router's listener runs, so its work carries the record.
    backend.server.prependListener('request', (_req: IncomingMessage) =>
      serving.enterWith({ takes: 0 }),
    );
    (knex.client as any).pool.on('acquireRequest', () => {
      const record = serving.getStore();
      if (record) record.takes++;
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
  });

  /** The request's answer and the connections it took until it was answered. */
  async function taken(send: () => request.Test) {
    let record: { takes: number } | undefined;
    backend.server.once('request', () => {
      record = serving.getStore();
    });
    const res = await send();
    return { res, takes: record!.takes };
  }

  it('enqueues with three connections (the repeat and the dataset’s state in one read) and cancels with five (the run read once by the route, once by the announcer)', async () => {
    const enqueued = await taken(() =>
      request(backend.server)
        .post(`${API}/migrations`)
        .send({
          entityRef: EVENTS,
          targetVersion: 2,
          changes: [{ addField: { name: 'note', type: 'text' } }],
        }),
    );
    expect(enqueued.res.status).toBe(201);
    expect(enqueued.res.body.migration.status).toBe('queued');
    // The repeat and the dataset's state; the runs a later migration waits for
    // (beside the plan); the transaction that writes the run and its jobs.
    expect(enqueued.takes).toBe(3);

    const { id } = enqueued.res.body.migration;
    const cancelled = await taken(() =>
      request(backend.server).post(`${API}/migrations/${id}/cancel`),
    );
    expect(cancelled.res.status).toBe(200);
    expect(cancelled.res.body.migration.status).toBe('cancelled');
    // The run, read once for the check and the audit; the cancel itself; then
    // the announcements it starts (not awaited, but asked for before it is
    // answered): its campaign, its engine for the metrics, and the run read once
    // for both its signal and its notification.
    expect(cancelled.takes).toBe(5);

    // A repeated cancel changes nothing and takes no more.
    const again = await taken(() =>
      request(backend.server).post(`${API}/migrations/${id}/cancel`),
    );
    expect(again.res.status).toBe(200);
    expect(again.res.body.migration.status).toBe('cancelled');
    expect(again.takes).toBe(1);
  });
});
