/** Statements that move the dataset's name between versions: cut-over, rollback and contract. */

import {
  EXPAND_INDEX_COMMENT,
  type RelationName,
  quoteRelation,
} from '../relations';
import {
  carryTriggersSql,
  restoreTriggersSql,
  type TableTrigger,
} from '../triggers';
import { dropCaptureSql } from './capture';
import {
  dropExpandSql,
  dropFrozenPartitionsSql,
  dropRefuseWritesSql,
  expandViewStatements,
  freezePartitionsSql,
  freezePreviousSql,
  refuseWritesSql,
  sourceDefaultsOf,
  targetDefaultsOf,
  viewDefaultsSql,
} from './expand';
import { alwaysAgainSql, levelIdentitySql } from './identity';
import { createViewSql } from './privileges';
import {
  createReverseSql,
  createTruncateReverseSql,
  dropReverseSql,
} from './reverse';
import { type MigrationShape, isRename, previousVersion } from './shape';
import { dollarQuoted, literal, q } from './values';

/**
 * Repoints the dataset's name at the target. The first migration renames the
 * original table to its versioned name and puts a view in its place. A rename puts
 * the view under the new name instead; the old name keeps reading the old version
 * for readers that have not moved, and refuses writes, which would be lost there.
 */
export function cutOverStatements(
  shape: MigrationShape,
  dataset: { relation: RelationName; kind: 'table' | 'view' },
  fromVersion: number,
  /** The dataset's grants, for each name's view (see copyGrantsSql). */
  grants: { name: string[]; oldName: string[]; truncate?: string[] },
  /** The source's partitions (quoted), which refuse writes made straight into them from now on. */
  partitions: string[] = [],
  /** The source's triggers, which the new version takes over (see triggersToCarry). */
  triggers: TableTrigger[] = [],
): string[] {
  const previous = previousVersion(shape, dataset, fromVersion);
  const renamed = isRename(shape, dataset);
  const oldName = quoteRelation(dataset.relation);
  const moveOldName: string[] = [];
  if (dataset.kind === 'table') {
    moveOldName.push(`ALTER TABLE ${oldName} RENAME TO ${q(previous.name)}`);
    if (renamed)
      moveOldName.push(
        ...createViewSql(
          dataset.relation,
          `SELECT * FROM ${quoteRelation(previous)}`,
          grants.oldName,
        ),
        // It refuses writes until a rollback makes it the name again.
        ...viewDefaultsSql(dataset.relation, sourceDefaultsOf(shape)),
      );
  } else if (!renamed) {
    moveOldName.push(`DROP VIEW ${oldName}`);
  }
  return [
    `LOCK TABLE ${quoteRelation(shape.source)} IN EXCLUSIVE MODE`,
    // Inserts through the name go to the new version from now on.
    ...shape.identities.map(i =>
      levelIdentitySql(
        { table: shape.source, column: i.from },
        { table: shape.target, column: i.to },
      ),
    ),
    ...dropCaptureSql(shape),
    ...moveOldName,
    ...(renamed
      ? [
          ...refuseWritesSql(shape, dataset.relation),
          // A renamed dataset's new name serves the new version as it is.
          ...createViewSql(
            shape.name,
            `SELECT * FROM ${quoteRelation(shape.target)}`,
            grants.name,
          ),
          ...viewDefaultsSql(shape.name, targetDefaultsOf(shape)),
        ]
      : expandViewStatements(shape, previous, grants.name)),
    ...createReverseSql(shape, previous),
    ...createTruncateReverseSql(shape, previous),
    ...(grants.truncate ?? []),
    ...freezePartitionsSql(shape, partitions),
    ...freezePreviousSql(shape, previous),
    ...carryTriggersSql(shape, previous, triggers),
  ];
}

/**
 * Points the name back at the old version, which the reverse trigger kept current,
 * and drops the new one: every write it took is in the old version now. After a
 * rename the old name already reads the old version; the new name goes.
 */
