import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { AuditorServiceCreateEventOptions } from '@backstage/backend-plugin-api';
import { mockServices } from '@backstage/backend-test-utils';
import {
  createTestDatabases,
  MIGRATIONS_DIR,
} from '../__testUtils__/testDatabases';
import { recordingAuditor } from '../__testUtils__/recordingAuditor';
import { asStoreTransaction } from './StoreTransaction';
import { CampaignAuditOutbox } from './CampaignAuditOutbox';

describe('CampaignAuditOutbox', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let outbox: CampaignAuditOutbox;
  const campaignId = randomUUID();

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
    const emitting = outbox.emitPending(slow);
    // Released whatever happens, so a failed assertion does not hang the emitter.
    afterRelease = release;
    await inAuditor;

    // While the auditor works: the row is not locked, and another emitter skips it.
    const row = await knex.transaction(tx =>
      tx('campaign_audit_outbox').forUpdate().noWait().first(),
    );
    expect(row.emitted_at).toBeNull();
    const other = recordingAuditor();
    expect(await outbox.emitPending(other.auditor)).toBe(0);
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
    expect(await outbox.emitPending(other.auditor)).toBe(0);
  });

  it('leaves an event the auditor failed for the next call, not for its claim to run out', async () => {
    await record(new Date('2026-11-30T08:00:00Z'), 0);
    await record(new Date('2026-11-30T08:01:00Z'), 1);
    const failing = mockServices.auditor.mock({
      createEvent: async () => {
        throw new Error('the audit log is down');
      },
    });
    await expect(outbox.emitPending(failing)).rejects.toThrow(
      'the audit log is down',
    );
    const { auditor, events } = recordingAuditor();
    expect(await outbox.emitPending(auditor)).toBe(2);
    expect(events.map(e => (e.meta as { wave: number }).wave)).toEqual([0, 1]);
  });

  it('takes an event again once the claim of an emitter that died ran out', async () => {
    await record(new Date('2026-11-30T08:00:00Z'));
    // An emitter claimed it and died.
    await knex('campaign_audit_outbox').update({
      claimed_until: knex.raw(`now() + interval '1 minute'`),
    });
    const { auditor, events } = recordingAuditor();
    expect(await outbox.emitPending(auditor)).toBe(0);
    await knex('campaign_audit_outbox').update({
      claimed_until: knex.raw(`now() - interval '1 second'`),
    });
    expect(await outbox.emitPending(auditor)).toBe(1);
    expect(events).toHaveLength(1);
  });

  it('prunes the events emitted longer ago than asked, and nothing waiting', async () => {
    await record(new Date('2026-11-01T08:00:00Z'), 0);
    await record(new Date('2026-11-01T08:00:00Z'), 1);
    await record(new Date('2026-11-01T08:00:00Z'), 2);
    const { auditor } = recordingAuditor();
    expect(await outbox.emitPending(auditor)).toBe(3);
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
