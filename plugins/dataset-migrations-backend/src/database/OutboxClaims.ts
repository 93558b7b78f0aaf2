import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';

/**
 * How long a claim on an entry holds without a renewal: a process that dies
 * while it delivers leaves the entry to others this long after its last renewal.
 */
const CLAIM_MS = 60_000;
/** The first back-off of an entry whose delivery failed; doubled per failure. */
const BACKOFF_MS = 60_000;
const MAX_BACKOFF_MS = 3_600_000;

/** An outbox row claimed for delivery, with the token of its claim. */
export interface ClaimedEntry {
  id: string;
  claimedBy: string;
  attempts: number;
  recordedAt: Date;
  /** The row's own columns, as asked for. */
  row: Record<string, any>;
}

/**
 * The claims on an outbox table's rows: rows written in the transaction of the
 * change they record, delivered afterwards by whoever claims them, one at a time
 * (see `drainOutbox`). The table has `id`, `recorded_at`, `emitted_at` (null
 * while owed), `claimed_until`, `claimed_by`, `attempts` and `next_attempt_at`.
 */
export class OutboxClaims {
  /** How long a claim holds an entry without a renewal. */
  readonly claimMs: number;

  constructor(
    private readonly knex: Knex,
    private readonly table: string,
    options?: {
      /** How long a claim holds an entry; {@link CLAIM_MS} unless a test shortens it. */
      claimMs?: number;
    },
  ) {
    this.claimMs = options?.claimMs ?? CLAIM_MS;
  }

  /**
   * Claims the oldest owed entry no live claim holds and no back-off delays
   * (and, given `olderThanMs`, recorded at least that long ago), under a new
   * token, for {@link claimMs}.
   */
  async claimNext(olderThanMs?: number): Promise<ClaimedEntry | undefined> {
    const { rows } = await this.knex.raw(
      `UPDATE ${this.table} o
          SET claimed_until = now() + ? * interval '1 millisecond',
              claimed_by = ?
        WHERE o.id = (
              SELECT id FROM ${this.table}
               WHERE emitted_at IS NULL
                 AND (?::float IS NULL
                      OR recorded_at <= now() - ? * interval '1 millisecond')
                 AND (claimed_until IS NULL OR claimed_until < now())
                 AND (next_attempt_at IS NULL OR next_attempt_at <= now())
               ORDER BY recorded_at
               LIMIT 1
                 FOR UPDATE SKIP LOCKED)
      RETURNING o.*`,
      [this.claimMs, randomUUID(), olderThanMs ?? null, olderThanMs ?? 0],
    );
    const row = rows[0];
    return (
      row && {
        id: row.id,
        claimedBy: row.claimed_by,
        attempts: row.attempts,
        recordedAt: new Date(row.recorded_at),
        row,
      }
    );
  }

  /**
   * Extends the claim by {@link claimMs} while it is still live and this
   * claimer's; false otherwise (it ran out, or another took it).
   */
  async renewClaim(entry: ClaimedEntry): Promise<boolean> {
    const renewed = await this.mine(entry)
      .where('claimed_until', '>', this.knex.fn.now())
      .update({
        claimed_until: this.knex.raw(`now() + ? * interval '1 millisecond'`, [
          this.claimMs,
        ]),
      });
    return renewed > 0;
  }

  /** Marks the entry delivered, under this claim only; false when another took it. */
  async markDone(entry: ClaimedEntry): Promise<boolean> {
    const marked = await this.mine(entry).update({
      emitted_at: this.knex.fn.now(),
      claimed_until: null,
      claimed_by: null,
    });
    return marked > 0;
  }

  /**
   * Its delivery failed: it waits out a back-off (doubled per failure, up to
   * {@link MAX_BACKOFF_MS}) while the others go on.
   */
  async markRejected(entry: ClaimedEntry): Promise<void> {
    await this.mine(entry).update({
      attempts: this.knex.raw('attempts + 1'),
      // The exponent is capped too: 2^attempts overflows after ~1,000 failures.
      next_attempt_at: this.knex.raw(
        `now() + least(? * power(2, least(attempts, 16)), ?) * interval '1 millisecond'`,
        [BACKOFF_MS, MAX_BACKOFF_MS],
      ),
      claimed_until: null,
      claimed_by: null,
    });
  }

  private mine(entry: ClaimedEntry) {
    return this.knex(this.table).where({
      id: entry.id,
      claimed_by: entry.claimedBy,
      emitted_at: null,
    });
  }

  /** Deletes the entries delivered more than `olderThanMs` ago; answers how many. */
  async pruneDone(olderThanMs: number): Promise<number> {
    return this.knex(this.table)
      .where(
        'emitted_at',
        '<',
        this.knex.raw(`now() - ? * interval '1 millisecond'`, [olderThanMs]),
      )
      .delete();
  }
}
