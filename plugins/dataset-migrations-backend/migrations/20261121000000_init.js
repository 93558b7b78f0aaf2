// @ts-check

/**
 * The plugin's own state, as first released: migration requests and their runs'
 * journal (leases, steps, logs, checkpoints), the schema version each migrated
 * dataset is at, and the consumer ledger. Execution lives in graphile-worker's schema.
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
    table.string('status', 32).notNullable();
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
    // Which worker owns a running migration, and until when.
    table.string('lease_owner');
    table.timestamp('lease_expires_at', { useTz: true });
    // What the migration executes, fixed at creation: what was reviewed is what ran.
    table.jsonb('plan');
    // After a contract the previous version is gone: no rollback any more.
    table.timestamp('contracted_at', { useTz: true });
    // Attempts at the last retry, so the cap on interrupted attempts counts afresh.
    table.integer('retried_at_attempt').notNullable().defaultTo(0);
    // What the verify stage compared, as data for the run's page.
    table.jsonb('verification');
    // A person's override (reason, who, when) of the contract and rollback gates.
    table.jsonb('contract_override');
    table.jsonb('rollback_override');
    table.index(
      ['entity_ref', 'created_at'],
      'migrations_entity_ref_created_at_idx',
    );
    table.index(['fingerprint'], 'migrations_fingerprint_idx');
  });
  await knex.raw(`
    ALTER TABLE migrations ADD CONSTRAINT migrations_status_check
      CHECK (status IN ('queued', 'running', 'succeeded', 'failed', 'cancelled',
                        'rolled-back', 'awaiting-decision'))`);
  // The mutex for "one migration of a dataset at a time": concurrent requests race
  // on this index, not on application checks. A migration awaiting decisions still
  // holds its dataset.
  await knex.raw(`
    CREATE UNIQUE INDEX migrations_one_active_per_dataset
      ON migrations (entity_ref)
      WHERE status IN ('queued', 'running', 'awaiting-decision')`);
  await knex.raw(`
    CREATE INDEX migrations_running_lease_idx
      ON migrations (lease_expires_at) WHERE status = 'running'`);

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
    table.bigInteger('rows_done');
    table.bigInteger('rows_total');
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
    // Where the dataset is read now: a migration can rename or relocate it.
    table.text('table_name');
  });

  // What a resumed attempt continues from.
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

  // The consumer ledger: one row per consumer of a migration, moving from
  // discovered to done (or failed with its reason, or superseded by a rollback).
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
    table.text('superseded_reason');
    table
      .jsonb('decision')
      .comment(
        'what a person decided for a consumer that needed it, who and when',
      );
    // The job advancing the consumer holds its row until claimed_until (renewed while
    // it works): one step per consumer at a time without a graphile queue each.
    table.string('claimed_by', 36);
    table.timestamp('claimed_until', { useTz: true });
    table
      .boolean('advance_requested')
      .notNullable()
      .defaultTo(false)
      .comment("a later job's request for one more pass by the claim's holder");
    table.index(['migration_id', 'state'], 'migration_consumers_state_idx');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('migration_consumers');
  await knex.schema.dropTable('migration_checkpoints');
  await knex.schema.dropTable('dataset_versions');
  await knex.schema.dropTable('migration_logs');
  await knex.schema.dropTable('migration_steps');
  await knex.schema.dropTable('migrations');
};
