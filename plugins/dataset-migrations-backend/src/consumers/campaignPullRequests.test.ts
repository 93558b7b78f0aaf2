import { randomUUID } from 'node:crypto';
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import type { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  ANNOTATION_AUTOMERGE,
  campaignDocumentSchema,
  type ConsumerVerification,
  type MigrationPlan,
  type MigrationConsumer,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { succeededMigration } from '../__testUtils__/fixtures';
import { createRepository } from '../__testUtils__/gitRepos';
import { CampaignPullRequestSlots } from '../database/CampaignPullRequestSlots';
import { ConsumerStore } from '../database/ConsumerStore';
import { DatabaseMigrationStore } from '../database/DatabaseMigrationStore';
import { EngineRegistry } from '../engines/EngineRegistry';
import { DatasetCatalog } from '../catalog/DatasetCatalog';
import { LocalGitRepositoryReader } from './repositories/LocalGitRepositoryReader';
import { LocalRepositoryRoots } from './repositories/LocalRepositoryRoots';
import { LocalGitScmProvider } from './scm/LocalGitScmProvider';
import { followPullRequest } from './steps/followPullRequest';
import { openPullRequest } from './steps/openPullRequest';
import { codeInThread } from '../__testUtils__/codeInThread';
import type { MigrationContext, StepDependencies } from './steps/stepContext';
import { datasetTarget } from './sql/datasetTarget';
import { consumerMapping } from './sql/fieldMapping';
import { DEFAULT_ISOLATION } from './sandbox/namespaces';

const EVENTS = 'resource:default/events';
const HOUR_MS = 3600_000;

// Real git repositories, a dozen pull requests and their merges.
jest.setTimeout(120_000);

const PROVEN: ConsumerVerification = {
  command: {
    command: 'sh check.sh',
    exitCode: 0,
    timedOut: false,
    durationMs: 5,
    outputTail: '',
  },
  shadowChecks: [{ path: 'q.sql', statement: 1, outcome: 'match' }],
  patchedBy: 'rewriter',
};

function component(
  name: string,
  owner: string,
  annotations: Record<string, string> = {},
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'pipeline', lifecycle: 'production', owner },
  };
}

function group(name: string, annotations: Record<string, string> = {}) {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name, namespace: 'default', annotations },
    spec: { type: 'team', children: [] },
  } as Entity;
}

/**
 * Pull requests of a campaign's consumers: the campaign's throttles and automerge,
 * on real git repositories through the local-git provider and a real Postgres.
 */
