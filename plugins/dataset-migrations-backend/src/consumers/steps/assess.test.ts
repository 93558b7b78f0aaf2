import { MigrationInterruptedError } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { MigrationConsumer } from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  WorkerExitError,
  WorkerMemoryError,
  WorkerTimeoutError,
} from '../rewriteWorkers';
import { assessAndPatch } from './assess';
import {
  ConsumerFailed,
  type MigrationContext,
  type StepDependencies,
} from './stepContext';

/**
 * How a job's assessment that did not answer ends the step: past its budget,
 * the consumer is a person's; its worker gone otherwise, the job is retried.
 */
describe('assessAndPatch when the assessment does not answer', () => {
  const url = 'file:///repos/report/';
  const consumer = {
    entityRef: 'component:default/report',
    state: 'discovered',
    depth: 1,
    repositoryUrl: url,
  } as MigrationConsumer;
  const context = {
    migration: { id: 'm1' },
    target: { schema: 'public', table: 'events', fields: ['id'] },
  } as unknown as MigrationContext;
  const advance = jest.fn();

  function stepWith(error: Error) {
    // Only what the step reaches before the assessment answers.
    const deps = {
      consumers: { listEarlierHolds: async () => [], advance },
      limits: { pullRequestRepositories: 'any' },
      code: {
        assessment: async () => {
          throw error;
        },
      },
    } as unknown as StepDependencies;
    return assessAndPatch(deps, context, {
      consumer,
      snapshot: async () => ({
        url,
        defaultBranch: 'main',
        files: [{ path: 'q.sql', content: 'select id from events' }],
      }),
    });
  }

  it.each([
    new WorkerTimeoutError('the assessment took longer than 300 s'),
    new WorkerMemoryError(
      "the assessment needed more than its worker's 2048 MB of memory",
    ),
  ])(
    'fails the consumer as assessment-stopped, naming the limit: %s',
    async error => {
      const failed = await stepWith(error).catch(e => e);
      expect(failed).toBeInstanceOf(ConsumerFailed);
      expect((failed as ConsumerFailed).failure.kind).toBe(
        'assessment-stopped',
      );
      expect(failed.message).toContain(`reading ${url} `);
      expect(failed.message).toContain(error.message);
      expect(failed.message).toContain(
        'datasetMigrations.consumers.assessment',
      );
      expect(advance).not.toHaveBeenCalled();
    },
  );

  it('leaves the consumer to a retry when its worker ended for another reason', async () => {
    const failed = await stepWith(
      new WorkerExitError('the backend is shutting down'),
    ).catch(e => e);
    expect(failed).toBeInstanceOf(MigrationInterruptedError);
    expect(failed.message).toBe('the backend is shutting down');
    expect(advance).not.toHaveBeenCalled();
  });
});
