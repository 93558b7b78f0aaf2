import type {
  FieldChange,
  FieldChangeKind,
} from '@dataset-migrations/plugin-dataset-migrations-common';

/** One editable line of the Migrate dialog; becomes one change of the request. */
export interface ChangeRow {
  kind: FieldChangeKind;
  /** The existing field (rename, drop, change type) or the new field's name (add). */
  field: string;
  /** renameField: the new name. */
  to: string;
  /** addField / changeType: the type. */
  type: string;
  /** addField: the default, as typed; empty means none. */
  defaultValue: string;
  /** addField, deriveField: a SQL expression; changeType: its `using`. Empty means none. */
  expression: string;
}

export function emptyRow(field = ''): ChangeRow {
  return {
    kind: 'renameField',
    field,
    to: '',
    // No type until the person picks one: a default would migrate a field to
    // text (or add one as text) without anyone choosing it.
    type: '',
    defaultValue: '',
    expression: '',
  };
}

/**
 * A row switched to another kind of change. An added field names a new field, the
 * others an existing one, so the field is reset when that meaning changes.
 */
export function withKind(
  row: ChangeRow,
  kind: FieldChangeKind,
  firstField: string,
): ChangeRow {
  const namesNewField = (k: FieldChangeKind) => k === 'addField';
  if (namesNewField(kind) === namesNewField(row.kind)) return { ...row, kind };
  return { ...row, kind, field: namesNewField(kind) ? '' : firstField };
}

/**
 * The change a row stands for, exactly as typed: the server names what is wrong,
 * so the dialog does not second-guess it. A default typed in the form stays a
 * string (Postgres casts it); one the spec text gave another type (`default: 0`)
 * keeps that type while the form shows the same value.
 */
export function toChange(row: ChangeRow, before?: unknown): FieldChange {
  switch (row.kind) {
    case 'renameField':
      return { renameField: { from: row.field, to: row.to } };
    case 'addField': {
      const typed = (before as { addField?: { default?: unknown } })?.addField
        ?.default;
      const value =
        typed !== undefined && String(typed) === row.defaultValue
          ? typed
          : row.defaultValue;
      return {
        addField: {
          name: row.field,
          type: row.type as never,
          ...(row.defaultValue === '' ? {} : { default: value as never }),
          ...(row.expression === '' ? {} : { expression: row.expression }),
        },
      };
    }
    case 'dropField':
      return { dropField: { name: row.field } };
    case 'deriveField':
      return {
        deriveField: { field: row.field, expression: row.expression },
      };
    default:
      return {
        changeType: {
          field: row.field,
          type: row.type as never,
          ...(row.expression === '' ? {} : { using: row.expression }),
        },
      };
  }
}

/** Each kind's keys, and which row input each fills. */
const KEYS: Record<FieldChangeKind, Record<string, keyof ChangeRow>> = {
  renameField: { from: 'field', to: 'to' },
  addField: {
    name: 'field',
    type: 'type',
    default: 'defaultValue',
    expression: 'expression',
  },
  dropField: { name: 'field' },
  changeType: { field: 'field', type: 'type', using: 'expression' },
  deriveField: { field: 'field', expression: 'expression' },
};

/**
 * The row that shows a change of a spec, or why the form cannot show it (a kind
 * or key it does not know, a value that is not text).
 */
export function rowOf(change: unknown): ChangeRow | { reason: string } {
  const entries =
    change && typeof change === 'object' && !Array.isArray(change)
      ? Object.entries(change)
      : [];
  const [kind, body] = entries[0] ?? [];
  if (entries.length !== 1 || !(kind in KEYS))
    return {
      reason: `it is not one of ${Object.keys(KEYS).join(', ')}`,
    };
  if (!body || typeof body !== 'object' || Array.isArray(body))
    return { reason: `its ${kind} is not a mapping` };
  const row = emptyRow();
  row.kind = kind as FieldChangeKind;
  for (const [key, value] of Object.entries(body)) {
    const input = KEYS[row.kind][key];
    if (!input) return { reason: `${kind} has no "${key}" in the form` };
    const typedDefault = key === 'default' && value !== undefined;
    if (typeof value !== 'string' && !typedDefault)
      return { reason: `its ${key} is not text` };
    if (
      typedDefault &&
      value !== null &&
      !['string', 'number', 'boolean'].includes(typeof value)
    )
      return { reason: `its default is not a single value` };
    (row as unknown as Record<string, string>)[input] = String(value);
  }
  return row;
}
