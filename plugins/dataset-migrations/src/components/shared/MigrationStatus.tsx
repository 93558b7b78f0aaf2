import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import type { MigrationStatus as Status } from '@dataset-migrations/plugin-dataset-migrations-common';

const INDICATORS = {
  queued: StatusPending,
  running: StatusRunning,
  succeeded: StatusOK,
  failed: StatusError,
  cancelled: StatusAborted,
  'rolled-back': StatusWarning,
  'awaiting-decision': StatusWarning,
  'awaiting-approval': StatusWarning,
  rejected: StatusAborted,
} as const;

/** Statuses said in words rather than by their name on the wire. */
const LABELS: Partial<Record<Status, string>> = {
  'awaiting-decision': 'Awaiting decisions',
  'awaiting-approval': 'Awaiting approval',
};

/**
 * A migration's status the way Backstage shows statuses everywhere else; with
 * `decisionsLeft`, a run awaiting decisions says how many are left.
 */
export function MigrationStatus(props: {
  status: Status;
  decisionsLeft?: number;
}) {
  const { status, decisionsLeft } = props;
  const Indicator = INDICATORS[status];
  const label = LABELS[status] ?? status;
  return (
    <Indicator>
      {status === 'awaiting-decision' && decisionsLeft !== undefined
        ? `${label} (${decisionsLeft} left)`
        : label}
    </Indicator>
  );
}
