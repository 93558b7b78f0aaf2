import fs from 'node:fs';
import path from 'node:path';
import {
  createMigrationRequestSchema,
  describeIssues,
  SPEC_JSON_SCHEMA_PATH,
} from './schemas';
import { planFieldChanges } from './fieldChanges';
import { specJsonSchema } from '../scripts/specJsonSchema';
import type { DatasetField } from './types';

const base = { entityRef: 'resource:default/events', targetVersion: 2 };
const problemsOf = (body: unknown) => {
  const result = createMigrationRequestSchema.safeParse(body);
  return result.success ? [] : describeIssues(result.error);
};

describe('migration spec v1', () => {
  it('accepts using, expressions and derived fields, with or without the version header', () => {
    const changes = [
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
      {
        deriveField: {
          field: 'country',
          expression: "upper(coalesce(country, 'XX'))",
        },
      },
    ];
    expect(problemsOf({ ...base, changes })).toEqual([]);
    expect(
      problemsOf({
        apiVersion: 'dataset-migrations.io/v1',
        kind: 'MigrationSpec',
        ...base,
        changes,
      }),
    ).toEqual([]);
  });

  it('refuses expressions that could end the statement or hide text, and a default next to an expression', () => {
    expect(
      problemsOf({
        ...base,
        changes: [
          { deriveField: { field: 'a', expression: '1); DROP TABLE x' } },
        ],
      }),
    ).toEqual([
      'changes[0].deriveField.expression: must be one expression over the row: no ";", comments, "$" or subqueries',
    ]);
    expect(
      problemsOf({
        ...base,
        changes: [
          { changeType: { field: 'a', type: 'text', using: 'a -- b' } },
        ],
      }),
    ).toEqual([
      'changes[0].changeType.using: must be one expression over the row: no ";", comments, "$" or subqueries',
    ]);
    expect(
      problemsOf({
        ...base,
        changes: [
          {
            addField: {
              name: 'a',
              type: 'text',
              default: 'x',
              expression: 'b',
            },
          },
        ],
      }),
    ).toEqual([
      'changes[0].addField: takes a default or an expression, not both',
    ]);
    expect(
      problemsOf({
        apiVersion: 'dataset-migrations.io/v2',
        ...base,
        changes: [],
      })[0],
    ).toMatch(/^apiVersion: /);
  });

  it('refuses subqueries and dollar quotes in expressions', () => {
    for (const escape of [
      '(SELECT passwd FROM pg_shadow LIMIT 1)',
      '$x$ a $x$',
    ]) {
      expect(
        problemsOf({
          ...base,
          changes: [{ deriveField: { field: 'a', expression: escape } }],
        }),
      ).toHaveLength(1);
    }
  });

  it('publishes a JSON Schema that matches the zod schema (run generate:schema after changing it)', () => {
    const committed = JSON.parse(
      fs.readFileSync(
        path.resolve(__dirname, '..', SPEC_JSON_SCHEMA_PATH),
        'utf8',
      ),
    );
    expect(committed).toEqual(specJsonSchema());
  });
});

describe('planFieldChanges with expressions', () => {
  const fields: DatasetField[] = [
    { name: 'id', type: 'bigint', nullable: false, primaryKey: true },
    { name: 'score', type: 'numeric', nullable: true, primaryKey: false },
    { name: 'country', type: 'text', nullable: true, primaryKey: false },
  ];

  it('takes values from the expressions', () => {
    const { fields: target, problems } = planFieldChanges(fields, [
      {
        changeType: {
          field: 'score',
          type: 'integer',
          using: 'round(score * 100)',
        },
      },
      { addField: { name: 'origin', type: 'text', expression: "'import'" } },
      { deriveField: { field: 'country', expression: 'upper(country)' } },
    ]);
    expect(problems).toEqual([]);
    expect(target.map(f => [f.name, f.type, f.source])).toEqual([
      ['id', 'bigint', { kind: 'copy', from: 'id' }],
      ['score', 'integer', { kind: 'expression', sql: 'round(score * 100)' }],
      ['country', 'text', { kind: 'expression', sql: 'upper(country)' }],
      ['origin', 'text', { kind: 'expression', sql: "'import'" }],
    ]);
  });

  it('keeps primary keys to renames and casts', () => {
    const { problems } = planFieldChanges(fields, [
      { deriveField: { field: 'id', expression: 'id + 1' } },
      { changeType: { field: 'id', type: 'text', using: "'k' || id" } },
      { deriveField: { field: 'nope', expression: '1' } },
    ]);
    expect(problems).toEqual([
      'changes[0] (deriveField): "id" is part of the primary key; keys can be renamed or cast, not derived',
      'changes[1] (changeType): "id" is part of the primary key; keys can be cast, not converted with using',
      'changes[2] (deriveField): unknown field "nope"',
    ]);
  });
});
