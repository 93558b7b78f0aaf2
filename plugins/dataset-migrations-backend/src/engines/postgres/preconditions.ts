/** What must hold before a dataset moves to a new version; each check refuses with the reason. */
import type { PoolClient } from 'pg';
import { InputError } from '@backstage/errors';
import type { TargetField } from '@dataset-migrations/plugin-dataset-migrations-common';
import { catalogRead } from './connection';
import {
  formatRelation,
  isVersionOf,
  quoteRelation,
  readDependents,
  relationExists,
  type RelationName,
  type ResolvedDataset,
} from './relations';
import { isRename, type MigrationShape } from './sql/shape';
import { NOT_FOR_THE_NEW_TYPE } from './carryOver';
import { q, valueOf } from './sql/values';

/**
 * Views and foreign keys are bound to a table, not to the name readers use: after
 * the switch they would keep the old version, and dropping it would break them.
 */
export async function refuseDependents(
  client: PoolClient,
  dataset: ResolvedDataset,
): Promise<void> {
  const dependents = await readDependents(
    client,
    dataset.kind === 'view'
      ? [dataset.relation, dataset.storage]
      : [dataset.storage],
    [dataset.relation],
  );
  if (dependents.length > 0) {
    throw new InputError(
      `${formatRelation(
        dataset.relation,
      )} cannot move to a new version while ${dependents.join(
        ', ',
      )} depend on its current table; Postgres binds them to the table, not the name, so they would stay on the old version. Drop or repoint them first`,
    );
  }
}

/**
 * Rollback and contract drop relations readers may have built on since cut-over
 * (a view over the name, a function of its row type, a foreign key to the new
 * version): PostgreSQL would refuse the drop with a bare dependency error, and
 * the person asking would not know what to repoint. Names them instead.
 */
export async function refuseBuiltOn(
  client: PoolClient,
  doing: 'rollback' | 'contract',
  drops: RelationName[],
  ours: RelationName[],
): Promise<void> {
  const dependents = await readDependents(client, drops, ours);
  if (dependents.length > 0)
    throw new Error(
      `${doing} would drop ${drops
        .map(formatRelation)
        .join(' and ')}, which ${dependents.join(
        ', ',
      )} depend on; drop or repoint them first`,
    );
}

/**
 * What the new version, made from the dataset's fields alone, would not carry:
 * after cut-over readers would see other rows or other values, or writes would
 * stop doing what they did; and first, roles the migration would lend its rights
 * to. Each is refused with its reason, changing nothing.
 */
export async function refuseUncarried(
  client: PoolClient,
  dataset: ResolvedDataset,
): Promise<void> {
  await refuseLesserOwners(client, dataset);
  await refuseCollations(client, dataset);
  await refuseDeferrableKey(client, dataset);
  await refuseKeyWithoutOverlaps(client, dataset);
  await refuseInvalidIndexes(client, dataset);
  await refuseUnlogged(client, dataset);
  await refuseInheritance(client, dataset);
  await refuseRowSecurity(client, dataset);
  await refuseComputedColumns(client, dataset);
  await refuseTriggersAndRules(client, dataset);
  await refusePublications(client, dataset);
  await refuseSubscriptions(client, dataset);
  await refuseColumnPrivileges(client, dataset);
}

/**
 * A foreign key the new version does not carry (over a dropped field or one
 * retyped past what its operators compare, a self-referencing one too) whose action PostgreSQL
 * would apply to the previous version alone from cut-over: a referenced row
 * deleted, through the name or in the other table, would take its referencing
 * rows out of the previous version and leave them in the new one the name serves
 * (or leave their fields as they were there), until contract and after it. Found
 * by a probe (2026-12-06): deleting a comment through the name left its replies
 * served (a self-referencing key over fields kept is carried since). Refused,
 * naming each.
 */
export function refuseActionsLeftBehind(shape: MigrationShape): void {
  const { actionsLeftBehind } = shape.carryOver;
  if (actionsLeftBehind.length === 0) return;
  throw new InputError(
    `${formatRelation(shape.source)} has ${actionsLeftBehind.join(
      ', ',
    )}, which the new version does not carry: from cut-over its action would change rows of the previous version only, and the name would go on serving the rows it deletes or changes. Make it ON DELETE/ON UPDATE NO ACTION (or drop it) for the migration, or migrate this dataset by hand`,
  );
}

/**
 * SQL: whether `role` (an oid) holds all the engine's role does, attributes too:
 * that role, a superuser, or one that may SET ROLE to it (from PostgreSQL 16 a
 * membership may deny SET; before, every member may). Inheriting its privileges
 * is not enough: code running as the engine's role has its SUPERUSER too, which
 * no member inherits.
 */
function holdsEngineRights(role: string): string {
  const engine = `(SELECT oid FROM pg_roles WHERE rolname = current_user)`;
  return `(${role} = ${engine}
    OR coalesce((SELECT rolsuper FROM pg_roles WHERE oid = ${role}), false)
    OR CASE WHEN current_setting('server_version_num')::int >= 160000
            THEN pg_has_role(${role}, ${engine}, 'SET')
            ELSE pg_has_role(${role}, ${engine}, 'MEMBER') END)`;
}

