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

/** Counted, the states whose label is a noun: "3 pull requests open", not "3 pull request open". */
const MANY: Partial<Record<ConsumerState, string>> = {
  'pr-opened': 'pull requests open',
};

function counted(state: ConsumerState, count: number): string {
  const label =
    count !== 1 && MANY[state]
      ? MANY[state]
      : CONSUMER_STATE_LABELS[state].toLowerCase();
  return `${count} ${label}`;
}

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
          : counted(state, count)
      }
      color={STATE_COLOURS[state]}
      variant={STATE_COLOURS[state] === 'default' ? 'outlined' : 'default'}
    />
  );
}
