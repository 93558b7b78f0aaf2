/**
 * Rewrites consumer SQL for a migration. One module because a rewrite is one pass:
 * the file's analysis becomes a list of edits (columns, stars, relations) that are
 * applied together to the original text, and each kind of edit must see the spans
 * the others take. The file-level entry points at the top only mask dbt Jinja and
 * say what the rewrite could not do.
 */
import {
  widens,
  type FileImpact,
  type FileImpactStatus,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  analyzeSql,
  STORED_FORM_CALL,
  type ColumnUse,
  type DatasetRelation,
  type OpaqueRead,
  type Span,
  type MergedJoin,
  type StarUse,
  type StatementAnalysis,
  type Typed,
} from './analyzeSql';
import {
  namesIdentifier,
  namesWord,
  wordPattern,
  type DatasetTarget,
} from './datasetTarget';
import { escapeRegExp } from '../../sql/regExp';
import {
  configHooks,
  gluedNames,
  jinjaBeyondReferences,
  jinjaSqlStrings,
  maskJinja,
  type MaskedSql,
} from './dbtJinja';
import { rewriteDbtSources } from './dbtSources';
import {
  unescapedCode,
  wholeRowsInCode,
  type CodeWholeRowReads,
} from './codeQueries';
import {
  capturesDataset,
  referencesByInference,
  catalogReadsIn,
  tableStatementsIn,
} from './tableStatements';
import { withObjectNames } from './objectNames';
import { modelClassNames } from './ormClasses';
import {
  rowsGrowingAtCutOver,
  wholeRowsRead,
  wholeRowsReadByCode,
  wholeRowsReason,
} from './wholeRows';
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import { growingStarRead, growingStarsCounted, starOf } from './growingStars';
import {
  introducedNames,
  readAsIs,
  readWidened,
  starChanges,
  widenedFields,
  type ConsumerMapping,
  type DatasetRelationName,
  type ReaderMapping,
} from './fieldMapping';
import {
  parseSql,
  positionOf,
  scanSqlTokens,
  SqlSyntaxError,
} from '../../sql/sqlParser';

export interface RewrittenFile {
  path: string;
  /**
   * The rewritten content; the original unless the status is `rewritten`, or
   * `needs-decision` for names of the dataset's objects in a file otherwise
   * rewritten (objectNames.ts), where the rewrite waits on the decision.
   */
  content: string;
  status: FileImpactStatus;
  impact: FileImpact;
  /**
   * The file reads the renamed dataset through dbt `source()`, which keeps its
   * name: the project's sources file must point it at the new table.
   */
  readsDbtSource?: boolean;
}

/** True when a file names the dataset at all: the cheap scan before any parsing. */
export function mentionsDataset(
  content: string,
  target: DatasetTarget,
): boolean {
  // Its table's name, or a dbt source the project declares for it under another name.
  const names = [target.table];
  for (const [key, relation] of target.dbt?.sources ?? [])
    if (
      relation.identifier === target.table &&
      relation.schema === target.schema
    )
      names.push(key.slice(key.indexOf('.') + 1));
  // As a LIKE pattern spells it for the catalog (`'order\_items'`).
  if (target.table.includes('_')) names.push(target.table.replace(/_/g, '\\_'));
  return names.some(name => namesIdentifier(content, name));
}

/** Files the rewriter reads: plain SQL and dbt models. */
export function isSqlPath(path: string): boolean {
  return /\.sql$/i.test(path);
}

/**
 * Whether a consumer file may read the dataset: it names it
 * ({@link mentionsDataset}), or, in code in another language, names the model
 * class an ORM maps to the table by convention (Rails' and Sequelize's
 * `ListeningEvent` and `ListeningEvents` for `listening_events`), whose
 * queries (`ListeningEvent.where(track_id: …)`) never spell the table.
 */
export function fileMentionsDataset(
  file: ChangedFile,
  target: DatasetTarget,
): boolean {
  // A capture of the dataset's schema or of a pattern names no table, yet
  // stops seeing the dataset's writes at the cut-over (round 34b).
  if (isSqlPath(file.path))
    return (
      mentionsDataset(file.content, target) ||
      capturesDataset(file.content, target)
    );
  const code = unescapedCode(file.content);
  return (
    mentionsDataset(code, target) ||
    capturesDataset(code, target) ||
    referencesByInference(code, target) ||
    lookupWordPattern(target.table, 'i').test(code) ||
    modelClassNames(target.table).some(
      name =>
        wordPattern(name, 'g').test(code) || prismaDelegate(name).test(code),
    ) ||
    namesDjangoModel(code, target.table)
  );
}

/**
 * Prisma's client reads a model through its delegate, the model's name in
 * camelCase (`prisma.order.findMany({ where: { amount: … } })` for `model
 * Order`, which `@@map("orders")` maps to the table), never naming the class.
 */
function prismaDelegate(model: string): RegExp {
  const delegate = model[0].toLowerCase() + model.slice(1);
  return new RegExp(
    `\\.\\s*${escapeRegExp(
      delegate,
    )}\\s*\\.\\s*(?:find\\w*|create\\w*|update\\w*|upsert|delete\\w*|aggregate|groupBy|count)\\s*\\(`,
  );
}

/**
 * A name as a word, or as one part of a Django lookup, whose parts `__` joins
 * (`amount__gt`, `orders__amount__sum`, `F('order__amount')`): the ORM reads
 * the column of each part, which as a whole word is never spelled.
 */
function lookupWordPattern(name: string, flags: string): RegExp {
  const word = '[\\p{L}\\p{M}\\p{N}]';
  return new RegExp(
    `(?:(?<!${word}|_)|(?<=${word}__))${escapeRegExp(
      name,
    )}(?:(?!${word}|_)|(?=__${word}))`,
    `${flags}u`,
  );
}

/**
 * Whether code names the Django model whose default table is the dataset's:
 * Django names a model's table `<app label>_<model name in lower case>`
 * (`shop_orderline` for `class OrderLine` in the app `shop`), so the model and
 * its queries (`OrderLine.objects.filter(…)`) never spell the table.
 */
function namesDjangoModel(code: string, table: string): boolean {
  const cut = table.lastIndexOf('_');
  if (cut <= 0 || cut === table.length - 1) return false;
  const model = table.slice(cut + 1);
  if (!/^[a-z0-9]+$/.test(model)) return false;
  for (const match of code.matchAll(
    /(?<![\p{L}\p{N}_])\p{Lu}[\p{L}\p{N}]*(?![\p{L}\p{N}_])/gu,
  ))
    if (match[0].toLowerCase() === model) return true;
  return false;
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
  // Names of the dataset's sequence, constraints or indexes break at cut-over.
  return withObjectNames(file, rewriteAsRead(file, target, mapping), target);
}

/**
 * A psql script as the SQL it runs, each character where it was: the lines
 * of its meta-commands (`\set ON_ERROR_STOP on`, `\timing`) blanked, a `\g`
 * or `\gset` after a query read as the `;` ending it, its variables as what
 * they stand for (`:'cutoff'` a string, `:"tbl"` a name, `:n` a parameter).
 */
function asPlainSql(content: string): string {
  return (
    content
      // `\g`, `\gset`, `\gx`… end the query before them, as `;` does.
      .replace(/(?<![^\s)])\\g(?:set|x|exec|desc)?\b[^\n]*/g, all =>
        ';'.padEnd(all.length),
      )
      // A line of a meta-command, from its start.
      .replace(/^([ \t]*)\\[A-Za-z!?][^\n]*/gm, all => ''.padEnd(all.length))
      .replace(/(?<![:\w]):(['"])([A-Za-z_]\w*)\1/g, all => ` ${all.slice(1)}`)
      .replace(/(?<![:\w]):(?![:=])[A-Za-z_]\w*/g, all =>
        '$1'.padEnd(all.length),
      )
  );
}

/**
 * SQL with a client's or a tool's placeholders as SQL the parser reads, each
 * line where it was: printf-style `%s`, `%d`, `%v` and `%(name)s` (a query
 * file code formats or binds, listmonk's `queries/*.sql`), Flyway's,
 * Liquibase's and MyBatis' `${name}`, MyBatis' `#{name}`, and JDBC's `?` after
 * an operator, a `(`, a `,` or a keyword (not jsonb's `attrs ? 'key'`) as a
 * parameter, or, where a relation goes (`FROM %s`), as a relation of its own
 * that is not the dataset; a schema's placeholder before a name
 * (`${schema}.orders`) blanked, leaving the name; `%%` as a `%`. Not inside a
 * string literal. For decisions only.
 */
function withPlaceholdersFilled(content: string): string {
  return content.replace(
    /('(?:[^']|'')*')|%%|%(?:\(\w+\))?[sdv]\b|[$#]\{[^{}\n]{1,100}\}(\s*\.)?|(?<=(?:[=<>(,+*/-]|\b(?:limit|offset|and|or|between|like|ilike|then|else|when|is|not|values|by|set|in))\s*)\?(?![|&?])/gi,
    (
      all: string,
      literal: string | undefined,
      dot: string | undefined,
      at: number,
    ) => {
      if (literal !== undefined) return all;
      if (all === '%%') return '% ';
      if (dot !== undefined) return ' '.repeat(all.length);
      const relation = /\b(?:from|join|into|update|table)\s+$/i.test(
        content.slice(Math.max(0, at - 40), at),
      );
      return (relation ? '_p' : '$1').padEnd(all.length);
    },
  );
}

function rewriteAsRead(
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
  if (!fileMentionsDataset(file, target)) return unchanged('unaffected');
  if (!isSqlPath(file.path)) {
    const code = unescapedCode(file.content);
    // A statement needing a table breaks at the first cut-over, whatever
    // fields it reads: a person decides before the data moves.
    // Documentation shows statements a person may run; it runs none itself.
    const documentation = /\.(?:md|markdown|rst|txt|adoc)$/i.test(file.path);
    const named = changedFieldsNamedIn(code, mapping);
    // The file's SQL, read for the cut-over, is not read again for contract.
    let sqlRows: CodeWholeRowReads | undefined;
    const needsTable = documentation
      ? undefined
      : tableStatementsIn(file.content, target, mapping);
    if (needsTable)
      return unchanged('needs-decision', {
        fields: named.fields,
        lines: needsTable.lines,
        needsTable: true,
        problem: {
          message: `${file.path} ${needsTable.message}; the rewriter reads SQL and dbt models only`,
        },
      });
    // Whole rows the unchanged code may take by position: they have more
    // columns from the cut-over on, before its pull request can be merged.
    const growing =
      documentation || mapping.newAtCutOver.length === 0
        ? undefined
        : rowsGrowingAtCutOver(
            code,
            target,
            mapping,
            (sqlRows = wholeRowsInCode(code, target)),
          );
    if (growing)
      return unchanged('needs-decision', {
        fields: named.fields,
        lines: growing.lines,
        ...(growing.needsTable ? { needsTable: true as const } : {}),
        problem: { message: growing.message },
      });
    // Code and config in other languages: only a changed field named in it is impact.
    if (named.fields.length === 0 && mapping.renamedTo) {
      // A renamed dataset: naming it at all is impact; dbt sources files are rewritten.
      const sources = rewriteDbtSources(file, target, mapping.renamedTo);
      if (sources) return sources;
      return unchanged('unparseable', {
        lines: linesNaming(code, target.table),
        problem: {
          message: `${file.path} names ${
            target.table
          }, which the migration renames to ${relationText(
            mapping.renamedTo,
          )}, but is not a SQL file; the rewriter reads SQL, dbt models and dbt sources files only`,
        },
      });
    }
    if (named.fields.length === 0) {
      const whole = wholeRowsReadByCode(code, target, mapping, [], sqlRows);
      if (whole.lines.length === 0) {
        const introduced = introducedNamesIn(code, mapping);
        if (introduced.fields.length === 0) {
          const built = columnsBuiltAtRunTime(code, target);
          const changed = changedForJinja(mapping);
          if (built.lines.length === 0 || changed.length === 0)
            return unchanged('unaffected');
          return unchanged('unparseable', {
            lines: built.lines,
            problem: {
              message: `${file.path} names ${
                target.table
              } and builds a column into its SQL at run time (${built.what.join(
                ', ',
              )}): it may be ${changed
                .map(f => `"${f}"`)
                .join(
                  ', ',
                )}, which the migration changes, but only the code running it says; the rewriter reads SQL and dbt models only`,
            },
          });
        }
        return unchanged('unparseable', {
          lines: introduced.lines,
          problem: {
            message: `${file.path} names ${target.table} and ${introduced.fields
              .map(f => `"${f}"`)
              .join(
                ', ',
              )}, a name the migration gives one of its fields: an unqualified reference to it in SQL there (another table's column) may start to read the dataset's, or become ambiguous; but it is not a SQL file; the rewriter reads SQL and dbt models only`,
          },
        });
      }
      return unchanged('unparseable', {
        lines: whole.lines,
        problem: {
          message: `${file.path} names ${target.table} and ${
            whole.what.every(w => w.startsWith('the column '))
              ? 'reads columns its ORM derives'
              : 'reads or writes whole rows'
          } (${whole.what.join(', ')}), ${wholeRowsReason(
            whole,
          )}, but is not a SQL file; the rewriter reads SQL and dbt models only`,
        },
      });
    }
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
    statements = analyzeFile(file.content, target, introducedNames(mapping));
  } catch (error) {
    if (!(error instanceof SqlSyntaxError)) throw error;
    // A psql script (`\\copy orders to …`) the parser does not read may still
    // run a statement that needs a table.
    const needsTable = tableStatementsIn(file.content, target, mapping);
    if (needsTable)
      return unchanged('needs-decision', {
        lines: needsTable.lines,
        needsTable: true,
        problem: {
          message: `${file.path} ${needsTable.message} (the parser read no further: ${error.message})`,
          position: positionOf(file.content, error.index),
        },
      });
    // Its SQL read past psql's own commands and variables, or a client's
    // placeholders: what it decides before the data moves holds (an `INSERT
    // … SELECT *` after `\set ON_ERROR_STOP on`, found by round 34; a query
    // file with one `FROM %s`, round 35); a rewrite would drop them, so the
    // rest stays the coding agent's.
    const plain = withPlaceholdersFilled(asPlainSql(file.content));
    if (plain !== file.content) {
      const read = rewriteAsRead(
        { path: file.path, content: plain },
        target,
        mapping,
      );
      if (read.status === 'needs-decision')
        return { ...read, content: file.content };
    }
    const inJinja = sqlInJinjaStrings(file.content, mapping, target);
    if (inJinja.length > 0)
      return unchanged('needs-decision', {
        lines: inJinja.map(d => positionOf(file.content, d.at).line),
        needsTable: true,
        problem: {
          message: `${file.path}: ${inJinja[0].message} (the parser read no further: ${error.message})`,
          position: positionOf(file.content, inJinja[0].at),
        },
      });
    return unchanged('unparseable', {
      problem: {
        message: error.message,
        position: positionOf(file.content, error.index),
      },
    });
  }

  // A hook or SQL header in the model's config() is SQL dbt runs as written:
  // naming the dataset and what the migration changes, it breaks unseen.
  const hooks = configHooks(file.content).filter(hook =>
    hookReadsChange(hook, target, mapping),
  );
  if (hooks.length > 0) {
    const needsTable = tableStatementsIn(hooks.join('\n'), target, mapping);
    return unchanged('needs-decision', {
      fields: changedFieldsNamedIn(hooks.join('\n'), mapping).fields,
      ...(needsTable ? { needsTable: true } : {}),
      problem: {
        message: needsTable
          ? `a config() of the model hands dbt SQL that ${needsTable.message}`
          : `a config() of the model hands dbt SQL that names ${
              target.table
            } (${hooks
              .map(h => h.replace(/\s+/g, ' ').slice(0, 80))
              .join(
                '; ',
              )}), which dbt runs as written beside the model and the rewriter does not read; the migration changes the dataset, so a person rewrites the hook`,
        position: positionOf(file.content, file.content.indexOf(hooks[0])),
      },
    });
  }
  const plan = planEdits(file.content, statements, mapping, target);
  decideGluedNames(file.content, mapping, target, plan);
  decideSqlcParameters(file.content, mapping, plan);
  decideRunTimeJinja(file, statements, mapping, target, plan);
  decideTableStatementsInBodies(
    file.content,
    statements,
    mapping,
    target,
    plan,
  );
  decideCatalogReads(file.content, mapping, target, plan);
  decideSqlInJinjaStrings(file.content, mapping, target, plan);
  const fields = [...new Set(plan.fieldsRead)].sort();
  const lines = [
    ...new Set(plan.positions.map(i => positionOf(file.content, i).line)),
  ].sort((a, b) => a - b);
  if (plan.decisions.length > 0) {
    return unchanged('needs-decision', {
      fields,
      lines,
      ...(plan.decisions.some(d => d.needsTable) ? { needsTable: true } : {}),
      problem: {
        // The same reason at several places is said once; the lines list them all.
        message: [...new Set(plan.decisions.map(d => d.message))].join('; '),
        position: positionOf(file.content, plan.decisions[0].at),
      },
    });
  }
  const readsDbtSource = plan.readsDbtSource ? { readsDbtSource: true } : {};
  if (plan.edits.length === 0)
    return { ...unchanged('unaffected'), ...readsDbtSource };

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
    ...readsDbtSource,
  };
}

