import type { Knex } from 'knex';
import {
  asStoreTransaction,
  knexOf,
  type StoreTransaction,
} from './StoreTransaction';

const TABLE = 'campaign_look_leases';
/** Claims that found the lease changing hands each time; more means something is wrong. */
const CLAIM_TRIES = 10;

/** A look's claim: held, or another's until `expiresAt` (by the database's clock). */
export type LookClaim = { held: true } | { held: false; expiresAt: Date };

/** A look that found its lease another's (or released) stops, having changed nothing more. */
export class LookLeaseLost extends Error {}

/**
 * One look at a campaign at a time across every replica: a look runs under its
 * campaign's lease, renewed while it runs. A look refused meanwhile marks the
 * lease, and its holder looks once more when it is done, so what the refused look
 * was asked for (an outcome, a freed slot) is not missed. A holder that dies
 * keeps the lease only until it runs out. Every time is the database's. Each
 * write a look makes is fenced by its lease ({@link CampaignLookLeases.fenced}).
 */
export class CampaignLookLeases {
  constructor(
    private readonly knex: Knex,
    /** How long a lease holds without a renewal. */
    readonly durationMs: number,
  ) {}

  async claim(campaignId: string, owner: string): Promise<LookClaim> {
    for (let tries = 1; tries <= CLAIM_TRIES; tries++) {
      const { rows: claimed } = await this.knex.raw<{ rows: unknown[] }>(
        `INSERT INTO ${TABLE} AS l (campaign_id, owner, expires_at, look_again)
         SELECT id, ?, now() + ? * interval '1 millisecond', false
           FROM campaigns WHERE id = ?
         ON CONFLICT (campaign_id) DO UPDATE
            SET owner = excluded.owner, expires_at = excluded.expires_at,
                look_again = false
          WHERE l.expires_at < now() OR l.owner = excluded.owner
         RETURNING 1`,
        [owner, this.durationMs, campaignId],
      );
      if (claimed.length > 0) return { held: true };
      // Held by another: ask it to look again. A lease released (or run out)
      // since the claim above matches nothing here, and is claimed next time.
      const marked = await this.knex(TABLE)
        .where({ campaign_id: campaignId })
        .whereNot({ owner })
        .where('expires_at', '>=', this.knex.fn.now())
        .update({ look_again: true })
        .returning<{ expires_at: Date }[]>('expires_at');
      if (marked.length > 0)
        return { held: false, expiresAt: marked[0].expires_at };
      // No such campaign: the look finds none and does nothing.
      if (!(await this.knex('campaigns').where({ id: campaignId }).first('id')))
        return { held: true };
    }
    throw new Error(
      `the look lease on campaign ${campaignId} changed hands ${CLAIM_TRIES} times while this look tried to claim it`,
    );
  }

  /** False when the lease is no longer this owner's (it ran out and another took it). */
  async renew(campaignId: string, owner: string): Promise<boolean> {
    const renewed = await this.knex(TABLE)
      .where({ campaign_id: campaignId, owner })
      .update({
        expires_at: this.knex.raw(`now() + ? * interval '1 millisecond'`, [
          this.durationMs,
        ]),
      });
    return renewed === 1;
  }

  /** Ends the lease; answers whether a look was asked for while it was held. */
  async release(campaignId: string, owner: string): Promise<boolean> {
    const released = await this.knex(TABLE)
      .where({ campaign_id: campaignId, owner })
      .delete()
      .returning<{ look_again: boolean }[]>('look_again');
    return released.some(r => r.look_again);
  }

  /**
   * Runs `write` in a transaction that first takes the lease's row FOR SHARE as
   * this owner's. A claim by another then waits for the write to commit, or the
   * write finds the row changed hands (or gone) and throws {@link LookLeaseLost}
   * having written nothing: never check-then-write, so a look frozen past its
   * lease cannot write beside the next holder. The expiry is not checked: a lease
   * that ran out with nobody claiming it is still this look's to write under.
   */
  async fenced<T>(
    campaignId: string,
    owner: string,
    write: (tx: StoreTransaction) => Promise<T>,
  ): Promise<T> {
    return this.knex.transaction(async tx => {
      await this.assertHeldIn(asStoreTransaction(tx), campaignId, owner);
      return write(asStoreTransaction(tx));
    });
  }

  /** The check of {@link fenced}, inside a transaction another store opened (a migration's start, a job queued). */
  async assertHeldIn(
    tx: StoreTransaction,
    campaignId: string,
    owner: string,
  ): Promise<void> {
    const held = await knexOf(tx)(TABLE)
      .where({ campaign_id: campaignId, owner })
      .forShare()
      .first('owner');
    if (!held)
      throw new LookLeaseLost(
        `A look at campaign ${campaignId} stopped: its lease is another look's now, or was released, so its write was refused`,
      );
  }
}
