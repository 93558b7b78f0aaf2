import { createExtensionPoint } from '@backstage/backend-plugin-api';
import type { DatasetEngineFactory } from './engine';
import type { ScmProvider } from './scm';

/** @public */
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

/** @public */
export interface DatasetMigrationsScmExtensionPoint {
  /** Tried before the built-in providers, in the order added. */
  addScmProvider(provider: ScmProvider): void;
}

/**
 * Backend modules add source-control providers (GitLab, Bitbucket, …) here.
 *
 * @public
 */
export const datasetMigrationsScmExtensionPoint =
  createExtensionPoint<DatasetMigrationsScmExtensionPoint>({
    id: 'dataset-migrations.scm',
  });
