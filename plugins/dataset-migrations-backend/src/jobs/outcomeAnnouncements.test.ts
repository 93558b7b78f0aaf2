import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import {
  migrationOutcomeTopic,
  type MigrationOutcome,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  createTestDatabases,
  createTestEngine,
  waitFor,
} from '../__testUtils__/testDatabases';
import { dataset, newMigration } from '../__testUtils__/fixtures';
import {
  dyingStore,
  migratedRun,
  runOnceLeaseRunsOut,
} from '../__testUtils__/operationRetry';
import { DatabaseMigrationStore } from '../database/DatabaseMigrationStore';
import { MigrationOutcomeOutbox } from '../database/MigrationOutcomeOutbox';
import { EngineRegistry } from '../engines/EngineRegistry';
import { DatasetCatalog } from '../catalog/DatasetCatalog';
import {
  BackstageMigrationAnnouncer,
  migrationScope,
} from '../announcements/BackstageMigrationAnnouncer';
import type { MigrationAnnouncer } from '../announcements/MigrationAnnouncer';
import { loadSqlParser } from '../sql/sqlParser';
import { MigrationRunner } from './MigrationRunner';
import { OperationRunner } from './OperationRunner';
import { OutcomeAnnouncements } from './outcomeAnnouncements';

jest.setTimeout(120_000);

/**
 * Outcomes a worker records are told to the run's people at least once, on a
 * real PostgreSQL: a worker killed between the outcome's commit and its
 * announcement leaves it to the sweep's drain, which tells it once.
 */
