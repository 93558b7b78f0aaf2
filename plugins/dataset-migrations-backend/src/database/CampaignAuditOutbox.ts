import type { Knex } from 'knex';
import type { JsonObject } from '@backstage/types';
import { randomUUID } from 'node:crypto';
import type { AuditorServiceEventSeverityLevel } from '@backstage/backend-plugin-api';
import { knexOf, type StoreTransaction } from './StoreTransaction';

const TABLE = 'campaign_audit_outbox';
/**
 * How long a claim on an event holds without a renewal: an emitter that dies
 * while it emits leaves the event to others this long after its last renewal.
 */
const CLAIM_MS = 60_000;
/** The first back-off of an event the auditor rejected; doubled per rejection. */
const BACKOFF_MS = 60_000;
const MAX_BACKOFF_MS = 3_600_000;

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
export interface ClaimedAuditEvent {
  id: string;
  claimedBy: string;
  attempts: number;
  eventId: string;
  severityLevel: AuditorServiceEventSeverityLevel;
  meta: JsonObject;
  recordedAt: Date;
}

/**
 * The audit events of a campaign's own actions, in the plugin's database: each is
 * written in the transaction of the change it records (so a process that dies
 * after the change still leaves its record), and claimed, one at a time, by
 * whoever emits them afterwards (see `emitCampaignAudit`).
 */
export class CampaignAuditOutbox {
  /** How long a claim holds an event without a renewal. */
  readonly claimMs: number;

  constructor(
    private readonly knex: Knex,
    options?: {
      /** How long a claim holds an event; {@link CLAIM_MS} unless a test shortens it. */
      claimMs?: number;
    },
  ) {
    this.claimMs = options?.claimMs ?? CLAIM_MS;
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
   * under a new token, for {@link claimMs}.
   */
  async claimNext(): Promise<ClaimedAuditEvent | undefined> {
    const { rows } = await this.knex.raw(
      `UPDATE ${TABLE} o
          SET claimed_until = now() + ? * interval '1 millisecond',
              claimed_by = ?
        WHERE o.id = (
              SELECT id FROM ${TABLE}
               WHERE emitted_at IS NULL
                 AND (claimed_until IS NULL OR claimed_until < now())
                 AND (next_attempt_at IS NULL OR next_attempt_at <= now())
               ORDER BY recorded_at
               LIMIT 1
                 FOR UPDATE SKIP LOCKED)
      RETURNING o.id, o.claimed_by, o.attempts, o.event_id, o.severity_level,
                o.meta, o.recorded_at`,
      [this.claimMs, randomUUID()],
    );
    const row = rows[0];
    return (
      row && {
        id: row.id,
        claimedBy: row.claimed_by,
        attempts: row.attempts,
        eventId: row.event_id,
        severityLevel: row.severity_level,
        meta: row.meta,
        recordedAt: new Date(row.recorded_at),
      }
    );
  }

  /**
   * Extends the claim by {@link claimMs} while it is still live and this
   * claimer's; false otherwise (it ran out, or another took it).
   */
  async renewClaim(event: ClaimedAuditEvent): Promise<boolean> {
    const renewed = await this.mine(event)
      .where('claimed_until', '>', this.knex.fn.now())
      .update({
        claimed_until: this.knex.raw(`now() + ? * interval '1 millisecond'`, [
          this.claimMs,
        ]),
      });
    return renewed > 0;
  }

  /** Marks the event emitted, under this claim only; false when another took it. */
  async markEmitted(event: ClaimedAuditEvent): Promise<boolean> {
    const marked = await this.mine(event).update({
      emitted_at: this.knex.fn.now(),
      claimed_until: null,
      claimed_by: null,
    });
    return marked > 0;
  }

  /**
   * The auditor rejected the event: it waits out a back-off (doubled per
   * rejection, up to {@link MAX_BACKOFF_MS}) while the others go on.
   */
  async markRejected(event: ClaimedAuditEvent): Promise<void> {
    await this.mine(event).update({
      attempts: this.knex.raw('attempts + 1'),
      // The exponent is capped too: 2^attempts overflows after ~1,000 rejections.
      next_attempt_at: this.knex.raw(
        `now() + least(? * power(2, least(attempts, 16)), ?) * interval '1 millisecond'`,
        [BACKOFF_MS, MAX_BACKOFF_MS],
      ),
      claimed_until: null,
      claimed_by: null,
    });
  }

  private mine(event: ClaimedAuditEvent) {
    return this.knex(TABLE).where({
      id: event.id,
      claimed_by: event.claimedBy,
      emitted_at: null,
    });
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
