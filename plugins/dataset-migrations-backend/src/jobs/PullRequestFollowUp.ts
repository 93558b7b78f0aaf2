import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { ConsumerStore } from '../database/ConsumerStore';

/**
 * Pull requests are merged by people, on their own time: every interval, consumers
 * with an open or merged pull request get a job that looks at it again.
 */
export class PullRequestFollowUp {
  constructor(
    private readonly options: {
      consumers: ConsumerStore;
      enqueueConsumer(migrationId: string, entityRef: string): Promise<void>;
      logger: LoggerService;
      intervalMs: number;
    },
  ) {}

  /**
   * Follows up every interval, the first time one interval after startup, until
   * `signal` aborts. Global scope: one round across all replicas is the intent, as
   * a round enqueues a job per waiting consumer and repeats on other replicas would
   * only collapse into those jobs. A round missed because its replica died costs a
   * delay of at most the timeout plus the scheduler's minute-long janitor cycle.
   * The scheduler polls a global task at least as often as its frequency (down to
   * 100 ms; 5 s when the frequency is longer), so short test intervals still hold.
   */
  async schedule(scheduler: SchedulerService, signal: AbortSignal) {
    const every = { milliseconds: this.options.intervalMs };
    await scheduler.scheduleTask({
      id: 'pull-request-follow-up',
      scope: 'global',
      frequency: every,
      initialDelay: every,
      timeout: { minutes: 5 },
      signal,
      fn: async () => {
        await this.followUp().catch(error =>
          this.options.logger.warn(`Pull request follow-up failed: ${error}`),
        );
      },
    });
  }

  async followUp(): Promise<number> {
    const due = await this.options.consumers.listAwaitingMerge();
    for (const { migrationId, entityRef } of due)
      await this.options.enqueueConsumer(migrationId, entityRef);
    return due.length;
  }
}
