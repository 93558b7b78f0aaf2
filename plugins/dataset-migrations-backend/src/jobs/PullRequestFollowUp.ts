import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ConsumerStore } from '../database/ConsumerStore';

/**
 * Pull requests are merged by people, on their own time: every interval, consumers
 * with an open or merged pull request get a job that looks at it again.
 */
export class PullRequestFollowUp {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly options: {
      consumers: ConsumerStore;
      enqueueConsumer(migrationId: string, entityRef: string): Promise<void>;
      logger: LoggerService;
      intervalMs: number;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      this.followUp().catch(error =>
        this.options.logger.warn(`Pull request follow-up failed: ${error}`),
      );
    }, this.options.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async followUp(): Promise<number> {
    const due = await this.options.consumers.listAwaitingMerge();
    for (const { migrationId, entityRef } of due)
      await this.options.enqueueConsumer(migrationId, entityRef);
    return due.length;
  }
}
