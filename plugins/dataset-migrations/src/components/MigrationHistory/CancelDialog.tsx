import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
} from '@material-ui/core';
import type { Migration } from '@dataset-migrations/plugin-dataset-migrations-common';

/** Asks before a cancel, and says a cancelled run can be retried. */
export function CancelDialog(props: {
  migration: Migration;
  open: boolean;
  onKeep(): void;
  onConfirm(): void;
}) {
  const { migration, open, onKeep, onConfirm } = props;
  return (
    // The dialog sits in the run's summary row: keep its clicks from toggling it.
    <Dialog
      open={open}
      onClose={onKeep}
      onClick={event => event.stopPropagation()}
      aria-labelledby={`cancel-title-${migration.id}`}
    >
      <DialogTitle id={`cancel-title-${migration.id}`}>
        Cancel the migration to version {migration.targetVersion}?
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          The run stops at its next checkpoint. A cancelled run can be retried
          later.
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onKeep}>Keep running</Button>
        <Button color="secondary" variant="contained" onClick={onConfirm}>
          Cancel migration
        </Button>
      </DialogActions>
    </Dialog>
  );
}
