import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { DatasetField } from '@dataset-migrations/plugin-dataset-migrations-common';
import { createRepository } from '../__testUtils__/gitRepos';
import { LocalGitRepositoryReader } from './repositories/LocalGitRepositoryReader';
import { LocalRepositoryRoots } from './repositories/LocalRepositoryRoots';
import { assessConsumer } from './impact';
import { consumerMapping } from './sql/fieldMapping';
import { loadSqlParser } from '../sql/sqlParser';

/**
 * Active Record and Eloquent take a model's attributes from the table's
 * columns: `class Order < ApplicationRecord` names none, and the app reads
 * `@order.discount` in its views, controllers and templates. Until 2026-12-07
 * such an app was said unaffected by a dropped `discount`, counted as moved,
 * and broke at contract; templates were not even read.
 */
const fields: DatasetField[] = [
  { name: 'id', type: 'integer', nullable: false, primaryKey: true },
  { name: 'customer', type: 'text', nullable: false, primaryKey: false },
  { name: 'discount', type: 'integer', nullable: false, primaryKey: false },
];
const orders = {
  schema: 'public',
  table: 'orders',
  fields: fields.map(f => f.name),
};
const dropDiscount = consumerMapping(fields, [
  { dropField: { name: 'discount' } },
]);
const renameDiscount = consumerMapping(fields, [
  { renameField: { from: 'discount', to: 'discount_cents' } },
]);
const widenDiscount = consumerMapping(fields, [
  { changeType: { field: 'discount', type: 'bigint' } },
]);
const renameCustomer = consumerMapping(fields, [
  { renameField: { from: 'customer', to: 'buyer' } },
]);

const readers: Record<string, Record<string, string>> = {
  rails: {
    'app/models/order.rb':
      'class Order < ApplicationRecord\n  self.primary_key = "id"\n  belongs_to :user\nend\n',
    'app/views/orders/show.html.erb': '<p>Saved: <%= @order.discount %></p>\n',
    'app/views/orders/show.json.jbuilder':
      'json.extract! @order, :id, :discount\n',
    'app/controllers/orders_controller.rb':
      'class OrdersController < ApplicationController\n  def total\n    current_order.discount * 2\n  end\nend\n',
  },
  laravel: {
    'app/Models/Order.php':
      "<?php\nnamespace App\\Models;\n\nclass Order extends Model\n{\n    protected $fillable = ['customer'];\n}\n",
    'resources/views/orders/show.blade.php':
      '<p>Saved: {{ $order->discount }}</p>\n',
  },
  django: {
    'shop/models.py':
      'from django.db import models\n\nclass Order(models.Model):\n    customer = models.TextField()\n\n    class Meta:\n        db_table = "orders"\n        managed = False\n',
    'shop/templates/shop/order.html': '<p>Saved: {{ order.discount }}</p>\n',
  },
  // Found by a cold review: Active Record's attribute methods and finders,
  // and a destructured key.
  railsMethods: {
    'app/models/order.rb':
      'class Order < ApplicationRecord\n  self.primary_key = "id"\nend\n',
    'app/services/k.rb': 'Order.find_by_discount(0)\n',
    'app/models/concerns/hook.rb':
      'module Hook\n  def log\n    audit if discount_changed?\n  end\nend\n',
    'app/services/h.rb': 'raw = o.discount_before_type_cast\n',
    'app/javascript/row.jsx': 'const { id, discount } = order;\n',
    'app/services/w.rb': 'scope.where(discount: 0).to_a\n',
  },
  // Found by a probe (round 36b): models under a base of the repository's own.
  railsAbstract: {
    'app/models/entity.rb':
      'class Entity < ApplicationRecord\n  self.abstract_class = true\nend\n',
    'app/models/order.rb': 'class Order < Entity\nend\n',
    'app/views/orders/show.html.erb': '<p><%= @order.discount %></p>\n',
  },
  laravelChain: {
    'app/Models/Entity.php':
      '<?php\nnamespace App\\Models;\n\nabstract class Entity extends Model\n{\n}\n',
    'app/Models/BookChild.php':
      '<?php\nnamespace App\\Models;\n\nabstract class BookChild extends Entity\n{\n}\n',
    'app/Models/Order.php':
      '<?php\nnamespace App\\Models;\n\nclass Order extends BookChild\n{\n}\n',
    'resources/views/orders/show.blade.php': '{{ $order->discount }}\n',
  },
  // A probe (round 37): linkwarden read a dropped field only through another
  // model's relation (`include: { links: { omit: { textContent: true } } }`).
  prisma: {
    'prisma/schema.prisma':
      'model Collection {\n  id    Int     @id\n  items Order[]\n}\n\nmodel Order {\n  id           Int        @id\n  customer     String\n  collection   Collection @relation(fields: [collectionId], references: [id])\n  collectionId Int\n  @@map("orders")\n}\n',
    'src/export.ts':
      'export const exportData = (id: number) =>\n  prisma.collection.findMany({\n    where: { id },\n    include: { items: { select: { id: true, discount: true } } },\n  });\n',
    'src/omit.ts':
      'export const q = (id: number) =>\n  prisma.user.findUnique({\n    where: { id },\n    include: {\n      collections: {\n        include: {\n          items: {\n            omit: { discount: true },\n          },\n        },\n      },\n    },\n  });\n',
  },
  vue: {
    'api/models/order.js':
      "class Order extends Model {\n  static table = 'orders'\n}\nmodule.exports = Order\n",
    'web/src/OrderCard.vue':
      '<template>\n  <p>Saved: {{ order.discount }}</p>\n</template>\n',
  },
};
/** The model's file in each app, and the files of it and its bases. */
const MODEL_FILE =
  /^(?:app\/models\/order\.rb|app\/Models\/Order\.php|shop\/models\.py|api\/models\/order\.js|prisma\/schema\.prisma)$/;
