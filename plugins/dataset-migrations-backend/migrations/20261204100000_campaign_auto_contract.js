// @ts-check

/**
 * A campaign contracts each of its datasets once the gate opens:
 * - `campaign_datasets.starter_may_contract`: whether the person who started the
 *   campaign held the contract permission on the dataset then; the worker contracts
 *   in their name, with service credentials, only where they held it.
 * - `campaign_datasets.contract_requested_at`: when the campaign asked for the
 *   contract; it asks once, across ticks and restarts.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('campaign_datasets', table => {
    table.boolean('starter_may_contract');
    table.timestamp('contract_requested_at', { useTz: true });
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('campaign_datasets', table => {
    table.dropColumn('contract_requested_at');
    table.dropColumn('starter_may_contract');
  });
};
