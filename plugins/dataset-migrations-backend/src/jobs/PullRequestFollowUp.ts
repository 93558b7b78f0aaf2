import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ConsumerStore } from '../database/ConsumerStore';
import type { MigrationAnnouncer } from '../announcements/MigrationAnnouncer';

/** Where the rounds of the follow-up are kept: one waiting round across all replicas. */
export interface FollowUpRounds {
  scheduleFollowUp(runAt: Date): Promise<void>;
  ensureFollowUp(runAt: Date, staleMs: number): Promise<boolean>;
}

/**
 * Pull requests are merged by people, on their own time: every interval, consumers
 * with an open or merged pull request get a job that looks at it again, owners of
 * stale ones are reminded, and campaigns near their deadline escalate.
 *
 * Each round is a job in the plugin's queue that first schedules the next one, so a
 * worker killed inside a round delays nothing beyond the interval: the next round is
 * already waiting for any replica (a scheduler task's lock, by contrast, stayed with
 * the dead replica for minutes). One round across all replicas is the intent, as a
 * round enqueues a job per waiting consumer and repeats would look at each pull
 * request again for nothing.
 */
export class PullRequestFollowUp {
  constructor(
    private readonly options: {
      consumers: ConsumerStore;
      enqueueConsumer(migrationId: string, entityRef: string): Promise<void>;
      rounds: FollowUpRounds;
      logger: LoggerService;
      intervalMs: number;
      /** Reminds a consumer's owners once of a pull request open longer than this. */
      reminderAfterMs?: number;
      announcer?: MigrationAnnouncer;
      /** Each round also tells owners of work a campaign still waits on as its deadline nears. */
      escalation?: { escalate(): Promise<number> };
    },
  ) {}

  /** The queue's job: schedules the next round, then follows up. */
  async round(): Promise<void> {
    await this.options.rounds.scheduleFollowUp(
      new Date(Date.now() + this.options.intervalMs),
    );
    await this.followUp().catch(error =>
      this.options.logger.warn(`Pull request follow-up failed: ${error}`),
    );
  }

  /**
   * Schedules a round one interval from now unless one is waiting or running: at
   * startup, and from every replica's lease sweep, for a worker killed after it took
   * a round and before it scheduled the next. True when it had to.
   */
  async ensureScheduled(staleMs: number): Promise<boolean> {
    return this.options.rounds.ensureFollowUp(
      new Date(Date.now() + this.options.intervalMs),
      staleMs,
    );
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
