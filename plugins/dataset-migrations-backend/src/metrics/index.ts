import type { Knex } from 'knex';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { MetricsService } from '@backstage/backend-plugin-api/alpha';
import type { MigrationAnnouncer } from '../announcements/MigrationAnnouncer';
import type { MigrationRequestStore } from '../database/MigrationRequestStore';
import { DatasetMigrationsMetrics } from './DatasetMigrationsMetrics';
import { FleetStateReader, registerFleetGauges } from './fleetGauges';
import { MeteredMigrationAnnouncer } from './MeteredMigrationAnnouncer';
import type { StageMeter } from './meterStages';

/**
 * The plugin's metrics, through Backstage's metrics service: no-ops until the
 * backend registers an OpenTelemetry SDK. Every replica reports the gauges, read
 * from the shared database; the counters count what this replica did.
 */
export function meterDatasetMigrations(options: {
  metrics: MetricsService;
  knex: Knex;
  workerSchema: string;
  logger: LoggerService;
  migrations: Pick<MigrationRequestStore, 'getMigrationWithPlan'>;
}): {
  stages: StageMeter;
  /** The announcer, counting what it hears. */
  announcer(
    inner: MigrationAnnouncer & { close?(): Promise<void> },
  ): MeteredMigrationAnnouncer;
} {
  const { metrics, knex, workerSchema, logger, migrations } = options;
  const instruments = new DatasetMigrationsMetrics(metrics);
  registerFleetGauges(
    metrics,
    new FleetStateReader({ knex, workerSchema, logger }),
  );
  return {
    stages: instruments,
    announcer: inner =>
      new MeteredMigrationAnnouncer(inner, {
        metrics: instruments,
        migrations,
        logger,
      }),
  };
}
