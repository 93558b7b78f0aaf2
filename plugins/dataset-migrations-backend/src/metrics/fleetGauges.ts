import type { Knex } from 'knex';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  MetricsService,
  MetricsServiceObservableResult,
} from '@backstage/backend-plugin-api/alpha';
import { CONSUMER_STATES } from '@dataset-migrations/plugin-dataset-migrations-common';
import { JOB_TASKS } from '../queue/JobQueue';
import { METRIC_NAMES } from './DatasetMigrationsMetrics';

/** What the database holds now: counts by state, and the job queue's backlog. */
export interface FleetState {
  consumers: Map<string, number>;
  campaigns: Map<string, number>;
  campaignDatasets: Map<string, number>;
  /** Jobs a worker could take now, by task identifier. */
  readyJobs: Map<string, number>;
  /** How long the oldest of them has been ready; 0 when there is none. */
  oldestReadyJobSeconds: number;
  /** Campaign audit events the auditor rejected, not emitted since. */
  rejectedAuditEvents: number;
}

/**
 * A job a worker could take now: due, not taken, with attempts left. The same
 * condition graphile-worker's `get_job` applies (the plugin uses no named queues).
 */
export const READY_JOB_CONDITION =
  'run_at <= now() AND locked_at IS NULL AND attempts < max_attempts';

/** A collection whose query takes longer than this observes nothing. */
const QUERY_TIMEOUT_MS = 5_000;

/**
 * Reads the fleet's state in one statement. Each gauge of a collection has its own
 * callback; they share one read, taken at most once per `maxAgeMs`, so a scrape
 * costs the database one query.
 */
export class FleetStateReader {
  private last?: { at: number; state: Promise<FleetState | undefined> };
  private readonly maxAgeMs: number;

  constructor(
    private readonly options: {
      knex: Knex;
      /** graphile-worker's schema (`datasetMigrations.worker.schema`). */
      workerSchema: string;
      logger: LoggerService;
      maxAgeMs?: number;
    },
  ) {
    this.maxAgeMs = options.maxAgeMs ?? 1_000;
  }

  /** The state, or undefined when it could not be read (logged); never rejects. */
  read(): Promise<FleetState | undefined> {
    const now = Date.now();
    if (this.last && now - this.last.at < this.maxAgeMs) return this.last.state;
    const state = this.query().catch(error => {
      this.options.logger.warn(
        `Could not read the dataset-migrations gauges; this collection has none of them: ${withoutSql(
          error,
        )}`,
      );
      return undefined;
    });
    this.last = { at: now, state };
    return state;
  }

  private async query(): Promise<FleetState> {
    const jobs = `"${this.options.workerSchema.replace(/"/g, '""')}".jobs`;
    const { rows } = await this.options.knex
      .raw<{ rows: { kind: string; key: string | null; value: number }[] }>(
        `SELECT 'consumer' AS kind, state AS key, count(*)::float8 AS value
           FROM migration_consumers GROUP BY state
         UNION ALL
         SELECT 'campaign', state, count(*)::float8 FROM campaigns GROUP BY state
         UNION ALL
         SELECT 'campaign-dataset', state, count(*)::float8
           FROM campaign_datasets GROUP BY state
         UNION ALL
         SELECT 'ready-job', task_identifier, count(*)::float8
           FROM ${jobs} WHERE ${READY_JOB_CONDITION} GROUP BY task_identifier
         UNION ALL
         SELECT 'oldest-ready-job', NULL,
                coalesce(extract(epoch FROM now() - min(run_at)), 0)::float8
           FROM ${jobs} WHERE ${READY_JOB_CONDITION}
         UNION ALL
         SELECT 'rejected-audit-event', NULL, count(*)::float8
           FROM campaign_audit_outbox WHERE emitted_at IS NULL AND attempts > 0`,
      )
      .timeout(QUERY_TIMEOUT_MS, { cancel: true });
    const state: FleetState = {
      consumers: new Map(),
      campaigns: new Map(),
      campaignDatasets: new Map(),
      readyJobs: new Map(),
      oldestReadyJobSeconds: 0,
      rejectedAuditEvents: 0,
    };
    const byKind: Record<string, Map<string, number>> = {
      consumer: state.consumers,
      campaign: state.campaigns,
      'campaign-dataset': state.campaignDatasets,
      'ready-job': state.readyJobs,
    };
    for (const { kind, key, value } of rows) {
      if (kind === 'oldest-ready-job') state.oldestReadyJobSeconds = value;
      else if (kind === 'rejected-audit-event')
        state.rejectedAuditEvents = value;
      else byKind[kind]?.set(key!, value);
    }
    return state;
  }
}

