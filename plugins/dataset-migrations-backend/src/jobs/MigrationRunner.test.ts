import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  FieldChange,
  PlannedStage,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  MigrationInterruptedError,
  type DatasetEngine,
  type DatasetMigrationPlanRequest,
  type DatasetMigrationRun,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import { createTestDatabases, waitFor } from '../__testUtils__/testDatabases';
import { dataset, pinPlan } from '../__testUtils__/fixtures';
import { DatabaseMigrationStore } from '../database/DatabaseMigrationStore';
import type { Enqueue } from '../database/MigrationRequestStore';
import { knexOf } from '../database/StoreTransaction';
import { EngineRegistry } from '../engines/EngineRegistry';
import { DatasetCatalog } from '../catalog/DatasetCatalog';
import { canonicalRelationName } from '../engines/postgres/relations';
import {
  MigrationRunner,
  type MigrationRunnerOptions,
} from './MigrationRunner';
import { LEASE_LOST, LEASE_RAN_OUT } from './runContext';

const EVENTS = 'resource:default/events';
const events = dataset('events');
const liveFields = [
  { name: 'id', type: 'bigint', nullable: false, primaryKey: true },
  { name: 'user_id', type: 'text', nullable: false, primaryKey: false },
];
const rename: FieldChange[] = [
  { renameField: { from: 'user_id', to: 'listener_id' } },
];

