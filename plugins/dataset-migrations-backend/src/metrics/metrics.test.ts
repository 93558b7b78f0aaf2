import { rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import knexFactory, { type Knex } from 'knex';
import request from 'supertest';
import type { Entity } from '@backstage/catalog-model';
import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  metricsServiceRef,
  type MetricsService,
} from '@backstage/backend-plugin-api/alpha';
import { mockServices, startTestBackend } from '@backstage/backend-test-utils';
import { schedulerServiceFactory } from '@backstage/backend-defaults/scheduler';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { MigrationDetails } from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  connectionUrlOf,
  createTestDatabases,
  waitFor,
} from '../__testUtils__/testDatabases';
import { dataset } from '../__testUtils__/fixtures';
import {
  createRepository,
  gitIn,
  registeredIn,
} from '../__testUtils__/gitRepos';
import { createTestMeter, type Point } from '../__testUtils__/testMeter';
import { datasetMigrationsPlugin } from '../plugin';
import { JOB_TASKS } from '../queue/JobQueue';
import {
  DatasetMigrationsMetrics,
  METRIC_NAMES,
} from './DatasetMigrationsMetrics';
import { FleetStateReader, registerFleetGauges } from './fleetGauges';
import { MeteredMigrationAnnouncer } from './MeteredMigrationAnnouncer';
import { CampaignAuditOutbox } from '../database/CampaignAuditOutbox';
import { asStoreTransaction } from '../database/StoreTransaction';
import { emitCampaignAudit } from '../campaigns/emitCampaignAudit';

const API = '/api/dataset-migrations';
const WORKER_SCHEMA = 'dataset_migrations_worker';
const RUN_MIGRATION = 'dataset-migrations.run-migration';
const EVENTS = 'resource:default/events';
const PLAYER = 'component:default/player';
const REPORT = 'component:default/report';
const WORK = join(tmpdir(), `dsm-metrics-${process.pid}`);
/** The player's code never names the dataset: discovery finds it unaffected. */
const PLAYER_REPO = join(WORK, 'player');
/** The report reads the renamed field: it gets a pull request. */
const REPORT_REPO = join(WORK, 'report');

const consumer = (name: string, repo: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    annotations: registeredIn(repo),
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/data',
  },
});

const entities: Entity[] = [
  {
    ...dataset('events'),
    relations: [
      { type: 'dependencyOf', targetRef: PLAYER },
      { type: 'dependencyOf', targetRef: REPORT },
    ],
  },
  consumer('player', PLAYER_REPO),
  consumer('report', REPORT_REPO),
];

/** The points of one instrument whose attributes include `attributes`. */
function pointsOf(
  collected: Map<string, Point[]>,
  name: string,
  attributes: Record<string, unknown> = {},
): Point[] {
  return (collected.get(name) ?? []).filter(point =>
    Object.entries(attributes).every(([k, v]) => point.attributes[k] === v),
  );
}

const valueOf = (
  collected: Map<string, Point[]>,
  name: string,
  attributes: Record<string, unknown> = {},
) => pointsOf(collected, name, attributes)[0]?.value;

