import type {
  LoggerService,
  SchedulerService,
} from '@backstage/backend-plugin-api';
import type { Enqueue, MigrationStore } from '../database/MigrationStore';
import type { JobQueue } from '../queue/JobQueue';

/**
 * How many leases a consumer discovery or a pull request's close may hold its job
 * before it counts as dead: far past what a live one takes, which a repeat would
 * run beside.
 */
const ABANDONED_AFTER_LEASES = 10;

/**
 * Hands runs whose worker died back to the queue. A dead worker's job stays locked
 * in graphile-worker for hours; its lease in our tables runs out in seconds, and
 * every worker replica sweeps for such leases, so the run resumes from its
 * checkpoints within about a lease and a sweep interval. Queued runs have no lease
 * yet: those whose job is gone or held by a dead worker are enqueued again.
 */
export class LeaseSweeper {
  /** Often enough that a run resumes about a lease after its worker died, at most every second. */
  static intervalFor(leaseMs: number): number {
    return Math.max(1000, Math.min(10_000, leaseMs / 3));
  }

  constructor(
    private readonly deps: {
      store: MigrationStore;
      queue: JobQueue;
      logger: LoggerService;
      intervalMs: number;
      /** Time a requeued run gets to be claimed before it is swept again. */
      graceMs: number;
      /** Consumers whose worker died in the middle of a step, and their jobs. */
      consumers?: {
        listExpiredClaims(): Promise<
          Array<{ migrationId: string; entityRef: string }>
        >;
        enqueueConsumer(migrationId: string, entityRef: string): Promise<void>;
        /** Consumers whose job was taken more than `staleMs` ago and is still held. */
        staleJobs(
          staleMs: number,
        ): Promise<Array<{ migrationId: string; entityRef: string }>>;
        /** Of these, those with a step ahead and no live claim. */
        listUnclaimed(
          consumers: Array<{ migrationId: string; entityRef: string }>,
        ): Promise<Array<{ migrationId: string; entityRef: string }>>;
      };
      /** The pull-request follow-up, whose next round a killed worker may have kept from being scheduled. */
      followUp?: { ensureScheduled(staleMs: number): Promise<boolean> };
      /** The running campaigns, each of which must have a look waiting or running. */
      campaigns?: { campaignsAwaitingLooks(): Promise<string[]> };
      /** Emits campaign audit events a look recorded and died before it emitted; prunes emitted ones. */
      campaignAudit?: {
        emitAudit(): Promise<void>;
        pruneAudit(): Promise<void>;
      };
      /** Announces outcomes a worker recorded and died before it announced; prunes announced ones. */
      outcomes?: {
        drain(): Promise<number>;
        prune(): Promise<void>;
      };
    },
  ) {}

  /**
   * Sweeps every interval on this replica until `signal` aborts. Local scope, on
   * every worker replica: the sweep is what recovers from a dead replica, so it must
   * not wait for one. A global task's claim held by a replica that died is freed
   * only by the scheduler's janitor, after the timeout and within a minute (never
   * under NODE_ENV=test), which would hold up resumption far beyond a lease. Sweeps
   * on several replicas at once are safe: each re-queue is a conditional update.
   */
  async schedule(scheduler: SchedulerService, signal: AbortSignal) {
    await scheduler.scheduleTask({
      id: 'lease-sweeper',
      scope: 'local',
      frequency: { milliseconds: this.deps.intervalMs },
      // A sweep is two short transactions; the signal is not awaited by them.
      timeout: { minutes: 1 },
      signal,
      fn: async () => {
        await this.sweep();
      },
    });
  }

