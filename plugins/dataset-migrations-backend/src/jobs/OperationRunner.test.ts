import { randomUUID } from 'node:crypto';
import type { Knex } from 'knex';
import type { Entity } from '@backstage/catalog-model';
import { mockServices } from '@backstage/backend-test-utils';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import type { DatasetMigrationRun } from '@dataset-migrations/plugin-dataset-migrations-node';
import { createTestDatabases } from '../__testUtils__/testDatabases';
import { dataset, succeededMigration } from '../__testUtils__/fixtures';
import { DatabaseMigrationStore } from '../database/DatabaseMigrationStore';
import { EngineRegistry } from '../engines/EngineRegistry';
import { DatasetCatalog } from '../catalog/DatasetCatalog';
import { operationOutcomeName, type OperationJob } from '../queue/JobQueue';
import { ConsumerStore } from '../database/ConsumerStore';
import {
  OperationRunner,
  type OperationRunnerOptions,
} from './OperationRunner';

const EVENTS = 'resource:default/events';

/** Rollback and contract jobs against the real store, with a stub engine. */
describe('OperationRunner', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let store: DatabaseMigrationStore;
  let rollback: jest.Mock<Promise<void>, [DatasetMigrationRun]>;
  let contract: jest.Mock<Promise<void>, [DatasetMigrationRun]>;
  let settleRolledBack: jest.Mock;
  /** What the catalog lists: `events` unless a test adds to it. */
  let entities: Entity[];

  beforeAll(async () => {
    knex = await init();
    store = await DatabaseMigrationStore.create({
      database: mockServices.database({ knex }),
    });
  });

  beforeEach(async () => {
    await knex('dataset_versions').delete();
    await knex('migrations').delete();
    rollback = jest.fn(async (_run: DatasetMigrationRun) => {});
    contract = jest.fn(async (_run: DatasetMigrationRun) => {});
    settleRolledBack = jest.fn(async () => {});
    entities = [dataset('events')];
  });

  function worker(
    workerId: string,
    options: Partial<OperationRunnerOptions> = {},
  ): OperationRunner {
    return new OperationRunner({
      store,
      engines: new EngineRegistry(
        new Map([
          [
            'warehouse',
            {
              introspect: jest.fn(),
              plan: jest.fn(),
              migrate: jest.fn(),
              rollback,
              contract,
            },
          ],
        ]),
      ),
      catalog: new DatasetCatalog(
        catalogServiceMock({ entities }),
        mockServices.auth(),
      ),
      auth: mockServices.auth(),
      logger: mockServices.logger.mock(),
      workerId,
      leaseMs: 60_000,
      settleRolledBack,
      ...options,
    });
  }

  /** A migration that ran to success, its plan pinned, as the runner leaves it. */
  async function succeeded(): Promise<string> {
    return succeededMigration(
      store,
      { entityRef: EVENTS, changes: [], requestedBy: 'user:default/ana' },
      { pinned: true },
    );
  }

  function job(
    migrationId: string,
    operation: OperationJob['operation'],
  ): OperationJob {
    return { migrationId, operation, requestId: randomUUID() };
  }

  const outcomeOf = (j: OperationJob) =>
    store.getCheckpoint(j.migrationId, operationOutcomeName(j.requestId));

  it('runs the engine under the run lease, which no other worker can take meanwhile', async () => {
    const id = await succeeded();
    let rivalClaim: unknown = 'not tried';
    rollback.mockImplementation(async run => {
      await run.step('rollback', async () => {
        rivalClaim = await store.claimOperation(id, {
          owner: 'rival',
          durationMs: 60_000,
        });
      });
    });
    const rollbackJob = job(id, 'rollback');
    await worker('worker-a').run(rollbackJob);

    expect(rivalClaim).toBeUndefined();
    expect(rollback).toHaveBeenCalledTimes(1);
    expect(await outcomeOf(rollbackJob)).toEqual({ done: true });
    expect(settleRolledBack).toHaveBeenCalledTimes(1);
    expect(await knex('migrations').where({ id }).first()).toMatchObject({
      status: 'rolled-back',
      lease_owner: null,
    });
    // The operation is a step of the run's last attempt.
    const details = await store.getMigration(id);
    expect(details?.steps.map(s => [s.name, s.status])).toContainEqual([
      'rollback',
      'succeeded',
    ]);
  });

  it('waits while another worker holds the run, then runs once; running the job again changes nothing', async () => {
    const id = await succeeded();
    await store.claimOperation(id, { owner: 'rival', durationMs: 60_000 });
    const contractJob = job(id, 'contract');
    const runner = worker('worker-a');

    await expect(runner.run(contractJob)).rejects.toThrow(
      `migration ${id} is leased to another worker; the contract is retried once it lets go`,
    );
    expect(contract).not.toHaveBeenCalled();
    expect(await outcomeOf(contractJob)).toBeUndefined();

    await store.releaseLease(id, 'rival');
    await runner.run(contractJob);
    await runner.run(contractJob);
    await worker('worker-b').run(contractJob);
    expect(contract).toHaveBeenCalledTimes(1);
    expect(await outcomeOf(contractJob)).toEqual({ done: true });
    expect((await store.getMigration(id))?.contractedAt).toBeDefined();
  });

  it('answers a rollback the engine refuses with its reason, and lets go of the run', async () => {
    const id = await succeeded();
    rollback.mockRejectedValue(new Error('rollback would lose 2 writes'));
    const rollbackJob = job(id, 'rollback');
    await worker('worker-a').run(rollbackJob);

    expect(await outcomeOf(rollbackJob)).toEqual({
      refused: 'rollback refused: rollback would lose 2 writes',
      // The engine's words: shown only to who may see the dataset's rows.
      byEngine: true,
    });
    expect(settleRolledBack).not.toHaveBeenCalled();
    expect(await knex('migrations').where({ id }).first()).toMatchObject({
      status: 'succeeded',
      lease_owner: null,
    });
  });

  it('refuses a rollback a merged patch is in the way of at its last look, unless a person overrode it; no merge meanwhile', async () => {
    const consumers = new ConsumerStore(knex);
    // What the last look found: merged since the request was let through.
    const lastLook = {
      holdingMerges: <T>(
        m: { id: string },
        work: (p: { merged: string[]; unread: string[] }) => Promise<T>,
      ) =>
        consumers.holdForRollback(m.id, () =>
          work({ merged: ['component:default/billing'], unread: [] }),
        ),
    };
    const refusal = {
      refused: `rollback refused: 1 consumer has merged a patch that reads version 2 and would break on version 1: component:default/billing; to roll back anyway, send an override with the reason`,
    };
    const override = {
      reason: 'the new version loses writes',
      by: 'user:default/ana',
      at: new Date().toISOString(),
    };

    const id = await succeeded();
    const asked = job(id, 'rollback');
    await worker('worker-a', lastLook).run(asked);
    expect(await outcomeOf(asked)).toEqual(refusal);
    // A campaign's rollback carries an override saying only why.
    const campaigns = {
      ...job(id, 'rollback'),
      override,
      keepMergedReaders: true as const,
    };
    await worker('worker-a', lastLook).run(campaigns);
    expect(await outcomeOf(campaigns)).toEqual(refusal);
    expect(rollback).not.toHaveBeenCalled();
    expect(await knex('migrations').where({ id }).first()).toMatchObject({
      status: 'succeeded',
      lease_owner: null,
    });

    let mergeMeanwhile: unknown;
    rollback.mockImplementation(async () => {
      mergeMeanwhile = await consumers.holdForMerge(id, async () => 'merged');
    });
    const overridden = { ...job(id, 'rollback'), override };
    await worker('worker-a', lastLook).run(overridden);
    expect(await outcomeOf(overridden)).toEqual({ done: true });
    expect(mergeMeanwhile).toEqual({ held: false, rollingBack: true });
  });

  it('refuses an operation on a run another operation changed first', async () => {
    const id = await succeeded();
    const contractJob = job(id, 'contract');
    const rollbackJob = job(id, 'rollback');
    await worker('worker-a').run(contractJob);
    await worker('worker-b').run(rollbackJob);

    expect(rollback).not.toHaveBeenCalled();
    expect(await outcomeOf(rollbackJob)).toEqual({
      refused: `migration ${id} was contracted meanwhile, so it was not rolled back`,
    });
  });

  it('refuses to contract while another entity names the table, asking the engine nothing', async () => {
    const id = await succeeded();
    // Registered by another team after the run, naming the same table.
    entities.push(
      dataset('intruder', {
        annotations: { 'dataset-migrations.io/table': 'public.events' },
      }),
    );
    const contractJob = job(id, 'contract');
    await worker('worker-a').run(contractJob);

    expect(contract).not.toHaveBeenCalled();
    expect(await outcomeOf(contractJob)).toEqual({
      refused:
        'contract refused: table public.events on engine warehouse is also named by resource:default/intruder; a table belongs to one dataset entity: fix the catalog',
    });
    expect(await knex('migrations').where({ id }).first()).toMatchObject({
      status: 'succeeded',
      contracted_at: null,
    });
  });
});
