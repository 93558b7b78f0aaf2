import type { MigrationConsumer } from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  MigrationInterruptedError,
  type DatasetEngine,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  WorkerExitError,
  WorkerMemoryError,
  WorkerTimeoutError,
} from '../rewriteWorkers';
import type { ShadowPlanInput } from '../verification/shadowPlan';
import {
  ConsumerFailed,
  type MigrationContext,
  type StepDependencies,
} from './stepContext';
import { verify } from './verify';

/**
 * The verify step reads the patch's code for its shadow checks on a worker
 * (dbt rendering and SQL parsing): what it is asked, and how a reading that did
 * not answer ends the step, as for the assessment.
 */
describe('verify when reading the code for shadow checks', () => {
  const url = 'file:///repos/report/';
  const consumer = {
    entityRef: 'component:default/report',
    state: 'patched',
    repositoryUrl: url,
  } as MigrationConsumer;
  const context = {
    migration: { id: 'm1', fromVersion: 1, targetVersion: 2 },
    plan: { engine: 'pg', table: 'public.events' },
    target: { schema: 'public', table: 'events', fields: ['id'] },
    mapping: {},
  } as unknown as MigrationContext;
  const original = { path: 'q.sql', content: 'select id from events' };
  const patched = { path: 'q.sql', content: 'select id from events -- v2' };
  const advance = jest.fn();
  const compareQueries = jest.fn();

  function stepWith(
    shadowPlan: StepDependencies['code']['shadowPlan'],
  ): Promise<unknown> {
    // Only what the step reaches: no verify command, no dependsOn.
    const engine = {
      versionRelation: ({ table }: { table: string }, version: number) =>
        `${table}_v${version}`,
      compareQueries,
    } as unknown as DatasetEngine;
    const deps = {
      consumers: {
        getPatch: async () => ({ files: [patched], baseCommit: 'abc' }),
        advance,
      },
      catalog: { getEntity: async () => undefined },
      auth: { getOwnServiceCredentials: async () => ({}) },
      engines: { get: () => engine },
      limits: { runVerifyCommands: false, shadowTimeoutMs: 1000 },
      code: { shadowPlan },
    } as unknown as StepDependencies;
    return verify(deps, context, {
      consumer,
      snapshot: async () => ({
        url,
        defaultBranch: 'main',
        files: [original],
      }),
    });
  }

  beforeEach(() => {
    advance.mockReset();
    compareQueries.mockReset();
  });

  it('hands the worker the snapshot, the patch and both versions, and compares what it planned', async () => {
    let asked: ShadowPlanInput | undefined;
    compareQueries.mockResolvedValue({
      before: { rows: 3, checksum: '7' },
      after: { rows: 3, checksum: '7' },
      differing: [],
    });
    const state = await stepWith(async input => {
      asked = input;
      return [
        {
          path: 'q.sql',
          statement: 1,
          before: 'select id from public.events_v1',
          after: 'select id from public.events_v2',
        },
      ];
    });
    expect(state).toBe('verified');
    expect(asked).toEqual({
      snapshot: [original],
      patched: [patched],
      target: context.target,
      handedOver: [],
      relations: { before: 'public.events_v1', after: 'public.events_v2' },
    });
    expect(compareQueries).toHaveBeenCalledWith(
      expect.objectContaining({
        before: 'select id from public.events_v1',
        after: 'select id from public.events_v2',
      }),
    );
    expect(advance).toHaveBeenCalledWith(
      'm1',
      consumer.entityRef,
      ['patched'],
      expect.objectContaining({ state: 'verified' }),
    );
  });

  it.each([
    new WorkerTimeoutError(
      'the reading for shadow checks took longer than 300 s',
    ),
    new WorkerMemoryError(
      "the reading for shadow checks needed more than its worker's 2048 MB of memory",
    ),
  ])(
    'fails the consumer as assessment-stopped, naming the limit: %s',
    async error => {
      const failed = await stepWith(async () => {
        throw error;
      }).catch(e => e);
      expect(failed).toBeInstanceOf(ConsumerFailed);
      expect((failed as ConsumerFailed).failure.kind).toBe(
        'assessment-stopped',
      );
      expect((failed as Error).message).toContain(
        `reading ${url} for its shadow checks stopped: ${error.message}`,
      );
      expect(advance).not.toHaveBeenCalled();
      expect(compareQueries).not.toHaveBeenCalled();
    },
  );

  it('leaves the consumer to a retry when its worker ended for another reason', async () => {
    const failed = await stepWith(async () => {
      throw new WorkerExitError('the backend is shutting down');
    }).catch(e => e);
    expect(failed).toBeInstanceOf(MigrationInterruptedError);
    expect((failed as Error).message).toBe('the backend is shutting down');
    expect(advance).not.toHaveBeenCalled();
  });
});
