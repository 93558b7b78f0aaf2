import { fieldChangeSchema } from '@dataset-migrations/plugin-dataset-migrations-common';
import { emptyRow, toChange, withKind, type ChangeRow } from './changeRows';

const row = (patch: Partial<ChangeRow>): ChangeRow => ({
  kind: 'renameField',
  field: 'a',
  to: '',
  type: 'text',
  defaultValue: '',
  expression: '',
  ...patch,
});

describe('emptyRow', () => {
  it('chooses no type: a new change of type or added field is refused until the person picks one', () => {
    const changeType = withKind(emptyRow('country'), 'changeType', 'country');
    const result = fieldChangeSchema.safeParse(toChange(changeType));
    expect(result.success).toBe(false);
    expect(result.error?.issues.map(i => i.message)).toEqual([
      expect.stringMatching(/^no type chosen \(one of: smallint, .*\btext\b/),
    ]);
    const added = { ...withKind(emptyRow(), 'addField', ''), field: 'source' };
    expect(
      fieldChangeSchema
        .safeParse(toChange(added))
        .error?.issues.map(i => i.message),
    ).toEqual([expect.stringMatching(/^no type chosen /)]);
  });
});

describe('toChange', () => {
  it('turns each row into the change the API schema accepts, in order', () => {
    const changes = [
      row({ kind: 'renameField', field: 'country', to: 'country_code' }),
      row({
        kind: 'addField',
        field: 'source',
        type: 'text',
        defaultValue: 'app',
      }),
      row({ kind: 'addField', field: 'score', type: 'integer' }),
      row({ kind: 'dropField', field: 'legacy_flag' }),
      row({ kind: 'changeType', field: 'duration_ms', type: 'bigint' }),
      row({
        kind: 'changeType',
        field: 'score',
        type: 'integer',
        expression: 'round(score * 100)',
      }),
      row({
        kind: 'addField',
        field: 'duration_s',
        type: 'numeric',
        expression: 'duration_ms / 1000.0',
      }),
      row({
        kind: 'deriveField',
        field: 'country',
        expression: 'upper(country)',
      }),
    ].map(r => toChange(r));
    expect(changes).toEqual([
      { renameField: { from: 'country', to: 'country_code' } },
      { addField: { name: 'source', type: 'text', default: 'app' } },
      { addField: { name: 'score', type: 'integer' } },
      { dropField: { name: 'legacy_flag' } },
      { changeType: { field: 'duration_ms', type: 'bigint' } },
      {
        changeType: {
          field: 'score',
          type: 'integer',
          using: 'round(score * 100)',
        },
      },
      {
        addField: {
          name: 'duration_s',
          type: 'numeric',
          expression: 'duration_ms / 1000.0',
        },
      },
      { deriveField: { field: 'country', expression: 'upper(country)' } },
    ]);
    for (const change of changes) {
      expect(fieldChangeSchema.safeParse(change).success).toBe(true);
    }
  });
});

describe('withKind', () => {
  it('clears the field when a row starts naming a new field, and picks an existing one when it stops', () => {
    const rename = row({ kind: 'renameField', field: 'country', to: 'x' });
    expect(withKind(rename, 'addField', 'event_id')).toMatchObject({
      kind: 'addField',
      field: '',
    });
    expect(withKind(rename, 'dropField', 'event_id')).toMatchObject({
      kind: 'dropField',
      field: 'country',
    });
    const add = row({ kind: 'addField', field: 'source' });
    expect(withKind(add, 'changeType', 'event_id')).toMatchObject({
      kind: 'changeType',
      field: 'event_id',
    });
  });
});
