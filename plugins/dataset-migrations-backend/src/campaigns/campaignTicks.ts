import type { LoggerService } from '@backstage/backend-plugin-api';
import {
  isMovedConsumerState,
  UNCHECKED_CONSUMER_STATES,
  type ConsumerState,
  type MigrationOutcome,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { MigrationAnnouncer } from '../announcements/MigrationAnnouncer';
import type { ConsumerProgressStore } from '../database/ConsumerProgressStore';
import type { MigrationRequestStore } from '../database/MigrationRequestStore';

/** Outcomes after which a campaign has something to record or to start. */
const CAMPAIGN_OUTCOMES: readonly MigrationOutcome[] = [
  'succeeded',
  'failed',
  'cancelled',
  'rejected',
  'rolled-back',
  'contracted',
];

const unchecked = (state: ConsumerState) =>
  UNCHECKED_CONSUMER_STATES.includes(state);

/**
 * The announcer, and one thing more: when a campaign's migration ends (or one of
 * its consumers fails or moves, or the last of its consumers' checks ends), the
 * campaign is asked to look again at once instead of at its next poll. Every
 * outcome is announced, whoever caused it (runner, operation job, approver,
 * person), so this is the one place that hears all of them.
 */
export function withCampaignTicks(
  announcer: MigrationAnnouncer,
  deps: {
    migrations: Pick<MigrationRequestStore, 'campaignOf'>;
    consumers: Pick<ConsumerProgressStore, 'countUnchecked'>;
    enqueueTick: (campaignId: string) => Promise<void>;
    logger: LoggerService;
  },
): MigrationAnnouncer {
  const nudge = async (
    migrationId: string,
    when: 'always' | 'last-checked' = 'always',
  ) => {
    try {
      // Its campaign alone, not the migration with its plan: every outcome and
      // every consumer's move comes here, and a freed slot waits for it.
      const campaignId = await deps.migrations.campaignOf(migrationId);
      if (!campaignId) return;
      // A wave whose consumer failures count waits for its consumers' checks:
      // one look once the migration's last check ended, not one per consumer.
      if (
        when === 'last-checked' &&
        (await deps.consumers.countUnchecked(migrationId)) > 0
      )
        return;
      await deps.enqueueTick(campaignId);
    } catch (error) {
      // The campaign's own poll looks again soon.
      deps.logger.warn(
        `Could not ask the campaign of migration ${migrationId} to look again: ${error}`,
      );
    }
  };
  return {
    // The campaign is asked before the announcer tells people (notifications,
    // events), which can take a while: a slot the migration freed waits for it.
    // Not awaited, as no announcement is: the caller goes on at once.
    async migrationChanged(change) {
      if (change.outcome && CAMPAIGN_OUTCOMES.includes(change.outcome))
        void nudge(change.migrationId);
      await announcer.migrationChanged(change);
    },
    async consumerChanged(change) {
      // A failure for the policy; a move for contract, whose gate may open now.
      const moved =
        change.transition && isMovedConsumerState(change.transition.to);
      if (change.notice === 'failed' || moved) void nudge(change.migrationId);
      else if (
        change.transition &&
        unchecked(change.transition.from) &&
        !unchecked(change.transition.to)
      )
        void nudge(change.migrationId, 'last-checked');
      await announcer.consumerChanged(change);
    },
    async campaignChanged(change) {
      await announcer.campaignChanged?.(change);
    },
    async campaignLeftToOwners(notice) {
      await announcer.campaignLeftToOwners?.(notice);
    },
    async campaignEscalated(notice) {
      await announcer.campaignEscalated?.(notice);
    },
  };
}
