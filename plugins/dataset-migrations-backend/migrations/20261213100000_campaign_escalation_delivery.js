// @ts-check

/**
 * `campaign_escalations` records delivery, not only intent: a row is written when
 * a round decides to tell someone (`escalated_at`), claimed by the round sending it
 * (`claimed_until`, so rounds on several replicas send it once), and marked
 * `sent_at` once the notification service took it. A round after an outage, or
 * after a crash between the send and the mark (once the claim ran out), sends what
 * is unsent; a row marked sent is never sent again.
 *
 * A consumer is told once per campaign migration that reaches it (`migration_id`),
 * not once per campaign: a later wave's dataset reaching the same consumer is new
 * work for its owners. Datasets and the campaign owner keep one row ('').
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('campaign_escalations', table => {
    table
      .string('migration_id')
      .notNullable()
      .defaultTo('')
      .comment(
        "for a consumer, the campaign migration that reaches it; '' otherwise",
      );
    table
      .timestamp('sent_at', { useTz: true })
      .comment('when the notification service took it; null while unsent');
    table
      .timestamp('claimed_until', { useTz: true })
      .comment('a round is sending it until then');
  });
  // Rows from before were written as they were sent.
  await knex('campaign_escalations').update({
    sent_at: knex.ref('escalated_at'),
  });
  // The key takes `migration_id` before the rows per migration are written: under
  // the old key they collide with the row they are copied from.
  await knex.raw(
    `ALTER TABLE campaign_escalations DROP CONSTRAINT campaign_escalations_pkey`,
  );
  await knex.schema.alterTable('campaign_escalations', table => {
    table.primary(['campaign_id', 'kind', 'subject_ref', 'migration_id']);
  });
  // Each consumer row gets the migration(s) it was told for: the campaign's
  // migrations whose ledger holds it.
  await knex.raw(`
    INSERT INTO campaign_escalations
           (campaign_id, kind, subject_ref, migration_id, owner, datasets, escalated_at, sent_at)
    SELECT e.campaign_id, e.kind, e.subject_ref, d.migration_id::text, e.owner,
           jsonb_build_array(d.entity_ref), e.escalated_at, e.sent_at
      FROM campaign_escalations e
      JOIN campaign_datasets d ON d.campaign_id = e.campaign_id
                              AND d.migration_id IS NOT NULL
                              AND jsonb_exists(e.datasets, d.entity_ref)
     WHERE e.kind = 'consumer' AND e.migration_id = ''
    ON CONFLICT DO NOTHING`);
  await knex.raw(`
    DELETE FROM campaign_escalations e
     WHERE e.kind = 'consumer' AND e.migration_id = ''
       AND EXISTS (SELECT 1 FROM campaign_escalations f
                    WHERE f.campaign_id = e.campaign_id AND f.kind = e.kind
                      AND f.subject_ref = e.subject_ref AND f.migration_id <> '')`);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  // The old code reads every row as told: an unsent one must go, so the round
  // after the downgrade tells it.
  await knex('campaign_escalations').whereNull('sent_at').delete();
  await knex.raw(
    `DELETE FROM campaign_escalations e USING campaign_escalations f
      WHERE e.campaign_id = f.campaign_id AND e.kind = f.kind
        AND e.subject_ref = f.subject_ref AND e.migration_id > f.migration_id`,
  );
  await knex.raw(
    `ALTER TABLE campaign_escalations DROP CONSTRAINT campaign_escalations_pkey`,
  );
  await knex.schema.alterTable('campaign_escalations', table => {
    table.dropColumn('migration_id');
    table.dropColumn('sent_at');
    table.dropColumn('claimed_until');
    table.primary(['campaign_id', 'kind', 'subject_ref']);
  });
};
