import type { MigrationStatus as Status } from '@dataset-migrations/plugin-dataset-migrations-common';
import { MIGRATION_STATUSES } from './labels';
import { StatusLabel } from './StatusLabel';

/**
 * A migration's status the way Backstage shows statuses everywhere else; with
 * `decisionsLeft`, a run awaiting decisions says how many are left; a contracted
 * run says so, as its details do.
 */
export function MigrationStatus(props: {
  status: Status;
  decisionsLeft?: number;
  contracted?: boolean;
}) {
  const { status, decisionsLeft, contracted } = props;
  const { label, tone } = MIGRATION_STATUSES[status];
  let shown = label;
  if (status === 'awaiting-decision' && decisionsLeft !== undefined)
    shown = `${label} (${decisionsLeft} left)`;
  else if (status === 'succeeded' && contracted) shown = `${label}, contracted`;
  return <StatusLabel tone={tone} label={shown} />;
}