describe('dataset-migrations metrics', () => {
  const { init } = createTestDatabases();
  let pluginDb: Knex;
  let warehouse: Knex;
  const backends: Array<{ stop(): Promise<void> }> = [];

  /**
   * A replica of the plugin whose metrics service is a real OpenTelemetry meter;
   * `worker: false` is a replica that only queues work.
   */
  async function startReplica(metrics: MetricsService, worker: boolean) {
    const knex = knexFactory({
      client: 'pg',
      connection: connectionUrlOf(pluginDb),
      pool: { min: 0, max: 10 },
    });
    const backend = await startTestBackend({
      features: [
        schedulerServiceFactory,
        datasetMigrationsPlugin,
        mockServices.database.factory({ knex }),
        catalogServiceMock.factory({ entities }),
        createServiceFactory({
          service: metricsServiceRef,
          deps: {},
          factory: () => metrics,
        }),
        mockServices.rootConfig.factory({
          data: {
            datasetMigrations: {
              approvals: { required: [] },
              worker: { enabled: worker, schema: WORKER_SCHEMA },
              consumers: {
                localGit: { roots: [WORK] },
                followUpInterval: '1s',
              },
              engines: {
                warehouse: {
                  type: 'postgres',
                  connection: connectionUrlOf(warehouse),
                },
              },
            },
          },
        }),
      ],
    });
    backends.push({
      stop: () => backend.stop().finally(() => knex.destroy()),
    });
    return backend;
  }

  beforeAll(async () => {
    createRepository(PLAYER_REPO, { 'README.md': 'the player\n' });
    createRepository(REPORT_REPO, {
      'q.sql': 'select user_id from public.events;\n',
    });
    pluginDb = await init();
    warehouse = await init();
    await warehouse.raw(`
      CREATE TABLE public.events (id bigint PRIMARY KEY, user_id text NOT NULL);
      INSERT INTO public.events VALUES (1, 'alice'), (2, 'bob'), (3, 'carol');
    `);
  }, 60_000);

  afterAll(async () => {
    for (const backend of backends.reverse()) await backend.stop();
    rmSync(WORK, { recursive: true, force: true });
  }, 30_000);

  it('shows a queued job on the queue gauges, and the run a worker replica makes of it on the counters', async () => {
    const webMeter = createTestMeter();
    const web = await startReplica(webMeter.metrics, false);
    const posted = await request(web.server)
      .post(`${API}/migrations`)
      .send({
        entityRef: EVENTS,
        targetVersion: 2,
        changes: [{ renameField: { from: 'user_id', to: 'listener_id' } }],
      });
    expect(posted.status).toBe(201);
    const id: string = posted.body.migration.id;

    // Nothing takes it on a replica without workers: it is what a scaler reads.
    const queued = await webMeter.collect();
    expect(
      valueOf(queued, METRIC_NAMES.readyJobs, { task: RUN_MIGRATION }),
    ).toBe(1);
    // Every task has its series, waiting or not (the request also queued the
    // consumers' discovery).
    expect(
      pointsOf(queued, METRIC_NAMES.readyJobs)
        .map(p => p.attributes.task)
        .sort(),
    ).toEqual([...JOB_TASKS].sort());
    expect(
      valueOf(queued, METRIC_NAMES.readyJobs, {
        task: 'dataset-migrations.operate-migration',
      }),
    ).toBe(0);
    expect(valueOf(queued, METRIC_NAMES.oldestReadyJobAge)).toBeGreaterThan(0);
    expect(valueOf(queued, METRIC_NAMES.oldestReadyJobAge)).toBeLessThan(60);

    const workerMeter = createTestMeter();
    await startReplica(workerMeter.metrics, true);
    const done = await waitFor(
      async () => {
        const res = await request(web.server).get(`${API}/migrations/${id}`);
        const migration: MigrationDetails = res.body.migration;
        return ['succeeded', 'failed', 'cancelled'].includes(migration.status)
          ? migration
          : undefined;
      },
      { timeoutMs: 30_000, what: `migration ${id} to finish` },
    );
    expect(done.status).toBe('succeeded');

    const counted = await waitFor(
      async () => {
        const collected = await workerMeter.collect();
        return valueOf(collected, METRIC_NAMES.migrations, {
          outcome: 'succeeded',
        })
          ? collected
          : undefined;
      },
      { what: 'the succeeded outcome to be counted' },
    );
    expect(
      pointsOf(counted, METRIC_NAMES.migrations).map(p => [
        p.attributes,
        p.value,
      ]),
    ).toEqual(
      expect.arrayContaining([
        [{ outcome: 'started', engine: 'warehouse', dry_run: false }, 1],
        [{ outcome: 'succeeded', engine: 'warehouse', dry_run: false }, 1],
      ]),
    );
    expect(
      pointsOf(counted, METRIC_NAMES.migrations, { outcome: 'failed' }),
    ).toEqual([]);
    // Each stage of the run, once, timed.
    for (const stage of ['plan', 'dry-run', 'backfill', 'verify', 'cut-over']) {
      expect(
        pointsOf(counted, METRIC_NAMES.stageDuration, {
          stage,
          outcome: 'succeeded',
        }),
      ).toEqual([expect.objectContaining({ count: 1 })]);
    }
    expect(valueOf(counted, METRIC_NAMES.rowsCopied)).toBe(3);
    // The web replica ran nothing: its counters are empty.
    expect(pointsOf(await webMeter.collect(), METRIC_NAMES.migrations)).toEqual(
      [],
    );

    // Discovery finds the player unaffected and opens a pull request for the
    // report; its owner merges it. The job is gone from the queue, which reads 0
    // rather than losing the series.
    const ledger = await waitFor(
      async () => {
        const res = await request(web.server).get(
          `${API}/migrations/${id}/consumers`,
        );
        const report = (
          res.body.consumers as Array<{
            entityRef: string;
            state: string;
            pullRequest?: { branch: string };
          }>
        ).find(c => c.entityRef === REPORT);
        return report?.state === 'pr-opened' ? report : undefined;
      },
      { timeoutMs: 60_000, what: 'the report to get its pull request' },
    );
    gitIn(REPORT_REPO, 'merge', '-q', '--ff-only', ledger.pullRequest!.branch);
    const settled = await waitFor(
      async () => {
        const collected = await webMeter.collect();
        return valueOf(collected, METRIC_NAMES.consumers, { state: 'done' }) ===
          1 &&
          // No job of any task ready: the age of the oldest must then read 0
          // (a consumer step or follow-up may be ready a moment after the run).
          pointsOf(collected, METRIC_NAMES.readyJobs).every(
            p => p.value === 0,
          ) &&
          pointsOf(collected, METRIC_NAMES.readyJobs, { task: RUN_MIGRATION })
            .length === 1
          ? collected
          : undefined;
      },
      { timeoutMs: 60_000, what: 'the consumer gauge to show the report done' },
    );
    expect(
      pointsOf(settled, METRIC_NAMES.consumers).filter(p => p.value > 0),
    ).toEqual(
      expect.arrayContaining([
        { attributes: { state: 'unaffected' }, value: 1 },
        { attributes: { state: 'done' }, value: 1 },
      ]),
    );
    expect(valueOf(settled, METRIC_NAMES.oldestReadyJobAge)).toBe(0);
    const moved = await workerMeter.collect();
    expect(valueOf(moved, METRIC_NAMES.pullRequestsOpened)).toBe(1);
    expect(valueOf(moved, METRIC_NAMES.pullRequestsMerged)).toBe(1);
  }, 120_000);

  it('reads the database once per collection, and a read that fails observes nothing without failing the collection', async () => {
    const knex = knexFactory({
      client: 'pg',
      connection: connectionUrlOf(pluginDb),
      pool: { min: 0, max: 2 },
    });
    try {
      let queries = 0;
      knex.on('query', () => queries++);
      await pluginDb('campaigns').insert({
        id: '00000000-0000-4000-8000-000000000001',
        name: 'spring',
        title: 'Spring cleaning',
        owner: 'group:default/data',
        deadline: new Date('2027-01-01'),
        document: {},
        state: 'running',
        created_by: 'user:default/ada',
      });
      await pluginDb('campaign_datasets').insert(
        [
          ['resource:default/a', 'pending'],
          ['resource:default/b', 'migrated'],
          ['resource:default/c', 'migrated'],
        ].map(([entityRef, state], position) => ({
          campaign_id: '00000000-0000-4000-8000-000000000001',
          entity_ref: entityRef,
          wave_index: 0,
          position,
          criticality: 'low',
          target_version: 2,
          state,
        })),
      );

      const meter = createTestMeter();
      const logger = mockServices.logger.mock();
      registerFleetGauges(
        meter.metrics,
        new FleetStateReader({ knex, workerSchema: WORKER_SCHEMA, logger }),
      );
      const collected = await meter.collect();
      expect(queries).toBe(1);
      expect(pointsOf(collected, METRIC_NAMES.campaigns)).toEqual([
        { attributes: { state: 'running' }, value: 1 },
      ]);
      expect(
        pointsOf(collected, METRIC_NAMES.campaignDatasets).sort((a, b) =>
          String(a.attributes.state).localeCompare(String(b.attributes.state)),
        ),
      ).toEqual([
        { attributes: { state: 'migrated' }, value: 2 },
        { attributes: { state: 'pending' }, value: 1 },
      ]);
      expect(logger.warn).not.toHaveBeenCalled();

      const broken = createTestMeter();
      registerFleetGauges(
        broken.metrics,
        new FleetStateReader({ knex, workerSchema: 'no_such_schema', logger }),
      );
      const none = await broken.collect();
      for (const name of [
        METRIC_NAMES.consumers,
        METRIC_NAMES.readyJobs,
        METRIC_NAMES.oldestReadyJobAge,
      ])
        expect(pointsOf(none, name)).toEqual([]);
      expect(logger.warn).toHaveBeenCalledTimes(1);
      expect(logger.warn.mock.calls[0][0]).toMatch(
        /^Could not read the dataset-migrations gauges; this collection has none of them: relation "no_such_schema.jobs" does not exist$/,
      );
    } finally {
      await knex.destroy();
    }
  });

  it('counts the campaign audit events the auditor rejected until one is emitted, so one rejected for good shows', async () => {
    const campaignId = '00000000-0000-4000-8000-000000000002';
    await pluginDb('campaigns').insert({
      id: campaignId,
      name: 'audited',
      title: 'Audited',
      owner: 'group:default/data',
      deadline: new Date('2027-01-01'),
      document: {},
      state: 'running',
      created_by: 'user:default/ada',
    });
    const outbox = new CampaignAuditOutbox(pluginDb);
    const event = (id: string) => ({
      id,
      campaignId,
      eventId: 'campaign-migration-start',
      severityLevel: 'medium' as const,
      meta: {},
    });
    const rejected = '00000000-0000-4000-8000-0000000000a1';
    const accepted = '00000000-0000-4000-8000-0000000000a2';
    await pluginDb.transaction(async tx => {
      await outbox.record(asStoreTransaction(tx), event(rejected), new Date());
    });
    const logger = mockServices.logger.mock();
    const refusing = {
      createEvent: async () => {
        throw new Error('the audit sink refuses this event');
      },
    };
    const accepting = mockServices.auditor.mock();
    await emitCampaignAudit(outbox, refusing, logger);
    await pluginDb.transaction(async tx => {
      await outbox.record(asStoreTransaction(tx), event(accepted), new Date());
    });
    await emitCampaignAudit(outbox, accepting, logger);
    const gauge = async () => {
      const meter = createTestMeter();
      registerFleetGauges(
        meter.metrics,
        new FleetStateReader({
          knex: pluginDb,
          workerSchema: WORKER_SCHEMA,
          logger,
        }),
      );
      return valueOf(await meter.collect(), METRIC_NAMES.rejectedAuditEvents);
    };
    // The accepted one is emitted; the rejected one waits out its back-off.
    expect(await gauge()).toBe(1);

    // Its back-off over, the auditor takes it: nothing is flagged any more.
    await pluginDb('campaign_audit_outbox')
      .where({ id: rejected })
      .update({ next_attempt_at: new Date(Date.now() - 1000) });
    expect(await emitCampaignAudit(outbox, accepting, logger)).toBe(1);
    expect(await gauge()).toBe(0);
  });

  it("counts consumers' pull requests opened and merged from the changes the pipeline announces", async () => {
    const meter = createTestMeter();
    const inner = {
      migrationChanged: jest.fn(async () => {}),
      consumerChanged: jest.fn(async () => {}),
    };
    const announcer = new MeteredMigrationAnnouncer(inner, {
      metrics: new DatasetMigrationsMetrics(meter.metrics),
      migrations: { getMigrationWithPlan: async () => undefined },
      logger: mockServices.logger.mock(),
    });
    const moved = (from: string, to: string) =>
      announcer.consumerChanged({
        migrationId: 'm',
        consumerRef: 'component:default/c',
        transition: { from, to } as never,
      });
    await moved('verified', 'pr-opened');
    await moved('verified', 'pr-opened');
    await moved('pr-opened', 'merged');
    // Merged and on the default branch in one step.
    await moved('pr-opened', 'done');
    await moved('merged', 'done');
    await moved('pr-opened', 'failed');
    await announcer.consumerChanged({ migrationId: 'm', consumerRef: 'x' });
    await announcer.migrationChanged({ migrationId: 'm', outcome: 'failed' });
    await announcer.close();

    const collected = await meter.collect();
    expect(valueOf(collected, METRIC_NAMES.pullRequestsOpened)).toBe(2);
    expect(valueOf(collected, METRIC_NAMES.pullRequestsMerged)).toBe(2);
    // A run that cannot be read is still counted, its engine unknown.
    expect(pointsOf(collected, METRIC_NAMES.migrations)).toEqual([
      {
        attributes: { outcome: 'failed', engine: 'unknown', dry_run: false },
        value: 1,
      },
    ]);
    // Everything is passed on.
    expect(inner.consumerChanged).toHaveBeenCalledTimes(7);
    expect(inner.migrationChanged).toHaveBeenCalledTimes(1);
  });
});
