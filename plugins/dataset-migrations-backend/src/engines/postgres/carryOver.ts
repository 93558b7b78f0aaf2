import { escapeRegExp } from '../../sql/regExp';
import { createHash } from 'node:crypto';
import { InputError } from '@backstage/errors';
import type { TargetField } from '@dataset-migrations/plugin-dataset-migrations-common';
import { renameFields } from './expressions';
import {
  quoteRelation,
  type ConstraintDefinition,
  type IndexDefinition,
  type RelationName,
} from './relations';
import { bareType, list, q, TEXT_TYPES } from './sql/values';

/**
 * Whether the index key `key` (as the new version spells it) is a field retyped
 * to a type without collations (text → integer): a collation of its own
 * (`code COLLATE "C"`) cannot be built over it, and has nothing left to order.
 * Found by a probe (2026-12-06): such an index refused the run at plan.
 */
function retypedWithoutCollations(fields: TargetField[], key: string): boolean {
  const field = fields.find(f => key === q(f.name) || key === f.name);
  return field?.source.kind === 'cast' && !TEXT_TYPES.has(bareType(field.type));
}

/** A key's options without its ` COLLATE <schema>.<name>`. */
const withoutCollation = (options: string) =>
  options.replace(
    /^ COLLATE (?:"(?:[^"]|"")*"|[^\s."]+)(?:\.(?:"(?:[^"]|"")*"|[^\s."]+))?/,
    '',
  );

/** An index of the old version, rebuilt on the new one. */
export interface CarriedIndex {
  name: string;
  /** The old version's index it rebuilds. */
  original: string;
  create: string;
  /**
   * Only for readers of the previous shape until contract (see
   * expandIndexesOf): not built where the cast it indexes cannot be.
   */
  expand?: boolean;
  /** Marks it so once built (see EXPAND_INDEX_COMMENT). */
  comment?: string;
  /**
   * Makes it the `UNIQUE` constraint it backed on the old version, once built
   * (`ADD CONSTRAINT … UNIQUE USING INDEX`, under the index's name: a moment's
   * lock, where a constraint built whole would block writers for the build;
   * waited for briefly, see makeConstraint).
   */
  constraint?: string;
}

/**
 * What adding a constraint over a widened field says when the constraint, as
 * written, does not apply to the new type: a function or operator without a
 * version for it, or a foreign key whose types do not compare.
 */
export const NOT_FOR_THE_NEW_TYPE = new Set([
  '42883',
  '42804',
  '42725',
  '42846',
]);

/**
 * The types each type (as `format_type` spells it, without its modifier) casts
 * to keeping every value as it was, and whose operators compute alike, so that a
 * CHECK over it means what it meant (a foreign key: see KEY_WIDENINGS). Not `character(n)` → `text`,
 * which drops trailing blanks; not an integer → `numeric`, whose `/` no longer
 * truncates (`CHECK (n / 2 * 2 = n)` takes odd numbers then), nor `real` →
 * `double precision`, which compares with other digits.
 */
const WIDENINGS: Record<string, string[]> = {
  smallint: ['smallint', 'integer', 'bigint'],
  integer: ['integer', 'bigint'],
  bigint: ['bigint'],
  numeric: ['numeric'],
  'character varying': ['text'],
  timestamp: ['timestamp'],
  'timestamp without time zone': ['timestamp'],
  timestamptz: ['timestamptz'],
  'timestamp with time zone': ['timestamptz'],
};

/** The widenings a foreign key survives: its operators compare both types. */
const KEY_WIDENINGS: Record<string, string[]> = {
  smallint: ['smallint', 'integer', 'bigint'],
  integer: ['integer', 'bigint'],
  bigint: ['bigint'],
  'character varying': ['text'],
};

/** A CHECK or foreign key of the old version, added to the new one. */
export interface CarriedConstraint {
  name: string;
  kind: ConstraintDefinition['kind'];
  /** Adds it without reading existing rows. */
  add: string;
  /** Checks the rows, without blocking writers; absent when the original was never validated. */
  validate?: string;
  /**
   * Over a widened field (see widens): the constraint may not apply to the new
   * type as written (a function of `integer` given a `bigint`); then it stays
   * behind, as one over a retyped field does.
   */
  widened?: boolean;
  /**
   * A foreign key of the new version to itself: validated once the rows the
   * backfill copied after their deletion are gone, one of which may be a row
   * whose parent it did not copy.
   */
  selfReference?: boolean;
}

