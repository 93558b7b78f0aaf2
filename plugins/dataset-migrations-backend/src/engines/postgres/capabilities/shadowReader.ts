/**
 * The role shadow checks run consumer SQL as: it logs in by itself (so nothing in
 * the SQL can `SET ROLE` back to the engine's), may read the dataset versions it
 * is granted, one by one, and nothing a superuser could (server files, programs).
 */
import { createHmac } from 'node:crypto';
import type { Pool, PoolClient } from 'pg';
import type { LoggerService } from '@backstage/backend-plugin-api';
import type { PostgresEngineConfig } from '../config';
import { createPool, type Connections } from '../connection';
import { literal, q } from '../sql/values';

/** Roles whose members read or run what lies outside the database. */
const UNSAFE_MEMBERSHIPS = [
  'pg_read_server_files',
  'pg_write_server_files',
  'pg_execute_server_program',
  'pg_read_all_data',
];

export class ShadowReader {
  private pool?: Pool;
  private checked?: Promise<void>;

  constructor(
    private readonly engine: Connections,
    private readonly config: PostgresEngineConfig,
    private readonly name: string,
    private readonly logger: LoggerService,
  ) {}

  /** A client logged in as the role, once it may read `relations`. */
  async withClient<T>(
    relations: string[],
    work: (client: PoolClient) => Promise<T>,
  ): Promise<T> {
    await this.grant(relations);
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
  }

  async close(): Promise<void> {
    await this.pool?.end();
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
        maxConnections: 2,
      },
      this.logger,
    );
    return this.pool;
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
   * Makes the role if it is missing, and lets it read these relations. Checks run
   * at once (consumers of one dataset, replicas) make and grant the same things:
   * each step tolerates another session doing it at the same moment.
   */
  private async grant(relations: string[]): Promise<void> {
    const role = q(this.role);
    await this.engine.transaction(async client => {
      const { rowCount } = await client.query(
        `SELECT 1 FROM pg_roles WHERE rolname = $1`,
        [this.role],
      );
      if (!rowCount) {
        // Another check may make it at the same moment; then this one goes on.
        await client.query('SAVEPOINT create_role');
        await client
          .query(
            `CREATE ROLE ${role} LOGIN NOINHERIT PASSWORD ${literal(
              this.password(),
            )}`,
          )
          .catch(async error => {
            // 42710 if the other one committed before; 23505 (a unique index of
            // pg_authid) if this one waited for it to commit.
            if (
              !['42710', '23505'].includes((error as { code?: string }).code!)
            )
              throw error;
            await client.query('ROLLBACK TO SAVEPOINT create_role');
          });
      }
      for (const relation of relations) {
        const { rows } = await client.query<{
          relation: string;
          schema: string;
          usage: boolean;
          select: boolean;
        }>(
          `SELECT c.oid::regclass::text AS relation, n.nspname AS schema,
                  has_schema_privilege($2, n.oid, 'USAGE') AS usage,
                  has_table_privilege($2, c.oid, 'SELECT') AS select
             FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE c.oid = to_regclass($1)`,
          [relation, this.role],
        );
        // A version that does not exist is reported by the query that reads it.
        if (rows.length === 0) continue;
        const [found] = rows;
        if (!found.usage)
          await grantRetried(
            client,
            `GRANT USAGE ON SCHEMA ${q(found.schema)} TO ${role}`,
          );
        if (!found.select)
          await grantRetried(
            client,
            `GRANT SELECT ON ${found.relation} TO ${role}`,
          );
      }
    });
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

/**
 * A GRANT that another session's change to the same object (a GRANT or ALTER
 * outside this engine's lock) made fail with "tuple concurrently updated": that
 * change has committed by then, so the GRANT is tried once more.
 */
async function grantRetried(client: PoolClient, sql: string): Promise<void> {
  await client.query('SAVEPOINT grant_once');
  try {
    await client.query(sql);
  } catch (error) {
    if (!/tuple concurrently updated/.test((error as Error).message))
      throw error;
    await client.query('ROLLBACK TO SAVEPOINT grant_once');
    await client.query(sql);
  }
}
