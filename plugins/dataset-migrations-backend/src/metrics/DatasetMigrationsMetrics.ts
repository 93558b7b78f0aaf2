import type {
  MetricsService,
  MetricsServiceCounter,
  MetricsServiceHistogram,
} from '@backstage/backend-plugin-api/alpha';
import type { MigrationOutcome } from '@dataset-migrations/plugin-dataset-migrations-common';

/**
 * The names of the plugin's instruments. Backstage's metrics service (1.55) does
 * not prefix names, and its meter scope (`backstage-plugin-dataset-migrations`)
 * does not reach Prometheus: the prefix is ours, in OpenTelemetry style (dots,
 * units apart). Prometheus sees dots as underscores, counters with `_total` and
 * units as suffixes (`_seconds`).
 */
export const METRIC_NAMES = {
  migrations: 'dataset_migrations.migrations',
  stageDuration: 'dataset_migrations.stage.duration',
  rowsCopied: 'dataset_migrations.rows.copied',
  pullRequestsOpened: 'dataset_migrations.pull_requests.opened',
  pullRequestsMerged: 'dataset_migrations.pull_requests.merged',
  consumers: 'dataset_migrations.consumers',
  campaigns: 'dataset_migrations.campaigns',
  campaignDatasets: 'dataset_migrations.campaign.datasets',
  readyJobs: 'dataset_migrations.queue.ready_jobs',
  oldestReadyJobAge: 'dataset_migrations.queue.oldest_ready_job.age',
  rejectedAuditEvents: 'dataset_migrations.campaign.audit_events.rejected',
} as const;

/** How a stage ended: interrupted stages are resumed by another attempt. */
export type StageOutcome = 'succeeded' | 'failed' | 'interrupted';

/** One stage of a run or of a rollback or contract, as it finished. */
export interface FinishedStage {
  stage: string;
  outcome: StageOutcome;
  seconds: number;
  /** The `done` of the last progress the stage reported, if any. */
  lastProgress?: number;
}

/** Stages whose progress counts rows copied to the new version. */
const ROW_COPYING_STAGES = new Set(['backfill']);

/** Stages last seconds (a dry run) to hours (a backfill of a large table). */
const STAGE_SECONDS_BUCKETS = [
  0.1, 0.5, 1, 5, 15, 60, 300, 900, 1800, 3600, 7200, 14400,
];

/**
 * The plugin's counters and histograms, recorded as things happen. The gauges of
 * what the database holds are {@link registerFleetGauges}'s.
 */
export class DatasetMigrationsMetrics {
  private readonly migrations: MetricsServiceCounter<{
    outcome: MigrationOutcome;
    engine: string;
    dry_run: boolean;
  }>;
  private readonly stageDuration: MetricsServiceHistogram<{
    stage: string;
    outcome: StageOutcome;
  }>;
  private readonly rowsCopied: MetricsServiceCounter;
  private readonly pullRequestsOpened: MetricsServiceCounter;
  private readonly pullRequestsMerged: MetricsServiceCounter;

  constructor(metrics: MetricsService) {
    this.migrations = metrics.createCounter(METRIC_NAMES.migrations, {
      description:
        'Migrations reaching each outcome (started, succeeded, failed, rolled-back, …), by engine',
      unit: '{migration}',
    });
    this.stageDuration = metrics.createHistogram(METRIC_NAMES.stageDuration, {
      description:
        'How long each stage of a migration, rollback or contract took, by how it ended',
      unit: 's',
      advice: { explicitBucketBoundaries: STAGE_SECONDS_BUCKETS },
    });
    this.rowsCopied = metrics.createCounter(METRIC_NAMES.rowsCopied, {
      description:
        'Rows copied to new dataset versions, counted when a backfill stage completes',
      unit: '{row}',
    });
    this.pullRequestsOpened = metrics.createCounter(
      METRIC_NAMES.pullRequestsOpened,
      {
        description: "Pull requests opened to move consumers' code",
        unit: '{pull_request}',
      },
    );
    this.pullRequestsMerged = metrics.createCounter(
      METRIC_NAMES.pullRequestsMerged,
      {
        description: "Consumers' pull requests seen merged",
        unit: '{pull_request}',
      },
    );
  }

  migrationOutcome(
    outcome: MigrationOutcome,
    engine: string,
    dryRun: boolean,
  ): void {
    this.migrations.add(1, { outcome, engine, dry_run: dryRun });
  }

  stageFinished({ stage, outcome, seconds, lastProgress }: FinishedStage) {
    this.stageDuration.record(seconds, { stage, outcome });
    // Counted once, when the stage completes: its last progress is the rows of
    // every attempt, and a completed stage is never run again.
    if (
      outcome === 'succeeded' &&
      ROW_COPYING_STAGES.has(stage) &&
      lastProgress
    )
      this.rowsCopied.add(lastProgress);
  }

  pullRequestOpened(): void {
    this.pullRequestsOpened.add(1);
  }

  pullRequestMerged(): void {
    this.pullRequestsMerged.add(1);
  }
}
