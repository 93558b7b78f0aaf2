// @ts-check

/**
 * Consumer decisions before a migration starts: a migration waits in
 * `awaiting-decision` (still holding its dataset, like queued and running) until a
 * person has decided what happens to each consumer that reads a field it drops or
 * recomputes; the decision is kept on the consumer's ledger row.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  // 'awaiting-decision' is longer than the 16 characters the column had.
  await knex.raw('ALTER TABLE migrations ALTER COLUMN status TYPE varchar(32)');
  await knex.raw(
    'ALTER TABLE migrations DROP CONSTRAINT migrations_status_check',
  );
  await knex.raw(`
    ALTER TABLE migrations ADD CONSTRAINT migrations_status_check
      CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled',
                        'rolled-back', 'awaiting-decision'))`);
  await knex.raw('DROP INDEX migrations_one_active_per_dataset');
  await knex.raw(`
    CREATE UNIQUE INDEX migrations_one_active_per_dataset
      ON migrations (entity_ref)
      WHERE status IN ('queued', 'running', 'awaiting-decision')`);

  await knex.schema.alterTable('migration_consumers', table => {
    table
      .jsonb('decision')
      .comment(
        'what a person decided for a consumer that needed it, who and when',
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('migration_consumers', table => {
    table.dropColumn('decision');
  });
  await knex('migrations')
    .where({ status: 'awaiting-decision' })
    .update({ status: 'cancelled', finished_at: knex.fn.now() });
  await knex.raw('DROP INDEX migrations_one_active_per_dataset');
  await knex.raw(`
    CREATE UNIQUE INDEX migrations_one_active_per_dataset
      ON migrations (entity_ref) WHERE status IN ('queued', 'running')`);
  await knex.raw(
    'ALTER TABLE migrations DROP CONSTRAINT migrations_status_check',
  );
  await knex.raw(`
    ALTER TABLE migrations ADD CONSTRAINT migrations_status_check
      CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'rolled-back'))`);
  await knex.raw('ALTER TABLE migrations ALTER COLUMN status TYPE varchar(16)');
};
