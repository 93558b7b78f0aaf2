import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import request from 'supertest';
import {
  coreServices,
  createBackendModule,
  createServiceFactory,
} from '@backstage/backend-plugin-api';
import type { Entity } from '@backstage/catalog-model';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  eventsServiceRef,
  type EventParams,
} from '@backstage/plugin-events-node';
import { notificationService } from '@backstage/plugin-notifications-node';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import signalsPlugin from '@backstage/plugin-signals-backend';
import {
  DATASET_MIGRATIONS_SIGNAL_CHANNEL,
  MIGRATION_OUTCOMES,
  migrationOutcomeTopic,
  type MigrationDetails,
  type MigrationOutcomeEvent,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  connectionUrlOf,
  createTestDatabases,
  waitFor,
} from '../__testUtils__/testDatabases';
import { dataset } from '../__testUtils__/fixtures';
import { createRepository, registeredIn } from '../__testUtils__/gitRepos';
import { datasetMigrationsPlugin } from '../plugin';
import {
  consumerScope,
  migrationScope,
  NOTIFICATION_TOPICS,
} from './BackstageMigrationAnnouncer';

const API = '/api/dataset-migrations';
const EVENTS = 'resource:default/events';
const PLAYS = 'resource:default/plays';
const OWNERS = 'group:default/data';
const OLIVIA = 'user:default/olivia';
const OSCAR = 'user:default/oscar';
/** Requests migrations; not one of the owners. */
const RITA = 'user:default/rita';
const PAULA = 'user:default/paula';
const PLAYER = 'component:default/player';
const BOARDS = [
  'component:default/plays-board-1',
  'component:default/plays-board-2',
];
/** The player's code reads the field the migration renames: it gets a pull request. */
const PLAYER_REPO = join(
  mkdtempSync(join(tmpdir(), 'dsm-announcements-')),
  'player',
);

const user = (name: string, groups: string[]): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: { name, namespace: 'default' },
  spec: { memberOf: groups },
  relations: groups.map(targetRef => ({ type: 'memberOf', targetRef })),
});

const group = (name: string, members: string[]): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name, namespace: 'default' },
  spec: { type: 'team', children: [] },
  relations: members.map(targetRef => ({ type: 'hasMember', targetRef })),
});

/** The catalog computes relations; its mock serves them as given. */
const ownedBy = (entity: Entity, owner: string): Entity => ({
  ...entity,
  spec: { ...entity.spec, owner },
  relations: [
    ...(entity.relations ?? []),
    { type: 'ownedBy', targetRef: owner },
  ],
});

const entities: Entity[] = [
  group('data', [OLIVIA, OSCAR]),
  group('players', [PAULA]),
  user('olivia', [OWNERS]),
  user('oscar', [OWNERS]),
  user('rita', []),
  user('paula', ['group:default/players']),
  ownedBy(
    {
      ...dataset('events'),
      relations: [{ type: 'dependencyOf', targetRef: PLAYER }],
    },
    OWNERS,
  ),
  ownedBy(
    {
      ...dataset('plays'),
      relations: BOARDS.map(targetRef => ({
        type: 'dependencyOf',
        targetRef,
      })),
    },
    OWNERS,
  ),
  // Two dashboards of one team, neither with a repository: both fail at once.
  ...BOARDS.map(ref =>
    ownedBy(
      {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: ref.split('/')[1], namespace: 'default' },
        spec: {
          type: 'dashboard',
          lifecycle: 'production',
          dependsOn: [PLAYS],
        },
        relations: [{ type: 'dependsOn', targetRef: PLAYS }],
      },
      'group:default/players',
    ),
  ),
  ownedBy(
    {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Component',
      metadata: {
        name: 'player',
        namespace: 'default',
        annotations: registeredIn(PLAYER_REPO),
      },
      spec: { type: 'service', lifecycle: 'production', dependsOn: [EVENTS] },
      relations: [{ type: 'dependsOn', targetRef: EVENTS }],
    },
    'group:default/players',
  ),
];

/** Each plugin its own database, as in a real backend: both keep knex migrations. */
function databasesPerPlugin(byPlugin: Record<string, Knex>) {
  return createServiceFactory({
    service: coreServices.database,
    deps: { plugin: coreServices.pluginMetadata },
    factory: ({ plugin }) => {
      const knex = byPlugin[plugin.getId()];
      if (!knex) throw new Error(`no test database for ${plugin.getId()}`);
      return { getClient: async () => knex };
    },
  });
}

