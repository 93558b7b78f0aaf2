import type { DatasetField } from '@dataset-migrations/plugin-dataset-migrations-common';
import { datasetTarget } from './datasetTarget';
import { consumerMapping } from './fieldMapping';
import { rewriteSqlFile } from './rewriteSql';
import { loadSqlParser } from '../../sql/sqlParser';
import { assessConsumer } from '../impact';

/*
 * Round 31b: a query an ORM or query builder builds, grouped by the dataset's
 * primary key and reading its other columns (`SELECT orders.*, count(notes.id)
 * … GROUP BY orders.id`), returns rows on the table and, run on PostgreSQL 18
 * through the view the dataset's name becomes at the first cut-over, fails
 * ("column "orders.customer" must appear in the GROUP BY clause"), under any
 * migration. No SQL in the file shows it: it was called unaffected.
 */
const source: DatasetField[] = [
  { name: 'id', type: 'bigint', nullable: false, primaryKey: true },
  { name: 'customer', type: 'text', nullable: false, primaryKey: false },
  { name: 'status', type: 'text', nullable: false, primaryKey: false },
];
const keyed = datasetTarget('orders', source);
/** No field changes: the name still becomes a view at cut-over. */
const none = consumerMapping(source, []);
const assess = (path: string, content: string, target = keyed) => {
  const result = rewriteSqlFile({ path, content }, target, none);
  return {
    status: result.status,
    lines: result.impact.lines,
    message: result.impact.problem?.message ?? '',
  };
};

beforeAll(() => loadSqlParser());

const DJANGO_MODEL =
  "from django.db import models\nfrom django.db.models import Count\n\nclass Order(models.Model):\n    status = models.TextField()\n\n    class Meta:\n        db_table = 'orders'\n\n";
const SQLALCHEMY_MODEL =
  "class Order(Base):\n    __tablename__ = 'orders'\n    id = Column(BigInteger, primary_key=True)\n\n";

describe('a grouped query an ORM or query builder builds on the dataset', () => {
  /** The verdict, lines and reason, beside what a person is to be told. */
  const verdict = (path: string, content: string, target = keyed) => {
    const result = assess(path, content, target);
    return {
      content,
      status: result.status,
      lines: result.lines,
      reason:
        /through the view the grouped query an ORM[^;]*?after contract/.exec(
          result.message,
        )?.[0],
    };
  };
  const toPerson = (content: string, line: number) => ({
    content,
    status: 'needs-decision',
    lines: [line],
    reason: `through the view the grouped query an ORM or query builder builds (line ${line}) may fail on columns it reads through the primary key ("must appear in the GROUP BY clause"): group by every selected column, or read it after contract`,
  });

  it.each([
    [
      'report.rb',
      "rows = Order.left_joins(:notes)\n  .group(:id)\n  .select('orders.*, COUNT(notes.id) AS notes_count')",
      2,
    ],
    [
      'report.rb',
      "busy = Order.joins(:notes).group('orders.id').having('COUNT(notes.id) > 3')",
      1,
    ],
  ])('Rails: %s', (path, content, line) =>
    expect(verdict(path, content)).toEqual(toPerson(content, line)),
  );

  it.each([
    // Any aggregate annotation groups by the key alone on PostgreSQL.
    [
      'report.py',
      `${DJANGO_MODEL}rows = Order.objects.annotate(n=Count('notes'))`,
      10,
    ],
    [
      'report.py',
      `${DJANGO_MODEL}qs = Order.objects.filter(status='paid')\nrows = qs.annotate(n=Count('notes')).order_by('-n')`,
      11,
    ],
    // `.values()` holding the key groups by the key alone too.
    [
      'report.py',
      `${DJANGO_MODEL}rows = Order.objects.values('id', 'status').annotate(n=Count('notes'))`,
      10,
    ],
  ])('Django: %s', (path, content, line) =>
    expect(verdict(path, content)).toEqual(toPerson(content, line)),
  );

  it('Django, the model named by its default table (`<app>_<model>`)', () => {
    const content =
      "from shop.models import Order\nfrom django.db.models import Count\n\ndef report():\n    return (Order.objects\n        .filter(status='paid')\n        .annotate(n=Count('notes')))";
    expect(
      verdict('shop/views.py', content, datasetTarget('shop_order', source)),
    ).toEqual(toPerson(content, 7));
  });

  it.each([
    [
      'report.py',
      `${SQLALCHEMY_MODEL}rows = (\n    session.query(Order, func.count(Note.id))\n    .outerjoin(Note, Note.order_id == Order.id)\n    .group_by(Order.id)\n    .all()\n)`,
      8,
    ],
    [
      'report.py',
      `${SQLALCHEMY_MODEL}stmt = select(Order, func.count(Note.id)).join(Note).group_by(Order.id)`,
      5,
    ],
  ])('SQLAlchemy: %s', (path, content, line) =>
    expect(verdict(path, content)).toEqual(toPerson(content, line)),
  );

  it.each([
    [
      'knex',
      "const rows = await knex('orders')\n  .leftJoin('notes', 'notes.order_id', 'orders.id')\n  .select('orders.*')\n  .count('notes.id as n')\n  .groupBy('orders.id');",
      5,
    ],
    [
      'Kysely',
      "const rows = await db\n  .selectFrom('orders')\n  .leftJoin('notes', 'notes.order_id', 'orders.id')\n  .selectAll('orders')\n  .select(eb => eb.fn.count('notes.id').as('n'))\n  .groupBy('orders.id')\n  .execute();",
      6,
    ],
  ])('%s', (_, content, line) =>
    expect(verdict('report.ts', content)).toEqual(toPerson(content, line)),
  );

  it.each([
    'rows = DB[:orders].left_join(:notes, order_id: :id).select_all(:orders).select_append { count(:notes__id) }.group(:orders__id)',
    'rows = DB[:orders].left_join(:notes, order_id: :id).select_all(:orders).group(Sequel[:orders][:id]).all',
  ])('Sequel: %s', content =>
    expect(verdict('report.rb', content)).toEqual(toPerson(content, 1)),
  );
});

