import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import request from 'supertest';
import type { Entity } from '@backstage/catalog-model';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { dataset } from '../__testUtils__/fixtures';
import { createRepository, registeredIn } from '../__testUtils__/gitRepos';
import { RewriteWorkers } from '../consumers/rewriteWorkers';
import { startPluginBackend } from '../__testUtils__/pluginBackend';

const API = '/api/dataset-migrations';
const EVENTS = 'resource:default/events';
/** About 64 KiB of dense SQL reading the dataset: seconds of parsing on a loaded machine. */
const SQL = 'select title from events where id > 1;\n'.repeat(1700);

/**
 * `POST /impact` parses every consumer's SQL (up to a megabyte a file): on the
 * preview workers, as `POST /rewrite-preview` does, never on the request thread.
 */
describe('impact preview', () => {
  const { init } = createTestDatabases();
  let backend: Awaited<ReturnType<typeof startPluginBackend>>;
  let work: string;
  const api = () => request(backend.server);
  const changes = [{ renameField: { from: 'title', to: 'headline' } }];

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'dsm-impact-'));
    chmodSync(work, 0o755);
    createRepository(join(work, 'big'), { 'q.sql': SQL });
    const consumer: Entity = {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'big',
        namespace: 'default',
        annotations: registeredIn(join(work, 'big')),
      },
      spec: {
        type: 'pipeline',
        lifecycle: 'production',
        owner: 'group:default/big-team',
        dependsOn: [EVENTS],
      },
      relations: [{ type: 'dependsOn', targetRef: EVENTS }],
    };
    const pluginDb = await init();
    const warehouse: Knex = await init();
    await warehouse.raw(
      `CREATE TABLE public.events (id int PRIMARY KEY, title text)`,
    );
    backend = await startPluginBackend({
      pluginDb,
      warehouse,
      entities: [
        {
          ...dataset('events'),
          relations: [
            { type: 'dependencyOf', targetRef: 'component:default/big' },
          ],
        },
        consumer,
      ],
      config: {
        worker: { enabled: false },
        consumers: {
          localGit: { roots: [work] },
          rewritePreview: { queue: 1 },
        },
      },
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    rmSync(work, { recursive: true, force: true });
  }, 30_000);

  afterEach(() => jest.restoreAllMocks());

  const preview = () =>
    api()
      .post(`${API}/impact`)
      .send({ entityRef: EVENTS, changes })
      .then(res => res);

  it('parses consumers on a worker: /health answers while it does, and the answer is the same', async () => {
    // When a consumer goes to a worker, ask for /health: it must answer before
    // the worker does (on the request thread it could only answer after).
    const order: string[] = [];
    const health: Promise<unknown>[] = [];
    const assess = RewriteWorkers.prototype.assess;
    jest
      .spyOn(RewriteWorkers.prototype, 'assess')
      .mockImplementation(function assessAskingHealth(
        this: RewriteWorkers,
        ...args
      ) {
        health.push(
          api()
            .get(`${API}/health`)
            .then(res => order.push(`health ${res.status}`)),
        );
        return assess.apply(this, args).then(answer => {
          order.push('assessed');
          return answer;
        });
      });
    const started = Date.now();
    const res = await preview();
    await Promise.all(health);
    console.log(
      `impact of one consumer with ${SQL.length} characters of SQL: ${
        Date.now() - started
      } ms`,
    );
    expect({ status: res.status, body: res.body }).toEqual({
      status: 200,
      body: {
        consumers: 1,
        byStatus: expect.objectContaining({ affected: 1, unreachable: 0 }),
        affected: [
          {
            entityRef: 'component:default/big',
            status: 'affected',
            fields: ['title'],
          },
        ],
      },
    });
    expect(order).toEqual(['health 200', 'assessed']);
  }, 60_000);

  it('answers 503 with Retry-After, naming the limit, to impacts beyond those the workers queue', async () => {
    // Six at once: two parse, one waits (this backend's queue is 1), three are refused.
    const answers = await Promise.all([1, 2, 3, 4, 5, 6].map(preview));
    const refused = answers.filter(res => res.status === 503);
    expect(refused.length).toBeGreaterThanOrEqual(1);
    expect(refused[0].headers['retry-after']).toBe('5');
    expect(refused[0].body.error.message).toContain(
      'the impact preview was not started: the 2 rewrite workers are busy and 1 previews wait for them, at most 1 may (datasetMigrations.consumers.rewritePreview.queue)',
    );
    expect(
      answers.filter(res => res.status !== 503).map(res => res.status),
    ).toEqual(Array(6 - refused.length).fill(200));
  }, 90_000);
});
