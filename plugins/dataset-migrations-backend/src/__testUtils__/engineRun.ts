import {
  planFieldChanges,
  type FieldChange,
  type VerificationFigures,
  type DryRunSample,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type {
  DatasetEngine,
  DatasetMigrationRun,
} from '@dataset-migrations/plugin-dataset-migrations-node';

export type StepRecord = {
  name: string;
  status: 'running' | 'succeeded' | 'failed';
};

/**
 * A run as the MigrationRunner would build it, with targetFields planned from the
 * live schema of `table`, and in-memory steps, logs, checkpoints and progress.
 */
export async function engineRun(
  engine: DatasetEngine,
  table: string,
  changes: FieldChange[],
  options: Partial<DatasetMigrationRun> = {},
) {
  const steps: StepRecord[] = [];
  const logs: string[] = [];
  const checkpoints = new Map<string, unknown>();
  const progress: { stage: string; done: number; total: number }[] = [];
  const verifications: VerificationFigures[] = [];
  const samples: DryRunSample[] = [];
  const { fields } = await engine.introspect({ table });
  const plan = planFieldChanges(fields, changes);
  if (plan.problems.length) throw new Error(plan.problems.join('; '));
  const run: DatasetMigrationRun = {
    migrationId: '00000000-0000-4000-8000-000000000001',
    entityRef: 'resource:default/events',
    dataset: { table },
    fromVersion: 1,
    targetVersion: 2,
    targetFields: plan.fields,
    dryRun: false,
    step: async (name, work) => {
      const record: StepRecord = { name, status: 'running' };
      steps.push(record);
      try {
        const result = await work();
        record.status = 'succeeded';
        return result;
      } catch (error) {
        record.status = 'failed';
        throw error;
      }
    },
    log: async message => {
      logs.push(message);
    },
    throwIfCancelled: jest.fn(async () => {}),
    checkpoints: {
      // Clones both ways, as the database does: nobody shares state with the store.
      get: async <T>(name: string) => {
        const value = checkpoints.get(name);
        return value === undefined
          ? undefined
          : (JSON.parse(JSON.stringify(value)) as T);
      },
      set: async (name, value) => {
        checkpoints.set(name, JSON.parse(JSON.stringify(value)));
      },
      clear: async () => checkpoints.clear(),
    },
    progress: async (stage, done, total) => {
      progress.push({ stage, done, total });
    },
    recordVerification: async figures => {
      verifications.push(figures);
    },
    recordDryRunSample: async sample => {
      samples.push(sample);
    },
    ...options,
  };
  return { run, steps, logs, checkpoints, progress, verifications, samples };
}

/** What an engine call said: 'done', or its error's message. */
export function outcomeOf(work: Promise<unknown>): Promise<string> {
  return work.then(
    () => 'done',
    (error: Error) => error.message,
  );
}
