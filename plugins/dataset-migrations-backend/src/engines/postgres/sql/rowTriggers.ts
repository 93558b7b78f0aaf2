/** Row triggers a run installs, each with the table that records writes it could not apply, and the TRUNCATE trigger beside one. */

import { type RelationName, quoteRelation } from '../relations';
import { onlyOwnerSql } from './privileges';
import {
  COLUMNS_OVER_VARIABLES,
  dollarQuoted,
  functionSettings,
  literal,
  q,
} from './values';

/** A row trigger of a run: its function, and the table recording writes it failed on. */
export interface RowTrigger {
  on: RelationName;
  trigger: string;
  fn: RelationName;
  failures: RelationName;
}

/**
 * The first handler of a trigger body's EXCEPTION block: a write that conflicted
 * with another transaction (a serialization failure, a deadlock, a lock not
 * available) fails the writer's transaction, as it would on the writer's own
 * tables, for the writer to retry, rather than be recorded or dropped.
 */
export const CONFLICTS_FAIL_THE_WRITE =
  'WHEN transaction_rollback OR lock_not_available THEN RAISE;';

/**
 * The trigger runs with its owner's rights (the migration's), so writers need no
 * grant on the tables it writes, and in every session, whatever its
 * replication role; a write its body fails on is recorded in `failures`, never
 * refused (what it runs before that body, `refused`, fails the writer). Except
 * where the write conflicted with another transaction (a
 * serialization failure, a deadlock, a lock not available): the writer's
 * transaction fails as it would on its own tables, and retried, it is captured.
 * Recorded, it would have failed the migration. A writer at REPEATABLE READ
 * meets this when it changes a row the backfill copied after its snapshot.
 */
export function rowTriggerSql(
  t: RowTrigger & {
    body: string;
    /** Declarations of the function's variables, for `refused` and `body`. */
    declare?: string;
    /**
     * Statements run before `body`, outside the block that records: a write
     * they fail on fails the writer, as a rule of the table it writes would.
     */
    refused?: string;
  },
): string[] {
  const fn = quoteRelation(t.fn);
  return [
    `CREATE TABLE ${quoteRelation(
      t.failures,
    )} (at timestamptz NOT NULL DEFAULT now(), message text NOT NULL)`,
    onlyOwnerSql(t.failures),
    `CREATE FUNCTION ${fn}() RETURNS trigger LANGUAGE plpgsql
       ${functionSettings()} AS ${dollarQuoted(
      `
     ${COLUMNS_OVER_VARIABLES}${
        t.declare
          ? `
     DECLARE${t.declare}`
          : ''
      }
     BEGIN${t.refused ?? ''}
       BEGIN
${t.body}
       EXCEPTION
         ${CONFLICTS_FAIL_THE_WRITE}
         WHEN OTHERS THEN
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
    // Fires in sessions with session_replication_role = replica too (logical
    // replication's apply, tools such as pgcompacttable that move rows with no-op
    // updates): a write it missed would be missing from the other version.
    `ALTER TABLE ${quoteRelation(t.on)} ENABLE ALWAYS TRIGGER ${q(t.trigger)}`,
  ];
}

/**
 * The engine's schema, if missing. Not `CREATE SCHEMA IF NOT EXISTS`: that checks
 * the database's CREATE privilege first, which a role owning a schema made for it
 * beforehand need not have. create-target and contract also make it on their own
 * first (see ensureBookkeepingSchema); kept here so a plan's SQL says it.
 */
export function createBookkeepingSchemaSql(schema: string): string[] {
  return [
    `DO ${dollarQuoted(
      `DECLARE grantee text;
     BEGIN
       IF to_regnamespace(${literal(q(schema))}) IS NULL THEN
         CREATE SCHEMA ${q(schema)};
         -- Not what the role's default privileges give others (see onlyOwnerSql):
         -- with CREATE there, a role could take the names of a run's objects first.
         FOR grantee IN
           SELECT DISTINCT coalesce(quote_ident(r.rolname), 'PUBLIC')
             FROM pg_namespace n
             CROSS JOIN LATERAL aclexplode(n.nspacl) AS a
             LEFT JOIN pg_roles r ON r.oid = a.grantee
            WHERE n.nspname = ${literal(schema)} AND a.grantee <> n.nspowner
         LOOP
           EXECUTE format('REVOKE ALL ON SCHEMA %I FROM %s', ${literal(
             schema,
           )}, grantee);
         END LOOP;
       END IF;
     END`,
      'schema',
    )}`,
  ];
}

/**
 * The statement trigger beside a row trigger that hears a TRUNCATE of its table,
 * which fires no row trigger, and its function: named after the row trigger's.
 */
export function truncateTriggerOf(t: RowTrigger) {
  return {
    trigger: `${t.trigger}_truncate`,
    fn: { ...t.fn, name: `${t.fn.name}_truncate` },
  };
}

/**
 * Makes truncateTriggerOf(`t`) on `t.on`: `statement` (PL/pgSQL) runs after each
 * TRUNCATE of it, with the row trigger's rights and in every session, whatever
 * its replication role, as the row trigger does.
 */
export function truncateTriggerSql(t: RowTrigger, statement: string): string[] {
  const { trigger, fn } = truncateTriggerOf(t);
  return [
    `CREATE FUNCTION ${quoteRelation(
      fn,
    )}() RETURNS trigger LANGUAGE plpgsql ${functionSettings()} AS ${dollarQuoted(
      `
     BEGIN
       ${statement};
       RETURN NULL;
     END `,
      'truncate',
    )}`,
    `CREATE TRIGGER ${q(trigger)} AFTER TRUNCATE ON ${quoteRelation(
      t.on,
    )} FOR EACH STATEMENT EXECUTE FUNCTION ${quoteRelation(fn)}()`,
    `ALTER TABLE ${quoteRelation(t.on)} ENABLE ALWAYS TRIGGER ${q(trigger)}`,
  ];
}

export function dropRowTriggerSql(t: RowTrigger): string[] {
  return [
    `DROP TRIGGER IF EXISTS ${q(t.trigger)} ON ${quoteRelation(t.on)}`,
    `DROP FUNCTION IF EXISTS ${quoteRelation(t.fn)}()`,
    `DROP TABLE IF EXISTS ${quoteRelation(t.failures)}`,
  ];
}
