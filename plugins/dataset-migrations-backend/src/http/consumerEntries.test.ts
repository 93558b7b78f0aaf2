import type { Knex } from 'knex';
import request from 'supertest';
import { mockServices } from '@backstage/backend-test-utils';
import type { Entity } from '@backstage/catalog-model';
import {
  AuthorizeResult,
  type PolicyDecision,
} from '@backstage/plugin-permission-common';
import type {
  ConsumerMigrationEntry,
  ConsumerMigrationsResponse,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { dataset, succeededMigration } from '../__testUtils__/fixtures';
import { DatabaseMigrationStore } from '../database/DatabaseMigrationStore';
import { ConsumerStore } from '../database/ConsumerStore';
import { startPluginBackend } from '../__testUtils__/pluginBackend';

const API = '/api/dataset-migrations';
const REPORT = 'component:default/report';
const OTHER_CONSUMER = 'component:default/other';
const RETENTION_MS = 2 * 86_400_000;
const PATCH =
  '--- a/q.sql\n+++ b/q.sql\n-select user_id\n+select listener_id\n';

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: { type: 'pipeline', lifecycle: 'production', owner: 'group:default/x' },
});

let decide: (permission: string) => PolicyDecision;
const permissions = mockServices.permissions.mock({
  authorize: async requests =>
    requests.map(r => decide(r.permission.name)) as never,
  authorizeConditional: async requests =>
    requests.map(r => decide(r.permission.name)) as never,
});

