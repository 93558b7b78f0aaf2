import { Box, Snackbar, Typography } from '@material-ui/core';
import { Alert } from '@material-ui/lab';
import { Link } from '@backstage/core-components';
import {
  isActiveMigrationStatus,
  type Migration,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { MIGRATION_STATUSES } from './labels';

/**
 * A dataset's run that holds it: one active run per dataset is the server's rule
 * (a second is refused), so Migrate waits for it. The newest first, as listed.
 */
export function activeRun(migrations?: Migration[]): Migration | undefined {
  return migrations?.find(m => isActiveMigrationStatus(m.status));
}

/** "The dry run to version 3 is running" */
function holdingRun(run: Migration): string {
  return `The ${run.dryRun ? 'dry run' : 'migration'} to version ${
    run.targetVersion
  } is ${MIGRATION_STATUSES[run.status].label.toLowerCase()}`;
}

/** Migrate's tooltip while a run holds the dataset. */
export function whyNoMigrate(run: Migration | undefined): string | undefined {
  if (!run) return undefined;
  return `${holdingRun(run)}: a dataset migrates one run at a time`;
}

/**
 * Where a run opens, from a page of the dataset's entity: its Migration History
 * tab with the run expanded (the link a notification carries), or, on that tab
 * already, the run itself.
 */
export function runLink(runId: string, onHistoryTab: boolean): string {
  const query = `?migration=${encodeURIComponent(runId)}`;
  return onHistoryTab ? query : `migration-history${query}`;
}

/** "Migration to version 3 is running · view it", next to a disabled Migrate. */
export function ActiveRunNote(props: { run?: Migration; href?: string }) {
  const { run, href } = props;
  if (!run || !href) return null;
  return (
    <Box mt={0.5}>
      <Typography variant="caption" aria-label="Active migration">
        {holdingRun(run)} · <Link to={href}>view it</Link>
      </Typography>
    </Box>
  );
}

/**
 * The acknowledgement a Start gets: a toast saying the run is queued, with a link
 * to follow it.
 */
export function QueuedToast(props: {
  run?: Migration;
  href?: string;
  onClose(): void;
}) {
  const { run, href, onClose } = props;
  return (
    <Snackbar
      open={run !== undefined}
      autoHideDuration={10_000}
      onClose={onClose}
      anchorOrigin={{ vertical: 'bottom', horizontal: 'center' }}
    >
      <Alert severity="success" onClose={onClose} aria-label="Migration queued">
        {run?.dryRun ? 'Dry run' : 'Migration'} to version {run?.targetVersion}{' '}
        {run?.status === 'awaiting-approval'
          ? 'requested; it waits for approval'
          : 'queued'}
        . {href && <Link to={href}>Follow it</Link>}
      </Alert>
    </Snackbar>
  );
}
