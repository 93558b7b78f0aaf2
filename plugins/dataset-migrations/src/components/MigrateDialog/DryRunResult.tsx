import type { ReactNode } from 'react';
import {
  Box,
  CircularProgress,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { useApi } from '@backstage/core-plugin-api';
import {
  isActiveMigrationStatus,
  type DryRunSample,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { messageOf } from '../shared/format';
import { usePolledValue } from '../shared/usePolledValue';
import { useMigrationSignals } from '../shared/useMigrationSignals';

/** Without signals, a dry run is followed by polling this often: it takes seconds. */
const POLL_MS = 1000;

/**
 * Follows a dry run the dialog started until it ends, then shows its outcome: a
 * sample of rows before and after the transform, or why it failed. `action` (the
 * dialog's "Run for real") stands beside a successful outcome only.
 */
export function DryRunResult(props: { id: string; action?: ReactNode }) {
  const { id, action } = props;
  const api = useApi(datasetMigrationsApiRef);
  const signals = useMigrationSignals(
    signal => signal.migrationId === id && !signal.consumerRef,
  );
  const run = usePolledValue(
    () => api.getMigration(id),
    [api, id, signals.changes],
    value =>
      value && !isActiveMigrationStatus(value.status)
        ? undefined
        : signals.pollMs(POLL_MS),
  );
  const value = run.value;
  if (!value || isActiveMigrationStatus(value.status))
    return (
      <Box display="flex" alignItems="center" style={{ gap: 8 }}>
        <CircularProgress size={16} aria-label="Dry run in progress" />
        <Typography variant="body2">
          The dry run is transforming a sample of the dataset…
        </Typography>
        {run.error && (
          <Typography variant="body2" color="error">
            ({messageOf(run.error)})
          </Typography>
        )}
      </Box>
    );
  if (value.status !== 'succeeded')
    return (
      <Box>
        <Alert severity="error" aria-label="Dry run outcome">
          The dry run{' '}
          {value.status === 'cancelled' ? 'was cancelled' : 'failed'}
          {value.failureReason ? `: ${value.failureReason}` : '.'}
        </Alert>
      </Box>
    );
  return (
    <Box>
      <Alert severity="success" aria-label="Dry run outcome" action={action}>
        The dry run transformed its sample without error; nothing was changed.
      </Alert>
      {value.dryRunSample && value.dryRunSample.rows.length > 0 && (
        <SampleTable sample={value.dryRunSample} />
      )}
      {value.dryRunSampleWithheld && (
        <Box mt={1}>
          <Typography variant="body2" color="textSecondary">
            Sample rows are not shown to you: {value.dryRunSampleWithheld}.
          </Typography>
        </Box>
      )}
    </Box>
  );
}

/** Each sampled row as it is now and as the new version will hold it. */
function SampleTable(props: { sample: DryRunSample }) {
  const { before, after, rows } = props.sample;
  const shown = (value: string | null) =>
    value === null ? <em>null</em> : value;
  return (
    <Box mt={1} style={{ overflowX: 'auto' }}>
      <Typography variant="subtitle2">
        Sample rows, before → after (the key and the fields that change)
      </Typography>
      <Table size="small" aria-label="Sample rows before and after">
        <TableHead>
          <TableRow>
            <TableCell colSpan={before.length}>Now</TableCell>
            <TableCell colSpan={after.length}>After the migration</TableCell>
          </TableRow>
          <TableRow>
            {before.map(column => (
              <TableCell key={`before-${column}`}>{column}</TableCell>
            ))}
            {after.map((column, i) => (
              <TableCell
                key={`after-${column}`}
                style={i === 0 ? { borderLeft: '2px solid' } : undefined}
              >
                {column}
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {rows.map((row, index) => (
            <TableRow key={index}>
              {before.map(column => (
                <TableCell key={`before-${column}`}>
                  {shown(row.before[column])}
                </TableCell>
              ))}
              {after.map((column, i) => (
                <TableCell
                  key={`after-${column}`}
                  style={i === 0 ? { borderLeft: '2px solid' } : undefined}
                >
                  {shown(row.after[column])}
                </TableCell>
              ))}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </Box>
  );
}
