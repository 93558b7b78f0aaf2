/**
 * The role shadow checks run consumer SQL as: it logs in by itself (so nothing in
 * the SQL can `SET ROLE` back to the engine's), may read what a check running now
 * compares, and nothing a superuser could (server files, programs).
 *
 * Grants last only while a check needs them. A check holds a shared advisory lock
 * per relation and schema it reads (session-level, on an engine connection kept for
 * the check) before granting; a grant is revoked only under the same key's exclusive
 * lock, taken without waiting, so never while another check (any replica) reads it.
 * Every check ends by revoking whatever the role holds that no check holds, which
 * also clears grants left by a process killed mid-check; the engine does so at start.
 *
 * The connections holding those locks come from a pool of their own, as small as the
 * role's: checks waiting for the role's connections hold none of the engine's, which
 * backfill, cut-over and contract need.
 */
import { createHmac } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { PostgresEngineConfig } from '../config';
import { Connections, createPool } from '../connection';
import { literal, q } from '../sql/values';
import { createdMeanwhile } from '../createdMeanwhile';

/** Roles whose members read or run what lies outside the database. */
const UNSAFE_MEMBERSHIPS = [
  'pg_read_server_files',
  'pg_write_server_files',
  'pg_execute_server_program',
  'pg_read_all_data',
];

/** Connections of the role, and of the checks' lock holders: checks run at once. */
const CHECKS_AT_ONCE = 2;

/** What a check reads, by the advisory-lock key of its kind. */
interface Held {
  kind: 'relation' | 'schema';
  /** As SQL: the relation's or schema's quoted name. */
  name: string;
  /** Its oid as PostgreSQL's int4 (the lock key's second half). */
  oid: number;
}

/** First halves of the advisory-lock keys (two-int form): this role's grants, by kind. */
const LOCK_CLASS = { relation: 0x64736d01, schema: 0x64736d02 } as const;

export class ShadowReader {
  private pool?: Pool;
  private holders?: Connections;
  private checked?: Promise<void>;
  private sweeping?: Promise<void>;
  /**
   * Whether a sweep has revoked what earlier checks left since this process
   * started: until one has, each check sweeps first, so a check never runs with
   * rights a killed one kept (the start's sweep fails while the engine is down).
   */
  private swept = false;

  constructor(
    private readonly engine: Connections,
    private readonly config: PostgresEngineConfig,
    private readonly name: string,
    private readonly logger: LoggerService,
  ) {}

  /** A client logged in as the role, which may read `relations` until `work` ends. */
  async withClient<T>(
    relations: string[],
    work: (client: PoolClient) => Promise<T>,
  ): Promise<T> {
    return this.holdersPool().withClient(async holder => {
      if (!this.swept) this.swept = await this.revokeUnheld(holder);
      const held = await this.hold(holder, relations);
      try {
        await this.grant(holder, held);
        const client = await this.connect().connect();
        try {
          this.checked ??= this.refuseUnsafe(client).catch(error => {
            this.checked = undefined;
            throw error;
          });
          await this.checked;
          return await work(client);
        } finally {
          client.release();
        }
      } finally {
        await this.letGo(holder, held);
      }
    });
  }

  /** Revokes every right of the role that no running check holds (at start, say). */
  sweep(): Promise<void> {
    this.sweeping = this.engine
      .withClient(client => this.revokeUnheld(client))
      .then(swept => {
        if (swept) this.swept = true;
      })
      .catch(error =>
        this.logger.warn(
          `Engine ${
            this.name
          }: could not sweep the shadow-check role's rights: ${
            (error as Error).message
          }`,
        ),
      );
    return this.sweeping;
  }

  async close(): Promise<void> {
    await this.sweeping;
    await this.pool?.end();
    await this.holders?.close();
  }

  /**
   * Shared locks on `relations` and their schemas, taken before they are granted:
   * a sweep does not revoke them until `letGo`. Missing relations are left out (the
   * query that reads one reports it).
   */
  private async hold(holder: PoolClient, relations: string[]): Promise<Held[]> {
    const { rows } = await holder.query<Held>(
      `SELECT DISTINCT kind, name, oid FROM (
         SELECT 'relation' AS kind, c.oid::regclass::text AS name, c.oid::int AS oid
           FROM unnest($1::text[]) r JOIN pg_class c ON c.oid = to_regclass(r)
         UNION ALL
         SELECT 'schema', quote_ident(n.nspname), n.oid::int
           FROM unnest($1::text[]) r JOIN pg_class c ON c.oid = to_regclass(r)
           JOIN pg_namespace n ON n.oid = c.relnamespace) o
        ORDER BY kind DESC, oid`,
      [relations],
    );
    const held: Held[] = [];
    try {
      for (const object of rows) {
        await holder.query(`SELECT pg_advisory_lock_shared($1, $2)`, [
          LOCK_CLASS[object.kind],
          object.oid,
        ]);
        held.push(object);
      }
    } catch (error) {
      await this.letGo(holder, held);
      throw error;
    }
    return held;
  }