/**
 * A table (or partition) owned, or open to triggers, by a role that does not hold
 * the migration's role's rights. The migration's triggers are SECURITY DEFINER and
 * its copy and verify run as its role: after cut-over every write is carried back
 * into the previous version, and the copy reads the table and writes values of
 * its types. A lesser owner could attach a trigger, a row-level security policy
 * or a domain CHECK there, or a TRIGGER grantee a trigger, and have it run with
 * the migration's rights (a superuser's, often). Refused until the engine does
 * the dataset's work as its owner; connect the engine as the owner instead.
 * Judged again at cut-over, from which the triggers write into the table.
 */
export async function refuseLesserOwners(
  client: PoolClient,
  dataset: ResolvedDataset,
): Promise<void> {
  const { rows } = await catalogRead<{ what: string }>(
    client,
    `WITH tree AS (
       SELECT t.relid AS oid FROM pg_partition_tree($1::regclass) AS t
       UNION SELECT $1::regclass)
     SELECT DISTINCT format('%s is owned by role %I', c.oid::regclass, o.rolname) AS what
       FROM tree JOIN pg_class c ON c.oid = tree.oid
       JOIN pg_roles o ON o.oid = c.relowner
      WHERE NOT ${holdsEngineRights('c.relowner')}
     UNION
     SELECT format('role %s may create triggers on %s',
                   coalesce(quote_ident(r.rolname), 'PUBLIC'), c.oid::regclass)
       FROM tree JOIN pg_class c ON c.oid = tree.oid
       CROSS JOIN LATERAL aclexplode(c.relacl) AS a
       LEFT JOIN pg_roles r ON r.oid = a.grantee
      WHERE a.privilege_type = 'TRIGGER' AND a.grantee <> c.relowner
        AND CASE WHEN a.grantee = 0 THEN true
                 ELSE NOT ${holdsEngineRights('a.grantee')} END
      ORDER BY 1`,
    [quoteRelation(dataset.storage)],
  );
  if (rows.length > 0)
    throw new InputError(
      `${rows
        .map(r => r.what)
        .join(
          ', ',
        )}, which does not hold the rights of the engine's role (current user); the migration's triggers and copy run with those rights, and code that role attaches to the table (a trigger, a policy, a domain CHECK) would run with them too. Connect the engine as the table's owner, or revoke TRIGGER`,
    );
}

/**
 * A column with a collation other than its type's default: the new version's
 * columns are made from their types alone, so it would sort and compare by the
 * database's default collation, and readers' ORDER BY, comparisons and DISTINCT
 * would answer otherwise. Refused until the engine carries collations.
 */
async function refuseCollations(
  client: PoolClient,
  dataset: ResolvedDataset,
): Promise<void> {
  const { rows } = await catalogRead<{ name: string; collation: string }>(
    client,
    `SELECT a.attname AS name, c.collname AS collation
       FROM pg_attribute a
       JOIN pg_type t ON t.oid = a.atttypid
       JOIN pg_collation c ON c.oid = a.attcollation
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
        AND a.attcollation <> 0 AND a.attcollation <> t.typcollation
      ORDER BY a.attnum`,
    [quoteRelation(dataset.storage)],
  );
  if (rows.length > 0)
    throw new InputError(
      `${formatRelation(dataset.relation)} has ${rows
        .map(r => `column "${r.name}" with collation "${r.collation}"`)
        .join(
          ', ',
        )}; this engine does not carry collations to the new version yet, where readers would sort and compare by the database's default instead`,
    );
}

/**
 * A DEFERRABLE primary key: the new version's key is checked row by row (the
 * capture and reverse triggers' `ON CONFLICT` cannot take a deferrable one), so
 * a write moving keys past each other (`SET pos = pos + 1`, a swap), which the
 * table checks at its statement's or transaction's end, would fail through the
 * name after cut-over; during the copy the capture would apply it row by row,
 * overwriting one row with another and failing verify. Refused, as a
 * DEFERRABLE unique index is (see carryOver).
 */
async function refuseDeferrableKey(
  client: PoolClient,
  dataset: ResolvedDataset,
): Promise<void> {
  const { rows } = await catalogRead<{ name: string }>(
    client,
    `SELECT conname AS name FROM pg_constraint
      WHERE conrelid = $1::regclass AND contype = 'p' AND condeferrable`,
    [quoteRelation(dataset.storage)],
  );
  if (rows.length > 0)
    throw new InputError(
      `${formatRelation(dataset.relation)} has a DEFERRABLE primary key (${
        rows[0].name
      }), which the new version cannot carry yet: its key would be checked at each row, so writes that move keys past each other (a swap, pos = pos + 1) would fail; make the key NOT DEFERRABLE or migrate this dataset by hand`,
    );
}

/**
 * A primary key WITHOUT OVERLAPS (PostgreSQL 18's temporal key, `PRIMARY KEY (id,
 * valid_at WITHOUT OVERLAPS)`): an exclusion constraint over its period, which
 * the new version's plain key over the same fields is not. Carried as one, a row
 * for a period overlapping another of the same id went in through the name
 * (found by a probe, 2026-12-06). Refused, as a UNIQUE one is (see carryOver).
 */
