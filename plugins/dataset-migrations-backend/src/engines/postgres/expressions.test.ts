import { loadSqlParser } from '../../sql/sqlParser';
import { checkExpression } from './expressions';

const FIELDS = ['id', 'score', 'played_at', 'payload', 'name'];

describe('checkExpression', () => {
  beforeAll(() => loadSqlParser());

  it.each([
    'round(score * 100)',
    "date_trunc('day', played_at)",
    "coalesce(nullif(trim(name), ''), 'unknown')",
    "CASE WHEN score > 0.5 THEN 'high' ELSE 'low' END",
    "payload->>'country'",
    'extract(year from played_at)::int',
    "played_at AT TIME ZONE 'UTC'",
    'greatest(score, 0) BETWEEN 0 AND 1',
    'id IN (1, 2, 3)',
    "lower(name) LIKE 'a%' AND id IS NOT NULL",
    "lpad(name, 10, '0') || repeat('-', 3) || rpad(name, 1000)",
  ])('accepts %s', expression => {
    expect(checkExpression(expression, FIELDS)).toEqual([]);
  });

  it.each([
    ['score * 100 + bogus', 'reads unknown field "bogus"'],
    ['s.score', 'reads "s.score": name fields of the dataset on their own'],
    ['now()', 'calls now(), which is not an allowed function'],
    ['random() * score', 'calls random(), which is not an allowed function'],
    ['current_date', 'uses a clock or session value'],
    ["played_at > 'now'::timestamptz", "casts 'now', which reads the clock"],
    ['age(played_at)', 'calls age(), which is not an allowed function'],
    ['score OPERATOR(public.+) 1', 'uses operator public.+'],
    ['(SELECT max(id) FROM other)', 'uses a subquery'],
    ['score IN (SELECT 1)', 'uses a subquery'],
    ['count(*)', 'calls count() as an aggregate or window'],
    ['sum(score) OVER ()', 'calls sum() as an aggregate or window'],
    ['repeat(name, 100000)', 'calls repeat() with a size of 100000'],
    ['lpad(name, id)', 'calls lpad() with a size that is not a whole-number'],
    [
      'rpad(repeat(name, 100), 20)',
      'calls repeat() with a size of 100: the text an expression makes may be at most 1000 times',
    ],
    [
      'public.lower(name)',
      'calls public.lower(), which is not an allowed function',
    ],
    ["pg_read_file('/etc/passwd')", 'calls pg_read_file()'],
    ['1) FROM (SELECT 1', 'must be one expression over the row, not a query'],
    ['round(score', 'syntax error'],
  ])('refuses %s', (expression, problem) => {
    expect(checkExpression(expression, FIELDS).join('; ')).toContain(problem);
  });

  it('names every problem once', () => {
    expect(checkExpression('now() + now() + x + x', FIELDS)).toEqual([
      'calls now(), which is not an allowed function (built-ins whose result depends only on their arguments, e.g. lower, round, date_trunc, coalesce)',
      'reads unknown field "x"',
    ]);
  });
});
