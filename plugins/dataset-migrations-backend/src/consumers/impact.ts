import type {
  ConsumerImpact,
  ConsumerImpactStatus,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  wordPattern,
  jinjaNamesDataset,
  namesIdentifier,
  namesWord,
  sourceRelationIs,
  sourcesMaybeDataset,
  type DatasetTarget,
} from './sql/datasetTarget';
import { escapeRegExp } from '../sql/regExp';
import { namedFew } from '../validation/namedFew';
import {
  growingStarRead,
  starsCounted,
  type CountedStar,
} from './sql/growingStars';
import {
  readWidened,
  type ConsumerMapping,
  type ReaderMapping,
} from './sql/fieldMapping';
import { isYamlPath } from './sql/dbtSources';
import { dbtProjectOf } from './sql/dbtProject';
import {
  analyzeFile,
  identifier,
  isSqlPath,
  fileMentionsDataset,
  mentionsDataset,
  picksOtherFunction,
  relationText,
  rewriteSqlFile,
  type RewrittenFile,
  changedFieldsNamedIn,
  changedFieldsReadAsKeys,
  INTEGERS,
  introducedNamesIn,
  wholeRowsRead,
} from './sql/rewriteSql';
import {
  jinjaBeyondReferences,
  referencesIn,
  refsIn,
  relationsAsValues,
} from './sql/dbtJinja';
import { needsRendering, renderModel } from './sql/renderModel';
import {
  liveRoutinesReading,
  migrationHistoryOf,
  rollbackSql,
  undoneFirst,
  unprovenHistory,
} from './sql/migrationHistory';
import {
  conventionalModelsOf,
  ormModelsIn,
  ormClassesOf,
  tableObjectsOf,
} from './sql/ormClasses';
import {
  clientVisibleWidenings,
  wholeRowsReadByCode,
  wholeRowsReason,
} from './sql/wholeRows';
import { queryFileRunBy } from './sql/queryFiles';
import { unprefixedTable } from './sql/tablePrefix';
import { unescapedCode } from './sql/codeQueries';
import {
  createsTableNamedLike,
  RENAMED_WRITE,
  tableStatementsIn,
  templatedTableStatementsIn,
  type CodeTableStatement,
} from './sql/tableStatements';
import { parse as parseYaml } from 'yaml';
import { MAX_SCANNED_BYTES } from './repositories/RepositoryReader';
import { scanSqlTokens } from '../sql/sqlParser';
import { inlineIncludes } from './sql/jinjaInclude';
import {
  objectNamesIn,
  objectNamesInRollback,
  withObjectNames,
} from './sql/objectNames';

export interface ConsumerAssessment {
  impact: ConsumerImpact;
  /** Every file that names the dataset, with the rewriter's result. */
  results: RewrittenFile[];
}

/** `assessConsumer`, wherever it runs (the plugin's jobs: on a worker thread). */
export type AssessConsumer = (
  files: ChangedFile[],
  target: DatasetTarget,
  mapping: ConsumerMapping,
) => Promise<ConsumerAssessment>;

/**
 * What one consumer's code reads of the dataset and what the rewriter makes of it:
 * the repository scan (files naming the dataset) followed by a parse of each.
 */
