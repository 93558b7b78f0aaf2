import type { ShadowCheck } from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  MigrationInterruptedError,
  type DatasetEngine,
  type DatasetLocation,
  type QueryComparison,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import type { PlannedCheck, VersionRelations } from './shadowPlan';

/** How a check that failed to run starts its detail; the rest may quote data. */
export const SHADOW_CHECK_FAILED = 'the check failed:';

/**
 * How a check skipped for PostgreSQL's refusal starts its detail (a relation it
 * reads does not exist here, or is not granted to shadow checks): the rest is
 * the engine's, whose quoted names the statement can make of the rows
 * (`('x'||substr(ssn,1,1))::regclass`), shown only to who may see them.
 */
export const CANNOT_RUN_HERE = 'it cannot run here:';

/** PostgreSQL's SQLSTATEs the checks tell apart (Appendix A of its manual). */
const UNDEFINED_TABLE = '42P01';
const INSUFFICIENT_PRIVILEGE = '42501';

/** A mismatch as told to who may not see its figures. */
export const DIFFERENT_RESULTS =
  'the original and the rewrite returned different results';

const FIGURES =
  /the original returned \d+ rows \(checksum -?\d+\), the rewrite \d+ \(checksum -?\d+\)/g;

/**
 * Text with a mismatch's counts and checksums told as a difference only: they
 * answer questions about the dataset's rows too (a count made to equal a value,
 * a one-value result's unkeyed hash), for who may see those rows only.
 */
export function withoutFigures(text: string): string {
  return text.replace(FIGURES, DIFFERENT_RESULTS);
}

/**
 * Why a consumer failed its shadow checks, as a failure anyone who may read the
 * run reads (and its owners are told): no row, count, checksum or engine error,
 * which the checks keep for who may see the dataset's rows.
 */
export function describeMismatches(mismatches: ShadowCheck[]): string {
  return mismatches
    .map(
      m =>
        `${m.path} statement ${m.statement}: ${
          m.detail?.startsWith(SHADOW_CHECK_FAILED)
            ? 'the check failed; its error is in its shadow checks'
            : `${withoutFigures(
                m.detail ?? DIFFERENT_RESULTS,
              )}; its counts, checksums and sample rows are in its shadow checks`
        }`,
    )
    .join('; ');
}

/** Why a check reading datasets beside the migrated one keeps none of their values. */
const WITHHELD_BECAUSE =
  'the consumer’s SQL may read datasets it declares in dependsOn, whose values not everyone who may read this check may read:';

/** The check was refused a relation or schema it had been granted. */
class GrantLost extends Error {}

/** The versions a check compares, or undefined where the engine cannot compare queries. */
export function versionRelations(
  engine: DatasetEngine,
  dataset: DatasetLocation,
  fromVersion: number,
  targetVersion: number,
  /** Where the new version is, when the migration renames the dataset. */
  renamedDataset?: DatasetLocation,
): VersionRelations | undefined {
  if (!engine.compareQueries || !engine.versionRelation) return undefined;
  return {
    before: engine.versionRelation(dataset, fromVersion),
    after: engine.versionRelation(renamedDataset ?? dataset, targetVersion),
  };
}

/**
 * Compares each planned statement on the engine: same row count and checksum,
 * or a mismatch with rows that differ. A skipped one is reported as skipped.
 */
export async function runShadowChecks(
  run: {
    engine: DatasetEngine;
    relations?: VersionRelations;
    timeoutMs: number;
    sampleRows?: number;
    alsoReads?: string[];
  },
  planned: PlannedCheck[],
): Promise<ShadowCheck[]> {
  const checks: ShadowCheck[] = [];
  for (const statement of planned) {
    const check = { path: statement.path, statement: statement.statement };
    if ('skipped' in statement) {
      checks.push({ ...check, outcome: 'skipped', detail: statement.skipped });
      continue;
    }
    const { engine, relations } = run;
    if (!engine.compareQueries || !relations)
      throw new Error('the engine cannot compare queries');
    const { before: beforeSql, after: afterSql } = statement;
    // Rows and engine errors may hold values of a dataset read beside, which not
    // everyone who may read this run's checks may read: none are kept then.
    const readsBeside = (run.alsoReads ?? []).length > 0;
    const reads = [relations.before, relations.after, ...(run.alsoReads ?? [])];
    const compareQueries = engine.compareQueries.bind(engine);
    try {
      const result = await keepingGrants(reads, () =>
        compareQueries({
          before: beforeSql,
          after: afterSql,
          sampleRows: readsBeside ? 0 : run.sampleRows ?? 5,
          timeoutMs: run.timeoutMs,
          reads,
          // A field the rewrite reads as it is, widened, compares as the wider type.
          allowWidening: true,
        }),
      );
      const match =
        result.differing.length === 0 &&
        result.before.rows === result.after.rows &&
        result.before.checksum === result.after.checksum;
      // Counts and checksums can carry a value too (a row count made to equal one).
      checks.push(
        readsBeside
          ? {
              ...check,
              outcome: match ? 'match' : 'mismatch',
              ...(match
                ? {}
                : {
                    detail: `${DIFFERENT_RESULTS}; ${WITHHELD_BECAUSE} no counts, checksums or rows are kept`,
                  }),
            }
          : {
              ...check,
              before: result.before,
              after: result.after,
              outcome: match ? 'match' : 'mismatch',
              ...(match
                ? {}
                : {
                    detail: `the original returned ${result.before.rows} rows (checksum ${result.before.checksum}), the rewrite ${result.after.rows} (checksum ${result.after.checksum})`,
                    differingRows: result.differing,
                  }),
            },
      );
    } catch (error) {
      // The engine went away mid-check: the step is retried, nothing is judged.
      if (error instanceof MigrationInterruptedError) throw error;
      const message = (error as Error).message;
      // A relation the warehouse lacks (e.g. a table of the consumer's own), or one
      // not granted for the check, cannot be checked here.
      // Anything else refused (a server file read) fails the check.
      // Judged by SQLSTATE, never by the message's words: the statement can make
      // an error of another kind say anything (`(ssn || ' permission denied for
      // table x')::int`), and what follows CANNOT_RUN_HERE goes only to who may
      // see the rows. Beside other datasets, even they get no message.
      const engineWords = readsBeside ? withheld(error) : message;
      if (error instanceof GrantLost)
        checks.push({ ...check, outcome: 'mismatch', detail: message });
      else if (missingRelationOfTheSql(error, beforeSql, afterSql))
        checks.push({
          ...check,
          outcome: 'skipped',
          detail: `${CANNOT_RUN_HERE} ${engineWords}`,
        });
      else if (
        sqlState(error) === INSUFFICIENT_PRIVILEGE &&
        /^permission denied for (table|view|materialized view|schema) \S+$/.test(
          message,
        )
      )
        checks.push({
          ...check,
          outcome: 'skipped',
          detail: `${CANNOT_RUN_HERE} ${engineWords}: shadow checks may read only the dataset's versions and the datasets the consumer declares in dependsOn`,
        });
      else
        checks.push({
          ...check,
          outcome: 'mismatch',
          detail: `${SHADOW_CHECK_FAILED} ${engineWords}`,
        });
    }
  }
  return checks;
}

