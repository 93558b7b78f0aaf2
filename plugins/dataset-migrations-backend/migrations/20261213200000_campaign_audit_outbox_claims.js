// @ts-check

/**
 * `campaign_audit_outbox.claimed_until`: an emitter claims a batch of waiting
 * events (others skip them until then) and calls the auditor outside any
 * transaction, so a slow auditor holds neither row locks nor a pooled connection.
 * An emitter that dies leaves its claim to run out; the next emits the events
 * again, under the same `meta.auditEventId`. Emitted rows are pruned after a while,
 * by `emitted_at`.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('campaign_audit_outbox', table => {
    table
      .timestamp('claimed_until', { useTz: true })
      .comment('an emitter is emitting it until then');
  });
  await knex.raw(
    `CREATE INDEX campaign_audit_outbox_emitted
       ON campaign_audit_outbox (emitted_at) WHERE emitted_at IS NOT NULL`,
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.raw(`DROP INDEX campaign_audit_outbox_emitted`);
  await knex.schema.alterTable('campaign_audit_outbox', table => {
    table.dropColumn('claimed_until');
  });
};
