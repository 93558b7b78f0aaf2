#!/usr/bin/env node
// Boots the whole portal the way `yarn start` does — frontend dev server, backend,
// embedded PostgreSQL with the demo world — on free ports and a fresh data
// directory, runs the browser tests in e2e/ against it, and tears it all down.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import embeddedPostgres from '@internal/embedded-postgres';
import { freePort } from './with-test-postgres.mjs';

const root = path.resolve(import.meta.dirname, '..');
const STARTUP_LIMIT_MS = 8 * 60_000;

async function waitFor(what, check, limitMs = STARTUP_LIMIT_MS) {
  const deadline = Date.now() + limitMs;
  for (;;) {
    try {
      if (await check()) return;
    } catch {
      // not up yet
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise(resolve => setTimeout(resolve, 1000));
  }
}

async function main() {
  const work = fs.mkdtempSync(path.join(os.tmpdir(), 'dsm-e2e-'));
  fs.chmodSync(work, 0o755); // the postgres OS user (when we are root) must reach it
  const dataDir = path.join(work, 'postgres');
  const [appPort, backendPort, pgPort, metricsPort] = [
    await freePort(),
    await freePort(),
    await freePort(),
    await freePort(),
  ];
  const appUrl = `http://localhost:${appPort}`;
  const backendUrl = `http://localhost:${backendPort}`;
  const logFile = path.join(work, 'portal.log');
  const log = fs.openSync(logFile, 'w');

  console.log(
    `e2e: portal on ${appUrl}, backend ${backendUrl}, postgres ${pgPort}; log ${logFile}`,
  );
  const portal = spawn('yarn', ['start'], {
    cwd: root,
    detached: true, // its own process group, so the whole tree stops together
    stdio: ['ignore', log, log],
    env: {
      ...process.env,
      BROWSER: 'none',
      POSTGRES_PORT: String(pgPort),
      APP_CONFIG_app_baseUrl: appUrl,
      APP_CONFIG_backend_baseUrl: backendUrl,
      APP_CONFIG_backend_listen_port: String(backendPort),
      // Prometheus metrics on a port of their own, beside a portal already running.
      OTEL_EXPORTER_PROMETHEUS_PORT: String(metricsPort),
      APP_CONFIG_backend_cors_origin: appUrl,
      APP_CONFIG_embeddedPostgres_dataDir: dataDir,
      // …and its consumers' repositories, the only local git the backend may read.
      APP_CONFIG_datasetMigrations_consumers_localGit_roots: JSON.stringify([
        path.join(work, 'consumer-repos'),
      ]),
      // The demo writes its consumers' and its fleet's catalog files next to the data directory.
      APP_CONFIG_catalog_locations: JSON.stringify([
        { type: 'file', target: path.join(root, 'demo/catalog/all.yaml') },
        {
          type: 'file',
          target: path.join(work, 'demo-catalog/consumers.yaml'),
        },
        { type: 'file', target: path.join(work, 'demo-catalog/fleet.yaml') },
      ]),
    },
  });
  let exited = false;
  portal.on('exit', () => {
    exited = true;
  });

  let code = 1;
  try {
    const alive = async check => {
      if (exited)
        throw new Error(`the portal exited during start-up; see ${logFile}`);
      return check();
    };
    await waitFor('the backend', () =>
      alive(
        async () =>
          (
            await fetch(`${backendUrl}/api/dataset-migrations/health`)
          ).ok,
      ),
    );
    await waitFor('the demo datasets in the catalog', () =>
      alive(async () => {
        const refresh = await fetch(
          `${backendUrl}/api/auth/guest/refresh?env=development`,
          {
            headers: { 'X-Requested-With': 'XMLHttpRequest' },
          },
        );
        const { backstageIdentity } = await refresh.json();
        const datasets = await fetch(
          `${backendUrl}/api/dataset-migrations/datasets`,
          {
            headers: { Authorization: `Bearer ${backstageIdentity.token}` },
          },
        );
        const { items } = await datasets.json();
        // The demo's own datasets and the fleet's last one.
        return ['listening-events', 'subscriptions-apac'].every(name =>
          items.some(d => d.entityRef === `resource:default/${name}`),
        );
      }),
    );
    await waitFor('the frontend', () =>
      alive(async () => (await fetch(appUrl)).ok),
    );

    // Test files named on the command line, or every one.
    const named = process.argv.slice(2);
    const tests =
      named.length > 0
        ? named
        : fs
            .readdirSync(path.join(root, 'e2e'))
            .filter(f => f.endsWith('.test.mjs'))
            .map(f => path.join('e2e', f));
    const runner = spawn(process.execPath, ['--test', ...tests], {
      cwd: root,
      stdio: 'inherit',
      env: { ...process.env, E2E_BASE_URL: appUrl },
    });
    code = await new Promise(resolve =>
      runner.on('exit', c => resolve(c ?? 1)),
    );
  } catch (error) {
    console.error(`e2e: ${error.message}`);
    console.error(
      fs.readFileSync(logFile, 'utf8').split('\n').slice(-40).join('\n'),
    );
  } finally {
    if (!exited) {
      try {
        process.kill(-portal.pid, 'SIGTERM');
      } catch {
        // already gone
      }
      await waitFor('the portal to stop', () => exited, 30_000).catch(() =>
        process.kill(-portal.pid, 'SIGKILL'),
      );
    }
    // The backend stops its database on a clean shutdown; make sure of it anyway.
    await embeddedPostgres.stopEmbeddedPostgres(dataDir).catch(() => {});
    if (code === 0) fs.rmSync(work, { recursive: true, force: true });
  }
  process.exit(code);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
