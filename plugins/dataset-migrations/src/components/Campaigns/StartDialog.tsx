import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogContentText,
  DialogTitle,
} from '@material-ui/core';
import type { Campaign } from '@dataset-migrations/plugin-dataset-migrations-common';

/** Asks before starting, naming the scale: how many datasets, in how many waves. */
export function StartDialog(props: {
  campaign: Pick<Campaign, 'title' | 'plan'>;
  open: boolean;
  onCancel(): void;
  onConfirm(): void;
}) {
  const { campaign, open, onCancel, onConfirm } = props;
  const datasets = campaign.plan.totals.datasets;
  const waves = campaign.plan.waves.length;
  return (
    <Dialog open={open} onClose={onCancel} aria-labelledby="start-title">
      <DialogTitle id="start-title">Start {campaign.title}?</DialogTitle>
      <DialogContent>
        <DialogContentText>
          This migrates {datasets} {datasets === 1 ? 'dataset' : 'datasets'} in{' '}
          {waves} {waves === 1 ? 'wave' : 'waves'}, the canary first. Each
          migration is requested in your name. Starting approves those you may
          approve; the others wait for their owners' approval. You can pause or
          abort the campaign at any time; a migration already cutting over
          finishes first.
        </DialogContentText>
      </DialogContent>
      <DialogActions>
        <Button onClick={onCancel}>Not yet</Button>
        <Button color="secondary" variant="contained" onClick={onConfirm}>
          Start {datasets} {datasets === 1 ? 'dataset' : 'datasets'} in {waves}{' '}
          {waves === 1 ? 'wave' : 'waves'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
