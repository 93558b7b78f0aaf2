// @ts-check

/**
 * Resumable runs: a lease says which worker owns a running migration until when;
 * checkpoints hold what a resumed attempt continues from; steps carry progress.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('migrations', table => {
    table.string('lease_owner');
    table.timestamp('lease_expires_at', { useTz: true });
  });
  await knex.raw(`
    CREATE INDEX migrations_running_lease_idx
      ON migrations (lease_expires_at) WHERE status = 'running'`);

  await knex.schema.alterTable('migration_steps', table => {
    table.bigInteger('rows_done');
    table.bigInteger('rows_total');
  });

  await knex.schema.createTable('migration_checkpoints', table => {
    table
      .uuid('migration_id')
      .notNullable()
      .references('id')
      .inTable('migrations')
      .onDelete('CASCADE');
    table.string('name').notNullable();
    table.jsonb('value').notNullable();
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.primary(['migration_id', 'name']);
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('migration_checkpoints');
  await knex.schema.alterTable('migration_steps', table => {
    table.dropColumn('rows_done');
    table.dropColumn('rows_total');
  });
  await knex.raw('DROP INDEX migrations_running_lease_idx');
  await knex.schema.alterTable('migrations', table => {
    table.dropColumn('lease_owner');
    table.dropColumn('lease_expires_at');
  });
};
