export * from './DatasetMigrationsApi';
export * from './DatasetMigrationsClient';
