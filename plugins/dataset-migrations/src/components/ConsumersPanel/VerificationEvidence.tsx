import {
  Box,
  Table,
  TableBody,
  TableCell,
  TableHead,
  TableRow,
  Typography,
} from '@material-ui/core';
import type {
  CommandEvidence,
  ConsumerVerification,
  ResultFigures,
  ShadowCheck,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { formatCount, formatMs } from '../shared/format';

function formatFigures(figures?: ResultFigures): string {
  return figures
    ? `${formatCount(figures.rows)} rows · ${figures.checksum}`
    : '—';
}

/** What proves a consumer's patch good: its own command and the shadow queries. */
export function VerificationEvidence(props: {
  verification: ConsumerVerification;
}) {
  const { command, commandNotRun, shadowChecks, patchedBy, agentTurns } =
    props.verification;
  return (
    <Box>
      <Typography variant="body2" paragraph>
        Patched by the {patchedBy}
        {agentTurns !== undefined ? ` in ${agentTurns} turns` : ''}.
      </Typography>
      {command && <CommandOutcome command={command} />}
      {commandNotRun && (
        <Typography variant="body2" paragraph color="textSecondary">
          {commandNotRun}; the shadow queries below are the proof.
        </Typography>
      )}
      {shadowChecks.length > 0 && <ShadowChecks checks={shadowChecks} />}
    </Box>
  );
}

function CommandOutcome(props: { command: CommandEvidence }) {
  const { command, exitCode, timedOut, durationMs, outputTail } = props.command;
  const outcome = timedOut ? 'timed out' : `exit code ${exitCode ?? 'unknown'}`;
  return (
    <Box mb={1}>
      <Typography variant="body2">
        <Box component="code" fontFamily="monospace">
          {command}
        </Box>{' '}
        — {outcome} after {formatMs(durationMs)}
      </Typography>
      {outputTail && (
        <Box
          component="pre"
          fontFamily="monospace"
          fontSize={12}
          m={0}
          mt={0.5}
          p={1}
          maxHeight={240}
          bgcolor="background.default"
          style={{ overflow: 'auto', whiteSpace: 'pre-wrap' }}
          aria-label="Command output"
        >
          {outputTail}
        </Box>
      )}
    </Box>
  );
}

/** The rewritten queries against the new version next to the originals against the old. */
function ShadowChecks(props: { checks: ShadowCheck[] }) {
  const withSamples = props.checks.filter(c => c.differingRows?.length);
  return (
    <Box>
      <Table size="small" aria-label="Shadow checks">
        <TableHead>
          <TableRow>
            <TableCell>Query</TableCell>
            <TableCell>Before</TableCell>
            <TableCell>After</TableCell>
            <TableCell>Outcome</TableCell>
            <TableCell>Detail</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {props.checks.map(check => (
            <TableRow key={`${check.path}#${check.statement}`}>
              <TableCell style={{ wordBreak: 'break-all' }}>
                {check.path} #{check.statement}
              </TableCell>
              <TableCell>{formatFigures(check.before)}</TableCell>
              <TableCell>{formatFigures(check.after)}</TableCell>
              <TableCell>{check.outcome}</TableCell>
              <TableCell style={{ whiteSpace: 'pre-wrap' }}>
                {check.detail}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
      {withSamples.map(check => (
        <Box key={`${check.path}#${check.statement}`} mt={1}>
          <Typography variant="caption">
            Rows on one side only, {check.path} #{check.statement}
          </Typography>
          <Box
            component="pre"
            fontFamily="monospace"
            fontSize={12}
            m={0}
            p={1}
            bgcolor="background.default"
            style={{ overflowX: 'auto' }}
          >
            {check
              .differingRows!.map(
                ({ side, row }) => `${side}: ${JSON.stringify(row)}`,
              )
              .join('\n')}
          </Box>
        </Box>
      ))}
    </Box>
  );
}
