// @ts-check

/**
 * `campaign_audit_outbox`: the audit events of what a campaign did by itself
 * (started a migration, tripped its failure policy, asked a rollback or a
 * contract), each written in the transaction of the change it records, so no such
 * change commits without its record. The runner and every replica's sweep emit the
 * rows not yet emitted through the auditor, at least once, each under its own id
 * (`meta.auditEventId`), so a reader drops a repeat after a crash.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.createTable('campaign_audit_outbox', table => {
    table.uuid('id').primary().comment('the event, stable across emissions');
    table.uuid('campaign_id').notNullable();
    table.string('event_id').notNullable();
    table.string('severity_level', 16).notNullable();
    table.jsonb('meta').notNullable();
    table.timestamp('recorded_at', { useTz: true }).notNullable();
    table
      .timestamp('emitted_at', { useTz: true })
      .comment('when the auditor took it; null while it waits');
    table.index(['campaign_id']);
  });
  await knex.raw(
    `CREATE INDEX campaign_audit_outbox_waiting
       ON campaign_audit_outbox (recorded_at) WHERE emitted_at IS NULL`,
  );
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  // Dropping the table would lose audit events no auditor has taken yet.
  const [{ n }] = await knex('campaign_audit_outbox')
    .whereNull('emitted_at')
    .count({ n: '*' });
  if (Number(n) > 0) {
    throw new Error(
      `campaign_audit_outbox holds ${n} audit event(s) not yet emitted; start the backend at this version so it emits them, then migrate down`,
    );
  }
  await knex.schema.dropTable('campaign_audit_outbox');
};
