/**
 * Catalog backend module for dataset migrations.
 *
 * @packageDocumentation
 */
export { catalogModuleDatasetMigrations as default } from './module';
export { DatasetSchemaVersionProcessor } from './DatasetSchemaVersionProcessor';
