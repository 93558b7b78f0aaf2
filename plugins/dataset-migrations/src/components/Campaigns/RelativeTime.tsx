import { Tooltip } from '@material-ui/core';
import { formatTime } from '../shared/format';
import { relativeTime } from './campaignText';

/** "in 3 weeks", with the exact local date and time on hover. */
export function RelativeTime(props: { iso?: string }) {
  if (!props.iso) return <>—</>;
  return (
    <Tooltip title={formatTime(props.iso)}>
      <span>{relativeTime(props.iso)}</span>
    </Tooltip>
  );
}