/**
 * sqlc's named parameters (`sqlc.arg(amount)`, `sqlc.narg(amount)`,
 * `sqlc.slice(ids)`, and `@amount` in a file of sqlc queries, which `-- name:
 * Get :one` marks) read as columns to the parser: a parameter named like a
 * field the migration renames or retypes was rewritten with it
 * (`sqlc.arg(amount_cents)`, `@CAST(amount AS integer)`), which renames the
 * generated code's parameter or breaks the query. A person decides.
 */
function decideSqlcParameters(
  content: string,
  mapping: ConsumerMapping,
  plan: { decisions: Array<{ at: number; message: string }> },
): void {
  const queries = /^[ \t\uFEFF]*--\s*name:\s*\S+\s+:\w+/m.test(content);
  const parameters = [
    ...content.matchAll(
      /\bsqlc\s*\.\s*(?:arg|narg|slice)\s*\(\s*['"]?([\p{L}_][\p{L}\p{N}_$]*)/giu,
    ),
    ...(queries
      ? content.matchAll(
          /(?<![\p{L}\p{N}_$@<>!#&|~^*\/%+=-])@([\p{L}_][\p{L}\p{N}_$]*)/gu,
        )
      : []),
  ];
  for (const match of parameters) {
    const name = match[1].toLowerCase();
    const m = mapping.byField.get(name);
    if (!m || m.kind === 'same' || readAsIs(name, m)) continue;
    plan.decisions.push({
      at: match.index ?? 0,
      message: `sqlc's parameter "${match[1]}" is named like "${name}", which the migration changes; the rewriter reads it as the column and would rename or cast it, changing the parameter of the code sqlc generates: a person rewrites the query`,
    });
  }
  // sqlc also names a positional parameter, and types it, after the column
  // it is compared with or written to (`WHERE amount > $1`, `INSERT INTO
  // orders (id, amount) VALUES ($1, $2)` give `Amount`): renaming or casting
  // that column renames or retypes the generated code's parameter.
  if (!queries || !/\$\d|@[\p{L}_]|\bsqlc\s*\./u.test(content)) return;
  for (const [field, m] of mapping.byField) {
    if (m.kind === 'same' || readAsIs(field, m)) continue;
    const named = wordPattern(field, 'i').exec(content);
    if (!named) continue;
    plan.decisions.push({
      at: named.index,
      message: `a file of sqlc queries with parameters names "${field}", which the migration changes: sqlc names and types a parameter after the column it is compared with or written to, so rewriting the column changes the code sqlc generates; a person rewrites the query`,
    });
  }
}

/**
 * Jinja standing where a column stands, beside the dataset, whose value the
 * repository does not say: a SQL template no dbt project renders (Airflow's
 * `SELECT id, {{ params.col }} FROM orders`, the column set in the DAG's code,
 * which never names the table), or a dbt `var()` or `env_var()` with no default
 * that dbt_project.yml does not set (given on the command line). It names no
 * field, so it was called unaffected, while the column it renders may be one
 * the migration renames, drops, retypes or widens under a division. A person
 * decides.
 */
function decideRunTimeJinja(
  file: ChangedFile,
  statements: StatementAnalysis[],
  mapping: ConsumerMapping,
  target: DatasetTarget,
  plan: { decisions: Array<{ at: number; message: string }> },
): void {
  const changed = changedForJinja(mapping);
  if (changed.length === 0) return;
  const dbt = target.dbt;
  const name = /([^/]+)\.sql$/i.exec(file.path)?.[1];
  const rendered =
    (dbt !== undefined &&
      ((name !== undefined && dbt.models.has(name)) ||
        dbt.macros.some(macro => macro.path === file.path))) ||
    // Snapshots, singular tests and analyses dbt renders with its own calls.
    /\{\{-?\s*(?:source|ref|config|this)\b|\bis_incremental\s*\(/.test(
      file.content,
    );
  // A var or env_var with no default that dbt_project.yml does not set.
  const unsetIn = (text: string) =>
    [...text.matchAll(/\b(env_)?var\s*\(\s*['"]([^'"]+)['"]\s*\)/g)].find(
      m => m[1] !== undefined || !(m[2] in (dbt?.vars ?? {})),
    );
  let unsetInFile: RegExpMatchArray | undefined | null = null;
  const unsetAnywhere = () =>
    unsetInFile === null
      ? (unsetInFile = unsetIn(jinjaBeyondReferences(file.content).join('\n')))
      : unsetInFile;
  for (const statement of statements)
    for (const read of statement.opaque) {
      if (read.kind !== 'jinja-columns' || read.elsewhere) continue;
      const jinja = file.content.slice(read.start, read.end);
      // Naming a field, it is decided with the reads the text shows.
      if (mapping.sourceFields.some(f => namesWord(jinja, f.name))) continue;
      // A value compared with (`> {{ params.min_id }}`), matched, limited by.
      if (
        /(?:[=<>]|\b(?:i?like|between|limit|offset)|\bin\s*\()\s*$/i.test(
          file.content.slice(Math.max(0, read.start - 20), read.start),
        )
      )
        continue;
      // In the expression itself, or anywhere in the file's Jinja (`{% set c
      // = var('col') %}`, `{% for c in var('cols') %}`), which the
      // expression may render: that read once a file.
      const unset = rendered ? unsetIn(jinja) ?? unsetAnywhere() : undefined;
      if (rendered && !unset) continue;
      plan.decisions.push({
        at: read.start,
        message: `${jinja.trim()} stands where a column stands beside ${
          target.table
        }, and its value is set where the file does not say (${
          unset
            ? `${unset[0]} has no default and dbt_project.yml does not set it: it is given when dbt runs`
            : 'no dbt project renders the file: the code running it fills the template'
        }): it may be ${changed
          .map(f => `"${f}"`)
          .join(', ')}, which the migration changes; a person decides`,
      });
    }
}

/**
 * A function or DO body (a string to the parser, which the rewriter does not
 * read) that runs a statement needing the dataset to be a table (`TRUNCATE
 * orders;`, `EXECUTE 'ANALYZE orders'`): it fails from the first cut-over of
 * any migration, not only of one changing what the body reads.
 */
function decideTableStatementsInBodies(
  content: string,
  statements: StatementAnalysis[],
  mapping: ConsumerMapping,
  target: DatasetTarget,
  plan: EditPlan,
): void {
  for (const statement of statements) {
    if (!statement.opaque.some(read => read.kind === 'body')) continue;
    const found = tableStatementsIn(
      content.slice(statement.start, statement.end),
      target,
      mapping,
    );
    if (!found) continue;
    const at =
      statement.start +
      (positionIndex(
        content.slice(statement.start, statement.end),
        found.lines[0],
      ) ?? 0);
    plan.positions.push(at);
    plan.decisions.push({
      at,
      message: `a function or DO body ${found.message}`,
      needsTable: true,
    });
  }
}

/**
 * SQL a macro or model hands the database as a Jinja string (`{% do
 * run_query('truncate table raw.orders') %}`, `adapter.execute(…)`, `'truncate
 * ' ~ source('raw', 'orders')`), read as a `{% call statement %}` block's is:
 * a statement in it that needs the dataset to be a table goes to a person.
 */
function decideSqlInJinjaStrings(
  content: string,
  mapping: ConsumerMapping,
  target: DatasetTarget,
  plan: EditPlan,
): void {
  for (const decision of sqlInJinjaStrings(content, mapping, target)) {
    plan.positions.push(decision.at);
    plan.decisions.push({ ...decision, needsTable: true });
  }
}

/**
 * The statements needing a table, or reading through its key, that SQL in
 * Jinja strings runs (see {@link decideSqlInJinjaStrings}).
 */
function sqlInJinjaStrings(
  content: string,
  mapping: ConsumerMapping,
  target: DatasetTarget,
): Array<{ at: number; message: string }> {
  const found: Array<{ at: number; message: string }> = [];
  for (const { at, sql } of jinjaSqlStrings(content)) {
    // Only what may be a statement on the dataset is parsed.
    if (!/\s/.test(sql) || !(mentionsDataset(sql, target) || /\{\{/.test(sql)))
      continue;
    let statements: StatementAnalysis[];
    try {
      statements = analyzeFile(sql, target);
    } catch (error) {
      if (error instanceof SqlSyntaxError) continue;
      throw error;
    }
    for (const statement of statements)
      for (const read of statement.opaque) {
        // A grouped query reading through the key fails through the view as
        // well (found by round 31c: `run_query('select o.customer, count(*)
        // from orders o group by o.id')` was unaffected).
        if (read.kind !== 'view-statement' && read.kind !== 'grouped-by-key')
          continue;
        const message =
          read.kind === 'view-statement'
            ? viewStatementDecision(sql, statement, read, mapping, target)
            : opaqueReadDecision(sql, read, mapping, target);
        if (message)
          found.push({
            at,
            message: `a Jinja string runs ${oneLine(sql.trim())}: ${message}`,
          });
      }
  }
  return found;
}

/** Catalog reads of the dataset's size, statistics or kind, which read wrong on the view. */
function decideCatalogReads(
  content: string,
  mapping: ConsumerMapping,
  target: DatasetTarget,
  plan: EditPlan,
): void {
  const found = catalogReadsIn(content, target, mapping);
  if (!found) return;
  const at = positionIndex(content, found.lines[0]) ?? 0;
  plan.positions.push(at);
  plan.decisions.push({ at, message: found.message, needsTable: true });
}

/** The index where a 1-based line of `text` starts. */
function positionIndex(text: string, line: number): number | undefined {
  let at = 0;
  for (let n = 1; n < line; n++) {
    at = text.indexOf('\n', at) + 1;
    if (at === 0) return undefined;
  }
  return at;
}

/**
 * Whether SQL a hook hands dbt names the dataset and something the migration
 * changes: the table's name itself, a changed field, a name it gives a field,
 * or `*` (whole rows).
 */
function hookReadsChange(
  hook: string,
  target: DatasetTarget,
  mapping: ConsumerMapping,
): boolean {
  if (!mentionsDataset(hook, target)) return false;
  return (
    tableStatementsIn(hook, target, mapping) !== undefined ||
    mapping.renamedTo !== undefined ||
    changedFieldsNamedIn(hook, mapping).fields.length > 0 ||
    introducedNamesIn(hook, mapping).fields.length > 0 ||
    /\*(?!\s*\))/.test(hook.replace(/\/\*[\s\S]*?\*\//g, ''))
  );
}

/** Changed fields a non-SQL file names as whole words, and on which lines. */
export function changedFieldsNamedIn(
  content: string,
  mapping: ConsumerMapping,
): { fields: string[]; lines: number[] } {
  return changedFieldsMatching(content, mapping, () => true);
}

/** A query's or a write's call, before a key naming a field (`where(discount: 0)`). */
const ORM_CALL =
  /\b(?:where|not|rewhere|find_by!?|find_or_\w+_by!?|update(?:_columns?|_attributes?|_all)?!?|upsert(?:_all)?|insert(?:_all)?!?|create!?|new|build|assign_attributes|permit|pluck|select|order|group|filter|exclude|get|values(?:_list)?|only|defer|annotate|order_by|aggregate|findAll|findOne|findOneBy|findBy|findMany|findFirst|findUnique|include|omit|orderBy|groupBy|distinct|count|save|set|fill|forceFill|firstOrCreate|updateOrCreate|make|query)\b/;

/**
 * Changed fields code reads as an attribute or a key of something, in any
 * spelling, and on which lines: `o.discount`, `o?.discount`, `$o->discount`,
 * a symbol (`:discount`), a quoted key (`'discount'`), a Django lookup
 * (`discount__gt`), a key or named argument (`discount:`) on a line calling
 * a query or a write (`where`, `update`, `create`, `filter`…), Active
 * Record's attribute methods and finders (`discount_changed?`,
 * `discount_before_type_cast`, `find_by_discount`), and a destructured key
 * (`const { discount } = order`). What an ORM's model instance reads in a
 * view or a template, not a word of prose; nor an attribute of a class other
 * than the `models` (`Refund.discount`), or of an instance named as another
 * model of the repository, one of `others` (`@user.name`, `current_user.name`).
 */
export function changedFieldsReadAsKeys(
  content: string,
  mapping: ConsumerMapping,
  models: string[],
  others: string[] = [],
): { fields: string[]; lines: number[] } {
  const ours = models.map(m => m.toLowerCase());
  const instances = others
    .filter(o => !models.includes(o))
    .map(o => o.toLowerCase());
  const ofOtherModel = (at: number) => {
    const receiver = /([A-Za-z_$@][\w$@]*)\s*(?:\?\.|&\.|\.|::|->)\s*$/.exec(
      content.slice(Math.max(0, at - 200), at),
    );
    if (!receiver) return false;
    if (/^[A-Z]/.test(receiver[1])) return !models.includes(receiver[1]);
    // Named exactly as another model (`@user`, `users`, `current_user`), not
    // as a word ours ends with (`item` of an `OrderItem`).
    const plain = receiver[1]
      .replace(/^[@$]+|_/g, '')
      .replace(/^current/, '')
      .toLowerCase();
    return instances.some(
      o => (plain === o || plain === `${o}s`) && !ours.some(m => m.endsWith(o)),
    );
  };
  const keyed = changedFieldsMatching(content, mapping, (at, end) => {
    if (ofOtherModel(at)) return false;
    const before = content.slice(Math.max(0, at - 2), at);
    const after = content.slice(end, end + 3);
    if (/(?:\.|->|[^:]:|^:)$/.test(before) || after.startsWith('__'))
      return true;
    if (/["'`]$/.test(before) && after[0] === before[before.length - 1])
      return true;
    return (
      /^\s*:(?!:)/.test(after) &&
      ORM_CALL.test(
        content.slice(
          Math.max(content.lastIndexOf('\n', at) + 1, at - 300),
          at,
        ),
      )
    );
  });
  const methods = changedFieldsMatching(
    content,
    mapping,
    () => true,
    attributeMethodsOf,
  );
  return {
    fields: [...new Set([...keyed.fields, ...methods.fields])].sort(),
    lines: [...new Set([...keyed.lines, ...methods.lines])].sort(
      (a, b) => a - b,
    ),
  };
}

const ATTRIBUTE_METHODS = new Map<string, RegExp[]>();

/**
 * Active Record's attribute methods and dynamic finders of a field, and a
 * destructured key of it (`const { discount } = order`).
 */
function attributeMethodsOf(field: string): RegExp[] {
  // Made once per field, as spellingsOf's are; only matchAll reads them.
  let made = ATTRIBUTE_METHODS.get(field);
  if (!made)
    ATTRIBUTE_METHODS.set(field, (made = makeAttributeMethodsOf(field)));
  return made;
}

function makeAttributeMethodsOf(field: string): RegExp[] {
  const f = escapeRegExp(field);
  return [
    new RegExp(
      String.raw`\bfind(?:_or_(?:create|initialize))?(?:_all)?_by_(?:\w+?_and_)?${f}(?![a-z0-9])|(?<![\w$])${f}_(?:changed\?|was\b|before_type_cast\b|in_database\b|previously_changed\?|previously_was\b|previous_change\b|change\b|change_to_be_saved\b|will_change!|before_last_save\b|came_from_user\?)|\b(?:saved_change_to|will_save_change_to|restore)_${f}\b|(?<![\w$])${f}\?(?=[\s).,;]|$)`,
      'gm',
    ),
    // `{ …, discount }` then `=`: a destructuring, not JSX's or a template's
    // braces, nor an import's.
    new RegExp(
      String.raw`\{(?=[^{}\n]{0,200}\}\s*=(?![=>]))(?:[^{}\n]*?[,\s])?${f}\s*(?=[,}:=])`,
      'g',
    ),
  ];
}

function changedFieldsMatching(
  content: string,
  mapping: ConsumerMapping,
  accept: (at: number, end: number) => boolean,
  patternsOf: (field: string) => RegExp[] = spellingsOf,
): { fields: string[]; lines: number[] } {
  const fields: string[] = [];
  const lines = new Set<number>();
  for (const [field, m] of mapping.byField) {
    // A widened integer is read as it is, but SQL in code may divide it or give
    // it to a function Postgres picks by type, which the rewriter does not read;
    // and code may state its old type.
    const statesOldType = readWidened(m) && statesType(content, m.oldType);
    if (
      m.kind === 'same' ||
      (readAsIs(field, m) && !statesOldType && !picksOtherFunction(m))
    )
      continue;
    for (const match of patternsOf(field).flatMap(pattern => [
      ...content.matchAll(pattern),
    ])) {
      const at = match.index ?? 0;
      if (!accept(at, at + match[0].length)) continue;
      if (!fields.includes(field)) fields.push(field);
      lines.add(positionOf(content, at).line);
    }
  }
  return { fields: fields.sort(), lines: [...lines].sort((a, b) => a - b) };
}

/**
 * How code and checks state a column's type, for the types a widening readers
 * take as they are leaves behind: a check of the type (Great Expectations'
 * `expect_column_values_to_be_of_type`, Soda's `when wrong column type`,
 * dbt_expectations' `column_type: smallint`), an ORM's mapping (SQLAlchemy's
 * `SmallInteger`, Django's `SmallIntegerField`, Prisma's `@db.SmallInt`, JPA's
 * `Short`, Go's `int16`) fails or is validated against the wider type.
 */
const STATED_TYPES: Record<string, RegExp> = {
  smallint:
    /(?<![\p{L}\p{N}_])(?:smallserial|int2|u?int16|i16|short|(?:Positive)?Small(?:Integer|Int)(?:Field)?)(?![\p{L}\p{N}_])/iu,
};

/** Whether code states a column's type as `type` (see {@link STATED_TYPES}). */
function statesType(content: string, type: string): boolean {
  return STATED_TYPES[type]?.test(content) ?? false;
}

/**
 * Names the new version gives the dataset's fields (an added field, a rename's
 * new name) that code in another language spells: its SQL may name another
 * table's column so, unqualified, which the dataset's would take or make
 * ambiguous from cut-over (`SELECT e.id, label FROM events e JOIN tracks t …`
 * once events gains label).
 */
export function introducedNamesIn(
  content: string,
  mapping: ConsumerMapping,
): { fields: string[]; lines: number[] } {
  const fields: string[] = [];
  const lines = new Set<number>();
  for (const name of introducedNames(mapping))
    for (const match of spellingsOf(name).flatMap(spelling => [
      ...content.matchAll(spelling),
    ])) {
      if (!fields.includes(name)) fields.push(name);
      lines.add(positionOf(content, match.index ?? 0).line);
    }
  return { fields: fields.sort(), lines: [...lines].sort((a, b) => a - b) };
}

/**
 * A column code builds into SQL at run time: an interpolation (an f-string's or
 * `format()`'s `{col}` or `{', '.join(cols)}`, psycopg's `sql.SQL("… {} …")`,
 * `${col}`, `#{col}`, PHP's `{$col}`, `$col`, a template's `{{ col }}`, a
 * printf-style `%s` of Python's `%`, Go's `Sprintf` or Java's `String.format`)
 * or a concatenated variable (`"SELECT id, " +
 * col`) where a column stands, right after SELECT, BY, WHERE, AND, OR, HAVING
 * or SET and any plain names listed before it (`SELECT id, {col}`, `ORDER BY
 * {sort}`, `WHERE {col} IS NULL`), not after an operator (`WHERE id = {oid}`
 * is a value). Only within a few hundred characters of the dataset's name.
 */
const RUN_TIME_COLUMN = new RegExp(
  String.raw`\b(?:select(?:\s+distinct)?|by|where|and|or|having|set)\s+(?:[\w."]+\s*,\s*)*(\{\{[^{}]*\}\}|\$\{[^{}\n]*\}|#\{[^{}\n]*\}|\{[^{}\n]{0,80}\}|%(?:\(\w+\))?[sv]\b|\$[A-Za-z_]\w*|["'\x60]\s*(?:\+|\.|\|\|)\s*[A-Za-z_][\w.]*)`,
  'gi',
);

function columnsBuiltAtRunTime(
  code: string,
  target: DatasetTarget,
): { what: string[]; lines: number[] } {
  const what: string[] = [];
  const lines = new Set<number>();
  // The table read as a relation of SQL nearby (`FROM raw.orders`), not the
  // word in a message (`f"Loaded orders and {n} refunds"`).
  const relation = new RegExp(
    String.raw`\b(?:from|join|update|into)\s+(?:only\s+)?(?:(?:"[^"]+"|[\w$]+)\s*\.\s*)?"?${escapeRegExp(
      target.table,
    )}"?(?![\w$])`,
    'i',
  );
  for (const match of code.matchAll(RUN_TIME_COLUMN)) {
    const at = match.index ?? 0;
    const near = code.slice(Math.max(0, at - 400), at + match[0].length + 400);
    if (!relation.test(near)) continue;
    const built = match[1].trim();
    if (!what.includes(built)) what.push(built);
    lines.add(positionOf(code, at).line);
  }
  return { what, lines: [...lines].sort((a, b) => a - b) };
}

/** spellingsOf's regexes, by field. */
const SPELLINGS = new Map<string, RegExp[]>();

/**
 * How code in another language may spell a field: its name in any case (SQL in
 * a string reads `TRACK_ID` as `track_id`; jOOQ generates `EVENTS.TRACK_ID`),
 * and, for a name of several words, the camelCase property an ORM maps to it
 * (JPA, Objection's and TypeORM's snake-case mappers: `trackId`, `getTrackId()`).
 */
function spellingsOf(field: string): RegExp[] {
  // Asked for every field of every file: made once per field. Only matchAll
  // reads them, which copies a regex, so their lastIndex is never moved.
  let made = SPELLINGS.get(field);
  if (!made) SPELLINGS.set(field, (made = makeSpellingsOf(field)));
  return made;
}

function makeSpellingsOf(field: string): RegExp[] {
  // Django's lookups join a field to others with `__` (`amount__gt`).
  const any = lookupWordPattern(field, 'gi');
  const words = field.split('_').filter(w => w.length > 0);
  if (words.length < 2 || !/^[a-z0-9_]+$/.test(field)) return [any];
  // Each word capitalised, or in capitals as Go and .NET write initialisms
  // (`CustomerID`, `ReceiptURL`, `customerID`).
  const capital = (w: string) =>
    `(?:${escapeRegExp(w[0].toUpperCase() + w.slice(1))}|${escapeRegExp(
      w.toUpperCase(),
    )})`;
  const pascal = words.map(capital).join('');
  const camel = escapeRegExp(words[0]) + words.slice(1).map(capital).join('');
  // `trackId` as a word, `TrackId` after anything (`getTrackId`), neither
  // going on in lower case (`trackIds` is another name); `track-id` as a
  // word (kebab-case keys, Clojure's keywords).
  return [
    any,
    new RegExp(`(?<![\\p{L}\\p{N}_])${camel}(?![\\p{Ll}\\p{N}])`, 'gu'),
    new RegExp(`${pascal}(?![\\p{Ll}\\p{N}])`, 'gu'),
    new RegExp(
      `(?<![\\p{L}\\p{N}_-])${escapeRegExp(
        words.join('-'),
      )}(?![\\p{L}\\p{N}_-])`,
      'giu',
    ),
  ];
}

export { wholeRowsRead };

/** Masks dbt Jinja, parses, and finds every use of the dataset per statement. */
export function analyzeFile(
  content: string,
  target: DatasetTarget,
  introduced?: ReadonlySet<string>,
): StatementAnalysis[] {
  const masked = maskJinja(content);
  return analyzeSql(
    masked.text,
    parseSql(masked.text),
    target,
    masked.placeholders,
    introduced,
  );
}

export interface ParseProblem {
  path: string;
  message: string;
}

/**
 * The first `.sql` file of `files` that does not parse, and why: what the
 * coding agent is told to mend before its work is taken.
 */
export function parseProblem(
  files: ChangedFile[],
  target: DatasetTarget,
): ParseProblem | undefined {
  for (const { path, content } of files.filter(f => /\.sql$/i.test(f.path))) {
    try {
      analyzeFile(content, target);
    } catch (error) {
      return { path, message: (error as Error).message };
    }
  }
  return undefined;
}

interface Edit extends Span {
  text: string;
}

interface EditPlan {
  edits: Edit[];
  /** `needsTable`: a statement that fails once the name is a view. */
  decisions: Array<{ at: number; message: string; needsTable?: boolean }>;
  fieldsRead: string[];
  positions: number[];
  readsDbtSource?: boolean;
}

/** How a statement reaches another relation's fields unfollowed (see StatementAnalysis.rowsElsewhere). */
const ROW_REACHED = {
  row: 'reads as one value the row of',
  'row-type': 'reads a value as the row type of',
  'column-renamed': 'renames a column of',
} as const;

function planEdits(
  content: string,
  statements: StatementAnalysis[],
  mapping: ConsumerMapping,
  target: DatasetTarget,
): EditPlan {
  const plan: EditPlan = {
    edits: [],
    decisions: [],
    fieldsRead: [],
    positions: [],
  };
  const decide = (at: number, message: string, needsTable?: boolean) =>
    plan.decisions.push({ at, message, ...(needsTable ? { needsTable } : {}) });
  const masked = mapping.renamedTo ? maskJinja(content) : undefined;
  // A relation an earlier statement made from the dataset (`create temp table
  // t as select … from orders`) carries its fields' new types to later ones.
  let created = false;
  // Relations (and types) the file makes, anywhere in it: a bare name read
  // after one reads it before any table, and making one fails where the
  // dataset's new name, a relation's and its row type's, is taken already.
  const createdNames = new Set(statements.flatMap(s => s.creates));
  // From the statement making a table of the dataset's name on, the file acts
  // on its own table (a schema dump such as Rails' db/structure.sql, a test
  // fixture's temp table), which its `shadow` decision puts to a person
  // already, not on the dataset, which its DDL would not reach (found by a
  // review, 2026-12-06: every migration waited for such files). Before it, and
  // throughout a file dropping the name (a rebuild: `DROP TABLE IF EXISTS t;
  // CREATE TABLE t AS …`, which fails on the view), the statements are the
  // dataset's.
  const dropsDataset = statements.some(s =>
    s.opaque.some(r => r.kind === 'view-statement' && r.statement === 'drop'),
  );
  const madeAt = statements.findIndex(s => s.makesOwnTable);
  const ownFrom = dropsDataset || madeAt < 0 ? Infinity : madeAt;
  // Those made from the dataset (or from one made from it): their columns
  // have its fields' new types.
  const madeFromDataset = new Set<string>();
  // Those made as `SELECT *` of the dataset alone: its columns, in order.
  const copies = new Set<string>();
  // Those made with `*` of the dataset among their columns (see StatementAnalysis.grows).
  const grows = new Set<string>();
  // A field the rewrite reads cast back, if any.
  const castBack = [...mapping.byField.entries()].find(
    (entry): entry is [string, Extract<ReaderMapping, { kind: 'retyped' }>] =>
      entry[1].kind === 'retyped' && !readAsIs(entry[0], entry[1]),
  );
  for (const [index, statement] of statements.entries()) {
    const readsDataset = statement.datasetRelations.length > 0 || created;
    if (statement.creates.length > 0 && statement.datasetRelations.length > 0)
      created = true;
    if (readsDataset)
      for (const name of statement.creates) madeFromDataset.add(name);
    for (const name of statement.copies) copies.add(name);
    // `INSERT INTO archive SELECT * FROM batch`, batch a CTE, table or view
    // made (here or earlier in the file) with `*` of the dataset, or of one
    // so made: its `*` grows with the dataset's.
    const counted = growingStarsCounted(statement, grows);
    for (const { star, relation } of mapping.newAtCutOver.length > 0
      ? counted
      : []) {
      plan.positions.push(star.start);
      decide(
        star.start,
        growingStarRead(
          content.slice(star.start, star.end),
          star.countFixedBy,
          starOf(target.table, relation),
          mapping,
        ),
        true,
      );
    }
    for (const grouped of statement.groupedForSubqueries) {
      const m = mapping.byField.get(grouped.field);
      if (!m || m.kind !== 'retyped' || readAsIs(grouped.field, m)) continue;
      plan.fieldsRead.push(grouped.field);
      plan.positions.push(grouped.start);
      decide(
        grouped.start,
        `"${grouped.field}" is grouped by in a query whose subqueries read it, and the migration retypes it from ${m.oldType} to ${m.newType}, which the rewrite reads cast back: PostgreSQL lets a subquery read only a grouped column, not a grouped cast ("subquery uses ungrouped column"); a person decides`,
      );
    }
    // A view the file made from the dataset serves a retyped field cast back, a
    // column no INSERT or UPDATE goes through (a table made from it has the
    // new type, which writes convert by other rules).
    for (const write of castBack ? statement.writeTargets : []) {
      if (!madeFromDataset.has(write.relation)) continue;
      const [field, m] = castBack!;
      plan.fieldsRead.push(field);
      plan.positions.push(write.start);
      decide(
        write.start,
        `writes into ${write.relation}, which the file made from the dataset: the migration retypes "${field}" from ${m.oldType} to ${m.newType}, which the rewrite reads cast back there, and a view's cast column takes no write; a person decides`,
      );
    }
    for (const write of statement.writesElsewhere) {
      if (!madeFromDataset.has(write.relation)) continue;
      // `INSERT INTO copy SELECT * FROM <dataset>`: each field into its own column.
      if (write.datasetStar && copies.has(write.relation)) continue;
      const widened = [...mapping.byField.entries()].filter(
        ([field, m]) =>
          (write.field === undefined || write.field === field) &&
          readWidened(m) &&
          dividesDifferently(m),
      );
      if (widened.length === 0) continue;
      const [field, m] = widened[0] as [
        string,
        Extract<ReaderMapping, { kind: 'retyped' }>,
      ];
      plan.fieldsRead.push(field);
      plan.positions.push(write.start);
      decide(
        write.start,
        `writes into ${write.relation}${
          write.field === undefined ? ' by position' : `."${field}"`
        }, which the file made from the dataset: the migration widens "${field}" from ${
          m.oldType
        } to ${
          m.newType
        }, which that column now has too, so a value with a fraction is stored as it is where ${
          m.oldType
        } rounded it (2.5 was stored as 3); cast what is written to ${
          m.oldType
        }, or make ${write.relation}'s column ${m.oldType}`,
      );
    }
    // The old name refuses writes from the cut-over on (the engine's
    // refuseWritesSql), before the rewrite to the new one can be merged; a
    // file's own table of the name is its own.
    for (const write of mapping.renamedTo && index < ownFrom
      ? statement.datasetWrites
      : []) {
      plan.positions.push(write.start);
      decide(
        write.start,
        `writes ${target.table}, which the migration renames to ${relationText(
          mapping.renamedTo!,
        )}: from the cut-over on ${
          target.table
        } keeps the previous version for readers only and refuses writes ("it keeps the old version for readers only"), so this statement fails until its rewrite is merged, and the new name does not exist before then; stop this writer for the cut-over and merge the rewrite right after it, or keep the name`,
        true,
      );
    }
    if (mapping.renamedTo && masked)
      planRelationEdits(
        content,
        masked,
        statement,
        target,
        mapping.renamedTo,
        plan,
        createdNames,
      );
    // A storage function reads a retyped field's cast back, a new value, under
    // any name the statement gives it (a subquery's column, `t(x)`, a cast):
    // the call's own check follows the field by its name only (round 31c:
    // `pg_column_size(s.a)` of `(select price a from orders) s` read 10 for 7).
    const retyped = statement.columns.find(
      use => mapping.byField.get(use.field)?.kind === 'retyped',
    );
    if (
      retyped &&
      STORED_FORM_CALL.test(content.slice(statement.start, statement.end))
    ) {
      plan.fieldsRead.push(retyped.field);
      plan.positions.push(retyped.start);
      decide(
        retyped.start,
        `"${retyped.field}" is retyped, and the statement gives a value to a function reading how it is stored (pg_column_size, pg_column_compression): a cast back makes a new, uncompressed value, stored otherwise, so no rewrite reads what it read; a person decides`,
      );
    }
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
      } else if (m.kind === 'reused') {
        decide(
          use.start,
          `reads "${use.field}", renamed to "${m.to}", a name that serves another field's values until contract`,
        );
      } else if (statement.unknownSignatureOnDerived && widenedIntegerAsIs(m)) {
        // `tier(x) FROM (SELECT s * 2 AS x …)`: x may have the field's width,
        // and a user's function taking smallint takes no integer.
        decide(
          use.start,
          `"${use.field}" is read in a statement that gives a column of a CTE or subquery to a function or operator that is none of PostgreSQL's own (a user's or an extension's), whose versions only the database knows; the migration widens it from ${m.oldType} to ${m.newType}, and that column may have its width, for which the function may find no version (one taking smallint takes no integer) or another: cast it to ${m.oldType} there`,
        );
      } else if (readWidened(m) && use.passedOnAs && picksOtherFunction(m)) {
        decide(use.start, passedOnMessage(use.field, use.passedOnAs, m, false));
      } else if (
        use.assignment &&
        !use.writesWhole &&
        readWidened(m) &&
        dividesDifferently(m)
      ) {
        decide(
          use.start,
          `writes into "${use.field}", which the migration widens from ${m.oldType} to ${m.newType}: a value with a fraction is now stored as it is, where ${m.oldType} rounded it (5.5 was stored as 6); cast what is written to ${m.oldType}`,
        );
      } else if (
        use.assignment &&
        !use.writesWhole &&
        m.kind === 'retyped' &&
        !convertsWritesAlike(m.oldType, m.newType)
      ) {
        decide(
          use.start,
          `writes into "${use.field}", which the migration retypes from ${m.oldType} to ${m.newType}: PostgreSQL converts what is written by the new type's rules (its range, rounding, DateStyle, TimeZone, extra_float_digits), so what is read back may differ from what ${m.oldType} stored; a person checks what is written`,
        );
      } else if (losesValues(m) && !use.assignment) {
        decide(
          use.start,
          `reads "${use.field}", which the migration retypes from ${m.oldType} to ${m.newType}: not every value fits (digits, time of day or precision are cut), so no cast back reads what it read before`,
        );
      } else if (
        use.shadowedOwner &&
        (m.kind === 'renamed' || m.kind === 'retyped') &&
        m.to !== use.field &&
        (use.crowdedOwner !== undefined || sortKeyTaken(use, m))
      ) {
        decide(
          use.start,
          `"${use.field}" becomes "${m.to}", which must be qualified with the dataset's alias here, and a nearer relation has that alias too; rename one of the aliases first`,
        );
      } else if (
        use.crowdedOwner !== undefined &&
        m.to !== use.field &&
        (isPlaceholder(use.crowdedOwner) ||
          (mapping.renamedTo &&
            statement.datasetRelations.some(
              r => !r.aliased && r.name === use.crowdedOwner,
            )))
      ) {
        decide(
          use.start,
          `"${use.field}" becomes "${m.to}", a name another relation here may have; qualify "${use.field}" with its table first`,
        );
      } else if (
        sortKeyTaken(use, m) &&
        (isPlaceholder(use.sortKey!.owner) ||
          (mapping.renamedTo &&
            statement.datasetRelations.some(
              r => !r.aliased && r.name === use.sortKey!.owner,
            )))
      ) {
        decide(
          use.start,
          `"${use.field}" becomes "${
            (m as { to: string }).to
          }", the name of an output column here, which ORDER BY or DISTINCT ON would sort by instead; qualify "${
            use.field
          }" with its table first`,
        );
      } else if (
        use.typed &&
        // Inside a division it is read as its old type (see columnEdit).
        !(use.divided === 'nested' && !use.summed && dividesDifferently(m)) &&
        // A sum of it alone cast back whole has its old sum's type.
        !(!!use.summed?.bare && sumMayBeDivided(use) && sumTypeChanges(m)) &&
        typeMatters(use.typed, m, mapping)
      ) {
        decide(use.start, typedMessage(use.field, use.typed, m, false));
      } else {
        // `sum()` of an integer widened past integer is numeric, no longer
        // bigint, and divides with a fraction: where it is divided, or may be
        // by a query around it, the sum of the field alone is cast back whole
        // (exact); a sum the statement outputs as it is is read as it is.
        const wrapped =
          !!use.summed?.bare && sumMayBeDivided(use) && sumTypeChanges(m);
        if (
          wrapped &&
          !plan.edits.some(
            e => e.start === use.summed!.call.start && e.text === 'CAST(',
          )
        )
          plan.edits.push(
            {
              start: use.summed!.call.start,
              end: use.summed!.call.start,
              text: 'CAST(',
            },
            {
              start: use.summed!.call.end,
              end: use.summed!.call.end,
              text: ' AS bigint)',
            },
          );
        const edit = columnEdit(content, use, mapping, wrapped);
        // A widened field read under its own name needs no change.
        if (content.slice(edit.start, edit.end) !== edit.text)
          plan.edits.push(edit);
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
    if (readsDataset)
      for (const use of statement.dividedElsewhere) {
        const m = mapping.byField.get(use.field);
        if (!m || !dividesDifferently(m)) continue;
        plan.fieldsRead.push(use.field);
        plan.positions.push(use.start);
        decide(
          use.start,
          `"${use.field}" is divided after passing through a CTE or subquery (or a relation the file made from the dataset); the migration widens it from ${m.oldType} to ${m.newType}, which divides with a fraction where integers did not: cast it where it is divided`,
        );
      }
    if (readsDataset)
      for (const use of statement.summedElsewhere) {
        const m = mapping.byField.get(use.field);
        if (!m || !sumTypeChanges(m)) continue;
        plan.fieldsRead.push(use.field);
        plan.positions.push(use.start);
        decide(
          use.start,
          `"${use.field}" is summed after passing through a CTE or subquery (or a relation the file made from the dataset), where the sum may be divided; the migration widens it from ${m.oldType} to ${m.newType}, and sum() of it is numeric, no longer bigint: cast the sum to bigint where it is summed`,
        );
      }
    if (readsDataset)
      for (const use of statement.passedOnElsewhere) {
        const m = mapping.byField.get(use.field);
        if (!m || !readWidened(m) || !picksOtherFunction(m)) continue;
        plan.fieldsRead.push(use.field);
        plan.positions.push(use.start);
        decide(use.start, passedOnMessage(use.field, use.as, m, true));
      }
    if (readsDataset)
      for (const use of statement.typedElsewhere) {
        const m = mapping.byField.get(use.field);
        if (!m || !typeMatters(use, m, mapping)) continue;
        if (use.relation !== undefined && !madeFromDataset.has(use.relation))
          continue;
        plan.fieldsRead.push(use.field);
        plan.positions.push(use.start);
        decide(use.start, typedMessage(use.field, use, m, true));
      }
    for (const use of statement.rowsElsewhere) {
      const fromDataset =
        (use.derived && readsDataset) || madeFromDataset.has(use.relation);
      // A CTE's or subquery's row holds a field by its name, unless the
      // statement passes one on under another.
      const holds = (field: string) =>
        !use.columns ||
        use.columns.includes(field) ||
        statement.passedOnElsewhere.length > 0;
      const widened = fromDataset
        ? [...mapping.byField.entries()].find(
            ([field, m]) =>
              readWidened(m) &&
              holds(field) &&
              (use.column === undefined || use.column === field),
          )
        : undefined;
      if (!widened) continue;
      const [field, m] = widened as [
        string,
        Extract<ReaderMapping, { kind: 'retyped' }>,
      ];
      plan.fieldsRead.push(field);
      plan.positions.push(use.start);
      decide(
        use.start,
        `${ROW_REACHED[use.how]} ${use.relation}, which ${
          use.derived
            ? 'this statement reads from the dataset'
            : 'the file made from the dataset'
        }: the migration widens "${field}" from ${m.oldType} to ${
          m.newType
        }, and what is done with it there is not followed; a person decides`,
      );
    }
    for (const capture of statement.captures) {
      plan.positions.push(capture.start);
      // Whose the name is may be known (the one other relation in scope), but the
      // consumer's unmerged code keeps reading it unqualified from cut-over, when the
      // dataset's name serves it too: a person qualifies it before the run.
      const owner =
        capture.owner !== undefined &&
        !statement.joinsByName.some(
          j => j.field === capture.field || j.field === '*',
        )
          ? capture.owner
          : undefined;
      const suggestion =
        owner !== undefined
          ? `qualify it as ${identifier(owner)}.${identifier(capture.field)}`
          : 'qualify it with its table';
      decide(
        capture.start,
        `"${capture.field}" is not qualified, and from cut-over the dataset has a column "${capture.field}" too, which could take it (silently in a subquery): ${suggestion} before the migration runs`,
      );
    }
    for (const join of statement.joinsByName) {
      const m = mapping.byField.get(join.field);
      if (join.field !== '*' && (!m || m.kind === 'same')) continue;
      if (join.field === '*' && !starChanges(mapping)) continue;
      // A NATURAL JOIN with a CTE or subquery whose outputs are all known
      // matches the same names before and after when no name the migration
      // touches (a changed field's old or new name, an added field) is one of
      // them: the changed fields are then read as the dataset's alone.
      if (
        join.field === '*' &&
        join.otherColumns &&
        !namesTouched(mapping).some(name => join.otherColumns!.has(name))
      )
        continue;
      plan.fieldsRead.push(join.field === '*' ? '*' : join.field);
      plan.positions.push(join.start);
      decide(
        join.start,
        join.field === '*'
          ? 'a NATURAL JOIN matches the changed fields by name'
          : `JOIN … USING (${join.field}) matches a changed field by name`,
      );
    }
    for (const read of statement.opaque) {
      if (
        (read.kind === 'view-statement' || read.kind === 'grouped-by-key') &&
        index >= ownFrom
      )
        continue;
      const message =
        read.kind === 'view-statement'
          ? viewStatementDecision(content, statement, read, mapping, target)
          : opaqueReadDecision(content, read, mapping, target);
      if (!message) continue;
      plan.positions.push(read.start);
      // Both break at the first cut-over whatever the migration changes:
      // keeping a field would not keep the file working.
      decide(
        read.start,
        message,
        read.kind === 'view-statement' || read.kind === 'grouped-by-key',
      );
    }
    for (const star of statement.stars) {
      // Where its columns' types are seen (a recursive CTE's recursive term,
      // CREATE OR REPLACE VIEW, an array), a widened field read as it is shows.
      const shown =
        star.typed &&
        mapping.sourceFields.find(f => {
          const m = mapping.byField.get(f.name);
          return !!m && readWidened(m) && typeMatters(star.typed!, m, mapping);
        });
      if (shown) {
        plan.fieldsRead.push(shown.name);
        plan.positions.push(star.start);
        decide(
          star.start,
          typedMessage(
            shown.name,
            { ...star.typed!, what: `${star.typed!.what} (through \`*\`)` },
            mapping.byField.get(shown.name) as Extract<
              ReaderMapping,
              { kind: 'retyped' }
            >,
            false,
          ),
        );
        continue;
      }
      // `TABLE t`: its whole-row read decides the rest.
      if (star.implicit) continue;
      // `pg_typeof(t.*)`: the whole row, whose type is named after the table.
      if (
        star.typed &&
        !star.typed.expandsStar &&
        !star.target &&
        mapping.renamedTo
      ) {
        plan.positions.push(star.start);
        decide(
          star.start,
          wholeRowTypeRenamed(
            content.slice(star.start, star.end),
            star.typed,
            mapping.renamedTo,
          ),
        );
        continue;
      }
      // The unchanged file fails at cut-over, before its pull request can exist.
      if (star.countFixedBy && mapping.newAtCutOver.length > 0) {
        plan.positions.push(star.start);
        decide(
          star.start,
          growingStarRead(
            content.slice(star.start, star.end),
            star.countFixedBy,
            starOf(target.table),
            mapping,
          ),
          true,
        );
        continue;
      }
      if (!starChanges(mapping)) continue;
      if (!star.qualified && statement.joinsByName.length > 0 && !star.merged) {
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

/**
 * What a person must decide about a read whose fields the SQL does not name, or
 * nothing when the migration cannot change what it reads. Never "unaffected" by
 * default: a whole row or a Jinja expression may read every field.
 */
function opaqueReadDecision(
  content: string,
  read: OpaqueRead,
  mapping: ConsumerMapping,
  target: DatasetTarget,
): string | undefined {
  const written = content.slice(read.start, read.end).trim();
  // Breaks at the first cut-over whatever the migration changes: the name is
  // then a view.
  if (read.kind === 'grouped-by-key')
    return `${written} is read in a grouped query neither grouped nor aggregated, which PostgreSQL allows only because GROUP BY holds ${
      target.table
    }'s primary key; from cut-over ${
      target.table
    } is a view, which has no key, and the query fails there ("must appear in the GROUP BY clause"): add it to GROUP BY (the groups stay the same) or read it in an aggregate${
      /^[^.]+$/.test(written)
        ? `; a name in a subquery may be its own relation's column, which only the catalog tells: then qualify it`
        : ''
    }`;
  if (read.kind === 'whole-row' && read.field !== undefined)
    return mapping.byField.get(read.field)?.kind !== 'same'
      ? `${written} is read for its field "${read.field}" as a whole row (\`(${written}).${read.field}\`, \`${read.field}(${written})\`), which the rewriter does not rewrite, and the migration changes "${read.field}"; write ${written}.${read.field}`
      : undefined;
  if (read.kind === 'whole-row' && read.typed && mapping.renamedTo)
    return wholeRowTypeRenamed(written, read.typed, mapping.renamedTo);
  if (
    read.kind === 'whole-row' &&
    read.passedOn !== undefined &&
    (mapping.renamedTo ||
      [...mapping.byField.values()].some(m => m.kind !== 'same'))
  )
    return `${written} is the dataset's whole row passed on as "${read.passedOn}" (a CTE's, subquery's, view's or created table's column), and what is done with it by that name is not followed: a field read from it (\`(${read.passedOn}).f\`) is the new version's, which the migration changes, and a table's row type has the table's name, which pg_typeof() shows; list the fields it needs`;
  if (
    read.kind === 'whole-row' &&
    read.compared &&
    widenedFields(mapping).length > 0
  )
    return `${written} is the dataset's whole row compared with another row, and records compare only where their fields' types are alike; the migration widens ${widenedFields(
      mapping,
    )
      .map(f => `"${f.field}"`)
      .join(
        ', ',
      )}, so the comparison fails ("cannot compare dissimilar column types"): compare the fields it needs`;
  if (
    read.kind === 'whole-row' &&
    read.seesTypes !== undefined &&
    widenedFields(mapping).length > 0
  )
    return `${written} is the dataset's whole row given to ${
      read.seesTypes
    }, whose value its fields' types decide (a row's size or hash), or which may read any field and pick functions by its type; the migration widens ${widenedFields(
      mapping,
    )
      .map(f => `"${f.field}"`)
      .join(', ')}: list the fields it needs, cast to their old types`;
  if (read.kind === 'whole-row')
    return starChanges(mapping)
      ? `${written} reads the dataset's whole row, whose fields the migration changes; list the fields it needs`
      : undefined;
  const changes =
    starChanges(mapping) ||
    !!mapping.renamedTo ||
    [...mapping.byField.values()].some(m => m.kind !== 'same');
  if (read.kind === 'row-shape')
    return changes
      ? `${written} takes the dataset's columns as a whole (a row type, LIKE or INHERITS), as the version it finds has them, which the migration changes; list the fields it needs`
      : undefined;
  if (read.kind === 'shadow')
    return changes
      ? `the file creates ${written}, named like the dataset's table ${target.table}, which statements after it read in the dataset's place; rename it`
      : undefined;
  if (read.kind === 'column-aliases')
    return changes
      ? `${written} is given column aliases, which name its columns by position, and the migration changes its columns; name the fields it reads instead`
      : undefined;
  if (read.kind === 'positional') {
    if (
      [...mapping.byField.values()].some(
        m =>
          m.kind === 'dropped' ||
          m.kind === 'recomputed' ||
          m.kind === 'reused',
      )
    )
      return `INSERT INTO ${written} without a column list fills the dataset's columns by position, which the migration changes; name the columns`;
    // It writes every field, so each retyped one as a named write would.
    for (const [field, m] of mapping.byField)
      if (m.kind === 'retyped' && !convertsWritesAlike(m.oldType, m.newType))
        return `INSERT INTO ${written} without a column list writes into "${field}", which the migration retypes from ${m.oldType} to ${m.newType}: PostgreSQL converts what is written by the new type's rules (its range, rounding, DateStyle, TimeZone, extra_float_digits), so what is read back may differ from what ${m.oldType} stored, or the write fail; a person checks what is written`;
    return undefined;
  }
  if (read.kind === 'statement')
    return changes
      ? `a statement naming ${
          target.table
        } is one the rewriter does not read through (${
          read.node ? `here ${statementName(read.node)}; ` : ''
        }MERGE, a RETURNING list, ON CONFLICT, a foreign key to it, or DDL such as CREATE INDEX or COMMENT ON), and the migration changes the dataset; a person rewrites it`
      : undefined;
  // Fails from cut-over whatever the migration changes.
  if (read.kind === 'system-column')
    return `${written} is a system column of ${target.table}, the table's own and not its rows' values: from cut-over ${target.table} is a view, which has none ("column ${written} does not exist"), over the version the migration makes, another table with others of its own; a person decides`;
  if (read.kind === 'search-path')
    return changes
      ? `the file sets search_path, so which schema's ${target.table} its unqualified names read depends on it, and the migration changes the dataset; a person decides`
      : undefined;
  if (read.kind === 'named-in-string')
    return changes
      ? `${written} names the dataset's table in a string, as a catalog query (information_schema, pg_catalog) does to read its columns, or in a statement calling a function the rewriter does not know, which may look the name up at run time (dynamic SQL), and the migration changes the table; a person checks what it reads`
      : undefined;
  if (read.kind === 'schema-qualified')
    return mapping.renamedTo
      ? `${written} names the dataset's table with its schema, which the rewriter does not rename in a column's qualifier (an alias cannot stand for a schema-qualified name), and the migration renames the table to ${relationText(
          mapping.renamedTo,
        )}; qualify the column with the table alone, or a person renames it`
      : undefined;
  if (read.kind === 'join-alias')
    return changes
      ? `${written} is joined under an alias (\`(… JOIN …) AS j\`), which hides its name, and the rewriter does not resolve its columns through the join's alias; name the columns through the tables, or a person decides`
      : undefined;
  if (read.kind === 'derived-name') {
    const field = unquoted(splitName(written).at(-1) ?? '');
    const renamed = mapping.byField.get(field);
    return renamed?.kind === 'renamed'
      ? `the output column of ${written} inside a cast, subscript, collation or a CASE's ELSE takes its name from "${field}", which the migration renames to "${
          renamed.to
        }"; give the output an alias (AS ${identifier(
          field,
        )}) so its name stays`
      : undefined;
  }
  if (read.kind === 'body')
    return changes
      ? `a function or DO body names ${target.table}; the rewriter does not read bodies (strings to the parser), so what it reads goes to a person`
      : undefined;
  // Away from the dataset, only a type a macro could divide otherwise matters.
  // A keyword argument's name (`end_date="…"`) names no column (a probe,
  // round 37: dbt_utils.date_spine's `end_date=`); its value may.
  const jinjaNames = written.replace(/(?<=[(,]\s*)[A-Za-z_]\w*\s*=(?!=)/g, ' ');
  const changed = (
    read.elsewhere
      ? [...mapping.byField.entries()]
          .filter(([, m]) => dividesDifferently(m))
          .map(([field]) => field)
      : changedForJinja(mapping)
  ).filter(field => namesWord(jinjaNames, field));
  if (read.kind === 'jinja-relation')
    return starChanges(mapping) || mapping.renamedTo
      ? `${written} is named by dbt at run time and may be ${target.schema}.${target.table}, which the migration changes; only rendering tells`
      : undefined;
  const enumerates = /\bstar\b|columns/i.test(written);
  if (changed.length === 0 && !(enumerates && starChanges(mapping)))
    return undefined;
  return `${written} is dbt Jinja where a column stands: it may read ${
    changed.length > 0
      ? changed.map(f => `"${f}"`).join(', ')
      : "the dataset's fields"
  }, which the migration changes; only rendering tells`;
}

/**
 * What a person must know of a statement that needs the dataset's name to be a
 * table (see {@link ViewStatement}): from the first cut-over of any migration
 * the name is a view, which PostgreSQL refuses it on, and the consumer runs
 * its code unchanged until its pull request is merged, so no pull request
 * made after cut-over keeps it working. `COPY t [(cols)] TO` is given the
 * statement that reads the same bytes: `COPY (SELECT <cols, or the old field
 * list> FROM t) TO`, byte for byte the same on the table (checked on
 * PostgreSQL 18 in text, CSV with a header and binary), and through the view
 * until contract, which serves every old field under its old name, type and
 * values in their order; merged before the migration runs, it keeps working
 * (the old names are then read as any reader's are, and the rewriter moves
 * them to the new version after cut-over).
 */
function viewStatementDecision(
  content: string,
  statement: StatementAnalysis,
  read: OpaqueRead,
  mapping: ConsumerMapping,
  target: DatasetTarget,
): string | undefined {
  const name = content.slice(read.start, read.end).trim();
  const fromCutOver = `from the first cut-over ${name} is a view over the new version (${target.table}_v<N>)`;
  const before = 'change it before the migration runs, then Retry';
  switch (read.statement) {
    case 'copy-to': {
      const copy = read.copy!;
      const columns =
        copy.columns?.map(identifier) ??
        mapping.sourceFields.map(f => identifier(f.name));
      const original = content.slice(statement.start, statement.end).trim();
      const instead =
        columns.length > 0
          ? `${content
              .slice(statement.start, read.start)
              .trimStart()}(SELECT ${columns.join(
              ', ',
            )} FROM ${name})${content.slice(copy.end, statement.end)}`
          : undefined;
      return `${oneLine(
        original,
      )} copies ${name} as a table, and ${fromCutOver}, which COPY … TO refuses ("cannot copy from view"): ${
        instead
          ? `write ${oneLine(
              instead,
            )}, which writes the same bytes from the table now and through the view, which serves the old fields in their order until contract (with FROM ONLY where the table has inheritance children, whose rows COPY … TO leaves out); ${before}`
          : `write COPY (SELECT <its columns> FROM ${name}) TO …; ${before}`
      }`;
    }
    case 'copy-from':
      return `COPY ${name} FROM loads rows into ${name} as a table, and ${fromCutOver}, which COPY … FROM takes only while the view has an INSTEAD OF trigger: ${
        mapping.viewHasTrigger
          ? 'this migration gives it one until contract, so it fails from contract on'
          : 'this migration gives it none (renames and added fields only), so it fails from the cut-over on'
      } ("cannot copy to view"): load into a table of its own (a temporary one) and INSERT INTO ${name} (…) SELECT … from it, which goes through the view; ${before}`;
    case 'on-conflict':
      return mapping.viewHasTrigger
        ? `INSERT INTO ${name} … ON CONFLICT goes through the view ${target.table} is from cut-over, and this migration gives that view an INSTEAD OF trigger until contract, through which ON CONFLICT (…) fails ("there is no unique or exclusion constraint matching the ON CONFLICT specification") and ON CONFLICT DO NOTHING fails on a conflicting row: use MERGE, or ${before}`
        : undefined;
    case 'on-conflict-constraint':
      return `INSERT INTO ${name} … ON CONFLICT ON CONSTRAINT names a constraint of the table, and ${fromCutOver}, where PostgreSQL finds no constraint by any name ("constraint … for table \"${
        target.table
      }\" does not exist"): name its columns instead (ON CONFLICT (id))${
        mapping.viewHasTrigger
          ? ', which through this migration’s view works from contract on (until then use MERGE)'
          : ''
      }; ${before}`;
    case 'truncate':
      return `TRUNCATE ${name} empties a table, and ${fromCutOver}, which PostgreSQL refuses ("${target.table}" is not a table): write DELETE FROM ${name}, which goes through the view; ${before}`;
    case 'vacuum':
    case 'analyze':
      return `${read.statement.toUpperCase()} ${name} does nothing ${fromCutOver.replace(
        'from the first cut-over',
        'once',
      )}: PostgreSQL skips a view with a warning; name ${
        target.table
      }_v<N> (the version the migration makes), or ${before}`;
    case 'tablesample':
      return `${name} TABLESAMPLE samples a table, and ${fromCutOver}, which PostgreSQL refuses ("TABLESAMPLE clause can only be applied to tables and materialized views"): sample with WHERE random() < p, or ${before}`;
    case 'current-of':
      return `UPDATE/DELETE … WHERE CURRENT OF a cursor on ${name} needs a table, and ${fromCutOver}, which PostgreSQL refuses ("WHERE CURRENT OF on a view is not implemented"): find the row by its key (WHERE id = …); ${before}`;
    default: {
      const what: Record<string, string> = {
        'alter-table': 'ALTER TABLE changes a table',
        'create-index': 'CREATE INDEX indexes a table',
        references: 'a foreign key (REFERENCES) needs a table',
        inherits: 'INHERITS and PARTITION OF need a table',
        cluster: 'CLUSTER reorders a table',
        reindex: 'REINDEX TABLE rebuilds a table’s indexes',
        trigger: 'a row-level BEFORE or AFTER trigger needs a table',
        statistics: 'CREATE STATISTICS needs a table',
        policy: 'a row security policy needs a table',
        publication: 'a publication replicates tables only',
        comment: 'COMMENT ON TABLE needs a table',
        drop: 'DROP TABLE drops a table',
      };
      return `${
        what[read.statement ?? ''] ?? 'the statement needs a table'
      } (an application's own schema change on ${name}), and ${fromCutOver}, which PostgreSQL refuses it on (or, for what a view takes, applies it to the view, not the data): name ${
        target.table
      }_v<N>, the version the migration makes, or ${before}`;
    }
  }
}

/** A statement's text on one line, for a reason. */
function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ');
}

/**
 * The dataset's whole row where its type itself is seen: a table's row type
 * has the table's name, so once the table is renamed `pg_typeof(t)` names the
 * new one, and an array of rows is of another type, though every value is
 * the same.
 */
function wholeRowTypeRenamed(
  written: string,
  typed: Typed,
  renamedTo: DatasetRelationName,
): string {
  return `${written} is the dataset's whole row given to ${
    typed.what
  }, where its type is seen, and a table's row type has the table's name: the migration renames the table to ${relationText(
    renamedTo,
  )}, whose name that type then has (pg_typeof() shows it); a person decides`;
}

/**
 * Fields Jinja may read otherwise on the new version: all changed fields but
 * those read as they are, unless a macro could divide them (an integer widened
 * to numeric divides with a fraction, as `cents_to_dollars()`'s `x / 100` would).
 */
function changedForJinja(mapping: ConsumerMapping): string[] {
  return [...mapping.byField.entries()]
    .filter(
      ([field, m]) =>
        m.kind !== 'same' && (!readAsIs(field, m) || dividesDifferently(m)),
    )
    .map(([field]) => field);
}

/**
 * A name glued to a Jinja expression may be a changed field (or the dataset) read
 * as written, or the start or end of a name Jinja completes: when a changed field
 * or the dataset's table could be that name, a person decides.
 */
function decideGluedNames(
  content: string,
  mapping: ConsumerMapping,
  target: DatasetTarget,
  plan: EditPlan,
): void {
  const changed = changedForJinja(mapping);
  if (changed.length === 0 && !mapping.renamedTo) return;
  const candidates = [...changed, target.table];
  for (const glued of gluedNames(content)) {
    const fragment = glued.fragment.toLowerCase();
    const could = candidates.filter(name =>
      glued.side === 'before'
        ? name.startsWith(fragment)
        : name.endsWith(fragment),
    );
    if (could.length === 0) continue;
    plan.positions.push(glued.at);
    plan.decisions.push({
      at: glued.at,
      message: `${
        glued.side === 'before'
          ? `${glued.fragment}${glued.jinja.trim()}`
          : `${glued.jinja.trim()}${glued.fragment}`
      } glues a name to dbt Jinja: it may read ${could
        .map(name => `"${name}"`)
        .join(
          ', ',
        )}, which the migration changes, or a name Jinja completes; only rendering tells`,
    });
  }
}

/**
 * Points a statement's references to the dataset at its new name: `t`, `s.t`,
 * `"t"` keep their form (qualified stays qualified, quoted stays quoted), and a
 * bare name moving to another schema is qualified. An unaliased reference whose
 * name qualifies columns keeps that name as its alias. dbt `source()` keeps its
 * name (its sources file is pointed at the new table); `ref()` names a model,
 * which the migration does not rename: a person decides.
 */
function planRelationEdits(
  content: string,
  masked: MaskedSql,
  statement: StatementAnalysis,
  target: DatasetTarget,
  renamedTo: DatasetRelationName,
  plan: EditPlan,
  createdNames: ReadonlySet<string>,
): void {
  // Whether the statement says the relation's old name or the new one
  // anywhere else, in any form: the old qualifying columns or standing for the
  // whole row (`md5(t::text)`); the new as another relation's alias, which the
  // renamed table would clash with in one FROM list or hide from an inner
  // scope (`(w).id`, `to_jsonb(w)`, `id(w)`, `w.id`); either Unicode-escaped
  // (`U&"\0074"`), which no search for the name finds.
  const saysEither = (relation: DatasetRelation, old: string) =>
    namesElsewhere(masked.text, statement, relation, old) ||
    namesElsewhere(
      masked.text,
      statement,
      relation,
      renamedTo.table,
      'even-qualified',
    ) ||
    /U&"/i.test(
      masked.text.slice(statement.start, relation.start) +
        masked.text.slice(relation.end, statement.end),
    );
  for (const relation of statement.datasetRelations) {
    const jinja = masked.placeholders.get(relation.name);
    plan.positions.push(relation.start);
    // `TABLE t` takes no alias, though its ORDER BY or FOR UPDATE OF may say
    // its name: said elsewhere, a person rewrites it as `SELECT * FROM`.
    if (
      relation.tableForm &&
      saysEither(
        relation,
        jinja?.kind === 'source' ? target.table : relation.name,
      )
    ) {
      plan.decisions.push({
        at: relation.start,
        message: `TABLE ${
          target.table
        } takes no alias, and the statement says ${target.table} or ${
          renamedTo.table
        } elsewhere, which the rename would point at another relation: write SELECT * FROM ${relationText(
          renamedTo,
        )} AS ${target.table}`,
      });
      continue;
    }
    if (jinja?.kind === 'source') {
      plan.readsDbtSource = true;
      // dbt renders the source as the new table, so its reference name moves
      // with it: where the statement says either name, the old stays the alias.
      if (
        !relation.aliased &&
        !relation.tableForm &&
        saysEither(relation, target.table)
      )
        plan.edits.push({
          start: relation.end,
          end: relation.end,
          text: ` AS ${identifier(target.table)}`,
        });
      continue;
    }
    if (createdNames.has(renamedTo.table)) {
      plan.decisions.push({
        at: relation.start,
        message: `the file creates a relation named ${
          renamedTo.table
        } (or a sequence, type or index, or renames one to it), the name the migration gives ${
          target.table
        }: a read of ${relationText(
          renamedTo,
        )} by that name after it would read the file's relation instead (a temporary one comes first), and making it fails where the new table (and its row type) has that name already; rename it`,
      });
      continue;
    }
    if (jinja) {
      plan.decisions.push({
        at: relation.start,
        message: `reads ${
          target.table
        } through ${jinja.original.trim()}, a dbt model name; the migration renames the table to ${relationText(
          renamedTo,
        )}, not the model`,
      });
      continue;
    }
    const parts = splitName(content.slice(relation.start, relation.end));
    const quoted = (part: string | undefined) => !!part?.startsWith('"');
    const name = (value: string, like: string | undefined) =>
      quoted(like) ? `"${value.replace(/"/g, '""')}"` : identifier(value);
    const table = parts[parts.length - 1];
    const schema = parts.length >= 2 ? parts[parts.length - 2] : undefined;
    let text = name(renamedTo.table, table);
    if (
      schema !== undefined ||
      renamedTo.schema !== target.schema ||
      statement.cteNames.includes(renamedTo.table)
    )
      text = `${name(renamedTo.schema, schema)}.${text}`;
    if (parts.length > 2) text = `${parts.slice(0, -2).join('.')}.${text}`;
    // Unaliased, the reference keeps its old name as an alias where the
    // statement says either name (found by round 30: only `new.` was looked
    // for), and where `*` over several relations is spelled out, its fields
    // qualified with that name (`select * from t, u` → `t.kk AS k, u.*`). A
    // name outside a FROM list (`TRUNCATE t`) takes none and none refers to it.
    const named =
      !relation.aliased && !relation.outsideFrom && !relation.tableForm;
    if (named && /^U&/i.test(table)) text += ` AS ${table}`;
    else if (
      named &&
      (saysEither(relation, relation.name) ||
        statement.stars.some(
          star =>
            !star.qualified &&
            star.relations.length > 1 &&
            star.relations.some(r => r.dataset && r.alias === relation.name),
        ))
    )
      text += ` AS ${name(relation.name, table)}`;
    plan.edits.push({ start: relation.start, end: relation.end, text });
  }
}

/**
 * A retype whose new type silently cuts old values (`numeric(10,2)` →
 * `integer` rounds, `timestamp` → `date` drops the time of day, `bigint` →
 * `double precision` and `double precision` → `numeric` lose digits): the new
 * version has lost what a cast back would need. A narrowing between integer
 * types is exact or fails the migration, so a cast back reads the same.
 */
function losesValues(
  m: ReaderMapping,
): m is Extract<ReaderMapping, { kind: 'retyped' }> {
  return (
    m.kind === 'retyped' &&
    !m.widening &&
    !castsBackExactly(m.oldType, m.newType)
  );
}

export const INTEGERS = ['smallint', 'integer', 'bigint'];
const NUMBERS = [...INTEGERS, 'numeric', 'real', 'double precision'];

/** An integer field the migration widens, read as it is (no cast to its old type). */
function widenedIntegerAsIs(
  m: ReaderMapping,
): m is Extract<ReaderMapping, { kind: 'retyped' }> {
  return readWidened(m) && INTEGERS.includes(m.oldType);
}
const TEXTS = ['character', 'character varying', 'text'];

/** `bpchar` without a length, which keeps a value's trailing spaces. */
function unboundedBpchar(type: string): boolean {
  return /^\s*bpchar\s*$/i.test(type);
}

/**
 * Whether a value written into a field of type `to` reads back as it would
 * have from `from`: into an integer type at least as wide (both round a
 * fraction alike; a narrower one refuses what the old one took) and
 * from a `char(n)` or `varchar(n)` to a text type (a `char(n)` read back pads
 * again). Not otherwise: a date, time or float written as text follows the
 * session's DateStyle or extra_float_digits, `'2024-01-01 24:00'` is another day
 * as a timestamp, 2.5 rounds to 3 as an integer and to 2 through double
 * precision, and `bpchar` keeps trailing spaces text drops.
 */
function convertsWritesAlike(from: string, to: string): boolean {
  const [a, b] = [typeParts(from), typeParts(to)];
  // A narrower integer holds the values the dataset has, not every one the old
  // type took: 3000000000 went into a bigint and fails as an integer.
  if (INTEGERS.includes(a.base) && INTEGERS.includes(b.base))
    return INTEGERS.indexOf(b.base) >= INTEGERS.indexOf(a.base);
  return (
    TEXTS.includes(a.base) &&
    TEXTS.includes(b.base) &&
    !unboundedBpchar(from) &&
    castsBackExactly(from, to)
  );
}

/**
 * Whether every value of `from`, cast to `to` and back, is itself again: the
 * widenings; a narrowing between integer types (exact, or the migration fails);
 * a numeric whose new precision and scale hold the old ones; a numeric of at most
 * 15 digits in `double precision` (6 in `real`), which keeps that many; a
 * `char(n)` or `varchar(n)` in a text type at least as long. Not between a
 * zone-less time and timestamptz, whatever `widens` says.
 */
function castsBackExactly(from: string, to: string): boolean {
  const [a, b] = [typeParts(from), typeParts(to)];
  // `bpchar` without a length keeps a value's trailing spaces, which a cast to
  // text or varchar drops and no cast back restores (`char(n)` pads again).
  if (unboundedBpchar(from) && b.base !== 'character') return false;
  // A date or timestamp and a timestamptz convert by the casting session's
  // TimeZone: the engine's when the data moved, the reader's when cast back.
  if (
    [a.base, b.base].includes('timestamptz') &&
    [a.base, b.base].some(t => t === 'date' || t === 'timestamp')
  )
    return false;
  if (widens(from, to)) return true;
  if (INTEGERS.includes(a.base) && INTEGERS.includes(b.base)) return true;
  if (a.base === 'numeric' && b.base === 'numeric')
    return (
      b.precision === undefined ||
      (a.precision !== undefined &&
        b.scale >= a.scale &&
        b.precision - b.scale >= a.precision - a.scale)
    );
  if (a.base === 'numeric' && a.precision !== undefined)
    return (
      (b.base === 'double precision' && a.precision <= 15) ||
      (b.base === 'real' && a.precision <= 6)
    );
  if (TEXTS.includes(a.base) && TEXTS.includes(b.base))
    return (
      b.precision === undefined ||
      (a.precision !== undefined && b.precision >= a.precision)
    );
  return false;
}

/** `numeric(7,2)` → numeric, 7, 2; `decimal` is numeric, `varchar` character varying. */
function typeParts(type: string): {
  base: string;
  precision?: number;
  scale: number;
} {
  const match =
    /^\s*([a-z ]+?)\s*(?:\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\))?\s*$/i.exec(type);
  const raw = (match?.[1] ?? type).toLowerCase();
  const base =
    {
      decimal: 'numeric',
      varchar: 'character varying',
      char: 'character',
      bpchar: 'character',
      int: 'integer',
      int4: 'integer',
      int8: 'bigint',
      int2: 'smallint',
      float8: 'double precision',
      float4: 'real',
      'timestamp with time zone': 'timestamptz',
      'timestamp without time zone': 'timestamp',
    }[raw] ?? raw;
  return {
    base,
    ...(match?.[2] !== undefined ? { precision: Number(match[2]) } : {}),
    scale: Number(match?.[3] ?? 0),
  };
}

/** A name part as Postgres reads it: `"B"` → `B`, `Bx` → `bx`. */
function unquoted(part: string): string {
  return part.startsWith('"')
    ? part.slice(1, -1).replace(/""/g, '"')
    : part.toLowerCase();
}

/** `a."B".c` → `['a', '"B"', 'c']`, each part as written. */
function splitName(text: string): string[] {
  // A Unicode-escaped identifier (`U&"\0074"`) is one part, as a quoted one is.
  return text.match(/(?:U&)?"(?:[^"]|"")*"|[^."]+/gi) ?? [text];
}

/**
 * Whether the statement says `name` (bare or quoted) anywhere but in the
 * relation's own reference; `evenQualified`: after a qualifier too
 * (`s.name`, a table whose reference name is `name`).
 */
function namesElsewhere(
  text: string,
  statement: StatementAnalysis,
  relation: { start: number; end: number },
  name: string,
  evenQualified?: 'even-qualified',
): boolean {
  const quoted = `"${name.replace(/"/g, '""')}"`;
  const qualifier = new RegExp(
    `(?<![${evenQualified ? '' : '.'}\\w"$])(?:${escapeRegExp(
      name,
    )}(?![\\w$])|${escapeRegExp(quoted)})`,
    'gi',
  );
  for (const match of text
    .slice(statement.start, statement.end)
    .matchAll(qualifier)) {
    const at = statement.start + (match.index ?? 0);
    if (at < relation.start || at >= relation.end) return true;
  }
  return false;
}

/** Line numbers where a file names the table as a whole word. */
function linesNaming(content: string, table: string): number[] {
  const lines = new Set<number>();
  for (const match of content.matchAll(wordPattern(table, 'gi')))
    lines.add(positionOf(content, match.index ?? 0).line);
  return [...lines].sort((a, b) => a - b);
}

/** Statements SQL names otherwise than their parser's node (`IndexStmt`). */
const STATEMENT_NAMES: Record<string, string> = {
  DeclareCursorStmt: 'DECLARE … CURSOR',
  IndexStmt: 'CREATE INDEX',
  CommentStmt: 'COMMENT ON',
  CreateTrigStmt: 'CREATE TRIGGER',
  RuleStmt: 'CREATE RULE',
  GrantStmt: 'GRANT or REVOKE',
  RenameStmt: 'ALTER … RENAME',
  CreateStatsStmt: 'CREATE STATISTICS',
  VacuumStmt: 'VACUUM or ANALYZE',
};

/** A parser's statement node as SQL names it: `DeclareCursorStmt` → `DECLARE … CURSOR`. */
function statementName(node: string): string {
  return (
    STATEMENT_NAMES[node] ??
    node
      .replace(/Stmt$/, '')
      .replace(/([a-z])([A-Z])/g, '$1 $2')
      .toUpperCase()
  );
}

/** `schema.table`, for messages. */
export function relationText(relation: DatasetRelationName): string {
  return `${relation.schema}.${relation.table}`;
}

function columnEdit(
  content: string,
  use: ColumnUse,
  mapping: ConsumerMapping,
  sumCastBack = false,
): Edit {
  const m = mapping.byField.get(use.field)!;
  const original = content.slice(use.start, use.end);
  const qualifier = content.slice(use.start, use.name.start);
  const renamed =
    m.kind === 'renamed' || m.kind === 'retyped' ? identifier(m.to) : '';
  // A new name beside other relations could be theirs, and as an ORDER BY key
  // an output column's: qualified with the dataset's.
  const crowded =
    use.crowdedOwner !== undefined &&
    (m.kind === 'renamed' || m.kind === 'retyped') &&
    m.to !== use.field;
  let owner = '';
  if (crowded) owner = `${identifier(use.crowdedOwner!)}.`;
  else if (sortKeyTaken(use, m)) owner = `${identifier(use.sortKey!.owner)}.`;
  let text = `${qualifier || owner}${renamed}`;
  // An assignment target is a name: the new value is cast on the way in by Postgres.
  // A widened field is read as it is: a cast back would overflow again.
  if (m.kind === 'retyped' && !m.widening && !use.assignment)
    text = `CAST(${text} AS ${m.oldType})`;
  // An integer widened to numeric would divide with a fraction. Divided
  // through arithmetic, it stays an integer, as wide as integers go; inside a call
  // (`sum(f) / count(*)`) the call's type follows the field's, so it is read as before.
  // Inside a sum with more than the field, the sum's type follows the
  // expression's: the field is read as its old type there.
  const summed =
    !sumCastBack &&
    !!use.summed &&
    !use.summed.bare &&
    sumMayBeDivided(use) &&
    sumTypeChanges(m);
  const division =
    summed || (!sumCastBack && !!use.divided && dividesDifferently(m));
  // A widened field under its own name is read as written.
  if (readAsIs(use.field, m) && !division)
    return { start: use.start, end: use.end, text: original };
  if (division)
    text = `CAST(${readAsIs(use.field, m) ? original : text} AS ${
      use.divided === 'direct' && !summed
        ? 'bigint'
        : (m as { oldType: string }).oldType
    })`;
  // Keep the output column's name for whoever reads this query's result,
  // after the parentheses the column stands in (`(n)` is named n too).
  if (use.bareTarget && text !== original && use.aliasAfter !== undefined)
    return {
      start: use.start,
      end: use.aliasAfter,
      text: `${text}${content.slice(use.end, use.aliasAfter)} AS ${identifier(
        use.field,
      )}`,
    };
  if (use.bareTarget && text !== original)
    text += ` AS ${identifier(use.field)}`;
  return { start: use.start, end: use.end, text };
}

/** A bare ORDER BY or DISTINCT ON key whose new name an output column of the select has. */
function sortKeyTaken(use: ColumnUse, m: ReaderMapping): boolean {
  return (
    !!use.sortKey &&
    (m.kind === 'renamed' || m.kind === 'retyped') &&
    m.to !== use.field &&
    use.sortKey.outputs.has(m.to)
  );
}

/** A sum divided in the statement, or output to a query around it that may divide it. */
function sumMayBeDivided(use: ColumnUse): boolean {
  return !!use.divided || !!use.summed?.inner;
}

/** An integer widened past integer: `sum()` of it is numeric, not bigint. */
function sumTypeChanges(
  m: ReaderMapping,
): m is Extract<ReaderMapping, { kind: 'retyped' }> {
  return (
    m.kind === 'retyped' &&
    m.widening &&
    ['smallint', 'integer'].includes(m.oldType) &&
    !['smallint', 'integer'].includes(m.newType)
  );
}

/**
 * An integer widened past integer, read as it is: functions and operators
 * Postgres picks by type may resolve to others for it (`sqrt(integer)` is
 * `sqrt(double precision)`, `sqrt(numeric)` another, with other digits;
 * `date + bigint` and `repeat(text, numeric)` do not exist). smallint →
 * integer picks the same ones: smallint was always taken as integer by them.
 */
export function picksOtherFunction(
  m: ReaderMapping,
): m is Extract<ReaderMapping, { kind: 'retyped' }> {
  return (
    m.kind === 'retyped' &&
    m.widening &&
    INTEGERS.includes(m.oldType) &&
    !['smallint', 'integer'].includes(m.newType)
  );
}

function passedOnMessage(
  field: string,
  as: string,
  m: Extract<ReaderMapping, { kind: 'retyped' }>,
  elsewhere: boolean,
): string {
  return `"${field}" is passed on as "${as}" ${
    elsewhere
      ? 'after passing through a CTE or subquery (or a relation the file made from the dataset)'
      : "(a CTE's, subquery's, view's or created table's column)"
  }, and what is done with it by that name is not followed; the migration widens it from ${
    m.oldType
  } to ${m.newType}, which ${
    // integer → bigint still divides as integers do (a probe, round 37).
    dividesDifferently(m) ? 'divides with a fraction, ' : ''
  }picks other functions and gives the column it is passed on as the type ${
    m.newType
  }: cast it to ${m.oldType} where it is passed on`;
}

/**
 * Whether what a widened field is given to (see {@link ColumnUse.typed}) sees
 * the wider type: a function or operator chosen by type, for an integer widened
 * past integer; the type itself (an array of it), for any widening read as it
 * is. Not `+` or `-` beside a dataset field of a number type.
 */
function typeMatters(
  typed: Typed,
  m: ReaderMapping,
  mapping: ConsumerMapping,
): m is Extract<ReaderMapping, { kind: 'retyped' }> {
  // A function or operator the rewriter does not know as Postgres's own (a
  // user's, an extension's) has whatever versions the database gave it: one
  // taking smallint takes no integer, whatever width the field had before.
  if (typed.signatureUnknown && widenedIntegerAsIs(m)) return true;
  // Neither the new column nor a cast back is stored as the old one was.
  if (typed.storedForm && m.kind === 'retyped') return true;
  // `n + id` is a number of the wider type, as the field alone would be; `d +
  // n` (a date) is chosen by n's type below, and so are `j - n` (jsonb) and `ip
  // + n` (inet): the operator exists for some integer types only.
  if (
    typed.besideField !== undefined &&
    isNumberField(mapping, typed.besideField)
  )
    return false;
  // `text || f` is text, with f's digits whatever its integer or numeric type.
  if (typed.besideText !== undefined && isTextField(mapping, typed.besideText))
    return false;
  // width_bucket(n, 0, 23, 23): double precision for any integer, numeric for numeric.
  if (typed.floatOrNumeric) return dividesDifferently(m);
  return picksOtherFunction(m) || (!!typed.exactType && readWidened(m));
}

/** A dataset field of a number type (integer, numeric, floating point). */
function isNumberField(mapping: ConsumerMapping, field: string): boolean {
  return NUMBERS.includes(baseTypeOf(mapping, field));
}

function isTextField(mapping: ConsumerMapping, field: string): boolean {
  return TEXTS.includes(baseTypeOf(mapping, field));
}

function baseTypeOf(mapping: ConsumerMapping, field: string): string {
  const type = mapping.sourceFields.find(f => f.name === field)?.type ?? '';
  return typeParts(type).base;
}

function typedMessage(
  field: string,
  typed: Typed,
  m: Extract<ReaderMapping, { kind: 'retyped' }>,
  elsewhere: boolean,
): string {
  return `"${field}" is given to ${typed.what}${
    elsewhere
      ? ' after passing through a CTE or subquery (or a relation the file made from the dataset)'
      : ''
  }, ${typed.because ?? typedBecause(typed)}; the migration widens it from ${
    m.oldType
  } to ${m.newType}, ${typedConsequence(typed, m)}: ${
    typed.storedForm
      ? 'a person decides what it should read now'
      : `cast it to ${m.oldType} there`
  }`;
}

/** Why the type shows where a field is given to something, if the call does not say. */
function typedBecause(typed: Typed): string {
  if (typed.storedForm)
    return 'which reads how its value is stored, not the value';
  return typed.exactType
    ? 'whose value takes its type (an array or row of it, its name)'
    : 'which Postgres chooses by type';
}

/** What the wider type does where a widened field is given to something chosen by type. */
function typedConsequence(
  typed: Typed,
  m: Extract<ReaderMapping, { kind: 'retyped' }>,
): string {
  if (typed.consequence) return typed.consequence;
  if (typed.because) return 'which that column would then have';
  if (typed.storedForm)
    return `and neither that column nor a cast of it to ${m.oldType} (a new, uncompressed value) is stored as it was`;
  return typed.exactType
    ? `which that value shows: an array or row of ${m.newType} compares with none of ${m.oldType}, and pg_typeof() names it`
    : 'for which it may pick another (other digits or result type) or none';
}

/** An integer widened to a type that divides with a fraction. */
function dividesDifferently(
  m: ReaderMapping,
): m is Extract<ReaderMapping, { kind: 'retyped' }> {
  return (
    m.kind === 'retyped' &&
    m.widening &&
    INTEGERS.includes(m.oldType) &&
    !INTEGERS.includes(m.newType)
  );
}

/** `*` as the old version's field list, so the result keeps its columns and order. */
/** The names a migration touches: changed fields' old and new names, added fields. */
function namesTouched(mapping: ConsumerMapping): string[] {
  const names = [...mapping.added];
  for (const [name, m] of mapping.byField) {
    if (m.kind === 'same') continue;
    names.push(name);
    if ('to' in m) names.push(m.to);
  }
  return names;
}

function expandStar(
  content: string,
  star: StarUse,
  mapping: ConsumerMapping,
): string | { decision: string } {
  if (!star.target)
    return { decision: '`*` of the dataset is used inside an expression' };
  const blocked = mapping.sourceFields.filter(f => {
    const m = mapping.byField.get(f.name);
    return (
      m?.kind === 'dropped' ||
      m?.kind === 'recomputed' ||
      m?.kind === 'reused' ||
      (m !== undefined && losesValues(m))
    );
  });
  if (blocked.length > 0) {
    return {
      decision: `SELECT * returns ${blocked
        .map(f => `"${f.name}"`)
        .join(
          ', ',
        )}, which the migration drops, recomputes or retypes losing values`,
    };
  }
  if (star.merged) return expandMergedStar(star, star.merged, mapping);
  const parts: string[] = [];
  for (const relation of star.relations) {
    let qualifier = '';
    if (star.qualified)
      qualifier = content.slice(star.start, star.end).replace(/\*$/, '');
    else if (star.relations.length > 1)
      qualifier = `${identifier(relation.alias)}.`;
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
    parts.push(...datasetFieldParts(qualifier, mapping));
  }
  return parts.join(', ');
}

/** The dataset's fields as `*` of its old version returned them, read from the new one. */
function datasetFieldParts(
  qualifier: string,
  mapping: ConsumerMapping,
  except: string[] = [],
): string[] {
  const parts: string[] = [];
  for (const field of mapping.sourceFields) {
    if (except.includes(field.name)) continue;
    const m = mapping.byField.get(field.name)!;
    if (m.kind === 'renamed')
      parts.push(
        `${qualifier}${identifier(m.to)} AS ${identifier(field.name)}`,
      );
    else if (m.kind === 'retyped' && m.widening)
      parts.push(
        m.to === field.name
          ? `${qualifier}${identifier(field.name)}`
          : `${qualifier}${identifier(m.to)} AS ${identifier(field.name)}`,
      );
    else if (m.kind === 'retyped')
      parts.push(
        `CAST(${qualifier}${identifier(m.to)} AS ${m.oldType}) AS ${identifier(
          field.name,
        )}`,
      );
    else parts.push(`${qualifier}${identifier(field.name)}`);
  }
  return parts;
}

/**
 * `*` over `t JOIN (…) s USING (…)` or a NATURAL JOIN: the merged columns by
 * their names (Postgres merges them again), then each side's others, the
 * dataset's read from the new version.
 */
function expandMergedStar(
  star: StarUse,
  merged: MergedJoin,
  mapping: ConsumerMapping,
): string | { decision: string } {
  const dataset = star.relations.find(r => r.dataset);
  // A renamed table keeps its old name as an alias only where the original
  // text qualifies with it: the qualifiers written here would name nothing.
  if (
    mapping.renamedTo ||
    !dataset?.qualifiable ||
    dataset.alias.startsWith('_j') ||
    merged.names.some(n => mapping.byField.get(n)?.kind !== 'same')
  )
    return { decision: '`*` over a JOIN … USING merges columns by name' };
  const own = datasetFieldParts(
    `${identifier(dataset.alias)}.`,
    mapping,
    merged.names,
  );
  const theirs = merged.other.columns
    .filter(c => !merged.names.includes(c))
    .map(c => `${identifier(merged.other.alias)}.${identifier(c)}`);
  return [
    ...merged.names.map(identifier),
    ...(merged.datasetFirst ? [...own, ...theirs] : [...theirs, ...own]),
  ].join(', ');
}

/** A relation named by masked dbt Jinja, which has no name SQL can qualify with. */
function isPlaceholder(alias: string): boolean {
  return alias === '' || alias.startsWith('_j');
}

/**
 * The content with the edits made, last first: an edit reaching into one made
 * already (nested in it) is left out. Built from pieces in one pass, so a file
 * with many edits costs its length, not its length times the edits.
 */
function applyEdits(content: string, edits: Edit[]): string {
  const sorted = [...edits].sort((a, b) => b.start - a.start);
  const made: Edit[] = [];
  let limit = Infinity;
  for (const edit of sorted) {
    if (edit.end > limit) continue; // nested in an edit already made
    made.push(edit);
    limit = edit.start;
  }
  const pieces: string[] = [];
  let at = 0;
  for (const edit of made.reverse()) {
    pieces.push(content.slice(at, edit.start), edit.text);
    at = edit.end;
  }
  pieces.push(content.slice(at));
  return pieces.join('');
}

/** A Postgres identifier, quoted only when it must be. */
export function identifier(name: string): string {
  if (/^[a-z_][a-z0-9_$]*$/.test(name)) {
    const [token] = scanSqlTokens(name);
    if (
      token &&
      (token.keywordName === 'NO_KEYWORD' ||
        token.keywordName === 'UNRESERVED_KEYWORD')
    )
      return name;
  }
  return `"${name.replace(/"/g, '""')}"`;
}
