import { useEffect, useState } from 'react';
import { useSearchParams } from 'react-router-dom';
import {
  Accordion,
  AccordionDetails,
  AccordionSummary,
  Box,
  Grid,
  Typography,
} from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { EmptyState, Progress } from '@backstage/core-components';
import { alertApiRef, useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import {
  datasetMigrationCancelPermission,
  datasetMigrationContractPermission,
  datasetMigrationRetryPermission,
  datasetMigrationRollbackPermission,
  isActiveMigrationStatus,
  type Migration,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetMigrationsApiRef } from '../../api';
import { MigrateButton } from '../MigrateDialog';
import { MigrationRunStatus } from './MigrationRunStatus';
import { formatTime, messageOf } from '../shared/format';
import { Duration } from '../shared/Duration';
import { PersonLink } from '../shared/PersonLink';
import { useNow } from '../shared/useNow';
import {
  activeRun,
  ActiveRunNote,
  QueuedToast,
  runLink,
  whyNoMigrate,
} from '../shared/activeRun';
import {
  contractOpensIn,
  whyNoCancel,
  whyNoContract,
  whyNoRollback,
} from './runActions';
import { CancelDialog } from './CancelDialog';
import { useMigrations } from '../shared/useMigrations';
import {
  DatasetProblemAlert,
  useDataset,
  whyNoMigrateDataset,
} from '../shared/useDataset';
import { ContractDialog } from './ContractDialog';
import { MigrationRunDetails, useRunDetails } from './MigrationRunDetails';
import { RollbackOverrideDialog } from './RollbackOverrideDialog';
import { RollbackDialog } from './RollbackDialog';
import { ApprovalNote } from './ApprovalPanel';
import { PermittedButton } from '../shared/PermittedButton';

/** The Migration History tab: every run of this dataset, newest first. */
export function MigrationHistoryContent() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const { migrations, error, loading, reload } = useMigrations(entityRef);
  // `?migration=<id>` opens that run: the link a notification carries.
  const [searchParams] = useSearchParams();
  const [expanded, setExpanded] = useState<string | undefined>(
    () => searchParams.get('migration') ?? undefined,
  );
  // A link to a run on this tab (Start's toast, the active run) opens it too.
  const linked = searchParams.get('migration');
  useEffect(() => {
    if (linked) setExpanded(linked);
  }, [linked]);
  const [queued, setQueued] = useState<Migration>();
  const active = activeRun(migrations);
  // Read as Migrate's dialog would: a dataset the backend refuses says so here.
  const latest = migrations?.[0];
  const { problem } = useDataset(
    entityRef,
    latest && `${latest.id}:${latest.status}`,
  );

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <Box display="flex" justifyContent="space-between" alignItems="center">
          <Typography variant="h5">Migration history</Typography>
          <Box textAlign="right">
            <MigrateButton
              entityRef={entityRef}
              unavailable={whyNoMigrate(active) ?? whyNoMigrateDataset(problem)}
              onQueued={migration => {
                setExpanded(migration.id);
                setQueued(migration);
                reload();
              }}
            />
            <ActiveRunNote
              run={active}
              href={active && runLink(active.id, true)}
            />
          </Box>
        </Box>
        <QueuedToast
          run={queued}
          href={queued && runLink(queued.id, true)}
          onClose={() => setQueued(undefined)}
        />
      </Grid>
      {problem && (
        <Grid item xs={12}>
          <DatasetProblemAlert problem={problem} />
        </Grid>
      )}
      <Grid item xs={12}>
        {loading && <Progress />}
        {error && <Alert severity="error">{messageOf(error)}</Alert>}
        {migrations?.length === 0 && (
          <EmptyState
            missing="content"
            title="No migrations yet"
            description="Migrate moves this dataset to a new schema version as a background job; each run shows up here."
          />
        )}
        {migrations?.map(migration => (
          <RunRow
            key={migration.id}
            migration={migration}
            expanded={expanded === migration.id}
            onToggle={open => setExpanded(open ? migration.id : undefined)}
            onChanged={reload}
          />
        ))}
      </Grid>
    </Grid>
  );
}

/**
 * One run: its summary row and, opened, its details. Open, both show one reading
 * of the run (its details'): the history's list may hold a newer state than the
 * steps below it for a moment, and a header saying Succeeded over steps still
 * running says neither truly. Closed, the row shows the list's state.
 */
function RunRow(props: {
  migration: Migration;
  expanded: boolean;
  onToggle(open: boolean): void;
  onChanged(): void;
}) {
  const { migration, expanded, onToggle, onChanged } = props;
  const details = useRunDetails(migration, expanded);
  // The gates are the dataset's (its version now, which a later run moves), not
  // this run's state: the list, read again whenever any run changes, has them.
  const shown =
    expanded && details.value
      ? { ...details.value, gates: migration.gates }
      : migration;
  return (
    <Accordion
      expanded={expanded}
      onChange={(_e, open) => onToggle(open)}
      TransitionProps={{ unmountOnExit: true }}
    >
      <AccordionSummary
        expandIcon={<ExpandMoreIcon />}
        aria-label={`Run to version ${migration.targetVersion}`}
      >
        <RunSummary
          migration={shown}
          expanded={expanded}
          onChanged={onChanged}
        />
      </AccordionSummary>
      <AccordionDetails>
        <MigrationRunDetails
          migration={shown}
          details={details}
          onChanged={onChanged}
        />
      </AccordionDetails>
    </Accordion>
  );
}

