import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import request from 'supertest';
import type { Entity } from '@backstage/catalog-model';
import type {
  ConsumerLedger,
  MigrationConsumer,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { createTestDatabases, waitFor } from '../__testUtils__/testDatabases';
import { dataset } from '../__testUtils__/fixtures';
import {
  createRepository,
  gitIn,
  registeredIn,
} from '../__testUtils__/gitRepos';
import { startPluginBackend } from '../__testUtils__/pluginBackend';

const API = '/api/dataset-migrations';
const EVENTS = 'resource:default/listening_events';

const REPORT = `-- minutes played per track title
SELECT t.title, sum(e.ms_played) AS total_ms
FROM public.listening_events e
JOIN public.tracks t ON t.track_id = e.track_id
GROUP BY t.title;
`;
const COUNTER = 'select count(*) as plays from listening_events;\n';
const DBT_MODEL = `{{ config(materialized='view') }}
select track_id, ms_played
from {{ source('warehouse', 'listening_events') }}
where ms_played >= 1000
`;
const DBT_SOURCES = `version: 2
sources:
  - name: warehouse
    schema: public
    tables:
      - name: listening_events
      - name: tracks
`;

function component(name: string, repository: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: registeredIn(repository),
    },
    spec: {
      type: 'pipeline',
      lifecycle: 'production',
      owner: `group:default/${name}-team`,
      dependsOn: [EVENTS],
    },
    relations: [{ type: 'dependsOn', targetRef: EVENTS }],
  };
}

