// @ts-check

/**
 * A rollback made over consumers' merged patches keeps the person's override
 * (reason, who, when) with the migration; a consumer superseded by a rollback
 * keeps why, beside its failure and pull request.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('migrations', table => {
    table.jsonb('rollback_override');
  });
  await knex.schema.alterTable('migration_consumers', table => {
    table.text('superseded_reason');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('migration_consumers', table => {
    table.dropColumn('superseded_reason');
  });
  await knex.schema.alterTable('migrations', table => {
    table.dropColumn('rollback_override');
  });
};