const BASE_OR_MODEL_FILE =
  /^(?:app\/models\/[a-z_]+\.rb|app\/Models\/\w+\.php|shop\/models\.py|api\/models\/order\.js|prisma\/schema\.prisma)$/;

/** What names the word but reads no model's field, and is left alone. */
const notReads: Record<string, string> = {
  'app/views/orders/help.html.erb':
    '<p>A discount is taken off the total.</p>\n',
  'config/locales/en.yml': 'en:\n  discount: "Discount"\n',
  'public/help.html': '<p>The discount shows on the order page.</p>\n',
  // Braces that destructure nothing (a second review's).
  'app/javascript/badge.jsx':
    'export const Badge = () => <span>{discount}</span>;\nimport { discount } from "./fmt";\n',
  // Another model's instance, and a key of no query (a cold review's).
  'app/models/user.rb': 'class User < ApplicationRecord\nend\n',
  'app/views/users/show.html.erb': '<p><%= @user.discount %></p>\n',
  'web/src/coupon.ts':
    'export const coupon = { code: "X", discount: 10 };\nrender(json, { status: 422, discount: 1 });\n',
};

describe('code reading a changed field through a model an ORM maps by convention', () => {
  let work: string;
  const urls: Record<string, string> = {};
  const read = async (name: string) =>
    (
      await new LocalGitRepositoryReader(new LocalRepositoryRoots([work])).read(
        urls[name],
      )
    ).files;

  beforeAll(async () => {
    await loadSqlParser();
    work = mkdtempSync(join(tmpdir(), 'dsm-model-reads-'));
    for (const [name, files] of Object.entries(readers))
      urls[name] = pathToFileURL(
        createRepository(join(work, name), { ...files, ...notReads }),
      ).href;
    urls.noModel = pathToFileURL(
      createRepository(join(work, 'no-model'), {
        'app/views/carts/show.html.erb': '<p><%= @cart.discount %></p>\n',
        'app/models/cart.rb': 'class Cart < ApplicationRecord\nend\n',
      }),
    ).href;
  });
  afterAll(() => rmSync(work, { recursive: true, force: true }));

  it.each(Object.keys(readers))(
    '%s: each file reading it goes to a person, and the consumer is not said unaffected',
    async name => {
      const files = await read(name);
      for (const mapping of [dropDiscount, renameDiscount]) {
        const { impact, results } = assessConsumer(files, orders, mapping);
        expect(impact.status).toBe('needs-decision');
        const paths = Object.keys(readers[name]);
        const model = paths.find(p => MODEL_FILE.test(p))!;
        for (const path of paths.filter(p => !BASE_OR_MODEL_FILE.test(p))) {
          const result = results.find(r => r.path === path);
          expect(result?.status).toBe('needs-decision');
          expect(result?.impact.fields).toEqual(['discount']);
          expect(result?.impact.problem?.message).toContain(
            `${model} maps the model Order to orders`,
          );
        }
        for (const path of Object.keys(notReads))
          expect(
            results.find(r => r.path === path)?.status ?? 'unaffected',
          ).toBe('unaffected');
      }
    },
  );

  it('leaves them alone where the migration keeps what they read', async () => {
    // (Laravel's model names `customer` in its $fillable, and goes to a person.)
    for (const name of ['rails', 'vue']) {
      const { impact } = assessConsumer(
        await read(name),
        orders,
        renameCustomer,
      );
      expect(impact.status).toBe('unaffected');
    }
  });

  it('reads an integer widened as it was in Ruby, not in JavaScript (node-postgres returns a bigint as a string)', async () => {
    expect(
      assessConsumer(await read('rails'), orders, widenDiscount).impact.status,
    ).toBe('unaffected');
    const { results } = assessConsumer(
      await read('vue'),
      orders,
      widenDiscount,
    );
    expect(results.find(r => r.path === 'web/src/OrderCard.vue')?.status).toBe(
      'needs-decision',
    );
  });

  it('still reads an integer narrowed, in Ruby too', async () => {
    const narrow = consumerMapping(fields, [
      { changeType: { field: 'discount', type: 'smallint' } },
    ]);
    expect(
      assessConsumer(await read('rails'), orders, narrow).impact.status,
    ).toBe('needs-decision');
  });

  it("reads an instance named as another model where ours ends with that model's name", () => {
    const { results } = assessConsumer(
      [
        {
          path: 'app/models/item.rb',
          content: 'class Item < ApplicationRecord\nend\n',
        },
        {
          path: 'app/models/order_item.rb',
          content: 'class OrderItem < ApplicationRecord\nend\n',
        },
        {
          path: 'app/views/shared/_row.html.erb',
          content: '<%= item.discount %>\n',
        },
      ],
      { ...orders, table: 'order_items' },
      dropDiscount,
    );
    expect(
      results.find(r => r.path === 'app/views/shared/_row.html.erb')?.status,
    ).toBe('needs-decision');
  });

  it('leaves them alone where no model of the dataset is declared', async () => {
    const { impact, results } = assessConsumer(
      await read('noModel'),
      orders,
      dropDiscount,
    );
    expect(impact.status).toBe('unaffected');
    expect(results.filter(r => r.status !== 'unaffected')).toEqual([]);
  });

  it('reads templates and views in the repository', async () => {
    const paths = (await read('vue')).map(f => f.path).sort();
    expect(paths).toEqual(
      [...Object.keys(readers.vue), ...Object.keys(notReads)].sort(),
    );
    expect((await read('django')).map(f => f.path)).toContain(
      'shop/templates/shop/order.html',
    );
  });
});

