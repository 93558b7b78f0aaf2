// @ts-check

/**
 * `campaign_escalations.claimed_by`: which deadline round holds a notice's claim.
 * A round renews its own claims while it sends (a slow notification service is not
 * taken for a dead round, whose notices another would send again), and releases
 * only its own after a failed send, never a claim another round took meanwhile.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('campaign_escalations', table => {
    table
      .uuid('claimed_by')
      .nullable()
      .comment(
        'the round holding claimed_until; renewed and released by it only',
      );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('campaign_escalations', table => {
    table.dropColumn('claimed_by');
  });
};
