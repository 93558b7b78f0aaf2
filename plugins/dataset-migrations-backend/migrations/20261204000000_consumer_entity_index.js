// @ts-check

/**
 * A consumer's rows across runs (`GET /consumers?entityRef=`, the consumer owners'
 * card) are read by entity ref; the ledger's other indexes lead with the run.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('migration_consumers', table => {
    table.index(['entity_ref'], 'migration_consumers_entity_ref_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('migration_consumers', table => {
    table.dropIndex(['entity_ref'], 'migration_consumers_entity_ref_idx');
  });
};
