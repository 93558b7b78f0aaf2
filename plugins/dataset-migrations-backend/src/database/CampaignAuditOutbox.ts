import type { Knex } from 'knex';
import type { JsonObject } from '@backstage/types';
import type {
  AuditorService,
  AuditorServiceEventSeverityLevel,
} from '@backstage/backend-plugin-api';
import { knexOf, type StoreTransaction } from './StoreTransaction';

const TABLE = 'campaign_audit_outbox';
/** Emitted per transaction; the rest wait for the next call. */
const BATCH = 100;

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
   * Emits the events not yet emitted, oldest first, and marks them. Rows another
   * emitter holds are skipped, not waited for: it emits them. Answers how many
   * this call emitted.
   */
  async emitPending(
    auditor: Pick<AuditorService, 'createEvent'>,
  ): Promise<number> {
    let emitted = 0;
    for (;;) {
      let failure: unknown;
      const batch = await this.knex.transaction(async tx => {
        const rows: Array<{
          id: string;
          event_id: string;
          severity_level: AuditorServiceEventSeverityLevel;
          meta: JsonObject;
        }> = await tx(TABLE)
          .whereNull('emitted_at')
          .orderBy('recorded_at')
          .limit(BATCH)
          .forUpdate()
          .skipLocked()
          .select('id', 'event_id', 'severity_level', 'meta');
        for (const row of rows) {
          try {
            const event = await auditor.createEvent({
              eventId: row.event_id,
              severityLevel: row.severity_level,
              meta: { ...row.meta, auditEventId: row.id },
            });
            await event.success();
          } catch (error) {
            // The rows emitted so far keep their mark; this one and the rest wait.
            failure = error;
            break;
          }
          await tx(TABLE)
            .where({ id: row.id })
            .update({ emitted_at: tx.fn.now() });
          emitted++;
        }
        return rows.length;
      });
      if (failure) throw failure;
      if (batch < BATCH) return emitted;
    }
  }
}
