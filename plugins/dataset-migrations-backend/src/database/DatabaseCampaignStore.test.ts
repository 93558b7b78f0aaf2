import type { Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { newMigration } from '../__testUtils__/fixtures';
import {
  campaignDocument,
  campaignPlan,
} from '../campaigns/__testUtils__/campaignPlans';
import { DatabaseCampaignStore } from './DatabaseCampaignStore';
import { DatabaseMigrationStore } from './DatabaseMigrationStore';
import {
  PREVIOUS_SHAPE_READS,
  type PreviousShapeReadsRecord,
} from './previousShapeReadsRecord';
import { startedCampaign } from '../campaigns/__testUtils__/startedCampaign';

const ref = (name: string) => `resource:default/${name}`;

/** The campaign store on a real Postgres: progress, burndown and what is stuck. */
describe('DatabaseCampaignStore', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let migrations: DatabaseMigrationStore;
  let campaigns: DatabaseCampaignStore;
  const t0 = new Date('2027-03-01T10:00:00Z');
  const at = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

  beforeAll(async () => {
    knex = await init();
    migrations = await DatabaseMigrationStore.create({
      database: mockServices.database({ knex }),
    });
    campaigns = new DatabaseCampaignStore(knex);
  });

  /** A running campaign of datasets a (canary), b and c, with a migration for a and b. */
  async function running(name: string) {
    const id = crypto.randomUUID();
    const plan = campaignPlan(
      campaignDocument({
        name,
        rollout: { pullRequests: { remindAfter: '7d' } },
      }),
      [[ref(`${name}-a`)], [ref(`${name}-b`), ref(`${name}-c`)]],
    );
    const awaiting = {
      reasons: ['the change is breaking'],
      requestDigest: 'd',
    };
    const a = newMigration({
      entityRef: ref(`${name}-a`),
      campaign: { id, wave: 0 },
    });
    const b = newMigration({
      entityRef: ref(`${name}-b`),
      campaign: { id, wave: 1 },
      approval: awaiting,
    });
    await startedCampaign(
      { campaigns, migrations },
      { id, plan, by: 'user:default/x', at: t0, startsAt: at(1) },
      [a, b],
    );
    const started = { a: a.id, b: b.id };
    return { id, started };
  }

  it("records a look's progress no sooner than the interval it is given after the last record", async () => {
    const { id } = await running('throttled');
    const points = async () =>
      (await campaigns.getCampaign(id, at(10)))!.burndown.map(p => [
        p.at,
        p.datasetsOutstanding,
      ]);
    expect(await points()).toEqual([[t0.toISOString(), 3]]);
    await campaigns.updateDatasetStates(
      id,
      [{ entityRef: ref('throttled-a'), from: 'migrating', to: 'migrated' }],
      at(0.05),
    );
    const seconds = (s: number) => new Date(t0.getTime() + s * 1000);
    // 5 s after the last record: left to a look by the time it is due.
    expect(
      await campaigns.recordProgress(id, seconds(5), { minIntervalMs: 10_000 }),
    ).toEqual(seconds(10));
    expect(await points()).toEqual([[t0.toISOString(), 3]]);
    // 11 s after: recorded.
    expect(
      await campaigns.recordProgress(id, seconds(11), {
        minIntervalMs: 10_000,
      }),
    ).toBeUndefined();
    expect(await points()).toEqual([
      [t0.toISOString(), 3],
      [seconds(11).toISOString(), 2],
    ]);
  });

  it('defers a record only by the last one written, not by a look that found nothing to record', async () => {
    const { id } = await running('throttle-kept');
    const seconds = (s: number) => new Date(t0.getTime() + s * 1000);
    const outstanding = async () =>
      (await campaigns.getCampaign(id, at(10)))!.burndown.map(
        p => p.datasetsOutstanding,
      );
    // 11 s after the record at start, nothing changed: nothing recorded.
    expect(
      await campaigns.recordProgress(id, seconds(11), {
        minIntervalMs: 10_000,
      }),
    ).toBeUndefined();
    await campaigns.updateDatasetStates(
      id,
      [
        {
          entityRef: ref('throttle-kept-a'),
          from: 'migrating',
          to: 'migrated',
        },
      ],
      seconds(11.5),
    );
    // 1 s after that look, 12 s after the last record: due, and recorded.
    expect(
      await campaigns.recordProgress(id, seconds(12), {
        minIntervalMs: 10_000,
      }),
    ).toBeUndefined();
    expect(await outstanding()).toEqual([3, 2]);
    // Within the interval of that record: deferred to its end.
    expect(
      await campaigns.recordProgress(id, seconds(13), {
        minIntervalMs: 10_000,
      }),
    ).toEqual(seconds(22));
  });

  it("applies each of a look's dataset updates whose state still holds, in one go", async () => {
    const { id, started } = await running('batch');
    const applied = await campaigns.updateDatasetStates(
      id,
      [
        { entityRef: ref('batch-a'), from: 'migrating', to: 'migrated' },
        // b is migrating, not pending: left as it is.
        { entityRef: ref('batch-b'), from: 'pending', to: 'skipped' },
        {
          entityRef: ref('batch-c'),
          from: 'pending',
          to: 'skipped',
          reason: 'busy',
        },
      ],
      at(3),
    );
    expect(applied).toBe(2);
    const datasets = (await campaigns.getCampaign(id, at(4)))!.datasets;
    expect(
      datasets.map(d => [d.entityRef, d.state, d.reason, d.finishedAt]),
    ).toEqual([
      [ref('batch-a'), 'migrated', undefined, at(3).toISOString()],
      [ref('batch-b'), 'migrating', undefined, undefined],
      [ref('batch-c'), 'skipped', 'busy', at(3).toISOString()],
    ]);
    expect((await campaigns.getRun(id))!.datasets[0].migrationId).toBe(
      started.a,
    );
  });

  it('records outstanding work only when it changes, and reads it back as the burndown', async () => {
    const { id, started } = await running('burndown');
    // Planned: 3 datasets, one consumer each; starting moved nothing.
    let campaign = (await campaigns.getCampaign(id, at(2)))!;
    expect(
      campaign.burndown.map(p => [
        p.datasetsOutstanding,
        p.consumersOutstanding,
      ]),
    ).toEqual([[3, 3]]);

    // a's migration discovered two consumers, one of them done.
    await knex('migration_consumers').insert([
      {
        migration_id: started.a,
        entity_ref: 'component:default/one',
        state: 'done',
      },
      {
        migration_id: started.a,
        entity_ref: 'component:default/two',
        state: 'patched',
      },
    ]);
    // A move that changes no count is not a point; one that does is.
    expect(
      await campaigns.updateDatasets(
        id,
        [{ entityRef: ref('burndown-a'), from: 'pending', to: 'skipped' }],
        at(3),
      ),
    ).toBe(0);
    await campaigns.updateDatasets(
      id,
      [{ entityRef: ref('burndown-a'), from: 'migrating', to: 'migrated' }],
      at(4),
    );
    campaign = (await campaigns.getCampaign(id, at(5)))!;
    expect(
      campaign.burndown.map(p => [
        p.at,
        p.datasetsOutstanding,
        p.consumersOutstanding,
      ]),
    ).toEqual([
      [t0.toISOString(), 3, 3],
      [at(4).toISOString(), 2, 3],
    ]);
    expect(campaign.datasets[0]).toMatchObject({
      state: 'migrated',
      consumersMoved: 1,
      consumersOutstanding: 1,
      migrationStatus: 'queued',
    });
    expect(campaign.waves.map(w => [w.datasets, w.done])).toEqual([
      [1, 1],
      [2, 0],
    ]);
  });

  it('lists as stuck what awaits approval, a decision, a failed consumer, or a pull request open longer than remindAfter', async () => {
    const { id, started } = await running('stuck');
    await knex('migration_consumers').insert([
      {
        migration_id: started.a,
        entity_ref: 'component:default/slow',
        state: 'pr-opened',
        pull_request: JSON.stringify({
          url: 'https://git/pr/1',
          state: 'open',
        }),
        updated_at: at(0),
      },
      {
        migration_id: started.a,
        entity_ref: 'component:default/fresh',
        state: 'pr-opened',
        updated_at: at(60 * 24 * 6),
      },
      {
        migration_id: started.a,
        entity_ref: 'component:default/undecided',
        state: 'failed',
        failure_kind: 'needs-decision',
        updated_at: at(2),
      },
      {
        migration_id: started.a,
        entity_ref: 'component:default/no-repo',
        state: 'failed',
        failure_kind: 'no-repository',
        failure_message: 'no source location in the catalog\nsecond line',
        updated_at: at(3),
      },
    ]);
    const eightDaysOn = at(60 * 24 * 8);
    const campaign = (await campaigns.getCampaign(id, eightDaysOn))!;
    expect(
      campaign.stuck.map(s => [s.kind, s.entityRef, s.migrationId]),
    ).toEqual([
      ['awaiting-approval', ref('stuck-b'), started.b],
      ['pull-request-stale', ref('stuck-a'), started.a],
      ['needs-decision', ref('stuck-a'), started.a],
      ['consumer-failed', ref('stuck-a'), started.a],
    ]);
    expect(campaign.stuck[3].detail).toBe(
      'consumer component:default/no-repo failed: no source location in the catalog',
    );
    expect(campaign.stuck[1].detail).toBe(
      `the pull request of consumer component:default/slow (https://git/pr/1) is open since ${at(
        0,
      ).toISOString()}`,
    );

    // A run rejected before it ran moves no consumer: its consumers' failures
    // are nothing to act on.
    await knex('migration_consumers').insert({
      migration_id: started.b,
      entity_ref: 'component:default/no-repo',
      state: 'failed',
      failure_kind: 'no-repository',
      failure_message: 'no source location in the catalog',
      updated_at: at(4),
    });
    const kindsOfB = async () =>
      (await campaigns.getCampaign(id, eightDaysOn))!.stuck
        .filter(s => s.entityRef === ref('stuck-b'))
        .map(s => s.kind);
    expect(await kindsOfB()).toEqual(['awaiting-approval', 'consumer-failed']);
    await knex('migrations')
      .where({ id: started.b })
      .update({ status: 'rejected' });
    expect(await kindsOfB()).not.toContain('consumer-failed');
  });

  it("shows no failure text a reason recorded before copied from its run: it may quote the dataset's rows", async () => {
    const { id, started } = await running('copied');
    const copied = `migration ${started.a} failed: the transform fails on 1 rows: id=7: invalid input syntax for type integer: "123-45-6789"\nsecond line`;
    await knex('campaign_datasets')
      .where({ campaign_id: id, entity_ref: ref('copied-a') })
      .update({ state: 'failed', reason: copied });
    await knex('campaign_datasets')
      .where({ campaign_id: id, entity_ref: ref('copied-b') })
      .update({
        state: 'failed',
        reason: `migration ${started.b} was rejected: use a view instead`,
      });
    const campaign = (await campaigns.getCampaign(id, at(5)))!;
    const reasons = Object.fromEntries(
      campaign.datasets.map(d => [d.entityRef, d.reason]),
    );
    expect(reasons[ref('copied-a')]).toBe(`migration ${started.a} failed`);
    // A person's words stay.
    expect(reasons[ref('copied-b')]).toBe(
      `migration ${started.b} was rejected: use a view instead`,
    );
    expect(
      campaign.stuck.filter(s => s.kind === 'failed').map(s => s.detail),
    ).toEqual([
      `migration ${started.a} failed`,
      `migration ${started.b} was rejected: use a view instead`,
    ]);
    expect(JSON.stringify(campaign)).not.toContain('123-45');
  });

  it('names the campaigns a look must be waiting for: running ones, and others while a rollback or (completed) a contract is still to ask', async () => {
    const { id, started } = await running('awaiting-looks');
    const listed = async () =>
      (await campaigns.campaignsAwaitingLooks()).includes(id);
    const set = (table: string, where: object, values: object) =>
      knex(table).where(where).update(values);
    expect(await listed()).toBe(true);

    await set('campaigns', { id }, { state: 'paused' });
    await set('migrations', { id: started.a }, { status: 'succeeded' });
    // Its end not recorded yet (the look its end asked for was lost): a look records it.
    expect(await listed()).toBe(true);
    await set(
      'campaign_datasets',
      { campaign_id: id, migration_id: started.a },
      { state: 'migrated' },
    );
    expect(await listed()).toBe(false);
    // Its wave rolled back while its migration still stands: a look asks the
    // rollback, where its starter may roll it back (else it is its owners').
    await set(
      'campaign_waves',
      { campaign_id: id, wave_index: 0 },
      { state: 'rolled-back' },
    );
    expect(await listed()).toBe(false);
    await set(
      'campaign_datasets',
      { campaign_id: id, migration_id: started.a },
      { starter_may_roll_back: true },
    );
    expect(await listed()).toBe(true);
    await set('campaigns', { id }, { state: 'aborted' });
    expect(await listed()).toBe(true);
    await set('migrations', { id: started.a }, { status: 'rolled-back' });
    expect(await listed()).toBe(false);

    // Completed: a contract the starter may ask for is still to ask.
    await set('campaigns', { id }, { state: 'completed' });
    await set(
      'campaign_waves',
      { campaign_id: id, wave_index: 0 },
      { state: 'healthy' },
    );
    await set('migrations', { id: started.a }, { status: 'succeeded' });
    expect(await listed()).toBe(false);
    await set(
      'campaign_datasets',
      { campaign_id: id, migration_id: started.a },
      { starter_may_contract: true },
    );
    expect(await listed()).toBe(true);
    await set('migrations', { id: started.a }, { contracted_at: at(5) });
    expect(await listed()).toBe(false);
  });

  it('refuses to approve a migration of a paused or aborted campaign, starting nothing; approves it once the campaign runs again', async () => {
    const { id, started } = await running('approve-paused');
    const queued: string[] = [];
    const enqueue = async (_tx: unknown, migrationId: string) =>
      void queued.push(migrationId);
    const approve = () =>
      migrations.decideApproval(
        started.b,
        { outcome: 'approved', by: 'user:default/o', at: at(2).toISOString() },
        'd',
        enqueue,
      );
    for (const [state, says] of [
      [
        'paused',
        'which is paused: none of its migrations starts until it runs again',
      ],
      ['aborted', 'which was aborted: none of its migrations starts any more'],
    ]) {
      await knex('campaigns').where({ id }).update({ state });
      await expect(approve()).rejects.toThrow(
        `belongs to campaign approve-paused, ${says}`,
      );
      expect(
        await knex('migrations').where({ id: started.b }).first('status'),
      ).toEqual({ status: 'awaiting-approval' });
      expect(queued).toEqual([]);
    }
    await knex('campaigns').where({ id }).update({ state: 'running' });
    expect(await approve()).toMatchObject({ status: 'queued' });
    expect(queued).toEqual([started.b]);

    // Cancelled with its aborted campaign, a run is not retried back to holding its dataset.
    await knex('campaigns').where({ id }).update({ state: 'aborted' });
    await knex('migrations')
      .where({ id: started.b })
      .update({ status: 'cancelled' });
    await expect(
      migrations.requeueMigration(started.b, enqueue),
    ).rejects.toThrow(
      `migration ${started.b} belongs to campaign approve-paused, which was aborted: it does not run again; request a new migration of its dataset`,
    );
    expect(
      await knex('migrations').where({ id: started.b }).first('status'),
    ).toEqual({ status: 'cancelled' });
    expect(queued).toEqual([started.b]);
  });

  it("accepts a wave's failures at a resume only when the policy paused it, as read under the transition's lock", async () => {
    const { id } = await running('accepts-failures');
    await knex('campaign_datasets')
      .where({ campaign_id: id, entity_ref: ref('accepts-failures-a') })
      .update({ state: 'failed' });
    await knex('campaign_waves')
      .where({ campaign_id: id, wave_index: 0 })
      .update({ state: 'running' });
    const accepted = async () =>
      (
        await knex('campaign_waves')
          .where({ campaign_id: id, wave_index: 0 })
          .first('failures_accepted')
      ).failures_accepted;
    const resume = () =>
      campaigns.transition(id, {
        from: ['paused'],
        to: 'running',
        at: at(3),
        acceptFailures: true,
      });
    // A person paused it: nothing is accepted.
    await knex('campaigns')
      .where({ id })
      .update({ state: 'paused', paused_by_runner: false });
    expect(await resume()).toEqual({ changed: true, acceptedFailures: false });
    expect(await accepted()).toBe(0);
    // The policy paused it: the failure it paused for is accepted.
    await knex('campaigns')
      .where({ id })
      .update({ state: 'paused', paused_by_runner: true });
    expect(await resume()).toEqual({ changed: true, acceptedFailures: true });
    expect(await accepted()).toBe(1);
  });

  it("rewrites only the failure policy's pause reason a look read, changing nothing else", async () => {
    const { id } = await running('refreshed');
    const trip = 'wave 0 (canary): …; the wave is rolled back: waits for 1';
    await campaigns.transition(id, {
      from: ['running'],
      to: 'paused',
      reason: trip,
      at: at(2),
      pausedByRunner: true,
    });
    const row = () =>
      knex('campaigns')
        .where({ id })
        .first('state', 'state_reason', 'paused_by_runner', 'updated_at');
    const before = await row();
    // A look that read another reason (a person paused since) writes nothing.
    expect(
      await campaigns.refreshPauseReason(id, { from: 'other', to: 'x' }),
    ).toBe(false);
    expect(
      await campaigns.refreshPauseReason(id, { from: trip, to: 'now' }),
    ).toBe(true);
    expect(await row()).toEqual({ ...before, state_reason: 'now' });
    expect((await campaigns.getRun(id))!.pausedByRunner).toBe(true);
    // The page says so: resuming then overrides the policy.
    expect(
      (await campaigns.getCampaign(id, at(2)))!.pausedByFailurePolicy,
    ).toBe(true);
    // A person's pause is theirs, its words included.
    await campaigns.transition(id, {
      from: ['paused'],
      to: 'running',
      at: at(3),
    });
    await campaigns.transition(id, {
      from: ['running'],
      to: 'paused',
      reason: 'now',
      at: at(4),
    });
    expect((await campaigns.getRun(id))!.pausedByRunner).toBe(false);
    expect(
      (await campaigns.getCampaign(id, at(4)))!.pausedByFailurePolicy,
    ).toBeUndefined();
    expect(
      await campaigns.refreshPauseReason(id, { from: 'now', to: 'later' }),
    ).toBe(false);
    expect((await row()).state_reason).toBe('now');
    await campaigns.transition(id, {
      from: ['paused'],
      to: 'aborted',
      at: at(5),
    });
  });

  it('accepts at a resume only the failures the person saw', async () => {
    const { id } = await running('accepts-seen');
    await knex('campaign_datasets')
      .where({ campaign_id: id, wave_index: 1 })
      .update({ state: 'failed' });
    const resumeHaving = async (failedSeen?: string[]) => {
      await knex('campaign_waves')
        .where({ campaign_id: id, wave_index: 1 })
        .update({ state: 'failed', failures_accepted: 0 });
      await knex('campaigns')
        .where({ id })
        .update({ state: 'paused', paused_by_runner: true });
      expect(
        await campaigns.transition(id, {
          from: ['paused'],
          to: 'running',
          at: at(3),
          acceptFailures: true,
          ...(failedSeen ? { failedSeen } : {}),
        }),
      ).toEqual({ changed: true, acceptedFailures: true });
      return (
        await knex('campaign_waves')
          .where({ campaign_id: id, wave_index: 1 })
          .first('failures_accepted')
      ).failures_accepted;
    };
    const [b, c] = [ref('accepts-seen-b'), ref('accepts-seen-c')];
    // b and c failed; the page showed b only (c failed after, or b failed,
    // was retried and c failed meanwhile: a count could not tell).
    expect(await resumeHaving([b])).toBe(1);
    expect(await resumeHaving([b, c])).toBe(2);
    // Saw none of them, or only datasets that did not fail.
    expect(await resumeHaving([])).toBe(0);
    expect(await resumeHaving([ref('accepts-seen-a'), ref('elsewhere')])).toBe(
      0,
    );
    // Said nothing of what it saw (an API client): every failure so far.
    expect(await resumeHaving()).toBe(2);
  });

  it('lists a live migration whose contract waits for a reader nobody discovered, until it is contracted', async () => {
    const { id, started } = await running('readers');
    await knex('migrations')
      .where({ id: started.a })
      .update({ status: 'succeeded' });
    const found = {
      count: 3,
      since: at(10).toISOString(),
      checkedAt: at(70).toISOString(),
      lastReadAt: at(65).toISOString(),
      evidence: 'pg_stat_user_tables of public.readers_a_v1',
    };
    // As the contract gate records what it refused for (jobs/previousShapeReads.ts).
    await migrations.setCheckpoint<PreviousShapeReadsRecord>(
      started.a,
      PREVIOUS_SHAPE_READS,
      {
        baseline: {
          at: at(70).toISOString(),
          scans: 10,
          upkeep: 0,
          evidence: found.evidence,
        },
        undiscovered: found,
      },
    );
    const stuck = async () =>
      (await campaigns.getCampaign(id, at(80)))!.stuck.filter(
        s => s.kind === 'undiscovered-readers',
      );
    expect(await stuck()).toEqual([
      {
        entityRef: ref('readers-a'),
        migrationId: started.a,
        kind: 'undiscovered-readers',
        detail: `contract waits: the previous shape was read 3 times since ${found.since}, last at ${found.lastReadAt}, with no known consumer left to read it: a reader nobody discovered (${found.evidence})`,
        since: found.checkedAt,
      },
    ]);
    // Contracted (by a person's override): nothing waits any more.
    await knex('migrations')
      .where({ id: started.a })
      .update({ contracted_at: at(90) });
    expect(await stuck()).toEqual([]);
  });

  it('refuses to start a dataset twice, beyond the concurrency, or once the campaign stopped, rolling its migration back', async () => {
    const { id } = await running('claims');
    const claim = (entityRef: string, concurrency = 5) => {
      const migration = newMigration({ entityRef });
      return migrations.createMigration(migration, tx =>
        campaigns.claimDatasetStart(tx, {
          campaignId: id,
          entityRef,
          migrationId: migration.id,
          concurrency,
          at: at(2),
        }),
      );
    };
    await expect(claim(ref('claims-c'), 2)).rejects.toThrow(
      "2 of the campaign's migrations are running (concurrency 2)",
    );
    // A second migration of a started dataset: the active-run index refuses it first.
    expect(await claim(ref('claims-a'))).toMatchObject({ queued: false });
    // A dataset skipped meanwhile is not started.
    await campaigns.updateDatasets(
      id,
      [{ entityRef: ref('claims-c'), from: 'pending', to: 'skipped' }],
      at(2),
    );
    await expect(claim(ref('claims-c'))).rejects.toThrow(
      `dataset ${ref('claims-c')} was started or skipped meanwhile`,
    );
    // Rights a look read before a resume narrowed them start nothing.
    const stale = newMigration({ entityRef: ref('claims-c') });
    await expect(
      migrations.createMigration(stale, tx =>
        campaigns.claimDatasetStart(tx, {
          campaignId: id,
          entityRef: ref('claims-c'),
          migrationId: stale.id,
          concurrency: 5,
          at: at(2),
          rightsRead: { mayStart: true, mayApprove: true },
        }),
      ),
    ).rejects.toThrow(
      `the rights recorded for dataset ${ref(
        'claims-c',
      )} changed since this look read them`,
    );
    await campaigns.updateDatasets(
      id,
      [{ entityRef: ref('claims-c'), from: 'skipped', to: 'pending' }],
      at(2),
    );
    await campaigns.transition(id, {
      from: ['running'],
      to: 'paused',
      at: at(3),
    });
    await expect(claim(ref('claims-c'))).rejects.toThrow(
      'the campaign is paused',
    );
    // Nothing was left behind by the refusals.
    expect(
      await knex('migrations')
        .where({ entity_ref: ref('claims-c') })
        .count(),
    ).toEqual([{ count: '0' }]);
  });

  it('lets two looks at a campaign start datasets at the same moment: they take turns, neither deadlocks', async () => {
    const id = crypto.randomUUID();
    const plan = campaignPlan(campaignDocument({ name: 'turns' }), [
      [ref('turns-a'), ref('turns-b')],
    ]);
    await campaigns.createCampaign({
      id,
      plan,
      createdBy: 'user:default/x',
      at: t0,
    });
    await campaigns.startCampaign(id, {
      plan,
      startedBy: 'user:default/x',
      starterRights: {
        mayStart: new Set(),
        mayApprove: new Set(),
        mayContract: new Set(),
        mayRollBack: new Set(),
      },
      at: t0,
    });
    // Each look's transaction has written its migration (which references the
    // campaign) before it claims the dataset; both get there before either claims.
    let arrived = 0;
    let bothArrived: () => void;
    const barrier = new Promise<void>(resolve => {
      bothArrived = resolve;
    });
    const claim = (entityRef: string) => {
      const migration = newMigration({ entityRef, campaign: { id, wave: 0 } });
      return migrations.createMigration(migration, async tx => {
        if (++arrived === 2) bothArrived();
        await barrier;
        await campaigns.claimDatasetStart(tx, {
          campaignId: id,
          entityRef,
          migrationId: migration.id,
          concurrency: 2,
          at: at(1),
        });
      });
    };
    const results = await Promise.allSettled([
      claim(ref('turns-a')),
      claim(ref('turns-b')),
    ]);
    expect(
      results.map(r =>
        r.status === 'rejected' ? String(r.reason) : 'started',
      ),
    ).toEqual(['started', 'started']);
    expect(
      (await campaigns.getRun(id))!.datasets.map(d => d.state).sort(),
    ).toEqual(['migrating', 'migrating']);
  });
});