/** Collects what other plugins hear on every outcome topic, and the plugin's signals. */
function outcomeListener(
  heard: MigrationOutcomeEvent[],
  signalled: Array<Record<string, unknown>> = [],
) {
  return createBackendModule({
    pluginId: 'dataset-migrations',
    moduleId: 'outcome-listener',
    register(reg) {
      reg.registerInit({
        deps: { events: eventsServiceRef },
        async init({ events }) {
          await events.subscribe({
            id: 'outcome-listener',
            topics: MIGRATION_OUTCOMES.map(migrationOutcomeTopic),
            onEvent: async (event: EventParams) => {
              heard.push(event.eventPayload as MigrationOutcomeEvent);
            },
          });
          // The signals service publishes through the events service, which
          // carries them to the signals backend (and, with plugin-events-backend
          // installed, to other replicas).
          await events.subscribe({
            id: 'signal-listener',
            topics: ['signals'],
            onEvent: async (event: EventParams) => {
              const signal = event.eventPayload as {
                channel: string;
                recipients: unknown;
                message: Record<string, unknown>;
              };
              if (signal.channel === DATASET_MIGRATIONS_SIGNAL_CHANNEL)
                signalled.push({
                  ...signal.message,
                  recipients: signal.recipients,
                });
            },
          });
        },
      });
    },
  });
}

const pluginConfig = (warehouse: Knex) => ({
  datasetMigrations: {
    worker: { concurrency: 2 },
    contract: { retention: '0s' },
    // Runs go straight to work; approvals are announced in their own test.
    approvals: { required: [] },
    consumers: { localGit: { roots: [PLAYER_REPO] } },
    engines: {
      warehouse: { type: 'postgres', connection: connectionUrlOf(warehouse) },
    },
  },
});

async function createWarehouse(init: () => Promise<Knex>): Promise<Knex> {
  const warehouse = await init();
  await warehouse.raw(`
    CREATE TABLE public.events (id bigint PRIMARY KEY, user_id text NOT NULL);
    INSERT INTO public.events VALUES (1, 'alice'), (2, 'bob');
    CREATE TABLE public.plays (id int PRIMARY KEY, score text);
    INSERT INTO public.plays VALUES (1, '7'), (2, 'n/a');
  `);
  return warehouse;
}

type Backend = Awaited<ReturnType<typeof startTestBackend>>;

async function waitForMigration(
  backend: Backend,
  id: string,
  statuses: string[],
): Promise<MigrationDetails> {
  return waitFor(
    async () => {
      const res = await request(backend.server).get(`${API}/migrations/${id}`);
      const migration: MigrationDetails = res.body.migration;
      return statuses.includes(migration?.status) ? migration : undefined;
    },
    { timeoutMs: 30_000, what: `migration ${id} to become ${statuses}` },
  );
}