  /** Releases the check's locks, then revokes what no other check holds. */
  private async letGo(holder: PoolClient, held: Held[]): Promise<void> {
    for (const object of held) {
      await holder
        .query(`SELECT pg_advisory_unlock_shared($1, $2)`, [
          LOCK_CLASS[object.kind],
          object.oid,
        ])
        // A connection lost took its locks with it.
        .catch(() => {});
    }
    await this.revokeUnheld(holder);
  }

  /**
   * Revokes each right of the role whose object no check holds, on `client`.
   * Failing leaves them to the next sweep; it does not fail the check that ran.
   * Returns whether it revoked them.
   */
  private async revokeUnheld(client: PoolClient): Promise<boolean> {
    try {
      await client.query('BEGIN');
      // The role's rights as PostgreSQL records them for DROP OWNED: an index
      // lookup in pg_shdepend, not a pass over every relation's ACL (a warehouse's
      // catalog holds hundreds of thousands; each check ends with this).
      const { rows } = await client.query<Held>(
        `SELECT DISTINCT
                CASE WHEN d.classid = 'pg_class'::regclass THEN 'relation' ELSE 'schema' END AS kind,
                CASE WHEN d.classid = 'pg_class'::regclass THEN d.objid::regclass::text
                     ELSE quote_ident(n.nspname) END AS name,
                d.objid::int AS oid
           FROM pg_shdepend d
           LEFT JOIN pg_namespace n
             ON d.classid = 'pg_namespace'::regclass AND n.oid = d.objid
          WHERE d.refclassid = 'pg_authid'::regclass
            AND d.refobjid = (SELECT oid FROM pg_roles WHERE rolname = $1)
            AND d.deptype = 'a'
            AND d.dbid = (SELECT oid FROM pg_database WHERE datname = current_database())
            AND d.classid IN ('pg_class'::regclass, 'pg_namespace'::regclass)`,
        [this.role],
      );
      for (const object of rows) {
        const { rows: locked } = await client.query<{ free: boolean }>(
          `SELECT pg_try_advisory_xact_lock($1, $2) AS free`,
          [LOCK_CLASS[object.kind], object.oid],
        );
        if (!locked[0].free) continue;
        await changeRights(
          client,
          `REVOKE ALL ON ${object.kind === 'schema' ? 'SCHEMA' : 'TABLE'} ${
            object.name
          } FROM ${q(this.role)}`,
        );
      }
      await client.query('COMMIT');
      return true;
    } catch (error) {
      await client.query('ROLLBACK').catch(() => {});
      this.logger.warn(
        `Engine ${this.name}: the shadow-check role ${
          this.role
        } keeps rights no check holds until the next sweep: ${
          (error as Error).message
        }`,
      );
      return false;
    }
  }

  private get role(): string {
    return this.config.shadowCheck.user;
  }

  private connect(): Pool {
    this.pool ??= createPool(
      `${this.name} (shadow checks)`,
      {
        ...this.config,
        connection: loginAs(this.config.connection, this.role, this.password()),
        maxConnections: CHECKS_AT_ONCE,
      },
      this.logger,
    );
    return this.pool;
  }

  /** As the engine's user, as many as the role's connections (see above). */
  private holdersPool(): Connections {
    this.holders ??= new Connections(
      createPool(
        `${this.name} (shadow-check grants)`,
        { ...this.config, maxConnections: CHECKS_AT_ONCE },
        this.logger,
      ),
      this.config.bookkeepingSchema,
    );
    return this.holders;
  }

