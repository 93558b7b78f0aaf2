import type { Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import type { NotificationSendOptions } from '@backstage/plugin-notifications-node';
import { createTestDatabases, waitFor } from '../__testUtils__/testDatabases';
import { newMigration } from '../__testUtils__/fixtures';
import {
  BackstageMigrationAnnouncer,
  NOTIFICATION_TOPICS,
} from '../announcements/BackstageMigrationAnnouncer';
import {
  CampaignEscalations,
  ESCALATION_CLAIM_MS,
} from '../database/CampaignEscalations';
import { ConsumerStore } from '../database/ConsumerStore';
import { DatabaseCampaignStore } from '../database/DatabaseCampaignStore';
import { DatabaseMigrationStore } from '../database/DatabaseMigrationStore';
import { PullRequestFollowUp } from '../jobs/PullRequestFollowUp';
import { JobQueue } from '../queue/JobQueue';
import { CampaignDeadlineEscalation } from './CampaignDeadlineEscalation';
import { campaignDocument, campaignPlan } from './__testUtils__/campaignPlans';
import { startedCampaign } from './__testUtils__/startedCampaign';

const WORKER_SCHEMA = 'campaign_escalation_worker';
const OWNER = 'group:default/data';
const TEAM_X = 'group:default/team-x';
const TEAM_Y = 'group:default/team-y';
const ref = (name: string) => `resource:default/${name}`;
const component = (name: string) => `component:default/${name}`;
/** The deadline of every campaign here, and its default 14-day escalation window. */
const DEADLINE = '2027-06-30';
const WINDOW_OPENS = new Date('2027-06-16T00:00:00Z');

/**
 * Deadline escalation on a real Postgres, through the scheduled pull-request
 * follow-up (whose rounds enqueue on the real graphile-worker queue) and the real
 * announcer; only the notifications service is a recording double.
 */
describe('CampaignDeadlineEscalation', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let campaigns: DatabaseCampaignStore;
  let migrations: DatabaseMigrationStore;
  let queue: JobQueue;
  let now = new Date('2027-03-01T10:00:00Z');
  const clock = { now: () => now };
  /** Every notification sent, by every replica. */
  const sent: NotificationSendOptions[] = [];
  const announcers: BackstageMigrationAnnouncer[] = [];

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
  });

  afterEach(async () => {
    await Promise.all(announcers.splice(0).map(a => a.close()));
    sent.length = 0;
  });

  /**
   * One replica's follow-up, with its own announcer and escalation; `down` says
   * whether its notification service fails (an outage) at the moment of a send.
   */
  function replica(
    down: () => boolean = () => false,
    options: {
      claimMs?: number;
      claimRenewalMs?: number;
      beforeSend?: () => Promise<void>;
    } = {},
  ) {
    const logger = mockServices.logger.mock();
    const announcer = new BackstageMigrationAnnouncer({
      migrations,
      campaigns,
      notifications: {
        send: async notification => {
          await options.beforeSend?.();
          if (down()) throw new Error('Failed to send notifications: 503');
          sent.push(notification);
        },
      },
      signals: { publish: async () => {} },
      events: { publish: async () => {} },
      logger,
      retryDelaysMs: [],
    });
    announcers.push(announcer);
    const escalation = new CampaignDeadlineEscalation({
      escalations: new CampaignEscalations(knex, {
        claimMs: options.claimMs,
      }),
      announcer,
      logger,
      clock,
      claimRenewalMs: options.claimRenewalMs,
    });
    const followUp = new PullRequestFollowUp({
      consumers: new ConsumerStore(knex),
      enqueueConsumer: (id, entityRef) => queue.enqueueConsumer(id, entityRef),
      rounds: queue,
      logger,
      intervalMs: 60_000,
      announcer,
      escalation,
    });
    return { followUp, escalation, logger };
  }

  /** Waits until every replica delivered what it announced. */
  async function delivered() {
    await Promise.all(announcers.map(a => a.idle()));
    return sent.map(s => ({
      // Every notification here names one entity.
      to:
        s.recipients.type === 'entity'
          ? [s.recipients.entityRef].flat().join(' ')
          : 'broadcast',
      title: s.payload.title,
      description: s.payload.description,
      topic: s.payload.topic,
      scope: s.payload.scope,
    }));
  }

  /**
   * A running campaign of datasets a (canary, migrated), b (migrating) and c (not
   * started). a's consumers: one with its pull request open and one not reached
   * yet (team x), one waiting for a decision and one merged (team y), one done.
   */
  async function campaignWithOutstandingWork(name: string) {
    const id = crypto.randomUUID();
    const plan = campaignPlan(campaignDocument({ name, deadline: DEADLINE }), [
      [ref(`${name}-a`)],
      [ref(`${name}-b`), ref(`${name}-c`)],
    ]);
    const [a, b] = ['a', 'b'].map((dataset, wave) =>
      newMigration({
        entityRef: ref(`${name}-${dataset}`),
        campaign: { id, wave },
      }),
    );
    await startedCampaign(
      { campaigns, migrations },
      { id, plan, by: OWNER, startedBy: 'user:default/starter', at: now },
      [a, b],
    );
    const started = { a: a.id, b: b.id };
    await campaigns.updateDatasets(
      id,
      [{ entityRef: ref(`${name}-a`), from: 'migrating', to: 'migrated' }],
      now,
    );
    await knex('migration_consumers').insert(
      [
        ['open-pr', 'pr-opened', TEAM_X, null],
        ['unreached', 'discovered', TEAM_X, null],
        ['undecided', 'failed', TEAM_Y, 'needs-decision'],
        ['merged', 'merged', TEAM_Y, null],
        ['moved', 'done', TEAM_Y, null],
      ].map(([consumer, state, owner, failure]) => ({
        migration_id: started.a,
        entity_ref: component(`${name}-${consumer}`),
        state,
        owner,
        failure_kind: failure,
      })),
    );
    return { id, started };
  }

  it('tells nobody before the window, then each outstanding owner and the campaign owner once, whatever the rounds and replicas', async () => {
    now = new Date('2027-03-01T10:00:00Z');
    const { id, started } = await campaignWithOutstandingWork('esc');

    // A minute before the window opens.
    now = new Date(WINDOW_OPENS.getTime() - 60_000);
    await replica().followUp.followUp();
    expect(await delivered()).toEqual([]);
    expect((await campaigns.getCampaign(id, now))!.escalation).toBeUndefined();

    // The window opens: three replicas escalate at once, then one more round.
    now = WINDOW_OPENS;
    const counts = await Promise.all([
      replica().escalation.escalate(),
      replica().escalation.escalate(),
      replica().escalation.escalate(),
    ]);
    await replica().followUp.followUp();
    const told = await delivered();

    // Each outstanding consumer and dataset once; not the merged, done or migrated ones.
    const recipients = told.map(t => t.to).sort();
    expect(recipients).toEqual(
      [
        component('esc-open-pr'),
        component('esc-undecided'),
        component('esc-unreached'),
        ref('esc-b'),
        ref('esc-c'),
        OWNER,
      ].sort(),
    );
    expect(counts.reduce((a, b) => a + b)).toBe(recipients.length);
    expect(told.every(t => t.topic === NOTIFICATION_TOPICS.deadline)).toBe(
      true,
    );
    expect(told.find(t => t.to === component('esc-open-pr'))).toMatchObject({
      title:
        'esc-open-pr: campaign Amounts become integers ends 2027-06-30 and esc-open-pr has not moved',
      description: expect.stringContaining('It still holds back esc-a'),
    });
    expect(told.find(t => t.to === ref('esc-c'))).toMatchObject({
      title:
        'esc-c: campaign Amounts become integers ends 2027-06-30 and esc-c is not migrated',
    });
    // The campaign's owner: how much is outstanding, by team.
    expect(told.find(t => t.to === OWNER)).toMatchObject({
      title:
        'Campaign Amounts become integers: 3 consumers and 2 datasets outstanding, deadline 2027-06-30',
      description:
        'By team: data: 0 consumers, 2 datasets; team-x: 2 consumers, 0 datasets; team-y: 1 consumer, 0 datasets. Their owners were told.',
      // Apart from the campaign's own notification, which its next state change updates.
      scope: `dataset-migrations:campaign:${id}:deadline:owner`,
    });

    // The campaign's page says so.
    expect((await campaigns.getCampaign(id, now))!.escalation).toEqual({
      at: WINDOW_OPENS.toISOString(),
      lastAt: WINDOW_OPENS.toISOString(),
      consumers: 3,
      datasets: 2,
      byOwner: [
        { owner: OWNER, consumers: 0, datasets: 2 },
        { owner: TEAM_X, consumers: 2, datasets: 0 },
        { owner: TEAM_Y, consumers: 1, datasets: 0 },
      ],
    });

    // A consumer reached later is told later, and only it: not the owner again.
    sent.length = 0;
    now = new Date(WINDOW_OPENS.getTime() + 86_400_000);
    await knex('migration_consumers').insert({
      migration_id: started.b,
      entity_ref: component('esc-late'),
      state: 'discovered',
      owner: TEAM_Y,
    });
    await replica().followUp.followUp();
    await replica().followUp.followUp();
    expect((await delivered()).map(t => t.to)).toEqual([component('esc-late')]);
    expect((await campaigns.getCampaign(id, now))!.escalation).toMatchObject({
      at: WINDOW_OPENS.toISOString(),
      lastAt: now.toISOString(),
      consumers: 4,
      datasets: 2,
    });
  });

  it('tells the owners of a paused campaign, and nobody of a completed or aborted one', async () => {
    now = new Date('2027-03-01T10:00:00Z');
    const paused = await campaignWithOutstandingWork('paused');
    const completed = await campaignWithOutstandingWork('completed');
    const aborted = await campaignWithOutstandingWork('aborted');
    for (const [{ id }, to] of [
      [paused, 'paused'],
      [completed, 'completed'],
      [aborted, 'aborted'],
    ] as const)
      expect(
        await campaigns.transition(id, {
          from: ['running'],
          to,
          at: now,
          ...(to === 'aborted' ? { skipPending: 'aborted' } : {}),
        }),
      ).toEqual({ changed: true });

    // Past the deadline, well inside every window.
    now = new Date('2027-07-01T00:00:00Z');
    await replica().followUp.followUp();
    const recipients = (await delivered()).map(t => t.to);
    expect(recipients).toContain(OWNER);
    expect(recipients).toContain(component('paused-open-pr'));
    expect(recipients.filter(r => /completed|aborted/.test(r))).toEqual([]);
    // Each of the paused campaign's outstanding consumers and datasets, and its owner.
    expect(recipients).toHaveLength(6);
    expect(
      (await campaigns.getCampaign(completed.id, now))!.escalation,
    ).toBeUndefined();
    expect(
      (await campaigns.getCampaign(aborted.id, now))!.escalation,
    ).toBeUndefined();
  });

  it('sends on the next round what a notification outage kept from being sent, once; and what a round that died left, once its claim ran out', async () => {
    now = new Date('2027-03-01T10:00:00Z');
    const { id } = await campaignWithOutstandingWork('outage');
    const ours = async () =>
      (await delivered()).filter(t => t.scope?.includes(id)).map(t => t.to);

    // The notification service is down for the whole first round.
    now = WINDOW_OPENS;
    const failing = replica(() => true);
    expect(await failing.escalation.escalate()).toBe(0);
    expect(await ours()).toEqual([]);
    expect(failing.logger.warn).toHaveBeenCalledWith(
      expect.stringContaining('the next round sends it'),
    );
    // Nobody counts as told on the campaign's page.
    expect((await campaigns.getCampaign(id, now))!.escalation).toBeUndefined();

    // It is back a minute later: everyone is told, once, however many rounds.
    now = new Date(WINDOW_OPENS.getTime() + 60_000);
    expect(await replica().escalation.escalate()).toBe(6);
    await replica().escalation.escalate();
    await replica().followUp.followUp();
    const told = await ours();
    expect(told).toHaveLength(6);
    expect(new Set(told).size).toBe(6);
    expect((await campaigns.getCampaign(id, now))!.escalation).toMatchObject({
      at: now.toISOString(),
      consumers: 3,
      datasets: 2,
    });

    // A consumer reached later; a round takes it and dies before sending.
    sent.length = 0;
    await knex('migration_consumers').insert({
      migration_id: (
        await knex('campaign_datasets')
          .where({ campaign_id: id, entity_ref: ref('outage-b') })
          .first('migration_id')
      ).migration_id,
      entity_ref: component('outage-late'),
      state: 'discovered',
      owner: TEAM_Y,
    });
    now = new Date(WINDOW_OPENS.getTime() + 3_600_000);
    const taken = await new CampaignEscalations(knex).take(id, now);
    expect(taken.subjects.map(s => s.entityRef)).toEqual([
      component('outage-late'),
    ]);
    // Its claim holds while that round could still be sending.
    now = new Date(now.getTime() + 60_000);
    await replica().followUp.followUp();
    expect(await ours()).toEqual([]);
    // Once the claim ran out, the next round sends it, once.
    now = new Date(now.getTime() + ESCALATION_CLAIM_MS);
    await replica().followUp.followUp();
    await replica().followUp.followUp();
    expect(await ours()).toEqual([component('outage-late')]);
  });

  it('keeps its claims while a slow notification service delivers, so a round on another replica tells nobody twice', async () => {
    now = new Date('2027-03-01T10:00:00Z');
    const { id } = await campaignWithOutstandingWork('slow');
    const ours = async () =>
      (await delivered()).filter(t => t.scope?.includes(id)).map(t => t.to);
    // Renewed often in real time, so a loaded machine's pauses do not lose the
    // claims; the clock the claims are written in moves in steps below.
    const claimMs = 60_000;
    const claimRenewalMs = 200;
    now = WINDOW_OPENS;
    let deliver!: () => void;
    const delivering = new Promise<void>(resolve => {
      deliver = resolve;
    });
    let firstSend = true;
    const slow = replica(undefined, {
      claimMs,
      claimRenewalMs,
      beforeSend: async () => {
        if (!firstSend) return;
        firstSend = false;
        await delivering;
      },
    });
    const slowRound = slow.escalation.escalate();

    // The first notice hangs in the notification service while the clock passes
    // the round's claims many times over; its renewals keep them.
    await waitFor(async () => (firstSend ? undefined : true), {
      what: 'the first send',
    });
    const renewedPastTheClock = async () => {
      const renewed = await knex('campaign_escalations')
        .where({ campaign_id: id })
        .whereNull('sent_at')
        .where('claimed_until', '>=', new Date(now.getTime() + claimMs));
      return renewed.length === 6 ? true : undefined;
    };
    for (let step = 0; step < 4; step++) {
      now = new Date(now.getTime() + claimMs / 2);
      await waitFor(renewedPastTheClock, {
        timeoutMs: 30_000,
        what: 'a renewal as the clock moves',
      });
    }
    expect(await replica(undefined, { claimMs }).escalation.escalate()).toBe(0);

    deliver();
    expect(await slowRound).toBe(6);
    const told = await ours();
    expect(told).toHaveLength(6);
    expect(new Set(told).size).toBe(6);
  });

  it('claims each campaign’s notices when it reaches them, not when the round began', async () => {
    now = new Date('2027-03-01T10:00:00Z');
    const first = await campaignWithOutstandingWork('first');
    const second = await campaignWithOutstandingWork('second');
    const claimMs = 60_000;
    now = WINDOW_OPENS;
    let sends = 0;
    let deliver!: () => void;
    const delivering = new Promise<void>(resolve => {
      deliver = resolve;
    });
    const slow = replica(undefined, {
      claimMs,
      claimRenewalMs: 200,
      beforeSend: async () => {
        sends += 1;
        // Telling the first campaign's six takes longer than a claim lasts.
        if (sends === 1) now = new Date(now.getTime() + 2 * claimMs);
        // The second campaign's first notice waits while its claims are looked at.
        if (sends === 7) await delivering;
      },
    });
    const round = slow.escalation.escalate();
    await waitFor(async () => (sends >= 7 ? true : undefined), {
      what: 'the second campaign’s first send',
    });
    const unsent = await knex('campaign_escalations')
      .whereIn('campaign_id', [first.id, second.id])
      .whereNull('sent_at')
      .select('claimed_until');
    expect(unsent).toHaveLength(6);
    for (const { claimed_until } of unsent)
      expect(new Date(claimed_until).getTime()).toBeGreaterThan(now.getTime());
    // So a round on another replica takes none of them.
    expect(await replica(undefined, { claimMs }).escalation.escalate()).toBe(0);
    deliver();
    expect(await round).toBe(12);
  });

  it('releases only its own claims: a late round’s failed send leaves the claims another round took since', async () => {
    now = new Date('2027-03-01T10:00:00Z');
    const { id } = await campaignWithOutstandingWork('late');
    const escalations = new CampaignEscalations(knex);
    now = WINDOW_OPENS;
    const late = await escalations.take(id, now);
    now = new Date(now.getTime() + ESCALATION_CLAIM_MS + 1);
    const current = await escalations.take(id, now);
    expect(current.subjects.length).toBe(late.subjects.length);

    for (const { keys } of late.subjects)
      await escalations.release(id, keys, late.claimer);
    expect(await escalations.renew(id, late.claimer, now)).toBe(false);

    // The current round still holds every notice: another round takes none.
    const another = await escalations.take(id, now);
    expect(another.subjects).toEqual([]);
    expect(another.ownerSummary).toBeUndefined();
    expect(await escalations.renew(id, current.claimer, now)).toBe(true);
    // Its notices are left unsent: the later tests' rounds must not meet them.
    await knex('campaigns').where({ id }).update({ state: 'aborted' });
  });

  it('tells a consumer again when another dataset of the campaign reaches it, naming both', async () => {
    now = new Date('2027-03-01T10:00:00Z');
    const { id, started } = await campaignWithOutstandingWork('again');
    now = WINDOW_OPENS;
    await replica().followUp.followUp();
    expect((await delivered()).map(t => t.to)).toContain(
      component('again-open-pr'),
    );

    // A later wave's dataset (b) has the same consumer, whose pull request for a is still open.
    sent.length = 0;
    now = new Date(WINDOW_OPENS.getTime() + 86_400_000);
    await knex('migration_consumers').insert({
      migration_id: started.b,
      entity_ref: component('again-open-pr'),
      state: 'discovered',
      owner: TEAM_X,
    });
    await replica().followUp.followUp();
    await replica().followUp.followUp();
    const told = await delivered();
    expect(told.map(t => t.to)).toEqual([component('again-open-pr')]);
    expect(told[0]).toMatchObject({
      description: expect.stringContaining('again-a'),
      // The same notification as before, unread again with the new dataset.
      scope: `dataset-migrations:campaign:${id}:deadline:consumer:${component(
        'again-open-pr',
      )}`,
    });
    expect(told[0].description).toContain('again-b');
    // Still one consumer on the campaign's page.
    expect((await campaigns.getCampaign(id, now))!.escalation).toMatchObject({
      consumers: 3,
      datasets: 2,
    });
  });
});
