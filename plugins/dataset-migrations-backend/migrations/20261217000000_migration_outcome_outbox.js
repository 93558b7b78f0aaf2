// @ts-check

/**
 * `migration_outcome_outbox`: the outcomes a worker recorded (succeeded, failed,
 * cancelled, rolled back, contracted), each written in the transaction of the
 * outcome, so a worker that dies between that commit and its announcement
 * leaves the announcement owed. The worker marks it announced; every replica's
 * sweep announces those left behind, at least once. Created empty: runs that
 * finished before this version were announced then and are not told again.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('migration_outcome_outbox', table => {
    table.uuid('id').primary();
    table
      .uuid('migration_id')
      .notNullable()
      .references('id')
      .inTable('migrations')
      .onDelete('CASCADE');
    table.string('outcome', 32).notNullable();
    table
      .string('actor')
      .comment('who asked for it, left out of notifications');
    table.text('reason');
    table.timestamp('recorded_at', { useTz: true }).notNullable();
    table
      .timestamp('emitted_at', { useTz: true })
      .comment('when the announcer was done with it; null while it is owed');
    table
      .timestamp('claimed_until', { useTz: true })
      .comment('a sweep is announcing it until then');
    table.uuid('claimed_by').comment('the token of the claim in claimed_until');
    table
      .integer('attempts')
      .notNullable()
      .defaultTo(0)
      .comment('announcements that failed so far');
    table
      .timestamp('next_attempt_at', { useTz: true })
      .comment('after a failure, not announced again before then');
    table.index(['migration_id']);
  });
  await knex.raw(
    `CREATE INDEX migration_outcome_outbox_waiting
       ON migration_outcome_outbox (recorded_at) WHERE emitted_at IS NULL`,
  );
  await knex.raw(
    `CREATE INDEX migration_outcome_outbox_emitted
       ON migration_outcome_outbox (emitted_at) WHERE emitted_at IS NOT NULL`,
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  // Dropping the table would lose outcomes their owners were never told.
  const [{ n }] = await knex('migration_outcome_outbox')
    .whereNull('emitted_at')
    .count({ n: '*' });
  if (Number(n) > 0) {
    throw new Error(
      `migration_outcome_outbox holds ${n} outcome(s) not yet announced; start the backend at this version so it announces them, then migrate down`,
    );
  }
  await knex.schema.dropTable('migration_outcome_outbox');
};
