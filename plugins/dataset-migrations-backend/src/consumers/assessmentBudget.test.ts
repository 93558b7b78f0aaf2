import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import request from 'supertest';
import type {
  ConsumerLedger,
  MigrationConsumer,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { createTestDatabases, waitFor } from '../__testUtils__/testDatabases';
import { consumerComponent, dataset } from '../__testUtils__/fixtures';
import {
  createRepository,
  gitIn,
  registeredIn,
} from '../__testUtils__/gitRepos';
import { startPluginBackend } from '../__testUtils__/pluginBackend';

const API = '/api/dataset-migrations';
const EVENTS = 'resource:default/listening_events';

const component = (name: string, annotations: Record<string, string>) =>
  consumerComponent(name, annotations, [EVENTS]);

/**
 * A consumer job reads a consumer's code on a worker thread within
 * `consumers.assessment`, and a preview within `consumers.rewritePreview.timeout`:
 * one whose code takes longer is stopped and goes to a person, unchanged, while
 * the others of the same migration or preview go on.
 */
describe('the time budget of reading a consumer', () => {
  const { init } = createTestDatabases();
  let backend: Awaited<ReturnType<typeof startPluginBackend>>;
  let warehouse: Knex;
  let work: string;
  const repo = (name: string) => join(work, name);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'dsm-budget-'));
    chmodSync(work, 0o755);
    createRepository(repo('report'), {
      'q.sql': 'select user_id, track_id from listening_events;\n',
    });
    // Under the 1 MiB the rules read of a file, and seconds of parsing: one
    // statement each of 17,000 lines.
    createRepository(repo('huge'), {
      'reports.sql':
        'select track_id from listening_events where user_id > 1;\n'.repeat(
          17_000,
        ),
    });
    const consumers = [
      component('report', registeredIn(repo('report'))),
      component('huge', registeredIn(repo('huge'))),
    ];
    const events = {
      ...dataset('listening_events'),
      relations: consumers.map(c => ({
        type: 'dependencyOf',
        targetRef: `component:default/${c.metadata.name}`,
      })),
    };
    const pluginDb = await init();
    warehouse = await init();
    await warehouse.raw(`
      CREATE TABLE public.listening_events (event_id bigint PRIMARY KEY,
        user_id bigint NOT NULL, track_id text NOT NULL);
      INSERT INTO public.listening_events
        SELECT g, g % 7, 'trk_' || (g % 13) FROM generate_series(1, 100) g;
    `);
    backend = await startPluginBackend({
      pluginDb,
      warehouse,
      entities: [events, ...consumers],
      realScheduler: true,
      config: {
        approvals: { required: [] },
        worker: { concurrency: 2 },
        consumers: {
          localGit: { roots: [work] },
          assessment: { timeout: '2s' },
          rewritePreview: { timeout: '2s' },
        },
      },
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    rmSync(work, { recursive: true, force: true });
  }, 30_000);

  const api = () => request(backend.server);
  const changes = [{ renameField: { from: 'track_id', to: 'track_uri' } }];

  it("previews the others' impact, telling of the one it stopped rather than failing whole", async () => {
    const res = await api()
      .post(`${API}/impact`)
      .send({ entityRef: EVENTS, changes });
    expect(res.status).toBe(200);
    expect(res.body.byStatus).toMatchObject({
      affected: 1,
      'assessment-stopped': 1,
      unreachable: 0,
    });
    expect(res.body.affected).toEqual([
      {
        entityRef: 'component:default/huge',
        status: 'assessment-stopped',
        fields: [],
      },
      {
        entityRef: 'component:default/report',
        status: 'affected',
        fields: ['track_id'],
      },
    ]);
  }, 60_000);

  it('stops a consumer whose code takes longer, unchanged and waiting for a person, and rewrites the rest', async () => {
    const created = await api().post(`${API}/migrations`).send({
      entityRef: EVENTS,
      targetVersion: 2,
      changes,
    });
    expect(created.status).toBe(201);
    const id = created.body.migration.id;

    const ledger = await waitFor(
      async () => {
        const res = await api().get(`${API}/migrations/${id}/consumers`);
        expect(res.status).toBe(200);
        const { consumers } = res.body as ConsumerLedger;
        return consumers.length === 2 &&
          consumers.every(c => ['pr-opened', 'failed'].includes(c.state))
          ? consumers
          : undefined;
      },
      { timeoutMs: 90_000, what: 'both consumers to settle' },
    );
    const byName = Object.fromEntries(
      ledger.map(c => [c.entityRef.split('/')[1], c]),
    ) as Record<string, MigrationConsumer>;

    expect(byName.huge).toMatchObject({
      state: 'failed',
      failure: { kind: 'assessment-stopped' },
    });
    const { message } = byName.huge.failure!;
    expect(message).toContain(`reading file://${repo('huge')}/`);
    expect(message).toContain('took longer than 2 s');
    expect(message).toContain('datasetMigrations.consumers.assessment');
    // Nothing known of it, nothing written to it: no impact, no branch.
    expect(byName.huge.impact).toBeUndefined();
    expect(byName.huge.pullRequest).toBeUndefined();
    expect(gitIn(repo('huge'), 'branch', '--format=%(refname:short)')).toBe(
      `${gitIn(repo('huge'), 'branch', '--show-current').trim()}\n`,
    );

    // The other consumer was read on a worker too, and rewritten.
    expect(byName.report.state).toBe('pr-opened');
    expect(
      gitIn(
        repo('report'),
        'show',
        `${byName.report.pullRequest!.branch}:q.sql`,
      ),
    ).toBe('select user_id, track_uri AS track_id from listening_events;\n');

    // A person's retry reads it again, from the start.
    const retried = await api()
      .post(`${API}/migrations/${id}/consumers/retry`)
      .send({ entityRefs: ['component:default/huge'] });
    expect(retried.status).toBe(200);
    expect(retried.body.retried).toEqual(['component:default/huge']);
    await waitFor(
      async () => {
        const res = await api().get(`${API}/migrations/${id}/consumers`);
        const huge = (res.body as ConsumerLedger).consumers.find(c =>
          c.entityRef.endsWith('/huge'),
        )!;
        return huge.state === 'failed' &&
          huge.updatedAt !== byName.huge.updatedAt
          ? huge
          : undefined;
      },
      { timeoutMs: 60_000, what: 'the retried consumer to be stopped again' },
    ).then(huge => expect(huge.failure?.kind).toBe('assessment-stopped'));
  }, 120_000);
});
