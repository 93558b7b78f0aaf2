import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { FieldChange } from '@dataset-migrations/plugin-dataset-migrations-common';
import type {
  DatasetEngine,
  DatasetMigrationRun,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { dataset } from '../__testUtils__/fixtures';
import { DatabaseMigrationStore } from '../database/DatabaseMigrationStore';
import { EngineRegistry } from '../engines/EngineRegistry';
import { DatasetCatalog } from '../service/DatasetCatalog';
import { MigrationRunner } from './MigrationRunner';

const EVENTS = 'resource:default/events';
const events = dataset('events');
const liveFields = [
  { name: 'id', type: 'bigint', nullable: false, primaryKey: true },
  { name: 'user_id', type: 'text', nullable: false, primaryKey: false },
];
const rename: FieldChange[] = [{ renameField: { from: 'user_id', to: 'listener_id' } }];

describe('MigrationRunner', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let store: DatabaseMigrationStore;
  let engine: jest.Mocked<Required<Pick<DatasetEngine, 'introspect' | 'migrate'>>>;
  let catalog: ReturnType<typeof catalogServiceMock.mock>;
  let runner: MigrationRunner;

  beforeAll(async () => {
    knex = await init();
    store = await DatabaseMigrationStore.create({ database: mockServices.database({ knex }) });
  });

  beforeEach(async () => {
    await knex('dataset_versions').delete();
    await knex('migrations').delete();
    engine = {
      introspect: jest.fn(async (_dataset: { table: string }) => ({ fields: liveFields, rowEstimate: 3 })),
      // Like a real engine: runs its steps and logs through the run.
      migrate: jest.fn(async (run: DatasetMigrationRun) => {
        await run.step('copy-rows', async () => run.log('copied 3 rows'));
        await run.throwIfCancelled();
      }),
    };
    catalog = catalogServiceMock.mock({
      getEntityByRef: jest.fn(async () => events),
      refreshEntity: jest.fn(async () => {}),
    });
    runner = new MigrationRunner({
      store,
      engines: new EngineRegistry(new Map([['warehouse', engine]])),
      catalog: new DatasetCatalog(catalog),
      auth: mockServices.auth(),
      leaseMs: 60_000,
      logger: mockServices.logger.mock(),
    });
  });

  async function queue(options: { fromVersion?: number; targetVersion?: number; dryRun?: boolean; changes?: FieldChange[] } = {}) {
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
  const messages = async (id: string) => (await details(id)).logs.map(l => `${l.level}:${l.step ?? '-'}:${l.message}`);

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
    expect(migration.steps.map(s => `${s.name}:${s.status}`)).toEqual(['plan:succeeded', 'copy-rows:succeeded']);
    expect(await messages(id)).toEqual([
      expect.stringMatching(/^info:-:attempt 1 started on \S+$/),
      'info:plan:warehouse:public.events v1 → v2, ~3 rows',
      'info:copy-rows:copied 3 rows',
      'info:-:dataset is at schema version 2',
    ]);
    expect(await store.getSchemaVersion(EVENTS)).toBe(2);
    expect(catalog.refreshEntity).toHaveBeenCalledWith(EVENTS, expect.anything());
  });

  it('does nothing for a migration that is no longer runnable', async () => {
    const id = await queue();
    await store.requestCancel(id);
    await runner.run(id);
    await runner.run(randomUUID());

    expect(engine.introspect).not.toHaveBeenCalled();
    expect(engine.migrate).not.toHaveBeenCalled();
    expect(await details(id)).toMatchObject({ status: 'cancelled', attempts: 0, steps: [], logs: [] });
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
    expect((await details(stale)).steps.map(s => `${s.name}:${s.status}`)).toEqual(['plan:failed']);
    expect(await store.getSchemaVersion(EVENTS)).toBe(2);
  });

  it('fails when the live schema no longer fits the changes', async () => {
    engine.introspect.mockResolvedValueOnce({ fields: [liveFields[0]], rowEstimate: 3 });
    const id = await queue();
    await runner.run(id);

    expect(engine.migrate).not.toHaveBeenCalled();
    const migration = await details(id);
    expect(migration).toMatchObject({
      status: 'failed',
      failureReason: 'changes[0] (renameField): unknown field "user_id"',
    });
    expect((await messages(id)).at(-1)).toBe('error:-:failed: changes[0] (renameField): unknown field "user_id"');
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
    expect(await details(id)).toMatchObject({ status: 'cancelled', failureReason: 'cancelled by request' });
    expect((await messages(id)).at(-1)).toBe('warn:-:cancelled; nothing was changed');
    expect(await store.getSchemaVersion(EVENTS)).toBeUndefined();
  });

  it('stops at the engine\'s cancellation check', async () => {
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
    expect(migration.steps.map(s => `${s.name}:${s.status}`)).toEqual(['plan:succeeded', 'copy-rows:failed']);
    expect(await store.getSchemaVersion(EVENTS)).toBeUndefined();

    // Retried, the same migration runs as attempt 2.
    await store.requeueMigration(id, async () => {});
    await runner.run(id);
    const retried = await details(id);
    expect(retried).toMatchObject({ status: 'succeeded', attempts: 2 });
    expect(retried.steps.filter(s => s.attempt === 2).map(s => s.name)).toEqual(['plan', 'copy-rows']);
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

  it('neither records a version nor refreshes the entity for a dry run', async () => {
    const id = await queue({ dryRun: true });
    await runner.run(id);

    expect(engine.migrate.mock.calls[0][0].dryRun).toBe(true);
    expect(await details(id)).toMatchObject({ status: 'succeeded', dryRun: true });
    expect(await store.getSchemaVersion(EVENTS)).toBeUndefined();
    expect(catalog.refreshEntity).not.toHaveBeenCalled();
  });
});