describe('GET /consumers: one consumer entity across runs', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let store: DatabaseMigrationStore;
  let consumers: ConsumerStore;
  let backend: Awaited<ReturnType<typeof startPluginBackend>>;
  const api = () => request(backend.server);

  beforeAll(async () => {
    knex = await init();
    backend = await startPluginBackend({
      pluginDb: knex,
      // `hidden` is not in the catalog: the caller may not read it.
      entities: [dataset('events'), component('report'), component('other')],
      features: [permissions.factory],
      config: {
        worker: { enabled: false },
        contract: { retention: '2d' },
      },
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
    decide = () => ({ result: AuthorizeResult.ALLOW });
    await knex('dataset_versions').delete();
    await knex('migrations').delete();
  });

  /** A live run of `events` whose ledger holds these consumers, each advanced to its state. */
  async function run(
    states: Record<string, 'pr-opened' | 'needs-decision' | 'done'>,
    requestedBy = 'user:default/mock',
  ): Promise<string> {
    const id = await succeededMigration(store, { requestedBy });
    await consumers.addDiscovered(
      id,
      Object.keys(states).map(entityRef => ({ entityRef, depth: 1 })),
    );
    for (const [ref, state] of Object.entries(states))
      await consumers.advance(id, ref, ['discovered'], {
        state: state === 'needs-decision' ? 'failed' : state,
        ...(state === 'needs-decision'
          ? { failure: { kind: 'needs-decision', message: 'reads user_id' } }
          : { patch: PATCH }),
        ...(state === 'pr-opened'
          ? {
              pullRequest: {
                provider: 'local-git',
                url: `file:///repos/report#pr-${id}`,
                number: 1,
                branch: 'migrate',
                state: 'open',
              },
            }
          : {}),
      });
    return id;
  }

  const list = (query: Record<string, string>) =>
    api().get(`${API}/consumers`).query(query);

  it('lists the entity’s rows across runs, newest first, with its pull request, patch and what contract waits for', async () => {
    const older = await run({ [REPORT]: 'needs-decision' });
    const unrelated = await run({ [OTHER_CONSUMER]: 'pr-opened' });
    const newer = await run({
      [REPORT]: 'pr-opened',
      [OTHER_CONSUMER]: 'done',
    });

    // The kind as a person writes it: refs are matched as the catalog spells them.
    const res = await list({ entityRef: 'Component:default/report' });
    expect(res.status).toBe(200);
    const body = res.body as ConsumerMigrationsResponse;
    expect(body.items.map(i => i.migration.id)).toEqual([newer, older]);
    expect(body.items.map(i => i.migration.id)).not.toContain(unrelated);
    expect(body.nextOffset).toBeUndefined();

    const [open, waiting] = body.items as ConsumerMigrationEntry[];
    expect(open.migration).toMatchObject({
      entityRef: 'resource:default/events',
      targetVersion: 2,
      status: 'succeeded',
    });
    expect(open.consumer).toMatchObject({
      entityRef: REPORT,
      state: 'pr-opened',
      patch: PATCH,
      pullRequest: { url: `file:///repos/report#pr-${newer}`, state: 'open' },
    });
    // Retention runs from the run's end; only the report still reads the old shape.
    expect(
      Date.parse(open.contract.previousVersionKeptUntil!) -
        Date.parse(open.migration.finishedAt!),
    ).toBe(RETENTION_MS);
    expect(open.contract.consumersStillMoving).toBe(1);
    expect(waiting.consumer).toMatchObject({
      state: 'failed',
      failure: { kind: 'needs-decision' },
    });
  });

  it('pages with limit and offset', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await run({ [REPORT]: 'pr-opened' }));
    const first = await list({ entityRef: REPORT, limit: '2' });
    expect(
      first.body.items.map((i: ConsumerMigrationEntry) => i.migration.id),
    ).toEqual([ids[2], ids[1]]);
    expect(first.body.nextOffset).toBe(2);
    const second = await list({ entityRef: REPORT, limit: '2', offset: '2' });
    expect(
      second.body.items.map((i: ConsumerMigrationEntry) => i.migration.id),
    ).toEqual([ids[0]]);
    expect(second.body.nextOffset).toBeUndefined();
  });

  it('says nothing of the previous version once contracted', async () => {
    const id = await run({ [REPORT]: 'pr-opened' });
    expect(await store.markContracted(id)).toBe(true);
    const [entry] = (await list({ entityRef: REPORT })).body.items;
    expect(entry.migration.contractedAt).toEqual(expect.any(String));
    expect(entry.contract).toEqual({ consumersStillMoving: 0 });
  });

  it('shows only the runs the caller may read, and none when reading runs is denied', async () => {
    const mine = await run({ [REPORT]: 'pr-opened' }, 'user:default/mock');
    await run({ [REPORT]: 'pr-opened' }, 'user:default/someone-else');
    decide = () =>
      ({
        result: AuthorizeResult.CONDITIONAL,
        pluginId: 'dataset-migrations',
        resourceType: 'dataset-migration',
        conditions: {
          rule: 'IS_REQUESTER',
          resourceType: 'dataset-migration',
          params: { claims: ['user:default/mock'] },
        },
      } as PolicyDecision);
    const conditional = await list({ entityRef: REPORT });
    expect(conditional.status).toBe(200);
    expect(
      conditional.body.items.map((i: ConsumerMigrationEntry) => i.migration.id),
    ).toEqual([mine]);

    decide = () => ({ result: AuthorizeResult.DENY });
    expect((await list({ entityRef: REPORT })).body).toEqual({ items: [] });
  });

  it('answers 404 for an entity the caller may not read in the catalog', async () => {
    await run({ 'component:default/hidden': 'pr-opened' });
    const res = await list({ entityRef: 'component:default/hidden' });
    expect(res.status).toBe(404);
    expect(res.body.error.message).toBe(
      'entity component:default/hidden was not found in the catalog',
    );
  });

  it('shows a shadow check’s rows and error only to who may see the dataset’s rows', async () => {
    const verification = {
      patchedBy: 'rewriter' as const,
      shadowChecks: [
        {
          path: 'q.sql',
          statement: 1,
          outcome: 'mismatch' as const,
          detail:
            'the check failed: invalid input syntax for type integer: "4111-1111"',
        },
        {
          path: 'q.sql',
          statement: 2,
          outcome: 'mismatch' as const,
          // A count can be made to equal a value, a checksum is an unkeyed hash.
          before: { rows: 2, checksum: '4111111' },
          after: { rows: 1, checksum: '4111222' },
          detail:
            'the original returned 2 rows (checksum 4111111), the rewrite 1 (checksum 4111222)',
          differingRows: [{ side: 'before' as const, row: '(7,4111-1111)' }],
        },
        {
          path: 'q.sql',
          statement: 3,
          outcome: 'skipped' as const,
          // The rows can name the relation: ('x' || …)::regclass.
          detail: 'it cannot run here: relation "x4111" does not exist',
        },
      ],
    };
    const checked = async (entityRef: string) => {
      const id = await succeededMigration(store, { entityRef });
      await consumers.addDiscovered(id, [{ entityRef: REPORT, depth: 1 }]);
      await consumers.advance(id, REPORT, ['discovered'], {
        state: 'patched',
        verification,
      });
      return id;
    };
    const readable = await checked('resource:default/events');
    // `secret` is no entity the caller can read in the catalog.
    const hidden = await checked('resource:default/secret');

    const res = await list({ entityRef: REPORT });
    const byId = new Map(
      (res.body as ConsumerMigrationsResponse).items.map(i => [
        i.migration.id,
        i.consumer.verification!.shadowChecks,
      ]),
    );
    expect(byId.get(readable)).toEqual(verification.shadowChecks);
    const [failed, differing, skipped] = byId.get(hidden)!;
    expect(skipped).toMatchObject({
      outcome: 'skipped',
      detail: expect.stringMatching(
        /^it cannot run here: \(its error may quote/,
      ),
    });
    expect(JSON.stringify(byId.get(hidden))).not.toContain('4111');
    expect(failed).toMatchObject({
      detail: expect.stringMatching(/^the check failed: \(its error may quote/),
      differingRowsHidden: true,
    });
    expect(differing).toMatchObject({
      differingRowsHidden: true,
      detail: expect.stringMatching(
        /^the original and the rewrite returned different results \(its counts, checksums and rows/,
      ),
    });
    expect(differing.differingRows).toBeUndefined();
    expect(differing.before).toBeUndefined();
    expect(differing.after).toBeUndefined();

    // Readable in the catalog, but the caller may neither start nor approve a
    // migration of it: its rows are withheld as a dry run's sample is.
    decide = name => ({
      result: [
        'dataset-migrations.migration.start',
        'dataset-migrations.migration.approve',
      ].includes(name)
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW,
    });
    const [, withheld] = (
      (await list({ entityRef: REPORT })).body as ConsumerMigrationsResponse
    ).items.find(i => i.migration.id === readable)!.consumer.verification!
      .shadowChecks;
    expect(withheld).toMatchObject({ differingRowsHidden: true });
    expect(JSON.stringify(withheld)).not.toContain('4111');
  });

  it('shows a dry run’s sample rows only to a caller who may read the dataset', async () => {
    const sample = {
      before: ['id', 'ssn'],
      after: ['id', 'tax_id'],
      rows: [
        { before: { id: '1', ssn: '123' }, after: { id: '1', tax_id: '123' } },
      ],
    };
    // A checksum is a hash of the rows: a guess of a small table checks against it.
    const verification = {
      source: { rows: 1, checksum: '-4242' },
      target: { rows: 1, checksum: '-4242' },
      matched: true,
      durationMs: 3,
      attempt: 1,
      recordedAt: '2026-12-06T08:00:00.000Z',
    };
    const withSample = async (entityRef: string) => {
      const id = await succeededMigration(store, { entityRef });
      await knex('migrations')
        .where({ id })
        .update({
          dry_run_sample: JSON.stringify(sample),
          verification: JSON.stringify(verification),
        });
      return (await api().get(`${API}/migrations/${id}`)).body.migration;
    };
    expect((await withSample('resource:default/events')).dryRunSample).toEqual(
      sample,
    );
    // `secret` is no entity the caller can read in the catalog.
    const hidden = await withSample('resource:default/secret');
    expect(hidden.entityRef).toBe('resource:default/secret');
    expect(hidden.dryRunSample).toBeUndefined();

    // A caller who may only request a migration, not start or approve one, reads
    // the run but not the dataset's rows, and is told why.
    const mayStartOrApprove = ['start', 'approve'].map(
      action => `dataset-migrations.migration.${action}`,
    );
    const seen: Array<{
      sample?: unknown;
      withheld?: string;
      verified?: unknown;
    }> = [];
    for (const allowed of [...mayStartOrApprove, undefined]) {
      decide = name => ({
        result:
          mayStartOrApprove.includes(name) && name !== allowed
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      });
      const shown = await withSample('resource:default/events');
      seen.push({
        sample: shown.dryRunSample,
        withheld: shown.dryRunSampleWithheld,
        verified: shown.verification,
      });
    }
    const why =
      "the rows are the dataset's data, shown only to who may start or approve a migration of it";
    expect(seen).toEqual([
      { sample, withheld: undefined, verified: verification },
      { sample, withheld: undefined, verified: verification },
      {
        sample: undefined,
        withheld: why,
        verified: {
          ...verification,
          source: { rows: 1 },
          target: { rows: 1 },
          checksumsWithheld: why,
        },
      },
    ]);
  });

  it("says why a run failed, and its warnings, only to a caller who may see the dataset's rows", async () => {
    const leak =
      'the transform fails on 1 rows: id=7: invalid input syntax for type integer: "123-45-6789"';
    const id = await succeededMigration(store, {
      entityRef: 'resource:default/events',
    });
    await knex('migrations')
      .where({ id })
      .update({ status: 'failed', failure_reason: leak });
    await store.appendLog(id, {
      attempt: 1,
      level: 'info',
      message: 'copied 10 rows',
    });
    await store.appendLog(id, {
      attempt: 1,
      level: 'error',
      message: `failed: ${leak}`,
    });
    const rejected = await succeededMigration(store, {
      entityRef: 'resource:default/events',
    });
    await knex('migrations')
      .where({ id: rejected })
      .update({ status: 'rejected', failure_reason: 'use a view instead' });
    const read = async () => {
      const one = (await api().get(`${API}/migrations/${id}`)).body.migration;
      const runs = (
        await api().get(`${API}/migrations?entityRef=resource:default/events`)
      ).body.items as Array<{ id: string; failureReason?: string }>;
      return {
        reason: one.failureReason,
        logs: one.logs.map((l: { message: string }) => l.message),
        listed: runs.find(r => r.id === id)?.failureReason,
        rejection: runs.find(r => r.id === rejected)?.failureReason,
      };
    };
    expect(await read()).toEqual({
      reason: leak,
      logs: ['copied 10 rows', `failed: ${leak}`],
      listed: leak,
      rejection: 'use a view instead',
    });
    const mayStartOrApprove = ['start', 'approve'].map(
      action => `dataset-migrations.migration.${action}`,
    );
    decide = name => ({
      result: mayStartOrApprove.includes(name)
        ? AuthorizeResult.DENY
        : AuthorizeResult.ALLOW,
    });
    const withheld =
      "the rows are the dataset's data, shown only to who may start or approve a migration of it";
    expect(await read()).toEqual({
      reason: `why is withheld: ${withheld}`,
      logs: ['copied 10 rows', `withheld: ${withheld}`],
      listed: `why is withheld: ${withheld}`,
      rejection: 'use a view instead',
    });
  });

  it.each([
    [{}, 'Invalid query: entityRef: is required'],
    [
      { entityRef: `component:default/${'x'.repeat(290)}` },
      'Invalid query: entityRef: must be at most 300 characters',
    ],
    [
      { entityRef: REPORT, limit: '0' },
      'Invalid query: limit: must be at least 1',
    ],
    [
      { entityRef: REPORT, limit: '101' },
      'Invalid query: limit: must be at most 100',
    ],
    [
      { entityRef: REPORT, offset: '-1' },
      'Invalid query: offset: must not be negative',
    ],
    [{ entityRef: REPORT, page: '2' }, 'page'],
    [{ entityRef: ':/' }, 'entityRef:'],
  ])(
    'refuses the query %j with a 400 naming the problem',
    async (query, message) => {
      const res = await list(query as Record<string, string>);
      expect(res.status).toBe(400);
      expect(res.body.error.message).toContain(message);
    },
  );
});