export function assessConsumer(
  files: ChangedFile[],
  target: DatasetTarget,
  mapping: ConsumerMapping,
): ConsumerAssessment {
  // A file larger than the rules read is looked at for the dataset's names only.
  const tooLarge: ChangedFile[] = [];
  const readable: ChangedFile[] = [];
  for (const file of files) (isTooLarge(file) ? tooLarge : readable).push(file);
  // The project's own models and sources decide what its ref() and source() name.
  const inProject: DatasetTarget = { ...target, dbt: dbtProjectOf(readable) };
  const results = withUnprefixedReads(
    [
      ...maybeDatasetSources(readable, inProject, mapping),
      ...tooLarge.flatMap(file => tooLargeToRead(file, inProject) ?? []),
    ],
    readable,
    inProject,
    mapping,
  );
  const status = consumerStatus(new Set(results.map(r => r.status)));
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
 * Where the repository prefixes table names at run time and the dataset's
 * table has that prefix (`blog_posts`, Rails' `Blog::Post` named `posts`), the
 * files read as reading the unprefixed name: each one that reads it and is
 * not already a person's goes to a person, since what the code names is the
 * dataset only through that configuration (found by round 38's probe).
 */
function withUnprefixedReads(
  results: RewrittenFile[],
  files: ChangedFile[],
  target: DatasetTarget,
  mapping: ConsumerMapping,
): RewrittenFile[] {
  const unprefixed = unprefixedTable(target.table, files);
  if (!unprefixed) return results;
  const byPath = new Map(results.map(r => [r.path, r]));
  for (const read of maybeDatasetSources(
    files,
    { ...target, table: unprefixed.table },
    mapping,
  )) {
    if (read.status === 'unaffected') continue;
    if (byPath.get(read.path)?.status === 'needs-decision') continue;
    const file = files.find(f => f.path === read.path);
    if (!file) continue;
    byPath.set(
      read.path,
      fileToPerson(
        file,
        read.impact.fields,
        `reads ${unprefixed.table}, which ${unprefixed.path} prefixes with "${
          unprefixed.prefix
        }" at run time, so it is the dataset ${target.table}: ${
          read.impact.problem?.message ??
          `it reads ${read.impact.fields.join(
            ', ',
          )}, which the migration changes`
        }`,
      ),
    );
  }
  return [...byPath.values()];
}

/**
 * A file naming the dataset that is larger than the rewriter's rules read (a
 * generated query file, a dump): what it does with the dataset is not known,
 * so a person decides before the data moves. Said unaffected before 2026-12-07,
 * when the readers left such files out.
 */
function tooLargeToRead(
  file: ChangedFile,
  target: DatasetTarget,
): RewrittenFile | undefined {
  if (!fileMentionsDataset(file, target)) return undefined;
  const size = (Buffer.byteLength(file.content) / (1024 * 1024)).toFixed(1);
  const message = `${file.path} names ${
    target.table
  } and is ${size} MiB, more than the ${
    MAX_SCANNED_BYTES / (1024 * 1024)
  } MiB the rewriter reads of a file, so what it reads or runs on ${
    target.table
  } is not known: a person decides before the data moves (split it so each part is read, then Retry; or exclude the consumer)`;
  return fileToPerson(file, [], message);
}

/** Larger than the rules read, in bytes as the readers count (a UTF-16 unit is 1–3). */
function isTooLarge(file: ChangedFile): boolean {
  return (
    file.content.length * 3 > MAX_SCANNED_BYTES &&
    Buffer.byteLength(file.content) > MAX_SCANNED_BYTES
  );
}

/** The files that read the dataset, each with what the rewriter makes of it. */
function assessFiles(
  files: ChangedFile[],
  target: DatasetTarget,
  mapping: ConsumerMapping,
): RewrittenFile[] {
  // Each file read for the dataset's names once (code is unescaped to look).
  const named = new Set(
    files.filter(file => fileMentionsDataset(file, target)),
  );
  const candidates = files.filter(
    file =>
      named.has(file) ||
      readsThroughJinja(file, target) ||
      objectNamesIn(file, target, files) !== undefined,
  );
  const assessedFiles = new Set(candidates);
  const ownTables = ownTablesByFolder(files, target);
  const models = ormModelsIn(files);
  const links = linksIn([...named], target, models);
  // Files that name the dataset, and models rendering showed to read it.
  const assessed = rewriteConsumerFiles(candidates, target, mapping, files)
    .filter(
      (result, i) =>
        result.status !== 'unaffected' ||
        named.has(candidates[i]) ||
        rendersDataset(candidates[i], target),
    )
    .map(result => passedToModels(result, files, target, mapping))
    .map(result => runByCode(result, files, mapping))
    .map(result => contractedModel(result, files, target, mapping))
    .map(result => fixedOutputModel(result, files, target, mapping))
    .map(result => yamlSnapshotOfEveryField(result, files, target, mapping))
    .map(result => passesGrowingStarOn(result, files, target, mapping))
    .map(result => runsTemplatedTableStatements(result, files, target, mapping))
    .map(result => syncedAtStartUp(result, files, target))
    .map(result => besideOwnTable(result, ownTables, files, target))
    .map(result => {
      const file = files.find(f => f.path === result.path);
      return (
        (file && throughLinkedClasses(file, result, links, target, mapping)) ??
        result
      );
    })
    // Kept through the steps above, which may judge the file again.
    .map(result => {
      const file = files.find(f => f.path === result.path);
      return file ? withObjectNames(file, result, target, files) : result;
    });
  const dbtRepository = files.some(f =>
    /(?:^|\/)dbt_project\.yml$/.test(f.path),
  );
  const templated = files
    .filter(file => !assessedFiles.has(file))
    .flatMap(
      file => templatedRelation(file, target, mapping, dbtRepository) ?? [],
    );
  const seeds = files
    .filter(file => !assessedFiles.has(file))
    .flatMap(file => seedOfDataset(file, files, target, mapping) ?? []);
  const projectConfig = files
    .filter(file => !assessedFiles.has(file))
    .flatMap(file => projectConfigOfDataset(file, target, mapping) ?? []);
  const linked = files
    .filter(file => !assessedFiles.has(file))
    .flatMap(file => {
      const config = linkedConfig(file, links, target, mapping);
      return (
        throughLinkedClasses(
          file,
          config ?? unaffectedFile(file),
          links,
          target,
          mapping,
        ) ??
        config ??
        []
      );
    });
  const found = [
    ...assessed,
    ...templated,
    ...seeds,
    ...projectConfig,
    ...linked,
  ];
  // Files no step found reading the dataset, looked at for reads through a
  // model's instances; a file's other results are kept.
  const judged = new Set(
    found.filter(r => r.status !== 'unaffected').map(r => r.path),
  );
  const instances = {
    models: [...links.classes].filter(([, l]) => l.orm),
    others: models.map(m => m.name),
    mapping,
    dynamicMapping: withoutIntegerWidenings(mapping),
  };
  const reads = files.flatMap(file =>
    judged.has(file.path)
      ? []
      : readsThroughModelInstances(file, target, instances) ?? [],
  );
  const read = new Set(reads.map(r => r.path));
  return historyAsIsAll(
    [...found.filter(r => !read.has(r.path)), ...reads].map(
      result => [files.find(f => f.path === result.path), result] as const,
    ),
    files,
    target,
  );
}

const NOT_HISTORY = 'is not history to call unaffected';

/** What `historyAsIs` made of the rewriter's result. */
const judgedFrom = new WeakMap<RewrittenFile, RewrittenFile>();

/** The file's migration history, when `historyAsIs` judges it as such. */
function historyOf(
  file: ChangedFile,
  result: RewrittenFile,
  files: ChangedFile[],
  target: DatasetTarget,
) {
  if (result.status === 'unaffected' && !fileMentionsDataset(file, target))
    return undefined;
  // A dbt model or macro is built on every run, whatever its folder.
  if (modelOf(file.path, target) !== undefined || macroFile(file, target))
    return undefined;
  return migrationHistoryOf(file, files);
}

/**
 * `historyAsIs` over a consumer's results together: whether a migration the
 * change breaks is shown to have run before it (`unprovenHistory`) depends on
 * the repository's other migrations and schema dumps.
 */
function historyAsIsAll(
  results: ReadonlyArray<readonly [ChangedFile | undefined, RewrittenFile]>,
  files: ChangedFile[],
  target: DatasetTarget,
): RewrittenFile[] {
  // Assessing runs the preview's steps (with only the files naming the
  // dataset), then these again with all: judged again from the rewriter's own
  // result, once, with the schema dumps the first pass did not see.
  const rewritten = results.map(
    ([file, result]) => [file, judgedFrom.get(result) ?? result] as const,
  );
  const breaking = rewritten.flatMap(([file, result]) => {
    if (!file || result.status === 'unaffected') return [];
    const history = historyOf(file, result, files, target);
    return history && !history.mixed ? [file] : [];
  });
  const unproven = unprovenHistory(breaking, files);
  return rewritten.map(([file, result]) => {
    if (!file) return result;
    const judged = historyAsIs(file, result, files, target, unproven);
    if (judged !== result) judgedFrom.set(judged, result);
    return judged;
  });
}

/**
 * A schema-migration tool's history (`migrationHistoryOf`: Flyway's `V2__x.sql`,
 * a Liquibase changeset, golang-migrate's, Prisma's, Alembic's, Rails',
 * Django's…) is never rewritten: applied once and never run again, an edit
 * reaches no database where it ran, and Flyway, Liquibase and Prisma refuse to
 * migrate once an applied file's checksum changes, so the pull request would
 * break deployments. Nor is it a reader needing a change: what it created (a
 * view) lives in the database, where the engine finds what depends on the
 * dataset. It is listed unaffected, with the reason. A Liquibase file mixing
 * changesets that run once with ones that run on change goes to a person, as
 * does history the change breaks that runs again: a down part naming the
 * dataset (a rollback runs it, applied or not), or a migration nothing shows
 * to have run yet (`unprovenHistory`: it runs after the dataset moved).
 */
function historyAsIs(
  file: ChangedFile,
  result: RewrittenFile,
  files: ChangedFile[],
  target: DatasetTarget,
  unproven: Map<string, string>,
): RewrittenFile {
  const history = historyOf(file, result, files, target);
  if (!history) return result;
  if (history.mixed) {
    if (result.status === 'unaffected') return result;
    return toPerson(
      { ...result, content: file.content },
      result.impact.fields,
      `${
        history.what
      }: the ones that run again on change are live code, the others history that must keep its checksum, so the file is not rewritten whole; ${
        result.impact.problem?.message ??
        'the rewriter would change what it reads'
      }; a person decides`,
    );
  }
  // History the change breaks that still runs: its down part on a rollback
  // of its step, or the whole of it if nothing shows it ran before the
  // dataset moved.
  const down =
    history.rollback === undefined || !undoneFirst(file, files)
      ? undefined
      : rollbackSql(file.path, history.rollback);
  // Or names the dataset's sequence, constraints or indexes (objectNames.ts).
  const downObjects =
    down && result.impact.needsTable ? objectNamesInRollback(down, target) : [];
  const downNamesDataset =
    down !== undefined && fileMentionsDataset(down, target);
  const runs = [
    ...(down !== undefined &&
    // Liquibase's `--rollback` SQL is a comment, which the rewriter skips.
    (result.status !== 'unaffected' ||
      /^[ \t\uFEFF]*--\s*rollback\b/im.test(history.rollback!)) &&
    (downNamesDataset || downObjects.length > 0)
      ? [
          `its down part names the dataset${
            downNamesDataset ? '' : `'s ${downObjects.join(', ')}`
          }, and a rollback of its step, the last of its migrations (rails db:rollback, alembic downgrade, migrate down, flyway undo, liquibase rollback), runs it again, against the dataset’s new shape`,
        ]
      : []),
    ...(unproven.has(file.path) ? [unproven.get(file.path)!] : []),
  ];
  // Judged already, and copied since by another step.
  if (result.impact.problem?.message.includes(NOT_HISTORY)) return result;
  if (runs.length > 0) {
    const person = toPerson(
      { ...result, content: file.content },
      result.impact.fields,
      `${
        history.what
      }, left unrewritten (tools checksum applied files), ${NOT_HISTORY}: ${runs.join(
        '; and ',
      )}; ${
        result.impact.problem?.message ??
        (result.status === 'unaffected'
          ? 'the rewriter does not read what a rollback runs'
          : 'the rewriter would change what it reads')
      }; a person decides`,
    );
    return result.impact.needsTable
      ? { ...person, impact: { ...person.impact, needsTable: true } }
      : person;
  }
  // What it made that reads the dataset unseen: a function's body.
  const routines =
    result.status === 'unaffected'
      ? []
      : liveRoutinesReading(file, files, target.table);
  if (routines.length > 0)
    return toPerson(
      { ...result, content: file.content },
      result.impact.fields,
      `${history.what} creates ${routines.join(', ')}, whose body reads ${
        target.table
      } and runs in the database as it was written: PostgreSQL keeps no dependency on what a function's body names, so neither the engine nor the view serving the old shape sees it, and it breaks once the migration contracts (${
        result.impact.problem?.message ?? 'it reads what the migration changes'
      }). Replace it in a new migration that reads the new shape, then Retry`,
    );
  return {
    ...unaffectedFile(file),
    impact: {
      path: file.path,
      status: 'unaffected',
      fields: [],
      lines: [],
      problem: {
        message: `not rewritten: ${history.what}, applied once and never run again, is history, not a reader: an edit reaches no database where it ran, and migration tools that checksum applied files (Flyway, Liquibase, Prisma) refuse to migrate once it changes. What it created (a view) lives in the database, where the engine finds what depends on the dataset; if it is not yet applied everywhere, change it by hand first`,
      },
    },
  };
}

/** A file of the dbt project's macros. */
function macroFile(file: ChangedFile, target: DatasetTarget): boolean {
  return !!target.dbt?.macros.some(macro => macro.path === file.path);
}

/**
 * A dbt seed named like the dataset's table (`seeds/orders.csv` loads
 * `orders`): `dbt seed` writes the table from the file's columns, by name,
 * and `--full-refresh` creates it again with the types dbt infers from the
 * file. Whether it loads the dataset only the run's schema says (as
 * `ref('orders')` with no model is taken for it), and any change to the table
 * breaks it or is undone by it (a renamed or dropped column, an added one
 * dropped, a widened one narrowed back); the file never names the table, so
 * it was not looked at.
 */
function seedOfDataset(
  file: ChangedFile,
  files: ChangedFile[],
  target: DatasetTarget,
  mapping: ConsumerMapping,
): RewrittenFile | undefined {
  const stem = /(?:^|\/)([^/]+)\.csv$/i.exec(file.path)?.[1];
  if (stem === undefined || stem.toLowerCase() !== target.table.toLowerCase())
    return undefined;
  if (!files.some(f => /(?:^|\/)dbt_project\.ya?ml$/.test(f.path)))
    return undefined;
  const changed = [...mapping.byField.entries()]
    .filter(([, m]) => m.kind !== 'same')
    .map(([field]) => field);
  if (changed.length === 0 && mapping.added.length === 0 && !mapping.renamedTo)
    return undefined;
  return fileToPerson(
    file,
    changed,
    `is a dbt seed named like ${target.table}: dbt seed loads it into a table of that name by its columns, and --full-refresh creates that table again with the types it infers from the file; if it loads the dataset, the migration's changes break it or are undone by it (a renamed or dropped column, an added one dropped, a widened one narrowed back); a person decides`,
  );
}

/** Keys of a `sources:` config in dbt_project.yml that configure, not name a project, source or table. */
const SOURCE_CONFIG_KEYS =
  /^(?:\+.*|loaded_at_field|loaded_at_query|freshness|enabled|event_time|meta|tags|quoting)$/;

/**
 * dbt_project.yml configures the sources its YAML declares, and every data test:
 * `sources: <project>: <source>: +loaded_at_field: updated_at` is the column
 * `dbt source freshness` reads from each table of the source (`+freshness`'s
 * `filter:` a condition on it), and `data_tests: +where: "qty > 0"` filters the
 * rows each test reads, the tests of the dataset's source among them. Neither
 * names the dataset, so a rename or drop of the field they name failed the
 * freshness check or the tests unseen. Naming a changed field where it
 * configures the dataset's source, or in a test's `where`, the file goes to a
 * person.
 */
function projectConfigOfDataset(
  file: ChangedFile,
  target: DatasetTarget,
  mapping: ConsumerMapping,
): RewrittenFile | undefined {
  if (!/(?:^|\/)dbt_project\.ya?ml$/.test(file.path)) return undefined;
  const declared = [...(target.dbt?.sources ?? [])].filter(
    ([, relation]) => sourceRelationIs(relation, target) !== 'other',
  );
  if (declared.length === 0) return undefined;
  let parsed: unknown;
  try {
    parsed = parseYaml(file.content, { merge: true });
  } catch {
    return undefined;
  }
  if (!isRecord(parsed)) return undefined;
  const configs: unknown[] = [];
  // Levels below `sources:`: a project, a source, a table.
  const walk = (node: unknown, depth: number) => {
    if (!isRecord(node)) return;
    for (const [key, value] of Object.entries(node)) {
      if (SOURCE_CONFIG_KEYS.test(key)) configs.push(value);
      else if (
        depth === 0 ||
        (depth === 1 &&
          declared.some(([k]) => k.slice(0, k.indexOf('.')) === key)) ||
        (depth === 2 &&
          declared.some(([k]) => k.slice(k.indexOf('.') + 1) === key))
      )
        walk(value, depth + 1);
    }
  };
  walk(parsed.sources, 0);
  // A data test's `where`, at any level of `data_tests:` (or `tests:`).
  const wheres = (node: unknown): void => {
    if (!isRecord(node)) return;
    for (const [key, value] of Object.entries(node))
      if (/^\+?where$/.test(key)) configs.push(value);
      else wheres(value);
  };
  wheres(parsed.data_tests);
  wheres(parsed.tests);
  const fields = changedFieldsNamedIn(
    configs.map(c => JSON.stringify(c)).join('\n'),
    mapping,
  ).fields;
  if (fields.length === 0) return undefined;
  return fileToPerson(
    file,
    fields,
    `configures the dbt source ${declared
      .map(([key]) => key)
      .join(', ')}, which may be ${target.schema}.${
      target.table
    }, or its data tests with ${fields
      .map(f => `"${f}"`)
      .join(
        ', ',
      )} (a source's loaded_at_field or freshness filter, a test's where), which the migration changes: dbt source freshness or dbt test reads it from the dataset; a person decides`,
  );
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * Names a file naming the dataset gives configuration kept in other files: a
 * Great Expectations checkpoint's or script's expectation suite
 * (`expectation_suite_name: orders_suite`, `context.suites.get("orders_suite")`),
 * and a Superset dataset's `uuid:`, which its charts name as `dataset_uuid:`.
 */
interface ConfigLinks {
  suites: Map<string, string>;
  datasets: Map<string, string>;
  /**
   * ORM classes, table objects and constants bound to the dataset's table
   * under another name: the file binding it, and what a use of it looks like
   * (the name, or an ORM delegate `.purchase.`), compiled once.
   */
  classes: Map<
    string,
    { from: string; uses: RegExp[]; orm?: boolean; upserts?: boolean }
  >;
}

function linksIn(
  named: ChangedFile[],
  target: DatasetTarget,
  models: ReadonlyArray<{ name: string; path: string }>,
): ConfigLinks {
  const links: ConfigLinks = {
    suites: new Map(),
    datasets: new Map(),
    classes: new Map(),
  };
  const uses = (name: string) => [
    wordPattern(name, ''),
    new RegExp(
      `\\.\\s*${escapeRegExp(name[0].toLowerCase() + name.slice(1))}\\s*\\.`,
    ),
  ];
  // Models an ORM maps by convention, wherever declared, through a base of
  // the repository's own too (`class Page < Entity`).
  for (const [name, from] of conventionalModelsOf(
    models,
    target.table,
    target.schema,
  ))
    links.classes.set(name, {
      from,
      orm: true,
      upserts: true,
      uses: uses(name),
    });
  for (const file of named) {
    // Classes an ORM maps to the dataset (not another schema's table): code
    // using one reads its whole rows.
    const orm = new Set(
      ormClassesOf(file.content, target.table, target.schema),
    );
    const objects = linkingTableObjectsOf(file.content, target.table);
    for (const name of [
      ...ormClassesOf(file.content, target.table),
      ...objects,
      ...tableConstantsOf(file.content, target.table, file.path),
    ]) {
      if (links.classes.get(name)?.orm && !orm.has(name)) continue;
      links.classes.set(name, {
        from: file.path,
        orm: orm.has(name),
        // What an ORM's upsert may name: not another schema's class.
        upserts: orm.has(name) || objects.includes(name),
        uses: uses(name),
      });
    }
    // MyBatis Generator's criteria class (`PmsProductExample`), whose strings
    // are SQL the mapper splices in (`${criterion.condition}`):
    // `addCriterion("delete_status =", …)` fails once the column is gone.
    if (/\$\{\s*criterion\s*\.\s*condition\s*\}/.test(file.content))
      for (const match of file.content.matchAll(
        /\bparameterType\s*=\s*["'](?:[\w$]+\.)*(\w+Example)["']/g,
      ))
        links.classes.set(match[1], {
          from: file.path,
          uses: [wordPattern(match[1], '')],
        });
    for (const match of file.content.matchAll(
      /\b(?:expectation_suite_name|suite_name)\b["']?\s*[:=]\s*["']?([\w.-]+)|\b(?:suites\s*\.\s*get|get_expectation_suite)\s*\(\s*(?:(?:expectation_suite_)?name\s*=\s*)?["']([^"']+)["']/g,
    ))
      links.suites.set(match[1] ?? match[2], file.path);
    for (const match of file.content.matchAll(
      /^[ \t\uFEFF]*uuid\s*:\s*["']?([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})/gim,
    ))
      links.datasets.set(match[1].toLowerCase(), file.path);
  }
  return links;
}

/**
 * Keys and variables too common to link files by (a dbt source's `name:
 * orders`, a metric's `Name: "entries"`, a store's `type: 'songs'`), in any
 * case.
 */
const GENERIC_NAMES = new Set([
  'name',
  'table',
  'identifier',
  'schema',
  'alias',
  'relation',
  'source',
  'target',
  'model',
  'dataset',
  'dbtable',
  'table_name',
  'tablename',
  'sql_table_name',
  'data_asset_name',
  'asset_name',
  // Round 35, a probe of real apps: keys whose value merely equals the word.
  'type',
  'kind',
  'data',
  'group',
  'store',
  'key',
  'value',
  'label',
  'title',
  'path',
  'audience',
  'resource',
  'collection',
  // An InfluxDB or Prometheus dashboard's keys (round 36b).
  'measurement',
  'metric',
  'series',
]);

/**
 * Whether a name code binds to the table links files by: not short or
 * generic, and not the table's own name (files naming that are found anyway).
 */
const linksFilesFor = (table: string) => (name: string) =>
  name.length >= 4 &&
  !GENERIC_NAMES.has(name.toLowerCase()) &&
  name.toLowerCase() !== table.toLowerCase();

/**
 * Configuration, whose values are names as written, quoted or not, and whose
 * keys are settings, not a model's fields read.
 */
const CONFIG_PATH =
  /\.(?:ya?ml|json|toml|ini|cfg|conf|properties|env|tf|hcl|xml)$|(?:^|\/)\.env(?:\.[\w.-]+)?$/i;

/**
 * Constants and configuration keys holding the table's name as their whole
 * value (`ORDERS_TABLE = "raw.orders"`, `export const ORDERS_TABLE =
 * 'raw.orders'`, `orders_table: raw.orders` in a job's YAML): code elsewhere
 * reads the table through them (`spark.table(ORDERS_TABLE).select("qty")`,
 * `knex(ORDERS_TABLE)`, `cfg["orders_table"]`), never naming it. In code a
 * key's value is a string (`{ ordersTable: "orders" }`), not a variable or a
 * symbol of the word (`data: songs,`, Ruby's `render :balances`), which a
 * probe of real apps (round 35) found linking every file saying `data`.
 */
function tableConstantsOf(
  content: string,
  table: string,
  path: string,
): string[] {
  const quoted = String.raw`["'](?:[\w$]+\.)?${escapeRegExp(table)}["']`;
  const value = CONFIG_PATH.test(path)
    ? String.raw`["']?(?:[\w$]+\.)?${escapeRegExp(table)}["']?`
    : quoted;
  return [
    ...content.matchAll(
      new RegExp(
        String.raw`(?<![\w$])([A-Za-z_$][\w$]*)\s*(?::\s*[\w.<>]+\s*)?=\s*${quoted}\s*;?\s*$|^[ \t\uFEFF]*["']?([\w-]+)["']?\s*:\s*${value}\s*,?\s*$`,
        'gm',
      ),
    ),
  ]
    .map(m => m[1] ?? m[2])
    .filter(linksFilesFor(table));
}

/** Table objects ({@link tableObjectsOf}) whose names link files: not short or generic. */
function linkingTableObjectsOf(content: string, table: string): string[] {
  return tableObjectsOf(content, table).filter(linksFilesFor(table));
}

/**
 * A file of configuration another file links to the dataset by name: a Great
 * Expectations suite (`{"expectation_suite_name": "orders_suite", … "column":
 * "qty"}`) a checkpoint naming the dataset validates, or a Superset chart
 * (`groupby: [qty]`, `dataset_uuid: …`) of a dataset naming it. Neither names
 * the table, so a suite checking a renamed or dropped field, or a chart
 * grouping by it, was never looked at while the validation or chart broke.
 * Naming a changed field, or checking the whole column list, it goes to a
 * person.
 */
function linkedConfig(
  file: ChangedFile,
  links: ConfigLinks,
  target: DatasetTarget,
  mapping: ConsumerMapping,
): RewrittenFile | undefined {
  if (
    links.suites.size === 0 &&
    links.datasets.size === 0 &&
    links.classes.size === 0
  )
    return undefined;
  let via: string | undefined;
  for (const [name, { from, uses }] of links.classes)
    if (uses.some(use => use.test(file.content))) {
      via = `code using ${name}, which ${from} maps to ${target.table}`;
      break;
    }
  for (const match of via
    ? []
    : file.content.matchAll(
        /\b(expectation_suite_name|name|dataset_uuid|datasource_uuid)\b["']?\s*:\s*["']?([\w.-]+)/g,
      )) {
    const [, key, value] = match;
    const from = /uuid$/.test(key)
      ? links.datasets.get(value.toLowerCase())
      : links.suites.get(value);
    if (from !== undefined) {
      via = `${
        /uuid$/.test(key) ? 'the dataset' : 'the expectation suite'
      } ${value}, which ${from} names beside ${target.table}`;
      break;
    }
  }
  if (via === undefined) return undefined;
  const code = unescapedCode(file.content);
  const fields = changedFieldsNamedIn(code, mapping).fields;
  const ormClasses = [...links.classes]
    .filter(([, l]) => l.orm && l.uses.some(use => use.test(file.content)))
    .map(([name]) => name);
  const whole = wholeRowsReadByCode(code, target, mapping, ormClasses);
  if (fields.length === 0 && whole.what.length === 0) return undefined;
  return fileToPerson(
    file,
    fields,
    `is ${via}, and ${
      fields.length > 0
        ? `names ${fields
            .map(f => `"${f}"`)
            .join(', ')}, which the migration changes`
        : `reads whole rows (${whole.what.join(', ')}), ${wholeRowsReason(
            whole,
          )}`
    }; the rewriter reads SQL and dbt models only: a person decides`,
  );
}

/**
 * Code acting through an ORM class or table object another file maps to the
 * dataset (beside models.py's `class Order` with `__tablename__ = 'orders'`):
 * an upsert (`insert(Order).values(…).on_conflict_do_nothing(…)`), which
 * PostgreSQL runs as `INSERT … ON CONFLICT` and which fails through the view
 * while it has an INSTEAD OF trigger; or a grouped query the ORM builds
 * (`Order.objects.annotate(n=Count('notes'))`), which may read columns through
 * the primary key and fails through any view (found by a review: a class
 * mapped in another file was not looked for); under a rename of the dataset,
 * any write (`prisma.order.update(…)`, `db.Create(&Order{…})`), which the old
 * name refuses from the cut-over. Undefined where it does none of these, or
 * the result says already that the file needs a table.
 */
function throughLinkedClasses(
  file: ChangedFile,
  result: RewrittenFile,
  links: ConfigLinks,
  target: DatasetTarget,
  mapping: ConsumerMapping,
): RewrittenFile | undefined {
  if (result.impact.needsTable || isSqlPath(file.path)) return undefined;
  const used = [...links.classes].filter(
    ([, l]) =>
      l.upserts &&
      l.from !== file.path &&
      l.uses.some(use => use.test(file.content)),
  );
  if (used.length === 0) return undefined;
  const kinds: CodeTableStatement[] = [
    ...(mapping.viewHasTrigger ? (['ON CONFLICT'] as const) : []),
    ...(mapping.renamedTo ? [RENAMED_WRITE] : []),
    'a grouped query an ORM or query builder builds',
  ];
  for (const only of kinds) {
    const found = tableStatementsIn(
      file.content,
      target,
      mapping,
      undefined,
      only,
      used.map(([name]) => name),
    );
    if (found)
      return needsTable(
        result,
        file,
        found.lines,
        `${file.path} (using ${used
          .map(
            ([name, l]) => `${name}, which ${l.from} maps to ${target.table}`,
          )
          .join('; ')}) ${found.message}`,
      );
  }
  return undefined;
}

/**
 * Languages (and their templates) whose integers have no width: an integer
 * widened to a wider integer reads the same there (Ruby, Python, PHP's
 * 64-bit `int`, Elixir); not JavaScript, where node-postgres returns a
 * `bigint` as a string, nor Java, Go or C#, which declare the width, nor an
 * `.html` template, which may be Nunjucks' over a JavaScript model.
 */
const DYNAMIC_INTEGERS =
  /\.(?:rb|erb|haml|slim|jbuilder|builder|rabl|rake|py|php|twig|ex|exs|eex|heex|leex)$/i;

/** `mapping` with integers widened to wider integers read as they were. */
function withoutIntegerWidenings(mapping: ConsumerMapping): ConsumerMapping {
  return {
    ...mapping,
    byField: new Map(
      [...mapping.byField].map(([field, m]) => [
        field,
        m.kind === 'retyped' &&
        m.widening &&
        m.to === field &&
        INTEGERS.includes(m.oldType) &&
        INTEGERS.includes(m.newType)
          ? { kind: 'same' }
          : m,
      ]),
    ),
  };
}

/**
 * Code reading a changed field of a model an ORM maps to the dataset, in a
 * file that names neither the dataset nor the model: a view's
 * `@order.discount`, a template's `{{ o.discount }}` or `$order->discount`, a
 * serializer's `:discount`. Active Record and Eloquent take a model's
 * attributes from the table's columns, so the model's file may name no field
 * and these files are the only readers: until 2026-12-07 a Rails app reading
 * a dropped column only through its views was said unaffected, and broke at
 * contract. A read of something else by the same name goes to a person too.
 */
function readsThroughModelInstances(
  file: ChangedFile,
  target: DatasetTarget,
  instances: {
    /** The ORM models linked to the dataset, with the files mapping them. */
    models: Array<[string, { from: string }]>;
    /** The repository's ORM models, of any table: their instances are not the dataset's. */
    others: string[];
    mapping: ConsumerMapping;
    /** `mapping` as code whose integers have no width reads it. */
    dynamicMapping: ConsumerMapping;
  },
): RewrittenFile | undefined {
  if (isSqlPath(file.path) || CONFIG_PATH.test(file.path)) return undefined;
  const models = instances.models.filter(([, l]) => l.from !== file.path);
  if (models.length === 0) return undefined;
  const { fields, lines } = changedFieldsReadAsKeys(
    unescapedCode(file.content),
    DYNAMIC_INTEGERS.test(file.path)
      ? instances.dynamicMapping
      : instances.mapping,
    models.map(([name]) => name),
    instances.others,
  );
  if (fields.length === 0) return undefined;
  const [name, { from }] = models[0];
  return fileToPerson(
    file,
    fields,
    `${file.path} reads ${fields
      .map(f => `"${f}"`)
      .join(
        ', ',
      )}, which the migration changes, as an attribute or key (line ${lines
      .slice(0, 5)
      .join(', ')}), and ${from} maps the model ${name} to ${
      target.table
    }: a read through a model instance (@order.${fields[0]}, {{ order.${
      fields[0]
    } }}, $order->${
      fields[0]
    }) fails once the field changes, even where no file names it; the rewriter reads SQL and dbt models only: a person decides`,
  );
}

/**
 * A relation named at run time after FROM or JOIN: by Jinja (`{{ params.table
 * }}`), a psql variable (`:tbl`, `:"tbl"`), dynamic SQL's `format('… %I',
 * t)` or `'… FROM ' || t`, or a placeholder the code loading the file fills
 * (Flyway's or envsubst's `${orders_table}` and `$TABLE`, MyBatis' `#{t}`,
 * Python's `{table}` and `%(table)s`): none is SQL, and the relation it
 * stands for may be the dataset (a probe, round 36b).
 */
// Not a dollar quote (`$body$`); a name built around it (`${app}_events`) too.
const PLACEHOLDER = String.raw`(?:\w*(?:[$#]\{[^{}\n]*\}|\{[A-Za-z_][\w.]*\}|\$[A-Za-z_](?!\w*\$)\w*|%\(\w+\)s)\w*)`;
const TEMPLATED_RELATION = new RegExp(
  // A placeholder qualifying a name (`${schema}.customers`) names no relation.
  String.raw`\b(?:from|join|into|update)\s+(?:only\s+)?((?:(?:"[^"]+"|[A-Za-z_]\w*|${PLACEHOLDER})\s*\.\s*)?(?:\{\{(?!-?\s*(?:source|ref)\s*\()[\s\S]*?\}\}|:["']?[A-Za-z_]\w*["']?|%[Is]\b|'\s*\|\||${PLACEHOLDER}(?!\w|\s*\.\s*["\w$#{%])))`,
  // Global: every relation a file names is looked at (matchAll copies it).
  'gi',
);

/**
 * A relation code builds into its SQL string at run time: an f-string's,
 * `format()`'s or psycopg's `{table}` and `{}`, a JavaScript, Kotlin or Ruby
 * interpolation (`${table}`, `$table`, `#{table}`), a `%s` or `%(table)s`
 * placeholder (Python, Go's `Sprintf`, Java's `String.format`), or the string
 * ending there to be concatenated (`"… FROM " + table`). In SQL, not prose: a
 * FROM or JOIN after a SELECT or DELETE (not Ruby's `.select {`), INSERT or
 * MERGE INTO, or an UPDATE followed by SET; a probe of real apps (round 35)
 * found `"Withdrawal from #{account.name}"`, `f"Test message from {name}"` and
 * C#'s `From { get; set; }` sent to a person.
 */
const BUILT_RELATION = String.raw`((?:(?:"[^"]+"|[A-Za-z_]\w*)\s*\.\s*)?(?:\{\{[\s\S]*?\}\}|\$?\{[^{}\n]*\}|#\{[^{}\n]*\}|\$[A-Za-z_]\w*|%(?:\(\w+\))?[sv]\b|["'\x60]\s*(?:\+|\.\s*\$|\|\|)))`;
const CODE_BUILT_RELATION = [
  new RegExp(
    String.raw`(?:(?<![.\w])(?:select|delete)\s+(?![({]|do\b)[^;]{0,400}?\b(?:from|join)|\b(?:insert|merge)\s+into)\s+(?:only\s+)?${BUILT_RELATION}`,
    'i',
  ),
  new RegExp(
    String.raw`\bupdate\s+(?:only\s+)?${BUILT_RELATION}(?=\s*(?:[A-Za-z_]\w*\s+)?set\b)`,
    'i',
  ),
];

/** The first relation `code` builds into SQL at run time (see CODE_BUILT_RELATION). */
function codeBuiltRelation(code: string): RegExpExecArray | null {
  const found = CODE_BUILT_RELATION.map(pattern => pattern.exec(code)).filter(
    (m): m is RegExpExecArray => m !== null,
  );
  return found.sort((a, b) => a.index - b.index)[0] ?? null;
}

/** A template of SQL outside dbt (`report.sql.j2`, `report.jinja`), or a psql script. */
function isTemplatePath(path: string): boolean {
  return /\.(?:j2|jinja2?|tpl|tmpl|psql)$/i.test(path);
}

/**
 * A SQL template outside dbt's models whose relation Jinja names at run time
 * (Airflow's `FROM {{ params.table }}`, the table set in the DAG's code): the
 * dataset may be it, which only the code rendering it says, and it names no
 * table the rewriter could tell. When it names a field the migration changes
 * (or reads whole rows the migration changes), a person decides; it was
 * called unaffected, never naming the dataset.
 */
function templatedRelation(
  file: ChangedFile,
  target: DatasetTarget,
  mapping: ConsumerMapping,
  dbtRepository: boolean,
): RewrittenFile | undefined {
  if (
    modelOf(file.path, target) !== undefined ||
    target.dbt?.macros.some(macro => macro.path === file.path) ||
    // dbt's YAML names its own relations so (`{{ this }}` in a hook); other
    // YAML (an Airflow DAG factory's `sql:`) is code building SQL.
    (isYamlPath(file.path) && dbtRepository) ||
    /\.(?:md|markdown|rst|txt|csv)$/i.test(file.path)
  )
    return undefined;
  // Code in another language may build the relation into its SQL string.
  // Of a SQL file's, one Jinja cannot tell first: a file rendering to another
  // table may still read `${t}` (a review, round 37).
  const relations =
    isSqlPath(file.path) || isTemplatePath(file.path)
      ? [...file.content.matchAll(TEMPLATED_RELATION)]
      : [codeBuiltRelation(unescapedCode(file.content))].filter(
          (m): m is RegExpExecArray => m !== null,
        );
  const relation = relations.find(m => !m[1].includes('{{')) ?? relations[0];
  if (!relation) return undefined;
  // A SQL template's own `{% set tbl = 'raw.customers' %}` says what it reads.
  if (isSqlPath(file.path) && relation[1].includes('{{')) {
    const rendered = renderedAlone(file, target);
    if (!('unrendered' in rendered)) {
      const again = rewriteSqlFile(
        { path: file.path, content: rendered.sql },
        { schema: target.schema, table: target.table, fields: target.fields },
        mapping,
      );
      if (again.status === 'unaffected') return undefined;
      return fileToPerson(
        file,
        again.impact.fields,
        `rendered (its {% set %}s, macros and loops), the file reads ${
          target.schema
        }.${
          target.table
        } through Jinja the rewriter does not follow in the text: ${
          again.impact.problem?.message ?? 'its rendered SQL would be rewritten'
        }; a person decides`,
      );
    }
  }
  return runTimeRelation(
    file,
    relation[1],
    target,
    mapping,
    isSqlPath(file.path) || isTemplatePath(file.path),
  );
}

/**
 * A file reading `relation`, a relation named only at run time that may be the
 * dataset, unless it reads nothing the migration changes: no changed or new
 * field named, no whole row. A SQL file or template (Jinja, a psql variable)
 * under a renamed dataset goes to a person too: the name it is given may be the
 * dataset's old one (`{% set tbl = var.value.orders_table %}`, set outside the
 * repository), which the migration takes away.
 */
function runTimeRelation(
  file: ChangedFile,
  relation: string,
  target: DatasetTarget,
  mapping: ConsumerMapping,
  template: boolean,
): RewrittenFile | undefined {
  const fields = [
    ...new Set([
      ...changedFieldsNamedIn(file.content, mapping).fields,
      ...introducedNamesIn(file.content, mapping).fields,
    ]),
  ].sort();
  // Code (not a SQL template) reading whole rows gets a widening's other type.
  const whole = template
    ? { ...wholeRowsRead(file.content, target, mapping), widened: [] }
    : wholeRowsReadByCode(file.content, target, mapping);
  const renamed = template && mapping.renamedTo;
  if (fields.length === 0 && whole.what.length === 0 && !renamed)
    return undefined;
  let reads = mapping.renamedTo
    ? `may read it by the name the migration renames to ${relationText(
        mapping.renamedTo,
      )}`
    : '';
  if (whole.what.length > 0)
    reads = `reads whole rows (${whole.what.join(', ')}), ${wholeRowsReason(
      whole,
    )}`;
  if (fields.length > 0)
    reads = `names ${fields
      .map(f => `"${f}"`)
      .join(', ')}, which the migration changes`;
  return fileToPerson(
    file,
    fields,
    `reads ${relation}, ${
      relation.includes('{{')
        ? 'a relation Jinja names at run time'
        : "a relation named only at run time (a psql variable, a placeholder the code loading the file fills, format()'s %I, or code building the SQL string)"
    }, which may be ${target.schema}.${
      target.table
    }: only the code rendering it says; it ${reads}; a person decides`,
  );
}

/**
 * A SQL file or template outside dbt's models and macros (which are rendered
 * with the project's), called unaffected or rewritten: what the Jinja checks
 * below may send to a person instead.
 */
function judgedAsTemplate(
  file: ChangedFile,
  result: RewrittenFile,
  target: DatasetTarget,
): boolean {
  return (
    (result.status === 'unaffected' || result.status === 'rewritten') &&
    (isSqlPath(file.path) || isTemplatePath(file.path)) &&
    modelOf(file.path, target) === undefined &&
    !macroFile(file, target)
  );
}

/**
 * A SQL file or template outside dbt's models whose Jinja names a relation it
 * reads (`FROM {{ tbl }}`), assessed with the file: rendered, where its `{%
 * set %}`s say what it is (`renderedReads`); otherwise (`{% set tbl =
 * var.value.orders_table %}`, `{{ params.tbl }}`) the relation may be the
 * dataset, and the file goes to a person when it reads what the migration
 * changes. It was called unaffected where the file named the dataset
 * nowhere else, and in a preview, which has no dbt project to render with.
 */
function jinjaRelation(
  file: ChangedFile,
  result: RewrittenFile,
  target: DatasetTarget,
  mapping: ConsumerMapping,
): RewrittenFile {
  if (!judgedAsTemplate(file, result, target)) return result;
  const relation = [...file.content.matchAll(TEMPLATED_RELATION)].find(match =>
    match[1].includes('{{'),
  );
  if (!relation) return result;
  // Rendered, the relation is known and renderedReads read the SQL it makes.
  if (!('unrendered' in renderedAlone(file, target))) return result;
  const person = runTimeRelation(file, relation[1], target, mapping, true);
  if (!person) return result;
  return { ...person, content: file.content };
}

/**
 * Jinja taking in text the file does not hold: `{% include %}`, `{% import
 * %}`, `{% from … import %}`, `{% extends %}`, a `{% call %}` block, or a
 * macro called where a statement or clause starts. That text may define the
 * names the SQL reads (`{% include 'sql/cte_orders.sql' %}` defining `WITH
 * orders AS (…)`), so a bare name read as the dataset may be a CTE of the same
 * name that exposes other columns.
 */
const UNSEEN_JINJA =
  /\{%-?\s*(?:include|import|from\s+\S+\s+import|extends|call)\b[^%]*%\}|^[ \t]*\{\{-?\s*(?!(?:source|ref|config|var|env_var|this|is_incremental)\b)[A-Za-z_][\w.]*\s*\([^}]*\}\}/m;

/**
 * A SQL file or template outside dbt's models (a dbt model's macros are
 * rendered with the project's) whose Jinja takes in text the file does not
 * hold (`UNSEEN_JINJA`): read as if its names were the dataset's, a rewrite or
 * an unaffected call may be wrong (`sum(amount)` rewritten to
 * `sum(amount_cents)` over an included CTE `orders` that still exposes
 * `amount`). When the migration changes what it reads, a person decides.
 */
function unseenJinja(
  file: ChangedFile,
  result: RewrittenFile,
  target: DatasetTarget,
  mapping: ConsumerMapping,
  repository: ChangedFile[] = [],
  assess?: (file: ChangedFile) => RewrittenFile,
): RewrittenFile {
  // Unparsed where an include stands in for SQL (`WHERE {% include … %}`):
  // with the included text in place it may read nothing changed.
  if (
    result.status === 'unparseable' &&
    assess &&
    judgedAsTemplate(file, { ...result, status: 'unaffected' }, target)
  ) {
    const inlined = inlineIncludes(file.content, repository);
    if (
      inlined &&
      'text' in inlined &&
      assess({ path: file.path, content: inlined.text }).status === 'unaffected'
    )
      return {
        ...result,
        content: file.content,
        status: 'unaffected',
        impact: {
          path: file.path,
          status: 'unaffected',
          fields: [],
          lines: [],
        },
      };
    return result;
  }
  if (!judgedAsTemplate(file, result, target)) return result;
  const unseen = UNSEEN_JINJA.exec(file.content);
  if (!unseen || !fileMentionsDataset(file, target)) return result;
  const included = assess && includedAlike(file, result, repository, assess);
  if (included === true) return result;
  const fields = [
    ...new Set([
      ...result.impact.fields,
      ...changedFieldsNamedIn(file.content, mapping).fields,
      ...introducedNamesIn(file.content, mapping).fields,
    ]),
  ].sort();
  const whole = wholeRowsRead(file.content, target, mapping);
  if (
    result.status === 'unaffected' &&
    fields.length === 0 &&
    whole.what.length === 0 &&
    !mapping.renamedTo
  )
    return result;
  return toPerson(
    { ...result, content: file.content },
    fields,
    `its Jinja takes in text the file does not hold (${unseen[0]
      .trim()
      .replace(
        /\s+/g,
        ' ',
      )}), which may define the names its SQL reads (a CTE named ${
      target.table
    }): a name read as ${target.schema}.${
      target.table
    } may be another relation with other columns, so the file is not rewritten; ${
      result.status === 'rewritten'
        ? 'read as the dataset, it would be rewritten'
        : result.impact.problem?.message ??
          'the migration changes what it may read'
    }${included ? ` (${included})` : ''}; a person decides`,
  );
}

/**
 * A template whose `{% include %}`s all name files of the repository
 * (`inlineIncludes`), judged again with their text in place: the file's own
 * judgement stands where that one is the same (unaffected both ways, or the
 * same rewrite, the included text untouched). Otherwise what a person is told.
 */
function includedAlike(
  file: ChangedFile,
  result: RewrittenFile,
  repository: ChangedFile[],
  assess: (file: ChangedFile) => RewrittenFile,
): true | string | undefined {
  const inlined = inlineIncludes(file.content, repository);
  if (!inlined) return undefined;
  if ('unresolved' in inlined) return inlined.unresolved;
  const again = assess({ path: file.path, content: inlined.text });
  if (again.status === 'unaffected' && result.status === 'unaffected')
    return true;
  if (again.status === 'rewritten' && result.status === 'rewritten') {
    const back = inlineIncludes(result.content, repository);
    if (back && 'text' in back && back.text === again.content) return true;
  }
  return again.status === 'rewritten'
    ? 'read with its includes in place, the included text would be rewritten too'
    : `read with its includes in place: ${
        again.status === 'unaffected'
          ? 'unaffected'
          : again.impact.problem?.message ?? again.status
      }`;
}

/** A SQL file rendered by itself, in the consumer's dbt project if it has one. */
function renderedAlone(file: ChangedFile, target: DatasetTarget) {
  return renderModel(
    file,
    { ...target, dbt: target.dbt ?? dbtProjectOf([]) },
    `${identifier(target.schema)}.${identifier(target.table)}`,
  );
}

/** dbt configs, in a yml file, dbt_project.yml or the model's `config()`. */
const CONTRACT_ENFORCED =
  /\bcontract\b[\s\S]{0,200}?\benforced\b["']?\s*[:=]\s*["']?true/i;
const SCHEMA_CHANGE_FAILS = /\bon_schema_change\b["']?\s*[:=]\s*["']?fail\b/i;
const CHECKS_ALL_COLUMNS = /\bcheck_cols\b["']?\s*[:=]\s*["']?all\b/i;
const STRATEGY_CHECK = /\bstrategy\b["']?\s*[:=]\s*["']?check\b/i;

const UNPARSED = Symbol('unparsed');
/** Each yml file parsed once, however many models and configs ask. */
const parsedYamlFiles = new WeakMap<ChangedFile, unknown>();
function parsedYaml(file: ChangedFile): unknown {
  if (!parsedYamlFiles.has(file)) {
    let parsed: unknown = UNPARSED;
    try {
      parsed = parseYaml(file.content, { merge: true });
    } catch {
      // Said wherever it says it (see configSaying).
    }
    parsedYamlFiles.set(file, parsed);
  }
  return parsedYamlFiles.get(file);
}

/** The config key each config above is of, as dbt_project.yml sets it per folder. */
const CONFIG_KEYS = new Map<RegExp, string>([
  [CONTRACT_ENFORCED, 'contract'],
  [SCHEMA_CHANGE_FAILS, 'on_schema_change'],
  [CHECKS_ALL_COLUMNS, 'check_cols'],
  [STRATEGY_CHECK, 'strategy'],
]);

/**
 * Whether dbt_project.yml gives the model or snapshot at `path` the config:
 * under `models:` (`snapshots:`), then the project's name, then each folder
 * of the file's path below its model (snapshot) path, the nearest setting
 * winning (`+contract: {enforced: true}` for `marts` is not `staging`'s). A
 * file of another project of the repository gets none; a file that does not
 * parse says it wherever it does.
 */
function projectConfigSays(
  config: RegExp,
  project: ChangedFile,
  path: string,
): boolean {
  const parsed = parsedYaml(project);
  if (parsed === UNPARSED || !parsed || typeof parsed !== 'object') return true;
  const key = CONFIG_KEYS.get(config);
  if (key === undefined) return true;
  const root = project.path.replace(/dbt_project\.ya?ml$/i, '');
  if (!path.startsWith(root)) return false;
  const within = path.slice(root.length);
  const yml = parsed as Record<string, unknown>;
  const pathsOf = (field: string, fallback: string) =>
    (Array.isArray(yml[field]) ? (yml[field] as unknown[]) : [fallback]).map(
      p => `${String(p).replace(/\/+$/, '')}/`,
    );
  const tree = pathsOf('snapshot-paths', 'snapshots').some(p =>
    within.startsWith(p),
  )
    ? 'snapshots'
    : 'models';
  const base = pathsOf(
    `${tree === 'models' ? 'model' : 'snapshot'}-paths`,
    tree,
  ).find(p => within.startsWith(p));
  const folders = (base ? within.slice(base.length) : within)
    .split('/')
    .slice(0, -1);
  let node = yml[tree];
  let says = false;
  // The model's own entry, by its name, is nearest of all.
  const own = /([^/]+)\.sql$/i.exec(within)?.[1];
  for (const step of [undefined, yml.name, ...folders, own]) {
    if (step !== undefined)
      node = (node as Record<string, unknown> | undefined)?.[String(step)];
    if (!node || typeof node !== 'object') break;
    const set = node as Record<string, unknown>;
    const value = set[`+${key}`] ?? set[key];
    if (value !== undefined)
      says = config.test(JSON.stringify({ [key]: value }));
  }
  return says;
}

/**
 * The file giving the model or snapshot at `path` a config `config` says: the
 * model itself (its `config()`), dbt_project.yml (for its folder: see
 * projectConfigSays), or a yml file's entry of it (`- name: orders` under
 * `models:` or `snapshots:`); a yml file that does not parse, wherever it
 * says it.
 */
function configSaying(
  config: RegExp,
  files: ChangedFile[],
  path: string,
): ChangedFile | undefined {
  const name = /([^/]+)\.sql$/i.exec(path)?.[1];
  return files.find(f => {
    if (f.path !== path && !isYamlPath(f.path)) return false;
    if (!config.test(f.content)) return false;
    if (f.path === path) return true;
    if (/(?:^|\/)dbt_project\.ya?ml$/i.test(f.path))
      return projectConfigSays(config, f, path);
    const parsed = parsedYaml(f);
    if (parsed === UNPARSED) return true;
    const entries = ['models', 'snapshots'].flatMap(key => {
      const list = (parsed as Record<string, unknown> | null)?.[key];
      return Array.isArray(list) ? list : [];
    });
    return entries.some(
      entry =>
        (entry as { name?: unknown })?.name === name &&
        config.test(JSON.stringify(entry)),
    );
  });
}

/**
 * A dbt model whose contract dbt enforces (`contract: {enforced: true}`, in a
 * yml file, dbt_project.yml or its `config()`) declares every output column's
 * type, and dbt refuses to build it when the SQL returns another. A widened
 * field read as it is changes those types (`qty`, `sum(qty)`, `qty + 1`), so a
 * model reading one while any file may enforce a contract, or test a column's
 * type (dbt_expectations), goes to a person.
 */
function contractedModel(
  result: RewrittenFile,
  files: ChangedFile[],
  target: DatasetTarget,
  mapping: ConsumerMapping,
): RewrittenFile {
  if (result.status !== 'unaffected' && result.status !== 'rewritten')
    return result;
  if (modelOf(result.path, target) === undefined) return result;
  const widened = widenedFieldsRead(result, mapping, () => true);
  if (widened.length === 0) return result;
  const contract = configSaying(CONTRACT_ENFORCED, files, result.path);
  // dbt_expectations' data tests of a column's type fail the same way, at test.
  const typeTest = files.find(
    f =>
      isYamlPath(f.path) &&
      /\bexpect_column_values_to_be_(?:of_type|in_type_list)\b/.test(f.content),
  );
  // An incremental model whose config says `on_schema_change: fail`: dbt
  // compares the new columns' types with the table it built before, and a
  // widened one fails the run.
  const schemaChangeFails = configSaying(
    SCHEMA_CHANGE_FAILS,
    files,
    result.path,
  );
  if (!contract && !typeTest && !schemaChangeFails) return result;
  let why = `${typeTest?.path} tests a column's type (dbt_expectations): the model's column types follow the field's, and a test naming the old type fails`;
  if (schemaChangeFails)
    why = `${schemaChangeFails.path} sets on_schema_change to fail: the model's column types follow the field's, and dbt fails an incremental run whose column types differ from the table it built before`;
  if (contract)
    why = `${contract.path} enforces a dbt model contract: the model's column types follow the field's, and dbt refuses to build a model whose types are not the contract's`;
  const file = files.find(f => f.path === result.path)!;
  return leavePackagesAlone(
    file,
    toPerson(
      { ...result, content: file.content },
      widened,
      `reads ${widened
        .map(f => `"${f}"`)
        .join(
          ', ',
        )}, which the migration widens, and ${why}; declare the new type there, or cast the field back`,
    ),
    target,
  );
}

/**
 * What holds a dbt model's or snapshot's result to its columns, if anything
 * (see fixedOutputModel), said as what its `*` is read into.
 */
function columnsHeldToAList(
  file: ChangedFile,
  files: ChangedFile[],
): string | undefined {
  const contract = configSaying(CONTRACT_ENFORCED, files, file.path);
  if (contract)
    return `the result of a dbt model whose contract ${contract.path} enforces (dbt refuses to build a model whose columns are not the contract's)`;
  const schemaChangeFails = configSaying(SCHEMA_CHANGE_FAILS, files, file.path);
  if (schemaChangeFails)
    return `the result of an incremental dbt model that ${schemaChangeFails.path} sets to fail on a schema change (dbt fails its run once the columns differ from the table it built)`;
  // A snapshot's own config() wins over the project's.
  const checksAll =
    /\{%-?\s*snapshot\b/.test(file.content) &&
    !/\bstrategy\s*=\s*['"]timestamp['"]|\bcheck_cols\s*=\s*\[/.test(
      file.content,
    )
      ? configSaying(CHECKS_ALL_COLUMNS, files, file.path)
      : undefined;
  if (checksAll)
    return `the result of a dbt snapshot that ${checksAll.path} has check all columns (a new column closes and versions again every row of its history, silently)`;
  return undefined;
}

/**
 * A dbt model or snapshot whose columns dbt holds to a list: an enforced
 * contract, an incremental model failing on a schema change, a snapshot
 * checking all columns (a new one versions every row again). From the
 * cut-over on `*` through the name has the new version's own fields after the
 * previous ones, so such a model whose result takes `*` of the dataset fails,
 * or re-versions its history, before its rewrite can be merged (round 33): a
 * person decides before the data moves, as for an INSERT taking `*`.
 */
function fixedOutputModel(
  result: RewrittenFile,
  files: ChangedFile[],
  target: DatasetTarget,
  mapping: ConsumerMapping,
): RewrittenFile {
  if (result.status !== 'unaffected' && result.status !== 'rewritten')
    return result;
  if (mapping.newAtCutOver.length === 0) return result;
  const file = files.find(f => f.path === result.path);
  if (!file || !isSqlPath(file.path)) return result;
  if (
    !/\{%-?\s*snapshot\b/.test(file.content) &&
    modelOf(file.path, target) === undefined
  )
    return result;
  const why = columnsHeldToAList(file, files);
  if (!why) return result;
  const again = rewriteSqlFile(
    file,
    { ...target, resultCountFixedBy: why },
    mapping,
  );
  return again.status === 'needs-decision'
    ? leavePackagesAlone(file, again, target)
    : result;
}

/** What a model's result is read into while asking whether it passes `*` on (see passesGrowingStarOn). */
const RESULT = '\u0000the result';

/**
 * The `*`s of `target` (or of a relation the SQL makes with it) a model's SQL
 * takes a fixed number of columns from (see starsCounted); with
 * `resultCountFixedBy` of RESULT, those its result takes too: it passes them
 * on. None where the SQL is not read.
 */
function countedStars(content: string, target: DatasetTarget): CountedStar[] {
  try {
    // Jinja is masked in place: the positions are the text's.
    return starsCounted(analyzeFile(content, target), content);
  } catch {
    return [];
  }
}

/** Whether a model's result takes `*` of `target`, passing its columns on. */
function passesStarOn(content: string, target: DatasetTarget): boolean {
  return countedStars(content, { ...target, resultCountFixedBy: RESULT }).some(
    star => star.countFixedBy === RESULT,
  );
}

/**
 * A dbt model whose result takes `*` of the dataset (`select * from {{
 * source(…) }}`, through its CTEs too) passes the new version's own fields on
 * from the cut-over, once dbt builds it again, before its pull request (which
 * lists the columns) is merged: a model reading it by `ref()` into a fixed
 * number of columns (a `UNION`, an INSERT, an enforced contract, a snapshot
 * checking all columns) fails or re-versions its rows from then, though it
 * never names the dataset (found by round 33b). Followed through models that
 * pass the `*` on in turn; a person decides before the data moves.
 */
function passesGrowingStarOn(
  result: RewrittenFile,
  files: ChangedFile[],
  target: DatasetTarget,
  mapping: ConsumerMapping,
): RewrittenFile {
  if (result.status !== 'unaffected' && result.status !== 'rewritten')
    return result;
  if (mapping.newAtCutOver.length === 0 || !target.dbt) return result;
  const file = files.find(f => f.path === result.path);
  const model = file && modelOf(file.path, target);
  if (!file || model === undefined || !file.content.includes('*'))
    return result;
  if (!passesStarOn(file.content, target)) return result;
  // Each model passing the `*` on, with the models it came through.
  const queue: Array<{ passing: string; chain: string[] }> = [
    { passing: model, chain: [model] },
  ];
  const seen = new Set([file.path]);
  const { dbt } = target;
  for (let next = queue.shift(); next; next = queue.shift()) {
    const { passing, chain } = next;
    // The model read as the dataset: its `ref()` names no model of the project.
    const asDataset: DatasetTarget = {
      ...target,
      table: passing,
      sourceTable: undefined,
      dbt: {
        ...dbt,
        models: new Set([...dbt.models].filter(m => m !== passing)),
      },
    };
    const readers = files.filter(
      f => !seen.has(f.path) && refsIn(f.content).includes(passing),
    );
    for (const reader of readers) {
      seen.add(reader.path);
      const snapshot = yamlSnapshotsCheckingAll(reader, files).find(entry =>
        passesStarOn(entry.sql, asDataset),
      );
      if (snapshot) {
        const person = toPerson(
          { ...result, content: file.content },
          result.impact.fields,
          `its result takes \`*\` of ${target.table}, which ${chain
            .map(m => `ref('${m}')`)
            .join(' then ')} passes on to the dbt snapshot ${
            snapshot.name
          } of ${reader.path}, checking all its columns: ${snapshotReversioned(
            mapping,
          )}`,
        );
        return { ...person, impact: { ...person.impact, needsTable: true } };
      }
      if (!isSqlPath(reader.path)) continue;
      const held = columnsHeldToAList(reader, files);
      const counted = countedStars(
        reader.content,
        held ? { ...asDataset, resultCountFixedBy: held } : asDataset,
      );
      const star = counted[0];
      if (star) {
        const person = toPerson(
          { ...result, content: file.content },
          result.impact.fields,
          `its result takes \`*\` of ${target.table}, which ${chain
            .map(m => `ref('${m}')`)
            .join(' then ')} passes on to ${
            reader.path
          }, unlisted until this pull request is merged: there ${growingStarRead(
            star.text,
            star.countFixedBy,
            `\`*\` of ${
              star.through ?? passing
            }, once dbt builds ${passing} again,`,
            mapping,
          )}`,
        );
        // Whatever is decided, the unchanged models fail from the cut-over.
        return {
          ...person,
          impact: { ...person.impact, needsTable: true },
        };
      }
      const readerModel = modelOf(reader.path, target);
      if (readerModel !== undefined && passesStarOn(reader.content, asDataset))
        queue.push({ passing: readerModel, chain: [...chain, readerModel] });
    }
  }
  return result;
}

/**
 * dbt's YAML snapshots (1.9+: `snapshots:` entries with a `relation:`), which
 * snapshot `select * from` their relation: one checking all columns
 * (`check_cols: all`, in its entry or dbt_project.yml) over the dataset
 * closes and versions again every row of its history at its first run after
 * the cut-over, silently, as the SQL snapshot does (see fixedOutputModel). Each
 * is judged as that SQL snapshot would be; it was handed to the coding agent
 * after the cut-over, past the harm (round 33c).
 */
function yamlSnapshotOfEveryField(
  result: RewrittenFile,
  files: ChangedFile[],
  target: DatasetTarget,
  mapping: ConsumerMapping,
): RewrittenFile {
  if (result.impact.needsTable || mapping.newAtCutOver.length === 0)
    return result;
  const file = files.find(f => f.path === result.path);
  if (!file) return result;
  const snapshot = yamlSnapshotsCheckingAll(file, files).find(entry =>
    passesStarOn(entry.sql, target),
  );
  if (!snapshot) return result;
  const person = toPerson(
    { ...result, content: file.content },
    result.impact.fields,
    `${file.path}: the dbt snapshot ${snapshot.name} checks all columns of ${
      snapshot.relation
    }, which is ${target.table}: ${snapshotReversioned(mapping)}`,
  );
  return {
    ...person,
    impact: {
      ...person.impact,
      lines: result.impact.lines,
      needsTable: true,
    },
  };
}

/** What a snapshot checking all columns of `*` that grows does from the cut-over. */
function snapshotReversioned(mapping: ConsumerMapping): string {
  return `from the cut-over on they also have the new version's ${namedFew(
    mapping.newAtCutOver.map(f => `"${f}"`),
  )}, and its first run then closes and versions again every row of its history, silently, whatever is decided: set check_cols to a list of columns, or use the timestamp strategy, before the migration runs`;
}

/**
 * A yml file's dbt snapshots (1.9+) that check all columns, by their own
 * config first, then the project's (configSaying), each with the SQL dbt
 * snapshots: every column of its relation.
 */
function yamlSnapshotsCheckingAll(
  file: ChangedFile,
  files: ChangedFile[],
): Array<{ name: string; relation: string; sql: string }> {
  if (
    !isYamlPath(file.path) ||
    !/^[ \t\uFEFF]*snapshots\s*:/m.test(file.content)
  )
    return [];
  const entries = (parsedYaml(file) as { snapshots?: unknown } | null)
    ?.snapshots;
  if (!Array.isArray(entries)) return [];
  const folder = file.path.replace(/[^/]*$/, '');
  return (entries as Array<Record<string, unknown>>).flatMap(entry => {
    const { name, relation } = entry ?? {};
    if (typeof name !== 'string' || typeof relation !== 'string') return [];
    const path = `${folder}${name}.sql`;
    const own = { ...entry, ...(entry.config as Record<string, unknown>) };
    const checksAll =
      (own.strategy === undefined
        ? configSaying(STRATEGY_CHECK, files, path)
        : own.strategy === 'check') &&
      (own.check_cols === undefined
        ? configSaying(CHECKS_ALL_COLUMNS, files, path)
        : own.check_cols === 'all');
    return checksAll
      ? [
          {
            name,
            relation,
            sql: `{% snapshot ${name} %}\nselect * from {{ ${relation} }}\n{% endsnapshot %}\n`,
          },
        ]
      : [];
  });
}

/**
 * A dbt source whose schema or table the project spells with Jinja (`schema:
 * "{{ var('shop_schema', 'public') }}"`), or that two projects of a monorepo
 * declare at different relations, may be the dataset or another table: only
 * the run, or the model's project, says. Each file is assessed both ways; one
 * that the rewriter would treat otherwise if the source were the dataset
 * (rewrite it, ask about it, or have its sources file point it at the renamed
 * table) goes to a person. Taken for one of them alone, a model reading
 * `public.t` under a renamed or widened field was called unaffected, or one
 * reading another schema's `t` was rewritten.
 */
function maybeDatasetSources(
  files: ChangedFile[],
  target: DatasetTarget,
  mapping: ConsumerMapping,
): RewrittenFile[] {
  const maybe = sourcesMaybeDataset(target);
  if (maybe.length === 0 || !target.dbt)
    return assessFiles(files, target, mapping);
  const elsewhere = new Map(target.dbt.sources);
  const sources = new Map(target.dbt.sources);
  for (const key of maybe) {
    sources.set(key, {
      schema: target.schema,
      identifier: target.sourceTable ?? target.table,
    });
    const other = (
      target.dbt.sourceAlternatives?.get(key) ?? [target.dbt.sources.get(key)!]
    ).find(r => sourceRelationIs(r, target) !== 'dataset');
    if (other) elsewhere.set(key, other);
  }
  const results = assessFiles(
    files,
    { ...target, dbt: { ...target.dbt, sources: elsewhere } },
    mapping,
  );
  const asDataset = assessFiles(
    files,
    { ...target, dbt: { ...target.dbt, sources } },
    mapping,
  );
  const settled = new Map(results.map(r => [r.path, r]));
  for (const other of asDataset) {
    if (!isSqlPath(other.path)) continue;
    const mine = settled.get(other.path);
    const file = files.find(f => f.path === other.path)!;
    const pointed = !!mapping.renamedTo && !!other.readsDbtSource;
    const differs = mine
      ? mine.status !== other.status ||
        mine.content !== other.content ||
        (pointed && !mine.readsDbtSource)
      : other.status !== 'unaffected' || pointed;
    if (!differs) continue;
    if (mine && mine.status !== 'unaffected' && mine.status !== 'rewritten')
      continue;
    const declared = maybe
      .map(key => {
        const relations = target.dbt!.sourceAlternatives?.get(key) ?? [
          target.dbt!.sources.get(key)!,
        ];
        const at = relations.map(r => `${r.schema}.${r.identifier}`);
        return relations.length > 1
          ? `${key} (declared at ${at.join(' and ')}, by different files)`
          : `${key} (at ${at[0]}, whose schema or table Jinja decides at run time)`;
      })
      .join(', ');
    const asIt = asTheDataset(other);
    const base: RewrittenFile = mine ?? unaffectedFile(file);
    settled.set(
      file.path,
      leavePackagesAlone(
        file,
        toPerson(
          { ...base, content: file.content },
          other.impact.fields,
          `the dbt source ${declared} may be ${target.schema}.${target.table} or another table: read as the dataset, ${asIt}; a person decides`,
        ),
        target,
      ),
    );
  }
  return [...settled.values()];
}

/** What the rewriter makes of a file reading a source taken for the dataset. */
function asTheDataset(result: RewrittenFile): string {
  if (result.status === 'rewritten') return 'it would be rewritten';
  if (result.status === 'unaffected')
    return 'its sources file would be pointed at the renamed table';
  return result.impact.problem?.message ?? 'it would go to a person';
}

/** The consumer's status from its files': the most demanding one wins. */
function consumerStatus(
  statuses: Set<RewrittenFile['status']>,
): ConsumerImpactStatus {
  if (statuses.has('needs-decision')) return 'needs-decision';
  if (statuses.has('unparseable')) return 'unparseable';
  if (statuses.has('rewritten')) return 'affected';
  return 'unaffected';
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
  /** The repository's files, those `{% include %}` may name (`files` if not given). */
  repository: ChangedFile[] = files,
): RewrittenFile[] {
  const assessOne = (file: ChangedFile): RewrittenFile =>
    unseenJinja(
      file,
      jinjaRelation(
        file,
        relationAsValue(
          file,
          macroJinjaNames(
            file,
            renderedReads(
              file,
              rewriteSqlFile(file, target, mapping),
              target,
              mapping,
            ),
            mapping,
          ),
          target,
          mapping,
        ),
        target,
        mapping,
      ),
      target,
      mapping,
      repository,
      assessOne,
    );
  // Packages last: a package's file the rename step sends to a person is the
  // package's too, never the coding agent's.
  const results = sourcesDeclared(
    files,
    files.map(assessOne),
    target,
    mapping,
  ).map((result, i) => leavePackagesAlone(files[i], result, target));
  return historyAsIsAll(
    results.map((result, i) => [files[i], result] as const),
    files,
    target,
  );
}

/**
 * A file of dbt macros reading the dataset whose Jinja names a field the
 * migration changes: a default argument (`{% macro clean(col='qty') %}`), a
 * `{% set %}`, a value handed to another macro. Macros are not rendered by
 * themselves (only a call says what they render), and masking blanks their
 * tags, so `delete from … where {{ col }} < 0` was called unaffected while,
 * called as `clean()`, it read the renamed or dropped field.
 */
function macroJinjaNames(
  file: ChangedFile,
  result: RewrittenFile,
  mapping: ConsumerMapping,
): RewrittenFile {
  if (result.status !== 'unaffected' && result.status !== 'rewritten')
    return result;
  if (!isSqlPath(file.path) || !/\{%-?\s*(?:macro|test)\b/.test(file.content))
    return result;
  const jinja = jinjaBeyondReferences(file.content).join('\n');
  const named = changedFieldsNamedIn(jinja, mapping).fields;
  if (named.length === 0) return result;
  return toPerson(
    { ...result, content: file.content },
    named,
    `its macros' Jinja names ${named
      .map(f => `"${f}"`)
      .join(
        ', ',
      )} (a default argument, a {% set %}, a value handed on), which the migration changes: what a macro reads only its calls tell, and the rewriter does not render macros by themselves; a person decides`,
  );
}

/**
 * A model of the consumer's dbt project whose Jinja is more than `ref()` and
 * `source()`: it may read the dataset without naming it (`{{ var('orders_table')
 * }}`, a macro that returns `ref('orders')`), which only rendering tells.
 */
function readsThroughJinja(file: ChangedFile, target: DatasetTarget): boolean {
  return (
    modelOf(file.path, target) !== undefined && needsRendering(file.content)
  );
}

/** The dbt model a file is (its name), by the project's model paths. */
function modelOf(path: string, target: DatasetTarget): string | undefined {
  const name = /([^/]+)\.sql$/i.exec(path)?.[1];
  return name !== undefined &&
    target.dbt?.models.has(name) &&
    !target.dbt.macros.some(macro => macro.path === path)
    ? name
    : undefined;
}

/** The model rendered, with the dataset's `ref()` or `source()` as its table. */
function renderAsDataset(file: ChangedFile, target: DatasetTarget) {
  return renderModel(
    file,
    target,
    `${identifier(target.schema)}.${identifier(target.table)}`,
  );
}

/** Whether a model's rendered SQL names the dataset (read through a var or a macro). */
function rendersDataset(file: ChangedFile, target: DatasetTarget): boolean {
  const rendered = renderAsDataset(file, target);
  return !('unrendered' in rendered) && mentionsDataset(rendered.sql, target);
}

/** `file`, read as it is, sent to a person (see toPerson). */
function fileToPerson(
  file: { path: string; content: string },
  fields: string[],
  message: string,
): RewrittenFile {
  return toPerson(unaffectedFile(file), fields, message);
}

/** `file` as it is, unaffected. */
function unaffectedFile(file: {
  path: string;
  content: string;
}): RewrittenFile {
  return {
    path: file.path,
    content: file.content,
    status: 'unaffected',
    impact: { path: file.path, status: 'unaffected', fields: [], lines: [] },
  };
}

function toPerson(
  result: RewrittenFile,
  fields: string[],
  message: string,
): RewrittenFile {
  return {
    ...result,
    status: 'needs-decision',
    impact: {
      path: result.path,
      status: 'needs-decision',
      fields,
      lines: [],
      problem: { message },
    },
  };
}

/**
 * A DAG naming the dataset only in an operator's params, whose SQL is a file
 * of the repository (`sql="truncate_orders.sql"`, there `TRUNCATE {{
 * params.table }}`) running a statement that needs the dataset to be a table:
 * it breaks at the first cut-over, whatever fields it reads, as the file would
 * naming the dataset itself. The file names no table, so neither was looked at.
 */
function runsTemplatedTableStatements(
  result: RewrittenFile,
  files: ChangedFile[],
  target: DatasetTarget,
  mapping: ConsumerMapping,
): RewrittenFile {
  if (result.impact.needsTable || isSqlPath(result.path)) return result;
  const file = files.find(f => f.path === result.path);
  if (!file) return result;
  const found = templatedTableStatementsIn(file, files, target, mapping);
  if (!found) return result;
  return needsTable(result, file, found.lines, `${file.path} ${found.message}`);
}

/**
 * An ORM that brings the schema in line with its models when the service
 * starts (round 34c), where the repository turns it on and this file maps a
 * model to the dataset: TypeORM's `synchronize: true` (it reads the view as a
 * table without a key, and runs `ALTER TABLE … ADD PRIMARY KEY`, `SET NOT
 * NULL` or `DROP COLUMN` on it), Sequelize's `sync({ alter: true })` or
 * `sync()` of a model declaring `indexes` (`ALTER COLUMN`, `CREATE INDEX`),
 * Peewee's `create_tables` of a model with an indexed field (`CREATE INDEX IF
 * NOT EXISTS`). PostgreSQL refuses each on a view: from the cut-over the
 * service no longer starts, whatever is decided.
 */
const STARTUP_SYNCS: Array<{
  orm: string;
  turnedOn: RegExp;
  model: RegExp;
}> = [
  {
    orm: "TypeORM's synchronize",
    turnedOn: /\bsynchronize\s*:\s*true\b/,
    // An entity TypeORM's sync skips (`@Entity({ …, synchronize: false })`).
    model: /@Entity\s*\((?![^)]*\bsynchronize\s*:\s*false)/,
  },
  {
    orm: "Sequelize's sync",
    turnedOn: /\bsequelize\s*\.\s*sync\s*\(\s*\{[^}]*\balter\s*:\s*true/i,
    model: /\b(?:define|init)\s*\(/,
  },
  {
    orm: "Sequelize's sync",
    turnedOn: /\bsequelize\s*\.\s*sync\s*\(/i,
    model: /\bindexes\s*:\s*\[/,
  },
  {
    orm: "Peewee's create_tables",
    turnedOn: /\bcreate_tables\s*\(/,
    model: /\b(?:ForeignKeyField|index\s*=\s*True|unique\s*=\s*True)\b/,
  },
];

function syncedAtStartUp(
  result: RewrittenFile,
  files: ChangedFile[],
  target: DatasetTarget,
): RewrittenFile {
  if (result.impact.needsTable || isSqlPath(result.path)) return result;
  const file = files.find(f => f.path === result.path);
  if (
    !file ||
    ormClassesOf(file.content, target.table, target.schema).length === 0
  )
    return result;
  // What the service runs at start-up: not a test's set-up, nor SQLite's.
  const starts = (f: ChangedFile, turnedOn: RegExp) =>
    turnedOn.test(f.content) &&
    !/(?:^|\/)(?:tests?|spec|__tests__)\/|\.(?:test|spec)\.\w+$/.test(f.path) &&
    !/\btype\s*:\s*['"](?:sqlite|better-sqlite3|sqljs)['"]|\bdialect\s*:\s*['"]sqlite['"]/.test(
      f.content,
    );
  const sync = STARTUP_SYNCS.find(
    ({ turnedOn, model }) =>
      model.test(file.content) && files.some(f => starts(f, turnedOn)),
  );
  if (!sync) return result;
  const where = files.find(f => starts(f, sync.turnedOn))!;
  return needsTable(
    result,
    file,
    result.impact.lines,
    `${file.path} maps a model to ${target.table}, whose schema ${sync.orm} (${where.path}) brings in line with the model when the service starts: from the cut-over ${target.table} is a view, on which PostgreSQL refuses the ALTER TABLE or CREATE INDEX it runs, so the service no longer starts, whatever is decided; turn it off (run the ORM's migrations instead) before the migration runs`,
  );
}

/**
 * A SQL file the rewriter changed beside one creating a table named like the
 * dataset's (Spring Boot runs `schema.sql`, then `data.sql`, on a fresh
 * database; a seed runs after its folder's DDL): it may read that table, not
 * the dataset, and the rewrite would not fit the columns the other file
 * creates. The creating file goes to a person ("rename it"), so this one waits
 * with it. A probe (round 36b) saw `data.sql` rewritten for a renamed column
 * while `schema.sql` still created the old one. Migration history, which
 * created the dataset itself once, does not count.
 */
function besideOwnTable(
  result: RewrittenFile,
  ownTables: Map<string, string[]>,
  files: ChangedFile[],
  target: DatasetTarget,
): RewrittenFile {
  if (result.status !== 'rewritten' || !isSqlPath(result.path)) return result;
  const creator = ownTables
    .get(folderOf(result.path))
    ?.find(path => path !== result.path);
  if (creator === undefined) return result;
  const file = files.find(f => f.path === result.path)!;
  return fileToPerson(
    file,
    result.impact.fields,
    `${creator}, beside it, creates ${target.table}, named like the dataset's table, with the columns it has today (Spring Boot runs schema.sql, then data.sql, on a fresh database): this file may read that table rather than the dataset, and the rewrite would not fit it; decide with ${creator}`,
  );
}

/**
 * Each folder's SQL files creating a table or view named like the dataset's,
 * not history. A temporary one lives only in its own session, which another
 * file's statements do not share (a corpus round, 37, saw every rewrite of a
 * folder sent to a person by one `CREATE TEMP TABLE orders`).
 */
function ownTablesByFolder(
  files: ChangedFile[],
  target: DatasetTarget,
): Map<string, string[]> {
  const creates = createsTableNamedLike(target);
  const byFolder = new Map<string, string[]>();
  for (const file of files)
    if (
      isSqlPath(file.path) &&
      creates(file.content) &&
      migrationHistoryOf(file, files) === undefined
    )
      byFolder.set(folderOf(file.path), [
        ...(byFolder.get(folderOf(file.path)) ?? []),
        file.path,
      ]);
  return byFolder;
}

function folderOf(path: string): string {
  return path.replace(/[^/]*$/, '');
}

/** `file` to a person because it needs the dataset to be a table, at `lines`. */
function needsTable(
  result: RewrittenFile,
  file: ChangedFile,
  lines: number[],
  message: string,
): RewrittenFile {
  return {
    ...result,
    content: file.content,
    status: 'needs-decision',
    impact: {
      path: file.path,
      status: 'needs-decision',
      fields: result.impact.fields,
      lines,
      needsTable: true,
      problem: { message },
    },
  };
}

/**
 * A dbt model read as it is while the migration widens an integer it passes on
 * (`select *`, or the field by name) to other models of the project, or a SQL
 * file that does so through a view or table it creates, which other files read:
 * what they do with it (divide it, give it to a function taking integer) is not
 * followed from file to file, so a person decides.
 */
function passedToModels(
  result: RewrittenFile,
  files: ChangedFile[],
  target: DatasetTarget,
  mapping: ConsumerMapping,
): RewrittenFile {
  if (result.status !== 'unaffected' && result.status !== 'rewritten')
    return result;
  // Under its own name or, renamed and widened at once, as `nn AS n`; a
  // rewritten file passes it on as it is too, whatever else it casts.
  const passed = widenedFieldsRead(result, mapping, picksOtherFunction);
  if (passed.length === 0) return result;
  const readers = readersOf(result, files, target);
  if (readers.length === 0) return result;
  return toPerson(
    {
      ...result,
      content:
        files.find(f => f.path === result.path)?.content ?? result.content,
    },
    passed,
    `passes ${passed.map(f => `"${f}"`).join(', ')} on to ${readers.join(
      ', ',
    )}, where what is done with it is not followed from file to file; the migration widens it, which divides with a fraction and picks other functions: cast it where it is passed on`,
  );
}

/**
 * A SQL file code runs and reads the rows of (see queryFileRunBy), reading as
 * it is a field widened into a type client drivers return as another: the
 * code gets other values, as code holding the SQL would (found by round 31b:
 * node-postgres gave `qty` 5 as "5" under bigint, and `qty + 1` was "51").
 */
function runByCode(
  result: RewrittenFile,
  files: ChangedFile[],
  mapping: ConsumerMapping,
): RewrittenFile {
  if (result.status !== 'unaffected' && result.status !== 'rewritten')
    return result;
  const file = files.find(f => f.path === result.path);
  if (!file || !isSqlPath(file.path)) return result;
  const visible = clientVisibleWidenings(mapping);
  const read = widenedFieldsRead(result, mapping, () => true);
  const widened = visible.filter(w => read.includes(w.field));
  if (widened.length === 0) return result;
  const by = queryFileRunBy(file, files);
  if (!by) return result;
  return toPerson(
    { ...result, content: file.content },
    widened.map(w => w.field),
    `${file.path} ${by}, so code runs it and reads its rows, ${wholeRowsReason({
      what: [],
      lines: [],
      widened,
    })}: a person decides`,
  );
}

/**
 * The fields the migration widens, read as they are, that the file may read:
 * through `*`, or by their old or new name; only those `also` keeps.
 */
function widenedFieldsRead(
  result: RewrittenFile,
  mapping: ConsumerMapping,
  also: (m: ReaderMapping) => boolean,
): string[] {
  return [...mapping.byField.entries()]
    .filter(
      ([field, m]) =>
        readWidened(m) &&
        also(m) &&
        (/\*/.test(result.content) ||
          namesWord(result.content, field) ||
          namesWord(result.content, m.to)),
    )
    .map(([field]) => field);
}

/**
 * The other files that read what a file makes: a dbt model's, by `ref()`; a
 * SQL file's views and tables (`CREATE VIEW`, `CREATE TABLE … AS`, `SELECT …
 * INTO`), by their names, as a model's relation (its name or alias) is read by
 * SQL outside dbt. Code in another language (a script, a dashboard's
 * JSON) reads either by its name, and what it does with it is not followed at
 * all; dbt's YAML reads a model where it holds SQL on it (a semantic model's
 * `expr:`, a test's `expression:`), and Markdown reads none.
 */
function readersOf(
  result: RewrittenFile,
  files: ChangedFile[],
  target: DatasetTarget,
): string[] {
  const model = modelOf(result.path, target);
  // What ref() reads the file by: a model's name, and the versioned model it
  // is a version of (`ref('stg_orders')` reads `stg_orders_v2.sql`); a
  // snapshot's block name (`{% snapshot orders_snapshot %}`), not its file's.
  const refNames =
    model !== undefined
      ? [model, ...versionsOf(model, files)]
      : snapshotNames(result.content);
  // A model or snapshot is also a table others read by its relation's name:
  // the model's own, or the alias its config() gives (a report's `select …
  // from analytics.orders_clean`, a BI tool's SQL).
  const relations = [
    ...refNames,
    ...aliasesIn(result.content),
    ...(model !== undefined ? ymlAliasesOf(model, files) : []),
  ];
  const created = model === undefined ? createdBy(result.content, target) : [];
  const names = [...relations, ...created];
  // Most rewritten files (code, not a model) make nothing another reads.
  if (names.length === 0) return [];
  return files
    .filter(f => {
      if (f.path === result.path) return false;
      if (!isSqlPath(f.path)) {
        // dbt's YAML holds SQL on a model too: a semantic model's or metric's
        // `expr:`, a test's `expression:` or `where:` (`amount_cents / 100`),
        // hooks (`on-run-end:`, `+post-hook:`).
        if (isYamlPath(f.path))
          return (
            refNames.some(
              name =>
                refsIn(f.content).includes(name) ||
                new RegExp(
                  String.raw`^[ \t\uFEFF]*(?:-[ \t]*)?(?:name|model)\s*:\s*["']?${escapeRegExp(
                    name,
                  )}["']?\s*$`,
                  'm',
                ).test(f.content),
            ) &&
            /(?:\b(?:expr|expression|where|filter|sql|sql_header|pre_hook|post_hook)|\b(?:pre|post)-hook|\bon-run-(?:start|end))\s*:/.test(
              f.content,
            )
          );
        if (/\.(?:md|markdown|rst|txt)$/i.test(f.path)) return false;
        const code = unescapedCode(f.content);
        return names.some(name => namesIdentifier(code, name));
      }
      return (
        refsIn(f.content).some(name => refNames.includes(name)) ||
        readsAnyOf(f.content, names, target)
      );
    })
    .map(f => f.path);
}

/**
 * The aliases dbt's YAML gives a model's relation (`models: - name: stg_orders,
 * config: {alias: orders_clean}`, or `alias:` on the entry).
 */
function ymlAliasesOf(model: string, files: ChangedFile[]): string[] {
  const aliases: string[] = [];
  for (const f of files) {
    if (!isYamlPath(f.path) || !/\balias\s*:/.test(f.content)) continue;
    let parsed: unknown;
    try {
      parsed = parseYaml(f.content, { merge: true });
    } catch {
      continue;
    }
    const models = (parsed as { models?: unknown } | null)?.models;
    if (!Array.isArray(models)) continue;
    for (const entry of models) {
      const { name, alias, config } = (entry ?? {}) as {
        name?: unknown;
        alias?: unknown;
        config?: { alias?: unknown } | null;
      };
      if (name !== model) continue;
      for (const a of [alias, config?.alias])
        if (typeof a === 'string') aliases.push(a);
    }
  }
  return aliases;
}

/** The aliases a dbt file's `config()` gives its relation (`alias='orders_clean'`). */
function aliasesIn(content: string): string[] {
  return [
    ...content.matchAll(
      /\{\{-?\s*config\([^)]*?\balias\s*=\s*['"]([A-Za-z_][A-Za-z0-9_$]*)['"]/g,
    ),
  ].map(m => m[1]);
}

/** The snapshots a file defines, by the names `ref()` reads them by. */
function snapshotNames(content: string): string[] {
  return [
    ...content.matchAll(/\{%-?\s*snapshot\s+([A-Za-z_][A-Za-z0-9_]*)\s*-?%\}/g),
  ].map(m => m[1]);
}

/**
 * The versioned models (dbt 1.5+) a model file is a version of: a yml file's
 * `versions:` entry names its file (`defined_in:`, else `<name>_v<v>`), and a
 * `ref()` of the model's name reads its latest version (or, with `v=`, any).
 * A yml file that does not parse, but lists versions and names `stg_orders`,
 * is taken to make `stg_orders_v2` one of them.
 */
function versionsOf(model: string, files: ChangedFile[]): string[] {
  const names = new Set<string>();
  const base = /^(.+)_v[0-9]+$/.exec(model)?.[1];
  for (const f of files) {
    if (!isYamlPath(f.path) || !/\bversions\s*:/.test(f.content)) continue;
    let parsed: unknown;
    try {
      parsed = parseYaml(f.content, { merge: true });
    } catch {
      if (base !== undefined && namesWord(f.content, base)) names.add(base);
      continue;
    }
    const models = (parsed as { models?: unknown } | null)?.models;
    if (!Array.isArray(models)) continue;
    for (const entry of models) {
      const { name, versions } = (entry ?? {}) as {
        name?: unknown;
        versions?: unknown;
      };
      if (typeof name !== 'string' || !Array.isArray(versions)) continue;
      for (const version of versions) {
        const { v, defined_in: definedIn } = (version ?? {}) as {
          v?: unknown;
          defined_in?: unknown;
        };
        const file =
          typeof definedIn === 'string' ? definedIn : `${name}_v${String(v)}`;
        if (file === model) names.add(name);
      }
    }
  }
  // `ref('stg_orders', v=2)` names the version by number.
  const version = /^(.+)_v([0-9]+)$/.exec(model);
  if (
    version &&
    files.some(f =>
      new RegExp(
        String.raw`\bref\(\s*['"]${version[1]}['"]\s*,\s*(?:v|version)\s*=\s*['"]?${version[2]}\b`,
      ).test(f.content),
    )
  )
    names.add(version[1]);
  names.delete(model);
  return [...names];
}

/**
 * Whether a SQL file names, outside its comments, one of `created` that it does
 * not create itself (a file that creates the relation reads its own). Its
 * comments are blanked once, not once per name.
 */
function readsAnyOf(
  content: string,
  created: string[],
  target: DatasetTarget,
): boolean {
  if (created.length === 0) return false;
  const text = withoutComments(content);
  const named = created.filter(name => namesIdentifier(text, name));
  if (named.length === 0) return false;
  const own = createdBy(content, target);
  return named.some(name => !own.includes(name));
}

/**
 * A SQL file's text with its comments blanked out: a relation a comment names
 * (mimic-code's chemistry.sql says "blood gas measurements … are in bg.sql")
 * is not read there. Strings stay: dynamic SQL may read what they name. A text
 * the scanner cannot read is kept whole.
 */
function withoutComments(content: string): string {
  let tokens: ReturnType<typeof scanSqlTokens>;
  try {
    tokens = scanSqlTokens(content);
  } catch {
    return content;
  }
  const comments = tokens.filter(
    t => t.tokenName === 'SQL_COMMENT' || t.tokenName === 'C_COMMENT',
  );
  if (comments.length === 0) return content;
  // The scanner's offsets are UTF-8 bytes: blank the bytes, then decode.
  const bytes = Buffer.from(content, 'utf8');
  for (const comment of comments) bytes.fill(0x20, comment.start, comment.end);
  return bytes.toString('utf8');
}

/** The relations a SQL file creates (none when it does not parse). */
function createdBy(content: string, target: DatasetTarget): string[] {
  try {
    return analyzeFile(content, target).flatMap(s => s.creates);
  } catch {
    return [];
  }
}

/**
 * A dbt model called unaffected from its text is rendered (its project's macros,
 * `{% set %}`, loops) and its SQL read again: Jinja may spell a column outside
 * `{{ }}` text (`{% set key = 'cust' %} … {{ key }}`, a macro returning a name).
 * When the rendered SQL reads what the migration changes, a person decides. A
 * model that does not render keeps what its text said; its shadow check says it
 * was not checked.
 */
function renderedReads(
  file: ChangedFile,
  result: RewrittenFile,
  given: DatasetTarget,
  mapping: ConsumerMapping,
): RewrittenFile {
  if (result.status !== 'unaffected' && result.status !== 'rewritten')
    return result;
  if (!/\.sql$/i.test(file.path) || !needsRendering(file.content))
    return result;
  // A preview has no project: SQL with Jinja beyond dbt's references (an
  // Airflow template's `{% set tbl = 'raw.orders' %}`) renders by itself.
  if (!given.dbt && referencesIn(file.content).length > 0) return result;
  const target: DatasetTarget = {
    ...given,
    dbt: given.dbt ?? dbtProjectOf([]),
  };
  const rendered = renderAsDataset(file, target);
  if ('unrendered' in rendered)
    return unrenderedNames(file, result, target, mapping, rendered.unrendered);
  // A rewrite of a model that renders is proven by its shadow check.
  if (result.status === 'rewritten') return result;
  const plain: DatasetTarget = {
    schema: target.schema,
    table: target.table,
    fields: target.fields,
  };
  const again = rewriteSqlFile(
    { path: file.path, content: rendered.sql },
    plain,
    mapping,
  );
  if (again.status === 'unaffected') return result;
  if (renameServedBySources(file, rendered.sql, plain, target, mapping))
    return result;
  const fields = again.impact.fields;
  return toPerson(
    result,
    fields,
    `${
      modelOf(file.path, target) !== undefined
        ? "rendered with its project's macros, the model reads"
        : 'rendered (its {% set %}s, macros and loops), the file reads'
    } ${
      fields.length > 0 ? fields.map(f => `"${f}"`).join(', ') : 'the dataset'
    } in a way the migration changes, through Jinja the rewriter does not follow in the text (a {% set %}, a macro, a loop): ${
      again.impact.problem?.message ?? 'its rendered SQL would be rewritten'
    }`,
  );
}

/** An unquoted name no project spells: where the dataset's `source()` renders. */
const SOURCE_MARKER = 'dm_dataset_source_relation_';

/**
 * A dataset renamed, read by a rendered model only through the project's
 * `source()` (in its text or a macro's): the sources file the rewriter points at
 * the new table serves it, as it serves a model whose text says `source()`. So
 * when the rendered SQL reads the same without the rename, names the dataset's
 * table nowhere else (a macro spelling `raw.raw_orders`, a var) and holds the
 * relation nowhere but where a relation stands (not in a string, where its new
 * name is other text), the model is unaffected.
 */
function renameServedBySources(
  file: ChangedFile,
  renderedSql: string,
  plain: DatasetTarget,
  target: DatasetTarget,
  mapping: ConsumerMapping,
): boolean {
  const { renamedTo, ...unrenamed } = mapping;
  if (!renamedTo) return false;
  if (
    rewriteSqlFile({ path: file.path, content: renderedSql }, plain, unrenamed)
      .status !== 'unaffected'
  )
    return false;
  let byRef = false;
  const project = target.dbt!;
  const marked = renderModel(file, target, SOURCE_MARKER, reference => {
    if (reference.kind === 'ref') byRef = true;
  });
  if ('unrendered' in marked || byRef) return false;
  if (mentionsDataset(marked.sql, plain)) return false;
  // A macro or var spelling the table (not as a source() or ref() argument) may
  // do so in a branch not rendered here.
  const spells = (text: string) =>
    namesWord(text.replace(/\b(?:source|ref)\s*\([^)]*\)/g, ' '), target.table);
  if (
    [
      ...project.macros,
      ...[...project.packages.values()].flatMap(p => p.macros),
    ].some(macro => spells(macro.content)) ||
    spells(JSON.stringify(project.vars))
  )
    return false;
  // The marker only where a relation stands: not in a string or quoted name.
  return (
    relationsAsValues(
      marked.sql.replaceAll(SOURCE_MARKER, "{{ source('m', 'm') }}"),
    ).length === 0
  );
}

/**
 * A model that does not render here (`run_query`, `adapter.…`, a package not
 * installed), called unaffected or rewritten from its text, whose Jinja names
 * the dataset's table or a field the migration changes
 * (`run_query("select max(amount) from orders")`) or runs a query while
 * rendering (whose SQL a macro may spell): what that reads only rendering
 * tells, so a person decides. Other unrendered models keep what their text says.
 */
function unrenderedNames(
  file: ChangedFile,
  result: RewrittenFile,
  target: DatasetTarget,
  mapping: ConsumerMapping,
  why: string,
): RewrittenFile {
  const jinja = jinjaBeyondReferences(file.content).join('\n');
  const changed = [...mapping.byField.entries()]
    .filter(([, m]) => m.kind !== 'same')
    .map(([field]) => field);
  const named = [target.table, ...changed].filter(name =>
    namesWord(jinja, name),
  );
  // A query run while rendering reads what no name here may spell (a macro's SQL).
  const queries = /\b(?:run_query|statement|adapter\s*\.)/.test(jinja);
  // The dataset's relation handed to a macro (`dbt_utils.star(from=source(…))`),
  // which may list its columns from the catalog: any change to them, an added
  // field too, or its name may change what the model returns.
  const handed = referencesIn(jinja).some(r => jinjaNamesDataset(r, target));
  if (
    handed &&
    (changed.length > 0 || mapping.added.length > 0 || mapping.renamedTo)
  )
    return toPerson(
      result,
      named.filter(name => changed.includes(name)),
      `the model does not render here (${why}), and its Jinja hands ${target.schema}.${target.table} to a macro, which may read its columns or name from the catalog: what the model returns only rendering tells, and the migration changes the dataset; a person decides`,
    );
  if (
    (named.length === 0 && !queries) ||
    (changed.length === 0 && !mapping.renamedTo)
  )
    return result;
  return toPerson(
    result,
    named.filter(name => changed.includes(name)),
    `the model does not render here (${why}), and its Jinja ${
      named.length > 0
        ? `names ${named.map(n => `"${n}"`).join(', ')}`
        : 'runs queries while rendering (run_query, statement, adapter)'
    }: what that reads only rendering tells, and the migration changes the dataset; a person decides`,
  );
}

/**
 * A dbt model that renders the dataset's relation as a value (`'{{ source(…) }}'`
 * in a string, `{{ source(…).identifier }}`): renaming the dataset, through the
 * sources file or not, changes the text it returns, so a person decides.
 */
function relationAsValue(
  file: ChangedFile,
  result: RewrittenFile,
  target: DatasetTarget,
  mapping: ConsumerMapping,
): RewrittenFile {
  if (
    !mapping.renamedTo ||
    !target.dbt ||
    (result.status !== 'unaffected' && result.status !== 'rewritten') ||
    !/\.sql$/i.test(file.path)
  )
    return result;
  if (!relationsAsValues(file.content).some(r => jinjaNamesDataset(r, target)))
    return result;
  return toPerson(
    result,
    [],
    `the model renders ${target.schema}.${target.table} as a value (in a string, or an attribute of its relation): renaming the dataset changes the text it returns; a person decides`,
  );
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
  // A sources file rewritten declares it. One left to a person (YAML anchors,
  // a schema that moves) serves the models only once the person has changed it:
  // until then they would read the old name, so they wait for that decision.
  const declared = results.some(
    r => isYamlPath(r.path) && r.status === 'rewritten',
  );
  if (declared) return results;
  const undecided = results.find(
    r => isYamlPath(r.path) && r.status !== 'unaffected',
  );
  return results.map(r => {
    if (!r.readsDbtSource || r.status === 'needs-decision') return r;
    const problem = {
      message: undecided
        ? `${r.path} reads ${
            target.table
          } through dbt source(), and the sources file declaring it, ${
            undecided.path
          }, goes to a person; once it points that source at ${relationText(
            renamedTo,
          )}, the model reads it`
        : `${r.path} reads ${
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
