import type { Knex } from 'knex';
import type { JsonObject } from '@backstage/types';
import type { AuditorServiceEventSeverityLevel } from '@backstage/backend-plugin-api';
import { knexOf, type StoreTransaction } from './StoreTransaction';
import { OutboxClaims, type ClaimedEntry } from './OutboxClaims';

const TABLE = 'campaign_audit_outbox';

/** An action a campaign took by itself, as its audit event records it. */
export interface CampaignAuditEvent {
  /** Stable: the same action recorded twice is one event. */
  id: string;
  campaignId: string;
  eventId: string;
  severityLevel: AuditorServiceEventSeverityLevel;
  meta: JsonObject;
}

/** An event claimed for emission, with the token of its claim. */
export interface ClaimedAuditEvent extends ClaimedEntry {
  eventId: string;
  severityLevel: AuditorServiceEventSeverityLevel;
  meta: JsonObject;
}

/**
 * The audit events of a campaign's own actions, in the plugin's database: each is
 * written in the transaction of the change it records (so a process that dies
 * after the change still leaves its record), and claimed, one at a time, by
 * whoever emits them afterwards (see `emitCampaignAudit`).
 */
export class CampaignAuditOutbox {
  private readonly claims: OutboxClaims;

  constructor(
    knex: Knex,
    options?: {
      /** How long a claim holds an event; a minute unless a test shortens it. */
      claimMs?: number;
    },
  ) {
    this.claims = new OutboxClaims(knex, TABLE, options);
  }

  /** How long a claim holds an event without a renewal. */
  get claimMs(): number {
    return this.claims.claimMs;
  }

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
   * Claims the oldest waiting event no live claim holds and no back-off delays,
   * under a new token (see {@link OutboxClaims.claimNext}).
   */
  async claimNext(): Promise<ClaimedAuditEvent | undefined> {
    const claimed = await this.claims.claimNext();
    return (
      claimed && {
        ...claimed,
        eventId: claimed.row.event_id,
        severityLevel: claimed.row.severity_level,
        meta: claimed.row.meta,
      }
    );
  }

  /** Extends the claim while it is live and this claimer's; false otherwise. */
  renewClaim(event: ClaimedAuditEvent): Promise<boolean> {
    return this.claims.renewClaim(event);
  }

  /** Marks the event emitted, under this claim only; false when another took it. */
  markEmitted(event: ClaimedAuditEvent): Promise<boolean> {
    return this.claims.markDone(event);
  }

  /** The auditor rejected the event: it backs off while the others go on. */
  markRejected(event: ClaimedAuditEvent): Promise<void> {
    return this.claims.markRejected(event);
  }

  /** Deletes the events emitted more than `olderThanMs` ago; answers how many. */
  pruneEmitted(olderThanMs: number): Promise<number> {
    return this.claims.pruneDone(olderThanMs);
  }
}
