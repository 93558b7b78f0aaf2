/** What rollback and contract share: one step of the run, one transaction on the dataset as it is now. */
import type { PoolClient } from 'pg';
import type { DatasetMigrationRun } from '@dataset-migrations/plugin-dataset-migrations-node';
import { interruptible, type Connections } from '../connection';
import {
  parseRelationName,
  resolveDataset,
  type RelationName,
  type ResolvedDataset,
} from '../relations';
import { previousVersion, type MigrationShape } from '../sql/shape';

/**
 * Runs `work` as the run's step `name`, in one transaction, with the dataset
 * resolved and the previous version's relation; an unreachable database
 * interrupts the run, as it does every stage. What `work` has to say is logged
 * after the commit: the plugin's database is not waited for while the
 * transaction holds the dataset's locks.
 */
export async function versionsStep(
  db: Connections,
  run: DatasetMigrationRun,
  shape: MigrationShape,
  name: string,
  work: (
    client: PoolClient,
    dataset: ResolvedDataset,
    previous: RelationName,
  ) => Promise<string[] | void>,
): Promise<void> {
  await run.step(name, async () => {
    const said = await interruptible(() =>
      db.transaction(async client => {
        const dataset = await resolveDataset(
          client,
          parseRelationName(run.dataset.table),
        );
        return work(
          client,
          dataset,
          previousVersion(shape, dataset, run.fromVersion),
        );
      }),
    );
    for (const line of said ?? []) await run.log(line);
  });
}
