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

function counted(
  state: ConsumerState,
  count: number,
  awaitDecision?: boolean,
): string {
  if (awaitDecision)
    return `${count} ${count === 1 ? 'needs' : 'need'} a decision`;
  const label =
    count !== 1 && MANY[state]
      ? MANY[state]
      : CONSUMER_STATE_LABELS[state].toLowerCase();
  return `${count} ${label}`;
}

/**
 * A consumer's state, or with a count, how many consumers are in it. One that
 * waits for a person's decision says so: the ledger keeps it as failed (it
 * stopped, and stays until someone acts), but nothing went wrong with it. With
 * a count, `awaitsDecision` counts those that wait (`2 need a decision`).
 */
export function ConsumerStateChip(props: {
  state: ConsumerState;
  count?: number;
  awaitsDecision?: boolean;
}) {
  const { state, count, awaitsDecision } = props;
  let label: string;
  if (count !== undefined) label = counted(state, count, awaitsDecision);
  else if (awaitsDecision) label = 'Needs a decision';
  else label = CONSUMER_STATE_LABELS[state];
  return (
    <Chip
      size="small"
      label={label}
      color={STATE_COLOURS[state]}
      variant={STATE_COLOURS[state] === 'default' ? 'outlined' : 'default'}
    />
  );
}
