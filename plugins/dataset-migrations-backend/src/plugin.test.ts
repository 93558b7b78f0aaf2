import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import request from 'supertest';
import type { Entity } from '@backstage/catalog-model';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  MigrationDetails,
  MigrationPlan,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  connectionUrlOf,
  createTestDatabases,
  waitFor,
} from './__testUtils__/testDatabases';
import { dataset } from './__testUtils__/fixtures';
import { createRepository, registeredIn } from './__testUtils__/gitRepos';
import { datasetMigrationsPlugin } from './plugin';

const API = '/api/dataset-migrations';
const WORKER_SCHEMA = 'dataset_migrations_worker';
const EVENTS = 'resource:default/events';
const PLAYS = 'resource:default/plays';
const PLAYER = 'component:default/player';
/**
 * The player's code: it never names the dataset, so it is unaffected by every
 * migration here and never holds the next one back.
 */
const PLAYER_REPO = join(tmpdir(), `dsm-plugin-player-${process.pid}`);

const entities: Entity[] = [
  {
    ...dataset('events', { title: 'Listening events' }),
    relations: [{ type: 'dependencyOf', targetRef: PLAYER }],
  },
  dataset('plays'),
  dataset('sessions'),
  dataset('clicks'),
  dataset('tracks'),
  dataset('elsewhere', {}, 'nowhere'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'player',
      namespace: 'default',
      annotations: registeredIn(PLAYER_REPO),
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/data',
    },
  },
];

