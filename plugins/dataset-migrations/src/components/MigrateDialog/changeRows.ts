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

export const CHANGE_LABELS: Record<FieldChangeKind, string> = {
  renameField: 'Rename field',
  addField: 'Add field',
  dropField: 'Drop field',
  changeType: 'Change type',
  deriveField: 'Derive field',
};

export function emptyRow(field = ''): ChangeRow {
  return {
    kind: 'renameField',
    field,
    to: '',
    type: 'text',
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
 * The request's changes, exactly as typed: the server names what is wrong, so the
 * dialog does not second-guess it. Defaults stay strings; Postgres casts them.
 */
export function toChanges(rows: ChangeRow[]): FieldChange[] {
  return rows.map(row => {
    switch (row.kind) {
      case 'renameField':
        return { renameField: { from: row.field, to: row.to } };
      case 'addField':
        return {
          addField: {
            name: row.field,
            type: row.type as never,
            ...(row.defaultValue === '' ? {} : { default: row.defaultValue }),
            ...(row.expression === '' ? {} : { expression: row.expression }),
          },
        };
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
  });
}