describe('outcomes announced though the worker dies', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let store: DatabaseMigrationStore;
  let outbox: MigrationOutcomeOutbox;
  let engine: DatasetEngine;

  beforeAll(async () => {
    await loadSqlParser();
    knex = await init();
    store = await DatabaseMigrationStore.create({
      database: mockServices.database({ knex }),
    });
    outbox = new MigrationOutcomeOutbox(knex);
    engine = await createTestEngine(knex);
  });

  afterAll(async () => {
    await engine.close?.();
  });

  beforeEach(async () => {
    await knex('migration_outcome_outbox').delete();
  });

  /** The plugin's announcer over recording notifications and events services. */
  function backstage() {
    const notifications = { send: jest.fn(async (_n: any) => {}) };
    const events = { publish: jest.fn(async (_e: any) => {}) };
    const announcer = new BackstageMigrationAnnouncer({
      migrations: store,
      notifications,
      events,
      signals: { publish: jest.fn(async () => {}) },
      logger: mockServices.logger.mock(),
    });
    const told = () => ({
      notifications: notifications.send.mock.calls.map(([n]) => ({
        to: n.recipients.entityRef,
        title: n.payload.title,
      })),
      events: events.publish.mock.calls.map(([e]) => e.topic),
    });
    return { announcer, notifications, events, told };
  }

  /** The announcements through the outbox; the drain takes entries of any age unless told otherwise. */
  const outcomesOf = (
    announcer: MigrationAnnouncer,
    graceMs = 0,
    settleTimeoutMs?: number,
  ) =>
    new OutcomeAnnouncements({
      outbox,
      announcer,
      logger: mockServices.logger.mock(),
      graceMs,
      ...(settleTimeoutMs ? { settleTimeoutMs } : {}),
    });

  /** An announcer of a process killed the moment it would announce how a run ended. */
  const killedAtOutcome: MigrationAnnouncer = {
    migrationChanged: async change => {
      if (change.outcome && change.outcome !== 'started')
        throw new Error('killed');
    },
    consumerChanged: async () => {},
  };

  const owed = async () =>
    (
      await knex('migration_outcome_outbox')
        .whereNull('emitted_at')
        .select('outcome')
    ).map(r => r.outcome);

  /** A worker on the real store; `dies` after the outcome committed, nothing it asks of the database happens. */
  function migrationWorker(
    announcer: MigrationAnnouncer,
    options: { dies?: boolean; fails?: boolean } = {},
  ) {
    let finished = false;
    const workerStore = dyingStore(store, 'worker-a', key => {
      if (finished) return true;
      finished = key === 'finishMigration';
      return false;
    });
    const migrate: DatasetEngine = {
      canonicalTable: (table: string) => table,
      introspect: async () => ({
        fields: [
          { name: 'id', type: 'bigint', nullable: false, primaryKey: true },
          { name: 'user_id', type: 'text', nullable: false, primaryKey: false },
        ],
        rowEstimate: 3,
      }),
      plan: async () => [],
      migrate: async () => {
        if (options.fails) throw new Error('the copy broke');
      },
    } as unknown as DatasetEngine;
    return new MigrationRunner({
      store: options.dies ? workerStore : store,
      engines: new EngineRegistry(new Map([['warehouse', migrate]])),
      catalog: new DatasetCatalog(
        catalogServiceMock({ entities: [dataset('events')] }),
        mockServices.auth(),
      ),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      leaseMs: 60_000,
      announcer,
      outcomes: outcomesOf(announcer),
    });
  }

  /** A dry run (nothing to migrate for real), queued to run. */
  async function queued(): Promise<string> {
    const migration = newMigration({ dryRun: true });
    await store.createMigration(migration, async () => {});
    return migration.id;
  }

  it.each([
    ['succeeded', false],
    ['failed', true],
  ] as const)(
    'a %s run whose worker died before announcing it is told once, by the drain',
    async (outcome: MigrationOutcome, fails) => {
      const id = await queued();
      await migrationWorker(killedAtOutcome, { dies: true, fails })
        .run(id)
        .catch(() => {});
      expect((await store.getMigration(id))?.status).toBe(outcome);
      expect(await owed()).toEqual([outcome]);

      // The job's next attempt finds the run finished and tells nobody.
      const { announcer, events, told } = backstage();
      await migrationWorker(announcer).run(id);
      await announcer.idle();
      expect(told().notifications).toEqual([]);

      const [{ recorded_at: recordedAt }] = await knex(
        'migration_outcome_outbox',
      ).select('recorded_at');
      expect(await outcomesOf(announcer).drain()).toBe(1);
      // Told with the time of the outcome, not of the drain.
      expect(events.publish.mock.calls[0][0].eventPayload.occurredAt).toBe(
        new Date(recordedAt).toISOString(),
      );
      expect(told()).toEqual({
        notifications: [
          {
            // A dry run is told to its requester only.
            to: 'user:default/tester',
            title: expect.stringContaining(
              outcome === 'succeeded' ? 'succeeded' : 'failed',
            ),
          },
        ],
        events: [migrationOutcomeTopic(outcome)],
      });
      expect(await owed()).toEqual([]);
      // Told once: a later sweep finds nothing owed.
      expect(await outcomesOf(announcer).drain()).toBe(0);
      expect(told().events).toHaveLength(1);
    },
  );

  it('a rollback whose worker died before announcing it is told once, by the drain, to the dataset and the requester', async () => {
    const id = await migratedRun({ knex, store, engine, table: 'rolled' });
    const job = {
      migrationId: id,
      operation: 'rollback' as const,
      requestId: randomUUID(),
      actor: 'user:default/ana',
    };
    const operations = (announcer: MigrationAnnouncer) =>
      new OperationRunner({
        store,
        engines: new EngineRegistry(new Map([['warehouse', engine]])),
        catalog: new DatasetCatalog(
          catalogServiceMock({ entities: [] }),
          mockServices.auth(),
        ),
        auth: mockServices.auth(),
        logger: mockServices.logger.mock(),
        workerId: `worker-${randomUUID()}`,
        leaseMs: 1_000,
        announcer,
        outcomes: outcomesOf(announcer),
      });
    await expect(operations(killedAtOutcome).run(job)).rejects.toThrow(
      'killed',
    );
    expect((await store.getMigration(id))?.status).toBe('rolled-back');

    // graphile-worker's retry finds the rollback done and only answers.
    const { announcer, told } = backstage();
    await runOnceLeaseRunsOut(operations(announcer), job);
    await announcer.idle();
    expect(told().notifications).toEqual([]);

    expect(await outcomesOf(announcer).drain()).toBe(1);
    expect(told()).toEqual({
      notifications: [
        {
          to: ['resource:default/rolled', 'user:default/tester'],
          title: expect.stringContaining('was rolled back'),
        },
      ],
      events: [migrationOutcomeTopic('rolled-back')],
    });
    expect(await owed()).toEqual([]);
  });

  it('a healthy run is told once and leaves nothing owed', async () => {
    const id = await queued();
    const { announcer, told } = backstage();
    await migrationWorker(announcer).run(id);
    await announcer.idle();
    await waitFor(async () => ((await owed()).length === 0 ? true : undefined));

    // Recorded with the outcome, and marked once the announcer delivered it.
    expect(
      await knex('migration_outcome_outbox')
        .whereNotNull('emitted_at')
        .pluck('outcome'),
    ).toEqual(['succeeded']);
    expect(await outcomesOf(announcer).drain()).toBe(0);
    expect(told().events).toEqual([
      migrationOutcomeTopic('started'),
      migrationOutcomeTopic('succeeded'),
    ]);
  });

  it('repeats an outcome whose worker died between announcing and marking it as the same notification and event', async () => {
    const id = await queued();
    const { announcer, notifications, events } = backstage();
    await migrationWorker(announcer).run(id);
    await announcer.idle();
    await waitFor(async () => ((await owed()).length === 0 ? true : undefined));
    // As if the mark never landed.
    await knex('migration_outcome_outbox').update({ emitted_at: null });

    expect(await outcomesOf(announcer).drain()).toBe(1);
    const [live, repeat] = events.publish.mock.calls
      .map(([e]) => e)
      .filter(e => e.topic === migrationOutcomeTopic('succeeded'));
    expect(repeat.eventPayload).toEqual(live.eventPayload);
    const scopes = notifications.send.mock.calls
      .map(([n]) => n.payload)
      .filter(p => p.title.includes('succeeded'))
      .map(p => p.scope);
    expect(scopes).toEqual([migrationScope(id), migrationScope(id)]);
  });

  it('leaves an outcome younger than the grace to the worker announcing it', async () => {
    const id = await queued();
    await migrationWorker(killedAtOutcome, { dies: true })
      .run(id)
      .catch(() => {});
    const { announcer, told } = backstage();
    expect(await outcomesOf(announcer, 60_000).drain()).toBe(0);
    expect(told().events).toEqual([]);
    expect(await owed()).toEqual(['succeeded']);
  });

  it('does not wait forever for an announcer that never says its deliveries are over: the outcome stays owed, backed off', async () => {
    const id = await queued();
    await migrationWorker(killedAtOutcome, { dies: true })
      .run(id)
      .catch(() => {});
    const silent: MigrationAnnouncer = {
      migrationChanged: async () => {},
      consumerChanged: async () => {},
    };
    const started = Date.now();
    expect(await outcomesOf(silent, 0, 200).drain()).toBe(0);
    expect(Date.now() - started).toBeLessThan(30_000);
    expect(await owed()).toEqual(['succeeded']);
    // Backed off: the next sweep does not take it again at once.
    const { announcer, told } = backstage();
    expect(await outcomesOf(announcer).drain()).toBe(0);
    expect(told().events).toEqual([]);
  });

  it('two drains at once tell an outcome once', async () => {
    const id = await queued();
    await migrationWorker(killedAtOutcome, { dies: true })
      .run(id)
      .catch(() => {});
    expect(await owed()).toEqual(['succeeded']);
    const { announcer, notifications, told } = backstage();
    let release!: () => void;
    const released = new Promise<void>(resolve => {
      release = resolve;
    });
    let sending!: () => void;
    const inSend = new Promise<void>(resolve => {
      sending = resolve;
    });
    notifications.send.mockImplementation(async () => {
      sending();
      await released;
    });
    const first = outcomesOf(announcer).drain();
    await inSend;
    // While the first drain's notification is on its way, the second finds nothing to take.
    expect(await outcomesOf(announcer).drain()).toBe(0);
    release();
    expect(await first).toBe(1);
    expect(told().notifications).toHaveLength(1);
    expect(told().events).toEqual([migrationOutcomeTopic('succeeded')]);
  });
});
