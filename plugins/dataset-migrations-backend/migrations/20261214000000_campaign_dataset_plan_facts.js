// @ts-check

/**
 * The two facts of a campaign's plan that its runner and its burndown read on every
 * look, kept on each dataset's row: `upstream` (the campaign's datasets it is
 * derived from, which start first) and `planned_consumers` (its consumers as
 * planned, counted as outstanding until its migration discovers them). Reading
 * them from the frozen plan meant fetching and parsing the whole plan document
 * several times a look, a cost that grew with the fleet. Existing rows are filled
 * from their campaign's plan.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('campaign_datasets', table => {
    table
      .specificType('upstream', 'text[]')
      .notNullable()
      .defaultTo('{}')
      .comment('datasets of the campaign it is derived from, as planned');
    table
      .integer('planned_consumers')
      .notNullable()
      .defaultTo(0)
      .comment('its consumers as planned, until its migration discovers them');
  });
  await knex.raw(`
    UPDATE campaign_datasets d
       SET upstream = ARRAY(SELECT jsonb_array_elements_text(
                              coalesce(p.planned->'upstream', '[]'::jsonb))),
           planned_consumers = coalesce((p.planned->>'consumers')::int, 0)
      FROM (SELECT c.id, planned
              FROM campaigns c,
                   jsonb_array_elements(c.plan->'waves') w,
                   jsonb_array_elements(w->'datasets') planned
             WHERE c.plan IS NOT NULL) p
     WHERE d.campaign_id = p.id AND d.entity_ref = p.planned->>'entityRef'`);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.schema.alterTable('campaign_datasets', table => {
    table.dropColumn('planned_consumers');
    table.dropColumn('upstream');
  });
};
