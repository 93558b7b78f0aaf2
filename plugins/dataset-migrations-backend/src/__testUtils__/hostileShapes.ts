/**
 * Files crafted to make the consumer agent's rules backtrack: each once made
 * one of them grow with the square of its length (round 38's triage: a
 * keyword, then a long run of blanks or line breaks). Read by
 * `yarn bench:hostile` (how the time grows) and by hostileFiles.test.ts (that
 * the length changes nothing of the outcome).
 */
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';

/** The table they are read against: `public.orders`. */
export const FIELDS = [
  { name: 'id', type: 'integer', nullable: false, primaryKey: true },
  { name: 'customer_id', type: 'integer', nullable: true, primaryKey: false },
  { name: 'amount', type: 'numeric', nullable: true, primaryKey: false },
  { name: 'discount', type: 'numeric', nullable: true, primaryKey: false },
  { name: 'status', type: 'text', nullable: true, primaryKey: false },
];
export const DROP_DISCOUNT = [{ dropField: { name: 'discount' } }];
const DROP_CUSTOMER = [{ dropField: { name: 'customer_id' } }];

const blanks = (n: number) => ' '.repeat(n);
const lines = (n: number) => '\n'.repeat(n);
export const times = (unit: string, n: number) =>
  unit.repeat(Math.max(1, Math.floor(n / unit.length)));
export const file = (path: string, content: string): ChangedFile[] => [
  { path, content },
];

/** Name, the rule it once defeated, the migration, and the file at about n bytes. */
export const HOSTILE_SHAPES: Array<
  [string, string, object[], (n: number) => ChangedFile[]]
