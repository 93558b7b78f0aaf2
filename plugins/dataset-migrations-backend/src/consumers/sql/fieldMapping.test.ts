import {
  widens,
  widensForReaders,
  type DatasetField,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { loadSqlParser } from '../../sql/sqlParser';
import { datasetTarget } from './datasetTarget';
import { consumerMapping, starChanges, widenedFields } from './fieldMapping';
import { rewriteSqlFile } from './rewriteSql';

const field = (name: string, type: string): DatasetField => ({
  name,
  type,
  nullable: true,
  primaryKey: false,
});

describe('consumerMapping', () => {
  const source = [
    field('a', 'smallint'),
    field('b', 'integer'),
    field('c', 'real'),
    field('d', 'bigint'),
    field('e', 'date'),
    field('f', 'integer'),
    field('g', 'bigint'),
    field('h', 'character varying(20)'),
  ];
  const mapping = consumerMapping(source, [
    { changeType: { field: 'a', type: 'integer' } },
    { changeType: { field: 'b', type: 'bigint' } },
    { changeType: { field: 'c', type: 'double precision' } },
    { changeType: { field: 'd', type: 'numeric' } },
    { changeType: { field: 'e', type: 'timestamp' } },
    { changeType: { field: 'f', type: 'text' } },
    { changeType: { field: 'g', type: 'integer' } },
    { changeType: { field: 'h', type: 'text' } },
  ]);
  const widening = (name: string) => {
    const m = mapping.byField.get(name);
    return m?.kind === 'retyped' ? m.widening : undefined;
  };

  it('classifies exact numeric widenings as read as they are, not varchar → text', () => {
    expect(['a', 'b', 'd', 'h'].map(widening)).toEqual([
      true,
      true,
      true,
      // Beside a char(n), varchar compares ignoring trailing spaces and text does not.
      false,
    ]);
    expect(widenedFields(mapping).map(w => w.field)).toEqual(['a', 'b', 'd']);
  });

  it('keeps date → timestamp, integer → text, floating point and narrowings cast back', () => {
    expect(['e', 'f', 'g', 'c'].map(widening)).toEqual([
      false,
      false,
      false,
      false,
    ]);
    // Computed with in floating point, exact values get other digits.
    expect(widensForReaders('integer', 'double precision')).toBe(false);
    expect(widensForReaders('smallint', 'real')).toBe(false);
  });

  it('uses the compatibility classes’ definition of widening, narrowed to what reads the same', () => {
    // The one definition: compatibility calls these widenings too.
    expect(widens('date', 'timestamp')).toBe(true);
    expect(widens('integer', 'text')).toBe(true);
    expect(widensForReaders('date', 'timestamp')).toBe(false);
    expect(widensForReaders('integer', 'text')).toBe(false);
    // What compatibility does not call widening, readers do not either.
    expect(widens('integer', 'real')).toBe(false);
    expect(widensForReaders('integer', 'real')).toBe(false);
    expect(widensForReaders('bigint', 'double precision')).toBe(false);
  });

  it('does not count a widened field under its own name as a change to SELECT *', () => {
    expect(
      starChanges(
        consumerMapping(source, [
          { changeType: { field: 'b', type: 'bigint' } },
        ]),
      ),
    ).toBe(false);
    expect(
      starChanges(
        consumerMapping(source, [{ changeType: { field: 'f', type: 'text' } }]),
      ),
    ).toBe(true);
  });
});

describe('a rename to a name the previous version uses for another field', () => {
  // Swap a and b: until contract the dataset's name serves the previous a and b, so a
  // rewrite that reads the new "b" for the old "a" would read the old b's values.
  const source = [
    field('id', 'bigint'),
    field('a', 'text'),
    field('b', 'text'),
  ];
  const swap = [
    { renameField: { from: 'a', to: 'tmp' } },
    { renameField: { from: 'b', to: 'a' } },
    { renameField: { from: 'tmp', to: 'b' } },
  ];

  it('needs a person: no rewrite reads the same values before and after contract', async () => {
    const mapping = consumerMapping(source, swap);
    expect(mapping.byField.get('a')).toEqual({ kind: 'reused', to: 'b' });
    expect(mapping.byField.get('b')).toEqual({ kind: 'reused', to: 'a' });
    expect(mapping.byField.get('id')).toEqual({ kind: 'same' });
    await loadSqlParser();
    const result = rewriteSqlFile(
      { path: 'q.sql', content: 'SELECT a FROM public.events' },
      datasetTarget('public.events', source),
      mapping,
    );
    expect(result.status).toBe('needs-decision');
    expect(result.impact.problem?.message).toMatch(
      /renamed to "b", a name that serves another field's values until contract/,
    );
  });

  it('is an ordinary rename when the dataset is renamed too: its new name serves the new version as it is', () => {
    const mapping = consumerMapping(source, swap, {
      schema: 'public',
      table: 'events2',
    });
    expect(mapping.byField.get('a')).toEqual({ kind: 'renamed', to: 'b' });
  });
});
