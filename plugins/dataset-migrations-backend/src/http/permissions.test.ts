import type { Knex } from 'knex';
import request from 'supertest';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import { recordingAuditor } from '../__testUtils__/recordingAuditor';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import {
  dataset,
  newMigration,
  succeededMigration,
} from '../__testUtils__/fixtures';
import { DatabaseMigrationStore } from '../database/DatabaseMigrationStore';
import { ConsumerStore } from '../database/ConsumerStore';
import { datasetMigrationsPlugin } from '../plugin';

const API = '/api/dataset-migrations';
const WORKER_SCHEMA = 'dataset_migrations_worker';
const USER = mockCredentials.user().principal.userEntityRef;
const OTHER = 'user:default/someone-else';
const EVENTS = 'resource:default/events';
/** A consumer in the catalog (the caller may read it) and one the catalog hides from the caller. */
const READABLE = 'component:default/readable';
const HIDDEN = 'component:default/hidden';

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/data',
  },
});

/**
 * Permissions as a policy decides them, per permission name; allow unless a test
 * says otherwise. The plugin asks through the permission service it is given.
 */
let decide: (permission: string, resourceRef?: string) => PolicyDecision;
const allowAll = () => ({ result: AuthorizeResult.ALLOW } as PolicyDecision);
const denying = (name: string) => (permission: string) =>
  (permission === name
    ? { result: AuthorizeResult.DENY }
    : { result: AuthorizeResult.ALLOW }) as PolicyDecision;

const permissions = mockServices.permissions.mock({
  authorize: async requests =>
    requests.map(r =>
      decide(r.permission.name, 'resourceRef' in r ? r.resourceRef : undefined),
    ) as never,
  authorizeConditional: async requests =>
    requests.map(r => decide(r.permission.name)) as never,
});

/** Audit events as the plugin records them: how each ended. */
const { auditor, events: audits } = recordingAuditor();

