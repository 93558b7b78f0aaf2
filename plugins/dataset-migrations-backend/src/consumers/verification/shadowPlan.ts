/**
 * What a patch's shadow checks compare, worked out from code alone: each
 * statement reading the dataset in each checked file, pointed at the previous
 * version (the original) and at the new one (the rewrite), or why it is not
 * compared. Rendering a model's dbt Jinja and parsing its SQL is CPU work on a
 * consumer's code, so consumer jobs run this on a worker thread within the
 * assessment's budget (RewriteWorkers); only the comparisons run on the engine
 * (shadowCheck.ts).
 */
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { StatementAnalysis } from '../sql/analyzeSql';
import { renamedTarget, type DatasetTarget } from '../sql/datasetTarget';
import { maskJinja } from '../sql/dbtJinja';
import { dbtProjectOf } from '../sql/dbtProject';
import type { DatasetRelationName } from '../sql/fieldMapping';
import { needsRendering, renderModel } from '../sql/renderModel';
import { analyzeFile, mentionsDataset } from '../sql/rewriteSql';

/** One statement's check: the two queries to compare, or why it is not compared. */
export type PlannedCheck = { path: string; statement: number } & (
  | { skipped: string }
  | { before: string; after: string }
);

/** The previous and the new version's relations, as the engine names them. */
export interface VersionRelations {
  before: string;
  after: string;
}

export interface ShadowPlanInput {
  /** The repository at the commit the patch was made from: the originals, and the dbt project that says what ref() and source() name. */
  snapshot: ChangedFile[];
  /** The patch's files. */
  patched: ChangedFile[];
  target: DatasetTarget;
  /** The dataset's new name, when the migration renames it. */
  renamedTo?: DatasetRelationName;
  /** Files a person's decision handed to the coding agent: not compared. */
  handedOver: string[];
  /** Undefined where the engine cannot compare queries. */
  relations?: VersionRelations;
}

/** A patch's checks, file by file in the order they are reported. */
export function planShadowChecks(input: ShadowPlanInput): PlannedCheck[] {
  const { snapshot, patched, renamedTo, relations } = input;
  const target = { ...input.target, dbt: dbtProjectOf(snapshot) };
  const originals = new Map(snapshot.map(f => [f.path, f.content]));
  const handedOver = new Set(input.handedOver);
  const planned: PlannedCheck[] = [];
  for (const file of [
    ...patched.filter(f => /\.sql$/i.test(f.path)),
    ...readsThroughRenamedSource(input),
  ]) {
    const original = originals.get(file.path);
    if (original === undefined) continue;
    if (handedOver.has(file.path)) {
      planned.push({
        path: file.path,
        statement: 0,
        skipped:
          'handed to the coding agent by a decision: it read a field the new version drops or recomputes, so its results are not compared',
      });
      continue;
    }
    planned.push(
      ...plannedChecksOfFile({
        original: { path: file.path, content: original },
        rewritten: file,
        target,
        afterTarget: renamedTo ? renamedTarget(target, renamedTo) : target,
        relations,
      }),
    );
  }
  return planned;
}

/**
 * dbt models a rename leaves as they are (their source's `identifier:` moved):
 * checked too, the original on the old version and the same text on the new.
 */
function readsThroughRenamedSource({
  snapshot,
  patched,
  target,
  renamedTo,
}: ShadowPlanInput): ChangedFile[] {
  if (!renamedTo) return [];
  return snapshot.filter(
    f =>
      /\.sql$/i.test(f.path) &&
      !patched.some(p => p.path === f.path) &&
      maskJinja(f.content).placeholders.size > 0 &&
      mentionsDataset(f.content, target),
  );
}

