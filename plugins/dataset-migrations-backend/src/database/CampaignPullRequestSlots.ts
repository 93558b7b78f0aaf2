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
/** … and this soon when another worker is counting the campaign's pull requests right now. */
const BUSY_RETRY_MS = 2_000;
const HOUR_MS = 3600_000;

/**
 * Campaign pull requests, counted race-free across workers: each opening happens
 * under a transaction-scoped advisory lock keyed by the campaign, counting the
 * campaign's open pull requests (all, and per consumer owner) and those opened in
 * the last hour from the consumer ledger, which the opening records before the
 * lock goes. Open is what the ledger recorded of the pull request, whatever the
 * consumer's state: one still awaiting review (`pr-opened`), one whose consumer
 * failed after it opened, or a rolled-back one not closed yet all hold a slot. A worker that finds the lock taken does not wait on it (holding a
 * connection meanwhile): it asks again shortly.
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
    owner: string | undefined,
    open: () => Promise<T>,
  ): Promise<SlotOutcome<T>> {
    const rollout = await this.rolloutOf(campaignId);
    if (!rollout) return { opened: await open() };
    return this.knex.transaction(async tx => {
      const { rows: locked } = await tx.raw(
        `SELECT pg_try_advisory_xact_lock(hashtextextended(?, 0)) AS locked`,
        [`dataset-migrations:campaign-pull-requests:${campaignId}`],
      );
      if (!locked[0].locked) {
        return {
          retryAt: new Date(Date.now() + BUSY_RETRY_MS),
          reason: 'another worker is opening a pull request of the campaign',
        };
      }
      const { rows } = await tx.raw(
        `SELECT count(*) FILTER (WHERE c.open) AS open,
                count(*) FILTER (WHERE c.open AND c.owner IS NOT DISTINCT FROM ?) AS open_by_owner,
                count(*) FILTER (WHERE opened_at > now() - interval '1 hour') AS last_hour,
                min(opened_at) FILTER (WHERE opened_at > now() - interval '1 hour') AS oldest_in_hour
           FROM (SELECT c.owner, (c.pull_request->>'state') = 'open' AS open,
                        (c.pull_request->>'openedAt')::timestamptz AS opened_at
                   FROM ${CONSUMERS_TABLE} c
                   JOIN migrations m ON m.id = c.migration_id
                  WHERE m.campaign_id = ?) c`,
        [owner ?? null, campaignId],
      );
      const counts = rows[0];
      const later = new Date(
        Date.now() + (this.options.retryMs ?? DEFAULT_RETRY_MS),
      );
      if (Number(counts.last_hour) >= rollout.hourlyLimit) {
        return {
          retryAt: new Date(
            new Date(counts.oldest_in_hour).getTime() + HOUR_MS,
          ),
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
      return { opened: await open() };
    });
  }
}
