import type { TargetField } from './fieldChanges';
import type { DatasetField } from './types';

/**
 * Where one column the dataset's name serves between cut-over and contract takes
 * its value from.
 * - `same`: the field is unchanged; the new version's column.
 * - `renamed`: a field of the previous version under its old name, read from the
 *   new version's renamed column (which the name serves too, under its new name).
 * - `old-type`: a retyped field under its name, cast back to the previous type.
 * - `previous`: a dropped or recomputed field, read from the previous version,
 *   which is kept until contract.
 * - `new`: a field only the new version has, after the previous version's fields.
 *
 * @public
 */
export type ExpandSource = 'same' | 'renamed' | 'old-type' | 'previous' | 'new';

/** @public */
export interface ExpandColumn {
  name: string;
  /** The type the name serves during expand. */
  type: string;
  source: ExpandSource;
  /** The new version's field the value comes from (absent for `previous`). */
  from?: string;
  /** What the name serves under this column after contract, in words. */
  atContract: string;
}

/**
 * What the dataset's name serves between cut-over and contract.
 *
 * @public
 */
export interface ExpandPhase {
  /** In `SELECT *` order: the previous version's fields, then the new ones. */
  columns: ExpandColumn[];
  /**
   * New-version fields whose name the previous version also uses with other
   * values (recomputed, or re-added after a drop or a swap): until contract the
   * name serves the previous values under it; their new values appear at contract.
   */
  hiddenUntilContract: string[];
  /**
   * Whether every column reads the new version unchanged: the name is then a plain
   * view PostgreSQL can write through itself (upserts included).
   */
  plain: boolean;
}

/**
 * The new version's field that carries an old field's values unchanged or cast.
 *
 * @public
 */
export function carrierOf(
  target: TargetField[],
  oldName: string,
): TargetField | undefined {
  return target.find(
    f =>
      (f.source.kind === 'copy' || f.source.kind === 'cast') &&
      f.source.from === oldName,
  );
}

/**
 * Expand keeps every reader of the previous version working: each of its fields
 * under its name, type and values, in its order; the new version's own fields
 * follow. Contract then makes the name exactly the new version.
 *
 * @public
 */
export function expandPhaseOf(
  source: DatasetField[],
  target: TargetField[],
): ExpandPhase {
  const columns: ExpandColumn[] = [];
  for (const old of source) {
    const carrier = carrierOf(target, old.name);
    if (!carrier) {
      const recomputed = target.some(f => f.name === old.name);
      columns.push({
        name: old.name,
        type: old.type,
        source: 'previous',
        atContract: recomputed
          ? 'its new values (recomputed)'
          : 'nothing: the field is dropped',
      });
    } else if (carrier.type !== old.type) {
      columns.push({
        name: old.name,
        type: old.type,
        source: 'old-type',
        from: carrier.name,
        atContract:
          carrier.name === old.name
            ? `the same values as ${carrier.type}`
            : `nothing under this name: read ${carrier.name} (${carrier.type})`,
      });
    } else if (carrier.name !== old.name) {
      columns.push({
        name: old.name,
        type: old.type,
        source: 'renamed',
        from: carrier.name,
        atContract: `nothing under this name: read ${carrier.name}`,
      });
    } else {
      columns.push({
        name: old.name,
        type: old.type,
        source: 'same',
        from: carrier.name,
        atContract: 'the same',
      });
    }
  }
  const oldNames = new Set(source.map(f => f.name));
  const hiddenUntilContract: string[] = [];
  for (const field of target) {
    if (!oldNames.has(field.name)) {
      columns.push({
        name: field.name,
        type: field.type,
        source: 'new',
        from: field.name,
        atContract: 'the same',
      });
    } else if (carrierOf(target, field.name) !== field) {
      hiddenUntilContract.push(field.name);
    }
  }
  return {
    columns,
    hiddenUntilContract,
    plain: columns.every(
      c => c.source !== 'old-type' && c.source !== 'previous',
    ),
  };
}
