import type { Knex } from 'knex';
import type { JsonObject } from '@backstage/types';
import type {
  AuditorService,
  AuditorServiceEventSeverityLevel,
} from '@backstage/backend-plugin-api';
import { knexOf, type StoreTransaction } from './StoreTransaction';

const TABLE = 'campaign_audit_outbox';
/** Claimed at a time. */
const BATCH = 100;
/** How long an emitter holds a claimed batch before another may take it again. */
const CLAIM_MS = 60_000;

/** An action a campaign took by itself, as its audit event records it. */
export interface CampaignAuditEvent {
  /** Stable: the same action recorded twice is one event. */
  id: string;
  campaignId: string;
  eventId: string;
  severityLevel: AuditorServiceEventSeverityLevel;
  meta: JsonObject;
}

/**
 * The audit events of a campaign's own actions, in the plugin's database: each is
 * written in the transaction of the change it records (so a process that dies
 * after the change still leaves its record), and emitted through the auditor
 * afterwards, by whoever looks first. At least once: a process that dies between
 * the auditor and the mark emits it again, under the same `meta.auditEventId`.
 */
export class CampaignAuditOutbox {
  constructor(private readonly knex: Knex) {}

  /** Records `event` with the change `executor` is writing; a repeat of its id is dropped. */
  async record(
    executor: StoreTransaction,
    event: CampaignAuditEvent,
    at: Date,
  ): Promise<void> {
    await knexOf(executor)(TABLE)
      .insert({
        id: event.id,
        campaign_id: event.campaignId,
        event_id: event.eventId,
        severity_level: event.severityLevel,
        meta: JSON.stringify(event.meta),
        recorded_at: at,
      })
      .onConflict('id')
      .ignore();
  }

  /**
   * Emits the events not yet emitted, oldest first, and marks them. Each batch is
   * claimed for {@link CLAIM_MS} first and emitted outside any transaction: a slow
   * auditor holds no row lock and no pooled connection, and other emitters skip the
   * claimed rows meanwhile. A claim that runs out (its emitter died) is taken again.
   * Each event carries `recordedAt`, the time of the action (the auditor stamps
   * its lines with the time of emission). Answers how many this call emitted.
   */
  async emitPending(
    auditor: Pick<AuditorService, 'createEvent'>,
  ): Promise<number> {
    let emitted = 0;
    for (;;) {
      const rows = await this.claim();
      for (const [i, row] of rows.entries()) {
        try {
          const event = await auditor.createEvent({
            eventId: row.event_id,
            severityLevel: row.severity_level,
            meta: {
              ...row.meta,
              auditEventId: row.id,
              recordedAt: new Date(row.recorded_at).toISOString(),
            },
          });
          await event.success();
        } catch (error) {
          // This one and the rest wait for the next call, not for the claim to run out.
          await this.knex(TABLE)
            .whereIn(
              'id',
              rows.slice(i).map(r => r.id),
            )
            .whereNull('emitted_at')
            .update({ claimed_until: null });
          throw error;
        }
        await this.knex(TABLE)
          .where({ id: row.id })
          .update({ emitted_at: this.knex.fn.now(), claimed_until: null });
        emitted++;
      }
      if (rows.length < BATCH) return emitted;
    }
  }

  /** Claims the oldest waiting events no live claim holds. */
  private async claim(): Promise<
    Array<{
      id: string;
      event_id: string;
      severity_level: AuditorServiceEventSeverityLevel;
      meta: JsonObject;
      recorded_at: Date;
    }>
  > {
    const { rows } = await this.knex.raw(
      `UPDATE ${TABLE} o
          SET claimed_until = now() + ? * interval '1 millisecond'
        WHERE o.id IN (
              SELECT id FROM ${TABLE}
               WHERE emitted_at IS NULL
                 AND (claimed_until IS NULL OR claimed_until < now())
               ORDER BY recorded_at
               LIMIT ?
                 FOR UPDATE SKIP LOCKED)
      RETURNING o.id, o.event_id, o.severity_level, o.meta, o.recorded_at`,
      [CLAIM_MS, BATCH],
    );
    return [...rows].sort(
      (a, b) =>
        new Date(a.recorded_at).getTime() - new Date(b.recorded_at).getTime(),
    );
  }

  /** Deletes the events emitted more than `olderThanMs` ago; answers how many. */
  async pruneEmitted(olderThanMs: number): Promise<number> {
    return this.knex(TABLE)
      .where(
        'emitted_at',
        '<',
        this.knex.raw(`now() - ? * interval '1 millisecond'`, [olderThanMs]),
      )
      .delete();
  }
}
