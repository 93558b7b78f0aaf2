import type { DatasetField } from '@dataset-migrations/plugin-dataset-migrations-common';
import { consumerMapping } from './fieldMapping';
import { rewriteSqlFile } from './rewriteSql';
import { loadSqlParser } from '../../sql/sqlParser';

const source: DatasetField[] = [
  { name: 'id', type: 'bigint', nullable: false, primaryKey: true },
  { name: 'cust_ref', type: 'bigint', nullable: false, primaryKey: false },
  { name: 'amount', type: 'integer', nullable: false, primaryKey: false },
];
const target = {
  schema: 'public',
  table: 'orders',
  fields: source.map(f => f.name),
};
const addField = consumerMapping(source, [
  { addField: { name: 'note', type: 'text' } },
]);
const renameField = consumerMapping(source, [
  { renameField: { from: 'cust_ref', to: 'customer_ref' } },
]);
const widen = consumerMapping(source, [
  { changeType: { field: 'amount', type: 'bigint' } },
]);
const rewrite = (content: string, mapping = addField) =>
  rewriteSqlFile({ path: 'jobs/archive.sql', content }, target, mapping);

beforeAll(() => loadSqlParser());

/**
 * From cut-over `*` through the name has the new version's own fields after the
 * previous ones, so a statement taking a fixed number of columns from it fails
 * then, before any pull request can be merged (found by round 32, checked on
 * PostgreSQL 18: "INSERT has more expressions than target columns", "each
 * UNION query must have the same number of columns").
 */