  /**
   * The configured password or, for the role the engine makes itself, one derived
   * from the engine's own secret: the same on every replica, known to no one else.
   */
  private password(): string {
    if (this.config.shadowCheck.password)
      return this.config.shadowCheck.password;
    const { password, connectionString } = this.config.connection;
    const secret =
      (typeof password === 'string' && password) ||
      (connectionString && new URL(connectionString).password);
    if (!secret) {
      throw new Error(
        `engine ${this.name} connects without a password, so the shadow-check role's cannot be derived from it: set its shadowCheck.password`,
      );
    }
    return createHmac('sha256', secret)
      .update(`dataset-migrations shadow checks ${this.role}`)
      .digest('hex');
  }

  /**
   * Makes the role if it is missing, and lets it read the held objects. Checks run
   * at once (consumers of one dataset, replicas) make and grant the same things:
   * each step tolerates another session doing it at the same moment.
   */
  private async grant(holder: PoolClient, held: Held[]): Promise<void> {
    const role = q(this.role);
    await holder.query('BEGIN');
    try {
      const { rowCount } = await holder.query(
        `SELECT 1 FROM pg_roles WHERE rolname = $1`,
        [this.role],
      );
      if (!rowCount) {
        // Another check may make it at the same moment; then this one goes on.
        await holder.query('SAVEPOINT create_role');
        await holder
          .query(
            `CREATE ROLE ${role} LOGIN NOINHERIT PASSWORD ${literal(
              this.password(),
            )}`,
          )
          .catch(async error => {
            if (!createdMeanwhile(error)) throw error;
            await holder.query('ROLLBACK TO SAVEPOINT create_role');
          });
      }
      const { rows: missing } = await holder.query<{ i: number }>(
        `SELECT i FROM unnest($2::text[], $3::oid[]) WITH ORDINALITY AS o(kind, oid, i)
          WHERE NOT CASE kind WHEN 'schema' THEN has_schema_privilege($1, oid, 'USAGE')
                              ELSE has_table_privilege($1, oid, 'SELECT') END`,
        [this.role, held.map(o => o.kind), held.map(o => o.oid >>> 0)],
      );
      // Granted already (another check holds it): granting again would only race.
      for (const object of missing.map(({ i }) => held[i - 1])) {
        await changeRights(
          holder,
          object.kind === 'schema'
            ? `GRANT USAGE ON SCHEMA ${object.name} TO ${role}`
            : `GRANT SELECT ON ${object.name} TO ${role}`,
        );
      }
      await holder.query('COMMIT');
    } catch (error) {
      await holder.query('ROLLBACK').catch(() => {});
      throw error;
    }
  }

  private async refuseUnsafe(client: PoolClient): Promise<void> {
    const { rows } = await client.query<{ unsafe: boolean }>(
      `SELECT rolsuper OR rolbypassrls OR ${UNSAFE_MEMBERSHIPS.map(
        r => `pg_has_role(current_user, ${literal(r)}, 'USAGE')`,
      ).join(' OR ')} AS unsafe
         FROM pg_roles WHERE rolname = current_user`,
    );
    if (rows[0]?.unsafe) {
      throw new Error(
        `the shadow-check role ${this.role} of engine ${
          this.name
        } may read more than the datasets it is granted (a superuser, or a member of ${UNSAFE_MEMBERSHIPS.join(
          ', ',
        )}): consumer SQL is not run as it`,
      );
    }
  }
}

/** The engine's connection settings, logged in as another role. */
function loginAs(
  connection: PostgresEngineConfig['connection'],
  user: string,
  password: string,
): PostgresEngineConfig['connection'] {
  if (!connection.connectionString) return { ...connection, user, password };
  const url = new URL(connection.connectionString);
  url.username = encodeURIComponent(user);
  url.password = encodeURIComponent(password);
  return { ...connection, connectionString: url.toString() };
}

/** Each meeting another session's change that committed meanwhile: a few suffice. */
const CHANGE_RIGHTS_ATTEMPTS = 5;

/**
 * A GRANT or REVOKE that another session's change to the same object (a check's
 * grant, an operator's, an ALTER) made fail with "tuple concurrently updated":
 * that change has committed by then, so it is tried again.
 */
async function changeRights(client: PoolClient, sql: string): Promise<void> {
  for (let attempt = 1; ; attempt++) {
    await client.query('SAVEPOINT change_rights');
    try {
      await client.query(sql);
      return;
    } catch (error) {
      if (
        attempt === CHANGE_RIGHTS_ATTEMPTS ||
        !/tuple concurrently updated/.test((error as Error).message)
      )
        throw error;
      await client.query('ROLLBACK TO SAVEPOINT change_rights');
    }
  }
}
