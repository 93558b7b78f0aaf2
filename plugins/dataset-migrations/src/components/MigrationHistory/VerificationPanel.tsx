import {
  Box,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import { StatusError, StatusOK } from '@backstage/core-components';
import type { RecordedVerification } from '@dataset-migrations/plugin-dataset-migrations-common';
import { formatCount, formatMs, formatTime } from '../shared/format';

/** What differs, in words, for a mismatch that the table alone leaves to spot. */
function differences(verification: RecordedVerification): string {
  const { source, target } = verification;
  const differing = [
    source.rows !== target.rows && 'row counts',
    !verification.checksumsWithheld &&
      source.checksum !== target.checksum &&
      'checksums',
  ].filter(Boolean);
  return differing.length ? `: ${differing.join(' and ')} differ` : '';
}

/** The verify stage's figures: the mapped source against the new version. */
export function VerificationPanel(props: {
  verification: RecordedVerification;
}) {
  const { verification } = props;
  const {
    source,
    target,
    matched,
    durationMs,
    rowsDeletedDuringCopy,
    attempt,
    recordedAt,
    checksumsWithheld,
  } = verification;
  const sides = [
    { label: 'Source, mapped', figures: source },
    { label: 'New version', figures: target },
  ];
  return (
    <Box mt={2}>
      <Typography variant="subtitle2">Verification</Typography>
      <Typography variant="body2" component="div">
        {matched ? (
          <StatusOK>Matched</StatusOK>
        ) : (
          <StatusError>Mismatched{differences(verification)}</StatusError>
        )}
      </Typography>
      <Typography variant="caption" component="p">
        Attempt {attempt}, compared in {formatMs(durationMs)}, at{' '}
        {formatTime(recordedAt)}
        {rowsDeletedDuringCopy
          ? `; ${rowsDeletedDuringCopy.toLocaleString(
              'en-US',
            )} rows deleted during the copy were removed first`
          : ''}
      </Typography>
      <Table size="small" aria-label="Verification">
        <TableHead>
          <TableRow>
            <TableCell>Side</TableCell>
            <TableCell align="right">Rows</TableCell>
            <TableCell>Checksum</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {sides.map(({ label, figures }) => (
            <TableRow key={label}>
              <TableCell>{label}</TableCell>
              <TableCell align="right">{formatCount(figures.rows)}</TableCell>
              <TableCell>
                {checksumsWithheld ? (
                  <Typography variant="caption">withheld</Typography>
                ) : (
                  <Box component="code" fontFamily="monospace">
                    {figures.checksum}
                  </Box>
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {checksumsWithheld && (
        <Typography variant="caption" component="p">
          Checksums withheld: {checksumsWithheld}.
        </Typography>
      )}
    </Box>
  );
}
