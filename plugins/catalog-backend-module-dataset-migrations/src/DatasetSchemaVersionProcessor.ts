import { stringifyEntityRef, type Entity } from '@backstage/catalog-model';
import type { CatalogProcessor } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_SCHEMA_VERSION,
  ANNOTATION_TABLE,
  isDatasetEntity,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { DatasetSchemaVersionService } from '@dataset-migrations/plugin-dataset-migrations-node';

/**
 * Writes the schema version a dataset was migrated to, and the table a migration
 * moved it to, onto its entity, so the catalog shows the live state while the
 * entity's source file still declares the one it started from.
 *
 * @public
 */
export class DatasetSchemaVersionProcessor implements CatalogProcessor {
  constructor(private readonly versions: DatasetSchemaVersionService) {}

  getProcessorName(): string {
    return 'DatasetSchemaVersionProcessor';
  }

  async preProcessEntity(entity: Entity): Promise<Entity> {
    if (!isDatasetEntity(entity)) return entity;
    // A failure here fails this processing round, and the catalog keeps the last
    // good entity: better a stale version than the declared one flashing back.
    const migrated = await this.versions.getMigratedDataset(
      stringifyEntityRef(entity),
    );
    if (migrated === undefined) return entity;
    return {
      ...entity,
      metadata: {
        ...entity.metadata,
        annotations: {
          ...entity.metadata.annotations,
          [ANNOTATION_SCHEMA_VERSION]: String(migrated.schemaVersion),
          ...(migrated.table ? { [ANNOTATION_TABLE]: migrated.table } : {}),
        },
      },
    };
  }
}
