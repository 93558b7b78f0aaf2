import type { Knex } from 'knex';
import type { JsonObject } from '@backstage/types';
import { randomUUID } from 'node:crypto';
import type {
  AuditorService,
  AuditorServiceEventSeverityLevel,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { knexOf, type StoreTransaction } from './StoreTransaction';

const TABLE = 'campaign_audit_outbox';
/**
 * How long an emitter holds the one event it claimed before another may take it
 * again. Claimed one at a time, so only an auditor slower than this on a single
 * event lets another emitter emit it again.
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

/**
 * The audit events of a campaign's own actions, in the plugin's database: each is
 * written in the transaction of the change it records (so a process that dies
 * after the change still leaves its record), and emitted through the auditor
 * afterwards, by whoever looks first. At least once: a process that dies between
 * the auditor and the mark emits it again, under the same `meta.auditEventId`.
 */
export class CampaignAuditOutbox {
  private readonly claimMs: number;

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
   * Emits the events not yet emitted, oldest first, and marks them. Each event is
   * claimed for {@link CLAIM_MS} first and emitted outside any transaction: a slow
   * auditor holds no row lock and no pooled connection, and other emitters skip the
   * claimed event meanwhile. A claim that runs out (its emitter died) is taken
   * again; the mark applies only under this emitter's own claim. An event the
   * auditor rejects is logged and waits out a back-off (doubled per rejection, up to
   * {@link MAX_BACKOFF_MS}) while the others go on. Each event carries
   * `recordedAt`, the time of the action (the auditor stamps its lines with the
   * time of emission). Answers how many this call emitted and marked.
   */
  async emitPending(
    auditor: Pick<AuditorService, 'createEvent'>,
    logger: Pick<LoggerService, 'warn'>,
  ): Promise<number> {
    let emitted = 0;
    for (;;) {
      const row = await this.claim();
      if (!row) return emitted;
      const mine = () =>
        this.knex(TABLE).where({ id: row.id, claimed_by: row.claimed_by });
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
        logger.warn(
          `The auditor rejected campaign audit event ${row.id} (${
            row.event_id
          }, attempt ${
            row.attempts + 1
          }); it is tried again after a back-off: ${error}`,
        );
        await mine().update({
          attempts: this.knex.raw('attempts + 1'),
          // The exponent is capped too: 2^attempts overflows after ~1,000 rejections.
          next_attempt_at: this.knex.raw(
            `now() + least(? * power(2, least(attempts, 16)), ?) * interval '1 millisecond'`,
            [BACKOFF_MS, MAX_BACKOFF_MS],
          ),
          claimed_until: null,
          claimed_by: null,
        });
        continue;
      }
      const marked = await mine().update({
        emitted_at: this.knex.fn.now(),
        claimed_until: null,
        claimed_by: null,
      });
      if (marked) {
        emitted++;
      } else {
        logger.warn(
          `Campaign audit event ${row.id} was emitted after its claim ran out and another emitter took it; it may be emitted again, under the same auditEventId`,
        );
      }
    }
  }

  /**
   * Claims the oldest waiting event no live claim holds and no back-off delays,
   * under a new token.
   */
  private async claim(): Promise<
    | {
        id: string;
        claimed_by: string;
        attempts: number;
        event_id: string;
        severity_level: AuditorServiceEventSeverityLevel;
        meta: JsonObject;
        recorded_at: Date;
      }
    | undefined
  > {
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
    return rows[0];
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
