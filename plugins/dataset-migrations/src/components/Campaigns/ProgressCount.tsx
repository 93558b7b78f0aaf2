import { Box, LinearProgress, Typography } from '@material-ui/core';

/**
 * A bar of done out of total, with the counts in words beside it; failures and
 * rollbacks, when there are any, are named too, each in its own words.
 */
export function ProgressCount(props: {
  label: string;
  done: number;
  total: number;
  failed?: number;
  rolledBack?: number;
}) {
  const { label, done, total, failed = 0, rolledBack = 0 } = props;
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
        {rolledBack > 0 ? ` · ${rolledBack} rolled back` : ''}
      </Typography>
    </Box>
  );
}
