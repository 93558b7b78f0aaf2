// @ts-check

/**
 * `migration_consumers.pull_request_reserved_at`: a campaign's pull-request slot
 * taken by this consumer while its pull request is being opened. Slots are counted
 * and taken under a short lock, and the opening (a call to GitHub) happens outside
 * it, so a campaign opens several pull requests at once within its limits. Cleared
 * once the opening recorded its pull request or failed; one left by a worker that
 * died stops counting after a while.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('migration_consumers', table => {
    table.timestamp('pull_request_reserved_at', { useTz: true });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('migration_consumers', table => {
    table.dropColumn('pull_request_reserved_at');
  });
};