export function rollbackStatements(
  shape: MigrationShape,
  dataset: { relation: RelationName },
  previous: RelationName,
  /** The dataset's grants, to give the recreated view (see copyGrantsSql). */
  grants: string[],
  /** The previous version's triggers the new one took over (see handedOver). */
  triggers: string[] = [],
): string[] {
  const repoint = isRename(shape, dataset)
    ? [
        ...dropRefuseWritesSql(shape, dataset.relation),
        `DROP VIEW ${quoteRelation(shape.name)}`,
        // Its trigger's functions, which the view took with it no more than
        // in the other branch.
        ...dropExpandSql(shape),
      ]
    : [
        `DROP VIEW ${quoteRelation(dataset.relation)}`,
        ...dropExpandSql(shape),
        ...createViewSql(
          dataset.relation,
          `SELECT * FROM ${quoteRelation(previous)}`,
          grants,
        ),
        // As the table's, for writers that read defaults from the catalog.
        ...viewDefaultsSql(dataset.relation, sourceDefaultsOf(shape)),
      ];
  return [
    `LOCK TABLE ${quoteRelation(shape.target)} IN EXCLUSIVE MODE`,
    // The new version numbered the rows inserted since cut-over.
    ...shape.identities.map(i =>
      levelIdentitySql(
        { table: shape.target, column: i.to },
        { table: previous, column: i.from },
      ),
    ),
    ...dropReverseSql(shape),
    ...dropFrozenPartitionsSql(shape),
    ...restoreTriggersSql(previous, triggers),
    ...repoint,
    `DROP TABLE ${quoteRelation(shape.target)}`,
  ];
}

/**
 * Ends the old version, and the old name if the dataset was renamed: after this,
 * rollback is gone. While the name still reads this migration's version it becomes
 * exactly that version (the expand view goes); after a later migration moved the
 * name on, only the old version and its bookkeeping go.
 */
export function contractStatements(
  shape: MigrationShape,
  dataset: { relation: RelationName },
  previous: RelationName,
  /** The name's grants, for its plain view; undefined when the name moved on. */
  grants: string[] | undefined,
): string[] {
  const name = quoteRelation(shape.name);
  const narrow =
    grants && !isRename(shape, dataset)
      ? [
          `LOCK TABLE ${quoteRelation(shape.target)} IN EXCLUSIVE MODE`,
          `DROP VIEW ${name}`,
          ...createViewSql(
            shape.name,
            `SELECT * FROM ${quoteRelation(shape.target)}`,
            grants,
          ),
          // The new version's defaults, for writers that read them from the
          // catalog (see viewDefaultsSql).
          ...viewDefaultsSql(shape.name, targetDefaultsOf(shape)),
        ]
      : [];
  return [
    ...narrow,
    // Until now the copy and the capture wrote the source's numbers into it.
    ...shape.identities
      .filter(i => i.always)
      .map(i => alwaysAgainSql(shape.target, i.to)),
    ...dropExpandSql(shape),
    dropExpandIndexesSql(shape.target),
    ...dropReverseSql(shape),
    ...dropFrozenPartitionsSql(shape),
    ...(isRename(shape, dataset)
      ? [
          `DROP VIEW IF EXISTS ${quoteRelation(dataset.relation)}`,
          `DROP FUNCTION IF EXISTS ${quoteRelation(shape.movedFunction)}()`,
        ]
      : []),
    `DROP TABLE IF EXISTS ${quoteRelation(previous)}`,
  ];
}

/**
 * Drops the indexes kept for readers of the previous shape (see expandIndexesOf):
 * every index of the new version marked so, not those this code would name now,
 * so that one named by an earlier release, or over an index dropped since, goes too.
 * The new version may be gone already: a later migration's contract dropped it.
 */
function dropExpandIndexesSql(target: RelationName): string {
  return `DO ${dollarQuoted(
    `DECLARE kept regclass;
BEGIN
  FOR kept IN SELECT x.indexrelid::regclass FROM pg_index x
                WHERE x.indrelid = to_regclass(${literal(
                  quoteRelation(target),
                )})
                  AND obj_description(x.indexrelid, 'pg_class') = ${literal(
                    EXPAND_INDEX_COMMENT,
                  )}
  LOOP
    EXECUTE format('DROP INDEX %s', kept);
  END LOOP;
END`,
    'dsm',
  )}`;
}