describe('`*` of the dataset read into a fixed number of columns', () => {
  it.each([
    [
      'an archive job',
      'INSERT INTO orders_archive SELECT * FROM orders WHERE id < 100;',
    ],
    [
      'an INSERT naming its columns',
      'INSERT INTO orders_archive (id, cust_ref, amount) SELECT o.* FROM orders o;',
    ],
    [
      'a UNION with another table',
      'SELECT * FROM orders UNION ALL SELECT * FROM orders_archive;',
    ],
    [
      'an EXCEPT in a CTE',
      'WITH gone AS (SELECT * FROM orders_archive EXCEPT SELECT * FROM orders) SELECT count(*) FROM gone;',
    ],
    [
      'a CTE an INSERT reads',
      'WITH recent AS (SELECT * FROM orders WHERE id > 10) INSERT INTO orders_archive SELECT * FROM recent;',
    ],
    [
      'a derived table whose `*` an INSERT takes',
      'INSERT INTO orders_archive SELECT * FROM (SELECT * FROM orders WHERE id > 10) s;',
    ],
    // Round 32's leftovers: "subquery has too many columns" from cut-over.
    [
      'a row tested IN a subquery',
      'SELECT a.id FROM orders_archive a WHERE (a.id, a.cust_ref, a.amount) IN (SELECT * FROM orders);',
    ],
    [
      'a row compared with a subquery',
      'SELECT 1 FROM orders_archive a WHERE (a.id, a.cust_ref, a.amount) = (SELECT * FROM orders WHERE id = 1);',
    ],
    [
      'a row compared with ANY of a subquery',
      'DELETE FROM orders_archive a WHERE (a.id, a.cust_ref, a.amount) <> ALL (SELECT o.* FROM orders o);',
    ],
    [
      'an UPDATE setting a row from a subquery',
      'UPDATE orders_archive a SET (id, cust_ref, amount) = (SELECT * FROM orders o WHERE o.id = a.id);',
    ],
    [
      'a subquery over a derived table',
      'SELECT 1 FROM x WHERE (x.a, x.b, x.c) IN (SELECT * FROM (SELECT * FROM orders) s);',
    ],
    [
      'an EXISTS over a UNION with another table',
      'SELECT EXISTS (SELECT * FROM orders EXCEPT SELECT * FROM orders_archive);',
    ],
    // Round 33: grouped, every column `*` gives must be grouped.
    [
      'a grouped query by ordinals',
      'SELECT o.*, count(*) AS dup FROM orders o GROUP BY 1, 2, 3 HAVING count(*) > 1;',
    ],
    [
      'a grouped query naming every column',
      'SELECT * FROM orders GROUP BY id, cust_ref, amount;',
    ],
    [
      'a grouped derived table',
      'SELECT s.* FROM (SELECT * FROM orders) s GROUP BY 1, 2, 3;',
    ],
    [
      'a CTE a UNION arm reads',
      'WITH a AS (SELECT * FROM orders WHERE amount > 5) SELECT * FROM a UNION ALL SELECT * FROM orders_archive;',
    ],
    [
      'a CTE read through another CTE and a derived table',
      'WITH a AS (SELECT * FROM orders), b AS (SELECT * FROM a WHERE amount > 5) INSERT INTO orders_archive SELECT d.* FROM (SELECT * FROM b) d;',
    ],
    // Found by the day's review: a CTE's `*` read into a count anywhere, and
    // copies made through another copy, a CTE or a derived table.
    [
      'a CTE read by an IN subquery',
      'WITH c AS (SELECT * FROM orders) SELECT 1 FROM x WHERE (x.a, x.b, x.c) IN (SELECT * FROM c);',
    ],
    [
      'a CTE in a UNION inside a derived table',
      'WITH c AS (SELECT * FROM orders) SELECT count(*) FROM (SELECT * FROM c UNION SELECT * FROM orders_archive) d;',
    ],
    [
      'a CTE grouped in a derived table',
      'WITH c AS (SELECT * FROM orders) SELECT count(*) FROM (SELECT * FROM c GROUP BY 1, 2, 3) d;',
    ],
    [
      'a CTE in a UNION of a later CTE',
      'WITH c AS (SELECT * FROM orders), u AS (SELECT * FROM c UNION SELECT * FROM orders_archive) SELECT count(*) FROM u;',
    ],
    [
      'a copy inserted with TABLE',
      'CREATE TEMP TABLE batch AS SELECT * FROM orders;\nINSERT INTO orders_archive TABLE batch;',
    ],
    [
      'a copy of a copy',
      'CREATE TEMP TABLE a AS SELECT * FROM orders;\nCREATE TEMP TABLE b AS SELECT * FROM a WHERE amount > 5;\nINSERT INTO orders_archive SELECT * FROM b;',
    ],
    [
      'a copy made through a CTE',
      'CREATE TEMP TABLE batch AS WITH c AS (SELECT * FROM orders) SELECT * FROM c;\nINSERT INTO orders_archive SELECT * FROM batch;',
    ],
    [
      'a copy made through a derived table',
      'CREATE TEMP TABLE batch AS SELECT * FROM (SELECT * FROM orders) s;\nINSERT INTO orders_archive SELECT * FROM batch;',
    ],
    // Round 33: `*` through a relation the file makes as `*` of the dataset.
    [
      'a temporary table made of it',
      'CREATE TEMP TABLE batch AS SELECT * FROM orders WHERE amount > 5;\nINSERT INTO orders_archive SELECT * FROM batch;',
    ],
    [
      'a table made by SELECT INTO',
      'SELECT * INTO TEMP batch FROM orders WHERE amount > 5;\nINSERT INTO orders_archive SELECT b.* FROM batch b;',
    ],
    [
      'a temporary view made of it',
      'CREATE TEMP VIEW paid AS SELECT * FROM orders WHERE amount > 5;\nINSERT INTO orders_archive SELECT * FROM paid;',
    ],
    [
      'a rebuilt table compared with yesterday',
      'DROP TABLE IF EXISTS orders_today;\nCREATE TABLE orders_today AS SELECT * FROM orders;\nSELECT count(*) FROM (SELECT * FROM orders_today EXCEPT SELECT * FROM orders_yesterday) d;',
    ],
  ])(
    '%s goes to a person before the data moves, under an added field and a renamed one',
    (_, sql) => {
      for (const mapping of [addField, renameField]) {
        const result = rewrite(sql, mapping);
        expect(result.status).toBe('needs-decision');
        expect(result.content).toBe(sql);
        expect(result.impact.needsTable).toBe(true);
        expect(JSON.stringify(result.impact.problem)).toContain(
          mapping === addField
            ? 'new version\'s \\"note\\"'
            : 'new version\'s \\"customer_ref\\"',
        );
      }
    },
  );

  it('leaves a widening alone: `*` through the name has as many columns as before', () => {
    const result = rewrite(
      'INSERT INTO orders_archive SELECT * FROM orders;',
      widen,
    );
    expect(result.impact.needsTable).toBeUndefined();
  });

  it.each([
    ['a plain SELECT', 'SELECT * FROM orders WHERE amount > 5;'],
    [
      'a recursive CTE whose arms are both `*` of the dataset',
      'WITH RECURSIVE chain AS (SELECT * FROM orders WHERE id = 1 UNION ALL SELECT o.* FROM orders o JOIN chain c ON o.cust_ref = c.id) SELECT id FROM chain;',
    ],
    [
      'a UNION of the dataset with itself',
      'SELECT * FROM orders WHERE id < 5 UNION SELECT * FROM orders WHERE amount > 9;',
    ],
    // Found by a review: only a `*` whose columns reach the statement's count.
    [
      'a deduplicating INSERT naming its columns',
      'INSERT INTO totals (id, amount) SELECT s.id, s.amount FROM (SELECT *, row_number() OVER (PARTITION BY cust_ref) rn FROM orders) s WHERE s.rn = 1;',
    ],
    [
      'a CTE an INSERT names columns of',
      'WITH src AS (SELECT * FROM orders) INSERT INTO totals (id, amount) SELECT id, amount FROM src;',
    ],
    [
      'a LATERAL subquery',
      'INSERT INTO totals (id, amount) SELECT x.id, l.amount FROM x CROSS JOIN LATERAL (SELECT * FROM orders o WHERE o.id = x.id) l;',
    ],
    [
      'a scalar subquery inside an INSERT',
      'INSERT INTO totals (id, n) SELECT x.id, (SELECT count(*) FROM (SELECT * FROM orders) q) FROM x;',
    ],
    [
      'a UNION arm naming columns of a derived table',
      'SELECT id FROM (SELECT * FROM orders) o UNION SELECT id FROM b;',
    ],
    // Only CTEs whose columns reach the count through `*` count (dbt's
    // import-CTE staging shape).
    [
      'an import CTE its next CTE names columns of',
      'WITH source AS (SELECT * FROM orders), renamed AS (SELECT id, amount AS total FROM source) INSERT INTO totals SELECT * FROM renamed;',
    ],
    [
      'a copy read by its columns',
      'CREATE TEMP TABLE batch AS SELECT * FROM orders;\nINSERT INTO totals (id, amount) SELECT id, amount FROM batch;',
    ],
    [
      'an IN subquery naming its column inside an INSERT',
      'INSERT INTO totals (id) SELECT id FROM x WHERE x.id IN (SELECT id FROM (SELECT * FROM orders) s WHERE s.amount > 5);',
    ],
  ])('rewrites %s, whose columns grow alike', (_, sql) => {
    const result = rewrite(sql);
    expect(result.impact.needsTable).toBeUndefined();
    expect(result.status).toBe('rewritten');
  });

  it.each([
    [
      'an EXISTS of one select: it tests for rows only',
      'SELECT a.id FROM orders_archive a WHERE EXISTS (SELECT * FROM orders o WHERE o.id = a.id);',
    ],
    [
      'a grouped query naming its columns, beside `*` of another table',
      'SELECT o.cust_ref, count(*), x.* FROM orders o JOIN x ON x.ref = o.cust_ref GROUP BY o.cust_ref, x.ref;',
    ],
  ])('leaves alone %s', (_, sql) => {
    const result = rewrite(sql);
    expect(result.impact.needsTable).toBeUndefined();
    expect(result.status).toBe('unaffected');
  });
});
