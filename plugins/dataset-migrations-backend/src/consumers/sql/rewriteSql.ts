import { scanSync } from 'libpg-query';
import type {
  FileImpact,
  FileImpactStatus,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  analyzeSql,
  type ColumnUse,
  type DatasetTarget,
  type Span,
  type StarUse,
  type StatementAnalysis,
} from './analyzeSql';
import { maskJinja } from './dbtJinja';
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import { starChanges, type ConsumerMapping } from './fieldMapping';
import { parseSql, positionOf, SqlSyntaxError } from '../../sql/sqlParser';

export interface RewrittenFile {
  path: string;
  /** The rewritten content; the original unless the status is `rewritten`. */
  content: string;
  status: FileImpactStatus;
  impact: FileImpact;
}

/** True when a file names the dataset at all: the cheap scan before any parsing. */
export function mentionsDataset(
  content: string,
  target: DatasetTarget,
): boolean {
  return new RegExp(`\\b${escapeRegExp(target.table)}\\b`, 'i').test(content);
}

/** Files the rewriter reads: plain SQL and dbt models. */
export function isSqlPath(path: string): boolean {
  return /\.sql$/i.test(path);
}

/**
 * Rewrites one consumer file so that, reading the new version, it returns what it
 * returned from the old one: renamed fields keep their output names, retyped ones
 * are cast back, and `*` is spelled out as the old field list. Formatting and
 * comments outside the edited references are untouched. A rewrite that does not
 * parse back is never returned.
 */
export function rewriteSqlFile(
  file: ChangedFile,
  target: DatasetTarget,
  mapping: ConsumerMapping,
): RewrittenFile {
  const unchanged = (
    status: FileImpactStatus,
    extra: Partial<FileImpact> = {},
  ): RewrittenFile => ({
    path: file.path,
    content: file.content,
    status,
    impact: { path: file.path, status, fields: [], lines: [], ...extra },
  });
  if (!mentionsDataset(file.content, target)) return unchanged('unaffected');
  if (!isSqlPath(file.path)) {
    // Code and config in other languages: only a changed field named in it is impact.
    const named = changedFieldsNamedIn(file.content, mapping);
    if (named.fields.length === 0) return unchanged('unaffected');
    return unchanged('unparseable', {
      ...named,
      problem: {
        message: `${file.path} names ${target.table} and ${named.fields
          .map(f => `"${f}"`)
          .join(
            ', ',
          )} but is not a SQL file; the rewriter reads SQL and dbt models only`,
      },
    });
  }

  let statements: StatementAnalysis[];
  try {
    statements = analyzeFile(file.content, target);
  } catch (error) {
    if (!(error instanceof SqlSyntaxError)) throw error;
    return unchanged('unparseable', {
      problem: {
        message: error.message,
        position: positionOf(file.content, error.index),
      },
    });
  }

  const plan = planEdits(file.content, statements, mapping);
  const fields = [...new Set(plan.fieldsRead)].sort();
  const lines = [
    ...new Set(plan.positions.map(i => positionOf(file.content, i).line)),
  ].sort((a, b) => a - b);
  if (plan.decisions.length > 0) {
    return unchanged('needs-decision', {
      fields,
      lines,
      problem: {
        message: plan.decisions.map(d => d.message).join('; '),
        position: positionOf(file.content, plan.decisions[0].at),
      },
    });
  }
  if (plan.edits.length === 0) return unchanged('unaffected');

  const content = applyEdits(file.content, plan.edits);
  try {
    analyzeFile(content, target);
  } catch (error) {
    return unchanged('unparseable', {
      fields,
      lines,
      problem: {
        message: `the rewrite did not parse back (${
          (error as Error).message
        }); no patch was produced`,
      },
    });
  }
  return {
    path: file.path,
    content,
    status: 'rewritten',
    impact: { path: file.path, status: 'rewritten', fields, lines },
  };
}

/** Changed fields a non-SQL file names as whole words, and on which lines. */
function changedFieldsNamedIn(
  content: string,
  mapping: ConsumerMapping,
): { fields: string[]; lines: number[] } {
  const fields: string[] = [];
  const lines = new Set<number>();
  for (const [field, m] of mapping.byField) {
    if (m.kind === 'same') continue;
    const word = new RegExp(`\\b${escapeRegExp(field)}\\b`, 'g');
    for (const match of content.matchAll(word)) {
      if (!fields.includes(field)) fields.push(field);
      lines.add(positionOf(content, match.index ?? 0).line);
    }
  }
  return { fields: fields.sort(), lines: [...lines].sort((a, b) => a - b) };
}

/** Masks dbt Jinja, parses, and finds every use of the dataset per statement. */
export function analyzeFile(
  content: string,
  target: DatasetTarget,
): StatementAnalysis[] {
  const masked = maskJinja(content);
  return analyzeSql(
    masked.text,
    parseSql(masked.text),
    target,
    masked.placeholders,
  );
}

interface Edit extends Span {
  text: string;
}

interface EditPlan {
  edits: Edit[];
  decisions: Array<{ at: number; message: string }>;
  fieldsRead: string[];
  positions: number[];
}

