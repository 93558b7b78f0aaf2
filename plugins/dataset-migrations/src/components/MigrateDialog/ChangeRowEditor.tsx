import { Box, IconButton, MenuItem, TextField } from '@material-ui/core';
import DeleteIcon from '@material-ui/icons/Delete';
import {
  FIELD_TYPES,
  type DatasetField,
  type FieldChangeKind,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { withKind, type ChangeRow } from './changeRows';
import { CHANGE_KIND_LABELS } from '../shared/labels';
import type { RowInput } from './specProblems';

/** Expressions are SQL over the current version's fields. */
const EXPRESSION_LABELS: Partial<Record<FieldChangeKind, string>> = {
  addField: 'Expression (optional)',
  changeType: 'Using (optional)',
  deriveField: 'Expression',
};

/**
 * One change of the form: its kind, then the inputs that kind takes; a problem
 * the server found shows under the input it is about.
 */
export function ChangeRowEditor(props: {
  row: ChangeRow;
  index: number;
  fields: DatasetField[];
  problems?: Partial<Record<RowInput, string>>;
  onChange(row: ChangeRow): void;
  onRemove(): void;
}) {
  const { row, index, fields, problems = {}, onChange, onRemove } = props;
  const problemOf = (input: RowInput) =>
    problems[input] ? { error: true, helperText: problems[input] } : {};
  return (
    <Box display="flex" alignItems="flex-start" style={{ gap: 8 }} mt={1}>
      <TextField
        select
        id={`change-${index}-kind`}
        label="Change"
        {...problemOf('kind')}
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
        {Object.entries(CHANGE_KIND_LABELS).map(([kind, label]) => (
          <MenuItem key={kind} value={kind}>
            {label}
          </MenuItem>
        ))}
      </TextField>
      {row.kind === 'addField' ? (
        <TextField
          id={`change-${index}-new-field`}
          label="New field"
          {...problemOf('field')}
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
          {...problemOf('field')}
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
          {/* A name the spec text gave that the dataset does not have. */}
          {row.field && !fields.some(f => f.name === row.field) && (
            <MenuItem value={row.field}>{row.field} (no such field)</MenuItem>
          )}
        </TextField>
      )}
      {row.kind === 'renameField' && (
        <TextField
          id={`change-${index}-to`}
          label="New name"
          {...problemOf('to')}
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
          {...problemOf('type')}
          value={row.type}
          onChange={e => onChange({ ...row, type: e.target.value })}
          // A long problem under it wraps rather than squeezing the inputs beside it.
          style={{ minWidth: 140, maxWidth: 220 }}
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
          id={`change-${index}-default`}
          label="Default (optional)"
          {...problemOf('default')}
          value={row.defaultValue}
          onChange={e => onChange({ ...row, defaultValue: e.target.value })}
          inputProps={{
            'aria-label': `Change ${index + 1} default`,
          }}
        />
      )}
      {row.kind !== 'renameField' && row.kind !== 'dropField' && (
        <TextField
          id={`change-${index}-expression`}
          label={EXPRESSION_LABELS[row.kind]}
          {...problemOf('expression')}
          value={row.expression}
          onChange={e => onChange({ ...row, expression: e.target.value })}
          inputProps={{
            'aria-label': `Change ${index + 1} expression`,
          }}
          placeholder="e.g. duration_ms / 1000.0"
          style={{ flexGrow: 1, minWidth: 180 }}
        />
      )}
      <IconButton
        aria-label={`Remove change ${index + 1}`}
        onClick={onRemove}
        style={{ marginTop: 8 }}
      >
        <DeleteIcon />
      </IconButton>
    </Box>
  );
}
