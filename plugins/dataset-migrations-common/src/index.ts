/**
 * Types, zod schemas and field-change logic shared by the dataset-migrations
 * frontend and backend.
 *
 * @packageDocumentation
 */
export * from './annotations';
export * from './fieldTypes';
export * from './schemas';
export * from './fieldChanges';
export * from './compatibility';
export * from './inference';
export * from './types';
export * from './consumers';
export * from './expand';
export * from './responses';
export * from './permissions';
export * from './outcomes';
export * from './campaigns';
export * from './inputText';
export * from './csv';
