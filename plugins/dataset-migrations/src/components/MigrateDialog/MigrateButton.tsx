import { useState } from 'react';
import SwapHorizIcon from '@material-ui/icons/SwapHoriz';
import {
  datasetMigrationApprovePermission,
  datasetMigrationRequestPermission,
  datasetMigrationStartPermission,
  type Migration,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { PermittedButton, usePermitted } from '../shared/PermittedButton';
import { MigrateDialog } from './MigrateDialog';

/**
 * The Migrate button with its dialog. Enabled for those who may start a migration
 * of the dataset, or at least request one (which then waits for approval).
 */
export function MigrateButton(props: {
  entityRef: string;
  onQueued?(migration: Migration): void;
  /** Why a migration cannot start now (a run is active); disables the button. */
  unavailable?: string;
}) {
  const [open, setOpen] = useState(false);
  const start = usePermitted(datasetMigrationStartPermission, props.entityRef);
  // Starting implies asking: only one who may not start is asked about requesting.
  const requestOnly = !start.loading && !start.allowed;
  const approve = usePermitted(
    datasetMigrationApprovePermission,
    props.entityRef,
  );
  // Disabled until the answers are in: the server refuses a dry run to who may
  // not see the dataset's rows.
  let noDryRun: string | undefined;
  if (start.loading || approve.loading)
    noDryRun = "checking whether you may see the dataset's rows…";
  else if (requestOnly && !approve.allowed)
    noDryRun =
      "not for you: a dry run reads the dataset's rows, shown only to who may start or approve a migration of it";
  return (
    <>
      <PermittedButton
        variant="contained"
        color="primary"
        startIcon={<SwapHorizIcon />}
        permission={
          requestOnly
            ? datasetMigrationRequestPermission
            : datasetMigrationStartPermission
        }
        resourceRef={props.entityRef}
        unavailable={props.unavailable}
        onClick={() => setOpen(true)}
      >
        Migrate
      </PermittedButton>
      <MigrateDialog
        entityRef={props.entityRef}
        open={open}
        onClose={() => setOpen(false)}
        onQueued={migration => props.onQueued?.(migration)}
        requestOnly={requestOnly}
        noDryRun={noDryRun}
      />
    </>
  );
}