describe('dataset-migrations backend', () => {
  const { init } = createTestDatabases();
  let pluginDb: Knex;
  let warehouse: Knex;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    createRepository(PLAYER_REPO, { 'README.md': 'the player\n' });
    pluginDb = await init();
    warehouse = await init();
    await warehouse.raw(`
      CREATE TABLE public.events (id bigint PRIMARY KEY, user_id text NOT NULL, duration text);
      INSERT INTO public.events VALUES (1, 'alice', '180'), (2, 'bob', '95'), (3, 'carol', NULL);
      CREATE TABLE public.plays (id int PRIMARY KEY, score text);
      INSERT INTO public.plays VALUES (1, '7'), (2, 'n/a'), (3, '9');
      CREATE TABLE public.sessions (id int PRIMARY KEY, name text);
      CREATE TABLE public.clicks (id int PRIMARY KEY, name text);
      CREATE TABLE public.tracks (id int PRIMARY KEY, name text);
      INSERT INTO public.sessions VALUES (1, 'a');
      INSERT INTO public.clicks VALUES (1, 'a');
      INSERT INTO public.tracks VALUES (1, 'a');
    `);

    backend = await startTestBackend({
      features: [
        // The real scheduler: the mock one runs a task once, at startup.
        schedulerServiceFactory,
        datasetMigrationsPlugin,
        mockServices.database.factory({ knex: pluginDb }),
        catalogServiceMock.factory({ entities }),
        mockServices.rootConfig.factory({
          data: {
            datasetMigrations: {
              // Approvals are tested on their own (approvals.test.ts); here migrations run at once.
              approvals: { required: [] },
              worker: { concurrency: 2 },
              contract: { retention: '0s' },
              consumers: { localGit: { roots: [PLAYER_REPO] } },
              engines: {
                warehouse: {
                  type: 'postgres',
                  connection: connectionUrlOf(warehouse),
                },
              },
            },
          },
        }),
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    rmSync(PLAYER_REPO, { recursive: true, force: true });
  }, 30_000);

  const api = () => request(backend.server);
  const post = (body: unknown) =>
    api()
      .post(`${API}/migrations`)
      .send(body as object);

  async function migrationRowCount(): Promise<number> {
    const [{ n }] = await pluginDb('migrations').count({ n: '*' });
    return Number(n);
  }

  async function jobsFor(migrationId?: string): Promise<number> {
    const { rows } = await pluginDb.raw(
      `SELECT count(*)::int AS n FROM ${WORKER_SCHEMA}.jobs
        WHERE task_identifier = 'dataset-migrations.run-migration'
          AND (?::text IS NULL OR key = 'migration:' || ?::text)`,
      [migrationId ?? null, migrationId ?? null],
    );
    return rows[0].n;
  }

  /** Polls the API until the migration reaches one of the statuses (bounded; not a timing assertion). */
  async function waitForMigration(
    id: string,
    statuses: string[],
    accept: (m: MigrationDetails) => boolean = () => true,
  ): Promise<MigrationDetails> {
    return waitFor(
      async () => {
        const res = await api().get(`${API}/migrations/${id}`);
        expect(res.status).toBe(200);
        const migration: MigrationDetails = res.body.migration;
        return statuses.includes(migration.status) && accept(migration)
          ? migration
          : undefined;
      },
      {
        timeoutMs: 30_000,
        what: `migration ${id} to become ${statuses.join(' or ')}`,
      },
    );
  }

  async function relkind(name: string): Promise<string | undefined> {
    const { rows } = await warehouse.raw(
      `SELECT relkind FROM pg_class WHERE oid = to_regclass(?)`,
      [name],
    );
    return rows[0]?.relkind;
  }

  it('answers /health without credentials but protects the rest', async () => {
    const health = await api()
      .get(`${API}/health`)
      .set('Authorization', mockCredentials.none.header());
    expect(health.status).toBe(200);
    expect(health.body).toEqual({ status: 'ok' });

    const datasets = await api()
      .get(`${API}/datasets`)
      .set('Authorization', mockCredentials.none.header());
    expect(datasets.status).toBe(401);
    // Migrations are requested by users, not by other services.
    const asService = await post({}).set(
      'Authorization',
      mockCredentials.service.header(),
    );
    expect(asService.status).toBe(403);
  });

  it('lists the catalog datasets with their declared schema versions', async () => {
    const res = await api().get(`${API}/datasets`);
    expect(res.status).toBe(200);
    const refs = res.body.items.map((d: { entityRef: string }) => d.entityRef);
    expect(refs.sort()).toEqual(
      ['clicks', 'elsewhere', 'events', 'plays', 'sessions', 'tracks'].map(
        n => `resource:default/${n}`,
      ),
    );
    expect(
      res.body.items.find((d: { entityRef: string }) => d.entityRef === EVENTS),
    ).toEqual({
      entityRef: EVENTS,
      title: 'Listening events',
      owner: 'group:default/data',
      schemaVersion: 1,
      consumerCount: 1,
    });
  });

  it('describes one dataset with its live fields', async () => {
    const res = await api().get(`${API}/datasets/resource/default/events`);
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({
      entityRef: EVENTS,
      engine: 'warehouse',
      table: 'public.events',
      schemaVersion: 1,
      fields: [
        { name: 'id', type: 'bigint', nullable: false, primaryKey: true },
        { name: 'user_id', type: 'text', nullable: false, primaryKey: false },
        { name: 'duration', type: 'text', nullable: true, primaryKey: false },
      ],
    });
    expect(
      (await api().get(`${API}/datasets/component/default/player`)).status,
    ).toBe(400);
    expect(
      (await api().get(`${API}/datasets/resource/default/missing`)).status,
    ).toBe(404);
  });

  describe('rejects bad requests without writing or enqueueing anything', () => {
    const cases: Array<[string, unknown, number, string[]]> = [
      [
        'problems against the live schema, each named',
        {
          entityRef: EVENTS,
          targetVersion: 1,
          changes: [
            { renameField: { from: 'nope', to: 'x' } },
            { dropField: { name: 'id' } },
            { changeType: { field: 'duration', type: 'text' } },
          ],
        },
        400,
        [
          'targetVersion: must be above the current schema version 1',
          'changes[0] (renameField): unknown field "nope"',
          'changes[1] (dropField): "id" is part of the primary key and cannot be dropped',
          'changes[2] (changeType): "duration" already has type text',
        ],
      ],
      [
        'expressions that read unknown fields, call the clock or query a table',
        {
          entityRef: EVENTS,
          targetVersion: 2,
          changes: [
            {
              changeType: {
                field: 'duration',
                type: 'integer',
                using: 'round(duraton::numeric)',
              },
            },
            {
              addField: {
                name: 'seen',
                type: 'timestamptz',
                expression: 'now()',
              },
            },
            {
              deriveField: {
                field: 'user_id',
                expression: "coalesce(user_id, 'x') || id::text",
              },
            },
          ],
        },
        400,
        [
          'changes[0] (changeType) using: reads unknown field "duraton"',
          'changes[1] (addField) expression: calls now(), which is not an allowed function',
        ],
      ],
      [
        'an unsupported type',
        {
          entityRef: EVENTS,
          targetVersion: 2,
          changes: [{ changeType: { field: 'duration', type: 'int4' } }],
        },
        400,
        ['changes[0].changeType.type: unsupported type "int4"'],
      ],
      [
        'a malformed body',
        { entityRef: EVENTS, targetVersion: 'two', changes: [], extra: true },
        400,
        ['targetVersion: must be a number', "'extra'"],
      ],
      [
        'no change at all',
        { entityRef: EVENTS, targetVersion: 2, changes: [] },
        400,
        ['changes: must hold at least one change, or renameDataset'],
      ],
      [
        'a malformed entity ref',
        {
          entityRef: 'events',
          targetVersion: 2,
          changes: [{ dropField: { name: 'duration' } }],
        },
        400,
        ['entityRef: Entity reference "events" had missing or empty kind'],
      ],
      [
        'an unknown entity',
        {
          entityRef: 'resource:default/missing',
          targetVersion: 2,
          changes: [{ dropField: { name: 'x' } }],
        },
        404,
        ['resource:default/missing was not found'],
      ],
      [
        'an entity that is not a dataset',
        {
          entityRef: PLAYER,
          targetVersion: 2,
          changes: [{ dropField: { name: 'x' } }],
        },
        400,
        [`entity ${PLAYER} is not a dataset`],
      ],
      [
        'a dataset on an engine that is not configured',
        {
          entityRef: 'resource:elsewhere',
          targetVersion: 2,
          changes: [{ dropField: { name: 'x' } }],
        },
        400,
        ['engine "nowhere" is not configured'],
      ],
    ];

    it.each(cases)('%s', async (_name, body, status, messages) => {
      const res = await post(body);
      expect(res.status).toBe(status);
      for (const message of messages) {
        expect(res.body.error.message).toContain(message);
      }
      expect(await migrationRowCount()).toBe(0);
      expect(await jobsFor()).toBe(0);
    });
  });

  const firstMigration = {
    entityRef: EVENTS,
    targetVersion: 2,
    changes: [
      { renameField: { from: 'user_id', to: 'listener_id' } },
      { addField: { name: 'country', type: 'text', default: 'SE' } },
      { changeType: { field: 'duration', type: 'integer' } },
    ],
  };
  let firstId: string;

  it('answers 400 naming a table feature the engine does not carry, for a plan and a migration, creating nothing', async () => {
    await warehouse.raw(`
      CREATE FUNCTION public.plays_audit() RETURNS trigger LANGUAGE plpgsql AS $$BEGIN RETURN NEW; END$$;
      CREATE TRIGGER plays_audit BEFORE UPDATE ON public.plays
        FOR EACH ROW EXECUTE FUNCTION public.plays_audit()`);
    try {
      const body = {
        entityRef: PLAYS,
        targetVersion: 2,
        changes: [{ renameField: { from: 'score', to: 'points' } }],
      };
      const before = await migrationRowCount();
      for (const res of [
        await api().post(`${API}/plans`).send(body),
        await post(body),
      ]) {
        expect(res.status).toBe(400);
        expect(res.body.error.message).toContain(
          'public.plays has trigger "plays_audit", whose function may read field "score" by name; the engine carries triggers to the new version only when every field keeps its name and type',
        );
      }
      expect(await migrationRowCount()).toBe(before);
      expect(await relkind('public.plays')).toBe('r');
    } finally {
      await warehouse.raw(`
        DROP TRIGGER plays_audit ON public.plays;
        DROP FUNCTION public.plays_audit()`);
    }
  });

  it('queues a migration, runs it on the worker and moves the data', async () => {
    const res = await post(firstMigration);
    expect(res.status).toBe(201);
    expect(res.body.migration).toMatchObject({
      entityRef: EVENTS,
      status: 'queued',
      fromVersion: 1,
      targetVersion: 2,
      dryRun: false,
      requestedBy: 'user:default/mock',
      changes: firstMigration.changes,
    });
    firstId = res.body.migration.id;

    // The run is marked succeeded before its last log line (the catalog refresh
    // and the version it reached come after): wait for a finished run's tail.
    const done = await waitForMigration(
      firstId,
      ['succeeded', 'failed', 'cancelled'],
      m =>
        m.status !== 'succeeded' ||
        m.logs.some(l => l.message.startsWith('dataset is at schema version')),
    );
    expect(done.status).toBe('succeeded');
    expect(done.attempts).toBe(1);
    expect(done.failureReason).toBeUndefined();
    expect(done.steps.map(s => [s.name, s.attempt, s.status])).toEqual([
      ['plan', 1, 'succeeded'],
      ['dry-run', 1, 'succeeded'],
      ['create-target', 1, 'succeeded'],
      ['backfill', 1, 'succeeded'],
      ['indexes', 1, 'succeeded'],
      ['verify', 1, 'succeeded'],
      ['cut-over', 1, 'succeeded'],
    ]);
    expect(done.steps.find(s => s.name === 'backfill')).toMatchObject({
      rowsDone: 3,
      rowsTotal: 3,
    });
    const messages = done.logs.map(l => l.message);
    expect(messages[0]).toMatch(/^attempt 1 started on /);
    expect(messages).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^copied 3 rows to public\.events_v2 /),
        expect.stringMatching(
          /^verified 3 rows: counts and checksums match on both sides$/,
        ),
        'public.events now reads public.events_v2',
        'dataset is at schema version 2',
      ]),
    );
    expect(done.logs.find(l => l.message.startsWith('copied'))).toMatchObject({
      step: 'backfill',
      level: 'info',
    });

    expect(await relkind('public.events')).toBe('v');
    // Version 2 as written; the name serves it with version 1's fields until contract.
    expect(
      await warehouse('events_v2')
        .orderBy('id')
        .select('listener_id', 'duration', 'country'),
    ).toEqual([
      { listener_id: 'alice', duration: 180, country: 'SE' },
      { listener_id: 'bob', duration: 95, country: 'SE' },
      { listener_id: 'carol', duration: null, country: 'SE' },
    ]);
    expect(await warehouse('events_v1').orderBy('id').pluck('user_id')).toEqual(
      ['alice', 'bob', 'carol'],
    );
  }, 40_000);

  it('answers a repeated request with the same migration', async () => {
    const res = await post(firstMigration);
    expect(res.status).toBe(200);
    expect(res.body.migration).toMatchObject({
      id: firstId,
      status: 'succeeded',
    });
    expect(
      await pluginDb('migrations').where({ entity_ref: EVENTS }).pluck('id'),
    ).toEqual([firstId]);
  });

  it('reports the migrated version everywhere', async () => {
    const versions = await api()
      .get(`${API}/schema-versions`)
      .query({ entityRef: EVENTS });
    expect(versions.status).toBe(200);
    expect(versions.body).toEqual({
      entityRef: EVENTS,
      schemaVersion: 2,
      table: 'public.events',
    });
    // The catalog module reads it with service credentials.
    const asService = await api()
      .get(`${API}/schema-versions`)
      .query({ entityRef: 'resource:events' })
      .set('Authorization', mockCredentials.service.header());
    expect(asService.body).toEqual({
      entityRef: 'resource:events',
      schemaVersion: 2,
      table: 'public.events',
    });
    expect(
      (await api().get(`${API}/schema-versions`).query({ entityRef: PLAYS }))
        .body,
    ).toEqual({
      entityRef: PLAYS,
      schemaVersion: null,
      table: null,
    });
    expect((await api().get(`${API}/schema-versions`)).status).toBe(400);

    const listed = await api().get(`${API}/datasets`);
    expect(
      listed.body.items.find(
        (d: { entityRef: string }) => d.entityRef === EVENTS,
      ),
    ).toMatchObject({
      schemaVersion: 2,
      lastMigration: {
        id: firstId,
        status: 'succeeded',
        fromVersion: 1,
        targetVersion: 2,
      },
    });
    const details = await api().get(`${API}/datasets/resource/default/events`);
    expect(details.body.fields.map((f: { name: string }) => f.name)).toEqual([
      'id',
      'listener_id',
      'duration',
      'country',
    ]);

    // The new current version is the floor for the next request.
    const stale = await post({
      ...firstMigration,
      targetVersion: 2,
      changes: [{ dropField: { name: 'country' } }],
    });
    expect(stale.status).toBe(400);
    expect(stale.body.error.message).toContain(
      'targetVersion: must be above the current schema version 2',
    );
  });

  it('turns 20 identical concurrent requests into one migration', async () => {
    const body = {
      entityRef: EVENTS,
      targetVersion: 3,
      changes: [
        { addField: { name: 'skipped', type: 'boolean', default: false } },
      ],
    };
    // The first migration renamed a field: until it is contracted, the name
    // serves user_id, which the next cut-over would stop serving.
    const waits = await post(body);
    expect(waits.status).toBe(409);
    expect(waits.body.error.message).toBe(
      `dataset ${EVENTS} waits for its migration to version 2 (${firstId}) to be contracted: until then its name serves version 1 (user_id, renamed listener_id, duration before it became integer) to readers nobody may have discovered, which the next cut-over would stop serving. Contract that migration first (its gate looks for such readers), or roll it back`,
    );
    const contracted = await api()
      .post(`${API}/migrations/${firstId}/contract`)
      .send({ override: { reason: 'this test read version 1 itself' } });
    expect(contracted.status).toBe(200);
    const responses = await Promise.all(
      Array.from({ length: 20 }, () => post(body)),
    );

    expect(responses.map(r => r.status).sort()).toEqual([
      ...Array(19).fill(200),
      201,
    ]);
    const ids = new Set(responses.map(r => r.body.migration.id));
    expect(ids.size).toBe(1);
    const [id] = ids;
    expect(
      await pluginDb('migrations')
        .where({ entity_ref: EVENTS })
        .orderBy('created_at')
        .pluck('id'),
    ).toEqual([firstId, id]);

    const done = await waitForMigration(id, [
      'succeeded',
      'failed',
      'cancelled',
    ]);
    expect(done).toMatchObject({
      status: 'succeeded',
      fromVersion: 2,
      targetVersion: 3,
      attempts: 1,
    });
    expect(await warehouse('events').orderBy('id').pluck('skipped')).toEqual([
      false,
      false,
      false,
    ]);
    expect(
      (await api().get(`${API}/schema-versions`).query({ entityRef: EVENTS }))
        .body.schemaVersion,
    ).toBe(3);
  }, 40_000);

  it('records a failed cast and retries it on request', async () => {
    const body = {
      entityRef: PLAYS,
      targetVersion: 2,
      changes: [{ changeType: { field: 'score', type: 'integer' } }],
    };
    const res = await post(body);
    expect(res.status).toBe(201);
    const id = res.body.migration.id;

    const failed = await waitForMigration(id, [
      'failed',
      'succeeded',
      'cancelled',
    ]);
    expect(failed.status).toBe('failed');
    expect(failed.failureReason).toContain(
      'invalid input syntax for type integer: "n/a"',
    );
    expect(failed.failureReason).toMatch(
      /^the transform fails on 1 rows: id=2: /,
    );
    expect(failed.steps.map(s => `${s.name}:${s.status}`)).toEqual([
      'plan:succeeded',
      'dry-run:failed',
    ]);
    expect(failed.logs.at(-1)).toMatchObject({
      level: 'error',
      message: `failed: ${failed.failureReason}`,
    });
    // Nothing changed on the warehouse.
    expect(await relkind('public.plays')).toBe('r');
    expect(await relkind('public.plays_v2')).toBeUndefined();
    expect(await warehouse('plays').orderBy('id').pluck('score')).toEqual([
      '7',
      'n/a',
      '9',
    ]);
    expect(
      (await api().get(`${API}/schema-versions`).query({ entityRef: PLAYS }))
        .body.schemaVersion,
    ).toBeNull();
    // A failed migration cannot be cancelled, only retried.
    expect((await api().post(`${API}/migrations/${id}/cancel`)).status).toBe(
      409,
    );

    const retried = await api().post(`${API}/migrations/${id}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body.migration).toMatchObject({
      id,
      status: 'queued',
      attempts: 1,
    });
    expect(retried.body.migration.failureReason).toBeUndefined();

    // The worker runs it again as attempt 2; the data is still bad, so it fails again.
    const second = await waitForMigration(
      id,
      ['failed', 'succeeded'],
      m => m.attempts >= 2,
    );
    expect(second).toMatchObject({ status: 'failed', attempts: 2 });
    expect(
      second.steps
        .filter(s => s.attempt === 2)
        .map(s => `${s.name}:${s.status}`),
    ).toEqual(['plan:succeeded', 'dry-run:failed']);
    expect(second.logs.map(l => l.message)).toContainEqual(
      expect.stringMatching(/^attempt 2 started on /),
    );

    // Fix the data; the next retry succeeds with the same migration.
    await warehouse('plays').where({ id: 2 }).update({ score: '0' });
    expect((await api().post(`${API}/migrations/${id}/retry`)).status).toBe(
      200,
    );
    const third = await waitForMigration(
      id,
      ['failed', 'succeeded'],
      m => m.attempts >= 3,
    );
    expect(third).toMatchObject({ status: 'succeeded', attempts: 3 });
    expect(await warehouse('plays_v2').orderBy('id').pluck('score')).toEqual([
      7, 0, 9,
    ]);
    expect(
      (await api().get(`${API}/schema-versions`).query({ entityRef: PLAYS }))
        .body.schemaVersion,
    ).toBe(2);

    // Only failed or cancelled migrations can be retried.
    expect((await api().post(`${API}/migrations/${id}/retry`)).status).toBe(
      409,
    );
    expect(
      await pluginDb('migrations')
        .where({ entity_ref: PLAYS })
        .count({ n: '*' }),
    ).toEqual([{ n: '1' }]);
  }, 60_000);

  it('cancels a queued migration at once and a running one before it switches', async () => {
    const running = (name: string) => ({
      entityRef: `resource:default/${name}`,
      targetVersion: 2,
      changes: [{ renameField: { from: 'name', to: 'label' } }],
    });
    // Hold locks that the engine's SHARE lock waits for (reads still work), so the two
    // workers (concurrency 2) stay busy and a third migration stays queued.
    const lock = await warehouse.transaction();
    let sessionsId: string;
    let clicksId: string;
    let tracksId: string;
    try {
      await lock.raw(
        'LOCK TABLE public.sessions, public.clicks IN EXCLUSIVE MODE',
      );

      const sessions = await post(running('sessions'));
      expect(sessions.status).toBe(201);
      sessionsId = sessions.body.migration.id;
      await waitForMigration(sessionsId, ['running']);
      // A different migration of a busy dataset is refused with the one holding it.
      const busy = await post({ ...running('sessions'), targetVersion: 3 });
      expect(busy.status).toBe(409);
      expect(busy.body.error.message).toBe(
        `dataset resource:default/sessions is busy with migration ${sessionsId} (running, to version 2)`,
      );
      const clicks = await post(running('clicks'));
      expect(clicks.status).toBe(201);
      clicksId = clicks.body.migration.id;
      await waitForMigration(clicksId, ['running']);

      const tracks = await post(running('tracks'));
      expect(tracks.status).toBe(201);
      tracksId = tracks.body.migration.id;
      expect(await jobsFor(tracksId)).toBe(1);

      const cancelQueued = await api().post(
        `${API}/migrations/${tracksId}/cancel`,
      );
      expect(cancelQueued.status).toBe(200);
      expect(cancelQueued.body.migration).toMatchObject({
        id: tracksId,
        status: 'cancelled',
        cancelRequested: true,
      });
      // Cancelling again is harmless.
      expect(
        (await api().post(`${API}/migrations/${tracksId}/cancel`)).body
          .migration.status,
      ).toBe('cancelled');

      const cancelRunning = await api().post(
        `${API}/migrations/${clicksId}/cancel`,
      );
      expect(cancelRunning.status).toBe(200);
      expect(cancelRunning.body.migration).toMatchObject({
        id: clicksId,
        status: 'running',
        cancelRequested: true,
      });
    } finally {
      await lock.rollback();
    }

    const sessionsDone = await waitForMigration(sessionsId!, [
      'succeeded',
      'failed',
      'cancelled',
    ]);
    expect(sessionsDone.status).toBe('succeeded');
    expect(await relkind('public.sessions')).toBe('v');

    const clicksDone = await waitForMigration(clicksId!, [
      'succeeded',
      'failed',
      'cancelled',
    ]);
    expect(clicksDone).toMatchObject({
      status: 'cancelled',
      failureReason: 'cancelled by request',
    });
    expect(clicksDone.steps.map(s => s.name)).not.toContain('cut-over');
    expect(clicksDone.logs.at(-1)).toMatchObject({
      level: 'warn',
      message: 'cancelled; nothing was changed',
    });
    expect(await relkind('public.clicks')).toBe('r');
    expect(await relkind('public.clicks_v2')).toBeUndefined();
    expect(await relkind('public.clicks_v1')).toBeUndefined();

    // The cancelled job is still delivered once a worker is free, and does nothing.
    await waitFor(
      async () => ((await jobsFor(tracksId!)) === 0 ? true : undefined),
      {
        what: 'the cancelled migration job to be consumed',
      },
    );
    const tracksAfter = (await api().get(`${API}/migrations/${tracksId!}`)).body
      .migration;
    expect(tracksAfter).toMatchObject({
      status: 'cancelled',
      attempts: 0,
      steps: [],
    });
    expect(await relkind('public.tracks')).toBe('r');

    // A cancelled migration can be retried.
    const retried = await api().post(`${API}/migrations/${tracksId!}/retry`);
    expect(retried.status).toBe(200);
    expect(retried.body.migration).toMatchObject({
      status: 'queued',
      cancelRequested: false,
    });
    const tracksDone = await waitForMigration(tracksId!, [
      'succeeded',
      'failed',
      'cancelled',
    ]);
    expect(tracksDone).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(await warehouse('tracks').pluck('label')).toEqual(['a']);
  }, 60_000);

  it('lists migrations and rejects bad ids', async () => {
    const all = await api().get(`${API}/migrations`);
    expect(all.status).toBe(200);
    expect(all.body.items).toHaveLength(await migrationRowCount());
    const events = await api()
      .get(`${API}/migrations`)
      .query({ entityRef: 'resource:events', limit: 1 });
    expect(events.body.items).toHaveLength(1);
    expect(events.body.items[0]).toMatchObject({
      entityRef: EVENTS,
      targetVersion: 3,
    });

    expect(
      (await api().get(`${API}/migrations`).query({ limit: 0 })).status,
    ).toBe(400);
    const badId = await api().get(`${API}/migrations/not-a-uuid`);
    expect(badId.status).toBe(400);
    expect(badId.body.error.message).toContain('must be a migration id');
    expect(
      (
        await api().get(
          `${API}/migrations/00000000-0000-4000-8000-000000000000`,
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await api().post(
          `${API}/migrations/00000000-0000-4000-8000-000000000000/cancel`,
        )
      ).status,
    ).toBe(404);
    expect(
      (
        await api().post(
          `${API}/migrations/00000000-0000-4000-8000-000000000000/retry`,
        )
      ).status,
    ).toBe(404);
  });

  it('runs a dry run without changing the warehouse or the version', async () => {
    const res = await post({
      entityRef: EVENTS,
      targetVersion: 4,
      dryRun: true,
      changes: [{ dropField: { name: 'country' } }],
    });
    expect(res.status).toBe(201);
    const done = await waitForMigration(res.body.migration.id, [
      'succeeded',
      'failed',
      'cancelled',
    ]);
    expect(done).toMatchObject({ status: 'succeeded', dryRun: true });
    expect(done.logs.map(l => l.message)).toContain(
      'dry run: the transform works on the sample; nothing was created',
    );
    expect(await relkind('public.events_v4')).toBeUndefined();
    expect(await warehouse('events').columnInfo()).toHaveProperty('country');
    expect(
      (await api().get(`${API}/schema-versions`).query({ entityRef: EVENTS }))
        .body.schemaVersion,
    ).toBe(3);
  }, 40_000);

  it('plans a migration without changing anything; a created migration keeps its plan', async () => {
    const current: number = (
      await api().get(`${API}/schema-versions`).query({ entityRef: EVENTS })
    ).body.schemaVersion;
    const rowsBefore = await migrationRowCount();
    const jobsBefore = await jobsFor();
    const body = {
      entityRef: EVENTS,
      targetVersion: current + 1,
      changes: [
        { addField: { name: 'note', type: 'text', default: 'n/a' } },
        { dropField: { name: 'country' } },
      ],
    };

    const res = await api().post(`${API}/plans`).send(body);
    expect(res.status).toBe(200);
    const plan: MigrationPlan = res.body.plan;
    expect(plan).toMatchObject({
      entityRef: EVENTS,
      engine: 'warehouse',
      table: 'public.events',
      fromVersion: current,
      targetVersion: current + 1,
    });
    expect(plan.compatibility).toMatchObject({
      class: 'backward',
      rollout: 'consumers-first',
    });
    expect(plan.compatibility.changes.map(c => c.class)).toEqual([
      'full',
      'backward',
    ]);
    expect(plan.source.map(f => f.name)).toContain('country');
    expect(plan.target.map(f => f.name)).toContain('note');
    expect(plan.target.map(f => f.name)).not.toContain('country');
    expect(plan.stages.map(stage => stage.name)).toEqual([
      'dry-run',
      'create-target',
      'backfill',
      'indexes',
      'verify',
      'cut-over',
      'undo',
      'rollback',
      'contract',
    ]);
    const createTarget = plan.stages.find(
      stage => stage.name === 'create-target',
    )!.sql;
    // The engine's bookkeeping schema first, then the new version's table.
    expect(createTarget).toContainEqual(
      expect.stringMatching(
        new RegExp(`^CREATE TABLE "public"."events_v${current + 1}" \\(`),
      ),
    );
    expect(createTarget.join('\n')).toContain('CREATE TRIGGER');

    // Planning wrote nothing, queued nothing and created nothing on the warehouse.
    expect(await migrationRowCount()).toBe(rowsBefore);
    expect(await jobsFor()).toBe(jobsBefore);
    expect(await relkind(`public.events_v${current + 1}`)).toBeUndefined();

    const bad = await api()
      .post(`${API}/plans`)
      .send({ ...body, changes: [{ dropField: { name: 'nope' } }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toContain(
      'changes[0] (dropField): unknown field "nope"',
    );

    // The migration keeps the plan it runs, naming its own objects.
    const created = await post({ ...body, dryRun: true });
    expect(created.status).toBe(201);
    const done = await waitForMigration(created.body.migration.id, [
      'succeeded',
      'failed',
      'cancelled',
    ]);
    expect(done.plan!.compatibility.class).toBe('backward');
    expect(
      done
        .plan!.stages.find(stage => stage.name === 'create-target')!
        .sql.join('\n'),
    ).toContain(`(migration ${created.body.migration.id})`);
  });

  it('takes the spec as YAML and publishes its JSON Schema', async () => {
    const current: number = (
      await api().get(`${API}/schema-versions`).query({ entityRef: EVENTS })
    ).body.schemaVersion;
    const spec = [
      'apiVersion: dataset-migrations.io/v1',
      'kind: MigrationSpec',
      `entityRef: ${EVENTS}`,
      `targetVersion: ${current + 1}`,
      'changes:',
      '  - addField: { name: minutes, type: numeric, expression: "duration / 60.0" }',
    ].join('\n');
    const res = await api()
      .post(`${API}/plans`)
      .set('Content-Type', 'application/yaml')
      .send(spec);
    expect(res.status).toBe(200);
    expect(res.body.plan.target.map((f: { name: string }) => f.name)).toContain(
      'minutes',
    );
    expect(res.body.plan.stages[0].sql[0]).toContain(
      '(duration / 60.0)::numeric',
    );

    const bad = await api()
      .post(`${API}/plans`)
      .set('Content-Type', 'application/yaml')
      .send('changes: [unclosed');
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(
      /^Invalid migration spec: not valid YAML: /,
    );

    const schema = await request(backend.server).get(
      `${API}/spec/v1/schema.json`,
    );
    expect(schema.status).toBe(200);
    expect(schema.body.title).toBe('Dataset migration spec (v1)');
    // Changes are counted before they are read: two array schemas, both to hold.
    expect(
      schema.body.definitions.MigrationSpec.properties.changes.allOf.map(
        (s: { type: string }) => s.type,
      ),
    ).toEqual(['array', 'array']);

    // The campaign document's schema, unauthenticated like the spec's.
    const campaignSchema = await request(backend.server).get(
      `${API}/campaign-spec/v1/schema.json`,
    );
    expect(campaignSchema.status).toBe(200);
    expect(campaignSchema.body.title).toBe('Dataset migration campaign (v1)');
  });

  it('rolls a migration back without losing writes, and contracts another', async () => {
    const versionOf = async () =>
      (await api().get(`${API}/schema-versions`).query({ entityRef: EVENTS }))
        .body.schemaVersion as number;
    const current = await versionOf();
    const body = {
      entityRef: EVENTS,
      targetVersion: current + 1,
      changes: [{ addField: { name: 'rating', type: 'integer', default: 3 } }],
    };
    const migrate = async () => {
      const created = await post(body);
      expect(created.status).toBe(201);
      return waitForMigration(created.body.migration.id, [
        'succeeded',
        'failed',
        'cancelled',
      ]);
    };

    const first = await migrate();
    expect(first.status).toBe('succeeded');
    expect(await versionOf()).toBe(current + 1);
    const maxId = Number((await warehouse('events').max({ m: 'id' }))[0].m);
    await warehouse('events').insert({
      id: maxId + 1,
      listener_id: 'written-after-cut-over',
      rating: 5,
    });

    const rolledBack = await api().post(
      `${API}/migrations/${first.id}/rollback`,
    );
    expect(rolledBack.status).toBe(200);
    expect(rolledBack.body.migration.status).toBe('rolled-back');
    expect(await versionOf()).toBe(current);
    expect(await warehouse('events').columnInfo()).not.toHaveProperty('rating');
    expect(
      await warehouse('events')
        .where({ id: maxId + 1 })
        .first('listener_id'),
    ).toEqual({
      listener_id: 'written-after-cut-over',
    });
    const again = await api().post(`${API}/migrations/${first.id}/rollback`);
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe(
      `migration ${first.id} is rolled-back; it cannot be rolled back`,
    );

    // The same spec again makes a new migration; this one is contracted.
    const second = await migrate();
    expect(second.id).not.toBe(first.id);
    expect(second.status).toBe('succeeded');
    const previous = `public.events_v${current}`;
    expect(await relkind(previous)).toBe('r');
    // Its consumers have not moved (the test world's consumer has no repository).
    const contracted = await api()
      .post(`${API}/migrations/${second.id}/contract`)
      .send({ override: { reason: 'no reader left' } });
    expect(contracted.status).toBe(200);
    expect(contracted.body.migration.contractedAt).toBeDefined();
    expect(await relkind(previous)).toBeUndefined();
    const late = await api().post(`${API}/migrations/${second.id}/rollback`);
    expect(late.status).toBe(409);
    expect(late.body.error.message).toBe(
      `migration ${second.id} was contracted: version ${current} is gone`,
    );
  });

  it('contracts only when every consumer has moved, or with a reason kept on the run', async () => {
    // The dataset starts at version 1 when no earlier test migrated it.
    const current = ((
      await api().get(`${API}/schema-versions`).query({ entityRef: EVENTS })
    ).body.schemaVersion ?? 1) as number;
    const created = await post({
      entityRef: EVENTS,
      targetVersion: current + 1,
      changes: [{ addField: { name: 'gate', type: 'integer', default: 1 } }],
    });
    expect(created.status).toBe(201);
    const run = await waitForMigration(created.body.migration.id, [
      'succeeded',
      'failed',
    ]);
    expect(run.status).toBe('succeeded');
    // Discovery settles the test world's own consumers first (they fail: no repository).
    await waitFor(
      async () => {
        const rows = await pluginDb('migration_consumers').where({
          migration_id: run.id,
        });
        return rows.length > 0 && rows.every(r => r.state !== 'discovered')
          ? true
          : undefined;
      },
      { timeoutMs: 30_000, what: 'consumer discovery' },
    );
    const consumer = (ref: string, state: string) => ({
      migration_id: run.id,
      entity_ref: ref,
      depth: 1,
      state,
    });
    await pluginDb('migration_consumers')
      .insert([
        consumer('component:default/gate-a', 'pr-opened'),
        consumer('component:default/gate-b', 'done'),
        consumer('component:default/gate-c', 'failed'),
      ])
      .onConflict(['migration_id', 'entity_ref'])
      .merge();
    // The test world's own consumers are not what this test is about.
    await pluginDb('migration_consumers')
      .where({ migration_id: run.id })
      .whereNot('entity_ref', 'like', 'component:default/gate-%')
      .update({ state: 'unaffected' });
    const contract = (body: object) =>
      api().post(`${API}/migrations/${run.id}/contract`).send(body);
    const previous = `public.events_v${current}`;

    const refused = await contract({});
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe(
      `contract refused: 2 consumers still read version ${current}: component:default/gate-a (pr-opened), component:default/gate-c (failed). Each must be done or unaffected first, or override with a reason`,
    );
    expect(await relkind(previous)).toBe('r');

    for (const bad of [{ override: {} }, { override: { reason: '  ' } }]) {
      const response = await contract(bad);
      expect(response.status).toBe(400);
      expect(response.body.error.message).toMatch(/override\.reason/);
    }
    // Hostile bodies: an unknown key, a huge or non-text reason, a prototype key.
    for (const hostile of [
      { force: true },
      { override: { reason: 'x'.repeat(5000) } },
      { override: { reason: { $ne: '' } } },
      JSON.parse('{"__proto__": {"override": {"reason": "sneaky"}}}'),
    ]) {
      const response = await contract(hostile);
      expect([hostile, response.status]).toEqual([hostile, 400]);
    }
    expect(await relkind(previous)).toBe('r');

    await pluginDb('migration_consumers')
      .where({ migration_id: run.id, entity_ref: 'component:default/gate-c' })
      .update({ state: 'unaffected' });
    const overridden = await contract({
      override: { reason: 'gate-a is retired next week' },
    });
    expect(overridden.status).toBe(200);
    expect(overridden.body.migration.contractOverride).toEqual({
      reason: 'gate-a is retired next week',
      by: 'user:default/mock',
      at: expect.any(String),
      blockers: ['component:default/gate-a (pr-opened)'],
    });
    expect(await relkind(previous)).toBeUndefined();
    expect(
      (await api().get(`${API}/migrations/${run.id}`)).body.migration
        .contractOverride.reason,
    ).toBe('gate-a is retired next week');
  });

  it('infers a spec from a desired schema, with evidence, that plans as it is', async () => {
    const { body: current } = await api().get(
      `${API}/datasets/resource/default/plays`,
    );
    const fields: { name: string; type: string; primaryKey: boolean }[] =
      current.fields;
    const [key, ...rest] = fields;
    expect(key.primaryKey).toBe(true);
    const desired = {
      entityRef: PLAYS,
      fields: [
        { name: key.name, type: key.type },
        ...rest.slice(1).map(f => ({ name: f.name, type: f.type })),
        { name: 'origin', type: 'text' },
      ],
    };
    const res = await api().post(`${API}/plans/infer`).send(desired);
    expect(res.status).toBe(200);
    expect(res.body.spec).toMatchObject({
      apiVersion: 'dataset-migrations.io/v1',
      kind: 'MigrationSpec',
      entityRef: PLAYS,
      targetVersion: current.schemaVersion + 1,
    });
    expect(res.body.spec.changes).toEqual(
      expect.arrayContaining([
        { addField: { name: 'origin', type: 'text' } },
        { dropField: { name: rest[0].name } },
      ]),
    );
    expect(res.body.evidence).toHaveLength(res.body.spec.changes.length);
    expect(
      res.body.evidence.every((e: { reason: string }) => e.reason.length > 0),
    ).toBe(true);

    const planned = await api().post(`${API}/plans`).send(res.body.spec);
    expect(planned.status).toBe(200);

    const bad = await api()
      .post(`${API}/plans/infer`)
      .send({ entityRef: PLAYS, fields: [{ name: 'x', type: 'varchar2' }] });
    expect(bad.status).toBe(400);
    expect(bad.body.error.message).toMatch(
      /^Invalid target schema: fields\[0\]\.type: unsupported type "varchar2"/,
    );
  });

  it('renames a dataset: readers and the next migration find it at its new name, and a rollback brings the old one back', async () => {
    const state = async () =>
      (await api().get(`${API}/schema-versions`).query({ entityRef: EVENTS }))
        .body as { schemaVersion: number; table: string };
    const { schemaVersion: current } = await state();
    await warehouse.raw(`CREATE SCHEMA IF NOT EXISTS analytics`);
    const body = {
      entityRef: EVENTS,
      targetVersion: current + 1,
      changes: [],
      renameDataset: { to: 'analytics.plays_log' },
    };
    const planned = await api().post(`${API}/plans`).send(body);
    expect(planned.status).toBe(200);
    expect(planned.body.plan).toMatchObject({
      table: 'public.events',
      targetTable: 'analytics.plays_log',
    });

    const created = await post(body);
    expect(created.status).toBe(201);
    const done = await waitForMigration(created.body.migration.id, [
      'succeeded',
      'failed',
      'cancelled',
    ]);
    expect(done.status).toBe('succeeded');
    expect(await state()).toEqual({
      entityRef: EVENTS,
      schemaVersion: current + 1,
      table: 'analytics.plays_log',
    });
    const details = await api().get(`${API}/datasets/resource/default/events`);
    expect(details.body.table).toBe('analytics.plays_log');
    expect(await relkind('analytics.plays_log')).toBe('v');

    // The next migration starts from the new name, before the catalog has caught up.
    const next = await api()
      .post(`${API}/plans`)
      .send({
        entityRef: EVENTS,
        targetVersion: current + 2,
        changes: [{ addField: { name: 'mood', type: 'text' } }],
      });
    expect(next.status).toBe(200);
    expect(next.body.plan.table).toBe('analytics.plays_log');

    const rolledBack = await api().post(
      `${API}/migrations/${done.id}/rollback`,
    );
    expect(rolledBack.status).toBe(200);
    expect(await state()).toMatchObject({
      schemaVersion: current,
      table: 'public.events',
    });
    expect(await relkind('analytics.plays_log')).toBeUndefined();

    await warehouse.raw(`CREATE TABLE public.taken_name (id int)`);
    const taken = await api()
      .post(`${API}/plans`)
      .send({ ...body, renameDataset: { to: 'taken_name' } });
    expect(taken.status).toBe(400);
    expect(taken.body.error.message).toContain(
      'cannot rename to public.taken_name: it already exists',
    );
    const same = await api()
      .post(`${API}/plans`)
      .send({ ...body, renameDataset: { to: 'events' } });
    expect(same.status).toBe(400);
    expect(same.body.error.message).toContain(
      'renameDataset.to: the dataset is already public.events',
    );
  });

  it('refuses a campaign owned by a team the creator is not in with a 403, storing nothing, and creates one the creator owns', async () => {
    // The backend's user info: the mock user owns only their own ref.
    const creator = mockCredentials.user().principal.userEntityRef;
    const document = (owner: string) => ({
      name: 'owned-clicks',
      title: 'name becomes label',
      owner,
      deadline: '2027-12-31',
      selector: { entityRefs: ['resource:default/clicks'] },
      changes: [{ renameField: { from: 'name', to: 'label' } }],
    });
    const campaigns = async () =>
      Number((await pluginDb('campaigns').count({ n: '*' }))[0].n);
    const before = await campaigns();

    const refused = await api()
      .post(`${API}/campaigns`)
      .send(document('group:default/podcasts'));
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toBe(
      'not allowed: campaign owner group:default/podcasts is not you or a group you are in; name yourself or one of your groups',
    );
    expect(await campaigns()).toBe(before);

    const created = await api()
      .post(`${API}/campaigns`)
      .send(document(creator));
    expect(created.status).toBe(201);
    expect(created.body.campaign.document.owner).toBe(creator);
    // Its dataset free again; no look queued that would outlive the test.
    await pluginDb('campaigns')
      .where({ id: created.body.campaign.id })
      .update({ state: 'aborted' });
  });
});