async function refuseKeyWithoutOverlaps(
  client: PoolClient,
  dataset: ResolvedDataset,
): Promise<void> {
  const { rows } = await catalogRead<{ name: string }>(
    client,
    `SELECT c.conname AS name FROM pg_constraint c
      WHERE c.conrelid = $1::regclass AND c.contype = 'p'
        -- Through jsonb: the column only exists from Postgres 18.
        AND (to_jsonb(c.*) ->> 'conperiod')::boolean`,
    [quoteRelation(dataset.storage)],
  );
  if (rows.length > 0)
    throw new InputError(
      `${formatRelation(
        dataset.relation,
      )} has a primary key WITHOUT OVERLAPS (${
        rows[0].name
      }), which the new version cannot carry yet: it would be a plain key over the same fields, taking rows whose periods overlap; migrate this dataset by hand`,
    );
}

/**
 * An index PostgreSQL marks INVALID: left by a `CREATE INDEX CONCURRENTLY` that
 * failed (a unique one meeting duplicates), or a partitioned index not yet on
 * every partition. The new version would build it whole: over duplicates the run
 * failed at the indexes stage after copying every row (found by a probe,
 * 2026-12-06), and over rows without any a unique one would refuse writes the
 * table takes. Refused, naming it, at plan and create-target only: one made
 * invalid later must not hold back a rollback or a contract.
 */
async function refuseInvalidIndexes(
  client: PoolClient,
  dataset: ResolvedDataset,
): Promise<void> {
  const { rows } = await catalogRead<{ name: string }>(
    client,
    `SELECT ic.relname::text AS name FROM pg_index i
       JOIN pg_class ic ON ic.oid = i.indexrelid
      WHERE i.indrelid = $1::regclass AND NOT i.indisvalid
      ORDER BY ic.relname`,
    [quoteRelation(dataset.storage)],
  );
  if (rows.length > 0)
    throw new InputError(
      `${rows.map(r => `index ${r.name}`).join(', ')} of ${formatRelation(
        dataset.relation,
      )} is INVALID (a CREATE INDEX CONCURRENTLY that failed, or a partitioned index not yet on every partition), which the new version would build whole: over duplicates the run would fail after copying every row, and a unique one would refuse writes the table takes; drop it, or rebuild it (REINDEX INDEX CONCURRENTLY) first`,
    );
}

/**
 * An UNLOGGED table (or partition): the new version is made logged, so it would
 * keep its rows across a crash or a failover, and the previous version would
 * not: a crash empties it, and a rollback after one then served no rows and
 * dropped the only version holding them. Refused until the engine carries the
 * table's persistence.
 */
async function refuseUnlogged(
  client: PoolClient,
  dataset: ResolvedDataset,
): Promise<void> {
  const { rows } = await catalogRead<{ name: string }>(
    client,
    `WITH tree AS (
       SELECT t.relid AS oid FROM pg_partition_tree($1::regclass) AS t
       UNION SELECT $1::regclass)
     SELECT format('%I.%I', n.nspname, c.relname) AS name
       FROM tree JOIN pg_class c ON c.oid = tree.oid
       JOIN pg_namespace n ON n.oid = c.relnamespace
      WHERE c.relpersistence = 'u'
      ORDER BY 1`,
    [quoteRelation(dataset.storage)],
  );
  if (rows.length > 0)
    throw new InputError(
      `${rows.map(r => r.name).join(', ')} ${
        rows.length > 1 ? 'are' : 'is'
      } UNLOGGED, which this engine does not carry to the new version yet: that version would be logged and keep its rows through a crash, while a crash empties the previous one, which a rollback returns to; make the table LOGGED (ALTER TABLE … SET LOGGED) or migrate this dataset by hand`,
    );
}

/**
 * A table in an inheritance tree it does not head as a partitioned table: the
 * new version joins no tree. A parent (partitioned or by INHERITS) would go on
 * reading the old version, which contract drops with its rows; rows written to
 * an inheriting child would never reach the new version.
 */
async function refuseInheritance(
  client: PoolClient,
  dataset: ResolvedDataset,
): Promise<void> {
  const { rows } = await catalogRead<{ what: string }>(
    client,
    `SELECT format('%s %s', CASE WHEN c.relispartition THEN 'is a partition of'
                                 ELSE 'inherits from' END, i.inhparent::regclass) AS what
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhrelid
      WHERE i.inhrelid = $1::regclass
     UNION ALL
     SELECT format('is inherited by %s', i.inhrelid::regclass)
       FROM pg_inherits i JOIN pg_class c ON c.oid = i.inhparent
      WHERE i.inhparent = $1::regclass AND c.relkind = 'r'
      ORDER BY 1`,
    [quoteRelation(dataset.storage)],
  );
  if (rows.length > 0)
    throw new InputError(
      `${formatRelation(dataset.storage)} ${rows
        .map(r => r.what)
        .join(
          ', ',
        )}; the new version would be outside that inheritance, so rows would be lost to its readers or writers; migrate this dataset by hand`,
    );
}

