import type { DatasetField } from '@dataset-migrations/plugin-dataset-migrations-common';
import { consumerMapping } from './fieldMapping';
import { rewriteSqlFile } from './rewriteSql';
import { withObjectNames } from './objectNames';
import { assessConsumer } from '../impact';
import { loadSqlParser } from '../../sql/sqlParser';

/*
 * At cut-over the dataset's name becomes a view over the new version, whose
 * sequence, constraints and indexes carry the version's suffix (orders_v2_id_seq,
 * orders_v2_pkey, orders_number_key_v2, orders_email_index_v2). A probe on
 * PostgreSQL 18 found code naming the old ones called unaffected: currval read
 * another row's id, nextval handed out ids rows had, a match on an error's
 * constraint name stopped matching, and after contract each was gone.
 */
const source: DatasetField[] = [
  { name: 'id', type: 'bigint', nullable: false, primaryKey: true },
  { name: 'number', type: 'text', nullable: false, primaryKey: false },
  { name: 'email', type: 'text', nullable: false, primaryKey: false },
  { name: 'customer_id', type: 'bigint', nullable: false, primaryKey: false },
  { name: 'amount', type: 'integer', nullable: false, primaryKey: false },
];
const target = {
  schema: 'public',
  table: 'orders',
  fields: source.map(f => f.name),
};
/** No field changes: the name still becomes a view at cut-over. */
const none = consumerMapping(source, []);
const assess = (path: string, content: string) => {
  const result = rewriteSqlFile({ path, content }, target, none);
  return {
    status: result.status,
    needsTable: result.impact.needsTable,
    message: result.impact.problem?.message ?? '',
    lines: result.impact.lines,
  };
};

beforeAll(() => loadSqlParser());

describe("code naming the dataset's key sequence", () => {
  it.each([
    ['q.sql', "SELECT currval('orders_id_seq');"],
    [
      'q.sql',
      "INSERT INTO orders (id, number) VALUES (nextval('orders_id_seq'), 'A1');",
    ],
    [
      'reset.sql',
      "SELECT setval('public.orders_id_seq', (SELECT max(id) FROM orders));",
    ],
    [
      'app.php',
      `<?php\n$r = pg_query($db, "SELECT currval('orders_id_seq')");\n`,
    ],
    ['app.py', `cur.execute("SELECT currval('orders_id_seq')")\n`],
    [
      'app.js',
      `const { rows } = await pool.query("SELECT nextval('orders_id_seq') AS id");\n`,
    ],
    [
      'Order.java',
      `@Id\n@SequenceGenerator(name = "gen", sequenceName = "orders_id_seq", allocationSize = 1)\nprivate Long id;\n`,
    ],
    [
      'models.py',
      `id = Column(Integer, Sequence('orders_id_seq'), primary_key=True)\n`,
    ],
  ])('%s goes to a person before the data moves: %s', (path, content) => {
    const found = assess(path, content);
    expect(found.status).toBe('needs-decision');
    expect(found.needsTable).toBe(true);
    expect(found.message).toContain('orders_id_seq');
    expect(found.message).toContain('orders_v<N>_id_seq');
    expect(found.message).toContain('RETURNING id');
    // Identity or serial is not known here: the message says so.
    expect(found.message).toContain('serial');
    expect(found.lines.length).toBeGreaterThan(0);
  });

  it('is found in a repository where no file names the table itself', () => {
    const files = [
      {
        path: 'app/ids.py',
        content: `def last_id(cur):\n    cur.execute("SELECT currval('orders_id_seq')")\n    return cur.fetchone()[0]\n`,
      },
      { path: 'app/other.py', content: 'print("nothing here")\n' },
    ];
    const assessment = assessConsumer(files, target, none);
    const file = assessment.impact.files.find(f => f.path === 'app/ids.py');
    expect(file?.status).toBe('needs-decision');
    expect(file?.needsTable).toBe(true);
    expect(file?.lines).toEqual([2]);
    expect(assessment.impact.status).not.toBe('unaffected');
  });
});

