import { Box, LinearProgress, Typography } from '@material-ui/core';

/**
 * A bar of done out of total, with the counts in words beside it; failures, when
 * there are any, are named too.
 */
export function ProgressCount(props: {
  label: string;
  done: number;
  total: number;
  failed?: number;
}) {
  const { label, done, total, failed = 0 } = props;
  const share = total > 0 ? Math.round((done / total) * 100) : 0;
  return (
    <Box display="flex" alignItems="center" style={{ gap: 8 }} minWidth={180}>
      <Box flexGrow={1}>
        <LinearProgress
          variant="determinate"
          value={share}
          aria-label={label}
        />
      </Box>
      <Typography variant="body2" style={{ whiteSpace: 'nowrap' }}>
        {done}/{total}
        {failed > 0 ? ` · ${failed} failed` : ''}
      </Typography>
    </Box>
  );
}