/**
 * Whether an error says a relation the statement names does not exist (a table
 * of the consumer's own): a check that cannot run here. A name the statement
 * does not hold came from the rows (`(SELECT ssn …)::regclass`), so the error
 * quotes them: the check failed, its error kept for who may see them.
 */
function missingRelationOfTheSql(
  error: unknown,
  ...statements: string[]
): boolean {
  if (sqlState(error) !== UNDEFINED_TABLE) return false;
  const missing = /^relation "(.*)" does not exist$/.exec(
    (error as Error).message,
  )?.[1];
  if (missing === undefined) return false;
  const name = missing.split('.').at(-1)!.toLowerCase();
  return statements.some(sql => sql.toLowerCase().includes(name));
}

/** The SQLSTATE of an error PostgreSQL sent; undefined for any other error. */
function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** Tries of a comparison refused what it was granted: the second grants anew. */
const GRANT_ATTEMPTS = 2;

/**
 * Runs `compare`; refused a relation or schema among `reads` (granted for it, then
 * revoked meanwhile: its lock holder's connection was lost and another check's end
 * revoked what no one held), it runs once more with its grants made anew, then fails:
 * a refusal of what the check granted says nothing about the consumer's SQL.
 */
async function keepingGrants(
  reads: string[],
  compare: () => Promise<QueryComparison>,
): Promise<QueryComparison> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await compare();
    } catch (error) {
      const refused =
        /permission denied for (table|view|materialized view|schema) (.+)$/.exec(
          (error as Error).message,
        );
      if (
        !refused ||
        !grantedNames(reads, refused[1] === 'schema').has(refused[2])
      )
        throw error;
      if (attempt === GRANT_ATTEMPTS)
        throw new GrantLost(
          `${
            (error as Error).message
          }, which the check had granted, ${GRANT_ATTEMPTS} times: its grant was revoked while it ran, so the statement is not verified; retry the consumer`,
        );
    }
  }
}

/** The relations' names in `reads` (or their schemas'), as the engine's errors print them. */
function grantedNames(reads: string[], schemas: boolean): Set<string> {
  const names = reads.flatMap(relation => {
    const parts = [...relation.matchAll(/"((?:[^"]|"")*)"|([^."\s]+)/g)].map(
      ([, quoted, bare]) =>
        quoted !== undefined ? quoted.replace(/""/g, '"') : bare.toLowerCase(),
    );
    const name = schemas ? parts[parts.length - 2] : parts[parts.length - 1];
    return name === undefined ? [] : [name];
  });
  return new Set(names);
}

/** PostgreSQL's SQLSTATE classes a consumer query commonly fails with. */
const SQLSTATE_CLASSES: Record<string, string> = {
  '21': 'cardinality violation',
  '22': 'data exception',
  '23': 'integrity constraint violation',
  '25': 'invalid transaction state',
  '42': 'syntax error or access rule violation',
  '53': 'insufficient resources',
  '54': 'program limit exceeded',
  '57': 'operator intervention, e.g. the statement timeout',
  XX: 'internal error',
};

/**
 * The engine's error without its message, which may quote a value it read (`invalid
 * input syntax for type integer: "…"`): its SQLSTATE says what kind it was.
 */
function withheld(error: unknown): string {
  const code = sqlState(error);
  // Errors of the check's own (different columns) carry no SQLSTATE and no values.
  if (code === undefined) return (error as Error).message;
  return `the engine answered SQLSTATE ${code} (${
    SQLSTATE_CLASSES[code.slice(0, 2)] ?? `class ${code.slice(0, 2)}`
  }); ${WITHHELD_BECAUSE} its message is withheld`;
}
