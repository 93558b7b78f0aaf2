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
/** Names a request whose connections are counted. */
const COUNTED = 'x-counted-request';

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
  const counted = new Map<string, { takes: number }>();

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
    // Entered before the router's listener runs, so its work carries the record;
    // only for the test's requests (the backend also calls itself, to notify).
    backend.server.prependListener('request', (req: IncomingMessage) => {
      const name = req.headers[COUNTED];
      if (typeof name !== 'string') return;
      const record = { takes: 0 };
      counted.set(name, record);
      serving.enterWith(record);
    });
    (knex.client as any).pool.on('acquireRequest', () => {
      const record = serving.getStore();
      if (record) record.takes++;
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
  });

  /** The request's answer and the connections it took until it was answered. */
  async function taken(name: string, send: () => request.Test) {
    const res = await send().set(COUNTED, name);
    return { res, takes: counted.get(name)!.takes };
  }

  it('enqueues with three connections (the repeat and the dataset’s state in one read) and cancels with four (the run read once, by the route)', async () => {
    const enqueued = await taken('enqueue', () =>
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
    const cancelled = await taken('cancel', () =>
      request(backend.server).post(`${API}/migrations/${id}/cancel`),
    );
    expect(cancelled.res.status).toBe(200);
    expect(cancelled.res.body.migration.status).toBe('cancelled');
    // The run, read once for the check and the audit; the cancel itself, which
    // returns the run its announcement tells from; then the announcements' own
    // reads (not awaited, but asked for before it is answered): its campaign and
    // its engine for the metrics.
    expect(cancelled.takes).toBe(4);

    // A repeated cancel changes nothing and takes no more.
    const again = await taken('cancel again', () =>
      request(backend.server).post(`${API}/migrations/${id}/cancel`),
    );
    expect(again.res.status).toBe(200);
    expect(again.res.body.migration.status).toBe('cancelled');
    expect(again.takes).toBe(1);
  });
});