/**
 * Row-level security: the new version has no policies, and the name is a view
 * owned by the migration's role, which policies do not apply to, so readers
 * would see every row. Where they do apply to that role (FORCE, or a role other
 * than the owner), the copy and verify would both see only the rows the policies
 * let through, and the cut-over would leave the others behind.
 */
async function refuseRowSecurity(
  client: PoolClient,
  dataset: ResolvedDataset,
): Promise<void> {
  const { rows } = await catalogRead<{ enabled: boolean; policies: string[] }>(
    client,
    `SELECT c.relrowsecurity AS enabled,
            array(SELECT p.polname::text FROM pg_policy p
                   WHERE p.polrelid = c.oid ORDER BY 1) AS policies
       FROM pg_class c WHERE c.oid = $1::regclass`,
    [quoteRelation(dataset.storage)],
  );
  const [security] = rows;
  if (!security?.enabled) return;
  throw new InputError(
    `${formatRelation(dataset.relation)} has row-level security enabled${
      security.policies.length
        ? ` (policies ${security.policies.map(p => `"${p}"`).join(', ')})`
        : ''
    }; this engine does not carry it to the new version, where readers would see the rows its policies hide, and it may copy only the rows they show; migrate this dataset by hand`,
  );
}

/**
 * Generated columns, and identity columns outside the primary key: the new
 * version's columns are plain, so after cut-over nothing would compute a
 * generated column for new rows, and an insert that leaves such an identity
 * column out would fail instead of numbering the row. The key's identity is
 * carried (see MigrationShape.identities).
 */
async function refuseComputedColumns(
  client: PoolClient,
  dataset: ResolvedDataset,
): Promise<void> {
  const { rows } = await catalogRead<{ name: string; generated: boolean }>(
    client,
    `SELECT a.attname AS name, a.attgenerated <> '' AS generated
       FROM pg_attribute a
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
        AND (a.attgenerated <> ''
             OR (a.attidentity <> '' AND NOT EXISTS (
                   SELECT FROM pg_index i
                    WHERE i.indrelid = a.attrelid AND i.indisprimary
                      AND a.attnum = ANY (i.indkey))))
      ORDER BY a.attnum`,
    [quoteRelation(dataset.storage)],
  );
  if (rows.length > 0)
    throw new InputError(
      `${formatRelation(dataset.relation)} has ${rows
        .map(
          r => `${r.generated ? 'generated' : 'identity'} column "${r.name}"`,
        )
        .join(
          ', ',
        )}; this engine does not carry generated columns, or identity columns outside the primary key, to the new version yet, where they would be plain columns that writers must fill; migrate this dataset by hand`,
    );
}

/**
 * Rules on the table (or its partitions), and triggers on its partitions or on
 * the dataset's view: they stay on the old version, so after cut-over writes
 * through the name would no longer run them (an audit trigger stops recording, a
 * BEFORE trigger stops filling its columns), and contract would drop them. A
 * disabled one (DISABLE TRIGGER or RULE) runs in no session, so nothing stops
 * running: it stays on the old version and goes with it at contract. The table's
 * own row triggers may move to the new version (see triggersToCarry), which
 * judges them with the migration's fields.
 */
async function refuseTriggersAndRules(
  client: PoolClient,
  dataset: ResolvedDataset,
): Promise<void> {
  const { rows } = await catalogRead<{ what: string }>(
    client,
    `WITH bound AS (
       -- The partition tree is empty for a table that is not partitioned.
       SELECT t.relid AS oid FROM pg_partition_tree($1::regclass) AS t
       UNION SELECT $1::regclass UNION SELECT $2::regclass)
     SELECT DISTINCT format('trigger %I', t.tgname) AS what
       FROM bound b JOIN pg_trigger t ON t.tgrelid = b.oid
      -- Not the engine's own (capture, reverse), named by their runs.
      WHERE NOT t.tgisinternal AND t.tgname !~ '^dsm_[0-9a-f]{12}_'
        AND t.tgenabled <> 'D' AND t.tgrelid <> $1::regclass
     UNION
     SELECT format('rule %I', r.rulename)
       FROM bound b JOIN pg_rewrite r ON r.ev_class = b.oid
      WHERE r.rulename <> '_RETURN' AND r.ev_enabled <> 'D'
      ORDER BY 1`,
    [quoteRelation(dataset.storage), quoteRelation(dataset.relation)],
  );
  if (rows.length > 0)
    throw new InputError(
      `${formatRelation(dataset.relation)} has ${rows
        .map(r => r.what)
        .join(
          ', ',
        )}; this engine does not carry triggers or rules to the new version, so writes would stop running them after cut-over; drop them first or migrate this dataset by hand`,
    );
}

/**
 * A publication of the table (by name, by schema or of all tables): after cut-over
 * the dataset's writes land in another table, so logical replication and change
 * capture following this one would stop receiving them. A publication of all
 * tables or of the schema cannot leave one table out, and would publish the new
 * version too, under a name its subscribers do not have; the message says which.
 */
