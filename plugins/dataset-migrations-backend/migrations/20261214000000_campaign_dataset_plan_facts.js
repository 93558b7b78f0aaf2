// @ts-check

/**
 * The two facts of a campaign's plan that its runner and its burndown read on every
 * look, kept on each dataset's row: `upstream` (the campaign's datasets it is
 * derived from, which start first) and `planned_consumers` (its consumers as
 * planned, counted as outstanding until its migration discovers them). Reading
 * them from the frozen plan meant fetching and parsing the whole plan document
 * several times a look, a cost that grew with the fleet. Existing rows are filled
 * from their campaign's plan, and so is a row inserted without them.
 *
 * @param {import('knex').Knex} knex
 */
exports.up = async function up(knex) {
  await knex.schema.alterTable('campaign_datasets', table => {
    // No default: a row written without them (by a replica still running the
    // code before this migration, during a rolling upgrade) is filled from its
    // campaign's plan by the trigger below, not taken for one with no upstreams.
    table
      .specificType('upstream', 'text[]')
      .comment('datasets of the campaign it is derived from, as planned');
    table
      .integer('planned_consumers')
      .comment('its consumers as planned, until its migration discovers them');
  });
  await knex.raw(`
    CREATE FUNCTION campaign_dataset_plan_facts() RETURNS trigger
    LANGUAGE plpgsql AS $fill$
    BEGIN
      SELECT coalesce(NEW.upstream, ARRAY(SELECT jsonb_array_elements_text(
                        coalesce(planned->'upstream', '[]'::jsonb)))),
             coalesce(NEW.planned_consumers, (planned->>'consumers')::int)
        INTO NEW.upstream, NEW.planned_consumers
        FROM campaigns c,
             jsonb_array_elements(c.plan->'waves') w,
             jsonb_array_elements(w->'datasets') planned
       WHERE c.id = NEW.campaign_id AND planned->>'entityRef' = NEW.entity_ref
       LIMIT 1;
      NEW.upstream := coalesce(NEW.upstream, '{}');
      NEW.planned_consumers := coalesce(NEW.planned_consumers, 0);
      RETURN NEW;
    END
    $fill$`);
  await knex.raw(`
    CREATE TRIGGER campaign_dataset_plan_facts
      BEFORE INSERT ON campaign_datasets FOR EACH ROW
      WHEN (NEW.upstream IS NULL OR NEW.planned_consumers IS NULL)
      EXECUTE FUNCTION campaign_dataset_plan_facts()`);
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
  // Rows no plan names (a draft's) have none; the trigger fills new rows before
  // these checks apply.
  await knex.raw(`
    UPDATE campaign_datasets
       SET upstream = coalesce(upstream, '{}'),
           planned_consumers = coalesce(planned_consumers, 0)
     WHERE upstream IS NULL OR planned_consumers IS NULL`);
  await knex.raw(`
    ALTER TABLE campaign_datasets
      ALTER COLUMN upstream SET NOT NULL,
      ALTER COLUMN planned_consumers SET NOT NULL`);
};

/** @param {import('knex').Knex} knex */
exports.down = async function down(knex) {
  await knex.raw(
    'DROP TRIGGER campaign_dataset_plan_facts ON campaign_datasets',
  );
  await knex.raw('DROP FUNCTION campaign_dataset_plan_facts()');
  await knex.schema.alterTable('campaign_datasets', table => {
    table.dropColumn('planned_consumers');
    table.dropColumn('upstream');
  });
};
