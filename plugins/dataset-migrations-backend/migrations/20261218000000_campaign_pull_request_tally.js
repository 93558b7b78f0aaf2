// @ts-check

/**
 * `campaign_pull_request_tally`: per campaign and consumer owner, how many
 * pull-request slots were ever taken. It only grows, so it bounds from above both
 * the pull requests open now and those opened in the last hour: while it is below
 * every limit, a slot is taken without counting the ledger, whose count grows with
 * the campaign's consumers and runs under the campaign's lock (at 10,000 consumers
 * it was most of what a campaign added to its migrations). Written under that lock,
 * in the reservation's transaction.
 *
 * Filled from the ledger for running campaigns: every pull request recorded or
 * reserved so far, so the bound holds from the first reservation after upgrade.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('campaign_pull_request_tally', table => {
    table
      .uuid('campaign_id')
      .notNullable()
      .references('id')
      .inTable('campaigns')
      .onDelete('CASCADE');
    table
      .text('owner')
      .notNullable()
      .comment("the consumer's owning entity; '' for consumers without one");
    table
      .integer('reserved')
      .notNullable()
      .comment(
        'slots ever taken: an upper bound of open and last-hour pull requests',
      );
    table.primary(['campaign_id', 'owner']);
  });
  await knex.raw(`
    INSERT INTO campaign_pull_request_tally (campaign_id, owner, reserved)
    SELECT m.campaign_id, coalesce(c.owner, ''), count(*)
      FROM migration_consumers c
      JOIN migrations m ON m.id = c.migration_id
     WHERE m.campaign_id IS NOT NULL
       AND (c.pull_request IS NOT NULL OR c.pull_request_reserved_at IS NOT NULL)
     GROUP BY 1, 2`);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('campaign_pull_request_tally');
};