describe('announcements through the real notifications backend', () => {
  const { init } = createTestDatabases();
  let backend: Backend;
  const heard: MigrationOutcomeEvent[] = [];
  const signalled: Array<Record<string, unknown>> = [];

  beforeAll(async () => {
    createRepository(PLAYER_REPO, {
      'sql/listeners.sql': 'SELECT user_id FROM public.events;\n',
    });
    const pluginDb = await init();
    const notificationsDb = await init();
    const warehouse = await createWarehouse(init);
    backend = await startTestBackend({
      features: [
        schedulerServiceFactory,
        datasetMigrationsPlugin,
        notificationsPlugin,
        signalsPlugin,
        outcomeListener(heard, signalled),
        databasesPerPlugin({
          'dataset-migrations': pluginDb,
          notifications: notificationsDb,
        }),
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://localhost:3000' },
            ...pluginConfig(warehouse),
          },
        }),
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    rmSync(join(PLAYER_REPO, '..'), { recursive: true, force: true });
  }, 30_000);

  const as = (
    userRef: string,
    method: 'get' | 'post',
    path: string,
    body?: object,
  ) => {
    const req = request(backend.server)
      [method](path)
      .set('Authorization', mockCredentials.user.header(userRef));
    return body ? req.send(body) : req;
  };

  /** What the notifications backend holds for a user under one scope (a run's, by default). */
  async function notificationsOf(
    userRef: string,
    migrationId: string,
    scope = migrationScope(migrationId),
    scopePrefix?: string,
  ) {
    const res = await as(userRef, 'get', '/api/notifications/notifications');
    expect(res.status).toBe(200);
    return (
      res.body.notifications as Array<{
        payload: Record<string, string>;
        origin: string;
      }>
    ).filter(n =>
      scopePrefix
        ? n.payload.scope.startsWith(scopePrefix)
        : n.payload.scope === scope,
    );
  }

  /** Waits until every listed user's one notification of the run has this title. */
  async function waitForTitle(
    users: string[],
    migrationId: string,
    title: string | RegExp,
  ) {
    await waitFor(
      async () => {
        for (const u of users) {
          const [first] = await notificationsOf(u, migrationId);
          if (!first?.payload.title.match(title)) return undefined;
        }
        return true;
      },
      { timeoutMs: 20_000, what: `${users} to read "${title}"` },
    );
  }

  it("tells the dataset's owners and the requester of each outcome in one notification per run, leaves the actor out, and publishes each outcome", async () => {
    const created = await as(RITA, 'post', `${API}/migrations`, {
      entityRef: EVENTS,
      targetVersion: 2,
      changes: [{ renameField: { from: 'user_id', to: 'listener_id' } }],
    });
    expect(created.status).toBe(201);
    const id: string = created.body.migration.id;
    await waitForMigration(backend, id, ['succeeded', 'failed']);
    await waitForTitle(
      [OLIVIA, OSCAR, RITA],
      id,
      'events: migration v1 → v2 succeeded',
    );

    for (const u of [OLIVIA, OSCAR, RITA]) {
      const mine = await notificationsOf(u, id);
      // "started" was updated in place: one notification per run.
      expect(mine).toHaveLength(1);
      expect(mine[0]).toMatchObject({
        origin: 'plugin:dataset-migrations',
        payload: {
          severity: 'normal',
          topic: NOTIFICATION_TOPICS.run,
          link: `/catalog/default/resource/events/migration-history?migration=${id}`,
        },
      });
    }
    // Nobody outside the owners and the requester hears of it.
    expect(await notificationsOf(PAULA, id)).toEqual([]);

    // The consumer's owners hear of their pull request, under its own scope.
    const forPlayer = consumerScope(id, PLAYER);
    const [pullRequest] = await waitFor(
      async () => {
        const found = await notificationsOf(PAULA, id, forPlayer);
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 30_000, what: "the player's pull request notification" },
    );
    expect(pullRequest.payload).toMatchObject({
      title: 'player: a pull request moves it to events v2',
      topic: NOTIFICATION_TOPICS.pullRequest,
      severity: 'normal',
    });
    expect(await notificationsOf(OLIVIA, id, forPlayer)).toEqual([]);

    // Every change was signalled on the plugin's channel with ids only.
    const ofRun = signalled.filter(m => m.migrationId === id);
    expect(ofRun).toContainEqual({
      migrationId: id,
      entityRef: EVENTS,
      recipients: { type: 'broadcast' },
    });
    expect(ofRun).toContainEqual(
      expect.objectContaining({ consumerRef: PLAYER }),
    );
    // Nothing but ids: no status, nothing of what changed.
    for (const message of ofRun)
      expect(['consumerRef', 'entityRef', 'migrationId', 'recipients']).toEqual(
        expect.arrayContaining(Object.keys(message)),
      );

    // Olivia rolls back: the others read it, she is not told of her own action.
    const rolledBack = await as(
      OLIVIA,
      'post',
      `${API}/migrations/${id}/rollback`,
    );
    expect(rolledBack.status).toBe(200);
    await waitForTitle(
      [OSCAR, RITA],
      id,
      'events: migration v1 → v2 was rolled back',
    );
    expect(await notificationsOf(OSCAR, id)).toHaveLength(1);
    const olivias = await notificationsOf(OLIVIA, id);
    expect(olivias).toHaveLength(1);
    expect(olivias[0].payload.title).toBe(
      'events: migration v1 → v2 succeeded',
    );

    await waitFor(
      async () =>
        heard.some(e => e.migrationId === id && e.outcome === 'rolled-back') ||
        undefined,
      { timeoutMs: 10_000, what: 'the rolled-back event' },
    );
    const mine = heard.filter(e => e.migrationId === id);
    expect(mine.map(e => e.outcome)).toEqual([
      'started',
      'succeeded',
      'rolled-back',
    ]);
    expect(mine[2]).toEqual({
      migrationId: id,
      entityRef: EVENTS,
      outcome: 'rolled-back',
      fromVersion: 1,
      targetVersion: 2,
      dryRun: false,
      actor: OLIVIA,
      occurredAt: expect.any(String),
    });
  }, 90_000);

  it('tells the owners and event subscribers a run failed, with high severity, and leaves why to the run, which may quote rows', async () => {
    const created = await as(RITA, 'post', `${API}/migrations`, {
      entityRef: PLAYS,
      targetVersion: 2,
      changes: [{ changeType: { field: 'score', type: 'integer' } }],
    });
    expect(created.status).toBe(201);
    const id: string = created.body.migration.id;
    const failed = await waitForMigration(backend, id, ['failed', 'succeeded']);
    expect(failed.status).toBe('failed');
    await waitForTitle([OLIVIA, OSCAR], id, 'plays: migration v1 → v2 failed');

    const [notice] = await notificationsOf(OSCAR, id);
    expect(failed.failureReason).toMatch(/n\/a/);
    expect(notice.payload).toMatchObject({
      severity: 'high',
      description: 'The run says why, to whoever may see the dataset’s data.',
    });
    expect(await notificationsOf(OSCAR, id)).toHaveLength(1);
    await waitFor(
      async () =>
        heard.find(e => e.migrationId === id && e.outcome === 'failed'),
      { timeoutMs: 10_000, what: 'the failed event' },
    ).then(event => expect(event.reason).toBeUndefined());
  }, 60_000);

  it('tells a team once of its consumers that failed together, naming them', async () => {
    const created = await as(RITA, 'post', `${API}/migrations`, {
      entityRef: PLAYS,
      targetVersion: 2,
      changes: [{ addField: { name: 'note', type: 'text' } }],
    });
    expect(created.status).toBe(201);
    const id: string = created.body.migration.id;
    const team = `${migrationScope(
      id,
    )}:consumers:failed:group:default/players:`;
    const ofTeam = () => notificationsOf(PAULA, id, undefined, team);
    const [told] = await waitFor(
      async () => {
        const found = await ofTeam();
        return found.length > 0 ? found : undefined;
      },
      { timeoutMs: 30_000, what: "the team's notification" },
    );
    expect(told.payload).toMatchObject({
      title: '2 consumers could not be moved to plays v2',
      description: expect.stringMatching(
        /^plays-board-\d, plays-board-\d\. The run's consumer list/,
      ),
      topic: NOTIFICATION_TOPICS.attention,
      severity: 'high',
    });
    // Neither dashboard is told alone.
    for (const board of BOARDS)
      expect(
        await notificationsOf(PAULA, id, consumerScope(id, board)),
      ).toEqual([]);
    expect(await ofTeam()).toHaveLength(1);
  }, 60_000);
});

