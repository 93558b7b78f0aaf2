import type { LoggerService } from '@backstage/backend-plugin-api';
import type { MigrationAnnouncer } from '../announcements/MigrationAnnouncer';
import type { CampaignEscalations } from '../database/CampaignEscalations';
import type { Clock } from './CampaignRunner';

/**
 * As a running or paused campaign's deadline comes within its `escalateBefore`,
 * tells the owners of every consumer and dataset it still waits on, and its own
 * owner with a summary by team. Each is taken and recorded in one statement, so a
 * round repeated on another replica or after a restart tells nobody twice; work
 * reached later (a consumer of a wave started in the window) is told in a later round.
 */
export class CampaignDeadlineEscalation {
  constructor(
    private readonly deps: {
      escalations: CampaignEscalations;
      announcer: MigrationAnnouncer;
      logger: LoggerService;
      clock?: Clock;
    },
  ) {}

  /** One round over every campaign; answers how many were told. */
  async escalate(): Promise<number> {
    const { escalations, announcer, logger } = this.deps;
    const now = this.deps.clock?.now() ?? new Date();
    let told = 0;
    for (const { id, deadline } of await escalations.listDue(now)) {
      const { subjects, ownerSummary } = await escalations.take(id, now);
      for (const subject of subjects)
        await announcer.campaignEscalated?.({
          campaignId: id,
          deadline,
          to: subject.kind,
          entityRef: subject.entityRef,
          datasets: subject.datasets,
        });
      if (ownerSummary)
        await announcer.campaignEscalated?.({
          campaignId: id,
          deadline,
          to: 'owner',
          outstanding: ownerSummary,
        });
      const round = subjects.length + (ownerSummary ? 1 : 0);
      if (round > 0)
        logger.info(
          `Campaign ${id}: deadline ${deadline.toISOString()} nears; told the owners of ${
            subjects.length
          } outstanding consumers and datasets${
            ownerSummary ? ' and the campaign owner' : ''
          }`,
        );
      told += round;
    }
    return told;
  }
}