describe('permissions and audit on every run route', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let store: DatabaseMigrationStore;
  let consumers: ConsumerStore;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    knex = await init();
    backend = await startTestBackend({
      features: [
        datasetMigrationsPlugin,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({
          entities: [dataset('events'), component('readable')],
        }),
        permissions.factory,
        auditor.factory,
        mockServices.rootConfig.factory({
          // No worker: a job stays in the queue, where a test can count it.
          data: { datasetMigrations: { worker: { enabled: false } } },
        }),
      ],
    });
    store = await DatabaseMigrationStore.create({
      database: mockServices.database({ knex }),
    });
    consumers = new ConsumerStore(knex);
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
  });

  beforeEach(async () => {
    decide = allowAll;
    audits.length = 0;
    await knex('dataset_versions').delete();
    await knex('migrations').delete();
    await knex.raw(`DELETE FROM ${WORKER_SCHEMA}._private_jobs`);
  });

  const api = () => request(backend.server);

  async function jobCount(): Promise<number> {
    const { rows } = await knex.raw(
      `SELECT count(*)::int AS n FROM ${WORKER_SCHEMA}.jobs`,
    );
    return rows[0].n;
  }

  /** Everything a denied request must leave as it was: runs, consumers, jobs. */
  async function snapshot() {
    return {
      migrations: await knex('migrations')
        .select('id', 'status', 'cancel_requested_at', 'attempts')
        .orderBy('id'),
      consumers: await knex('migration_consumers')
        .select('migration_id', 'entity_ref', 'state', 'attempts', 'decision')
        .orderBy(['migration_id', 'entity_ref']),
      jobs: await jobCount(),
    };
  }

  async function queuedRun() {
    const run = newMigration({
      requestedBy: USER,
      datasetOwner: 'group:default/data',
    });
    await store.createMigration(run, async () => {});
    return run.id;
  }

  async function failedRun() {
    const id = await queuedRun();
    await store.claimMigration(id, { owner: 't', durationMs: 60_000 });
    await store.finishMigration(id, { status: 'failed', reason: 'boom' }, 't');
    return id;
  }

  /** A live run with a consumer per state given: failed (needs a decision), or with an open pull request. */
  async function runWithConsumers(
    states: Record<string, 'needs-decision' | 'failed' | 'pr-opened'>,
  ) {
    const id = await succeededMigration(store, {}, { pinned: true });
    await consumers.addDiscovered(
      id,
      Object.keys(states).map(entityRef => ({
        entityRef,
        depth: 1,
        repositoryUrl: 'file:///nowhere/repo',
      })),
    );
    for (const [ref, state] of Object.entries(states)) {
      await consumers.advance(id, ref, ['discovered'], {
        state: state === 'pr-opened' ? 'pr-opened' : 'failed',
        patch: '--- a/q.sql\n+++ b/q.sql\n-secret line\n+secret line 2\n',
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
        ...(state === 'pr-opened'
          ? {
              pullRequest: {
                provider: 'local-git',
                url: 'file:///nowhere/repo#pr-1',
                number: 1,
                branch: 'migrate',
                state: 'open' as const,
              },
            }
          : {
              failure: {
                kind:
                  state === 'failed'
                    ? ('patch-failed' as const)
                    : ('needs-decision' as const),
                message: 'q.sql:1: secret line',
              },
            }),
      });
    }
    return id;
  }

  type Route = {
    name: string;
    eventId: string;
    severityLevel: 'medium' | 'high';
    permission: string;
    setUp(): Promise<string>;
    path(id: string): string;
    /** What the route's body holds (none: `{}`). */
    body?: object;
    /** What an allowed request changes, when this test can see it happen. */
    allowed?(id: string): Promise<void>;
  };

  const routes: Route[] = [
    {
      name: 'cancel',
      eventId: 'migration-cancel',
      severityLevel: 'medium',
      permission: 'dataset-migrations.migration.cancel',
      setUp: queuedRun,
      path: id => `${API}/migrations/${id}/cancel`,
      allowed: async id => {
        expect((await store.getMigrationWithPlan(id))!.status).toBe(
          'cancelled',
        );
      },
    },
    {
      name: 'retry',
      eventId: 'migration-retry',
      severityLevel: 'medium',
      permission: 'dataset-migrations.migration.retry',
      setUp: failedRun,
      path: id => `${API}/migrations/${id}/retry`,
      allowed: async id => {
        expect((await store.getMigrationWithPlan(id))!.status).toBe('queued');
        expect(await jobCount()).toBe(1);
      },
    },
    {
      name: 'rollback',
      eventId: 'migration-rollback',
      severityLevel: 'high',
      permission: 'dataset-migrations.migration.rollback',
      setUp: () => succeededMigration(store, {}, { pinned: true }),
      path: id => `${API}/migrations/${id}/rollback`,
    },
    {
      name: 'contract',
      eventId: 'migration-contract',
      severityLevel: 'high',
      permission: 'dataset-migrations.migration.contract',
      setUp: () => succeededMigration(store, {}, { pinned: true }),
      path: id => `${API}/migrations/${id}/contract`,
    },
    {
      name: 'consumer decision',
      eventId: 'consumer-decision',
      severityLevel: 'medium',
      permission: 'dataset-migrations.consumer.update',
      setUp: () => runWithConsumers({ [READABLE]: 'needs-decision' }),
      path: id => `${API}/migrations/${id}/consumers/decisions`,
      body: { entityRef: READABLE, decision: 'exclude', reason: 'retired' },
      allowed: async id => {
        expect((await consumers.get(id, READABLE))!.state).toBe('excluded');
      },
    },
    {
      name: 'consumer retry',
      eventId: 'consumer-retry',
      severityLevel: 'medium',
      permission: 'dataset-migrations.consumer.update',
      setUp: () =>
        runWithConsumers({ [READABLE]: 'failed', [HIDDEN]: 'failed' }),
      path: id => `${API}/migrations/${id}/consumers/retry`,
      allowed: async id => {
        expect((await consumers.get(id, READABLE))!.state).toBe('discovered');
        expect(await jobCount()).toBe(2);
      },
    },
    {
      name: 'pull request merge',
      eventId: 'pull-request-merge',
      severityLevel: 'medium',
      permission: 'dataset-migrations.consumer.update',
      setUp: () => runWithConsumers({ [READABLE]: 'pr-opened' }),
      path: id =>
        `${API}/migrations/${id}/consumers/component/default/readable/pull-request/merge`,
    },
  ];

  /** A route's request: its body, with `extra` keys. */
  const send = (route: Route, id: string, extra: object = {}) =>
    api()
      .post(route.path(id))
      .send({ ...route.body, ...extra });

  it.each(routes)(
    'denies $name without its permission: 403 naming it, nothing changed or queued, a failed audit event',
    async route => {
      const id = await route.setUp();
      const before = await snapshot();
      decide = denying(route.permission);

      const res = await send(route, id);

      expect(res.status).toBe(403);
      expect(res.body.error).toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining(route.permission),
      });
      expect(await snapshot()).toEqual(before);
      expect(audits).toEqual([
        expect.objectContaining({
          eventId: route.eventId,
          severityLevel: route.severityLevel,
          outcome: 'failed',
          meta: expect.objectContaining({ migrationId: id, entityRef: EVENTS }),
          error: expect.objectContaining({
            message: expect.stringContaining(route.permission),
          }),
        }),
      ]);
    },
  );

  it.each(routes.filter(r => r.allowed))(
    'does $name when allowed, as one succeeded audit event',
    async route => {
      const id = await route.setUp();
      const res = await send(route, id);
      expect(res.status).toBe(200);
      await route.allowed!(id);
      expect(audits).toEqual([
        expect.objectContaining({
          eventId: route.eventId,
          outcome: 'succeeded',
          meta: expect.objectContaining({ migrationId: id, entityRef: EVENTS }),
        }),
      ]);
    },
  );

  /** The approval routes, on a run that awaits one. */
  const awaitingApproval: Route[] = (['approve', 'reject'] as const).map(
    action => ({
      name: action,
      eventId: `migration-${action}`,
      severityLevel: 'high',
      permission: '',
      setUp: async () => {
        const run = newMigration({
          requestedBy: OTHER,
          datasetOwner: 'group:default/data',
          approval: {
            reasons: ['the change is breaking'],
            requestDigest: 'd1',
          },
        });
        await store.createMigration(run, async () => {});
        return run.id;
      },
      path: id => `${API}/migrations/${id}/${action}`,
      body: { requestDigest: 'd1', comment: 'fine by me' },
    }),
  );

  /** A refused request: 400 naming the problem, nothing changed, one failed audit event. */
  async function expectRefused(
    route: Route,
    id: string,
    res: request.Response,
    problem: string,
    before: Awaited<ReturnType<typeof snapshot>>,
  ) {
    expect({ status: res.status, error: res.body.error }).toEqual({
      status: 400,
      error: expect.objectContaining({
        name: 'InputError',
        message: expect.stringContaining(problem),
      }),
    });
    expect(await snapshot()).toEqual(before);
    expect(audits).toEqual([
      expect.objectContaining({
        eventId: route.eventId,
        outcome: 'failed',
        meta: expect.objectContaining({ migrationId: id, entityRef: EVENTS }),
        error: expect.objectContaining({
          message: expect.stringContaining(problem),
        }),
      }),
    ]);
  }

  it.each([...routes, ...awaitingApproval])(
    'refuses $name with a key it does not know (a misspelt override): 400 naming it, nothing changed, a failed audit event',
    async route => {
      const id = await route.setUp();
      const before = await snapshot();
      const res = await send(route, id, { overide: { reason: 'x' } });
      expect(res.status).toBe(400);
      await expectRefused(
        route,
        id,
        res,
        "Unrecognized key(s) in object: 'overide'",
        before,
      );
    },
  );

  it.each([...routes, ...awaitingApproval])(
    'refuses $name with a body it would not read (text/plain): 400 naming the content type, nothing changed, a failed audit event',
    async route => {
      const id = await route.setUp();
      const before = await snapshot();
      const res = await api()
        .post(route.path(id))
        .set('Content-Type', 'text/plain')
        .send(JSON.stringify({ ...route.body, override: { reason: 'x' } }));
      expect(res.status).toBe(400);
      await expectRefused(
        route,
        id,
        res,
        'a body must be JSON (Content-Type: application/json) or YAML',
        before,
      );
    },
  );

  it.each(routes.filter(r => ['rollback', 'contract'].includes(r.name)))(
    'names an unknown key inside the override of $name by its path',
    async route => {
      const id = await route.setUp();
      const before = await snapshot();
      const res = await send(route, id, {
        override: { reason: 'x', reasn: 'y', by: 'someone' },
      });
      expect(res.status).toBe(400);
      await expectRefused(
        route,
        id,
        res,
        "override: Unrecognized key(s) in object: 'reasn', 'by'",
        before,
      );
    },
  );

  it('records a migration request refused for its body (not YAML, not read) as a failed audit event', async () => {
    for (const [type, body, problem] of [
      ['application/yaml', 'entityRef: [unclosed', 'not valid YAML'],
      ['text/plain', '{"entityRef":"resource:default/events"}', 'text/plain'],
    ]) {
      audits.length = 0;
      const res = await api()
        .post(`${API}/migrations`)
        .set('Content-Type', type)
        .send(body);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(problem);
      expect(audits).toEqual([
        expect.objectContaining({
          eventId: 'migration-create',
          outcome: 'failed',
          error: expect.objectContaining({
            message: expect.stringContaining(problem),
          }),
        }),
      ]);
    }
    expect(await knex('migrations').count({ n: '*' })).toEqual([{ n: '0' }]);
  });

  it('bounds what a request puts into its audit event: a huge entityRef or key is cut short, marked, and the refusal still recorded', async () => {
    // A ref of half a megabyte, refused for its length: the event keeps its start.
    const huge = `resource:default/${'x'.repeat(500_000)}`;
    const created = await api()
      .post(`${API}/migrations`)
      .send({ entityRef: huge, targetVersion: 2, changes: [] });
    expect(created.status).toBe(400);
    expect(created.body.error.message).toContain(
      'entityRef: must be at most 300 characters',
    );
    const [event] = audits;
    expect(event).toMatchObject({
      eventId: 'migration-create',
      outcome: 'failed',
    });
    const { entityRef } = event.meta as { entityRef: string };
    expect(entityRef.length).toBeLessThan(400);
    expect(entityRef).toMatch(
      /^resource:default\/x+…\(cut short: \d+ more characters\)$/,
    );

    // Thousands of unknown keys, one of them huge: the 400 and the event name a few.
    audits.length = 0;
    const id = await queuedRun();
    const before = await snapshot();
    const keys = Object.fromEntries(
      Array.from({ length: 5000 }, (_, i) => [`k${i}`, 1]),
    );
    const refused = await api()
      .post(`${API}/migrations/${id}/cancel`)
      .send({ [`${'y'.repeat(200_000)}`]: 1, ...keys });
    expect(refused.status).toBe(400);
    const message: string = refused.body.error.message;
    expect(message.length).toBeLessThan(2_000);
    expect(message).toMatch(
      /^Invalid cancel request: Unrecognized key\(s\) in object: 'y+…\(cut short: \d+ more characters\)', 'k0', .* and 4991 more \(5001 in all\)$/,
    );
    expect(audits).toEqual([
      expect.objectContaining({
        eventId: 'migration-cancel',
        outcome: 'failed',
        error: expect.objectContaining({ message }),
      }),
    ]);
    expect(JSON.stringify(audits).length).toBeLessThan(5_000);
    expect(await snapshot()).toEqual(before);
  });

  it('records an action refused for a body express could not read (malformed, too large, an unread charset) as a failed audit event', async () => {
    const id = await queuedRun();
    for (const [action, type, body, status, problem] of [
      [
        'rollback',
        'application/json',
        '{"override":',
        400,
        'the body is not a json object or array',
      ],
      [
        'contract',
        'application/json; charset=latin1',
        '{}',
        415,
        'unsupported charset',
      ],
      [
        'cancel',
        'application/json',
        `{"reason":"${'x'.repeat(1_100_000)}"}`,
        413,
        'too large',
      ],
    ] as const) {
      audits.length = 0;
      const res = await api()
        .post(`${API}/migrations/${id}/${action}`)
        .set('Content-Type', type)
        .send(body);
      expect(res.status).toBe(status);
      expect(res.body.error.message.toLowerCase()).toContain(problem);
      expect(audits).toEqual([
        expect.objectContaining({
          eventId: `migration-${action}`,
          outcome: 'failed',
          meta: expect.objectContaining({ migrationId: id }),
        }),
      ]);
    }
    // Nothing happened to the run.
    expect(
      (await api().get(`${API}/migrations/${id}`)).body.migration.status,
    ).toBe('queued');
    // A read records nothing and reads no body: refused as it was sent.
    const read = await api()
      .get(`${API}/migrations/${id}`)
      .set('Content-Type', 'application/json')
      .send('{"a":');
    expect(read.status).toBe(400);
    expect(read.body.error.message).toMatch(
      /^Invalid request: the body is not a JSON object or array/,
    );
  });

  it('records a change refused for a malformed run id as a failed audit event', async () => {
    for (const action of ['cancel', 'retry', 'rollback', 'approve']) {
      audits.length = 0;
      const res = await api().post(`${API}/migrations/zzz/${action}`).send({});
      expect(res.status).toBe(400);
      expect(res.body.error.message).toBe(
        'Invalid migration id: must be a migration id',
      );
      expect(audits).toEqual([
        expect.objectContaining({
          eventId: `migration-${action}`,
          outcome: 'failed',
          meta: { migrationId: 'zzz' },
        }),
      ]);
    }
  });

  it('retries no consumer unless the caller may update every one it would retry', async () => {
    const id = await runWithConsumers({
      [READABLE]: 'failed',
      [HIDDEN]: 'failed',
    });
    const before = await snapshot();
    decide = (permission, ref) =>
      ({
        result:
          permission === 'dataset-migrations.consumer.update' && ref === HIDDEN
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      } as PolicyDecision);

    const res = await api()
      .post(`${API}/migrations/${id}/consumers/retry`)
      .send({});
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain(HIDDEN);
    expect(res.body.error.message).not.toContain(READABLE);
    expect(await snapshot()).toEqual(before);
    expect(audits[0]).toMatchObject({
      outcome: 'failed',
      meta: { consumers: [HIDDEN, READABLE] },
    });
  });

  it('names a few of thousands of refused consumers and counts the rest, in the answer and the audit event', async () => {
    const ghosts = Array.from(
      { length: 5000 },
      (_, i) => `component:default/ghost-${i}`,
    );
    const id = await runWithConsumers({ [READABLE]: 'failed' });
    const unknown = await api()
      .post(`${API}/migrations/${id}/consumers/retry`)
      .send({ entityRefs: ghosts });
    expect(unknown.status).toBe(400);
    const message: string = unknown.body.error.message;
    expect(message).toBe(
      `entityRefs: ${ghosts
        .slice(0, 10)
        .join(
          ', ',
        )} and 4990 more (5000 in all) are not consumers of migration ${id}`,
    );
    expect(audits.at(-1)).toMatchObject({
      eventId: 'consumer-retry',
      outcome: 'failed',
      error: expect.objectContaining({ message }),
    });

    // 150 the caller may not update: a 403 naming ten, an event listing 100.
    const many = Object.fromEntries(
      Array.from({ length: 150 }, (_, i) => [
        `component:default/many-${String(i).padStart(3, '0')}`,
        'failed' as const,
      ]),
    );
    const crowded = await runWithConsumers(many);
    const before = await snapshot();
    decide = denying('dataset-migrations.consumer.update');
    const denied = await api()
      .post(`${API}/migrations/${crowded}/consumers/retry`)
      .send({});
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toMatch(
      /^not allowed: permission dataset-migrations\.consumer\.update on component:default\/many-000, .*many-009 and 140 more \(150 in all\) was denied$/,
    );
    expect(await snapshot()).toEqual(before);
    const event = audits.at(-1)!;
    expect(event).toMatchObject({
      outcome: 'failed',
      meta: { consumersCount: 150 },
    });
    expect((event.meta as { consumers: string[] }).consumers).toHaveLength(100);
  });

  it('retries, when asked for allowedOnly, just the failed consumers the caller may update, naming the others', async () => {
    const id = await runWithConsumers({
      [READABLE]: 'failed',
      [HIDDEN]: 'failed',
    });
    const jobsBefore = await jobCount();
    decide = (permission, ref) =>
      ({
        result:
          permission === 'dataset-migrations.consumer.update' && ref === HIDDEN
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      } as PolicyDecision);

    const res = await api()
      .post(`${API}/migrations/${id}/consumers/retry`)
      .send({ allowedOnly: true });
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ retried: [READABLE], notAllowed: [HIDDEN] });
    const states = await knex('migration_consumers')
      .where({ migration_id: id })
      .orderBy('entity_ref')
      .select('entity_ref', 'state');
    expect(states).toEqual([
      { entity_ref: HIDDEN, state: 'failed' },
      { entity_ref: READABLE, state: 'discovered' },
    ]);
    expect(await jobCount()).toBe(jobsBefore + 1);
    expect(audits).toEqual([
      expect.objectContaining({
        eventId: 'consumer-retry',
        outcome: 'succeeded',
        meta: expect.objectContaining({
          consumers: [READABLE],
          notAllowed: [HIDDEN],
        }),
      }),
    ]);
  });

  it('says which failed consumers the caller may retry, changing nothing, and only to a reader of the run', async () => {
    const id = await runWithConsumers({
      [READABLE]: 'failed',
      [HIDDEN]: 'failed',
      'component:default/moving': 'pr-opened',
    });
    const before = await snapshot();
    decide = (permission, ref) =>
      ({
        result:
          permission === 'dataset-migrations.consumer.update' && ref === HIDDEN
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      } as PolicyDecision);

    const res = await api().get(`${API}/migrations/${id}/consumers/retryable`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ allowed: [READABLE], notAllowed: [HIDDEN] });
    expect(await snapshot()).toEqual(before);
    expect(audits).toEqual([]);

    decide = denying('dataset-migrations.migration.read');
    const refused = await api().get(
      `${API}/migrations/${id}/consumers/retryable`,
    );
    expect(refused.status).toBe(403);
    expect(
      (
        await api().get(
          `${API}/migrations/00000000-0000-4000-8000-000000000000/consumers/retryable`,
        )
      ).status,
    ).toBe(403);
    decide = allowAll;
    expect(
      (
        await api().get(
          `${API}/migrations/00000000-0000-4000-8000-000000000000/consumers/retryable`,
        )
      ).status,
    ).toBe(404);
  });

  it('reads a run, its ledger, impact report and pull request only with the read permission', async () => {
    const id = await runWithConsumers({ [READABLE]: 'pr-opened' });
    decide = denying('dataset-migrations.migration.read');
    for (const path of [
      `/migrations/${id}`,
      `/migrations/${id}/consumers`,
      `/migrations/${id}/impact.csv`,
      `/migrations/${id}/consumers/component/default/readable/pull-request`,
    ]) {
      const res = await api().get(`${API}${path}`);
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
      expect(res.body.error.message).toContain(
        'dataset-migrations.migration.read',
      );
    }
    expect((await api().get(`${API}/migrations`)).body).toEqual({ items: [] });
    // Reads are not audited.
    expect(audits).toEqual([]);
  });

  it('lists only the runs a conditional decision selects (the requester’s own)', async () => {
    const mine = await failedRun();
    await store.createMigration(
      newMigration({ requestedBy: OTHER, entityRef: 'resource:default/plays' }),
      async () => {},
    );
    decide = permission =>
      (permission === 'dataset-migrations.migration.read'
        ? {
            result: AuthorizeResult.CONDITIONAL,
            pluginId: 'dataset-migrations',
            resourceType: 'dataset-migration',
            conditions: {
              rule: 'IS_REQUESTER',
              resourceType: 'dataset-migration',
              params: { claims: [USER] },
            },
          }
        : { result: AuthorizeResult.ALLOW }) as PolicyDecision;

    // A newer run of the same dataset, by someone else.
    await store.createMigration(
      newMigration({ requestedBy: OTHER, entityRef: EVENTS }),
      async () => {},
    );

    const res = await api().get(`${API}/migrations`);
    expect(res.status).toBe(200);
    expect(res.body.items.map((m: { id: string }) => m.id)).toEqual([mine]);
    // The dataset list, too, shows the newest run the caller may read.
    const datasets = await api().get(`${API}/datasets`);
    expect(datasets.status).toBe(200);
    expect(datasets.body.items).toEqual([
      expect.objectContaining({
        entityRef: EVENTS,
        lastMigration: expect.objectContaining({ id: mine }),
      }),
    ]);
  });

  it('leaves out the patch, files and evidence of a consumer the caller may not read', async () => {
    const id = await runWithConsumers({
      [READABLE]: 'failed',
      [HIDDEN]: 'failed',
    });
    const ledger = await api().get(`${API}/migrations/${id}/consumers`);
    expect(ledger.status).toBe(200);
    const byRef = Object.fromEntries(
      ledger.body.consumers.map((c: { entityRef: string }) => [c.entityRef, c]),
    );
    expect(byRef[READABLE]).toMatchObject({
      patch: expect.stringContaining('secret line'),
      impact: { files: [expect.objectContaining({ path: 'q.sql' })] },
      failure: { message: 'q.sql:1: secret line' },
    });
    expect(byRef[READABLE].redacted).toBeUndefined();
    expect(byRef[HIDDEN]).toMatchObject({
      entityRef: HIDDEN,
      state: 'failed',
      redacted: true,
      impact: { status: 'affected', files: [] },
      failure: { kind: 'patch-failed' },
    });
    expect(byRef[HIDDEN].patch).toBeUndefined();
    expect(byRef[HIDDEN].repositoryUrl).toBeUndefined();
    expect(JSON.stringify(byRef[HIDDEN])).not.toContain('secret');
    expect(ledger.body.counts.failed).toBe(2);

    const csv = await api().get(`${API}/migrations/${id}/impact.csv`);
    expect(csv.status).toBe(200);
    const hiddenRows = csv.text.split('\r\n').filter(l => l.startsWith(HIDDEN));
    expect(hiddenRows).toHaveLength(1);
    expect(hiddenRows[0]).not.toContain('secret');
    expect(hiddenRows[0]).not.toContain('q.sql');
  });

  it('shows rows a shadow check found only to callers who may see the dataset’s rows', async () => {
    const ledgerOf = async (datasetRef: string) => {
      const id = await succeededMigration(
        store,
        { entityRef: datasetRef },
        { pinned: true },
      );
      await consumers.addDiscovered(id, [
        {
          entityRef: READABLE,
          depth: 1,
          repositoryUrl: 'file:///nowhere/repo',
        },
      ]);
      await consumers.advance(id, READABLE, ['discovered'], {
        state: 'patched',
        verification: {
          patchedBy: 'rewriter',
          shadowChecks: [
            {
              path: 'q.sql',
              statement: 1,
              outcome: 'mismatch',
              detail: 'the original returned 2 rows, the rewrite 1',
              differingRows: [{ side: 'before', row: '(42,secret-listener)' }],
            },
          ],
        },
      });
      const res = await api().get(`${API}/migrations/${id}/consumers`);
      expect(res.status).toBe(200);
      return res.body.consumers[0].verification.shadowChecks[0];
    };

    // events is in the catalog for the caller; plays is not.
    expect(await ledgerOf(EVENTS)).toMatchObject({
      differingRows: [{ side: 'before', row: '(42,secret-listener)' }],
    });
    const hidden = await ledgerOf('resource:default/plays');
    // Nor the counts: told only that the two sides differ.
    expect(hidden).toMatchObject({
      outcome: 'mismatch',
      detail: expect.stringMatching(
        /^the original and the rewrite returned different results \(/,
      ),
      differingRowsHidden: true,
    });
    expect(JSON.stringify(hidden)).not.toContain('secret-listener');

    // Readable, but who may neither start nor approve its migrations sees no rows.
    decide = permission =>
      ({
        result: [
          'dataset-migrations.migration.start',
          'dataset-migrations.migration.approve',
        ].includes(permission)
          ? AuthorizeResult.DENY
          : AuthorizeResult.ALLOW,
      } as PolicyDecision);
    const withheld = await ledgerOf(EVENTS);
    expect(withheld).toMatchObject({ differingRowsHidden: true });
    expect(JSON.stringify(withheld)).not.toContain('secret-listener');
  });

  it('shows no pull request of a consumer the caller may not read', async () => {
    const id = await runWithConsumers({ [HIDDEN]: 'pr-opened' });
    const res = await api().get(
      `${API}/migrations/${id}/consumers/component/default/hidden/pull-request`,
    );
    expect(res.status).toBe(403);
    expect(res.body.error.message).toContain('catalog.entity.read');
  });

  it('serves runs to users only: a service token reads no run, but reads schema versions', async () => {
    const id = await queuedRun();
    const service = mockCredentials.service.header();
    for (const path of [
      '/migrations',
      `/migrations/${id}`,
      `/migrations/${id}/consumers`,
      `/migrations/${id}/impact.csv`,
    ]) {
      const res = await api()
        .get(`${API}${path}`)
        .set('Authorization', service);
      expect({ path, status: res.status }).toEqual({ path, status: 403 });
    }
    const versions = await api()
      .get(`${API}/schema-versions`)
      .query({ entityRef: EVENTS })
      .set('Authorization', service);
    expect(versions.status).toBe(200);
  });

  it('shows a user the schema version of a dataset only if the catalog shows them the dataset', async () => {
    const versionsOf = (entityRef: string, auth?: string) => {
      const req = api().get(`${API}/schema-versions`).query({ entityRef });
      return auth ? req.set('Authorization', auth) : req;
    };
    expect((await versionsOf(EVENTS)).status).toBe(200);
    const hidden = await versionsOf('resource:default/plays');
    expect(hidden.status).toBe(404);
    expect(hidden.body.error.message).toContain('resource:default/plays');
    // The catalog module reads it with its service token, for every entity.
    const asService = await versionsOf(
      'resource:default/plays',
      mockCredentials.service.header(),
    );
    expect(asService.status).toBe(200);
    expect(asService.body).toEqual({
      entityRef: 'resource:default/plays',
      schemaVersion: null,
      table: null,
    });
  });

  it('resolves a conditional decision on one run for the permission backend (registered resource and rules)', async () => {
    const mine = await queuedRun();
    const isMine = {
      rule: 'IS_REQUESTER',
      resourceType: 'dataset-migration',
      params: { claims: [USER] },
    };
    const res = await api()
      .post(`${API}/.well-known/backstage/permissions/apply-conditions`)
      .set('Authorization', mockCredentials.service.header())
      .send({
        items: [
          {
            id: '1',
            resourceRef: mine,
            resourceType: 'dataset-migration',
            conditions: isMine,
          },
          {
            id: '2',
            resourceRef: mine,
            resourceType: 'dataset-migration',
            conditions: { ...isMine, params: { claims: [OTHER] } },
          },
          {
            id: '3',
            resourceRef: 'not-a-run',
            resourceType: 'dataset-migration',
            conditions: isMine,
          },
          // The route reads the run by its id in any case; so does the check.
          {
            id: '4',
            resourceRef: mine.toUpperCase(),
            resourceType: 'dataset-migration',
            conditions: isMine,
          },
        ],
      });
    expect(res.status).toBe(200);
    expect(res.body.items).toEqual([
      { id: '1', result: AuthorizeResult.ALLOW },
      { id: '2', result: AuthorizeResult.DENY },
      { id: '3', result: AuthorizeResult.DENY },
      { id: '4', result: AuthorizeResult.ALLOW },
    ]);
  });
});
