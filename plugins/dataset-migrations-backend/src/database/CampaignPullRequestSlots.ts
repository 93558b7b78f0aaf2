import type { Knex } from 'knex';
import {
  campaignDocumentSchema,
  type CampaignDocument,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { CONSUMERS_TABLE } from './consumerRows';

/** A campaign's throttles and automerge switch for its consumers' pull requests. */
export type PullRequestRollout = CampaignDocument['rollout']['pullRequests'];

/** Whether a pull request may be opened now, and if not, when to ask again and why. */
export type SlotOutcome<T> = { opened: T } | { retryAt: Date; reason: string };

/** A waiting consumer asks again this soon when a slot frees only as pull requests close. */
const DEFAULT_RETRY_MS = 5 * 60_000;
/** … and this soon when the campaign's count stayed locked longer than {@link LOCK_WAIT}. */
const BUSY_RETRY_MS = 2_000;
/** Counting takes milliseconds; a wait this long means something is wrong: come back. */
const LOCK_WAIT = '5s';
/** A slot taken by a worker that died while opening counts no longer than this. */
const RESERVATION_TTL = '10 minutes';
const HOUR_MS = 3600_000;
/** Slots ever taken per campaign and owner; see its migration. */
const TALLY_TABLE = 'campaign_pull_request_tally';

/**
 * Campaign pull requests, counted race-free across workers: a slot is counted and
 * taken under a transaction-scoped advisory lock keyed by the campaign, held for
 * the count and one write only; the pull request is opened (a call to GitHub)
 * after the lock goes, so workers open a campaign's pull requests side by side.
 * Counted from the consumer ledger: the campaign's open pull requests (all, and
 * per consumer owner) and those opened in the last hour, slots taken by openings
 * under way included. Open is what the ledger recorded of the pull request,
 * whatever the consumer's state: one still awaiting review (`pr-opened`), one
 * whose consumer failed after it opened, or a rolled-back one not closed yet all
 * hold a slot. That count runs only once the campaign's tally of slots ever
 * taken could have reached a limit; below every limit a slot is taken at the cost
 * of two small reads.
 */
export class CampaignPullRequestSlots {
  constructor(
    private readonly knex: Knex,
    private readonly options: { retryMs?: number } = {},
  ) {}

  /** The campaign document's pull-request rollout, defaults filled in; undefined for no such campaign. */
  async rolloutOf(campaignId: string): Promise<PullRequestRollout | undefined> {
    const row = await this.knex('campaigns')
      .where({ id: campaignId })
      .first('document');
    if (!row) return undefined;
    const document =
      typeof row.document === 'string'
        ? JSON.parse(row.document)
        : row.document;
    const parsed = campaignDocumentSchema.safeParse(document);
    if (!parsed.success) {
      throw new Error(
        `campaign ${campaignId} holds a document that no longer validates: ${parsed.error.issues
          .map(i => `${i.path.join('.')}: ${i.message}`)
          .join('; ')}`,
      );
    }
    return parsed.data.rollout.pullRequests;
  }

  /**
   * Runs `open` if the campaign's limits leave room for one more pull request of a
   * consumer owned by `owner`; `open` must record the pull request in the ledger
   * (`pullRequest.state` open, `pullRequest.openedAt`) before it returns, so the next
   * count sees it. Otherwise, says when a slot could free.
   */
  async withSlot<T>(
    campaignId: string,
    consumer: { migrationId: string; entityRef: string; owner?: string },
    open: () => Promise<T>,
  ): Promise<SlotOutcome<T>> {
    const rollout = await this.rolloutOf(campaignId);
    if (!rollout) return { opened: await open() };
    const refused = await this.reserve(campaignId, consumer, rollout);
    if (refused) return refused;
    const slot = this.knex(CONSUMERS_TABLE).where({
      migration_id: consumer.migrationId,
      entity_ref: consumer.entityRef,
    });
    try {
      return { opened: await open() };
    } finally {
      // Recorded in the ledger as open by now, or not opened: either way the
      // reservation has done its work.
      await slot.clone().update({ pull_request_reserved_at: null });
    }
  }

  /** Takes a slot for the consumer, or says why there is none now and when to ask again. */
  private async reserve(
    campaignId: string,
    consumer: { migrationId: string; entityRef: string; owner?: string },
    rollout: PullRequestRollout,
  ): Promise<{ retryAt: Date; reason: string } | undefined> {
    const { owner } = consumer;
    return this.knex.transaction(async tx => {
      await tx.raw(`SET LOCAL lock_timeout = '${LOCK_WAIT}'`);
      try {
        await tx.raw(`SELECT pg_advisory_xact_lock(hashtextextended(?, 0))`, [
          `dataset-migrations:campaign-pull-requests:${campaignId}`,
        ]);
      } catch (error) {
        if ((error as { code?: string }).code !== '55P03') throw error;
        return {
          retryAt: new Date(Date.now() + BUSY_RETRY_MS),
          reason: `the campaign's pull requests stayed locked for ${LOCK_WAIT}`,
        };
      }
      const tally = await tx(TALLY_TABLE)
        .where({ campaign_id: campaignId })
        .select<Array<{ owner: string; reserved: number }>>(
          'owner',
          'reserved',
        );
      const ownerKey = owner ?? '';
      const taken = tally.reduce((sum, row) => sum + row.reserved, 0);
      const takenByOwner =
        tally.find(row => row.owner === ownerKey)?.reserved ?? 0;
      // Fewer slots ever taken than any limit allows: no count can reach one.
      const belowEveryLimit =
        taken < Math.min(rollout.concurrentLimit, rollout.hourlyLimit) &&
        takenByOwner < rollout.perOwnerLimit;
      if (!belowEveryLimit) {
        const refused = await this.countedRefusal(
          tx,
          campaignId,
          consumer,
          rollout,
        );
        if (refused) return refused;
      }
      await tx(CONSUMERS_TABLE)
        .where({
          migration_id: consumer.migrationId,
          entity_ref: consumer.entityRef,
        })
        .update({ pull_request_reserved_at: tx.fn.now() });
      await tx(TALLY_TABLE)
        .insert({ campaign_id: campaignId, owner: ownerKey, reserved: 1 })
        .onConflict(['campaign_id', 'owner'])
        .merge({ reserved: tx.raw(`${TALLY_TABLE}.reserved + 1`) });
      return undefined;
    });
  }

  /**
   * Counts the campaign's pull requests in the ledger (open, by owner, opened in
   * the last hour; reservations under way included) and says why there is no slot
   * now, if there is none. Reads only the rows that hold a slot, whose number the
   * limits bound, not every consumer of the campaign.
   */
  private async countedRefusal(
    tx: Knex.Transaction,
    campaignId: string,
    consumer: { migrationId: string; entityRef: string; owner?: string },
    rollout: PullRequestRollout,
  ): Promise<{ retryAt: Date; reason: string } | undefined> {
    const { owner } = consumer;
    const { rows } = await tx.raw(
      `SELECT count(*) FILTER (WHERE c.open) AS open,
              count(*) FILTER (WHERE c.open AND c.owner IS NOT DISTINCT FROM ?) AS open_by_owner,
              count(*) FILTER (WHERE opened_at > now() - interval '1 hour') AS last_hour,
              min(opened_at) FILTER (WHERE opened_at > now() - interval '1 hour') AS oldest_in_hour
         FROM (SELECT c.owner,
                      (c.pull_request->>'state') = 'open' OR c.reserved AS open,
                      CASE WHEN c.reserved THEN c.pull_request_reserved_at
                           ELSE (c.pull_request->>'openedAt')::timestamptz END AS opened_at
                 FROM (SELECT c.*, c.pull_request_reserved_at > now() - interval '${RESERVATION_TTL}' AS reserved
                         -- Only what can hold a slot, through the two partial indexes:
                         -- open or being opened, or opened within the hour. openedAt
                         -- is an ISO instant in UTC (toISOString), so text order is
                         -- time order; the bound a millisecond early, so the text's
                         -- precision never drops a row the exact filter keeps.
                         FROM (SELECT migration_id, entity_ref FROM ${CONSUMERS_TABLE}
                                WHERE (pull_request->>'state') = 'open'
                                   OR pull_request_reserved_at IS NOT NULL
                               UNION
                               SELECT migration_id, entity_ref FROM ${CONSUMERS_TABLE}
                                WHERE (pull_request->>'openedAt') IS NOT NULL
                                  AND (pull_request->>'openedAt') > to_char(
                                        (now() - interval '1 hour 1 millisecond') AT TIME ZONE 'UTC',
                                        'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')) held
                         JOIN ${CONSUMERS_TABLE} c USING (migration_id, entity_ref)
                         JOIN migrations m ON m.id = c.migration_id
                        WHERE m.campaign_id = ?
                          -- Its own reservation, left by a worker that died, holds no slot against it.
                          AND NOT (c.migration_id = ? AND c.entity_ref = ?)) c) c`,
      [owner ?? null, campaignId, consumer.migrationId, consumer.entityRef],
    );
    const counts = rows[0];
    const later = new Date(
      Date.now() + (this.options.retryMs ?? DEFAULT_RETRY_MS),
    );
    if (Number(counts.last_hour) >= rollout.hourlyLimit) {
      return {
        retryAt: new Date(new Date(counts.oldest_in_hour).getTime() + HOUR_MS),
        reason: `${counts.last_hour} pull requests of the campaign were opened in the last hour (hourlyLimit ${rollout.hourlyLimit})`,
      };
    }
    if (Number(counts.open) >= rollout.concurrentLimit) {
      return {
        retryAt: later,
        reason: `${counts.open} pull requests of the campaign are open (concurrentLimit ${rollout.concurrentLimit})`,
      };
    }
    if (Number(counts.open_by_owner) >= rollout.perOwnerLimit) {
      return {
        retryAt: later,
        reason: `${counts.open_by_owner} pull requests of ${
          owner ?? 'consumers without an owner'
        } are open (perOwnerLimit ${rollout.perOwnerLimit})`,
      };
    }
    return undefined;
  }
}
