import type {
  DatasetField,
  FieldChange,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { consumerMapping } from './fieldMapping';
import { rewriteSqlFile } from './rewriteSql';
import { clientVisibleWidenings, wholeRowsRead } from './wholeRows';
import { loadSqlParser } from '../../sql/sqlParser';

const source: DatasetField[] = [
  { name: 'id', type: 'integer', nullable: false, primaryKey: true },
  { name: 'customer', type: 'text', nullable: false, primaryKey: false },
  { name: 'amount', type: 'integer', nullable: false, primaryKey: false },
  { name: 'qty', type: 'smallint', nullable: false, primaryKey: false },
];
const target = {
  schema: 'raw',
  table: 'orders',
  fields: source.map(f => f.name),
};
const mapped = (...changes: FieldChange[]) => consumerMapping(source, changes);
const toNumeric = mapped({ changeType: { field: 'amount', type: 'numeric' } });
const toBigint = mapped({ changeType: { field: 'amount', type: 'bigint' } });
const bigintToNumeric = consumerMapping(
  source.map(f => (f.name === 'amount' ? { ...f, type: 'bigint' } : f)),
  [{ changeType: { field: 'amount', type: 'numeric' } }],
);
const qtyToInteger = mapped({ changeType: { field: 'qty', type: 'integer' } });

const status = (
  path: string,
  content: string,
  mapping = toNumeric,
  on = target,
) => rewriteSqlFile({ path, content }, on, mapping);

beforeAll(() => loadSqlParser());

/** Whole-row readers in code every probe of round 29 (W2) found unaffected. */
const WHOLE_ROW_CODE: Array<[string, string]> = [
  [
    'api/orders.js',
    "app.get('/orders/:id', async (req, res) => {\n  const { rows } = await pool.query('SELECT * FROM raw.orders WHERE id = $1', [req.params.id]);\n  res.json(rows[0]);\n});\n",
  ],
  [
    'jobs/export.py',
    'df = pd.read_sql_table("orders", engine, schema="raw")\ndf.to_json("orders.json")\n',
  ],
  ['jobs/spark.py', 'df = spark.table("raw.orders")\ndf.write.parquet(out)\n'],
  [
    'jobs/jdbc.py',
    'df = spark.read.jdbc(url, "raw.orders", properties=props)\n',
  ],
  [
    'jobs/reflect.py',
    'orders = Table("orders", metadata, schema="raw", autoload_with=engine)\nfor row in conn.execute(select(orders)):\n    print(json.dumps(dict(row._mapping)))\n',
  ],
  [
    'models/orders_py.py',
    'def model(dbt, session):\n    return dbt.source("raw", "orders")\n',
  ],
  [
    'src/main/java/Orders.java',
    'List<Map<String, Object>> rows = jdbc.queryForList("select o.* from raw.orders o");\nInteger id = (Integer) rows.get(0).get("id");\n',
  ],
  [
    'orders.go',
    'var rows []map[string]interface{}\nerr := db.Select(&rows, "SELECT * FROM raw.orders")\n',
  ],
  ['app/orders.rb', 'rows = DB[:orders].where(id: id).all\n'],
  [
    'src/orders.ts',
    "export const latest = () => knex('orders').withSchema('raw').where('id', 1);\n",
  ],
];

describe('whole rows read by code under a widening clients receive as another type (round 29, W2)', () => {
  it('counts the widenings a driver returns as another type', () => {
    // node-postgres 8 against PostgreSQL 18: `SELECT 1250::int2 s, 1250::int4
    // i, 1250::int8 b, 1250::numeric n` gives {"s":1250,"i":1250,"b":"1250",
    // "n":"1250"}, and `b + 1` is "12501".
    const widened = (from: string, to: string) =>
      clientVisibleWidenings(
        consumerMapping(
          source.map(f => (f.name === 'amount' ? { ...f, type: from } : f)),
          [{ changeType: { field: 'amount', type: to as 'bigint' } }],
        ),
      ).map(w => w.field);
    expect(widened('smallint', 'integer')).toEqual([]);
    expect(widened('smallint', 'bigint')).toEqual(['amount']);
    expect(widened('smallint', 'numeric')).toEqual(['amount']);
    expect(widened('integer', 'bigint')).toEqual(['amount']);
    expect(widened('integer', 'numeric')).toEqual(['amount']);
    expect(widened('bigint', 'numeric')).toEqual(['amount']);
  });

  it.each(WHOLE_ROW_CODE)(
    '%s goes to a person under integer → numeric and → bigint',
    (path, content) => {
      for (const mapping of [toNumeric, toBigint, bigintToNumeric]) {
        const result = status(path, content, mapping);
        expect({ path, status: result.status }).toEqual({
          path,
          status: 'unparseable',
        });
        const message = result.impact.problem?.message ?? '';
        expect(message).toContain('"amount"');
        expect(message).toMatch(/widens/);
        expect(message).toMatch(/node-postgres|Decimal|BigDecimal/);
      }
    },
  );

  it('leaves whole-row code alone under smallint → integer, which drivers return as the same type', () => {
    for (const [path, content] of WHOLE_ROW_CODE)
      expect({
        path,
        status: status(path, content, qtyToInteger).status,
      }).toEqual({ path, status: 'unaffected' });
  });

  it('leaves code naming its columns, and other tables, alone', () => {
    for (const [path, content] of [
      ['api/orders.js', "pool.query('SELECT id, customer FROM raw.orders')\n"],
      ['jobs/spark.py', 'df = spark.table("raw.orders_archive")\n'],
      [
        'src/orders.ts',
        "const rows = await knex('orders').select('id', 'customer');\n",
      ],
    ])
      expect({ path, status: status(path, content).status }).toEqual({
        path,
        status: 'unaffected',
      });
  });

  it('keeps SQL files reading a widening as it is', () => {
    const result = status(
      'models/orders_copy.sql',
      'SELECT * FROM raw.orders',
      toNumeric,
    );
    expect(result.status).toBe('unaffected');
  });
});

describe('whole rows read by SQL in code, wherever the select list has them (round 31)', () => {
  // Each was unaffected: the pattern saw only a `*` right after SELECT. On
  // PostgreSQL 18, under a rename of a field, `SELECT c.name, o.* …` and
  // `row_to_json(o)` gained the new name beside the old at cut-over and lost
  // the old at contract: code reading `r['status']` breaks.
  const rename = mapped({ renameField: { from: 'customer', to: 'buyer' } });
  const added = mapped({ addField: { name: 'channel', type: 'text' } });
  const READERS: Array<[string, string]> = [
    [
      'app/q.py',
      "cur.execute('SELECT c.name, o.* FROM raw.orders o JOIN raw.customers c ON c.order_id = o.id')\n",
    ],
    [
      'src/q.ts',
      'const { rows } = await pool.query(`SELECT 1 AS k, * FROM raw.orders WHERE id = ${id}`);\n',
    ],
    ['app/json.py', 'cur.execute("SELECT row_to_json(o) FROM raw.orders o")\n'],
    ['app/agg.py', 'cur.execute("SELECT json_agg(o) FROM raw.orders o")\n'],
    [
      'app/row.py',
      'cur.execute("SELECT o FROM raw.orders o WHERE o.id = %s", (1,))\n',
    ],
    [
      'src/table.js',
      "const { rows } = await pool.query('TABLE raw.orders');\n",
    ],
    ['src/comment.js', "pool.query('SELECT/* all */* FROM raw.orders')\n"],
    [
      'src/knex.ts',
      "const rows = await knex.raw('SELECT c.name, o.* FROM raw.orders AS o, raw.customers c WHERE o.id = c.order_id AND c.region = ?', [region]);\n",
    ],
    [
      'app/built.py',
      'sql = "SELECT c.name, o.* FROM raw.orders o " + join_clause + " WHERE o.id = %s"\n',
    ],
  ];

  // As JSON the row is read by its columns' names: the coding agent takes
  // it after the cut-over. Otherwise code may take it by position, which
  // breaks at the cut-over itself, when the row has the new field after the
  // others: a person decides before the data moves.
  const AS_JSON = ['app/json.py', 'app/agg.py'];
  it.each(READERS)(
    '%s goes to a person under a rename and an added field',
    (path, content) => {
      for (const mapping of [rename, added]) {
        const result = status(path, content, mapping);
        expect({ path, status: result.status }).toEqual({
          path,
          status: AS_JSON.includes(path) ? 'unparseable' : 'needs-decision',
        });
        expect(result.impact.problem?.message).toMatch(
          AS_JSON.includes(path) ? /whole row/ : /or a row of it in SQL/,
        );
        expect(result.impact.needsTable).toBeUndefined();
      }
      // A drop leaves `*` as it was until contract: the agent's, after the cut-over.
      const dropped = mapped({ dropField: { name: 'customer' } });
      expect(status(path, content, dropped).status).toBe('unparseable');
    },
  );

  it('leaves code whose SQL names its columns, counts its rows, or reads another table whole alone', () => {
    for (const [path, content] of [
      [
        'app/q.py',
        "cur.execute('SELECT o.id, c.* FROM raw.customers c JOIN raw.orders o ON o.id = c.order_id')\n",
      ],
      ['app/count.py', "cur.execute('SELECT count(*) FROM raw.orders')\n"],
      ['app/other.py', "cur.execute('SELECT o.* FROM raw.orders_archive o')\n"],
      [
        'app/kw.py',
        'def load(conn, *, table="raw.orders"):\n    return conn.execute(f"SELECT id FROM {table}")\n',
      ],
    ])
      expect({ path, status: status(path, content, rename).status }).toEqual({
        path,
        status: 'unaffected',
      });
  });
});

describe('a change-data capture list on one long line (read in linear time)', () => {
  // Each of thousands of keys on one 200 kB line once read the rest of the
  // line: 20 s. Not timed: the same decisions, the table at the line's end.
  const keys = 'table.include.list='.repeat(10_000);
  const renamed = mapped({
    renameField: { from: 'amount', to: 'amount_cents' },
  });

  it('finds the table in the list after the last key, and not past a quote', () => {
    expect(wholeRowsRead(`${keys}raw.orders\n`, target, renamed)).toEqual({
      what: ['a change-data capture of the table'],
      lines: [1],
    });
    expect(wholeRowsRead(`${keys}x' raw.orders\n`, target, renamed)).toEqual({
      what: [],
      lines: [],
    });
  });
});

describe('SELECT DISTINCT ON lists on one long line (read in linear time)', () => {
  // Each of thousands of `select distinct on (` read on to the line's one
  // `)`. Not timed: the same decisions, the `)` and `*` at the line's end.
  const lists = 'select distinct on ('.repeat(10_000);
  const renamed = mapped({
    renameField: { from: 'amount', to: 'amount_cents' },
  });

  it('finds `*` after the list the line closes, and nothing where none follows', () => {
    expect(wholeRowsRead(`${lists}id) o.*\n`, target, renamed)).toEqual({
      what: ['*'],
      lines: [1],
    });
    expect(wholeRowsRead(`${lists}id) id\n`, target, renamed)).toEqual({
      what: [],
      lines: [],
    });
  });
});
