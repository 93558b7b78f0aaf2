import type { Knex } from 'knex';
import type { PermissionCriteria } from '@backstage/plugin-permission-common';
import {
  isAndCriteria,
  isNotCriteria,
  isOrCriteria,
} from '@backstage/plugin-permission-node';
import type { MigrationPermissionFilter } from '@dataset-migrations/plugin-dataset-migrations-node';

/**
 * Which migration runs a caller may see: all, none, or those a condition selects
 * (applied in SQL by the store).
 */
export type MigrationVisibility =
  | { type: 'all' }
  | { type: 'none' }
  | {
      type: 'conditional';
      filter: PermissionCriteria<MigrationPermissionFilter>;
    };

const COLUMNS: Record<MigrationPermissionFilter['key'], string> = {
  requestedBy: 'requested_by',
  entityRef: 'entity_ref',
  datasetOwner: 'dataset_owner',
};

/**
 * Adds a permission condition on runs to a query of `migrations` as a WHERE
 * clause: `allOf`, `anyOf` and `not` nest as in the decision; a filter matches a
 * run whose column is one of its values, and one with no values matches none.
 * Throws on a filter key it does not know, rather than showing every run.
 */
export function whereVisible(
  query: Knex.QueryBuilder,
  criteria: PermissionCriteria<MigrationPermissionFilter>,
  table = 'migrations',
): void {
  if (isAndCriteria(criteria)) {
    // An empty allOf holds for every run, as the permission framework reads it;
    // said out loud, since knex drops an empty group (and `not` of it would too).
    if (criteria.allOf.length === 0) query.whereRaw('true');
    for (const part of criteria.allOf)
      query.andWhere(q => whereVisible(q, part, table));
  } else if (isOrCriteria(criteria)) {
    if (criteria.anyOf.length === 0) query.whereRaw('false');
    else
      query.andWhere(q => {
        for (const part of criteria.anyOf)
          q.orWhere(inner => whereVisible(inner, part, table));
      });
  } else if (isNotCriteria(criteria)) {
    query.whereNot(q => whereVisible(q, criteria.not, table));
  } else {
    const column = COLUMNS[criteria.key];
    if (!column)
      throw new Error(`unknown migration permission filter ${criteria.key}`);
    if (criteria.values.length === 0) query.whereRaw('false');
    // Not null first: a run without an owner is then plainly not owned, so
    // `not` selects it rather than dropping it as SQL's unknown.
    else
      query
        .whereNotNull(`${table}.${column}`)
        .whereIn(`${table}.${column}`, criteria.values);
  }
}