describe("MyBatis Generator's criteria class of the dataset", () => {
  // Its strings are SQL the mapper splices in (`${criterion.condition}`): a
  // probe of a real shop (round 36) found it missing from the files listed.
  const mapper = `<mapper namespace="shop.mapper.OrderMapper">
  <sql id="Example_Where_Clause">
    <where><foreach collection="oredCriteria" item="criteria">
      <foreach collection="criteria.criteria" item="criterion">
        <when test="criterion.singleValue">and \${criterion.condition} #{criterion.value}</when>
      </foreach>
    </foreach></where>
  </sql>
  <select id="selectByExample" parameterType="shop.model.OrderExample" resultType="shop.model.Order">
    select id, customer from orders <include refid="Example_Where_Clause" />
  </select>
</mapper>
`;
  const example = `package shop.model;

public class OrderExample {
    public Criteria andDiscountEqualTo(Integer value) {
        addCriterion("discount =", value, "discount");
        return (Criteria) this;
    }
}
`;
  it('goes to a person where it names a changed field, and not otherwise', () => {
    const files = [
      {
        path: 'src/main/resources/shop/mapper/OrderMapper.xml',
        content: mapper,
      },
      { path: 'src/main/java/shop/model/OrderExample.java', content: example },
    ];
    const changed = assessConsumer(files, orders, dropDiscount).results.find(
      r => r.path === files[1].path,
    );
    expect(changed?.status).toBe('needs-decision');
    expect(changed?.impact.fields).toEqual(['discount']);
    expect(
      assessConsumer(files, orders, renameCustomer).results.find(
        r => r.path === files[1].path,
      )?.status ?? 'unaffected',
    ).toBe('unaffected');
  });
});

describe('a Django model over an abstract model of its own, named in words', () => {
  const orderItem = {
    schema: 'public',
    table: 'shop_orderitem',
    fields: fields.map(f => f.name),
  };
  const base =
    'from django.db import models\n\nclass BaseModel(models.Model):\n    created = models.DateTimeField()\n\n    class Meta:\n        abstract = True\n';
  const files = (model: string) => [
    { path: 'core/models.py', content: base },
    { path: 'shop/models.py', content: model },
    { path: 'shop/templates/shop/item.html', content: '{{ item.discount }}\n' },
  ];
  it('has its template sent to a person', () => {
    const { results } = assessConsumer(
      files(
        'from core.models import BaseModel\n\nclass OrderItem(BaseModel):\n    customer = models.TextField()\n',
      ),
      orderItem,
      dropDiscount,
    );
    expect(
      results.find(r => r.path === 'shop/templates/shop/item.html')?.status,
    ).toBe('needs-decision');
  });
  it("not where the class is pydantic's", () => {
    const { results } = assessConsumer(
      [
        files('')[2],
        {
          path: 'api/schemas.py',
          content:
            'from pydantic import BaseModel\n\nclass OrderItem(BaseModel):\n    customer: str\n',
        },
      ],
      orderItem,
      dropDiscount,
    );
    expect(
      results.find(r => r.path === 'shop/templates/shop/item.html')?.status ??
        'unaffected',
    ).toBe('unaffected');
  });
});
