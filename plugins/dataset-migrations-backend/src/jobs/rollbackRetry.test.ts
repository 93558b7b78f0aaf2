import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  createTestDatabases,
  createTestEngine,
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

jest.setTimeout(120_000);

/**
 * A rollback job retried after its worker died between the engine's commit and the
 * run's record of it, on a real PostgreSQL: the retry records the rollback, once,
 * without a second rollback on the engine.
 */

describe('a rollback whose commit was not recorded', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let store: DatabaseMigrationStore;
  let engine: DatasetEngine;
  let announced: MigrationAnnouncer['migrationChanged'] & jest.Mock;
  let settleRolledBack: jest.Mock;

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
    settleRolledBack = jest.fn(async () => {});
  });

  afterAll(async () => {
    await engine.close?.();
  });

  /**
   * A worker on the real store and engine. `dies` makes it die the moment the
   * engine's rollback transaction has committed: before it logs what the
   * rollback did (`before-log`) or after, before the step is recorded
   * (`before-step`). From then on nothing it asks of the plugin's database
   * happens (no log, step, record, answer or lease release).
   */
  function worker(
    workerId: string,
    options: { dies?: 'before-log' | 'before-step'; leaseMs?: number } = {},
  ) {
    const storeOf = dyingStore(store, workerId, (key, args) =>
      options.dies === 'before-step'
        ? key === 'finishStep' &&
          args[2] === 'rollback' &&
          args[3] === 'succeeded'
        : options.dies === 'before-log' &&
          key === 'appendLog' &&
          (args[1] as { step?: string }).step === 'rollback',
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
      settleRolledBack,
      announcer: { migrationChanged: announced, consumerChanged: jest.fn() },
    });
  }

  /** `public.<table>` migrated for real (a field renamed), its run succeeded with its plan pinned. */
  const migrated = (table: string) =>
    migratedRun({ knex, store, engine, table });

  const rollbackJob = (migrationId: string): OperationJob => ({
    migrationId,
    operation: 'rollback',
    requestId: randomUUID(),
    actor: 'user:default/ana',
  });

  /** Announced outcomes (steps are announced too, without one). */
  const outcomes = () =>
    announced.mock.calls.map(([change]) => change).filter(c => c.outcome);

  const regclass = async (name: string) =>
    (await knex.raw(`SELECT to_regclass(?)::text AS r`, [name])).rows[0].r;

  it.each(['before-log', 'before-step'] as const)(
    'is recorded by the retry, once, with its step, log, outcome and announcement (died %s)',
    async dies => {
      const table = `parcels_${dies.replace('-', '_')}`;
      const id = await migrated(table);
      // A write after the cut-over, which the rollback carries back.
      await knex.raw(
        `INSERT INTO public.${table} (id, customer_name) VALUES (51, 'c51')`,
      );
      const job = rollbackJob(id);

      // The first worker commits the rollback on the engine and dies before the record.
      await expect(
        worker('worker-a', { dies, leaseMs: 1_000 }).run(job),
      ).rejects.toThrow('worker-a was killed');
      expect(await regclass(`public.${table}_v2`)).toBeNull();
      expect((await store.getMigration(id))?.status).toBe('succeeded');
      expect(outcomes()).toEqual([]);

      // graphile-worker retries the job on another worker once the dead one's lease ran out.
      await runOnceLeaseRunsOut(worker('worker-b'), job);

      expect(
        await store.getCheckpoint(id, operationOutcomeName(job.requestId)),
      ).toEqual({ done: true });
      const details = await store.getMigration(id);
      expect(details?.status).toBe('rolled-back');
      expect(
        details?.steps.filter(s => s.name === 'rollback').map(s => s.status),
      ).toEqual(['succeeded']);
      // The run says what happened, though the worker that did it could not.
      expect(details?.logs.map(l => l.message)).toContainEqual(
        `public.${table} reads public.${table}_v1 again: this rollback committed before the run recorded it`,
      );
      expect(outcomes()).toEqual([
        { migrationId: id, outcome: 'rolled-back', actor: 'user:default/ana' },
      ]);
      expect(settleRolledBack).toHaveBeenCalledTimes(1);
      // Readers of the name see version 1, every row kept, the write since too.
      expect(
        (
          await knex.raw(
            `SELECT count(customer)::int AS n FROM public.${table}`,
          )
        ).rows[0].n,
      ).toBe(51);

      // Once: the job run again only answers.
      await worker('worker-c').run(job);
      expect(outcomes()).toHaveLength(1);
      expect(settleRolledBack).toHaveBeenCalledTimes(1);
    },
  );
});
