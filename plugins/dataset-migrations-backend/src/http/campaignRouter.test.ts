import express from 'express';
import type { Knex } from 'knex';
import request from 'supertest';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockErrorHandler,
  mockServices,
} from '@backstage/backend-test-utils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  datasetMigrationCampaignCreatePermission,
  datasetMigrationCampaignManagePermission,
  datasetMigrationCampaignReadPermission,
  datasetMigrationRequestPermission,
  datasetMigrationStartPermission,
  type Campaign,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { newMigration } from '../__testUtils__/fixtures';
import { recordingAuditor } from '../__testUtils__/recordingAuditor';
import { CampaignService } from '../campaigns/CampaignService';
import {
  campaignDocument,
  fixedPlanning,
} from '../campaigns/__testUtils__/campaignPlans';
import { usersInGroups } from '../campaigns/__testUtils__/userInfo';
import { DatabaseCampaignStore } from '../database/DatabaseCampaignStore';
import { DatabaseMigrationStore } from '../database/DatabaseMigrationStore';
import { JobQueue } from '../queue/JobQueue';
import type { ConsumerPullRequests } from '../services/ConsumerPullRequests';
import type { ConsumerService } from '../services/ConsumerService';
import type { MigrationService } from '../services/MigrationService';
import { RequestGuard } from './RequestGuard';
import { createRouter } from './router';

const WORKER_SCHEMA = 'campaign_routes_worker';
const ADMIN = 'user:default/admin';
/** Reads and plans, nothing more. */
const READER = 'user:default/reader';
/** Manages campaigns and requests migrations, but may not start them himself. */
const NO_START = 'user:default/no-start';
/** Manages campaigns, but may not request a migration of dataset `c`. */
const LIMITED = 'user:default/limited';
/** Holds nothing. */
const STRANGER = 'user:default/stranger';
/** Creates campaigns, in group:default/data only (not in podcasts). */
const ADA = 'user:default/ada';

const ref = (name: string) => `resource:default/${name}`;
const CAMPAIGN = [
  datasetMigrationCampaignReadPermission.name,
  datasetMigrationCampaignCreatePermission.name,
  datasetMigrationCampaignManagePermission.name,
];

function decide(
  permission: string,
  resourceRef: string | undefined,
  credentials: BackstageCredentials,
) {
  const user = (credentials.principal as { userEntityRef?: string })
    .userEntityRef;
  const allowed =
    user === ADMIN ||
    user === ADA ||
    (user === READER &&
      permission === datasetMigrationCampaignReadPermission.name) ||
    (user === NO_START &&
      permission !== datasetMigrationStartPermission.name) ||
    (user === LIMITED &&
      !(
        permission === datasetMigrationRequestPermission.name &&
        resourceRef === ref('c')
      ));
  return allowed && (CAMPAIGN.includes(permission) || user !== READER)
    ? AuthorizeResult.ALLOW
    : AuthorizeResult.DENY;
}

