import { useEffect, useState } from 'react';
import {
  Button,
  Dialog,
  DialogActions,
  DialogContent,
  DialogTitle,
  TextField,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { useApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import {
  CONSUMER_STATES,
  MOVED_CONSUMER_STATES,
  type Migration,
  type MigrationConsumer,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { messageOf } from '../shared/format';
import { CONSUMER_STATE_LABELS } from '../shared/labels';

/** Consumers contract would break, by name; more are counted. */
const BLOCKERS_NAMED = 20;
const NOT_MOVED_STATES = CONSUMER_STATES.filter(
  state => !MOVED_CONSUMER_STATES.includes(state),
);

/**
 * Contract is the breaking moment: it says what goes, names the consumers that
 * have not moved (contracting anyway needs a reason), and asks for the dataset's
 * name.
 */
export function ContractDialog(props: {
  migration: Migration;
  open: boolean;
  onClose(): void;
  onContracted(): void;
}) {
  const { migration, open, onClose, onContracted } = props;
  const api = useApi(datasetMigrationsApiRef);
  const name = parseEntityRef(migration.entityRef).name;
  const [blockers, setBlockers] = useState<{
    named: MigrationConsumer[];
    total: number;
  }>();
  const [typed, setTyped] = useState('');
  const [reason, setReason] = useState('');
  const [error, setError] = useState<string>();
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    if (!open) return;
    setError(undefined);
    // The first few that have not moved are named; the rest are counted.
    api
      .getConsumerLedger(migration.id, {
        limit: BLOCKERS_NAMED,
        state: NOT_MOVED_STATES,
      })
      .then(ledger =>
        setBlockers({ named: ledger.consumers, total: ledger.total }),
      )
      .catch(e => setError(messageOf(e)));
  }, [api, migration.id, open]);

  const needsReason = (blockers?.total ?? 0) > 0;
  const ready =
    blockers !== undefined &&
    typed === name &&
    (!needsReason || reason.trim().length > 0);

  const contract = async () => {
    setBusy(true);
    setError(undefined);
    try {
      await api.contractMigration(
        migration.id,
        needsReason ? { override: { reason: reason.trim() } } : {},
      );
      onContracted();
    } catch (e) {
      setError(messageOf(e));
    } finally {
      setBusy(false);
    }
  };

  return (
    <Dialog open={open} onClose={onClose} onClick={e => e.stopPropagation()}>
      <DialogTitle>
        Contract version {migration.fromVersion} → {migration.targetVersion}
      </DialogTitle>
      <DialogContent>
        <Typography variant="body2" paragraph>
          The dataset's name becomes exactly version {migration.targetVersion}:
          fields only version {migration.fromVersion} had, and the old names of
          renamed fields, are gone from it, and version {migration.fromVersion}{' '}
          is dropped for good. There is no rolling back after this.
        </Typography>
        {blockers === undefined && !error && (
          <Typography variant="body2">Reading the consumers…</Typography>
        )}
        {needsReason && (
          <Alert severity="warning" style={{ marginBottom: 8 }}>
            {blockers!.total} consumer{blockers!.total > 1 ? 's' : ''} still
            read version {migration.fromVersion} and would break:{' '}
            {blockers!.named
              .map(
                c =>
                  `${c.title ?? c.entityRef} (${CONSUMER_STATE_LABELS[
                    c.state
                  ].toLowerCase()})`,
              )
              .join(', ')}
            {blockers!.total > blockers!.named.length &&
              ` and ${blockers!.total - blockers!.named.length} more`}
            . Contract anyway only with a reason; it is kept with the run.
          </Alert>
        )}
        {needsReason && (
          <TextField
            label="Reason to contract anyway"
            value={reason}
            onChange={e => setReason(e.target.value)}
            fullWidth
            multiline
            margin="dense"
            required
            inputProps={{ 'aria-label': 'reason to contract anyway' }}
          />
        )}
        <TextField
          label={`Type ${name} to confirm`}
          value={typed}
          onChange={e => setTyped(e.target.value)}
          fullWidth
          margin="dense"
          inputProps={{ 'aria-label': 'dataset name to confirm' }}
        />
        {error && <Alert severity="error">{error}</Alert>}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button
          color="secondary"
          variant="contained"
          disabled={!ready || busy}
          onClick={contract}
        >
          {needsReason ? 'Contract anyway' : 'Contract'}
        </Button>
      </DialogActions>
    </Dialog>
  );
}
