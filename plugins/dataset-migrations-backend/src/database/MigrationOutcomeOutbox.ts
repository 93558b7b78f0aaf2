import type { Knex } from 'knex';
import { randomUUID } from 'node:crypto';
import type { MigrationOutcome } from '@dataset-migrations/plugin-dataset-migrations-common';
import { knexOf, type StoreTransaction } from './StoreTransaction';
import { OutboxClaims, type ClaimedEntry } from './OutboxClaims';

const TABLE = 'migration_outcome_outbox';

/** An outcome a worker recorded, as its announcement tells it. */
export interface OwedOutcome {
  migrationId: string;
  outcome: MigrationOutcome;
  actor?: string;
  reason?: string;
}

/** An owed outcome claimed for announcement, with the token of its claim. */
export interface ClaimedOutcome extends ClaimedEntry, OwedOutcome {}

/**
 * The outcomes a worker recorded and owes an announcement, in the plugin's
 * database: each written in the transaction of the outcome (so a worker that
 * dies after that commit still leaves it owed), marked once the announcer is
 * done with it, and otherwise claimed, one at a time, by a sweep's drain (see
 * `OutcomeAnnouncements`).
 */
export class MigrationOutcomeOutbox {
  private readonly claims: OutboxClaims;

  constructor(
    private readonly knex: Knex,
    options?: {
      /** How long a claim holds an outcome; a minute unless a test shortens it. */
      claimMs?: number;
    },
  ) {
    this.claims = new OutboxClaims(knex, TABLE, options);
  }

  /** How long a claim holds an outcome without a renewal. */
  get claimMs(): number {
    return this.claims.claimMs;
  }

  /**
   * Records `owed`, which happened `at`, with the outcome `executor` is writing;
   * answers its id.
   */
  async record(
    executor: StoreTransaction,
    owed: OwedOutcome,
    at: Date,
  ): Promise<string> {
    const id = randomUUID();
    await knexOf(executor)(TABLE).insert({
      id,
      migration_id: owed.migrationId,
      outcome: owed.outcome,
      actor: owed.actor ?? null,
      reason: owed.reason ?? null,
      recorded_at: at,
    });
    return id;
  }

  /** The worker that recorded it announced it: no claim, as no drain takes it this young. */
  async markAnnounced(id: string): Promise<void> {
    await this.knex(TABLE)
      .where({ id, emitted_at: null })
      .update({ emitted_at: this.knex.fn.now() });
  }

  /**
   * Claims the oldest owed outcome recorded at least `olderThanMs` ago that no
   * live claim holds and no back-off delays (see {@link OutboxClaims.claimNext}).
   */
  async claimNext(olderThanMs: number): Promise<ClaimedOutcome | undefined> {
    const claimed = await this.claims.claimNext(olderThanMs);
    return (
      claimed && {
        ...claimed,
        migrationId: claimed.row.migration_id,
        outcome: claimed.row.outcome,
        ...(claimed.row.actor ? { actor: claimed.row.actor } : {}),
        ...(claimed.row.reason ? { reason: claimed.row.reason } : {}),
      }
    );
  }

  renewClaim(owed: ClaimedOutcome): Promise<boolean> {
    return this.claims.renewClaim(owed);
  }

  /** Marks it announced, under this claim only; false when another took it. */
  markDone(owed: ClaimedOutcome): Promise<boolean> {
    return this.claims.markDone(owed);
  }

  /** Its announcement failed: it backs off while the others go on. */
  markRejected(owed: ClaimedOutcome): Promise<void> {
    return this.claims.markRejected(owed);
  }

  /** Deletes the outcomes announced more than `olderThanMs` ago; answers how many. */
  pruneAnnounced(olderThanMs: number): Promise<number> {
    return this.claims.pruneDone(olderThanMs);
  }
}
