import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
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
const QUERY = 'select track_id from listening_events;\n';
const TRACKS = 'resource:default/tracks';
/** Joins a dataset its entity declares in dependsOn. */
const JOINED =
  'select t.title, count(*) from listening_events e join tracks t on t.track_id = e.track_id group by t.title;\n';
/** Joins a table it does not declare (nor is it a dataset). */
const SNOOPING =
  'select e.track_id, u.token from listening_events e join user_tokens u on u.id = e.event_id;\n';

function component(
  name: string,
  repository: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: {
        ...registeredIn(repository),
        ...annotations,
      },
    },
    spec: {
      type: 'pipeline',
      lifecycle: 'production',
      owner: 'group:default/readers',
      dependsOn: [EVENTS],
    },
    relations: [{ type: 'dependsOn', targetRef: EVENTS }],
  };
}

// What a catalog entity may make the backend do, with the plugin's defaults: no
// verify commands, and local git only under the configured roots.
describe('trust boundaries of catalog annotations, with default config', () => {
  const { init } = createTestDatabases();
  let backend: Awaited<ReturnType<typeof startPluginBackend>>;
  let work: string;
  let warehouseDb: Awaited<ReturnType<typeof init>>;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'dsm-trust-'));
    chmodSync(work, 0o755);
    const allowed = join(work, 'repos');
    createRepository(join(allowed, 'checked'), { 'q.sql': QUERY });
    createRepository(join(work, 'elsewhere', 'private'), { 'q.sql': QUERY });
    createRepository(join(allowed, 'joiner'), { 'q.sql': JOINED });
    createRepository(join(allowed, 'snooper'), { 'q.sql': SNOOPING });
    createRepository(join(allowed, 'victim'), { 'q.sql': QUERY });
    const joiner = component('joiner', join(allowed, 'joiner'));
    joiner.spec!.dependsOn = [EVENTS, TRACKS];
    const consumers = [
      joiner,
      component('snooper', join(allowed, 'snooper')),
      component('checked', join(allowed, 'checked'), {
        // Would run on the backend's machine if commands were on.
        'dataset-migrations.io/verify-command': 'sh -c "exit 3"',
      }),
      component('escaper', join(work, 'elsewhere', 'private')),
      // Names another team's repository as its source, from a catalog file of its own.
      component('impostor', join(allowed, 'victim'), {
        'backstage.io/managed-by-location': `file:${work}/attacker/catalog-info.yaml`,
      }),
    ];
    const events = {
      ...dataset('listening_events'),
      relations: consumers.map(c => ({
        type: 'dependencyOf',
        targetRef: `component:default/${c.metadata.name}`,
      })),
    };
    const pluginDb = await init();
    const warehouse = await init();
    await warehouse.raw(`
      CREATE TABLE public.listening_events (event_id bigint PRIMARY KEY,
        track_id text NOT NULL);
      INSERT INTO public.listening_events
        SELECT g, 'trk_' || (g % 13) FROM generate_series(1, 100) g;
      CREATE TABLE public.tracks (track_id text PRIMARY KEY, title text);
      INSERT INTO public.tracks SELECT 'trk_' || g, 'title ' || g FROM generate_series(0, 12) g;
      CREATE TABLE public.user_tokens (id bigint PRIMARY KEY, token text);
      INSERT INTO public.user_tokens SELECT g, 'secret-' || g FROM generate_series(1, 100) g;
    `);
    warehouseDb = warehouse;
    backend = await startPluginBackend({
      pluginDb,
      warehouse,
      entities: [events, dataset('tracks'), ...consumers],
      realScheduler: true,
      config: {
        // The rename is breaking; what is tested here comes after approval.
        approvals: { required: [] },
        consumers: {
          followUpInterval: '1s',
          localGit: { roots: [allowed] },
        },
      },
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    rmSync(work, { recursive: true, force: true });
  }, 30_000);

  it('previews no impact from a repository an entity was not registered from', async () => {
    const res = await request(backend.server)
      .post(`${API}/impact`)
      .send({
        entityRef: EVENTS,
        changes: [{ renameField: { from: 'track_id', to: 'track_uri' } }],
      });
    expect(res.status).toBe(200);
    expect(res.body.byStatus).toMatchObject({
      affected: 3,
      'repository-not-registered': 1,
      unreachable: 1,
    });
    expect(
      res.body.affected.map((a: { entityRef: string }) => a.entityRef),
    ).not.toContain('component:default/impostor');
  });

  it('runs no verify command, and reads no repository outside the roots', async () => {
    const api = () => request(backend.server);
    const created = await api()
      .post(`${API}/migrations`)
      .send({
        entityRef: EVENTS,
        targetVersion: 2,
        changes: [{ renameField: { from: 'track_id', to: 'track_uri' } }],
      });
    expect(created.status).toBe(201);
    const id = created.body.migration.id;
    const ledger = await waitFor(
      async () => {
        const res = await api().get(`${API}/migrations/${id}/consumers`);
        const body = res.body as ConsumerLedger;
        return body.consumers?.length === 5 &&
          body.consumers.every(c => ['pr-opened', 'failed'].includes(c.state))
          ? body
          : undefined;
      },
      { timeoutMs: 60_000, what: 'every consumer to settle' },
    );
    const c = Object.fromEntries(
      ledger.consumers.map(x => [x.entityRef.split('/')[1], x]),
    ) as Record<string, MigrationConsumer>;

    // The command would have failed the consumer; it was not run, and the ledger says so.
    expect(c.checked.state).toBe('pr-opened');
    expect(c.checked.verification?.command).toBeUndefined();
    expect(c.checked.verification?.commandNotRun).toMatch(
      /was not run: verify commands are off \(datasetMigrations\.consumers\.verify\.commands\)/,
    );
    expect(c.checked.verification?.shadowChecks.map(s => s.outcome)).toEqual([
      'match',
    ]);

    expect(c.escaper.state).toBe('failed');
    expect(c.escaper.failure?.message).toMatch(
      /outside datasetMigrations\.consumers\.localGit\.roots/,
    );
    expect(c.escaper.pullRequest).toBeUndefined();

    // A source location is only the entity's word: no pull request goes to a
    // repository it was not registered from, and the repository is left as it was.
    expect(c.impostor.state).toBe('failed');
    expect(c.impostor.failure).toEqual({
      kind: 'repository-not-registered',
      message: expect.stringContaining(
        `component:default/impostor names file://${join(
          work,
          'repos',
          'victim',
        )}/ as its source but was registered from file:${work}/attacker/catalog-info.yaml, outside that repository`,
      ),
    });
    // Nor is its code read, patched or run: it has no impact and no patch.
    expect(c.impostor.impact).toBeUndefined();
    expect(c.impostor.patch).toBeUndefined();
    expect(c.impostor.pullRequest).toBeUndefined();
    expect(
      gitIn(
        join(work, 'repos', 'victim'),
        'branch',
        '--format=%(refname:short)',
      )
        .trim()
        .split('\n'),
    ).toEqual(['main']);

    // Shadow checks read the datasets a consumer declares, and nothing else.
    expect(c.joiner.verification?.shadowChecks).toEqual([
      // Compared (a match, not skipped), its figures not kept: it reads beside.
      expect.objectContaining({ outcome: 'match' }),
    ]);
    expect(c.snooper.verification?.shadowChecks).toEqual([
      expect.objectContaining({
        outcome: 'skipped',
        detail: expect.stringMatching(
          /permission denied for table user_tokens: shadow checks may read only the dataset's versions and the datasets the consumer declares in dependsOn/,
        ),
      }),
    ]);
    // And once they ended, their role may read nothing at all.
    const { rows } = await warehouseDb.raw(
      `SELECT c.oid::regclass::text AS relation FROM pg_class c, aclexplode(c.relacl) a
        WHERE a.grantee = (SELECT oid FROM pg_roles WHERE rolname = 'dataset_migrations_shadow')`,
    );
    expect(rows).toEqual([]);
  }, 90_000);
});