> = [
  [
    'heredoc end, blanks in a line',
    'codeQueries',
    DROP_DISCOUNT,
    n =>
      file(
        'app/report.rb',
        `class Report\n  SQL = <<~SQL\n    SELECT id, discount FROM orders\n  SQL\nend\nlabel${blanks(
          n,
        )}value\n`,
      ),
  ],
  [
    'YAML SQL scalar, blanks',
    'codeQueries',
    DROP_DISCOUNT,
    n =>
      file(
        'config/jobs.yml',
        `jobs:\n  - name: nightly\n    sql: SELECT id, discount FROM orders WHERE amount > 1${blanks(
          n,
        )}AND status = 'x'\n`,
      ),
  ],
  [
    'SQL string of blanks',
    'analyzeSql',
    DROP_DISCOUNT,
    n =>
      file(
        'sql/report.sql',
        `SELECT id, discount FROM orders WHERE status <> '${blanks(
          n,
        )}x orders';\n`,
      ),
  ],
  [
    'Rails belongs_to, blanks',
    'derivedColumns',
    DROP_CUSTOMER,
    n =>
      file(
        'app/models/order.rb',
        `class Order < ApplicationRecord\n  belongs_to${blanks(
          n,
        )}x\n  def total = amount\nend\n`,
      ),
  ],
  [
    'Ecto belongs_to, blanks',
    'derivedColumns',
    DROP_CUSTOMER,
    n =>
      file(
        'lib/shop/order.ex',
        `defmodule Shop.Order do\n  use Ecto.Schema\n  schema "orders" do\n    field :amount, :decimal\n    belongs_to${blanks(
          n,
        )}x\n    timestamps()\n  end\nend\n`,
      ),
  ],
  [
    'Ecto schema, blanks',
    'ormClasses',
    DROP_DISCOUNT,
    n =>
      file(
        'lib/shop/order.ex',
        `defmodule Shop.Order do\n  use Ecto.Schema\n  schema${blanks(
          n,
        )}x\n  schema "orders" do\n    field :discount, :decimal\n  end\nend\n`,
      ),
  ],
  [
    'Ecto @schema_prefix, blanks',
    'objectNames',
    DROP_DISCOUNT,
    n =>
      file(
        'lib/shop/order.ex',
        `defmodule Shop.Order do\n  use Ecto.Schema\n  @schema_prefix${blanks(
          n,
        )}-\n  schema "orders" do\n    field :discount, :decimal\n  end\nend\n`,
      ),
  ],
  [
    'SQLAlchemy __tablename__, blanks',
    'ormClasses',
    DROP_DISCOUNT,
    n =>
      file(
        'app/models.py',
        `class Order(Base):\n    __tablename__${blanks(
          n,
        )}x\n    discount = Column(Numeric)\nq = "select discount from orders"\n`,
      ),
  ],
  [
    'Laravel use, blanks',
    'derivedColumns',
    DROP_CUSTOMER,
    n =>
      file(
        'app/Models/Order.php',
        `<?php\nclass Order extends Model\n{\n    use${blanks(
          n,
        )}X;\n    protected $fillable = ["amount"];\n}\n`,
      ),
  ],
  [
    'Django fields, CR line ends',
    'derivedColumns',
    DROP_CUSTOMER,
    n =>
      file(
        'shop/models.py',
        `from django.db import models\n\nclass Order(models.Model):\n    customer = models.ForeignKey(Customer, on_delete=models.CASCADE)\n    class Meta:\n        db_table = "orders"\n${times(
          '    note: str\r',
          n,
        )}\n    total = 1\n`,
      ),
  ],
  [
    'Alembic down_revision, CR line ends',
    'migrationHistory',
    DROP_DISCOUNT,
    n =>
      file(
        'alembic/versions/abc_orders.py',
        `"""orders"""\nrevision = "abc"\n${times(
          'down_revision: str\r',
          n,
        )}\ndown_revision = "x"\nop.execute("update orders set amount = 0")\n`,
      ),
  ],
  [
    'knex down, async lines',
    'migrationHistory',
    DROP_DISCOUNT,
    n =>
      file(
        'migrations/20240101_orders.js',
        `exports.up = knex => knex.raw('alter table orders drop column discount');\n${times(
          '\tasync\n',
          n,
        )}x\n`,
      ),
  ],
  [
    'Liquibase <rollback unclosed',
    'migrationHistory',
    DROP_DISCOUNT,
    n =>
      file(
        'db/changelog/orders.xml',
        `<databaseChangeLog>\n<changeSet id="1" author="a">\n<sql>update orders set discount = 0</sql>\n${times(
          '<rollback ',
          n,
        )}\n</changeSet>\n</databaseChangeLog>\n`,
      ),
  ],
  [
    'Liquibase rollback:, line breaks',
    'migrationHistory',
    DROP_DISCOUNT,
    n =>
      file(
        'db/changelog/orders.yaml',
        `databaseChangeLog:\n  - changeSet:\n      id: 1\n      author: a\n      changes:\n        - sql: update orders set discount = 0\n      rollback:${times(
          '\n ',
          n,
        )}x\n`,
      ),
  ],
  [
    'dbt snapshot relation:, line breaks',
    'wholeRows',
    DROP_DISCOUNT,
    n => [
      {
        path: 'dbt_project.yml',
        content: "name: shop\nversion: '1.0'\nmodel-paths: ['models']\n",
      },
      {
        path: 'models/sources.yml',
        content:
          'version: 2\nsources:\n  - name: public\n    tables:\n      - name: orders\n',
      },
      {
        path: 'snapshots/orders.yml',
        content: `snapshots:\n  - name: orders_snapshot\n    relation:${lines(
          n,
        )}x\n  - name: s2\n    relation: source('public', 'orders')\n`,
      },
    ],
  ],
  [
    'R tbl(, blanks',
    'wholeRows',
    DROP_DISCOUNT,
    n =>
      file(
        'R/orders.R',
        `x <- tbl(con, in_schema("public", "orders"))\ny <- tbl(${blanks(
          n,
        )}con)\n`,
      ),
  ],
  [
    'R in_schema(, one long word',
    'wholeRows',
    DROP_DISCOUNT,
    n =>
      file(
        'R/orders.R',
        `x <- tbl(con, in_schema(${'0'.repeat(n)}, "orders"))\n`,
      ),
  ],
  [
    'Airflow sql=, blanks',
    'tableStatements',
    DROP_DISCOUNT,
    n =>
      file(
        'dags/orders.py',
        `op = PostgresOperator(task_id="x", sql="select discount from orders")\nsql=${blanks(
          n,
        )}x\n`,
      ),
  ],
  [
    'Python class( unclosed',
    'tableStatements',
    DROP_DISCOUNT,
    n =>
      file(
        'app/models.py',
        `class Order(Base):\n    __tablename__ = "orders"\n    discount = Column(Numeric)\n${times(
          'class s(\n',
          n,
        )}`,
      ),
  ],
  [
    'Prisma model { unclosed',
    'tableStatements',
    DROP_DISCOUNT,
    n =>
      file(
        'prisma/schema.prisma',
        `model Order {\n  id Int @id\n  discount Decimal\n  @@map("orders")\n}\n${times(
          'model d {\n',
          n,
        )}`,
      ),
  ],
  [
    'REFERENCES orders, blanks',
    'tableStatements',
    DROP_DISCOUNT,
    n =>
      file(
        'etl/ddl.py',
        `cur.execute("SELECT discount FROM orders")\nddl = "customer_id int REFERENCES orders${blanks(
          n,
        )}x"\n`,
      ),
  ],
  [
    'Debezium table list, commas',
    'tableStatements',
    DROP_DISCOUNT,
    n =>
      file(
        'connect/orders.properties',
        `connector.class=io.debezium.connector.postgresql.PostgresConnector\ntable.include.list=public.orders${times(
          ', ',
          n,
        )}x\ncolumn.include.list=public.orders.discount\n`,
      ),
  ],
  [
    'TypeScript export lines',
    'ormClasses',
    DROP_DISCOUNT,
    n =>
      file(
        'src/orders.ts',
        `export class Order extends Model {}\nconst q = 'select amount, discount from orders';\n${times(
          'export\n',
          n,
        )}x\n`,
      ),
  ],
  [
    'RETURNING in a string',
    'codeQueries',
    [{ addField: { name: 'note', type: 'text' } }],
    n =>
      file(
        'etl/ins.py',
        `cur.execute("INSERT INTO orders (id, amount) VALUES (1, 2) RETURNING id, '${times(
          'returning x ',
          n,
        )}'")\n`,
      ),
  ],
  [
    'Ecto @timestamps_opts[',
    'derivedColumns',
    DROP_CUSTOMER,
    n =>
      file(
        'lib/shop/order.ex',
        `defmodule Shop.Order do\n  use Ecto.Schema\n  schema "orders" do\n    field :amount, :decimal\n    timestamps()\n  end\n${times(
          '  @timestamps_opts[',
          n,
        )}\nend\n`,
      ),
  ],
  [
    'Laravel function( unclosed',
    'derivedColumns',
    DROP_CUSTOMER,
    n =>
      file(
        'app/Models/Order.php',
        `<?php\nclass Order extends Model\n{\n    protected $fillable = ["amount"];\n${times(
          '    function i(\n',
          n,
        )}}\n`,
      ),
  ],
];
