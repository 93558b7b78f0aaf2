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
 * `@order.discount` in its views, controllers and templates. Until 2026-12-08
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
  vue: {
    'api/models/order.js':
      "class Order extends Model {\n  static table = 'orders'\n}\nmodule.exports = Order\n",
    'web/src/OrderCard.vue':
      '<template>\n  <p>Saved: {{ order.discount }}</p>\n</template>\n',
  },
};
/** What names the word but reads no model's field, and is left alone. */
const notReads: Record<string, string> = {
  'app/views/orders/help.html.erb':
    '<p>A discount is taken off the total.</p>\n',
  'config/locales/en.yml': 'en:\n  discount: "Discount"\n',
  'README.md': 'Shows `@order.discount` on the order page.\n',
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
        const model = Object.keys(readers[name])[0];
        for (const path of Object.keys(readers[name]).slice(1)) {
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
      [
        'api/models/order.js',
        'web/src/OrderCard.vue',
        'app/views/orders/help.html.erb',
        'config/locales/en.yml',
      ].sort(),
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
