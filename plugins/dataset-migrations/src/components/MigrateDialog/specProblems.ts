import type { FieldChangeKind } from '@dataset-migrations/plugin-dataset-migrations-common';
import type { ChangeRow } from './changeRows';
import { CHANGE_KIND_LABELS } from '../shared/labels';
import type { SpecForm } from './specForm';

/** The inputs of one change row a problem can be about. */
export type RowInput =
  | 'kind'
  | 'field'
  | 'to'
  | 'type'
  | 'default'
  | 'expression';

/** Where in the form a problem belongs. */
export type ProblemTarget =
  | { input: 'targetVersion' | 'renameTo' }
  | { input: RowInput; row: number };

/** One problem the server named, read: the form input it is about, and what is wrong. */
export interface SpecProblem {
  target?: ProblemTarget;
  /** What is wrong, without the path: "must start with a lower-case letter…". */
  message: string;
  /** The problem as the server wrote it, for one the form has no input for. */
  line: string;
}

/** A change's keys (as the spec names them) and the row input that shows each. */
const KEY_INPUTS: Record<string, RowInput> = {
  from: 'field',
  name: 'field',
  field: 'field',
  to: 'to',
  type: 'type',
  default: 'default',
  expression: 'expression',
  using: 'expression',
};

/**
 * Reads one of the server's problem lines: `targetVersion: …`,
 * `renameDataset.to: …`, `changes[0].renameField.to: …` (the schema),
 * `changes[0] (addField) expression: …` (the engine) or
 * `changes[0] (renameField): field "x" already exists` (the plan).
 */
export function readProblem(line: string): SpecProblem {
  const at = (target: ProblemTarget | undefined, message: string) => ({
    target,
    message,
    line,
  });
  let m = /^targetVersion: (.*)$/s.exec(line);
  if (m) return at({ input: 'targetVersion' }, m[1]);
  m = /^renameDataset(?:\.to)?: (.*)$/s.exec(line);
  if (m) return at({ input: 'renameTo' }, m[1]);
  m = /^changes\[(\d+)\]\.\w+\.(\w+): (.*)$/s.exec(line);
  if (m && KEY_INPUTS[m[2]])
    return at({ row: Number(m[1]), input: KEY_INPUTS[m[2]] }, m[3]);
  m = /^changes\[(\d+)\] \(\w+\) (expression|using): (.*)$/s.exec(line);
  if (m) return at({ row: Number(m[1]), input: 'expression' }, m[3]);
  m = /^changes\[(\d+)\] \((\w+)\): (.*)$/s.exec(line);
  if (m) {
    // A rename's other problems are about the field it renames.
    const aboutNewName =
      m[2] === 'renameField' && /already exists|renamed to itself/.test(m[3]);
    return at(
      { row: Number(m[1]), input: aboutNewName ? 'to' : 'field' },
      m[3],
    );
  }
  m = /^changes\[(\d+)\](?:\.\w+)?: (.*)$/s.exec(line);
  if (m) return at({ row: Number(m[1]), input: 'kind' }, m[2]);
  return at(undefined, line);
}

/** The label of a row's input, as the form shows it. */
export function inputLabel(
  row: ChangeRow | undefined,
  input: RowInput,
): string {
  switch (input) {
    case 'kind':
      return 'change';
    case 'field':
      return row?.kind === 'addField' ? 'new field' : 'field';
    case 'to':
      return 'new name';
    case 'type':
      return 'type';
    case 'default':
      return 'default';
    default:
      return row?.kind === 'changeType' ? 'using' : 'expression';
  }
}

/** "Change 1 (Rename field), new name: must start with …": a problem in words. */
export function problemInWords(
  problem: SpecProblem,
  form: SpecForm | undefined,
): string {
  const { target, message } = problem;
  if (!target) return problem.line;
  if (target.input === 'targetVersion') return `Target version: ${message}`;
  if (!('row' in target)) return `New dataset name: ${message}`;
  const row = form?.rows[target.row];
  const kind = row
    ? ` (${CHANGE_KIND_LABELS[row.kind as FieldChangeKind]})`
    : '';
  return `Change ${target.row + 1}${kind}, ${inputLabel(
    row,
    target.input,
  )}: ${message}`;
}

/** What a target's input holds in a form; a row's kind counts for each of its inputs. */
function valueAt(form: SpecForm | undefined, target: ProblemTarget): string {
  if (!form) return '\u0000unreadable';
  if (target.input === 'targetVersion') return form.targetVersion;
  if (!('row' in target)) return form.renameTo;
  const row = form.rows[target.row];
  if (!row) return '\u0000gone';
  // Each input holds the row's value of the same name, but for the default.
  const key: keyof ChangeRow =
    target.input === 'default' ? 'defaultValue' : target.input;
  return `${row.kind}\u0000${row[key]}`;
}

/**
 * The problems that still stand after an edit: one whose input changed is gone,
 * whether the form or the text changed it. A problem the form has no input for
 * stands until the next review.
 */
export function stillStanding(
  problems: SpecProblem[],
  before: SpecForm | undefined,
  after: SpecForm | undefined,
): SpecProblem[] {
  return problems.filter(
    ({ target }) =>
      !target || valueAt(before, target) === valueAt(after, target),
  );
}

/** Each problem of one row, by input, in words for the input it sits under. */
export function rowProblems(
  problems: SpecProblem[],
  row: number,
): Partial<Record<RowInput, string>> {
  const found: Partial<Record<RowInput, string>> = {};
  for (const { target, message } of problems)
    if (target && 'row' in target && target.row === row)
      found[target.input] = found[target.input]
        ? `${found[target.input]}; ${message}`
        : message;
  return found;
}
