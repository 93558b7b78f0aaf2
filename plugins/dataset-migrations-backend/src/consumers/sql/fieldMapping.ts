import { InputError } from '@backstage/errors';
import {
  expandPhaseOf,
  planFieldChanges,
  widensForReaders,
  type DatasetField,
  type FieldChange,
} from '@dataset-migrations/plugin-dataset-migrations-common';

/** What happened to one field of the old version, from a reader's point of view. */
export type ReaderMapping =
  | { kind: 'same' }
  | { kind: 'renamed'; to: string }
  /**
   * The new version holds another type. Readers cast back to keep their results,
   * unless the new type only widens the old one (`widening`): then they read it
   * as it is, since a cast back would bring back the overflow the migration removes.
   */
  | {
      kind: 'retyped';
      to: string;
      oldType: string;
      newType: string;
      widening: boolean;
    }
  /** No field of the new version carries these values: a person must decide. */
  | { kind: 'dropped' }
  /** The values are recomputed; no rewrite keeps the old results. */
  | { kind: 'recomputed'; to: string; expression: string }
  /**
   * Renamed to a name the previous version uses for another field: until contract
   * the dataset's name serves that other field's values under it, so no rewrite
   * reads the same values in both phases.
   */
  | { kind: 'reused'; to: string };

export interface ConsumerMapping {
  /** The old version's fields in order, as `SELECT *` returned them. */
  sourceFields: DatasetField[];
  byField: Map<string, ReaderMapping>;
  /** Fields the new version adds; `SELECT *` would start returning them. */
  added: string[];
  /**
   * The new version's own fields, which `*` through the name has from cut-over
   * after the previous version's (added ones, renamed fields' new names): a
   * statement taking a fixed number of columns from `*` fails from then.
   */
  newAtCutOver: string[];
  /** Where the new version is read when the migration renames the dataset. */
  renamedTo?: DatasetRelationName;
  /**
   * From cut-over until contract the view serving the dataset's name has an
   * `INSTEAD OF` trigger (a field retyped, dropped or recomputed): `COPY … FROM`
   * works through it only then, and `INSERT … ON CONFLICT` not until contract.
   * Without one (renames and additions only) PostgreSQL writes through the view
   * itself.
   */
  viewHasTrigger?: boolean;
}

/** A relation as `schema.table`, split. */
export interface DatasetRelationName {
  schema: string;
  table: string;
}

/** How a reader of the old version must change to read the new one the same way. */
export function consumerMapping(
  sourceFields: DatasetField[],
  changes: FieldChange[],
  renamedTo?: DatasetRelationName,
): ConsumerMapping {
  const { fields, problems } = planFieldChanges(sourceFields, changes);
  if (problems.length > 0)
    throw new InputError(`Invalid changes: ${problems.join('; ')}`);
  const byField = new Map<string, ReaderMapping>();
  for (const old of sourceFields) byField.set(old.name, { kind: 'dropped' });
  const added: string[] = [];
  for (const target of fields) {
    const { source } = target;
    if (source.kind === 'copy' || source.kind === 'cast') {
      const old = sourceFields.find(f => f.name === source.from)!;
      if (old.type !== target.type) {
        byField.set(old.name, {
          kind: 'retyped',
          to: target.name,
          oldType: old.type,
          newType: target.type,
          widening: widensForReaders(old.type, target.type),
        });
      } else if (old.name !== target.name) {
        byField.set(old.name, { kind: 'renamed', to: target.name });
      } else {
        byField.set(old.name, { kind: 'same' });
      }
    } else if (
      source.kind === 'expression' &&
      sourceFields.some(f => f.name === target.name)
    ) {
      byField.set(target.name, {
        kind: 'recomputed',
        to: target.name,
        expression: source.sql,
      });
    } else {
      added.push(target.name);
    }
  }
  const phase = expandPhaseOf(sourceFields, fields);
  if (!renamedTo) {
    // A renamed dataset's new name serves the new version as it is from cut-over.
    const { hiddenUntilContract } = phase;
    for (const [field, m] of byField) {
      if (
        (m.kind === 'renamed' || m.kind === 'retyped') &&
        m.to !== field &&
        hiddenUntilContract.includes(m.to)
      )
        byField.set(field, { kind: 'reused', to: m.to });
    }
  }
  return {
    sourceFields,
    byField,
    added,
    newAtCutOver: phase.columns
      .filter(c => c.source === 'new')
      .map(c => c.name),
    ...(renamedTo ? { renamedTo } : {}),
    ...(phase.plain ? {} : { viewHasTrigger: true }),
  };
}

