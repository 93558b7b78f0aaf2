import type { Knex } from 'knex';
import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { NotAllowedError } from '@backstage/errors';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import {
  datasetMigrationApprovePermission,
  datasetMigrationContractPermission,
  datasetMigrationRequestPermission,
  datasetMigrationRollbackPermission,
  datasetMigrationStartPermission,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { DatabaseCampaignStore } from '../database/DatabaseCampaignStore';
import { DatabaseMigrationStore } from '../database/DatabaseMigrationStore';
import { JobQueue } from '../queue/JobQueue';
import { CampaignService } from './CampaignService';
import {
  campaignDocument,
  campaignPlan,
  fixedPlanning,
} from './__testUtils__/campaignPlans';
import { startedCampaign } from './__testUtils__/startedCampaign';
import { usersInGroups } from './__testUtils__/userInfo';
import { newMigration } from '../__testUtils__/fixtures';

const WORKER_SCHEMA = 'campaign_service_worker';
const ref = (name: string) => `resource:default/${name}`;

/**
 * The campaign service on a real Postgres and graphile-worker schema: what it
 * checks when a campaign is created and started.
 */
describe('CampaignService', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let campaigns: DatabaseCampaignStore;
  let migrations: DatabaseMigrationStore;
  let queue: JobQueue;
  let planning: ReturnType<typeof fixedPlanning>;
  /** Per permission name, the datasets it is denied on; changed by each test. */
  const denied = new Map<string, Set<string>>();
  /** The same, for one user only: `${userEntityRef} ${permission name}`. */
  const deniedTo = new Map<string, Set<string>>();
  let service: CampaignService;
  const starter = mockCredentials.user('user:default/starter');
  let now = new Date('2027-03-01T10:00:00Z');

  beforeAll(async () => {
    knex = await init();
    migrations = await DatabaseMigrationStore.create({
      database: mockServices.database({ knex }),
    });
    campaigns = new DatabaseCampaignStore(knex);
    queue = new JobQueue({
      knex,
      schema: WORKER_SCHEMA,
      logger: mockServices.logger.mock(),
    });
    await queue.migrate();
    planning = fixedPlanning([]);
    const isDenied = (
      c: BackstageCredentials,
      p: ResourcePermission<'catalog-entity'>,
      r: string,
    ) =>
      (denied.get(p.name)?.has(r) ||
        deniedTo
          .get(
            `${(c.principal as { userEntityRef?: string }).userEntityRef} ${
              p.name
            }`,
          )
          ?.has(r)) ??
      false;
    service = new CampaignService({
      campaigns,
      planning,
      permissions: {
        assertAllowedOnEntities: async (c, permission, refs) => {
          const refused = refs.filter(r => isDenied(c, permission, r));
          if (refused.length > 0)
            throw new NotAllowedError(
              `permission ${permission.name} denied on ${refused.join(', ')}`,
            );
        },
        allowedEntities: async (c, permission, refs) =>
          new Set(refs.filter(r => !isDenied(c, permission, r))),
      },
      userInfo: usersInGroups(),
      queue,
      clock: { now: () => now },
    });
  }, 60_000);

  afterEach(() => {
    denied.clear();
    deniedTo.clear();
  });

  async function draft(name: string, datasets: string[]) {
    planning.waves = [datasets.map(ref)];
    return service.create(campaignDocument({ name }), starter);
  }

  it("hides a stuck item's detail from who may not read the consumer it is about, though they read its dataset", async () => {
    const id = crypto.randomUUID();
    const plan = campaignPlan(campaignDocument({ name: 'hidden-detail' }), [
      [ref('hidden-a')],
    ]);
    const run = newMigration({
      entityRef: ref('hidden-a'),
      campaign: { id, wave: 0 },
    });
    await startedCampaign(
      { campaigns, migrations },
      { id, plan, by: 'user:default/x', at: now },
      [run],
    );
    await knex('migration_consumers').insert({
      migration_id: run.id,
      entity_ref: 'component:default/payroll',
      state: 'failed',
      failure_kind: 'verification-failed',
      failure_message: 'payroll.sql: salary of ann differs',
      updated_at: now,
    });
    const seen = async () =>
      (await service.readableTo(await service.get(id), starter)).stuck.map(
        s => [s.entityRef, s.consumerRef, s.detail],
      );
    expect(await seen()).toEqual([
      [
        ref('hidden-a'),
        'component:default/payroll',
        'consumer component:default/payroll failed: payroll.sql: salary of ann differs',
      ],
    ]);
    denied.set('catalog.entity.read', new Set(['component:default/payroll']));
    expect(await seen()).toEqual([
      [
        ref('hidden-a'),
        'component:default/payroll',
        'hidden: you may not read component:default/payroll',
      ],
    ]);
  });

  it('shows no count or checksum a consumer failure recorded before copied into what is stuck', async () => {
    const id = crypto.randomUUID();
    const plan = campaignPlan(campaignDocument({ name: 'figures' }), [
      [ref('figures-a')],
    ]);
    const run = newMigration({
      entityRef: ref('figures-a'),
      campaign: { id, wave: 0 },
    });
    await startedCampaign(
      { campaigns, migrations },
      { id, plan, by: 'user:default/x', at: now },
      [run],
    );
    await knex('migration_consumers').insert({
      migration_id: run.id,
      entity_ref: 'component:default/probe',
      state: 'failed',
      failure_kind: 'shadow-mismatch',
      failure_message:
        'probe.sql statement 1: the original returned 1 rows (checksum 5069990028407788545), the rewrite 0 (checksum 0)',
      updated_at: now,
    });
    const { stuck } = await service.get(id);
    expect(stuck.map(s => s.detail)).toEqual([
      'consumer component:default/probe failed: probe.sql statement 1: the original and the rewrite returned different results',
    ]);
  });

  it('lets only one of two campaigns started at once hold a dataset; the other answers 409 naming it', async () => {
    const first = await draft('race-one', ['r1']);
    const second = await draft('race-two', ['r2']);
    // Re-planned at start, both now select r3 (and only it).
    planning.waves = [[ref('r3')]];
    const outcomes = await Promise.allSettled([
      service.start(first.id, starter),
      service.start(second.id, starter),
    ]);
    const won = outcomes.filter(o => o.status === 'fulfilled');
    const lost = outcomes.filter(
      (o): o is PromiseRejectedResult => o.status === 'rejected',
    );
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect(lost[0].reason).toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(`dataset ${ref('r3')} is in campaign`),
    });
    const { rows } = await knex.raw(
      `SELECT c.name, c.state FROM campaign_datasets d
         JOIN campaigns c ON c.id = d.campaign_id
        WHERE d.entity_ref = ?`,
      [ref('r3')],
    );
    expect(rows).toHaveLength(1);
    expect(rows[0].state).toBe('running');
    // The loser is still a draft, holding what it held before.
    const loser = rows[0].name === 'race-one' ? second : first;
    expect((await service.get(loser.id)).state).toBe('draft');
  });

  it('names the datasets left out, and why, when a selector leaves none to migrate', async () => {
    const plan = planning.plan.bind(planning);
    jest.spyOn(planning, 'plan').mockImplementationOnce(async (body, who) => ({
      ...(await plan(body, who)),
      waves: [],
      skipped: [
        {
          entityRef: ref('held'),
          reason: 'already in campaign other-one (draft)',
        },
      ],
    }));
    await expect(
      service.create(campaignDocument({ name: 'none-left' }), starter),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: `Invalid campaign: selector: matches no dataset that can be migrated: ${ref(
        'held',
      )} (already in campaign other-one (draft))`,
    });
  });

  it('lets only one of two drafts created at once hold a dataset', async () => {
    planning.waves = [[ref('c1')]];
    const outcomes = await Promise.allSettled([
      service.create(campaignDocument({ name: 'create-one' }), starter),
      service.create(campaignDocument({ name: 'create-two' }), starter),
    ]);
    expect(outcomes.map(o => o.status).sort()).toEqual([
      'fulfilled',
      'rejected',
    ]);
    const lost = outcomes.find(
      (o): o is PromiseRejectedResult => o.status === 'rejected',
    )!;
    expect(lost.reason.name).toBe('ConflictError');
    expect(lost.reason.message).toContain(ref('c1'));
    const held = await knex('campaign_datasets').where({
      entity_ref: ref('c1'),
    });
    expect(held).toHaveLength(1);
  });

  it('checks the starter’s rights again at start: a right revoked since the plan carries no approval and no start', async () => {
    const created = await draft('revoked', ['v1', 'v2', 'v3']);
    // Revoked after the draft was planned and created.
    denied.set(datasetMigrationApprovePermission.name, new Set([ref('v1')]));
    denied.set(datasetMigrationStartPermission.name, new Set([ref('v2')]));
    await service.start(created.id, starter);
    const rows = await knex('campaign_datasets')
      .where({ campaign_id: created.id })
      .orderBy('entity_ref')
      .select('entity_ref', 'starter_may_start', 'starter_may_approve');
    expect(rows).toEqual([
      {
        entity_ref: ref('v1'),
        starter_may_start: true,
        starter_may_approve: false,
      },
      {
        entity_ref: ref('v2'),
        starter_may_start: false,
        starter_may_approve: true,
      },
      {
        entity_ref: ref('v3'),
        starter_may_start: true,
        starter_may_approve: true,
      },
    ]);
    await service.abort(created.id, { reason: 'end of the test' }, starter);
  });

  it("narrows a resumed campaign's rights to start, approve and contract to those the resumer holds too, on datasets started or not, and keeps the failure policy's rollbacks", async () => {
    const created = await draft('resumed-by-another', ['n1', 'n2', 'n3']);
    await service.start(created.id, starter);
    // n1 migrated before the pause: its contract, asked once the campaign
    // completes, would be asked in the starter's name after the resume.
    await knex('campaign_datasets')
      .where({ campaign_id: created.id, entity_ref: ref('n1') })
      .update({ state: 'migrated' });
    await service.pause(created.id, { reason: 'a look first' }, starter);
    const resumer = mockCredentials.user('user:default/resumer');
    const denyResumer = (permission: { name: string }, names: string[]) =>
      deniedTo.set(
        `${resumer.principal.userEntityRef} ${permission.name}`,
        new Set(names.map(ref)),
      );
    denyResumer(datasetMigrationStartPermission, ['n2']);
    denyResumer(datasetMigrationApprovePermission, ['n3']);
    denyResumer(datasetMigrationContractPermission, ['n1', 'n2']);
    denyResumer(datasetMigrationRollbackPermission, ['n3']);
    const resumed = await service.resume(created.id, undefined, resumer);
    // What the resume took away, for its audit event.
    expect(resumed.narrowed).toEqual({
      start: [ref('n2')],
      approve: [ref('n3')],
      contract: [ref('n1'), ref('n2')],
    });
    const rows = await knex('campaign_datasets')
      .where({ campaign_id: created.id })
      .orderBy('entity_ref')
      .select(
        'entity_ref',
        'starter_may_start',
        'starter_may_approve',
        'starter_may_contract',
        'starter_may_roll_back',
      );
    expect(rows).toEqual([
      {
        entity_ref: ref('n1'),
        starter_may_start: true,
        starter_may_approve: true,
        starter_may_contract: false,
        starter_may_roll_back: true,
      },
      {
        entity_ref: ref('n2'),
        starter_may_start: false,
        starter_may_approve: true,
        starter_may_contract: false,
        starter_may_roll_back: true,
      },
      {
        entity_ref: ref('n3'),
        starter_may_start: true,
        starter_may_approve: false,
        starter_may_contract: true,
        starter_may_roll_back: true,
      },
    ]);
    // A right the starter lacked is not gained from a resumer who holds it.
    await service.pause(created.id, { reason: 'again' }, starter);
    deniedTo.clear();
    await service.resume(created.id, undefined, resumer);
    const after = await knex('campaign_datasets')
      .where({ campaign_id: created.id, entity_ref: ref('n2') })
      .first('starter_may_start', 'starter_may_contract');
    expect(after).toEqual({
      starter_may_start: false,
      starter_may_contract: false,
    });
    await service.abort(created.id, { reason: 'end of the test' }, starter);
  });

  it('refuses to start, changing nothing, when the starter may no longer request a migration of a dataset', async () => {
    const created = await draft('no-request', ['q1', 'q2']);
    denied.set(datasetMigrationRequestPermission.name, new Set([ref('q2')]));
    await expect(service.start(created.id, starter)).rejects.toMatchObject({
      name: 'NotAllowedError',
      message: expect.stringContaining(ref('q2')),
    });
    const campaign = await service.get(created.id);
    expect(campaign.state).toBe('draft');
    expect(campaign.startedAt).toBeUndefined();
  });

  it('refuses to start a draft whose deadline passed since it was made with a 409 naming it and the way on, changing nothing', async () => {
    planning.waves = [[ref('late1')]];
    const created = await service.create(
      campaignDocument({ name: 'late-draft', deadline: '2027-03-02' }),
      starter,
    );
    const made = now;
    try {
      // The first instant of the date (UTC) is the deadline: at it, too late.
      for (const at of ['2027-03-02T00:00:00Z', '2027-04-01T12:00:00Z']) {
        now = new Date(at);
        await expect(service.start(created.id, starter)).rejects.toMatchObject({
          name: 'ConflictError',
          message: `campaign late-draft cannot be started: its deadline 2027-03-02 has passed (it is ${now.toISOString()}), and a draft's document cannot be changed: abort this draft and create the campaign again with a later deadline`,
        });
      }
      const campaign = await service.get(created.id);
      expect(campaign.state).toBe('draft');
      expect(campaign.startedAt).toBeUndefined();
      const { rows: jobs } = await knex.raw(
        `SELECT 1 FROM ${WORKER_SCHEMA}.jobs WHERE key = ?`,
        [`campaign:${created.id}`],
      );
      expect(jobs).toEqual([]);
      // A moment before it, the same draft starts.
      now = new Date('2027-03-01T23:59:59Z');
      expect((await service.start(created.id, starter)).state).toBe('running');
      await service.abort(created.id, { reason: 'end of the test' }, starter);
    } finally {
      now = made;
    }
  });

  it('says when a running campaign waits for its next rollout window, and reports it stuck when none opens before the deadline', async () => {
    now = new Date('2027-03-06T12:00:00Z'); // a Saturday
    const weekdays = [{ start: '09:00', end: '17:00', timeZone: 'UTC' }];
    planning.waves = [[ref('w1')]];
    const waiting = await service.create(
      campaignDocument({
        name: 'waits-for-monday',
        deadline: '2027-06-30',
        rollout: { windows: weekdays },
      }),
      starter,
    );
    const started = await service.start(waiting.id, starter);
    expect(started.stateReason).toBe(
      'outside every rollout window; the next rollout window opens at 2027-03-08T09:00:00.000Z',
    );
    expect(started.stuck).toEqual([]);

    planning.waves = [[ref('w2'), ref('w3')]];
    const frozen = await service.create(
      campaignDocument({
        name: 'frozen-past-deadline',
        deadline: '2027-06-30',
        rollout: {
          windows: weekdays,
          freezes: [{ from: '2027-03-01', to: '2027-07-31', reason: 'audit' }],
        },
      }),
      starter,
    );
    const stuck = await service.start(frozen.id, starter);
    expect(stuck.state).toBe('running');
    expect(stuck.stateReason).toBe(
      'stuck: frozen from 2027-03-01 to 2027-07-31 (audit); no rollout window opens before the deadline (2027-06-30T00:00:00.000Z): the next opens at 2027-08-02T09:00:00.000Z',
    );
    expect(stuck.stuck).toEqual([
      {
        entityRef: ref('w2'),
        kind: 'no-window',
        detail: expect.stringContaining(
          `no rollout window opens before the deadline (2027-06-30T00:00:00.000Z): the next opens at 2027-08-02T09:00:00.000Z; ${ref(
            'w2',
          )} is the next dataset to start`,
        ),
        since: now.toISOString(),
      },
    ]);
    // Inside a window, nothing waits on the calendar.
    now = new Date('2027-03-08T10:00:00Z');
    const open = await service.get(waiting.id);
    expect(open.stateReason).toBeUndefined();
    expect(open.stuck).toEqual([]);
    for (const id of [waiting.id, frozen.id])
      await service.abort(id, { reason: 'end of the test' }, starter);
  });

  it('shows a soaking wave as paused while its campaign is paused, and its unfinished waves as aborted once it is aborted', async () => {
    now = new Date('2027-03-09T10:00:00Z');
    const created = await draft('soak-stops', ['s1']);
    planning.waves = [[ref('s1')], [ref('s2')]];
    await service.start(created.id, starter);
    await campaigns.updateWave(created.id, 0, {
      from: ['pending'],
      to: 'soaking',
      at: now,
      soakedAt: new Date('2027-03-09T10:10:00Z'),
    });
    const states = async () =>
      (await service.get(created.id)).waves.map(w => w.state);
    expect(await states()).toEqual(['soaking', 'pending']);
    await service.pause(created.id, { reason: 'a look first' }, starter);
    expect(await states()).toEqual(['paused', 'pending']);
    await service.resume(created.id, undefined, starter);
    expect(await states()).toEqual(['soaking', 'pending']);
    await service.abort(created.id, { reason: 'replanned' }, starter);
    expect(await states()).toEqual(['aborted', 'aborted']);
    // What the runner recorded is left as it was.
    const rows = await knex('campaign_waves')
      .where({ campaign_id: created.id })
      .orderBy('wave_index');
    expect(rows.map(r => r.state)).toEqual(['soaking', 'pending']);
  });
});
