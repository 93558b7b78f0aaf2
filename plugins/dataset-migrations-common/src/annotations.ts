import { RELATION_DEPENDS_ON, type Entity } from '@backstage/catalog-model';

/**
 * Names the configured engine (`datasetMigrations.engines.<name>`) that holds the dataset.
 *
 * @public
 */
export const ANNOTATION_ENGINE = 'dataset-migrations.io/engine';
/**
 * The dataset's relation on that engine, e.g. `public.listening_events`.
 *
 * @public
 */
export const ANNOTATION_TABLE = 'dataset-migrations.io/table';
/**
 * The dataset's schema version. Authors set the initial one; after a migration the
 * catalog module writes the migrated version back.
 *
 * @public
 */
export const ANNOTATION_SCHEMA_VERSION = 'dataset-migrations.io/schema-version';

/**
 * On a consumer: the command that proves a change to its code is good (tests, a dbt
 * compile, a linter). It runs in a sandboxed working copy with the patch applied.
 *
 * @public
 */
export const ANNOTATION_VERIFY_COMMAND = 'dataset-migrations.io/verify-command';

/**
 * A dataset is a catalog `Resource` of `spec.type: dataset`.
 *
 * @public
 */
export function isDatasetEntity(entity: Entity): boolean {
  return (
    entity.kind.toLocaleLowerCase('en-US') === 'resource' &&
    entity.spec?.type === 'dataset'
  );
}

/**
 * Whether the entity may read a dataset: it declares `dependsOn` a Resource. The
 * backend finds a dataset's consumers through the same lineage, from the other end
 * (the dataset's `dependencyOf` relations); which of those Resources are datasets
 * only the catalog can say, so this errs towards showing.
 *
 * @public
 */
export function isDatasetConsumerEntity(entity: Entity): boolean {
  return (entity.relations ?? []).some(
    r =>
      r.type === RELATION_DEPENDS_ON &&
      r.targetRef.toLocaleLowerCase('en-US').startsWith('resource:'),
  );
}

/**
 * The schema version the entity declares; datasets without one start at 1. One
 * that is no whole number of 1 or more reads as 1 here too, but the backend
 * refuses to migrate from it (see {@link declaredSchemaVersionProblem}).
 *
 * @public
 */
export function getDeclaredSchemaVersion(entity: Entity): number {
  const raw = entity.metadata.annotations?.[ANNOTATION_SCHEMA_VERSION];
  const version = raw === undefined ? 1 : Number(raw);
  return Number.isInteger(version) && version > 0 ? version : 1;
}

/**
 * What is wrong with the schema version the entity declares (`"v3"`, `"2.5"`,
 * `""`), in words that follow its ref; undefined when it declares none (it starts
 * at 1) or a whole number of 1 or more. Such a dataset may be on any version: a
 * migration from 1 would be a guess.
 *
 * @public
 */
export function declaredSchemaVersionProblem(
  entity: Entity,
): string | undefined {
  const raw = entity.metadata.annotations?.[ANNOTATION_SCHEMA_VERSION];
  if (raw === undefined) return undefined;
  const version = Number(raw);
  if (raw.trim() !== '' && Number.isInteger(version) && version > 0)
    return undefined;
  return `has the annotation ${ANNOTATION_SCHEMA_VERSION} ${JSON.stringify(
    raw,
  )}, which is not a whole number of 1 or more`;
}