/** One file's checks: its original read on the previous version, its rewrite on the new. */
export function plannedChecksOfFile(file: {
  original: ChangedFile;
  rewritten: ChangedFile;
  target: DatasetTarget;
  /** What the rewrite names the dataset: the target renamed, when the migration renames it. */
  afterTarget: DatasetTarget;
  relations?: VersionRelations;
}): PlannedCheck[] {
  const { original, relations } = file;
  const sides = sidesOf(file);
  if ('unrendered' in sides)
    return [
      {
        path: original.path,
        statement: 0,
        skipped: `not shadow-checked: its dbt Jinja could not be rendered (${sides.unrendered})`,
      },
    ];
  const { before, after } = sides;
  const planned: PlannedCheck[] = [];
  for (const [i, statement] of before.analysis.entries()) {
    const counterpart = after.analysis[i];
    if (statement.datasetRelations.length === 0) continue;
    const check = { path: original.path, statement: statement.index };
    if (!relations) {
      planned.push({ ...check, skipped: 'the engine cannot compare queries' });
      continue;
    }
    if (!statement.isSelect || !counterpart) {
      planned.push({ ...check, skipped: 'not a SELECT' });
      continue;
    }
    const beforeSql = pointAt(before, statement, relations.before);
    const afterSql = pointAt(after, counterpart, relations.after);
    if (!beforeSql || !afterSql) {
      planned.push({
        ...check,
        skipped: 'uses dbt Jinja other than the dataset’s source() or ref()',
      });
      continue;
    }
    planned.push({ ...check, before: beforeSql, after: afterSql });
  }
  return planned;
}

interface FileStatements {
  masked: ReturnType<typeof maskJinja>;
  analysis: StatementAnalysis[];
}

function statementsOf(content: string, target: DatasetTarget): FileStatements {
  return { masked: maskJinja(content), analysis: analyzeFile(content, target) };
}

/** What stands for the dataset in rendered SQL, until a version replaces it. */
const RENDERED_DATASET = 'dsm_rendered_dataset__';

/**
 * Both files' statements. A dbt model with Jinja beyond the dataset's `ref()` or
 * `source()` runs as dbt renders it (loops, conditions, macros, vars), each side
 * with its own file and the project's macros; one that cannot be rendered is not
 * checked, and says why.
 */
function sidesOf({
  original,
  rewritten,
  target,
  afterTarget,
}: {
  original: ChangedFile;
  rewritten: ChangedFile;
  target: DatasetTarget;
  afterTarget: DatasetTarget;
}): { before: FileStatements; after: FileStatements } | { unrendered: string } {
  if (!needsRendering(original.content) && !needsRendering(rewritten.content))
    return {
      before: statementsOf(original.content, target),
      after: statementsOf(rewritten.content, afterTarget),
    };
  const before = rendered(original, target);
  if ('unrendered' in before) return before;
  const after = rendered(rewritten, afterTarget);
  if ('unrendered' in after) return after;
  return { before, after };
}

function rendered(
  file: ChangedFile,
  target: DatasetTarget,
): FileStatements | { unrendered: string } {
  const result = renderModel(file, target, RENDERED_DATASET);
  if ('unrendered' in result) return result;
  try {
    return statementsOf(result.sql, {
      schema: target.schema,
      table: RENDERED_DATASET,
      fields: target.fields,
    });
  } catch (error) {
    return {
      unrendered: `the rendered SQL does not parse: ${
        (error as Error).message
      }`,
    };
  }
}

/** The statement's text with the dataset replaced by one of its versions; undefined if other Jinja remains. */
function pointAt(
  file: FileStatements,
  statement: StatementAnalysis,
  relation: string,
): string | undefined {
  let sql = file.masked.text.slice(statement.start, statement.end);
  const relations = [...statement.datasetRelations].sort(
    (a, b) => b.start - a.start,
  );
  for (const r of relations) {
    // Unaliased, the dataset's name qualifies columns: keep it as the alias.
    const replacement =
      r.aliased || file.masked.placeholders.has(r.name)
        ? relation
        : `${relation} AS ${r.name}`;
    sql =
      sql.slice(0, r.start - statement.start) +
      replacement +
      sql.slice(r.end - statement.start);
  }
  for (const placeholder of file.masked.placeholders.keys()) {
    if (sql.includes(placeholder)) return undefined;
  }
  return sql.trim().replace(/;\s*$/, '');
}