async function refusePublications(
  client: PoolClient,
  dataset: ResolvedDataset,
): Promise<void> {
  const { rows } = await catalogRead<{ name: string; whole: string | null }>(
    client,
    `WITH bound AS (
       SELECT t.relid AS oid FROM pg_partition_tree($1::regclass) AS t
       UNION SELECT $1::regclass)
     SELECT DISTINCT p.pubname::text AS name,
            CASE WHEN p.puballtables THEN 'FOR ALL TABLES'
                 -- Published, neither of all tables nor by name: by its schema.
                 WHEN NOT EXISTS (SELECT FROM pg_publication_rel r
                                   WHERE r.prpubid = p.oid AND r.prrelid IN (SELECT oid FROM bound))
                 THEN format('FOR TABLES IN SCHEMA %I', pt.schemaname) END AS whole
       FROM pg_publication_tables pt
       JOIN pg_publication p ON p.pubname = pt.pubname
       JOIN pg_namespace n ON n.nspname = pt.schemaname
       JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = pt.tablename
      WHERE c.oid IN (SELECT oid FROM bound)
      ORDER BY 1`,
    [quoteRelation(dataset.storage)],
  );
  if (rows.length === 0) return;
  const whole = rows.filter(r => r.whole !== null);
  const byName = rows.filter(r => r.whole === null);
  const todo = [
    ...(byName.length > 0
      ? [
          `drop the table from ${byName
            .map(r => `"${r.name}"`)
            .join(
              ', ',
            )} (ALTER PUBLICATION … DROP TABLE) if their subscribers can do without it`,
        ]
      : []),
    ...(whole.length > 0
      ? [
          `recreate ${whole
            .map(r => `"${r.name}"`)
            .join(
              ', ',
            )} FOR TABLE with the tables their subscribers need, without this one: a publication of all tables or of a schema cannot leave one table out, and would also publish the new version under a name its subscribers do not have`,
        ]
      : []),
  ];
  throw new InputError(
    `${formatRelation(dataset.relation)} is published by ${rows
      .map(r => `publication "${r.name}"${r.whole ? ` (${r.whole})` : ''}`)
      .join(
        ', ',
      )}; after cut-over its writes would land in a new table, and the publication's subscribers would stop receiving them under this table; ${todo.join(
      ', and ',
    )}, or migrate this dataset by hand`,
  );
}

/**
 * A subscription that writes the table (logical replication's apply worker):
 * from cut-over the name is a view, which the worker cannot write, so the
 * subscription would stop with an error on the next change, and the publisher
 * keep its WAL for it until someone noticed. Its name is read from
 * pg_subscription_rel and pg_subscription, which every role may read
 * (pg_subscription's connection string is not read).
 */
async function refuseSubscriptions(
  client: PoolClient,
  dataset: ResolvedDataset,
): Promise<void> {
  const { rows } = await catalogRead<{ name: string }>(
    client,
    `SELECT DISTINCT s.subname::text AS name
       FROM pg_subscription_rel r
       JOIN pg_subscription s ON s.oid = r.srsubid
      WHERE r.srrelid IN (SELECT t.relid FROM pg_partition_tree($1::regclass) AS t
                          UNION SELECT $1::regclass)
      ORDER BY 1`,
    [quoteRelation(dataset.storage)],
  );
  if (rows.length === 0) return;
  throw new InputError(
    `${formatRelation(dataset.relation)} is written by ${rows
      .map(r => `subscription "${r.name}"`)
      .join(
        ', ',
      )}; after cut-over its name is a view, which logical replication cannot write, so the subscription would stop at its next change; take the table out of it first (ALTER PUBLICATION … DROP TABLE on the publisher, then ALTER SUBSCRIPTION … REFRESH PUBLICATION here), or migrate this dataset by hand`,
  );
}

/**
 * Privileges granted on some columns only: the name's new view gets the table's
 * grants (see copyGrantsSql), not these, so a role granted columns could no
 * longer read or write them. Not a column privilege its grantee also holds on the
 * whole table (granted it, through a role, or as a superuser), which the copied
 * grants give again, nor the migration's role's, which owns the new view. Read on
 * the name: readers use a dataset view's grants, never its table's.
 */
async function refuseColumnPrivileges(
  client: PoolClient,
  dataset: ResolvedDataset,
): Promise<void> {
  const { rows } = await catalogRead<{ name: string; uncarried: string }>(
    client,
    `SELECT a.attname AS name,
            string_agg(DISTINCT format('%s to %s', g.privilege_type,
                                       coalesce(r.rolname::text, 'PUBLIC')), ', ') AS uncarried
       FROM pg_attribute a
       JOIN pg_class c ON c.oid = a.attrelid
       CROSS JOIN LATERAL aclexplode(a.attacl) AS g
       LEFT JOIN pg_roles r ON r.oid = g.grantee
      WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
        AND g.grantee <> c.relowner
        AND r.rolname IS DISTINCT FROM current_user
        AND NOT has_table_privilege(coalesce(r.rolname, 'public'), c.oid,
              g.privilege_type || CASE WHEN g.is_grantable THEN ' WITH GRANT OPTION' ELSE '' END)
      GROUP BY a.attnum, a.attname
      ORDER BY a.attnum`,
    [quoteRelation(dataset.relation)],
  );
  if (rows.length > 0)
    throw new InputError(
      `${formatRelation(
        dataset.relation,
      )} has privileges granted on column ${rows
        .map(r => `"${r.name}" (${r.uncarried})`)
        .join(
          ', ',
        )}, which the grantee does not hold on the whole table; this engine carries only table-wide grants to the new version, where those roles could no longer use the columns; grant on the table or migrate this dataset by hand`,
    );
}

