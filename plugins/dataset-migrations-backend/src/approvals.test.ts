import type { Knex } from 'knex';
import request from 'supertest';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  datasetMigrationApproveOwnPermission,
  datasetMigrationApprovePermission,
  datasetMigrationRequestPermission,
  datasetMigrationReadPermission,
  datasetMigrationStartPermission,
  type Migration,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  connectionUrlOf,
  createTestDatabases,
  waitFor,
} from './__testUtils__/testDatabases';
import { dataset } from './__testUtils__/fixtures';
import { recordingAuditor } from './__testUtils__/recordingAuditor';
import { datasetMigrationsPlugin } from './plugin';

const API = '/api/dataset-migrations';
const WORKER_SCHEMA = 'dataset_migrations_worker';
const OWNER = 'user:default/owner';
const MEMBER = 'user:default/member';
const OUTSIDER = 'user:default/outsider';
const STRANGER = 'user:default/stranger';
/** May request, but may read no one else's runs. */
const BLIND = 'user:default/blind';

const REQUEST = datasetMigrationRequestPermission.name;
const START = datasetMigrationStartPermission.name;
const APPROVE = datasetMigrationApprovePermission.name;
const APPROVE_OWN = datasetMigrationApproveOwnPermission.name;

/**
 * Who holds which permission, as a policy would decide: the owner everything, a
 * team member all but approving their own requests, an outsider only requesting,
 * a stranger nothing. Every other permission is allowed.
 */
const POLICY: Record<string, string[]> = {
  [OWNER]: [REQUEST, START, APPROVE, APPROVE_OWN],
  [MEMBER]: [REQUEST, START, APPROVE],
  [OUTSIDER]: [REQUEST],
  [STRANGER]: [],
  [BLIND]: [REQUEST],
};
const DATASET_PERMISSIONS = [REQUEST, START, APPROVE, APPROVE_OWN];

function decide(name: string, credentials: BackstageCredentials) {
  const user = (credentials.principal as { userEntityRef?: string })
    .userEntityRef;
  if (name === datasetMigrationReadPermission.name && user === BLIND)
    return AuthorizeResult.DENY;
  if (!DATASET_PERMISSIONS.includes(name)) return AuthorizeResult.ALLOW;
  return user && POLICY[user]?.includes(name)
    ? AuthorizeResult.ALLOW
    : AuthorizeResult.DENY;
}

const NAMES = ['alpha', 'beta', 'gamma', 'delta', 'epsilon', 'zeta'];

/**
 * Approvals through the plugin's routes, on a real Postgres and the real
 * graphile-worker, with a permission service that decides per user and permission.
 */