/** knex puts the whole statement before the database's message: keep the message. */
function withoutSql(error: unknown): string {
  const message = String((error as Error)?.message ?? error);
  const at = message.lastIndexOf(' - ');
  return at < 0 ? message : message.slice(at + 3);
}

/**
 * Observes counts by one attribute. A value known beforehand, or seen in an
 * earlier collection, and absent now is observed as 0: a series that merely
 * vanished would leave a dashboard (or an alert) on its last value.
 */
function countsBy(
  attribute: string,
  pick: (state: FleetState) => Map<string, number>,
  known: readonly string[] = [],
) {
  const seen = new Set<string>(known);
  return (
    state: FleetState,
    result: MetricsServiceObservableResult<Record<string, string>>,
  ) => {
    const counts = pick(state);
    for (const key of counts.keys()) seen.add(key);
    for (const key of seen)
      result.observe(counts.get(key) ?? 0, { [attribute]: key });
  };
}

/**
 * The gauges of what the database holds: consumers, campaigns and their datasets
 * by state, and the job queue's ready jobs and the age of the oldest. Read when
 * a collection asks; a failed read observes nothing and never throws into the
 * exporter.
 */
export function registerFleetGauges(
  metrics: MetricsService,
  reader: Pick<FleetStateReader, 'read'>,
): void {
  const gauge = (
    name: string,
    description: string,
    unit: string,
    observe: (
      state: FleetState,
      result: MetricsServiceObservableResult<Record<string, string>>,
    ) => void,
  ) =>
    metrics
      .createObservableGauge<Record<string, string>>(name, {
        description,
        unit,
      })
      .addCallback(async result => {
        const state = await reader.read();
        if (state) observe(state, result);
      });

  gauge(
    METRIC_NAMES.consumers,
    'Consumers of migrated datasets, by state',
    '{consumer}',
    countsBy('state', s => s.consumers, CONSUMER_STATES),
  );
  gauge(
    METRIC_NAMES.campaigns,
    'Campaigns, by state',
    '{campaign}',
    countsBy('state', s => s.campaigns),
  );
  gauge(
    METRIC_NAMES.campaignDatasets,
    "Campaigns' datasets, by state",
    '{dataset}',
    countsBy('state', s => s.campaignDatasets),
  );
  gauge(
    METRIC_NAMES.readyJobs,
    'Jobs a worker could take now (due, not taken, attempts left), by task',
    '{job}',
    countsBy('task', s => s.readyJobs, JOB_TASKS),
  );
  gauge(
    METRIC_NAMES.oldestReadyJobAge,
    'How long the oldest ready job has waited for a worker; 0 when none waits',
    's',
    (state, result) => result.observe(state.oldestReadyJobSeconds),
  );
  // The outbox retries a rejected event at most hourly, forever, and logs each
  // rejection: a count above 0 that stays is an event the auditor refuses for good.
  gauge(
    METRIC_NAMES.rejectedAuditEvents,
    'Campaign audit events the auditor rejected and that are not emitted since (each is retried after a back-off of up to an hour); one that stays is rejected for good',
    '{event}',
    (state, result) => result.observe(state.rejectedAuditEvents),
  );
}
