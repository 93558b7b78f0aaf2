import {
  StatusAborted,
  StatusError,
  StatusOK,
  StatusPending,
  StatusRunning,
  StatusWarning,
} from '@backstage/core-components';
import type { StatusTone } from './labels';

const INDICATORS = {
  ok: StatusOK,
  running: StatusRunning,
  pending: StatusPending,
  warning: StatusWarning,
  error: StatusError,
  aborted: StatusAborted,
} as const;

/** A state in words, coloured the way Backstage shows statuses everywhere else. */
export function StatusLabel(props: { label: string; tone: StatusTone }) {
  const Indicator = INDICATORS[props.tone];
  return <Indicator>{props.label}</Indicator>;
}
