import type { Pool } from 'pg';

/**
 * Where a kill can land, read from the plugin's own ledger: a run's stage is its
 * running step (public stage names), a consumer's step is the state its claimed
 * row is being moved from.
 */

export const RUN_STAGES = [
  'dry-run',
  'create-target',
  'backfill',
  'indexes',
  'verify',
  'cut-over',
] as const;
export const OPERATIONS = ['rollback', 'contract'] as const;
export const CONSUMER_STEPS = [
  'patch',
  'consumer-verify',
  'pull-request',
] as const;

export type KillPoint =
  | (typeof RUN_STAGES)[number]
  | (typeof OPERATIONS)[number]
  | (typeof CONSUMER_STEPS)[number];

/** The ledger states from which a consumer still has the step ahead of it. */
const BEFORE_STEP_DONE: Record<(typeof CONSUMER_STEPS)[number], string[]> = {
  patch: ['discovered'],
  'consumer-verify': ['discovered', 'patched'],
  'pull-request': ['discovered', 'patched', 'verified'],
};

export function isConsumerStep(
  point: KillPoint,
): point is (typeof CONSUMER_STEPS)[number] {
  return (CONSUMER_STEPS as readonly string[]).includes(point);
}

/** What is running for the migration now: a stage of its latest attempt, or a consumer step. */
export async function runningPoints(
  plugin: Pool,
  migrationId: string,
): Promise<KillPoint[]> {
  const { rows } = await plugin.query(
    `SELECT s.name AS point FROM migration_steps s
      WHERE s.migration_id = $1 AND s.status = 'running'
        AND s.attempt = (SELECT max(attempt) FROM migration_steps WHERE migration_id = $1)
     UNION ALL
     SELECT CASE c.state WHEN 'discovered' THEN 'patch' WHEN 'patched' THEN 'consumer-verify'
                         ELSE 'pull-request' END
       FROM migration_consumers c
      WHERE c.migration_id = $1 AND c.claimed_by IS NOT NULL AND c.claimed_until > now()
        AND c.state IN ('discovered', 'patched', 'verified')`,
    [migrationId],
  );
  return rows.map(r => r.point as KillPoint);
}

/** True once `point` can no longer happen in this migration (it finished everywhere it applies). */
export async function pointPassed(
  plugin: Pool,
  migrationId: string,
  point: KillPoint,
): Promise<boolean> {
  if (isConsumerStep(point)) {
    const { rows } = await plugin.query(
      `SELECT count(*) FILTER (WHERE state = ANY($2))::int AS waiting, count(*)::int AS consumers
         FROM migration_consumers WHERE migration_id = $1`,
      [migrationId, BEFORE_STEP_DONE[point]],
    );
    return rows[0].consumers > 0 && rows[0].waiting === 0;
  }
  const { rows } = await plugin.query(
    `SELECT bool_or(status = 'succeeded') AS done, bool_or(status = 'running') AS running
       FROM migration_steps s
      WHERE migration_id = $1 AND name = $2`,
    [migrationId, point],
  );
  const { rows: run } = await plugin.query(
    `SELECT status FROM migrations WHERE id = $1`,
    [migrationId],
  );
  const finished = ['failed', 'cancelled', 'rolled-back'].includes(
    run[0]?.status,
  );
  return finished || (rows[0].done === true && rows[0].running !== true);
}

/**
 * Everything a worker writes about a migration and its consumers, as one string:
 * when it changes after a kill, the restarted worker has taken the work up again.
 */
export async function progressSignature(
  plugin: Pool,
  migrationId: string,
): Promise<string> {
  const { rows } = await plugin.query(
    `SELECT concat_ws('|',
       (SELECT status || ':' || coalesce(lease_owner, '-') || ':' || attempts FROM migrations WHERE id = $1),
       (SELECT count(*) || ':' || coalesce(sum(rows_done), 0) || ':' || string_agg(status, ',' ORDER BY id)
          FROM migration_steps WHERE migration_id = $1),
       (SELECT string_agg(state || ':' || coalesce(claimed_by, '-'), ',' ORDER BY entity_ref)
          FROM migration_consumers WHERE migration_id = $1)) AS signature`,
    [migrationId],
  );
  return rows[0].signature;
}
