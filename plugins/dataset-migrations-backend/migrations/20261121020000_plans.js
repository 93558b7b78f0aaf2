// @ts-check

/**
 * A migration keeps the plan it executes: target schema, compatibility and SQL,
 * fixed when it is created, so what was reviewed is what ran.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('migrations', table => {
    table.jsonb('plan');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('migrations', table => {
    table.dropColumn('plan');
  });
};
