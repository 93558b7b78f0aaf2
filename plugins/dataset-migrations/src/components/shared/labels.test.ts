import {
  CONSUMER_STATES,
  type FieldChange,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  CHANGE_KIND_LABELS,
  CONSUMER_STATE_LABELS,
  describeChange,
  MIGRATION_STATUSES,
} from './labels';

describe('labels', () => {
  it('says every consumer state and run status in words, never as its identifier', () => {
    for (const state of CONSUMER_STATES)
      expect(CONSUMER_STATE_LABELS[state]).toMatch(/^[A-Z][a-z ]+$/);
    expect(CONSUMER_STATE_LABELS['pr-opened']).toBe('Pull request open');
    for (const { label } of Object.values(MIGRATION_STATUSES))
      expect(label).toMatch(/^[A-Z][a-z ]+$/);
  });

  it('describes each kind of change as a sentence', () => {
    const cases: Array<[FieldChange, string]> = [
      [
        { renameField: { from: 'country', to: 'country_code' } },
        'Rename country to country_code',
      ],
      [{ dropField: { name: 'legacy' } }, 'Drop legacy'],
      [
        { addField: { name: 'plays', type: 'integer', default: 0 } },
        'Add plays (integer, default 0)',
      ],
      [
        {
          changeType: { field: 'ms', type: 'bigint', using: 'ms::bigint' },
        },
        'Change ms to bigint using ms::bigint',
      ],
      [
        { deriveField: { field: 'day', expression: 'date(played_at)' } },
        'Derive day as date(played_at)',
      ],
    ];
    for (const [change, sentence] of cases)
      expect(describeChange(change)).toBe(sentence);
    expect(Object.keys(CHANGE_KIND_LABELS)).toHaveLength(cases.length);
  });
});
