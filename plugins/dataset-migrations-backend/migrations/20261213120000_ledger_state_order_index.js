// @ts-check

/**
 * A ledger filtered by state (`GET /migrations/:id/consumers?state=`, the
 * portal's filter) is read in the ledger's order (depth, entity ref) through
 * this index, without sorting every row of the state first. It also serves
 * every lookup by (migration, state) the narrower index it replaces did.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('migration_consumers', table => {
    table.index(
      ['migration_id', 'state', 'depth', 'entity_ref'],
      'migration_consumers_state_order_idx',
    );
    table.dropIndex(['migration_id', 'state'], 'migration_consumers_state_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('migration_consumers', table => {
    table.index(['migration_id', 'state'], 'migration_consumers_state_idx');
    table.dropIndex(
      ['migration_id', 'state', 'depth', 'entity_ref'],
      'migration_consumers_state_order_idx',
    );
  });
};