export interface CarryOver {
  indexes: CarriedIndex[];
  constraints: CarriedConstraint[];
  /** What stays behind, and why, for the plan's reviewers. */
  skipped: string[];
  /**
   * Foreign keys staying behind whose actions would, from cut-over, change rows
   * of the previous version only (see actionLeftBehind); refused before the run.
   */
  actionsLeftBehind: string[];
}

const ACTIONS: Record<string, string> = {
  c: 'CASCADE',
  n: 'SET NULL',
  d: 'SET DEFAULT',
};

/**
 * The action of a foreign key left on the previous version that PostgreSQL would
 * apply to that version alone from cut-over, making it and the rows the name
 * serves differ: an `ON DELETE CASCADE` deletes rows there and not in the new
 * version (a delete through the name of a self-referencing table's parent, or
 * of another table's referenced row, left the rows referencing it served); any
 * other action changes fields, which matters where the name reads them from the
 * new version (`servedFromNew`: not dropped or recomputed fields, read from the
 * previous one).
 */
function actionLeftBehind(
  constraint: ConstraintDefinition,
  servedFromNew: (old: string) => string | undefined,
): string | undefined {
  const { onDelete = 'a', onUpdate = 'a' } = constraint;
  const served = constraint.columns.some(c => servedFromNew(c) !== undefined);
  let action: string | undefined;
  if (onDelete === 'c' || (served && ACTIONS[onDelete]))
    action = `ON DELETE ${ACTIONS[onDelete]}`;
  else if (served && ACTIONS[onUpdate])
    action = `ON UPDATE ${ACTIONS[onUpdate]}`;
  return action && `foreign-key ${constraint.name} (${action})`;
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
  /** The old version's field types, by name. */
  sourceTypes: Map<string, string>;
  indexes: IndexDefinition[];
  constraints: ConstraintDefinition[];
}): CarryOver {
  const { target, fields, sourceTypes } = options;
  const skipped: string[] = [];
  // Old name → new name, for fields the new version still has.
  const present = (old: string) =>
    fields.find(
      f =>
        ((f.source.kind === 'copy' || f.source.kind === 'cast') &&
          f.source.from === old) ||
        (f.name === old && f.source.kind === 'expression'),
    )?.name;
  // The name reads these from the new version; dropped and recomputed fields
  // from the previous one.
  const served = (old: string) =>
    fields.find(
      f =>
        (f.source.kind === 'copy' || f.source.kind === 'cast') &&
        f.source.from === old,
    )?.name;
  const actionsLeftBehind: string[] = [];
  const leftBehind = (constraint: ConstraintDefinition, why: string) => {
    skipped.push(`${constraint.kind} ${constraint.name}: ${why}`);
    const action =
      constraint.kind === 'foreign-key'
        ? actionLeftBehind(constraint, served)
        : undefined;
    if (action) actionsLeftBehind.push(action);
  };
  const copied = (old: string) =>
    fields.find(f => f.source.kind === 'copy' && f.source.from === old)?.name;
  // The new field a constraint over `old` goes on: copied, or cast within the
  // widenings given. A foreign key compares with the referenced key's btree
  // operators, which only some widenings keep, and no empty table can try it
  // (see KEY_WIDENINGS).
  const keptWithin = (widenings: Record<string, string[]>) => (old: string) =>
    copied(old) ??
    fields.find(
      f =>
        f.source.kind === 'cast' &&
        f.source.from === old &&
        widens(sourceTypes.get(old), f.type, widenings),
    )?.name;
  const kept = keptWithin(WIDENINGS);
  const keptByKey = keptWithin(KEY_WIDENINGS);

  const indexes: CarriedIndex[] = [];
  const names = new Set<string>();
  for (const index of options.indexes) {
    if (index.special) {
      // Rebuilt as a plain index it would stop enforcing what it enforces now.
      throw new InputError(
        `index ${index.name} backs ${
          {
            exclusion: 'an EXCLUDE constraint',
            deferrable: 'a DEFERRABLE constraint',
            'without-overlaps': 'a UNIQUE … WITHOUT OVERLAPS constraint',
          }[index.special]
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
    const keys = index.keys.map(
      (_, i) =>
        `${sql[i]}${
          retypedWithoutCollations(fields, sql[i])
            ? withoutCollation(index.keyOptions[i])
            : index.keyOptions[i]
        }`,
    );
    const included = sql.slice(index.keys.length, -1);
    const name = versionedName(index.name, options.targetVersion, names);
    indexes.push({
      name,
      original: index.name,
      create: `CREATE ${index.unique ? 'UNIQUE ' : ''}INDEX CONCURRENTLY ${q(
        name,
      )} ON ${quoteRelation(target)} USING ${index.method} (${keys.join(
        ', ',
      )})${included.length ? ` INCLUDE (${included.join(', ')})` : ''}${
        index.nullsNotDistinct ? ' NULLS NOT DISTINCT' : ''
      }${index.tablespace ? ` TABLESPACE ${q(index.tablespace)}` : ''}${
        index.predicate ? ` WHERE ${sql[sql.length - 1]}` : ''
      }`,
      ...(index.uniqueConstraint
        ? {
            constraint: `ALTER TABLE ${quoteRelation(
              target,
            )} ADD CONSTRAINT ${q(name)} UNIQUE USING INDEX ${q(name)}`,
          }
        : {}),
    });
  }

  const constraints: CarriedConstraint[] = [];
  for (const constraint of options.constraints) {
    const moved = constraint.columns.map(
      constraint.kind === 'check' ? kept : keptByKey,
    );
    const lost = constraint.columns.find((_, i) => moved[i] === undefined);
    if (lost !== undefined) {
      leftBehind(
        constraint,
        `field "${lost}" is not copied unchanged to the new version`,
      );
      continue;
    }
    const neverValidated = /\sNOT VALID$/.test(constraint.definition);
    // Printed after the rest (`… NOT ENFORCED`), written back after it below.
    const body = constraint.body
      .replace(/\s+NOT VALID$/, '')
      .replace(/\s+NOT ENFORCED$/, '');
    // A foreign key over a period names its last column `PERIOD valid_at`.
    const keyList = (columns: string[]) =>
      list(
        columns.map((c, i) =>
          constraint.period && i === columns.length - 1 ? `PERIOD ${c}` : c,
        ),
      );
    const narrowed = constraint.columns
      .filter(c => !copied(c))
      .map(c => ({
        c,
        cast: narrowingCastOf(
          body,
          c,
          fields.find(f => f.name === kept(c))!.type,
        ),
      }))
      .find(n => n.cast !== undefined);
    if (narrowed) {
      // It would refuse the wider values the new type is for, as an overflow.
      leftBehind(
        constraint,
        `it casts field "${narrowed.c}" to ${narrowed.cast}`,
      );
      continue;
    }
    let definition: string;
    if (constraint.kind === 'check') {
      const renamed = renameFields(body, kept);
      definition = `CHECK (${'sql' in renamed ? renamed.sql : body})`;
    } else if (constraint.selfReference) {
      // A tree (a reply's parent comment): the new version references itself,
      // so that its action (ON DELETE CASCADE) acts on the rows the name serves.
      const referenced = constraint.references?.columns.map(keptByKey);
      if (!referenced || referenced.some(c => c === undefined)) {
        leftBehind(
          constraint,
          'it references fields of the dataset not copied unchanged',
        );
        continue;
      }
      definition = `FOREIGN KEY (${keyList(
        moved.map(c => q(c!)),
      )}) REFERENCES ${quoteRelation(target)} (${keyList(
        referenced.map(c => q(c!)),
      )}) ${actionColumnsRenamed(
        constraint
          .references!.rest.replace(/\s*NOT VALID$/, '')
          .replace(/\s*NOT ENFORCED$/, ''),
        constraint.columns,
        moved as string[],
      )}`;
    } else {
      definition = `FOREIGN KEY (${keyList(
        moved.map(c => q(c!)),
      )}) ${actionColumnsRenamed(body, constraint.columns, moved as string[])}`;
    }
    const table = quoteRelation(target);
    constraints.push({
      name: constraint.name,
      kind: constraint.kind,
      add: `ALTER TABLE ${table} ADD CONSTRAINT ${q(
        constraint.name,
      )} ${definition}${
        // Never checked, so never validated: as it was.
        constraint.notEnforced ? ' NOT ENFORCED' : ' NOT VALID'
      }`,
      ...(neverValidated || constraint.notEnforced
        ? {}
        : {
            validate: `ALTER TABLE ${table} VALIDATE CONSTRAINT ${q(
              constraint.name,
            )}`,
          }),
      ...(constraint.columns.some(c => !copied(c)) ? { widened: true } : {}),
      ...(constraint.selfReference ? { selfReference: true } : {}),
    });
  }
  return { indexes, constraints, skipped, actionsLeftBehind };
}

/**
 * A foreign key's definition with the columns its action names (`ON DELETE SET
 * NULL (parent_id)`, PostgreSQL 15 on) under their names in the new version:
 * `columns` are the key's columns as the previous version names them, `moved`
 * the new version's names of each. An identifier is matched as
 * `pg_get_constraintdef` prints it, quoted where needed.
 */
function actionColumnsRenamed(
  definition: string,
  columns: string[],
  moved: string[],
): string {
  return definition.replace(
    /(SET (?:NULL|DEFAULT)) \(((?:[^()"]|"(?:[^"]|"")*")*)\)/g,
    (_all, action: string, names: string) =>
      `${action} (${list(
        (names.match(/"(?:[^"]|"")*"|[^,\s]+/g) ?? []).map(name => {
          const bare = name.startsWith('"')
            ? name.slice(1, -1).replace(/""/g, '"')
            : name;
          const i = columns.indexOf(bare);
          return i < 0 ? name : q(moved[i]);
        }),
      )})`,
  );
}

/** Whether a field of type `from` cast to `to` keeps every value (see WIDENINGS). */
function widens(
  from: string | undefined,
  to: string,
  widenings: Record<string, string[]>,
): boolean {
  if (from === undefined) return false;
  const bare = from.toLowerCase().replace(/\s*\([\d\s,]+\)/, '');
  return widenings[bare]?.includes(to.trim().toLowerCase()) ?? false;
}

/** Numeric types by how far their values reach (a bounded numeric is least). */
const NUMERIC_RANGES: Record<string, number> = {
  smallint: 1,
  real: 2,
  integer: 3,
  bigint: 4,
  'double precision': 5,
  numeric: 6,
};

/**
 * A numeric type narrower than `type`, the one field `column` is widened to,
 * that a CHECK casts the field to: `is_small((level)::integer)`, as PostgreSQL
 * stores a call of a function of integer with a smallint.
 */
function narrowingCastOf(
  body: string,
  column: string,
  type: string,
): string | undefined {
  const name = [column, q(column)].map(escapeRegExp).join('|');
  const casts = body.matchAll(
    new RegExp(
      `\\((?:${name})\\)::(smallint|integer|bigint|real|double precision|numeric(?:\\(\\d+(?:,\\s*\\d+)?\\))?)`,
      'g',
    ),
  );
  const range = (t: string) =>
    t.startsWith('numeric(') ? 0 : NUMERIC_RANGES[t] ?? Infinity;
  return [...casts].map(m => m[1]).find(cast => range(cast) < range(type));
}

/** `events_user_idx` → `events_user_idx_v3`, kept within Postgres' 63 characters. */
function versionedName(
  name: string,
  version: number,
  taken: Set<string>,
): string {
  return indexName(name.replace(/_v\d+$/, ''), `_v${version}`, name, taken);
}

/**
 * `<base><suffix>` within Postgres' 63 characters, and unlike the others of the
 * run (`taken`): two long names alike up to the cut would name one index, and the
 * indexes stage take the second for built. Then a hash of `original` goes before
 * the suffix.
 */
export function indexName(
  base: string,
  suffix: string,
  original: string,
  taken: Set<string>,
): string {
  let name = base.slice(0, 63 - suffix.length) + suffix;
  if (taken.has(name)) {
    const hash = `_${createHash('sha256')
      .update(original)
      .digest('hex')
      .slice(0, 8)}`;
    name = base.slice(0, 63 - suffix.length - hash.length) + hash + suffix;
  }
  taken.add(name);
  return name;
}
