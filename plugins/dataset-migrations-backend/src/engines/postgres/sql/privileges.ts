/** Who may use the relations the engine creates. */

import { type RelationName, quoteRelation } from '../relations';
import { dollarQuoted, literal } from './values';

/**
 * Takes from a relation the engine just created every privilege its owner's
 * default privileges (ALTER DEFAULT PRIVILEGES) gave other roles. Those were set
 * for the engine's role, not for this dataset: a database that gives `anon` SELECT
 * on every new table would otherwise open the new version, its views and the
 * engine's bookkeeping to a role the dataset never granted. The dataset's own
 * grants are given afterwards (see copyGrantsSql).
 */
export function onlyOwnerSql(relation: RelationName): string {
  return revokeOthersSql(`${literal(quoteRelation(relation))}::regclass`);
}

/**
 * A view the engine makes for readers, open to exactly the roles `grants` name:
 * never to those its role's default privileges would add.
 */
export function createViewSql(
  view: RelationName,
  query: string,
  grants: string[],
): string[] {
  return [
    `CREATE VIEW ${quoteRelation(view)} AS ${query}`,
    onlyOwnerSql(view),
    ...grants,
  ];
}

/** The same for the sequence of an identity column the engine just created. */
export function onlyOwnerOfIdentitySql(
  table: RelationName,
  column: string,
): string {
  return revokeOthersSql(
    `pg_get_serial_sequence(${literal(quoteRelation(table))}, ${literal(
      column,
    )})::regclass`,
  );
}

/** Revokes from all but its owner what they hold on the relation `regclass` names. */
function revokeOthersSql(regclass: string): string {
  return `DO ${dollarQuoted(
    `DECLARE
       relation regclass := ${regclass};
       grantee text;
     BEGIN
       FOR grantee IN
         SELECT DISTINCT coalesce(quote_ident(r.rolname), 'PUBLIC')
           FROM pg_class c
           CROSS JOIN LATERAL aclexplode(c.relacl) AS a
           LEFT JOIN pg_roles r ON r.oid = a.grantee
          WHERE c.oid = relation AND a.grantee <> c.relowner
       LOOP
         EXECUTE format('REVOKE ALL ON %s FROM %s', relation, grantee);
       END LOOP;
     END`,
    'acl',
  )}`;
}
