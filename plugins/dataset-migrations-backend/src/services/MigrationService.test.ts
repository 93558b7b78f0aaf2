import type { Knex } from 'knex';
import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  DatasetEngine,
  DatasetSchema,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import { createTestDatabases, waitFor } from '../__testUtils__/testDatabases';
import { dataset, pinPlan } from '../__testUtils__/fixtures';
import { ConsumerStore } from '../database/ConsumerStore';
import { RollbackSettlement } from '../consumers/RollbackSettlement';
import { DatabaseMigrationStore } from '../database/DatabaseMigrationStore';
import { EngineRegistry } from '../engines/EngineRegistry';
import { OperationRunner } from '../jobs/OperationRunner';
import type { OperationJob } from '../queue/JobQueue';
import { DatasetCatalog } from '../catalog/DatasetCatalog';
import { canonicalRelationName } from '../engines/postgres/relations';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { datasetMigrationStartPermission } from '@dataset-migrations/plugin-dataset-migrations-common';
import type {
  MigrationAnnouncer,
  MigrationChange,
} from '../announcements/MigrationAnnouncer';
import type { ApprovalRequirement } from '../config/readPluginConfig';
import { RequestGuard } from '../http/RequestGuard';
import { MigrationService } from './MigrationService';

const EVENTS = 'resource:default/events';

const events = dataset('events');

const schema: DatasetSchema = {
  fields: [
    { name: 'id', type: 'bigint', nullable: false, primaryKey: true },
    { name: 'user_id', type: 'text', nullable: false, primaryKey: false },
  ],
  rowEstimate: 3,
};

