// @ts-check

/**
 * What a run's verify stage compared (row counts and checksums of source and
 * target), kept as data for the run's page rather than only as a log line.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('migrations', table => {
    table.jsonb('verification');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('migrations', table => {
    table.dropColumn('verification');
  });
};
