import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { Client } from 'pg';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type {
  DatasetEngine,
  DatasetMigrationRun,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  connectionUrlOf,
  createTestDatabases,
  createTestEngine,
  waitFor,
} from '../__testUtils__/testDatabases';
import {
  dyingStore,
  migratedRun,
  runOnceLeaseRunsOut,
} from '../__testUtils__/operationRetry';
import { DatabaseMigrationStore } from '../database/DatabaseMigrationStore';
import { EngineRegistry } from '../engines/EngineRegistry';
import { DatasetCatalog } from '../catalog/DatasetCatalog';
import type { MigrationAnnouncer } from '../announcements/MigrationAnnouncer';
import { operationOutcomeName, type OperationJob } from '../queue/JobQueue';
import { loadSqlParser } from '../sql/sqlParser';
import { OperationRunner } from './OperationRunner';
import { recordReadsBaseline } from './previousShapeReads';

jest.setTimeout(120_000);

/**
 * A contract job retried after its worker died between the engine's commit and the
 * run's record of it, on a real PostgreSQL: the retry records the contract, once.
 */

describe('a contract whose commit was not recorded', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let store: DatabaseMigrationStore;
  let engine: DatasetEngine;
  let announced: MigrationAnnouncer['migrationChanged'] & jest.Mock;

  beforeAll(async () => {
    await loadSqlParser();
    knex = await init();
    store = await DatabaseMigrationStore.create({
      database: mockServices.database({ knex }),
    });
    engine = await createTestEngine(knex);
  });

  beforeEach(() => {
    announced = jest.fn(async () => {});
  });

  afterAll(async () => {
    await engine.close?.();
  });

  /**
   * A worker on the real store and engine. `dies` makes it die the moment the
   * engine's contract transaction has committed: from then on nothing it asks of
   * the plugin's database happens (no step, record, answer or lease release).
   */
  function worker(
    workerId: string,
    options: { dies?: boolean; leaseMs?: number } = {},
  ) {
    // The engine's transaction committed; the step is recorded next.
    const storeOf = dyingStore(
      store,
      workerId,
      (key, args) =>
        !!options.dies &&
        key === 'finishStep' &&
        args[2] === 'contract' &&
        args[3] === 'succeeded',
    );
    return new OperationRunner({
      store: storeOf,
      engines: new EngineRegistry(new Map([['warehouse', engine]])),
      catalog: new DatasetCatalog(
        catalogServiceMock({ entities: [] }),
        mockServices.auth(),
      ),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      workerId,
      leaseMs: options.leaseMs ?? 60_000,
      announcer: { migrationChanged: announced, consumerChanged: jest.fn() },
      lastConsumerMovedAt: async () => new Date(0).toISOString(),
    });
  }

  /**
   * `public.<table>` migrated for real (a field renamed), its run succeeded with
   * its plan pinned and the counters of reads of version 1 started at cut-over.
   */
  async function migrated(
    table: string,
    options: { readAfter?: boolean } = {},
  ) {
    return migratedRun({
      knex,
      store,
      engine,
      table,
      migrate: async run => {
        // Its own engine, closed after: its sessions' scans are counted before the window.
        const migrator = await createTestEngine(knex);
        await migrator.migrate(run);
        await migrator.close?.();
        await settled(run);
      },
      beforeFinish: async run => {
        await recordReadsBaseline(engine, run, store);
        if (options.readAfter) {
          // A reader nobody discovered, after every consumer moved.
          const reader = new Client(connectionUrlOf(knex));
          await reader.connect();
          await reader.query(`SELECT * FROM public.${table}_v1`);
          await reader.end();
          await settled(run);
        }
      },
    });
  }

  /** Waits until the read counters stop moving: every ended session has reported. */
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

  const contractJob = (migrationId: string): OperationJob => ({
    migrationId,
    operation: 'contract',
    requestId: randomUUID(),
    actor: 'user:default/ana',
  });

  /** Announced outcomes (steps are announced too, without one). */
  const outcomes = () =>
    announced.mock.calls.map(([change]) => change).filter(c => c.outcome);

  const regclass = async (name: string) =>
    (await knex.raw(`SELECT to_regclass(?)::text AS r`, [name])).rows[0].r;

  it('is recorded by the retry, once, with its step, outcome and announcement', async () => {
    const id = await migrated('orders');
    const job = contractJob(id);

    // The first worker commits the contract on the engine and dies before the record.
    await expect(
      worker('worker-a', { dies: true, leaseMs: 1_000 }).run(job),
    ).rejects.toThrow('worker-a was killed');
    expect(await regclass('public.orders_v1')).toBeNull();
    expect((await store.getMigration(id))?.contractedAt).toBeUndefined();
    expect(outcomes()).toEqual([]);

    // graphile-worker retries the job on another worker once the dead one's lease ran out.
    await runOnceLeaseRunsOut(worker('worker-b'), job);

    expect(
      await store.getCheckpoint(id, operationOutcomeName(job.requestId)),
    ).toEqual({ done: true });
    const details = await store.getMigration(id);
    expect(details?.contractedAt).toBeDefined();
    expect(details?.contractOverride).toBeUndefined();
    expect(
      details?.steps.filter(s => s.name === 'contract').map(s => s.status),
    ).toEqual(['succeeded']);
    expect(details?.logs.map(l => l.message)).toContainEqual(
      expect.stringMatching(
        /^public\.orders_v1 was dropped by this contract at \S+, before the run recorded it: version 1 is gone$/,
      ),
    );
    expect(outcomes()).toEqual([
      { migrationId: id, outcome: 'contracted', actor: 'user:default/ana' },
    ]);
    // Readers of the name see version 2 exactly, every row kept.
    expect(
      (
        await knex.raw(
          `SELECT count(customer_name)::int AS n FROM public.orders`,
        )
      ).rows[0].n,
    ).toBe(50);

    // Once: the job run again only answers.
    await worker('worker-c').run(job);
    expect(outcomes()).toHaveLength(1);
  });

  it('is recorded by a later request without an override, with the override of the request that committed it', async () => {
    const id = await migrated('shipments', { readAfter: true });
    const override = {
      reason: 'the audit export is retired today',
      by: 'user:default/ana',
      at: new Date().toISOString(),
    };
    const first = { ...contractJob(id), override };
    await expect(
      worker('worker-a', { dies: true, leaseMs: 1_000 }).run(first),
    ).rejects.toThrow('worker-a was killed');
    expect(await regclass('public.shipments_v1')).toBeNull();

    // Its job failed for good; someone asks again, with nothing to override now.
    const second = contractJob(id);
    await runOnceLeaseRunsOut(worker('worker-b'), second);

    expect(
      await store.getCheckpoint(id, operationOutcomeName(second.requestId)),
    ).toEqual({ done: true });
    const details = await store.getMigration(id);
    expect(details?.contractedAt).toBeDefined();
    expect(details?.contractOverride).toMatchObject({
      ...override,
      blockers: [],
    });
    // The read it overrode; one reported late could land in its window too.
    expect(
      details?.contractOverride?.undiscoveredReads?.count,
    ).toBeGreaterThanOrEqual(1);
  });

  it('still refuses, naming why, when the previous version was dropped by someone else', async () => {
    const id = await migrated('invoices');
    await knex.raw(`DROP TABLE public.invoices_v1 CASCADE`);
    const job = contractJob(id);
    await worker('worker-a').run(job);

    expect(
      await store.getCheckpoint(id, operationOutcomeName(job.requestId)),
    ).toEqual({
      refused:
        'contract refused: version 1 of public.invoices is gone, and not by this migration\'s contract (the engine holds no record of one): relation "public.invoices_v1" does not exist',
    });
    expect((await store.getMigration(id))?.contractedAt).toBeUndefined();
    expect(outcomes()).toEqual([]);
  });
});
