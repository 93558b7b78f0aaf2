// @ts-check

/**
 * Owners in control: a migration records its dataset's owner when requested (so
 * "runs of datasets owned by" filters in SQL) and, when it needs one, its approval
 * (reasons, the digest approved, the decision). Two statuses join: waiting for an
 * approval (which, like waiting for decisions, holds the dataset) and rejected.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('migrations', table => {
    table.string('dataset_owner');
    table
      .jsonb('approval')
      .comment(
        'reasons, requestDigest and the decision (outcome, by, at, comment)',
      );
    table.index(['dataset_owner'], 'migrations_dataset_owner_idx');
    table.index(['requested_by'], 'migrations_requested_by_idx');
  });
  await knex.raw(
    `ALTER TABLE migrations DROP CONSTRAINT migrations_status_check`,
  );
  await knex.raw(`
    ALTER TABLE migrations ADD CONSTRAINT migrations_status_check
      CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled',
                        'rolled-back', 'awaiting-decision', 'awaiting-approval',
                        'rejected'))`);
  await knex.raw(`DROP INDEX migrations_one_active_per_dataset`);
  await knex.raw(`
    CREATE UNIQUE INDEX migrations_one_active_per_dataset
      ON migrations (entity_ref)
      WHERE status IN ('queued', 'running', 'awaiting-decision', 'awaiting-approval')`);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.raw(`DROP INDEX migrations_one_active_per_dataset`);
  await knex.raw(`
    CREATE UNIQUE INDEX migrations_one_active_per_dataset
      ON migrations (entity_ref)
      WHERE status IN ('queued', 'running', 'awaiting-decision')`);
  await knex.raw(
    `ALTER TABLE migrations DROP CONSTRAINT migrations_status_check`,
  );
  await knex.raw(`
    ALTER TABLE migrations ADD CONSTRAINT migrations_status_check
      CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled',
                        'rolled-back', 'awaiting-decision'))`);
  await knex.schema.alterTable('migrations', table => {
    table.dropIndex(['requested_by'], 'migrations_requested_by_idx');
    table.dropIndex(['dataset_owner'], 'migrations_dataset_owner_idx');
    table.dropColumn('approval');
    table.dropColumn('dataset_owner');
  });
};
