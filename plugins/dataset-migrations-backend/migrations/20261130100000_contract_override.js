// @ts-check

/**
 * Contract is gated on every consumer having moved; a person may override with a
 * reason, which is kept with the run (reason, who, when, the consumers that had
 * not moved).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('migrations', table => {
    table.jsonb('contract_override');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('migrations', table => {
    table.dropColumn('contract_override');
  });
};
