// @ts-check

/**
 * Campaigns: a fleet of dataset migrations in waves. A campaign keeps its document
 * and the plan frozen when it started; each selected dataset has a row that names
 * its wave, its place in the start order and, once started, its migration. The
 * migration row names its campaign too, so the runner never starts a dataset twice:
 * the migration and the dataset row are written in one transaction.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('campaigns', table => {
    table.uuid('id').primary();
    table.string('name', 63).notNullable().unique();
    table.text('title').notNullable();
    table.string('owner').notNullable();
    table.timestamp('deadline', { useTz: true }).notNullable();
    table
      .jsonb('document')
      .notNullable()
      .comment('the campaign document, defaults filled in');
    table
      .jsonb('plan')
      .comment('the plan frozen at creation, refreshed at start');
    table.string('state', 16).notNullable();
    table.text('state_reason');
    table.string('created_by').notNullable();
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.timestamp('started_at', { useTz: true });
    table.timestamp('finished_at', { useTz: true });
    table
      .string('started_by')
      .comment('in whose name the migrations are requested');
  });
  await knex.raw(`
    ALTER TABLE campaigns ADD CONSTRAINT campaigns_state_check
      CHECK (state IN ('draft', 'running', 'paused', 'completed', 'aborted'))`);

  await knex.schema.createTable('campaign_waves', table => {
    table
      .uuid('campaign_id')
      .notNullable()
      .references('id')
      .inTable('campaigns')
      .onDelete('CASCADE');
    table.integer('wave_index').notNullable();
    table.string('kind', 8).notNullable();
    table.string('state', 16).notNullable().defaultTo('pending');
    table.timestamp('started_at', { useTz: true });
    table.timestamp('soaked_at', { useTz: true });
    table.timestamp('finished_at', { useTz: true });
    table.primary(['campaign_id', 'wave_index']);
  });

  await knex.schema.createTable('campaign_datasets', table => {
    table
      .uuid('campaign_id')
      .notNullable()
      .references('id')
      .inTable('campaigns')
      .onDelete('CASCADE');
    table.string('entity_ref').notNullable();
    table.integer('wave_index').notNullable();
    table
      .integer('position')
      .notNullable()
      .comment('start order within the campaign');
    table.string('owner');
    table.string('criticality', 16).notNullable();
    table.integer('target_version').notNullable();
    table.string('state', 16).notNullable().defaultTo('pending');
    table.uuid('migration_id');
    table.text('reason');
    table.timestamp('started_at', { useTz: true });
    table.timestamp('finished_at', { useTz: true });
    table.primary(['campaign_id', 'entity_ref']);
    table.unique(['campaign_id', 'position']);
    table.index(['migration_id'], 'campaign_datasets_migration_idx');
  });

  // Outstanding work over time, one row per change, for the burndown chart.
  await knex.schema.createTable('campaign_progress', table => {
    table.bigIncrements('id');
    table
      .uuid('campaign_id')
      .notNullable()
      .references('id')
      .inTable('campaigns')
      .onDelete('CASCADE');
    table
      .timestamp('at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.integer('datasets_outstanding').notNullable();
    table.integer('consumers_outstanding').notNullable();
    table.index(['campaign_id', 'at'], 'campaign_progress_campaign_at_idx');
  });

  await knex.schema.alterTable('migrations', table => {
    table
      .uuid('campaign_id')
      .references('id')
      .inTable('campaigns')
      .onDelete('SET NULL');
    table.integer('campaign_wave');
    table.index(['campaign_id'], 'migrations_campaign_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('migrations', table => {
    table.dropIndex(['campaign_id'], 'migrations_campaign_idx');
    table.dropColumn('campaign_wave');
    table.dropColumn('campaign_id');
  });
  await knex.schema.dropTable('campaign_progress');
  await knex.schema.dropTable('campaign_datasets');
  await knex.schema.dropTable('campaign_waves');
  await knex.schema.dropTable('campaigns');
};
