// @ts-check

/**
 * Reads that grow with history: the newest runs of all datasets (`GET
 * /migrations`, newest first) were a sort of every run (313 ms at 100,000 runs,
 * 8 ms with this index); a page of a run's ledger is read in the ledger's order
 * (depth, entity ref) without sorting every consumer's row first.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('migrations', table => {
    table.index(['created_at'], 'migrations_created_at_idx');
  });
  await knex.schema.alterTable('migration_consumers', table => {
    table.index(
      ['migration_id', 'depth', 'entity_ref'],
      'migration_consumers_ledger_order_idx',
    );
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('migration_consumers', table => {
    table.dropIndex(
      ['migration_id', 'depth', 'entity_ref'],
      'migration_consumers_ledger_order_idx',
    );
  });
  await knex.schema.alterTable('migrations', table => {
    table.dropIndex(['created_at'], 'migrations_created_at_idx');
  });
};
