/** Stage indexes: the old version's indexes and constraints, rebuilt on the new one. */
import type { DatasetMigrationRun } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { Connections } from '../connection';
import { formatRelation, quoteRelation } from '../relations';
import type { MigrationShape } from '../sql/shape';

/**
 * Rebuilds the old version's indexes on the new one once its rows are in (faster
 * than keeping them up during the copy), without blocking the writes the capture
 * carries over; then adds and validates its CHECKs and foreign keys. Each piece
 * is skipped when an earlier attempt finished it.
 */
export async function buildIndexes(
  db: Connections,
  run: DatasetMigrationRun,
  shape: MigrationShape,
): Promise<void> {
  const { indexes, constraints, skipped } = shape.carryOver;
  for (const reason of skipped)
    await run.log(`not carried over: ${reason}`, 'warn');
  for (const [i, index] of indexes.entries()) {
    await run.throwIfCancelled();
    await db.withClient(async client => {
      const { rows } = await client.query<{ valid: boolean }>(
        `SELECT i.indisvalid AS valid FROM pg_index i
          WHERE i.indexrelid = to_regclass($1) AND i.indrelid = $2::regclass`,
        [
          quoteRelation({ schema: shape.target.schema, name: index.name }),
          quoteRelation(shape.target),
        ],
      );
      if (rows[0]?.valid) return;
      // A concurrent build that was interrupted leaves an invalid index behind.
      if (rows[0])
        await client.query(
          `DROP INDEX CONCURRENTLY ${quoteRelation({
            schema: shape.target.schema,
            name: index.name,
          })}`,
        );
      await client.query(index.create);
    });
    await run.progress('indexes', i + 1, indexes.length);
  }
  for (const constraint of constraints) {
    await run.throwIfCancelled();
    await db.transaction(async client => {
      const { rowCount } = await client.query(
        `SELECT 1 FROM pg_constraint WHERE conrelid = $1::regclass AND conname = $2`,
        [quoteRelation(shape.target), constraint.name],
      );
      if (!rowCount) await client.query(constraint.add);
    });
    // Validating reads every row but lets writers on: its own transaction.
    if (constraint.validate)
      await db.transaction(client => client.query(constraint.validate!));
  }
  await run.log(
    `rebuilt ${indexes.length} indexes and ${
      constraints.length
    } constraints on ${formatRelation(shape.target)}`,
  );
}
