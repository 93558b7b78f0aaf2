import { changeKind, planFieldChanges } from './fieldChanges';
import type { FieldChange } from './schemas';
import type { DatasetField } from './types';

const source: DatasetField[] = [
  { name: 'id', type: 'bigint', nullable: false, primaryKey: true },
  { name: 'user_id', type: 'text', nullable: false, primaryKey: false },
  { name: 'played_at', type: 'timestamptz', nullable: true, primaryKey: false },
  { name: 'duration', type: 'text', nullable: true, primaryKey: false },
];

describe('changeKind', () => {
  it('names the kind of each change', () => {
    expect(changeKind({ renameField: { from: 'a', to: 'b' } })).toBe(
      'renameField',
    );
    expect(changeKind({ addField: { name: 'a', type: 'text' } })).toBe(
      'addField',
    );
    expect(changeKind({ dropField: { name: 'a' } })).toBe('dropField');
    expect(changeKind({ changeType: { field: 'a', type: 'text' } })).toBe(
      'changeType',
    );
  });
});

describe('planFieldChanges', () => {
  it('keeps every field as a copy of itself when there are no changes', () => {
    const { fields, problems } = planFieldChanges(source, []);
    expect(problems).toEqual([]);
    expect(fields).toEqual(
      source.map(f => ({ ...f, source: { kind: 'copy', from: f.name } })),
    );
  });

  it('does not modify the source fields', () => {
    const before = JSON.parse(JSON.stringify(source));
    planFieldChanges(source, [
      { renameField: { from: 'user_id', to: 'listener_id' } },
      { changeType: { field: 'duration', type: 'integer' } },
      { dropField: { name: 'played_at' } },
    ]);
    expect(source).toEqual(before);
  });

  it('applies rename, add, drop and changeType in order', () => {
    const { fields, problems } = planFieldChanges(source, [
      { renameField: { from: 'user_id', to: 'listener_id' } },
      { addField: { name: 'country', type: 'text', default: 'SE' } },
      { dropField: { name: 'played_at' } },
      { changeType: { field: 'duration', type: 'integer' } },
    ]);
    expect(problems).toEqual([]);
    expect(fields).toEqual([
      {
        name: 'id',
        type: 'bigint',
        nullable: false,
        primaryKey: true,
        source: { kind: 'copy', from: 'id' },
      },
      {
        name: 'listener_id',
        type: 'text',
        nullable: false,
        primaryKey: false,
        source: { kind: 'copy', from: 'user_id' },
      },
      {
        name: 'duration',
        type: 'integer',
        nullable: true,
        primaryKey: false,
        source: { kind: 'cast', from: 'duration' },
      },
      {
        name: 'country',
        type: 'text',
        nullable: true,
        primaryKey: false,
        source: { kind: 'default', value: 'SE' },
      },
    ]);
  });

  it('gives an added field without a default a null default', () => {
    const { fields, problems } = planFieldChanges(source, [
      { addField: { name: 'rating', type: 'smallint' } },
    ]);
    expect(problems).toEqual([]);
    expect(fields.find(f => f.name === 'rating')).toEqual({
      name: 'rating',
      type: 'smallint',
      nullable: true,
      primaryKey: false,
      source: { kind: 'default', value: null },
    });
  });

  it('follows rename chains back to the original field', () => {
    const { fields, problems } = planFieldChanges(source, [
      { renameField: { from: 'user_id', to: 'listener' } },
      { renameField: { from: 'listener', to: 'listener_id' } },
      { changeType: { field: 'listener_id', type: 'uuid' } },
    ]);
    expect(problems).toEqual([]);
    expect(fields.map(f => f.name)).toEqual([
      'id',
      'listener_id',
      'played_at',
      'duration',
    ]);
    expect(fields[1]).toMatchObject({
      type: 'uuid',
      source: { kind: 'cast', from: 'user_id' },
    });
  });

  it('swaps two fields through a temporary name', () => {
    const { fields, problems } = planFieldChanges(source, [
      { renameField: { from: 'user_id', to: 'tmp' } },
      { renameField: { from: 'duration', to: 'user_id' } },
      { renameField: { from: 'tmp', to: 'duration' } },
    ]);
    expect(problems).toEqual([]);
    expect(fields.map(f => [f.name, f.source])).toEqual([
      ['id', { kind: 'copy', from: 'id' }],
      ['duration', { kind: 'copy', from: 'user_id' }],
      ['played_at', { kind: 'copy', from: 'played_at' }],
      ['user_id', { kind: 'copy', from: 'duration' }],
    ]);
  });

  it('lets a dropped or renamed-away name be added again as a new field', () => {
    const { fields, problems } = planFieldChanges(source, [
      { renameField: { from: 'user_id', to: 'listener_id' } },
      { addField: { name: 'user_id', type: 'integer', default: 0 } },
      { dropField: { name: 'duration' } },
      { addField: { name: 'duration', type: 'integer' } },
    ]);
    expect(problems).toEqual([]);
    expect(fields.find(f => f.name === 'user_id')?.source).toEqual({
      kind: 'default',
      value: 0,
    });
    expect(fields.find(f => f.name === 'duration')).toMatchObject({
      type: 'integer',
      source: { kind: 'default', value: null },
    });
  });

  it('keeps the default of an added field whose type then changes', () => {
    const { fields, problems } = planFieldChanges(source, [
      { addField: { name: 'score', type: 'text', default: '7' } },
      { changeType: { field: 'score', type: 'integer' } },
    ]);
    expect(problems).toEqual([]);
    expect(fields.find(f => f.name === 'score')).toMatchObject({
      type: 'integer',
      source: { kind: 'default', value: '7' },
    });
  });

  it('keeps a primary-key field in the key when it is renamed or retyped', () => {
    const { fields, problems } = planFieldChanges(source, [
      { renameField: { from: 'id', to: 'event_id' } },
      { changeType: { field: 'event_id', type: 'numeric' } },
    ]);
    expect(problems).toEqual([]);
    expect(fields[0]).toEqual({
      name: 'event_id',
      type: 'numeric',
      nullable: false,
      primaryKey: true,
      source: { kind: 'cast', from: 'id' },
    });
  });

  it('refuses to drop a primary-key field and names the change and field', () => {
    const { fields, problems } = planFieldChanges(source, [
      { dropField: { name: 'duration' } },
      { dropField: { name: 'id' } },
    ]);
    expect(problems).toEqual([
      'changes[1] (dropField): "id" is part of the primary key and cannot be dropped',
    ]);
    expect(fields.map(f => f.name)).toContain('id');
  });

  it('refuses to drop a renamed primary-key field', () => {
    const { problems } = planFieldChanges(source, [
      { renameField: { from: 'id', to: 'event_id' } },
      { dropField: { name: 'event_id' } },
    ]);
    expect(problems).toEqual([
      'changes[1] (dropField): "event_id" is part of the primary key and cannot be dropped',
    ]);
  });

  it('reports every problem, each naming its change index, kind and field', () => {
    const changes: FieldChange[] = [
      { renameField: { from: 'nope', to: 'x' } },
      { renameField: { from: 'user_id', to: 'user_id' } },
      { renameField: { from: 'user_id', to: 'duration' } },
      { addField: { name: 'played_at', type: 'date' } },
      { dropField: { name: 'ghost' } },
      { changeType: { field: 'phantom', type: 'integer' } },
      { changeType: { field: 'played_at', type: 'timestamptz' } },
    ];
    const { problems } = planFieldChanges(source, changes);
    expect(problems).toEqual([
      'changes[0] (renameField): unknown field "nope"',
      'changes[1] (renameField): "user_id" is renamed to itself',
      'changes[2] (renameField): field "duration" already exists',
      'changes[3] (addField): field "played_at" already exists',
      'changes[4] (dropField): unknown field "ghost"',
      'changes[5] (changeType): unknown field "phantom"',
      'changes[6] (changeType): "played_at" already has type timestamptz',
    ]);
  });

  it('sees the effect of earlier changes when checking later ones', () => {
    const { problems } = planFieldChanges(source, [
      { renameField: { from: 'user_id', to: 'listener_id' } },
      { dropField: { name: 'user_id' } },
      { dropField: { name: 'played_at' } },
      { changeType: { field: 'played_at', type: 'date' } },
    ]);
    expect(problems).toEqual([
      'changes[1] (dropField): unknown field "user_id"',
      'changes[3] (changeType): unknown field "played_at"',
    ]);
  });

  it('refuses to leave the dataset with no fields', () => {
    const { problems } = planFieldChanges(
      [{ name: 'only', type: 'text', nullable: true, primaryKey: false }],
      [{ dropField: { name: 'only' } }],
    );
    expect(problems).toEqual([
      'changes: would leave the dataset with no fields',
    ]);
  });
});