describe("code naming the dataset's constraints or indexes", () => {
  it.each([
    [
      'errors.go',
      `if pgErr.ConstraintName == "orders_number_key" {\n`,
      'orders_number_key',
    ],
    [
      'errors.py',
      `except psycopg2.IntegrityError as e:\n    if e.diag.constraint_name == 'orders_email_index':\n        pass\n`,
      'orders_email_index',
    ],
    [
      'order.rb',
      `rescue ActiveRecord::RecordNotUnique => e\n  retry if e.message.include?('orders_number_key')\n`,
      'orders_number_key',
    ],
    [
      'order.rb',
      `raise unless e.message.include?("index_orders_on_customer_id_and_amount")\n`,
      'index_orders_on_customer_id_and_amount',
    ],
    [
      'order.ex',
      `changeset |> unique_constraint(:number, name: :orders_number_key)\n`,
      'orders_number_key',
    ],
    [
      'maint.sql',
      'REINDEX INDEX CONCURRENTLY orders_email_index;',
      'orders_email_index',
    ],
    [
      'maint.sql',
      'DROP INDEX CONCURRENTLY orders_email_index;',
      'orders_email_index',
    ],
    [
      'maint.sql',
      'ALTER INDEX orders_customer_id_idx SET (fillfactor = 90);',
      'orders_customer_id_idx',
    ],
    ['maint.sql', 'CLUSTER orders USING orders_pkey;', 'orders_pkey'],
    [
      'maint.sql',
      'ALTER INDEX public.orders_pkey1 SET (fillfactor = 90);',
      'orders_pkey1',
    ],
    [
      'maint.sql',
      'ALTER INDEX "public"."orders_customer_id_amount_key" RENAME TO x;',
      'orders_customer_id_amount_key',
    ],
    [
      'errors.ts',
      `if (err.constraint === 'orders_customer_id_fkey') return;\nif (err.constraint === 'orders_amount_check') return;\n`,
      'orders_amount_check',
    ],
    [
      'maint.sql',
      'CREATE TABLE IF NOT EXISTS orders (id bigint PRIMARY KEY);\nALTER INDEX orders_pkey SET (fillfactor = 90);',
      'orders_pkey',
    ],
    [
      'setup.py',
      'cur.execute("CREATE TABLE orders (id bigint PRIMARY KEY)")\ncur.execute("ALTER INDEX orders_pkey SET (fillfactor = 90)")\n',
      'orders_pkey',
    ],
    [
      'errors.py',
      `if e.diag.constraint_name == "ix_orders_customer_id":\n    pass\n`,
      'ix_orders_customer_id',
    ],
    [
      'OrderController.php',
      `if (str_contains($e->getMessage(), 'orders_number_unique')) {\n`,
      'orders_number_unique',
    ],
    [
      'errors.js',
      `if (err.constraint === 'orders_customer_id_foreign') return null;\n`,
      'orders_customer_id_foreign',
    ],
  ])('%s goes to a person before the data moves: %s', (path, content, name) => {
    const found = assess(path, content);
    expect(found.status).toBe('needs-decision');
    expect(found.needsTable).toBe(true);
    expect(found.message).toContain(name);
    expect(found.message).toContain('23505');
    expect(found.message).toContain('after contract');
  });

  it("finds Ecto's default names, which the changeset never spells", () => {
    const found = assess(
      'lib/shop/order.ex',
      `defmodule Shop.Order do\n  use Ecto.Schema\n  schema "orders" do\n    field :email, :string\n  end\n\n  def changeset(order, attrs) do\n    order\n    |> cast(attrs, [:email, :customer_id])\n    |> unique_constraint(:email)\n    |> foreign_key_constraint(:customer_id)\n  end\nend\n`,
    );
    expect(found.status).toBe('needs-decision');
    expect(found.needsTable).toBe(true);
    expect(found.message).toContain('orders_email_index');
    expect(found.message).toContain('orders_customer_id_fkey');
    expect(found.lines).toEqual([10, 11]);
  });

  it('keeps what else the rewriter found of a SQL file', () => {
    const rename = consumerMapping(source, [
      { renameField: { from: 'email', to: 'mail' } },
    ]);
    const result = rewriteSqlFile(
      {
        path: 'q.sql',
        content:
          'SELECT email FROM orders;\nREINDEX INDEX orders_email_index;\n',
      },
      target,
      rename,
    );
    expect(result.status).toBe('needs-decision');
    // The rewrite of the other statement is kept, not lost (found by a review).
    expect(result.content).toContain('mail AS email FROM orders');
    expect(result.content).toContain('REINDEX INDEX orders_email_index');
    expect(result.impact.problem?.message).toContain('orders_email_index');
    expect(result.impact.problem?.message).toContain('waits on this decision');
    expect(result.impact.lines).toContain(2);
  });

  it('keeps the rewrite of the other statements as the proposed content', () => {
    const rename = consumerMapping(source, [
      { renameField: { from: 'email', to: 'mail' } },
    ]);
    const result = rewriteSqlFile(
      {
        path: 'q.sql',
        content:
          "SELECT email FROM orders WHERE id=1;\nSELECT setval('orders_id_seq',10);\n",
      },
      target,
      rename,
    );
    expect(result.status).toBe('needs-decision');
    expect(result.impact.needsTable).toBe(true);
    expect(result.content).not.toMatch(/SELECT email FROM/);
    expect(result.content).toContain('mail');
    expect(result.content).toContain("setval('orders_id_seq',10)");
    expect(result.impact.fields).toEqual(['email']);
    expect(result.impact.problem?.message).toContain('orders_id_seq');
    expect(result.impact.problem?.message).toMatch(
      /rewrite of its other statements .*"email".* waits on this decision/,
    );
  });

  it('keeps the message of a result found unaffected', () => {
    const file = {
      path: 'ids.py',
      content: `cur.execute("SELECT currval('orders_id_seq')")\n`,
    };
    const result = withObjectNames(
      file,
      {
        path: file.path,
        content: file.content,
        status: 'unaffected',
        impact: {
          path: file.path,
          status: 'unaffected',
          fields: [],
          lines: [],
          problem: { message: 'an earlier step said this' },
        },
      },
      target,
    );
    expect(result.status).toBe('needs-decision');
    expect(result.impact.problem?.message).toContain(
      'an earlier step said this',
    );
    expect(result.impact.problem?.message).toContain('orders_id_seq');
  });
});

