import type { TargetField } from '@dataset-migrations/plugin-dataset-migrations-common';
import type { DatasetMigrationRun } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { MigrationStore } from '../database/MigrationStore';

/** What the first attempt planned; later attempts and operations on the run execute exactly this. */
export interface PinnedPlan {
  engine: string;
  table: string;
  targetFields: TargetField[];
}

export const PINNED_PLAN = 'plan';

/**
 * The parts of an engine's run that write to the store: steps, log lines,
 * checkpoints and progress, all under one attempt number.
 */
export function createRunContext(
  store: MigrationStore,
  migrationId: string,
  attempt: number,
): Pick<DatasetMigrationRun, 'step' | 'log' | 'checkpoints' | 'progress'> {
  let currentStep: string | undefined;
  return {
    log: (message, level = 'info') =>
      store.appendLog(migrationId, {
        attempt,
        level,
        message,
        step: currentStep,
      }),
    step: async (name, work) => {
      currentStep = name;
      await store.startStep(migrationId, attempt, name);
      try {
        const result = await work();
        await store.finishStep(migrationId, attempt, name, 'succeeded');
        return result;
      } catch (error) {
        await store.finishStep(migrationId, attempt, name, 'failed');
        throw error;
      } finally {
        currentStep = undefined;
      }
    },
    checkpoints: {
      get: name => store.getCheckpoint(migrationId, name),
      set: (name, value) => store.setCheckpoint(migrationId, name, value),
      clear: () => store.clearCheckpoints(migrationId),
    },
    progress: (stage, done, total) =>
      store.reportProgress(migrationId, attempt, stage, done, total),
  };
}
