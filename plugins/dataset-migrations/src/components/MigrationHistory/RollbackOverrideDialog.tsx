import { useState } from 'react';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
  TextField,
} from '@material-ui/core';
import { RefsInText } from '../shared/RefsInText';

/**
 * Asks a person why they roll back although consumers have merged patches for the
 * new version (the server's refusal says which); the reason is kept with the run.
 */
export function RollbackOverrideDialog(props: {
  refusal: string;
  onCancel(): void;
  onConfirm(reason: string): void;
}) {
  const [reason, setReason] = useState('');
  return (
    // The dialog sits in the run's summary row: keep its clicks from toggling it.
    <Dialog
      open
      onClose={props.onCancel}
      onClick={event => event.stopPropagation()}
      aria-labelledby="rollback-override-title"
    >
      <DialogTitle id="rollback-override-title">Roll back anyway?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          <RefsInText text={inWords(props.refusal)} />
        </DialogContentText>
        <TextField
          fullWidth
          multiline
          id="rollback-override-reason"
          label="Reason"
          helperText="Kept with the run, with your name and the time"
          value={reason}
          onChange={event => setReason(event.target.value)}
        />
      </DialogContent>
      <DialogActions>
        <Button onClick={props.onCancel}>Keep the new version</Button>
        <Button
          color="secondary"
          disabled={reason.trim() === ''}
          onClick={() => props.onConfirm(reason.trim())}
        >
          Roll back anyway
        </Button>
      </DialogActions>
    </Dialog>
  );
}

/** The refusal without the API's own instruction, which this dialog carries out. */
function inWords(refusal: string): string {
  const said = refusal.replace(
    /;\s*to roll back anyway, send an override.*$/,
    '.',
  );
  return said.charAt(0).toUpperCase() + said.slice(1);
}
