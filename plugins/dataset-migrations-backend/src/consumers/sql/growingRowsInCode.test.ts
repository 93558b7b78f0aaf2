import type {
  DatasetField,
  FieldChange,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { consumerMapping } from './fieldMapping';
import { rewriteSqlFile } from './rewriteSql';
import { loadSqlParser } from '../../sql/sqlParser';

/**
 * Code that breaks at the cut-over itself, not at contract (round 33c): from
 * the cut-over `*` through the dataset's name has the new version's own
 * fields after the previous ones, before the code's pull request can be
 * merged. Handed to the coding agent after the cut-over (`unparseable`), it
 * was broken from then until its pull request merged.
 */
const source: DatasetField[] = [
  { name: 'id', type: 'integer', nullable: false, primaryKey: true },
  { name: 'customer', type: 'text', nullable: false, primaryKey: false },
  { name: 'amount', type: 'integer', nullable: false, primaryKey: false },
];
const target = {
  schema: 'raw',
  table: 'orders',
  fields: source.map(f => f.name),
};
const mapped = (...changes: FieldChange[]) => consumerMapping(source, changes);
const addField = mapped({
  addField: { name: 'currency', type: 'text' },
});
const rename = mapped({ renameField: { from: 'amount', to: 'amount_cents' } });
const drop = mapped({ dropField: { name: 'amount' } });
const toBigint = mapped({ changeType: { field: 'amount', type: 'bigint' } });

const assess = (path: string, content: string, mapping = addField) =>
  rewriteSqlFile({ path, content }, target, mapping);

beforeAll(() => loadSqlParser());

describe('code whose whole rows of the dataset have more columns from the cut-over', () => {
  it.each([
    [
      'jobs/archive.py',
      'cur.execute("INSERT INTO raw.orders_archive SELECT * FROM raw.orders WHERE created_at < %s", (cutoff,))\n',
    ],
    [
      'jobs/archive.go',
      'if _, err := db.Exec(`INSERT INTO raw.orders_archive\n  SELECT * FROM raw.orders WHERE id < $1`, id); err != nil {\n\treturn err\n}\n',
    ],
    [
      'jobs/union.rb',
      'rows = conn.exec(<<~SQL)\n  SELECT * FROM raw.orders\n  UNION ALL\n  SELECT id, customer, amount FROM raw.orders_archive\nSQL\n',
    ],
    [
      'jobs/batch.py',
      'cur.execute("""\nWITH batch AS (SELECT * FROM raw.orders WHERE shipped)\nINSERT INTO raw.shipped SELECT * FROM batch\n""")\n',
    ],
  ])(
    'sends %s, whose SQL takes a fixed number of columns from `*`, to a person who may only change or exclude it',
    (path, content) => {
      for (const mapping of [addField, rename]) {
        const result = assess(path, content, mapping);
        expect(result.status).toBe('needs-decision');
        expect(result.impact.needsTable).toBe(true);
        expect(result.impact.problem?.message).toMatch(
          /is read into .*from the cut-over on/,
        );
        expect(result.content).toBe(content);
      }
    },
  );

  it.each([
    [
      'jobs/report.py',
      'cur.execute("SELECT * FROM raw.orders WHERE id = %s", (order_id,))\nid, customer, amount = cur.fetchone()\n',
    ],
    [
      'orders.go',
      'row := db.QueryRow("SELECT * FROM raw.orders WHERE id = $1", id)\nerr := row.Scan(&o.ID, &o.Customer, &o.Amount)\n',
    ],
    [
      'orders_sqlx.go',
      'var orders []Order\nerr := db.Select(&orders, "SELECT o.* FROM raw.orders o JOIN raw.customers c ON c.id = o.customer_id")\n',
    ],
    [
      'export.py',
      'df = pd.read_sql("raw.orders", engine)\ndf.columns = ["id", "customer", "amount"]\n',
    ],
  ])(
    'sends %s, reading whole rows it may take by position, to a person before the data moves',
    (path, content) => {
      const result = assess(path, content);
      expect(result.status).toBe('needs-decision');
      expect(result.impact.needsTable).toBeUndefined();
      expect(result.impact.problem?.message).toMatch(
        /from the cut-over on they also have the new version's "currency"/,
      );
      expect(result.impact.lines.length).toBeGreaterThan(0);
    },
  );

  it.each([
    [
      'jobs/report.py',
      'cur.execute("SELECT o.* FROM raw.orders o JOIN raw.customers c ON c.id = o.customer_id")\nfor id, customer, amount in cur.fetchall():\n    pass\n',
    ],
    // A write's RETURNING * (round 34b).
    [
      'orders_insert.go',
      'row := db.QueryRow(`INSERT INTO raw.orders (customer, amount) VALUES ($1, $2) RETURNING *`, c, a)\nerr := row.Scan(&o.ID, &o.Customer, &o.Amount)\n',
    ],
    [
      'jobs/purge.py',
      'cur.execute("UPDATE raw.orders SET amount = 0 WHERE id = %s RETURNING id, *", (1,))\n',
    ],
    // A relation code names at run time, in a file naming the dataset.
    [
      'jobs/generic.py',
      'TABLE = "raw.orders"\ncur.execute(f"SELECT * FROM {TABLE}")\nid, customer, amount = cur.fetchone()\n',
    ],
    [
      'jobs/percent.py',
      'TABLE = "raw.orders"\ncur.execute("SELECT * FROM %s" % TABLE)\n',
    ],
    [
      'jobs/schema.py',
      'name = "orders"\ncur.execute(f"SELECT * FROM raw.{name}")\n',
    ],
    [
      'jobs/generic.go',
      'const ordersTable = "raw.orders"\nrows, err := db.Query("SELECT * FROM " + ordersTable)\n',
    ],
    // A staging table made with the dataset's columns, loaded from a file.
    [
      'etl/load.py',
      'cur.execute("CREATE TEMP TABLE tmp_orders (LIKE raw.orders INCLUDING DEFAULTS)")\ncur.copy_expert("COPY tmp_orders FROM STDIN WITH CSV", f)\n',
    ],
    // R's DataFrames of the table, and keyword arguments.
    [
      'reports/orders.R',
      'orders <- dbReadTable(con, Id(schema = "raw", table = "orders"))\nall <- rbind(orders, legacy)\n',
    ],
    [
      'jobs/frame.py',
      'df = pd.read_sql_table(table_name="orders", con=engine, schema="raw")\n',
    ],
    [
      'jobs/spark.py',
      'df = spark.read.jdbc(url=url, table="raw.orders", properties=props)\ndf.write.insertInto("dw.orders")\n',
    ],
  ])(
    'sends %s, whose rows code gets with the new columns, to a person',
    (path, content) => {
      const result = assess(path, content);
      expect(result.status).toBe('needs-decision');
      expect(result.impact.problem?.message).toMatch(
        /from the cut-over on they also have the new version's "currency"/,
      );
    },
  );

  it('sends a check of a column list to a person, saying it fails where it checks the dataset', () => {
    const content =
      'validator.expect_table_columns_to_match_ordered_list(column_list=["id", "customer", "amount"])\nbatch = context.get_batch(table_name="raw.orders")\n';
    const result = assess('checks/orders_suite.py', content);
    expect(result.status).toBe('needs-decision');
    // The check may be another table's, in a file naming the dataset: a
    // person tells.
    expect(result.impact.needsTable).toBeUndefined();
    expect(result.impact.problem?.message).toMatch(
      /check of a table's column list or count \(line 1\), which fails from then where it checks orders/,
    );
  });

  it('reads a RETURNING list of one column per indented line, with or without a `*`, at once', () => {
    // A probe (round 37): seven such columns held the backend's event loop
    // over 170 s, the list's pattern trying every split of its blanks.
    const columns = Array.from({ length: 24 }, (_, i) => `c${i}`);
    const list = (items: string[]) => items.join(',\n                    ');
    const query = (items: string[]) =>
      `sqlx::query!(\n    r#"\n        insert into raw.orders (customer, amount) values ($1, $2)\n        returning\n                    ${list(
        items,
      )}\n    "#,\n    customer, amount\n).fetch_one(db).await?;\n`;
    expect(assess('src/orders.rs', query(columns)).status).toBe('unaffected');
    const star = assess('src/orders.rs', query([...columns, 'o.*']));
    expect(star.status).toBe('needs-decision');
    expect(star.impact.problem?.message).toMatch(
      /from the cut-over on they also have the new version's "currency"/,
    );
  });

  it('names the line of the `*` in a block, and a `*` counted twice over once', () => {
    const content =
      'def archive(cur):\n    cur.execute("""\n        WITH batch AS (SELECT * FROM raw.orders)\n        INSERT INTO raw.orders_archive\n        SELECT * FROM raw.orders o JOIN batch b USING (id)\n    """)\n';
    const result = assess('jobs/archive.py', content);
    expect(result.impact.needsTable).toBe(true);
    expect(result.impact.lines).toEqual([5]);
    expect(result.impact.problem?.message.match(/is read into/g)?.length).toBe(
      1,
    );
  });

  it.each([
    [
      'dbt_project.yml',
      'name: shop\non-run-end:\n  - insert into audit.orders_archive select * from raw.orders\n',
    ],
    [
      'dags/archive.yml',
      'archive:\n  tasks:\n    copy:\n      operator: airflow.providers.postgres.operators.postgres.PostgresOperator\n      sql: INSERT INTO raw.orders_archive SELECT * FROM raw.orders\n',
    ],
    [
      'dags/nightly.yml',
      'tasks:\n  - sql: INSERT INTO raw.orders_archive SELECT * FROM raw.orders  # nightly\n',
    ],
    // A YAML plain scalar over lines, and settings' values (round 36).
    [
      'dags/archive2.yml',
      'tasks:\n  copy:\n    sql: INSERT INTO raw.orders_archive\n      SELECT *\n      FROM raw.orders\n    retries: 2\n',
    ],
    [
      'jobs/archive.properties',
      '# nightly\narchive.sql=INSERT INTO raw.orders_archive SELECT * FROM raw.orders\n',
    ],
    [
      'jobs/archive2.properties',
      'archive.sql = INSERT INTO raw.orders_archive \\\n    SELECT * FROM raw.orders\nretries=2\n',
    ],
    [
      '.env',
      'ARCHIVE_SQL=INSERT INTO raw.orders_archive SELECT * FROM raw.orders\n',
    ],
    [
      'jobs/archive.ini',
      '[archive]\nsql = INSERT INTO raw.orders_archive SELECT * FROM raw.orders\n',
    ],
    // A call in code on a line a key starts: its string is read, not the line.
    [
      'jobs/route.py',
      'if ok: pass\nelse: select(cur, "INSERT INTO raw.orders_archive SELECT * FROM raw.orders")\n',
    ],
    [
      'src/main/resources/OrderMapper.xml',
      '<mapper namespace="OrderMapper">\n  <insert id="archive">\n    INSERT INTO raw.orders_archive SELECT * FROM raw.orders\n  </insert>\n</mapper>\n',
    ],
    [
      'src/main/resources/OrderMapper2.xml',
      '<mapper namespace="OrderMapper">\n  <select id="all"><![CDATA[\n    SELECT * FROM raw.orders UNION ALL SELECT id, customer, amount FROM raw.orders_archive\n  ]]></select>\n</mapper>\n',
    ],
  ])('reads SQL written as plain text in %s', (path, content) => {
    const result = assess(path, content);
    expect(result.status).toBe('needs-decision');
    expect(result.impact.needsTable).toBe(true);
  });

  it('does not take prose or code for plain SQL', () => {
    for (const [path, content] of [
      [
        'ansible/site.yml',
        '- name: Create orders table backup\n  when: update_needed\n  with_items: "{{ raw.orders }}"\n',
      ],
      [
        'app.py',
        'if count > 0:\n    with open("raw.orders.csv") as f:\n        pass\n',
      ],
    ])
      expect({ path, status: assess(path, content).status }).toEqual({
        path,
        status: 'unaffected',
      });
    // A title in sentence case is prose, though it would parse as an INSERT
    // of `*` (only a statement's word in lower or upper case starts SQL).
    expect(
      assess(
        'dags/docs.yml',
        'description: Insert into raw.orders_archive select * from raw.orders, nightly\n',
      ).status,
    ).not.toBe('needs-decision');
  });

  it.each([
    '\\set ON_ERROR_STOP on\nINSERT INTO raw.orders_archive SELECT * FROM raw.orders;\n',
    "\\timing on\nINSERT INTO raw.orders_archive SELECT * FROM raw.orders WHERE id < :'cutoff';\n",
    'SELECT * FROM raw.orders\nUNION ALL\nSELECT id, customer, amount FROM raw.orders_archive WHERE id > :last_id\n\\g out.csv\n',
    // `\gset` ends its query; a backslash inside a string is the string's.
    'SELECT max(id) AS m FROM raw.orders \\gset\nINSERT INTO raw.orders_archive SELECT * FROM raw.orders WHERE id <= :m;\n',
    "\\set ON_ERROR_STOP on\nINSERT INTO raw.orders_archive SELECT * FROM raw.orders WHERE customer ~ '^\\d+ \\w+$';\n",
    'SELECT max(id) AS m FROM raw.orders\n\\gset\nINSERT INTO raw.orders_archive SELECT * FROM raw.orders WHERE id <= :m;\n',
  ])('reads a psql script past its own commands and variables: %s', content => {
    const result = assess('jobs/archive.sql', content);
    expect(result.status).toBe('needs-decision');
    expect(result.impact.needsTable).toBe(true);
    expect(result.content).toBe(content);
    // Otherwise it stays the coding agent's, unrewritten.
    expect(
      assess(
        'jobs/report.sql',
        "\\set ON_ERROR_STOP on\nSELECT id, amount FROM raw.orders WHERE id < :'cutoff';\n",
        rename,
      ).status,
    ).toBe('unparseable');
  });

  // Round 35: a query file with a client's placeholders (listmonk's
  // `queries/*.sql`, one `FROM %s` among them) was unparseable whole.
  it.each([
    '-- name: archive\nINSERT INTO raw.orders_archive SELECT * FROM raw.orders WHERE id < %s;\n\n-- name: count\nSELECT COUNT(*) FROM %s;\n',
    "-- name: archive\nINSERT INTO raw.orders_archive SELECT * FROM raw.orders WHERE customer LIKE 'a%%' AND id < %(cutoff)s;\n",
    // Round 36: Flyway's and MyBatis' placeholders, and JDBC's.
    'INSERT INTO ${schema}.orders_archive SELECT * FROM ${schema}.orders WHERE id < ${cutoff};\n',
    'INSERT INTO raw.orders_archive SELECT * FROM raw.orders WHERE id < #{cutoff} AND customer IN (SELECT name FROM ${customers});\n',
    "INSERT INTO raw.orders_archive SELECT * FROM raw.orders WHERE id < ? AND customer = ? AND attrs ? 'vip' LIMIT ?;\n",
  ])('reads a query file past its placeholders: %s', content => {
    const result = assess('queries/orders.sql', content);
    expect(result.status).toBe('needs-decision');
    expect(result.impact.needsTable).toBe(true);
    expect(result.content).toBe(content);
    // Otherwise it stays the coding agent's, unrewritten; a placeholder in a
    // string literal is the literal's.
    expect(
      assess(
        'queries/report.sql',
        "SELECT id, amount FROM raw.orders WHERE note <> '%s' AND id < %s;\n",
        rename,
      ).status,
    ).toBe('unparseable');
  });

  it('leaves whole-row code to the coding agent after the cut-over where `*` keeps its columns until contract', () => {
    const content =
      'cur.execute("INSERT INTO raw.orders_archive SELECT * FROM raw.orders")\nid, customer, amount = cur.fetchone()\n';
    for (const mapping of [drop, toBigint]) {
      const result = assess('jobs/archive.py', content, mapping);
      expect(result.status).not.toBe('needs-decision');
    }
  });

  it('leaves rows read as JSON, or by name outside a `*` that reaches no result, to the agent or alone', () => {
    for (const content of [
      'cur.execute("SELECT row_to_json(t) FROM (SELECT * FROM raw.orders WHERE id = %s) t", (1,))\n',
      'cur.execute("SELECT coalesce(json_agg(t), \'[]\') FROM (SELECT * FROM raw.orders) t")\n',
      'cur.execute("WITH o AS (SELECT * FROM raw.orders) SELECT id, amount FROM o")\n',
      'cur.execute("SELECT count(*) FROM (SELECT * FROM raw.orders) s")\n',
      'cur.execute("SELECT id FROM (SELECT * FROM raw.orders) o WHERE amount > 0")\n',
    ])
      expect({
        content,
        status: assess('api/orders.py', content).status,
      }).not.toEqual({
        content,
        status: 'needs-decision',
      });
  });

  it("does not take Laravel's or knex's query builder of the table for a DataFrame", () => {
    for (const content of [
      "$n = DB::table('orders')->where('customer', $c)->count(); // raw.orders\n",
      "const rows = await knex.table('orders').where({ id }); // raw.orders\n",
    ])
      expect(
        assess('app/Orders.php', content).impact.problem?.message ?? '',
      ).not.toMatch(/DataFrame/);
  });

  it('leaves code reading named columns, other tables whole, and ORM models to the agent or alone', () => {
    expect(
      assess(
        'jobs/report.py',
        'cur.execute("SELECT id, customer FROM raw.orders")\nrows = cur.fetchall()\n',
      ).status,
    ).toBe('unaffected');
    expect(
      assess(
        'jobs/report.py',
        '# raw.orders feeds this\ncur.execute("INSERT INTO archive SELECT * FROM raw.customers")\n',
      ).status,
    ).not.toBe('needs-decision');
    expect(
      assess(
        'app/models/order.rb',
        "class Order < ApplicationRecord\n  self.table_name = 'raw.orders'\nend\nOrder.find(params[:id]).as_json\n",
      ).status,
    ).toBe('unparseable');
  });

  it('does not count documentation, which runs nothing', () => {
    const result = assess(
      'docs/archive.md',
      'Run `INSERT INTO raw.orders_archive SELECT * FROM raw.orders` monthly.\n',
    );
    expect(result.status).not.toBe('needs-decision');
  });
});
