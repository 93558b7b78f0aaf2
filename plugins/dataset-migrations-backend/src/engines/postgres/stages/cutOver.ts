/** Stage cut-over: the dataset's name moves to the new version in one short transaction. */
import type { PoolClient } from 'pg';
import type { DatasetMigrationRun } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { Connections } from '../connection';
import {
  grantsOf,
  formatRelation,
  partitionsOf,
  quoteRelation,
  readFailures,
  parseRelationName,
  resolveDataset,
  versionOf,
  type ResolvedDataset,
} from '../relations';
import { refuseLesserOwners } from '../preconditions';
import {
  refuseSourceChanges,
  SOURCE_AS_BEGUN,
  type SourceAsBegun,
} from '../sourceChanges';
import { isCutOver } from '../runShape';
import { triggersToCarry } from '../triggers';
import { isRename, type MigrationShape } from '../sql/shape';
import { cutOverStatements } from '../sql/versionSwitch';

/** One short transaction: writers wait a moment, readers go on, the name moves. */
export async function cutOver(
  db: Connections,
  run: DatasetMigrationRun,
  shape: MigrationShape,
): Promise<void> {
  // Said once the transaction is over: the plugin's database is not waited for
  // while the dataset's name is locked, but for the cancel check.
  const said: string[] = [];
  const began = await run.checkpoints.get<SourceAsBegun>(SOURCE_AS_BEGUN);
  await db.transaction(async client => {
    if (await isCutOver(client, shape)) {
      // An earlier attempt committed the cut-over and stopped before recording it.
      said.push(
        `${run.dataset.table} already reads ${formatRelation(shape.target)}`,
      );
      return;
    }
    const dataset = await resolveDataset(
      client,
      parseRelationName(run.dataset.table),
    );
    // Writers wait from here on, so no capture runs any more: a write it could
    // not transform since verify read its failures would be lost with it.
    await client.query(
      `LOCK TABLE ${quoteRelation(shape.source)} IN EXCLUSIVE MODE`,
    );
    const failed = await readFailures(client, shape.capture.failures);
    if (failed.count > 0)
      throw new Error(
        `${failed.count} writes made during the migration could not be transformed (e.g. ${failed.first}); the name was not moved`,
      );
    // Read before the name moves: the grants belong to what readers use now.
    const grants = await grantsAfterCutOver(client, shape, dataset);
    // DDL waits for this lock: what the application added while the run copied
    // would be on no version readers get, and a column's values go at contract.
    await refuseSourceChanges(client, shape, began);
    // An owner or TRIGGER grant changed since plan: the reverse trigger is next.
    await refuseLesserOwners(client, dataset);
    // Read under the lock, as they are now: one added since plan is judged too.
    const triggers = await triggersToCarry(client, shape);
    for (const sql of cutOverStatements(
      shape,
      dataset,
      run.fromVersion,
      grants,
      await partitionsOf(client, shape.source),
      triggers,
    ))
      await client.query(sql);
    if (dataset.kind === 'table') {
      said.push(
        `version ${run.fromVersion} stays readable as ${formatRelation(
          versionOf(dataset.relation, run.fromVersion),
        )}`,
      );
    }
    // The last moment a cancel can still win: after the commit the switch is done.
    await run.throwIfCancelled();
    said.push(
      `${formatRelation(shape.name)} now reads ${formatRelation(shape.target)}`,
    );
    if (isRename(shape, dataset)) {
      said.push(
        `${formatRelation(dataset.relation)} keeps reading version ${
          run.fromVersion
        } until contract, and refuses writes`,
      );
    }
  });
  for (const line of said) await run.log(line);
}

/** Grants readers and writers have now, for the view(s) the cut-over creates. */
export async function grantsAfterCutOver(
  client: PoolClient,
  shape: MigrationShape,
  dataset: ResolvedDataset,
) {
  const grantsTo = await grantsOf(client, dataset.relation);
  return { name: grantsTo(shape.name), oldName: grantsTo(dataset.relation) };
}
