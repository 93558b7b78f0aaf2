// @ts-check

/**
 * A succeeded migration can be rolled back (a new status) and contracted (its
 * previous version dropped, after which it cannot be rolled back).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.raw(
    'ALTER TABLE migrations DROP CONSTRAINT migrations_status_check',
  );
  await knex.raw(`
    ALTER TABLE migrations ADD CONSTRAINT migrations_status_check
      CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled', 'rolled-back'))`);
  await knex.schema.alterTable('migrations', table => {
    table.timestamp('contracted_at', { useTz: true });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('migrations', table => {
    table.dropColumn('contracted_at');
  });
  await knex.raw(
    'ALTER TABLE migrations DROP CONSTRAINT migrations_status_check',
  );
  await knex.raw(`
    ALTER TABLE migrations ADD CONSTRAINT migrations_status_check
      CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled'))`);
};