/** The campaign routes as the plugin mounts them, on a real Postgres; planning fixed per test. */
describe('campaign routes', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let store: DatabaseMigrationStore;
  let queue: JobQueue;
  let app: express.Express;
  const planning = fixedPlanning([[ref('a')], [ref('b'), ref('c')]]);
  const { auditor, events: audits } = recordingAuditor();

  beforeAll(async () => {
    knex = await init();
    store = await DatabaseMigrationStore.create({
      database: mockServices.database({ knex }),
    });
    queue = new JobQueue({
      knex,
      schema: WORKER_SCHEMA,
      logger: mockServices.logger.mock(),
    });
    await queue.migrate();
    const guard = new RequestGuard({
      permissions: mockServices.permissions.mock({
        authorize: async (requests, options) =>
          requests.map(r => ({
            result: decide(
              r.permission.name,
              (r as { resourceRef?: string }).resourceRef,
              options.credentials,
            ),
          })),
      }),
      auditor,
      toMigrationFilter: () => {
        throw new Error('no run lists here');
      },
    });
    app = express().use(
      createRouter({
        service: {} as MigrationService,
        consumers: {} as ConsumerService,
        pullRequests: {} as ConsumerPullRequests,
        httpAuth: mockServices.httpAuth(),
        guard,
        campaigns: new CampaignService({
          campaigns: new DatabaseCampaignStore(knex),
          planning,
          permissions: guard,
          // Everyone is in data, the owner of campaignDocument(); ada only in it.
          userInfo: usersInGroups(() => ['group:default/data']),
          queue,
        }),
      }),
    );
    app.use(mockErrorHandler());
  });

  afterAll(async () => {
    await queue.stop();
  });

  beforeEach(() => {
    planning.waves = [[ref('a')], [ref('b'), ref('c')]];
  });

  const as = (user: string) => {
    const auth = mockCredentials.user.header(user);
    return {
      post: (path: string, body?: object | string, type?: string) => {
        const req = request(app).post(path).set('Authorization', auth);
        if (type) req.set('Content-Type', type);
        return body === undefined ? req : req.send(body);
      },
      get: (path: string) => request(app).get(path).set('Authorization', auth),
    };
  };
  const campaignCount = async () =>
    Number((await knex('campaigns').count<{ count: string }[]>('*'))[0].count);
  const lastAudit = (eventId: string) =>
    audits.filter(a => a.eventId === eventId).at(-1);

  /** Aborts every campaign left active, so the next test's datasets are free. */
  afterEach(async () => {
    await knex('campaigns')
      .whereIn('state', ['draft', 'running', 'paused'])
      .update({ state: 'aborted' });
  });

  it('plans for readers and creates a draft for creators, with its datasets in plan order and an audit event', async () => {
    const planned = await as(READER).post(
      '/campaigns/plan',
      campaignDocument({ name: 'planned' }),
    );
    expect(planned.status).toBe(200);
    expect(planned.body.plan.waves).toHaveLength(2);
    expect(await campaignCount()).toBe(0);

    const created = await as(ADMIN).post(
      '/campaigns',
      campaignDocument({ name: 'first' }),
    );
    expect(created.status).toBe(201);
    const campaign: Campaign = created.body.campaign;
    expect(campaign).toMatchObject({
      name: 'first',
      state: 'draft',
      createdBy: ADMIN,
      counts: { datasets: 3, done: 0, failed: 0, rolledBack: 0 },
    });
    expect(
      campaign.datasets.map(d => [d.entityRef, d.wave, d.position, d.state]),
    ).toEqual([
      [ref('a'), 0, 0, 'pending'],
      [ref('b'), 1, 1, 'pending'],
      [ref('c'), 1, 2, 'pending'],
    ]);
    expect(campaign.burndown).toEqual([
      expect.objectContaining({
        datasetsOutstanding: 3,
        consumersOutstanding: 3,
      }),
    ]);
    expect(lastAudit('campaign-create')).toMatchObject({
      severityLevel: 'medium',
      outcome: 'succeeded',
      meta: { name: 'first', campaignId: campaign.id, datasets: 3 },
    });

    const listed = await as(READER).get('/campaigns');
    expect(listed.body.items.map((c: { name: string }) => c.name)).toContain(
      'first',
    );
    const read = await as(READER).get(`/campaigns/${campaign.id}`);
    expect(read.status).toBe(200);
    expect(read.body.campaign.id).toBe(campaign.id);
  });

  it('shows what is stuck in detail only to who may read its entity in the catalog', async () => {
    const created = await as(ADMIN).post(
      '/campaigns',
      campaignDocument({ name: 'stuck-detail' }),
    );
    const id = created.body.campaign.id;
    await knex('campaign_datasets')
      .where({ campaign_id: id, entity_ref: ref('a') })
      .update({
        state: 'failed',
        reason: 'consumer checks failed: report.sql reads salary',
        finished_at: new Date(),
      });
    const stuckAs = async (user: string) =>
      (await as(user).get(`/campaigns/${id}`)).body.campaign.stuck.map(
        (s: { entityRef: string; detail: string }) => [s.entityRef, s.detail],
      );
    expect(await stuckAs(ADMIN)).toEqual([
      [ref('a'), 'consumer checks failed: report.sql reads salary'],
    ]);
    // The reader may read campaigns, not that entity.
    expect(await stuckAs(READER)).toEqual([
      [ref('a'), `hidden: you may not read ${ref('a')}`],
    ]);
  });

  it('accepts a YAML document, and names what is wrong with one that is not', async () => {
    const yaml = `name: from-yaml
title: From YAML
owner: group:default/data
deadline: 2027-06-30
selector: { tags: [finance] }
changes:
  - changeType: { field: amount, type: integer }
`;
    const created = await as(ADMIN).post(
      '/campaigns',
      yaml,
      'application/yaml',
    );
    expect(created.status).toBe(201);
    expect(created.body.campaign.name).toBe('from-yaml');

    const broken = await as(ADMIN).post(
      '/campaigns',
      'name: [unclosed',
      'application/yaml',
    );
    expect(broken.status).toBe(400);
    expect(broken.body.error.message).toMatch(
      /^Invalid campaign: not valid YAML: /,
    );
    // Refused inside the create event, as every other 400 is.
    expect(lastAudit('campaign-create')).toMatchObject({
      outcome: 'failed',
      error: expect.objectContaining({
        message: expect.stringMatching(/^Invalid campaign: not valid YAML: /),
      }),
    });
  });

  it('refuses hostile bodies with a 400 naming each problem, and writes nothing', async () => {
    const before = await campaignCount();
    const cases: Array<[object | string, RegExp]> = [
      [
        campaignDocument({ name: "x'; DROP TABLE campaigns; --" }),
        /^Invalid campaign: name: must be lower-case letters/,
      ],
      [
        { ...campaignDocument(), name: 5 },
        /name: Expected string, received number/,
      ],
      [
        { ...campaignDocument(), rollout: { concurrency: 'all' } },
        /rollout\.concurrency: Expected number/,
      ],
      [
        { ...campaignDocument(), sneaky: true },
        /Unrecognized key\(s\) in object: 'sneaky'/,
      ],
      [[1, 2, 3], /Invalid campaign: .*Expected object, received array/],
    ];
    for (const [body, problem] of cases) {
      const response = await as(ADMIN).post('/campaigns', body);
      expect(response.status).toBe(400);
      expect(response.body.error.message).toMatch(problem);
    }
    const huge = await as(ADMIN).post('/campaigns', {
      ...campaignDocument({ name: 'huge' }),
      description: 'x'.repeat(2_000_000),
    });
    expect(huge.status).toBe(413);
    expect(await campaignCount()).toBe(before);

    // Ids and reasons in the path and body are checked too.
    const badId = await as(ADMIN).get('/campaigns/not-a-uuid');
    expect(badId.status).toBe(400);
    expect(badId.body.error.message).toBe(
      'Invalid campaign id: must be a campaign id',
    );
    const missing = await as(ADMIN).get(
      '/campaigns/6f0a1f3e-5b7c-4d7e-9a51-2a7f0d6b9c11',
    );
    expect(missing.status).toBe(404);
  });

  it('refuses a lone UTF-16 surrogate or a NUL in any text a campaign stores with a 400 naming the field, and writes nothing', async () => {
    const LONE = 'x \ud800';
    const NAMED = 'must not contain a lone UTF-16 surrogate';
    const before = await campaignCount();
    const freeze = { from: '2027-01-01', to: '2027-01-02' };
    const cases: Array<[object, string]> = [
      [campaignDocument({ title: LONE }), `title: ${NAMED}`],
      [campaignDocument({ description: LONE }), `description: ${NAMED}`],
      [
        campaignDocument({ selector: { tags: ['\udc00'] } }),
        `selector.tags[0]: ${NAMED}`,
      ],
      [
        campaignDocument({
          rollout: { freezes: [{ ...freeze, reason: LONE }] },
        }),
        `rollout.freezes[0].reason: ${NAMED}`,
      ],
      // Date.parse reads a parenthesised comment after a date: it is text too.
      [
        campaignDocument({ deadline: `2027-06-30 (${LONE})` }),
        `deadline: ${NAMED}`,
      ],
      [
        campaignDocument({ deadline: '2027-06-30 (\u0000)' }),
        'deadline: must not contain a NUL character',
      ],
    ];
    for (const [body, problem] of cases) {
      const response = await as(ADMIN).post('/campaigns', body);
      expect(response.status).toBe(400);
      expect(response.body.error.message).toContain(problem);
    }
    expect(await campaignCount()).toBe(before);

    const draft: Campaign = (
      await as(ADMIN).post('/campaigns', campaignDocument({ name: 'texts' }))
    ).body.campaign;
    const path = (action: string) => `/campaigns/${draft.id}/${action}`;
    expect((await as(ADMIN).post(path('start'))).status).toBe(200);
    for (const [action, body, problem] of [
      ['pause', { reason: LONE }, `reason: ${NAMED}`],
      ['abort', { reason: LONE }, `reason: ${NAMED}`],
    ] as const) {
      const response = await as(ADMIN).post(path(action), body);
      expect(response.status).toBe(400);
      expect(response.body.error.message).toContain(problem);
    }
    expect(
      (await as(ADMIN).get(`/campaigns/${draft.id}`)).body.campaign,
    ).toMatchObject({ state: 'running' });
  });

  it('counts a rolled-back dataset apart from a failed one in the list and on the campaign, as its page tells them apart', async () => {
    const draft: Campaign = (
      await as(ADMIN).post('/campaigns', campaignDocument({ name: 'ends' }))
    ).body.campaign;
    // The outcomes a campaign's looks record: a, failed; b, rolled back.
    for (const [name, state] of [
      ['a', 'failed'],
      ['b', 'rolled-back'],
    ])
      await knex('campaign_datasets')
        .where({ campaign_id: draft.id, entity_ref: ref(name) })
        .update({ state });
    const ends = { datasets: 3, done: 0, failed: 1, rolledBack: 1 };
    const listed = await as(READER).get('/campaigns');
    expect(listed.status).toBe(200);
    expect(
      listed.body.items.find((c: Campaign) => c.id === draft.id).counts,
    ).toEqual(ends);
    const read = await as(READER).get(`/campaigns/${draft.id}`);
    expect(read.body.campaign.counts).toEqual(ends);
    expect(
      read.body.campaign.datasets.map((d: { state: string }) => d.state),
    ).toEqual(['failed', 'rolled-back', 'pending']);
    // And each wave's, which the page shows beside the campaign's (seen in the
    // browser: "0/2 · 2 failed" under "1 failed · 1 rolled back").
    const waves = read.body.campaign.waves as {
      index: number;
      failed: number;
      rolledBack: number;
    }[];
    const sum = (key: 'failed' | 'rolledBack') =>
      waves.reduce((n, w) => n + w[key], 0);
    expect([sum('failed'), sum('rolledBack')]).toEqual([1, 1]);
  });

  it('refuses a deadline already past with a 400 naming the field, at review and at create, and stores nothing', async () => {
    const before = await campaignCount();
    // A minute ago, and a day (a date alone is its first instant, UTC).
    const minuteAgo = new Date(Date.now() - 60_000).toISOString();
    const yesterday = new Date(Date.now() - 86_400_000)
      .toISOString()
      .slice(0, 10);
    for (const deadline of [minuteAgo, yesterday, '2020-01-01']) {
      const body = campaignDocument({ name: 'past-deadline', deadline });
      for (const path of ['/campaigns/plan', '/campaigns']) {
        const response = await as(ADMIN).post(path, body);
        expect(response.status).toBe(400);
        expect(response.body.error.message).toContain(
          `Invalid campaign: deadline: ${deadline} has already passed (it is `,
        );
      }
    }
    expect(await campaignCount()).toBe(before);
    expect(lastAudit('campaign-create')).toMatchObject({
      outcome: 'failed',
      meta: { name: 'past-deadline' },
    });
    // An hour on is accepted.
    const soon = new Date(Date.now() + 3_600_000).toISOString();
    const created = await as(ADMIN).post(
      '/campaigns',
      campaignDocument({ name: 'deadline-soon', deadline: soon }),
    );
    expect(created.status).toBe(201);
    expect(created.body.campaign.deadline).toBe(soon);
  });

  it('refuses callers without the campaign permissions with a 403, audited, and changes nothing', async () => {
    const before = await campaignCount();
    const denied = await as(READER).post(
      '/campaigns',
      campaignDocument({ name: 'denied' }),
    );
    expect(denied.status).toBe(403);
    expect(denied.body.error.message).toContain(
      datasetMigrationCampaignCreatePermission.name,
    );
    // At medium: Backstage logs low at debug, so a refusal at low left no line.
    expect(lastAudit('campaign-create')).toMatchObject({
      outcome: 'failed',
      severityLevel: 'medium',
    });
    expect(await campaignCount()).toBe(before);
    expect((await as(STRANGER).get('/campaigns')).status).toBe(403);
    expect(
      (await as(STRANGER).post('/campaigns/plan', campaignDocument())).status,
    ).toBe(403);

    const draft: Campaign = (
      await as(ADMIN).post('/campaigns', campaignDocument({ name: 'guarded' }))
    ).body.campaign;
    for (const action of ['start', 'pause', 'resume', 'abort']) {
      const response = await as(READER).post(
        `/campaigns/${draft.id}/${action}`,
        { reason: 'because' },
      );
      expect(response.status).toBe(403);
      expect(lastAudit(`campaign-${action}`)).toMatchObject({
        outcome: 'failed',
        meta: { campaignId: draft.id },
      });
    }
    expect(
      (await as(ADMIN).get(`/campaigns/${draft.id}`)).body.campaign.state,
    ).toBe('draft');

    // A malformed id is a refusal like any other: audited, at medium.
    for (const action of ['start', 'pause', 'resume', 'abort']) {
      const response = await as(ADMIN).post(`/campaigns/not-an-id/${action}`, {
        reason: 'because',
      });
      expect(response.status).toBe(400);
      expect(response.body.error.message).toBe(
        'Invalid campaign id: must be a campaign id',
      );
      expect(lastAudit(`campaign-${action}`)).toMatchObject({
        outcome: 'failed',
        severityLevel: 'medium',
        meta: { campaignId: 'not-an-id' },
      });
    }
  });

  it('refuses an owner that is not the creator nor a group of theirs with a 403 naming it, audited, storing nothing; admins included', async () => {
    const before = await campaignCount();
    for (const [user, owner] of [
      [ADA, 'group:default/podcasts'],
      [ADA, 'podcasts'],
      [ADA, ADMIN],
      // No exception for who may do everything: to name a team, be in it.
      [ADMIN, 'group:default/podcasts'],
    ]) {
      const refused = await as(user).post(
        '/campaigns',
        campaignDocument({ name: 'not-ours', owner }),
      );
      expect(refused.status).toBe(403);
      expect(refused.body.error).toMatchObject({
        name: 'NotAllowedError',
        message: `not allowed: campaign owner ${owner} is not you or a group you are in; name yourself or one of your groups`,
      });
      expect(lastAudit('campaign-create')).toMatchObject({
        outcome: 'failed',
        meta: { name: 'not-ours' },
      });
    }
    expect(await campaignCount()).toBe(before);
    expect(await knex('campaigns').where({ name: 'not-ours' })).toEqual([]);
  });

  it('creates a campaign owned by the creator or one of their groups, refs compared without case', async () => {
    for (const [name, owner] of [
      ['ours', 'group:default/data'],
      ['ours-bare', 'data'],
      ['ours-cased', 'Group:Default/DATA'],
      ['mine', ADA],
      ['mine-cased', 'user:default/Ada'],
    ]) {
      const created = await as(ADA).post(
        '/campaigns',
        campaignDocument({ name, owner }),
      );
      expect(created.status).toBe(201);
      expect(created.body.campaign).toMatchObject({
        name,
        createdBy: ADA,
        document: { owner },
      });
      // Its datasets free for the next one.
      await knex('campaigns')
        .where({ id: created.body.campaign.id })
        .update({ state: 'aborted' });
    }
  });

  it('refuses a taken name and busy datasets with a 409 naming them', async () => {
    expect(
      (await as(ADMIN).post('/campaigns', campaignDocument({ name: 'taken' })))
        .status,
    ).toBe(201);
    // The first campaign still holds a, b and c: another one may not take them.
    const inCampaign = await as(ADMIN).post(
      '/campaigns',
      campaignDocument({ name: 'second' }),
    );
    expect(inCampaign.status).toBe(409);
    expect(inCampaign.body.error.message).toContain(
      `dataset ${ref('a')} is in campaign taken (draft)`,
    );
    await knex('campaigns')
      .where({ name: 'taken' })
      .update({ state: 'aborted' });

    const again = await as(ADMIN).post(
      '/campaigns',
      campaignDocument({ name: 'taken' }),
    );
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe(
      'a campaign named taken already exists',
    );

    const active = newMigration({ entityRef: ref('c') });
    await store.createMigration(active, async () => {});
    const busy = await as(ADMIN).post(
      '/campaigns',
      campaignDocument({ name: 'busy' }),
    );
    expect(busy.status).toBe(409);
    expect(busy.body.error.message).toBe(
      `a dataset is busy: dataset ${ref('c')} is busy with migration ${
        active.id
      } (queued)`,
    );
    await store.requestCancel(active.id);
  });

  it('starts a draft with a fresh plan, checks the request permission on every dataset, records the starter and queues the first look', async () => {
    const draft: Campaign = (
      await as(ADMIN).post('/campaigns', campaignDocument({ name: 'to-start' }))
    ).body.campaign;

    const limited = await as(LIMITED).post(`/campaigns/${draft.id}/start`);
    expect(limited.status).toBe(403);
    expect(limited.body.error.message).toBe(
      `not allowed: permission ${
        datasetMigrationRequestPermission.name
      } on ${ref('c')} was denied`,
    );
    expect(
      (await as(ADMIN).get(`/campaigns/${draft.id}`)).body.campaign.state,
    ).toBe('draft');

    // The selection changed since the draft: d joined, c left.
    planning.waves = [[ref('a')], [ref('b'), ref('d')]];
    const callsBefore = planning.calls.length;
    const started = await as(NO_START).post(`/campaigns/${draft.id}/start`);
    expect(started.status).toBe(200);
    expect(planning.calls.slice(callsBefore)).toEqual([
      expect.objectContaining({
        principal: expect.objectContaining({ userEntityRef: NO_START }),
      }),
    ]);
    const campaign: Campaign = started.body.campaign;
    expect(campaign.state).toBe('running');
    expect(campaign.datasets.map(d => d.entityRef)).toEqual([
      ref('a'),
      ref('b'),
      ref('d'),
    ]);
    const row = await knex('campaigns').where({ id: draft.id }).first();
    expect(row.started_by).toBe(NO_START);
    expect(row.plan.waves[1].datasets[1].entityRef).toBe(ref('d'));
    const mayStart = await knex('campaign_datasets')
      .where({ campaign_id: draft.id })
      .pluck('starter_may_start');
    expect(mayStart).toEqual([false, false, false]);
    const { rows: jobs } = await knex.raw(
      `SELECT task_identifier FROM ${WORKER_SCHEMA}.jobs WHERE key = ?`,
      [`campaign:${draft.id}`],
    );
    expect(jobs).toEqual([
      { task_identifier: 'dataset-migrations.advance-campaign' },
    ]);
    expect(lastAudit('campaign-start')).toMatchObject({
      severityLevel: 'medium',
      outcome: 'succeeded',
      meta: { campaignId: draft.id, name: 'to-start', state: 'running' },
    });

    const twice = await as(ADMIN).post(`/campaigns/${draft.id}/start`);
    expect(twice.status).toBe(409);
    expect(twice.body.error.message).toBe(
      'campaign to-start is running; only a draft can be started',
    );
  });

  it('refuses a start whose matched datasets are all busy with a 409 naming them; one matching nothing, or leaving any out for another reason, stays a 400', async () => {
    const draft: Campaign = (
      await as(ADMIN).post('/campaigns', campaignDocument({ name: 'all-busy' }))
    ).body.campaign;
    // Planned again at start: what it leaves out then, no dataset left.
    const plan = planning.plan.bind(planning);
    const leaving = (skipped: Array<{ entityRef: string; reason: string }>) =>
      jest
        .spyOn(planning, 'plan')
        .mockImplementationOnce(async (body, who) => ({
          ...(await plan(body, who)),
          waves: [],
          skipped,
        }));
    const busy = {
      entityRef: ref('a'),
      reason: 'busy with migration m-a (queued, to version 2)',
    };
    const waiting = {
      entityRef: ref('b'),
      reason: `dataset ${ref(
        'b',
      )} waits for its migration to version 2 (m-b) to be contracted: until then its name serves version 1 (x) to readers nobody may have discovered`,
    };
    const start = () => as(ADMIN).post(`/campaigns/${draft.id}/start`);

    leaving([busy, waiting]);
    const refused = await start();
    expect(refused.status).toBe(409);
    expect(refused.body.error.message).toBe(
      `campaign all-busy: every dataset it matches has a migration under way: ${ref(
        'a',
      )} (${busy.reason}), ${ref('b')} (${
        waiting.reason
      }); try again once they finish`,
    );

    leaving([busy, { entityRef: ref('c'), reason: 'not in the catalog' }]);
    expect((await start()).status).toBe(400);
    leaving([]);
    const none = await start();
    expect(none.status).toBe(400);
    expect(none.body.error.message).toBe(
      'Invalid campaign: selector: matches no dataset that can be migrated',
    );
    expect(
      (await as(ADMIN).get(`/campaigns/${draft.id}`)).body.campaign.state,
    ).toBe('draft');
  });

  it('refuses to start a draft whose deadline passed after it was created with a 409 naming the deadline and the way on, audited, changing nothing', async () => {
    const soon = new Date(Date.now() + 3_600_000).toISOString();
    const draft: Campaign = (
      await as(ADMIN).post(
        '/campaigns',
        campaignDocument({ name: 'late-start', deadline: soon }),
      )
    ).body.campaign;
    // The hour went by while it stayed a draft.
    const past = new Date(Date.now() - 60_000).toISOString();
    await knex('campaigns')
      .where({ id: draft.id })
      .update({
        deadline: new Date(past),
        document: knex.raw(`jsonb_set(document::jsonb, '{deadline}', ?)`, [
          JSON.stringify(past),
        ]),
      });

    // One who may not request all its migrations is refused for that first.
    const limited = await as(LIMITED).post(`/campaigns/${draft.id}/start`);
    expect(limited.status).toBe(403);
    expect(limited.body.error.message).not.toMatch(/deadline/);

    const response = await as(ADMIN).post(`/campaigns/${draft.id}/start`);
    expect(response.status).toBe(409);
    expect(response.body.error.message).toMatch(
      new RegExp(
        `^campaign late-start cannot be started: its deadline ${past.replace(
          /\./g,
          '\\.',
        )} has passed \\(it is [^)]+\\), and a draft's document cannot be changed: abort this draft and create the campaign again with a later deadline$`,
      ),
    );
    expect(lastAudit('campaign-start')).toMatchObject({
      outcome: 'failed',
      meta: { campaignId: draft.id },
    });
    const row = await knex('campaigns').where({ id: draft.id }).first();
    expect([row.state, row.started_by]).toEqual(['draft', null]);
    const { rows: jobs } = await knex.raw(
      `SELECT 1 FROM ${WORKER_SCHEMA}.jobs WHERE key = ?`,
      [`campaign:${draft.id}`],
    );
    expect(jobs).toEqual([]);
    // The way on it names: the draft can be aborted.
    const aborted = await as(ADMIN).post(`/campaigns/${draft.id}/abort`, {
      reason: 'its deadline passed',
    });
    expect(aborted.status).toBe(200);
  });

  it('refuses an action body with a key the action does not know, or that it would not read, with a 400 naming it, audited, changing nothing', async () => {
    const draft: Campaign = (
      await as(ADMIN).post('/campaigns', campaignDocument({ name: 'strict' }))
    ).body.campaign;
    const path = (action: string) => `/campaigns/${draft.id}/${action}`;
    const state = async () =>
      (await as(ADMIN).get(`/campaigns/${draft.id}`)).body.campaign.state;

    const start = await as(ADMIN).post(path('start'), { force: true });
    expect(start.status).toBe(400);
    expect(start.body.error.message).toBe(
      "Invalid start request: Unrecognized key(s) in object: 'force'",
    );
    expect(lastAudit('campaign-start')).toMatchObject({
      outcome: 'failed',
      meta: { campaignId: draft.id },
    });
    expect(await state()).toBe('draft');

    expect((await as(ADMIN).post(path('start'))).status).toBe(200);
    for (const [action, body] of [
      ['pause', { reason: 'wait', resason: 'typo' }],
      ['abort', { reason: 'done', force: true }],
    ] as const) {
      const refused = await as(ADMIN).post(path(action), body);
      expect(refused.status).toBe(400);
      expect(refused.body.error.message).toContain(
        `Unrecognized key(s) in object: '${Object.keys(body)[1]}'`,
      );
      expect(lastAudit(`campaign-${action}`)).toMatchObject({
        outcome: 'failed',
      });
      // The same body as text is not read: refused, not run without it.
      const unread = await as(ADMIN).post(
        path(action),
        JSON.stringify({ reason: 'x' }),
        'text/plain',
      );
      expect(unread.status).toBe(400);
      expect(unread.body.error.message).toContain(
        'a body must be JSON (Content-Type: application/json) or YAML',
      );
      expect(lastAudit(`campaign-${action}`)).toMatchObject({
        outcome: 'failed',
      });
    }
    expect(await state()).toBe('running');
  });

  it('refuses a resume whose failedSeen names no failure of the campaign, naming the refs, audited without them, changing nothing', async () => {
    const draft: Campaign = (
      await as(ADMIN).post('/campaigns', campaignDocument({ name: 'seen' }))
    ).body.campaign;
    const path = (action: string) => `/campaigns/${draft.id}/${action}`;
    expect((await as(ADMIN).post(path('start'))).status).toBe(200);
    await knex('campaign_datasets')
      .where({ campaign_id: draft.id, entity_ref: ref('a') })
      .update({ state: 'failed', reason: 'migration x failed' });
    // As the failure policy pauses it.
    await knex('campaigns')
      .where({ id: draft.id })
      .update({ state: 'paused', paused_by_runner: true });
    const stranger = 'resource:default/not-in-it';
    for (const [body, status, problem] of [
      [
        { failedSeen: [ref('a'), stranger] },
        400,
        `Invalid resume request: failedSeen: ${stranger} is not a dataset of campaign seen`,
      ],
      [
        { failedSeen: [ref('a'), ref('a')] },
        400,
        `Invalid resume request: failedSeen: ${ref(
          'a',
        )} is named more than once`,
      ],
      [
        { failedSeen: [ref('a'), ref('b')] },
        409,
        `campaign seen: failedSeen names a dataset that has not failed (${ref(
          'b',
        )} is pending); look at the campaign again and resume`,
      ],
    ] as const) {
      const refused = await as(ADMIN).post(path('resume'), body);
      expect(refused.status).toBe(status);
      expect(refused.body.error.message).toBe(problem);
      const audit = lastAudit('campaign-resume');
      expect(audit).toMatchObject({ outcome: 'failed' });
      expect(audit!.meta).not.toHaveProperty('failedSeen');
    }
    expect(
      (await as(ADMIN).get(`/campaigns/${draft.id}`)).body.campaign.state,
    ).toBe('paused');
    // The page's failures, as it showed them: resumed, recorded as sent.
    expect(
      (await as(ADMIN).post(path('resume'), { failedSeen: [ref('a')] })).status,
    ).toBe(200);
    expect(lastAudit('campaign-resume')).toMatchObject({
      outcome: 'succeeded',
      meta: {
        afterAutomaticPause: true,
        failedSeen: [ref('a')],
        failedSeenCount: 1,
      },
    });
  });

  it('pauses with a reason, resumes (medium when the policy had paused it) and aborts, each refused with a 409 naming the state when it does not apply', async () => {
    const draft: Campaign = (
      await as(ADMIN).post(
        '/campaigns',
        campaignDocument({ name: 'lifecycle' }),
      )
    ).body.campaign;
    const path = (action: string) => `/campaigns/${draft.id}/${action}`;

    const early = await as(ADMIN).post(path('pause'), { reason: 'wait' });
    expect(early.status).toBe(409);
    expect(early.body.error.message).toBe(
      'campaign lifecycle is draft; only a running campaign can be paused',
    );
    expect((await as(ADMIN).post(path('start'))).status).toBe(200);

    for (const [body, problem] of [
      [{}, 'Invalid pause request: reason: Required'],
      [
        { reason: 42 },
        'Invalid pause request: reason: Expected string, received number',
      ],
      [{ reason: '   ' }, 'Invalid pause request: reason: is required'],
    ] as const) {
      const response = await as(ADMIN).post(path('pause'), body);
      expect(response.status).toBe(400);
      expect(response.body.error.message).toBe(problem);
    }
    const paused = await as(ADMIN).post(path('pause'), {
      reason: 'holiday "freeze"',
    });
    expect(paused.status).toBe(200);
    expect(paused.body.campaign).toMatchObject({
      state: 'paused',
      stateReason: 'holiday "freeze"',
    });
    expect(lastAudit('campaign-pause')).toMatchObject({
      severityLevel: 'medium',
      outcome: 'succeeded',
    });
    expect((await as(ADMIN).post(path('pause'), { reason: 'x' })).status).toBe(
      409,
    );

    for (const [body, problem] of [
      [{ failedSeen: 'all' }, 'failedSeen: Expected array, received string'],
      [{ failedSeen: [42] }, 'failedSeen[0]: Expected string, received number'],
      [
        { failedSeen: [''] },
        'failedSeen[0]: String must contain at least 1 character(s)',
      ],
      [
        { failedSeen: ['x'.repeat(301)] },
        'failedSeen[0]: String must contain at most 300 character(s)',
      ],
      [{ accept: true }, "Unrecognized key(s) in object: 'accept'"],
    ] as const) {
      const response = await as(ADMIN).post(path('resume'), body);
      expect(response.status).toBe(400);
      expect(response.body.error.message).toBe(
        `Invalid resume request: ${problem}`,
      );
    }
    // Refused, changing nothing.
    expect(
      (await as(ADMIN).get(`/campaigns/${draft.id}`)).body.campaign.state,
    ).toBe('paused');
    expect(
      (await as(ADMIN).post(path('resume'), { failedSeen: [] })).status,
    ).toBe(200);
    expect(lastAudit('campaign-resume')).toMatchObject({
      severityLevel: 'medium',
      meta: {
        afterAutomaticPause: false,
        failedSeen: [],
        failedSeenCount: 0,
      },
    });
    // As the failure policy pauses it:
    await knex('campaigns')
      .where({ id: draft.id })
      .update({ state: 'paused', paused_by_runner: true });
    expect((await as(ADMIN).post(path('resume'))).status).toBe(200);
    expect(lastAudit('campaign-resume')).toMatchObject({
      severityLevel: 'high',
      meta: { afterAutomaticPause: true },
    });
    const running = await as(ADMIN).post(path('resume'));
    expect(running.status).toBe(409);
    expect(running.body.error.message).toBe(
      'campaign lifecycle is running; only a paused campaign can be resumed',
    );

    const aborted = await as(ADMIN).post(path('abort'), { reason: 'done' });
    expect(aborted.status).toBe(200);
    expect(aborted.body.campaign.state).toBe('aborted');
    expect(
      aborted.body.campaign.datasets.map((d: { state: string }) => d.state),
    ).toEqual(['skipped', 'skipped', 'skipped']);
    expect(lastAudit('campaign-abort')).toMatchObject({
      severityLevel: 'medium',
      outcome: 'succeeded',
    });
    const again = await as(ADMIN).post(path('abort'), { reason: 'done' });
    expect(again.status).toBe(409);
    expect(again.body.error.message).toBe(
      'campaign lifecycle is aborted; only a draft, running or paused campaign can be aborted',
    );
  });
});
