import { Box, IconButton, MenuItem, TextField } from '@material-ui/core';
import DeleteIcon from '@material-ui/icons/Delete';
import {
  FIELD_TYPES,
  type DatasetField,
  type FieldChangeKind,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { CHANGE_LABELS, withKind, type ChangeRow } from './changeRows';

/** Expressions are SQL over the current version's fields. */
const EXPRESSION_LABELS: Partial<Record<FieldChangeKind, string>> = {
  addField: 'Expression (optional)',
  changeType: 'Using (optional)',
  deriveField: 'Expression',
};

/** One change of the form: its kind, then the inputs that kind takes. */
export function ChangeRowEditor(props: {
  row: ChangeRow;
  index: number;
  fields: DatasetField[];
  onChange(row: ChangeRow): void;
  onRemove(): void;
}) {
  const { row, index, fields, onChange, onRemove } = props;
  return (
    <Box display="flex" alignItems="center" style={{ gap: 8 }} mt={1}>
      <TextField
        select
        id={`change-${index}-kind`}
        label="Change"
        value={row.kind}
        onChange={e =>
          onChange(
            withKind(
              row,
              e.target.value as FieldChangeKind,
              fields[0]?.name ?? '',
            ),
          )
        }
        style={{ minWidth: 160 }}
        inputProps={{ 'aria-label': `Change ${index + 1} kind` }}
      >
        {Object.entries(CHANGE_LABELS).map(([kind, label]) => (
          <MenuItem key={kind} value={kind}>
            {label}
          </MenuItem>
        ))}
      </TextField>
      {row.kind === 'addField' ? (
        <TextField
          label="New field"
          value={row.field}
          onChange={e => onChange({ ...row, field: e.target.value })}
          inputProps={{
            'aria-label': `Change ${index + 1} new field`,
          }}
        />
      ) : (
        <TextField
          select
          id={`change-${index}-field`}
          label="Field"
          value={row.field}
          onChange={e => onChange({ ...row, field: e.target.value })}
          style={{ minWidth: 160 }}
          inputProps={{
            'aria-label': `Change ${index + 1} field`,
          }}
        >
          {fields.map(f => (
            <MenuItem key={f.name} value={f.name}>
              {f.name} ({f.type})
            </MenuItem>
          ))}
        </TextField>
      )}
      {row.kind === 'renameField' && (
        <TextField
          label="New name"
          value={row.to}
          onChange={e => onChange({ ...row, to: e.target.value })}
          inputProps={{
            'aria-label': `Change ${index + 1} new name`,
          }}
        />
      )}
      {(row.kind === 'addField' || row.kind === 'changeType') && (
        <TextField
          select
          id={`change-${index}-type`}
          label="Type"
          value={row.type}
          onChange={e => onChange({ ...row, type: e.target.value })}
          style={{ minWidth: 140 }}
          inputProps={{
            'aria-label': `Change ${index + 1} type`,
          }}
        >
          {FIELD_TYPES.map(type => (
            <MenuItem key={type} value={type}>
              {type}
            </MenuItem>
          ))}
        </TextField>
      )}
      {row.kind === 'addField' && (
        <TextField
          label="Default (optional)"
          value={row.defaultValue}
          onChange={e => onChange({ ...row, defaultValue: e.target.value })}
          inputProps={{
            'aria-label': `Change ${index + 1} default`,
          }}
        />
      )}
      {row.kind !== 'renameField' && row.kind !== 'dropField' && (
        <TextField
          label={EXPRESSION_LABELS[row.kind]}
          value={row.expression}
          onChange={e => onChange({ ...row, expression: e.target.value })}
          inputProps={{
            'aria-label': `Change ${index + 1} expression`,
          }}
          placeholder="e.g. duration_ms / 1000.0"
          style={{ flexGrow: 1 }}
        />
      )}
      <IconButton aria-label={`Remove change ${index + 1}`} onClick={onRemove}>
        <DeleteIcon />
      </IconButton>
    </Box>
  );
}