describe('consumers of a renamed dataset, through the job path', () => {
  const { init } = createTestDatabases();
  let backend: Awaited<ReturnType<typeof startPluginBackend>>;
  let warehouse: Knex;
  let work: string;
  const repo = (name: string) => join(work, name);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'dsm-renamed-'));
    chmodSync(work, 0o755);
    createRepository(repo('report'), { 'sql/report.sql': REPORT });
    createRepository(repo('counter'), { 'q.sql': COUNTER });
    createRepository(repo('dbt'), {
      'models/plays.sql': DBT_MODEL,
      'models/sources.yml': DBT_SOURCES,
    });
    const consumers = ['report', 'counter', 'dbt'].map(name =>
      component(name, repo(name)),
    );
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
      CREATE TABLE public.tracks (track_id text PRIMARY KEY, title text NOT NULL);
      INSERT INTO public.tracks SELECT 'trk_' || g, 'Song ' || (g % 5) FROM generate_series(0, 12) g;
      -- Readable by every role: the shadow checks' too, so the join is checked.
      GRANT SELECT ON public.tracks TO PUBLIC;
      CREATE TABLE public.listening_events (event_id bigint PRIMARY KEY,
        track_id text NOT NULL, ms_played integer NOT NULL);
      INSERT INTO public.listening_events
        SELECT g, 'trk_' || (g % 13), 500 + (g * 37) % 5000 FROM generate_series(1, 300) g;
    `);
    backend = await startPluginBackend({
      pluginDb,
      warehouse,
      entities: [events, ...consumers],
      realScheduler: true,
      config: {
        // Approvals are tested on their own (approvals.test.ts); here migrations run at once.
        approvals: { required: [] },
        worker: { concurrency: 4 },
        consumers: {
          followUpInterval: '1s',
          localGit: { roots: [work] },
        },
      },
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    rmSync(work, { recursive: true, force: true });
  }, 30_000);

  const api = () => request(backend.server);
  const spec = {
    entityRef: EVENTS,
    changes: [{ changeType: { field: 'ms_played', type: 'bigint' } }],
    renameDataset: { to: 'plays' },
  };

  it('never previews a reader of the renamed dataset as unaffected', async () => {
    const res = await api().post(`${API}/impact`).send(spec);
    expect(res.status).toBe(200);
    expect(res.body.byStatus).toMatchObject({ affected: 3, unaffected: 0 });
    // Without the rename nothing needs a change: ms_played only widens.
    const plain = await api()
      .post(`${API}/impact`)
      .send({ ...spec, renameDataset: undefined });
    expect(plain.body.byStatus).toMatchObject({ affected: 0, unaffected: 3 });

    const preview = await api()
      .post(`${API}/rewrite-preview`)
      .send({
        entityRef: EVENTS,
        changes: [],
        renameDataset: { to: 'plays' },
        files: [{ path: 'q.sql', content: COUNTER }],
      });
    expect(preview.status).toBe(200);
    // The statement says the new name (an output's, here): the old stays the
    // alias, so nothing said `plays` can be taken for the table.
    expect(preview.body.files[0]).toMatchObject({
      status: 'rewritten',
      content: 'select count(*) as plays from plays AS listening_events;\n',
    });
    const bad = await api()
      .post(`${API}/rewrite-preview`)
      .send({
        entityRef: EVENTS,
        changes: [],
        renameDataset: { to: 'Bad Name' },
        files: [{ path: 'q.sql', content: COUNTER }],
      });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/renameDataset\.to: must be/);
  }, 30_000);

  it('rewrites every reader to the new name, verified on the new version, in a pull request', async () => {
    const created = await api()
      .post(`${API}/migrations`)
      .send({ ...spec, targetVersion: 2 });
    expect(created.status).toBe(201);
    const id = created.body.migration.id;
    const ledger = await waitFor(
      async () => {
        const res = await api().get(`${API}/migrations/${id}/consumers`);
        const body = res.body as ConsumerLedger;
        return body.consumers?.length === 3 &&
          body.consumers.every(c => ['pr-opened', 'failed'].includes(c.state))
          ? body
          : undefined;
      },
      { timeoutMs: 60_000, what: 'every consumer to settle' },
    );
    const c = Object.fromEntries(
      ledger.consumers.map(x => [x.entityRef.split('/')[1], x]),
    ) as Record<string, MigrationConsumer>;
    for (const name of ['report', 'counter', 'dbt']) {
      expect({ name, state: c[name].state, failure: c[name].failure }).toEqual({
        name,
        state: 'pr-opened',
        failure: undefined,
      });
      // One SELECT each, read on the old version and, rewritten, on the new one.
      const outcomes = c[name].verification!.shadowChecks.map(x =>
        `${x.outcome} ${x.detail ?? ''}`.trim(),
      );
      expect({ name, outcomes }).toEqual({ name, outcomes: ['match'] });
    }
    const show = (name: string, path: string) =>
      gitIn(repo(name), 'show', `${c[name].pullRequest!.branch}:${path}`);
    // The join reads the new name; the widened field is read as it is.
    expect(show('report', 'sql/report.sql')).toBe(
      REPORT.replace('FROM public.listening_events e', 'FROM public.plays e'),
    );
    expect(c.report.patch).toContain('+FROM public.plays e');
    expect(show('counter', 'q.sql')).toBe(
      'select count(*) as plays from plays AS listening_events;\n',
    );
    // dbt: the source keeps its name; its identifier points at the new table.
    expect(show('dbt', 'models/sources.yml')).toBe(
      DBT_SOURCES.replace(
        '      - name: listening_events\n',
        '      - name: listening_events\n        identifier: plays\n',
      ),
    );
    expect(show('dbt', 'models/plays.sql')).toBe(DBT_MODEL);
    expect(c.dbt.patch).toContain('+        identifier: plays');
    // The pull request says what changes, and why the widened field has no cast.
    const {
      pulls: [pull],
    } = JSON.parse(
      readFileSync(
        join(repo('report'), '.git/dataset-migrations/pulls.json'),
        'utf8',
      ),
    );
    expect(pull.body).toContain(
      'The dataset is renamed to `public.plays`: this change reads it under that name.',
    );
    expect(pull.body).toMatch(
      /`ms_played` widens from integer to bigint and is read as it is, with no cast back to integer/,
    );
    // The shadow check read the new version under the new name.
    expect(c.counter.verification!.shadowChecks[0].after!.rows).toBe(1);
    const { rows } = await warehouse.raw(
      `SELECT count(*)::int AS n FROM public.plays_v2`,
    );
    expect(rows[0].n).toBe(300);
  }, 120_000);
});
