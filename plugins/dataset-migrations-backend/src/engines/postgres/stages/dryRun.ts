/** Stage dry-run: transform a sample of the source without writing anything. */
import { randomInt } from 'node:crypto';
import type { DatasetMigrationRun } from '@dataset-migrations/plugin-dataset-migrations-node';
import { isInterruption, readOnly, type Connections } from '../connection';
import { failingRowsError } from '../diagnostics/failingRows';
import { estimateRows, quoteRelation } from '../relations';
import { changedRowsSql, dryRunSql, nullRowsSql } from '../sql/copy';
import { changedValueWords, checkedCastOf } from '../sql/keptValues';
import { sampleRowsSql, toSample } from '../sql/sampleRows';
import type { MigrationShape } from '../sql/shape';
import { q } from '../sql/values';
import type { PoolClient } from 'pg';

/** PostgreSQL's code for a statement stopped by statement_timeout (or a cancel). */
const QUERY_CANCELED = '57014';

/** Rows the dry run transforms; small tables are transformed whole. */
export const DRY_RUN_SAMPLE_ROWS = 10_000;

/** How many rows giving NULL to a NOT NULL field the dry run names, per field. */
const NULL_ROWS_NAMED = 5;

/**
 * Transforms a sample in a read-only transaction and records a few of its rows
 * before and after, read in the same transaction; names the rows it fails on.
 */
export async function dryRun(
  db: Connections,
  run: DatasetMigrationRun,
  shape: MigrationShape,
): Promise<void> {
  await db.withClient(async client => {
    const rows = await estimateRows(client, shape.source);
    const percent =
      rows > DRY_RUN_SAMPLE_ROWS ? (100 * DRY_RUN_SAMPLE_ROWS) / rows : 100;
    // Whole pages, so the sample reads about as many pages as it transforms rows'
    // worth, however large the table (BERNOULLI would read every page).
    // Repeatable, so that rows it finds wrong are named from the same sample.
    const tableSample =
      percent < 100
        ? `TABLESAMPLE SYSTEM (${percent.toFixed(4)}) REPEATABLE (${randomInt(
            2 ** 31 - 1,
          )})`
        : '';
    const outcome = await readOnly(client, 'default', async () => {
      const result = await client.query<Record<string, string>>(
        dryRunSql(shape, tableSample),
      );
      const refusal = await nullsRefusal(
        client,
        shape,
        tableSample,
        result.rows[0],
      );
      const changed = await changedRefusal(
        client,
        shape,
        tableSample,
        result.rows[0],
      );
      if (refusal || changed)
        return { refusal: [refusal, changed].filter(Boolean).join('; ') };
      const shown = await client.query<Record<string, string | null>>(
        sampleRowsSql(shape),
      );
      // Logged last in the read-only transaction, which has nothing left to lose.
      await run.log(
        `transformed ${result.rows[0].rows} sample rows without error`,
      );
      return { shown: shown.rows };
    }).catch(async error => {
      // An interruption (the plugin's store lost under the log, say) is no
      // failure of the transform: no search for failing rows.
      if (isInterruption(error)) throw error;
      // Every row is slow, none fails: searching for failing rows would only repeat it.
      if ((error as { code?: string }).code === QUERY_CANCELED)
        throw new Error(
          `the transform of the sample was stopped by the engine's statementTimeout: its expressions cost too much per row (${
            (error as Error).message
          })`,
        );
      throw await failingRowsError(db, shape, error as Error);
    });
    if ('refusal' in outcome) throw new Error(outcome.refusal);
    await run.recordDryRunSample(toSample(shape, outcome.shown));
  });
}

/**
 * Why the new version cannot hold the sample, when a field it holds NOT NULL
 * takes NULL in some of its rows (counted by dryRunSql): per field, how many
 * rows and the first of them by key, and where the source's own NOT NULL on it
 * was added NOT VALID (PostgreSQL 18), that this is why. The insert would
 * refuse them only at the backfill, once the new version was built.
 */
async function nullsRefusal(
  client: PoolClient,
  shape: MigrationShape,
  tableSample: string,
  counts: Record<string, string>,
): Promise<string | undefined> {
  const offending = shape.fields.flatMap((field, i) => {
    const nulls = Number(counts[`nulls_${i}`] ?? 0);
    return nulls > 0 ? [{ field, i, nulls }] : [];
  });
  if (offending.length === 0) return undefined;
  // Constraint type 'n' is PostgreSQL 18's: none on an earlier server.
  const { rows: notValid } = await client.query<{
    field: string;
    name: string;
  }>(
    `SELECT a.attname AS field, c.conname AS name
       FROM pg_catalog.pg_constraint c
       JOIN pg_catalog.pg_attribute a
         ON a.attrelid = c.conrelid AND a.attnum = c.conkey[1]
      WHERE c.conrelid = $1::regclass AND c.contype = 'n' AND NOT c.convalidated`,
    [quoteRelation(shape.source)],
  );
  const problems: string[] = [];
  for (const { field, i, nulls } of offending) {
    const { rows } = await client.query<{ key: string }>(
      nullRowsSql(shape, i, tableSample, NULL_ROWS_NAMED),
    );
    const keys = rows.map(r => r.key);
    const from =
      field.source.kind === 'copy' || field.source.kind === 'cast'
        ? field.source.from
        : undefined;
    const constraint = notValid.find(c => c.field === from);
    problems.push(
      `field ${q(
        field.name,
      )} is NOT NULL in the new version, but ${nulls} of the ${
        counts.rows
      } rows the dry run transformed ${nulls === 1 ? 'gives' : 'give'} it NULL${
        keys.length > 0
          ? ` (${keys.join('; ')}${nulls > keys.length ? '; …' : ''})`
          : ''
      }${
        constraint
          ? `: the source's NOT NULL constraint ${q(constraint.name)} on ${q(
              from!,
            )} is NOT VALID, and rows from before it hold NULL; give them a value and validate it, or drop it`
          : ''
      }`,
    );
  }
  return problems.join('; ');
}

/**
 * Why the new version cannot hold the sample as it is, when a retype's cast
 * changes values of it without an error (counted by dryRunSql; see
 * keptValues.ts): per field, how many rows, and the first of them by key with
 * the value and what the cast makes of it. The copy would refuse them only at
 * the backfill.
 */
async function changedRefusal(
  client: PoolClient,
  shape: MigrationShape,
  tableSample: string,
  counts: Record<string, string>,
): Promise<string | undefined> {
  const problems: string[] = [];
  for (const [i, field] of shape.fields.entries()) {
    const changed = Number(counts[`changed_${i}`] ?? 0);
    const cast = checkedCastOf(shape, field);
    if (changed === 0 || !cast) continue;
    const { rows } = await client.query<{
      key: string;
      was: string;
      became: string;
    }>(changedRowsSql(shape, cast, tableSample, NULL_ROWS_NAMED));
    const { what, remedy } = changedValueWords(cast);
    problems.push(
      `${what} ${changed} of the ${
        counts.rows
      } rows the dry run transformed (${[
        ...rows.map(r => `${r.key}: ${r.was} into ${r.became}`),
        ...(changed > rows.length ? ['…'] : []),
      ].join('; ')}); ${remedy}`,
    );
  }
  return problems.length > 0 ? problems.join('; ') : undefined;
}
