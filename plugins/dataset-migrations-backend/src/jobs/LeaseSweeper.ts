import type { LoggerService } from '@backstage/backend-plugin-api';
import type { MigrationStore } from '../database/MigrationStore';
import type { JobQueue } from './JobQueue';

/**
 * Hands runs whose worker died back to the queue. A dead worker's job stays locked
 * in graphile-worker for hours; its lease in our tables runs out in seconds, and
 * every worker replica sweeps for such leases, so the run resumes from its
 * checkpoints within about a lease and a sweep interval.
 */
export class LeaseSweeper {
  private timer?: NodeJS.Timeout;

  constructor(
    private readonly deps: {
      store: MigrationStore;
      queue: JobQueue;
      logger: LoggerService;
      intervalMs: number;
      /** Time a requeued run gets to be claimed before it is swept again. */
      graceMs: number;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => this.sweep(), this.deps.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
  }

  async sweep(): Promise<string[]> {
    const { store, queue, logger, graceMs } = this.deps;
    try {
      const ids = await store.requeueExpiredRuns(
        (tx, id) => queue.enqueueMigration(tx, id),
        graceMs,
      );
      for (const id of ids)
        logger.warn(`Migration ${id} lost its worker; re-queued to resume`);
      return ids;
    } catch (error) {
      logger.warn(`Lease sweep failed: ${error}`);
      return [];
    }
  }
}
