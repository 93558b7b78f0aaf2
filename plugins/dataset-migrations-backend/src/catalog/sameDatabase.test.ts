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
/** Names `events` through a second engine name on the same database. */
const SNEAKY = 'resource:default/sneaky';
/** Names `public.events` on another database. */
const ELSEWHERE = 'resource:default/elsewhere';

/**
 * A table belongs to one dataset entity whichever engine name reaches it: two
 * names under `datasetMigrations.engines` for one database are one database.
 */
describe('two engine names for one database', () => {
  const { init } = createTestDatabases();
  let pluginDb: Knex;
  let warehouse: Knex;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const api = () => request(backend.server);
  const message = (res: request.Response): string =>
    res.body?.error?.message ?? '';

  beforeAll(async () => {
    pluginDb = await init();
    warehouse = await init();
    const lake = await init();
    for (const db of [warehouse, lake])
      await db.raw(
        `CREATE TABLE public.events (id int PRIMARY KEY, title text);
         INSERT INTO public.events VALUES (1, 'a');`,
      );
    const url = new URL(connectionUrlOf(warehouse));
    backend = await startTestBackend({
      features: [
        datasetMigrationsPlugin,
        mockServices.database.factory({ knex: pluginDb }),
        catalogServiceMock.factory({
          entities: [
            dataset('events'),
            dataset(
              'sneaky',
              { annotations: { 'dataset-migrations.io/table': 'events' } },
              'warehouse-admin',
            ),
            dataset(
              'elsewhere',
              {
                annotations: { 'dataset-migrations.io/table': 'public.events' },
              },
              'lake',
            ),
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            datasetMigrations: {
              worker: { enabled: false },
              approvals: { required: [] },
              engines: {
                // A connection string for one name, its parts (the host
                // spelled otherwise) for the other: the same database.
                warehouse: { type: 'postgres', connection: url.href },
                'warehouse-admin': {
                  type: 'postgres',
                  connection: {
                    host:
                      url.hostname === 'localhost'
                        ? 'LocalHost.'
                        : url.hostname.toUpperCase(),
                    port: Number(url.port || 5432),
                    user: decodeURIComponent(url.username),
                    password: decodeURIComponent(url.password),
                    database: decodeURIComponent(url.pathname.slice(1)),
                  },
                },
                lake: { type: 'postgres', connection: connectionUrlOf(lake) },
              },
            },
          },
        }),
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
  }, 30_000);

  const addNote = (entityRef: string) => ({
    entityRef,
    targetVersion: 2,
    changes: [{ addField: { name: 'note', type: 'text', default: 'n/a' } }],
  });

  it('refuses the entity naming the table through the second name, and holds the first, changing nothing', async () => {
    for (const [entityRef, other] of [
      [SNEAKY, EVENTS],
      [EVENTS, SNEAKY],
    ]) {
      for (const route of ['/plans', '/migrations', '/impact']) {
        const res = await api().post(`${API}${route}`).send(addNote(entityRef));
        expect({ route, status: res.status, message: message(res) }).toEqual({
          route,
          status: 409,
          message: expect.stringContaining(
            `table public.events on engine ${
              entityRef === SNEAKY ? 'warehouse-admin' : 'warehouse'
            } is also named by ${other}; a table belongs to one dataset entity`,
          ),
        });
      }
    }
    const live = await api().get(`${API}/datasets/resource/default/sneaky`);
    expect(live.status).toBe(409);
    expect(await pluginDb('migrations').count({ n: '*' })).toEqual([
      { n: '0' },
    ]);
    const { rows } = await warehouse.raw(
      `SELECT column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = 'events' ORDER BY 1`,
    );
    expect(rows.map((r: { column_name: string }) => r.column_name)).toEqual([
      'id',
      'title',
    ]);
  });

  it('goes on for the same table name on another database', async () => {
    const res = await api().post(`${API}/plans`).send(addNote(ELSEWHERE));
    expect(res.status).toBe(200);
    expect(res.body.plan).toMatchObject({ table: 'public.events' });
  });
});
