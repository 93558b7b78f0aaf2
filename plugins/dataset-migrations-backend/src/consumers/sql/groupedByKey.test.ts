import { loadSqlParser, parseSql } from '../../sql/sqlParser';
import { keyDependentReads } from './groupedByKey';

beforeAll(() => loadSqlParser());

/** The dataset columns `sql`'s first select reads only through the key, as written. */
function dependent(sql: string, aliases = ['o'], key?: string[]): string[] {
  const statement = parseSql(sql).result.stmts![0].stmt as Record<string, any>;
  const select = statement.SelectStmt;
  return keyDependentReads(
    select,
    new Set(aliases),
    new Set(['id', 'name', 'total', 'placed_at']),
    key,
  ).map(ref =>
    (ref.ColumnRef.fields as Array<Record<string, any>>)
      .map(f => (f.A_Star ? '*' : f.String.sval))
      .join('.'),
  );
}

describe('keyDependentReads', () => {
  it.each([
    ['SELECT o.id, o.name FROM orders o GROUP BY o.id', 'o', ['o.name']],
    [
      'SELECT o.id, o.name, count(*) FROM orders o JOIN items i ON i.order_id = o.id GROUP BY o.id',
      'o',
      ['o.name'],
    ],
    ['SELECT id, name FROM orders GROUP BY id', 'orders', ['name']],
    ['SELECT o.* FROM orders o GROUP BY o.id', 'o', ['o.*']],
    ['SELECT * FROM orders o GROUP BY o.id', 'o', ['*']],
    [
      'SELECT o.id FROM orders o GROUP BY o.id HAVING o.total > 10',
      'o',
      ['o.total'],
    ],
    [
      'SELECT o.id FROM orders o GROUP BY o.id ORDER BY o.placed_at',
      'o',
      ['o.placed_at'],
    ],
    [
      'SELECT o.id, (SELECT count(*) FROM items i WHERE i.name = o.name) FROM orders o GROUP BY o.id',
      'o',
      ['o.name'],
    ],
    [
      'SELECT o.id, rank() OVER (ORDER BY o.total) FROM orders o GROUP BY o.id',
      'o',
      ['o.total'],
    ],
    // Round 30: an unqualified field in a subquery, where GROUP BY holds one
    // of the dataset's (it may be the subquery's relation's: a person decides).
    [
      'SELECT o.id, (SELECT max(c.name) FROM cust c WHERE c.tier <> total) FROM orders o GROUP BY o.id',
      'o',
      ['total'],
    ],
    [
      'SELECT o.id FROM orders o GROUP BY o.id HAVING EXISTS (SELECT 1 FROM cust c WHERE c.tier = $$a$$ AND name IS NOT NULL)',
      'o',
      ['name'],
    ],
    // Round 30: the whole row, by the dataset's name.
    ['SELECT o.id, o::text FROM orders o GROUP BY o.id', 'o', ['o']],
    ['SELECT o.id, to_jsonb(o) FROM orders o GROUP BY o.id', 'o', ['o']],
    [
      'SELECT id, md5(orders::text) FROM orders GROUP BY id',
      'orders',
      ['orders'],
    ],
    [
      'SELECT o.id, (SELECT count(*) FROM items i WHERE i.doc = to_jsonb(o)) FROM orders o GROUP BY o.id',
      'o',
      ['o'],
    ],
    // Round 30b: every part of a subquery may read the outer row, and DISTINCT ON.
    [
      'SELECT o.id, ARRAY(SELECT i.name FROM items i WHERE i.order_id = o.id ORDER BY i.qty * o.total) FROM orders o GROUP BY o.id',
      'o',
      ['o.total'],
    ],
    [
      'SELECT o.id FROM orders o GROUP BY o.id HAVING $$open$$ IN (SELECT o.name UNION SELECT $$x$$)',
      'o',
      ['o.name'],
    ],
    [
      'SELECT o.id, ARRAY(SELECT i.name FROM items i LIMIT o.total) FROM orders o GROUP BY o.id',
      'o',
      ['o.total'],
    ],
    [
      'SELECT DISTINCT ON (o.name) o.id FROM orders o GROUP BY o.id',
      'o',
      ['o.name'],
    ],
    // Round 35: an aggregate in a subquery reading a column of its own, or
    // an unqualified one, is the subquery's, not the outer query's (on
    // PostgreSQL 18 through a view: "subquery uses ungrouped column").
    [
      'SELECT o.id FROM orders o GROUP BY o.id HAVING EXISTS (SELECT 1 FROM items i GROUP BY i.k HAVING sum(i.qty + o.total) > 1)',
      'o',
      ['o.total'],
    ],
    // A subquery inside it may read the inner query's own columns.
    [
      'SELECT o.id FROM orders o GROUP BY o.id HAVING (SELECT sum(o.total * (SELECT i.qty)) FROM items i) > 0',
      'o',
      ['o.total'],
    ],
  ])('finds what %s reads through the key', (sql, alias, expected) => {
    expect(dependent(sql, [alias as string])).toEqual(expected);
  });

  it.each([
    'SELECT o.id, count(*), max(o.total), sum(o.total) FILTER (WHERE o.name <> $$x$$) FROM orders o GROUP BY o.id',
    'SELECT o.name, count(*) FROM orders o GROUP BY o.name',
    'SELECT upper(o.name) AS label, count(*) FROM orders o GROUP BY upper(o.name)',
    'SELECT upper(o.name) AS label, count(*) FROM orders o GROUP BY label',
    'SELECT o.name, count(*) FROM orders o GROUP BY 1',
    'SELECT o.id, o.name FROM orders o GROUP BY ROLLUP (o.id, o.name)',
    'SELECT o.id, (SELECT count(*) FROM items i WHERE i.order_id = o.id) FROM orders o GROUP BY o.id',
    'SELECT o.id, (SELECT max(o.total) FROM orders o) FROM orders o GROUP BY o.id',
    'SELECT o.id, o.name FROM orders o',
    'SELECT o.id, count(*) AS n FROM orders o GROUP BY o.id ORDER BY n',
    'SELECT o.id, percentile_disc(0.5) WITHIN GROUP (ORDER BY o.total) FROM orders o GROUP BY o.id',
    // One column, spelt two ways (mimic-iv's gcs.sql, Discourse's quality-users).
    'SELECT name, count(*) FROM orders o GROUP BY o.name',
    'SELECT o.name, count(*) FROM orders o JOIN users u ON u.id = o.id GROUP BY name',
    // An output's own name (TPC-DS q72).
    'SELECT o.name, count(*) AS total FROM orders o GROUP BY o.name ORDER BY total, name',
    // Grouped by nothing of the dataset, an unqualified name in a subquery is
    // not its (the query would fail today).
    'SELECT c.id, (SELECT max(x) FROM t WHERE t.k = c.id AND total = 1) FROM cust c JOIN orders o ON o.cid = c.id GROUP BY c.id',
    // A whole row aggregated, or another relation's under the same name.
    'SELECT o.id, count(o), array_agg(o) FROM orders o GROUP BY o.id',
    'SELECT o.id, (SELECT to_jsonb(o) FROM items o LIMIT 1) FROM orders o GROUP BY o.id',
    // Round 35: an aggregate in a subquery of the outer query's columns alone
    // is the outer query's (PostgreSQL's aggregates.sql).
    'SELECT o.id, sum(DISTINCT o.total) FROM orders o GROUP BY o.id HAVING EXISTS (SELECT 1 FROM orders b WHERE sum(DISTINCT o.total) = b.total)',
    'SELECT o.id, (SELECT max(o.total) FILTER (WHERE o.name <> $$x$$) FROM items i LIMIT 1) FROM orders o GROUP BY o.id',
    'SELECT o.id FROM orders o GROUP BY o.id HAVING EXISTS (SELECT 1 FROM items i GROUP BY i.k HAVING max(o.total) > count(qty))',
  ])('leaves %s alone', sql => {
    expect(dependent(sql)).toEqual([]);
  });

  it('reads nothing through the key where GROUP BY does not hold all of it, or the dataset has none', () => {
    const lookup =
      'SELECT o.name, sum(o.total), (SELECT c.label FROM cust c WHERE c.id = id) FROM orders o GROUP BY o.name';
    // Without the key, a name in a subquery may be the dataset's.
    expect(dependent(lookup)).toEqual(['id']);
    expect(dependent(lookup, ['o'], ['id'])).toEqual([]);
    const byKey = 'SELECT o.id, o.name FROM orders o GROUP BY o.id';
    expect(dependent(byKey, ['o'], ['id'])).toEqual(['o.name']);
    expect(dependent(byKey, ['o'], ['id', 'placed_at'])).toEqual([]);
    expect(dependent(byKey, ['o'], [])).toEqual([]);
    expect(
      dependent(
        'SELECT id, name FROM orders GROUP BY id, placed_at',
        ['orders'],
        ['id', 'placed_at'],
      ),
    ).toEqual(['name']);
  });
});