function planEdits(
  content: string,
  statements: StatementAnalysis[],
  mapping: ConsumerMapping,
): EditPlan {
  const plan: EditPlan = {
    edits: [],
    decisions: [],
    fieldsRead: [],
    positions: [],
  };
  const decide = (at: number, message: string) =>
    plan.decisions.push({ at, message });
  for (const statement of statements) {
    for (const use of statement.columns) {
      const m = mapping.byField.get(use.field);
      if (!m || m.kind === 'same') continue;
      plan.fieldsRead.push(use.field);
      plan.positions.push(use.start);
      if (m.kind === 'dropped') {
        decide(use.start, `reads "${use.field}", which the migration drops`);
      } else if (m.kind === 'recomputed') {
        decide(
          use.start,
          `reads "${use.field}", whose values the migration recomputes (${m.expression})`,
        );
      } else {
        plan.edits.push(columnEdit(content, use, mapping));
      }
    }
    for (const use of statement.ambiguous) {
      const m = mapping.byField.get(use.field);
      if (!m || m.kind === 'same') continue;
      plan.fieldsRead.push(use.field);
      plan.positions.push(use.start);
      decide(
        use.start,
        `"${use.field}" in a subquery may be its own table's column or the dataset's; qualify it`,
      );
    }
    for (const join of statement.joinsByName) {
      const m = mapping.byField.get(join.field);
      if (join.field !== '*' && (!m || m.kind === 'same')) continue;
      if (join.field === '*' && !starChanges(mapping)) continue;
      plan.fieldsRead.push(join.field === '*' ? '*' : join.field);
      plan.positions.push(join.start);
      decide(
        join.start,
        join.field === '*'
          ? 'a NATURAL JOIN matches the changed fields by name'
          : `JOIN … USING (${join.field}) matches a changed field by name`,
      );
    }
    for (const star of statement.stars) {
      if (!starChanges(mapping)) continue;
      if (!star.qualified && statement.joinsByName.length > 0) {
        plan.positions.push(star.start);
        decide(star.start, '`*` over a JOIN … USING merges columns by name');
        continue;
      }
      plan.positions.push(star.start);
      const expansion = expandStar(content, star, mapping);
      plan.fieldsRead.push(
        ...mapping.sourceFields
          .filter(f => mapping.byField.get(f.name)?.kind !== 'same')
          .map(f => f.name),
      );
      if (typeof expansion === 'string')
        plan.edits.push({ ...star, text: expansion });
      else decide(star.start, expansion.decision);
    }
  }
  return plan;
}

function columnEdit(
  content: string,
  use: ColumnUse,
  mapping: ConsumerMapping,
): Edit {
  const m = mapping.byField.get(use.field)!;
  const qualifier = content.slice(use.start, use.name.start);
  const renamed =
    m.kind === 'renamed' || m.kind === 'retyped' ? identifier(m.to) : '';
  let text = `${qualifier}${renamed}`;
  // An assignment target is a name: the new value is cast on the way in by Postgres.
  if (m.kind === 'retyped' && !use.assignment)
    text = `CAST(${text} AS ${m.oldType})`;
  // Keep the output column's name for whoever reads this query's result.
  if (use.bareTarget) text += ` AS ${identifier(use.field)}`;
  return { start: use.start, end: use.end, text };
}

/** `*` as the old version's field list, so the result keeps its columns and order. */
function expandStar(
  content: string,
  star: StarUse,
  mapping: ConsumerMapping,
): string | { decision: string } {
  if (!star.target)
    return { decision: '`*` of the dataset is used inside an expression' };
  const blocked = mapping.sourceFields.filter(f => {
    const kind = mapping.byField.get(f.name)?.kind;
    return kind === 'dropped' || kind === 'recomputed';
  });
  if (blocked.length > 0) {
    return {
      decision: `SELECT * returns ${blocked
        .map(f => `"${f.name}"`)
        .join(', ')}, which the migration drops or recomputes`,
    };
  }
  const parts: string[] = [];
  for (const relation of star.relations) {
    const qualifier = star.qualified
      ? content.slice(star.start, star.end).replace(/\*$/, '')
      : star.relations.length > 1
      ? `${identifier(relation.alias)}.`
      : '';
    if (
      star.relations.length > 1 &&
      (!relation.alias || relation.alias.startsWith('_j'))
    ) {
      return {
        decision:
          '`*` over several relations, one without a name to qualify it',
      };
    }
    if (!relation.dataset) {
      parts.push(`${qualifier}*`);
      continue;
    }
    for (const field of mapping.sourceFields) {
      const m = mapping.byField.get(field.name)!;
      if (m.kind === 'renamed')
        parts.push(
          `${qualifier}${identifier(m.to)} AS ${identifier(field.name)}`,
        );
      else if (m.kind === 'retyped')
        parts.push(
          `CAST(${qualifier}${identifier(m.to)} AS ${
            m.oldType
          }) AS ${identifier(field.name)}`,
        );
      else parts.push(`${qualifier}${identifier(field.name)}`);
    }
  }
  return parts.join(', ');
}

function applyEdits(content: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start);
  let out = content;
  let limit = Infinity;
  for (const edit of sorted) {
    if (edit.end > limit) continue; // nested in an edit already made
    out = out.slice(0, edit.start) + edit.text + out.slice(edit.end);
    limit = edit.start;
  }
  return out;
}

/** A Postgres identifier, quoted only when it must be. */
export function identifier(name: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(name)) {
    const [token] = scanSync(name).tokens;
    if (
      token &&
      (token.keywordName === 'NO_KEYWORD' ||
        token.keywordName === 'UNRESERVED_KEYWORD')
    )
      return name;
  }
  return `"${name.replace(/"/g, '""')}"`;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
