import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { ConflictError } from '@backstage/errors';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  datasetMigrationApprovePermission,
  datasetMigrationRollbackPermission,
  type CampaignDocumentInput,
  type Migration,
  type MigrationStatus,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  connectionUrlOf,
  createTestDatabases,
  waitFor,
} from '../__testUtils__/testDatabases';
import { dataset } from '../__testUtils__/fixtures';
import type {
  CampaignChange,
  CampaignLeftToOwners,
  MigrationAnnouncer,
  MigrationChange,
} from '../announcements/MigrationAnnouncer';
import { DatasetCatalog } from '../catalog/DatasetCatalog';
import { CampaignAuditOutbox } from '../database/CampaignAuditOutbox';
import { CampaignLookLeases } from '../database/CampaignLookLeases';
import { recordingAuditor } from '../__testUtils__/recordingAuditor';
import { DatabaseCampaignStore } from '../database/DatabaseCampaignStore';
import { DatabaseMigrationStore } from '../database/DatabaseMigrationStore';
import type { StoreTransaction } from '../database/StoreTransaction';
import { EngineRegistry } from '../engines/EngineRegistry';
import { postgresEngineFactory } from '../engines/postgres/PostgresDatasetEngine';
import { MigrationRunner } from '../jobs/MigrationRunner';
import { OperationRunner } from '../jobs/OperationRunner';
import { JobQueue } from '../queue/JobQueue';
import { ConsumerStore } from '../database/ConsumerStore';
import { MigrationService } from '../services/MigrationService';
import type { EntityPermissions } from '../services/MigrationApprovals';
import type { ResourcePermission } from '@backstage/plugin-permission-common';
import { CampaignRunner } from './CampaignRunner';
import { CampaignService } from './CampaignService';
import { withCampaignTicks } from './campaignTicks';
import { campaignDocument, fixedPlanning } from './__testUtils__/campaignPlans';
import { usersInGroups } from './__testUtils__/userInfo';

const WORKER_SCHEMA = 'campaign_runner_worker';
const STARTER = 'user:default/starter';
/** Tables whose `amount` text all reads as integers, and ones with a row that does not. */
const GOOD = Array.from({ length: 59 }, (_, i) => `g${i + 1}`);
const BAD = [
  'b1',
  'b2',
  'b3',
  'b4',
  'b5',
  'b6',
  'b7',
  'b8',
  'b9',
  'b10',
  'b11',
  'b12',
];
/** Tables of the test of lineage within a wave. */
const LINEAGE = ['u1', 'u2', 'u3'];
/** Tables of the test of contracts the campaign asks for. */
const CONTRACTS = ['k1', 'k2', 'k3'];
/** Tables of the test of approvals carried by the start. */
const APPROVALS = ['a1', 'a2', 'a3'];
/** Tables of the tests of edge cases of the failure policy: good ones, and bad ones. */
const EDGES = ['e1', 'e2', 'e3', 'e4', 'e5', 'e6', 'e7', 'e8', 'e9'];
const EDGES_BAD = ['x1', 'x2'];
const ref = (name: string) => `resource:default/${name}`;
/** The starter's rights were checked at start; here every check allows. */
const allowsEverything: EntityPermissions = {
  isAllowedOnEntity: async () => true,
  assertAllowedOnEntity: async () => {},
  seesRowsOf: () => async refs => new Set(refs),
};
const FINISHED: MigrationStatus[] = [
  'succeeded',
  'failed',
  'cancelled',
  'rolled-back',
  'rejected',
];

/**
 * The campaign runner on a real Postgres and the real graphile-worker: campaign
 * migrations run through the ordinary runner and rollback job. Each test drives
 * ticks itself with an injected clock; the looks a finished migration asks for go
 * through the queue and act only where a test says so (the first one).
 */
/** A promise and the call that resolves it: where a test holds a look, and lets it go. */
function latch(): [Promise<void>, () => void] {
  let open!: () => void;
  const opened = new Promise<void>(resolve => {
    open = resolve;
  });
  return [opened, open];
}

