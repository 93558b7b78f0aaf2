import type {
  DatasetField,
  FieldChange,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { consumerMapping } from './fieldMapping';
import { rewriteSqlFile } from './rewriteSql';
import { loadSqlParser } from '../../sql/sqlParser';
import { libraryWholeRows } from './wholeRows';
import { assessConsumer } from '../impact';

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
const qtyToInteger = mapped({ changeType: { field: 'qty', type: 'integer' } });
const renamed = mapped({
  renameField: { from: 'amount', to: 'amount_cents' },
});
const dropped = mapped({ dropField: { name: 'customer' } });

const status = (
  path: string,
  content: string,
  mapping = toNumeric,
  on = target,
) => rewriteSqlFile({ path, content }, on, mapping);

beforeAll(() => loadSqlParser());

/** Whole-table reads through libraries' own APIs (round 29, W4). */
const LIBRARY_READS: Array<[string, string]> = [
  [
    'app/controllers/orders_controller.rb',
    "class Order < ApplicationRecord\n  self.table_name = 'raw.orders'\nend\n\nclass OrdersController < ApplicationController\n  def show\n    render json: Order.find(params[:id])\n  end\nend\n",
  ],
  [
    'app/models/order_report.rb',
    "class Order < ApplicationRecord\n  self.table_name = 'raw.orders'\nend\nOrder.where(status: 'paid').each { |o| puts o.attributes.values.join(',') }\n",
  ],
  [
    'app/models/order_columns.rb',
    "class Order < ApplicationRecord\n  self.table_name = 'raw.orders'\n  def self.header\n    column_names.join(',')\n  end\nend\n",
  ],
  [
    'app/models/order_csv.rb',
    "class Order < ActiveRecord::Base\n  self.table_name = 'raw.orders'\n  def to_csv_row\n    attributes.values.join(',')\n  end\nend\n",
  ],
  [
    'reports/orders.R',
    "orders <- tbl(con, in_schema('raw', 'orders')) %>% collect()\n",
  ],
  [
    'reports/orders2.R',
    "orders <- dbReadTable(con, Id(schema = 'raw', table = 'orders'))\n",
  ],
  [
    'reports/orders3.R',
    'orders <- tbl(con, dbplyr::in_schema("raw", "orders")) |> collect()\n',
  ],
  ['reports/orders4.R', 'orders <- tbl(con, I("raw.orders")) |> collect()\n'],
  [
    'src/orders.js',
    "const rows = await knex.withSchema('raw').from('orders').where('id', id);\n",
  ],
  [
    'src/orders2.js',
    "const rows = await knex.select().from('orders').where('id', id);\n",
  ],
  [
    'src/orders3.ts',
    "const rows = await knex<Order>('orders').where('id', id).first();\n",
  ],
  ['app/orders.rb', 'rows = DB.from(:orders).where(id: id).all\n'],
  [
    'shop/export.py',
    'class Order(models.Model):\n    class Meta:\n        db_table = \'"raw"."orders"\'\n        managed = False\n\ndef export():\n    return list(Order.objects.values())\n',
  ],
  [
    'jobs/orders.py',
    "class Order(Base):\n    __tablename__ = 'orders'\n    __table_args__ = {'schema': 'raw'}\n    id = Column(Integer, primary_key=True)\n\nrows = session.query(Order).all()\n",
  ],
  [
    'src/orders.sequelize.js',
    "const Order = sequelize.define('Order', {}, {\n  tableName: 'orders',\n  schema: 'raw',\n});\napp.get('/o', async (req, res) => res.json(await Order.findAll()));\n",
  ],
  [
    'src/order.entity.ts',
    "@Entity({ name: 'orders', schema: 'raw' })\nexport class Order {}\nconst rows = await dataSource.getRepository(Order).find();\n",
  ],
  [
    'orders.go',
    'type Order struct{}\nfunc (Order) TableName() string { return "raw.orders" }\nvar os []Order\ndb.Find(&os)\n',
  ],
  [
    'app/order_model.rb',
    'class Order < Sequel::Model(:orders); end\nOrder.all.map(&:values)\n',
  ],
  ['app/orders4.rb', 'DB[:raw__orders].all\n'],
  [
    'src/orders4.js',
    "const rows = await knex.from('raw.orders').where({ id });\n",
  ],
  [
    'reports/orders5.R',
    'orders <- tbl(con, Id("raw", "orders")) |> collect()\n',
  ],
  ['app/orders2.rb', 'rows = DB[Sequel[:raw][:orders]].all\n'],
  ['app/orders3.rb', 'rows = DB.from(Sequel.qualify(:raw, :orders)).all\n'],
];

describe('whole rows read through an ORM or query builder in the same file (round 29, W4)', () => {
  it.each(LIBRARY_READS)(
    '%s goes to a person under a rename, a drop and a widening to numeric',
    (path, content) => {
      for (const mapping of [renamed, dropped, toNumeric]) {
        const result = status(path, content, mapping);
        // R's frames carry every column on, the new name too from the
        // cut-over: a person decides before the data moves
        // (growingRowsInCode.test.ts); ORMs and query builders read by name.
        expect({ path, status: result.status }).toEqual({
          path,
          status:
            path.endsWith('.R') && mapping === renamed
              ? 'needs-decision'
              : 'unparseable',
        });
        expect(result.impact.problem?.message).toMatch(/whole rows/);
      }
    },
  );

  it('leaves the same reads alone when the migration changes nothing they get', () => {
    for (const [path, content] of LIBRARY_READS)
      expect({
        path,
        status: status(path, content, qtyToInteger).status,
      }).toEqual({ path, status: 'unaffected' });
  });

  it('does not flag another table or another schema', () => {
    for (const [path, content] of [
      [
        'app/models/archive.rb',
        "class OrderArchive < ApplicationRecord\n  self.table_name = 'raw.orders_archive'\nend\nrender json: OrderArchive.find(1)\n",
      ],
      [
        'app/models/staged.rb',
        "class StagedOrder < ApplicationRecord\n  self.table_name = 'staging.orders'\nend\nrender json: StagedOrder.find(1)\n",
      ],
      [
        'reports/staged.R',
        "orders <- tbl(con, in_schema('staging', 'orders')) %>% collect()\n",
      ],
      [
        'reports/staged2.R',
        "orders <- dbReadTable(con, Id(schema = 'staging', table = 'orders'))\n",
      ],
      [
        'src/staged.js',
        "const rows = await knex.withSchema('staging').from('orders');\n",
      ],
      ['src/archive.js', "const rows = await knex.from('orders_archive');\n"],
      [
        'src/columns.js',
        "const rows = await knex.withSchema('raw').from('orders').select('id', 'customer');\n",
      ],
      ['app/staged.rb', 'rows = DB[Sequel[:staging][:orders]].all\n'],
      ['src/staged2.js', "const rows = await knex.from('staging.orders');\n"],
      ['src/some.js', "const rows = await knex.select('id').from('orders');\n"],
      ['app/archive.rb', 'rows = DB.from(:orders_archive).all\n'],
      [
        'app/models/order.rb',
        "class Order < ApplicationRecord\n  self.table_name = 'raw.orders'\nend\n",
      ],
    ])
      expect({ path, status: status(path, content, renamed).status }).toEqual({
        path,
        status: 'unaffected',
      });
  });
});

describe('a model of the table used in another file (round 29, W4)', () => {
  const controller = (model: string) => ({
    path: `app/controllers/${model.toLowerCase()}s_controller.rb`,
    content: `class ${model}sController < ApplicationController\n  def show\n    render json: ${model}.find(params[:id])\n  end\nend\n`,
  });

  it('asks about code using a class another file maps to the table', () => {
    const model = {
      path: 'app/models/purchase.rb',
      content:
        "class Purchase < ApplicationRecord\n  self.table_name = 'raw.orders'\nend\n",
    };
    for (const mapping of [renamed, dropped, toNumeric]) {
      const assessed = assessConsumer(
        [model, controller('Purchase')],
        target,
        mapping,
      );
      expect(assessed.impact.status).not.toBe('unaffected');
      expect(
        assessed.impact.files.find(f => f.path.includes('controller'))?.problem
          ?.message,
      ).toMatch(/whole rows \(Purchase, which another file maps to orders\)/);
    }
    // A class mapped to another schema's table links as before, but reads
    // none of the dataset's rows.
    const staged = {
      path: 'app/models/purchase.rb',
      content:
        "class Purchase < ApplicationRecord\n  self.table_name = 'staging.orders'\nend\n",
    };
    expect(
      assessConsumer([staged, controller('Purchase')], target, renamed).impact
        .status,
    ).toBe('unaffected');
  });

  it("asks about Ruby querying the table's Active Record model by its conventional name", () => {
    const model = {
      path: 'app/models/order.rb',
      content: 'class Order < ApplicationRecord\nend\n',
    };
    for (const mapping of [renamed, dropped, toNumeric]) {
      const result = status(
        controller('Order').path,
        controller('Order').content,
        mapping,
      );
      expect(result.status).toBe('unparseable');
      expect(result.impact.problem?.message).toContain(
        'Order, which Active Record maps to orders by its name',
      );
      expect(
        assessConsumer([model, controller('Order')], target, mapping).impact
          .status,
      ).toBe('unparseable');
    }
    // The model alone reads nothing; nor does a migration changing nothing read.
    expect(status(model.path, model.content, renamed).status).toBe(
      'unaffected',
    );
    expect(
      status(
        controller('Order').path,
        controller('Order').content,
        qtyToInteger,
      ).status,
    ).toBe('unaffected');
  });
});

/**
 * Models an ORM maps to the table by its name alone, which a probe found
 * missed: Eloquent's `class Order extends Model` with no `$table`, CakePHP's
 * `OrdersTable`, and tables whose plural is irregular (`people` for `Person`).
 * Each file serialises whole rows, whose keys a rename or a drop changes.
 */
describe('a model the table is mapped to by convention', () => {
  const on = (table: string) => ({ ...target, schema: 'public', table });
  /** The verdict of a file under a rename and a drop (the same for both). */
  const verdicts = (path: string, content: string, table = 'orders') =>
    [renamed, dropped].map(mapping => {
      const result = status(path, content, mapping, on(table));
      return {
        status: result.status,
        whole: /whole rows/.test(result.impact.problem?.message ?? ''),
      };
    });
  const asked = [
    { status: 'unparseable', whole: true },
    { status: 'unparseable', whole: true },
  ];
  const left = [
    { status: 'unaffected', whole: false },
    { status: 'unaffected', whole: false },
  ];
  const laravel = (body: string, model = 'Order') =>
    `<?php\n\nnamespace App\\Http\\Controllers;\n\nuse App\\Models\\${model};\n\nclass ${model}Controller extends Controller\n{\n    public function index($id)\n    {\n        ${body}\n    }\n}\n`;

  it.each([
    'return Order::all();',
    'return Order::findOrFail($id);',
    'return Order::query()->latest()->paginate(50);',
    "return Order::where('status', 'open')->get()->toArray();",
    'return response()->json(Order::find($id));',
    'return \\App\\Models\\Order::open()->get();',
  ])('asks about Eloquent’s Order, mapped to orders by its name: %s', body => {
    expect(
      verdicts('app/Http/Controllers/OrderController.php', laravel(body)),
    ).toEqual(asked);
    // Another model, or the model mapped to another table in the file.
    expect(
      verdicts(
        'app/Http/Controllers/OrderController.php',
        laravel(body.replace(/Order::/, 'OrderArchive::')),
      ),
    ).toEqual(left);
    expect(
      verdicts(
        'app/Http/Controllers/OrderController.php',
        `<?php\nclass Order extends Model\n{\n    protected $table = 'order_archives';\n}\n\nfunction index($id)\n{\n    ${body}\n}\n`,
      ),
    ).toEqual(left);
  });

  it('asks about Eloquent’s Order bound to a route’s parameter', () => {
    const show = (model: string) =>
      `<?php\n\nnamespace App\\Http\\Controllers;\n\nuse App\\Models\\${model};\n\nclass OrderController extends Controller\n{\n    public function show(${model} $order)\n    {\n        return $order;\n    }\n}\n`;
    const path = 'app/Http/Controllers/OrderController.php';
    expect(verdicts(path, show('Order'))).toEqual(asked);
    expect(verdicts(path, show('OrderArchive'))).toEqual(left);
  });

  it('asks about a model of several words, and not a call reading no row', () => {
    const path = 'app/Http/Controllers/OrderItemController.php';
    expect(
      verdicts(
        path,
        laravel('return OrderItem::all();', 'OrderItem'),
        'order_items',
      ),
    ).toEqual(asked);
    expect(
      verdicts(
        path,
        laravel('return OrderItem::all();', 'OrderItem'),
        'order_item_archives',
      ),
    ).toEqual(left);
    expect(verdicts(path, laravel('return ["n" => Order::count()];'))).toEqual(
      left,
    );
  });

  it.each([
    [
      'a controller’s table',
      "public function index()\n    {\n        $orders = $this->Orders->find()->all();\n        $this->set(compact('orders'));\n    }",
    ],
    [
      'a fetched table',
      "public function index()\n    {\n        return json_encode($this->fetchTable('Orders')->find()->toArray());\n    }",
    ],
    [
      'the table class itself',
      "public function recent()\n    {\n        return $this->find()->orderDesc('id')->toArray();\n    }",
    ],
  ])(
    'asks about CakePHP’s OrdersTable, mapped to orders by its name: %s',
    (_, body) => {
      const file = (alias: string) =>
        `<?php\nnamespace App\\Controller;\n\nclass ${alias}${
          body.includes('$this->find')
            ? 'Table extends Table'
            : 'Controller extends AppController'
        }\n{\n    ${body.replace(/Orders/g, alias)}\n}\n`;
      expect(
        verdicts('src/Controller/OrdersController.php', file('Orders')),
      ).toEqual(asked);
      expect(
        verdicts('src/Controller/OrdersController.php', file('OrderArchives')),
      ).toEqual(left);
    },
  );

  it('asks about a CakePHP table class mapped to the table by setTable, read by its alias', () => {
    const table = (name: string) =>
      `<?php\nnamespace App\\Model\\Table;\n\nuse Cake\\ORM\\Table;\n\nclass PurchasesTable extends Table\n{\n    public function initialize(array $config): void\n    {\n        $this->setTable('${name}');\n    }\n\n    public function recent()\n    {\n        return $this->find()->orderDesc('id')->toArray();\n    }\n}\n`;
    const controllers = [
      "<?php\nclass PurchasesController extends AppController\n{\n    public function index()\n    {\n        $purchases = $this->Purchases->find()->all();\n        $this->set(compact('purchases'));\n    }\n}\n",
      "<?php\nclass ReportsController extends AppController\n{\n    public function index()\n    {\n        echo json_encode($this->fetchTable('Purchases')->find()->toArray());\n    }\n}\n",
    ];
    expect(
      verdicts('src/Model/Table/PurchasesTable.php', table('orders')),
    ).toEqual(asked);
    expect(
      verdicts('src/Model/Table/PurchasesTable.php', table('order_archives')),
    ).toEqual(left);
    for (const content of controllers)
      for (const [name, toPerson] of [
        ['orders', true],
        ['order_archives', false],
        ['staging.orders', false],
      ] as const)
        for (const mapping of [renamed, dropped]) {
          const assessed = assessConsumer(
            [
              {
                path: 'src/Model/Table/PurchasesTable.php',
                content: table(name),
              },
              { path: 'src/Controller/PurchasesController.php', content },
            ],
            on('orders'),
            mapping,
          );
          const controller = assessed.impact.files.find(f =>
            f.path.includes('Controller'),
          );
          expect({
            content,
            name,
            toPerson: (controller?.status ?? 'unaffected') !== 'unaffected',
            byAlias:
              /whole rows \(Purchases, which another file maps to orders\)/.test(
                controller?.problem?.message ?? '',
              ),
          }).toEqual({ content, name, toPerson, byAlias: toPerson });
        }
  });

  it.each([
    ['people', 'Person'],
    ['men', 'Man'],
    ['children', 'Child'],
    ['movies', 'Movie'],
    ['statuses', 'Status'],
    ['analyses', 'Analysis'],
    ['leaves', 'Leaf'],
    ['leaves', 'Leave'],
    ['series', 'Series'],
    ['indices', 'Index'],
    ['aliases', 'Alias'],
    ['quizzes', 'Quiz'],
    ['matrices', 'Matrix'],
    ['mice', 'Mouse'],
    ['oxen', 'Ox'],
    ['news', 'News'],
    ['data', 'Datum'],
    ['media', 'Medium'],
    ['buses', 'Bus'],
    ['addresses', 'Address'],
    ['boxes', 'Box'],
    ['wives', 'Wife'],
    ['knives', 'Knife'],
    ['halves', 'Half'],
    ['heroes', 'Hero'],
    ['equipment', 'Equipment'],
    ['information', 'Information'],
    ['sheep', 'Sheep'],
    ['fish', 'Fish'],
    ['species', 'Species'],
    ['sales_people', 'SalesPerson'],
  ])('asks about the model of %s by its irregular name, %s', (table, model) => {
    const rails = (name: string) =>
      `class ${name}Controller < ApplicationController\n  def show\n    render json: ${name}.find(params[:id])\n  end\nend\n`;
    const php = (name: string) =>
      laravel(`return ${name}::findOrFail($id);`, name);
    for (const [path, file] of [
      ['app/controllers/records_controller.rb', rails],
      ['app/Http/Controllers/RecordController.php', php],
    ] as const) {
      expect({ model, path, v: verdicts(path, file(model), table) }).toEqual({
        model,
        path,
        v: asked,
      });
      // Another table's model.
      expect({
        model,
        path,
        v: verdicts(path, file(`${model}Archive`), table),
      }).toEqual({ model, path, v: left });
      expect({
        model,
        path,
        v: verdicts(path, file(model), `${table}_archives`),
      }).toEqual({ model, path, v: left });
    }
  });
});

/**
 * Hostile files of one 200 kB line: each use of a class, and each knex chain,
 * once read the rest of the line (seconds per file). Not timed: the same
 * reads on such a line, with the line's mapping or the chain's schema at its
 * far end, still decide as on a short line.
 */
describe('one long line of uses (read in linear time)', () => {
  const model =
    "class Order < ApplicationRecord\n  self.table_name = 'raw.orders'\nend\n";
  const line = (text: string) => text.repeat(Math.ceil(200_000 / text.length));

  it('finds a mapped class used thousands of times on one line, unless the line maps it', () => {
    for (const use of ['insert(Order)', 'select(Order)', 'Order.objects '])
      expect(libraryWholeRows(`${model}${line(use)}\n`, target)).toEqual({
        what: ['Order, which the file maps to orders'],
        lines: [4],
      });
    expect(
      libraryWholeRows(
        `${model}${line('insert(Order)')}'raw.orders'\n`,
        target,
      ),
    ).toEqual({ what: [], lines: [] });
    expect(libraryWholeRows(line('insert(Order)'), target, ['Order'])).toEqual({
      what: ['Order, which another file maps to orders'],
      lines: [1],
    });
  });

  it("reads each knex chain's schema up to the line's one `;`", () => {
    const chains = line(".from('orders').where('id', id)");
    for (const [end, lines] of [
      ['', [1]],
      [';', [1]],
      [".withSchema('raw');", [1]],
      [".withSchema('staging');", []],
      [";\nknex.withSchema('staging');", [1]],
    ] as Array<[string, number[]]>)
      expect({
        end,
        lines: libraryWholeRows(chains + end, target).lines,
      }).toEqual({ end, lines });
  });
});
