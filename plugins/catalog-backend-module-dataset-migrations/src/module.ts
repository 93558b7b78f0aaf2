import { createBackendModule } from '@backstage/backend-plugin-api';
import { catalogProcessingExtensionPoint } from '@backstage/plugin-catalog-node';
import { datasetSchemaVersionServiceRef } from '@dataset-migrations/plugin-dataset-migrations-node';
import { DatasetSchemaVersionProcessor } from './DatasetSchemaVersionProcessor';

/**
 * Catalog module that writes migrated schema versions back onto dataset entities.
 *
 * @public
 */
export const catalogModuleDatasetMigrations = createBackendModule({
  pluginId: 'catalog',
  moduleId: 'dataset-migrations',
  register(env) {
    env.registerInit({
      deps: {
        catalog: catalogProcessingExtensionPoint,
        versions: datasetSchemaVersionServiceRef,
      },
      async init({ catalog, versions }) {
        catalog.addProcessor(new DatasetSchemaVersionProcessor(versions));
      },
    });
  },
});
