import { killAllReplicaProcesses } from '../__testUtils__/replica';
import { formatReport } from './formatReport';
import { CONSUMER_STEPS, OPERATIONS, RUN_STAGES } from './points';
import { runChaos, type ChaosReport } from './runChaos';

/**
 * The short variant of `yarn chaos`, in CI: a small table, a kill at each stage,
 * consumer step and operation (11 in two rounds: a forward run to its contract, and
 * a rollback), one burst of connection terminations and an idle transaction.
 * Its own PostgreSQL and replica processes; all of them are killed however it ends.
 */
describe('chaos, short', () => {
  let close: (() => Promise<void>) | undefined;
  const lines: string[] = [];
  let passed = false;

  afterAll(async () => {
    // What the suite did so far, for a failure or a timeout.
    if (!passed) console.log(lines.join('\n'));
    // After a timeout the suite is still running: closing its world ends its waits.
    await close?.();
    await killAllReplicaProcesses();
  }, 60_000);

  it(
    'loses and duplicates no acknowledged write, and keeps one pull request per consumer, through kills everywhere',
    async () => {
      let report: ChaosReport;
      try {
        report = await runChaos({
          rows: 20_000,
          kills: 11,
          // A forward run to its contract and a rolled-back one; the third round
          // (forward again, with a PostgreSQL restart) is yarn chaos's, not CI's.
          rounds: 2,
          consumers: 2,
          seed: 14,
          terminateEveryMs: 30_000,
          terminationBursts: 1,
          lease: '3s',
          // A stall is reported with the worker's output before Jest's limit ends the test.
          stallMs: 4 * 60_000,
          deadline: Date.now() + 7 * 60_000,
          log: line => {
            lines.push(`${new Date().toISOString().slice(11, 19)} ${line}`);
            // Jest shows console output only at the end; this shows progress as it goes.
            if (process.env.DSM_CHAOS_DEBUG)
              process.stderr.write(`${lines[lines.length - 1]}\n`);
          },
          onStarted: closeWorld => {
            close = closeWorld;
          },
        });
      } catch (error) {
        throw new Error(`${error}\n${lines.join('\n')}`);
      }
      const figures = `${formatReport(report)}\n${lines.join('\n')}`;

      expect({ problems: report.problems, figures }).toEqual({
        problems: [],
        figures,
      });
      expect(report.rowsLost).toBe(0);
      expect(report.rowsDuplicated).toBe(0);
      // Every audit read the whole table, the writer's rows included.
      const audits = report.rounds.flatMap(r => r.audits);
      expect(audits.length).toBeGreaterThanOrEqual(4);
      for (const audit of audits)
        expect(audit.rows).toBeGreaterThanOrEqual(20_000 * 0.9);
      expect(report.rounds.map(r => r.kind)).toEqual(
        expect.arrayContaining(['forward', 'rollback']),
      );
      // The kills landed inside stages and consumer steps, not only between them.
      // Where a kill lands moves with the machine's pace; two rounds take most.
      expect(report.kills.length).toBeGreaterThanOrEqual(8);
      const landed = new Set(report.kills.flatMap(k => k.landed));
      const inside = {
        stages: RUN_STAGES.filter(s => landed.has(s)),
        steps: CONSUMER_STEPS.filter(s => landed.has(s)),
        operations: OPERATIONS.filter(s => landed.has(s)),
      };
      // At 20,000 rows a stage lasts a second or two, so where a kill lands moves
      // with the machine's speed: the test asks for kills inside the run's stages,
      // its consumers' steps and an operation, not for every stage each time.
      if (
        inside.stages.length < 1 ||
        inside.steps.length < 1 ||
        inside.operations.length < 1
      )
        throw new Error(
          `the kills landed in too few stages and steps: ${JSON.stringify(
            inside,
          )}\n${figures}`,
        );
      expect(report.terminations.rounds).toBe(1);
      expect(report.idleTransaction).toMatch(/^transaction \d+ held idle/);
      expect(report.resumeMs.n).toBeGreaterThan(0);
      passed = true;
      console.log(figures);
    },
    8 * 60_000,
  );
});
