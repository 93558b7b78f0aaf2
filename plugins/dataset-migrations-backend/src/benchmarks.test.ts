import { execFile } from 'node:child_process';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

/**
 * Each `yarn bench:*` at a tiny size, end to end, as a person runs it: the
 * README's figures come from these, and nothing else runs them. This checks that
 * a benchmark still runs to its end and prints its figures, never a figure's
 * value (speed is the benchmarks' business, not a test's).
 */
async function bench(name: string, args: string[]): Promise<string> {
  // At the lowest priority, its PostgreSQL and git processes too: the suite's
  // other files run beside it, some waiting for work against deadlines.
  const { stdout } = await run(
    'nice',
    [
      '-n',
      '19',
      process.execPath,
      '--require',
      require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
      path.resolve(__dirname, '../bench', `${name}.ts`),
      ...args,
    ],
    { maxBuffer: 16 << 20, timeout: 170_000 },
  );
  return stdout;
}

/** The number in the row of a Markdown table whose first cell starts with `label`. */
function cell(output: string, label: string, column: number): string {
  const row = output.split('\n').find(line => line.startsWith(`| ${label}`));
  if (!row) throw new Error(`no row "${label}" in:\n${output}`);
  return row.split('|')[column + 1].trim();
}

describe('the benchmarks at a tiny size', () => {
  it('bench:backfill migrates the table, with and without a writer, and compares it with the ceiling', async () => {
    const out = await bench('backfill', ['--rows', '3000', '--writer']);
    expect(out).toMatch(
      /backfill: copied 3000 rows to public\.bench_events_v2/,
    );
    expect(out).toMatch(
      /verify: verified 3000 rows: counts and checksums match on both sides/,
    );
    expect(cell(out, 'backfill stage |', 3)).toMatch(/^\d+\.\d\d$/);
    expect(cell(out, 'backfill stage, with the writer', 3)).toMatch(
      /^\d+\.\d\d$/,
    );
    expect(out).toMatch(/backfill rate with the writer ÷ without: \d/);
  }, 180_000);

  it('bench:campaign migrates every dataset of both fleets and opens every pull request', async () => {
    const out = await bench('campaign', [
      '--datasets',
      '5',
      '--rows',
      '50',
      '--consumers',
      '5',
    ]);
    expect(cell(out, 'datasets migrated', 1)).toMatch(
      /^5 of 5 \(\d+ waves?, 0 failed\)$/,
    );
    expect(cell(out, 'datasets migrated', 2)).toBe('5 of 5');
    expect(cell(out, 'consumers', 1)).toBe('pr-opened 5');
    expect(cell(out, 'consumers', 2)).toBe('pr-opened 5');
    expect(cell(out, 'campaign overhead', 1)).toMatch(/^\d+\.\d\d×/);
  }, 180_000);

  it('bench:consumers takes every consumer to a pull request', async () => {
    const out = await bench('consumers', ['--repos', '4']);
    expect(cell(out, 'states', 1)).toBe('pr-opened 4');
    expect(cell(out, 'shadow checks', 1)).toMatch(/^\d+ match, 0 mismatch/);
  }, 180_000);

  it('bench:load serves every route it measures', async () => {
    const out = await bench('load', [
      '--runs',
      '200',
      '--consumers',
      '20',
      '--clients',
      '2',
      '--seconds',
      '2',
    ]);
    for (const route of [
      'POST /migrations (enqueue)',
      'GET /migrations/:id (a run)',
      'GET /migrations/:id/consumers?limit=100',
    ])
      expect(Number(cell(out, route, 1))).toBeGreaterThan(0);
    expect(out).not.toMatch(/^failed \d+×/m);
    expect(out).toMatch(/(\d+ target\(s\) missed|every target met)/);
  }, 180_000);
});
