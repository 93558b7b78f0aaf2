/**
 * yarn fuzz [--bodies N] [--seed S] [--bound MS]
 *
 * Sends N (default 10,000) generated malformed bodies across every POST and PUT
 * route of the plugin's routers, on its real backend and an embedded PostgreSQL:
 * wrong types, nulls, huge and deeply nested values, prototype keys, NULs, lone
 * surrogates, invalid UTF-8, truncated JSON, YAML alias bombs. Every answer must
 * be a 4xx within the bound (default 5 s), and the plugin's tables and queue must
 * hold exactly what they held before. Prints the counts by status and the slowest
 * route; exits 1 when any of it fails.
 */
import { startBenchPostgres } from '../bench/harness';
import { changedSince, startFuzzBackend, writeRoutes } from './fuzzBackend';
import { fuzzRoutes } from './fuzzRoutes';

const arg = (name: string, fallback: number) =>
  process.argv.includes(name)
    ? Number(process.argv[process.argv.indexOf(name) + 1])
    : fallback;
const BODIES = arg('--bodies', 10_000);
const SEED = arg('--seed', 14);
const BOUND_MS = arg('--bound', 5_000);

async function main() {
  const postgres = await startBenchPostgres({ fast: true });
  const pluginDb = await postgres.connect('fuzz_plugin');
  const warehouse = await postgres.connect('fuzz_warehouse');
  const backend = await startFuzzBackend({
    pluginDb,
    warehouse,
    warehouseUrl: await postgres.url('fuzz_warehouse'),
  });
  let failed = false;
  try {
    const routes = writeRoutes();
    const before = await backend.fingerprint();
    const started = Date.now();
    const report = await fuzzRoutes({
      server: backend.server,
      routes,
      migrationId: backend.migrationId,
      campaignId: backend.campaignId,
      bodies: BODIES,
      seed: SEED,
    });
    const after = await backend.fingerprint();
    const changed = changedSince(before, after);
    console.log(
      `${report.requests} malformed bodies across ${
        routes.length
      } POST/PUT routes in ${((Date.now() - started) / 1000).toFixed(
        1,
      )} s (seed ${SEED})`,
    );
    console.log('by status:', JSON.stringify(report.byStatus));
    console.log(
      `slowest: ${report.slowest.route} (${report.slowest.kind}) ${report.slowest.ms} ms; bound ${BOUND_MS} ms`,
    );
    for (const [route, ms] of Object.entries(report.slowestByRoute).sort(
      (a, b) => b[1] - a[1],
    ))
      console.log(`  ${String(ms).padStart(6)} ms  ${route}`);
    console.log(
      `changed: ${changed.length ? changed.join(', ') : 'none'} (${
        Object.keys(before).length
      } tables compared)`,
    );
    for (const error of report.serverErrors.slice(0, 20))
      console.log('5xx:', JSON.stringify(error));
    for (const accepted of report.accepted.slice(0, 20))
      console.log('not refused:', JSON.stringify(accepted));
    failed =
      report.serverErrors.length > 0 ||
      report.accepted.length > 0 ||
      report.slowest.ms > BOUND_MS ||
      changed.length > 0;
  } finally {
    await backend.stop();
    await postgres.stop();
  }
  console.log(failed ? 'FAILED' : 'passed');
  process.exit(failed ? 1 : 0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
