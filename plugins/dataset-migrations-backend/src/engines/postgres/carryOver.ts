import { InputError } from '@backstage/errors';
import type { TargetField } from '@dataset-migrations/plugin-dataset-migrations-common';
import { renameFields } from './expressions';
import {
  quoteRelation,
  type ConstraintDefinition,
  type IndexDefinition,
  type RelationName,
} from './relations';
import { q } from './sql/values';

/** An index of the old version, rebuilt on the new one. */
export interface CarriedIndex {
  name: string;
  create: string;
}

/** A CHECK or foreign key of the old version, added to the new one. */
export interface CarriedConstraint {
  name: string;
  /** Adds it without reading existing rows. */
  add: string;
  /** Checks the rows, without blocking writers; absent when the original was never validated. */
  validate?: string;
}

export interface CarryOver {
  indexes: CarriedIndex[];
  constraints: CarriedConstraint[];
  /** What stays behind, and why, for the plan's reviewers. */
  skipped: string[];
}

/**
 * Rebuilds the old version's secondary indexes, CHECKs and foreign keys on the new
 * version, with renamed fields renamed. An index needs each field it reads to be
 * in the new version; a CHECK or foreign key needs them copied unchanged, since a
 * new type or recomputed values are not what the constraint was written for.
 */
export function planCarryOver(options: {
  target: RelationName;
  targetVersion: number;
  fields: TargetField[];
  indexes: IndexDefinition[];
  constraints: ConstraintDefinition[];
}): CarryOver {
  const { target, fields } = options;
  const skipped: string[] = [];
  // Old name → new name, for fields the new version still has.
  const present = (old: string) =>
    fields.find(
      f =>
        ((f.source.kind === 'copy' || f.source.kind === 'cast') &&
          f.source.from === old) ||
        (f.name === old && f.source.kind === 'expression'),
    )?.name;
  const copied = (old: string) =>
    fields.find(f => f.source.kind === 'copy' && f.source.from === old)?.name;

  const indexes: CarriedIndex[] = [];
  for (const index of options.indexes) {
    if (index.special) {
      // Rebuilt as a plain index it would stop enforcing what it enforces now.
      throw new InputError(
        `index ${index.name} backs ${
          index.special === 'exclusion'
            ? 'an EXCLUDE constraint'
            : 'a DEFERRABLE constraint'
        }, which the new version cannot carry yet; drop it or migrate this dataset by hand`,
      );
    }
    const parts = [...index.keys, ...index.included, index.predicate ?? 'true'];
    const renamed = parts.map(part => renameFields(part, present));
    const missing = renamed.find(r => 'missing' in r);
    if (missing && 'missing' in missing) {
      skipped.push(
        `index ${index.name}: field "${missing.missing}" is not in the new version`,
      );
      continue;
    }
    const sql = renamed.map(r => ('sql' in r ? r.sql : ''));
    const keys = index.keys.map((_, i) => `${sql[i]}${index.keyOptions[i]}`);
    const included = sql.slice(index.keys.length, -1);
    const name = versionedName(index.name, options.targetVersion);
    indexes.push({
      name,
      create: `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY ${q(
        name,
      )} ON ${quoteRelation(target)} USING ${index.method} (${keys.join(
        ', ',
      )})${included.length ? ` INCLUDE (${included.join(', ')})` : ''}${
        index.nullsNotDistinct ? ' NULLS NOT DISTINCT' : ''
      }${index.predicate ? ` WHERE ${sql[sql.length - 1]}` : ''}`,
    });
  }

  const constraints: CarriedConstraint[] = [];
  for (const constraint of options.constraints) {
    const moved = constraint.columns.map(copied);
    const lost = constraint.columns.find((_, i) => moved[i] === undefined);
    if (lost !== undefined) {
      skipped.push(
        `${constraint.kind} ${constraint.name}: field "${lost}" is not copied unchanged to the new version`,
      );
      continue;
    }
    const neverValidated = /\sNOT VALID$/.test(constraint.definition);
    const body = constraint.body.replace(/\s+NOT VALID$/, '');
    let definition: string;
    if (constraint.kind === 'check') {
      const renamed = renameFields(body, copied);
      definition = `CHECK (${'sql' in renamed ? renamed.sql : body})`;
    } else {
      if (constraint.selfReference) {
        skipped.push(
          `foreign-key ${constraint.name}: it references the dataset itself`,
        );
        continue;
      }
      definition = `FOREIGN KEY (${moved.map(c => q(c!)).join(', ')}) ${body}`;
    }
    const table = quoteRelation(target);
    constraints.push({
      name: constraint.name,
      add: `ALTER TABLE ${table} ADD CONSTRAINT ${q(
        constraint.name,
      )} ${definition} NOT VALID`,
      ...(neverValidated
        ? {}
        : {
            validate: `ALTER TABLE ${table} VALIDATE CONSTRAINT ${q(
              constraint.name,
            )}`,
          }),
    });
  }
  return { indexes, constraints, skipped };
}

/** `events_user_idx` → `events_user_idx_v3`, kept within Postgres' 63 characters. */
function versionedName(name: string, version: number): string {
  const suffix = `_v${version}`;
  return name.replace(/_v\d+$/, '').slice(0, 63 - suffix.length) + suffix;
}
