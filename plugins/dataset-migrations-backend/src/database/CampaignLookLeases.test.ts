import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import {
  createTestDatabases,
  MIGRATIONS_DIR,
} from '../__testUtils__/testDatabases';
import { CampaignLookLeases, LookLeaseLost } from './CampaignLookLeases';
import { knexOf } from './StoreTransaction';

describe('CampaignLookLeases', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let leases: CampaignLookLeases;
  let campaignId: string;
  const [first, second] = [randomUUID(), randomUUID()];

  beforeAll(async () => {
    knex = await init();
    await knex.migrate.latest({ directory: MIGRATIONS_DIR });
    leases = new CampaignLookLeases(knex, 30_000);
  });

  beforeEach(async () => {
    campaignId = randomUUID();
    await knex('campaigns').insert({
      id: campaignId,
      name: `c-${campaignId.slice(0, 8)}`,
      title: 'a campaign',
      owner: 'group:default/data',
      deadline: new Date('2027-01-01T00:00:00Z'),
      document: {},
      state: 'running',
      created_by: 'user:default/ada',
    });
  });

  const leaseRow = () =>
    knex('campaign_look_leases').where({ campaign_id: campaignId }).first();

  it('lets one look hold a campaign; another is refused until the holder releases, which then hears it was asked again', async () => {
    expect(await leases.claim(campaignId, first)).toEqual({ held: true });
    const refused = await leases.claim(campaignId, second);
    expect(refused.held).toBe(false);
    const { expires_at } = await leaseRow();
    expect(refused).toEqual({ held: false, expiresAt: expires_at });

    expect(await leases.release(campaignId, first)).toBe(true);
    expect(await leaseRow()).toBeUndefined();
    expect(await leases.claim(campaignId, second)).toEqual({ held: true });
    // Nobody asked while the second held it.
    expect(await leases.release(campaignId, second)).toBe(false);
  });

  it('lets a holder claim its own lease again, and releases only its own', async () => {
    await leases.claim(campaignId, first);
    expect(await leases.claim(campaignId, first)).toEqual({ held: true });
    expect(await leases.release(campaignId, second)).toBe(false);
    expect((await leaseRow()).owner).toBe(first);
  });

  it('hands a lease that ran out to the next look, and the old holder finds it lost on its next renewal', async () => {
    await leases.claim(campaignId, first);
    expect(await leases.renew(campaignId, first)).toBe(true);
    // The holder died, or stalled past its lease, with a look asked for.
    await knex('campaign_look_leases')
      .where({ campaign_id: campaignId })
      .update({
        expires_at: knex.raw(`now() - interval '1 second'`),
        look_again: true,
      });
    expect(await leases.claim(campaignId, second)).toEqual({ held: true });
    const row = await leaseRow();
    expect(row.owner).toBe(second);
    // The new holder looks now: the old holder's request is answered by it.
    expect(row.look_again).toBe(false);
    expect(await leases.renew(campaignId, first)).toBe(false);
    expect(await leases.release(campaignId, first)).toBe(false);
    expect((await leaseRow()).owner).toBe(second);
  });

  it('renews for a whole lease of its own duration from the renewal', async () => {
    const short = new CampaignLookLeases(knex, 1_000);
    await short.claim(campaignId, first);
    const before = (await leaseRow()).expires_at as Date;
    await new Promise(resolve => setTimeout(resolve, 50));
    await leases.renew(campaignId, first);
    const after = (await leaseRow()).expires_at as Date;
    expect(after.getTime() - before.getTime()).toBeGreaterThan(28_000);
  });

  it('claims nothing for a campaign that does not exist, and lets its look find nothing', async () => {
    const missing = randomUUID();
    expect(await leases.claim(missing, first)).toEqual({ held: true });
    expect(
      await knex('campaign_look_leases').where({ campaign_id: missing }),
    ).toEqual([]);
  });

  it('gives one lease to one of many looks claiming at once, and every other asks it to look again', async () => {
    const owners = Array.from({ length: 8 }, () => randomUUID());
    const claims = await Promise.all(
      owners.map(owner => leases.claim(campaignId, owner)),
    );
    expect(claims.filter(c => c.held)).toHaveLength(1);
    const holder = owners[claims.findIndex(c => c.held)];
    expect(await leases.release(campaignId, holder)).toBe(true);
  });

  describe('fenced writes', () => {
    const stateOf = async () =>
      (await knex('campaigns').where({ id: campaignId }).first('state')).state;
    const pause = (tx: Parameters<Parameters<typeof leases.fenced>[2]>[0]) =>
      knexOf(tx)('campaigns')
        .where({ id: campaignId })
        .update({ state: 'paused' });

    it('writes while the lease is the holder’s, and still once it ran out with nobody claiming it', async () => {
      await leases.claim(campaignId, first);
      await knex('campaign_look_leases')
        .where({ campaign_id: campaignId })
        .update({ expires_at: knex.raw(`now() - interval '1 second'`) });
      expect(await leases.fenced(campaignId, first, pause)).toBe(1);
      expect(await stateOf()).toBe('paused');
    });

    it('refuses, writing nothing, a holder whose lease another took or that was released', async () => {
      await leases.claim(campaignId, first);
      await knex('campaign_look_leases')
        .where({ campaign_id: campaignId })
        .update({ expires_at: knex.raw(`now() - interval '1 second'`) });
      await leases.claim(campaignId, second);
      await expect(leases.fenced(campaignId, first, pause)).rejects.toThrow(
        LookLeaseLost,
      );
      await leases.release(campaignId, second);
      await expect(leases.fenced(campaignId, second, pause)).rejects.toThrow(
        /its lease is another look's now, or was released/,
      );
      expect(await stateOf()).toBe('running');
    });

    it('makes a claim of a lease run out wait for a fenced write in flight, which stands, and refuses the old holder’s next write', async () => {
      const short = new CampaignLookLeases(knex, 200);
      await short.claim(campaignId, first);
      let proceed!: () => void;
      const frozen = new Promise<void>(resolve => {
        proceed = resolve;
      });
      let entered!: () => void;
      const inWrite = new Promise<void>(resolve => {
        entered = resolve;
      });
      const write = short.fenced(campaignId, first, async tx => {
        entered();
        await frozen;
        return pause(tx);
      });
      await inWrite;
      // The holder is frozen inside its write past its lease; another claims it.
      await new Promise(resolve => setTimeout(resolve, 400));
      let claimed = false;
      const claim = short.claim(campaignId, second).then(result => {
        claimed = true;
        return result;
      });
      await new Promise(resolve => setTimeout(resolve, 300));
      expect(claimed).toBe(false);
      proceed();
      expect(await write).toBe(1);
      expect(await claim).toEqual({ held: true });
      expect(await stateOf()).toBe('paused');
      expect((await leaseRow()).owner).toBe(second);
      await expect(short.fenced(campaignId, first, pause)).rejects.toThrow(
        LookLeaseLost,
      );
    });
  });
});