  async sweep(): Promise<string[]> {
    const { store, queue, graceMs } = this.deps;
    const enqueue: Enqueue = (tx, id) => queue.enqueueMigration(tx, id);
    const resumed = await this.attempt(
      () => store.requeueExpiredRuns(enqueue, graceMs),
      id => `Migration ${id} lost its worker; re-queued to resume`,
    );
    // A job taken for longer than the grace without a claim had a worker that died.
    const stranded = await this.attempt(
      () =>
        store.requeueStrandedRuns(
          enqueue,
          (tx, ids) => queue.migrationsWithLiveJobs(tx, ids, graceMs),
          graceMs,
        ),
      id => `Migration ${id} was queued with no job left to run it; re-queued`,
    );
    // Every decision it waited for was recorded by a process that died (or lost its
    // session) before it queued the run again.
    const decided = await this.attempt(
      () => store.resumeDecidedRuns(enqueue),
      id => `Migration ${id} has every decision it waited for; re-queued`,
    );
    const operations = await this.attempt(
      () =>
        store.requeueExpiredOperations(
          (tx, id) => queue.requeueOperations(tx, id),
          graceMs,
        ),
      id =>
        `Migration ${id} lost the worker of its rollback or contract; re-queued`,
    );
    // Nothing else advances these: their job is locked by the dead worker, and a
    // job that found the claim live asked its holder for a pass and ended.
    const consumers = this.deps.consumers;
    const orphaned = consumers
      ? await this.attempt(
          async () => {
            // Claimed and then lost, or taken by a worker that died before it claimed.
            const lost = [
              ...(await consumers.listExpiredClaims()),
              ...(await consumers.listUnclaimed(
                await consumers.staleJobs(graceMs),
              )),
            ];
            const expired = [
              ...new Map(
                lost.map(c => [`${c.migrationId} ${c.entityRef}`, c]),
              ).values(),
            ];
            for (const c of expired)
              await consumers.enqueueConsumer(c.migrationId, c.entityRef);
            return expired.map(c => `${c.migrationId} ${c.entityRef}`);
          },
          ref => `Consumer of migration ${ref} lost its worker; re-queued`,
        )
      : [];
    const abandoned = await this.attempt(
      async () => {
        const { requeued, spent } = await queue.requeueAbandonedJobs(
          graceMs * ABANDONED_AFTER_LEASES,
        );
        for (const key of spent)
          this.deps.logger.error(
            `Job ${key} lost its worker on its last attempt; not queued again`,
          );
        return requeued;
      },
      key => `Job ${key} lost its worker; queued again`,
    );
    const followUp = this.deps.followUp;
    const roundless = followUp
      ? await this.attempt(
          async () =>
            (await followUp.ensureScheduled(graceMs))
              ? ['pull-request-follow-up']
              : [],
          () =>
            'The pull-request follow-up had no round waiting or running (a first start, or its worker died); one is scheduled',
        )
      : [];
    const campaigns = this.deps.campaigns;
    const lookless = campaigns
      ? await this.attempt(
          async () => {
            const ids = await queue.campaignsWithoutLook(
              await campaigns.campaignsAwaitingLooks(),
              graceMs,
            );
            for (const id of ids) await queue.enqueueCampaignTick(id);
            return ids;
          },
          id => `Campaign ${id} had no look waiting or running; one is queued`,
        )
      : [];
    // A paused campaign may not look again for days: its trip is emitted here.
    await this.deps.campaignAudit?.emitAudit();
    await this.deps.campaignAudit?.pruneAudit();
    const outcomes = this.deps.outcomes;
    if (outcomes) {
      await this.attempt(
        async () => {
          const told = await outcomes.drain();
          await outcomes.prune();
          return told > 0 ? [String(told)] : [];
        },
        n =>
          `${n} outcome(s) recorded by a worker that died before it announced them were announced`,
      );
    }
    return [
      ...resumed,
      ...stranded,
      ...decided,
      ...operations,
      ...orphaned,
      ...abandoned,
      ...roundless,
      ...lookless,
    ];
  }

  /** One part of a sweep; a failure is logged and retried at the next sweep. */
  private async attempt(
    requeue: () => Promise<string[]>,
    message: (id: string) => string,
  ): Promise<string[]> {
    const { logger } = this.deps;
    try {
      const ids = await requeue();
      for (const id of ids) logger.warn(message(id));
      return ids;
    } catch (error) {
      logger.warn(`Lease sweep failed: ${error}`);
      return [];
    }
  }
}
