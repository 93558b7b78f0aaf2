import type { Entity } from '@backstage/catalog-model';

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
 * The schema version the entity declares; datasets without one start at 1.
 *
 * @public
 */
export function getDeclaredSchemaVersion(entity: Entity): number {
  const raw = entity.metadata.annotations?.[ANNOTATION_SCHEMA_VERSION];
  const version = raw === undefined ? 1 : Number(raw);
  return Number.isInteger(version) && version > 0 ? version : 1;
}
