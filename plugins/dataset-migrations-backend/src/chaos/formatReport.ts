import type { ChaosReport } from './runChaos';

/** The suite's figures, as printed by `yarn chaos`. */
export function formatReport(report: ChaosReport): string {
  const landed = Object.entries(report.killsByPoint)
    .map(([point, n]) => `${point} ${n}`)
    .join(', ');
  const w = report.writes;
  return [
    `rows: ${report.rows.toLocaleString('en')}, rounds: ${
      report.rounds.length
    } (${report.rounds.map(r => r.kind).join(', ')}), ${(
      report.ms / 60_000
    ).toFixed(1)} min`,
    `kills survived: ${report.kills.length} (${landed})`,
    `rows lost: ${report.rowsLost}, rows duplicated: ${report.rowsDuplicated}`,
    `resume time after a kill: p50 ${report.resumeMs.p50} ms, p95 ${report.resumeMs.p95} ms, max ${report.resumeMs.max} ms (${report.resumeMs.n} kills inside a stage or step)`,
    `acknowledged writes: ${w.inserts} inserts, ${w.updates} updates, ${w.deletes} deletes, ${w.keyChanges} key changes; ${w.errors} errored (${w.uncertain} keys left uncertain)`,
    `connections terminated: ${report.terminations.sessions} in ${
      report.terminations.rounds
    } sweeps; PostgreSQL restarts: ${report.postgresRestarts}; ${
      report.idleTransaction ?? 'no idle transaction'
    }; long readers at cut-over: ${
      report.longReaders.map(r => `${r.rows} rows in ${r.ms} ms`).join(', ') ||
      'none'
    }`,
    report.problems.length
      ? `PROBLEMS (${report.problems.length}):\n  ${report.problems.join(
          '\n  ',
        )}`
      : 'problems: none',
  ].join('\n');
}
