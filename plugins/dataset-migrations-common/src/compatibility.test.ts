import { classifyChanges } from './compatibility';
import type { DatasetField } from './types';

const fields: DatasetField[] = [
  { name: 'id', type: 'bigint', nullable: false, primaryKey: true },
  { name: 'plays', type: 'integer', nullable: true, primaryKey: false },
  { name: 'score', type: 'numeric(10,2)', nullable: true, primaryKey: false },
  { name: 'country', type: 'text', nullable: true, primaryKey: false },
];

describe('classifyChanges', () => {
  it('classifies each kind of change the Schema Registry way, read for tables', () => {
    const { changes } = classifyChanges(fields, [
      { addField: { name: 'source', type: 'text', default: 'app' } },
      { addField: { name: 'note', type: 'text' } },
      { dropField: { name: 'country' } },
      { renameField: { from: 'score', to: 'rating' } },
      { changeType: { field: 'plays', type: 'bigint' } },
      { changeType: { field: 'rating', type: 'integer' } },
      { changeType: { field: 'source', type: 'uuid' } },
      { changeType: { field: 'plays', type: 'boolean' } },
    ]);
    expect(changes.map(c => [c.kind, c.field, c.class])).toEqual([
      ['addField', 'source', 'full'],
      ['addField', 'note', 'forward'],
      ['dropField', 'country', 'backward'],
      ['renameField', 'score', 'breaking'],
      ['changeType', 'plays', 'backward'], // widening: old values fit
      ['changeType', 'rating', 'forward'], // narrowing numeric(10,2) → integer
      ['changeType', 'source', 'forward'], // every uuid reads as text
      ['changeType', 'plays', 'breaking'],
    ]);
    expect(changes[3].reason).toContain('"score"');
  });

  it('gives the whole migration the weakest class and the rollout it implies', () => {
    const add = {
      addField: { name: 'source', type: 'text' as const, default: 'app' },
    };
    expect(classifyChanges(fields, [add])).toMatchObject({
      class: 'full',
      rollout: 'any-order',
    });
    expect(
      classifyChanges(fields, [add, { dropField: { name: 'country' } }]),
    ).toMatchObject({
      class: 'backward',
      rollout: 'consumers-first',
    });
    expect(
      classifyChanges(fields, [{ addField: { name: 'n', type: 'text' } }]),
    ).toMatchObject({
      class: 'forward',
      rollout: 'dataset-first',
    });
    // Backward and forward together guarantee neither.
    expect(
      classifyChanges(fields, [
        { dropField: { name: 'country' } },
        { addField: { name: 'n', type: 'text' } },
      ]),
    ).toMatchObject({ class: 'breaking', rollout: 'side-by-side' });
  });
});
