// @ts-check

/**
 * The plugin's own state: migrations, their steps and log lines, and the schema
 * version each migrated dataset is at. Execution lives in graphile-worker's schema.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('migrations', table => {
    table.uuid('id').primary();
    table.string('entity_ref').notNullable();
    table.integer('from_version').notNullable();
    table.integer('target_version').notNullable();
    table.jsonb('changes').notNullable();
    table.boolean('dry_run').notNullable().defaultTo(false);
    table
      .string('fingerprint', 64)
      .notNullable()
      .comment(
        'sha256 of the normalised request, to answer repeats with the same migration',
      );
    table.string('status', 16).notNullable();
    table.text('failure_reason');
    table.string('requested_by').notNullable();
    table.integer('attempts').notNullable().defaultTo(0);
    table.timestamp('cancel_requested_at', { useTz: true });
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.timestamp('started_at', { useTz: true });
    table.timestamp('finished_at', { useTz: true });
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.index(
      ['entity_ref', 'created_at'],
      'migrations_entity_ref_created_at_idx',
    );
    table.index(['fingerprint'], 'migrations_fingerprint_idx');
  });
  await knex.raw(`
    ALTER TABLE migrations ADD CONSTRAINT migrations_status_check
      CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled'))`);
  // The mutex for "one migration of a dataset at a time": concurrent requests race
  // on this index, not on application checks.
  await knex.raw(`
    CREATE UNIQUE INDEX migrations_one_active_per_dataset
      ON migrations (entity_ref) WHERE status IN ('queued', 'running')`);

  await knex.schema.createTable('migration_steps', table => {
    table.increments('id');
    table
      .uuid('migration_id')
      .notNullable()
      .references('id')
      .inTable('migrations')
      .onDelete('CASCADE');
    table.integer('attempt').notNullable();
    table.string('name').notNullable();
    table.string('status', 16).notNullable();
    table
      .timestamp('started_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.timestamp('finished_at', { useTz: true });
    table.unique(['migration_id', 'attempt', 'name']);
  });

  await knex.schema.createTable('migration_logs', table => {
    table.bigIncrements('id');
    table
      .uuid('migration_id')
      .notNullable()
      .references('id')
      .inTable('migrations')
      .onDelete('CASCADE');
    table.integer('attempt').notNullable();
    table.string('step');
    table.string('level', 8).notNullable();
    table.text('message').notNullable();
    table
      .timestamp('created_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
    table.index(['migration_id', 'id'], 'migration_logs_migration_id_idx');
  });

  await knex.schema.createTable('dataset_versions', table => {
    table.string('entity_ref').primary();
    table.integer('schema_version').notNullable();
    table
      .uuid('migration_id')
      .notNullable()
      .references('id')
      .inTable('migrations');
    table
      .timestamp('updated_at', { useTz: true })
      .notNullable()
      .defaultTo(knex.fn.now());
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('dataset_versions');
  await knex.schema.dropTable('migration_logs');
  await knex.schema.dropTable('migration_steps');
  await knex.schema.dropTable('migrations');
};
