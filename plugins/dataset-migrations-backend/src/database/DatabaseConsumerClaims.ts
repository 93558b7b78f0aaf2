import type { Knex } from 'knex';
import { SETTLED_CONSUMER_STATES } from '@dataset-migrations/plugin-dataset-migrations-common';
import type { ConsumerClaims } from './ConsumerClaims';
import { CONSUMERS_TABLE as TABLE } from './consumerRows';

/** Claims on consumer rows in the plugin's database, one conditional UPDATE each. */
export class DatabaseConsumerClaims implements ConsumerClaims {
  constructor(private readonly knex: Knex) {}

  /**
   * Takes the consumer for `owner` until `leaseMs` from now, or renews the
   * owner's claim. While another owner holds a live claim, returns false and,
   * with `requestPass`, asks that owner for one more pass before it lets go.
   * A settled consumer is never taken (false): no job has work there, and a
   * claim taken on one (a renewal landing after the settling write, a duplicate
   * job) would stay for good if its holder died, since no sweep looks at it.
   */
  async claim(
    migrationId: string,
    entityRef: string,
    owner: string,
    options: { leaseMs: number; requestPass: boolean },
  ): Promise<boolean> {
    const free = `(claimed_by = :owner OR claimed_until IS NULL OR claimed_until < now())`;
    const { rows } = await this.knex.raw<{ rows: { claimed: boolean }[] }>(
      `UPDATE ${TABLE} SET
         advance_requested = CASE WHEN claimed_by = :owner THEN advance_requested
           WHEN ${free} THEN false ELSE advance_requested OR :requestPass END,
         claimed_until = CASE WHEN ${free}
           THEN now() + :leaseMs * interval '1 millisecond' ELSE claimed_until END,
         claimed_by = CASE WHEN ${free} THEN :owner ELSE claimed_by END
       WHERE migration_id = :migrationId AND entity_ref = :entityRef
         AND NOT (state = ANY(:settled))
       RETURNING claimed_by = :owner AS claimed`,
      {
        owner,
        migrationId,
        entityRef,
        ...options,
        settled: [...SETTLED_CONSUMER_STATES],
      },
    );
    return rows[0]?.claimed ?? false;
  }

  /**
   * Extends the owner's own claim; true also for a settled or gone consumer (a
   * settling write clears the claim), false when the claim is not the owner's.
   * One statement: the CTE's update and the outer read see the same row.
   */
  async renewClaim(
    migrationId: string,
    entityRef: string,
    owner: string,
    leaseMs: number,
  ): Promise<boolean> {
    const { rows } = await this.knex.raw<{ rows: { held: boolean }[] }>(
      `WITH renewed AS (
         UPDATE ${TABLE} SET claimed_until = now() + :leaseMs * interval '1 millisecond'
          WHERE migration_id = :migrationId AND entity_ref = :entityRef
            AND claimed_by = :owner AND NOT (state = ANY(:settled))
          RETURNING 1)
       SELECT EXISTS (SELECT 1 FROM renewed)
           OR NOT EXISTS (
                SELECT 1 FROM ${TABLE}
                 WHERE migration_id = :migrationId AND entity_ref = :entityRef
                   AND NOT (state = ANY(:settled))) AS held`,
      {
        owner,
        migrationId,
        entityRef,
        leaseMs,
        settled: [...SETTLED_CONSUMER_STATES],
      },
    );
    return rows[0].held;
  }

  /**
   * Lets go of the owner's claim and returns true; returns false, keeping it,
   * when another job asked for one more pass meanwhile. One statement, so a
   * request lands either before (another pass) or after (on a free row).
   */
  async releaseClaim(
    migrationId: string,
    entityRef: string,
    owner: string,
  ): Promise<boolean> {
    const { rows } = await this.knex.raw<{ rows: { released: boolean }[] }>(
      `UPDATE ${TABLE} SET
         claimed_by = CASE WHEN advance_requested THEN claimed_by END,
         claimed_until = CASE WHEN advance_requested THEN claimed_until END,
         advance_requested = false
       WHERE migration_id = :migrationId AND entity_ref = :entityRef
         AND claimed_by = :owner
       RETURNING claimed_by IS NULL AS released`,
      { owner, migrationId, entityRef },
    );
    return rows[0]?.released ?? true;
  }

  async listExpiredClaims(): Promise<
    Array<{ migrationId: string; entityRef: string }>
  > {
    const rows: { migration_id: string; entity_ref: string }[] =
      await this.knex(TABLE)
        .whereNotNull('claimed_by')
        .where('claimed_until', '<', this.knex.fn.now())
        .whereIn('state', ['discovered', 'patched', 'verified'])
        .select('migration_id', 'entity_ref');
    return rows.map(r => ({
      migrationId: r.migration_id,
      entityRef: r.entity_ref,
    }));
  }

  async listUnclaimed(
    consumers: Array<{ migrationId: string; entityRef: string }>,
  ): Promise<Array<{ migrationId: string; entityRef: string }>> {
    if (consumers.length === 0) return [];
    const rows: { migration_id: string; entity_ref: string }[] =
      await this.knex(TABLE)
        .whereIn(
          ['migration_id', 'entity_ref'],
          consumers.map(c => [c.migrationId, c.entityRef]),
        )
        .whereIn('state', ['discovered', 'patched', 'verified'])
        .where(q =>
          q
            .whereNull('claimed_until')
            .orWhere('claimed_until', '<', this.knex.fn.now()),
        )
        .select('migration_id', 'entity_ref');
    return rows.map(r => ({
      migrationId: r.migration_id,
      entityRef: r.entity_ref,
    }));
  }
}
