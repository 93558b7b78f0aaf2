import { readProblem, stillStanding } from './specProblems';
import { emptyRow } from './changeRows';
import type { SpecForm } from './specForm';

describe('readProblem', () => {
  it.each([
    [
      'targetVersion: must be above 4',
      { input: 'targetVersion' },
      'must be above 4',
    ],
    [
      'renameDataset.to: must be name or schema.name',
      { input: 'renameTo' },
      'must be name or schema.name',
    ],
    [
      'changes[2].renameField.to: must start with a-z',
      { row: 2, input: 'to' },
      'must start with a-z',
    ],
    [
      'changes[0].renameField.from: must start with a-z',
      { row: 0, input: 'field' },
      'must start with a-z',
    ],
    [
      'changes[1].addField.type: unsupported type "x"',
      { row: 1, input: 'type' },
      'unsupported type "x"',
    ],
    [
      'changes[0].changeType.using: must not be empty',
      { row: 0, input: 'expression' },
      'must not be empty',
    ],
    [
      'changes[0] (deriveField) expression: unknown column "y"',
      { row: 0, input: 'expression' },
      'unknown column "y"',
    ],
    [
      'changes[0] (renameField): field "a" already exists',
      { row: 0, input: 'to' },
      'field "a" already exists',
    ],
    [
      'changes[0] (renameField): unknown field "nope"',
      { row: 0, input: 'field' },
      'unknown field "nope"',
    ],
    [
      'changes[3] (addField): field "b" already exists',
      { row: 3, input: 'field' },
      'field "b" already exists',
    ],
    [
      'changes[0]: must be one of renameField, addField',
      { row: 0, input: 'kind' },
      'must be one of renameField, addField',
    ],
  ])('puts "%s" on its input', (line, target, message) => {
    expect(readProblem(line)).toEqual({ target, message, line });
  });

  it('leaves a problem no input shows as the server wrote it', () => {
    expect(readProblem('changes: must hold at least one change')).toEqual({
      target: undefined,
      message: 'changes: must hold at least one change',
      line: 'changes: must hold at least one change',
    });
  });
});

describe('stillStanding', () => {
  const form = (to: string, targetVersion = '5'): SpecForm => ({
    targetVersion,
    renameTo: '',
    rows: [{ ...emptyRow('country'), to }],
    dryRun: false,
  });
  const problems = [
    readProblem('changes[0] (renameField): field "a" already exists'),
    readProblem('targetVersion: must be above 5'),
    readProblem('request: something else'),
  ];

  it('drops the problems of the inputs that changed, and only those', () => {
    expect(
      stillStanding(problems, form('a'), form('b')).map(p => p.line),
    ).toEqual(['targetVersion: must be above 5', 'request: something else']);
    expect(stillStanding(problems, form('a'), form('a', '6'))).toHaveLength(2);
    expect(stillStanding(problems, form('a'), form('a'))).toHaveLength(3);
  });

  it('drops every targeted problem once the form cannot show the spec', () => {
    expect(
      stillStanding(problems, form('a'), undefined).map(p => p.line),
    ).toEqual(['request: something else']);
  });
});
