// @ts-check

/**
 * `campaign_escalations`: whom a campaign told that its deadline nears while their
 * work is outstanding. One row per consumer, per dataset, and one for the
 * campaign's owner (their summary), per campaign: the round that inserts a row is
 * the one that tells, so replicas and restarts tell each once.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('campaign_escalations', table => {
    table
      .uuid('campaign_id')
      .notNullable()
      .references('id')
      .inTable('campaigns')
      .onDelete('CASCADE');
    table
      .string('kind', 16)
      .notNullable()
      .comment('consumer, dataset, or owner (the campaign owner summary)');
    table
      .string('subject_ref')
      .notNullable()
      .comment('the consumer or dataset told, or the campaign owner');
    table
      .string('owner')
      .comment(
        'the team owning the consumer or dataset, as the ledger knew it',
      );
    table
      .jsonb('datasets')
      .notNullable()
      .comment('the campaign datasets it was outstanding for');
    table.timestamp('escalated_at', { useTz: true }).notNullable();
    table.primary(['campaign_id', 'kind', 'subject_ref']);
  });
  await knex.raw(`
    ALTER TABLE campaign_escalations ADD CONSTRAINT campaign_escalations_kind_check
      CHECK (kind IN ('consumer', 'dataset', 'owner'))`);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('campaign_escalations');
};
