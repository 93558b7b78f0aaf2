// @ts-check

/**
 * `campaign_look_leases`: which worker is looking at a campaign, until when. A look
 * runs only under its campaign's lease, so two replicas never look at one campaign
 * at once. A row exists only while a look holds it (or its holder died and it has
 * not run out); `look_again` is set by a look refused meanwhile, so the holder queues
 * one more look when it is done. In its own table, not on `campaigns`, so renewals
 * wait for no lock on the campaign row (starts, approvals), only for the look's
 * own writes, each of which holds the lease row FOR SHARE until it commits (the
 * fence); a claim's foreign key check waits only for a transition's update of
 * the campaign row.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('campaign_look_leases', table => {
    table
      .uuid('campaign_id')
      .primary()
      .references('id')
      .inTable('campaigns')
      .onDelete('CASCADE');
    table.uuid('owner').notNullable().comment('the looking runner');
    table
      .timestamp('expires_at', { useTz: true })
      .notNullable()
      .comment('renewed while the look runs; after it, another may look');
    table
      .boolean('look_again')
      .notNullable()
      .defaultTo(false)
      .comment('a look was asked for while this one ran');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.dropTable('campaign_look_leases');
};
