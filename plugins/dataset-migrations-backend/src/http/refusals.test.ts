import type { Knex } from 'knex';
import request from 'supertest';
import { createBackendModule } from '@backstage/backend-plugin-api';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  AuthorizeResult,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  datasetMigrationStartPermission,
  type ConsumerImpact,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  datasetEnginesExtensionPoint,
  type DatasetEngine,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  connectionUrlOf,
  createTestDatabases,
} from '../__testUtils__/testDatabases';
import {
  dataset,
  newMigration,
  succeededMigration,
} from '../__testUtils__/fixtures';
import { DatabaseMigrationStore } from '../database/DatabaseMigrationStore';
import { ConsumerStore } from '../database/ConsumerStore';
import { postgresEngineFactory } from '../engines/postgres/PostgresDatasetEngine';
import { datasetMigrationsPlugin } from '../plugin';

const API = '/api/dataset-migrations';
const WORKER_SCHEMA = 'dataset_migrations_worker';
const EVENTS = 'resource:default/events';
const START = datasetMigrationStartPermission.name;
const LEGACY = 'component:default/legacy';
const ASSESSED = 'component:default/assessed';

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'pipeline', lifecycle: 'production', owner: 'group:default/x' },
});

/** Each permission a policy denies; everything else is allowed. */
let denied: string[] = [];
const permissions = mockServices.permissions.mock({
  authorize: async requests =>
    requests.map(
      r =>
        ({
          result: denied.includes(r.permission.name)
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
        } as PolicyDecision),
    ) as never,
  authorizeConditional: async requests =>
    requests.map(() => ({ result: AuthorizeResult.ALLOW })) as never,
});

/**
 * The real Postgres engine under its own type, telling which of its methods the
 * plugin called: work on the warehouse shows up here.
 */
const engineCalls: string[] = [];
const recordedEngines = createBackendModule({
  pluginId: 'dataset-migrations',
  moduleId: 'recorded-engine',
  register(env) {
    env.registerInit({
      deps: { engines: datasetEnginesExtensionPoint },
      async init({ engines }) {
        engines.addEngineFactory({
          type: 'recorded-postgres',
          async create(options) {
            const engine = await postgresEngineFactory.create(options);
            return new Proxy(engine, {
              get(target, key, receiver) {
                const value = Reflect.get(target, key, receiver);
                if (typeof value !== 'function' || key === 'close')
                  return value;
                return (...args: unknown[]) => {
                  engineCalls.push(String(key));
                  return value.apply(target, args);
                };
              },
            }) as DatasetEngine;
          },
        });
      },
    });
  },
});

/**
 * Requests the plugin refuses, through its routes on a real Postgres: each is
 * answered with a status and a message naming the problem, and changes nothing.
 */
