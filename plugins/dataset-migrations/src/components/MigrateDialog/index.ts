export { MigrateButton } from './MigrateButton';
export { MigrateDialog, type MigrateDialogProps } from './MigrateDialog';
