/** The plan: every stage of a migration with the SQL it runs, before anything runs. */
import {
  expandPhaseOf,
  type PlannedStage,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { DatasetMigrationPlanRequest } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { BackfillSettings } from './config';
import type { Connections } from './connection';
import {
  checkNewName,
  refuseDependents,
  refuseActionsLeftBehind,
  refuseUncarried,
  refuseUnresolvedValues,
} from './preconditions';
import { throughViewWarnings } from './failingThroughView';
import { parseRelationName, quoteRelation, resolveDataset } from './relations';
import { provenance, shapeFor } from './runShape';
import { createTargetStatements, dropCaptureSql } from './sql/capture';
import { dropChangedValueFnSql, guessedDatesWarning } from './sql/keptValues';
import { verifySql } from './sql/checksums';
import { copyRangeSql, dryRunSql, removeGhostsSql } from './sql/copy';
import {
  batchEndsSql,
  keyRangeConditions,
  rangeEndSql,
  sourceKeyColumns,
} from './sql/keyRanges';
import { blockRange, blockRangeConditions } from './sql/blockRanges';
import { readSourceStorage } from './stages/backfill';
import { inverseOf } from './sql/reverse';
import { keyTypesOf, previousVersion, type MigrationShape } from './sql/shape';
import {
  contractStatements,
  cutOverStatements,
  rollbackStatements,
} from './sql/versionSwitch';
import { grantsAfterCutOver } from './stages/cutOver';
import { triggersToCarry } from './triggers';
import { DRY_RUN_SAMPLE_ROWS } from './stages/dryRun';
import { BATCHES_PER_RANGE } from './stages/verify';

export async function planStages(
  db: Connections,
  settings: BackfillSettings,
  request: DatasetMigrationPlanRequest,
): Promise<PlannedStage[]> {
  return db.withClient(async client => {
    const dataset = await resolveDataset(
      client,
      parseRelationName(request.dataset.table),
    );
    await refuseDependents(client, dataset);
    await refuseUncarried(client, dataset);
    const shape = await shapeFor(client, dataset, request, {
      bookkeepingSchema: db.bookkeepingSchema,
    });
    await checkNewName(client, shape, dataset);
    refuseActionsLeftBehind(shape);
    await refuseUnresolvedValues(client, shape);
    const grants = await grantsAfterCutOver(client, shape, dataset);
    const triggers = await triggersToCarry(client, shape);
    const previous = previousVersion(shape, dataset, request.fromVersion);
    const keyTypes = keyTypesOf(shape);
    const heap =
      !settings.batchesByKey &&
      (await readSourceStorage(client, shape, false)).heap;
    const plainCopy = { skipCopied: false, keepExisting: false };
    const warnings = [
      ...(await throughViewWarnings(
        client,
        dataset,
        !expandPhaseOf(shape.sourceFields, shape.fields).plain,
      )),
      guessedDatesWarning(shape),
    ].filter((w): w is string => w !== undefined);
    return [
      {
        name: 'dry-run',
        description: `Transform about ${DRY_RUN_SAMPLE_ROWS} sampled rows in a read-only transaction; a failure, a NULL in a field the new version holds NOT NULL, or a value a retype's cast would change (rounded, cut, a time of day dropped) names the rows by key.`,
        sql: [dryRunSql(shape, 'TABLESAMPLE SYSTEM (<percent>)')],
      },
      {
        name: 'create-target',
        description:
          'Create the new version and a trigger that applies every write to the source to it, in one transaction.',
        sql: createTargetStatements(shape, provenance(request)),
      },
      {
        name: 'backfill',
        description: `Per batch (up to ${
          settings.maxBatchRows
        } rows, sized to ~${
          settings.batchDurationMs
        } ms, its own transaction): ${
          heap
            ? "copy the next range of the source's blocks (a TID range scan, as fast as a sequential scan), then check under the copy's lock that the source was not rewritten meanwhile (else start again, leaving out rows copied)"
            : "find the batch's last key, copy the range"
        }; once writers are met, copy in short ranges leaving out rows the capture wrote, and redo a range a write lands in keeping the writer's row. The commit does not wait for the disk; the position is checkpointed once the server has flushed past it.`,
        sql: heap
          ? [
              copyRangeSql(
                shape,
                blockRangeConditions(blockRange(1, 2)),
                plainCopy,
              ),
            ]
          : [
              batchEndsSql(shape, keyTypes, true),
              copyRangeSql(
                shape,
                keyRangeConditions(sourceKeyColumns(shape), keyTypes, {
                  hasLastKey: true,
                  hasEnd: true,
                }),
                plainCopy,
              ),
            ],
      },
      {
        name: 'indexes',
        description: indexesDescription(shape, request.fromVersion),
        sql: [
          ...shape.carryOver.indexes.flatMap(i =>
            i.constraint ? [i.create, i.constraint] : [i.create],
          ),
          ...shape.carryOver.constraints.flatMap(c =>
            c.validate ? [c.add, c.validate] : [c.add],
          ),
        ],
      },
      {
        name: 'verify',
        description: `Remove rows deleted while they were copied; then, range by range of the source's key (up to ${
          BATCHES_PER_RANGE * settings.maxBatchRows
        } rows, sized to ~${
          BATCHES_PER_RANGE * settings.batchDurationMs
        } ms, each checkpointed), compare in one repeatable-read snapshot the row counts and checksums of the mapped source and the target. Several ranges: the new version analyzed first, each range ending where a backfill by key marked one about 10 batches' cap of rows apart (else, as after a backfill by block, where a walk of the key's index finds it, sized by time as above); the whole tables in one range when they fit in one or the new key does not keep the source key's order.`,
        sql: [
          removeGhostsSql(shape),
          ...verifySql(shape),
          `ANALYZE ${quoteRelation(shape.target)}`,
          rangeEndSql(shape, keyTypes, true),
          ...verifySql(shape, {
            range: { hasLastKey: true, hasEnd: true },
            sourceKeyTypes: keyTypes,
            targetKeyTypes: shape.targetKey.map(f => f.type),
          }),
        ],
      },
      {
        name: 'cut-over',
        description:
          'One short transaction: writers wait, readers go on, the name moves to the new version.',
        ...(warnings.length > 0 ? { warnings } : {}),
        sql: cutOverStatements(
          shape,
          dataset,
          request.fromVersion,
          grants,
          [],
          triggers,
        ),
      },
      {
        name: 'undo',
        description:
          'On failure or cancel before cut-over: remove the capture and the unfinished target; the source was never changed.',
        sql: [
          ...dropCaptureSql(shape),
          dropChangedValueFnSql(shape),
          `DROP TABLE IF EXISTS ${quoteRelation(shape.target)}`,
        ],
      },
      {
        name: 'rollback',
        description: rollbackDescription(shape),
        // The view is recreated under the dataset's name, with its grants now.
        sql: rollbackStatements(
          shape,
          dataset,
          previous,
          grants.oldName,
          triggers.map(t => t.name),
        ),
      },
      {
        name: 'contract',
        description: `On request, after the retention period: drop version ${request.fromVersion}; rollback ends here.`,
        sql: contractStatements(shape, dataset, previous, grants.name),
      },
    ];
  });
}

function indexesDescription(
  shape: MigrationShape,
  fromVersion: number,
): string {
  const { indexes, constraints, skipped } = shape.carryOver;
  const forPrevious = indexes.filter(i => i.expand).length;
  const rebuilt =
    indexes.length + constraints.length === 0
      ? 'No secondary indexes, CHECKs or foreign keys to carry over.'
      : `Build ${indexes.length} indexes concurrently${
          forPrevious > 0
            ? ` (${forPrevious} of them on the previous types' values, for readers of version ${fromVersion} until contract, which drops them)`
            : ''
        }, then add ${
          constraints.length
        } CHECK and foreign-key constraints and validate them, each without blocking writers.`;
  return skipped.length === 0
    ? rebuilt
    : `${rebuilt} Not carried over: ${skipped.join('; ')}.`;
}

function rollbackDescription(shape: MigrationShape): string {
  const inverse = inverseOf(shape);
  return 'impossible' in inverse
    ? `After cut-over: not available, ${inverse.impossible}.`
    : 'After cut-over, on request: point the name back at the previous version, which a trigger keeps current with every write to the new one, and drop the new one.';
}
