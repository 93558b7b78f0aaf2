import type { Knex } from 'knex';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  DatasetEngine,
  DatasetSchema,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import { createTestDatabases, waitFor } from '../__testUtils__/testDatabases';
import { dataset } from '../__testUtils__/fixtures';
import { DatabaseMigrationStore } from '../database/DatabaseMigrationStore';
import { EngineRegistry } from '../engines/EngineRegistry';
import type { JobQueue } from '../jobs/JobQueue';
import { DatasetCatalog } from './DatasetCatalog';
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
  });

  beforeEach(async () => {
    await knex('dataset_versions').delete();
    await knex('migrations').delete();
    introspect = jest.fn(async (_dataset: { table: string }) => schema);
    enqueueMigration = jest.fn(async () => {});
    enqueueConsumerDiscovery = jest.fn(async () => {});
    service = serviceWith({ retentionMs: 0 });
  });

  /** The service over the real store, with a stub engine whose parts a test may replace. */
  function serviceWith(options: {
    retentionMs: number;
    contract?: DatasetEngine['contract'];
  }): MigrationService {
    return new MigrationService({
      store,
      catalog: new DatasetCatalog(catalogServiceMock({ entities: [events] })),
      engines: new EngineRegistry(
        new Map([
          [
            'warehouse',
            {
              introspect,
              plan: jest.fn(async () => []),
              migrate: jest.fn(),
              rollback: jest.fn(),
              contract: options.contract ?? jest.fn(),
            },
          ],
        ]),
      ),
      queue: {
        enqueueMigration,
        enqueueConsumerDiscovery,
      } as unknown as JobQueue,
      retentionMs: options.retentionMs,
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

  it('keeps the previous version through the retention period before contracting it', async () => {
    const contract = jest.fn(async () => {});
    const keeping = serviceWith({ retentionMs: 3600_000, contract });
    const { migration } = await keeping.createMigration(request, credentials);
    await store.claimMigration(migration.id, {
      owner: 'test-worker',
      durationMs: 60_000,
    });
    await store.setCheckpoint(migration.id, 'plan', {
      engine: 'warehouse',
      table: 'public.events',
      targetFields: [],
    });
    await store.finishMigration(migration.id, { status: 'succeeded' });

    await expect(
      keeping.contractMigration(migration.id, {}, credentials),
    ).rejects.toThrow(
      /^version 1 is kept until \d{4}-\d\d-\d\dT[\d:.]+Z; contract it after that$/,
    );
    expect(contract).not.toHaveBeenCalled();

    // An hour later it may go.
    await knex('migrations')
      .where({ id: migration.id })
      .update({ finished_at: knex.raw(`now() - interval '61 minutes'`) });
    const contracted = await keeping.contractMigration(
      migration.id,
      {},
      credentials,
    );
    expect(contract).toHaveBeenCalledTimes(1);
    expect(contracted.contractedAt).toBeDefined();
  });
});
