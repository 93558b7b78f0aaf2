import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Knex } from 'knex';
import request from 'supertest';
import type { Entity } from '@backstage/catalog-model';
import { mockCredentials } from '@backstage/backend-test-utils';
import type {
  ConsumerLedger,
  MigrationConsumer,
  MigrationDetails,
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
const ORDERS = 'resource:default/orders';
const TRACKS = 'resource:default/tracks';

function component(name: string, reads: string, repo?: string): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name,
      namespace: 'default',
      annotations: repo ? registeredIn(repo) : {},
    },
    spec: {
      type: 'pipeline',
      lifecycle: 'production',
      owner: `group:default/${name}-team`,
      dependsOn: [reads],
    },
    relations: [{ type: 'dependsOn', targetRef: reads }],
  };
}

function readBy(entity: Entity, consumers: Entity[]): Entity {
  return {
    ...entity,
    relations: consumers.map(c => ({
      type: 'dependencyOf',
      targetRef: `component:default/${c.metadata.name}`,
    })),
  };
}

/**
 * Consumers across a migration's life and the next one, on the real engine, local
 * git repositories and the job path: rollback settles them, a later migration
 * waits for them, and one left behind is never called unaffected.
 */
describe('consumers across runs', () => {
  const { init } = createTestDatabases();
  let pluginDb: Knex;
  let warehouse: Knex;
  let backend: Awaited<ReturnType<typeof startPluginBackend>>;
  let work: string;
  const repo = (name: string) => join(work, name);

  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), 'dsm-across-runs-'));
    chmodSync(work, 0o755);
    createRepository(repo('billing'), {
      'billing.sql': 'select id, customer from public.orders;\n',
    });
    createRepository(repo('audit'), {
      'audit.sql': 'select o.customer, o.amount from orders o;\n',
    });
    createRepository(repo('counter'), {
      'count.sql': 'select count(*) from orders;\n',
    });
    createRepository(repo('charts'), {
      'charts.sql': 'select id, title from tracks;\n',
    });
    createRepository(repo('laggard'), {
      'laggard.sql': 'select title from tracks;\n',
    });
    createRepository(repo('radio'), {
      'radio.sql': 'select count(*) from tracks;\n',
    });
    const ordersConsumers = ['billing', 'audit', 'counter'].map(n =>
      component(n, ORDERS, repo(n)),
    );
    const tracksConsumers = ['charts', 'laggard', 'radio'].map(n =>
      component(n, TRACKS, repo(n)),
    );

    pluginDb = await init();
    warehouse = await init();
    await warehouse.raw(`
      CREATE TABLE public.orders (id bigint PRIMARY KEY, customer text NOT NULL, amount integer NOT NULL);
      INSERT INTO public.orders SELECT g, 'c' || (g % 5), g * 10 FROM generate_series(1, 50) g;
      CREATE TABLE public.tracks (id bigint PRIMARY KEY, title text NOT NULL);
      INSERT INTO public.tracks SELECT g, 't' || g FROM generate_series(1, 20) g;
    `);
    backend = await startPluginBackend({
      pluginDb,
      warehouse,
      entities: [
        readBy(dataset('orders'), ordersConsumers),
        readBy(dataset('tracks'), tracksConsumers),
        ...ordersConsumers,
        ...tracksConsumers,
      ],
      realScheduler: true,
      config: {
        // Approvals are tested on their own (approvals.test.ts); here migrations run at once.
        approvals: { required: [] },
        worker: { concurrency: 4 },
        contract: { retention: '0s' },
        consumers: {
          followUpInterval: '1s',
          localGit: { roots: [work] },
        },
      },
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    rmSync(work, { recursive: true, force: true });
  }, 30_000);

  const api = () => request(backend.server);

  async function migrate(body: object): Promise<MigrationDetails> {
    const created = await api().post(`${API}/migrations`).send(body);
    expect(created.status).toBe(201);
    return waitFor(
      async () => {
        const res = await api().get(
          `${API}/migrations/${created.body.migration.id}`,
        );
        return ['succeeded', 'failed', 'cancelled'].includes(
          res.body.migration.status,
        )
          ? (res.body.migration as MigrationDetails)
          : undefined;
      },
      { timeoutMs: 60_000, what: 'the migration to finish' },
    );
  }

  async function ledgerWhen(
    id: string,
    done: (consumers: Record<string, MigrationConsumer>) => boolean,
    what: string,
  ): Promise<Record<string, MigrationConsumer>> {
    return waitFor(
      async () => {
        const res = await api().get(`${API}/migrations/${id}/consumers`);
        expect(res.status).toBe(200);
        const byName = Object.fromEntries(
          (res.body as ConsumerLedger).consumers.map(c => [
            c.entityRef.split('/')[1],
            c,
          ]),
        );
        return done(byName) ? byName : undefined;
      },
      { timeoutMs: 60_000, what },
    );
  }

  const pulls = (name: string) =>
    JSON.parse(
      readFileSync(
        join(repo(name), '.git', 'dataset-migrations', 'pulls.json'),
        'utf8',
      ),
    ).pulls;

  it('rolls back: refused over merged patches unless overridden with a reason, then closes open pull requests and supersedes the ledger', async () => {
    const first = await migrate({
      entityRef: ORDERS,
      targetVersion: 2,
      changes: [{ renameField: { from: 'customer', to: 'client' } }],
    });
    expect(first.status).toBe('succeeded');
    let c = await ledgerWhen(
      first.id,
      l =>
        l.billing?.state === 'pr-opened' &&
        l.audit?.state === 'pr-opened' &&
        l.counter?.state === 'unaffected',
      'both readers of customer to have a pull request',
    );

    // The card counts the open migration's consumers per state.
    const card = await api().get(`${API}/datasets/resource/default/orders`);
    expect(card.body.consumerCounts).toMatchObject({
      'pr-opened': 2,
      unaffected: 1,
      superseded: 0,
    });
    expect(card.body.consumersOnPreviousVersion).toBe(2);

    // A later migration waits for consumers still moving to this one.
    const next = {
      entityRef: ORDERS,
      targetVersion: 3,
      changes: [{ addField: { name: 'note', type: 'text', default: 'x' } }],
    };
    const waits = await api().post(`${API}/migrations`).send(next);
    expect(waits.status).toBe(409);
    expect(waits.body.error.message).toBe(
      `dataset ${ORDERS} waits for its migration to version 2, which is not contracted: 2 consumers are still moving to it: component:default/audit (pull request open), component:default/billing (pull request open); start the next migration once they have moved`,
    );
    // A dry run changes nothing, so it need not wait.
    const dry = await migrate({ ...next, dryRun: true });
    expect(dry).toMatchObject({ dryRun: true, status: 'succeeded' });

    // billing merges its pull request: its code now reads `client`.
    gitIn(
      repo('billing'),
      'merge',
      '-q',
      '--ff-only',
      c.billing.pullRequest!.branch,
    );
    c = await ledgerWhen(
      first.id,
      l => l.billing?.state === 'done',
      'billing to be done',
    );

    const refused = await api().post(`${API}/migrations/${first.id}/rollback`);
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe(
      'rollback refused: 1 consumer has merged a patch that reads version 2 and would break on version 1: component:default/billing; to roll back anyway, send an override with the reason',
    );
    for (const override of [{}, { reason: '   ' }]) {
      const bad = await api()
        .post(`${API}/migrations/${first.id}/rollback`)
        .send({ override });
      expect(bad.status).toBe(400);
      expect(bad.body.error.message).toMatch(
        /^Invalid rollback request: override\.reason: /,
      );
    }
    // Nothing was changed by the refusals.
    expect(
      (await api().get(`${API}/migrations/${first.id}`)).body.migration.status,
    ).toBe('succeeded');
    expect(await warehouse('orders').columnInfo()).toHaveProperty('client');

    const rolledBack = await api()
      .post(`${API}/migrations/${first.id}/rollback`)
      .send({ override: { reason: 'invoices break on v2' } });
    expect(rolledBack.status).toBe(200);
    const who = mockCredentials.user().principal.userEntityRef;
    expect(rolledBack.body.migration).toMatchObject({
      status: 'rolled-back',
      rollbackOverride: { reason: 'invoices break on v2', by: who },
    });
    expect(
      (await api().get(`${API}/migrations/${first.id}`)).body.migration
        .rollbackOverride,
    ).toEqual({
      reason: 'invoices break on v2',
      by: who,
      at: expect.stringMatching(/^\d{4}-\d\d-\d\dT[\d:.]+Z$/),
    });
    expect(await warehouse('orders').columnInfo()).toHaveProperty('customer');

    // The ledger is settled, the open pull request closed with a comment.
    const settled = await api().get(`${API}/migrations/${first.id}/consumers`);
    const after = Object.fromEntries(
      (settled.body as ConsumerLedger).consumers.map(x => [
        x.entityRef.split('/')[1],
        x,
      ]),
    );
    expect(settled.body.counts).toMatchObject({
      superseded: 2,
      unaffected: 1,
      done: 0,
      'pr-opened': 0,
    });
    expect(after.audit).toMatchObject({
      state: 'superseded',
      pullRequest: {
        provider: 'local-git',
        number: 1,
        state: 'closed',
        url: c.audit.pullRequest!.url,
      },
    });
    expect(after.audit.supersededReason).toMatch(
      /was rolled back.*pull request is closed unmerged/,
    );
    expect(pulls('audit')).toEqual([
      expect.objectContaining({
        state: 'closed',
        comments: [
          {
            body: expect.stringContaining(
              `Dataset migration \`${first.id}\` of \`${ORDERS}\` was rolled back`,
            ),
            createdAt: expect.any(String),
          },
        ],
      }),
    ]);
    expect(after.billing).toMatchObject({
      state: 'superseded',
      pullRequest: { state: 'merged' },
    });
    expect(after.billing.patch).toContain('+select id, client');
    expect(after.billing.supersededReason).toMatch(
      /override \("invoices break on v2"\).*revert it to read version 1/,
    );
    expect(pulls('billing')[0].state).toBe('open'); // merged: never closed
    expect(after.counter.state).toBe('unaffected');

    // Nothing more for them: no retry, and the card counts no open migration.
    const retry = await api()
      .post(`${API}/migrations/${first.id}/consumers/retry`)
      .send({});
    expect(retry.status).toBe(409);
    expect(retry.body.error.message).toMatch(/was rolled back/);
    const cardAfter = await api().get(
      `${API}/datasets/resource/default/orders`,
    );
    expect(cardAfter.body.consumerCounts).toBeUndefined();
    expect(cardAfter.body.consumersOnPreviousVersion).toBeUndefined();

    // The dataset is on version 1 again, with no open migration: the next one may start.
    // The same change again: the consumer whose pull request the rollback closed
    // is proposed to anew, not failed on the closed one.
    const created = await api()
      .post(`${API}/migrations`)
      .send({
        entityRef: ORDERS,
        targetVersion: 2,
        changes: [{ renameField: { from: 'customer', to: 'client' } }],
      });
    expect(created.status).toBe(201);
    const again = created.body.migration as MigrationDetails;
    // billing, reverted by nobody, reads `client` already: a person decides it.
    await ledgerWhen(
      again.id,
      l => l.billing?.state === 'failed',
      'billing to wait for a decision',
    );
    const excluded = await api()
      .post(`${API}/migrations/${again.id}/consumers/decisions`)
      .send({
        entityRef: 'component:default/billing',
        decision: 'exclude',
        reason: 'it moved to client before the rollback',
      });
    expect(excluded.status).toBe(200);
    const proposed = await ledgerWhen(
      again.id,
      l => l.audit?.state === 'pr-opened' || l.audit?.state === 'failed',
      'audit to have its pull request for the new run',
    );
    expect(proposed.audit).toMatchObject({
      state: 'pr-opened',
      pullRequest: { state: 'open' },
    });
    expect(proposed.audit.pullRequest!.branch).not.toBe(
      c.audit.pullRequest!.branch,
    );
    expect(pulls('audit').map((p: { state: string }) => p.state)).toEqual([
      'closed',
      'open',
    ]);
  }, 180_000);

  it('allows the next migration once consumers have moved, and never calls one left behind unaffected', async () => {
    const first = await migrate({
      entityRef: TRACKS,
      targetVersion: 2,
      changes: [{ renameField: { from: 'title', to: 'name' } }],
    });
    expect(first.status).toBe('succeeded');
    const c = await ledgerWhen(
      first.id,
      l =>
        l.charts?.state === 'pr-opened' &&
        l.laggard?.state === 'pr-opened' &&
        l.radio?.state === 'unaffected',
      'charts and laggard to have pull requests',
    );
    gitIn(
      repo('charts'),
      'merge',
      '-q',
      '--ff-only',
      c.charts.pullRequest!.branch,
    );
    await ledgerWhen(
      first.id,
      l => l.charts?.state === 'done',
      'charts to be done',
    );

    const next = {
      entityRef: TRACKS,
      targetVersion: 3,
      changes: [{ addField: { name: 'genre', type: 'text', default: 'pop' } }],
    };
    const waits = await api().post(`${API}/migrations`).send(next);
    expect(waits.status).toBe(409);
    expect(waits.body.error.message).toMatch(
      /1 consumer is still moving to it: component:default\/laggard \(pull request open\);/,
    );

    // A person contracts the first migration although laggard has not moved.
    const contracted = await api()
      .post(`${API}/migrations/${first.id}/contract`)
      .send({ override: { reason: 'laggard is being retired' } });
    expect(contracted.status).toBe(200);

    // The preview counts laggard as behind, not as unaffected by the new change.
    const preview = await api().post(`${API}/impact`).send(next);
    expect(preview.status).toBe(200);
    expect(preview.body.byStatus).toMatchObject({
      unaffected: 2,
      'behind-previous-version': 1,
    });
    expect(preview.body.affected).toEqual([
      {
        entityRef: 'component:default/laggard',
        status: 'behind-previous-version',
        fields: [],
      },
    ]);

    const second = await migrate(next);
    expect(second.status).toBe('succeeded');
    const ledger = await ledgerWhen(
      second.id,
      l =>
        l.laggard?.state === 'failed' &&
        l.charts?.state === 'unaffected' &&
        l.radio?.state === 'unaffected',
      'the second migration to assess its consumers',
    );
    expect(ledger.laggard.failure).toEqual({
      kind: 'behind-previous-version',
      message: `component:default/laggard has not moved off migration ${first.id} (to version 2, contracted), where it is pr-opened; it still reads version 1, so move it to version 2 first, then retry it here`,
    });

    // Both open... the first is contracted: the card counts the second only.
    const card = await api().get(`${API}/datasets/resource/default/tracks`);
    expect(card.body.consumerCounts).toMatchObject({
      failed: 1,
      unaffected: 2,
      'pr-opened': 0,
      done: 0,
    });
    expect(card.body.consumersOnPreviousVersion).toBe(1);
  }, 180_000);
});
