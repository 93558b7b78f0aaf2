/**
 * Extension points and service refs for building on the dataset-migrations backend.
 *
 * @packageDocumentation
 */
export * from './engine';
export * from './extensions';
export * from './scm';
export * from './schemaVersionService';
export * from './permissions';
export type { PlannedStage } from '@dataset-migrations/plugin-dataset-migrations-common';
