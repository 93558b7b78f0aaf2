import type { Knex } from 'knex';
import { Client } from 'pg';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  DatasetEngine,
  DatasetMigrationRun,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import { engineRun } from '../__testUtils__/engineRun';
import {
  connectionUrlOf,
  createTestDatabases,
  createTestEngine,
  waitFor,
} from '../__testUtils__/testDatabases';
import { dataset, newMigration, pinPlan } from '../__testUtils__/fixtures';
import { ConsumerStore } from '../database/ConsumerStore';
import { DatabaseMigrationStore } from '../database/DatabaseMigrationStore';
import { EngineRegistry } from '../engines/EngineRegistry';
import { DatasetCatalog } from '../catalog/DatasetCatalog';
import { MigrationOperations } from '../services/MigrationOperations';
import { MigrationQueries } from '../services/MigrationQueries';
import type { MigrationPlanner } from '../services/MigrationPlanner';
import { loadSqlParser } from '../sql/sqlParser';
import { OperationRunner } from './OperationRunner';
import { recordReadsBaseline } from './previousShapeReads';

const CONSUMER = 'component:default/report';

jest.setTimeout(120_000);

/**
 * Contract's gate on the engine's own evidence, on a real PostgreSQL: a migration
 * cut over for real, readers in sessions of their own, the server's statistics.
 */
