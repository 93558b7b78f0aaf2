import {
  widens,
  widensForReaders,
  type DatasetField,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { consumerMapping, starChanges, widenedFields } from './fieldMapping';

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

  it('classifies numeric widenings (and varchar → text) as read as they are', () => {
    expect(['a', 'b', 'c', 'd', 'h'].map(widening)).toEqual([
      true,
      true,
      true,
      true,
      true,
    ]);
    expect(widenedFields(mapping).map(w => w.field)).toEqual([
      'a',
      'b',
      'c',
      'd',
      'h',
    ]);
  });

  it('keeps date → timestamp, integer → text and narrowings cast back', () => {
    expect(['e', 'f', 'g'].map(widening)).toEqual([false, false, false]);
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
