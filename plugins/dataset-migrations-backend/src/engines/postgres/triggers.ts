/**
 * A table's own row triggers (an `updated_at` stamp, an audit row): which the new
 * version can take over at cut-over, and the statements that move them there and
 * back.
 */
import type { PoolClient } from 'pg';
import { InputError } from '@backstage/errors';
import { expandPhaseOf } from '@dataset-migrations/plugin-dataset-migrations-common';
import { catalogRead } from './connection';
import { formatRelation, quoteRelation, type RelationName } from './relations';
import type { MigrationShape } from './sql/shape';
import { q } from './sql/values';

export interface TableTrigger {
  name: string;
  /** pg_get_triggerdef: `CREATE TRIGGER … ON <table> FOR EACH ROW …`. */
  definition: string;
  /** The table as the definition spells it. */
  on: string;
  /** Why the new version cannot take it over; absent when it can. */
  uncarriable?: string;
}

/**
 * The table's enabled triggers but the engine's own. A disabled one fires for
 * nobody, so losing it at contract changes nothing; it is not listed.
 */
async function readTriggers(
  client: PoolClient,
  table: RelationName,
): Promise<TableTrigger[]> {
  const { rows } = await catalogRead<{
    name: string;
    definition: string;
    on: string;
    uncarriable: string | null;
  }>(
    client,
    `SELECT t.tgname AS name, pg_get_triggerdef(t.oid) AS definition,
            quote_ident(n.nspname) || '.' || quote_ident(c.relname) AS on,
            CASE
              WHEN t.tgenabled <> 'O'
                THEN 'it fires in replica sessions, which the new version''s would not'
              WHEN t.tgtype & 1 = 0
                THEN 'it fires per statement, and writes through the name reach the new version row by row'
              WHEN t.tgconstraint <> 0 THEN 'it is a constraint trigger'
              WHEN t.tgoldtable IS NOT NULL OR t.tgnewtable IS NOT NULL
                THEN 'it reads transition tables'
              WHEN c.relkind = 'p' OR t.tgparentid <> 0
                THEN 'it fires on a partitioned table'
              WHEN l.lanname <> 'plpgsql'
                   -- PostgreSQL's own (tsvector_update_trigger,
                   -- suppress_redundant_updates_trigger) read no table's name.
                   AND NOT (l.lanname = 'internal' AND p.pronamespace = 'pg_catalog'::regnamespace)
                   AND NOT EXISTS (
                     -- contrib's moddatetime only stamps a column of the row.
                     SELECT FROM pg_depend d JOIN pg_extension e ON e.oid = d.refobjid
                      WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                        AND d.deptype = 'e' AND e.extname = 'moddatetime')
                THEN format('its function is in %s, where the engine cannot see whether it reads which table it fires on', l.lanname)
              WHEN p.prosrc ~* '\\m(tg_(table_name|relname|relid|table_schema)|tableoid|pg_typeof)\\M'
                THEN 'its function reads which table it fires on, which would be the new version'
            END AS uncarriable
       FROM pg_trigger t
       JOIN pg_class c ON c.oid = t.tgrelid
       JOIN pg_namespace n ON n.oid = c.relnamespace
       JOIN pg_proc p ON p.oid = t.tgfoid
       JOIN pg_language l ON l.oid = p.prolang
      WHERE t.tgrelid = $1::regclass AND NOT t.tgisinternal
        AND t.tgenabled <> 'D'
        -- Not the engine's own (capture, reverse, expand), named by their runs.
        AND t.tgname !~ '^dsm_[0-9a-f]{12}_'
      ORDER BY t.tgname`,
    [quoteRelation(table)],
  );
  return rows.map(({ uncarriable, ...t }) =>
    uncarriable === null ? t : { ...t, uncarriable },
  );
}

/**
 * The source's triggers, as they are now, that the new version takes over; or
 * the reason it cannot: one no version could carry, or any at all when a field
 * changes name or type, since the trigger's function reads fields by name
 * (`NEW.updated_at`) and the engine cannot see into it. With every field kept,
 * the name is a plain view, so carried triggers fire as the writer, never inside
 * the engine's SECURITY DEFINER expand trigger.
 */
export async function triggersToCarry(
  client: PoolClient,
  shape: MigrationShape,
): Promise<TableTrigger[]> {
  const triggers = await readTriggers(client, shape.source);
  const refused = triggers.filter(t => t.uncarriable);
  if (refused.length > 0)
    throw new InputError(
      `${formatRelation(shape.source)} has ${refused
        .map(t => `trigger "${t.name}" (${t.uncarriable})`)
        .join(
          ', ',
        )}; this engine cannot carry it to the new version, so writes would stop running it after cut-over; drop it first or migrate this dataset by hand`,
    );
  const changed = expandPhaseOf(
    shape.sourceFields,
    shape.fields,
  ).columns.filter(c => c.source !== 'same' && c.source !== 'new');
  if (triggers.length > 0 && changed.length > 0)
    throw new InputError(
      `${formatRelation(shape.source)} has ${triggers
        .map(t => `trigger "${t.name}"`)
        .join(', ')}, whose function may read field ${changed
        .map(f => `"${f.name}"`)
        .join(
          ', ',
        )} by name; the engine carries triggers to the new version only when every field keeps its name and type (fields may be added); drop the trigger first, or add fields in this migration and change the others in another`,
    );
  return triggers;
}

/**
 * At cut-over: the new version takes the triggers over, and the previous
 * version's stop firing, since the reverse trigger copies every write back to it
 * (an audit row would be written twice, a stamp set again).
 */
export function carryTriggersSql(
  shape: MigrationShape,
  previous: RelationName,
  triggers: TableTrigger[],
): string[] {
  return triggers.flatMap(t => [
    onTable(t, quoteRelation(shape.target)),
    `ALTER TABLE ${quoteRelation(previous)} DISABLE TRIGGER ${q(t.name)}`,
  ]);
}

/** At rollback: the previous version's triggers fire again. */
export function restoreTriggersSql(
  previous: RelationName,
  names: string[],
): string[] {
  return names.map(
    name => `ALTER TABLE ${quoteRelation(previous)} ENABLE TRIGGER ${q(name)}`,
  );
}

/**
 * The previous version's triggers that cut-over handed to the new one: disabled
 * there, and a trigger of that name on the new version. One its owner disabled
 * before the migration was never carried, and stays disabled.
 */
export async function handedOver(
  client: PoolClient,
  previous: RelationName,
  target: RelationName,
): Promise<string[]> {
  const { rows } = await client.query<{ name: string }>(
    `SELECT t.tgname AS name FROM pg_trigger t
      WHERE t.tgrelid = to_regclass($1) AND t.tgenabled = 'D'
        AND EXISTS (SELECT FROM pg_trigger u
                     WHERE u.tgrelid = to_regclass($2) AND u.tgname = t.tgname)
      ORDER BY 1`,
    [quoteRelation(previous), quoteRelation(target)],
  );
  return rows.map(r => r.name);
}

/** The trigger's definition on another table. */
function onTable(trigger: TableTrigger, table: string): string {
  const on = ` ON ${trigger.on} FOR EACH ROW`;
  // After the trigger's own name, which may spell anything inside its quotes.
  const from = trigger.definition.indexOf(
    on,
    `CREATE TRIGGER ${q(trigger.name)}`.length,
  );
  if (from < 0)
    throw new Error(
      `cannot read the definition of trigger "${trigger.name}": ${trigger.definition}`,
    );
  return `${trigger.definition.slice(
    0,
    from,
  )} ON ${table} FOR EACH ROW${trigger.definition.slice(from + on.length)}`;
}
