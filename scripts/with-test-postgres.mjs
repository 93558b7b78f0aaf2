#!/usr/bin/env node
// Runs a command with a throw-away embedded PostgreSQL, exposed to tests the way
// @backstage/backend-test-utils' TestDatabases expects (one env var per engine id).
//   node scripts/with-test-postgres.mjs <command> [args…]
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import embeddedPostgres from '@internal/embedded-postgres';

const { startEmbeddedPostgres } = embeddedPostgres;

export async function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

/**
 * Starts a fresh server in a temp dir; `stop()` also deletes its data. Tests trade
 * durability for speed (`fast`); benchmarks keep the defaults a real server has.
 */
export async function startTestPostgres({ fast = true } = {}) {
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsm-test-pg-'));
  fs.chmodSync(dataDir, 0o755); // the postgres OS user (when we are root) must reach data/
  const server = await startEmbeddedPostgres({
    dataDir: path.join(dataDir, 'data'),
    port: await freePort(),
    fast,
    log: () => {},
  });
  return {
    ...server,
    stop: async () => {
      await server.stop();
      fs.rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

async function main() {
  const [command, ...args] = process.argv.slice(2);
  if (!command) {
    console.error('usage: with-test-postgres.mjs <command> [args…]');
    process.exit(2);
  }
  const server = await startTestPostgres();
  const child = spawn(command, args, {
    stdio: 'inherit',
    env: {
      ...process.env,
      BACKSTAGE_TEST_DATABASE_POSTGRES18_CONNECTION_STRING: server.url,
    },
  });
  // The server runs detached (pg_ctl), so dying on a signal would leave it
  // running: pass the signal on, and stop the server once the command ends.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'])
    process.on(signal, () => child.kill(signal));
  const code = await new Promise(resolve =>
    child.on('exit', (c, signal) => resolve(c ?? (signal ? 1 : 0))),
  );
  await server.stop();
  process.exit(code);
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main().catch(error => {
    console.error(error);
    process.exit(1);
  });
}