describe('readers nobody discovered', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let url: string;
  let store: DatabaseMigrationStore;
  let consumers: ConsumerStore;
  let engine: DatasetEngine;
  let operations: MigrationOperations;
  let queries: MigrationQueries;
  const credentials = mockCredentials.user();

  beforeAll(async () => {
    await loadSqlParser();
    knex = await init();
    url = connectionUrlOf(knex);
    store = await DatabaseMigrationStore.create({
      database: mockServices.database({ knex }),
    });
    consumers = new ConsumerStore(knex);
    engine = await createTestEngine(knex);
    const engines = new EngineRegistry(new Map([['warehouse', engine]]));
    const catalog = new DatasetCatalog(
      catalogServiceMock({
        entities: ['orders', 'invoices', 'parcels'].map(n => dataset(n)),
      }),
      mockServices.auth(),
    );
    const runner = new OperationRunner({
      store,
      engines,
      catalog,
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      workerId: 'test-worker',
      leaseMs: 60_000,
      lastConsumerMovedAt: id => consumers.lastMovedAt(id),
    });
    queries = new MigrationQueries({
      store,
      catalog,
      engines,
      // Planning is not asked of here.
      planner: undefined as unknown as MigrationPlanner,
      retentionMs: 0,
    });
    operations = new MigrationOperations({
      store,
      // The job runs at once, as a fast worker would.
      queue: {
        enqueueOperation: async job => runner.run(job),
        enqueueOperationOnce: async () => {
          throw new Error('a person asks here, not the system');
        },
      },
      queries,
      consumers,
      // The operator here may see the rows the engine's refusals quote.
      permissions: { seesRowsOf: () => async refs => new Set(refs) },
      retentionMs: 0,
    });
  });

  afterAll(async () => {
    await engine.close?.();
  });

  /**
   * `public.<table>` migrated for real: `customer` renamed, `legacy` dropped (so the
   * name serves it from the previous version until contract), with one consumer
   * that still reads the previous shape. The counters start at cut-over.
   */
  async function migrated(table: string) {
    // Written by a session that ends, so its counts are in the statistics before
    // the window starts (a live session reports them up to seconds later).
    const writer = new Client(url);
    await writer.connect();
    await writer.query(`CREATE TABLE public.${table} (
      id bigint PRIMARY KEY, customer text NOT NULL, legacy text)`);
    await writer.query(`INSERT INTO public.${table}
      SELECT g, 'c' || g, 'l' || g FROM generate_series(1, 200) g`);
    await writer.query(`ANALYZE public.${table}`);
    await writer.end();
    await waitFor(
      async () =>
        (
          await knex.raw(
            `SELECT n_tup_ins FROM pg_stat_user_tables WHERE relid = to_regclass(?)`,
            [`public.${table}`],
          )
        ).rows[0]?.n_tup_ins === '200' || undefined,
      { what: 'the rows written to be counted' },
    );
    const migration = newMigration({
      entityRef: `resource:default/${table}`,
      changes: [
        { renameField: { from: 'customer', to: 'customer_name' } },
        { dropField: { name: 'legacy' } },
      ],
    });
    await store.createMigration(migration, async () => {});
    const lease = { owner: 'test-runner', durationMs: 60_000 };
    await store.claimMigration(migration.id, lease);
    const { run, checkpoints } = await engineRun(
      engine,
      `public.${table}`,
      migration.changes,
      { migrationId: migration.id, entityRef: migration.entityRef },
    );
    // Migrated through an engine of its own, closed after: its sessions report
    // their scans as they end, before the window starts (a pooled session reports
    // them up to seconds later, which would count them as reads after cut-over).
    const migrator = await createTestEngine(knex);
    await migrator.migrate(run);
    await migrator.close?.();
    await settled(run);
    for (const [name, value] of checkpoints)
      await store.setCheckpoint(migration.id, name, value, lease.owner);
    await pinPlan(
      store,
      migration.id,
      { table: `public.${table}`, targetFields: run.targetFields },
      lease.owner,
    );
    await recordReadsBaseline(engine, run, store);
    await store.finishMigration(
      migration.id,
      { status: 'succeeded' },
      lease.owner,
    );
    await consumers.addDiscovered(migration.id, [
      { entityRef: CONSUMER, depth: 1 },
    ]);
    return { id: migration.id, run };
  }

  /** Waits until the counters stop moving: every ended session has reported. */
  async function settled(run: DatasetMigrationRun) {
    let last = '';
    await waitFor(async () => {
      const now = await engine.readsOfPreviousShape!(run);
      const figures = `${now?.scans}/${now?.upkeep}`;
      const same = figures === last;
      last = figures;
      if (!same) await new Promise(resolve => setTimeout(resolve, 500));
      return same || undefined;
    });
  }

  /** Runs statements in a session of its own, and waits until the server counted its scans. */
  async function readAs(run: DatasetMigrationRun, ...statements: string[]) {
    const before = (await engine.readsOfPreviousShape!(run))!.scans;
    const client = new Client(url);
    await client.connect();
    for (const sql of statements) await client.query(sql);
    // The session's counts reach the server's statistics when it ends.
    await client.end();
    await waitFor(
      async () =>
        (await engine.readsOfPreviousShape!(run))!.scans > before || undefined,
      { what: 'the reads to be counted' },
    );
  }

  const moveConsumer = (id: string) =>
    consumers.advance(id, CONSUMER, ['discovered'], { state: 'done' });

  const contract = (id: string, body: unknown = {}) =>
    operations.contractMigration(id, body, credentials);

  it('refuses while the previous shape is read after every known consumer moved, and allows once reads stop', async () => {
    const { id, run } = await migrated('orders');
    // The known consumer reads the previous shape until it moves: expected.
    await readAs(run, 'SELECT legacy FROM public.orders WHERE id = 1');
    await moveConsumer(id);

    // New readers and writers through the name are not readers of the previous shape …
    await knex.raw(
      `INSERT INTO public.orders (id, customer_name) VALUES (1000, 'new')`,
    );
    await knex.raw('SELECT id, customer_name FROM public.orders');
    // … but a nightly job nobody listed reads the old version's table.
    await readAs(
      run,
      'SELECT count(*) FROM public.orders_v1',
      'SELECT customer FROM public.orders_v1 WHERE id = 7',
    );

    // The window started at cut-over, before the consumer moved: its own read is
    // in the count too; the reads after it moved are why contract waits.
    await expect(contract(id)).rejects.toThrow(
      /^contract refused: the previous shape \(version 1\) was read 3 times since \S+, last at \S+, after every known consumer moved \(the last at \S+\): a reader nobody discovered \(scans of public\.orders_v1 in pg_stat_user_tables, less one per row written to it\)/,
    );
    const refused = await queries.getMigration(id);
    expect(refused.contractedAt).toBeUndefined();
    expect(refused.undiscoveredReads).toMatchObject({
      count: 3,
      evidence: expect.stringContaining('public.orders_v1'),
    });
    // The dataset shows it too, for its page and the campaign.
    expect(
      (
        await queries.getDataset('resource:default/orders', credentials, {
          type: 'all',
        })
      ).undiscoveredReads,
    ).toEqual(refused.undiscoveredReads);
    expect(
      await knex.raw(`SELECT to_regclass('public.orders_v1') AS r`),
    ).toMatchObject({ rows: [{ r: 'orders_v1' }] });

    // The reader was found and moved: nothing reads the previous shape any more,
    // though writers through the name still keep it current.
    await knex.raw(
      `INSERT INTO public.orders (id, customer_name) VALUES (1001, 'newer')`,
    );
    const { migration } = await contract(id);
    expect(migration.contractedAt).toBeDefined();
    expect(migration.contractOverride).toBeUndefined();
    expect(migration.undiscoveredReads).toBeUndefined();
    expect(
      (
        await queries.getDataset('resource:default/orders', credentials, {
          type: 'all',
        })
      ).undiscoveredReads,
    ).toBeUndefined();
    expect(
      await knex.raw(`SELECT to_regclass('public.orders_v1') AS r`),
    ).toMatchObject({ rows: [{ r: null }] });
  });

  it('lets a person override with a reason, recorded with the reads', async () => {
    const { id, run } = await migrated('invoices');
    await moveConsumer(id);
    await readAs(run, 'SELECT * FROM public.invoices WHERE id < 5');

    await expect(contract(id)).rejects.toThrow(/a reader nobody discovered/);
    await readAs(run, 'SELECT legacy FROM public.invoices');
    const { migration } = await contract(id, {
      override: { reason: 'the audit export is retired today' },
    });

    expect(migration.contractedAt).toBeDefined();
    expect(migration.contractOverride).toMatchObject({
      reason: 'the audit export is retired today',
      by: credentials.principal.userEntityRef,
      blockers: [],
    });
    // At least the read since the refusal; a server reports a session's counts
    // seconds late, so the earlier read may land in this window too.
    expect(
      migration.contractOverride?.undiscoveredReads?.count,
    ).toBeGreaterThanOrEqual(1);
  });

  it('does not count the reads of consumers made before they moved', async () => {
    const { id, run } = await migrated('parcels');
    await readAs(run, 'SELECT * FROM public.parcels_v1');
    await moveConsumer(id);

    const { migration } = await contract(id);
    expect(migration.contractedAt).toBeDefined();
    expect(migration.contractOverride).toBeUndefined();
  });
});
