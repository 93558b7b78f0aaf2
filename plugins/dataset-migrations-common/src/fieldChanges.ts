import type { FieldChange } from './schemas';
import type { DatasetField } from './types';

/** @public */
export type FieldChangeKind =
  | 'renameField'
  | 'addField'
  | 'dropField'
  | 'changeType'
  | 'deriveField';

/** @public */
export function changeKind(change: FieldChange): FieldChangeKind {
  return Object.keys(change)[0] as FieldChangeKind;
}

/**
 * The SQL expression a change carries, if any, and the key it sits under.
 *
 * @public
 */
export function changeExpression(
  change: FieldChange,
): { key: 'expression' | 'using'; sql: string } | undefined {
  if ('addField' in change && change.addField.expression)
    return { key: 'expression', sql: change.addField.expression };
  if ('deriveField' in change)
    return { key: 'expression', sql: change.deriveField.expression };
  if ('changeType' in change && change.changeType.using)
    return { key: 'using', sql: change.changeType.using };
  return undefined;
}

/**
 * Where a field of the new version takes its value from.
 *
 * @public
 */
export type FieldSource =
  | { kind: 'copy'; from: string }
  | { kind: 'cast'; from: string }
  | { kind: 'default'; value: string | number | boolean | null }
  /** A SQL expression over the source version's fields. */
  | { kind: 'expression'; sql: string };

/** @public */
export interface TargetField extends DatasetField {
  source: FieldSource;
}

/** @public */
export interface FieldChangePlan {
  fields: TargetField[];
  problems: string[];
}

/**
 * Where a field's values come from once its type changes: `using` when given,
 * else a cast of the field it was read from; a default or an expression stays.
 */
function retypedSource(
  current: FieldSource,
  using: string | undefined,
): FieldSource {
  if (using) return { kind: 'expression', sql: using };
  if (current.kind === 'copy' || current.kind === 'cast')
    return { kind: 'cast', from: current.from };
  return current;
}

/**
 * Applies changes, in order, to the source fields and returns the target version's
 * fields with where each one's values come from. Every problem names the change and
 * the field, so a request can be rejected before anything is queued.
 *
 * @public
 */
export function planFieldChanges(
  source: DatasetField[],
  changes: FieldChange[],
): FieldChangePlan {
  const fields: TargetField[] = source.map(f => ({
    ...f,
    source: { kind: 'copy', from: f.name },
  }));
  const problems: string[] = [];
  const find = (name: string) => fields.findIndex(f => f.name === name);

  changes.forEach((change, index) => {
    const at = `changes[${index}] (${changeKind(change)})`;
    if ('renameField' in change) {
      const { from, to } = change.renameField;
      const i = find(from);
      if (i < 0) problems.push(`${at}: unknown field "${from}"`);
      else if (from === to)
        problems.push(`${at}: "${from}" is renamed to itself`);
      else if (find(to) >= 0)
        problems.push(`${at}: field "${to}" already exists`);
      else fields[i] = { ...fields[i], name: to };
    } else if ('addField' in change) {
      const { name, type, default: value = null, expression } = change.addField;
      if (find(name) >= 0)
        problems.push(`${at}: field "${name}" already exists`);
      else
        fields.push({
          name,
          type,
          nullable: true,
          primaryKey: false,
          source: expression
            ? { kind: 'expression', sql: expression }
            : { kind: 'default', value },
        });
    } else if ('dropField' in change) {
      const { name } = change.dropField;
      const i = find(name);
      if (i < 0) problems.push(`${at}: unknown field "${name}"`);
      else if (fields[i].primaryKey)
        problems.push(
          `${at}: "${name}" is part of the primary key and cannot be dropped`,
        );
      else fields.splice(i, 1);
    } else if ('deriveField' in change) {
      const { field, expression } = change.deriveField;
      const i = find(field);
      if (i < 0) problems.push(`${at}: unknown field "${field}"`);
      else if (fields[i].primaryKey)
        problems.push(
          `${at}: "${field}" is part of the primary key; keys can be renamed or cast, not derived`,
        );
      else
        fields[i] = {
          ...fields[i],
          source: { kind: 'expression', sql: expression },
        };
    } else {
      const { field, type, using } = change.changeType;
      const i = find(field);
      if (i < 0) problems.push(`${at}: unknown field "${field}"`);
      else if (fields[i].type === type && !using)
        problems.push(`${at}: "${field}" already has type ${type}`);
      else if (using && fields[i].primaryKey)
        problems.push(
          `${at}: "${field}" is part of the primary key; keys can be cast, not converted with using`,
        );
      else
        fields[i] = {
          ...fields[i],
          type,
          source: retypedSource(fields[i].source, using),
        };
    }
  });

  if (fields.length === 0)
    problems.push('changes: would leave the dataset with no fields');
  return { fields, problems };
}
