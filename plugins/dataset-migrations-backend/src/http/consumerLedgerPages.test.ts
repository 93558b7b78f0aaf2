import type { Knex } from 'knex';
import request from 'supertest';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { ConsumerLedger } from '@dataset-migrations/plugin-dataset-migrations-common';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { dataset, succeededMigration } from '../__testUtils__/fixtures';
import { DatabaseMigrationStore } from '../database/DatabaseMigrationStore';
import { ConsumerStore } from '../database/ConsumerStore';
import { datasetMigrationsPlugin } from '../plugin';

const API = '/api/dataset-migrations';
const NAMES = ['e', 'd', 'c', 'b', 'a'];

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'pipeline', lifecycle: 'production', owner: 'group:default/x' },
});

describe('GET /migrations/:id/consumers: the ledger a page at a time', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  let id: string;
  const ledger = (query: Record<string, string> = {}) =>
    request(backend.server)
      .get(`${API}/migrations/${id}/consumers`)
      .query(query);

  beforeAll(async () => {
    knex = await init();
    backend = await startTestBackend({
      features: [
        datasetMigrationsPlugin,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({
          entities: [dataset('events'), ...NAMES.map(component)],
        }),
        mockServices.rootConfig.factory({
          data: { datasetMigrations: { worker: { enabled: false } } },
        }),
      ],
    });
    const store = await DatabaseMigrationStore.create({
      database: mockServices.database({ knex }),
    });
    const consumers = new ConsumerStore(knex);
    id = await succeededMigration(store);
    // `e` is reached through `a`: deeper consumers come after every direct one.
    await consumers.addDiscovered(
      id,
      NAMES.map(name => ({
        entityRef: `component:default/${name}`,
        depth: name === 'e' ? 2 : 1,
      })),
    );
    for (const name of ['a', 'c'])
      await consumers.advance(id, `component:default/${name}`, ['discovered'], {
        state: 'unaffected',
      });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
  });

  it('answers the whole ledger without a limit, and pages in its order with one, counts over every consumer', async () => {
    const whole = await ledger();
    expect(whole.status).toBe(200);
    const all = whole.body as ConsumerLedger;
    expect(all.consumers.map(c => c.entityRef)).toEqual(
      ['a', 'b', 'c', 'd', 'e'].map(n => `component:default/${n}`),
    );
    expect(all.nextOffset).toBeUndefined();

    const pages: ConsumerLedger[] = [];
    for (const offset of ['0', '2', '4']) {
      const res = await ledger({ limit: '2', offset });
      expect(res.status).toBe(200);
      pages.push(res.body);
    }
    expect(pages.map(p => p.nextOffset)).toEqual([2, 4, undefined]);
    expect(pages.flatMap(p => p.consumers)).toEqual(all.consumers);
    for (const page of pages) {
      expect(page.counts).toEqual(all.counts);
      expect(page.counts).toMatchObject({ unaffected: 2, discovered: 3 });
    }
  });

  it.each([
    [{ limit: '0' }, 'limit: must be at least 1'],
    [{ limit: '501' }, 'limit: must be at most 500'],
    [{ limit: '2', offset: '-1' }, 'offset: must not be negative'],
    [{ limit: 'many' }, 'limit'],
    [{ state: 'failed' }, 'state'],
  ])('refuses %j with a 400 naming it', async (query, message) => {
    const res = await ledger(query);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(message);
  });
});