/*
 * A review found files that never run again sent to a person in nearly every
 * ORM repository: a schema dump, a migration defining the index it names.
 * History is told as migrationHistory.ts tells it; what runs again (a down
 * part, a migration using a name that may be pending) still goes to a person.
 */
describe('migration history and schema dumps', () => {
  const files = (entries: Record<string, string>) =>
    Object.entries(entries).map(([path, content]) => ({ path, content }));
  const statusOf = (
    all: Array<{ path: string; content: string }>,
    path: string,
  ) => {
    const file = assessConsumer(all, target, none).impact.files.find(
      f => f.path === path,
    );
    return {
      status: file?.status ?? 'unaffected',
      message: file?.problem?.message ?? '',
    };
  };

  it.each([
    [
      'db/schema.rb',
      'ActiveRecord::Schema[7.1].define(version: 2024_01_01_000000) do\n  create_table "orders", force: :cascade do |t|\n    t.string "email"\n    t.index ["email"], name: "index_orders_on_email", unique: true\n  end\nend\n',
      'unaffected',
    ],
    [
      'db/structure.sql',
      "SET statement_timeout = 0;\nSELECT pg_catalog.setval('public.orders_id_seq', 42, true);\n",
      'unaffected',
    ],
    [
      'backup/shop.sql',
      "--\n-- PostgreSQL database dump\n--\nSELECT pg_catalog.setval('public.orders_id_seq', 42, true);\n",
      'unaffected',
    ],
    [
      'db/migration/V1__init.sql',
      "CREATE TABLE IF NOT EXISTS orders (id bigint DEFAULT nextval('orders_id_seq'), email text, CONSTRAINT orders_pkey PRIMARY KEY (id));\n",
      'unaffected',
    ],
    [
      'alembic/versions/abc123_email_index.py',
      "revision = 'abc123'\ndown_revision = 'prev'\n\ndef upgrade():\n    op.create_index('ix_orders_email', 'orders', ['email'], unique=False)\n\ndef downgrade():\n    pass\n",
      'needs-decision',
    ],
    [
      'shop/migrations/0002_order_email_idx.py',
      "from django.db import migrations, models\n\nclass Migration(migrations.Migration):\n    operations = [\n        migrations.AddIndex(\n            model_name='order',\n            index=models.Index(fields=['email'], name='orders_email_idx'),\n        ),\n        migrations.AddConstraint(\n            model_name='order',\n            constraint=models.UniqueConstraint(fields=['number'], name='orders_number_key'),\n        ),\n    ]\n",
      'unaffected',
    ],
    [
      'db/migrate/20240101000000_add_email_index.rb',
      'class AddEmailIndex < ActiveRecord::Migration[7.1]\n  def up\n    add_index :orders, :email, name: "index_orders_on_email"\n  end\nend\n',
      'needs-decision',
    ],
    [
      'app/etl.py',
      'orders_amount_index = {"a": 1}\nprint(orders_amount_index)\n',
      'unaffected',
    ],
    [
      'app/ids.js',
      'const orders_email_idx = new Map();\norders_email_idx.set(1, 2);\n',
      'unaffected',
    ],
  ])(
    '%s is not sent to a person for the names it gives',
    (path, content, status) => {
      expect(assess(path, content).message).not.toContain('default name');
      // A migration is judged as for its other statements: create_index and
      // add_index on orders are a migration tool's schema change, and the
      // newest migration may be pending.
      const found = statusOf(files({ [path]: content }), path);
      expect(found.message).not.toContain('default name');
      expect(found.status).toBe(status);
    },
  );

  it('a Flyway migration defining an index is judged as its other statements are', () => {
    const found = assess(
      'db/migration/V7__index.sql',
      'CREATE INDEX orders_email_idx ON orders (email);\n',
    );
    // CREATE INDEX on the dataset needs a table; its own name is no use of one.
    expect(found.message).not.toContain('orders_email_idx');
  });

  it('a down part naming them still goes to a person, its up part defining them does not', () => {
    // The newest migration: a rollback of one step runs its down part.
    const all = files({
      'db/migrations/000006_note.up.sql':
        'ALTER TABLE orders ADD COLUMN note text;\n',
      'db/migrations/000007_email_idx.up.sql':
        'CREATE INDEX orders_email_idx ON orders (email);\n',
      'db/migrations/000007_email_idx.down.sql':
        'DROP INDEX orders_email_idx;\n',
    });
    const down = statusOf(all, 'db/migrations/000007_email_idx.down.sql');
    expect(down.status).toBe('needs-decision');
    expect(down.message).toContain('down part');
    expect(down.message).toContain('orders_email_idx');
    const up = statusOf(all, 'db/migrations/000007_email_idx.up.sql');
    expect(up.message).not.toContain('default name');
    // Alembic: the downgrade drops it by name, the upgrade makes it.
    const alembic = 'alembic/versions/abc123_email_index.py';
    const both = statusOf(
      files({
        [alembic]:
          "revision = 'abc123'\ndown_revision = 'prev'\n\ndef upgrade():\n    op.create_index('ix_orders_email', 'orders', ['email'])\n\ndef downgrade():\n    op.drop_index('ix_orders_email', table_name='orders')\n",
      }),
      alembic,
    );
    expect(both.status).toBe('needs-decision');
    expect(both.message).toContain('down part');
    const upOnly = statusOf(
      files({
        [alembic]:
          "revision = 'abc123'\ndown_revision = 'prev'\n\ndef upgrade():\n    op.create_index('ix_orders_email', 'orders', ['email'])\n\ndef downgrade():\n    pass\n",
      }),
      alembic,
    );
    expect(upOnly.message).not.toContain('down part');
    expect(upOnly.message).not.toContain('default name');
  });

  it('a migration using a name, maybe pending, still goes to a person; one defining it does not', () => {
    const all = files({
      'db/migration/V8__reseed.sql':
        "SELECT setval('orders_id_seq', (SELECT max(id) FROM orders));\n",
    });
    expect(statusOf(all, 'db/migration/V8__reseed.sql').status).toBe(
      'needs-decision',
    );
    const defined = files({
      'db/migration/V8__seq.sql':
        'CREATE SEQUENCE IF NOT EXISTS orders_number_seq;\nSELECT 1 FROM orders;\n',
    });
    expect(statusOf(defined, 'db/migration/V8__seq.sql').status).toBe(
      'unaffected',
    );
  });

  it('counts a name in code only in a string or as a symbol', () => {
    expect(
      assess(
        'app/ids.py',
        'orders_email_idx = 1\nq = "REINDEX INDEX orders_email_idx"\n',
      ).lines,
    ).toEqual([2]);
    expect(
      assess(
        'lib/migrate.rb',
        'execute <<~SQL\n  REINDEX INDEX orders_email_idx\nSQL\n',
      ).status,
    ).toBe('needs-decision');
    expect(
      assess('a.rb', 'x = 1 # orders_pkey\ny = :orders_number_key\n').lines,
    ).toEqual([2]);
    expect(
      assess('a.js', 'const o = {k:orders_number_key};\nf(orders_pkey);\n')
        .status,
    ).toBe('unaffected');
  });
});

