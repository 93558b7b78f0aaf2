// @ts-check

/**
 * A consumer's claim: the job advancing it holds the row until `claimed_until`
 * (renewed while it works), so two jobs for one consumer never run a step side
 * by side, without a graphile queue per consumer. `advance_requested` is a later
 * job's request for one more pass by the holder, so it need not wait.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('migration_consumers', table => {
    table.string('claimed_by', 36);
    table.timestamp('claimed_until', { useTz: true });
    table.boolean('advance_requested').notNullable().defaultTo(false);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('migration_consumers', table => {
    table.dropColumn('claimed_by');
    table.dropColumn('claimed_until');
    table.dropColumn('advance_requested');
  });
};