function RunSummary(props: {
  migration: Migration;
  /** Open, the details below show the approval in full: the row does not repeat it. */
  expanded: boolean;
  onChanged(): void;
}) {
  const { migration, expanded, onChanged } = props;
  const api = useApi(datasetMigrationsApiRef);
  const alertApi = useApi(alertApiRef);
  const [confirming, setConfirming] = useState<
    'rollback' | 'contract' | 'cancel'
  >();
  // A rollback refused over merged patches can be made anyway, with a reason.
  const [rollbackRefusal, setRollbackRefusal] = useState<string>();

  /**
   * Runs one action; a refusal is reported in the server's words, except a
   * rollback refused over merged patches, which asks for an override.
   */
  const run = async (
    action: () => Promise<unknown>,
    options: { overridable?: boolean } = {},
  ) => {
    try {
      await action();
    } catch (e) {
      if (options.overridable && /send an override/.test(messageOf(e)))
        setRollbackRefusal(messageOf(e));
      // Transient: a refusal is about this run, not the page the user goes to next.
      else
        alertApi.post({
          message: messageOf(e),
          severity: 'error',
          display: 'transient',
        });
    }
    onChanged();
  };
  /** A click in the summary row acts without toggling the row open. */
  const onClick =
    (handler: () => void) =>
    (event: React.MouseEvent): void => {
      event.stopPropagation();
      handler();
    };
  const rollback = () => {
    setConfirming(undefined);
    run(() => api.rollbackMigration(migration.id), { overridable: true });
  };
  const rollbackAnyway = (reason: string) => {
    setRollbackRefusal(undefined);
    run(() => api.rollbackMigration(migration.id, { reason }));
  };
  const canRetry =
    migration.status === 'failed' || migration.status === 'cancelled';
  // The server decides whether this run is the current version's and past retention.
  const isLive =
    migration.status === 'succeeded' &&
    !migration.dryRun &&
    !migration.contractedAt;
  // Re-rendered when the retention ends, so Contract enables itself then.
  const now = useNow(
    isLive ? contractOpensIn(migration, Date.now()) : undefined,
  );

  return (
    <Grid
      container
      spacing={2}
      alignItems="center"
      data-testid={`migration-${migration.id}`}
    >
      <Grid item xs={2}>
        <MigrationRunStatus migration={migration} />
        {!expanded && migration.approval?.decision && (
          <ApprovalNote decision={migration.approval.decision} />
        )}
      </Grid>
      <Grid item xs={2}>
        <Typography variant="body2">
          v{migration.fromVersion} → v{migration.targetVersion}
          {migration.dryRun ? ' (dry run)' : ''}
        </Typography>
      </Grid>
      <Grid item xs={2}>
        <Typography variant="body2" component="span">
          <PersonLink entityRef={migration.requestedBy} />
        </Typography>
      </Grid>
      <Grid item xs={2}>
        <Typography variant="body2">
          {formatTime(migration.startedAt ?? migration.createdAt)}
          {migration.finishedAt
            ? ` – ${new Date(migration.finishedAt).toLocaleTimeString()}`
            : ''}
        </Typography>
      </Grid>
      <Grid item xs={1}>
        <Typography variant="body2" aria-label="Duration">
          <Duration
            startedAt={migration.startedAt}
            finishedAt={migration.finishedAt}
            running={migration.status === 'running'}
          />
        </Typography>
      </Grid>
      <Grid
        item
        xs={3}
        style={{
          display: 'flex',
          gap: 4,
          justifyContent: 'flex-end',
          flexWrap: 'wrap',
        }}
      >
        {isActiveMigrationStatus(migration.status) && (
          <PermittedButton
            size="small"
            permission={datasetMigrationCancelPermission}
            resourceRef={migration.id}
            unavailable={whyNoCancel(migration)}
            onClick={onClick(() => setConfirming('cancel'))}
          >
            Cancel
          </PermittedButton>
        )}
        <CancelDialog
          migration={migration}
          open={confirming === 'cancel'}
          onKeep={() => setConfirming(undefined)}
          onConfirm={() => {
            setConfirming(undefined);
            run(() => api.cancelMigration(migration.id));
          }}
        />
        {canRetry && (
          <PermittedButton
            size="small"
            color="primary"
            permission={datasetMigrationRetryPermission}
            resourceRef={migration.id}
            onClick={onClick(() => run(() => api.retryMigration(migration.id)))}
          >
            Retry
          </PermittedButton>
        )}
        {isLive && (
          <>
            <PermittedButton
              size="small"
              permission={datasetMigrationRollbackPermission}
              resourceRef={migration.entityRef}
              unavailable={whyNoRollback(migration)}
              onClick={onClick(() => setConfirming('rollback'))}
            >
              Roll back
            </PermittedButton>
            <PermittedButton
              size="small"
              permission={datasetMigrationContractPermission}
              resourceRef={migration.entityRef}
              unavailable={whyNoContract(migration, now)}
              onClick={onClick(() => setConfirming('contract'))}
            >
              Contract
            </PermittedButton>
            <RollbackDialog
              migration={migration}
              open={confirming === 'rollback'}
              onCancel={() => setConfirming(undefined)}
              onConfirm={rollback}
            />
            <ContractDialog
              migration={migration}
              open={confirming === 'contract'}
              onClose={() => setConfirming(undefined)}
              onContracted={() => {
                setConfirming(undefined);
                onChanged();
              }}
            />
          </>
        )}
        {rollbackRefusal && (
          <RollbackOverrideDialog
            refusal={rollbackRefusal}
            onCancel={() => setRollbackRefusal(undefined)}
            onConfirm={rollbackAnyway}
          />
        )}
      </Grid>
    </Grid>
  );
}
