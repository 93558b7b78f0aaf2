/** Stage create-target: the new version's table, and capture of every write to the source. */
import type { DatasetMigrationRun } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { Connections } from '../connection';
import {
  checkNewName,
  refuseDependents,
  refuseActionsLeftBehind,
  refuseUncarried,
  refuseUnresolvedValues,
} from '../preconditions';
import {
  formatRelation,
  parseRelationName,
  quoteRelation,
  relationExists,
  resolveDataset,
  versionOf,
} from '../relations';
import { isOurs, provenance } from '../runShape';
import { createTargetStatements, dropCaptureSql } from '../sql/capture';
import type { MigrationShape } from '../sql/shape';
import { onlyTableOf } from '../sql/blockRanges';
import { ensureBookkeepingSchema } from '../bookkeepingSchema';
import { triggersToCarry } from '../triggers';
import { readSourceStorage } from './backfill';
import { keepCapturedWriters, readCapturedWriters } from './capturedWriters';

export async function createTarget(
  db: Connections,
  run: DatasetMigrationRun,
  shape: MigrationShape,
): Promise<void> {
  refuseActionsLeftBehind(shape);
  await ensureBookkeepingSchema(db, shape.bookkeepingSchema);
  // A transaction of its own, read only, rolled back.
  await db.withClient(client => refuseUnresolvedValues(client, shape));
  const captured = await db.transaction(async client => {
    const dataset = await resolveDataset(
      client,
      parseRelationName(run.dataset.table),
    );
    await refuseDependents(client, dataset);
    await refuseUncarried(client, dataset);
    await triggersToCarry(client, shape);
    await checkNewName(client, shape, dataset);
    const previous = versionOf(dataset.relation, run.fromVersion);
    if (dataset.kind === 'table' && (await relationExists(client, previous))) {
      throw new Error(
        `cannot keep version ${run.fromVersion} readable: ${formatRelation(
          previous,
        )} already exists`,
      );
    }
    if (await relationExists(client, shape.target)) {
      // Left by an attempt of this same run that stopped before its checkpoint.
      if (!(await isOurs(client, shape.target, run))) {
        throw new Error(
          `relation ${formatRelation(shape.target)} already exists`,
        );
      }
      await client.query(`DROP TABLE ${quoteRelation(shape.target)}`);
    }
    for (const sql of [
      ...dropCaptureSql(shape),
      ...createTargetStatements(shape, provenance(run)),
    ]) {
      await client.query(sql);
    }
    // Under the trigger's lock: no write before it is still running. Only
    // where the copy goes by block (PostgreSQL 14 or later) and may use them.
    const storage = await readSourceStorage(client, shape, false);
    const writers =
      storage.heap && onlyTableOf(storage.storage) !== undefined
        ? await readCapturedWriters(client, shape, storage.storage)
        : undefined;
    await run.log(
      `created ${formatRelation(shape.target)} with ${
        shape.fields.length
      } fields; writes to ${formatRelation(
        shape.source,
      )} are captured from now on`,
    );
    return writers;
  });
  if (captured) await keepCapturedWriters(run, captured);
}