/**
 * Each value the new version computes (an expression, a cast), resolved as the
 * migration's triggers resolve it: their functions run with only pg_catalog on
 * the search path, where a type or function of the database's own named without
 * its schema (`'ok'::mood`) is not found, and where an extension's overload the
 * copy would pick (citext's `replace`, `=`) is not seen, so the built-in is
 * used instead. The copy and verify compute the value with the session's path.
 * Unchecked, writes through the name failed after cut-over, or the capture
 * computed other values than the copy. Each value is made a temporary view both
 * ways, and their definitions, printed alike, must be the same; all rolled back.
 * The functions those values call are then checked with the table's own (see
 * refuseBorrowedRights).
 */
export async function refuseUnresolvedValues(
  client: PoolClient,
  shape: MigrationShape,
): Promise<void> {
  const computed = shape.fields.filter(
    f => f.source.kind === 'expression' || f.source.kind === 'cast',
  );
  if (computed.length === 0) {
    await refuseBorrowedRights(client, shape, []);
    return;
  }
  const select = (field: TargetField) =>
    `SELECT ${valueOf(field, 's.')} AS value FROM ${quoteRelation(
      shape.source,
    )} AS s`;
  const refuse = (field: TargetField, why: string) =>
    new InputError(
      `the new version's field "${field.name}" ${why}; name the database's own types, functions and operators with their schema (e.g. public.my_type, OPERATOR(public.=)), or cast to the type a built-in takes`,
    );
  await client.query('BEGIN');
  try {
    for (const [i, field] of computed.entries()) {
      try {
        await client.query(
          `CREATE TEMP VIEW dsm_copy_${i} AS ${select(field)}`,
        );
      } catch (error) {
        throw refuse(field, `cannot be computed: ${(error as Error).message}`);
      }
    }
    await client.query('SET LOCAL search_path = pg_catalog, pg_temp');
    for (const [i, field] of computed.entries()) {
      try {
        await client.query(
          `CREATE TEMP VIEW dsm_trigger_${i} AS ${select(field)}`,
        );
      } catch (error) {
        throw refuse(
          field,
          `cannot be computed where the migration's triggers compute it, with only pg_catalog on the search path: ${
            (error as Error).message
          }`,
        );
      }
      const { rows } = await client.query<{ copy: string; trigger: string }>(
        `SELECT pg_get_viewdef('pg_temp.dsm_copy_${i}'::regclass) AS copy,
                pg_get_viewdef('pg_temp.dsm_trigger_${i}'::regclass) AS trigger`,
      );
      const [defs] = rows;
      if (defs.copy !== defs.trigger)
        throw refuse(
          field,
          `would be computed otherwise by the migration's triggers, which see only pg_catalog on the search path, than by its copy (${defs.copy
            .replace(/\s+/g, ' ')
            .trim()} against ${defs.trigger.replace(/\s+/g, ' ').trim()})`,
        );
    }
    // And each cast field's way back to its old type, which the reverse and
    // expand triggers take (where there is none, they carry nothing back).
    const back: string[] = [];
    for (const [i, field] of computed.entries()) {
      const old =
        field.source.kind === 'cast'
          ? shape.sourceFields.find(
              f => f.name === (field.source as { from: string }).from,
            )
          : undefined;
      if (!old) continue;
      await client.query('SAVEPOINT dsm_back');
      try {
        await client.query(
          `CREATE TEMP VIEW dsm_back_${i} AS SELECT CAST(NULL::${field.type} AS ${old.type}) AS value`,
        );
        back.push(`pg_temp.dsm_back_${i}`);
        await client.query('RELEASE SAVEPOINT dsm_back');
      } catch (error) {
        // No cast back (cannot_coerce): the triggers carry nothing back then.
        if ((error as { code?: string }).code !== '42846') throw error;
        await client.query('ROLLBACK TO SAVEPOINT dsm_back');
      }
    }
    // The new fields' types as the plan names them, not as pg_catalog alone sees them.
    await client.query('SET LOCAL search_path TO DEFAULT');
    await tryOnNewTypes(client, shape, computed);
    await refuseBorrowedRights(client, shape, [
      ...computed.map((_, i) => `pg_temp.dsm_trigger_${i}`),
      ...back,
    ]);
  } finally {
    await client.query('ROLLBACK');
  }
}

/**
 * Tries what the new version carries on an empty table of its fields, in the
 * caller's transaction (rolled back). Each index it rebuilds: an expression or
 * predicate over a retyped field may not apply to its new type (`created_at::date`
 * of a timestamptz is not IMMUTABLE, an operator class of the old type); refused,
 * naming it (unchecked, the run failed at the indexes stage, after copying every
 * row, without naming the index). Each CHECK over a widened field: one that does
 * not apply moves to the shape's `skipped`, which the plan shows.
 */
