// @ts-check

/**
 * `migration_consumers.patch_base_commit`: the commit of the consumer's default
 * branch its patch was made from. The pull request's branch starts there, so a
 * base that moved since shows as a merge or a conflict, never as the patch
 * silently undoing what others changed. Null for patches made before it was kept
 * (their pull requests start at the base's tip, as before).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('migration_consumers', table => {
    table.string('patch_base_commit', 64);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('migration_consumers', table => {
    table.dropColumn('patch_base_commit');
  });
};
