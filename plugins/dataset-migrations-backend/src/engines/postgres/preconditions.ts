/** What must hold before a dataset moves to a new version; each check refuses with the reason. */
import type { PoolClient } from 'pg';
import { InputError } from '@backstage/errors';
import { catalogRead } from './connection';
import {
  formatRelation,
  isVersionOf,
  quoteRelation,
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

/**
 * A column with a collation other than its type's default: the new version's
 * columns are made from their types alone, so it would sort and compare by the
 * database's default collation, and readers' ORDER BY, comparisons and DISTINCT
 * would answer otherwise. Refused until the engine carries collations.
 */
export async function refuseCollations(
  client: PoolClient,
  dataset: ResolvedDataset,
): Promise<void> {
  const { rows } = await catalogRead<{ name: string; collation: string }>(
    client,
    `SELECT a.attname AS name, c.collname AS collation
       FROM pg_attribute a
       JOIN pg_type t ON t.oid = a.atttypid
       JOIN pg_collation c ON c.oid = a.attcollation
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
        AND a.attcollation <> 0 AND a.attcollation <> t.typcollation
      ORDER BY a.attnum`,
    [quoteRelation(dataset.storage)],
  );
  if (rows.length > 0)
    throw new InputError(
      `${formatRelation(dataset.relation)} has ${rows
        .map(r => `column "${r.name}" with collation "${r.collation}"`)
        .join(
          ', ',
        )}; this engine does not carry collations to the new version yet, where readers would sort and compare by the database's default instead`,
    );
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
