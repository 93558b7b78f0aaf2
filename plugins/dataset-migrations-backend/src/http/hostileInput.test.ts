import type { Knex } from 'knex';
import request from 'supertest';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import type { MigrationDetails } from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  connectionUrlOf,
  createTestDatabases,
  waitFor,
} from '../__testUtils__/testDatabases';
import { dataset } from '../__testUtils__/fixtures';
import { recordingAuditor } from '../__testUtils__/recordingAuditor';
import { datasetMigrationsPlugin } from '../plugin';

const API = '/api/dataset-migrations';
const { auditor, events: audits } = recordingAuditor();
/** A well-formed run or campaign id that names none. */
const ZERO_ID = '00000000-0000-4000-8000-000000000000';
const EVENTS = 'resource:default/events';
/** 5,000 rows of 100-character titles on an engine whose statements may take 1 s. */
const SLOW = 'resource:default/slow';
/**
 * A copy of that table on an engine with the default statement timeout (the
 * same database: the same table would be claimed by both entities).
 */
const PATIENT = 'resource:default/patient';
const AUTHID = 'resource:default/authid';
/** Names the engine's own record of contracts. */
const BOOKS = 'resource:default/books';
/** Names the table version 2 of `events` lives in. */
const SHADOW = 'resource:default/shadow';
/** Costs about 100 KB of hashing per row: seconds for the sample, within the growth bound. */
/**
 * About 4 GB to hash over the dry run's sample (all 10,000 rows): seconds on any
 * machine, against the tight engine's 1 s statement timeout (5,000 rows of 100
 * characters, 0.5 GB, came in under it on a quiet one).
 */
const COSTLY = 'md5(repeat(title, 1000))';

/** Permissions a test denies; everything else is allowed. */
let denied: string[] = [];
const decided = (requests: Array<{ permission: { name: string } }>) =>
  requests.map(r => ({
    result: denied.includes(r.permission.name)
      ? AuthorizeResult.DENY
      : AuthorizeResult.ALLOW,
  })) as never;
const permissions = mockServices.permissions.mock({
  authorize: async requests => decided(requests),
  authorizeConditional: async requests => decided(requests),
});

