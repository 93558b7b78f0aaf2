import {
  chmodSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import request from 'supertest';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type {
  ConsumerLedger,
  ConsumerPullRequestDetails,
  MigrationConsumer,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  datasetMigrationsScmExtensionPoint,
  type ScmProvider,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import { createTestDatabases, waitFor } from '../__testUtils__/testDatabases';
import { consumerComponent, dataset } from '../__testUtils__/fixtures';
import {
  createRepository,
  gitIn,
  registeredIn,
} from '../__testUtils__/gitRepos';
import { startPluginBackend } from '../__testUtils__/pluginBackend';
import { ConsumerStore } from '../database/ConsumerStore';
import { LocalGitScmProvider } from './scm/LocalGitScmProvider';
import { LocalRepositoryRoots } from './repositories/LocalRepositoryRoots';

/** Set by a test that needs consumer updates denied. */
let denyConsumerUpdate = false;
const API = '/api/dataset-migrations';
const EVENTS = 'resource:default/listening_events';
const REPORT = `-- plays per track
SELECT e.track_id, sum(e.ms_played) AS total_ms
FROM public.listening_events e
GROUP BY e.track_id;
`;

const component = (name: string, annotations: Record<string, string> = {}) =>
  consumerComponent(name, annotations, [EVENTS]);

/**
 * A third-party provider as modules write them against the extension point: it
 * opens and follows pull requests but has neither of the optional abilities.
 */
function thirdPartyProvider(): ScmProvider {
  const local = new LocalGitScmProvider(new LocalRepositoryRoots([tmpdir()]));
  return {
    id: 'acme-scm',
    supports: url => url.includes('/acme-'),
    openPullRequest: draft => local.openPullRequest(draft),
    getPullRequest: (url, branch) => local.getPullRequest(url, branch),
  };
}

// Budgets for a loaded machine only: every wait below is for an outcome, not a time.
jest.setTimeout(30_000);

describe('consumer pull requests in the portal', () => {
  const { init } = createTestDatabases();
  let pluginDb: Knex;
  let warehouse: Knex;
  let backend: Awaited<ReturnType<typeof startPluginBackend>>;
  let work: string;
  let migrationId: string;
  const repo = (name: string) => join(work, name);
  const source = (name: string) => registeredIn(repo(name));
  const api = () => request(backend.server);
  const pullRequestPath = (name: string, id = migrationId) =>
    `${API}/migrations/${id}/consumers/component/default/${name}/pull-request`;

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'dsm-pull-requests-'));
    chmodSync(work, 0o755);
    for (const name of ['report', 'clash', 'acme-report'])
      createRepository(repo(name), { 'sql/report.sql': REPORT });
    createRepository(repo('bystander'), {
      'q.sql': 'select count(distinct user_id) from listening_events;\n',
    });
    const consumers = ['report', 'clash', 'acme-report', 'bystander'].map(
      name => component(name, source(name)),
    );
    const events = {
      ...dataset('listening_events'),
      relations: consumers.map(c => ({
        type: 'dependencyOf',
        targetRef: `component:default/${c.metadata.name}`,
      })),
    };

    pluginDb = await init();
    warehouse = await init();
    await warehouse.raw(`
      CREATE TABLE public.listening_events (event_id bigint PRIMARY KEY, user_id bigint NOT NULL,
        track_id text NOT NULL, ms_played integer NOT NULL);
      INSERT INTO public.listening_events
        SELECT g, g % 7, 'trk_' || (g % 13), 500 + (g * 37) % 5000 FROM generate_series(1, 200) g;
    `);
    backend = await startPluginBackend({
      pluginDb,
      warehouse,
      entities: [events, ...consumers],
      realScheduler: true,
      features: [
        // Everything is allowed, but updating consumers while a test denies it.
        mockServices.permissions.mock({
          authorize: async requests =>
            requests.map(r => ({
              result:
                denyConsumerUpdate &&
                r.permission.name === 'dataset-migrations.consumer.update'
                  ? AuthorizeResult.DENY
                  : AuthorizeResult.ALLOW,
            })) as never,
        }).factory,
        createBackendModule({
          pluginId: 'dataset-migrations',
          moduleId: 'acme-scm',
          register(env) {
            env.registerInit({
              deps: { scm: datasetMigrationsScmExtensionPoint },
              async init({ scm }) {
                scm.addScmProvider(thirdPartyProvider());
              },
            });
          },
        }),
      ],
      config: {
        // Approvals are tested on their own (approvals.test.ts); here migrations run at once.
        approvals: { required: [] },
        worker: { concurrency: 4 },
        // Never within this test: only the merge itself can move a consumer on.
        consumers: {
          followUpInterval: '1h',
          localGit: { roots: [work] },
        },
      },
    });

    const created = await api()
      .post(`${API}/migrations`)
      .send({
        entityRef: EVENTS,
        targetVersion: 2,
        changes: [{ renameField: { from: 'track_id', to: 'track_uri' } }],
      })
      .expect(201);
    migrationId = created.body.migration.id;
    await ledgerWhen(
      l =>
        l.consumers.length === 4 &&
        l.consumers.every(c => ['pr-opened', 'unaffected'].includes(c.state)),
      'every consumer to open its pull request or be unaffected',
    );
  }, 120_000);

  afterAll(async () => {
    await backend?.stop();
    rmSync(work, { recursive: true, force: true });
  }, 30_000);

  async function ledgerWhen(
    done: (ledger: ConsumerLedger) => boolean,
    what: string,
  ): Promise<ConsumerLedger> {
    return waitFor(
      async () => {
        const res = await api().get(
          `${API}/migrations/${migrationId}/consumers`,
        );
        expect(res.status).toBe(200);
        return done(res.body) ? (res.body as ConsumerLedger) : undefined;
      },
      { timeoutMs: 60_000, what },
    );
  }
  async function consumer(name: string): Promise<MigrationConsumer> {
    const res = await api().get(`${API}/migrations/${migrationId}/consumers`);
    return (res.body as ConsumerLedger).consumers.find(
      c => c.entityRef === `component:default/${name}`,
    )!;
  }

  it('shows a local pull request with its title, body, branch, base and diff', async () => {
    const res = await api().get(pullRequestPath('report'));

    expect(res.status).toBe(200);
    const pull: ConsumerPullRequestDetails = res.body.pullRequest;
    const { pullRequest } = await consumer('report');
    // One branch per run: the dataset, its version, the consumer and the run.
    expect(pullRequest!.branch).toMatch(
      /^dataset-migrations\/listening_events-v2\/report-[0-9a-f]{8}$/,
    );
    expect(pull).toMatchObject({
      provider: 'local-git',
      url: pullRequest!.url,
      number: 1,
      title: 'Read listening_events schema version 2',
      branch: pullRequest!.branch,
      base: 'main',
      state: 'open',
      canMerge: true,
      diffTruncated: false,
      files: [{ path: 'sql/report.sql', additions: 2, deletions: 2 }],
    });
    expect(pull.body).toContain('track_id');
    expect(pull.body).toContain('track_uri');
    expect(pull.diff).toContain('-SELECT e.track_id, sum(e.ms_played)');
    expect(pull.diff).toContain('+SELECT e.track_uri AS track_id,');
    expect(pull.diff).toBe(
      gitIn(repo('report'), 'diff', '--no-color', `main...${pull.branch}`),
    );
  });

  it('answers 404 naming what is missing, and 400 for a bad migration id', async () => {
    const nobody = await api().get(pullRequestPath('nobody'));
    expect(nobody.status).toBe(404);
    expect(nobody.body.error.message).toBe(
      `component:default/nobody is not a consumer of migration ${migrationId}`,
    );

    const bystander = await api().get(pullRequestPath('bystander'));
    expect(bystander.status).toBe(404);
    expect(bystander.body.error.message).toBe(
      `component:default/bystander has no pull request in migration ${migrationId} (it is unaffected)`,
    );

    const unknown = '00000000-0000-4000-8000-000000000000';
    const missing = await api().get(pullRequestPath('report', unknown));
    expect(missing.status).toBe(404);
    expect(missing.body.error.message).toBe(
      `migration ${unknown} was not found`,
    );
    const mergeMissing = await api().post(`${pullRequestPath('nobody')}/merge`);
    expect(mergeMissing.status).toBe(404);

    const bad = await api().get(pullRequestPath('report', 'nope'));
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/migration id/);

    // The consumer in the path is checked as a ref in a query or body is.
    const ledgerBefore = await pluginDb('migration_consumers')
      .select('entity_ref', 'state')
      .orderBy('entity_ref');
    for (const [name, problem] of [
      ['report%00', 'must not contain a NUL character (\\u0000)'],
      ['r'.repeat(300), 'must be at most 300 characters'],
    ]) {
      const shown = await api().get(pullRequestPath(name));
      expect(shown.status).toBe(400);
      expect(shown.body.error.message).toBe(
        `Invalid path: consumer: ${problem}`,
      );
      const merged = await api().post(`${pullRequestPath(name)}/merge`);
      expect(merged.status).toBe(400);
      expect(merged.body.error.message).toBe(
        `Invalid path: consumer: ${problem}`,
      );
    }
    expect(
      await pluginDb('migration_consumers')
        .select('entity_ref', 'state')
        .orderBy('entity_ref'),
    ).toEqual(ledgerBefore);
  });

  it('leaves a provider without these abilities to its host: 501 to show, 409 to merge', async () => {
    const shown = await api().get(pullRequestPath('acme-report'));
    expect(shown.status).toBe(501);
    expect(shown.body.error.message).toMatch(
      /is on acme-scm, which the portal cannot show; open it there/,
    );

    const merged = await api().post(`${pullRequestPath('acme-report')}/merge`);
    expect(merged.status).toBe(409);
    expect(merged.body.error.message).toMatch(
      /is a acme-scm pull request: merge it on its host/,
    );
    expect((await consumer('acme-report')).state).toBe('pr-opened');
  });

  it('refuses with 409 a merge that conflicts, changing nothing', async () => {
    writeFileSync(
      join(repo('clash'), 'sql/report.sql'),
      REPORT.replace('SELECT e.track_id,', 'SELECT e.track_id, e.user_id,'),
    );
    gitIn(repo('clash'), 'commit', '-q', '-am', 'the owner changed it too');
    const mainBefore = gitIn(repo('clash'), 'rev-parse', 'main');

    const res = await api().post(`${pullRequestPath('clash')}/merge`);

    expect(res.status).toBe(409);
    expect(res.body.error.message).toMatch(
      /does not merge cleanly into "main": sql\/report\.sql changed on both sides/,
    );
    expect(gitIn(repo('clash'), 'rev-parse', 'main')).toBe(mainBefore);
    expect(gitIn(repo('clash'), 'status', '--porcelain')).toBe('');
    expect((await consumer('clash')).state).toBe('pr-opened');
  });

  it('merges a local pull request into its base and the ledger follows it to done at once', async () => {
    const res = await api().post(`${pullRequestPath('report')}/merge`);

    expect(res.status).toBe(200);
    expect(res.body.pullRequest).toMatchObject({
      number: 1,
      state: 'merged',
      canMerge: false,
    });
    expect(readFileSync(join(repo('report'), 'sql/report.sql'), 'utf8')).toBe(
      gitIn(repo('report'), 'show', 'main:sql/report.sql'),
    );
    expect(gitIn(repo('report'), 'show', 'main:sql/report.sql')).toContain(
      'SELECT e.track_uri AS track_id,',
    );
    // The follow-up runs hourly here: done comes from the job the merge queued.
    const ledger = await ledgerWhen(
      l =>
        l.consumers.find(c => c.entityRef === 'component:default/report')
          ?.state === 'done',
      'the merged consumer to be done',
    );
    expect(
      ledger.consumers.find(c => c.entityRef === 'component:default/report')!
        .pullRequest,
    ).toMatchObject({ state: 'merged' });

    const again = await api().post(`${pullRequestPath('report')}/merge`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toMatch(/is merged, not open/);
  }, 90_000);

  it('refuses a burst of merges by who may not update the consumer at once, holding nothing the others need', async () => {
    denyConsumerUpdate = true;
    try {
      const burst = await Promise.all(
        Array.from({ length: 30 }, () =>
          api().post(`${pullRequestPath('clash')}/merge`),
        ),
      );
      expect(burst.map(r => r.status)).toEqual(Array(30).fill(403));
    } finally {
      denyConsumerUpdate = false;
    }
    // The database is not held: a read answers as before.
    expect((await api().get(`${API}/migrations/${migrationId}`)).status).toBe(
      200,
    );
  }, 60_000);

  it('refuses a merge while a rollback of the run is under way, changing nothing', async () => {
    const mainBefore = gitIn(repo('clash'), 'rev-parse', 'main');
    const res = await new ConsumerStore(pluginDb).holdForRollback(
      migrationId,
      () => api().post(`${pullRequestPath('clash')}/merge`),
    );

    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe(
      `migration ${migrationId} is being rolled back: its consumers' pull requests are not to be merged`,
    );
    expect(gitIn(repo('clash'), 'rev-parse', 'main')).toBe(mainBefore);
  });

  it('refuses to merge once the run is rolled back: readers are on the old version again', async () => {
    // An earlier test merged one of its pull requests: rolling back needs a reason.
    const rolledBack = await api()
      .post(`${API}/migrations/${migrationId}/rollback`)
      .send({ override: { reason: 'the merged consumer reverts its patch' } });
    expect(rolledBack.status).toBe(200);
    const mainBefore = gitIn(repo('clash'), 'rev-parse', 'main');

    const res = await api().post(`${pullRequestPath('clash')}/merge`);

    expect(res.status).toBe(409);
    expect(res.body.error.message).toBe(
      `migration ${migrationId} is rolled-back: its consumers' pull requests are not to be merged`,
    );
    expect(gitIn(repo('clash'), 'rev-parse', 'main')).toBe(mainBefore);
    // Still shown, to see what it was.
    const shown = await api().get(pullRequestPath('clash'));
    expect(shown.status).toBe(200);
  });
});
