// @ts-check

/**
 * Where a migrated dataset is read now: a migration can rename or relocate it, and
 * the catalog entity's table annotation is written back from here.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('dataset_versions', table => {
    table.text('table_name');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('dataset_versions', table => {
    table.dropColumn('table_name');
  });
};
