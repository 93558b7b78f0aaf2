// @ts-check

/**
 * `migrations.dry_run_sample`: a few rows as a dry run transformed them (the key
 * and the changed fields, before and after), shown to the person who started it.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('migrations', table => {
    table
      .jsonb('dry_run_sample')
      .comment(
        'a few rows as the dry run transformed them: the key and the changed fields, before and after',
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('migrations', table => {
    table.dropColumn('dry_run_sample');
  });
};
