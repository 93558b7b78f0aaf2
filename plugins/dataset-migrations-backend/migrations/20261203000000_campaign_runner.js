// @ts-check

/**
 * What the campaign runner needs beyond the campaign tables:
 * - `campaign_datasets.starter_may_start`: whether the person who started the
 *   campaign held the start permission on the dataset when they started it. The
 *   worker requests each migration later, with service credentials, and the
 *   `requester-may-not-start` approval rule must follow the starter's rights then.
 * - `campaign_datasets.starter_may_approve`: whether the starter held the approve
 *   and approve-own permissions on it then: starting the campaign carries their
 *   approval of its migration, recorded on the run as theirs.
 * - `campaign_waves.failures_accepted`: how many of the wave's failures a person
 *   had seen when they resumed the campaign after it paused itself; the failure
 *   policy trips again only on failures beyond them.
 * - `campaigns.paused_by_runner`: the pause was the failure policy's, not a person's
 *   (resuming it is audited as a decision over the policy).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('campaign_datasets', table => {
    table.boolean('starter_may_start');
    table.boolean('starter_may_approve');
    table
      .string('reviewed_compatibility', 16)
      .comment(
        'the compatibility class the starter reviewed; a carried approval holds only for it',
      );
  });
  await knex.schema.alterTable('campaign_waves', table => {
    table.integer('failures_accepted').notNullable().defaultTo(0);
  });
  await knex.schema.alterTable('campaigns', table => {
    table.boolean('paused_by_runner').notNullable().defaultTo(false);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('campaigns', table => {
    table.dropColumn('paused_by_runner');
  });
  await knex.schema.alterTable('campaign_waves', table => {
    table.dropColumn('failures_accepted');
  });
  await knex.schema.alterTable('campaign_datasets', table => {
    table.dropColumn('reviewed_compatibility');
    table.dropColumn('starter_may_approve');
    table.dropColumn('starter_may_start');
  });
};
