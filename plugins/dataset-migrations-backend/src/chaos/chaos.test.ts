import { formatReport } from './formatReport';
import { runChaos } from './runChaos';

/**
 * The fault suite's short variant (`yarn chaos` is the full one): a small table,
 * eleven kills, one aimed at each stage and consumer step, connections
 * terminated, PostgreSQL restarted, an idle transaction and a long reader, and
 * every acknowledged write accounted for afterwards.
 */
describe('chaos (short)', () => {
  it('loses and duplicates no acknowledged write, and opens one pull request per consumer, through kills at every stage', async () => {
    const lines: string[] = [];
    const report = await runChaos({
      rows: 20_000,
      kills: 11,
      killsPerRound: 4,
      consumers: 2,
      seed: 14,
      terminateEveryMs: 20_000,
      lease: '3s',
      log: line => lines.push(line),
    });
    const summary = `${lines.join('\n')}\n${formatReport(report)}`;
    // The ledger and pull-request checks of every round, with the log to read if not.
    expect({ problems: report.problems, summary }).toEqual({
      problems: [],
      summary,
    });
    expect(report.rowsLost).toBe(0);
    expect(report.rowsDuplicated).toBe(0);
    expect(report.kills.length).toBe(11);
    // The kills reached the run's stages, the consumer steps and an operation.
    const landed = new Set(report.kills.flatMap(k => k.landed));
    expect(landed.size).toBeGreaterThanOrEqual(8);
    expect(report.writes.inserts).toBeGreaterThan(0);
    expect(report.writes.keyChanges).toBeGreaterThan(0);
    expect(report.postgresRestarts).toBe(1);
    expect(report.longReaders.length).toBeGreaterThan(0);
    expect(report.rounds.map(r => r.kind)).toContain('rollback');
  }, 900_000);
});