describe('approvals', () => {
  const { init } = createTestDatabases();
  let pluginDb: Knex;
  let warehouse: Knex;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const { auditor, events: audits } = recordingAuditor();

  beforeAll(async () => {
    pluginDb = await init();
    warehouse = await init();
    for (const name of NAMES) {
      await warehouse.raw(
        `CREATE TABLE public.${name} (id int PRIMARY KEY, name text, extra text);
         INSERT INTO public.${name} VALUES (1, 'a', 'x'), (2, 'b', NULL);`,
      );
    }
    backend = await startTestBackend({
      features: [
        datasetMigrationsPlugin,
        mockServices.database.factory({ knex: pluginDb }),
        catalogServiceMock.factory({ entities: NAMES.map(n => dataset(n)) }),
        mockServices.permissions.mock({
          authorize: async (requests, options) =>
            requests.map(r => ({
              result: decide(r.permission.name, options.credentials),
            })),
        }).factory,
        auditor.factory,
        mockServices.rootConfig.factory({
          data: {
            datasetMigrations: {
              // The default approvals: breaking changes and requesters who may not start.
              worker: { concurrency: 2 },
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
  }, 30_000);

  const as = (user: string) => {
    const auth = mockCredentials.user.header(user);
    return {
      post: (path: string, body: object) =>
        request(backend.server)
          .post(`${API}${path}`)
          .set('Authorization', auth)
          .send(body),
      get: (path: string) =>
        request(backend.server).get(`${API}${path}`).set('Authorization', auth),
    };
  };
  /** A drop of `extra`: backward compatible, not breaking. */
  const dropExtra = (name: string) => ({
    entityRef: `resource:default/${name}`,
    targetVersion: 2,
    changes: [{ dropField: { name: 'extra' } }],
  });
  /** A rename of `name`: breaking. */
  const renameName = (name: string) => ({
    entityRef: `resource:default/${name}`,
    targetVersion: 2,
    changes: [{ renameField: { from: 'name', to: 'label' } }],
  });

  async function runJobs(migrationId: string): Promise<number> {
    const { rows } = await pluginDb.raw(
      `SELECT count(*)::int AS n FROM ${WORKER_SCHEMA}.jobs
        WHERE task_identifier = 'dataset-migrations.run-migration'
          AND key = 'migration:' || ?::text`,
      [migrationId],
    );
    return rows[0].n;
  }

  async function row(id: string) {
    return pluginDb('migrations').where({ id }).first();
  }

  async function waitForStatus(id: string, statuses: string[]) {
    return waitFor(
      async () => {
        const res = await as(OWNER).get(`/migrations/${id}`);
        const migration: Migration = res.body.migration;
        return statuses.includes(migration.status) ? migration : undefined;
      },
      { timeoutMs: 30_000, what: `migration ${id} to be ${statuses}` },
    );
  }

  const auditsOf = (eventId: string) =>
    audits.filter(a => a.eventId === eventId);

  it("holds an outsider's request for approval, runs nothing, and runs it once another user approves; a second approval at once is refused", async () => {
    const created = await as(OUTSIDER).post('/migrations', dropExtra('alpha'));
    expect(created.status).toBe(201);
    const migration: Migration = created.body.migration;
    expect(migration.status).toBe('awaiting-approval');
    expect(migration.approval).toEqual({
      reasons: ['the requester may not start migrations of this dataset'],
      requestDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
    });
    expect(await runJobs(migration.id)).toBe(0);
    expect(auditsOf('migration-create').at(-1)).toMatchObject({
      severityLevel: 'medium',
      outcome: 'succeeded',
    });

    // A digest that is not the run's: refused, nothing changed.
    const stale = await as(OWNER).post(`/migrations/${migration.id}/approve`, {
      requestDigest: 'f'.repeat(64),
    });
    expect(stale.status).toBe(409);
    expect(stale.body.error.message).toContain(
      'the request changed since you reviewed it',
    );
    // Nor does it tell the digest to approve: that is read from the run reviewed.
    expect(stale.body.error.message).not.toContain(
      migration.approval!.requestDigest,
    );
    expect((await row(migration.id)).status).toBe('awaiting-approval');
    expect(await runJobs(migration.id)).toBe(0);
    expect(auditsOf('migration-approve').at(-1)).toMatchObject({
      severityLevel: 'high',
      outcome: 'failed',
      // Refused, and still naming the run's dataset.
      meta: { migrationId: migration.id, entityRef: 'resource:default/alpha' },
    });

    // Two approvals at once: exactly one wins.
    const approve = () =>
      as(OWNER).post(`/migrations/${migration.id}/approve`, {
        requestDigest: migration.approval!.requestDigest,
        comment: 'fine by the data team',
      });
    const answers = await Promise.all([approve(), approve()]);
    expect(answers.map(a => a.status).sort()).toEqual([200, 409]);
    const won = answers.find(a => a.status === 200)!;
    expect(won.body.migration.approval.decision).toEqual({
      outcome: 'approved',
      by: OWNER,
      at: expect.any(String),
      comment: 'fine by the data team',
    });
    expect(answers.find(a => a.status === 409)!.body.error.message).toContain(
      'is not awaiting approval',
    );

    const done = await waitForStatus(migration.id, [
      'succeeded',
      'failed',
      'cancelled',
    ]);
    expect(done.status).toBe('succeeded');
    expect(done.approval!.decision!.by).toBe(OWNER);
    const migrated = await as(OWNER).get(
      '/schema-versions?entityRef=resource:default/alpha',
    );
    expect(migrated.body.schemaVersion).toBe(2);
  });

  it('refuses a requester approving their own request without approve-own, and lets an owner approve their own breaking change', async () => {
    const created = await as(MEMBER).post('/migrations', renameName('beta'));
    expect(created.status).toBe(201);
    const migration: Migration = created.body.migration;
    expect(migration.status).toBe('awaiting-approval');
    expect(migration.approval!.reasons).toEqual(['the change is breaking']);

    const own = await as(MEMBER).post(`/migrations/${migration.id}/approve`, {
      requestDigest: migration.approval!.requestDigest,
    });
    expect(own.status).toBe(403);
    expect(own.body.error.message).toContain(
      'a requester cannot approve their own request',
    );
    expect(own.body.error.message).toContain(APPROVE_OWN);
    expect((await row(migration.id)).status).toBe('awaiting-approval');
    expect(await runJobs(migration.id)).toBe(0);

    // An outsider may not approve at all; the check comes before the run's state.
    const outsider = await as(OUTSIDER).post(
      `/migrations/${migration.id}/approve`,
      { requestDigest: 'anything' },
    );
    expect(outsider.status).toBe(403);
    expect(outsider.body.error.message).toContain(APPROVE);

    // The owner, allowed everything, still waits for an approval of a breaking change.
    const byOwner = await as(OWNER).post('/migrations', renameName('gamma'));
    expect(byOwner.status).toBe(201);
    expect(byOwner.body.migration.status).toBe('awaiting-approval');
    expect(byOwner.body.migration.approval.reasons).toEqual([
      'the change is breaking',
    ]);
    const ownApproval = await as(OWNER).post(
      `/migrations/${byOwner.body.migration.id}/approve`,
      { requestDigest: byOwner.body.migration.approval.requestDigest },
    );
    expect(ownApproval.status).toBe(200);
    expect(ownApproval.body.migration.status).toMatch(/queued|running/);
    expect(
      await waitForStatus(byOwner.body.migration.id, ['succeeded', 'failed']),
    ).toMatchObject({ status: 'succeeded' });
  });

  it('says with the plan, before anything is requested, whether the caller’s migration would wait for an approval and why', async () => {
    const before = await pluginDb('migrations').count({ n: '*' }).first();
    const breaking = await as(OWNER).post('/plans', renameName('delta'));
    expect(breaking.status).toBe(200);
    expect(breaking.body.approval).toEqual({
      reasons: ['the change is breaking'],
    });
    const mild = await as(OWNER).post('/plans', dropExtra('delta'));
    expect(mild.status).toBe(200);
    expect(mild.body.plan.compatibility.class).not.toBe('breaking');
    expect(mild.body.approval).toBeUndefined();
    // One who may only request waits whatever the change.
    const outsider = await as(OUTSIDER).post('/plans', dropExtra('delta'));
    expect(outsider.body.approval.reasons).toEqual([
      'the requester may not start migrations of this dataset',
    ]);
    // A dry run waits for no one, breaking or not, as POST /migrations queues it.
    for (const [user, spec] of [
      [OUTSIDER, renameName('delta')],
      [OWNER, renameName('delta')],
      [OUTSIDER, dropExtra('delta')],
    ] as const) {
      const dry = await as(user).post('/plans', { ...spec, dryRun: true });
      expect(dry.status).toBe(200);
      expect(dry.body.plan).toBeDefined();
      expect(dry.body.approval).toBeUndefined();
    }
    // Planning changed nothing.
    expect(await pluginDb('migrations').count({ n: '*' }).first()).toEqual(
      before,
    );
  });

  it('rejects with a comment only; a rejected run frees the dataset for a new request', async () => {
    const created = await as(MEMBER).post('/migrations', renameName('delta'));
    const migration: Migration = created.body.migration;
    expect(migration.status).toBe('awaiting-approval');

    const bare = await as(OWNER).post(`/migrations/${migration.id}/reject`, {});
    expect(bare.status).toBe(400);
    expect(bare.body.error.message).toContain('comment');
    expect((await row(migration.id)).status).toBe('awaiting-approval');

    const rejected = await as(OWNER).post(
      `/migrations/${migration.id}/reject`,
      { comment: 'readers of name are not ready' },
    );
    expect(rejected.status).toBe(200);
    expect(rejected.body.migration).toMatchObject({
      status: 'rejected',
      finishedAt: expect.any(String),
      approval: {
        decision: {
          outcome: 'rejected',
          by: OWNER,
          comment: 'readers of name are not ready',
        },
      },
    });
    expect(await runJobs(migration.id)).toBe(0);
    expect(auditsOf('migration-reject').at(-1)).toMatchObject({
      severityLevel: 'high',
      outcome: 'succeeded',
    });

    // Approving it now answers 409 with the reason.
    const late = await as(OWNER).post(`/migrations/${migration.id}/approve`, {
      requestDigest: migration.approval!.requestDigest,
    });
    expect(late.status).toBe(409);
    expect(late.body.error.message).toContain(
      `is not awaiting approval: it is rejected (rejected by ${OWNER}`,
    );

    // The same request again is a new migration: the dataset is free.
    const again = await as(MEMBER).post('/migrations', renameName('delta'));
    expect(again.status).toBe(201);
    expect(again.body.migration.id).not.toBe(migration.id);
    expect(again.body.migration.status).toBe('awaiting-approval');
  });

  it('refuses a requester without the request permission: 403 naming it, nothing written or enqueued, a failed audit event', async () => {
    const [{ n: before }] = await pluginDb('migrations').count({ n: '*' });
    const { rows: clock } = await pluginDb.raw(`SELECT now() AS at`);
    const denied = await as(STRANGER).post('/migrations', dropExtra('epsilon'));
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain(REQUEST);

    const [{ n: after }] = await pluginDb('migrations').count({ n: '*' });
    expect(Number(after)).toBe(Number(before));
    const { rows: jobsSince } = await pluginDb.raw(
      `SELECT count(*)::int AS n FROM ${WORKER_SCHEMA}.jobs WHERE created_at >= ?`,
      [clock[0].at],
    );
    expect(jobsSince[0].n).toBe(0);
    expect(auditsOf('migration-create').at(-1)).toMatchObject({
      meta: { entityRef: 'resource:default/epsilon' },
      outcome: 'failed',
      error: expect.objectContaining({ name: 'NotAllowedError' }),
    });
  });

  it('answers a repeated request with the same run only to those who may read it', async () => {
    const first = await as(OUTSIDER).post('/migrations', renameName('zeta'));
    expect(first.status).toBe(201);
    const again = await as(OUTSIDER).post('/migrations', renameName('zeta'));
    expect(again.status).toBe(200);
    expect(again.body.migration.id).toBe(first.body.migration.id);

    // The same spec from one who may not read the run: refused, not shown.
    const blind = await as(BLIND).post('/migrations', renameName('zeta'));
    expect(blind.status).toBe(403);
    expect(blind.body.error.message).toContain(
      datasetMigrationReadPermission.name,
    );
    expect(blind.body.migration).toBeUndefined();
  });

  it('runs a dry run without approval, but not for one who may only request: it reads the rows', async () => {
    const refused = await as(OUTSIDER).post('/migrations', {
      ...renameName('epsilon'),
      dryRun: true,
    });
    expect(refused.status).toBe(403);
    expect(refused.body.error.message).toContain(
      `permissions ${START} and ${APPROVE} on it were denied`,
    );
    const dry = await as(MEMBER).post('/migrations', {
      ...renameName('epsilon'),
      dryRun: true,
    });
    expect(dry.status).toBe(201);
    expect(dry.body.migration.approval).toBeUndefined();
    expect(
      await waitForStatus(dry.body.migration.id, ['succeeded', 'failed']),
    ).toMatchObject({ status: 'succeeded', dryRun: true });
  });
});
