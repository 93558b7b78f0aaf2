import { isIP } from 'node:net';
import { Client, type ClientConfig } from 'pg';

/**
 * The database an engine's connection settings reach, as one string: two
 * engines with the same answer reach the same tables (see
 * `DatasetEngine.databaseIdentity`), so a table belongs to one dataset entity
 * whichever engine name the entity gives.
 *
 * It is read from the configuration, not asked of the server, because the
 * server cannot say without a privilege or a blind spot: `inet_server_addr()`
 * and `inet_server_port()` give the address a connection came in on (a proxy's
 * or PgBouncer's, NULL over a Unix socket, a second one for a server that
 * listens on two), `current_database()` alone is the same name on every
 * server, `pg_control_system()`'s system identifier needs `pg_monitor` (or a
 * superuser), and `pg_postmaster_start_time()` changes with every restart, so
 * two engines asked at different times would disagree. A claim is checked
 * before the engine is asked anything, and must not depend on reaching it.
 *
 * The settings are resolved as node-postgres resolves them (a connection
 * string or its parts, its defaults: host `localhost`, port 5432, database the
 * user's name, the `PG*` variables), then normalised: host names compare
 * without case and a trailing dot, and every loopback address, `localhost` and
 * Unix socket directory are one host, the machine's own (which can make two
 * local servers on one port one database: more refusals, never fewer). Two
 * spellings this cannot see through — a DNS alias, an address beside a name, a
 * proxy in front of the server — stay two databases: configure one engine name
 * per database (README, *Make an entity a dataset*).
 */
export function databaseIdentity(connection: ClientConfig): string {
  // Constructing a client connects nothing: it resolves the settings.
  const resolved = new Client(connection);
  return JSON.stringify([
    'postgres',
    normalisedHost(resolved.host),
    Number(resolved.port),
    resolved.database ?? '',
  ]);
}

function normalisedHost(host: string): string {
  const name = host
    .trim()
    .toLowerCase()
    .replace(/^\[(.*)\]$/, '$1')
    .replace(/\.$/, '');
  if (name.startsWith('/')) return 'local'; // a Unix socket directory
  if (name === 'localhost' || name.endsWith('.localhost')) return 'local';
  if (isIP(name) === 4 && name.startsWith('127.')) return 'local';
  if (isIP(name) === 6 && /^(0*:)*:?0*1$/.test(name)) return 'local';
  if (name === '::ffff:127.0.0.1') return 'local';
  return name;
}
