import {
  MIGRATION_SPEC_API_VERSION,
  type DatasetDetails,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { emptyRow, rowOf, toChange, type ChangeRow } from './changeRows';

/** What the Changes tab shows of a spec: every input holds text, as typed. */
export interface SpecForm {
  targetVersion: string;
  renameTo: string;
  rows: ChangeRow[];
  dryRun: boolean;
}

/** The form of a spec, or why the form cannot show it (then the text decides). */
export type FormView = { form: SpecForm } | { reason: string };

const KEYS = [
  'apiVersion',
  'kind',
  'entityRef',
  'targetVersion',
  'changes',
  'renameDataset',
  'dryRun',
];

type SpecObject = Record<string, unknown>;

const isObject = (value: unknown): value is SpecObject =>
  Boolean(value) && typeof value === 'object' && !Array.isArray(value);

/** A new spec for the dataset: its next version, with one rename to fill in. */
export function initialSpec(dataset: DatasetDetails): SpecObject {
  return {
    apiVersion: MIGRATION_SPEC_API_VERSION,
    kind: 'MigrationSpec',
    entityRef: dataset.entityRef,
    targetVersion: dataset.schemaVersion + 1,
    changes: [toChange(emptyRow(dataset.fields[0]?.name))],
    dryRun: false,
  };
}

/** Reads a spec into the form; anything the form has no input for makes it say so. */
export function formOf(spec: unknown, entityRef: string): FormView {
  if (!isObject(spec)) return { reason: 'it is not a mapping of keys' };
  const unknown = Object.keys(spec).filter(key => !KEYS.includes(key));
  if (unknown.length > 0)
    return { reason: `the form has no place for ${unknown.join(', ')}` };
  if (spec.entityRef !== undefined && spec.entityRef !== entityRef)
    return {
      reason: `its entityRef is ${JSON.stringify(
        spec.entityRef,
      )}, not this dataset`,
    };
  const { targetVersion, changes = [], renameDataset, dryRun = false } = spec;
  if (
    targetVersion !== undefined &&
    typeof targetVersion !== 'number' &&
    typeof targetVersion !== 'string'
  )
    return { reason: 'its targetVersion is not a number' };
  if (!Array.isArray(changes)) return { reason: 'its changes are not a list' };
  if (typeof dryRun !== 'boolean')
    return { reason: 'its dryRun is not true or false' };
  const rename = renameDataset ?? {};
  if (
    !isObject(rename) ||
    Object.keys(rename).some(key => key !== 'to') ||
    (rename.to !== undefined && typeof rename.to !== 'string')
  )
    return { reason: 'its renameDataset is not just a new name (to)' };
  const rows: ChangeRow[] = [];
  for (const [index, change] of changes.entries()) {
    const row = rowOf(change);
    if ('reason' in row)
      return { reason: `change ${index + 1} cannot be shown: ${row.reason}` };
    rows.push(row);
  }
  return {
    form: {
      targetVersion: targetVersion === undefined ? '' : String(targetVersion),
      renameTo: (rename.to as string | undefined) ?? '',
      rows,
      dryRun,
    },
  };
}

const sameRow = (a: ChangeRow, b: ChangeRow) =>
  (Object.keys(a) as Array<keyof ChangeRow>).every(key => a[key] === b[key]);

/**
 * The spec with the form's values: keys stay in the order the text had them, and
 * a change the form did not touch stays exactly as it was.
 */
export function withForm(
  spec: unknown,
  form: SpecForm,
  entityRef: string,
): SpecObject {
  const base = isObject(spec) ? spec : {};
  const before = Array.isArray(base.changes) ? base.changes : [];
  const typed = form.targetVersion.trim();
  const next: SpecObject = {
    ...base,
    entityRef,
    // Kept as typed while it is not a number, so the field shows what was typed.
    targetVersion:
      typed !== '' && Number.isFinite(Number(typed))
        ? Number(typed)
        : form.targetVersion,
    changes: form.rows.map((row, i) => {
      const kept = rowOf(before[i]);
      return !('reason' in kept) && sameRow(kept, row)
        ? before[i]
        : toChange(row, before[i]);
    }),
    renameDataset: form.renameTo ? { to: form.renameTo } : undefined,
    dryRun: form.dryRun,
  };
  if (next.renameDataset === undefined) delete next.renameDataset;
  return next;
}
