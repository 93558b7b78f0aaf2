import { MenuItem, TextField } from '@material-ui/core';
import {
  CONSUMER_STATES,
  type ConsumerState,
  type ConsumerStateCounts,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { CONSUMER_STATE_LABELS } from '../shared/labels';

const ALL = '';

/**
 * A state's choice with its count. Failed ones that wait for a person's decision
 * are counted apart: the state holds both, so the one choice lists both.
 */
function choiceLabel(
  state: ConsumerState,
  counts: ConsumerStateCounts,
  undecided: number,
): string {
  if (state !== 'failed' || undecided === 0)
    return `${CONSUMER_STATE_LABELS[state]} (${counts[state]})`;
  const failed = counts.failed - undecided;
  if (failed <= 0) return `Needs a decision (${undecided})`;
  return `Failed (${failed}) or needs a decision (${undecided})`;
}

/**
 * Which consumers the ledger table lists: all, or those in one state. Only the
 * states some consumer is in are offered (and the chosen one, while it empties),
 * each with how many are in it.
 */
export function ConsumerStateFilter(props: {
  counts: ConsumerStateCounts;
  /** Of `counts.failed`, those that wait for a person's decision. */
  undecided?: number;
  total: number;
  value?: ConsumerState;
  onChange(state: ConsumerState | undefined): void;
}) {
  const { counts, undecided = 0, total, value, onChange } = props;
  const offered = CONSUMER_STATES.filter(
    state => counts[state] > 0 || state === value,
  );
  return (
    <TextField
      select
      size="small"
      variant="outlined"
      label="State"
      value={value ?? ALL}
      onChange={event =>
        onChange((event.target.value as ConsumerState) || undefined)
      }
      style={{ minWidth: 200 }}
      // "All states" is a choice like the others: shown, not an empty field.
      InputLabelProps={{ shrink: true }}
      SelectProps={{
        displayEmpty: true,
        SelectDisplayProps: { 'aria-label': 'Filter by state' },
      }}
    >
      <MenuItem value={ALL}>All states ({total})</MenuItem>
      {offered.map(state => (
        <MenuItem key={state} value={state}>
          {choiceLabel(state, counts, undecided)}
        </MenuItem>
      ))}
    </TextField>
  );
}
