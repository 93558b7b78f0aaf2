import knexFactory, { type Knex } from 'knex';
import request from 'supertest';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { MigrationDetails } from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  connectionUrlOf,
  createTestDatabases,
  waitFor,
} from '../__testUtils__/testDatabases';
import { dataset } from '../__testUtils__/fixtures';
import {
  startRestartablePostgres,
  type RestartablePostgres,
} from '../__testUtils__/postgresServer';
import { datasetMigrationsPlugin } from '../plugin';

const API = '/api/dataset-migrations';

/** Engines are configured by name; datasets on two PostgreSQL servers migrate side by side. */
describe('named engines', () => {
  const { init } = createTestDatabases();
  let second: RestartablePostgres;
  let warehouse: Knex;
  let lake: Knex;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    second = await startRestartablePostgres();
    const pluginDb = await init();
    warehouse = await init();
    lake = knexFactory({ client: 'pg', connection: second.url });
    for (const db of [warehouse, lake]) {
      await db.raw(
        `CREATE TABLE public.plays (id bigint PRIMARY KEY, score text)`,
      );
      await db.raw(
        `INSERT INTO public.plays SELECT g, (g % 10)::text FROM generate_series(1, 500) AS g`,
      );
    }
    backend = await startTestBackend({
      features: [
        // The real scheduler: the mock one runs a task once, at startup.
        schedulerServiceFactory,
        datasetMigrationsPlugin,
        mockServices.database.factory({ knex: pluginDb }),
        catalogServiceMock.factory({
          entities: [
            dataset('plays'),
            dataset(
              'lake-plays',
              {
                annotations: { 'dataset-migrations.io/table': 'public.plays' },
              },
              'lake',
            ),
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            datasetMigrations: {
              // Approvals are tested on their own (approvals.test.ts); here migrations run at once.
              approvals: { required: [] },
              engines: {
                warehouse: {
                  type: 'postgres',
                  connection: connectionUrlOf(warehouse),
                },
                lake: { type: 'postgres', connection: second.url },
              },
            },
          },
        }),
      ],
    });
  }, 90_000);

  afterAll(async () => {
    await backend?.stop();
    await lake?.destroy();
    await second?.destroy();
  }, 60_000);

  it('migrates each dataset on the server its engine names', async () => {
    const api = () => request(backend.server);
    const start = async (entityRef: string, type: string) => {
      const res = await api()
        .post(`${API}/migrations`)
        .send({
          entityRef,
          targetVersion: 2,
          changes: [{ changeType: { field: 'score', type } }],
        });
      expect(res.status).toBe(201);
      return res.body.migration.id as string;
    };
    const ids = [
      await start('resource:default/plays', 'integer'),
      await start('resource:default/lake-plays', 'bigint'),
    ];
    for (const id of ids) {
      const done = await waitFor(
        async () => {
          const migration: MigrationDetails = (
            await api().get(`${API}/migrations/${id}`)
          ).body.migration;
          return ['succeeded', 'failed'].includes(migration.status)
            ? migration
            : undefined;
        },
        { timeoutMs: 30_000, what: `migration ${id}` },
      );
      expect(done.status).toBe('succeeded');
    }
    // Each server holds version 2 of its own dataset (the name expands until contract).
    const typeOf = async (db: Knex) =>
      (
        await db.raw(`SELECT format_type(atttypid, atttypmod) AS t FROM pg_attribute
                      WHERE attrelid = 'public.plays_v2'::regclass AND attname = 'score'`)
      ).rows[0].t;
    expect(await typeOf(warehouse)).toBe('integer');
    expect(await typeOf(lake)).toBe('bigint');
    expect((await lake('plays_v2').sum({ s: 'score' }))[0].s).toBe(
      String(50 * 45),
    );
  });
});