describe('names that are not the dataset’s objects', () => {
  it.each([
    [
      'another table’s key',
      'maint.sql',
      'ALTER INDEX orders_archive_pkey SET (fillfactor = 90);',
    ],
    [
      'another table’s sequence',
      'q.sql',
      "SELECT currval('orders_archive_id_seq');",
    ],
    ['no field of the dataset', 'q.sql', "SELECT currval('orders_line_seq');"],
    [
      'another schema’s index',
      'maint.sql',
      'REINDEX INDEX archive.orders_pkey;',
    ],
    [
      'another quoted schema’s constraint',
      'errors.py',
      `if name == '"archive"."orders_email_key"':\n    pass\n`,
    ],
    [
      'the versioned objects',
      'errors.go',
      `if pgErr.ConstraintName == "orders_v2_pkey" || pgErr.ConstraintName == "orders_number_key_v2" {\n`,
    ],
    [
      'a longer name',
      'errors.go',
      `if c == "big_orders_pkey" || c == "orders_pkey_old" {\n`,
    ],
    [
      'Rails’ index of another table',
      'a.rb',
      `e.message.include?("index_orders_archive_on_email")\n`,
    ],
    [
      'documentation',
      'README.md',
      "Run `SELECT setval('orders_id_seq', 1)` and `REINDEX INDEX orders_pkey`.\n",
    ],
    [
      'a comment',
      'q.sql',
      '-- was orders_pkey, see orders_id_seq\nSELECT 1;\n',
    ],
    [
      'lastval()',
      'q.sql',
      "INSERT INTO orders (number) VALUES ('A1');\nSELECT lastval();\n",
    ],
    [
      'an Ecto schema of another table',
      'lib/shop/customer.ex',
      `schema "customers" do\n  field :email, :string\nend\n|> unique_constraint(:email)\n`,
    ],
    [
      'an Ecto constraint given its name',
      'lib/shop/order.ex',
      `schema "orders" do\nend\n|> unique_constraint(:email, name: :orders_email_uniq)\n`,
    ],
    [
      'a schema dump’s own table',
      'db/structure.sql',
      'CREATE TABLE public.orders (id bigint NOT NULL);\nALTER TABLE ONLY public.orders ADD CONSTRAINT orders_pkey PRIMARY KEY (id);',
    ],
    [
      'a session’s own temporary table',
      'load.py',
      'cur.execute("CREATE TEMP TABLE orders (id serial PRIMARY KEY)")\ncur.execute("SELECT currval(\'orders_id_seq\')")\n',
    ],
    [
      'SQLAlchemy’s index of another table',
      'm.py',
      `name = "ix_orders_archive_email"\n`,
    ],
  ])('%s is not one', (_, path, content) => {
    expect(assess(path, content).status).toBe('unaffected');
  });

  it('reads a hostile 200 kB line in one pass', () => {
    for (const line of [
      'orders_'.repeat(30_000),
      'orders_id_'.repeat(20_000),
      'x.orders_pkey '.repeat(15_000),
      `${'a'.repeat(200_000)} orders_pkey`,
      `schema "orders" ${'unique_constraint(['.repeat(10_000)}`,
      `"${'orders_pkey '.repeat(15_000)}`,
      `'''${'orders_pkey '.repeat(15_000)}`,
    ])
      expect(assess('hostile.py', line).status).toMatch(
        /^(?:unaffected|needs-decision)$/,
      );
    // A migration's definitions and code's literals are read in one pass too.
    for (const [path, line] of [
      ['db/migration/V9__x.sql', 'drop index orders_pkey '.repeat(9_000)],
      [
        'db/migration/V9__x.sql',
        'create index orders_pkey on orders '.repeat(6_000),
      ],
      ['lib/x.rb', `'${'orders_pkey <<~A '.repeat(12_000)}`],
      ['lib/x.php', `#[${'orders_pkey /* '.repeat(12_000)}`],
      ['lib/x.rb', '<<~A\n'.repeat(40_000)],
    ]) {
      const started = Date.now();
      expect(assess(path, line).status).toMatch(
        /^(?:unaffected|needs-decision)$/,
      );
      expect(Date.now() - started).toBeLessThan(2_000);
    }
  });
});
