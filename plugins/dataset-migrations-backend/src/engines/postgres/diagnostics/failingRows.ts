/** Which source rows a transform fails on, found by halving key ranges that fail. */
import type { PoolClient } from 'pg';
import { readOnly, type Connections } from '../connection';
import { quoteRelation } from '../relations';
import { transformRangeSql } from '../sql/copy';
import { dayFirstAdvice } from '../sql/keptValues';
import { keyTypesOf, type MigrationShape } from '../sql/shape';
import { q } from '../sql/values';

/** A row the transform fails on, and PostgreSQL's error code for it. */
interface FailingRow {
  row: string;
  code?: string;
}

/** `date/time field value out of range`: what a date read month first gives for `13/01/2026`. */
const DATE_OUT_OF_RANGE = '22008';

/** How many failing rows are named before the search stops. */
const MAX_FAILING_ROWS = 10;

/**
 * Finds which source rows the transform fails on, by transforming key ranges and
 * halving the ones that fail, and returns an error naming them.
 */
export async function failingRowsError(
  db: Connections,
  shape: MigrationShape,
  cause: Error,
): Promise<Error> {
  const failures = await db.withClient(async c => {
    const keyTypes = keyTypesOf(shape);
    const keyList = shape.sourceKey.map(k => `${q(k)}::text`).join(', ');
    const order = shape.sourceKey.map(q).join(', ');
    const found: FailingRow[] = [];
    let lastKey: string[] | null = null;
    await readOnly(c, 'default', async () => {
      while (found.length < MAX_FAILING_ROWS) {
        const after: string = lastKey
          ? `WHERE (${order}) > (${keyTypes
              .map((t, i) => `$${i + 1}::${t}`)
              .join(', ')})`
          : '';
        const { rows } = await c.query(
          `SELECT ARRAY[${keyList}] AS key FROM ${quoteRelation(
            shape.source,
          )} ${after} ORDER BY ${order} LIMIT 10000`,
          lastKey ?? [],
        );
        if (rows.length === 0) break;
        const keys: string[][] = rows.map(r => r.key);
        await bisect(c, shape, keyTypes, keys, found);
        lastKey = keys[keys.length - 1];
      }
    });
    return found;
  });
  if (failures.length === 0) return cause;
  const advice = failures.some(f => f.code === DATE_OUT_OF_RANGE)
    ? dayFirstAdvice(shape)
    : undefined;
  return new Error(
    `the transform fails on ${
      failures.length >= MAX_FAILING_ROWS ? 'at least ' : ''
    }${failures.length} rows: ${failures.map(f => f.row).join('; ')}${
      advice ? `; ${advice}` : ''
    }`,
  );
}

async function bisect(
  client: PoolClient,
  shape: MigrationShape,
  keyTypes: string[],
  keys: string[][],
  found: FailingRow[],
): Promise<void> {
  if (keys.length === 0 || found.length >= MAX_FAILING_ROWS) return;
  await client.query('SAVEPOINT range');
  try {
    await client.query(transformRangeSql(shape, keyTypes), [
      ...keys[0],
      ...keys[keys.length - 1],
    ]);
    await client.query('RELEASE SAVEPOINT range');
    return;
  } catch (error) {
    await client.query('ROLLBACK TO SAVEPOINT range');
    if (keys.length === 1) {
      const key = shape.sourceKey
        .map((k, i) => `${k}=${keys[0][i]}`)
        .join(', ');
      found.push({
        row: `${key}: ${(error as Error).message}`,
        code: (error as { code?: string }).code,
      });
      return;
    }
  }
  const middle = Math.floor(keys.length / 2);
  await bisect(client, shape, keyTypes, keys.slice(0, middle), found);
  await bisect(client, shape, keyTypes, keys.slice(middle), found);
}
