import type { Knex } from 'knex';
import type { ConsumerState } from '@dataset-migrations/plugin-dataset-migrations-common';
import { CONSUMERS_TABLE } from './consumerRows';

/**
 * The states a consumer of a run that never went live can be in with a step
 * still ahead of it: found, assessed, patched. A step past `verified` runs
 * only once the new version is live (a cancel refuses a run that succeeded),
 * so no pull request is open to close; a consumer awaiting a decision is
 * `failed`, a person's decision `kept` or `excluded`: kept as they are, for a
 * retry of the run to find.
 */
const OPEN_BEFORE_LIVE: ConsumerState[] = ['discovered', 'patched', 'verified'];

/**
 * Settles the consumers of a run that has just ended `cancelled` or `failed`
 * (never live: a run goes live only by succeeding), in the transaction that ends
 * it: each with a step still ahead becomes `superseded` with why, and without a
 * claim, as a rollback settles them. A job racing the end writes nothing after:
 * every step's write is fenced on the state it started from, and a settled row
 * is never claimed. Idempotent.
 */
export async function supersedeConsumersOfEndedRun(
  tx: Knex.Transaction,
  migrationId: string,
  ended: 'cancelled' | 'failed',
): Promise<number> {
  return tx(CONSUMERS_TABLE)
    .where({ migration_id: migrationId })
    .whereIn('state', OPEN_BEFORE_LIVE)
    .update({
      state: 'superseded',
      claimed_by: null,
      claimed_until: null,
      advance_requested: false,
      superseded_reason: tx
        .from('migrations')
        .where({ id: migrationId })
        .select(
          tx.raw(
            `format('Migration %s of %s (to version %s) ${
              ended === 'cancelled' ? 'was cancelled' : 'failed'
            } before its new version went live: readers stay on version %s. Nothing more is needed unless the migration is retried.', id, entity_ref, target_version, from_version)`,
          ),
        ),
      updated_at: tx.fn.now(),
    });
}

/**
 * A cancelled or failed run queued again: its consumers its end superseded are
 * `discovered` again, for its assessment and, once it is live, their steps
 * (a rolled-back run, whose consumers are superseded for good, is never queued
 * again).
 */
export async function reviveConsumersOfEndedRun(
  tx: Knex.Transaction,
  migrationId: string,
): Promise<number> {
  return tx(CONSUMERS_TABLE)
    .where({ migration_id: migrationId, state: 'superseded' })
    .update({
      state: 'discovered',
      superseded_reason: null,
      updated_at: tx.fn.now(),
    });
}
