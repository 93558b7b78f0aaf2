/** Stage indexes: the old version's indexes and constraints, rebuilt on the new one. */
import { setTimeout as sleep } from 'node:timers/promises';
import type { DatasetMigrationRun } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { Connections } from '../connection';
import { formatRelation, quoteRelation } from '../relations';
import type { MigrationShape } from '../sql/shape';
import { NOT_FOR_THE_NEW_TYPE } from '../carryOver';
import { removeGhosts } from '../ghosts';
import type { CarriedIndex } from '../carryOver';

/**
 * What `ADD CONSTRAINT … USING INDEX` says of an index it cannot take (one
 * whose sorting or collation is not its columns' default).
 */
const NOT_A_CONSTRAINT_INDEX = new Set(['42809', '0A000']);

/** PostgreSQL's code for a lock not granted within lock_timeout. */
const LOCK_NOT_AVAILABLE = '55P03';

/**
 * How long `ADD CONSTRAINT` waits for its lock on the new version, each try:
 * every writer of the source writes the new version through the capture, and
 * queues behind the waiting ALTER (found by a review: 2.5 s behind one idle
 * reader, and up to the run's lock timeout, 5 s, each attempt).
 */
const CONSTRAINT_LOCK_TIMEOUT_MS = 100;
/** Tries, a growing pause apart, before the index is kept as it is. */
const CONSTRAINT_TRIES = 8;

/**
 * Turns a rebuilt unique index into the `UNIQUE` constraint it backed on the
 * old version, skipped when an earlier attempt did. Where PostgreSQL will not
 * take the index, or its lock is not granted within a few short waits, it
 * stays a unique index: it enforces the same, only `ON CONFLICT ON CONSTRAINT`
 * on the new version's table does not find it.
 */
async function makeConstraint(
  db: Connections,
  run: DatasetMigrationRun,
  shape: MigrationShape,
  index: CarriedIndex,
): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    try {
      await db.transaction(async client => {
        const { rowCount } = await client.query(
          `SELECT 1 FROM pg_constraint WHERE conrelid = $1::regclass AND conname = $2`,
          [quoteRelation(shape.target), index.name],
        );
        if (rowCount) return;
        await client.query(
          `SET LOCAL lock_timeout = '${CONSTRAINT_LOCK_TIMEOUT_MS}ms'`,
        );
        await client.query(index.constraint!);
      });
      return;
    } catch (error) {
      const code = (error as { code?: string }).code ?? '';
      const waitedOut = code === LOCK_NOT_AVAILABLE;
      if (waitedOut && attempt < CONSTRAINT_TRIES) {
        await sleep(Math.min(1000, 50 * 2 ** attempt));
        continue;
      }
      if (!waitedOut && !NOT_A_CONSTRAINT_INDEX.has(code)) throw error;
      await run.log(
        `kept as a unique index, not a UNIQUE constraint: ${index.name} (for ${
          index.original
        }): ${
          waitedOut
            ? `its lock on the new version was not granted within ${CONSTRAINT_LOCK_TIMEOUT_MS} ms in ${CONSTRAINT_TRIES} tries, and writers would have queued behind it`
            : (error as Error).message
        }`,
        'warn',
      );
      return;
    }
  }
}

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
      if (rows[0]?.valid) {
        // Built by an attempt that stopped before marking it.
        if (index.comment) await client.query(index.comment);
        return;
      }
      // A concurrent build that was interrupted leaves an invalid index behind.
      const drop = `DROP INDEX CONCURRENTLY IF EXISTS ${quoteRelation({
        schema: shape.target.schema,
        name: index.name,
      })}`;
      if (rows[0]) await client.query(drop);
      try {
        await client.query(index.create);
        if (index.comment) await client.query(index.comment);
      } catch (error) {
        // One for readers of the previous shape only: they read as before without it.
        if (!index.expand) throw error;
        // A concurrent build that failed leaves an invalid index of its name; one
        // of that name elsewhere (the cause, maybe) is not this run's.
        const left = await client.query(
          `SELECT 1 FROM pg_index WHERE indexrelid = to_regclass($1) AND indrelid = $2::regclass`,
          [
            quoteRelation({ schema: shape.target.schema, name: index.name }),
            quoteRelation(shape.target),
          ],
        );
        if (left.rowCount) await client.query(drop);
        await run.log(
          `not indexed for readers of the previous shape: ${index.original}: ${
            (error as Error).message
          }`,
          'warn',
        );
      }
    });
    if (index.constraint) await makeConstraint(db, run, shape, index);
    await run.progress('indexes', i + 1, indexes.length);
  }
  let carried = 0;
  let ghostsRemoved = false;
  for (const constraint of constraints) {
    await run.throwIfCancelled();
    try {
      await db.transaction(async client => {
        const { rowCount } = await client.query(
          `SELECT 1 FROM pg_constraint WHERE conrelid = $1::regclass AND conname = $2`,
          [quoteRelation(shape.target), constraint.name],
        );
        if (!rowCount) await client.query(constraint.add);
      });
    } catch (error) {
      // Over a widened field, as written for the previous type only.
      const code = (error as { code?: string }).code;
      if (!constraint.widened || !NOT_FOR_THE_NEW_TYPE.has(code ?? ''))
        throw error;
      await run.log(
        `not carried over: ${constraint.kind} ${constraint.name}: ${
          (error as Error).message
        }`,
        'warn',
      );
      continue;
    }
    carried++;
    // Ghosts come from the copy alone, which is over: once, before the first.
    if (constraint.validate && constraint.selfReference && !ghostsRemoved) {
      await db.withClient(client => removeGhosts(client, shape));
      ghostsRemoved = true;
    }
    // Validating reads every row but lets writers on: its own transaction.
    if (constraint.validate)
      await db.transaction(client => client.query(constraint.validate!));
  }
  await run.log(
    `rebuilt ${
      indexes.length
    } indexes and ${carried} constraints on ${formatRelation(shape.target)}`,
  );
}
