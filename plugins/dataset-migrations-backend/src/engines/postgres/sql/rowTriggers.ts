/** Row triggers a run installs, each with the table that records writes it could not apply. */

import { type RelationName, quoteRelation } from '../relations';
import { dollarQuoted, functionSettings, q } from './values';

/** A row trigger of a run: its function, and the table recording writes it failed on. */
export interface RowTrigger {
  on: RelationName;
  trigger: string;
  fn: RelationName;
  failures: RelationName;
}

/**
 * The trigger runs with its owner's rights (the migration's), so writers need no
 * grant on the tables it writes; a write its body fails on is recorded in
 * `failures`, never refused.
 */
export function rowTriggerSql(t: RowTrigger & { body: string }): string[] {
  const fn = quoteRelation(t.fn);
  return [
    `CREATE TABLE ${quoteRelation(
      t.failures,
    )} (at timestamptz NOT NULL DEFAULT now(), message text NOT NULL)`,
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql
       ${functionSettings()} AS ${dollarQuoted(
      `
     BEGIN
       BEGIN
${t.body}
       EXCEPTION WHEN OTHERS THEN
         INSERT INTO ${quoteRelation(t.failures)} (message) VALUES (SQLERRM);
       END;
       RETURN NULL;
     END `,
      'trigger',
    )}`,
    `CREATE TRIGGER ${q(
      t.trigger,
    )} AFTER INSERT OR UPDATE OR DELETE ON ${quoteRelation(
      t.on,
    )} FOR EACH ROW EXECUTE FUNCTION ${fn}()`,
  ];
}

/**
 * The engine's schema, if missing. create-target also makes it on its own first
 * (two first runs at once race on it inside their transactions); kept here so a
 * plan's SQL says it.
 */
export function createBookkeepingSchemaSql(schema: string): string[] {
  return [`CREATE SCHEMA IF NOT EXISTS ${q(schema)}`];
}

export function dropRowTriggerSql(t: RowTrigger): string[] {
  return [
    `DROP TRIGGER IF EXISTS ${q(t.trigger)} ON ${quoteRelation(t.on)}`,
    `DROP FUNCTION IF EXISTS ${quoteRelation(t.fn)}()`,
    `DROP TABLE IF EXISTS ${quoteRelation(t.failures)}`,
  ];
}