async function tryOnNewTypes(
  client: PoolClient,
  shape: MigrationShape,
  computed: TargetField[],
): Promise<void> {
  const { indexes, constraints } = shape.carryOver;
  const widenedChecks = constraints.filter(
    c => c.widened && c.kind === 'check',
  );
  if (indexes.length === 0 && widenedChecks.length === 0) return;
  const probe = 'pg_temp.dsm_index_probe';
  await client.query(
    `CREATE TEMP TABLE dsm_index_probe (${shape.fields
      .map(f => `${q(f.name)} ${f.type}`)
      .join(', ')})`,
  );
  // A CHECK over a widened field may be written for the previous type only (a
  // function of integer given the bigint): the plan says it stays behind, as
  // one over a retyped field does, rather than that it is carried.
  for (const check of widenedChecks) {
    const on = `ALTER TABLE ${quoteRelation(shape.target)} `;
    if (!check.add.startsWith(on)) continue;
    await client.query('SAVEPOINT dsm_check');
    try {
      await client.query(check.add.replace(on, `ALTER TABLE ${probe} `));
      await client.query('RELEASE SAVEPOINT dsm_check');
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT dsm_check');
      if (!NOT_FOR_THE_NEW_TYPE.has((error as { code?: string }).code ?? ''))
        throw error;
      shape.carryOver.constraints = shape.carryOver.constraints.filter(
        c => c !== check,
      );
      shape.carryOver.skipped.push(
        `check ${check.name}: it does not apply to the new types: ${
          (error as Error).message
        }`,
      );
    }
  }
  for (const index of indexes) {
    const on = `INDEX CONCURRENTLY ${q(index.name)} ON ${quoteRelation(
      shape.target,
    )} `;
    // Never the new version itself, which a previous attempt may have left;
    // nor one only for readers of the previous shape, built where it can be.
    if (index.expand || !index.create.includes(on)) continue;
    const sql = index.create.replace(on, `INDEX ON ${probe} `);
    await client.query('SAVEPOINT dsm_index');
    try {
      await client.query(sql);
      await client.query('RELEASE SAVEPOINT dsm_index');
    } catch (error) {
      await client.query('ROLLBACK TO SAVEPOINT dsm_index');
      const retyped = computed
        .filter(f =>
          new RegExp(`(^|[^\\w"])(${f.name}|${q(f.name)})($|[^\\w"])`).test(
            sql,
          ),
        )
        .map(f => `"${f.name}" is ${f.type}`);
      throw new InputError(
        `index ${index.original} of ${formatRelation(
          shape.source,
        )} cannot be rebuilt on the new version${
          retyped.length ? `, where ${retyped.join(', ')}` : ''
        }: ${
          (error as Error).message
        }; drop or change the index first, or change the field otherwise`,
      );
    }
  }
}

/**
 * Functions the migration would run with its own role's rights, owned by a role
 * that does not hold them: the trigger functions are SECURITY DEFINER, and the
 * copy runs as that role too, so a domain's CHECK, an index's expression or
 * operator class, a constraint or a value's expression calling a function of the
 * application's
 * would run as the migration's role (often a superuser) on every write, and the
 * function's owner could change its body to act as that role. A superuser's
 * function, the role's own, or one whose owner holds the role's rights gives
 * nobody more than they have. What these functions call in turn is not followed
 * (PL/pgSQL records no dependencies).
 */
