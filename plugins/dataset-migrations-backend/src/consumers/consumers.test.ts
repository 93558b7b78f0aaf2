import {
  chmodSync,
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import request from 'supertest';
import type {
  ConsumerLedger,
  MigrationConsumer,
  MigrationDetails,
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
const SCORES = 'resource:default/scores';

const REPORT = `-- plays per track
SELECT e.track_id, sum(e.ms_played) AS total_ms
FROM public.listening_events e
GROUP BY e.track_id;
`;
/** The owner's own edit after merging: a comment line, the rewritten reads kept. */
const REPORT_EDITED_AFTER_MERGE = (merged: string) =>
  merged.replace('-- plays per track', '-- plays per track, by track uri');
const DBT_MODEL = `{{ config(materialized='view') }}
select track_id, user_id, ms_played
from {{ source('warehouse', 'listening_events') }}
where ms_played >= 1000
`;

const component = (
  name: string,
  annotations: Record<string, string> = {},
  dependsOn = [EVENTS],
) => consumerComponent(name, annotations, dependsOn);

describe('consumer migration, through the job path', () => {
  const { init } = createTestDatabases();
  let pluginDb: Knex;
  let warehouse: Knex;
  let backend: Awaited<ReturnType<typeof startPluginBackend>>;
  let work: string;
  const repo = (name: string) => join(work, name);
  const source = (name: string) => registeredIn(repo(name));

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'dsm-consumers-'));
    chmodSync(work, 0o755);
    createRepository(repo('report'), {
      'sql/report.sql': REPORT,
      'check.sh': 'grep -q track_ sql/report.sql\n',
    });
    createRepository(repo('dbt'), {
      'models/plays.sql': DBT_MODEL,
      'README.md': 'dbt project\n',
    });
    createRepository(repo('decider'), {
      'q.sql': 'select user_id, legacy_flag from listening_events;\n',
    });
    createRepository(repo('broken'), {
      'q.sql': 'select track_id from listening_events where;\n',
    });
    createRepository(repo('bystander'), {
      'q.sql': 'select count(distinct user_id) from listening_events;\n',
    });
    createRepository(repo('python-job'), {
      'jobs/export.py':
        'QUERY = "SELECT user_id, track_id FROM listening_events"\n',
    });
    // The coding agent: a scripted stand-in, where the sandbox user can run it.
    copyFileSync(
      join(__dirname, 'agent/scripted-agent.mjs'),
      join(work, 'agent.mjs'),
    );
    chmodSync(join(work, 'agent.mjs'), 0o644);
    createRepository(repo('keeper'), {
      'q.sql': 'select player, bonus from scores;\n',
    });
    createRepository(repo('handed'), {
      'q.sql': 'select id, bonus from scores;\n',
    });
    // A dbt project whose installed package reads the field: `dbt deps` replaces
    // the package's files, so no one patches them.
    createRepository(repo('vendored'), {
      'dbt_project.yml': 'name: league\n',
      'dbt_packages/leaderboard/dbt_project.yml': 'name: leaderboard\n',
      'dbt_packages/leaderboard/models/board.sql':
        'select player, bonus from scores\n',
    });
    // Its own code reads the field; an installed package reading it comes later.
    createRepository(repo('late-package'), {
      'q.sql': 'select id, bonus from scores\n',
    });
    createRepository(repo('hangs'), {
      'q.sql': 'select track_id from listening_events;\n',
    });

    const consumers = [
      component('report', {
        ...source('report'),
        'dataset-migrations.io/verify-command': 'sh check.sh',
      }),
      component('dbt', source('dbt')),
      component('decider', source('decider')),
      component('broken', source('broken')),
      component('bystander', source('bystander')),
      component('python-job', source('python-job')),
      component('hangs', {
        ...source('hangs'),
        'dataset-migrations.io/verify-command': 'sleep 60',
      }),
      component('no-repo'),
      component('late-repo', source('late-repo')),
      component('downstream', {}, ['resource:default/derived']),
    ];
    const keeper = component('keeper', source('keeper'), [SCORES]);
    const handed = component('handed', source('handed'), [SCORES]);
    const vendored = component('vendored', source('vendored'), [SCORES]);
    const latePackage = component('late-package', source('late-package'), [
      SCORES,
    ]);
    const scores = {
      ...dataset('scores'),
      relations: [
        { type: 'dependencyOf', targetRef: 'component:default/keeper' },
        { type: 'dependencyOf', targetRef: 'component:default/handed' },
        { type: 'dependencyOf', targetRef: 'component:default/vendored' },
        { type: 'dependencyOf', targetRef: 'component:default/late-package' },
      ],
    };
    const derived = {
      ...dataset('derived'),
      spec: {
        type: 'dataset',
        owner: 'group:default/data',
        dependsOn: [EVENTS],
      },
      relations: [
        { type: 'dependsOn', targetRef: EVENTS },
        { type: 'dependencyOf', targetRef: 'component:default/downstream' },
      ],
    };
    const events = {
      ...dataset('listening_events'),
      relations: [
        ...consumers.filter(c => c.metadata.name !== 'downstream'),
        derived,
      ].map(c => ({
        type: 'dependencyOf',
        targetRef: `${c.kind.toLowerCase()}:default/${c.metadata.name}`,
      })),
    };

    pluginDb = await init();
    warehouse = await init();
    await warehouse.raw(`
      CREATE TABLE public.listening_events (event_id bigint PRIMARY KEY, user_id bigint NOT NULL,
        track_id text NOT NULL, ms_played integer NOT NULL, legacy_flag boolean);
      INSERT INTO public.listening_events
        SELECT g, g % 7, 'trk_' || (g % 13), 500 + (g * 37) % 5000, g % 5 = 0 FROM generate_series(1, 400) g;
      CREATE TABLE public.scores (id bigint PRIMARY KEY, player text NOT NULL, bonus integer);
      INSERT INTO public.scores SELECT g, 'p' || g, g % 3 FROM generate_series(1, 50) g;
    `);
    backend = await startPluginBackend({
      pluginDb,
      warehouse,
      entities: [
        events,
        derived,
        ...consumers,
        scores,
        keeper,
        handed,
        vendored,
        latePackage,
      ],
      realScheduler: true,
      config: {
        // Approvals are tested on their own (approvals.test.ts); here migrations run at once.
        approvals: { required: [] },
        worker: { concurrency: 4 },
        consumers: {
          verify: { commands: true, timeout: '2s', memoryMb: 512 },
          localGit: { roots: [work] },
          followUpInterval: '1s',
          agent: {
            command: existsSync('/usr/bin/node')
              ? '/usr/bin/node'
              : process.execPath,
            args: [join(work, 'agent.mjs')],
            timeout: '20s',
            maxTurns: 2,
          },
        },
      },
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    rmSync(work, { recursive: true, force: true });
  }, 30_000);

  const api = () => request(backend.server);
  const changes = [
    { renameField: { from: 'track_id', to: 'track_uri' } },
    { changeType: { field: 'ms_played', type: 'bigint' } },
    { dropField: { name: 'legacy_flag' } },
  ];

  async function ledgerWhen(
    id: string,
    done: (ledger: ConsumerLedger) => boolean,
    what: string,
  ): Promise<ConsumerLedger> {
    return waitFor(
      async () => {
        const res = await api().get(`${API}/migrations/${id}/consumers`);
        expect(res.status).toBe(200);
        return done(res.body) ? (res.body as ConsumerLedger) : undefined;
      },
      { timeoutMs: 60_000, what },
    );
  }
  const byName = (ledger: ConsumerLedger) =>
    Object.fromEntries(
      ledger.consumers.map(c => [c.entityRef.split('/')[1], c]),
    ) as Record<string, MigrationConsumer>;
  const settled = (c: MigrationConsumer) =>
    [
      'unaffected',
      'pr-opened',
      'failed',
      'merged',
      'done',
      'excluded',
      'kept',
    ].includes(c.state);
  async function migrationWhen(
    id: string,
    done: (migration: MigrationDetails) => boolean,
    what: string,
  ): Promise<MigrationDetails> {
    return waitFor(
      async () => {
        const res = await api().get(`${API}/migrations/${id}`);
        expect(res.status).toBe(200);
        const migration = res.body.migration as MigrationDetails;
        if (migration.status === 'failed' && !done(migration))
          throw new Error(`the run failed: ${migration.failureReason}`);
        return done(migration) ? migration : undefined;
      },
      { timeoutMs: 60_000, what },
    );
  }
  async function tableExists(name: string): Promise<boolean> {
    const { rows } = await warehouse.raw('SELECT to_regclass(?) AS t', [name]);
    return rows[0].t !== null;
  }

  it('previews the impact before anything is queued, and refuses bad input by name', async () => {
    const res = await api()
      .post(`${API}/impact`)
      .send({ entityRef: EVENTS, changes });
    expect(res.status).toBe(200);
    expect(res.body.consumers).toBe(10);
    expect(res.body.byStatus).toMatchObject({
      affected: 3,
      'needs-decision': 1,
      unparseable: 2,
      unaffected: 1,
      'no-repository': 2,
      unreachable: 1,
    });
    expect(
      res.body.affected.map((a: { entityRef: string }) => a.entityRef),
    ).toContain('component:default/report');

    const bad = await api()
      .post(`${API}/impact`)
      .send({
        entityRef: EVENTS,
        changes: [{ renameField: { from: 'nope', to: 'x' } }],
      });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(/unknown field "nope"/);
  }, 30_000);

  it('rewrites files without a repository, and says what it could not do', async () => {
    const res = await api()
      .post(`${API}/rewrite-preview`)
      .send({
        entityRef: EVENTS,
        changes,
        files: [
          { path: 'a.sql', content: 'select track_id from listening_events' },
          {
            path: 'b.sql',
            content: 'select legacy_flag from listening_events',
          },
          { path: 'c.sql', content: 'select from where' },
          { path: 'd.sql', content: 'select 1' },
        ],
      });
    expect(res.status).toBe(200);
    expect(res.body.files.map((f: { status: string }) => f.status)).toEqual([
      'rewritten',
      'needs-decision',
      'unaffected',
      'unaffected',
    ]);
    expect(res.body.files[0].content).toBe(
      'select track_uri AS track_id from listening_events',
    );
    const missing = await api()
      .post(`${API}/rewrite-preview`)
      .send({ entityRef: EVENTS, changes });
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toMatch(/files/);
  });

  it('migrates every consumer to a verified pull request or a clear failure, then follows it to done', async () => {
    const created = await api()
      .post(`${API}/migrations`)
      .send({ entityRef: EVENTS, targetVersion: 2, changes });
    expect(created.status).toBe(201);
    const id = created.body.migration.id;

    // `decider` reads legacy_flag, which the migration drops: no data moves until a
    // person decides what happens to it.
    // The run parks, then logs why: both are waited for (a loaded machine
    // read the park before its log line).
    const waiting = await migrationWhen(
      id,
      m =>
        m.status === 'awaiting-decision' &&
        m.logs.some(l => /waiting for \d+ decision/.test(l.message)),
      'the run to wait for a decision',
    );
    expect(waiting.steps).toEqual([]);
    expect(await tableExists('public.listening_events_v2')).toBe(false);
    expect(waiting.logs.map(l => l.message).join('\n')).toMatch(
      /waiting for 1 decision: component:default\/decider/,
    );
    const before = byName(
      await ledgerWhen(id, l => l.consumers.length === 11, 'discovery'),
    );
    expect(before.decider).toMatchObject({
      state: 'failed',
      failure: { kind: 'needs-decision' },
    });
    expect(before.report).toMatchObject({
      state: 'discovered',
      impact: { status: 'affected' },
    });
    // The dataset stays held: another migration of it is refused.
    const busy = await api()
      .post(`${API}/migrations`)
      .send({
        entityRef: EVENTS,
        targetVersion: 3,
        changes: changes.slice(0, 1),
      });
    expect(busy.status).toBe(409);
    expect(busy.body.error.message).toMatch(/awaiting-decision/);

    const decide = (body: object, migrationId = id) =>
      api()
        .post(`${API}/migrations/${migrationId}/consumers/decisions`)
        .send(body);
    const noReason = await decide({
      entityRef: 'component:default/decider',
      decision: 'exclude',
    });
    expect(noReason.status).toBe(400);
    expect(noReason.body.error.message).toMatch(
      /reason: is required to exclude a consumer/,
    );
    const badKind = await decide({
      entityRef: 'component:default/decider',
      decision: 'ignore',
      reason: 'x',
    });
    expect(badKind.status).toBe(400);
    expect(badKind.body.error.message).toMatch(
      /decision: must be one of keep-field, exclude, agent/,
    );
    const notNeeded = await decide({
      entityRef: 'component:default/report',
      decision: 'exclude',
      reason: 'x',
    });
    expect(notNeeded.status).toBe(409);
    expect(notNeeded.body.error.message).toMatch(
      /component:default\/report does not need a decision: it is discovered/,
    );
    const unknownConsumer = await decide({
      entityRef: 'component:default/nobody',
      decision: 'exclude',
      reason: 'x',
    });
    expect(unknownConsumer.status).toBe(404);
    const unknownMigration = await decide(
      {
        entityRef: 'component:default/decider',
        decision: 'exclude',
        reason: 'x',
      },
      '00000000-0000-4000-8000-000000000000',
    );
    expect(unknownMigration.status).toBe(404);
    // Nothing of that changed the run.
    expect(
      (await api().get(`${API}/migrations/${id}`)).body.migration.status,
    ).toBe('awaiting-decision');

    const excluded = await decide({
      entityRef: 'component:default/decider',
      decision: 'exclude',
      reason: 'the notebook is retired next week',
    });
    expect(excluded.status).toBe(200);
    expect(excluded.body.consumer).toMatchObject({
      state: 'excluded',
      decision: {
        kind: 'exclude',
        reason: 'the notebook is retired next week',
        decidedBy: 'user:default/mock',
      },
    });
    expect(excluded.body.consumer.failure).toBeUndefined();
    // The last decision queues the run again, and it runs to success.
    await migrationWhen(
      id,
      m => m.status === 'succeeded',
      'the run to succeed',
    );

    const ledger = await ledgerWhen(
      id,
      l => l.consumers.length === 11 && l.consumers.every(settled),
      'every consumer to settle',
    );
    const c = byName(ledger);
    expect(c.report.state).toBe('pr-opened');
    expect(c.dbt.state).toBe('pr-opened');
    expect(c.bystander.state).toBe('unaffected');
    expect(c.derived.state).toBe('failed'); // a dataset without a repository
    expect(c.downstream).toMatchObject({
      state: 'unaffected',
      depth: 2,
      via: 'resource:default/derived',
    });
    expect(before.decider.failure!.message).toMatch(
      /q\.sql:1: reads "legacy_flag", which the migration drops/,
    );
    expect(c.decider).toMatchObject({
      state: 'excluded',
      decision: { kind: 'exclude', decidedBy: 'user:default/mock' },
      impact: { status: 'needs-decision', fields: ['legacy_flag'] },
    });
    expect(c.decider.pullRequest).toBeUndefined();
    // What the rewriter cannot read goes to the coding agent, turn by turn, and
    // through the same verification: it fixes the Python job, not the broken SQL.
    expect(c['python-job'].state).toBe('pr-opened');
    expect(c['python-job'].verification).toMatchObject({
      patchedBy: 'agent',
      agentTurns: 1,
    });
    expect(
      gitIn(
        repo('python-job'),
        'show',
        `${c['python-job'].pullRequest!.branch}:jobs/export.py`,
      ),
    ).toBe('QUERY = "SELECT user_id, track_uri FROM listening_events"\n');
    expect(c.broken.impact?.files[0].problem?.message).toMatch(/syntax error/);
    expect(c.broken.failure).toMatchObject({ kind: 'patch-failed' });
    expect(c.broken.failure!.message).toMatch(
      /coding agent did not produce a patch: .*after 2 turns.*q\.sql does not parse/,
    );
    expect(c['no-repo'].failure).toMatchObject({ kind: 'no-repository' });
    expect(c['late-repo'].failure).toMatchObject({
      kind: 'repository-unreachable',
    });
    expect(c.hangs.failure).toMatchObject({ kind: 'verification-failed' });
    expect(c.hangs.failure!.message).toMatch(/did not finish within 2 s/);
    expect(c.hangs.pullRequest).toBeUndefined();

    // The evidence: the verification command ran, and the rewrite returns what the original did.
    expect(c.report.verification!.command).toMatchObject({
      command: 'sh check.sh',
      exitCode: 0,
    });
    const [check] = c.report.verification!.shadowChecks;
    expect(check).toMatchObject({ path: 'sql/report.sql', outcome: 'match' });
    expect(check.before).toEqual(check.after);
    expect(check.before!.rows).toBe(13);
    expect(c.dbt.verification!.shadowChecks[0]).toMatchObject({
      outcome: 'match',
      before: { rows: expect.any(Number) },
    });

    // The pull request: a branch in the consumer's repository, its work tree untouched.
    const branch = c.report.pullRequest!.branch;
    // ms_played widens (integer → bigint): read as it is, never cast back.
    expect(gitIn(repo('report'), 'show', `${branch}:sql/report.sql`)).toBe(
      REPORT.replace(
        'SELECT e.track_id,',
        'SELECT e.track_uri AS track_id,',
      ).replace('GROUP BY e.track_id', 'GROUP BY e.track_uri'),
    );
    expect(gitIn(repo('report'), 'status', '--porcelain')).toBe('');
    expect(c.report.patch).toContain('+SELECT e.track_uri AS track_id');
    // It starts at the commit the patch was made from, which the ledger keeps.
    const { patch_base_commit } = await pluginDb('migration_consumers')
      .where({ migration_id: id, entity_ref: 'component:default/report' })
      .first('patch_base_commit');
    expect(patch_base_commit).toBe(
      gitIn(repo('report'), 'rev-parse', 'main').trim(),
    );
    expect(gitIn(repo('report'), 'rev-parse', `${branch}^`).trim()).toBe(
      patch_base_commit,
    );

    // The impact report, with owners.
    const csv = await api().get(`${API}/migrations/${id}/impact.csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers['content-type']).toMatch(/text\/csv/);
    expect(csv.text).toContain(
      'component:default/report,group:default/report-team,1,pr-opened,affected,sql/report.sql,rewritten,ms_played track_id,2 4',
    );

    // A retry after the owner fixed the cause: the repository now exists.
    createRepository(repo('late-repo'), {
      'x.sql': 'select track_id from listening_events\n',
    });
    const retried = await api()
      .post(`${API}/migrations/${id}/consumers/retry`)
      .send({ entityRefs: ['component:default/late-repo'] });
    expect(retried.body.retried).toEqual(['component:default/late-repo']);
    await ledgerWhen(
      id,
      l => byName(l)['late-repo'].state === 'pr-opened',
      'the retried consumer to open its pull request',
    );

    // A retry must name consumers of this migration.
    const unknown = await api()
      .post(`${API}/migrations/${id}/consumers/retry`)
      .send({ entityRefs: ['component:default/nobody'] });
    expect(unknown.status).toBe(400);
    expect(unknown.body.error.message).toMatch(
      /component:default\/nobody is not a consumer of migration/,
    );

    // Retrying retries exactly the consumers that failed, the settled ones are left be.
    const again = await api()
      .post(`${API}/migrations/${id}/consumers/retry`)
      .send({});
    expect(again.body.retried.sort()).toEqual(
      ['broken', 'derived', 'hangs', 'no-repo']
        .map(n =>
          `component:default/${n}`.replace(
            'component:default/derived',
            'resource:default/derived',
          ),
        )
        .sort(),
    );
    // The owner merges, and in the same push edits the file again (a comment):
    // the branch no longer holds the patched file as proposed, yet it has moved.
    gitIn(repo('report'), 'checkout', '-q', '--detach', branch);
    writeFileSync(
      join(repo('report'), 'sql/report.sql'),
      REPORT_EDITED_AFTER_MERGE(
        readFileSync(join(repo('report'), 'sql/report.sql'), 'utf8'),
      ),
    );
    gitIn(repo('report'), 'commit', '-q', '-am', 'owner: note');
    gitIn(repo('report'), 'checkout', '-q', 'main');
    gitIn(repo('report'), 'merge', '-q', '--ff-only', 'HEAD@{1}');
    const final = await ledgerWhen(
      id,
      l => byName(l).report.state === 'done' && l.consumers.every(settled),
      'the merged consumer to be done',
    );
    expect(byName(final).report.pullRequest!.number).toBe(1);
    expect(final.counts.done).toBe(1);
  }, 120_000);

  it("keeps a field, or hands a consumer to the coding agent, on a person's word", async () => {
    const body = {
      entityRef: SCORES,
      targetVersion: 2,
      changes: [{ dropField: { name: 'bonus' } }],
    };
    // A dry run changes nothing for consumers, so it needs no decision.
    const dry = await api()
      .post(`${API}/migrations`)
      .send({ ...body, dryRun: true });
    expect(dry.status).toBe(201);
    await migrationWhen(
      dry.body.migration.id,
      m => m.status === 'succeeded',
      'the dry run',
    );

    const created = await api().post(`${API}/migrations`).send(body);
    expect(created.status).toBe(201);
    const id = created.body.migration.id;
    await migrationWhen(id, m => m.status === 'awaiting-decision', 'the wait');
    // The same request again answers with the waiting run.
    const repeat = await api().post(`${API}/migrations`).send(body);
    expect(repeat.status).toBe(200);
    expect(repeat.body.migration.id).toBe(id);

    // Cancelled while it waits: it ends at once, and the dataset was never touched.
    const cancelled = await api().post(`${API}/migrations/${id}/cancel`);
    expect(cancelled.body.migration.status).toBe('cancelled');
    expect(await tableExists('public.scores_v2')).toBe(false);
    const late = await api()
      .post(`${API}/migrations/${id}/consumers/decisions`)
      .send({
        entityRef: 'component:default/keeper',
        decision: 'keep-field',
        reason: 'x',
      });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toMatch(/is cancelled/);
    // A retry waits for the decision again.
    expect((await api().post(`${API}/migrations/${id}/retry`)).status).toBe(
      200,
    );
    await migrationWhen(
      id,
      m => m.status === 'awaiting-decision',
      'the wait after retry',
    );

    const kept = await api()
      .post(`${API}/migrations/${id}/consumers/decisions`)
      .send({
        entityRef: 'component:default/keeper',
        decision: 'keep-field',
        reason: 'the leaderboard moves off bonus this sprint',
      });
    expect(kept.status).toBe(200);
    expect(kept.body.consumer).toMatchObject({
      state: 'kept',
      decision: { kind: 'keep-field', decidedBy: 'user:default/mock' },
    });
    // An installed dbt package's file is never the agent's (`dbt deps` replaces
    // it): handing its consumer over is refused at once, naming the package and
    // its file, and the consumer still waits for a person, as it was.
    const waiting = byName(
      await ledgerWhen(id, l => !!byName(l).vendored, 'the ledger'),
    ).vendored;
    expect(waiting.impact?.files).toEqual([
      expect.objectContaining({
        path: 'dbt_packages/leaderboard/models/board.sql',
        dbtPackage: 'leaderboard',
      }),
    ]);
    const packageToAgent = await api()
      .post(`${API}/migrations/${id}/consumers/decisions`)
      .send({ entityRef: 'component:default/vendored', decision: 'agent' });
    expect(packageToAgent.status).toBe(409);
    expect(packageToAgent.body.error.message).toBe(
      'component:default/vendored: the coding agent may not patch the installed dbt package leaderboard (dbt_packages/leaderboard/models/board.sql), which `dbt deps` replaces; a person must change the package, keep the field, or exclude the consumer',
    );
    const unchanged = byName(
      await ledgerWhen(id, () => true, 'the ledger'),
    ).vendored;
    expect(unchanged).toEqual(waiting);
    expect(unchanged.decision).toBeUndefined();
    // Decisions are still missing: the run waits for them.
    expect(
      (await api().get(`${API}/migrations/${id}`)).body.migration.status,
    ).toBe('awaiting-decision');
    const excluded = await api()
      .post(`${API}/migrations/${id}/consumers/decisions`)
      .send({
        entityRef: 'component:default/vendored',
        decision: 'exclude',
        reason: 'the league moves off the leaderboard package',
      });
    expect(excluded.status).toBe(200);
    expect(excluded.body.consumer.state).toBe('excluded');
    expect(
      (await api().get(`${API}/migrations/${id}`)).body.migration.status,
    ).toBe('awaiting-decision');
    // Handed to the agent while no package read the field; one does by the cut-over.
    const lateToAgent = await api()
      .post(`${API}/migrations/${id}/consumers/decisions`)
      .send({ entityRef: 'component:default/late-package', decision: 'agent' });
    expect(lateToAgent.status).toBe(200);
    writeFileSync(
      join(repo('late-package'), 'dbt_project.yml'),
      'name: late\n',
    );
    mkdirSync(join(repo('late-package'), 'dbt_packages/leaderboard/models'), {
      recursive: true,
    });
    writeFileSync(
      join(repo('late-package'), 'dbt_packages/leaderboard/dbt_project.yml'),
      'name: leaderboard\n',
    );
    writeFileSync(
      join(repo('late-package'), 'dbt_packages/leaderboard/models/board.sql'),
      'select player, bonus from scores\n',
    );
    gitIn(repo('late-package'), 'add', '-A');
    gitIn(repo('late-package'), 'commit', '-qm', 'dbt deps');
    const toAgent = await api()
      .post(`${API}/migrations/${id}/consumers/decisions`)
      .send({ entityRef: 'component:default/handed', decision: 'agent' });
    expect(toAgent.status).toBe(200);
    await migrationWhen(
      id,
      m => m.status === 'succeeded',
      'the run to succeed',
    );
    expect(await tableExists('public.scores_v2')).toBe(true);
    // Handed to the coding agent: after the cut-over it takes the file, and the
    // consumer goes through verification to a pull request as usual.
    const after = await ledgerWhen(
      id,
      l => byName(l).handed?.state === 'pr-opened',
      'the handed consumer to get a pull request',
    );
    expect(byName(after).handed).toMatchObject({
      decision: { kind: 'agent', decidedBy: 'user:default/mock' },
      verification: {
        patchedBy: 'agent',
        shadowChecks: [{ path: 'q.sql', outcome: 'skipped' }],
      },
    });
    // Excluded: nothing patches it.
    expect(byName(after).vendored).toMatchObject({ state: 'excluded' });
    expect(byName(after).vendored.patch).toBeUndefined();
    // The package that came after the decision is refused when the consumer is
    // assessed after the cut-over: it waits for a person again, told which package.
    const refused = await ledgerWhen(
      id,
      l => settled(byName(l)['late-package']),
      'the consumer whose package came later to need a person',
    );
    expect(byName(refused)['late-package']).toMatchObject({
      state: 'failed',
      failure: {
        kind: 'needs-decision',
        message: expect.stringMatching(
          /^the coding agent may not patch the installed dbt package leaderboard \(dbt_packages\/leaderboard\/models\/board\.sql\), .*: /,
        ),
      },
    });
    expect(byName(refused)['late-package'].patch).toBeUndefined();
    // The kept consumer is still kept: nothing patches it.
    expect(byName(after).keeper).toMatchObject({ state: 'kept', attempts: 0 });
    expect(byName(after).keeper.patch).toBeUndefined();

    // A retry while its code still reads the field leaves it kept.
    const retried = await api()
      .post(`${API}/migrations/${id}/consumers/retry`)
      .send({ entityRefs: ['component:default/keeper'] });
    expect(retried.body.retried).toEqual(['component:default/keeper']);
    await ledgerWhen(
      id,
      l => byName(l).keeper.state === 'kept' && byName(l).keeper.attempts === 1,
      'the retried consumer to be kept again',
    );
    // Its owner stops reading the field: a retry finds it unaffected.
    writeFileSync(
      join(repo('keeper'), 'q.sql'),
      'select player from scores;\n',
    );
    gitIn(repo('keeper'), 'commit', '-qam', 'stop reading bonus');
    await api()
      .post(`${API}/migrations/${id}/consumers/retry`)
      .send({ entityRefs: ['component:default/keeper'] });
    const moved = await ledgerWhen(
      id,
      l => byName(l).keeper.state === 'unaffected',
      'the consumer to be unaffected',
    );
    expect(byName(moved).keeper.decision).toMatchObject({ kind: 'keep-field' });
  }, 120_000);
});
