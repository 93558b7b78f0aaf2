import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  CampaignEscalationNotice,
  MigrationAnnouncer,
} from '../announcements/MigrationAnnouncer';
import type {
  CampaignEscalations,
  EscalationKey,
} from '../database/CampaignEscalations';
import { holdLease, type LeaseHold } from '../jobs/leaseHold';
import type { Clock } from './CampaignRunner';

/** One round's claim on one campaign's notices, renewed while it sends them. */
interface RoundClaim {
  campaignId: string;
  claimer: string;
  hold: LeaseHold;
}

/**
 * As a running or paused campaign's deadline comes within its `escalateBefore`,
 * tells the owners of every consumer and dataset it still waits on, and its own
 * owner with a summary by team. Each notice is recorded before it is sent and
 * marked sent once delivered: a round after a notification outage (or after a
 * round that died sending) sends what is unsent, and a round repeated on another
 * replica tells nobody twice. A consumer is told again when a later wave's
 * migration reaches it (new work for its owners); work reached later is told in a
 * later round. A round renews its claims while it sends, so a slow notification
 * service is not taken for a dead round; a round that lost them (they ran out
 * unrenewed) sends no more of them.
 */
export class CampaignDeadlineEscalation {
  constructor(
    private readonly deps: {
      escalations: CampaignEscalations;
      announcer: MigrationAnnouncer;
      logger: LoggerService;
      clock?: Clock;
      /** How often a round renews its claims (a third of the claim's length by default). */
      claimRenewalMs?: number;
    },
  ) {}

  /** One round over every campaign; answers how many were told. */
  async escalate(): Promise<number> {
    const { escalations, logger } = this.deps;
    const now = this.deps.clock?.now() ?? new Date();
    let told = 0;
    // Set once a send failed: the rest of the round waits for the next, untried.
    const round = { down: false };
    for (const { id, deadline } of await escalations.listDue(now)) {
      // Each campaign's claims count from when they are taken: the campaigns
      // before it in the round may have taken minutes to tell.
      const claimedAt = Date.now();
      const { claimer, subjects, ownerSummary } = await escalations.take(
        id,
        this.now(),
      );
      if (subjects.length === 0 && !ownerSummary) continue;
      const claim: RoundClaim = {
        campaignId: id,
        claimer,
        hold: holdLease({
          claimedAt,
          durationMs: escalations.claimMs,
          renew: () => escalations.renew(id, claimer, this.now()),
          everyMs: this.deps.claimRenewalMs,
          warn: message =>
            logger.warn(`Campaign ${id}'s deadline notices: ${message}`),
        }),
      };
      let consumers = 0;
      let owner = 0;
      try {
        for (const { keys, ...subject } of subjects)
          consumers += await this.send(round, claim, keys, {
            campaignId: id,
            deadline,
            to: subject.kind,
            entityRef: subject.entityRef,
            datasets: subject.datasets,
          });
        if (ownerSummary) {
          const { keys, ...outstanding } = ownerSummary;
          owner = await this.send(round, claim, keys, {
            campaignId: id,
            deadline,
            to: 'owner',
            outstanding,
          });
        }
      } finally {
        await claim.hold.stop();
      }
      if (consumers + owner > 0)
        logger.info(
          `Campaign ${id}: deadline ${deadline.toISOString()} nears; told the owners of ${consumers} outstanding consumers and datasets${
            owner ? ' and the campaign owner' : ''
          }`,
        );
      told += consumers + owner;
    }
    return told;
  }

  private now(): Date {
    return this.deps.clock?.now() ?? new Date();
  }

  /**
   * Sends one notice and marks it sent, or releases it for the next round; answers
   * 1 if sent. A notice whose claim the round lost is left to whoever took it.
   */
  private async send(
    round: { down: boolean },
    claim: RoundClaim,
    keys: EscalationKey[],
    notice: CampaignEscalationNotice,
  ): Promise<number> {
    const { escalations, announcer, logger } = this.deps;
    const { campaignId, claimer } = claim;
    if (round.down) {
      await escalations.release(campaignId, keys, claimer);
      return 0;
    }
    if (claim.hold.lost) return 0;
    try {
      await announcer.campaignEscalated?.(notice);
    } catch (error) {
      round.down = true;
      await escalations.release(campaignId, keys, claimer);
      logger.warn(
        `Campaign ${campaignId}: could not send a deadline notice to ${
          notice.to === 'owner' ? 'its owner' : notice.entityRef
        }; the next round sends it: ${error}`,
      );
      return 0;
    }
    await escalations.markSent(campaignId, keys, this.now());
    return 1;
  }
}
