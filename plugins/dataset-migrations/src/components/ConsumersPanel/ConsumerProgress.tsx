import type { ReactNode } from 'react';
import { Box, LinearProgress, Typography } from '@material-ui/core';
import {
  CONSUMER_STATES,
  type ConsumerLedger,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { ConsumerStateChip } from './ConsumerStateChip';
import {
  consumerCount,
  failedCounts,
  settledCount,
  settledShare,
} from './consumerText';

/**
 * How far the consumers are: the settled-good share, and how many are in each
 * state; `children` (the table's filter) sit at the end of the counts' line.
 */
export function ConsumerProgress(props: {
  ledger: ConsumerLedger;
  children?: ReactNode;
}) {
  const { ledger } = props;
  const total = consumerCount(ledger);
  const settled = settledCount(ledger);
  // Waiting for a person is not failing: it has its own figure.
  const { failed, undecided } = failedCounts(ledger);
  const shown = { ...ledger.counts, failed };
  return (
    <Box mb={1}>
      <LinearProgress
        variant="determinate"
        value={settledShare(ledger)}
        aria-label="Consumers done or unaffected"
      />
      <Box
        display="flex"
        alignItems="center"
        flexWrap="wrap"
        style={{ gap: 8 }}
        mt={1}
      >
        <Typography variant="body2">
          {settled} of {total} consumers done or unaffected
        </Typography>
        {undecided > 0 && (
          <ConsumerStateChip state="failed" count={undecided} awaitsDecision />
        )}
        {CONSUMER_STATES.filter(state => shown[state] > 0).map(state => (
          <ConsumerStateChip key={state} state={state} count={shown[state]} />
        ))}
        {props.children && <Box ml="auto">{props.children}</Box>}
      </Box>
    </Box>
  );
}
