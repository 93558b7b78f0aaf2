/**
 * Shadow-query comparison: a consumer's query and its rewrite, run side by side on
 * one read-only snapshot, compared by their rows.
 */
import type { PoolClient } from 'pg';
import type {
  QueryComparison,
  QueryComparisonRequest,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import { widensForReaders } from '@dataset-migrations/plugin-dataset-migrations-common';
import { readOnly } from '../connection';
import { resultFigures } from '../figures';
import { rowChecksum } from '../sql/checksums';
import { q } from '../sql/values';
import type { ShadowReader } from './shadowReader';

export async function compareQueries(
  reader: ShadowReader,
  comparison: QueryComparisonRequest,
): Promise<QueryComparison> {
  let request = comparison;
  // As a role that may read the dataset's versions and nothing a superuser could.
  return reader.withClient(comparison.reads, async client => {
    // Read-only, one snapshot: consumer SQL can change nothing, and both sides
    // see the same rows.
    return readOnly(client, 'snapshot', async () => {
      await client.query(
        `SET LOCAL statement_timeout = ${Math.max(
          1,
          Math.floor(request.timeoutMs),
        )}`,
      );
      // Same columns, by name and type, or the results are not the same.
      const columns = async (sql: string) =>
        (await client.query(`SELECT * FROM (${sql}\n) q LIMIT 0`)).fields;
      const shape = (fields: Awaited<ReturnType<typeof columns>>) =>
        fields.map(f => `${f.name}:${f.dataTypeID}`).join(', ');
      const [beforeColumns, afterColumns] = [
        await columns(request.before),
        await columns(request.after),
      ];
      const [beforeShape, afterShape] = [
        shape(beforeColumns),
        shape(afterColumns),
      ];
      // A column the rewrite reads in a wider type is compared in that type.
      const widened =
        beforeShape !== afterShape && request.allowWidening
          ? await widenedQuery(
              client,
              request.before,
              beforeColumns,
              afterColumns,
            )
          : undefined;
      if (beforeShape !== afterShape && !widened) {
        throw new Error(
          `the rewrite returns other columns (${afterShape}) than the original (${beforeShape})`,
        );
      }
      if (widened) request = { ...request, before: widened };
      const figures = (sql: string) =>
        resultFigures(
          client,
          `SELECT count(*) AS rows, ${rowChecksum(
            'q',
          )} AS checksum FROM (${sql}\n) q`,
        );
      const before = await figures(request.before);
      const after = await figures(request.after);
      const differing: QueryComparison['differing'] = [];
      if (before.rows !== after.rows || before.checksum !== after.checksum) {
        for (const [side, mine, theirs] of [
          ['before', request.before, request.after],
          ['after', request.after, request.before],
        ] as const) {
          const { rows } = await client.query<{ row: string }>(
            `SELECT row FROM (SELECT q::text AS row FROM (${mine}\n) q
               EXCEPT ALL SELECT q::text FROM (${theirs}\n) q) d LIMIT ${Math.floor(
              request.sampleRows,
            )}`,
          );
          differing.push(...rows.map(r => ({ side, row: r.row })));
        }
      }
      return { before, after, differing };
    });
  });
}

/**
 * The original query with each column the rewrite returns in a wider type (see
 * `widensForReaders`) cast to that type, so both sides are compared as values of
 * the wider type (`sum(ms)` is `bigint` over an integer, `numeric` over a
 * bigint); undefined when the columns differ otherwise.
 */
async function widenedQuery(
  client: PoolClient,
  before: string,
  beforeColumns: Array<{ name: string; dataTypeID: number }>,
  afterColumns: Array<{
    name: string;
    dataTypeID: number;
    dataTypeModifier: number;
  }>,
): Promise<string | undefined> {
  if (
    beforeColumns.length !== afterColumns.length ||
    beforeColumns.some((c, i) => c.name !== afterColumns[i].name)
  )
    return undefined;
  const { rows } = await client.query<{
    from: string;
    to: string;
    cast: string;
  }>(
    `SELECT format_type(b, NULL) AS "from", format_type(a, NULL) AS "to",
            format_type(a, NULLIF(m, -1)) AS "cast"
       FROM unnest($1::oid[], $2::oid[], $3::int[]) WITH ORDINALITY AS t(b, a, m, i)
      ORDER BY i`,
    [
      beforeColumns.map(c => c.dataTypeID),
      afterColumns.map(c => c.dataTypeID),
      afterColumns.map(c => c.dataTypeModifier),
    ],
  );
  const list: string[] = [];
  for (const [i, column] of afterColumns.entries()) {
    const { from, to, cast } = rows[i];
    const value = `q.c${i}`;
    if (beforeColumns[i].dataTypeID === column.dataTypeID)
      list.push(`${value} AS ${q(column.name)}`);
    else if (widensForReaders(from, to))
      list.push(`CAST(${value} AS ${cast}) AS ${q(column.name)}`);
    else return undefined;
  }
  return `SELECT ${list.join(', ')} FROM (${before}\n) q(${afterColumns
    .map((_, i) => `c${i}`)
    .join(', ')})`;
}
