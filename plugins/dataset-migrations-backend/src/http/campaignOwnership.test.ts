import type { Knex } from 'knex';
import request from 'supertest';
import {
  coreServices,
  createBackendPlugin,
  type BackstageCredentials,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import {
  AuthorizeResult,
  isResourcePermission,
  type PolicyDecision,
  type ResourcePermission,
} from '@backstage/plugin-permission-common';
import {
  datasetMigrationCampaignManagePermission,
  datasetMigrationCampaignReadPermission,
  datasetMigrationRequestPermission,
  type Campaign,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { recordingAuditor } from '../__testUtils__/recordingAuditor';
import { CampaignService } from '../campaigns/CampaignService';
import {
  campaignDocument,
  fixedPlanning,
} from '../campaigns/__testUtils__/campaignPlans';
import { usersInGroups } from '../campaigns/__testUtils__/userInfo';
import { DatabaseCampaignStore } from '../database/DatabaseCampaignStore';
import { DatabaseMigrationStore } from '../database/DatabaseMigrationStore';
import {
  createDatasetMigrationCampaignConditionalDecision,
  datasetMigrationCampaignConditions,
} from '../permissions/conditions';
import { registerPermissions } from '../permissions/registerPermissions';
import { JobQueue } from '../queue/JobQueue';
import type { ConsumerPullRequests } from '../services/ConsumerPullRequests';
import type { ConsumerService } from '../services/ConsumerService';
import type { MigrationService } from '../services/MigrationService';
import { RequestGuard } from './RequestGuard';
import { createRouter } from './router';

const API = '/api/dataset-migrations';
const WORKER_SCHEMA = 'campaign_ownership_worker';
const ADMIN = 'user:default/admin';
const ADMINS = 'group:default/admins';
/** Manages campaigns, as the policy allows her: those her team owns. */
const ADA = 'user:default/ada';
const DATA_PLATFORM = 'group:default/data-platform';
/** Ada's teammate: may manage her team's campaigns, request only where allowed. */
const BOB = 'user:default/bob';
const groupsOf = (user: string) =>
  ({ [ADMIN]: [ADMINS], [ADA]: [DATA_PLATFORM], [BOB]: [DATA_PLATFORM] }[
    user
  ] ?? []);
/** `user dataset` pairs the policy denies migration request on. */
const requestDenied = new Set<string>();
/** May not read campaigns at all. */
const OUTSIDER = 'user:default/outsider';

const ref = (name: string) => `resource:default/${name}`;

/**
 * The demo's policy for campaigns: admins may manage every campaign, anyone else
 * (a campaign manager) only those owned by them or their groups; everything else
 * is allowed. A permission not checked against a campaign cannot carry that
 * condition, so it is allowed as it stands.
 */
function policy(
  permission: { name: string },
  user: string,
  resourceRef?: string,
): PolicyDecision {
  if (
    permission.name === datasetMigrationRequestPermission.name &&
    requestDenied.has(`${user} ${resourceRef}`)
  )
    return { result: AuthorizeResult.DENY };
  if (
    user === OUTSIDER &&
    permission.name === datasetMigrationCampaignReadPermission.name
  )
    return { result: AuthorizeResult.DENY };
  if (
    user !== ADMIN &&
    isResourcePermission(
      permission as ResourcePermission,
      'dataset-migrations-campaign',
    )
  ) {
    return createDatasetMigrationCampaignConditionalDecision(
      permission as ResourcePermission<'dataset-migrations-campaign'>,
      datasetMigrationCampaignConditions.isCampaignOwner({
        claims: [user, ...groupsOf(user)],
      }),
    );
  }
  return { result: AuthorizeResult.ALLOW };
}

/**
 * Campaign routes as the plugin mounts them, with its permission registration,
 * on a real Postgres. The permission service decides by `policy` and resolves a
 * conditional decision on one campaign the way the permission backend does: by
 * asking the plugin's registered resource (`apply-conditions`), which loads the
 * campaign and applies the rules.
 */
describe('managing a campaign needs the manage permission on that campaign', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let queue: JobQueue;
  let backend: Awaited<ReturnType<typeof startTestBackend>>;
  const planning = fixedPlanning([[ref('a')]]);
  const { auditor, events: audits } = recordingAuditor();

  const applyConditions = async (
    items: Array<{ resourceRef: string; decision: PolicyDecision }>,
  ) => {
    const res = await request(backend.server)
      .post(`${API}/.well-known/backstage/permissions/apply-conditions`)
      .set('Authorization', mockCredentials.service.header())
      .send({
        items: items.map(({ resourceRef, decision }, i) => ({
          id: String(i),
          resourceRef,
          resourceType: (decision as { resourceType: string }).resourceType,
          conditions: (decision as { conditions: unknown }).conditions,
        })),
      });
    if (res.status !== 200) throw new Error(`apply-conditions: ${res.text}`);
    return res.body.items as Array<{ result: AuthorizeResult }>;
  };

  const permissions = mockServices.permissions.mock({
    authorize: async (requests, options) => {
      const user = (
        options.credentials as BackstageCredentials<{ userEntityRef: string }>
      ).principal.userEntityRef;
      return Promise.all(
        requests.map(async r => {
          const resourceRef = (r as { resourceRef?: string }).resourceRef;
          const decision = policy(r.permission, user, resourceRef);
          if (decision.result !== AuthorizeResult.CONDITIONAL) return decision;
          if (!resourceRef) return { result: AuthorizeResult.DENY };
          const [resolved] = await applyConditions([{ resourceRef, decision }]);
          return { result: resolved.result };
        }),
      ) as never;
    },
  });

  const campaignRoutes = createBackendPlugin({
    pluginId: 'dataset-migrations',
    register(reg) {
      reg.registerInit({
        deps: {
          httpRouter: coreServices.httpRouter,
          httpAuth: coreServices.httpAuth,
          permissions: coreServices.permissions,
          permissionsRegistry: coreServices.permissionsRegistry,
          auditor: coreServices.auditor,
        },
        async init(deps) {
          const campaigns = new DatabaseCampaignStore(knex);
          const guard = new RequestGuard({
            permissions: deps.permissions,
            auditor: deps.auditor,
            toMigrationFilter: registerPermissions(
              deps.permissionsRegistry,
              { listMigrations: async () => [] },
              campaigns,
            ),
          });
          deps.httpRouter.use(
            createRouter({
              service: {} as MigrationService,
              consumers: {} as ConsumerService,
              pullRequests: {} as ConsumerPullRequests,
              httpAuth: deps.httpAuth,
              guard,
              campaigns: new CampaignService({
                campaigns,
                planning,
                permissions: guard,
                userInfo: usersInGroups(groupsOf),
                queue,
              }),
            }),
          );
        },
      });
    },
  });

  beforeAll(async () => {
    knex = await init();
    // Creates the plugin's tables.
    await DatabaseMigrationStore.create({
      database: mockServices.database({ knex }),
    });
    queue = new JobQueue({
      knex,
      schema: WORKER_SCHEMA,
      logger: mockServices.logger.mock(),
    });
    await queue.migrate();
    backend = await startTestBackend({
      features: [campaignRoutes, permissions.factory, auditor.factory],
    });
  }, 60_000);

  afterAll(async () => {
    await backend?.stop();
    await queue?.stop();
  });

  const as = (user: string) => (path: string, body?: object) => {
    const req = request(backend.server)
      .post(`${API}${path}`)
      .set('Authorization', mockCredentials.user.header(user));
    return body === undefined ? req : req.send(body);
  };

  /** All a refused action must leave as it was: the campaign, its datasets, its jobs. */
  async function snapshot(id: string) {
    const { rows: jobs } = await knex.raw(
      `SELECT count(*)::int AS n FROM ${WORKER_SCHEMA}.jobs WHERE key = ?`,
      [`campaign:${id}`],
    );
    return {
      campaign: await knex('campaigns').where({ id }).first(),
      datasets: await knex('campaign_datasets')
        .where({ campaign_id: id })
        .orderBy('position'),
      jobs: jobs[0].n,
    };
  }

  async function created(user: string, name: string, owner: string) {
    const res = await as(user)('/campaigns', campaignDocument({ name, owner }));
    expect(res.status).toBe(201);
    return res.body.campaign as Campaign;
  }

  it("refuses a campaign manager start, pause, resume and abort of another team's campaign with a 403 naming the permission, audited, changing nothing", async () => {
    planning.waves = [[ref('a')]];
    const theirs = await created(ADMIN, 'admins-campaign', ADMINS);
    const refused = async (action: string) => {
      const before = await snapshot(theirs.id);
      const res = await as(ADA)(
        `/campaigns/${theirs.id}/${action}`,
        action === 'start' ? undefined : { reason: 'x' },
      );
      expect(res.status).toBe(403);
      expect(res.body.error.message).toBe(
        `not allowed: permission ${datasetMigrationCampaignManagePermission.name} on campaign ${theirs.id} was denied`,
      );
      expect(
        audits.filter(a => a.eventId === `campaign-${action}`).at(-1),
      ).toMatchObject({ outcome: 'failed', meta: { campaignId: theirs.id } });
      expect(await snapshot(theirs.id)).toEqual(before);
    };

    await refused('start');
    expect((await as(ADMIN)(`/campaigns/${theirs.id}/start`)).status).toBe(200);
    await refused('pause');
    await refused('abort');
    expect(
      (await as(ADMIN)(`/campaigns/${theirs.id}/pause`, { reason: 'wait' }))
        .status,
    ).toBe(200);
    await refused('resume');
    await refused('abort');
    expect(
      (await knex('campaigns').where({ id: theirs.id }).first()).state,
    ).toBe('paused');
  });

  it('answers 404 to a campaign manager acting on a campaign that does not exist, as to an admin, audited; 403 to one who may not read campaigns', async () => {
    const missing = '00000000-0000-4000-8000-000000000000';
    const outsider = await as(OUTSIDER)(`/campaigns/${missing}/pause`, {
      reason: 'x',
    });
    expect(outsider.status).toBe(403);
    expect(outsider.body.error.message).toContain(
      datasetMigrationCampaignManagePermission.name,
    );
    for (const who of [ADA, ADMIN]) {
      const res = await as(who)(`/campaigns/${missing}/pause`, {
        reason: 'x',
      });
      expect(res.status).toBe(404);
      expect(res.body.error.message).toBe(`campaign ${missing} was not found`);
      expect(
        audits.filter(a => a.eventId === 'campaign-pause').at(-1),
      ).toMatchObject({ outcome: 'failed', meta: { campaignId: missing } });
    }
  });

  it('lets a campaign manager start, pause, resume and abort a campaign of their own team', async () => {
    planning.waves = [[ref('b')]];
    // Owner refs compare as at create: without case.
    const mine = await created(
      ADA,
      'ada-campaign',
      'group:default/Data-Platform',
    );
    const path = (action: string) => `/campaigns/${mine.id}/${action}`;
    const start = await as(ADA)(path('start'));
    expect(start.status).toBe(200);
    expect(start.body.campaign.state).toBe('running');
    const pause = await as(ADA)(path('pause'), { reason: 'wait' });
    expect(pause.status).toBe(200);
    expect(pause.body.campaign.state).toBe('paused');
    const resume = await as(ADA)(path('resume'), {});
    expect(resume.status).toBe(200);
    expect(resume.body.campaign.state).toBe('running');
    // Her rights are the starter's (her own): the resume took none away.
    expect(
      audits.filter(a => a.eventId === 'campaign-resume').at(-1),
    ).toMatchObject({
      outcome: 'succeeded',
      meta: { narrowed: { start: [], approve: [], contract: [] } },
    });
    const abort = await as(ADA)(path('abort'), { reason: 'done' });
    expect(abort.status).toBe(200);
    expect(abort.body.campaign.state).toBe('aborted');
  });

  it('refuses a resume by one who may manage the campaign but not request a migration of a dataset it has not started: 403 naming the permission and dataset, still paused', async () => {
    planning.waves = [[ref('c1')], [ref('c2'), ref('c3')]];
    const theirs = await created(ADA, 'team-campaign', DATA_PLATFORM);
    const path = (action: string) => `/campaigns/${theirs.id}/${action}`;
    expect((await as(ADA)(path('start'))).status).toBe(200);
    expect((await as(ADA)(path('pause'), { reason: 'wait' })).status).toBe(200);
    // c1 is started already: what resuming lets start is c2 and c3.
    await knex('campaign_datasets')
      .where({ campaign_id: theirs.id, entity_ref: ref('c1') })
      .update({ state: 'migrated' });
    requestDenied.add(`${BOB} ${ref('c1')}`);
    requestDenied.add(`${BOB} ${ref('c2')}`);
    try {
      const before = await snapshot(theirs.id);
      const refused = await as(BOB)(path('resume'), {});
      expect(refused.status).toBe(403);
      expect(refused.body.error.message).toBe(
        `not allowed: permission ${
          datasetMigrationRequestPermission.name
        } on ${ref('c2')} was denied`,
      );
      expect(
        audits.filter(a => a.eventId === 'campaign-resume').at(-1),
      ).toMatchObject({ outcome: 'failed', meta: { campaignId: theirs.id } });
      expect(await snapshot(theirs.id)).toEqual(before);
      expect(before.campaign.state).toBe('paused');

      requestDenied.delete(`${BOB} ${ref('c2')}`);
      const resumed = await as(BOB)(path('resume'), {});
      expect(resumed.status).toBe(200);
      expect(resumed.body.campaign.state).toBe('running');
    } finally {
      requestDenied.clear();
    }
  });
});
