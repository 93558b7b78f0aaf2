import { Chip } from '@material-ui/core';
import type { ConsumerState } from '@dataset-migrations/plugin-dataset-migrations-common';
import { CONSUMER_STATE_LABELS } from '../shared/labels';

/** Colours as the plan's compatibility chips use them: primary is good, secondary needs a person. */
const STATE_COLOURS: Record<
  ConsumerState,
  'primary' | 'secondary' | 'default'
> = {
  discovered: 'default',
  unaffected: 'primary',
  patched: 'default',
  verified: 'default',
  'pr-opened': 'default',
  merged: 'default',
  done: 'primary',
  failed: 'secondary',
  superseded: 'default',
  kept: 'default',
  excluded: 'default',
};

/** A consumer's state, or with a count, how many consumers are in it. */
export function ConsumerStateChip(props: {
  state: ConsumerState;
  count?: number;
}) {
  const { state, count } = props;
  return (
    <Chip
      size="small"
      label={
        count === undefined
          ? CONSUMER_STATE_LABELS[state]
          : `${count} ${CONSUMER_STATE_LABELS[state].toLowerCase()}`
      }
      color={STATE_COLOURS[state]}
      variant={STATE_COLOURS[state] === 'default' ? 'outlined' : 'default'}
    />
  );
}
