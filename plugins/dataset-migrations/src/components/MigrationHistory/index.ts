export { MigrationHistoryContent } from './MigrationHistoryContent';