async function refuseBorrowedRights(
  client: PoolClient,
  shape: MigrationShape,
  /** Temporary views of the values the triggers compute, as they resolve them. */
  values: string[],
): Promise<void> {
  const { rows } = await catalogRead<{
    kind: 'function' | 'type';
    name: string;
    owner: string;
  }>(
    client,
    `WITH RECURSIVE types AS (
       SELECT a.atttypid AS oid FROM pg_attribute a
        WHERE a.attrelid = $1::regclass AND a.attnum > 0 AND NOT a.attisdropped
       UNION SELECT to_regtype(t) FROM unnest($3::text[]) AS t WHERE to_regtype(t) IS NOT NULL
       UNION SELECT d.refobjid FROM pg_depend d JOIN pg_rewrite r ON r.oid = d.objid
        WHERE d.classid = 'pg_rewrite'::regclass AND d.refclassid = 'pg_type'::regclass
          AND r.ev_class = ANY($2::regclass[])
       -- A domain's base type, an array's elements, a composite's fields, a
       -- range's bounds: their checks run too.
       UNION SELECT v.oid FROM types t JOIN pg_type y ON y.oid = t.oid
        CROSS JOIN LATERAL (
          VALUES (y.typbasetype), (y.typelem)
          UNION ALL SELECT f.atttypid FROM pg_attribute f
           WHERE f.attrelid = y.typrelid AND f.attnum > 0 AND NOT f.attisdropped
          UNION ALL SELECT g.rngsubtype FROM pg_range g
           WHERE g.rngtypid = y.oid OR g.rngmultitypid = y.oid) AS v(oid)
        WHERE v.oid <> 0
     ), users AS (
       SELECT 'pg_rewrite'::regclass AS classid, r.oid AS objid FROM pg_rewrite r
        WHERE r.ev_class = ANY($2::regclass[])
       UNION ALL SELECT 'pg_constraint'::regclass, c.oid FROM pg_constraint c
        WHERE c.contypid IN (SELECT oid FROM types) OR c.conrelid = $1::regclass
       UNION ALL SELECT 'pg_class'::regclass, i.indexrelid FROM pg_index i
        WHERE i.indrelid = $1::regclass
       -- Not the columns' defaults: every write the migration makes names all
       -- its columns, so only writers, with their own rights, compute them.
     ), used AS (
       SELECT CASE WHEN d.refclassid = 'pg_operator'::regclass
                   THEN (SELECT o.oprcode FROM pg_operator o WHERE o.oid = d.refobjid)
                   ELSE d.refobjid::regproc END AS fn
         FROM pg_depend d JOIN users u ON u.classid = d.classid AND u.objid = d.objid
        WHERE d.refclassid IN ('pg_proc'::regclass, 'pg_operator'::regclass)
       -- An index's operator classes: their support functions and operators
       -- compare and hash every key the copy and the triggers write.
       UNION ALL
       SELECT f.fn FROM pg_depend d JOIN users u ON u.classid = d.classid AND u.objid = d.objid
         JOIN pg_opclass c ON c.oid = d.refobjid
        CROSS JOIN LATERAL (
          SELECT p.amproc FROM pg_amproc p
           WHERE p.amprocfamily = c.opcfamily
             AND p.amproclefttype = c.opcintype AND p.amprocrighttype = c.opcintype
          UNION ALL SELECT o.oprcode FROM pg_amop a JOIN pg_operator o ON o.oid = a.amopopr
           WHERE a.amopfamily = c.opcfamily
             AND a.amoplefttype = c.opcintype AND a.amoprighttype = c.opcintype) AS f(fn)
        WHERE d.refclassid = 'pg_opclass'::regclass
     )
     SELECT DISTINCT x.kind, x.name, o.rolname::text AS owner FROM (
       SELECT 'function' AS kind, p.proowner AS owner,
              format('%I.%I(%s)', n.nspname, p.proname,
                     pg_get_function_identity_arguments(p.oid)) AS name
         FROM used JOIN pg_proc p ON p.oid = used.fn
         JOIN pg_namespace n ON n.oid = p.pronamespace
       -- A type's owner may add a CHECK to it (a domain) or a cast from it later.
       UNION ALL
       SELECT 'type', y.typowner, format('%I.%I', n.nspname, y.typname)
         FROM types JOIN pg_type y ON y.oid = types.oid
         JOIN pg_namespace n ON n.oid = y.typnamespace
        -- An array's type is its element's, listed on its own.
        WHERE n.nspname <> 'pg_catalog' AND y.typcategory <> 'A') AS x
       JOIN pg_roles o ON o.oid = x.owner
      WHERE NOT ${holdsEngineRights('o.oid')}
      ORDER BY 1, 2`,
    [quoteRelation(shape.source), values, shape.fields.map(f => f.type)],
  );
  const functions = rows.filter(r => r.kind === 'function');
  if (functions.length > 0)
    throw new InputError(
      `${formatRelation(shape.source)}: the migration would run ${functions
        .map(r => `function ${r.name} (owned by role "${r.owner}")`)
        .join(
          ', ',
        )} with its own role's rights, in the copy and in writers' triggers, which that owner does not hold and could take by changing the function; have the function owned by the migration's role or a superuser, or migrate as a role its owner is a member of`,
    );
  if (rows.length > 0)
    throw new InputError(
      `${formatRelation(
        shape.source,
      )}: the migration would write values of ${rows
        .map(r => `type ${r.name} (owned by role "${r.owner}")`)
        .join(
          ', ',
        )} with its own role's rights, in the copy and in writers' triggers, which that owner does not hold and could take by adding a CHECK or a cast that runs its own function; have the type owned by the migration's role or a superuser, or migrate as a role its owner is a member of`,
    );
}

/** A rename needs its schema, and a name nobody uses yet. */
export async function checkNewName(
  client: PoolClient,
  shape: MigrationShape,
  dataset: ResolvedDataset,
): Promise<void> {
  if (!isRename(shape, dataset)) return;
  const { rowCount } = await catalogRead(
    client,
    `SELECT 1 FROM pg_namespace WHERE nspname = $1`,
    [shape.name.schema],
  );
  if (!rowCount) {
    throw new InputError(
      `cannot rename to ${formatRelation(shape.name)}: schema ${
        shape.name.schema
      } does not exist`,
    );
  }
  if (isVersionOf(dataset.relation, shape.name)) {
    throw new InputError(
      `cannot rename to ${formatRelation(
        shape.name,
      )}: that is the name of one of the dataset's versions`,
    );
  }
  if (await relationExists(client, shape.name)) {
    throw new InputError(
      `cannot rename to ${formatRelation(shape.name)}: it already exists`,
    );
  }
}