describe('a grouped query Sequel, Laravel, Drizzle, Django’s alias() or Ecto builds on the dataset', () => {
  // Each reads the dataset's other columns through its key; each was called
  // unaffected (a probe of round 31c).
  const verdict = (path: string, content: string) => {
    const { status, lines } = assess(path, content);
    return { content, status, lines };
  };
  it.each([
    [
      'Sequel, DB[:orders]',
      'report.rb',
      'rows = DB[:orders].group(:id).select_append { count(:id).as(:n) }.all',
      1,
    ],
    [
      'Sequel, DB.from(:orders).group_and_count',
      'report.rb',
      'rows = DB.from(:orders).group_and_count(:id).select_append(:customer).all',
      1,
    ],
    [
      'Laravel’s query builder',
      'app/Reports.php',
      "<?php\n$rows = DB::table('orders')\n    ->leftJoin('notes', 'notes.order_id', '=', 'orders.id')\n    ->select('orders.*', DB::raw('count(notes.id) as n'))\n    ->groupBy('orders.id')\n    ->get();",
      5,
    ],
    [
      'Eloquent, the model named by convention',
      'app/Reports.php',
      "<?php\n$rows = Order::groupBy('id')->selectRaw('orders.*, count(*) as n')->get();",
      2,
    ],
    [
      'Eloquent, the model mapped by $table',
      'app/Reports.php',
      "<?php\nclass Purchase extends Model\n{\n    protected $table = 'orders';\n}\n\n$rows = Purchase::query()\n    ->withCount('notes')\n    ->groupBy('id')\n    ->get();",
      9,
    ],
    [
      'Drizzle',
      'src/report.ts',
      "import { orders, notes } from './schema';\n\nconst rows = await db\n  .select({ order: orders, n: count(notes.id) })\n  .from(orders)\n  .leftJoin(notes, eq(notes.orderId, orders.id))\n  .groupBy(orders.id);",
      7,
    ],
    [
      'Django’s alias()',
      'report.py',
      `${DJANGO_MODEL}rows = Order.objects.alias(n=Count('notes')).filter(n__gt=3)`,
      10,
    ],
    [
      'Ecto’s keyword query',
      'lib/report.ex',
      'query =\n  from o in Order,\n    left_join: n in assoc(o, :notes),\n    group_by: o.id,\n    select: {o, count(n.id)}',
      4,
    ],
    [
      'Ecto’s keyword query of the table',
      'lib/report.ex',
      'query = from o in "orders", group_by: o.id, select: %{id: o.id, customer: o.customer}',
      1,
    ],
    [
      'Ecto’s piped query',
      'lib/report.ex',
      'Order\n|> join(:left, [o], n in assoc(o, :notes))\n|> group_by([o], o.id)\n|> select([o, n], {o, count(n.id)})\n|> Repo.all()',
      3,
    ],
  ])('%s', (_, path, content, line) =>
    expect(verdict(path, content)).toEqual({
      content,
      status: 'needs-decision',
      lines: [line],
    }),
  );

  // Each beside the query on the dataset it differs from.
  it.each([
    [
      'Sequel, grouped by another column, the key known',
      'report.rb',
      'rows = DB[:orders].group(:status).select_append { count(:id).as(:n) }.all',
      ':status',
      ':id',
    ],
    [
      'Laravel, another table',
      'app/Reports.php',
      "<?php\n$rows = DB::table('customers')->select('customers.*')->groupBy('id')->get();",
      'customers',
      'orders',
    ],
    [
      'Eloquent, another model',
      'app/Reports.php',
      "<?php\n$rows = Customer::groupBy('id')->selectRaw('customers.*, count(*) as n')->get();",
      'Customer::',
      'Order::',
    ],
    [
      'Drizzle, another table',
      'src/report.ts',
      'const rows = await db.select().from(customers).groupBy(customers.id);',
      'customers',
      'orders',
    ],
    [
      'Django’s alias() of another model',
      'report.py',
      `${DJANGO_MODEL}rows = Customer.objects.alias(n=Count('order')).filter(n__gt=3)`,
      'Customer.',
      'Order.',
    ],
    [
      'Ecto, grouped by a joined binding’s key',
      'lib/report.ex',
      'query = from o in Order, join: n in assoc(o, :notes), group_by: n.id, select: {n, count(o.id)}',
      'group_by: n.id',
      'group_by: o.id',
    ],
  ])('not %s', (_, path, content, from, to) => {
    expect({ content, status: assess(path, content).status }).toEqual({
      content,
      status: 'unaffected',
    });
    const dataset = content.replaceAll(from, to);
    expect({ dataset, status: assess(path, dataset).status }).toEqual({
      dataset,
      status: 'needs-decision',
    });
  });
});

