/**
 * The staged run: each stage is recorded as a checkpoint, so an interrupted run
 * continues where it stopped; a failure before cut-over is undone.
 */
import {
  MigrationInterruptedError,
  type DatasetMigrationRun,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import type { BackfillSettings } from '../config';
import { interruptible, type Connections } from '../connection';
import { undo } from '../operations/undo';
import { isCutOver, shapeOf } from '../runShape';
import { backfill } from './backfill';
import { createTarget } from './createTarget';
import { cutOver } from './cutOver';
import { dryRun } from './dryRun';
import { buildIndexes } from './indexes';
import { verify } from './verify';

export async function migrate(
  db: Connections,
  settings: BackfillSettings,
  run: DatasetMigrationRun,
): Promise<void> {
  const shape = await interruptible(() => shapeOf(db, run));
  const stage = async (name: string, work: () => Promise<void>) => {
    if (await run.checkpoints.get<boolean>(`done:${name}`)) return; // an earlier attempt did it
    await run.step(name, () => interruptible(work));
    await interruptible(() => run.checkpoints.set(`done:${name}`, true));
  };
  try {
    await stage('dry-run', () => dryRun(db, run, shape));
    if (run.dryRun) {
      await run.log(
        'dry run: the transform works on the sample; nothing was created',
      );
      await run.checkpoints.clear();
      return;
    }
    await run.throwIfCancelled();
    await stage('create-target', () => createTarget(db, run, shape));
    await stage('backfill', () => backfill(db, settings, run, shape));
    await stage('indexes', () => buildIndexes(db, run, shape));
    await stage('verify', () => verify(db, settings, run, shape));
    await run.throwIfCancelled();
    await stage('cut-over', () => cutOver(db, run, shape));
  } catch (error) {
    if (error instanceof MigrationInterruptedError) throw error;
    // Only the run's owner may undo: a worker that lost the run leaves it alone,
    // and one that cannot reach the plugin's database to ask does not undo.
    await interruptible(() => run.throwIfCancelled()).catch(check => {
      if (check instanceof MigrationInterruptedError) throw check;
    });
    if (await interruptible(() => db.withClient(c => isCutOver(c, shape)))) {
      // Readers are on the new version already: a cancel or failure now changes nothing.
      await run.log(
        `the cut-over had been committed; "${
          (error as Error).message
        }" came too late to change that`,
        'warn',
      );
      return;
    }
    try {
      await undo(db, run, shape);
    } catch (undoError) {
      // Leaving the target and the capture trigger would burden every writer: try again.
      throw new MigrationInterruptedError(
        `could not undo yet (${(undoError as Error).message})`,
      );
    }
    throw error;
  }
}
