/** What must hold before a dataset moves to a new version; each check refuses with the reason. */
import type { PoolClient } from 'pg';
import { InputError } from '@backstage/errors';
import { catalogRead } from './connection';
import {
  formatRelation,
  isVersionOf,
  readDependents,
  relationExists,
  type ResolvedDataset,
} from './relations';
import { isRename, type MigrationShape } from './sql/shape';

/**
 * Views and foreign keys are bound to a table, not to the name readers use: after
 * the switch they would keep the old version, and dropping it would break them.
 */
export async function refuseDependents(
  client: PoolClient,
  dataset: ResolvedDataset,
): Promise<void> {
  const dependents = await readDependents(
    client,
    dataset.kind === 'view'
      ? [dataset.relation, dataset.storage]
      : [dataset.storage],
    dataset.relation,
  );
  if (dependents.length > 0) {
    throw new InputError(
      `${formatRelation(
        dataset.relation,
      )} cannot move to a new version while ${dependents.join(
        ', ',
      )} depend on its current table; Postgres binds them to the table, not the name, so they would stay on the old version. Drop or repoint them first`,
    );
  }
}

/** A rename needs its schema, and a name nobody uses yet. */
export async function checkNewName(
  client: PoolClient,
  shape: MigrationShape,
  dataset: ResolvedDataset,
): Promise<void> {
  if (!isRename(shape, dataset)) return;
  const { rowCount } = await catalogRead(
    client,
    `SELECT 1 FROM pg_namespace WHERE nspname = $1`,
    [shape.name.schema],
  );
  if (!rowCount) {
    throw new InputError(
      `cannot rename to ${formatRelation(shape.name)}: schema ${
        shape.name.schema
      } does not exist`,
    );
  }
  if (isVersionOf(dataset.relation, shape.name)) {
    throw new InputError(
      `cannot rename to ${formatRelation(
        shape.name,
      )}: that is the name of one of the dataset's versions`,
    );
  }
  if (await relationExists(client, shape.name)) {
    throw new InputError(
      `cannot rename to ${formatRelation(shape.name)}: it already exists`,
    );
  }
}
