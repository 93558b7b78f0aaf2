import type { LoggerService } from '@backstage/backend-plugin-api';
import type { MigrationOutcome } from '@dataset-migrations/plugin-dataset-migrations-common';
import type { MigrationRequestStore } from '../database/MigrationRequestStore';
import type {
  CampaignChange,
  CampaignEscalationNotice,
  CampaignLeftToOwners,
  ConsumerChange,
  MigrationAnnouncer,
  MigrationChange,
} from '../announcements/MigrationAnnouncer';
import type { DatasetMigrationsMetrics } from './DatasetMigrationsMetrics';

/** An announcer that may have buffered deliveries to flush at shutdown. */
type Closable = MigrationAnnouncer & { close?(): Promise<void> };

/**
 * Counts what the announcer hears, then passes it on: every outcome of a run and
 * every consumer that moves is announced, so counting here misses none and adds
 * no metric code to the runners, the services or the pipeline.
 */
export class MeteredMigrationAnnouncer implements MigrationAnnouncer {
  private readonly counting = new Set<Promise<void>>();

  constructor(
    private readonly inner: Closable,
    private readonly options: {
      metrics: DatasetMigrationsMetrics;
      /** Where an outcome's engine is read: changes name the run only. */
      migrations: Pick<MigrationRequestStore, 'getMigrationWithPlan'>;
      logger: LoggerService;
    },
  ) {}

  async migrationChanged(change: MigrationChange): Promise<void> {
    if (change.outcome) this.track(this.countOutcome(change, change.outcome));
    await this.inner.migrationChanged(change);
  }

  async consumerChanged(change: ConsumerChange): Promise<void> {
    const { metrics } = this.options;
    const { transition } = change;
    if (transition?.to === 'pr-opened') metrics.pullRequestOpened();
    // A step can see a pull request merged and its files on the default branch
    // at once, going from pr-opened straight to done.
    if (
      transition?.from === 'pr-opened' &&
      (transition.to === 'merged' || transition.to === 'done')
    )
      metrics.pullRequestMerged();
    await this.inner.consumerChanged(change);
  }

  async campaignChanged(change: CampaignChange): Promise<void> {
    await this.inner.campaignChanged?.(change);
  }

  async campaignLeftToOwners(notice: CampaignLeftToOwners): Promise<void> {
    await this.inner.campaignLeftToOwners?.(notice);
  }

  async campaignEscalated(notice: CampaignEscalationNotice): Promise<void> {
    await this.inner.campaignEscalated?.(notice);
  }

  /** Waits for the outcomes being counted, then closes the announcer behind. */
  async close(): Promise<void> {
    await Promise.all(this.counting);
    await this.inner.close?.();
  }

  /** Reads the run for its engine: once per outcome, never per progress report. */
  private async countOutcome(
    change: MigrationChange,
    outcome: MigrationOutcome,
  ): Promise<void> {
    // Counted even when the run cannot be read: the outcome happened.
    const migration = await this.options.migrations
      .getMigrationWithPlan(change.migrationId)
      .catch(error => {
        this.options.logger.warn(
          `Could not read the engine of migration ${change.migrationId} for its ${outcome} count: ${error}`,
        );
        return undefined;
      });
    this.options.metrics.migrationOutcome(
      outcome,
      migration?.plan?.engine ?? 'unknown',
      migration?.dryRun ?? false,
    );
  }

  /** Kept until it settles, for close(); a failure is logged, never left unhandled. */
  private track(counting: Promise<void>) {
    const tracked: Promise<void> = counting
      .catch(error =>
        this.options.logger.warn(
          `Could not count a migration outcome: ${error}`,
        ),
      )
      .finally(() => this.counting.delete(tracked));
    this.counting.add(tracked);
  }
}
