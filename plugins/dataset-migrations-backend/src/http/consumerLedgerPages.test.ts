import type { Knex } from 'knex';
import request from 'supertest';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { ConsumerLedger } from '@dataset-migrations/plugin-dataset-migrations-common';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { dataset, succeededMigration } from '../__testUtils__/fixtures';
import { DatabaseMigrationStore } from '../database/DatabaseMigrationStore';
import { ConsumerStore } from '../database/ConsumerStore';
import { DatasetCatalog } from '../catalog/DatasetCatalog';
import { ConsumerService } from '../services/ConsumerService';
import { startPluginBackend } from '../__testUtils__/pluginBackend';

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
  let backend: Awaited<ReturnType<typeof startPluginBackend>>;
  let id: string;
  let consumers: ConsumerStore;
  const ledger = (query: Record<string, string> = {}) =>
    request(backend.server)
      .get(`${API}/migrations/${id}/consumers`)
      .query(query);

  beforeAll(async () => {
    knex = await init();
    backend = await startPluginBackend({
      pluginDb: knex,
      entities: [dataset('events'), ...NAMES.map(component)],
      config: { worker: { enabled: false } },
    });
    const store = await DatabaseMigrationStore.create({
      database: mockServices.database({ knex }),
    });
    consumers = new ConsumerStore(knex);
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

  it('says no coding agent is configured when none is, to a signed-in user only', async () => {
    const res = await request(backend.server).get(
      '/api/dataset-migrations/coding-agent',
    );
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ configured: false });
    const anonymous = await request(backend.server)
      .get('/api/dataset-migrations/coding-agent')
      .set('authorization', mockCredentials.none.header());
    expect(anonymous.status).toBe(401);
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

  it('lists only the states asked for, a page at a time, with their total; counts stay over every consumer', async () => {
    const first = (await ledger({ state: 'discovered', limit: '2' }))
      .body as ConsumerLedger;
    expect(first.consumers.map(c => c.entityRef)).toEqual([
      'component:default/b',
      'component:default/d',
    ]);
    expect(first).toMatchObject({ total: 3, nextOffset: 2, undecided: 0 });
    expect(first.counts).toMatchObject({ unaffected: 2, discovered: 3 });
    const second = (
      await ledger({ state: 'discovered', limit: '2', offset: '2' })
    ).body as ConsumerLedger;
    expect(second.consumers.map(c => c.entityRef)).toEqual([
      'component:default/e',
    ]);
    expect(second.nextOffset).toBeUndefined();

    // Several states, comma-separated or repeated, in ledger order.
    for (const state of ['unaffected,failed', ['unaffected', 'failed']]) {
      const res = await request(backend.server)
        .get(`${API}/migrations/${id}/consumers`)
        .query({ state, limit: '10' });
      expect(res.status).toBe(200);
      expect(res.body.total).toBe(2);
      expect(
        res.body.consumers.map((c: { entityRef: string }) => c.entityRef),
      ).toEqual(['component:default/a', 'component:default/c']);
    }
    const none = (await ledger({ state: 'merged', limit: '10' }))
      .body as ConsumerLedger;
    expect(none).toMatchObject({ total: 0, consumers: [] });
  });

  it('counts the consumers that wait for a decision', async () => {
    await consumers.advance(id, 'component:default/d', ['discovered'], {
      state: 'failed',
      failure: { kind: 'needs-decision', message: 'reads a dropped field' },
    });
    try {
      const page = (await ledger({ limit: '1' })).body as ConsumerLedger;
      expect(page).toMatchObject({ undecided: 1, total: 5 });
      expect(page.counts.failed).toBe(1);
    } finally {
      await knex('migration_consumers')
        .where({ migration_id: id, entity_ref: 'component:default/d' })
        .update({ state: 'discovered', failure_kind: null });
    }
  });

  it('streams the impact report a page at a time: every consumer once, in ledger order', async () => {
    const store = await DatabaseMigrationStore.create({
      database: mockServices.database({ knex }),
    });
    const big = await succeededMigration(store);
    // More than two pages of the report (500 a page).
    const refs = Array.from(
      { length: 1203 },
      (_, i) => `component:default/c${String(i).padStart(4, '0')}`,
    );
    await consumers.addDiscovered(
      big,
      refs.map(entityRef => ({ entityRef, depth: 1 })),
    );
    const res = await request(backend.server).get(
      `${API}/migrations/${big}/impact.csv`,
    );
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/text\/csv/);
    const lines = res.text.trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^consumer,owner,depth,state/);
    expect(lines.slice(1).map(line => line.split(',')[0])).toEqual(refs);

    const missing = await request(backend.server).get(
      `${API}/migrations/00000000-0000-4000-8000-000000000000/impact.csv`,
    );
    expect(missing.status).toBe(404);
  });

  it('streams each consumer once while the ledger changes between pages, since each page starts past the last', async () => {
    const store = await DatabaseMigrationStore.create({
      database: mockServices.database({ knex }),
    });
    const run = await succeededMigration(store);
    const refs = Array.from(
      { length: 10 },
      (_, i) => `component:default/c${i}`,
    );
    await consumers.addDiscovered(
      run,
      refs.map(entityRef => ({ entityRef, depth: 1 })),
    );
    const service = new ConsumerService({
      consumers,
      migrations: store,
      catalog: new DatasetCatalog(
        catalogServiceMock({ entities: [dataset('events')] }),
        mockServices.auth(),
      ),
      // The report reads no code and queues nothing.
      engines: undefined as never,
      readers: [],
      retentionMs: 0,
      rewrites: undefined as never,
      enqueueConsumer: async () => {},
    });
    const credentials = mockCredentials.user();
    const remove = (...names: string[]) =>
      knex('migration_consumers')
        .where({ migration_id: run })
        .whereIn(
          'entity_ref',
          names.map(n => `component:default/${n}`),
        )
        .delete();
    const chunks: string[] = [];
    let page = 0;
    for await (const chunk of service.impactCsv(run, credentials, 3)) {
      chunks.push(chunk);
      page += 1;
      // Discovery adds a consumer ahead of the pages read so far…
      if (page === 1)
        await consumers.addDiscovered(run, [
          { entityRef: 'component:default/b0', depth: 1 },
        ]);
      // …then two ahead of them are gone.
      if (page === 2) await remove('b0', 'c0');
    }
    const lines = chunks.join('').trimEnd().split('\r\n');
    expect(lines[0]).toMatch(/^consumer,/);
    expect(lines.slice(1).map(line => line.split(',')[0])).toEqual(refs);
  });

  it('breaks off the impact report, not ends it, when a later page fails', async () => {
    const store = await DatabaseMigrationStore.create({
      database: mockServices.database({ knex }),
    });
    const run = await succeededMigration(store);
    await consumers.addDiscovered(
      run,
      Array.from({ length: 1203 }, (_, i) => ({
        entityRef: `component:default/c${String(i).padStart(4, '0')}`,
        depth: 1,
      })),
    );
    // A row the second page cannot be read from: its decision has no time.
    await knex('migration_consumers')
      .where({ migration_id: run, entity_ref: 'component:default/c0700' })
      .update({ decision: JSON.stringify({ decidedAt: 'not a time' }) });
    // A broken transfer: the client cannot take the part it got for the whole.
    await expect(
      request(backend.server).get(`${API}/migrations/${run}/impact.csv`),
    ).rejects.toThrow('aborted');
  });

  it.each([
    ["{ limit: '0' }", { limit: '0' }, 'limit: must be at least 1'],
    ["{ limit: '-1' }", { limit: '-1' }, 'limit: must be at least 1'],
    ["{ limit: '501' }", { limit: '501' }, 'limit: must be at most 500'],
    [
      "{ limit: '1e9' }",
      { limit: '1e9' },
      'limit: must be a number written in decimal digits',
    ],
    ["{ limit: '2.5' }", { limit: '2.5' }, 'limit: must be a whole number'],
    ["{ limit: 'many' }", { limit: 'many' }, 'limit: must be a number'],
    [
      "{ limit: '2', offset: '-1' }",
      { limit: '2', offset: '-1' },
      'offset: must not be negative',
    ],
    [
      "{ limit: '2', offset: 'abc' }",
      { limit: '2', offset: 'abc' },
      'offset: must be a number',
    ],
    [
      "{ limit: '2', offset: '1e20' }",
      { limit: '2', offset: '1e20' },
      'offset: must be a number written in decimal digits',
    ],
    [
      "{ limit: '2', offset: '9'.repeat(20) }",
      { limit: '2', offset: '9'.repeat(20) },
      'offset: must be at most 9007199254740991',
    ],
    [
      "{ state: 'failed,bogus' }",
      { state: 'failed,bogus' },
      'state: unknown state "bogus"',
    ],
    ["{ state: '' }", { state: '' }, 'state: unknown state ""'],
    [
      "{ state: 'failed,' × 300 }",
      { state: 'failed,'.repeat(300) },
      'state: must be at most 200',
    ],
    [
      "{ 'state[a]': 'failed' }",
      { 'state[a]': 'failed' },
      'state: must be a list of states',
    ],
    ["{ sort: 'state' }", { sort: 'state' }, 'sort'],
  ])('refuses %s with a 400 naming it', async (_label, query, message) => {
    const res = await ledger(query);
    expect(res.status).toBe(400);
    expect(res.body.error.message).toContain(message);
  });
});
