import type { DatasetField } from '@dataset-migrations/plugin-dataset-migrations-common';
import { assessConsumer } from '../impact';
import { groupedByKeyInCode } from './codeQueries';
import { consumerMapping } from './fieldMapping';
import { loadSqlParser } from '../../sql/sqlParser';

/**
 * Dollar quotes as PostgreSQL's lexer reads them, the same for SQL files run
 * by code (queryFiles) and for SQL in code (codeQueries): a `$` within a name
 * (`qty$usd$`) opens none, and one no delimiter closes is read on the side
 * that sends the file to a person.
 */
const fields: DatasetField[] = [
  { name: 'id', type: 'integer', nullable: false, primaryKey: true },
  { name: 'qty', type: 'integer', nullable: false, primaryKey: false },
];
const target = {
  schema: 'raw',
  table: 'orders',
  fields: fields.map(f => f.name),
};
const toBigint = consumerMapping(fields, [
  { changeType: { field: 'qty', type: 'bigint' } },
]);

beforeAll(() => loadSqlParser());

describe('a SQL file with dollar quotes, run by code', () => {
  const problem = (content: string) =>
    assessConsumer(
      [{ path: 'queries/get_order.sql', content }],
      target,
      toBigint,
    ).impact.files[0].problem?.message ?? 'unaffected';

  it('finds a bind parameter after a `$$` no delimiter closes', () => {
    expect(
      problem(
        '-- amounts in $$\nSELECT id, qty FROM raw.orders WHERE id = $1\n',
      ),
    ).toMatch(/has bind parameters/);
    // A closed body's parameters are the function's, not the file's.
    expect(
      problem(
        'CREATE FUNCTION next_id(int) RETURNS int LANGUAGE sql AS $$ SELECT $1 + 1 $$;\nSELECT id, qty FROM raw.orders;\n',
      ),
    ).toBe('unaffected');
  });

  it('takes a `$` inside a name for part of the name, not a quote', () => {
    expect(
      problem(
        "SELECT id, qty AS qty$x$ FROM raw.orders WHERE id = $1 AND 'a$x$' <> ''\n",
      ),
    ).toMatch(/has bind parameters/);
  });
});

describe('SQL in code with dollar quotes', () => {
  it('reads a body no delimiter closes to the end, as PostgreSQL does', () => {
    expect(
      groupedByKeyInCode(
        'CREATE FUNCTION totals() RETURNS SETOF record LANGUAGE sql AS $$\nSELECT id, qty FROM orders GROUP BY id\n',
        target,
      ),
    ).toEqual({ throughKey: [1], unread: [] });
  });

  it('opens no quote at a `$` inside a name', () => {
    expect(
      groupedByKeyInCode(
        'SELECT a$q$ FROM t;\nSELECT id, qty FROM orders GROUP BY id;\nSELECT b$q$ FROM t;\n',
        target,
      ),
    ).toEqual({ throughKey: [], unread: [] });
  });
});