describe('refused requests', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let store: DatabaseMigrationStore;
  let consumers: ConsumerStore;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const api = () => request(backend.server);

  beforeAll(async () => {
    knex = await init();
    const warehouse = await init();
    await warehouse.raw(
      `CREATE TABLE public.events (id int PRIMARY KEY, user_id text);
       INSERT INTO public.events VALUES (1, 'a');`,
    );
    backend = await startTestBackend({
      features: [
        datasetMigrationsPlugin,
        recordedEngines,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({
          entities: [
            dataset('events'),
            component('legacy'),
            component('assessed'),
          ],
        }),
        permissions.factory,
        mockServices.rootConfig.factory({
          data: {
            datasetMigrations: {
              // No worker: a job stays in the queue, where a test can count it.
              worker: { enabled: false },
              // Nothing waits for an approval: a requester who may not start is refused.
              approvals: { required: [] },
              engines: {
                warehouse: {
                  type: 'recorded-postgres',
                  connection: connectionUrlOf(warehouse),
                },
              },
              // Never run here (no worker); configured so `agent` is a decision to take.
              consumers: { agent: { command: 'false' } },
            },
          },
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
    denied = [];
    engineCalls.length = 0;
    await knex('dataset_versions').delete();
    await knex('migrations').delete();
    await knex.raw(`DELETE FROM ${WORKER_SCHEMA}._private_jobs`);
  });

  /** What a refused request must leave as it was: runs, consumers, jobs. */
  async function stored() {
    const { rows } = await knex.raw(
      `SELECT task_identifier, key FROM ${WORKER_SCHEMA}.jobs ORDER BY id`,
    );
    return {
      migrations: await knex('migrations')
        .select('id', 'status', 'attempts')
        .orderBy('id'),
      consumers: await knex('migration_consumers')
        .select('migration_id', 'entity_ref', 'state', 'decision', 'impact')
        .orderBy(['migration_id', 'entity_ref']),
      jobs: rows,
    };
  }

  const renameUserId = {
    entityRef: EVENTS,
    targetVersion: 2,
    changes: [{ renameField: { from: 'user_id', to: 'listener_id' } }],
  };

  it('says a coding agent is configured when one is', async () => {
    const res = await api().get('/api/dataset-migrations/coding-agent');
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ configured: true });
  });

  it('refuses POST /migrations with 403 naming the start permission, with no engine work and nothing stored, to a requester who may not start', async () => {
    const before = await stored();
    denied = [START];

    const res = await api().post(`${API}/migrations`).send(renameUserId);
    expect(res.status).toBe(403);
    expect(res.body.error).toMatchObject({
      name: 'NotAllowedError',
      message: `not allowed: permission ${START} on ${EVENTS} was denied, and no approval is configured for such requests`,
    });
    expect(engineCalls).toEqual([]);
    expect(await stored()).toEqual(before);
    // An invalid request is refused the same way: no message about the live
    // schema reaches someone who may not start the migration.
    const invalid = await api()
      .post(`${API}/migrations`)
      .send({ ...renameUserId, changes: [{ dropField: { name: 'nowhere' } }] });
    expect(invalid.status).toBe(403);
    expect(invalid.body.error.message).toContain(START);
    expect(invalid.body.error.message).not.toContain('nowhere');

    expect(engineCalls).toEqual([]);
    expect(await stored()).toEqual(before);

    // The same request from someone who may start it: planned on the engine and queued.
    denied = [];
    const allowed = await api().post(`${API}/migrations`).send(renameUserId);
    expect(allowed.status).toBe(201);
    expect(allowed.body.migration.status).toBe('queued');
    expect(engineCalls).toContain('introspect');
    expect((await stored()).jobs).toEqual(
      expect.arrayContaining([
        {
          task_identifier: 'dataset-migrations.run-migration',
          key: `migration:${allowed.body.migration.id}`,
        },
      ]),
    );
  });

  it('refuses the coding agent for a ledger row recorded before dbt package files were marked with 409 naming that, recording and queuing nothing', async () => {
    const id = await succeededMigration(store, {}, { pinned: true });
    await consumers.addDiscovered(id, [
      { entityRef: LEGACY, depth: 1, repositoryUrl: 'file:///nowhere/repo' },
      { entityRef: ASSESSED, depth: 1, repositoryUrl: 'file:///nowhere/repo' },
    ]);
    // As the ledger held impacts before files of installed dbt packages were marked.
    const legacy: ConsumerImpact = {
      status: 'needs-decision',
      fields: ['user_id'],
      files: [
        {
          path: 'vendor/leaderboard/models/board.sql',
          status: 'needs-decision',
          fields: ['user_id'],
          lines: [1],
          problem: { message: 'reads "user_id", which the migration renames' },
        },
      ],
    };
    for (const [ref, impact] of [
      [LEGACY, legacy],
      [ASSESSED, { ...legacy, dbtPackagesMarked: true as const }],
    ] as const)
      await consumers.advance(id, ref, ['discovered'], {
        state: 'failed',
        impact,
        failure: { kind: 'needs-decision', message: 'reads user_id' },
      });
    const before = await stored();
    const decide = (entityRef: string) =>
      api()
        .post(`${API}/migrations/${id}/consumers/decisions`)
        .send({ entityRef, decision: 'agent' });

    const res = await decide(LEGACY);
    expect(res.status).toBe(409);
    expect(res.body.error).toMatchObject({
      name: 'ConflictError',
      message: `${LEGACY}: its impact was recorded before files of installed dbt packages (which \`dbt deps\` replaces, so the coding agent may not patch them) were told apart; retry the consumer to assess its code again, then decide`,
    });
    expect(await stored()).toEqual(before);

    // Assessed since, and no package's file reads the field: the agent takes it.
    const taken = await decide(ASSESSED);
    expect(taken.status).toBe(200);
    expect(taken.body.consumer).toMatchObject({
      entityRef: ASSESSED,
      state: 'discovered',
      decision: { kind: 'agent' },
    });
    expect((await stored()).jobs).toHaveLength(1);
  });
  it('refuses keeping the field or the coding agent for code that fails through a view with 409 naming the file, and takes exclusion', async () => {
    const id = await succeededMigration(store, {}, { pinned: true });
    await consumers.addDiscovered(id, [
      { entityRef: LEGACY, depth: 1, repositoryUrl: 'file:///nowhere/repo' },
    ]);
    await consumers.advance(id, LEGACY, ['discovered'], {
      state: 'failed',
      impact: {
        status: 'needs-decision',
        fields: [],
        dbtPackagesMarked: true,
        files: [
          {
            path: 'etl/load.py',
            status: 'needs-decision',
            fields: [],
            lines: [4],
            needsTable: true,
            problem: { message: 'runs TRUNCATE on events' },
          },
        ],
      },
      failure: { kind: 'needs-decision', message: 'runs TRUNCATE on events' },
    });
    const before = await stored();
    const decide = (decision: string) =>
      api()
        .post(`${API}/migrations/${id}/consumers/decisions`)
        .send({ entityRef: LEGACY, decision, reason: 'moving on' });

    const kept = await decide('keep-field');
    expect(kept.status).toBe(409);
    expect(kept.body.error.message).toBe(
      `${LEGACY}: etl/load.py runs code that fails or misreads from the cut-over on, whatever is decided (its reason says why): change the code and retry the consumer, or exclude it`,
    );
    const agent = await decide('agent');
    expect(agent.status).toBe(409);
    expect(agent.body.error.message).toMatch(
      /: the coding agent patches only after the cut-over, and etl\/load\.py runs code that fails/,
    );
    expect(await stored()).toEqual(before);
    const excluded = await decide('exclude');
    expect(excluded.status).toBe(200);
    expect(excluded.body.consumer.state).toBe('excluded');
  });
  it('refuses a lone UTF-16 surrogate in every free-text field a run route stores with a 400 naming the field, changing, queuing and running nothing', async () => {
    const LONE = 'why \ud800';
    const NAMED = 'must not contain a lone UTF-16 surrogate';
    const refused = async (path: string, body: object, field: string) => {
      const res = await api().post(`${API}${path}`).send(body);
      expect({ path, status: res.status }).toEqual({ path, status: 400 });
      expect(res.body.error.message).toContain(`${field}: ${NAMED}`);
    };

    // A request whose every other part is fine: no run is written.
    await refused(
      '/migrations',
      {
        ...renameUserId,
        changes: [{ addField: { name: 'genre', type: 'text', default: LONE } }],
      },
      'changes[0].addField.default',
    );
    expect((await stored()).migrations).toEqual([]);

    const live = await succeededMigration(store, {}, { pinned: true });
    await consumers.addDiscovered(live, [
      { entityRef: LEGACY, depth: 1, repositoryUrl: 'file:///nowhere/repo' },
    ]);
    await consumers.advance(live, LEGACY, ['discovered'], {
      state: 'failed',
      impact: { status: 'needs-decision', fields: ['user_id'], files: [] },
      failure: { kind: 'needs-decision', message: 'reads user_id' },
    });
    const waiting = newMigration({
      entityRef: 'resource:default/other',
      approval: { reasons: ['the change is breaking'], requestDigest: 'd1' },
    });
    await store.createMigration(waiting, async () => {});
    const before = await stored();
    expect(before.migrations).toEqual(
      expect.arrayContaining([
        expect.objectContaining({
          id: waiting.id,
          status: 'awaiting-approval',
        }),
      ]),
    );

    const refusals: Array<[string, object, string]> = [
      [
        `/migrations/${waiting.id}/approve`,
        { requestDigest: 'd1', comment: LONE },
        'comment',
      ],
      [`/migrations/${waiting.id}/reject`, { comment: LONE }, 'comment'],
      [
        `/migrations/${live}/rollback`,
        { override: { reason: LONE } },
        'override.reason',
      ],
      [
        `/migrations/${live}/contract`,
        { override: { reason: '\udc00 low first' } },
        'override.reason',
      ],
      [
        `/migrations/${live}/consumers/decisions`,
        { entityRef: LEGACY, decision: 'keep-field', reason: LONE },
        'reason',
      ],
    ];
    for (const [path, body, field] of refusals)
      await refused(path, body, field);
    // Nothing stored, queued or run on the warehouse: the rollback never reached the engine.
    expect(engineCalls).toEqual([]);
    expect(await stored()).toEqual(before);
    const { migration } = (await api().get(`${API}/migrations/${live}`)).body;
    expect(migration.status).toBe('succeeded');

    // A surrogate pair is a character like any other: the same decision with one is taken.
    const taken = await api()
      .post(`${API}/migrations/${live}/consumers/decisions`)
      .send({
        entityRef: LEGACY,
        decision: 'keep-field',
        reason: 'ok \ud83d\ude00',
      });
    expect(taken.status).toBe(200);
    expect(taken.body.consumer.decision).toMatchObject({
      reason: 'ok \ud83d\ude00',
    });
  });
});