describe('MigrationRunner', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let store: DatabaseMigrationStore;
  let engine: jest.Mocked<
    Required<
      Pick<
        DatasetEngine,
        | 'canonicalTable'
        | 'introspect'
        | 'plan'
        | 'migrate'
        | 'rollback'
        | 'contract'
      >
    >
  >;
  let catalog: ReturnType<typeof catalogServiceMock.mock>;
  /** What the catalog lists: `events` unless a test adds to it. */
  let entities: Entity[];
  let runner: MigrationRunner;

  beforeAll(async () => {
    knex = await init();
    store = await DatabaseMigrationStore.create({
      database: mockServices.database({ knex }),
    });
  });

  beforeEach(async () => {
    await knex('dataset_versions').delete();
    await knex('migrations').delete();
    engine = {
      // The Postgres engine's reading of table names.
      canonicalTable: jest.fn(canonicalRelationName),
      introspect: jest.fn(async (_dataset: { table: string }) => ({
        fields: liveFields,
        rowEstimate: 3,
      })),
      plan: jest.fn(
        async (
          _request: DatasetMigrationPlanRequest,
        ): Promise<PlannedStage[]> => [],
      ),
      rollback: jest.fn(async (_run: DatasetMigrationRun) => {}),
      contract: jest.fn(async (_run: DatasetMigrationRun) => {}),
      // Like a real engine: runs its steps and logs through the run.
      migrate: jest.fn(async (run: DatasetMigrationRun) => {
        await run.step('copy-rows', async () => run.log('copied 3 rows'));
        await run.throwIfCancelled();
      }),
    };
    entities = [events];
    catalog = catalogServiceMock.mock({
      getEntityByRef: jest.fn(async () => events),
      getEntities: jest.fn(async request =>
        catalogServiceMock({ entities }).getEntities(request),
      ),
      refreshEntity: jest.fn(async () => {}),
    });
    runner = newRunner();
  });

  /** A runner on the same store, engine and catalog: another worker, or this one with other settings. */
  function newRunner(
    options: {
      leaseMs?: number;
      logger?: ReturnType<typeof mockServices.logger.mock>;
      onSucceeded?: Enqueue;
      undecidedConsumers?: MigrationRunnerOptions['undecidedConsumers'];
    } = {},
  ) {
    return new MigrationRunner({
      undecidedConsumers: options.undecidedConsumers,
      store,
      engines: new EngineRegistry(new Map([['warehouse', engine]])),
      catalog: new DatasetCatalog(catalog, mockServices.auth()),
      auth: mockServices.auth(),
      leaseMs: options.leaseMs ?? 60_000,
      logger: options.logger ?? mockServices.logger.mock(),
      onSucceeded: options.onSucceeded,
    });
  }

  async function queue(
    options: {
      fromVersion?: number;
      targetVersion?: number;
      dryRun?: boolean;
      changes?: FieldChange[];
    } = {},
  ) {
    const id = randomUUID();
    const result = await store.createMigration(
      {
        id,
        entityRef: EVENTS,
        fromVersion: options.fromVersion ?? 1,
        targetVersion: options.targetVersion ?? 2,
        changes: options.changes ?? rename,
        dryRun: options.dryRun ?? false,
        fingerprint: id,
        requestedBy: 'user:default/tester',
      },
      async () => {},
    );
    if (!result.queued) throw new Error('not queued');
    return id;
  }

  const details = async (id: string) => (await store.getMigration(id))!;
  const messages = async (id: string) =>
    (await details(id)).logs.map(
      l => `${l.level}:${l.step ?? '-'}:${l.message}`,
    );

  it('refuses to run a plan the dataset has drifted from since it was reviewed', async () => {
    const id = randomUUID();
    await store.createMigration(
      {
        id,
        entityRef: EVENTS,
        fromVersion: 1,
        targetVersion: 2,
        changes: rename,
        dryRun: false,
        fingerprint: id,
        requestedBy: 'user:default/ada',
        plan: {
          entityRef: EVENTS,
          engine: 'warehouse',
          table: 'public.events',
          fromVersion: 1,
          targetVersion: 2,
          source: [],
          // Reviewed when the table had one more column than it has now.
          target: [
            { name: 'id', type: 'bigint', nullable: false, primaryKey: true },
            {
              name: 'listener_id',
              type: 'text',
              nullable: false,
              primaryKey: false,
            },
            { name: 'gone', type: 'text', nullable: true, primaryKey: false },
          ],
          compatibility: {
            class: 'breaking',
            rollout: 'side-by-side',
            changes: [],
          },
          stages: [],
        },
      },
      async () => {},
    );
    await runner.run(id);
    expect(engine.migrate).not.toHaveBeenCalled();
    const failed = await details(id);
    expect(failed.status).toBe('failed');
    expect(failed.failureReason).toBe(
      'the dataset changed since this migration was planned (planned id bigint, listener_id text, gone text, now id bigint, listener_id text); request it again to review a new plan',
    );
  });

  it('plans, migrates, records the version and refreshes the entity', async () => {
    const id = await queue();
    await runner.run(id);

    expect(engine.migrate).toHaveBeenCalledTimes(1);
    expect(engine.migrate.mock.calls[0][0]).toMatchObject({
      migrationId: id,
      entityRef: EVENTS,
      dataset: { table: 'public.events' },
      fromVersion: 1,
      targetVersion: 2,
      dryRun: false,
      targetFields: [
        { name: 'id', source: { kind: 'copy', from: 'id' } },
        { name: 'listener_id', source: { kind: 'copy', from: 'user_id' } },
      ],
    });
    const migration = await details(id);
    expect(migration).toMatchObject({ status: 'succeeded', attempts: 1 });
    expect(migration.steps.map(s => `${s.name}:${s.status}`)).toEqual([
      'plan:succeeded',
      'copy-rows:succeeded',
    ]);
    expect(await messages(id)).toEqual([
      expect.stringMatching(/^info:-:attempt 1 started on \S+$/),
      'info:plan:warehouse:public.events v1 → v2, ~3 rows',
      'info:copy-rows:copied 3 rows',
      'info:-:dataset is at schema version 2',
    ]);
    expect(await store.getSchemaVersion(EVENTS)).toBe(2);
    expect(catalog.refreshEntity).toHaveBeenCalledWith(
      EVENTS,
      expect.anything(),
    );
  });

  it("queues the consumers' moves in the transaction that records the success, so neither is kept without the other", async () => {
    const id = await queue();
    const seenInside: string[] = [];
    // The session lost while it queues: the success is not recorded either.
    const failing = newRunner({
      onSucceeded: async (tx, migrationId) => {
        const row = await knexOf(tx)('migrations')
          .where({ id: migrationId })
          .first('status');
        seenInside.push(row.status);
        throw new Error('Connection terminated unexpectedly');
      },
    });
    await failing.run(id);
    expect(seenInside).toEqual(['succeeded']);
    expect(await details(id)).toMatchObject({ status: 'running' });
    expect(await store.getSchemaVersion(EVENTS)).toBeUndefined();

    // The next attempt records both.
    await knex('migrations').where({ id }).update({ lease_owner: null });
    const queued: string[] = [];
    await newRunner({
      onSucceeded: async (_tx, migrationId) => void queued.push(migrationId),
    }).run(id);
    expect(queued).toEqual([id]);
    expect(await details(id)).toMatchObject({ status: 'succeeded' });
    expect(await store.getSchemaVersion(EVENTS)).toBe(2);
  });

  it('fails a run, before the engine is asked anything, whose table another entity named after it was queued', async () => {
    const id = await queue();
    // Registered meanwhile, naming the same table in its short spelling.
    entities.push({
      ...dataset('podcast-plays', {
        annotations: { 'dataset-migrations.io/table': 'events' },
      }),
      spec: { type: 'dataset', owner: 'group:default/podcasts' },
    });
    await runner.run(id);

    expect(engine.introspect).not.toHaveBeenCalled();
    expect(engine.migrate).not.toHaveBeenCalled();
    const failed = await details(id);
    expect(failed).toMatchObject({
      status: 'failed',
      failureReason:
        'table public.events on engine warehouse is also named by resource:default/podcast-plays; a table belongs to one dataset entity: fix the catalog',
    });
    expect(failed.steps.map(s => `${s.name}:${s.status}`)).toEqual([
      'plan:failed',
    ]);
    expect(await store.getSchemaVersion(EVENTS)).toBeUndefined();
  });

  it('does nothing for a migration that is no longer runnable', async () => {
    const id = await queue();
    await store.requestCancel(id);
    await runner.run(id);
    await runner.run(randomUUID());

    expect(engine.introspect).not.toHaveBeenCalled();
    expect(engine.migrate).not.toHaveBeenCalled();
    expect(await details(id)).toMatchObject({
      status: 'cancelled',
      attempts: 0,
      steps: [],
      logs: [],
    });
  });

  it('fails a migration whose dataset moved on to another version', async () => {
    const earlier = await queue();
    await store.finishMigration(earlier, { status: 'succeeded' });
    const stale = await queue({ fromVersion: 1, targetVersion: 3 });
    await runner.run(stale);

    expect(engine.migrate).not.toHaveBeenCalled();
    expect(await details(stale)).toMatchObject({
      status: 'failed',
      failureReason:
        'the dataset is at schema version 2 now, not 1 as when this migration was requested',
    });
    expect(
      (await details(stale)).steps.map(s => `${s.name}:${s.status}`),
    ).toEqual(['plan:failed']);
    expect(await store.getSchemaVersion(EVENTS)).toBe(2);
  });

  it('fails when the live schema no longer fits the changes', async () => {
    engine.introspect.mockResolvedValueOnce({
      fields: [liveFields[0]],
      rowEstimate: 3,
    });
    const id = await queue();
    await runner.run(id);

    expect(engine.migrate).not.toHaveBeenCalled();
    const migration = await details(id);
    expect(migration).toMatchObject({
      status: 'failed',
      failureReason: 'changes[0] (renameField): unknown field "user_id"',
    });
    expect((await messages(id)).at(-1)).toBe(
      'error:-:failed: changes[0] (renameField): unknown field "user_id"',
    );
    expect(catalog.refreshEntity).not.toHaveBeenCalled();
  });

  it('stops a migration cancelled while it was planning', async () => {
    const id = await queue();
    engine.introspect.mockImplementationOnce(async () => {
      await store.requestCancel(id);
      return { fields: liveFields, rowEstimate: 3 };
    });
    await runner.run(id);

    expect(engine.migrate).not.toHaveBeenCalled();
    expect(await details(id)).toMatchObject({
      status: 'cancelled',
      failureReason: 'cancelled by request',
    });
    expect((await messages(id)).at(-1)).toBe(
      'warn:-:cancelled; nothing was changed',
    );
    expect(await store.getSchemaVersion(EVENTS)).toBeUndefined();
  });

  it("stops at the engine's cancellation check", async () => {
    const id = await queue();
    engine.migrate.mockImplementationOnce(async run => {
      await store.requestCancel(id);
      await run.throwIfCancelled();
    });
    await runner.run(id);
    expect(await details(id)).toMatchObject({ status: 'cancelled' });
    expect(await store.getSchemaVersion(EVENTS)).toBeUndefined();
  });

  it('records an engine failure with the step it failed in', async () => {
    engine.migrate.mockImplementationOnce(async run => {
      await run.step('copy-rows', async () => {
        // As the Postgres engine does on failure: undo, and forget the run's checkpoints.
        await run.checkpoints.clear();
        throw new Error('invalid input syntax for type integer: "n/a"');
      });
    });
    const id = await queue();
    await runner.run(id);

    const migration = await details(id);
    expect(migration).toMatchObject({
      status: 'failed',
      failureReason: 'invalid input syntax for type integer: "n/a"',
    });
    expect(migration.steps.map(s => `${s.name}:${s.status}`)).toEqual([
      'plan:succeeded',
      'copy-rows:failed',
    ]);
    expect(await store.getSchemaVersion(EVENTS)).toBeUndefined();

    // Retried, the same migration runs as attempt 2.
    await store.requeueMigration(id, async () => {});
    await runner.run(id);
    const retried = await details(id);
    expect(retried).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(retried.steps.filter(s => s.attempt === 2).map(s => s.name)).toEqual(
      ['plan', 'copy-rows'],
    );
  });

  it('succeeds even when the catalog cannot be refreshed, and says so', async () => {
    catalog.refreshEntity.mockRejectedValueOnce(new Error('catalog down'));
    const id = await queue();
    await runner.run(id);

    expect(await details(id)).toMatchObject({ status: 'succeeded' });
    expect(await messages(id)).toContain(
      'warn:-:catalog refresh failed, the next processing round will pick it up: Error: catalog down',
    );
    expect(await store.getSchemaVersion(EVENTS)).toBe(2);
  });

  describe('interruptions', () => {
    /** Polls the run's cancellation check until it throws, and returns what it threw. */
    const nextInterruption = (run: DatasetMigrationRun) =>
      waitFor(
        () =>
          run.throwIfCancelled().then(
            () => undefined,
            (error: unknown) => error,
          ),
        {
          intervalMs: 20,
          what: 'the cancellation check to throw',
        },
      );

    /**
     * The next run's backfill step does `before`, then waits at the cancellation
     * check until it throws and rethrows it: `reached` once it waits, `seen()`
     * what it threw.
     */
    function blockInBackfill(
      before: (run: DatasetMigrationRun) => Promise<void> = async () => {},
    ) {
      let reached!: () => void;
      const reachedBackfill = new Promise<void>(resolve => {
        reached = resolve;
      });
      let seen: unknown;
      engine.migrate.mockImplementationOnce(async run => {
        await run.step('backfill', async () => {
          await before(run);
          reached();
          seen = await nextInterruption(run);
          throw seen;
        });
      });
      return { reached: reachedBackfill, seen: () => seen };
    }

    /** Another worker holds the run for a minute now. */
    const leaseToAnotherWorker = (id: string) =>
      knex('migrations')
        .where({ id })
        .update({
          lease_owner: 'other-worker',
          lease_expires_at: knex.raw(`now() + interval '1 minute'`),
        });

    async function leaseOf(id: string) {
      const { rows } = await knex.raw(
        `SELECT lease_owner AS owner, extract(epoch FROM lease_expires_at - now()) * 1000 AS "remainingMs"
           FROM migrations WHERE id = ?`,
        [id],
      );
      return {
        owner: rows[0].owner as string | null,
        remainingMs: Number(rows[0].remainingMs),
      };
    }

    const stepsOf = async (id: string) =>
      (await details(id)).steps.map(s => [
        s.name,
        s.attempt,
        s.status,
        s.rowsDone,
      ]);

    it('is interrupted, not failed, when the plugin database loses a connection in the middle of a step', async () => {
      const id = await queue();
      // What knex throws when the server ends the plugin database session a
      // step's bookkeeping runs on (a restart, pg_terminate_backend).
      const lost = new Error(
        'update "migration_steps" set "status" = $1 where "migration_id" = $2 - Connection terminated unexpectedly',
      );
      engine.migrate.mockImplementationOnce(async run => {
        await run.step('copy-rows', async () => {
          throw lost;
        });
      });
      await runner.run(id);
      expect((await details(id)).status).toBe('running');
      expect(await messages(id)).toContainEqual(
        'warn:-:interrupted: the plugin database is unavailable: update "migration_steps" set "status" = $1 where "migration_id" = $2 - Connection terminated unexpectedly; the run resumes from its checkpoints',
      );
      // A plain failure of the step still fails the run.
      engine.migrate.mockImplementationOnce(async () => {
        throw new Error('division by zero');
      });
      await knex('migrations').where({ id }).update({ lease_owner: null });
      await runner.run(id);
      expect(await details(id)).toMatchObject({
        status: 'failed',
        failureReason: 'division by zero',
      });
    });

    it('starts no second attempt of a run in the process that holds it, and stops the first once the run is claimed again', async () => {
      const id = await queue();
      const logger = mockServices.logger.mock();
      // Heartbeats every second; a lease long enough that only a takeover stops it.
      const worker = newRunner({ leaseMs: 3_000, logger });
      const blocked = blockInBackfill();
      const first = worker.run(id);
      await blocked.reached;
      const firstOwner = (await leaseOf(id)).owner;
      expect(firstOwner).toMatch(new RegExp(`^${worker.workerId}/`));

      // The run's job again (a sweep that saw no heartbeat), in the same process.
      await worker.run(id);
      expect(engine.migrate).toHaveBeenCalledTimes(1);
      expect((await details(id)).attempts).toBe(1);

      // Swept as a run whose lease ran out (its attempt stuck in a statement, say),
      // then claimed by the same process: the first attempt stops.
      await knex('migrations').where({ id }).update({ lease_owner: null });
      engine.migrate.mockImplementationOnce(async run => {
        await run.step('backfill', async () => {
          await first;
        });
      });
      const second = worker.run(id);
      await first;
      await second;
      expect(blocked.seen()).toBeInstanceOf(MigrationInterruptedError);
      expect((blocked.seen() as Error).message).toBe(LEASE_LOST);
      expect(engine.migrate).toHaveBeenCalledTimes(2);
      expect(await details(id)).toMatchObject({
        status: 'succeeded',
        attempts: 2,
      });
    });

    it('stops an attempt whose lease another worker took, and leaves the run to that worker', async () => {
      const id = await queue();
      const logger = mockServices.logger.mock();
      // Heartbeats every second; a lease long enough that only a takeover stops it.
      const worker = newRunner({ leaseMs: 3_000, logger });
      const blocked = blockInBackfill(async run => {
        await run.checkpoints.set('backfill', { rows: 1000 });
        // Another worker holds the run now (this one stalled past its lease, say).
        await leaseToAnotherWorker(id);
      });
      await worker.run(id);

      expect(blocked.seen()).toBeInstanceOf(MigrationInterruptedError);
      expect((blocked.seen() as Error).message).toBe(LEASE_LOST);
      // Not finished by this worker: still running, and still the other worker's.
      expect(await details(id)).toMatchObject({
        status: 'running',
        attempts: 1,
        finishedAt: undefined,
        failureReason: undefined,
      });
      const lease = await leaseOf(id);
      expect(lease.owner).toBe('other-worker');
      expect(lease.remainingMs).toBeGreaterThan(50_000);
      expect(await store.getCheckpoint(id, 'backfill')).toEqual({ rows: 1000 });
      // The run's log is the new owner's to write; this worker only says so in its own.
      expect(
        (await messages(id)).some(m => /interrupted|failed|cancelled/.test(m)),
      ).toBe(false);
      expect(logger.warn).toHaveBeenCalledWith(
        `Migration ${id}: ${LEASE_LOST}; stopping this attempt`,
      );
      expect(await store.getSchemaVersion(EVENTS)).toBeUndefined();
      expect(catalog.refreshEntity).not.toHaveBeenCalled();
    });

    it('stops an attempt whose renewals keep failing once a lease has passed, and leaves the run to be claimed again', async () => {
      const id = await queue();
      const logger = mockServices.logger.mock();
      // Heartbeats every 100 ms, none of which takes.
      const worker = newRunner({ leaseMs: 300, logger });
      const renewals = jest
        .spyOn(store, 'renewLease')
        .mockRejectedValue(new Error('Connection terminated unexpectedly'));
      try {
        const blocked = blockInBackfill();
        await worker.run(id);

        // Nobody took the run: this attempt stopped on its own clock, as the
        // database's lease (from the claim, never renewed) ran out.
        expect(blocked.seen()).toBeInstanceOf(MigrationInterruptedError);
        expect((blocked.seen() as Error).message).toBe(LEASE_RAN_OUT);
        expect(renewals).toHaveBeenCalled();
        expect(logger.warn).toHaveBeenCalledWith(
          `The lease on migration ${id}: could not be renewed: Error: Connection terminated unexpectedly`,
        );
        expect(logger.warn).toHaveBeenCalledWith(
          `Migration ${id}: ${LEASE_RAN_OUT}; stopping this attempt`,
        );
        expect(await details(id)).toMatchObject({
          status: 'running',
          attempts: 1,
          finishedAt: undefined,
        });
        // Nobody took it, so its own log says why it stands still.
        expect(await messages(id)).toContain(
          `warn:-:interrupted: ${LEASE_RAN_OUT}`,
        );
      } finally {
        renewals.mockRestore();
      }
      // Once the database's lease has run out too, the next claim resumes it.
      await waitFor(
        async () => (await leaseOf(id)).remainingMs < 0 || undefined,
        {
          what: "the run's lease to run out",
        },
      );
      await worker.run(id);
      expect(await details(id)).toMatchObject({
        status: 'succeeded',
        attempts: 2,
      });
    });

    it('resumes a run whose consumers could not be assessed for a lost connection', async () => {
      const interrupted = await queue();
      await newRunner({
        leaseMs: 3_000,
        undecidedConsumers: async () => {
          throw new MigrationInterruptedError(
            'Connection terminated unexpectedly',
          );
        },
      }).run(interrupted);
      expect(await details(interrupted)).toMatchObject({
        status: 'running',
        failureReason: undefined,
      });
      expect(await messages(interrupted)).toContain(
        'warn:-:interrupted: Connection terminated unexpectedly; the run resumes from its checkpoints',
      );
      expect(engine.migrate).not.toHaveBeenCalled();
    });

    it('fails a run whose consumers could not be assessed for any other reason', async () => {
      const failed = await queue();
      await newRunner({
        undecidedConsumers: async () => {
          throw new Error('the catalog said no');
        },
      }).run(failed);
      expect(await details(failed)).toMatchObject({
        status: 'failed',
        failureReason:
          'could not assess the consumers before the first stage: the catalog said no',
      });
    });

    it('cannot record an outcome once another worker holds the run, even without noticing', async () => {
      const id = await queue();
      const logger = mockServices.logger.mock();
      // A lease long enough that no heartbeat tells this worker it lost the run.
      const worker = newRunner({ leaseMs: 60_000, logger });
      engine.migrate.mockImplementationOnce(async () => {
        await leaseToAnotherWorker(id);
      });
      await worker.run(id);

      expect(await details(id)).toMatchObject({
        status: 'running',
        finishedAt: undefined,
      });
      expect((await leaseOf(id)).owner).toBe('other-worker');
      expect(await store.getSchemaVersion(EVENTS)).toBeUndefined();
      expect(catalog.refreshEntity).not.toHaveBeenCalled();
      expect(logger.warn).toHaveBeenCalledWith(
        `Migration ${id} was taken over by another worker; its outcome is that worker's to record`,
      );
    });

    it("stops at its next checkpoint write once another worker holds the run, leaving that worker's checkpoint", async () => {
      const id = await queue();
      const logger = mockServices.logger.mock();
      // A lease long enough that no heartbeat tells this worker it lost the run.
      const worker = newRunner({ leaseMs: 60_000, logger });
      const refused: unknown[] = [];
      const refusedWrite = (write: () => Promise<void>) =>
        write().then(
          () => {
            throw new Error('the write went through');
          },
          error => refused.push(error),
        );
      engine.migrate.mockImplementationOnce(async run => {
        await run.step('backfill', async () => {
          await run.checkpoints.set('backfill', { rows: 1000 });
          // This worker stalls; another takes the run and gets further.
          await leaseToAnotherWorker(id);
          await store.setCheckpoint(
            id,
            'backfill',
            { rows: 5000 },
            'other-worker',
          );
          // Waking up, this worker records where it thinks the run is.
          await refusedWrite(() => run.progress('backfill', 2000, 10_000));
          await refusedWrite(() => run.checkpoints.clear());
          await refusedWrite(() =>
            run.checkpoints.set('backfill', { rows: 2000 }),
          );
          throw refused.at(-1);
        });
      });
      await worker.run(id);

      expect(refused).toHaveLength(3);
      for (const error of refused) {
        expect(error).toBeInstanceOf(MigrationInterruptedError);
        expect((error as Error).message).toBe(LEASE_LOST);
      }
      expect(await store.getCheckpoint(id, 'backfill')).toEqual({ rows: 5000 });
      expect(await stepsOf(id)).toEqual([
        ['plan', 1, 'succeeded', undefined],
        ['backfill', 1, 'failed', undefined],
      ]);
      expect(await details(id)).toMatchObject({
        status: 'running',
        finishedAt: undefined,
      });
      const lease = await leaseOf(id);
      expect(lease.owner).toBe('other-worker');
      expect(lease.remainingMs).toBeGreaterThan(50_000);
      // Stopped as a worker that lost its run: nothing in the run's log, no lease cut.
      expect(
        (await messages(id)).some(m => /interrupted|failed|cancelled/.test(m)),
      ).toBe(false);
      expect(logger.warn).toHaveBeenCalledWith(
        `Migration ${id}: ${LEASE_LOST}; stopping this attempt`,
      );
    });

    it('does not pin a plan for a run another worker took while it was planning', async () => {
      const id = await queue();
      const logger = mockServices.logger.mock();
      const worker = newRunner({ leaseMs: 60_000, logger });
      engine.introspect.mockImplementationOnce(async () => {
        await leaseToAnotherWorker(id);
        return { fields: liveFields, rowEstimate: 3 };
      });
      await worker.run(id);

      expect(engine.migrate).not.toHaveBeenCalled();
      expect(await store.getCheckpoint(id, 'plan')).toBeUndefined();
      expect(await details(id)).toMatchObject({ status: 'running' });
      expect(logger.warn).toHaveBeenCalledWith(
        `Migration ${id}: ${LEASE_LOST}; stopping this attempt`,
      );
    });

    it('lets go of a run when stopped; another worker resumes it from the checkpoints', async () => {
      const id = await queue();
      const first = newRunner();
      const blocked = blockInBackfill(async run => {
        await run.checkpoints.set('backfill', { lastKey: ['500'], rows: 500 });
        await run.progress('backfill', 500, 1000);
      });
      const attempt = first.run(id);
      await blocked.reached;
      await first.stop();
      await attempt;

      expect(blocked.seen()).toBeInstanceOf(MigrationInterruptedError);
      expect((blocked.seen() as Error).message).toBe(
        'the backend is shutting down',
      );
      expect(await details(id)).toMatchObject({
        status: 'running',
        attempts: 1,
        finishedAt: undefined,
      });
      // The 60 s lease is cut to a couple of seconds, so a sweep hands the run on soon.
      const lease = await leaseOf(id);
      expect(lease.owner).toMatch(new RegExp(`^${first.workerId}/`));
      expect(lease.remainingMs).toBeGreaterThan(0);
      expect(lease.remainingMs).toBeLessThanOrEqual(2_000);
      expect((await messages(id)).at(-1)).toBe(
        'warn:-:interrupted: the backend is shutting down; the run resumes from its checkpoints',
      );
      expect(await stepsOf(id)).toEqual([
        ['plan', 1, 'succeeded', undefined],
        ['backfill', 1, 'failed', 500],
      ]);

      const second = newRunner();
      expect(second.workerId).not.toBe(first.workerId);
      let resumedFrom: unknown;
      engine.migrate.mockImplementationOnce(async run => {
        resumedFrom = await run.checkpoints.get('backfill');
        await run.step('backfill', async () =>
          run.progress('backfill', 1000, 1000),
        );
      });
      // While the shortened lease lives, the run is still the first worker's.
      await second.run(id);
      expect(engine.migrate).toHaveBeenCalledTimes(1);
      expect((await details(id)).attempts).toBe(1);

      await waitFor(
        async () =>
          (await store.requeueExpiredRuns(async () => {}, 60_000)).includes(id)
            ? true
            : undefined,
        {
          timeoutMs: 10_000,
          intervalMs: 200,
          what: 'the shortened lease to expire and be swept',
        },
      );
      await second.run(id);

      expect(engine.migrate).toHaveBeenCalledTimes(2);
      expect(resumedFrom).toEqual({ lastKey: ['500'], rows: 500 });
      expect(await details(id)).toMatchObject({
        status: 'succeeded',
        attempts: 2,
      });
      expect(await stepsOf(id)).toEqual([
        ['plan', 1, 'succeeded', undefined],
        ['backfill', 1, 'failed', 500],
        ['backfill', 2, 'succeeded', 1000],
      ]);
      expect(await messages(id)).toContainEqual(
        expect.stringMatching(
          new RegExp(`^info:-:attempt 2 started on ${second.workerId}/`),
        ),
      );
      expect(await store.getSchemaVersion(EVENTS)).toBe(2);
    });

    it('hands the cancel of a resumed run to the engine, which undoes what earlier attempts did', async () => {
      const id = await queue();
      // An earlier attempt got as far as creating the target, then its worker died.
      await store.claimMigration(id, {
        owner: 'dead-worker',
        durationMs: 60_000,
      });
      await pinPlan(store, id);
      await store.setCheckpoint(id, 'done:create-target', true);
      await knex('migrations')
        .where({ id })
        .update({ lease_expires_at: knex.raw(`now() - interval '1 second'`) });
      await store.requeueExpiredRuns(async () => {}, 60_000);
      await store.requestCancel(id);

      let undone = false;
      engine.migrate.mockImplementationOnce(async run => {
        try {
          await run.throwIfCancelled();
        } catch (error) {
          // As the Postgres engine does: drop the target and the trigger, forget the checkpoints.
          undone = true;
          await run.checkpoints.clear();
          throw error;
        }
      });
      await runner.run(id);

      expect(engine.migrate).toHaveBeenCalledTimes(1);
      expect(undone).toBe(true);
      expect(await details(id)).toMatchObject({
        status: 'cancelled',
        attempts: 2,
        failureReason: 'cancelled by request',
      });
      expect(
        await knex('migration_checkpoints')
          .where({ migration_id: id })
          .count({ n: '*' }),
      ).toEqual([{ n: '0' }]);
    });

    /**
     * What the lease sweep does once an interrupted attempt's shortened lease ran
     * out: the run is anyone's to claim, this process's next attempt's too.
     */
    const sweptAfterItsLease = (id: string) =>
      knex('migrations')
        .where({ id })
        .update({ lease_owner: null, lease_expires_at: null });

    it('goes on through more than ten interruptions while each attempt moves the run on, and gives up after ten in a row that do not', async () => {
      const id = await queue();
      let copied = 0;
      // Each attempt copies one more batch, checkpoints it, and loses its connection.
      engine.migrate.mockImplementation(async run => {
        // Where the engine hears that the run gives up.
        await run.throwIfCancelled();
        await run.step('backfill', async () => {
          copied = ((await run.checkpoints.get<number>('backfill')) ?? 0) + 1;
          if (copied <= 15) await run.checkpoints.set('backfill', copied);
          throw new MigrationInterruptedError(
            'the database is unavailable: Connection terminated unexpectedly',
          );
        });
      });
      for (let attempt = 1; attempt <= 25; attempt++) {
        await sweptAfterItsLease(id);
        await runner.run(id);
        expect(await details(id)).toMatchObject({
          status: 'running',
          attempts: attempt,
        });
      }
      // 15 attempts that each checkpointed, then 10 that did not.
      await sweptAfterItsLease(id);
      await runner.run(id);
      expect(await details(id)).toMatchObject({
        status: 'failed',
        attempts: 26,
        failureReason:
          'gave up after 10 interrupted attempts in a row that made no progress',
      });
    });

    it('gives up on a run that keeps being interrupted, through the engine so it undoes its work; a retry starts the count afresh', async () => {
      const id = await queue();
      let undone = false;
      engine.migrate.mockImplementation(async run => {
        try {
          await run.throwIfCancelled();
        } catch (error) {
          // As the Postgres engine does: undo, forget the checkpoints, rethrow.
          undone = true;
          await run.checkpoints.clear();
          throw error;
        }
        await run.step('backfill', async () => {
          throw new MigrationInterruptedError(
            'the database is unavailable: Connection terminated unexpectedly',
          );
        });
      });
      for (let attempt = 1; attempt <= 10; attempt++) {
        await sweptAfterItsLease(id);
        await runner.run(id);
        expect(await details(id)).toMatchObject({
          status: 'running',
          attempts: attempt,
        });
      }
      expect(undone).toBe(false);
      await sweptAfterItsLease(id);
      await runner.run(id);

      expect(engine.migrate).toHaveBeenCalledTimes(11);
      expect(undone).toBe(true);
      const migration = await details(id);
      expect(migration).toMatchObject({
        status: 'failed',
        attempts: 11,
        failureReason:
          'gave up after 10 interrupted attempts in a row that made no progress',
      });
      const log = await messages(id);
      expect(
        log.filter(m => m.includes('interrupted: the database is unavailable')),
      ).toHaveLength(10);
      expect(log.at(-1)).toBe(
        'error:-:failed: gave up after 10 interrupted attempts in a row that made no progress',
      );
      expect(await leaseOf(id)).toMatchObject({ owner: null });
      expect(await store.getSchemaVersion(EVENTS)).toBeUndefined();

      // A retry gets ten attempts of its own.
      engine.migrate.mockImplementation(async () => {});
      await store.requeueMigration(id, async () => {});
      await runner.run(id);
      expect(await details(id)).toMatchObject({
        status: 'succeeded',
        attempts: 12,
        retriedAtAttempt: 11,
      });
    });
  });

  it('neither records a version nor refreshes the entity for a dry run', async () => {
    const id = await queue({ dryRun: true });
    await runner.run(id);

    expect(engine.migrate.mock.calls[0][0].dryRun).toBe(true);
    expect(await details(id)).toMatchObject({
      status: 'succeeded',
      dryRun: true,
    });
    expect(await store.getSchemaVersion(EVENTS)).toBeUndefined();
    expect(catalog.refreshEntity).not.toHaveBeenCalled();
  });
});
