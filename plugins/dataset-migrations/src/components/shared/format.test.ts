import { formatProgress, splitProblems } from './format';

describe('formatProgress', () => {
  it('reports rows, rate and the time left while a step runs', () => {
    const startedAt = new Date(Date.now() - 2000).toISOString();
    const text = formatProgress({
      rowsDone: 500_000,
      rowsTotal: 1_000_000,
      startedAt,
    });
    expect(text).toMatch(
      /^500,000 of 1,000,000 rows · \d{3},\d{3} rows\/s · \d s left$/,
    );
  });

  it('drops the time left once the step finished', () => {
    expect(
      formatProgress({
        rowsDone: 1_000,
        rowsTotal: 1_000,
        startedAt: '2026-11-21T10:00:00.000Z',
        finishedAt: '2026-11-21T10:00:02.000Z',
      }),
    ).toBe('1,000 of 1,000 rows · 500 rows/s');
  });
});

describe('splitProblems', () => {
  it('lists each problem of a refused request on its own', () => {
    expect(splitProblems('Invalid migration request: a: one; b: two')).toEqual([
      'a: one',
      'b: two',
    ]);
  });
});