/** The service against the real store; the engine is a stub whose introspection a test can hold. */
describe('MigrationService', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let store: DatabaseMigrationStore;
  let consumers: ConsumerStore;
  let introspect: jest.MockedFunction<DatasetEngine['introspect']>;
  let enqueueMigration: jest.Mock;
  let enqueueConsumerDiscovery: jest.Mock;
  let service: MigrationService;
  const credentials = mockCredentials.user();

  beforeAll(async () => {
    knex = await init();
    store = await DatabaseMigrationStore.create({
      database: mockServices.database({ knex }),
    });
    consumers = new ConsumerStore(knex);
  });

  beforeEach(async () => {
    await knex('dataset_versions').delete();
    await knex('migrations').delete();
    introspect = jest.fn(async (_dataset: { table: string }) => schema);
    enqueueMigration = jest.fn(async () => {});
    enqueueConsumerDiscovery = jest.fn(async () => {});
    service = serviceWith({ retentionMs: 0 });
  });

  /**
   * The service over the real store, with a stub engine whose parts a test may
   * replace; its rollback and contract jobs run at once, as a fast worker would.
   */
  function serviceWith(options: {
    retentionMs: number;
    contract?: DatasetEngine['contract'];
    rollback?: DatasetEngine['rollback'];
    /** Where operation jobs wait for a worker that never comes, as on an API-only replica. */
    unworked?: OperationJob[];
    operationWaitMs?: number;
    /** Decides each permission; everyone may do everything unless set. */
    authorize?: (permissionName: string) => AuthorizeResult;
    approvalsRequired?: ApprovalRequirement[];
    announcer?: MigrationAnnouncer;
    /** The catalog's entities; `events` alone unless set. */
    entities?: Entity[];
    /** Refs only the plugin's own (service) credentials may read in a list. */
    hiddenFromUsers?: string[];
  }): MigrationService {
    const client = catalogServiceMock({
      entities: options.entities ?? [events],
    });
    const hidden = new Set(options.hiddenFromUsers ?? []);
    const list = client.getEntities.bind(client);
    jest
      .spyOn(client, 'getEntities')
      .mockImplementation(async (request, listOptions) => {
        const { items } = await list(request, listOptions);
        const byService =
          (listOptions as { credentials?: { principal?: { type?: string } } })
            ?.credentials?.principal?.type === 'service';
        return {
          items: items.filter(
            e => byService || !hidden.has(stringifyEntityRef(e)),
          ),
        };
      });
    const catalog = new DatasetCatalog(client, mockServices.auth());
    const engines = new EngineRegistry(
      new Map([
        [
          'warehouse',
          {
            // The Postgres engine's reading of table names, as a real engine resolves them.
            canonicalTable: canonicalRelationName,
            introspect,
            plan: jest.fn(async () => []),
            migrate: jest.fn(),
            rollback: options.rollback ?? jest.fn(),
            contract: options.contract ?? jest.fn(),
          },
        ],
      ]),
    );
    const operations = new OperationRunner({
      store,
      engines,
      catalog,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      workerId: 'test-worker',
      leaseMs: 60_000,
      settleRolledBack: (migration, override) =>
        new RollbackSettlement({
          consumers,
          scm: [],
          enqueueClose: async () => {},
          logger: mockServices.logger.mock(),
        }).settle(migration, override),
    });
    return new MigrationService({
      store,
      catalog,
      engines,
      queue: {
        enqueueMigration,
        enqueueConsumerDiscovery,
        enqueueOperation: async job => {
          if (options.unworked) options.unworked.push(job);
          else await operations.run(job);
        },
        enqueueOperationOnce: async () => {
          throw new Error('a person asks here, not the system');
        },
      },
      retentionMs: options.retentionMs,
      operationWaitMs: options.operationWaitMs,
      // These tests are about migrations themselves: everyone may do everything.
      permissions: new RequestGuard({
        permissions: options.authorize
          ? mockServices.permissions.mock({
              authorize: async requests =>
                requests.map(r => ({
                  result: options.authorize!(r.permission.name) as any,
                })),
            })
          : mockServices.permissions(),
        auditor: mockServices.auditor.mock(),
        toMigrationFilter: jest.fn(),
      }),
      approvalsRequired: options.approvalsRequired ?? [],
      announcer: options.announcer,
      consumers: {
        countOpenByDataset: refs => consumers.countOpenByDataset(refs),
        listMergedPatches: id => consumers.listMergedPatches(id),
        listMoving: id => consumers.listMoving(id),
      },
    });
  }

  const request = {
    entityRef: 'resource:events',
    targetVersion: 2,
    changes: [{ renameField: { from: 'user_id', to: 'listener_id' } }],
  };

  it('queues a migration with the normalised ref, the current version and the requester', async () => {
    const { migration, created } = await service.createMigration(
      request,
      credentials,
    );
    expect(created).toBe(true);
    expect(migration).toMatchObject({
      entityRef: EVENTS,
      fromVersion: 1,
      targetVersion: 2,
      status: 'queued',
      requestedBy: credentials.principal.userEntityRef,
    });
    expect(enqueueMigration).toHaveBeenCalledWith(
      expect.anything(),
      migration.id,
    );
    // Consumers are discovered in the same transaction that queues the migration.
    const [tx] = enqueueMigration.mock.calls[0];
    expect(enqueueConsumerDiscovery).toHaveBeenCalledWith(tx, migration.id);
  });

  it('refuses a different migration while the dataset is busy, naming the active one', async () => {
    const { migration } = await service.createMigration(request, credentials);
    await expect(
      service.createMigration({ ...request, targetVersion: 3 }, credentials),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: `dataset ${EVENTS} is busy with migration ${migration.id} (queued, to version 2)`,
    });
    expect(await knex('migrations').count({ n: '*' })).toEqual([{ n: '1' }]);
  });

  it('tells the loser of two retries of one run that it was already retried, not that the run is in its way', async () => {
    const { migration } = await service.createMigration(request, credentials);
    await service.cancelMigration(migration.id);
    // The other retry updates the run between this one's check and its update.
    const requeue = store.requeueMigration.bind(store);
    jest
      .spyOn(store, 'requeueMigration')
      .mockImplementationOnce(async (...args) => {
        await requeue(migration.id, async () => {});
        return requeue(...args);
      });
    await expect(
      service.retryMigration(migration.id, credentials),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: `migration ${migration.id} was already retried: it is queued; only failed or cancelled migrations can be retried`,
    });
  });

  it('answers a repeat with the first migration even when that one finished while the repeat was being checked', async () => {
    // The repeat's introspection is held until the first request's migration has
    // been queued, run and finished (as a fast worker would do).
    let release!: () => void;
    const held = new Promise<void>(resolve => {
      release = resolve;
    });
    introspect.mockImplementationOnce(async () => {
      await held;
      return schema;
    });
    const repeat = service.createMigration(request, credentials);
    // The repeat has looked for a twin (none yet) and now waits in introspection.
    await waitFor(
      async () => (introspect.mock.calls.length > 0 ? true : undefined),
      {
        timeoutMs: 5_000,
        intervalMs: 5,
        what: 'the repeat to reach introspection',
      },
    );

    const first = await service.createMigration(request, credentials);
    expect(first.created).toBe(true);
    await store.claimMigration(first.migration.id, {
      owner: 'test-worker',
      durationMs: 60_000,
    });
    await store.finishMigration(first.migration.id, { status: 'succeeded' });
    release();

    const answer = await repeat;
    expect(answer).toEqual({
      created: false,
      migration: expect.objectContaining({ id: first.migration.id }),
    });
    expect(await knex('migrations').pluck('id')).toEqual([first.migration.id]);
    expect(enqueueMigration).toHaveBeenCalledTimes(1);
  });

  describe('a table another entity names', () => {
    const PLAYS = 'resource:default/podcast-plays';
    /** Another team's entity naming `table` on the same engine. */
    const plays = (table: string): Entity => ({
      ...dataset('podcast-plays', {
        annotations: { 'dataset-migrations.io/table': table },
      }),
      spec: { type: 'dataset', owner: 'group:default/podcasts' },
    });
    const drop = {
      entityRef: PLAYS,
      targetVersion: 2,
      changes: [{ dropField: { name: 'user_id' } }],
    };

    it.each(['public.events', 'events'])(
      'refuses the plan and the migration with a 409 naming the other entity, whichever the caller can see, changing nothing and asking the engine nothing (%s)',
      async table => {
        const shared = serviceWith({
          retentionMs: 0,
          entities: [events, plays(table)],
          // The caller cannot list the table's owner; the plugin still sees it.
          hiddenFromUsers: [EVENTS],
        });
        const refusal = {
          name: 'ConflictError',
          message: `table public.events on engine warehouse is also named by ${EVENTS}; a table belongs to one dataset entity: fix the catalog`,
        };
        await expect(
          shared.planMigration(drop, credentials),
        ).rejects.toMatchObject(refusal);
        await expect(
          shared.createMigration(drop, credentials),
        ).rejects.toMatchObject(refusal);
        // The table's own entity is held too, until the catalog names it once.
        await expect(
          shared.createMigration(request, credentials),
        ).rejects.toMatchObject({
          name: 'ConflictError',
          message: `table public.events on engine warehouse is also named by ${PLAYS}; a table belongs to one dataset entity: fix the catalog`,
        });
        expect(await knex('migrations').count({ n: '*' })).toEqual([
          { n: '0' },
        ]);
        expect(introspect).not.toHaveBeenCalled();
        expect(enqueueMigration).not.toHaveBeenCalled();
      },
    );

    it('goes on as before when the other names resolve to other tables: another case is another table, a quoted name none', async () => {
      const apart = serviceWith({
        retentionMs: 0,
        entities: [
          events,
          plays('Public.Events'),
          {
            ...plays('"public"."events"'),
            metadata: {
              ...plays('"public"."events"').metadata,
              name: 'quoted',
            },
          },
        ],
      });
      await expect(
        apart.planMigration(request, credentials),
      ).resolves.toMatchObject({ plan: { table: 'public.events' } });
      const { created } = await apart.createMigration(request, credentials);
      expect(created).toBe(true);
      expect(enqueueMigration).toHaveBeenCalledTimes(1);
    });

    it('reads nothing of the table for the other entity: not its live schema, not samples of its values', async () => {
      const shared = serviceWith({
        retentionMs: 0,
        entities: [events, plays('public.events')],
      });
      const refusal = {
        name: 'ConflictError',
        message: `table public.events on engine warehouse is also named by ${EVENTS}; a table belongs to one dataset entity: fix the catalog`,
      };
      await expect(
        shared.getDataset(PLAYS, credentials, { type: 'all' }),
      ).rejects.toMatchObject(refusal);
      await expect(
        shared.inferSpec(
          {
            entityRef: PLAYS,
            fields: [{ name: 'user_id', type: 'text' }],
          },
          credentials,
        ),
      ).rejects.toMatchObject(refusal);
      expect(introspect).not.toHaveBeenCalled();
    });

    it('refuses a rename to a table another entity names', async () => {
      const taken = serviceWith({
        retentionMs: 0,
        entities: [events, dataset('archive')],
      });
      await expect(
        taken.createMigration(
          { ...request, renameDataset: { to: 'archive' } },
          credentials,
        ),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message:
          'renameDataset.to: table public.archive on engine warehouse is named by resource:default/archive; a table belongs to one dataset entity: fix the catalog',
      });
      expect(await knex('migrations').count({ n: '*' })).toEqual([{ n: '0' }]);
    });
  });

  it('keeps the previous version through the retention period before contracting it', async () => {
    const contract = jest.fn(async () => {});
    const keeping = serviceWith({ retentionMs: 3600_000, contract });
    const { migration } = await keeping.createMigration(request, credentials);
    await store.claimMigration(migration.id, {
      owner: 'test-worker',
      durationMs: 60_000,
    });
    await pinPlan(store, migration.id);
    await store.finishMigration(migration.id, { status: 'succeeded' });

    await expect(
      keeping.contractMigration(migration.id, {}, credentials),
    ).rejects.toThrow(
      /^version 1 is kept until \d{4}-\d\d-\d\dT[\d:.]+Z; contract it after that$/,
    );
    expect(contract).not.toHaveBeenCalled();
    // The run says so before anyone asks: the same moment, on its gates.
    const gated = await keeping.getMigration(migration.id);
    const refusal = await keeping
      .contractMigration(migration.id, {}, credentials)
      .catch(e => (e as Error).message);
    expect(refusal).toContain(gated.gates!.keptUntil);
    expect(Date.parse(gated.gates!.keptUntil)).toBe(
      Date.parse(gated.finishedAt!) + 3600_000,
    );

    // An hour later it may go.
    await knex('migrations')
      .where({ id: migration.id })
      .update({ finished_at: knex.raw(`now() - interval '61 minutes'`) });
    const { migration: contracted } = await keeping.contractMigration(
      migration.id,
      {},
      credentials,
    );
    expect(contract).toHaveBeenCalledTimes(1);
    expect(contracted.contractedAt).toBeDefined();
    // Nothing is left to judge once contracted.
    expect((await keeping.getMigration(migration.id)).gates).toBeUndefined();
  });

  it('answers a contract with its outcome though a read of it failed: the job is queued, and a lost read says nothing of it', async () => {
    const contract = jest.fn(async () => {});
    const contracting = serviceWith({ retentionMs: 0, contract });
    const { migration } = await contracting.createMigration(
      request,
      credentials,
    );
    await store.claimMigration(migration.id, {
      owner: 'test-worker',
      durationMs: 60_000,
    });
    await pinPlan(store, migration.id);
    await store.finishMigration(migration.id, { status: 'succeeded' });
    const read = store.getCheckpoint.bind(store);
    let lost = 0;
    const spy = jest
      .spyOn(store, 'getCheckpoint')
      .mockImplementation(async (id: string, name: string) => {
        // The request's first look at its outcome meets a terminated session.
        if (name.startsWith('operation:') && lost++ === 0)
          throw new Error('Connection terminated unexpectedly');
        return read(id, name);
      });
    try {
      const { migration: contracted } = await contracting.contractMigration(
        migration.id,
        {},
        credentials,
      );
      expect(lost).toBeGreaterThan(1);
      expect(contract).toHaveBeenCalledTimes(1);
      expect(contracted.contractedAt).toBeDefined();
    } finally {
      spy.mockRestore();
    }
  });

  /** Runs a queued migration to its end as a worker would, with a stub engine. */
  async function finish(id: string, status: 'succeeded' | 'failed') {
    await store.claimMigration(id, {
      owner: 'test-worker',
      durationMs: 60_000,
    });
    await store.finishMigration(id, { status });
  }

  /** Puts consumers of a migration in the ledger, in the given states. */
  async function ledger(
    migrationId: string,
    states: Record<
      string,
      'unaffected' | 'pr-opened' | 'done' | 'failed' | 'needs-decision'
    >,
  ) {
    const refs = Object.keys(states).map(n => `component:default/${n}`);
    await consumers.addDiscovered(
      migrationId,
      refs.map(entityRef => ({ entityRef, depth: 1 })),
    );
    for (const [name, state] of Object.entries(states)) {
      await consumers.advance(
        migrationId,
        `component:default/${name}`,
        ['discovered', 'pr-opened'],
        state === 'needs-decision'
          ? {
              state: 'failed',
              failure: { kind: 'needs-decision', message: 'reads country' },
            }
          : {
              state,
              ...(state === 'failed'
                ? { failure: { kind: 'no-repository', message: 'none' } }
                : {}),
            },
      );
    }
  }

  it('waits for the contract of an earlier migration that renamed, dropped or retyped a field: until then the name serves its previous version, whose readers the next cut-over would break', async () => {
    const { migration: first } = await service.createMigration(
      {
        entityRef: 'resource:events',
        targetVersion: 2,
        changes: [
          { renameField: { from: 'user_id', to: 'listener_id' } },
          { addField: { name: 'region', type: 'text' } },
        ],
      },
      credentials,
    );
    await finish(first.id, 'succeeded');
    // No consumer known, none moving: readers nobody discovered may still read
    // user_id through the name.
    const next = {
      entityRef: 'resource:events',
      targetVersion: 3,
      changes: [{ addField: { name: 'source', type: 'text' } }],
    };
    await expect(
      service.createMigration(next, credentials),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: `dataset resource:default/events waits for its migration to version 2 (${first.id}) to be contracted: until then its name serves version 1 (user_id, renamed listener_id) to readers nobody may have discovered, which the next cut-over would stop serving. Contract that migration first (its gate looks for such readers), or roll it back`,
    });
    expect(enqueueMigration).toHaveBeenCalledTimes(1);
    // A dry run changes nothing, so it need not wait.
    const { migration: dry, created } = await service.createMigration(
      { ...next, dryRun: true },
      credentials,
    );
    expect(created).toBe(true);
    await finish(dry.id, 'succeeded');
    // Contracted: the name serves only version 2, which the next one builds on.
    expect(await store.markContracted(first.id)).toBe(true);
    await expect(
      service.createMigration(next, credentials),
    ).resolves.toMatchObject({ created: true });
  });

  it('waits for the contract of an earlier migration that moved the dataset: its old name is served until then', async () => {
    const { migration: moved } = await service.createMigration(
      {
        entityRef: 'resource:events',
        targetVersion: 2,
        changes: [],
        renameDataset: { to: 'public.events_moved' },
      },
      credentials,
    );
    await finish(moved.id, 'succeeded');
    await expect(
      service.createMigration(
        {
          entityRef: 'resource:events',
          targetVersion: 3,
          changes: [{ addField: { name: 'source', type: 'text' } }],
        },
        credentials,
      ),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(
        `(${moved.id}) to be contracted: until then its name serves version 1 (its name public.events, moved to public.events_moved)`,
      ),
    });
  });

  it('counts consumers per state over every open migration, after a cancel and a retry', async () => {
    const counts = async () => {
      const details = await service.getDataset(EVENTS, credentials, {
        type: 'all',
      });
      const { consumerCounts, consumersOnPreviousVersion, consumersUndecided } =
        details;
      return { consumerCounts, consumersOnPreviousVersion, consumersUndecided };
    };
    expect(await counts()).toEqual({
      consumerCounts: undefined,
      consumersOnPreviousVersion: undefined,
      consumersUndecided: undefined,
    });

    // Only a field added: a later migration need not wait for its contract.
    const { migration: first } = await service.createMigration(
      {
        entityRef: 'resource:events',
        targetVersion: 2,
        changes: [{ addField: { name: 'region', type: 'text' } }],
      },
      credentials,
    );
    await ledger(first.id, { report: 'pr-opened', bystander: 'unaffected' });
    // Not live yet: a queued migration's consumers do not count.
    expect((await counts()).consumerCounts).toBeUndefined();
    await finish(first.id, 'succeeded');
    expect(await counts()).toEqual({
      consumerCounts: expect.objectContaining({
        'pr-opened': 1,
        unaffected: 1,
        done: 0,
      }),
      consumersOnPreviousVersion: 1,
      consumersUndecided: 0,
    });

    // The next migration waits for report, then starts once it is done.
    const next = {
      entityRef: 'resource:events',
      targetVersion: 3,
      changes: [{ addField: { name: 'source', type: 'text' } }],
    };
    await expect(
      service.createMigration(next, credentials),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(
        'waits for its migration to version 2, which is not contracted: 1 consumer is still moving to it: component:default/report (pull request open)',
      ),
    });
    // Invalid as well as waiting: refused for what is wrong with it first, as
    // when the checks ran one after the other (they now run at once).
    await expect(
      service.createMigration(
        { ...next, changes: [{ dropField: { name: 'nowhere' } }] },
        credentials,
      ),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringContaining('nowhere'),
    });
    expect(enqueueMigration).toHaveBeenCalledTimes(1);
    await consumers.advance(
      first.id,
      'component:default/report',
      ['pr-opened'],
      {
        state: 'done',
      },
    );
    const { migration: second } = await service.createMigration(
      next,
      credentials,
    );
    await ledger(second.id, {
      report: 'unaffected',
      late: 'failed',
      churn: 'needs-decision',
    });

    // Cancelled: its consumers do not count.
    await service.cancelMigration(second.id);
    expect(await counts()).toEqual({
      consumerCounts: expect.objectContaining({
        done: 1,
        unaffected: 1,
        failed: 0,
      }),
      consumersOnPreviousVersion: 0,
      consumersUndecided: 0,
    });

    // Retried and succeeded: both open migrations count, each consumer once per migration.
    await service.retryMigration(second.id, credentials);
    await finish(second.id, 'succeeded');
    expect(await counts()).toEqual({
      consumerCounts: expect.objectContaining({
        done: 1,
        unaffected: 2,
        // One broke; one waits for a person's decision, counted apart too.
        failed: 2,
        'pr-opened': 0,
      }),
      consumersOnPreviousVersion: 2,
      consumersUndecided: 1,
    });

    // Contracted: the first no longer counts.
    await knex('migrations')
      .where({ id: first.id })
      .update({ contracted_at: knex.fn.now() });
    expect((await counts()).consumerCounts).toEqual(
      expect.objectContaining({ done: 0, unaffected: 1, failed: 2 }),
    );
  });

  it('refuses a rollback over merged patches before the engine is called, unless a person overrides it with a reason', async () => {
    const rollback = jest.fn(async () => {});
    const { migration } = await service.createMigration(request, credentials);
    await pinPlan(store, migration.id);
    await finish(migration.id, 'succeeded');
    await ledger(migration.id, { report: 'pr-opened', dbt: 'pr-opened' });
    for (const name of ['report', 'dbt'])
      await consumers.advance(
        migration.id,
        `component:default/${name}`,
        ['pr-opened'],
        { state: name === 'report' ? 'merged' : 'done', patch: '+x' },
      );
    const rolling = serviceWith({ retentionMs: 0, rollback });

    await expect(
      rolling.rollbackMigration(migration.id, credentials),
    ).rejects.toMatchObject({
      name: 'ConflictError',
      message: expect.stringContaining(
        'rollback refused: 2 consumers have merged a patch that reads version 2 and would break on version 1: component:default/dbt, component:default/report;',
      ),
    });
    await expect(
      rolling.rollbackMigration(migration.id, credentials, {
        override: { reason: '' },
      }),
    ).rejects.toMatchObject({
      name: 'InputError',
      message: expect.stringMatching(/override\.reason: must say why/),
    });
    await expect(
      rolling.rollbackMigration(migration.id, credentials, {
        override: {},
      }),
    ).rejects.toMatchObject({ name: 'InputError' });
    expect(rollback).not.toHaveBeenCalled();

    const { migration: done } = await rolling.rollbackMigration(
      migration.id,
      credentials,
      {
        override: { reason: 'v2 loses invoices' },
      },
    );
    expect(rollback).toHaveBeenCalledTimes(1);
    expect(done.rollbackOverride).toEqual({
      reason: 'v2 loses invoices',
      by: credentials.principal.userEntityRef,
      at: expect.any(String),
    });
    const settled = await consumers.list(migration.id);
    expect(settled.map(c => c.state)).toEqual(['superseded', 'superseded']);
    expect(settled[0].supersededReason).toMatch(
      /override \("v2 loses invoices"\)\. Its merged patch reads version 2: revert it/,
    );
  });

  it("tells the engine's words on a refused rollback, which may quote a value, only to who may see the dataset's rows", async () => {
    const words =
      'rollback would lose 1 writes that could not be carried back to version 1 (e.g. id=7: value too long for type character varying(4): "4111-1111")';
    const rollback = jest.fn(async () => {
      throw new Error(words);
    });
    const { migration } = await service.createMigration(request, credentials);
    await pinPlan(store, migration.id);
    await finish(migration.id, 'succeeded');
    const refusalAs = async (denied: string[]) =>
      serviceWith({
        retentionMs: 0,
        rollback,
        authorize: name =>
          denied.includes(name) ? AuthorizeResult.DENY : AuthorizeResult.ALLOW,
      })
        .rollbackMigration(migration.id, credentials)
        .then(
          () => 'rolled back',
          (error: Error) => `${error.name}: ${error.message}`,
        );

    const startOrApprove = [
      'dataset-migrations.migration.start',
      'dataset-migrations.migration.approve',
    ];
    expect(await refusalAs([startOrApprove[0]])).toBe(
      `ConflictError: rollback refused: ${words}`,
    );
    expect(await refusalAs(startOrApprove)).toBe(
      "ConflictError: rollback refused; why is withheld: the rows are the dataset's data, shown only to who may start or approve a migration of it",
    );
    expect(rollback).toHaveBeenCalledTimes(2);
  });

  it('answers with the migration as it stands once its bounded wait is over and no worker took the rollback', async () => {
    const rollback = jest.fn(async () => {});
    const unworked: OperationJob[] = [];
    const waiting = serviceWith({
      retentionMs: 0,
      rollback,
      unworked,
      operationWaitMs: 300,
    });
    const { migration } = await service.createMigration(request, credentials);
    await pinPlan(store, migration.id);
    await finish(migration.id, 'succeeded');

    const started = Date.now();
    const answer = await waiting.rollbackMigration(migration.id, credentials);
    expect(Date.now() - started).toBeLessThan(5_000);
    // The router answers 202 for an unfinished operation.
    expect(answer.finished).toBe(false);
    expect(answer.migration).toMatchObject({
      id: migration.id,
      status: 'succeeded',
    });
    expect(unworked).toEqual([
      {
        migrationId: migration.id,
        operation: 'rollback',
        requestId: expect.any(String),
        // Who asked, so the outcome's notification leaves them out.
        actor: 'user:default/mock',
      },
    ]);
    expect(rollback).not.toHaveBeenCalled();
  });
  describe('approvals', () => {
    const approver = mockCredentials.user('user:default/approver');

    it('with no approval configured, queues at once for a requester who may start, and refuses one who may not', async () => {
      const { migration } = await service.createMigration(request, credentials);
      expect(migration.status).toBe('queued');
      expect(migration.approval).toBeUndefined();
      expect(enqueueMigration).toHaveBeenCalledTimes(1);

      await knex('migrations').delete();
      const denyStart = serviceWith({
        retentionMs: 0,
        authorize: name =>
          name === datasetMigrationStartPermission.name
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      });
      introspect.mockClear();
      await expect(
        denyStart.createMigration(request, credentials),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.stringContaining(datasetMigrationStartPermission.name),
      });
      // Refused before the engine was asked anything, and refused as such even
      // when the request is invalid too: no validation error names the live
      // schema's fields to someone who may not start the migration.
      await expect(
        denyStart.createMigration(
          { ...request, changes: [{ dropField: { name: 'nowhere' } }] },
          credentials,
        ),
      ).rejects.toMatchObject({
        name: 'NotAllowedError',
        message: expect.not.stringContaining('nowhere'),
      });
      expect(introspect).not.toHaveBeenCalled();
      expect(await knex('migrations').count({ n: '*' })).toEqual([{ n: '0' }]);
      expect(enqueueMigration).toHaveBeenCalledTimes(1);

      // Where an approval carries such a request, it is planned and waits for one.
      const approvalCarries = serviceWith({
        retentionMs: 0,
        approvalsRequired: ['requester-may-not-start'],
        authorize: name =>
          name === datasetMigrationStartPermission.name
            ? AuthorizeResult.DENY
            : AuthorizeResult.ALLOW,
      });
      const { migration: waiting } = await approvalCarries.createMigration(
        request,
        credentials,
      );
      expect(waiting.status).toBe('awaiting-approval');
      expect(introspect).toHaveBeenCalled();
    });

    it('announces a cancel once: a repeated cancel changes nothing and tells nobody', async () => {
      const heard: MigrationChange[] = [];
      const announcing = serviceWith({
        retentionMs: 0,
        announcer: {
          migrationChanged: async change => {
            heard.push(change);
          },
          consumerChanged: async () => {},
        },
      });
      const { migration } = await announcing.createMigration(
        request,
        credentials,
      );
      // Queued with no approval: a change to show, with nothing to tell.
      expect(heard).toEqual([
        { migrationId: migration.id, migration: expect.anything() },
      ]);
      heard.length = 0;
      await announcing.cancelMigration(migration.id, 'user:default/mock');
      const again = await announcing.cancelMigration(
        migration.id,
        'user:default/mock',
      );
      expect(again.status).toBe('cancelled');
      expect(heard).toEqual([
        expect.objectContaining({
          migrationId: migration.id,
          outcome: 'cancelled',
        }),
      ]);

      // Two cancels at once, each having read the run queued: one tells.
      const { migration: next } = await announcing.createMigration(
        request,
        credentials,
      );
      heard.length = 0;
      const read = await announcing.getMigration(next.id);
      await Promise.all([
        announcing.cancelMigration(next.id, 'user:default/mock', read),
        announcing.cancelMigration(next.id, 'user:default/mock', read),
      ]);
      expect(heard.filter(h => h.outcome === 'cancelled')).toHaveLength(1);
    });

    it("holds a retried run to today's approval rules, though it needed none when requested", async () => {
      // Requested under a config without approvals, then cancelled.
      const { migration } = await service.createMigration(request, credentials);
      expect(migration.status).toBe('queued');
      await service.cancelMigration(migration.id);
      enqueueMigration.mockClear();

      // Approvals are now required: a retry waits for one and queues nothing.
      const always = serviceWith({
        retentionMs: 0,
        approvalsRequired: ['always'],
      });
      const retried = await always.retryMigration(migration.id, credentials);
      expect(retried.status).toBe('awaiting-approval');
      expect(retried.approval).toEqual({
        reasons: [expect.any(String)],
        requestDigest: expect.stringMatching(/^[0-9a-f]{64}$/),
      });
      expect(enqueueMigration).not.toHaveBeenCalled();
    });

    it('holds a run awaiting approval from every worker path; a cancel ends it at once and a retry awaits approval again', async () => {
      const always = serviceWith({
        retentionMs: 0,
        approvalsRequired: ['always'],
      });
      const { migration } = await always.createMigration(request, credentials);
      expect(migration.status).toBe('awaiting-approval');
      expect(migration.approval!.reasons).toEqual([
        'every migration needs an approval here',
      ]);
      expect(enqueueMigration).not.toHaveBeenCalled();
      // Its consumers are assessed (read-only) so the approver sees the impact.
      expect(enqueueConsumerDiscovery).toHaveBeenCalledWith(
        expect.anything(),
        migration.id,
      );
      // A job left over for it takes nothing; nor do the sweeper and decisions.
      const lease = { owner: 'test-worker', durationMs: 60_000 };
      expect(await store.claimMigration(migration.id, lease)).toBeUndefined();
      expect(
        await store.requeueStrandedRuns(
          async () => {},
          async () => new Set(),
          0,
        ),
      ).toEqual([]);
      expect(
        await store.resumeAfterDecisions(migration.id, async () => {}),
      ).toBe(false);

      const cancelled = await always.cancelMigration(migration.id);
      expect(cancelled).toMatchObject({
        status: 'cancelled',
        finishedAt: expect.any(String),
      });

      const retried = await always.retryMigration(migration.id, credentials);
      expect(retried.status).toBe('awaiting-approval');
      expect(retried.approval).toEqual(migration.approval);
      expect(enqueueMigration).not.toHaveBeenCalled();
    });

    it('announces, once committed, a run awaiting approval and each decision with its actor and comment; a refused decision announces nothing', async () => {
      // What the announcer saw, with the run's status in the database at that moment.
      const heard: Array<MigrationChange & { stored: string }> = [];
      const announcer: MigrationAnnouncer = {
        migrationChanged: async change => {
          const row = await knex('migrations')
            .where({ id: change.migrationId })
            .first('status');
          heard.push({ ...change, stored: row.status });
        },
        consumerChanged: async () => {},
      };
      const always = serviceWith({
        retentionMs: 0,
        approvalsRequired: ['always'],
        announcer,
      });
      const { migration } = await always.createMigration(request, credentials);
      await expect(
        always.approveMigration(
          migration.id,
          { requestDigest: 'not-the-digest' },
          approver,
        ),
      ).rejects.toMatchObject({ name: 'ConflictError' });
      await always.rejectMigration(
        migration.id,
        { comment: 'not this quarter' },
        approver,
      );

      expect(heard).toEqual([
        {
          migrationId: migration.id,
          outcome: 'awaiting-approval',
          actor: credentials.principal.userEntityRef,
          reason: 'every migration needs an approval here',
          stored: 'awaiting-approval',
        },
        {
          migrationId: migration.id,
          outcome: 'rejected',
          actor: approver.principal.userEntityRef,
          reason: 'not this quarter',
          stored: 'rejected',
        },
      ]);
    });

    it('keeps the approval of a retried run whose request and plan are unchanged, and asks again when they changed', async () => {
      const always = serviceWith({
        retentionMs: 0,
        approvalsRequired: ['always'],
      });
      const { migration } = await always.createMigration(request, credentials);
      const approved = await always.approveMigration(
        migration.id,
        { requestDigest: migration.approval!.requestDigest },
        approver,
      );
      expect(approved.status).toBe('queued');
      expect(enqueueMigration).toHaveBeenCalledTimes(1);

      const lease = { owner: 'test-worker', durationMs: 60_000 };
      await store.claimMigration(migration.id, lease);
      await store.finishMigration(
        migration.id,
        { status: 'failed', reason: 'boom' },
        lease.owner,
      );
      const retried = await always.retryMigration(migration.id, credentials);
      expect(retried.status).toBe('queued');
      expect(retried.approval!.decision).toMatchObject({
        outcome: 'approved',
        by: approver.principal.userEntityRef,
      });
      expect(enqueueMigration).toHaveBeenCalledTimes(2);

      // The plan it would run is no longer the one approved: a new approval is needed.
      await store.claimMigration(migration.id, lease);
      await store.finishMigration(
        migration.id,
        { status: 'failed', reason: 'boom' },
        lease.owner,
      );
      await knex('migrations')
        .where({ id: migration.id })
        .update({
          plan: knex.raw(`jsonb_set(plan, '{table}', '"public.other"')`),
        });
      const again = await always.retryMigration(migration.id, credentials);
      expect(again.status).toBe('awaiting-approval');
      expect(again.approval!.decision).toBeUndefined();
      expect(again.approval!.requestDigest).not.toBe(
        migration.approval!.requestDigest,
      );
      expect(enqueueMigration).toHaveBeenCalledTimes(2);
      await expect(
        always.approveMigration(
          migration.id,
          { requestDigest: migration.approval!.requestDigest },
          approver,
        ),
      ).rejects.toMatchObject({
        name: 'ConflictError',
        message: expect.stringContaining(
          'the request changed since you reviewed it',
        ),
      });
    });
  });
});