describe('CampaignRunner', () => {
  const { init } = createTestDatabases();
  let pluginDb: Knex;
  let warehouse: Knex;
  let queue: JobQueue;
  let migrationRunner: MigrationRunner;
  let engines: EngineRegistry;
  let campaigns: DatabaseCampaignStore;
  let runner: CampaignRunner;
  /** The runner's parts, for runners standing for other backend replicas. */
  let runnerDeps: ConstructorParameters<typeof CampaignRunner>[0];
  let planning: ReturnType<typeof fixedPlanning>;
  let service: CampaignService;
  let now = new Date('2027-03-01T10:00:00Z');
  const clock = { now: () => now };
  const announced: Array<
    MigrationChange | CampaignChange | CampaignLeftToOwners
  > = [];
  /** Whether the operation jobs (rollback, contract) the queue runs fail, as on an engine out of reach. */
  let operationsFail = false;
  /** What the looks the queue runs (those a finished migration or a trip asks for) do; nothing unless a test says. */
  let queuedTicks: ((id: string) => Promise<void>) | undefined;
  let logger: ReturnType<typeof mockServices.logger.mock>;
  let auth: ReturnType<typeof mockServices.auth>;
  let store: DatabaseMigrationStore;
  let catalog: DatasetCatalog;
  let announcer: MigrationAnnouncer;
  const auditor = mockServices.auditor.mock();

  beforeAll(async () => {
    pluginDb = await init();
    warehouse = await init();
    for (const name of [
      ...GOOD,
      ...BAD,
      ...APPROVALS,
      ...LINEAGE,
      ...CONTRACTS,
      ...EDGES,
      ...EDGES_BAD,
    ]) {
      // The seed's writes reach the server's statistics at once: reported late,
      // they would land in the contract test's window of reads and hide its read.
      await warehouse.transaction(async tx => {
        await tx.raw(
          `CREATE TABLE public.${name} (id int PRIMARY KEY, amount text);
           INSERT INTO public.${name} VALUES (1, '10'), (2, '20');`,
        );
        await tx.raw('SELECT pg_stat_force_next_flush()');
      });
    }
    for (const name of [...BAD, ...EDGES_BAD])
      await warehouse.raw(`INSERT INTO public.${name} VALUES (3, 'ten')`);

    logger = mockServices.logger.mock();
    auth = mockServices.auth();
    store = await DatabaseMigrationStore.create({
      database: mockServices.database({ knex: pluginDb }),
    });
    campaigns = new DatabaseCampaignStore(pluginDb);
    catalog = new DatasetCatalog(
      catalogServiceMock({
        entities: [
          ...GOOD,
          ...BAD,
          ...APPROVALS,
          ...LINEAGE,
          ...CONTRACTS,
          ...EDGES,
          ...EDGES_BAD,
        ].map(name => dataset(name)),
      }),
      mockServices.auth(),
    );
    engines = await EngineRegistry.fromConfig({
      config: new ConfigReader({
        datasetMigrations: {
          engines: {
            warehouse: {
              type: 'postgres',
              connection: connectionUrlOf(warehouse),
            },
          },
        },
      }),
      factories: [postgresEngineFactory],
      logger,
    });
    queue = new JobQueue({ knex: pluginDb, schema: WORKER_SCHEMA, logger });
    await queue.migrate();
    const recording: MigrationAnnouncer = {
      migrationChanged: async change => {
        announced.push(change);
      },
      consumerChanged: async () => {},
      campaignChanged: async change => {
        announced.push(change);
      },
      campaignLeftToOwners: async notice => {
        announced.push(notice);
      },
    };
    announcer = withCampaignTicks(recording, {
      migrations: store,
      consumers: new ConsumerStore(pluginDb),
      enqueueTick: id => queue.enqueueCampaignTick(id),
      logger,
    });
    const migrations = new MigrationService({
      store,
      catalog,
      engines,
      queue,
      // The previous versions are kept past every test, so no campaign here asks
      // for a contract (a test of that has a service of its own).
      retentionMs: 10 * 365 * 86_400_000,
      permissions: allowsEverything,
      approvalsRequired: [],
      announcer,
    });
    migrationRunner = new MigrationRunner({
      store,
      engines,
      catalog,
      auth,
      logger,
      leaseMs: 30_000,
      announcer,
    });
    const operations = new OperationRunner({
      store,
      engines,
      catalog,
      auth,
      logger,
      workerId: migrationRunner.workerId,
      leaseMs: 30_000,
      announcer,
    });
    runnerDeps = {
      campaigns,
      migrations,
      queue,
      auth,
      logger,
      clock,
      announcer,
      audit: new CampaignAuditOutbox(pluginDb),
      lookLeases: new CampaignLookLeases(pluginDb, 30_000),
      auditor,
    };
    runner = new CampaignRunner(runnerDeps);
    planning = fixedPlanning([]);
    service = new CampaignService({
      campaigns,
      planning,
      permissions: {
        assertAllowedOnEntities: async () => {},
        allowedEntities: async (_c, _p, refs) => new Set(refs),
      },
      userInfo: usersInGroups(),
      queue,
      announcer,
      clock,
    });
    await queue.start({
      concurrency: 4,
      handlers: {
        runMigration: id => migrationRunner.run(id),
        discoverConsumers: async () => {},
        advanceConsumer: async () => {},
        operateMigration: job =>
          operationsFail
            ? Promise.reject(new Error('engine warehouse is out of reach'))
            : operations.run(job),
        advanceCampaign: async id => {
          await queuedTicks?.(id);
        },
      },
    });
  }, 60_000);

  afterAll(async () => {
    await migrationRunner?.stop();
    await queue?.stop();
    await engines?.close();
  }, 30_000);

  const starter = mockCredentials.user(STARTER);

  /** A started campaign of these waves (names of tables), its clock at `now`. */
  async function startCampaign(
    name: string,
    waves: string[][],
    rollout: CampaignDocumentInput['rollout'] = {},
  ) {
    planning.waves = waves.map(w => w.map(ref));
    const draft = await service.create(
      campaignDocument({ name, rollout: { soak: '0s', ...rollout } }),
      starter,
    );
    const started = await service.start(draft.id, starter);
    expect(started.state).toBe('running');
    return started.id;
  }

  /** A campaign service whose starter holds every right but `permission` on `table`. */
  function serviceDenying(
    permission: ResourcePermission<'catalog-entity'>,
    table: string,
  ): CampaignService {
    return new CampaignService({
      campaigns,
      planning,
      permissions: {
        assertAllowedOnEntities: async () => {},
        allowedEntities: async (_c, asked, refs) =>
          new Set(
            asked.name === permission.name
              ? refs.filter(r => r !== ref(table))
              : refs,
          ),
      },
      userInfo: usersInGroups(),
      queue,
      announcer,
      clock,
    });
  }

  async function migrationsOf(campaignId: string): Promise<Migration[]> {
    const rows = await pluginDb('migrations')
      .where({ campaign_id: campaignId })
      .orderBy('created_at');
    return rows.map(r => ({
      id: r.id,
      entityRef: r.entity_ref,
      status: r.status,
      requestedBy: r.requested_by,
      rollbackOverride: r.rollback_override,
      campaignWave: r.campaign_wave,
    })) as unknown as Migration[];
  }

  /** Waits until every migration of the campaign has ended; bounded polling. */
  async function migrationsFinished(campaignId: string, count: number) {
    return waitFor(
      async () => {
        const all = await migrationsOf(campaignId);
        return all.length === count &&
          all.every(m => FINISHED.includes(m.status))
          ? all
          : undefined;
      },
      { timeoutMs: 60_000, what: `${count} migrations to finish` },
    );
  }

  async function datasetStates(campaignId: string) {
    const campaign = await service.get(campaignId);
    return Object.fromEntries(
      campaign.datasets.map(d => [d.entityRef.split('/')[1], d.state]),
    );
  }

  /**
   * A rollback-wave campaign of a canary wave, then a good and a bad dataset,
   * whose three migrations `looker` started and saw end: its next look trips.
   */
  async function beforeTrip(
    looker: CampaignRunner,
    name: string,
    [canary, good, bad]: [string, string, string],
  ): Promise<string> {
    const id = await startCampaign(name, [[canary], [good, bad]], {
      concurrency: 1,
      failurePolicy: { action: 'rollback-wave', maxFailureRate: 0.4 },
    });
    for (let started = 1; started <= 3; started++) {
      await looker.tick(id);
      await migrationsFinished(id, started);
    }
    return id;
  }

  /**
   * Counts the queued looks of the campaign the queue runs from now on; the
   * answer waits until `n` have run.
   */
  function recordQueuedLooks(id: string): (n: number) => Promise<void> {
    let run = 0;
    queuedTicks = async tickId => {
      if (tickId === id) run++;
    };
    return n =>
      waitFor(async () => (run >= n ? true : undefined), {
        timeoutMs: 10_000,
        what: `${n} queued looks at the campaign`,
      }).then(() => {});
  }

  /**
   * Drops the looks queued for the campaign: one queued for when a lease runs out
   * would otherwise run in a later test, through that test's runner.
   */
  const dropQueuedLooks = (id: string) =>
    pluginDb.raw(`DELETE FROM ${WORKER_SCHEMA}._private_jobs WHERE key = ?`, [
      `campaign:${id}`,
    ]);

  it('pauses the campaign when the canary fails, with nothing else started, and says why', async () => {
    const id = await startCampaign('canary-fails', [['b1'], ['g1', 'g2']]);
    // Only the first look is the test's: the canary's failure asks for the next.
    queuedTicks = tickId => runner.tick(tickId);
    await runner.tick(id);
    const [canary] = await migrationsFinished(id, 1);
    expect(canary).toMatchObject({
      entityRef: ref('b1'),
      status: 'failed',
      requestedBy: STARTER,
    });
    await waitFor(
      async () =>
        (await service.get(id)).state === 'paused' ? true : undefined,
      { what: 'the look the failure asked for to pause the campaign' },
    );
    queuedTicks = undefined;

    const campaign = await service.get(id);
    expect(campaign.state).toBe('paused');
    expect(campaign.stateReason).toBe(
      'wave 0 (canary): 1 of 1 failed (100% > 20%)',
    );
    expect(await datasetStates(id)).toEqual({
      b1: 'failed',
      g1: 'pending',
      g2: 'pending',
    });
    expect(campaign.waves.map(w => w.state)).toEqual(['failed', 'pending']);
    expect(await migrationsOf(id)).toHaveLength(1);
    expect(campaign.stuck).toEqual([
      expect.objectContaining({ entityRef: ref('b1'), kind: 'failed' }),
    ]);
    expect(announced).toContainEqual({
      campaignId: id,
      state: 'paused',
      reason: 'wave 0 (canary): 1 of 1 failed (100% > 20%)',
    });
    // Ticks while paused start nothing.
    await runner.tick(id);
    expect(await migrationsOf(id)).toHaveLength(1);

    // A person resumes: the canary's failure is accepted and the next wave starts.
    const resumed = await service.resume(id, undefined, starter);
    expect(resumed.afterAutomaticPause).toBe(true);
    await runner.tick(id);
    const going = await service.get(id);
    expect(going.state).toBe('running');
    expect(going.waves.map(w => w.state)).toEqual(['healthy', 'running']);
    expect((await migrationsOf(id)).map(m => m.entityRef)).toEqual([
      ref('b1'),
      ref('g1'),
      ref('g2'),
    ]);
    await migrationsFinished(id, 3);
    await runner.tick(id);
    expect((await service.get(id)).state).toBe('completed');
  }, 90_000);

  it('refuses a resume whose page did not show a failure, pauses again for one that landed after its check, and goes on once seen', async () => {
    const id = await startCampaign('unseen-failure', [['b8'], ['g47']]);
    await runner.tick(id);
    await migrationsFinished(id, 1);
    await waitFor(
      async () => {
        await runner.tick(id);
        return (await service.get(id)).state === 'paused' ? true : undefined;
      },
      { what: 'the canary’s failure to pause the campaign' },
    );
    // Resumed from a page read before the canary failed: refused, naming it.
    await expect(
      service.resume(id, { failedSeen: [] }, starter),
    ).rejects.toThrow(
      `campaign unseen-failure: 1 dataset failed that the page you resumed from did not show (${ref(
        'b8',
      )}); look at it and resume again`,
    );
    expect((await service.get(id)).state).toBe('paused');
    // As if the failure landed just after that check (the check read a
    // person's pause): the store accepts only the failures seen, under its
    // lock, and the policy pauses again.
    const check = jest
      .spyOn(campaigns, 'isPausedByRunner')
      .mockResolvedValueOnce(false);
    await service.resume(id, { failedSeen: [] }, starter);
    check.mockRestore();
    await runner.tick(id);
    const again = await service.get(id);
    expect(again.state).toBe('paused');
    expect(again.stateReason).toBe(
      'wave 0 (canary): 1 of 1 failed (100% > 20%)',
    );
    expect(await migrationsOf(id)).toHaveLength(1);

    // Resumed from the page that shows it: accepted, and the next wave starts.
    const seen = (await service.get(id)).datasets
      .filter(d => d.state === 'failed')
      .map(d => d.entityRef);
    expect(seen).toEqual([ref('b8')]);
    await service.resume(id, { failedSeen: seen }, starter);
    await runner.tick(id);
    expect((await service.get(id)).state).toBe('running');
    expect((await migrationsOf(id)).map(m => m.entityRef)).toEqual([
      ref('b8'),
      ref('g47'),
    ]);
    await migrationsFinished(id, 2);
  }, 90_000);

  it('rolls back with rollback-wave only what its starter may roll back; the rest is left to its owners', async () => {
    (auditor.createEvent as jest.Mock).mockClear();
    // The starter holds rollback on every dataset but g57, another team's.
    const withoutRollbackOfG57 = serviceDenying(
      datasetMigrationRollbackPermission,
      'g57',
    );
    planning.waves = [[ref('g57'), ref('b10')]];
    const draft = await withoutRollbackOfG57.create(
      campaignDocument({
        name: 'not-its-rollback',
        rollout: {
          soak: '0s',
          concurrency: 1,
          failurePolicy: { action: 'rollback-wave', maxFailureRate: 0.4 },
        },
      }),
      starter,
    );
    const { id } = await withoutRollbackOfG57.start(draft.id, starter);
    await runner.tick(id); // g57
    await migrationsFinished(id, 1);
    await runner.tick(id); // b10
    await migrationsFinished(id, 2);
    await runner.tick(id); // b10 failed: 1 of 2 > 40%, the wave is rolled back
    await runner.tick(id);

    const campaign = await service.get(id);
    expect(campaign.state).toBe('paused');
    // It says what rolling the wave back did: nothing the campaign could roll back.
    expect(campaign.stateReason).toBe(
      'wave 0 (canary): 1 of 2 failed (50% > 40%); the wave is rolled back: the campaign rolls back no migration (none of its own had succeeded), leaves 1 succeeded to its owners (its starter may not roll it back)',
    );
    expect(campaign.waves.map(w => w.state)).toEqual(['rolled-back']);
    const statuses = Object.fromEntries(
      (await migrationsOf(id)).map(m => [m.entityRef.split('/')[1], m.status]),
    );
    expect(statuses).toEqual({ g57: 'succeeded', b10: 'failed' });
    expect(campaign.stuck).toContainEqual(
      expect.objectContaining({
        entityRef: ref('g57'),
        kind: 'rollback-not-allowed',
        detail: `the campaign does not roll it back: ${STARTER} did not hold dataset-migrations.migration.rollback on it when starting the campaign; its owners roll it back or keep it`,
      }),
    );
    const events = (auditor.createEvent as jest.Mock).mock.calls
      .map(([event]) => event)
      .filter(e => e.meta.campaignId === id);
    expect(events.map(e => e.eventId)).not.toContain('campaign-rollback');
    // Its owners are told, once, by the look that rolled the wave back.
    expect(
      announced.filter(
        (a): a is CampaignLeftToOwners =>
          'entityRef' in a && 'campaignId' in a && a.campaignId === id,
      ),
    ).toEqual([
      {
        campaignId: id,
        entityRef: ref('g57'),
        migrationId: campaign.datasets.find(d => d.entityRef === ref('g57'))!
          .migrationId,
        reason: campaign.stateReason,
      },
    ]);
    // Nothing is left for a look to do about it: no look is asked for it.
    expect(await campaigns.campaignsAwaitingLooks()).not.toContain(id);
  });

  it('tells the owners of a dataset it may not roll back whose migration succeeded only after its wave was rolled back, once', async () => {
    // The starter holds rollback on every dataset but g58, another team's.
    const withoutRollbackOfG58 = serviceDenying(
      datasetMigrationRollbackPermission,
      'g58',
    );
    planning.waves = [[ref('b11'), ref('g58')]];
    const draft = await withoutRollbackOfG58.create(
      campaignDocument({
        name: 'late-not-its-rollback',
        rollout: {
          soak: '0s',
          concurrency: 2,
          failurePolicy: { action: 'rollback-wave', maxFailureRate: 0.4 },
        },
      }),
      starter,
    );
    const { id } = await withoutRollbackOfG58.start(draft.id, starter);
    await runner.tick(id); // b11 and g58 start
    const finished = await migrationsFinished(id, 2);
    const g58 = finished.find(m => m.entityRef === ref('g58'))!;
    expect(g58.status).toBe('succeeded');
    // The look that trips reads g58's migration still running (as when b11
    // fails first): the wave is rolled back before g58's success is recorded.
    const read = campaigns.getRun.bind(campaigns);
    const reads = jest
      .spyOn(campaigns, 'getRun')
      .mockImplementationOnce(async runId => {
        const run = (await read(runId))!;
        const late = run.datasets.find(d => d.entityRef === ref('g58'))!;
        late.migrationStatus = 'running';
        return run;
      });
    try {
      await runner.tick(id); // b11 failed: 1 of 2 > 40%, the wave is rolled back
    } finally {
      // Later tests spy on the same store's reads.
      reads.mockRestore();
    }
    const tripped = await service.get(id);
    expect(tripped.state).toBe('paused');
    expect(tripped.waves.map(w => w.state)).toEqual(['rolled-back']);
    const told = () =>
      announced.filter(
        (a): a is CampaignLeftToOwners =>
          'entityRef' in a && 'campaignId' in a && a.campaignId === id,
      );
    expect(told()).toEqual([]);

    // The next look records g58's success: listed as stuck, and its owners told.
    await runner.tick(id);
    await runner.tick(id);
    const campaign = await service.get(id);
    expect(campaign.stuck).toContainEqual(
      expect.objectContaining({
        entityRef: ref('g58'),
        kind: 'rollback-not-allowed',
      }),
    );
    expect(told()).toEqual([
      {
        campaignId: id,
        entityRef: ref('g58'),
        migrationId: g58.id,
        reason: 'wave 0 was rolled back before its migration succeeded',
      },
    ]);
    // Its migration is left to its owners: not rolled back.
    expect(
      (await migrationsOf(id)).find(m => m.entityRef === ref('g58'))!.status,
    ).toBe('succeeded');
  }, 120_000);

  it('says what rolling its wave back does as each look finds it, not as the look that paused knew it', async () => {
    (auditor.createEvent as jest.Mock).mockClear();
    const id = await startCampaign('reason-follows', [['b12', 'g59']], {
      concurrency: 2,
      failurePolicy: { action: 'rollback-wave', maxFailureRate: 0.4 },
    });
    await runner.tick(id); // b12 and g59 start
    const finished = await migrationsFinished(id, 2);
    const g59 = finished.find(m => m.entityRef === ref('g59'))!;
    expect(g59.status).toBe('succeeded');
    // The look that trips reads g59's migration still running.
    const read = campaigns.getRun.bind(campaigns);
    const reads = jest
      .spyOn(campaigns, 'getRun')
      .mockImplementationOnce(async runId => {
        const run = (await read(runId))!;
        run.datasets.find(d => d.entityRef === ref('g59'))!.migrationStatus =
          'running';
        return run;
      });
    try {
      await runner.tick(id); // b12 failed: 1 of 2 > 40%, the wave is rolled back
    } finally {
      reads.mockRestore();
    }
    const trip =
      'wave 0 (canary): 1 of 2 failed (50% > 40%); the wave is rolled back: the campaign rolls back no migration (none of its own had succeeded), waits for 1 migration still running';
    const reasons = async () => [
      (await service.get(id)).stateReason,
      (await service.list()).find(c => c.id === id)!.stateReason,
    ];
    expect(await reasons()).toEqual([trip, trip]);

    // The next look records g59's success and asks its rollback: nothing runs.
    await runner.tick(id);
    const asked =
      'wave 0 (canary): 1 of 2 failed (50% > 40%); the wave is rolled back: the campaign rolls back 1 succeeded migration';
    expect(await reasons()).toEqual([asked, asked]);
    await waitFor(
      async () =>
        (await migrationsOf(id)).find(m => m.id === g59.id)!.status ===
        'rolled-back'
          ? true
          : undefined,
      { timeoutMs: 60_000, what: 'the rollback of g59' },
    );
    // The look after the rollback: done, not asked.
    await runner.tick(id);
    const done =
      'wave 0 (canary): 1 of 2 failed (50% > 40%); the wave is rolled back: 1 migration rolled back';
    expect(await reasons()).toEqual([done, done]);
    // Still the policy's pause: a resume accepts its failures as before.
    expect((await service.get(id)).state).toBe('paused');
    expect(await campaigns.isPausedByRunner(id)).toBe(true);
    // The trip's record and its notice keep what the trip knew.
    const tripEvents = (auditor.createEvent as jest.Mock).mock.calls
      .map(([event]) => event)
      .filter(
        e => e.meta.campaignId === id && e.eventId === 'campaign-policy-trip',
      );
    expect(tripEvents.map(e => e.meta.reason)).toEqual([trip]);
    expect(
      announced.filter(
        (a): a is CampaignChange =>
          'state' in a && a.campaignId === id && a.state === 'paused',
      ),
    ).toEqual([{ campaignId: id, state: 'paused', reason: trip }]);
  }, 120_000);

  it('rolls back exactly the failed wave’s succeeded migrations with rollback-wave, and nothing else', async () => {
    (auditor.createEvent as jest.Mock).mockClear();
    const id = await startCampaign(
      'wave-rolls-back',
      [['g3'], ['g4', 'b2'], ['g5']],
      {
        concurrency: 1,
        failurePolicy: { action: 'rollback-wave', maxFailureRate: 0.4 },
      },
    );
    await runner.tick(id); // the canary
    await migrationsFinished(id, 1);
    await runner.tick(id); // canary healthy (soak 0s): g4 starts
    await migrationsFinished(id, 2);
    await runner.tick(id); // g4 migrated: b2 starts
    await migrationsFinished(id, 3);
    await runner.tick(id); // b2 failed: 1 of 2 > 40%, the wave is rolled back

    const rolledBack = await waitFor(
      async () => {
        const g4 = (await migrationsOf(id)).find(
          m => m.entityRef === ref('g4'),
        );
        return g4?.status === 'rolled-back' ? g4 : undefined;
      },
      { timeoutMs: 60_000, what: 'the rollback of g4' },
    );
    expect(
      (rolledBack as unknown as { rollbackOverride: unknown }).rollbackOverride,
    ).toMatchObject({
      by: STARTER,
      reason: expect.stringContaining('campaign wave-rolls-back'),
    });
    await runner.tick(id);

    const campaign = await service.get(id);
    expect(campaign.state).toBe('paused');
    // The failures the policy saw, and the rollback it made: g4's, done by this look.
    expect(campaign.stateReason).toBe(
      'wave 1: 1 of 2 failed (50% > 40%); the wave is rolled back: 1 migration rolled back',
    );
    expect(campaign.waves.map(w => w.state)).toEqual([
      'healthy',
      'rolled-back',
      'pending',
    ]);
    expect(await datasetStates(id)).toEqual({
      g3: 'migrated',
      g4: 'rolled-back',
      b2: 'failed',
      g5: 'pending',
    });
    const statuses = Object.fromEntries(
      (await migrationsOf(id)).map(m => [m.entityRef.split('/')[1], m.status]),
    );
    expect(statuses).toEqual({
      g3: 'succeeded',
      g4: 'rolled-back',
      b2: 'failed',
    });
    // Each start, the trip, and the rollback it asked, audited once.
    const events = (auditor.createEvent as jest.Mock).mock.calls
      .map(([event]) => event)
      .filter(e => e.meta.campaignId === id);
    const byName = async (name: string) =>
      (await migrationsOf(id)).find(m => m.entityRef === ref(name))!.id;
    expect(
      events
        .filter(e => e.eventId === 'campaign-migration-start')
        .map(e => [e.meta.entityRef, e.meta.wave, e.meta.onBehalfOf]),
    ).toEqual([
      [ref('g3'), 0, STARTER],
      [ref('g4'), 1, STARTER],
      [ref('b2'), 1, STARTER],
    ]);
    expect(events.filter(e => e.eventId === 'campaign-policy-trip')).toEqual([
      {
        eventId: 'campaign-policy-trip',
        severityLevel: 'high',
        meta: expect.objectContaining({
          campaignId: id,
          wave: 1,
          action: 'rollback-wave',
          reason:
            'wave 1: 1 of 2 failed (50% > 40%); the wave is rolled back: the campaign rolls back 1 succeeded migration',
          onBehalfOf: STARTER,
        }),
      },
    ]);
    expect(
      events
        .filter(e => e.eventId === 'campaign-rollback')
        .map(e => [e.severityLevel, e.meta.migrationId, e.meta.onBehalfOf]),
    ).toEqual([['high', await byName('g4'), STARTER]]);
    // The canary's table is still at version 2: its migration was left alone.
    const { rows } = await pluginDb.raw(
      `SELECT schema_version FROM dataset_versions WHERE entity_ref = ?`,
      [ref('g3')],
    );
    expect(rows[0]?.schema_version).toBe(2);
  }, 180_000);

  it('looks again at a paused campaign while its rolled-back wave has a migration not rolled back: a failed rollback request is asked again', async () => {
    // The rollback requests fail twice (a lost connection): the trip's and the
    // look's right after it. A paused campaign has no other look to ask again.
    let failing = 2;
    const migrations = runnerDeps.migrations;
    const flaky = new CampaignRunner({
      ...runnerDeps,
      migrations: Object.assign(Object.create(migrations), {
        requestRollback: (
          ...args: Parameters<typeof migrations.requestRollback>
        ) =>
          failing-- > 0
            ? Promise.reject(new Error('Connection terminated unexpectedly'))
            : migrations.requestRollback(...args),
      }),
    });
    const id = await beforeTrip(flaky, 'rollback-asked-again', [
      'g36',
      'g35',
      'b5',
    ]);
    const lookJobs = async () =>
      (
        await pluginDb.raw(
          `SELECT run_at FROM ${WORKER_SCHEMA}.jobs WHERE key = ? AND attempts < max_attempts ORDER BY run_at DESC`,
          [`campaign:${id}`],
        )
      ).rows as Array<{ run_at: Date }>;
    await flaky.tick(id); // the trip; its rollback request fails
    await flaky.tick(id); // the look it queued; fails again
    expect(failing).toBe(0);
    expect((await service.get(id)).state).toBe('paused');
    // The look asks for one more a minute later: the rollback is still to ask.
    const [later] = await lookJobs();
    // By the runner's clock, which this test does not move.
    expect(later?.run_at.getTime() - now.getTime()).toBe(60_000);
    await flaky.tick(id); // that look, due
    await waitFor(
      async () =>
        (await migrationsOf(id)).find(m => m.entityRef === ref('g35'))
          ?.status === 'rolled-back'
          ? true
          : undefined,
      { timeoutMs: 60_000, what: 'the rollback of g35' },
    );
    // Rolled back: a look asks for no other.
    await pluginDb.raw(`SELECT ${WORKER_SCHEMA}.remove_job(?)`, [
      `campaign:${id}`,
    ]);
    await flaky.tick(id);
    expect(await lookJobs()).toEqual([]);
  }, 180_000);

  it('asks a refused rollback (contracted, say) again only an hour later, not every minute: that is a person’s to look at', async () => {
    const migrations = runnerDeps.migrations;
    const refusals: string[] = [];
    const refusing = new CampaignRunner({
      ...runnerDeps,
      migrations: Object.assign(Object.create(migrations), {
        requestRollback: async (migrationId: string) => {
          refusals.push(migrationId);
          throw new ConflictError(
            `migration ${migrationId} was contracted; its previous version is gone`,
          );
        },
      }),
    });
    const id = await beforeTrip(refusing, 'rollback-refused', [
      'g42',
      'g43',
      'b7',
    ]);
    await refusing.tick(id); // the trip; its rollback is refused
    expect((await service.get(id)).state).toBe('paused');
    expect(refusals).toHaveLength(1);
    await dropQueuedLooks(id);
    await refusing.tick(id); // a later look: refused again
    expect(refusals).toHaveLength(2);
    // One look waits (so the lease sweep adds none), an hour out.
    const { rows: looks } = await pluginDb.raw(
      `SELECT run_at FROM ${WORKER_SCHEMA}.jobs WHERE key = ?`,
      [`campaign:${id}`],
    );
    expect(looks).toHaveLength(1);
    // By the runner's clock, which this test does not move.
    expect(new Date(looks[0].run_at).getTime() - now.getTime()).toBe(3_600_000);
    await dropQueuedLooks(id);
  }, 180_000);

  it('queues again, audited, a rolled-back wave’s rollback whose job failed for good, and it rolls back', async () => {
    const { auditor: recording, events } = recordingAuditor();
    const looker = new CampaignRunner({ ...runnerDeps, auditor: recording });
    const id = await beforeTrip(looker, 'rollback-job-failed', [
      'g55',
      'g56',
      'b9',
    ]);
    const g56 = (await migrationsOf(id)).find(m => m.entityRef === ref('g56'))!;
    const rollbackJobs = async () =>
      (
        await pluginDb.raw(
          `SELECT id, attempts, max_attempts, last_error FROM ${WORKER_SCHEMA}._private_jobs
            WHERE key LIKE ?`,
          [`operate:${g56.id}:%`],
        )
      ).rows as Array<{
        id: string;
        attempts: number;
        max_attempts: number;
        last_error: string | null;
      }>;
    operationsFail = true;
    let firstJob: string;
    try {
      await looker.tick(id); // the trip; its rollback's job fails
      firstJob = await waitFor(
        async () => {
          const [job] = await rollbackJobs();
          return job?.last_error?.includes('out of reach') ? job.id : undefined;
        },
        { timeoutMs: 30_000, what: 'the rollback job’s first failure' },
      );
      // Its last attempt failed too (graphile-worker keeps such a job, and
      // its key, with no attempt left).
      await pluginDb.raw(
        `UPDATE ${WORKER_SCHEMA}._private_jobs SET attempts = max_attempts WHERE id = ?`,
        [firstJob],
      );
    } finally {
      operationsFail = false;
    }
    expect((await service.get(id)).state).toBe('paused');
    expect((await migrationsOf(id)).find(m => m.id === g56.id)?.status).toBe(
      'succeeded',
    );
    await dropQueuedLooks(id);
    await looker.tick(id); // a later look finds it not rolled back: asks again
    await waitFor(
      async () =>
        (await migrationsOf(id)).find(m => m.id === g56.id)?.status ===
        'rolled-back'
          ? true
          : undefined,
      { timeoutMs: 60_000, what: 'the rollback of g56' },
    );
    // Each queueing audited once: the trip's, and the later look's.
    const rollbacks = events
      .filter(e => e.eventId === 'campaign-rollback')
      .map(e => e.meta as { migrationId: string; auditEventId: string })
      .filter(meta => meta.migrationId === g56.id);
    expect(rollbacks).toHaveLength(2);
    expect(new Set(rollbacks.map(meta => meta.auditEventId)).size).toBe(2);
    await looker.tick(id); // records it
    expect(await datasetStates(id)).toMatchObject({ g56: 'rolled-back' });
    await dropQueuedLooks(id);
  }, 180_000);

  it('audits what a look did when its process dies right after doing it: a start, a trip (whose rollback the look it queued asks, audited), each once', async () => {
    const { auditor: recording, events } = recordingAuditor();
    const audited = (id: string, eventId: string) =>
      events.filter(
        e =>
          e.eventId === eventId &&
          (e.meta as { campaignId: string }).campaignId === id,
      );
    const migrations = new MigrationService({
      store,
      catalog,
      engines,
      queue,
      retentionMs: 10 * 365 * 86_400_000,
      permissions: allowsEverything,
      approvalsRequired: [],
      announcer,
    });
    /** The process dies right after the action commits, where it used to audit it. */
    const died = new Error('the process died here');
    // A look's trip is written in a transaction its lease fences: the process
    // dies once that commits.
    let tripped = false;
    class DyingCampaignStore extends DatabaseCampaignStore {
      async transition(
        ...args: Parameters<DatabaseCampaignStore['transition']>
      ) {
        const result = await super.transition(...args);
        if (result.changed && args[1].pausedByRunner) tripped = true;
        return result;
      }
    }
    class DyingLookLeases extends CampaignLookLeases {
      async fenced<T>(...args: Parameters<CampaignLookLeases['fenced']>) {
        const written = (await super.fenced(...args)) as T;
        if (tripped) throw died;
        return written;
      }
    }
    const dying = new CampaignRunner({
      campaigns: new DyingCampaignStore(pluginDb),
      migrations: {
        createCampaignMigration: async (...args) => {
          await migrations.createCampaignMigration(...args);
          throw died;
        },
        requestRollback: (...args) => migrations.requestRollback(...args),
        requestContract: (...args) => migrations.requestContract(...args),
      },
      queue,
      auth,
      logger,
      clock,
      announcer,
      audit: new CampaignAuditOutbox(pluginDb),
      lookLeases: new DyingLookLeases(pluginDb, 30_000),
      auditor: recording,
    });
    /** Another replica, whose sweep emits what the dead look recorded. */
    const survivor = new CampaignRunner({
      campaigns,
      migrations,
      queue,
      auth,
      logger,
      clock,
      announcer,
      audit: new CampaignAuditOutbox(pluginDb),
      lookLeases: new CampaignLookLeases(pluginDb, 30_000),
      auditor: recording,
    });
    const id = await startCampaign(
      'dies-after-acting',
      [['g21'], ['g22', 'b4']],
      {
        concurrency: 1,
        failurePolicy: { action: 'rollback-wave', maxFailureRate: 0.4 },
      },
    );

    // The canary's migration is written, and the look dies before any audit.
    await expect(dying.tick(id)).rejects.toBe(died);
    const [canary] = await migrationsFinished(id, 1);
    expect(audited(id, 'campaign-migration-start')).toEqual([]);
    await survivor.emitAudit();
    expect(audited(id, 'campaign-migration-start')).toEqual([
      {
        eventId: 'campaign-migration-start',
        severityLevel: 'medium',
        meta: {
          campaignId: id,
          campaign: 'dies-after-acting',
          wave: 0,
          migrationId: canary.id,
          entityRef: ref('g21'),
          onBehalfOf: STARTER,
          approvedAtStart: false,
          auditEventId: expect.any(String),
          // The look's time (the injected clock), not the emission's.
          recordedAt: now.toISOString(),
        },
        outcome: 'succeeded',
      },
    ]);

    await survivor.tick(id); // canary healthy (soak 0s): g22 starts
    await migrationsFinished(id, 2);
    await survivor.tick(id); // g22 migrated: b4 starts
    await migrationsFinished(id, 3);
    // From here the queue's looks are the survivor's, once the campaign paused (the
    // looks finished migrations asked for before act on nothing); none is left
    // waiting, so the one that acts is the one the trip queued.
    queuedTicks = async tickId => {
      if (tickId === id && (await campaigns.getRun(id))?.state === 'paused')
        await survivor.tick(id);
    };
    await waitFor(
      async () =>
        (
          await pluginDb.raw(
            `SELECT 1 FROM ${WORKER_SCHEMA}.jobs WHERE key = ?`,
            [`campaign:${id}`],
          )
        ).rows.length === 0
          ? true
          : undefined,
      { what: 'the looks asked for before the trip to be done' },
    );
    // b4 failed: the wave trips (paused, rolled back), and the look dies there,
    // before it asks the rollback, and no look of the test's follows.
    await expect(dying.tick(id)).rejects.toBe(died);
    expect(audited(id, 'campaign-policy-trip')).toEqual([]);
    const g22 = (await migrationsOf(id)).find(m => m.entityRef === ref('g22'))!;

    // The look the trip queued with the pause asks g22's rollback, and emits the
    // trip and the rollback.
    await waitFor(
      async () =>
        (await migrationsOf(id)).find(m => m.id === g22.id)?.status ===
        'rolled-back'
          ? true
          : undefined,
      { timeoutMs: 60_000, what: 'the rollback of g22' },
    );
    await waitFor(
      async () =>
        audited(id, 'campaign-rollback').length > 0 ? true : undefined,
      { what: 'the rollback to be audited' },
    );
    queuedTicks = undefined;
    expect((await service.get(id)).state).toBe('paused');
    expect(
      audited(id, 'campaign-policy-trip').map(e => [
        e.severityLevel,
        (e.meta as { reason: string }).reason,
        e.outcome,
      ]),
    ).toEqual([
      [
        'high',
        'wave 1: 1 of 2 failed (50% > 40%); the wave is rolled back: the campaign rolls back 1 succeeded migration',
        'succeeded',
      ],
    ]);
    expect(
      audited(id, 'campaign-rollback').map(e => [
        e.severityLevel,
        (e.meta as { migrationId: string }).migrationId,
        (e.meta as { onBehalfOf: string }).onBehalfOf,
      ]),
    ).toEqual([['high', g22.id, STARTER]]);
    // Every event once, each under its own id.
    const ids = events
      .filter(e => (e.meta as { campaignId: string }).campaignId === id)
      .map(e => (e.meta as { auditEventId: string }).auditEventId);
    expect(audited(id, 'campaign-migration-start')).toHaveLength(3);
    expect(ids).toHaveLength(5);
    expect(new Set(ids).size).toBe(5);
  }, 180_000);

  it('starts nothing outside the rollout windows or inside a freeze, and looks again when the window opens', async () => {
    // Saturday 2027-03-06 12:00Z; windows on weekdays 09:00–17:00 UTC; Monday frozen until 13:00.
    now = new Date('2027-03-06T12:00:00Z');
    const id = await startCampaign('windows', [['g6']], {
      windows: [{ start: '09:00', end: '17:00', timeZone: 'UTC' }],
      freezes: [
        {
          from: '2027-03-08T00:00:00Z',
          to: '2027-03-08T13:00:00Z',
          reason: 'release',
        },
      ],
    });
    const scheduled = async () => {
      const { rows } = await pluginDb.raw(
        `SELECT run_at FROM ${WORKER_SCHEMA}.jobs WHERE key = ?`,
        [`campaign:${id}`],
      );
      return rows.map((r: { run_at: Date }) =>
        new Date(r.run_at).toISOString(),
      );
    };

    await runner.tick(id);
    expect(await migrationsOf(id)).toHaveLength(0);
    // The burndown the start recorded is moments old: a look 10 s later records.
    expect(await scheduled()).toEqual(['2027-03-06T12:00:10.000Z']);
    // That look, as the queue runs it (its job goes).
    await pluginDb.raw(`SELECT ${WORKER_SCHEMA}.remove_job(?)`, [
      `campaign:${id}`,
    ]);
    now = new Date('2027-03-06T12:00:10Z');
    await runner.tick(id);
    expect(await migrationsOf(id)).toHaveLength(0);
    // The next look is when the freeze ends on Monday, inside the window.
    expect(await scheduled()).toEqual(['2027-03-08T13:00:00.000Z']);

    now = new Date('2027-03-08T10:00:00Z'); // in the window, but frozen
    await runner.tick(id);
    expect(await migrationsOf(id)).toHaveLength(0);
    expect((await service.get(id)).waves[0].state).toBe('pending');

    now = new Date('2027-03-08T13:00:00Z');
    await runner.tick(id);
    expect((await migrationsOf(id)).map(m => m.entityRef)).toEqual([ref('g6')]);
    await migrationsFinished(id, 1);
    await runner.tick(id); // migrated, soaked (0s), the only wave: completed
    const campaign = await service.get(id);
    expect(campaign.state).toBe('completed');
    // Its owner is told how its datasets ended.
    expect(announced).toContainEqual({
      campaignId: id,
      state: 'completed',
      reason: '1 migrated',
    });
    expect(campaign.waves[0].state).toBe('healthy');
    expect(campaign.burndown.at(-1)).toMatchObject({
      datasetsOutstanding: 0,
    });
  }, 90_000);

  it('starts nothing more once the window closes during a look', async () => {
    // Monday 16:59:30 UTC, the window ends at 17:00; the first start takes past it.
    now = new Date('2027-03-08T16:59:30Z');
    const migrations = runnerDeps.migrations;
    const slow = new CampaignRunner({
      ...runnerDeps,
      migrations: Object.assign(Object.create(migrations), {
        createCampaignMigration: async (
          ...args: Parameters<typeof migrations.createCampaignMigration>
        ) => {
          const created = await migrations.createCampaignMigration(...args);
          now = new Date('2027-03-08T17:00:30Z');
          return created;
        },
      }),
    });
    const id = await startCampaign('window-closes', [['g37', 'g38']], {
      concurrency: 2,
      windows: [{ start: '09:00', end: '17:00', timeZone: 'UTC' }],
    });
    await slow.tick(id);
    expect((await migrationsOf(id)).map(m => m.entityRef)).toEqual([
      ref('g37'),
    ]);
    await migrationsFinished(id, 1);
    await service.abort(id, { reason: 'end of the test' }, starter);
  }, 90_000);

  it('soaks a wave afresh after a person retries one of its datasets while it soaked', async () => {
    now = new Date('2027-03-09T10:00:00Z');
    const id = await startCampaign('retry-soaks', [['b6']], {
      soak: '1h',
      failurePolicy: { maxFailureRate: 1, maxConsecutiveFailures: 10 },
    });
    await runner.tick(id);
    const [failed] = await migrationsFinished(id, 1);
    expect(failed.status).toBe('failed');
    await runner.tick(id); // every dataset ended: the wave soaks until 11:00
    expect((await service.get(id)).waves[0].state).toBe('soaking');

    // Its owner mends the row and retries; the retry succeeds at 10:30.
    await warehouse.raw(`UPDATE public.b6 SET amount = '30' WHERE id = 3`);
    now = new Date('2027-03-09T10:30:00Z');
    await (runnerDeps.migrations as MigrationService).retryMigration(
      failed.id,
      mockCredentials.user(STARTER),
    );
    await runner.tick(id); // the wave runs again
    await waitFor(
      async () =>
        (await migrationsOf(id))[0].status === 'succeeded' ? true : undefined,
      { timeoutMs: 60_000, what: 'the retried migration to succeed' },
    );
    now = new Date('2027-03-09T11:00:00Z'); // the first soak's end
    await runner.tick(id);
    const campaign = await service.get(id);
    expect(campaign.waves[0].state).toBe('soaking');
    expect(campaign.state).toBe('running');
    now = new Date('2027-03-09T12:00:00Z'); // an hour after the retry's end
    await runner.tick(id);
    expect((await service.get(id)).state).toBe('completed');
  }, 90_000);

  it('never creates a second migration for a dataset, nor more than its concurrency, with ticks at once', async () => {
    now = new Date('2027-03-01T10:00:00Z');
    const id = await startCampaign('at-once', [['g7', 'g8', 'g9']], {
      concurrency: 2,
    });
    // Looks in one process take turns; these stand for five backend replicas.
    const replicas = [1, 2, 3, 4, 5].map(() => new CampaignRunner(runnerDeps));
    await Promise.all(replicas.map(replica => replica.tick(id)));
    const started = await migrationsOf(id);
    expect(started).toHaveLength(2);
    expect(new Set(started.map(m => m.entityRef)).size).toBe(2);
    const states = await datasetStates(id);
    expect(Object.values(states).sort()).toEqual([
      'migrating',
      'migrating',
      'pending',
    ]);
    await migrationsFinished(id, 2);
    await Promise.all(replicas.slice(0, 3).map(replica => replica.tick(id)));
    await migrationsFinished(id, 3);
    const perDataset = await pluginDb('migrations')
      .where({ campaign_id: id })
      .groupBy('entity_ref')
      .select('entity_ref')
      .count<{ entity_ref: string; count: string }[]>('* as count');
    expect(perDataset.map(r => Number(r.count))).toEqual([1, 1, 1]);
  }, 120_000);

  it('stops starting datasets once another look took the free slots, instead of planning each one only to be refused', async () => {
    now = new Date('2027-03-01T10:00:00Z');
    const id = await startCampaign(
      'slots-taken',
      [['g16', 'g17', 'g18', 'g19', 'g20']],
      { concurrency: 1 },
    );
    const migrations = (runner as any).deps.migrations as MigrationService;
    const attempts = jest.spyOn(migrations, 'createCampaignMigration');
    try {
      // Five looks at once on five replicas (one process's take turns), each
      // seeing one free slot and five pending datasets.
      await Promise.all(
        [1, 2, 3, 4, 5].map(() => new CampaignRunner(runnerDeps).tick(id)),
      );
      expect(await migrationsOf(id)).toHaveLength(1);
      // The winner starts one; each other look tries the dataset the winner took
      // and at most one more, refused for the concurrency, then stops.
      expect(attempts.mock.calls.length).toBeLessThanOrEqual(1 + 4 * 2);
    } finally {
      attempts.mockRestore();
    }
    await migrationsFinished(id, 1);
    await service.abort(id, { reason: 'the test is over' }, starter);
  }, 120_000);

  it('runs one look at a time per process: looks asked for meanwhile wait for one more after it, and no dataset is planned twice', async () => {
    now = new Date('2027-03-01T10:00:00Z');
    const id = await startCampaign(
      'one-look-at-a-time',
      [['g23', 'g24', 'g25']],
      {
        concurrency: 2,
      },
    );
    const migrations = runnerDeps.migrations as MigrationService;
    const attempts = jest.spyOn(migrations, 'createCampaignMigration');
    const reads = jest.spyOn(campaigns, 'getRun');
    try {
      await Promise.all([1, 2, 3, 4, 5].map(() => runner.tick(id)));
      expect((await migrationsOf(id)).map(m => m.entityRef).sort()).toEqual([
        ref('g23'),
        ref('g24'),
      ]);
      // Each started dataset planned once; none planned only to be refused.
      expect(
        attempts.mock.calls
          .map(([body]) => (body as { entityRef: string }).entityRef)
          .sort(),
      ).toEqual([ref('g23'), ref('g24')]);
      // The first look, and one more for the four asked for while it ran; each
      // read the campaign once.
      expect(reads).toHaveBeenCalledTimes(2);
    } finally {
      attempts.mockRestore();
      reads.mockRestore();
    }
    await migrationsFinished(id, 2);
    await service.abort(id, { reason: 'the test is over' }, starter);
  }, 120_000);

  it('lets a look asked for while another hangs give up waiting, still asked for: the hung look looks again when it ends', async () => {
    const id = await startCampaign('hung-look', [['never-started']]);
    await service.abort(id, { reason: 'only its looks matter here' }, starter);
    const patient = new CampaignRunner({ ...runnerDeps, lookWaitMs: 200 });
    const [hung, release] = latch();
    const getRun = campaigns.getRun.bind(campaigns);
    const reads = jest
      .spyOn(campaigns, 'getRun')
      .mockImplementationOnce(async runId => {
        await hung;
        return getRun(runId);
      });
    try {
      const first = patient.tick(id);
      const waited = Date.now();
      await expect(patient.tick(id)).rejects.toThrow(
        `a look at campaign ${id} has run for over 200 ms in this process; the look asked for waits behind it`,
      );
      expect(Date.now() - waited).toBeLessThan(30_000);
      expect(reads).toHaveBeenCalledTimes(1);
      release();
      await first;
      // The look asked for while it hung ran after it.
      expect(reads).toHaveBeenCalledTimes(2);
    } finally {
      release();
      reads.mockRestore();
    }
  }, 60_000);

  it('looks at a campaign on one replica at a time: a look refused for another’s lease reads nothing, and the holder queues one more look for it', async () => {
    const id = await startCampaign('one-replica-at-a-time', [['g39']]);
    await service.abort(id, { reason: 'only its looks matter here' }, starter);
    const [hung, release] = latch();
    const [inLook, entered] = latch();
    const getRun = campaigns.getRun.bind(campaigns);
    const holderReads = jest
      .spyOn(campaigns, 'getRun')
      .mockImplementationOnce(async runId => {
        entered();
        await hung;
        return getRun(runId);
      });
    // Another replica: its own runner and store.
    const otherCampaigns = new DatabaseCampaignStore(pluginDb);
    const otherReads = jest.spyOn(otherCampaigns, 'getRun');
    const other = new CampaignRunner({
      ...runnerDeps,
      campaigns: otherCampaigns,
    });
    try {
      const holding = runner.tick(id);
      await inLook;
      // The looks queued so far (start, abort) would hide the one asked for here.
      await dropQueuedLooks(id);
      const looksRun = recordQueuedLooks(id);
      await other.tick(id);
      expect(otherReads).not.toHaveBeenCalled();
      // Should the holder die, a look comes once its lease has run out.
      const [lease] = await pluginDb('campaign_look_leases').where({
        campaign_id: id,
      });
      expect(lease.look_again).toBe(true);
      const { rows: jobs } = await pluginDb.raw(
        `SELECT run_at FROM ${WORKER_SCHEMA}.jobs WHERE key = ?`,
        [`campaign:${id}`],
      );
      expect(jobs).toHaveLength(1);
      expect(new Date(jobs[0].run_at).getTime()).toBeGreaterThan(
        new Date(lease.expires_at).getTime(),
      );
      release();
      await holding;
      // The holder let the lease go, and queued a look due now for the refused
      // one, which the queue runs (the other, at the lease's end, is not due).
      expect(holderReads).toHaveBeenCalledTimes(1);
      expect(
        await pluginDb('campaign_look_leases').where({ campaign_id: id }),
      ).toEqual([]);
      await looksRun(1);
      await other.tick(id);
      expect(otherReads).toHaveBeenCalledTimes(1);
    } finally {
      release();
      holderReads.mockRestore();
      queuedTicks = undefined;
      await dropQueuedLooks(id);
    }
  }, 60_000);

  it('queues the look asked for meanwhile even when the holder’s look fails', async () => {
    const id = await startCampaign('holder-fails', [['g44']]);
    await service.abort(id, { reason: 'only its looks matter here' }, starter);
    const [inLook, entered] = latch();
    const [failing, fail] = latch();
    // Each replica its own runner and store.
    const holderCampaigns = new DatabaseCampaignStore(pluginDb);
    jest.spyOn(holderCampaigns, 'getRun').mockImplementationOnce(async () => {
      entered();
      await failing;
      throw new Error('Connection terminated unexpectedly');
    });
    const holder = new CampaignRunner({
      ...runnerDeps,
      campaigns: holderCampaigns,
    });
    const other = new CampaignRunner({
      ...runnerDeps,
      campaigns: new DatabaseCampaignStore(pluginDb),
    });
    try {
      const holding = holder.tick(id);
      await inLook;
      await dropQueuedLooks(id);
      const looksRun = recordQueuedLooks(id);
      await other.tick(id); // refused: marks the lease
      fail();
      await expect(holding).rejects.toThrow('Connection terminated');
      // The look asked for is queued, due now, and run.
      await looksRun(1);
      expect(
        await pluginDb('campaign_look_leases').where({ campaign_id: id }),
      ).toEqual([]);
    } finally {
      fail();
      queuedTicks = undefined;
      await dropQueuedLooks(id);
    }
  }, 60_000);

  it('lets other replicas look once a hung look has held its lease for its longest hold, and the hung look then starts nothing', async () => {
    now = new Date('2027-03-01T10:00:00Z');
    const id = await startCampaign('hung-holder', [['g45']]);
    const [hung, release] = latch();
    const [inLook, entered] = latch();
    const holderCampaigns = new DatabaseCampaignStore(pluginDb);
    const getRun = holderCampaigns.getRun.bind(holderCampaigns);
    jest
      .spyOn(holderCampaigns, 'getRun')
      .mockImplementationOnce(async runId => {
        entered();
        await hung;
        return getRun(runId);
      });
    const migrations = runnerDeps.migrations as MigrationService;
    const create = migrations.createCampaignMigration.bind(migrations);
    const starters: string[] = [];
    const holder = new CampaignRunner({
      ...runnerDeps,
      campaigns: holderCampaigns,
      lookLeases: new CampaignLookLeases(pluginDb, 300),
      lookLeaseMaxMs: 600,
      migrations: Object.assign(Object.create(migrations), {
        createCampaignMigration: (...args: Parameters<typeof create>) => {
          starters.push('hung holder');
          return create(...args);
        },
      }),
    });
    try {
      const holding = holder.tick(id);
      await inLook;
      // Refused while the holder renews; taken once it stopped (600 ms + 300 ms).
      await waitFor(
        async () =>
          (
            await pluginDb('campaign_look_leases').where({ campaign_id: id })
          ).length === 0 ||
          (
            await pluginDb.raw(
              `SELECT expires_at < now() AS out FROM campaign_look_leases WHERE campaign_id = ?`,
              [id],
            )
          ).rows[0]?.out
            ? true
            : undefined,
        { timeoutMs: 10_000, what: 'the hung look’s lease to run out' },
      );
      await runner.tick(id);
      expect((await migrationsOf(id)).map(m => m.entityRef)).toEqual([
        ref('g45'),
      ]);
      release();
      await holding;
      expect(starters).toEqual([]);
    } finally {
      release();
    }
    await migrationsFinished(id, 1);
    await dropQueuedLooks(id);
  }, 60_000);

  /**
   * A replica frozen (CPU-starved, paused) just before one of its look's fenced
   * writes, the first `freezesBefore` picks, past its last check of the lease: its
   * renewals land nothing meanwhile, so the look still believes it holds it.
   */
  function frozenBeforeWrite(freezesBefore: () => Promise<boolean>) {
    const [frozen, thaw] = latch();
    const [atWrite, reached] = latch();
    let froze = false;
    class FrozenLeases extends CampaignLookLeases {
      async renew(): Promise<boolean> {
        return true;
      }
      async fenced<T>(
        campaignId: string,
        owner: string,
        write: (tx: StoreTransaction) => Promise<T>,
      ): Promise<T> {
        if (!froze && (await freezesBefore())) {
          froze = true;
          reached();
          await frozen;
        }
        return super.fenced(campaignId, owner, write);
      }
    }
    return { lookLeases: new FrozenLeases(pluginDb, 30_000), atWrite, thaw };
  }

  /** The lease of a look run past it is taken by another replica's look: its owner. */
  async function leaseTakenByAnother(campaignId: string): Promise<string> {
    await pluginDb('campaign_look_leases')
      .where({ campaign_id: campaignId })
      .update({ expires_at: pluginDb.raw(`now() - interval '1 second'`) });
    const other = randomUUID();
    expect(
      await new CampaignLookLeases(pluginDb, 60_000).claim(campaignId, other),
    ).toEqual({ held: true });
    return other;
  }

  const waveStates = async (campaignId: string) =>
    (await service.get(campaignId)).waves.map(w => w.state);

  it('refuses in SQL a wave called healthy by a look frozen past its lease before it wrote so: the wave soaks on, and the next starts from the holder’s look', async () => {
    now = new Date('2027-03-03T10:00:00Z');
    const id = await startCampaign('healthy-frozen', [['g52'], ['g53']], {
      soak: '10m',
    });
    await runner.tick(id);
    await migrationsFinished(id, 1);
    await runner.tick(id);
    expect(await waveStates(id)).toEqual(['soaking', 'pending']);
    now = new Date('2027-03-03T10:10:01Z');
    // Its first write: the canary wave soaked, healthy.
    const frozen = frozenBeforeWrite(async () => true);
    const holder = new CampaignRunner({
      ...runnerDeps,
      lookLeases: frozen.lookLeases,
    });
    let other: string | undefined;
    try {
      const looking = holder.tick(id);
      await frozen.atWrite;
      other = await leaseTakenByAnother(id);
      frozen.thaw();
      await looking;
      expect(await waveStates(id)).toEqual(['soaking', 'pending']);
      expect(await migrationsOf(id)).toHaveLength(1);
    } finally {
      frozen.thaw();
      if (other) await runnerDeps.lookLeases.release(id, other);
    }
    await runner.tick(id);
    expect(await waveStates(id)).toEqual(['healthy', 'running']);
    expect((await migrationsOf(id)).map(m => m.entityRef)).toEqual([
      ref('g52'),
      ref('g53'),
    ]);
    await migrationsFinished(id, 2);
    await dropQueuedLooks(id);
  }, 60_000);

  it('refuses in SQL the completion a look frozen past its lease had decided, and the holder’s look completes it once', async () => {
    now = new Date('2027-03-03T11:00:00Z');
    const id = await startCampaign('completed-frozen', [['g54']]);
    await runner.tick(id);
    await migrationsFinished(id, 1);
    // Its writes up to the wave's health go through; it freezes before the
    // campaign's.
    const frozen = frozenBeforeWrite(async () =>
      (await waveStates(id)).every(state => state === 'healthy'),
    );
    const holder = new CampaignRunner({
      ...runnerDeps,
      lookLeases: frozen.lookLeases,
    });
    let other: string | undefined;
    const completions = () =>
      announced.filter(
        c => 'state' in c && c.campaignId === id && c.state === 'completed',
      ).length;
    try {
      const looking = holder.tick(id);
      await frozen.atWrite;
      other = await leaseTakenByAnother(id);
      frozen.thaw();
      await looking;
      expect(await waveStates(id)).toEqual(['healthy']);
      expect((await service.get(id)).state).toBe('running');
      expect(completions()).toBe(0);
    } finally {
      frozen.thaw();
      if (other) await runnerDeps.lookLeases.release(id, other);
    }
    await runner.tick(id);
    expect((await service.get(id)).state).toBe('completed');
    expect(completions()).toBe(1);
    await dropQueuedLooks(id);
  }, 60_000);

  it('refuses in SQL the start of a look frozen past its lease after its last check, once another look holds the lease', async () => {
    now = new Date('2027-03-01T10:00:00Z');
    const id = await startCampaign('frozen-past-lease', [['g48']]);
    const [frozen, thaw] = latch();
    const [inStart, starting] = latch();
    const migrations = runnerDeps.migrations as MigrationService;
    const create = migrations.createCampaignMigration.bind(migrations);
    // The process is frozen: its heartbeat's renewals land nothing either (the
    // look still believes it holds the lease).
    class FrozenRenewals extends CampaignLookLeases {
      async renew(): Promise<boolean> {
        return true;
      }
    }
    const holder = new CampaignRunner({
      ...runnerDeps,
      lookLeases: new FrozenRenewals(pluginDb, 30_000),
      migrations: Object.assign(Object.create(migrations), {
        createCampaignMigration: async (...args: Parameters<typeof create>) => {
          // Past the look's last check of its lease, before its write.
          starting();
          await frozen;
          return create(...args);
        },
      }),
    });
    let other: string | undefined;
    try {
      const looking = holder.tick(id);
      await inStart;
      // Its lease runs out, and another replica's look takes it and looks on.
      other = await leaseTakenByAnother(id);
      thaw();
      await looking;
      expect(await migrationsOf(id)).toEqual([]);
      const [row] = await pluginDb('campaign_datasets').where({
        campaign_id: id,
      });
      expect(row.state).toBe('pending');
      const [lease] = await pluginDb('campaign_look_leases').where({
        campaign_id: id,
      });
      expect(lease.owner).toBe(other);
    } finally {
      thaw();
      if (other) await runnerDeps.lookLeases.release(id, other);
    }
    await runner.tick(id);
    expect((await migrationsOf(id)).map(m => m.entityRef)).toEqual([
      ref('g48'),
    ]);
    await migrationsFinished(id, 1);
    await dropQueuedLooks(id);
  }, 60_000);

  it('stops a look whose renewals fail before its lease may have run out, though no renewal found it taken', async () => {
    now = new Date('2027-03-01T10:00:00Z');
    const id = await startCampaign('renewals-fail', [['g46']]);
    class FailingRenewals extends CampaignLookLeases {
      async renew(): Promise<boolean> {
        throw new Error('Connection terminated unexpectedly');
      }
    }
    const lookCampaigns = new DatabaseCampaignStore(pluginDb);
    const getRun = lookCampaigns.getRun.bind(lookCampaigns);
    jest.spyOn(lookCampaigns, 'getRun').mockImplementationOnce(async runId => {
      // Slower than the lease: its renewals failed meanwhile.
      await sleep(700);
      return getRun(runId);
    });
    const cut = new CampaignRunner({
      ...runnerDeps,
      campaigns: lookCampaigns,
      lookLeases: new FailingRenewals(pluginDb, 300),
    });
    await cut.tick(id);
    expect(await migrationsOf(id)).toEqual([]);
    await runner.tick(id);
    expect(await migrationsOf(id)).toHaveLength(1);
    await migrationsFinished(id, 1);
    await dropQueuedLooks(id);
  }, 60_000);

  it('looks once the lease of a look that died runs out, and a look that finds its lease taken starts nothing more', async () => {
    now = new Date('2027-03-01T10:00:00Z');
    const id = await startCampaign('lease-ran-out', [['g40', 'g41']], {
      concurrency: 2,
    });
    // A replica died in a look: its lease stands for a second more.
    await pluginDb('campaign_look_leases').insert({
      campaign_id: id,
      owner: randomUUID(),
      expires_at: pluginDb.raw(`now() + interval '1 second'`),
    });
    await runner.tick(id);
    expect(await migrationsOf(id)).toEqual([]);
    await sleep(1_200);
    // Its lease taken from under it after the first start (it stalled past it).
    const short = new CampaignRunner({
      ...runnerDeps,
      lookLeases: new CampaignLookLeases(pluginDb, 300),
    });
    const migrations = runnerDeps.migrations as MigrationService;
    const create = migrations.createCampaignMigration.bind(migrations);
    const starts = jest
      .spyOn(migrations, 'createCampaignMigration')
      .mockImplementationOnce(async (...args) => {
        const started = await create(...args);
        await pluginDb('campaign_look_leases')
          .where({ campaign_id: id })
          .update({ owner: randomUUID() });
        // The next renewal (a third of 300 ms) finds it another's.
        await sleep(400);
        return started;
      });
    try {
      await short.tick(id);
      expect(starts).toHaveBeenCalledTimes(1);
      expect(await migrationsOf(id)).toHaveLength(1);
    } finally {
      starts.mockRestore();
    }
    await migrationsFinished(id, 1);
    await service.abort(id, { reason: 'the test is over' }, starter);
    await dropQueuedLooks(id);
  }, 60_000);

  it('starts the next dataset when a migration ends and frees its slot, through the look its end asks for, even while another look runs', async () => {
    now = new Date('2027-03-01T10:00:00Z');
    // No periodic look within the test: only the end of g26's migration can start g27.
    const slow = new CampaignRunner({ ...runnerDeps, pollMs: 3_600_000 });
    const [nudge, nudged] = latch();
    // Every queued look is this runner's, the one its start queues included:
    // another runner's would hold the campaign's lease, and look by its own poll.
    queuedTicks = async tickId => {
      const [first] = await migrationsOf(tickId);
      if (first && FINISHED.includes(first.status)) nudged();
      await slow.tick(tickId);
    };
    const id = await startCampaign('freed-slot', [['g26', 'g27']], {
      concurrency: 1,
    });
    // The first look is held at its end until the end of g26 asked for a look:
    // that look arrives while this one runs, and must not be lost.
    const held = jest
      .spyOn(slow, 'emitAudit')
      .mockImplementationOnce(() => nudge);
    try {
      await slow.tick(id);
      expect((await migrationsOf(id)).map(m => m.entityRef)).toEqual([
        ref('g26'),
        ref('g27'),
      ]);
      const [first] = await migrationsOf(id);
      expect(first.status).toBe('succeeded');
      await migrationsFinished(id, 2);
    } finally {
      held.mockRestore();
      queuedTicks = undefined;
    }
  }, 120_000);

  it('starts the next dataset in the slot a migration freed before it writes the burndown, which still records that outcome', async () => {
    now = new Date('2027-03-01T10:00:00Z');
    const id = await startCampaign('start-first', [['g32', 'g33']], {
      concurrency: 1,
    });
    await runner.tick(id);
    await migrationsFinished(id, 1);
    // Past the least time between two of a running campaign's burndown records.
    now = new Date(now.getTime() + 60_000);
    // The statements the next look sends, in order (its transactions' too).
    const sent: string[] = [];
    const onQuery = (query: { sql: string }) => sent.push(query.sql);
    pluginDb.on('query', onQuery);
    try {
      await runner.tick(id);
    } finally {
      pluginDb.off('query', onQuery);
    }
    const [, second] = await migrationsOf(id);
    expect(second.entityRef).toBe(ref('g33'));
    const started = sent.findIndex(sql =>
      /^insert into "migrations"/.test(sql),
    );
    const recorded = sent.findIndex(sql =>
      /^insert into "campaign_progress"/.test(sql),
    );
    expect(started).toBeGreaterThanOrEqual(0);
    expect(recorded).toBeGreaterThan(started);
    // g32 migrated, g33 migrating: one dataset outstanding, recorded at this look.
    expect(
      await pluginDb('campaign_progress')
        .where({ campaign_id: id })
        .orderBy('id', 'desc')
        .first('datasets_outstanding'),
    ).toEqual({ datasets_outstanding: 1 });
    await migrationsFinished(id, 2);
  }, 120_000);

  it('asks the campaign to look again when its migration ends before the announcer tells people of it', async () => {
    now = new Date('2027-03-01T10:00:00Z');
    const id = await startCampaign('asked-first', [['g34']]);
    await runner.tick(id);
    const [migration] = await migrationsFinished(id, 1);
    // An announcer whose notifications hang until the test lets them go.
    const [told, release] = latch();
    const asked: string[] = [];
    const ticks = withCampaignTicks(
      {
        migrationChanged: () => told,
        consumerChanged: () => told,
      },
      {
        migrations: store,
        consumers: new ConsumerStore(pluginDb),
        enqueueTick: async campaignId => {
          asked.push(campaignId);
        },
        logger,
      },
    );
    const announcing = ticks.migrationChanged({
      migrationId: migration.id,
      outcome: 'succeeded',
    });
    try {
      await waitFor(async () => (asked.length > 0 ? true : undefined), {
        timeoutMs: 5_000,
        what: 'the look asked for while the announcer still tells people',
      });
      expect(asked).toEqual([id]);
    } finally {
      release();
      await announcing;
    }
  });

  it('asks the campaign to look again when the last of a migration’s consumers has been checked, not at each one', async () => {
    now = new Date('2027-03-01T10:00:00Z');
    const id = await startCampaign('checked-last', [['g35']]);
    await runner.tick(id);
    const [migration] = await migrationsFinished(id, 1);
    const readers = [
      'component:default/reader-1',
      'component:default/reader-2',
    ];
    await pluginDb('migration_consumers').insert(
      readers.map(entity_ref => ({
        migration_id: migration.id,
        entity_ref,
        state: 'patched',
      })),
    );
    const consumers = new ConsumerStore(pluginDb);
    const counted: number[] = [];
    const asked: string[] = [];
    const ticks = withCampaignTicks(
      { migrationChanged: async () => {}, consumerChanged: async () => {} },
      {
        migrations: store,
        consumers: {
          countUnchecked: async migrationId => {
            const unchecked = await consumers.countUnchecked(migrationId);
            counted.push(unchecked);
            return unchecked;
          },
        },
        enqueueTick: async campaignId => {
          asked.push(campaignId);
        },
        logger,
      },
    );
    const checked = async (entityRef: string) => {
      await pluginDb('migration_consumers')
        .where({ migration_id: migration.id, entity_ref: entityRef })
        .update({ state: 'pr-opened' });
      await ticks.consumerChanged({
        migrationId: migration.id,
        consumerRef: entityRef,
        transition: { from: 'patched', to: 'pr-opened' },
      });
      await waitFor(
        async () =>
          counted.length === readers.indexOf(entityRef) + 1 ? true : undefined,
        {
          timeoutMs: 5_000,
          what: `the unchecked consumers counted after ${entityRef}`,
        },
      );
      // The look, when asked for, is enqueued right after the count.
      await new Promise(resolve => setImmediate(resolve));
    };

    // A step within the unchecked states asks nothing.
    await ticks.consumerChanged({
      migrationId: migration.id,
      consumerRef: readers[0],
      transition: { from: 'discovered', to: 'patched' },
    });
    await checked(readers[0]);
    expect(counted).toEqual([1]);
    expect(asked).toEqual([]);
    await checked(readers[1]);
    expect(counted).toEqual([1, 0]);
    expect(asked).toEqual([id]);
  });

  it('plans the next dataset while the slots are taken, and starts it with that plan once one frees', async () => {
    now = new Date('2027-03-01T10:00:00Z');
    const id = await startCampaign('planned-ahead', [['g28', 'g29']], {
      concurrency: 1,
    });
    const migrations = runnerDeps.migrations as MigrationService;
    const ahead = jest.spyOn(migrations, 'prepareCampaignMigration');
    try {
      await runner.tick(id);
      expect((await migrationsOf(id)).map(m => m.entityRef)).toEqual([
        ref('g28'),
      ]);
      expect(
        ahead.mock.calls.map(
          ([body]) => (body as { entityRef: string }).entityRef,
        ),
      ).toEqual([ref('g29')]);
      const prepared = await ahead.mock.results[0].value;
      await migrationsFinished(id, 1);
      await runner.tick(id);
      const [, second] = await migrationsOf(id);
      // Started with the plan made ahead (its id is that plan's), planned once.
      expect(second).toMatchObject({ entityRef: ref('g29'), id: prepared.id });
      expect(ahead).toHaveBeenCalledTimes(1);
      await migrationsFinished(id, 2);
    } finally {
      ahead.mockRestore();
    }
  }, 120_000);

  it('plans again at start a dataset whose table changed while its plan waited ahead for a slot', async () => {
    now = new Date('2027-03-01T10:00:00Z');
    const id = await startCampaign('stale-ahead', [['g30', 'g31']], {
      concurrency: 1,
    });
    await runner.tick(id);
    expect((await migrationsOf(id)).map(m => m.entityRef)).toEqual([
      ref('g30'),
    ]);
    // Its owner adds a column to the next dataset while it waits (its plan was
    // made ahead while g30 held the slot).
    await warehouse.raw('ALTER TABLE public.g31 ADD COLUMN note text');
    await migrationsFinished(id, 1);
    await runner.tick(id);
    const all = await migrationsFinished(id, 2);
    expect(all.map(m => [m.entityRef, m.status])).toEqual([
      [ref('g30'), 'succeeded'],
      [ref('g31'), 'succeeded'],
    ]);
    // The column added meanwhile is carried into the new version.
    const { rows } = await warehouse.raw(
      `SELECT column_name FROM information_schema.columns
        WHERE table_schema = 'public' AND table_name = 'g31_v2' AND column_name = 'note'`,
    );
    expect(rows).toHaveLength(1);
  }, 120_000);

  it('abort skips the datasets not started and leaves a running migration to its end, whose outcome is still recorded', async () => {
    const id = await startCampaign('aborted', [['g10', 'g11']], {
      concurrency: 1,
    });
    await runner.tick(id);
    const [first] = await migrationsOf(id);
    expect(first.entityRef).toBe(ref('g10'));

    const aborted = await service.abort(
      id,
      { reason: 'wrong quarter' },
      starter,
    );
    expect(aborted.state).toBe('aborted');
    expect(aborted.stateReason).toBe('wrong quarter');
    const g11 = aborted.datasets.find(d => d.entityRef === ref('g11'))!;
    expect(g11).toMatchObject({
      state: 'skipped',
      reason: 'campaign aborted: wrong quarter',
    });

    const [finished] = await migrationsFinished(id, 1);
    expect(finished.status).toBe('succeeded');
    await runner.tick(id);
    expect(await datasetStates(id)).toEqual({
      g10: 'migrated',
      g11: 'skipped',
    });
    expect(await migrationsOf(id)).toHaveLength(1);
    expect((await service.get(id)).state).toBe('aborted');
  }, 90_000);

  it('soaks a healthy wave for its soak time by the clock before the next wave starts', async () => {
    const t0 = new Date('2027-03-02T10:00:00Z');
    now = t0;
    const id = await startCampaign('soaks', [['g12'], ['g13']], {
      soak: '10m',
    });
    await runner.tick(id);
    await migrationsFinished(id, 1);
    await runner.tick(id);
    let campaign = await service.get(id);
    expect(campaign.waves.map(w => [w.state, w.soakedAt])).toEqual([
      ['soaking', '2027-03-02T10:10:00.000Z'],
      ['pending', undefined],
    ]);
    const scheduled = async () =>
      (
        await pluginDb.raw(
          `SELECT run_at FROM ${WORKER_SCHEMA}.jobs WHERE key = ?`,
          [`campaign:${id}`],
        )
      ).rows.map((r: { run_at: Date }) => new Date(r.run_at));
    // The burndown was recorded at the start, moments ago: the look that saw g12
    // migrate leaves its record to a look 10 s after that one, not to the
    // soak's end, so the chart does not show g12 outstanding for 10 minutes.
    expect(await scheduled()).toEqual([new Date('2027-03-02T10:00:10Z')]);
    now = new Date('2027-03-02T10:00:10Z');
    await runner.tick(id);
    expect((await service.get(id)).burndown.at(-1)).toMatchObject({
      at: '2027-03-02T10:00:10.000Z',
      datasetsOutstanding: 1,
    });

    now = new Date('2027-03-02T10:09:59Z');
    await runner.tick(id);
    expect(await migrationsOf(id)).toHaveLength(1);

    // A consumer whose checks have not run yet (its step waits in the queue)
    // keeps the wave soaking past its time: its failure would count.
    const [first] = await migrationsOf(id);
    await pluginDb('migration_consumers').insert({
      migration_id: first.id,
      entity_ref: 'component:default/late-reader',
      state: 'patched',
    });
    now = new Date('2027-03-02T10:10:00Z');
    await runner.tick(id);
    campaign = await service.get(id);
    expect(campaign.waves.map(w => w.state)).toEqual(['soaking', 'pending']);
    expect(await migrationsOf(id)).toHaveLength(1);

    await pluginDb('migration_consumers')
      .where({ migration_id: first.id })
      .update({ state: 'pr-opened' });
    now = new Date('2027-03-02T10:10:15Z');
    await runner.tick(id);
    campaign = await service.get(id);
    expect(campaign.waves.map(w => w.state)).toEqual(['healthy', 'running']);
    expect((await migrationsOf(id)).map(m => m.entityRef)).toEqual([
      ref('g12'),
      ref('g13'),
    ]);
    await migrationsFinished(id, 2);
  }, 90_000);

  it('skips a dataset the starter may not start (no approval configured) with the reason, and goes on with the wave', async () => {
    now = new Date('2027-03-03T10:00:00Z');
    const id = await startCampaign('may-not-start', [['g14', 'g15']]);
    // As if the starter lacked the start permission on g14 when they started it.
    await pluginDb('campaign_datasets')
      .where({ campaign_id: id, entity_ref: ref('g14') })
      .update({ starter_may_start: false });
    await runner.tick(id);

    const campaign = await service.get(id);
    const g14 = campaign.datasets.find(d => d.entityRef === ref('g14'))!;
    expect(g14.state).toBe('skipped');
    expect(g14.reason).toMatch(
      /permission dataset-migrations\.migration\.start on resource:default\/g14 was denied, and no approval is configured/,
    );
    expect((await migrationsOf(id)).map(m => m.entityRef)).toEqual([
      ref('g15'),
    ]);
    await migrationsFinished(id, 1);
    await runner.tick(id);
    expect((await service.get(id)).state).toBe('completed');
  }, 90_000);

  it('carries the starter’s approval to the datasets they may approve; the others await their owners', async () => {
    now = new Date('2027-03-04T10:00:00Z');
    // Every migration needs an approval; the starter may approve a1 and a3.
    const approving = new MigrationService({
      store,
      catalog,
      engines,
      queue,
      retentionMs: 0,
      permissions: allowsEverything,
      approvalsRequired: ['always'],
      announcer,
    });
    const approvingService = serviceDenying(
      datasetMigrationApprovePermission,
      'a2',
    );
    const approvingRunner = new CampaignRunner({
      campaigns,
      migrations: approving,
      queue,
      auth,
      logger,
      clock,
      announcer,
      audit: new CampaignAuditOutbox(pluginDb),
      lookLeases: new CampaignLookLeases(pluginDb, 30_000),
      auditor,
    });
    planning.waves = [[ref('a1'), ref('a2'), ref('a3')]];
    const draft = await approvingService.create(
      campaignDocument({
        name: 'carried-approval',
        rollout: { soak: '0s', concurrency: 3 },
      }),
      starter,
    );
    await approvingService.start(draft.id, starter);
    // The fixed plan says breaking; the real planner calls text → integer forward,
    // as a1's review did. a3's review saw another class than its plan has now.
    const reviewed = (name: string, compatibility: string) =>
      pluginDb('campaign_datasets')
        .where({ campaign_id: draft.id, entity_ref: ref(name) })
        .update({ reviewed_compatibility: compatibility });
    await reviewed('a1', 'forward');
    await reviewed('a3', 'full');
    await approvingRunner.tick(draft.id);

    const rows = await pluginDb('migrations')
      .where({ campaign_id: draft.id })
      .orderBy('entity_ref');
    expect(rows.map(r => r.entity_ref)).toEqual([
      ref('a1'),
      ref('a2'),
      ref('a3'),
    ]);
    const [a1, a2, a3] = rows;
    expect(a1.status).not.toBe('awaiting-approval');
    expect(a1.approval.decision).toEqual({
      outcome: 'approved',
      by: STARTER,
      at: now.toISOString(),
      comment: 'approved by starting campaign carried-approval',
    });
    expect(a2.status).toBe('awaiting-approval');
    expect(a2.approval.decision).toBeUndefined();
    // Its plan is not of the class the starter approved: it waits too.
    expect(a3.status).toBe('awaiting-approval');
    expect(a3.approval.decision).toBeUndefined();
    expect(
      (await approvingService.get(draft.id)).stuck.map(i => [
        i.entityRef,
        i.kind,
      ]),
    ).toContainEqual([ref('a2'), 'awaiting-approval']);
    await approvingService.abort(
      draft.id,
      { reason: 'end of the test' },
      starter,
    );
    // Aborted, it never resumes: what still awaits an approval is cancelled,
    // its dataset free for other work; what started runs to its end.
    await approvingRunner.tick(draft.id);
    const after = await pluginDb('migrations')
      .where({ campaign_id: draft.id })
      .orderBy('entity_ref');
    expect(after.map(r => r.status)).toEqual([
      a1.status,
      'cancelled',
      'cancelled',
    ]);
    // Its page says why.
    expect(after[1].failure_reason).toBe(
      'cancelled with campaign carried-approval, which was aborted: end of the test',
    );
    await approvingRunner.tick(draft.id);
    expect(
      (await approvingService.get(draft.id)).stuck.filter(
        i => i.kind === 'awaiting-approval',
      ),
    ).toEqual([]);
  }, 90_000);

  it('starts a dataset derived from another in the same wave only after that one’s migration succeeded, and skips it when that one failed', async () => {
    now = new Date('2027-03-05T10:00:00Z');
    // u2 rolls up u1 and b3; all three in one wave, with room for all at once.
    planning.upstream = { [ref('u2')]: [ref('u1')], [ref('u3')]: [ref('b3')] };
    try {
      const id = await startCampaign('lineage', [['u2', 'u3', 'u1', 'b3']], {
        concurrency: 4,
        failurePolicy: { maxFailureRate: 1, maxConsecutiveFailures: 10 },
      });
      await runner.tick(id);
      // Its upstreams first, though the rollups come first in the wave.
      expect((await migrationsOf(id)).map(m => m.entityRef).sort()).toEqual([
        ref('b3'),
        ref('u1'),
      ]);
      await migrationsFinished(id, 2);
      await runner.tick(id);
      expect((await migrationsOf(id)).map(m => m.entityRef).sort()).toEqual([
        ref('b3'),
        ref('u1'),
        ref('u2'),
      ]);
      const campaign = await service.get(id);
      const u3 = campaign.datasets.find(d => d.entityRef === ref('u3'))!;
      expect(u3.state).toBe('skipped');
      expect(u3.reason).toMatch(
        /^its upstream resource:default\/b3 did not migrate \(failed, migration .+ failed\)$/,
      );
      await migrationsFinished(id, 3);
      await runner.tick(id);
      expect(await datasetStates(id)).toEqual({
        u1: 'migrated',
        u2: 'migrated',
        u3: 'skipped',
        b3: 'failed',
      });
    } finally {
      planning.upstream = {};
    }
  }, 120_000);

  it('asks for each dataset’s contract once its wave is healthy and its gate opens, in the starter’s name, audited; again a day after a refusal for readers nobody discovered; never where the starter may not contract', async () => {
    now = new Date('2027-03-10T10:00:00Z');
    const contractAuditor = mockServices.auditor.mock();
    const contracting = new CampaignRunner({
      campaigns,
      migrations: new MigrationService({
        store,
        catalog,
        engines,
        queue,
        retentionMs: 0,
        permissions: allowsEverything,
        approvalsRequired: [],
        announcer,
      }),
      queue,
      auth,
      logger,
      clock,
      announcer,
      audit: new CampaignAuditOutbox(pluginDb),
      lookLeases: new CampaignLookLeases(pluginDb, 30_000),
      auditor: contractAuditor,
    });
    const id = await startCampaign('contracts', [['k1', 'k2']], {
      concurrency: 2,
    });
    // As if the starter lacked the contract permission on k2 when they started it.
    await pluginDb('campaign_datasets')
      .where({ campaign_id: id, entity_ref: ref('k2') })
      .update({ starter_may_contract: false });
    await contracting.tick(id);
    const [k1] = (await migrationsFinished(id, 2)).filter(
      m => m.entityRef === ref('k1'),
    );
    // A reader nobody discovered reads k1's previous shape after the cut-over.
    await warehouse.transaction(async tx => {
      await tx.raw('SELECT count(*) FROM public.k1_v1');
      await tx.raw('SELECT pg_stat_force_next_flush()');
    });
    const outcomes = async (count: number) =>
      waitFor(
        async () => {
          const rows = await pluginDb('migration_checkpoints')
            .where({ migration_id: k1.id })
            .where('name', 'like', 'operation:%')
            .select('value');
          return rows.length === count ? rows.map(r => r.value) : undefined;
        },
        { timeoutMs: 60_000, what: `${count} answers to contract k1` },
      );
    const asks = () =>
      (contractAuditor.createEvent as jest.Mock).mock.calls
        .map(([event]) => event)
        .filter(event => event.eventId === 'campaign-contract');

    // Migrated and soaked (0s): the wave is healthy, the campaign completed, and
    // k1's gate (no consumers, no retention) open: its contract is asked for.
    await contracting.tick(id);
    expect((await service.get(id)).state).toBe('completed');
    const [first] = await outcomes(1);
    expect(first.refused).toMatch(/a reader nobody discovered/);
    expect(asks()).toEqual([
      {
        eventId: 'campaign-contract',
        severityLevel: 'high',
        meta: expect.objectContaining({
          campaignId: id,
          migrationId: k1.id,
          entityRef: ref('k1'),
          onBehalfOf: STARTER,
        }),
      },
    ]);
    const stuck = (await service.get(id)).stuck.map(i => [i.entityRef, i.kind]);
    expect(stuck).toEqual(
      expect.arrayContaining([
        [ref('k1'), 'undiscovered-readers'],
        [ref('k2'), 'contract-not-allowed'],
      ]),
    );
    // Later looks that day ask nothing more.
    now = new Date('2027-03-10T22:00:00Z');
    await contracting.tick(id);
    expect(asks()).toHaveLength(1);
    // A day on, it asks again: a new window of reads is judged.
    now = new Date('2027-03-11T10:01:00Z');
    await contracting.tick(id);
    expect(asks()).toHaveLength(2);
    const [, second] = await outcomes(2);
    // k1 is contracted, unless the engine's statistics land late (they are
    // flushed asynchronously): then it is refused again for the same reader.
    const refusedAgain = expect.stringMatching(/a reader nobody discovered/);
    if ('done' in second) await contracting.tick(id);
    expect('done' in second ? await datasetStates(id) : second.refused).toEqual(
      'done' in second ? { k1: 'contracted', k2: 'migrated' } : refusedAgain,
    );
    expect(
      await pluginDb('migrations')
        .where({ entity_ref: ref('k2') })
        .whereNotNull('contracted_at')
        .count(),
    ).toEqual([{ count: '0' }]);
  }, 120_000);

  it('asks again for a contract refused for retention only once the retention has passed, not on every look meanwhile', async () => {
    const retentionMs = 15_000;
    const migrations = new MigrationService({
      store,
      catalog,
      engines,
      queue,
      retentionMs,
      permissions: allowsEverything,
      approvalsRequired: [],
      announcer,
    });
    let asked = 0;
    const retaining = new CampaignRunner({
      ...runnerDeps,
      migrations: {
        createCampaignMigration: (...args) =>
          migrations.createCampaignMigration(...args),
        requestRollback: (...args) => migrations.requestRollback(...args),
        requestContract: (...args) => {
          asked++;
          return migrations.requestContract(...args);
        },
      },
    });
    const id = await startCampaign('retained', [['k3']]);
    await retaining.tick(id);
    const [k3] = await migrationsFinished(id, 1);

    // Healthy and completed: its gate is asked, and refused for the retention.
    await retaining.tick(id);
    expect((await service.get(id)).state).toBe('completed');
    expect(asked).toBe(1);
    // Looks before the retention passes ask nothing: they would be refused.
    for (let i = 0; i < 3; i++) await retaining.tick(id);
    expect(asked).toBe(1);

    const { finished_at } = await pluginDb('migrations')
      .where({ id: k3.id })
      .first('finished_at');
    await sleep(new Date(finished_at).getTime() + retentionMs - Date.now());
    await retaining.tick(id);
    expect(asked).toBe(2);
    const row = await pluginDb('campaign_datasets')
      .where({ campaign_id: id, entity_ref: ref('k3') })
      .first('contract_requested_at');
    expect(row.contract_requested_at).not.toBeNull();
  }, 90_000);
  it('calls a wave healthy whose tolerated failure left a consumer unchecked: a failed migration’s consumers are never checked', async () => {
    now = new Date('2027-03-04T10:00:00Z');
    // One of two may fail; consumer failures count (the default).
    const id = await startCampaign(
      'tolerated-failure',
      [['e1', 'x1'], ['e2']],
      {
        concurrency: 2,
        failurePolicy: { maxFailureRate: 0.6 },
      },
    );
    await runner.tick(id);
    const finished = await migrationsFinished(id, 2);
    const x1 = finished.find(m => m.entityRef === ref('x1'))!;
    expect(x1.status).toBe('failed');
    // Its consumer was discovered and assessed before the run (affected, so left
    // `discovered`): checks run only against a live new version, which a failed
    // migration never has.
    await pluginDb('migration_consumers').insert({
      migration_id: x1.id,
      entity_ref: 'component:default/x1-reader',
      state: 'discovered',
    });
    await runner.tick(id);
    const campaign = await service.get(id);
    expect(campaign.state).toBe('running');
    expect(campaign.waves.map(w => w.state)).toEqual(['healthy', 'running']);
    expect((await migrationsOf(id)).map(m => m.entityRef)).toContain(ref('e2'));
    await migrationsFinished(id, 3);
  }, 90_000);

  it('rolls back with rollback-wave the succeeded migration whose consumer failed its checks, the one that tripped the policy', async () => {
    now = new Date('2027-03-04T11:00:00Z');
    const id = await startCampaign('consumer-trips', [['e3'], ['e4', 'e5']], {
      concurrency: 2,
      failurePolicy: { action: 'rollback-wave', maxFailureRate: 0.4 },
    });
    await runner.tick(id); // the canary
    await migrationsFinished(id, 1);
    await runner.tick(id); // canary healthy: e4 and e5 start
    const finished = await migrationsFinished(id, 3);
    expect(finished.map(m => m.status)).toEqual([
      'succeeded',
      'succeeded',
      'succeeded',
    ]);
    const e5 = finished.find(m => m.entityRef === ref('e5'))!;
    await pluginDb('migration_consumers').insert({
      migration_id: e5.id,
      entity_ref: 'component:default/e5-reader',
      state: 'failed',
      failure_kind: 'verification-failed',
    });
    await runner.tick(id); // e5 counts failed: 1 of 2 > 40%, the wave is rolled back
    expect((await service.get(id)).stateReason).toBe(
      'wave 1: 1 of 2 failed (50% > 40%); the wave is rolled back: the campaign rolls back 2 succeeded migrations',
    );
    const statuses = await waitFor(
      async () => {
        const all = await migrationsOf(id);
        return all.filter(m => m.status === 'rolled-back').length === 2
          ? Object.fromEntries(
              all.map(m => [m.entityRef.split('/')[1], m.status]),
            )
          : undefined;
      },
      { timeoutMs: 30_000, what: 'the rollbacks of e4 and e5' },
    );
    expect(statuses).toEqual({
      e3: 'succeeded',
      e4: 'rolled-back',
      e5: 'rolled-back',
    });
    await runner.tick(id);
    expect(await datasetStates(id)).toEqual({
      e3: 'migrated',
      e4: 'rolled-back',
      e5: 'rolled-back',
    });
  }, 120_000);
  it('stops asking a rolled-back wave’s rollbacks once one is refused in SQL for a lease another took', async () => {
    now = new Date('2027-03-04T11:30:00Z');
    const id = await startCampaign(
      'lease-taken-in-rollback',
      [['g49'], ['g50', 'g51']],
      {
        concurrency: 2,
        failurePolicy: { action: 'rollback-wave', maxFailureRate: 0.4 },
      },
    );
    await runner.tick(id); // the canary
    await migrationsFinished(id, 1);
    await runner.tick(id); // canary healthy: g50 and g51 start
    const finished = await migrationsFinished(id, 3);
    const g51 = finished.find(m => m.entityRef === ref('g51'))!;
    await pluginDb('migration_consumers').insert({
      migration_id: g51.id,
      entity_ref: 'component:default/g51-reader',
      state: 'failed',
      failure_kind: 'verification-failed',
    });
    // The look trips the wave, then its lease is taken as it asks the first rollback.
    const migrations = runnerDeps.migrations as MigrationService;
    const asked: string[] = [];
    const tripping = new CampaignRunner({
      ...runnerDeps,
      migrations: Object.assign(Object.create(migrations), {
        requestRollback: async (
          ...args: Parameters<MigrationService['requestRollback']>
        ) => {
          asked.push(args[0]);
          await pluginDb('campaign_look_leases')
            .where({ campaign_id: id })
            .update({ owner: randomUUID() });
          return migrations.requestRollback(...args);
        },
      }),
    });
    await tripping.tick(id);
    expect((await service.get(id)).stateReason).toBe(
      'wave 1: 1 of 2 failed (50% > 40%); the wave is rolled back: the campaign rolls back 2 succeeded migrations',
    );
    // Refused, it asked no other: the look that holds the lease now asks them.
    expect(asked).toHaveLength(1);
    expect(
      (await migrationsOf(id)).filter(m => m.status === 'rolled-back'),
    ).toEqual([]);
    await pluginDb('campaign_look_leases').where({ campaign_id: id }).delete();
    await runner.tick(id);
    await waitFor(
      async () =>
        (await migrationsOf(id)).filter(m => m.status === 'rolled-back')
          .length === 2 || undefined,
      { timeoutMs: 30_000, what: 'the rollbacks of g50 and g51' },
    );
    await dropQueuedLooks(id);
  }, 120_000);

  it('skips a dataset derived from one of a rolled-back wave, though that one’s rollback has not gone through when the campaign resumes', async () => {
    now = new Date('2027-03-04T12:00:00Z');
    // The rollback requests fail: a rollback interrupted, asked again each minute.
    const migrations = runnerDeps.migrations;
    const interrupted = new CampaignRunner({
      ...runnerDeps,
      migrations: Object.assign(Object.create(migrations), {
        requestRollback: async () => {
          throw new Error('Connection terminated unexpectedly');
        },
      }),
    });
    // e8 is derived from e7, which the wave rolled back for x2 takes along.
    planning.upstream = { [ref('e8')]: [ref('e7')] };
    try {
      const id = await startCampaign(
        'upstream-rolled-back',
        [['e6'], ['e7', 'x2'], ['e8']],
        {
          concurrency: 2,
          failurePolicy: { action: 'rollback-wave', maxFailureRate: 0.4 },
        },
      );
      await interrupted.tick(id); // the canary
      await migrationsFinished(id, 1);
      await interrupted.tick(id); // canary healthy: e7 and x2 start
      await migrationsFinished(id, 3);
      await interrupted.tick(id); // x2 failed: the wave is rolled back
      let campaign = await service.get(id);
      expect(campaign.state).toBe('paused');
      expect(campaign.waves.map(w => w.state)).toEqual([
        'healthy',
        'rolled-back',
        'pending',
      ]);
      // e7's rollback is still to go through when a person resumes.
      await service.resume(id, undefined, starter);
      await interrupted.tick(id);
      expect((await migrationsOf(id)).map(m => m.entityRef)).not.toContain(
        ref('e8'),
      );
      campaign = await service.get(id);
      expect(campaign.datasets.find(d => d.entityRef === ref('e8'))).toEqual(
        expect.objectContaining({
          state: 'skipped',
          reason: `its upstream ${ref(
            'e7',
          )} did not migrate (wave 1 was rolled back)`,
        }),
      );
    } finally {
      planning.upstream = {};
    }
  }, 120_000);
  it('shows a wave running, with its start, whose only dataset started in a look that died before it said so', async () => {
    now = new Date('2027-03-04T14:00:00Z');
    const id = await startCampaign('wave-start-lost', [['e9']]);
    const dying = new CampaignRunner({
      ...runnerDeps,
      campaigns: Object.assign(Object.create(campaigns), {
        updateWave: (...args: Parameters<typeof campaigns.updateWave>) =>
          args[2].to === 'running'
            ? Promise.reject(new Error('Connection terminated unexpectedly'))
            : campaigns.updateWave(...args),
      }),
    });
    await expect(dying.tick(id)).rejects.toThrow('Connection terminated');
    expect((await migrationsOf(id)).map(m => m.entityRef)).toEqual([ref('e9')]);
    await runner.tick(id);
    const [wave] = (await service.get(id)).waves;
    expect(wave.state).not.toBe('pending');
    expect(wave.startedAt).toBe('2027-03-04T14:00:00.000Z');
    await migrationsFinished(id, 1);
  }, 90_000);
});
