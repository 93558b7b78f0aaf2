import {
  Box,
  LinearProgress,
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
import {
  isActiveMigrationStatus,
  type Migration,
  type MigrationStep,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { ConsumersPanel } from '../ConsumersPanel';
import { PlanView } from '../PlanView';
import { formatProgress, formatTime, messageOf } from '../shared/format';
import { Duration } from '../shared/Duration';
import { usePolledValue } from '../shared/usePolledValue';
import { useMigrationSignals } from '../shared/useMigrationSignals';
import { VerificationPanel } from './VerificationPanel';
import { describeChange, STEP_STATUS_LABELS } from '../shared/labels';
import { ApprovalNote, ApprovalPanel } from './ApprovalPanel';
import { PersonLink } from '../shared/PersonLink';
import { RefsInText } from '../shared/RefsInText';
import { ContractOverrideNote } from './ContractOverrideNote';

/** Without signals, an active run is followed by polling this often. */
const POLL_MS = 2000;

/**
 * One run as `GET /migrations/:id` reads it (its steps, logs and plan with its
 * status), refetched when the run changes in `migration` (the history's row) or
 * a signal says so, polled while it is active; nothing while `enabled` is false,
 * and what it held is forgotten then, so that opened again it shows no state
 * older than the row's.
 */
export function useRunDetails(migration: Migration, enabled = true) {
  const { id, updatedAt, status } = migration;
  const api = useApi(datasetMigrationsApiRef);
  const signals = useMigrationSignals(
    signal => signal.migrationId === id && !signal.consumerRef,
  );
  return usePolledValue(
    () => api.getMigration(id),
    [api, id, updatedAt, signals.changes],
    () => signals.pollMs(isActiveMigrationStatus(status) ? POLL_MS : undefined),
    { enabled, forgetWhileDisabled: true },
  );
}

/** The run's details as {@link useRunDetails} reads them. */
export type RunDetails = ReturnType<typeof useRunDetails>;

/**
 * One run's approval, steps, verification, consumers and log lines, all from one
 * reading of the run ({@link useRunDetails}: `details` when the caller read it,
 * so that its own header shows the same state, else read here).
 */
export function MigrationRunDetails(props: {
  migration: Migration;
  details?: RunDetails;
  /** Called after this view changed the run (approved or rejected it). */
  onChanged?(): void;
}) {
  const own = useRunDetails(props.migration, !props.details);
  const details = props.details ?? own;

  if (details.error)
    return <Alert severity="error">{messageOf(details.error)}</Alert>;
  if (!details.value) return <Progress />;
  const run = details.value;
  const { steps, logs, failureReason, changes, approval } = details.value;
  return (
    <Box width="100%">
      {details.value.status === 'awaiting-approval' && approval && (
        <ApprovalPanel
          migration={details.value}
          approval={approval}
          onDecided={() => {
            details.reload();
            props.onChanged?.();
          }}
        />
      )}
      {approval?.decision && (
        <Alert
          severity={
            approval.decision.outcome === 'approved' ? 'success' : 'warning'
          }
          aria-label="Approval decision"
        >
          <ApprovalNote decision={approval.decision} />
        </Alert>
      )}
      {failureReason && (
        <Alert severity={run.status === 'cancelled' ? 'warning' : 'error'}>
          <RefsInText text={failureReason} />
        </Alert>
      )}
      <PhaseNote migration={details.value} />
      {details.value.rollbackOverride && (
        <Alert severity="warning" aria-label="Rollback override">
          Rolled back by{' '}
          <PersonLink entityRef={details.value.rollbackOverride.by} /> on{' '}
          {formatTime(details.value.rollbackOverride.at)} although consumers had
          merged patches for version {details.value.targetVersion}: “
          {details.value.rollbackOverride.reason}”
        </Alert>
      )}
      <Typography variant="subtitle2">Changes</Typography>
      <Box component="ul" m={0} mb={1} pl={3} aria-label="Changes">
        {changes.map((change, index) => (
          <Typography component="li" variant="body2" key={index}>
            {describeChange(change)}
          </Typography>
        ))}
      </Box>
      {details.value.plan && (
        <Box mb={1}>
          <Typography variant="subtitle2">Plan it executes</Typography>
          <PlanView plan={details.value.plan} />
        </Box>
      )}
      <Typography variant="subtitle2">Steps</Typography>
      {steps.length === 0 ? (
        <Typography variant="body2" color="textSecondary">
          {noStepsYet(details.value.status)}
        </Typography>
      ) : (
        <Table size="small" aria-label="Steps">
          <TableHead>
            <TableRow>
              <TableCell>Attempt</TableCell>
              <TableCell>Step</TableCell>
              <TableCell>Status</TableCell>
              <TableCell>Duration</TableCell>
              <TableCell style={{ width: '40%' }}>Progress</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {steps.map(step => (
              <TableRow key={`${step.attempt}-${step.name}`}>
                <TableCell>{step.attempt}</TableCell>
                <TableCell>{step.name}</TableCell>
                <TableCell style={{ whiteSpace: 'nowrap' }}>
                  {STEP_STATUS_LABELS[step.status]}
                </TableCell>
                <TableCell>
                  <Duration
                    startedAt={step.startedAt}
                    finishedAt={step.finishedAt}
                    running={details.value!.status === 'running'}
                  />
                </TableCell>
                <TableCell>
                  <StepProgress step={step} />
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      )}
      {details.value.verification && (
        <VerificationPanel verification={details.value.verification} />
      )}
      {/* A dry run changes nothing, so no consumer has anywhere to move. */}
      {!run.dryRun && (
        <Box mt={2}>
          <ConsumersPanel migration={run} />
        </Box>
      )}
      <Typography variant="subtitle2" style={{ marginTop: 8 }}>
        Log
      </Typography>
      {logs.length === 0 && (
        <Typography variant="body2" color="textSecondary">
          {isActiveMigrationStatus(details.value.status)
            ? 'Nothing logged yet.'
            : 'Nothing was logged.'}
        </Typography>
      )}
      <Box
        component="pre"
        fontSize={12}
        m={0}
        style={{ whiteSpace: 'pre-wrap' }}
      >
        {logs
          .map(
            line =>
              `${new Date(line.createdAt).toLocaleTimeString()} [${
                line.level
              }]${line.step ? ` ${line.step}:` : ''} ${line.message}`,
          )
          .join('\n')}
      </Box>
    </Box>
  );
}

/** Why a run has no step to show: what it waits for before its first. */
function noStepsYet(status: Migration['status']): string {
  switch (status) {
    case 'awaiting-approval':
      return 'No step has run: the run starts once it is approved.';
    case 'awaiting-decision':
      return 'No step has run: the run starts once every consumer it would break has a decision.';
    case 'queued':
      return 'No step has run yet: the run waits for a worker.';
    case 'running':
      return 'No step has started yet.';
    case 'rejected':
      return 'No step ran: the run was rejected.';
    default:
      return 'No step ran.';
  }
}

/** Rows done of all, the rate and the time left, for steps that move rows. */
function StepProgress(props: { step: MigrationStep }) {
  const { rowsDone, rowsTotal } = props.step;
  if (rowsDone === undefined || !rowsTotal) return null;
  return (
    <Box>
      <LinearProgress
        variant="determinate"
        value={Math.min(100, (100 * rowsDone) / rowsTotal)}
        aria-label={`${props.step.name} progress`}
      />
      <Typography variant="caption">{formatProgress(props.step)}</Typography>
    </Box>
  );
}

/** Where a live run stands between cut-over and contract, and any override. */
function PhaseNote(props: { migration: Migration }) {
  const { migration } = props;
  if (migration.status !== 'succeeded' || migration.dryRun) return null;
  const override = migration.contractOverride;
  if (migration.contractedAt) {
    return (
      <Alert severity={override ? 'warning' : 'success'}>
        Contracted {formatTime(migration.contractedAt)}: the name serves version{' '}
        {migration.targetVersion} exactly.
        {override && (
          <>
            {' '}
            <ContractOverrideNote override={override} />
          </>
        )}
      </Alert>
    );
  }
  const reads = migration.undiscoveredReads;
  return (
    <>
      <Alert severity="info">
        Expand: the name serves version {migration.fromVersion}'s fields and
        version {migration.targetVersion}'s new ones side by side, so no reader
        breaks. Contract makes it exactly version {migration.targetVersion} once
        every consumer has moved.
      </Alert>
      {reads && (
        <Alert severity="warning" aria-label="Readers nobody discovered">
          Contract waits: version {migration.fromVersion} was read {reads.count}{' '}
          {reads.count === 1 ? 'time' : 'times'} since {formatTime(reads.since)}
          {reads.lastReadAt && `, last at ${formatTime(reads.lastReadAt)}`},
          with no known consumer left to read it: a reader nobody discovered (
          {reads.evidence}).
        </Alert>
      )}
    </>
  );
}
