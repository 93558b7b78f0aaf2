/**
 * A run's shape (see MigrationShape) as read from the database, and what the
 * database says about where the run stands: cut over yet, and which objects are its own.
 */
import { createHash } from 'node:crypto';
import type { PoolClient } from 'pg';
import { InputError } from '@backstage/errors';
import type {
  DatasetMigrationPlanRequest,
  DatasetMigrationRun,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import { planCarryOver } from './carryOver';
import type { Connections } from './connection';
import {
  formatRelation,
  parseRelationName,
  domainBaseTypes,
  primaryKey,
  qualifiedColumnTypes,
  readConstraints,
  readFields,
  readIndexes,
  readTablespaces,
  readKeyIdentities,
  relationComment,
  relationExists,
  resolveDataset,
  versionOf,
  type RelationName,
  type ResolvedDataset,
} from './relations';
import { expandIndexesOf } from './sql/expand';
import { isRename, type MigrationShape } from './sql/shape';
import { readSourceAsBegun, SOURCE_AS_BEGUN } from './sourceChanges';

/** The types an identity column may have, each spelling to its type. */
const INTEGER_TYPES = new Map([
  ['smallint', 'int2'],
  ['int2', 'int2'],
  ['integer', 'int4'],
  ['int', 'int4'],
  ['int4', 'int4'],
  ['bigint', 'int8'],
  ['int8', 'int8'],
]);

/** Names and keys of this run; the source is pinned at the first attempt. */
export async function shapeOf(
  db: Connections,
  run: DatasetMigrationRun,
): Promise<MigrationShape> {
  const pinned = await run.checkpoints.get<RelationName>('source');
  // Pinned too: a run started before the engine had a schema of its own (a
  // source pinned, no schema) keeps its objects in the dataset's schema.
  const bookkeepingSchema = pinned
    ? await run.checkpoints.get<string>('bookkeepingSchema')
    : db.bookkeepingSchema;
  const { shape, began } = await db.withClient(async client => {
    const read = await shapeFor(
      client,
      await resolveDataset(client, parseRelationName(run.dataset.table)),
      run,
      { source: pinned, bookkeepingSchema },
    );
    // What cut-over compares the source with (see refuseSourceChanges).
    return {
      shape: read,
      began: pinned ? undefined : await readSourceAsBegun(client, read.source),
    };
  });
  if (began) {
    // Before the source, which says the rest is pinned.
    await run.checkpoints.set(SOURCE_AS_BEGUN, began);
    await run.checkpoints.set('bookkeepingSchema', bookkeepingSchema);
    await run.checkpoints.set('source', shape.source);
  }
  return shape;
}

export async function shapeFor(
  client: PoolClient,
  dataset: ResolvedDataset,
  run: DatasetMigrationPlanRequest,
  pinned: { source?: RelationName; bookkeepingSchema?: string },
): Promise<MigrationShape> {
  let source = pinned.source ?? dataset.storage;
  if (
    dataset.kind === 'view' &&
    formatRelation(source) === formatRelation(dataset.relation)
  ) {
    // The source was the dataset's own table, renamed to its version at cut-over.
    source = versionOf(source, run.fromVersion);
  }
  const sourceKey = await primaryKey(client, source);
  if (sourceKey.length === 0) {
    throw new Error(
      `${formatRelation(
        source,
      )} has no primary key; copying in batches and capturing writes need one`,
    );
  }
  // Every type the shape spells goes into the engine's functions too, so a type
  // of the dataset's own is spelled with its schema (see qualifiedColumnTypes).
  const qualified = await qualifiedColumnTypes(client, source);
  const withSchema = <F extends { type: string }>(field: F): F => ({
    ...field,
    type: qualified.get(field.type) ?? field.type,
  });
  const fields = run.targetFields.map(withSchema);
  const bases = await domainBaseTypes(client, source);
  const targetKey = sourceKey.map(key => {
    const field = fields.find(
      f =>
        (f.source.kind === 'copy' || f.source.kind === 'cast') &&
        f.source.from === key,
    );
    if (!field)
      throw new Error(
        `primary key field "${key}" has no place in the new version`,
      );
    return field;
  });
  const identities = (await readKeyIdentities(client, source)).map(identity => {
    const carrier = targetKey[sourceKey.indexOf(identity.name)];
    const type = carrier.type.trim().toLowerCase();
    if (!INTEGER_TYPES.has(type))
      throw new InputError(
        `identity column "${identity.name}" of ${formatRelation(
          source,
        )} would become ${
          carrier.type
        }; the new version numbers its rows with an identity too, which must be smallint, integer or bigint`,
      );
    // The bounds are the type's own unless the type stays (a widened key
    // is widened to number further).
    const bounds =
      INTEGER_TYPES.get(type) === INTEGER_TYPES.get(identity.type)
        ? ` MINVALUE ${identity.min} MAXVALUE ${identity.max}`
        : '';
    return {
      from: identity.name,
      to: carrier.name,
      always: identity.always,
      options: `INCREMENT BY ${identity.increment}${bounds} CACHE ${
        identity.cache
      }${identity.cycle ? ' CYCLE' : ' NO CYCLE'}`,
    };
  });
  const name = run.renamedTo
    ? parseRelationName(run.renamedTo.table)
    : dataset.relation;
  const target = versionOf(name, run.targetVersion);
  for (const versioned of [
    target,
    versionOf(dataset.relation, run.fromVersion),
  ]) {
    // Postgres would cut a longer name short, and this one would not be found again.
    if (Buffer.byteLength(versioned.name) > 63) {
      throw new InputError(
        `${formatRelation(
          versioned,
        )} is longer than Postgres' 63-byte names; choose a shorter dataset name`,
      );
    }
  }
  const sourceFields = await readFields(client, source);
  const indexes = await readIndexes(client, source);
  const carryOver = planCarryOver({
    target,
    targetVersion: run.targetVersion,
    fields: run.targetFields,
    sourceTypes: new Map(sourceFields.map(f => [f.name, f.type])),
    indexes,
    constraints: await readConstraints(client, source),
  });
  // Object names must be unique per run and short enough for Postgres' 63 characters.
  const tag = createHash('sha256')
    .update(run.migrationId)
    .digest('hex')
    .slice(0, 12);
  const inSchema = (objectName: string) => ({
    schema: pinned.bookkeepingSchema ?? dataset.relation.schema,
    name: objectName,
  });
  const shape: MigrationShape = {
    source,
    target,
    name,
    bookkeepingSchema: inSchema('').schema,
    movedFunction: inSchema(`dsm_${tag}_moved`),
    movedTrigger: `dsm_${tag}_moved`,
    frozenFunction: inSchema(`dsm_${tag}_frozen`),
    frozenTrigger: `dsm_${tag}_frozen`,
    deleted: inSchema(`dsm_${tag}_deleted`),
    capture: {
      on: source,
      trigger: `dsm_${tag}_capture`,
      fn: inSchema(`dsm_${tag}_capture`),
      failures: inSchema(`dsm_${tag}_capture_failures`),
    },
    fields,
    sourceKey,
    targetKey,
    sourceFields: sourceFields.map(withSchema),
    domainBases: Object.fromEntries(
      [...bases].map(([type, base]) => [withSchema({ type }).type, base]),
    ),
    identities,
    expand: {
      fn: inSchema(`dsm_${tag}_expand`),
      trigger: `dsm_${tag}_expand`,
    },
    reverse: {
      on: target,
      trigger: `dsm_${tag}_reverse`,
      fn: inSchema(`dsm_${tag}_reverse`),
      failures: inSchema(`dsm_${tag}_reverse_failures`),
    },
    carryOver,
    tablespaces: await readTablespaces(client, source),
  };
  // Built with the rebuilt indexes, dropped at contract. A renamed dataset's
  // new name serves the new version as it is.
  if (!isRename(shape, dataset))
    carryOver.indexes.push(
      ...expandIndexesOf(shape, indexes, run.targetVersion),
    );
  return shape;
}

/** Whether the name readers use after the migration already reads its target. */
export async function isCutOver(client: PoolClient, shape: MigrationShape) {
  // Before a rename's cut-over, the new name does not exist yet.
  if (!(await relationExists(client, shape.name))) return false;
  const dataset = await resolveDataset(client, shape.name);
  return (
    dataset.kind === 'view' &&
    dataset.storage.schema === shape.target.schema &&
    dataset.storage.name === shape.target.name
  );
}

export async function isOurs(
  client: PoolClient,
  relation: RelationName,
  run: DatasetMigrationRun,
) {
  return (
    (await relationComment(client, relation))?.includes(
      `(migration ${run.migrationId})`,
    ) ?? false
  );
}

export function provenance(run: DatasetMigrationPlanRequest): string {
  return `dataset-migrations: ${run.entityRef} schema version ${run.targetVersion} (migration ${run.migrationId})`;
}
