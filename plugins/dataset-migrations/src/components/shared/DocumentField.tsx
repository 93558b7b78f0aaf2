import { TextField } from '@material-ui/core';

/**
 * A YAML or JSON document as a person types it (a migration spec, a campaign):
 * monospace, as many lines as it needs from `minRows` on.
 */
export function DocumentField(props: {
  label: string;
  ariaLabel: string;
  value: string;
  onChange(value: string): void;
  minRows?: number;
}) {
  const { label, ariaLabel, value, onChange, minRows = 8 } = props;
  return (
    <TextField
      label={label}
      value={value}
      onChange={e => onChange(e.target.value)}
      multiline
      minRows={minRows}
      fullWidth
      margin="dense"
      variant="outlined"
      inputProps={{
        'aria-label': ariaLabel,
        spellCheck: false,
        style: { fontFamily: 'monospace', fontSize: 12 },
      }}
    />
  );
}
