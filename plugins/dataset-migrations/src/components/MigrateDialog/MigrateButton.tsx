import { useState } from 'react';
import { Button } from '@material-ui/core';
import SwapHorizIcon from '@material-ui/icons/SwapHoriz';
import type { Migration } from '@dataset-migrations/plugin-dataset-migrations-common';
import { MigrateDialog } from './MigrateDialog';

/** The Migrate button with its dialog. */
export function MigrateButton(props: {
  entityRef: string;
  onQueued?(migration: Migration): void;
}) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <Button
        variant="contained"
        color="primary"
        startIcon={<SwapHorizIcon />}
        onClick={() => setOpen(true)}
      >
        Migrate
      </Button>
      <MigrateDialog
        entityRef={props.entityRef}
        open={open}
        onClose={() => setOpen(false)}
        onQueued={migration => props.onQueued?.(migration)}
      />
    </>
  );
}
