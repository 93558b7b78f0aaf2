import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
} from '@material-ui/core';
import type { Migration } from '@dataset-migrations/plugin-dataset-migrations-common';

/**
 * Asks before a rollback and says what it does: readers go back to the previous
 * version, and consumers already patched for the new one are the ones who pay.
 */
export function RollbackDialog(props: {
  migration: Migration;
  open: boolean;
  onCancel(): void;
  onConfirm(): void;
}) {
  const { migration, open, onCancel, onConfirm } = props;
  const from = migration.fromVersion;
  const to = migration.targetVersion;
  return (
    // The dialog sits in the run's summary row: keep its clicks from toggling it.
    <Dialog
      open={open}
      onClose={onCancel}
      onClick={event => event.stopPropagation()}
      aria-labelledby="rollback-title"
    >
      <DialogTitle id="rollback-title">
        Roll back version {to} to version {from}?
      </DialogTitle>
      <DialogContent>
        <DialogContentText>
          Readers of the dataset go back to version {from}: its fields and names
          as they were, with every row written since kept. Version {to}'s new
          fields are no longer served.
        </DialogContentText>
        <DialogContentText>
          This migration's consumers are superseded and their open pull requests
          closed. If some have already merged patches for version {to}, they
          would break: the rollback is refused, and you can then roll back
          anyway with a reason that is kept with the run.
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Keep version {to}</Button>
        <Button color="secondary" variant="contained" onClick={onConfirm}>
          Roll back
        </Button>
      </DialogActions>
    </Dialog>
  );
}
