// @ts-check

/**
 * Remembers how many attempts a migration had when it was last retried, so the cap
 * on interrupted attempts counts each retry afresh.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('migrations', table => {
    table.integer('retried_at_attempt').notNullable().defaultTo(0);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('migrations', table => {
    table.dropColumn('retried_at_attempt');
  });
};
