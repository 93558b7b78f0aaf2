import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { ConsumerStore } from '../database/ConsumerStore';
import type { MigrationAnnouncer } from '../announcements/MigrationAnnouncer';

/**
 * Pull requests are merged by people, on their own time: every interval, consumers
 * with an open or merged pull request get a job that looks at it again, owners of
 * stale ones are reminded, and campaigns near their deadline escalate.
 */
export class PullRequestFollowUp {
  constructor(
    private readonly options: {
      consumers: ConsumerStore;
      enqueueConsumer(migrationId: string, entityRef: string): Promise<void>;
      logger: LoggerService;
      intervalMs: number;
      /** Reminds a consumer's owners once of a pull request open longer than this. */
      reminderAfterMs?: number;
      announcer?: MigrationAnnouncer;
      /** Each round also tells owners of work a campaign still waits on as its deadline nears. */
      escalation?: { escalate(): Promise<number> };
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
    await this.remind();
    await this.options.escalation?.escalate();
    return due.length;
  }

  /**
   * Once per pull request: a round takes the stale ones and records the reminder
   * in one statement, so a round repeated on another replica reminds nobody twice.
   */
  async remind(): Promise<number> {
    const { announcer, reminderAfterMs } = this.options;
    if (!announcer || reminderAfterMs === undefined) return 0;
    const stale = await this.options.consumers.takeStalePullRequests(
      reminderAfterMs,
    );
    for (const { migrationId, entityRef, url } of stale) {
      await announcer.consumerChanged({
        migrationId,
        consumerRef: entityRef,
        notice: 'stale-pull-request',
        reason: `${url} has been open for more than ${formatDays(
          reminderAfterMs,
        )}; the previous version of the dataset is kept until it is merged.`,
      });
    }
    return stale.length;
  }
}

function formatDays(ms: number): string {
  const hours = ms / 3_600_000;
  if (hours < 48) return `${Math.round(hours * 10) / 10} hours`;
  return `${Math.round(hours / 24)} days`;
}
