import { useEffect } from 'react';
import {
  Box,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { Progress } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import type { Migration } from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { formatDuration } from '../shared/format';

/** One run's steps and log lines, refetched whenever the run's row changes. */
export function MigrationRunDetails(props: { migration: Migration }) {
  const { id, updatedAt } = props.migration;
  const api = useApi(datasetMigrationsApiRef);
  const details = useAsyncRetry(() => api.getMigration(id), [api, id]);
  const { retry } = details;
  useEffect(() => retry(), [updatedAt, retry]);

  if (details.error) return <Alert severity="error">{details.error.message}</Alert>;
  if (!details.value) return <Progress />;
  const { steps, logs, failureReason, changes } = details.value;
  return (
    <Box width="100%">
      {failureReason && (
        <Alert severity={props.migration.status === 'cancelled' ? 'warning' : 'error'}>
          {failureReason}
        </Alert>
      )}
      <Typography variant="subtitle2">Changes</Typography>
      <Box component="pre" fontSize={12} m={0} mb={1}>
        {changes.map(change => JSON.stringify(change)).join('\n')}
      </Box>
      <Typography variant="subtitle2">Steps</Typography>
      <Table size="small" aria-label="Steps">
        <TableHead>
          <TableRow>
            <TableCell>Attempt</TableCell>
            <TableCell>Step</TableCell>
            <TableCell>Status</TableCell>
            <TableCell>Duration</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {steps.map(step => (
            <TableRow key={`${step.attempt}-${step.name}`}>
              <TableCell>{step.attempt}</TableCell>
              <TableCell>{step.name}</TableCell>
              <TableCell>{step.status}</TableCell>
              <TableCell>{formatDuration(step.startedAt, step.finishedAt)}</TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      <Typography variant="subtitle2" style={{ marginTop: 8 }}>
        Log
      </Typography>
      <Box component="pre" fontSize={12} m={0} style={{ whiteSpace: 'pre-wrap' }}>
        {logs
          .map(
            line =>
              `${new Date(line.createdAt).toLocaleTimeString()} [${line.level}]${
                line.step ? ` ${line.step}:` : ''
              } ${line.message}`,
          )
          .join('\n')}
      </Box>
    </Box>
  );
}
