/**
 * `yarn chaos [--rows N] [--kills N] [--rounds N] [--consumers N] [--seed N] [--terminate-every-ms N] [--stall-ms N] [--replica-logs DIR]`:
 * the fault suite at full size (a few million rows, 100 kills by default).
 * Prints what it did and the figures; exits 1 if any write was lost or
 * duplicated or any check failed.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { runChaos } from './runChaos';
import { formatReport } from './formatReport';

function flag(name: string, fallback: number): number {
  const at = process.argv.indexOf(`--${name}`);
  if (at < 0) return fallback;
  const value = Number(process.argv[at + 1]);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(
      `--${name} must be a whole number, got "${process.argv[at + 1]}"`,
    );
  return value;
}

/** `--replica-logs DIR`: every worker replica's whole output, one file per process. */
function replicaLogs(): ((pid: number, output: string) => void) | undefined {
  const at = process.argv.indexOf('--replica-logs');
  if (at < 0) return undefined;
  const dir = process.argv[at + 1];
  if (!dir) throw new Error('--replica-logs needs a directory');
  mkdirSync(dir, { recursive: true });
  return (pid, output) => writeFileSync(join(dir, `worker-${pid}.log`), output);
}

async function main() {
  const report = await runChaos({
    replicaOutput: replicaLogs(),
    rows: flag('rows', 2_000_000),
    kills: flag('kills', 100),
    rounds: process.argv.includes('--rounds') ? flag('rounds', 0) : undefined,
    consumers: flag('consumers', 3),
    seed: flag('seed', Date.now() % 100_000),
    terminateEveryMs: flag('terminate-every-ms', 30_000),
    stallMs: flag('stall-ms', 15 * 60_000),
    lease: '3s',
    log: line => console.log(line),
    onStarted: close => {
      const stop = () => {
        // Closing aborts the suite's waits and ends its replicas and pools, and
        // work nobody awaits any more (a race's loser, a kill in flight) rejects
        // with that abort or a lost connection: nothing may end the process
        // before its PostgreSQL is stopped and removed. It exits 130 after.
        process.on('unhandledRejection', error => {
          console.error(`while closing: ${(error as Error)?.message ?? error}`);
        });
        close().finally(() => process.exit(130));
      };
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    },
  });
  console.log(formatReport(report));
  const failed =
    report.rowsLost > 0 ||
    report.rowsDuplicated > 0 ||
    report.problems.length > 0;
  process.exit(failed ? 1 : 0);
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
