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
} as const;

/** A migration's status the way Backstage shows statuses everywhere else. */
export function MigrationStatus(props: { status: Status }) {
  const Indicator = INDICATORS[props.status];
  return <Indicator>{props.status}</Indicator>;
}
