import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { AuditorServiceCreateEventOptions } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  createTestDatabases,
  MIGRATIONS_DIR,
} from '../__testUtils__/testDatabases';
import { recordingAuditor } from '../__testUtils__/recordingAuditor';
import { asStoreTransaction } from '../database/StoreTransaction';
import { CampaignAuditOutbox } from '../database/CampaignAuditOutbox';
import { emitCampaignAudit } from './emitCampaignAudit';

describe('emitCampaignAudit', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let outbox: CampaignAuditOutbox;
  const campaignId = randomUUID();
  const logger = mockServices.logger.mock();

  beforeAll(async () => {
    knex = await init();
    await knex.migrate.latest({ directory: MIGRATIONS_DIR });
    outbox = new CampaignAuditOutbox(knex);
  });

  let afterRelease: (() => void) | undefined;
  afterEach(() => afterRelease?.());

  beforeEach(async () => {
    await knex('campaign_audit_outbox').delete();
  });

  const record = (at: Date, wave = 0) =>
    knex.transaction(tx =>
      outbox.record(
        asStoreTransaction(tx),
        {
          id: randomUUID(),
          campaignId,
          eventId: 'campaign-policy-trip',
          severityLevel: 'high',
          meta: { campaignId, wave },
        },
        at,
      ),
    );

  it('emits each event with the time of its action, and holds no lock while the auditor works', async () => {
    const at = new Date('2026-11-30T08:00:00.000Z');
    await record(at);
    let release!: () => void;
    const released = new Promise<void>(resolve => {
      release = resolve;
    });
    let entered!: () => void;
    const inAuditor = new Promise<void>(resolve => {
      entered = resolve;
    });
    const seen: AuditorServiceCreateEventOptions[] = [];
    const slow = mockServices.auditor.mock({
      createEvent: async (options: AuditorServiceCreateEventOptions) => {
        seen.push(options);
        entered();
        await released;
        return { success: async () => {}, fail: async () => {} };
      },
    });
    const emitting = emitCampaignAudit(outbox, slow, logger);
    // Released whatever happens, so a failed assertion does not hang the emitter.
    afterRelease = release;
    await inAuditor;

    // While the auditor works: the row is not locked, and another emitter skips it.
    const row = await knex.transaction(tx =>
      tx('campaign_audit_outbox').forUpdate().noWait().first(),
    );
    expect(row.emitted_at).toBeNull();
    const other = recordingAuditor();
    expect(await emitCampaignAudit(outbox, other.auditor, logger)).toBe(0);
    expect(other.events).toEqual([]);

    release();
    expect(await emitting).toBe(1);
    expect(seen).toEqual([
      {
        eventId: 'campaign-policy-trip',
        severityLevel: 'high',
        meta: {
          campaignId,
          wave: 0,
          auditEventId: row.id,
          recordedAt: at.toISOString(),
        },
      },
    ]);
    expect(await emitCampaignAudit(outbox, other.auditor, logger)).toBe(0);
  });

  const waveOf = (e: { meta?: unknown }) => (e.meta as { wave: number }).wave;

  it('backs off an event the auditor rejects and emits the later ones meanwhile', async () => {
    await record(new Date('2026-11-30T08:00:00Z'), 0);
    await record(new Date('2026-11-30T08:01:00Z'), 1);
    await record(new Date('2026-11-30T08:02:00Z'), 2);
    const { id: rejectedId } = await knex('campaign_audit_outbox')
      .whereRaw(`meta->>'wave' = '0'`)
      .first('id');
    let rejecting = true;
    const tried: number[] = [];
    const { auditor: recording, events } = recordingAuditor();
    const auditor = mockServices.auditor.mock({
      createEvent: async (options: AuditorServiceCreateEventOptions) => {
        tried.push(waveOf(options));
        if (rejecting && waveOf(options) === 0) {
          throw new Error('the audit log refuses this one');
        }
        return recording.createEvent(options);
      },
    });
    const warnings = mockServices.logger.mock();

    expect(await emitCampaignAudit(outbox, auditor, warnings)).toBe(2);
    expect(events.map(waveOf)).toEqual([1, 2]);
    expect(warnings.warn).toHaveBeenCalledWith(
      expect.stringContaining(rejectedId),
    );
    // Backed off for a minute, not tried again before then.
    const [backedOff] = await knex('campaign_audit_outbox')
      .where({ id: rejectedId })
      .select(
        'attempts',
        'emitted_at',
        knex.raw(`next_attempt_at > now() + interval '50 seconds' AS later`),
      );
    expect(backedOff).toEqual({ attempts: 1, emitted_at: null, later: true });
    await record(new Date('2026-11-30T08:03:00Z'), 3);
    expect(await emitCampaignAudit(outbox, auditor, warnings)).toBe(1);
    expect(tried).toEqual([0, 1, 2, 3]);

    // Its back-off over, it is tried again and emitted once the auditor takes it.
    rejecting = false;
    await knex('campaign_audit_outbox')
      .where({ id: rejectedId })
      .update({ next_attempt_at: knex.raw(`now() - interval '1 second'`) });
    expect(await emitCampaignAudit(outbox, auditor, warnings)).toBe(1);
    expect(events.map(waveOf)).toEqual([1, 2, 3, 0]);
    expect(await emitCampaignAudit(outbox, auditor, warnings)).toBe(0);
    expect(
      await knex('campaign_audit_outbox').whereNull('emitted_at').count(),
    ).toEqual([{ count: '0' }]);
  });

  it('emits each event once when two emitters meet an auditor slower than a claim per batch', async () => {
    // 12 events at 150 ms each take 1.8 s, under a claim of 1 s.
    const claimed = new CampaignAuditOutbox(knex, { claimMs: 1_000 });
    for (let wave = 0; wave < 12; wave++) {
      await record(new Date(Date.UTC(2026, 10, 30, 8, wave)), wave);
    }
    const { auditor: recording, events } = recordingAuditor();
    const slow = mockServices.auditor.mock({
      createEvent: async (options: AuditorServiceCreateEventOptions) => {
        await new Promise(resolve => setTimeout(resolve, 150));
        return recording.createEvent(options);
      },
    });
    let done = false;
    const first = emitCampaignAudit(claimed, slow, logger).finally(() => {
      done = true;
    });
    // The second emitter looks every 100 ms while the first is at work.
    let second = 0;
    while (!done) {
      await new Promise(resolve => setTimeout(resolve, 100));
      second += await emitCampaignAudit(claimed, slow, logger);
    }
    expect((await first) + second).toBe(12);
    expect(events.map(waveOf).sort((a, b) => a - b)).toEqual(
      Array.from({ length: 12 }, (_, wave) => wave),
    );
  });

  /** An auditor that holds each event until released. */
  const held = () => {
    let release!: () => void;
    const released = new Promise<void>(resolve => {
      release = resolve;
    });
    let entered!: () => void;
    const inAuditor = new Promise<void>(resolve => {
      entered = resolve;
    });
    const auditor = mockServices.auditor.mock({
      createEvent: async () => {
        entered();
        await released;
        return { success: async () => {}, fail: async () => {} };
      },
    });
    return { auditor, release, inAuditor };
  };

  it('keeps its claim while a slow auditor works past the claim’s length, so no other emitter emits the event again', async () => {
    // Renewed every third of 2 s: only a stall over 1.3 s would lose it.
    const claimed = new CampaignAuditOutbox(knex, { claimMs: 2_000 });
    await record(new Date('2026-11-30T08:00:00Z'));
    const slow = held();
    afterRelease = slow.release;
    const warnings = mockServices.logger.mock();
    const first = emitCampaignAudit(claimed, slow.auditor, warnings);
    await slow.inAuditor;
    // Past the claim's length, another emitter finds nothing to take.
    await new Promise(resolve => setTimeout(resolve, 2_500));
    const other = recordingAuditor();
    expect(await emitCampaignAudit(claimed, other.auditor, logger)).toBe(0);
    expect(other.events).toEqual([]);

    slow.release();
    expect(await first).toBe(1);
    expect(warnings.warn).not.toHaveBeenCalled();
    expect(
      await knex('campaign_audit_outbox').whereNull('emitted_at').count(),
    ).toEqual([{ count: '0' }]);
  });

  it('marks an event only under its own claim: an emitter whose claim was taken leaves the row to the taker', async () => {
    const claimed = new CampaignAuditOutbox(knex, { claimMs: 1_000 });
    await record(new Date('2026-11-30T08:00:00Z'));
    const a = held();
    const b = held();
    afterRelease = () => {
      a.release();
      b.release();
    };
    const warnings = mockServices.logger.mock();
    const emittingA = emitCampaignAudit(claimed, a.auditor, warnings);
    await a.inAuditor;
    // A's claim ran out (A was frozen past it: its renewals are refused from
    // now on); B takes the event.
    await knex('campaign_audit_outbox').update({
      claimed_until: knex.raw(`now() - interval '1 second'`),
    });
    const emittingB = emitCampaignAudit(claimed, b.auditor, logger);
    await b.inAuditor;

    a.release();
    expect(await emittingA).toBe(0);
    expect(warnings.warn).toHaveBeenCalledTimes(1);
    const [row] = await knex('campaign_audit_outbox').select(
      'emitted_at',
      knex.raw('claimed_by IS NOT NULL AS claimed'),
    );
    expect(row).toEqual({ emitted_at: null, claimed: true });

    b.release();
    expect(await emittingB).toBe(1);
    expect(
      await knex('campaign_audit_outbox').whereNull('emitted_at').count(),
    ).toEqual([{ count: '0' }]);
  });

  it('takes an event again once the claim of an emitter that died ran out', async () => {
    await record(new Date('2026-11-30T08:00:00Z'));
    // An emitter claimed it and died.
    await knex('campaign_audit_outbox').update({
      claimed_until: knex.raw(`now() + interval '1 minute'`),
    });
    const { auditor, events } = recordingAuditor();
    expect(await emitCampaignAudit(outbox, auditor, logger)).toBe(0);
    await knex('campaign_audit_outbox').update({
      claimed_until: knex.raw(`now() - interval '1 second'`),
    });
    expect(await emitCampaignAudit(outbox, auditor, logger)).toBe(1);
    expect(events).toHaveLength(1);
  });

  it('prunes the events emitted longer ago than asked, and nothing waiting', async () => {
    await record(new Date('2026-11-01T08:00:00Z'), 0);
    await record(new Date('2026-11-01T08:00:00Z'), 1);
    await record(new Date('2026-11-01T08:00:00Z'), 2);
    const { auditor } = recordingAuditor();
    expect(await emitCampaignAudit(outbox, auditor, logger)).toBe(3);
    const day = 86_400_000;
    // Wave 0 emitted 8 days ago, wave 1 6 days ago; wave 2 waits still.
    await knex('campaign_audit_outbox')
      .whereRaw(`meta->>'wave' = '0'`)
      .update({ emitted_at: knex.raw(`now() - interval '8 days'`) });
    await knex('campaign_audit_outbox')
      .whereRaw(`meta->>'wave' = '1'`)
      .update({ emitted_at: knex.raw(`now() - interval '6 days'`) });
    await knex('campaign_audit_outbox')
      .whereRaw(`meta->>'wave' = '2'`)
      .update({ emitted_at: null });

    expect(await outbox.pruneEmitted(7 * day)).toBe(1);
    const left = await knex('campaign_audit_outbox')
      .orderByRaw(`meta->>'wave'`)
      .select(knex.raw(`(meta->>'wave')::int AS wave`));
    expect(left).toEqual([{ wave: 1 }, { wave: 2 }]);
  });
});
