// @ts-check

/**
 * `campaign_datasets.starter_may_roll_back`: whether the person who started the
 * campaign held the rollback permission on the dataset then. A `rollback-wave`
 * failure policy rolls back, in their name, only the datasets where they held it;
 * before, it rolled back any dataset of the wave, another team's included. Null
 * for campaigns started before: nobody's right was recorded, so none is assumed.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('campaign_datasets', table => {
    table.boolean('starter_may_roll_back');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('campaign_datasets', table => {
    table.dropColumn('starter_may_roll_back');
  });
};
