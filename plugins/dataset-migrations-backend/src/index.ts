/**
 * Backend plugin for dataset migrations: plans, queues and runs schema migrations of
 * catalog datasets on graphile-worker.
 *
 * @packageDocumentation
 */
export { datasetMigrationsPlugin as default } from './plugin';
export { postgresEngineFactory } from './engines/postgres/PostgresDatasetEngine';