/** What a hostile or careless request did to the running backend, each now a clear 4xx or harmless. */
describe('hostile and careless input', () => {
  const { init } = createTestDatabases();
  let pluginDb: Knex;
  let warehouse: Knex;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;

  beforeAll(async () => {
    pluginDb = await init();
    warehouse = await init();
    await warehouse.raw(`
      CREATE TABLE public.events (id int PRIMARY KEY, title text);
      INSERT INTO public.events VALUES (1, 'a'), (2, 'b');
      CREATE TABLE public.slow (id int PRIMARY KEY, title text);
      INSERT INTO public.slow SELECT i, repeat('x', 400) FROM generate_series(1, 10000) i;
      ANALYZE public.slow;
      CREATE TABLE public.patient (LIKE public.slow INCLUDING ALL);
      INSERT INTO public.patient SELECT * FROM public.slow;
      ANALYZE public.patient;
    `);
    const engine = { type: 'postgres', connection: connectionUrlOf(warehouse) };
    backend = await startTestBackend({
      features: [
        schedulerServiceFactory,
        datasetMigrationsPlugin,
        permissions.factory,
        auditor.factory,
        mockServices.database.factory({ knex: pluginDb }),
        catalogServiceMock.factory({
          entities: [
            dataset('events'),
            dataset('slow', {}, 'tight'),
            dataset('patient'),
            dataset('authid', {
              annotations: {
                'dataset-migrations.io/table': 'pg_catalog.pg_authid',
              },
            }),
            dataset('books', {
              annotations: {
                'dataset-migrations.io/table':
                  'dataset_migrations_engine.dsm_contracts',
              },
            }),
            dataset('shadow', {
              annotations: { 'dataset-migrations.io/table': 'events_v2' },
            }),
          ],
        }),
        mockServices.rootConfig.factory({
          data: {
            datasetMigrations: {
              approvals: { required: [] },
              consumers: { rewritePreview: { queue: 1 } },
              engines: {
                warehouse: engine,
                tight: { ...engine, statementTimeout: '1s' },
              },
            },
          },
        }),
      ],
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
  }, 30_000);

  const api = () => request(backend.server);
  const message = (res: request.Response): string =>
    res.body?.error?.message ?? '';

  async function finished(id: string): Promise<MigrationDetails> {
    return waitFor(
      async () => {
        const { migration } = (await api().get(`${API}/migrations/${id}`))
          .body as { migration: MigrationDetails };
        return ['succeeded', 'failed', 'cancelled'].includes(migration.status)
          ? migration
          : undefined;
      },
      { timeoutMs: 60_000, what: `migration ${id} to finish` },
    );
  }

  async function migrationRows(): Promise<number> {
    const [{ n }] = await pluginDb('migrations').count({ n: '*' });
    return Number(n);
  }

  const addNote = (extra: object = {}) => ({
    entityRef: EVENTS,
    targetVersion: 2,
    changes: [{ addField: { name: 'note', type: 'text', default: 'n/a' } }],
    ...extra,
  });

  it('refuses a target version the integer column cannot hold, or that leaves no next version', async () => {
    for (const targetVersion of [2_147_483_647, 1e10]) {
      const res = await api()
        .post(`${API}/migrations`)
        .send(addNote({ targetVersion }));
      expect(res.status).toBe(400);
      expect(message(res)).toContain(
        'targetVersion: must be at most 2147483646',
      );
    }
    expect(await migrationRows()).toBe(0);
  });

  it('refuses a run list query with a parameter it does not know, naming it', async () => {
    const res = await api().get(`${API}/migrations?bogus=1&limit=5`);
    expect(res.status).toBe(400);
    expect(message(res)).toBe(
      "Invalid query: unknown parameter 'bogus' (this route takes entityRef, limit)",
    );
    expect((await api().get(`${API}/migrations?limit=5`)).status).toBe(200);
  });

  describe.each([
    ['datasets', ['/datasets', `/datasets/resource/default/events`], ''],
    ['schema versions', ['/schema-versions'], `entityRef=${EVENTS}`],
    [
      'runs',
      [
        '/migrations',
        `/migrations/${ZERO_ID}`,
        `/migrations/${ZERO_ID}/impact.csv`,
        `/migrations/${ZERO_ID}/consumers/retryable`,
      ],
      '',
    ],
    [
      'consumers',
      [
        `/migrations/${ZERO_ID}/consumers`,
        `/migrations/${ZERO_ID}/consumers/component/default/a/pull-request`,
        '/consumers',
      ],
      `entityRef=${EVENTS}`,
    ],
    ['campaigns', ['/campaigns', `/campaigns/${ZERO_ID}`], ''],
  ])('a GET of %s', (_family, routes, valid) => {
    it('refuses a parameter the route does not take, naming it, a prototype key or one express drops included', async () => {
      for (const route of routes) {
        // `/consumers` and `/schema-versions` need their entityRef; the ledger takes none.
        const base = ['/consumers', '/schema-versions'].includes(route)
          ? valid
          : '';
        const sep = base ? '&' : '';
        for (const [query, named] of [
          ['bogus=1', "'bogus'"],
          ['entityref=x', "'entityref'"],
          ['__proto__=1', "'__proto__'"],
          ['__proto__[polluted]=1', "'__proto__'"],
          ['constructor=1&toString=2', "'constructor', 'toString'"],
          [
            `${'q'.repeat(5_000)}=1`,
            `'${'q'.repeat(100)}…(cut short: 4900 more characters)'`,
          ],
        ]) {
          const res = await api().get(`${API}${route}?${base}${sep}${query}`);
          expect({
            route,
            query: query.slice(0, 40),
            status: res.status,
          }).toEqual({
            route,
            query: query.slice(0, 40),
            status: 400,
          });
          expect(message(res)).toMatch(
            new RegExp(
              `^Invalid query: unknown parameters? ${named.replace(
                /[.*+?^${}()|[\]\\]/g,
                '\\$&',
              )} \\(this route takes`,
            ),
          );
        }
        expect(({} as { polluted?: unknown }).polluted).toBeUndefined();
        // Without one, the route answers as it did (a run it cannot find is a 404).
        const plain = await api().get(
          `${API}${route}${base ? `?${base}` : ''}`,
        );
        expect({ route, status: plain.status }).not.toEqual({
          route,
          status: 400,
        });
        expect(plain.status).toBeLessThan(500);
      }
    });
  });

  it('refuses a dataset path that names no entity with a 400 naming the problem', async () => {
    for (const [name, problem] of [
      ['events%00', 'must not contain a NUL character (\\u0000)'],
      ['e'.repeat(300), 'must be at most 300 characters'],
    ]) {
      const res = await api().get(`${API}/datasets/resource/default/${name}`);
      expect(res.status).toBe(400);
      expect(message(res)).toBe(`Invalid path: dataset: ${problem}`);
    }
  });

  it('refuses a NUL character in a spec string with a 400 naming where', async () => {
    const res = await api()
      .post(`${API}/plans`)
      .send({
        ...addNote(),
        changes: [
          { addField: { name: 'note', type: 'text', default: 'a\u0000b' } },
        ],
      });
    expect(res.status).toBe(400);
    expect(message(res)).toContain(
      'changes[0].addField.default: must not contain a NUL character',
    );
  });

  it('refuses a 900 KB entity reference before it reaches the catalog', async () => {
    const entityRef = `resource:default/${'a'.repeat(900_000)}`;
    for (const route of ['/plans', '/migrations', '/impact', '/plans/infer']) {
      const body =
        route === '/plans/infer'
          ? { entityRef, fields: [{ name: 'id', type: 'integer' }] }
          : addNote({ entityRef });
      const res = await api().post(`${API}${route}`).send(body);
      expect({ route, status: res.status, message: message(res) }).toEqual({
        route,
        status: 400,
        message: expect.stringContaining(
          'entityRef: must be at most 300 characters',
        ),
      });
    }
  });

  it('refuses more fields to infer from than it will sample for, at once', async () => {
    const started = Date.now();
    const res = await api()
      .post(`${API}/plans/infer`)
      .send({
        entityRef: EVENTS,
        fields: Array.from({ length: 5000 }, (_, i) => ({
          name: `f${i}`,
          type: 'text',
          examples: ['x'],
        })),
      });
    expect(res.status).toBe(400);
    expect(message(res)).toContain('fields: must list at most 500 fields');
    expect(Date.now() - started).toBeLessThan(5_000);
  });

  it("looks for examples among the dataset's values only for who may see its rows", async () => {
    const infer = (examples?: string[]) =>
      api()
        .post(`${API}/plans/infer`)
        .send({
          entityRef: EVENTS,
          fields: [
            { name: 'id', type: 'integer' },
            {
              name: 'heading',
              type: 'text',
              ...(examples ? { examples } : {}),
            },
          ],
        });
    // The examples occur in "title": the answer says so, as a rename.
    audits.length = 0;
    const allowed = await infer(['a', 'b']);
    expect(allowed.status).toBe(200);
    expect(allowed.body.spec.changes).toEqual([
      { renameField: { from: 'title', to: 'heading' } },
    ]);
    // Reading the rows for them is recorded, as a change is, refused or not.
    const readOfRows = (outcome: 'succeeded' | 'failed') =>
      expect.objectContaining({
        eventId: 'plan-infer-examples',
        severityLevel: 'medium',
        outcome,
        meta: { entityRef: EVENTS, fields: ['heading'] },
      });
    expect(audits).toEqual([readOfRows('succeeded')]);
    denied = [
      'dataset-migrations.migration.start',
      'dataset-migrations.migration.approve',
    ];
    try {
      const refused = await infer(['a', 'b']);
      expect(refused.status).toBe(403);
      expect(message(refused)).toBe(
        'examples (given for "heading") are looked for among the dataset\'s rows, which are shown only to who may start or approve a migration of it (dataset-migrations.migration.start or .approve); infer without them and write renames into the spec yourself',
      );
      // Without examples the values are not read: names decide, or a person does.
      const named = await infer();
      expect(named.status).toBe(200);
      expect(JSON.stringify(named.body.evidence)).not.toContain('examples');
      expect(audits).toEqual([readOfRows('succeeded'), readOfRows('failed')]);
    } finally {
      denied = [];
    }
  });

  it('infers no spec a plan would refuse: a field listed twice, or a key left out', async () => {
    const infer = (fields: object[]) =>
      api().post(`${API}/plans/infer`).send({ entityRef: EVENTS, fields });
    const twice = await infer([
      { name: 'id', type: 'integer' },
      { name: 'title', type: 'text' },
      { name: 'title', type: 'integer' },
    ]);
    expect(twice.status).toBe(400);
    expect(message(twice)).toContain('fields[2].name: "title" is listed twice');
    const keyless = await infer([{ name: 'title', type: 'text' }]);
    expect(keyless.status).toBe(400);
    expect(message(keyless)).toBe(
      'Invalid target schema: fields: leaves out "id" of the dataset\'s primary key, which a migration keeps; list it, under its name or, with examples of its values, a new one',
    );
    // Listed, the key stays; a field added beside it is all there is to do.
    const kept = await infer([
      { name: 'id', type: 'integer' },
      { name: 'title', type: 'text' },
      { name: 'mood', type: 'text' },
    ]);
    expect(kept.status).toBe(200);
    expect(kept.body.spec.changes).toEqual([
      { addField: { name: 'mood', type: 'text' } },
    ]);
  });

  it('refuses a dataset in a system schema', async () => {
    const res = await api()
      .post(`${API}/plans`)
      .send(addNote({ entityRef: AUTHID }));
    expect(res.status).toBe(400);
    expect(message(res)).toContain(
      '"pg_catalog.pg_authid" is in the system schema pg_catalog',
    );
  });

  it('refuses a dataset in the engine’s own bookkeeping schema, to plan or to read', async () => {
    const planned = await api()
      .post(`${API}/plans`)
      .send(addNote({ entityRef: BOOKS }));
    expect(planned.status).toBe(400);
    const refusal =
      '"dataset_migrations_engine.dsm_contracts" is in dataset_migrations_engine, this engine\'s own bookkeeping schema';
    expect(message(planned)).toContain(refusal);
    const read = await api().get(`${API}/datasets/resource/default/books`);
    expect(read.status).toBe(400);
    expect(message(read)).toContain(refusal);
  });

  it('refuses an entity naming the table of another dataset’s version, and a rename onto one', async () => {
    const versionOfEvents =
      "is where versions of public.events live, which resource:default/events names; a dataset's versions belong to its entity: fix the catalog";
    const read = await api().get(`${API}/datasets/resource/default/shadow`);
    expect(read.status).toBe(409);
    expect(message(read)).toBe(
      `table public.events_v2 on engine warehouse ${versionOfEvents}`,
    );
    const planned = await api()
      .post(`${API}/plans`)
      .send(addNote({ entityRef: SHADOW }));
    expect(planned.status).toBe(409);
    expect(message(planned)).toContain(versionOfEvents);
    const renamed = await api()
      .post(`${API}/plans`)
      .send({
        entityRef: PATIENT,
        targetVersion: 2,
        changes: [],
        renameDataset: { to: 'public.events_v9' },
      });
    expect(renamed.status).toBe(409);
    expect(message(renamed)).toBe(
      `renameDataset.to: table public.events_v9 on engine warehouse ${versionOfEvents}`,
    );
  });

  it('refuses an expression that makes text without bound', async () => {
    const res = await api()
      .post(`${API}/migrations`)
      .send({
        entityRef: EVENTS,
        targetVersion: 2,
        dryRun: true,
        changes: [
          {
            deriveField: {
              field: 'title',
              expression: 'repeat(title, 100000)',
            },
          },
        ],
      });
    expect(res.status).toBe(400);
    expect(message(res)).toContain('calls repeat() with a size of 100000');
    expect(await migrationRows()).toBe(0);
  });

  it("stops a dry run at the engine's statement timeout, saying so", async () => {
    const res = await api()
      .post(`${API}/migrations`)
      .send({
        entityRef: SLOW,
        targetVersion: 2,
        dryRun: true,
        changes: [{ deriveField: { field: 'title', expression: COSTLY } }],
      });
    expect(res.status).toBe(201);
    const done = await finished(res.body.migration.id);
    expect(done.status).toBe('failed');
    expect(done.failureReason).toContain(
      "stopped by the engine's statementTimeout",
    );
  }, 90_000);

  it('a dry run cancelled while it runs ends cancelled, not succeeded', async () => {
    const res = await api()
      .post(`${API}/migrations`)
      .send({
        entityRef: PATIENT,
        targetVersion: 2,
        dryRun: true,
        changes: [{ deriveField: { field: 'title', expression: COSTLY } }],
      });
    expect(res.status).toBe(201);
    const id = res.body.migration.id;
    await waitFor(
      async () => {
        const { migration } = (await api().get(`${API}/migrations/${id}`))
          .body as { migration: MigrationDetails };
        return migration.steps.some(
          s => s.name === 'dry-run' && s.status === 'running',
        )
          ? true
          : undefined;
      },
      { timeoutMs: 30_000, what: 'the dry run to start its sample' },
    );
    const cancel = await api().post(`${API}/migrations/${id}/cancel`).send();
    expect(cancel.status).toBe(200);
    const done = await finished(id);
    expect(done.status).toBe('cancelled');
  }, 90_000);

  it('quotes a default holding dollar-quote tags so that create-target runs', async () => {
    const tricky = "$trigger$ $expand$ $moved$ ' ; DROP TABLE events; --";
    const res = await api()
      .post(`${API}/migrations`)
      .send({
        entityRef: EVENTS,
        targetVersion: 2,
        changes: [
          { addField: { name: 'note', type: 'text', default: tricky } },
        ],
      });
    expect(res.status).toBe(201);
    const done = await finished(res.body.migration.id);
    expect({ status: done.status, reason: done.failureReason }).toEqual({
      status: 'succeeded',
      reason: undefined,
    });
    const { rows } = await warehouse.raw(
      'SELECT DISTINCT note FROM public.events',
    );
    expect(rows).toEqual([{ note: tricky }]);
    // A writer that leaves the field out gets the default through the trigger too.
    await warehouse.raw(
      `INSERT INTO public.events (id, title) VALUES (3, 'c')`,
    );
    const written = await warehouse.raw(
      'SELECT note FROM public.events WHERE id = 3',
    );
    expect(written.rows).toEqual([{ note: tricky }]);
  }, 90_000);

  it('reads a number in a query as written, in decimal digits, or refuses it naming the parameter', async () => {
    // A run to read the ledger of (the one 'quotes a default' made, or a dry run).
    const { schemaVersion } = (
      await api().get(`${API}/datasets/resource/default/events`)
    ).body;
    const created = await api()
      .post(`${API}/migrations`)
      .send({
        entityRef: EVENTS,
        targetVersion: schemaVersion + 1,
        dryRun: true,
        changes: [{ addField: { name: 'memo', type: 'text' } }],
      });
    expect({ status: created.status, message: message(created) }).toEqual({
      status: 201,
      message: '',
    });
    const id = created.body.migration.id;
    const problem =
      'must be a number written in decimal digits (as 20), given once';
    for (const [route, query, name] of [
      ['/migrations', 'limit=1e2', 'limit'],
      ['/migrations', 'limit=%205', 'limit'],
      ['/migrations', 'limit=0x10', 'limit'],
      ['/migrations', 'limit=', 'limit'],
      ['/migrations', 'limit=1&limit=2', 'limit'],
      ['/migrations', 'limit[]=5', 'limit'],
      [`/migrations/${id}/consumers`, 'limit=1e2', 'limit'],
      [`/migrations/${id}/consumers`, 'limit=2&offset=', 'offset'],
      [`/migrations/${id}/consumers`, 'limit=2&offset=0x10', 'offset'],
      [`/migrations/${id}/consumers`, 'limit=2&offset=1&offset=2', 'offset'],
      [`/consumers`, `entityRef=${EVENTS}&offset=`, 'offset'],
      [`/consumers`, `entityRef=${EVENTS}&limit=%205`, 'limit'],
    ]) {
      const res = await api().get(`${API}${route}?${query}`);
      expect({
        route,
        query,
        status: res.status,
        message: message(res),
      }).toEqual({
        route,
        query,
        status: 400,
        message: `Invalid query: ${name}: ${problem}`,
      });
    }
    // Digits mean what they say: 007 is 7, and a fraction or a sign is named as such.
    const seven = await api().get(`${API}/migrations?limit=007`);
    expect(seven.status).toBe(200);
    for (const [query, refusal] of [
      ['limit=2.5', 'limit: must be a whole number'],
      ['limit=-1', 'limit: must be at least 1'],
      ['limit=99999999999999999999', 'limit: must be at most 500'],
    ]) {
      const res = await api().get(`${API}/migrations?${query}`);
      expect({ query, status: res.status, message: message(res) }).toEqual({
        query,
        status: 400,
        message: `Invalid query: ${refusal}`,
      });
    }
  }, 60_000);

  describe('rewrite preview', () => {
    const changes = [{ renameField: { from: 'title', to: 'headline' } }];
    const statements = (chars: number) =>
      'select title from events where id > 1;\n'.repeat(Math.floor(chars / 39));

    it('refuses more content than it rewrites in one request, naming the limit', async () => {
      const res = await api()
        .post(`${API}/rewrite-preview`)
        .send({
          entityRef: EVENTS,
          changes,
          files: [{ path: 'a.sql', content: statements(900_000) }],
        });
      expect(res.status).toBe(400);
      expect(message(res)).toContain(
        'files: must hold at most 65536 characters of content in all',
      );
    });

    it('keeps the backend answering while it rewrites content at the limit', async () => {
      const content = statements(64 * 1024);
      const preview = () =>
        api()
          .post(`${API}/rewrite-preview`)
          .send({
            entityRef: EVENTS,
            changes,
            files: [{ path: 'a.sql', content }],
          })
          .then(res => res);
      await preview(); // the workers and their parser load once
      let previewDone = false;
      const started = Date.now();
      const rewritten = preview().finally(() => {
        previewDone = true;
      });
      // Health checks while the preview runs: on the event loop, one of them waits
      // for the whole rewrite; off it, each answers within a part of that time.
      let answeredMeanwhile = 0;
      let longestWait = 0;
      while (!previewDone) {
        const asked = Date.now();
        expect((await api().get(`${API}/health`)).status).toBe(200);
        longestWait = Math.max(longestWait, Date.now() - asked);
        if (!previewDone) answeredMeanwhile++;
      }
      const res = await rewritten;
      const took = Date.now() - started;
      console.log(
        `rewrite preview of 64 KiB: ${took} ms; ${answeredMeanwhile} health answers meanwhile, the longest wait ${longestWait} ms`,
      );
      expect(answeredMeanwhile).toBeGreaterThanOrEqual(3);
      expect(longestWait).toBeLessThan(took / 2);
      // The same answer as in the request thread: every statement rewritten.
      expect(res.status).toBe(200);
      expect(res.body.files).toEqual([
        expect.objectContaining({
          path: 'a.sql',
          status: 'rewritten',
          content: content.replaceAll(
            'select title from',
            'select headline AS title from',
          ),
        }),
      ]);
    }, 60_000);

    it('answers 503 with Retry-After to previews beyond those it queues, naming the limit', async () => {
      const preview = () =>
        api()
          .post(`${API}/rewrite-preview`)
          .send({
            entityRef: EVENTS,
            changes,
            files: [{ path: 'a.sql', content: statements(64 * 1024) }],
          })
          .then(res => res);
      // Six at once: two run, one waits (this backend's queue is 1), three are refused.
      const answers = await Promise.all([1, 2, 3, 4, 5, 6].map(preview));
      const refused = answers.filter(res => res.status === 503);
      expect(refused.length).toBeGreaterThanOrEqual(1);
      expect(refused[0].headers['retry-after']).toBe('5');
      expect(message(refused[0])).toContain(
        'the 2 rewrite workers are busy and 1 previews wait for them, at most 1 may (datasetMigrations.consumers.rewritePreview.queue)',
      );
      expect(
        answers.filter(res => res.status !== 503).map(res => res.status),
      ).toEqual(Array(6 - refused.length).fill(200));
    }, 60_000);
  });

  it('refuses a key named twice in a JSON body on every route, naming it and where, as YAML does', async () => {
    const created0 = await migrationRows();
    const post = (route: string, body: string) =>
      api()
        .post(`${API}${route}`)
        .set('Content-Type', 'application/json')
        .send(body);
    // JSON.parse would keep the last: the dry run would have gone on unseen.
    const created = await post(
      '/migrations',
      `{"entityRef":"${EVENTS}","targetVersion":2,"dryRun":false,"changes":[{"addField":{"name":"note","type":"text"}}],"dryRun":true}`,
    );
    expect(created.status).toBe(400);
    expect(message(created)).toBe(
      "Invalid migration spec: Duplicate key in object: 'dryRun' (each key may be named once)",
    );
    expect(await migrationRows()).toBe(created0);
    // As JSON.parse reads keys: an escape names the same one.
    const nested = await post(
      '/plans',
      `{"entityRef":"${EVENTS}","targetVersion":2,"changes":[{"addField":{"name":"a","type":"text"}},{"addField":{"name":"b","type":"text","n\\u0061me":"c"}}]}`,
    );
    expect(nested.status).toBe(400);
    expect(message(nested)).toBe(
      "Invalid migration spec: changes[1].addField: Duplicate key in object: 'name' (each key may be named once)",
    );
    const run = await api()
      .post(`${API}/migrations`)
      .send(addNote({ entityRef: PATIENT, dryRun: true }));
    expect([200, 201]).toContain(run.status);
    const before = await migrationRows();
    const cancel = await post(
      `/migrations/${run.body.migration.id}/cancel`,
      '{"reason":"a","reason":"b"}',
    );
    expect(cancel.status).toBe(400);
    expect(message(cancel)).toBe(
      "Invalid cancel request: Duplicate key in object: 'reason' (each key may be named once)",
    );
    const campaign = await post(
      `/campaigns/${ZERO_ID}/pause`,
      '{"reason":"a","reason":"b"}',
    );
    expect(campaign.status).toBe(400);
    expect(message(campaign)).toMatch(/Duplicate key in object: 'reason'/);
    expect(await migrationRows()).toBe(before);
    // Deep in a body, the path's middle is counted, not written out.
    const depth = 5000;
    const deep = await post(
      '/plans',
      `${'{"a":['.repeat(depth)}{"k":1,"k":2}${']}'.repeat(depth)}`,
    );
    expect(deep.status).toBe(400);
    expect(message(deep)).toBe(
      `Invalid migration spec: a[0].a[0]…(${
        2 * depth - 8
      } more)….a[0].a[0]: Duplicate key in object: 'k' (each key may be named once)`,
    );
    // The same keys in different objects are no repeat.
    const apart = await post(
      '/plans',
      `{"entityRef":"${PATIENT}","targetVersion":2,"changes":[{"addField":{"name":"a","type":"text"}},{"addField":{"name":"b","type":"text"}}]}`,
    );
    expect(message(apart)).not.toMatch(/Duplicate key/);
  });

  it('says a body is not JSON when it is not, and reads a YAML body on every route', async () => {
    const postJson = (route: string, body: string) =>
      api()
        .post(`${API}${route}`)
        .set('Content-Type', 'application/json')
        .send(body);
    for (const route of ['/migrations', '/plans']) {
      const res = await postJson(route, '{"entityRef":');
      expect(res.status).toBe(400);
      expect(message(res)).toMatch(
        /^Invalid request: the body is not a JSON object or array: /,
      );
      // Valid JSON, just no object: told what it is, not that it is no JSON.
      for (const [body, what] of [
        ['null', 'null'],
        [' "hello"', 'a string'],
        ['42', 'a number'],
        ['false', 'false'],
      ]) {
        const scalar = await postJson(route, body);
        expect(scalar.status).toBe(400);
        expect(message(scalar)).toBe(
          `Invalid request: the body must be a JSON object, not ${what}`,
        );
      }
    }
    // An action's body as YAML is read as its JSON would be.
    const run = await api()
      .post(`${API}/migrations`)
      .send(addNote({ entityRef: PATIENT, dryRun: true }));
    expect([200, 201]).toContain(run.status);
    const cancel = (yaml: string) =>
      api()
        .post(`${API}/migrations/${run.body.migration.id}/cancel`)
        .set('Content-Type', 'application/yaml')
        .send(yaml);
    const refused = await cancel('overide: yes\n');
    expect(refused.status).toBe(400);
    expect(message(refused)).toContain(
      "Invalid cancel request: Unrecognized key(s) in object: 'overide'",
    );
    const bad = await cancel('a: [unclosed\n');
    expect(bad.status).toBe(400);
    expect(message(bad)).toMatch(/^Invalid cancel request: not valid YAML: /);
    // Nested past any spec, in brackets or block indicators: refused unparsed
    // (the parser took seconds of the event loop for a megabyte of it), also
    // behind a quote a plain scalar opens and leaves open.
    const plans = (yaml: string) =>
      api()
        .post(`${API}/plans`)
        .set('Content-Type', 'application/yaml')
        .send(yaml);
    for (const deep of [
      '['.repeat(300_000),
      `a: x "\nb: ${'['.repeat(300_000)}`,
      `${'- '.repeat(300_000)}a\n`,
    ]) {
      const res = await plans(deep);
      expect(res.status).toBe(400);
      expect(message(res)).toBe(
        'Invalid migration spec: not valid YAML here: it nests collections more than 64 deep',
      );
    }
    // A spec's own brackets, balanced, are far from it.
    const shallow = await plans(
      `entityRef: ${EVENTS}\ntargetVersion: 1\nchanges: [{ addField: { name: "n[1]", type: text } }]\n`,
    );
    expect(message(shallow)).not.toContain('nests collections');
    // A key repeated in a map, however many keys it has (the parser's own check
    // is quadratic: minutes for 60,000), is refused naming it, in a block map
    // and in a flow map; one only repeated in another map is no repeat.
    const keys = Array.from({ length: 20_000 }, (_, i) => `k${i}`);
    for (const [yaml, key] of [
      [`${keys.map(k => `${k}: 1`).join('\n')}\nk7: 2\n`, 'k7'],
      [`{${keys.map(k => `${k}: 1`).join(', ')}, k19999: 2}\n`, 'k19999'],
      ['a: { x: 1 }\nb: { x: 1 }\nc: { y: 1, "y": 2 }\n', 'y'],
    ]) {
      const res = await cancel(yaml);
      expect(res.status).toBe(400);
      expect(message(res)).toBe(
        `Invalid cancel request: not valid YAML: map keys must be unique: "${key}" is repeated`,
      );
    }
    const flat = await cancel(`${keys.map(k => `${k}: 1`).join('\n')}\n`);
    expect(flat.status).toBe(400);
    expect(message(flat)).toContain(
      "Invalid cancel request: Unrecognized key(s) in object: 'k0'",
    );
    // No body: cancelled, or refused for a run that has ended.
    expect([200, 409]).toContain((await cancel('{}\n')).status);
  });

  // Last: the dry run it lets through leaves a run, where others count none.
  it("runs a dry run only for who may see the dataset's rows", async () => {
    // Whether it fails answers a question about the rows it reads.
    const { schemaVersion } = (
      await api().get(`${API}/datasets/resource/default/events`)
    ).body as { schemaVersion: number };
    expect(schemaVersion).toBeGreaterThanOrEqual(1);
    const probe = addNote({
      targetVersion: schemaVersion + 1,
      dryRun: true,
      changes: [
        {
          deriveField: {
            field: 'title',
            expression: "CASE WHEN title = 'a' THEN (1/0)::text ELSE title END",
          },
        },
      ],
    });
    const before = await migrationRows();
    denied = [
      'dataset-migrations.migration.start',
      'dataset-migrations.migration.approve',
    ];
    try {
      const refused = await api().post(`${API}/migrations`).send(probe);
      expect(refused.status).toBe(403);
      expect(message(refused)).toBe(
        `not allowed: a dry run reads ${EVENTS}'s rows, and permissions dataset-migrations.migration.start and dataset-migrations.migration.approve on it were denied; review the plan, or request the migration itself for an approver to check`,
      );
      expect(await migrationRows()).toBe(before);
      // An approver who may not start one sees the rows: their dry run runs.
      denied = ['dataset-migrations.migration.start'];
      const ran = await api().post(`${API}/migrations`).send(probe);
      expect(ran.status).toBe(201);
      const failedRun = ran.body.migration.id as string;
      expect((await finished(failedRun)).status).toBe('failed');
      // Retrying it runs it again on today's rows: only for who may see them.
      denied = [
        'dataset-migrations.migration.start',
        'dataset-migrations.migration.approve',
      ];
      const retried = await api().post(`${API}/migrations/${failedRun}/retry`);
      expect(retried.status).toBe(403);
      expect(message(retried)).toMatch(/^not allowed: a dry run reads /);
      expect((await finished(failedRun)).status).toBe('failed');
    } finally {
      denied = [];
    }
  });
});
