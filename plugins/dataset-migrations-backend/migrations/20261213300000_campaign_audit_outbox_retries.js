// @ts-check

/**
 * `campaign_audit_outbox` retries and claim owners. `attempts` and
 * `next_attempt_at`: an event the auditor rejected waits out a back-off while the
 * events after it are emitted, so one event the auditor always rejects does not
 * hold back the rest. `claimed_by`: the token of the claim `claimed_until` times;
 * an emitter marks an event (emitted, or failed) only while that token is still its
 * own, so one whose claim ran out and was taken again leaves the row to the taker.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('campaign_audit_outbox', table => {
    table
      .integer('attempts')
      .notNullable()
      .defaultTo(0)
      .comment('emissions the auditor rejected so far');
    table
      .timestamp('next_attempt_at', { useTz: true })
      .comment('after a rejection, not emitted again before then');
    table.uuid('claimed_by').comment('the token of the claim in claimed_until');
  });
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('campaign_audit_outbox', table => {
    table.dropColumn('claimed_by');
    table.dropColumn('next_attempt_at');
    table.dropColumn('attempts');
  });
};
