import { performance } from 'node:perf_hooks';
import {
  MigrationInterruptedError,
  type DatasetMigrationRun,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import type { FinishedStage } from './DatasetMigrationsMetrics';

/** Hears of each stage as it ends. */
export interface StageMeter {
  stageFinished(stage: FinishedStage): void;
}

/**
 * The run's `step` and `progress`, timed and counted: every engine's stages pass
 * through here, so no engine carries metric code. Without a meter, the run as is.
 */
export function meterStages<
  T extends Pick<DatasetMigrationRun, 'step' | 'progress'>,
>(run: T, meter: StageMeter | undefined): T {
  if (!meter) return run;
  const lastProgress = new Map<string, number>();
  return {
    ...run,
    progress: async (stage, done, total) => {
      await run.progress(stage, done, total);
      lastProgress.set(stage, done);
    },
    step: async (name, work) => {
      lastProgress.delete(name);
      const started = performance.now();
      let outcome: FinishedStage['outcome'] = 'failed';
      try {
        const result = await run.step(name, work);
        outcome = 'succeeded';
        return result;
      } catch (error) {
        if (error instanceof MigrationInterruptedError) outcome = 'interrupted';
        throw error;
      } finally {
        meter.stageFinished({
          stage: name,
          outcome,
          seconds: (performance.now() - started) / 1000,
          lastProgress: lastProgress.get(name),
        });
      }
    },
  };
}
