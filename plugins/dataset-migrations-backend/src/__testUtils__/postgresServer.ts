import { execFile } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/**
 * Test-only: a PostgreSQL server of the test's own, which it can stop and start again
 * (same data directory, same port) to see what a restart does to running work.
 *
 * `@internal/embedded-postgres` finds its binaries with a dynamic `import()`, which
 * Jest's module sandbox refuses; its functions run in a short-lived Node process
 * instead. pg_ctl daemonises the server, so it outlives that process.
 */

const embeddedPostgres = require.resolve('@internal/embedded-postgres');

const CONTROL_SCRIPT = `
const pg = require(process.argv[1]);
const [command, dataDir, port] = JSON.parse(process.argv[2]);
const done = command === 'start'
  ? pg.startEmbeddedPostgres({ dataDir, port, fast: true, log: () => {} }).then(s => process.stdout.write(s.url))
  : pg.stopEmbeddedPostgres(dataDir);
done.catch(error => { console.error(error); process.exit(1); });
`;

function control(
  args: [command: 'start' | 'stop', dataDir: string, port?: number],
): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      process.execPath,
      ['-e', CONTROL_SCRIPT, embeddedPostgres, JSON.stringify(args)],
      { timeout: 90_000 },
      (error, stdout, stderr) => {
        if (error)
          reject(
            new Error(
              `embedded postgres ${args[0]} failed: ${stderr || error.message}`,
            ),
          );
        else resolve(stdout);
      },
    );
  });
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

export interface RestartablePostgres {
  /** `postgresql://postgres:…@127.0.0.1:<port>/postgres` */
  url: string;
  /** Fast shutdown: sessions are terminated, as in a real restart. */
  stop(): Promise<void>;
  /**
   * Immediate shutdown (SIGQUIT to the postmaster), as a crash: no shutdown
   * checkpoint, and WAL not yet written out of the server's buffers is lost, with
   * the asynchronous commits in it.
   */
  crash(): Promise<void>;
  /** Starts it again on the same data directory and port. */
  start(): Promise<void>;
  /** Stops it if it runs and deletes its data. */
  destroy(): Promise<void>;
}

export async function startRestartablePostgres(): Promise<RestartablePostgres> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'dsm-fault-pg-'));
  // Run as root, postgres runs as the `postgres` OS user, which must reach data/.
  fs.chmodSync(dir, 0o755);
  const dataDir = path.join(dir, 'data');
  const port = await freePort();
  const destroy = async () => {
    await control(['stop', dataDir]).catch(() => {});
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const url = await control(['start', dataDir, port]);
    return {
      url,
      stop: async () => {
        await control(['stop', dataDir]);
      },
      crash: async () => {
        const pid = Number(
          fs
            .readFileSync(path.join(dataDir, 'postmaster.pid'), 'utf8')
            .split('\n')[0],
        );
        process.kill(pid, 'SIGQUIT');
        // The postmaster exits once every server process has.
        for (let alive = true; alive; ) {
          await new Promise(resolve => setTimeout(resolve, 20));
          try {
            process.kill(pid, 0);
          } catch {
            alive = false;
          }
        }
      },
      start: async () => {
        await control(['start', dataDir, port]);
      },
      destroy,
    };
  } catch (error) {
    await destroy();
    throw error;
  }
}
