/** The names and keys one run works with, and the questions SQL builders ask of them. */

import type {
  DatasetField,
  TargetField,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { CarryOver } from '../carryOver';
import { type RelationName, quoteRelation, versionOf } from '../relations';
import type { RowTrigger } from './rowTriggers';

/** Everything one run needs to name and transform: source, target and their keys. */
export interface MigrationShape {
  source: RelationName;
  target: RelationName;
  /** The name readers use after the cut-over: the dataset's, or the one it is renamed to. */
  name: RelationName;
  /** Where the run's own functions and tables below are. */
  bookkeepingSchema: string;
  /** Refuses writes through the old name once the dataset was renamed away from it. */
  movedFunction: RelationName;
  movedTrigger: string;
  /**
   * Refuses writes made straight into a partition of the old version after
   * cut-over: they would reach neither the new version nor, after contract, anyone.
   */
  frozenFunction: RelationName;
  frozenTrigger: string;
  /** Source rows deleted while the run copies, so copied ghosts can be removed. */
  deleted: RelationName;
  /**
   * Applies writes to the source to the target while the run copies; its failures
   * table holds writes it could not transform, which fail verification.
   */
  capture: RowTrigger;
  fields: TargetField[];
  /** Source primary key, in index order: the keyset order of the backfill. */
  sourceKey: string[];
  /** Target primary key fields, in the same order. */
  targetKey: TargetField[];
  /** The source version's fields, for carrying writes back after cut-over. */
  sourceFields: DatasetField[];
  /**
   * The base type of each domain among the source's field types, as spelled
   * there (`public.instant` → `timestamptz`): a domain's values are its base's.
   */
  domainBases: Record<string, string>;
  /**
   * Identity columns of the source's key (`from`) and the new version's fields
   * that carry them (`to`): the new version numbers rows with an identity of its
   * own, BY DEFAULT until contract (the copy and the capture write the source's
   * numbers into it), brought level with the source's at cut-over and the other
   * way at rollback.
   */
  identities: {
    from: string;
    to: string;
    always: boolean;
    /** The source sequence's settings, as identity options. */
    options: string;
  }[];
  /**
   * Carries writes to the new version back to the old one after cut-over; its
   * failures table holds writes that could not go back, which a rollback would lose.
   */
  reverse: RowTrigger;
  /** The old version's indexes and constraints, rebuilt on the new one. */
  carryOver: CarryOver;
  /**
   * The tablespaces of the source (`table`) and of its key's index (`key`), where
   * not the database's default: the new version goes there too, not onto the
   * default's disk, which a copy of a table kept apart could fill.
   */
  tablespaces?: { table?: string; key?: string };
  /**
   * Between cut-over and contract the name serves both shapes (see expandViewSql);
   * when that takes computed columns, writes through it go through this trigger.
   */
  expand: { fn: RelationName; trigger: string };
}

/** Types of the source key columns, in key order, for typed keyset parameters. */
export function keyTypesOf(shape: MigrationShape): string[] {
  return shape.sourceKey.map(
    key => shape.sourceFields.find(f => f.name === key)!.type,
  );
}

/**
 * What every INSERT into the previous version says (the reverse trigger, the
 * expand view's previous rows): it writes the numbers of a GENERATED ALWAYS
 * identity itself. Always, since an identity BY DEFAULT now may be ALWAYS by the
 * time the trigger runs (an earlier run's contract makes it so).
 */
export const OVERRIDING_IDENTITY = ' OVERRIDING SYSTEM VALUE';

/** Whether the migration moves the dataset to another name. */
export function isRename(
  shape: MigrationShape,
  dataset: { relation: RelationName },
): boolean {
  return quoteRelation(shape.name) !== quoteRelation(dataset.relation);
}

/** Where the old version lives once the name moved: the source, renamed if it was the name. */
export function previousVersion(
  shape: MigrationShape,
  dataset: { relation: RelationName; kind: 'table' | 'view' },
  fromVersion: number,
): RelationName {
  return dataset.kind === 'table' && shape.source.name === dataset.relation.name
    ? versionOf(dataset.relation, fromVersion)
    : shape.source;
}
