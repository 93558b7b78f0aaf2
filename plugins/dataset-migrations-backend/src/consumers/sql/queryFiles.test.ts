import type { DatasetField } from '@dataset-migrations/plugin-dataset-migrations-common';
import { assessConsumer } from '../impact';
import { consumerMapping } from './fieldMapping';
import { loadSqlParser } from '../../sql/sqlParser';

const fields: DatasetField[] = [
  { name: 'id', type: 'integer', nullable: false, primaryKey: true },
  { name: 'qty', type: 'integer', nullable: false, primaryKey: false },
  { name: 'size', type: 'smallint', nullable: false, primaryKey: false },
  { name: 'status', type: 'text', nullable: true, primaryKey: false },
];
const target = {
  schema: 'raw',
  table: 'orders',
  fields: fields.map(f => f.name),
};
const toBigint = consumerMapping(fields, [
  { changeType: { field: 'qty', type: 'bigint' } },
]);
const toNumeric = consumerMapping(fields, [
  { changeType: { field: 'qty', type: 'numeric' } },
]);
const sizeToInteger = consumerMapping(fields, [
  { changeType: { field: 'size', type: 'integer' } },
]);

beforeAll(() => loadSqlParser());

const QUERY = 'SELECT id, qty FROM raw.orders WHERE id = $1\n';
const READER = [
  "const q = readFileSync('queries/get_order.sql', 'utf8');\n",
  'export const total = async (id) => (await pool.query(q, [id])).rows[0].qty + 1;\n',
].join('');

describe('a SQL file code runs and reads the rows of (round 31b)', () => {
  // node-postgres against PostgreSQL 18: `qty` 5 came as "5" under bigint and
  // numeric, and `qty + 1` was "51"; the SQL file was called unaffected.
  it.each([
    ['bind parameters', [{ path: 'queries/get_order.sql', content: QUERY }]],
    [
      'a name header (sqlc, aiosql)',
      [
        {
          path: 'db/queries.sql',
          content:
            '-- name: GetOrder :one\nSELECT id, qty FROM raw.orders WHERE id = sqlc.arg(id);\n',
        },
      ],
    ],
    [
      'code naming the file',
      [
        {
          path: 'queries/get_order.sql',
          content: 'SELECT id, qty FROM raw.orders ORDER BY id LIMIT 10\n',
        },
        { path: 'src/orders.js', content: READER },
      ],
    ],
  ])(
    'goes to a person under a widening drivers return as another type: %s',
    (_, files) => {
      for (const mapping of [toBigint, toNumeric]) {
        const { impact } = assessConsumer(files, target, mapping);
        const file = impact.files.find(f => f.path.endsWith('.sql'))!;
        expect({ path: file.path, status: file.status }).toEqual({
          path: file.path,
          status: 'needs-decision',
        });
        expect(file.problem?.message).toMatch(
          /code runs it and reads its rows/,
        );
        expect(file.problem?.message).toMatch(/"qty"/);
      }
    },
  );

  it('leaves alone a widening drivers return alike, a file reading no widened field, and a script code does not run', () => {
    const unaffected = (
      files: Array<{ path: string; content: string }>,
      mapping = toBigint,
    ) =>
      assessConsumer(files, target, mapping).impact.files.find(f =>
        f.path.endsWith('.sql'),
      )?.status;
    expect(
      unaffected(
        [
          {
            path: 'queries/get_order.sql',
            content: 'SELECT id, size FROM raw.orders WHERE id = $1\n',
          },
        ],
        sizeToInteger,
      ),
    ).toBe('unaffected');
    expect(
      unaffected([
        {
          path: 'queries/get_status.sql',
          content: 'SELECT id, status FROM raw.orders WHERE id = $1\n',
        },
      ]),
    ).toBe('unaffected');
    // psql prints a bigint's digits as it printed the integer's.
    expect(
      unaffected([
        {
          path: 'reports/daily.sql',
          content: 'SELECT id, qty FROM raw.orders\n',
        },
        { path: 'run.sh', content: 'psql -f reports/daily.sql\n' },
      ]),
    ).toBe('unaffected');
    // Rows written elsewhere reach no code.
    expect(
      unaffected([
        {
          path: 'queries/load.sql',
          content:
            'INSERT INTO raw.totals SELECT id, qty FROM raw.orders WHERE id = $1\n',
        },
      ]),
    ).toBe('unaffected');
  });
});

describe('a query file beginning with a byte-order mark (round 31c)', () => {
  it('is read by its name header as without the mark', () => {
    const { impact } = assessConsumer(
      [
        {
          path: 'db/queries.sql',
          content:
            '\uFEFF-- name: get_order\nSELECT id, qty FROM raw.orders WHERE id = 1;\n',
        },
      ],
      target,
      toBigint,
    );
    expect(impact.files[0].status).toBe('needs-decision');
  });
});