describe('a grouped query an ORM builds that reads nothing through the dataset’s key', () => {
  // Each beside the query on the dataset it differs from, which goes to a person.
  const status = (path: string, content: string) =>
    assess(path, content).status;
  it.each([
    [
      'another model grouped (Rails)',
      'report.rb',
      "Customer.joins(:orders).group(:id).select('customers.*, COUNT(orders.id) AS n')",
      "Order.joins(:customer).group(:id).select('orders.*, COUNT(customers.id) AS n')",
    ],
    [
      'another model annotated (Django)',
      'report.py',
      `${DJANGO_MODEL}rows = Customer.objects.annotate(n=Count('order'))`,
      `${DJANGO_MODEL}rows = Order.objects.annotate(n=Count('notes'))`,
    ],
    [
      'another model grouped (SQLAlchemy)',
      'report.py',
      `${SQLALCHEMY_MODEL}rows = session.query(Customer, func.count(Order.id)).join(Order).group_by(Customer.id).all()`,
      `${SQLALCHEMY_MODEL}rows = session.query(Order, func.count(Note.id)).join(Note).group_by(Order.id).all()`,
    ],
    [
      'another table grouped (knex)',
      'report.ts',
      "knex('customers').join('orders', 'orders.customer', 'customers.name').select('customers.*').count('orders.id').groupBy('customers.id')",
      "knex('orders').join('customers', 'orders.customer', 'customers.name').select('orders.*').count('customers.id').groupBy('orders.id')",
    ],
    [
      'grouped by `.values()` of other columns (Django)',
      'report.py',
      `${DJANGO_MODEL}rows = Order.objects.values('status').annotate(n=Count('id'))`,
      `${DJANGO_MODEL}rows = Order.objects.values('id').annotate(n=Count('notes'))`,
    ],
    [
      'annotated with no aggregate (Django)',
      'report.py',
      `${DJANGO_MODEL}rows = Order.objects.annotate(label=F('status'))`,
      `${DJANGO_MODEL}rows = Order.objects.annotate(n=Max('notes__at'))`,
    ],
    [
      'grouped by another column, the key known (Rails)',
      'report.rb',
      'counts = Order.group(:status).count',
      'counts = Order.group(:status, :id).count',
    ],
  ])('%s', (_, path, unaffected, dataset) => {
    expect({ unaffected, status: status(path, unaffected) }).toEqual({
      unaffected,
      status: 'unaffected',
    });
    expect({ dataset, status: status(path, dataset) }).toEqual({
      dataset,
      status: 'needs-decision',
    });
  });
});

