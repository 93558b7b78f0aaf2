// @ts-check

/**
 * The consumer ledger: one row per consumer of a migration, moving from
 * discovered to done (or failed with its reason).
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('migration_consumers', table => {
    table
      .uuid('migration_id')
      .notNullable()
      .references('id')
      .inTable('migrations')
      .onDelete('CASCADE');
    table.string('entity_ref').notNullable();
    table.primary(['migration_id', 'entity_ref']);
    table.text('title');
    table.string('owner');
    table.integer('depth').notNullable().defaultTo(1);
    table.string('via');
    table.text('repository_url');
    table.string('state', 16).notNullable();
    table.string('failure_kind', 32);
    table.text('failure_message');
    table.jsonb('impact');
    table.jsonb('verification');
    table.jsonb('pull_request');
    table.text('patch').comment('unified diff, for people to read');
    table
      .jsonb('patched_files')
      .comment('full new contents of the changed files, for the pull request');
    table.integer('attempts').notNullable().defaultTo(0);
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.index(['migration_id', 'state'], 'migration_consumers_state_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('migration_consumers');
};
