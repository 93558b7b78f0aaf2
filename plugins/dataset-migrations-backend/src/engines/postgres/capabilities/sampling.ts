/** How well a field's values match examples, for inferring a migration from them. */
import type { DatasetLocation } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { Connections } from '../connection';
import { parseRelationName, quoteRelation, resolveDataset } from '../relations';
import { q } from '../sql/values';

/** Rows whose values an inference compares with a field's examples. */
const SAMPLE_ROWS = 100_000;

export async function sampleOverlap(
  db: Connections,
  dataset: DatasetLocation,
  field: string,
  examples: string[],
): Promise<number> {
  if (examples.length === 0) return 0;
  return db.withClient(async client => {
    const { storage } = await resolveDataset(
      client,
      parseRelationName(dataset.table),
    );
    const { rows } = await client.query<{ found: number }>(
      `SELECT count(DISTINCT e)::int AS found FROM unnest($1::text[]) AS e
        WHERE e IN (SELECT ${q(field)}::text FROM ${quoteRelation(
        storage,
      )} LIMIT ${SAMPLE_ROWS})`,
      [examples],
    );
    return rows[0].found / new Set(examples).size;
  });
}