describe('announcements that cannot be delivered', () => {
  const { init } = createTestDatabases();
  let backend: Backend;
  const heard: MigrationOutcomeEvent[] = [];
  const send = jest.fn(async () => {
    throw new Error('Failed to send notifications: 503 Service Unavailable');
  });

  beforeAll(async () => {
    const pluginDb = await init();
    const warehouse = await createWarehouse(init);
    backend = await startTestBackend({
      features: [
        schedulerServiceFactory,
        datasetMigrationsPlugin,
        outcomeListener(heard),
        createServiceFactory({
          service: notificationService,
          deps: {},
          factory: () => ({ send }),
        }),
        mockServices.database.factory({ knex: pluginDb }),
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({ data: pluginConfig(warehouse) }),
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
  }, 30_000);

  it('do not fail the migration: it succeeds, the sends are retried and given up on', async () => {
    const created = await request(backend.server)
      .post(`${API}/migrations`)
      .send({
        entityRef: EVENTS,
        targetVersion: 2,
        changes: [{ renameField: { from: 'user_id', to: 'listener_id' } }],
      });
    expect(created.status).toBe(201);
    const id: string = created.body.migration.id;
    const done = await waitForMigration(backend, id, ['succeeded', 'failed']);
    expect(done.status).toBe('succeeded');
    // Started and succeeded: four attempts each (a try and three retries).
    await waitFor(async () => send.mock.calls.length >= 8 || undefined, {
      timeoutMs: 20_000,
      what: 'the sends to be retried',
    });
    // The events go out on their own path: waited for, not raced.
    const outcomes = () =>
      heard.filter(e => e.migrationId === id).map(e => e.outcome);
    await waitFor(async () => outcomes().length >= 2 || undefined, {
      timeoutMs: 20_000,
      what: 'both outcome events',
    });
    expect(outcomes()).toEqual(['started', 'succeeded']);
  }, 60_000);
});
