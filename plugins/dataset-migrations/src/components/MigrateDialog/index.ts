export { MigrateButton } from './MigrateButton';