/** True when `SELECT *` over the dataset returns something different after the migration. */
export function starChanges(mapping: ConsumerMapping): boolean {
  return (
    mapping.added.length > 0 ||
    [...mapping.byField.entries()].some(
      ([field, m]) => m.kind !== 'same' && !readAsIs(field, m),
    )
  );
}

/** A field readers keep reading by its name, as it is: only its type widened. */
export function readAsIs(field: string, m: ReaderMapping): boolean {
  return readWidened(m) && m.to === field;
}

/**
 * A field the migration widens, read as it is (no cast to its old type) under
 * whatever name: its own, or the one a rename in the same migration gives it
 * (`n` renamed to `nn` and widened to numeric is read as `nn AS n`, wider).
 * What sees a widened field's type sees it either way.
 */
export function readWidened(
  m: ReaderMapping,
): m is Extract<ReaderMapping, { kind: 'retyped' }> {
  return m.kind === 'retyped' && m.widening;
}

/** Retyped fields that only widen, with their old and new types. */
export function widenedFields(
  mapping: ConsumerMapping,
): Array<{ field: string; from: string; to: string }> {
  return [...mapping.byField.entries()].flatMap(([field, m]) =>
    readWidened(m) ? [{ field, from: m.oldType, to: m.newType }] : [],
  );
}

/**
 * Names the new version has that the old one did not: a rename's or retype's new
 * name, an added field. From cut-over the dataset's name serves them too, so an
 * unqualified reference to one of them may start to mean the dataset's column.
 */
export function introducedNames(mapping: ConsumerMapping): Set<string> {
  const old = new Set(mapping.sourceFields.map(f => f.name));
  const names = new Set<string>();
  for (const [field, m] of mapping.byField)
    if ((m.kind === 'renamed' || m.kind === 'retyped') && m.to !== field)
      names.add(m.to);
  for (const name of mapping.added) names.add(name);
  return new Set([...names].filter(name => !old.has(name)));
}

/**
 * Retyped fields a rewrite casts back to an old type with a bound the new
 * type lifts: exact until contract, while the engine refuses values past the
 * bound; after it, writers may store values the cast changes without an
 * error (found by round 31b): `varchar(20)` → `text` cuts a longer text
 * short, `numeric(10,2)` → `numeric` rounds away extra decimals (too many
 * digits before the point fail loudly, and are not told). The bound cannot
 * simply be dropped: a recursive CTE or a replaced view's column needs the
 * old type exactly.
 */
export function boundedCastBacks(
  mapping: ConsumerMapping,
): Array<{ field: string; from: string; to: string; loses: string }> {
  return [...mapping.byField.entries()].flatMap(([field, m]) => {
    if (m.kind !== 'retyped' || m.widening) return [];
    const loses = liftedBound(m.oldType, m.newType);
    return loses ? [{ field, from: m.oldType, to: m.newType, loses }] : [];
  });
}

/** A type's family (text or numeric), its length or precision, and scale. */
function boundOf(
  type: string,
): { family: 'text' | 'numeric'; size?: number; scale: number } | undefined {
  const m =
    /^\s*(character varying|varchar|character|char|bpchar|text|numeric|decimal)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/i.exec(
      type,
    );
  if (!m) return undefined;
  const family = /^(?:numeric|decimal)$/i.test(m[1]) ? 'numeric' : 'text';
  return {
    family,
    ...(m[2] !== undefined ? { size: Number(m[2]) } : {}),
    scale: Number(m[3] ?? 0),
  };
}

/**
 * What a cast back to `from` does to a value of `to` past `from`'s bound, or
 * undefined where `to` lifts no bound the cast would then apply silently.
 */
function liftedBound(from: string, to: string): string | undefined {
  const [was, now] = [boundOf(from), boundOf(to)];
  if (!was || !now || was.family !== now.family || was.size === undefined)
    return undefined;
  if (was.family === 'text')
    return now.size === undefined || now.size > was.size
      ? 'cuts a longer text short'
      : undefined;
  return now.size === undefined || now.scale > was.scale
    ? 'rounds away extra decimals'
    : undefined;
}