describe('a grouped query an ORM builds, qualified by an alias', () => {
  it.each([
    "const rows = await getRepository(Order)\n  .createQueryBuilder('o')\n  .leftJoin('o.notes', 'n')\n  .addSelect('COUNT(n.id)', 'n')\n  .groupBy('o.id')\n  .getRawMany();",
    "const rows = await knex({ o: 'orders' }).select('o.*').count('n.id').leftJoin('notes as n', 'n.order_id', 'o.id').groupBy('o.id');",
  ])('%s', content => {
    expect(assess('report.ts', content).status).toBe('needs-decision');
    // Grouped by the joined relation's column, it reads nothing through the key.
    expect(
      assess(
        'report.ts',
        content.replace(".groupBy('o.id')", ".groupBy('n.id')"),
      ).status,
    ).toBe('unaffected');
  });
});

describe('a grouped query Sequelize builds from its options', () => {
  it('grouped by the key: to a person; by another model’s key: unaffected', () => {
    const content =
      "const rows = await Order.findAll({\n  attributes: { include: [[fn('COUNT', col('notes.id')), 'n']] },\n  include: [{ model: Note, attributes: [] }],\n  group: ['Order.id'],\n});";
    expect(assess('report.ts', content)).toEqual({
      status: 'needs-decision',
      lines: [4],
      message: expect.stringContaining(
        'through the view the grouped query an ORM or query builder builds (line 4) may fail',
      ),
    });
    expect(
      assess(
        'report.ts',
        content
          .replace('Order.findAll', 'Customer.findAll')
          .replace("'Order.id'", "'Customer.id'"),
      ).status,
    ).toBe('unaffected');
    // A record's value of a column named `group` is no query's option.
    expect(
      assess(
        'report.ts',
        "await Order.create({ id: 7, group: 'id' });",
        datasetTarget('orders', [
          ...source,
          { name: 'group', type: 'text', nullable: true, primaryKey: false },
        ]),
      ).status,
    ).toBe('unaffected');
  });
});

describe('the classes a grouped ORM query is of (found by a review)', () => {
  it('follows a class another file maps to the dataset', () => {
    const { impact } = assessConsumer(
      [
        {
          path: 'shop/models.py',
          content:
            "class Purchase(models.Model):\n    status = models.TextField()\n\n    class Meta:\n        db_table = 'orders'\n",
        },
        {
          path: 'shop/views.py',
          content:
            "from django.db.models import Count\nfrom .models import Purchase\n\n\ndef report():\n    return Purchase.objects.annotate(n=Count('notes'))\n",
        },
      ],
      keyed,
      none,
    );
    const views = impact.files.find(f => f.path === 'shop/views.py');
    expect(views?.status).toBe('needs-decision');
    expect(views?.lines).toEqual([6]);
    expect(views?.problem?.message).toMatch(
      /Purchase, which shop\/models\.py maps to orders.*grouped query an ORM/,
    );
  });

  it('does not take a class the file maps to another table for the dataset’s by its name', () => {
    expect(
      assess(
        'jobs/archive.py',
        "class Order(Base):\n    __tablename__ = 'archived_orders'\n\n\nrows = session.query(Order, func.count(Note.id)).group_by(Order.id).all()\nprint(len(rows), 'orders')\n",
      ).status,
    ).toBe('unaffected');
  });
});
