import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { DatasetEngineFactory } from './engine';

export interface DatasetEnginesExtensionPoint {
  /** Makes engines of `factory.type` available to `datasetMigrations.engines` config. */
  addEngineFactory(factory: DatasetEngineFactory): void;
}

/**
 * Backend modules of the dataset-migrations plugin add engine types here.
 *
 * @public
 */
export const datasetEnginesExtensionPoint =
  createExtensionPoint<DatasetEnginesExtensionPoint>({
    id: 'dataset-migrations.engines',
  });
