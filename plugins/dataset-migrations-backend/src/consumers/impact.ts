import type {
  ConsumerImpact,
  ConsumerImpactStatus,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { DatasetTarget } from './sql/analyzeSql';
import type { ConsumerMapping } from './sql/fieldMapping';
import { isYamlPath } from './sql/dbtSources';
import { dbtProjectOf } from './sql/dbtProject';
import {
  mentionsDataset,
  relationText,
  rewriteSqlFile,
  type RewrittenFile,
} from './sql/rewriteSql';

export interface ConsumerAssessment {
  impact: ConsumerImpact;
  /** Every file that names the dataset, with the rewriter's result. */
  results: RewrittenFile[];
}

/**
 * What one consumer's code reads of the dataset and what the rewriter makes of it:
 * the repository scan (files naming the dataset) followed by a parse of each.
 */
export function assessConsumer(
  files: ChangedFile[],
  target: DatasetTarget,
  mapping: ConsumerMapping,
): ConsumerAssessment {
  // The project's own models and sources decide what its ref() and source() name.
  const inProject: DatasetTarget = { ...target, dbt: dbtProjectOf(files) };
  const results = rewriteConsumerFiles(
    files.filter(file => mentionsDataset(file.content, inProject)),
    inProject,
    mapping,
  );
  const statuses = new Set(results.map(r => r.status));
  const status: ConsumerImpactStatus = statuses.has('needs-decision')
    ? 'needs-decision'
    : statuses.has('unparseable')
    ? 'unparseable'
    : statuses.has('rewritten')
    ? 'affected'
    : 'unaffected';
  return {
    impact: {
      status,
      fields: [...new Set(results.flatMap(r => r.impact.fields))].sort(),
      files: results.map(r => r.impact),
      // leavePackagesAlone marked each file of an installed package.
      dbtPackagesMarked: true,
    },
    results,
  };
}

/**
 * Rewrites a consumer's files together: each alone, then, when the dataset is
 * renamed, dbt models that read it through `source()` need a sources file among
 * them that points that source at the new table, or a person decides.
 */
export function rewriteConsumerFiles(
  files: ChangedFile[],
  target: DatasetTarget,
  mapping: ConsumerMapping,
): RewrittenFile[] {
  // Packages last: a package's file the rename step sends to a person is the
  // package's too, never the coding agent's.
  return sourcesDeclared(
    files,
    files.map(file => rewriteSqlFile(file, target, mapping)),
    target,
    mapping,
  ).map((result, i) => leavePackagesAlone(files[i], result, target));
}

/**
 * When the dataset is renamed, a dbt model reading it through `source()` needs a
 * sources file among the consumer's files that points that source at the new
 * table; without one, a person decides.
 */
function sourcesDeclared(
  files: ChangedFile[],
  results: RewrittenFile[],
  target: DatasetTarget,
  mapping: ConsumerMapping,
): RewrittenFile[] {
  const { renamedTo } = mapping;
  if (!renamedTo) return results;
  // A sources file rewritten, or left to a person or the coding agent, declares it.
  const declared = results.some(
    r => isYamlPath(r.path) && r.status !== 'unaffected',
  );
  if (declared) return results;
  return results.map(r => {
    if (!r.readsDbtSource || r.status === 'needs-decision') return r;
    const problem = {
      message: `${r.path} reads ${
        target.table
      } through dbt source(), and no sources file here declares it; point that source at ${relationText(
        renamedTo,
      )} (its identifier:)`,
    };
    return {
      ...r,
      content: files.find(f => f.path === r.path)?.content ?? r.content,
      status: 'needs-decision',
      impact: { ...r.impact, status: 'needs-decision', problem },
    };
  });
}

/**
 * A file of an installed dbt package (`dbt_packages/<name>/`) is no code of the
 * consumer's to patch: `dbt deps` replaces it. Whatever the rewriter makes of it
 * (a rewrite, a field it cannot keep, SQL it cannot read), a person decides: they
 * change the package, or override its macro in the project.
 */
function leavePackagesAlone(
  file: ChangedFile,
  result: RewrittenFile,
  target: DatasetTarget,
): RewrittenFile {
  if (result.status === 'unaffected') return result;
  const pkg = [...(target.dbt?.packages ?? [])].find(([, p]) =>
    file.path.startsWith(p.dir),
  );
  if (!pkg) return result;
  const [name, { dir }] = pkg;
  const found = result.impact.problem;
  const problem = {
    ...found,
    // Shown after the file's path and line, so the path is not said again.
    message: `the file belongs to the dbt package ${name}, installed under ${dir}, which \`dbt deps\` replaces: change the package, or override its macro in the project${
      found ? ` (${found.message})` : ''
    }`,
  };
  return {
    ...result,
    content: file.content,
    status: 'needs-decision',
    impact: {
      ...result.impact,
      status: 'needs-decision',
      problem,
      dbtPackage: name,
    },
  };
}
