import type { MigrationStatus as Status } from '@dataset-migrations/plugin-dataset-migrations-common';
import { MIGRATION_STATUSES } from './labels';
import { StatusLabel } from './StatusLabel';

/**
 * A migration's status the way Backstage shows statuses everywhere else; with
 * `decisionsLeft`, a run awaiting decisions says how many are left.
 */
export function MigrationStatus(props: {
  status: Status;
  decisionsLeft?: number;
}) {
  const { status, decisionsLeft } = props;
  const { label, tone } = MIGRATION_STATUSES[status];
  return (
    <StatusLabel
      tone={tone}
      label={
        status === 'awaiting-decision' && decisionsLeft !== undefined
          ? `${label} (${decisionsLeft} left)`
          : label
      }
    />
  );
}
