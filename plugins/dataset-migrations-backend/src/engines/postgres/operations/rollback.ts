/** Rollback: after cut-over, readers go back to the previous version with every write since. */
import type { DatasetMigrationRun } from '@dataset-migrations/plugin-dataset-migrations-node';
import { interruptible, type Connections } from '../connection';
import {
  copyGrantsSql,
  formatRelation,
  quoteRelation,
  readFailures,
  relationExists,
} from '../relations';
import { isCutOver, shapeOf } from '../runShape';
import { inverseOf } from '../sql/reverse';
import { handedOver } from '../triggers';
import { rollbackStatements } from '../sql/versionSwitch';
import { refuseBuiltOn } from '../preconditions';
import { versionsStep } from './versionsStep';

const UNDEFINED_TABLE = '42P01';

export async function rollback(
  db: Connections,
  run: DatasetMigrationRun,
): Promise<void> {
  const shape = await interruptible(() => shapeOf(db, run)).catch(error => {
    if ((error as { code?: string }).code === UNDEFINED_TABLE) {
      throw new Error(
        `rollback is not available: version ${run.fromVersion} was dropped`,
      );
    }
    throw error;
  });
  await versionsStep(
    db,
    run,
    shape,
    'rollback',
    async (client, dataset, previous) => {
      if (!(await isCutOver(client, shape))) {
        // A rollback whose commit was not recorded is done, not refused; the
        // worker that committed it may have died before logging what it did.
        const rolledBack =
          formatRelation(dataset.storage) === formatRelation(previous) &&
          !(await relationExists(client, shape.target));
        if (rolledBack) {
          return [
            `${run.dataset.table} reads ${formatRelation(
              previous,
            )} again: this rollback committed before the run recorded it`,
          ];
        }
        throw new Error(
          `${run.dataset.table} does not read version ${run.targetVersion}: nothing to roll back`,
        );
      }
      // Writers wait from here, so no write can fail to go back after the count.
      await client.query(
        `LOCK TABLE ${quoteRelation(shape.target)} IN EXCLUSIVE MODE`,
      );
      await refuseBuiltOn(
        client,
        'rollback',
        [shape.name, shape.target],
        [shape.name],
      );
      if (!(await relationExists(client, shape.reverse.failures))) {
        const inverse = inverseOf(shape);
        throw new Error(
          `rollback is not available: ${
            'impossible' in inverse
              ? inverse.impossible
              : 'writes are not carried back'
          }`,
        );
      }
      const lost = await readFailures(client, shape.reverse.failures);
      if (lost.count > 0) {
        throw new Error(
          `rollback would lose ${lost.count} writes that could not be carried back to version ${run.fromVersion} (e.g. ${lost.first})`,
        );
      }
      const grants = await copyGrantsSql(
        client,
        dataset.relation,
        dataset.relation,
      );
      for (const sql of rollbackStatements(
        shape,
        dataset,
        previous,
        grants,
        await handedOver(client, previous, shape.target),
      ))
        await client.query(sql);
      return [
        `${run.dataset.table} reads ${formatRelation(
          previous,
        )} again, with every write made since the cut-over; ${formatRelation(
          shape.target,
        )} was dropped`,
      ];
    },
  );
}
