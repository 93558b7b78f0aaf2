import type { FieldChange } from './schemas';
import { changeKind, type FieldChangeKind } from './fieldChanges';
import type { DatasetField } from './types';

/**
 * Schema Registry's compatibility classes, read for tables. A dataset's readers are
 * consumers on either version:
 * - backward: readers moved to the new version can still read the old version's
 *   data (a dropped field: new readers simply do not ask for it);
 * - forward: readers still on the old version can read the new version's data (an
 *   added field: old queries do not name it);
 * - full: both;
 * - breaking: neither (a renamed field).
 *
 * @public
 */
export type CompatibilityClass = 'full' | 'backward' | 'forward' | 'breaking';

/**
 * What a class means for the rollout: consumers first (backward), the dataset first
 * (forward), any order (full), or side by side (breaking: the old version stays
 * readable under its versioned name while consumers move one by one).
 *
 * @public
 */
export type RolloutOrder =
  | 'any-order'
  | 'consumers-first'
  | 'dataset-first'
  | 'side-by-side';

/** @public */
export interface ChangeCompatibility {
  index: number;
  kind: FieldChangeKind;
  field: string;
  class: CompatibilityClass;
  reason: string;
}

/** @public */
export interface Compatibility {
  class: CompatibilityClass;
  rollout: RolloutOrder;
  changes: ChangeCompatibility[];
}

const ROLLOUT: Record<CompatibilityClass, RolloutOrder> = {
  full: 'any-order',
  backward: 'consumers-first',
  forward: 'dataset-first',
  breaking: 'side-by-side',
};

/** Types each type's values fit into without loss, so a cast to them only widens. */
const WIDER: Record<string, string[]> = {
  smallint: [
    'integer',
    'bigint',
    'numeric',
    'real',
    'double precision',
    'text',
  ],
  integer: ['bigint', 'numeric', 'double precision', 'text'],
  bigint: ['numeric', 'text'],
  numeric: ['text'],
  real: ['double precision', 'text'],
  'double precision': ['text'],
  boolean: ['text'],
  date: ['timestamp', 'timestamptz', 'text'],
  timestamp: ['timestamptz', 'text'],
  timestamptz: ['text'],
  uuid: ['text'],
  jsonb: ['text'],
  'character varying': ['text'],
};

const baseType = (type: string) => type.replace(/\(.*\)$/, '');

/**
 * True when every value of `from` fits `to`: a cast from `from` to `to` only widens.
 *
 * @public
 */
export function widens(from: string, to: string): boolean {
  return (WIDER[baseType(from)] ?? []).includes(baseType(to));
}

/**
 * Types whose widenings readers take as they are: among them a value compares,
 * sorts, aggregates and prints the same in the wider type. Leaving out text (it
 * does not sum or compare as a number, and `character varying` → `text` compares
 * otherwise with `char(n)`, whose trailing spaces varchar ignores beside it),
 * date → timestamp (date arithmetic
 * gives days, timestamp arithmetic intervals, and the values print differently)
 * and floating point: exact values computed with in `double precision` come out
 * with other digits (`sum((q - r) * price)`, an integer `q` widened: 1534.65
 * became 1534.6499999999999 in the TPC-DS corpus), and so do `real` ones.
 */
const READ_AS_IS = [['smallint', 'integer', 'bigint', 'numeric']];

/**
 * True when `from` → `to` widens (see {@link widens}) and a reader of `from` can
 * read `to` with no change: consumer code is not cast back to `from`, which would
 * bring back the overflow the migration removes.
 *
 * @public
 */
export function widensForReaders(from: string, to: string): boolean {
  return (
    widens(from, to) &&
    READ_AS_IS.some(
      group => group.includes(baseType(from)) && group.includes(baseType(to)),
    )
  );
}

/**
 * Classifies each change against the fields it starts from, and the whole migration.
 *
 * @public
 */
export function classifyChanges(
  source: DatasetField[],
  changes: FieldChange[],
): Compatibility {
  const types = new Map(source.map(f => [f.name, f.type]));
  const classified = changes.map((change, index): ChangeCompatibility => {
    const kind = changeKind(change);
    if ('renameField' in change) {
      const { from, to } = change.renameField;
      types.set(to, types.get(from) ?? '');
      types.delete(from);
      return {
        index,
        kind,
        field: from,
        class: 'breaking',
        reason: `queries naming "${from}" break on the new version, queries naming "${to}" on the old one`,
      };
    }
    if ('addField' in change) {
      const { name, type, default: value } = change.addField;
      types.set(name, type);
      return value === undefined
        ? {
            index,
            kind,
            field: name,
            class: 'forward',
            reason: `old queries do not name "${name}"; it has no default to read old rows with`,
          }
        : {
            index,
            kind,
            field: name,
            class: 'full',
            reason: `old queries do not name "${name}"; old rows read as its default`,
          };
    }
    if ('dropField' in change) {
      const { name } = change.dropField;
      types.delete(name);
      return {
        index,
        kind,
        field: name,
        class: 'backward',
        reason: `queries still naming "${name}" break on the new version`,
      };
    }
    if ('deriveField' in change) {
      const { field } = change.deriveField;
      return {
        index,
        kind,
        field,
        class: 'full',
        reason: `"${field}" keeps its name and type; its values are recomputed, so check readers that rely on the old values`,
      };
    }
    const { field, type } = change.changeType;
    const from = types.get(field) ?? '';
    types.set(field, type);
    if (widens(from, type)) {
      return {
        index,
        kind,
        field,
        class: 'backward',
        reason: `every ${from} fits ${type}, not every ${type} fits ${from}`,
      };
    }
    if (widens(type, from)) {
      return {
        index,
        kind,
        field,
        class: 'forward',
        reason: `every ${type} fits ${from}, not every ${from} fits ${type}`,
      };
    }
    return {
      index,
      kind,
      field,
      class: 'breaking',
      reason: `${from} and ${type} do not hold each other's values`,
    };
  });
  const overall = combine(classified.map(c => c.class));
  return { class: overall, rollout: ROLLOUT[overall], changes: classified };
}

/** The weakest guarantee that holds for all: full ∧ backward = backward, backward ∧ forward = breaking. */
function combine(classes: CompatibilityClass[]): CompatibilityClass {
  const backward = classes.every(c => c === 'full' || c === 'backward');
  const forward = classes.every(c => c === 'full' || c === 'forward');
  if (backward && forward) return 'full';
  if (backward) return 'backward';
  if (forward) return 'forward';
  return 'breaking';
}