describe('campaign pull requests', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let store: DatabaseMigrationStore;
  let consumers: ConsumerStore;
  let work: string;
  let roots: LocalRepositoryRoots;
  let scm: LocalGitScmProvider;

  beforeAll(async () => {
    knex = await init();
    store = await DatabaseMigrationStore.create({
      database: mockServices.database({ knex }),
    });
    consumers = new ConsumerStore(knex);
    work = mkdtempSync(join(tmpdir(), 'dsm-campaign-prs-'));
    chmodSync(work, 0o755);
    roots = new LocalRepositoryRoots([work]);
    scm = new LocalGitScmProvider(roots);
  });

  afterAll(() => rmSync(work, { recursive: true, force: true }));

  /** A campaign with these pull-request settings, and one migration of it, live. */
  async function campaignMigration(pullRequests: Record<string, unknown>) {
    const campaignId = randomUUID();
    const document = campaignDocumentSchema.parse({
      name: `c-${campaignId.slice(0, 8)}`,
      title: 'Rename user_id',
      owner: 'group:default/data',
      deadline: '2027-06-30T00:00:00Z',
      selector: { entityRefs: [EVENTS] },
      changes: [{ renameField: { from: 'user_id', to: 'listener_id' } }],
      rollout: { pullRequests },
    });
    await knex('campaigns').insert({
      id: campaignId,
      name: document.name,
      title: document.title,
      owner: document.owner,
      deadline: document.deadline,
      document: JSON.stringify(document),
      state: 'running',
      created_by: 'user:default/ana',
    });
    const migrationId = await succeededMigration(store, {
      entityRef: EVENTS,
      changes: document.changes,
      requestedBy: 'user:default/ana',
    });
    await knex('migrations')
      .where({ id: migrationId })
      .update({ campaign_id: campaignId, campaign_wave: 0 });
    const migration = (await store.getMigrationWithPlan(migrationId))!;
    // What the steps read consumers' SQL against: events(user_id) renamed.
    const fields = [
      { name: 'user_id', type: 'text', nullable: false, primaryKey: true },
    ];
    const context: MigrationContext = {
      migration,
      plan: { engine: 'warehouse', table: 'public.events' } as MigrationPlan,
      target: datasetTarget('public.events', fields),
      mapping: consumerMapping(fields, document.changes),
    };
    return { campaignId, migrationId, context };
  }

  /** Consumers with a real repository each, verified and waiting for their pull request. */
  async function verifiedConsumers(
    migrationId: string,
    specs: Array<{
      name: string;
      owner: string;
      verification?: ConsumerVerification;
    }>,
  ) {
    for (const { name, owner, verification } of specs) {
      const repo = join(work, `${migrationId.slice(0, 8)}-${name}`);
      createRepository(repo, { 'q.sql': 'select user_id from events;\n' });
      const entityRef = `component:default/${name}`;
      await consumers.addDiscovered(migrationId, [
        { entityRef, owner, depth: 1, repositoryUrl: `file://${repo}` },
      ]);
      await consumers.advance(migrationId, entityRef, ['discovered'], {
        state: 'verified',
        impact: {
          status: 'affected',
          fields: ['user_id'],
          files: [
            {
              path: 'q.sql',
              status: 'rewritten',
              fields: ['user_id'],
              lines: [1],
            },
          ],
        },
        verification: verification ?? PROVEN,
        patchedFiles: [
          { path: 'q.sql', content: 'select listener_id from events;\n' },
        ],
      });
    }
  }

  function dependencies(
    slots: CampaignPullRequestSlots,
    entities: Entity[] = [],
  ) {
    const deferred: Array<{ entityRef: string; runAt: Date }> = [];
    const auditor = mockServices.auditor.mock();
    const deps: StepDependencies = {
      consumers,
      migrations: store,
      catalog: new DatasetCatalog(
        catalogServiceMock({ entities }),
        mockServices.auth(),
      ),
      engines: new EngineRegistry(new Map()),
      readers: [new LocalGitRepositoryReader(roots)],
      scm: [scm],
      code: codeInThread,
      auth: mockServices.auth(),
      limits: {
        // Consumers here are made without catalog entities: where a pull request may
        // go is registeredRepository.test.ts's and consumers.test.ts's concern.
        pullRequestRepositories: 'any',
        runVerifyCommands: false,
        commandTimeoutMs: 1000,
        commandMemoryMb: 256,
        commandIsolation: DEFAULT_ISOLATION,
        shadowTimeoutMs: 1000,
        maxDepth: 1,
      },
      campaigns: {
        pullRequests: slots,
        defer: async (_migrationId, entityRef, runAt) => {
          deferred.push({ entityRef, runAt });
        },
      },
      auditor,
    };
    return { deps, deferred, auditor };
  }

  /** One job's step for the consumer, as the pipeline runs it from its state. */
  async function step(
    deps: StepDependencies,
    context: MigrationContext,
    consumer: MigrationConsumer,
  ) {
    const input = {
      consumer,
      snapshot: () =>
        new LocalGitRepositoryReader(roots).read(consumer.repositoryUrl!),
    };
    return consumer.state === 'verified'
      ? openPullRequest(deps, context, input)
      : followPullRequest(deps, context, input);
  }

  const byState = async (migrationId: string) => {
    const all = await consumers.list(migrationId);
    const states = new Map<string, MigrationConsumer[]>();
    for (const c of all)
      states.set(c.state, [...(states.get(c.state) ?? []), c]);
    return { all, states };
  };

  it('holds the concurrent, per-owner and hourly limits across racing workers, opening none twice and dropping none', async () => {
    const { migrationId, context } = await campaignMigration({
      concurrentLimit: 4,
      hourlyLimit: 6,
      perOwnerLimit: 2,
    });
    const owners = ['group:default/a', 'group:default/b', 'group:default/c'];
    await verifiedConsumers(
      migrationId,
      Array.from({ length: 12 }, (_, i) => ({
        name: `consumer-${i}`,
        owner: owners[i % 3],
      })),
    );
    const slots = new CampaignPullRequestSlots(knex, { retryMs: 60_000 });
    const { deps, deferred } = dependencies(slots);

    /** Every waiting consumer's job at once, as many workers would run them. */
    const round = async () => {
      const waiting = (await byState(migrationId)).states.get('verified') ?? [];
      await Promise.all(waiting.map(c => step(deps, context, c)));
      const { states } = await byState(migrationId);
      const open = states.get('pr-opened') ?? [];
      expect(open.length).toBeLessThanOrEqual(4);
      for (const owner of owners)
        expect(open.filter(c => c.owner === owner).length).toBeLessThanOrEqual(
          2,
        );
      return states;
    };

    // Racing workers take the slots the limits leave in one round, and open their
    // pull requests side by side: only counting a slot is serialized.
    const openOne = scm.openPullRequest.bind(scm);
    let inFlight = 0;
    let mostInFlight = 0;
    scm.openPullRequest = async draft => {
      mostInFlight = Math.max(mostInFlight, ++inFlight);
      try {
        await new Promise(resolve => setTimeout(resolve, 200));
        return await openOne(draft);
      } finally {
        inFlight--;
      }
    };
    let states: Awaited<ReturnType<typeof round>>;
    try {
      states = await round();
    } finally {
      scm.openPullRequest = openOne;
    }
    expect(states.get('pr-opened')).toHaveLength(4);
    expect(mostInFlight).toBeGreaterThan(1);
    for (let i = 0; i < 5; i++) states = await round();
    expect(states.get('pr-opened')).toHaveLength(4);
    expect(states.get('verified')).toHaveLength(8);
    // Each waiting consumer's job was put back, after a minute: a slot frees only
    // as pull requests close.
    const lastDeferral = new Map(deferred.map(d => [d.entityRef, d.runAt]));
    for (const waiting of states.get('verified')!) {
      expect(lastDeferral.get(waiting.entityRef)!.getTime()).toBeGreaterThan(
        Date.now(),
      );
    }

    // Two pull requests are merged by their owners: two slots free.
    for (const merged of states.get('pr-opened')!.slice(0, 2)) {
      await scm.mergePullRequest(
        merged.repositoryUrl!,
        merged.pullRequest!.branch,
      );
      await step(deps, context, merged);
    }
    for (let i = 0; i < 5; i++) states = await round();
    expect(states.get('pr-opened')).toHaveLength(4);
    expect(states.get('done')).toHaveLength(2);

    // Six opened within the hour: the seventh waits for the hour of the first.
    for (const merged of states.get('pr-opened')!) {
      await scm.mergePullRequest(
        merged.repositoryUrl!,
        merged.pullRequest!.branch,
      );
      await step(deps, context, merged);
    }
    deferred.length = 0;
    states = await round();
    expect(states.get('pr-opened') ?? []).toHaveLength(0);
    expect(states.get('verified')).toHaveLength(6);
    const { all } = await byState(migrationId);
    const firstOpened = Math.min(
      ...all
        .filter(c => c.pullRequest?.openedAt)
        .map(c => Date.parse(c.pullRequest!.openedAt!)),
    );
    const hourly = deferred.filter(
      d => d.runAt.getTime() > Date.now() + HOUR_MS / 2,
    );
    expect(hourly.length).toBeGreaterThan(0);
    for (const d of hourly)
      expect(
        Math.abs(d.runAt.getTime() - (firstOpened + HOUR_MS)),
      ).toBeLessThan(1000);

    // Never opened twice: one pull request per repository, for consumers that have one.
    for (const c of all) {
      const pr = c.pullRequest
        ? await scm.getPullRequest(c.repositoryUrl!, c.pullRequest.branch)
        : undefined;
      expect(Boolean(pr)).toBe(c.state !== 'verified');
    }
    expect(all.filter(c => c.pullRequest?.openedAt)).toHaveLength(6);
  });

  it('automerges only verified, shadow-checked pull requests of consumers that opted in, recorded and audited', async () => {
    const { migrationId, context, campaignId } = await campaignMigration({
      automerge: true,
    });
    const skipped: ConsumerVerification = {
      ...PROVEN,
      shadowChecks: [
        { path: 'q.sql', statement: 1, outcome: 'skipped', detail: 'no SQL' },
      ],
    };
    const notRun: ConsumerVerification = {
      shadowChecks: PROVEN.shadowChecks,
      commandNotRun: 'verify commands are off',
      patchedBy: 'rewriter',
    };
    await verifiedConsumers(migrationId, [
      { name: 'opted', owner: 'group:default/a' },
      { name: 'team-opted', owner: 'group:default/eager' },
      { name: 'silent', owner: 'group:default/a' },
      {
        name: 'unchecked',
        owner: 'group:default/eager',
        verification: skipped,
      },
      {
        name: 'unverified',
        owner: 'group:default/eager',
        verification: notRun,
      },
    ]);
    const optIn = { [ANNOTATION_AUTOMERGE]: 'true' };
    const { deps, auditor } = dependencies(new CampaignPullRequestSlots(knex), [
      component('opted', 'group:default/a', optIn),
      component('team-opted', 'group:default/eager'),
      component('silent', 'group:default/a'),
      component('unchecked', 'group:default/eager'),
      component('unverified', 'group:default/eager'),
      group('a'),
      group('eager', optIn),
    ]);
    // Each consumer's job: open its pull request, then follow it, as the pipeline does.
    for (const c of (await byState(migrationId)).all) {
      await step(deps, context, c);
      await step(
        deps,
        context,
        (await consumers.get(migrationId, c.entityRef))!,
      );
    }

    const after = new Map(
      (await consumers.list(migrationId)).map(c => [
        c.entityRef.split('/')[1],
        c,
      ]),
    );
    for (const name of ['opted', 'team-opted']) {
      expect(after.get(name)).toMatchObject({
        state: 'done',
        pullRequest: { state: 'merged', mergedBy: 'automerge' },
      });
    }
    for (const name of ['silent', 'unchecked', 'unverified']) {
      expect(after.get(name)).toMatchObject({
        state: 'pr-opened',
        pullRequest: { state: 'open' },
      });
      const pr = await scm.getPullRequest(
        after.get(name)!.repositoryUrl!,
        after.get(name)!.pullRequest!.branch,
      );
      expect(pr?.state).toBe('open');
    }
    const events = (auditor.createEvent as jest.Mock).mock.calls.map(
      ([e]) => e,
    );
    expect(events).toHaveLength(2);
    for (const event of events) {
      expect(event).toMatchObject({
        eventId: 'consumer-automerge',
        severityLevel: 'high',
        meta: { migrationId, campaignId },
      });
    }
  });

  it('merges nothing when the campaign does not allow automerge', async () => {
    const { migrationId, context } = await campaignMigration({});
    await verifiedConsumers(migrationId, [
      { name: 'keen', owner: 'group:default/a' },
    ]);
    const { deps, auditor } = dependencies(new CampaignPullRequestSlots(knex), [
      component('keen', 'group:default/a', { [ANNOTATION_AUTOMERGE]: 'true' }),
    ]);
    const [keen] = await consumers.list(migrationId);
    await step(deps, context, keen);
    await step(
      deps,
      context,
      (await consumers.get(migrationId, keen.entityRef))!,
    );
    expect(await consumers.get(migrationId, keen.entityRef)).toMatchObject({
      state: 'pr-opened',
      pullRequest: { state: 'open' },
    });
    expect(auditor.createEvent).not.toHaveBeenCalled();
  });

  it('takes a slot without counting the ledger while fewer were ever taken than any limit allows, and counts once one could be reached', async () => {
    const { migrationId, context } = await campaignMigration({
      concurrentLimit: 3,
      hourlyLimit: 10,
      perOwnerLimit: 10,
    });
    await verifiedConsumers(
      migrationId,
      ['a', 'b', 'c', 'd'].map(name => ({
        name,
        owner: 'group:default/a',
      })),
    );
    const { deps } = dependencies(
      new CampaignPullRequestSlots(knex, { retryMs: 60_000 }),
    );
    const get = (name: string) =>
      consumers.get(migrationId, `component:default/${name}`);
    // The ledger count is the statement counting the campaign's open pull requests.
    let ledgerCounts = 0;
    const seen = (query: { sql: string }) => {
      if (/count\(\*\) FILTER \(WHERE c\.open\)/.test(query.sql))
        ledgerCounts++;
    };
    knex.on('query', seen);
    try {
      for (const name of ['a', 'b', 'c'])
        expect(await step(deps, context, (await get(name))!)).toBe('pr-opened');
      expect(ledgerCounts).toBe(0);

      // Three taken, the concurrent limit: the ledger decides, and refuses.
      expect(await step(deps, context, (await get('d'))!)).toBe('verified');
      expect(ledgerCounts).toBe(1);

      // One merged: the count sees two open, and the fourth opens.
      const merged = (await get('a'))!;
      await scm.mergePullRequest(
        merged.repositoryUrl!,
        merged.pullRequest!.branch,
      );
      await step(deps, context, merged);
      expect(await step(deps, context, (await get('d'))!)).toBe('pr-opened');
      expect(ledgerCounts).toBe(2);
    } finally {
      knex.off('query', seen);
    }
    expect(
      await knex('campaign_pull_request_tally').select('owner', 'reserved'),
    ).toContainEqual({ owner: 'group:default/a', reserved: 4 });
  });

  it('counts every pull request still open against the limit, whatever its consumer’s state, and frees the slot once one is closed', async () => {
    const { migrationId, context } = await campaignMigration({
      concurrentLimit: 2,
    });
    await verifiedConsumers(migrationId, [
      { name: 'first', owner: 'group:default/a' },
      { name: 'second', owner: 'group:default/b' },
      { name: 'third', owner: 'group:default/c' },
    ]);
    const { deps, deferred } = dependencies(
      new CampaignPullRequestSlots(knex, { retryMs: 60_000 }),
    );
    const get = (name: string) =>
      consumers.get(migrationId, `component:default/${name}`);
    for (const name of ['first', 'second'])
      await step(deps, context, (await get(name))!);
    // The first one's consumer fails after its pull request opened: the request
    // itself stays open, awaiting review, and still holds its slot.
    await consumers.advance(
      migrationId,
      'component:default/first',
      ['pr-opened'],
      {
        state: 'failed',
        failure: {
          kind: 'pull-request-failed',
          message: 'the provider stopped answering',
        },
      },
    );
    expect(await get('first')).toMatchObject({
      state: 'failed',
      pullRequest: { state: 'open' },
    });
    await step(deps, context, (await get('third'))!);
    expect((await get('third'))!.state).toBe('verified');
    expect(deferred.map(d => d.entityRef)).toEqual(['component:default/third']);

    // The second one's owner closes it unmerged: recorded closed, its slot frees.
    const second = (await get('second'))!;
    await scm.closePullRequest(
      { ...second.pullRequest!, repositoryUrl: second.repositoryUrl! },
      'not now',
    );
    expect(await step(deps, context, second)).toBe('failed');
    expect(await get('second')).toMatchObject({
      state: 'failed',
      failure: { kind: 'pull-request-failed' },
      pullRequest: { state: 'closed' },
    });
    await step(deps, context, (await get('third'))!);
    expect(await get('third')).toMatchObject({
      state: 'pr-opened',
      pullRequest: { state: 'open' },
    });
  });
});
