import {
  agentRefusal,
  type DatasetField,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { assessConsumer } from '../impact';
import { consumerMapping } from './fieldMapping';
import { dbtProjectOf } from './dbtProject';
import { renamedRelation } from './datasetTarget';
import { loadSqlParser } from '../../sql/sqlParser';

// The dataset public.orders renames amount to amount_cents; the consumer is a dbt
// project with a model of its own also called orders.
const fields: DatasetField[] = [
  { name: 'order_id', type: 'bigint', nullable: false, primaryKey: true },
  { name: 'amount', type: 'integer', nullable: true, primaryKey: false },
];
const target = {
  schema: 'public',
  table: 'orders',
  fields: ['order_id', 'amount'],
};
const mapping = consumerMapping(fields, [
  { renameField: { from: 'amount', to: 'amount_cents' } },
]);
const sources = (schema: string, identifier?: string) => ({
  path: 'models/sources.yml',
  content: `version: 2
sources:
  - name: shop
    schema: ${schema}
    tables:
      - name: orders${identifier ? `\n        identifier: ${identifier}` : ''}
`,
});
const stagingModel = {
  path: 'models/orders.sql',
  content: "select order_id, amount from {{ source('shop', 'orders') }}\n",
};
const report = {
  path: 'models/reports/revenue.sql',
  content: "select sum(amount) as revenue from {{ ref('orders') }}\n",
};
const statusOf = (result: ReturnType<typeof assessConsumer>, path: string) =>
  result.results.find(r => r.path === path)?.status;

beforeAll(() => loadSqlParser());

describe('a consumer’s own dbt project decides what ref() and source() name', () => {
  it('takes ref() of the project’s own model for that model, not the dataset', () => {
    const result = assessConsumer(
      [sources('public'), stagingModel, report],
      target,
      mapping,
    );
    // The staging model reads the dataset and keeps its output names...
    expect(statusOf(result, 'models/orders.sql')).toBe('rewritten');
    expect(
      result.results.find(r => r.path === 'models/orders.sql')?.content,
    ).toContain('amount_cents AS amount');
    // ...so the report on top of it reads the model, whose columns did not change.
    expect(statusOf(result, 'models/reports/revenue.sql')).toBe('unaffected');
    // Its files were told apart from packages' (none here): the agent may take it.
    expect(result.impact.dbtPackagesMarked).toBe(true);
    expect(agentRefusal(result.impact)).toBeUndefined();
  });

  it('takes ref() of a name the project has no model for as the dataset still', () => {
    const result = assessConsumer([report], target, mapping);
    expect(statusOf(result, 'models/reports/revenue.sql')).toBe('rewritten');
  });

  it('reads the model ref() names in its two-argument form, ref(package, model)', () => {
    // Sixth adversarial round: `ref('shop', 'orders')` was taken for a model
    // "shop", so a seed read that way was never the dataset (unaffected, and
    // failed on the renamed column), and a model read that way by another
    // passed a widened field on unseen (`total / 4` gave 2.75 where it gave 2).
    const twoArgs = {
      path: 'models/reports/revenue.sql',
      content:
        "select sum(amount) as revenue from {{ ref('shop', 'orders') }}\n",
    };
    expect(
      statusOf(
        assessConsumer([twoArgs], target, mapping),
        'models/reports/revenue.sql',
      ),
    ).toBe('rewritten');
    const widened = consumerMapping(fields, [
      { changeType: { field: 'amount', type: 'numeric' } },
    ]);
    const result = assessConsumer(
      [
        sources('public'),
        stagingModel,
        {
          path: 'models/reports/halves.sql',
          content:
            "select amount / 2 as half from {{ ref('shop', 'orders') }}\n",
        },
      ],
      target,
      widened,
    );
    expect(statusOf(result, 'models/orders.sql')).toBe('needs-decision');
  });

  it('renders a model whose Jinja may read the dataset without naming it', () => {
    // Sixth adversarial round: a model reading the dataset through a var or a
    // macro never names it, so it was never assessed (unaffected, and failed on
    // the renamed column).
    const project = {
      path: 'dbt_project.yml',
      content: 'name: shop\nvars:\n  orders_table: orders\n',
    };
    const macro = {
      path: 'macros/orders_relation.sql',
      content:
        "{% macro orders_relation() %}{{ source('shop', 'orders') }}{% endmacro %}\n",
    };
    const viaVar = {
      path: 'models/via_var.sql',
      content: "select amount from {{ var('orders_table') }}\n",
    };
    const viaMacro = {
      path: 'models/via_macro.sql',
      content: 'select amount from {{ orders_relation() }}\n',
    };
    const elsewhere = {
      path: 'models/elsewhere.sql',
      content: "select amount from {{ var('other_table', 'other') }}\n",
    };
    const result = assessConsumer(
      [project, sources('public'), macro, viaVar, viaMacro, elsewhere],
      target,
      mapping,
    );
    expect(statusOf(result, 'models/via_var.sql')).toBe('needs-decision');
    expect(statusOf(result, 'models/via_macro.sql')).toBe('needs-decision');
    // A model that renders to another relation is no file of the impact.
    expect(statusOf(result, 'models/elsewhere.sql')).toBeUndefined();
    // One that reads it unchanged is, and passes a widened field on as the
    // models naming the dataset do (was unaffected: `amount / 2` downstream
    // gave 2.5 where it gave 2).
    const widened = consumerMapping(fields, [
      { changeType: { field: 'amount', type: 'numeric' } },
    ]);
    const passing = assessConsumer(
      [
        project,
        viaVar,
        {
          path: 'models/halves.sql',
          content: "select amount / 2 as half from {{ ref('via_var') }}\n",
        },
      ],
      target,
      widened,
    );
    expect(statusOf(passing, 'models/via_var.sql')).toBe('needs-decision');
  });

  it('follows a widened field passed from model to model under other model-paths too', () => {
    // Was unaffected: only files under models/ were taken for models there.
    const widened = consumerMapping(fields, [
      { changeType: { field: 'amount', type: 'numeric' } },
    ]);
    const result = assessConsumer(
      [
        {
          path: 'dbt_project.yml',
          content: "name: shop\nmodel-paths: ['transform']\n",
        },
        sources('public'),
        { ...stagingModel, path: 'transform/orders.sql' },
        {
          path: 'transform/halves.sql',
          content: "select amount / 2 as half from {{ ref('orders') }}\n",
        },
      ],
      target,
      widened,
    );
    expect(statusOf(result, 'transform/orders.sql')).toBe('needs-decision');
  });

  it('follows model-paths from dbt_project.yml', () => {
    const result = assessConsumer(
      [
        {
          path: 'dbt_project.yml',
          content: "name: shop\nmodel-paths: ['transform']\n",
        },
        { path: 'transform/orders.sql', content: 'select 1 as amount\n' },
        report,
      ],
      target,
      mapping,
    );
    expect(statusOf(result, 'models/reports/revenue.sql')).toBe('unaffected');
  });

  it('does not take a source in another schema with the same table name for the dataset', () => {
    const result = assessConsumer(
      [sources('staging'), stagingModel],
      target,
      mapping,
    );
    expect(statusOf(result, 'models/orders.sql')).toBe('unaffected');
  });

  it('reads a source’s identifier as the table it names', () => {
    const renamedSource = {
      path: 'models/stg.sql',
      content: "select amount from {{ source('shop', 'raw_orders') }}\n",
    };
    const result = assessConsumer(
      [
        {
          path: 'models/sources.yml',
          content:
            'sources:\n  - name: shop\n    schema: public\n    tables:\n      - name: raw_orders\n        identifier: orders\n',
        },
        renamedSource,
      ],
      target,
      mapping,
    );
    expect(statusOf(result, 'models/stg.sql')).toBe('rewritten');
  });
});

describe('a dbt project’s installed packages', () => {
  const utils = (dir: string) => [
    {
      path: `${dir}/dbt_project.yml`,
      content: "name: 'dbt_utils'\nmacro-paths: ['macros']\n",
    },
    {
      path: `${dir}/macros/sql/star.sql`,
      content: '{% macro star(from) %}*{% endmacro %}',
    },
  ];
  const root = (settings = '') => ({
    path: 'dbt_project.yml',
    content: `name: shop\nvars:\n  x: 1\n${settings}`,
  });
  const rootMacro = {
    path: 'macros/cents.sql',
    content: '{% macro cents(c) %}{{ c }}{% endmacro %}',
  };

  it('finds each under dbt_packages/ by its own name, apart from the project’s macros and vars', () => {
    const project = dbtProjectOf([
      root(),
      rootMacro,
      ...utils('dbt_packages/dbt_utils'),
    ]);
    expect(project.name).toBe('shop');
    expect(project.macros.map(f => f.path)).toEqual(['macros/cents.sql']);
    expect(project.vars).toEqual({ x: 1 });
    expect([...project.packages]).toEqual([
      [
        'dbt_utils',
        {
          dir: 'dbt_packages/dbt_utils/',
          macros: [utils('dbt_packages/dbt_utils')[1]],
        },
      ],
    ]);
  });

  it('follows packages-install-path, and a project elsewhere is no package', () => {
    const custom = dbtProjectOf([
      root("packages-install-path: 'vendor/dbt'\n"),
      ...utils('vendor/dbt/utils_v1'),
      ...utils('dbt_packages/dbt_utils'),
    ]);
    expect([...custom.packages.keys()]).toEqual(['dbt_utils']);
    expect(custom.packages.get('dbt_utils')?.dir).toBe('vendor/dbt/utils_v1/');
    // Not under the install path: a project of its own, whose macros are global.
    expect(custom.macros.map(f => f.path)).toEqual([
      'dbt_packages/dbt_utils/macros/sql/star.sql',
    ]);
  });

  it('normalises packages-install-path, and one outside the repository holds no package in it', () => {
    const pkg = (install: string) =>
      dbtProjectOf([
        {
          path: 'transform/dbt_project.yml',
          content: `name: shop\npackages-install-path: '${install}'\n`,
        },
        ...utils('dbt_packages/dbt_utils'),
      ]).packages.get('dbt_utils')?.dir;
    expect(pkg('../dbt_packages')).toBe('dbt_packages/dbt_utils/');
    expect(pkg('./../dbt_packages/')).toBe('dbt_packages/dbt_utils/');
    expect(pkg('../../dbt_packages')).toBeUndefined();
    expect(pkg('/dbt_packages')).toBeUndefined();
  });

  it('reads the packages packages.yml names and the dispatch search order', () => {
    const project = dbtProjectOf([
      root(
        "dispatch:\n  - macro_namespace: dbt_utils\n    search_order: ['shop', 'dbt_utils']\n",
      ),
      {
        path: 'packages.yml',
        content: [
          'packages:',
          '  - package: dbt-labs/dbt_utils',
          '    version: 1.3.3',
          '  - git: "https://github.com/dbt-labs/dbt-audit-helper.git"',
          '    revision: main',
          '  - local: ../shared_macros/',
        ].join('\n'),
      },
      // A package's own packages.yml declares nothing for the project.
      {
        path: 'dbt_packages/dbt_date/packages.yml',
        content: 'packages:\n  - package: other/thing\n',
      },
      {
        path: 'dbt_packages/dbt_date/dbt_project.yml',
        content: 'name: dbt_date\n',
      },
    ]);
    expect([...project.declaredPackages]).toEqual([
      'dbt_utils',
      'dbt-audit-helper',
      'shared_macros',
    ]);
    expect([...project.dispatch]).toEqual([
      ['dbt_utils', ['shop', 'dbt_utils']],
    ]);
    expect([...project.packages.keys()]).toEqual(['dbt_date']);
  });

  it('leaves a package’s file to a person rather than patch what dbt deps replaces', () => {
    const packaged = {
      path: 'dbt_packages/shop_base/macros/orders_base.sql',
      content:
        '{% macro orders_base() %}select order_id, amount from public.orders{% endmacro %}',
    };
    const own = { path: 'macros/orders_own.sql', content: packaged.content };
    const result = assessConsumer(
      [
        root(),
        {
          path: 'dbt_packages/shop_base/dbt_project.yml',
          content: 'name: shop_base\n',
        },
        packaged,
        own,
      ],
      target,
      mapping,
    );
    // The project's own macro is its code: rewritten.
    expect(statusOf(result, own.path)).toBe('rewritten');
    expect(result.results.find(r => r.path === packaged.path)).toMatchObject({
      status: 'needs-decision',
      content: packaged.content,
      impact: {
        problem: {
          message: expect.stringMatching(
            /belongs to the dbt package shop_base, installed under dbt_packages\/shop_base\//,
          ),
        },
      },
    });
    // What assessing again gives a ledger row recorded before packages were
    // marked: the agent is refused for the package, by name.
    expect(agentRefusal(result.impact)).toMatch(
      /^the coding agent may not patch the installed dbt package shop_base \(dbt_packages\/shop_base\/macros\/orders_base\.sql\)/,
    );
  });

  const pkgProject = {
    path: 'dbt_packages/pkg/dbt_project.yml',
    content: 'name: pkg\n',
  };

  it('leaves a package model to a person when the project installs packages through ../', () => {
    const model = {
      path: 'dbt_packages/pkg/models/p.sql',
      content: 'select order_id, amount from public.orders\n',
    };
    const result = assessConsumer(
      [
        {
          path: 'transform/dbt_project.yml',
          content: "name: shop\npackages-install-path: '../dbt_packages'\n",
        },
        pkgProject,
        model,
      ],
      target,
      mapping,
    );
    expect(result.impact.status).toBe('needs-decision');
    expect(result.results.find(r => r.path === model.path)).toMatchObject({
      status: 'needs-decision',
      content: model.content,
      impact: { dbtPackage: 'pkg' },
    });
  });

  it('leaves a package’s file it cannot read to a person, not to the coding agent', () => {
    const broken = {
      path: 'dbt_packages/pkg/models/broken.sql',
      content: 'select amount from public.orders where\n',
    };
    const result = assessConsumer(
      [root(), pkgProject, broken],
      target,
      mapping,
    );
    expect(result.impact.status).toBe('needs-decision');
    expect(result.results.find(r => r.path === broken.path)).toMatchObject({
      status: 'needs-decision',
      content: broken.content,
      impact: {
        dbtPackage: 'pkg',
        problem: {
          message: expect.stringMatching(
            /^the file belongs to the dbt package pkg, .*\(.+\)$/,
          ),
        },
      },
    });
  });
});

describe('a dbt source whose schema or table Jinja decides (found by the twenty-fourth round)', () => {
  // Fivetran's packages declare `schema: "{{ var('stripe_schema', 'stripe') }}"`:
  // where the run puts it, only its vars, target and environment say. Taken for
  // another table alone, a model reading public.orders through it was called
  // unaffected and failed on the renamed column.
  const jinjaSources = (schema: string, identifier?: string) => ({
    ...sources(schema, identifier),
    path: 'models/sources.yml',
  });
  const widened = consumerMapping(fields, [
    { changeType: { field: 'amount', type: 'numeric' } },
  ]);
  const halves = {
    path: 'models/halves.sql',
    content: "select amount / 2 as half from {{ source('shop', 'orders') }}\n",
  };
  const ids = {
    path: 'models/ids.sql',
    content: "select order_id from {{ source('shop', 'orders') }}\n",
  };

  it('goes to a person where reading it as the dataset would change the model', () => {
    for (const declared of [
      jinjaSources(`"{{ var('shop_schema', 'public') }}"`),
      jinjaSources('"{{ target.schema }}"'),
      jinjaSources('public', `"{{ var('orders_identifier', 'orders') }}"`),
    ]) {
      const renamed = assessConsumer([declared, stagingModel], target, mapping);
      expect(statusOf(renamed, 'models/orders.sql')).toBe('needs-decision');
      expect(
        renamed.results.find(r => r.path === 'models/orders.sql')?.impact
          .problem?.message,
      ).toMatch(/Jinja decides at run time\) may be public\.orders/);
      const divided = assessConsumer([declared, halves, ids], target, widened);
      expect(statusOf(divided, 'models/halves.sql')).toBe('needs-decision');
      // Read as the dataset or not, the same: unaffected.
      expect(statusOf(divided, 'models/ids.sql')).toBe('unaffected');
      // Renamed, the sources file cannot point it at the new table: every
      // model reading it asks.
      const moved = assessConsumer(
        [declared, ids],
        target,
        consumerMapping(fields, [], renamedRelation(target, 'orders_v2')),
      );
      expect(statusOf(moved, 'models/ids.sql')).toBe('needs-decision');
    }
  });

  it('goes to a person where two projects of a monorepo declare the source at different relations', () => {
    // Each project's models read its own declaration; one map of sources kept
    // the last, so a model of the project reading public.orders was called
    // unaffected (or one reading archive.orders rewritten) by the other's.
    const project = (dir: string, schema: string) => [
      { path: `${dir}/dbt_project.yml`, content: `name: ${dir}\n` },
      { ...sources(schema), path: `${dir}/models/sources.yml` },
      { ...stagingModel, path: `${dir}/models/orders.sql` },
    ];
    for (const files of [
      [...project('shop', 'public'), ...project('archive', 'archive')],
      [...project('archive', 'archive'), ...project('shop', 'public')],
    ]) {
      const result = assessConsumer(files, target, mapping);
      expect(statusOf(result, 'shop/models/orders.sql')).toBe('needs-decision');
      expect(statusOf(result, 'archive/models/orders.sql')).toBe(
        'needs-decision',
      );
      expect(
        result.results.find(r => r.path === 'shop/models/orders.sql')?.impact
          .problem?.message,
      ).toMatch(/declared at .*public\.orders.*different files/);
    }
    // Declared alike twice: no doubt.
    const twice = assessConsumer(
      [...project('shop', 'public'), ...project('more', 'public')],
      target,
      mapping,
    );
    expect(statusOf(twice, 'shop/models/orders.sql')).toBe('rewritten');
  });

  it('leaves a source plainly in another schema, or of another table, to what its text says', () => {
    for (const declared of [
      jinjaSources('raw'),
      jinjaSources(`"{{ var('shop_schema', 'public') }}"`, 'orders_archive'),
    ]) {
      const result = assessConsumer([declared, stagingModel], target, mapping);
      expect(result.results.map(r => r.status)).not.toContain('needs-decision');
      expect(result.impact.status).toBe('unaffected');
    }
  });
});

describe('a dbt model whose contract dbt enforces (found by the twenty-fourth round)', () => {
  // dbt refuses to build a model whose SQL returns other types than its
  // contract declares: `amount` widened to bigint, read as it is, was
  // unaffected, and the build failed on `data type mismatch`.
  const widened = consumerMapping(fields, [
    { changeType: { field: 'amount', type: 'bigint' } },
  ]);
  const contract = {
    path: 'models/schema.yml',
    content: `version: 2
models:
  - name: orders
    config:
      contract:
        enforced: true
    columns:
      - name: order_id
        data_type: bigint
      - name: amount
        data_type: integer
`,
  };

  it('goes to a person when the model reads a widened field as it is', () => {
    for (const files of [
      [sources('public'), stagingModel, contract],
      [
        sources('public'),
        {
          ...stagingModel,
          content: `{{ config(materialized='table', contract={'enforced': True}) }}\n${stagingModel.content}`,
        },
      ],
      [
        {
          path: 'dbt_project.yml',
          content:
            'name: shop\nmodels:\n  shop:\n    +contract:\n      enforced: true\n',
        },
        sources('public'),
        stagingModel,
      ],
    ]) {
      const result = assessConsumer(files, target, widened);
      expect(statusOf(result, 'models/orders.sql')).toBe('needs-decision');
      expect(
        result.results.find(r => r.path === 'models/orders.sql')?.impact.problem
          ?.message,
      ).toMatch(/enforces a dbt model contract/);
    }
  });

  it("goes to a person when a yml data test checks a column's type (dbt_expectations)", () => {
    // The model builds; `dbt build` then fails its test naming the old type.
    for (const test of [
      'dbt_expectations.expect_column_values_to_be_of_type:\n            column_type: integer',
      'dbt_expectations.expect_column_values_to_be_in_type_list:\n            column_type_list: [integer, smallint]',
    ]) {
      const tested = {
        path: 'models/schema.yml',
        content: `version: 2
models:
  - name: orders
    columns:
      - name: amount
        data_tests:
          - ${test}
`,
      };
      const result = assessConsumer(
        [sources('public'), stagingModel, tested],
        target,
        widened,
      );
      expect(statusOf(result, 'models/orders.sql')).toBe('needs-decision');
      expect(
        result.results.find(r => r.path === 'models/orders.sql')?.impact.problem
          ?.message,
      ).toMatch(/models\/schema\.yml tests a column's type/);
    }
  });

  it('leaves it as it was without a contract, or where the field is not read', () => {
    expect(
      statusOf(
        assessConsumer([sources('public'), stagingModel], target, widened),
        'models/orders.sql',
      ),
    ).toBe('unaffected');
    const ids = {
      path: 'models/orders.sql',
      content: "select order_id from {{ source('shop', 'orders') }}\n",
    };
    expect(
      statusOf(
        assessConsumer([sources('public'), ids, contract], target, widened),
        'models/orders.sql',
      ),
    ).toBe('unaffected');
  });
});

describe('a dbt model that does not render here', () => {
  const model = (content: string) => ({ path: 'models/top.sql', content });

  it('goes to a person when its Jinja names the dataset or a field the migration changes', () => {
    const result = assessConsumer(
      [
        sources('public'),
        model(
          `{% set top = run_query("select max(amount) from orders") %}\nselect order_id from {{ source('shop', 'orders') }}\n`,
        ),
      ],
      target,
      mapping,
    );
    const top = result.results.find(r => r.path === 'models/top.sql');
    expect(top?.status).toBe('needs-decision');
    expect(top?.impact.problem?.message).toMatch(
      /does not render here .*names "orders", "amount"/,
    );
    expect(top?.impact.fields).toEqual(['amount']);
  });

  it('goes to a person when it is rewritten, or runs a query a macro spells', () => {
    for (const content of [
      // Rewritten from its text (amount AS …), while the query keeps the old name.
      `{% set top = run_query("select max(amount) from orders") %}\nselect order_id, amount from {{ source('shop', 'orders') }}\n`,
      `{% set top = run_query(top_sql()) %}\nselect order_id from {{ source('shop', 'orders') }}\n`,
    ]) {
      const result = assessConsumer(
        [sources('public'), model(content)],
        target,
        mapping,
      );
      expect(statusOf(result, 'models/top.sql')).toBe('needs-decision');
    }
  });

  it('keeps what its text says when its Jinja names neither and runs no query', () => {
    const result = assessConsumer(
      [
        sources('public'),
        model(
          `{% set label = not_installed.label() %}\nselect order_id from {{ source('shop', 'orders') }}\n`,
        ),
      ],
      target,
      mapping,
    );
    expect(statusOf(result, 'models/top.sql')).toBe('unaffected');
  });
});

describe('a dbt model handing the dataset to Jinja (fourteenth round)', () => {
  const model = (content: string, path = 'models/top.sql') => ({
    path,
    content,
  });
  const renamed = consumerMapping(
    fields,
    [],
    renamedRelation(target, 'orders_v2'),
  );
  const added = consumerMapping(fields, [
    { addField: { name: 'channel', type: 'text', default: "'web'" } },
  ]);
  const project = { path: 'dbt_project.yml', content: 'name: shop\n' };

  it('goes to a person when a macro it cannot render is given the dataset’s relation (dbt_utils.star)', () => {
    const star = model(
      "select {{ not_installed.star(from=source('shop', 'orders'), except=['note']) }}\nfrom {{ source('shop', 'orders') }}\n",
    );
    for (const m of [mapping, added, renamed]) {
      const result = assessConsumer([sources('public'), star], target, m);
      expect(statusOf(result, 'models/top.sql')).toBe('needs-decision');
      expect(
        result.results.find(r => r.path === 'models/top.sql')?.impact.problem
          ?.message,
      ).toMatch(/hands public\.orders to a macro/);
    }
  });

  it('goes to a person when the dataset is renamed and the model returns its relation as text', () => {
    for (const content of [
      `select '{{ source("shop", "orders") }}' as loaded_from, count(*) as n\nfrom {{ source('shop', 'orders') }}\n`,
      "select '{{ source('shop', 'orders').identifier }}' as t, order_id\nfrom {{ source('shop', 'orders') }}\n",
    ]) {
      const result = assessConsumer(
        [sources('public'), model(content)],
        target,
        renamed,
      );
      expect(statusOf(result, 'models/top.sql')).toBe('needs-decision');
      expect(statusOf(result, 'models/sources.yml')).toBe('rewritten');
    }
  });

  it('leaves a rendered model to the rewritten sources file when the dataset is renamed', () => {
    const looped = model(
      "{% set cols = ['order_id', 'amount'] %}\nselect {{ cols | join(', ') }}\nfrom {{ source('shop', 'orders') }}\n",
    );
    const viaMacro = model(
      'select order_id from {{ orders_rel() }}\n',
      'models/via_macro.sql',
    );
    const macro = {
      path: 'macros/rel.sql',
      content:
        "{% macro orders_rel() %}{{ source('shop', 'orders') }}{% endmacro %}\n",
    };
    const result = assessConsumer(
      [project, sources('public'), looped, viaMacro, macro],
      target,
      renamed,
    );
    expect(statusOf(result, 'models/top.sql')).toBe('unaffected');
    expect(statusOf(result, 'models/via_macro.sql')).toBe('unaffected');
    expect(statusOf(result, 'models/sources.yml')).toBe('rewritten');
  });

  it('still sends it to a person when a macro spells the table or renders the relation into a string', () => {
    for (const body of [
      "{% if target.name == 'prod' %}public.orders{% else %}{{ source('shop', 'orders') }}{% endif %}",
      "{{ source('shop', 'orders') }} where '{{ source('shop', 'orders') }}' <> ''",
    ]) {
      const result = assessConsumer(
        [
          project,
          sources('public'),
          model('select order_id from {{ orders_rel() }}\n'),
          {
            path: 'macros/rel.sql',
            content: `{% macro orders_rel() %}${body}{% endmacro %}\n`,
          },
        ],
        target,
        renamed,
      );
      expect(statusOf(result, 'models/top.sql')).toBe('needs-decision');
    }
  });
});

describe('dbt relations and SQL beside a model’s own (found by the twenty-sixth round)', () => {
  const shopFields: DatasetField[] = [
    { name: 'id', type: 'integer', nullable: false, primaryKey: true },
    { name: 'qty', type: 'integer', nullable: true, primaryKey: false },
    {
      name: 'amount_cents',
      type: 'integer',
      nullable: true,
      primaryKey: false,
    },
    { name: 'status', type: 'text', nullable: true, primaryKey: false },
  ];
  const shop = {
    schema: 'raw',
    table: 'orders',
    fields: shopFields.map(f => f.name),
  };
  const shopSources = {
    path: 'models/sources.yml',
    content:
      'version: 2\nsources:\n  - name: shop\n    schema: raw\n    tables:\n      - name: orders\n',
  };
  const dbtProject = {
    path: 'dbt_project.yml',
    content: "name: 'p'\nconfig-version: 2\nmodel-paths: ['models']\n",
  };
  const renameQty = consumerMapping(shopFields, [
    { renameField: { from: 'qty', to: 'quantity' } },
  ]);
  const widenAmount = consumerMapping(shopFields, [
    { changeType: { field: 'amount_cents', type: 'numeric' } },
  ]);
  const assess = (
    files: Array<{ path: string; content: string }>,
    changes = widenAmount,
  ) => assessConsumer([dbtProject, shopSources, ...files], shop, changes);
  const mart = {
    path: 'models/marts/dollars.sql',
    content: '',
  };

  it.each([
    [
      'pre_hook',
      `{{ config(pre_hook="update raw.orders set status = lower(status) where qty > 0") }}`,
    ],
    [
      'post_hook list',
      `{{ config(materialized='table', post_hook=['analyze raw.orders (qty)']) }}`,
    ],
    [
      'sql_header',
      `{{ config(sql_header="create temp table big as select id from raw.orders where qty > 5;") }}`,
    ],
  ])(
    'sends a model to a person when SQL its config() hands dbt (%s) reads a changed field',
    (_, config) => {
      // The hook's SQL runs as written: `qty` there failed once renamed, while
      // the model's own SQL, which never reads qty, was called unaffected.
      const model = {
        path: 'models/stg_orders.sql',
        content: `${config}\nselect id, status from {{ source('shop', 'orders') }}\n`,
      };
      for (const changes of [
        renameQty,
        consumerMapping(shopFields, [{ dropField: { name: 'qty' } }]),
        consumerMapping(shopFields, [], renamedRelation(shop, 'orders_v2')),
      ]) {
        const result = assess([model], changes);
        const status = statusOf(result, 'models/stg_orders.sql');
        expect(status).toBe('needs-decision');
        expect(
          result.results.find(r => r.path === model.path)?.impact.problem
            ?.message,
        ).toContain('config()');
      }
    },
  );

  it('leaves a model alone whose hooks name neither the dataset nor what changes', () => {
    const thisOnly = {
      path: 'models/stg_orders.sql',
      content: `{{ config(post_hook="grant select on {{ this }} to reporter") }}\nselect id, status from {{ source('shop', 'orders') }}\n`,
    };
    // Nested Jinja in the hook does not mask; it is unparseable, as before.
    expect(statusOf(assess([thisOnly], renameQty), thisOnly.path)).not.toBe(
      'rewritten',
    );
    const otherTable = {
      path: 'models/stg_orders.sql',
      content: `{{ config(pre_hook="analyze raw.customers") }}\nselect id, status from {{ source('shop', 'orders') }}\n`,
    };
    expect(statusOf(assess([otherTable], renameQty), otherTable.path)).toBe(
      'unaffected',
    );
    // The hook names the dataset, but only a field the migration keeps.
    const keptField = {
      path: 'models/stg_orders.sql',
      content: `{{ config(pre_hook="grant select on raw.orders to reporter") }}\nselect id, status from {{ source('shop', 'orders') }}\n`,
    };
    expect(statusOf(assess([keptField], renameQty), keptField.path)).toBe(
      'unaffected',
    );
    // ANALYZE of the dataset does nothing once its name is a view, from the
    // first cut-over, whatever fields it names (tableStatements.test.ts).
    const analyzed = {
      path: 'models/stg_orders.sql',
      content: `{{ config(pre_hook="analyze raw.orders (status)") }}\nselect id, status from {{ source('shop', 'orders') }}\n`,
    };
    expect(statusOf(assess([analyzed], renameQty), analyzed.path)).toBe(
      'needs-decision',
    );
  });

  it('follows a widened field from a snapshot to the models reading it by its block name', () => {
    // `ref('orders_snapshot')` reads the snapshot the block names, not the file
    // `snapshots/snap_orders.sql`: a mart dividing amount_cents read 12.5 where 12.
    const snapshot = {
      path: 'snapshots/snap_orders.sql',
      content:
        "{% snapshot orders_snapshot %}\n{{ config(target_schema='snapshots', unique_key='id', strategy='check', check_cols='all') }}\nselect * from {{ source('shop', 'orders') }}\n{% endsnapshot %}\n",
    };
    const reader = {
      ...mart,
      content:
        "select id, amount_cents / 100 as dollars from {{ ref('orders_snapshot') }}\n",
    };
    const result = assess([snapshot, reader]);
    expect(statusOf(result, snapshot.path)).toBe('needs-decision');
    expect(
      result.results.find(r => r.path === snapshot.path)?.impact.problem
        ?.message,
    ).toContain('models/marts/dollars.sql');
    // No model reads the snapshot: nothing is passed on.
    expect(statusOf(assess([snapshot]), snapshot.path)).toBe('unaffected');
  });

  it.each([
    [
      'ref() of the versioned model, declared in yml',
      "{{ ref('stg_orders') }}",
      'version: 2\nmodels:\n  - name: stg_orders\n    latest_version: 2\n    versions:\n      - v: 2\n',
      'models/stg_orders_v2.sql',
    ],
    [
      'ref() with v=',
      "{{ ref('stg_orders', v=2) }}",
      'version: 2\nmodels:\n  - name: stg_orders\n    versions:\n      - v: 1\n      - v: 2\n',
      'models/stg_orders_v2.sql',
    ],
    [
      'a version defined_in another file',
      "{{ ref('stg_orders') }}",
      'version: 2\nmodels:\n  - name: stg_orders\n    versions:\n      - v: 3\n        defined_in: orders_staged\n',
      'models/orders_staged.sql',
    ],
  ])(
    'follows a widened field from a model version to the models reading it: %s',
    (_, ref, yml, path) => {
      const version = {
        path,
        content:
          "select id, amount_cents from {{ source('shop', 'orders') }}\n",
      };
      const reader = {
        ...mart,
        content: `select id, amount_cents / 100 as dollars from ${ref}\n`,
      };
      const result = assess([
        version,
        reader,
        { path: 'models/stg.yml', content: yml },
      ]);
      expect(statusOf(result, path)).toBe('needs-decision');
    },
  );

  it('sends an incremental model whose schema change fails the run to a person under a widening', () => {
    // dbt compares an incremental model's column types with the table it built
    // before; `on_schema_change='fail'` fails the run once amount_cents widens.
    const incremental = {
      path: 'models/orders_inc.sql',
      content:
        "{{ config(materialized='incremental', unique_key='id', on_schema_change='fail') }}\nselect id, amount_cents from {{ source('shop', 'orders') }}\n",
    };
    const result = assess([incremental]);
    expect(statusOf(result, incremental.path)).toBe('needs-decision');
    expect(
      result.results.find(r => r.path === incremental.path)?.impact.problem
        ?.message,
    ).toContain('on_schema_change');
    // Set for the project in dbt_project.yml too.
    const plain = {
      path: 'models/orders_inc.sql',
      content:
        "{{ config(materialized='incremental', unique_key='id') }}\nselect id, amount_cents from {{ source('shop', 'orders') }}\n",
    };
    expect(statusOf(assess([plain]), plain.path)).toBe('unaffected');
    const inProject = assessConsumer(
      [
        {
          ...dbtProject,
          content: `${dbtProject.content}models:\n  p:\n    +on_schema_change: "fail"\n`,
        },
        shopSources,
        plain,
      ],
      shop,
      widenAmount,
    );
    expect(statusOf(inProject, plain.path)).toBe('needs-decision');
  });
  it('sends a YAML snapshot of the dataset to a person: it copies every field', () => {
    // dbt 1.9's snapshots in YAML name a relation and copy all its fields into
    // the snapshot models read by ref(): a rename, drop, added field or
    // widening reached `select qty from ref('orders_snapshot')` unseen, and the
    // file, naming no field, was called unaffected.
    const snapshot = {
      path: 'snapshots/orders.yml',
      content:
        "snapshots:\n  - name: orders_snapshot\n    relation: source('shop', 'orders')\n    config:\n      unique_key: id\n      strategy: check\n      check_cols: all\n",
    };
    const reader = {
      ...mart,
      content:
        "select id, qty, amount_cents / 100 as dollars from {{ ref('orders_snapshot') }}\n",
    };
    for (const [changes, status] of [
      // A new column under check_cols: all re-versions every row from the
      // cut-over: a person decides before the data moves.
      [renameQty, 'needs-decision'],
      [widenAmount, 'unparseable'],
      [
        consumerMapping(shopFields, [{ dropField: { name: 'qty' } }]),
        'unparseable',
      ],
      [
        consumerMapping(shopFields, [
          { addField: { name: 'note', type: 'text' } },
        ]),
        'needs-decision',
      ],
    ] as const) {
      const result = assess([snapshot, reader], changes);
      expect(statusOf(result, snapshot.path)).toBe(status);
      expect(
        result.results.find(r => r.path === snapshot.path)?.impact.problem
          ?.message,
      ).toContain('snapshot');
    }
    // A source's columns tested in YAML, with no snapshot, stay as they were.
    const tested = {
      path: 'models/tests.yml',
      content:
        "version: 2\nmodels:\n  - name: m\n    columns:\n      - name: id\n        tests:\n          - relationships:\n              to: source('shop', 'orders')\n              field: id\n",
    };
    expect(statusOf(assess([tested], widenAmount), tested.path)).toBe(
      'unaffected',
    );
  });

  it("sends a unit test giving the dataset's rows from a fixture file to a person under a rename", () => {
    // The fixture (tests/fixtures/orders_rows.csv) names the source's columns;
    // dbt refuses a column the source no longer has. The yml names none.
    const unit = {
      path: 'models/unit.yml',
      content:
        "unit_tests:\n  - name: t1\n    model: stg_orders\n    given:\n      - input: source('shop', 'orders')\n        format: csv\n        fixture: orders_rows\n    expect:\n      rows:\n        - {id: 1}\n",
    };
    expect(statusOf(assess([unit], renameQty), unit.path)).toBe('unparseable');
    // A widening leaves the fixture's columns as they were.
    expect(statusOf(assess([unit], widenAmount), unit.path)).toBe('unaffected');
  });

  it('leaves a hook counting rows of the dataset alone under a widening', () => {
    // count(*) is no whole row: only a changed field, a new name or the
    // table's rename reaches a hook.
    const model = {
      path: 'models/stg_orders.sql',
      content: `{{ config(post_hook="insert into audit select count(*) from raw.orders") }}\nselect id, status from {{ source('shop', 'orders') }}\n`,
    };
    expect(statusOf(assess([model], widenAmount), model.path)).toBe(
      'unaffected',
    );
  });
  it('sends a macro file to a person when its Jinja names a changed field (a default argument)', () => {
    // `{% macro clean_orders(col='qty') %}` reads qty when called as
    // clean_orders(); its tag is blanked and macros are not rendered alone, so
    // the file was called unaffected and the hook calling it failed.
    const macro = {
      path: 'macros/clean.sql',
      content:
        "{% macro clean_orders(col='qty') %}\ndelete from {{ source('shop', 'orders') }} where {{ col }} < 0\n{% endmacro %}\n",
    };
    const model = {
      path: 'models/audit.sql',
      content:
        '{{ config(post_hook="{{ clean_orders() }}") }}\nselect 1 as x\n',
    };
    for (const changes of [
      renameQty,
      consumerMapping(shopFields, [{ dropField: { name: 'qty' } }]),
    ])
      expect(statusOf(assess([macro, model], changes), macro.path)).toBe(
        'needs-decision',
      );
    // Its Jinja names no changed field: the macro stays as it was.
    const plain = {
      path: 'macros/clean.sql',
      content:
        "{% macro clean_orders(col='status') %}\ndelete from {{ source('shop', 'orders') }} where {{ col }} is null\n{% endmacro %}\n",
    };
    expect(statusOf(assess([plain, model], renameQty), plain.path)).toBe(
      'unaffected',
    );
  });
  it.each([
    [
      "a semantic model's measure",
      "semantic_models:\n  - name: orders\n    model: ref('stg_orders')\n    measures:\n      - name: revenue\n        expr: amount_cents / 100\n        agg: sum\n",
    ],
    [
      "a test's expression",
      'version: 2\nmodels:\n  - name: stg_orders\n    tests:\n      - dbt_utils.expression_is_true:\n          expression: "amount_cents / 100 >= 1"\n',
    ],
    [
      'an on-run-end hook',
      'on-run-end:\n  - "insert into audit select sum(amount_cents) / 100 from {{ ref(\'stg_orders\') }}"\n',
    ],
  ])(
    'follows a widened field from a model to SQL in YAML on it: %s',
    (_, yml) => {
      // `expr: amount_cents / 100` is SQL on the model: 12.5 where 12 once the
      // field widens, and the model passing it on was called unaffected.
      const model = {
        path: 'models/stg_orders.sql',
        content:
          "select id, amount_cents from {{ source('shop', 'orders') }}\n",
      };
      const yaml = { path: 'models/semantic.yml', content: yml };
      expect(statusOf(assess([model, yaml]), model.path)).toBe(
        'needs-decision',
      );
      // YAML describing the model's columns, with no SQL, reads nothing.
      const described = {
        path: 'models/semantic.yml',
        content:
          'version: 2\nmodels:\n  - name: stg_orders\n    columns:\n      - name: amount_cents\n        tests: [not_null]\n',
      };
      expect(statusOf(assess([model, described]), model.path)).toBe(
        'unaffected',
      );
    },
  );
  it.each([
    [
      'its name',
      '',
      'select amount_cents / 100 as dollars from analytics.stg_orders\n',
      '',
    ],
    [
      'the alias its config() gives',
      "{{ config(alias='orders_clean') }}\n",
      'select amount_cents / 100 as dollars from analytics.orders_clean\n',
      '',
    ],
    [
      'the alias its YAML gives',
      '',
      'select amount_cents / 100 as dollars from analytics.orders_clean\n',
      'version: 2\nmodels:\n  - name: stg_orders\n    config:\n      alias: orders_clean\n',
    ],
  ])(
    'follows a widened field from a model to plain SQL reading its relation by %s',
    (_, config, reportSql, yml) => {
      // A report outside dbt (a BI tool's SQL) reads the model's table, not
      // through ref(): it divided a numeric (12.5 where 12), unseen.
      const model = {
        path: 'models/stg_orders.sql',
        content: `${config}select id, amount_cents from {{ source('shop', 'orders') }}\n`,
      };
      const sql = { path: 'reports/revenue.sql', content: reportSql };
      const yaml = yml ? [{ path: 'models/stg.yml', content: yml }] : [];
      expect(statusOf(assess([model, sql, ...yaml]), model.path)).toBe(
        'needs-decision',
      );
      // A report reading another relation is no reader.
      const other = {
        path: 'reports/revenue.sql',
        content: 'select total / 100 as dollars from analytics.stg_payments\n',
      };
      expect(statusOf(assess([model, other, ...yaml]), model.path)).toBe(
        'unaffected',
      );
    },
  );
  it('sends a dbt seed named like the dataset to a person', () => {
    // seeds/orders.csv loads `orders` by its header; the file never names the
    // table, so it was not looked at while a rename broke `dbt seed`.
    const seed = {
      path: 'seeds/orders.csv',
      content: 'id,qty,amount_cents,status\n1,5,1250,shipped\n',
    };
    for (const changes of [renameQty, widenAmount])
      expect(statusOf(assess([seed], changes), seed.path)).toBe(
        'needs-decision',
      );
    // Another seed, or a CSV outside a dbt project, is no concern.
    const other = { path: 'seeds/customers.csv', content: 'id,name\n1,Ann\n' };
    expect(statusOf(assess([other], renameQty), other.path)).toBeUndefined();
    expect(
      statusOf(assessConsumer([seed], shop, renameQty), seed.path),
    ).toBeUndefined();
  });
});

describe('a macro running SQL on the dataset from a Jinja string (round 31b)', () => {
  // A `{% call statement %}` block's SQL was read; the same SQL handed to
  // run_query or adapter.execute as a string was not, and was called
  // unaffected under an added field while PostgreSQL refused it at cut-over
  // ("orders" is not a table, "cannot copy to view").
  const raw = { schema: 'raw', table: 'orders', fields: ['id', 'amount'] };
  const added = consumerMapping(
    [
      { name: 'id', type: 'bigint', nullable: false, primaryKey: true },
      { name: 'amount', type: 'integer', nullable: true, primaryKey: false },
    ],
    [{ addField: { name: 'note', type: 'text' } }],
  );
  const project = [
    { path: 'dbt_project.yml', content: "name: shop\nversion: '1.0'\n" },
    {
      path: 'models/sources.yml',
      content:
        'version: 2\nsources:\n  - name: raw\n    schema: raw\n    tables:\n      - name: orders\n      - name: customers\n',
    },
  ];
  const purge = (body: string) => ({
    path: 'macros/purge.sql',
    content: `{% macro purge() %}\n  ${body}\n{% endmacro %}\n`,
  });
  const assessMacro = (body: string) => {
    const result = assessConsumer([...project, purge(body)], raw, added);
    const file = result.results.find(r => r.path === 'macros/purge.sql');
    return {
      status: file?.status ?? 'unaffected',
      needsTable: file?.impact.needsTable,
      message: file?.impact.problem?.message ?? '',
    };
  };

  it.each([
    ["{% do run_query('truncate table raw.orders') %}", 'DELETE FROM'],
    [
      `{% do adapter.execute("copy raw.orders from '/x.csv'") %}`,
      'cannot copy to view',
    ],
    ["{% do run_query('create index i on raw.orders (id)') %}", 'CREATE INDEX'],
    ["{% set q = 'truncate raw.orders' %}{% do run_query(q) %}", 'DELETE FROM'],
    [
      "{% do run_query('truncate table ' ~ source('raw', 'orders')) %}",
      'DELETE FROM',
    ],
    ['{{ run_query("truncate " ~ "raw.orders" ~ " cascade") }}', 'DELETE FROM'],
  ])('%s goes to a person', (body, reason) => {
    const found = assessMacro(body);
    expect(found.status).toBe('needs-decision');
    expect(found.needsTable).toBe(true);
    expect(found.message).toContain(reason);
  });

  // Round 31c: a grouped query read through the key fails through the view
  // ("must appear in the GROUP BY clause"), handed over as a string too.
  it.each([
    "{% set r = run_query('select o.amount, count(*) from raw.orders o group by o.id') %}",
    "{% do run_query('select o.amount from ' ~ source('raw', 'orders') ~ ' o group by o.id') %}",
  ])('%s goes to a person where the key is known', body => {
    const keyed = {
      ...raw,
      key: ['id'],
    };
    const result = assessConsumer([...project, purge(body)], keyed, added);
    const file = result.results.find(r => r.path === 'macros/purge.sql');
    expect(file?.status).toBe('needs-decision');
    expect(file?.impact.problem?.message).toMatch(
      /must appear in the GROUP BY/,
    );
  });

  it.each([
    "{% do run_query('truncate table raw.customers') %}",
    `{% do adapter.execute("copy raw.customers from '/x.csv'") %}`,
    "{% do run_query('create index i on raw.customers (id)') %}",
    "{% set q = 'truncate raw.customers' %}{% do run_query(q) %}",
    "{% do run_query('truncate table ' ~ source('raw', 'customers')) %}",
    "{% do run_query('delete from raw.orders where id < 0') %}",
  ])('not another table, nor a statement a view takes: %s', body => {
    expect(assessMacro(body).status).toBe('unaffected');
  });
});

describe('a dbt model whose columns dbt holds to a list, over `*` of the dataset (found by round 33)', () => {
  // From the cut-over `*` through the name has the new version's own fields
  // after the previous ones: dbt refuses the contract, fails the incremental
  // run, or versions every row of the snapshot again, before the model's
  // rewrite can be merged.
  const added = consumerMapping(fields, [
    { addField: { name: 'note', type: 'text' } },
  ]);
  const starModel = {
    path: 'models/orders.sql',
    content: "select * from {{ source('shop', 'orders') }}\n",
  };
  const contract = {
    path: 'models/schema.yml',
    content:
      'version: 2\nmodels:\n  - name: orders\n    config:\n      contract:\n        enforced: true\n',
  };
  const messageOf = (result: ReturnType<typeof assessConsumer>, path: string) =>
    result.results.find(r => r.path === path)?.impact.problem?.message ?? '';

  it.each([
    [
      'an enforced contract',
      [starModel, contract],
      /contract models\/schema\.yml enforces/,
    ],
    [
      'an enforced contract, through an import CTE',
      [
        {
          ...starModel,
          content:
            "with source as (select * from {{ source('shop', 'orders') }})\nselect * from source\n",
        },
        contract,
      ],
      /contract models\/schema\.yml enforces/,
    ],
    [
      'an incremental model failing on a schema change',
      [
        {
          ...starModel,
          content: `{{ config(materialized='incremental', unique_key='order_id', on_schema_change='fail') }}\n${starModel.content}{% if is_incremental() %}\nwhere order_id > (select max(order_id) from {{ this }})\n{% endif %}\n`,
        },
      ],
      /fail on a schema change/,
    ],
    [
      'a snapshot checking all columns',
      [
        {
          path: 'snapshots/orders_snapshot.sql',
          content: `{% snapshot orders_snapshot %}\n{{ config(target_schema='snapshots', unique_key='order_id', strategy='check', check_cols='all') }}\n${starModel.content}{% endsnapshot %}\n`,
        },
      ],
      /check all columns/,
    ],
    [
      'a YAML snapshot (dbt 1.9) checking all columns, set in dbt_project.yml',
      [
        {
          path: 'snapshots/orders.yml',
          content:
            "snapshots:\n  - name: orders_snapshot\n    relation: source('shop', 'orders')\n    config:\n      unique_key: order_id\n      strategy: check\n",
        },
        {
          path: 'dbt_project.yml',
          content:
            'name: shop\nsnapshots:\n  shop:\n    +strategy: check\n    +check_cols: all\n',
        },
      ],
      /snapshot orders_snapshot checks all columns of source\('shop', 'orders'\).*versions again every row/,
    ],
  ])('%s goes to a person before the data moves', (_, files, why) => {
    const result = assessConsumer([sources('public'), ...files], target, added);
    const path = files[0].path;
    expect(statusOf(result, path)).toBe('needs-decision');
    expect(result.results.find(r => r.path === path)?.impact.needsTable).toBe(
      true,
    );
    expect(messageOf(result, path)).toMatch(why);
  });

  it("takes dbt_project.yml's config for the folders it names, the nearest winning", () => {
    const project = {
      path: 'dbt_project.yml',
      content:
        'name: shop\nmodels:\n  shop:\n    marts:\n      +contract:\n        enforced: true\n      legacy:\n        +contract:\n          enforced: false\n',
    };
    const at = (path: string) => ({ ...starModel, path });
    const needsTable = (path: string) =>
      assessConsumer(
        [sources('public'), at(path), project],
        target,
        added,
      ).results.find(r => r.path === path)?.impact.needsTable;
    expect(needsTable('models/marts/orders.sql')).toBe(true);
    expect(needsTable('models/marts/finance/orders.sql')).toBe(true);
    expect(needsTable('models/staging/orders.sql')).toBeUndefined();
    expect(needsTable('models/marts/legacy/orders.sql')).toBeUndefined();
    // A model's own entry there is nearest of all.
    const own = {
      path: 'dbt_project.yml',
      content:
        'name: shop\nmodels:\n  shop:\n    staging:\n      orders:\n        +contract:\n          enforced: true\n',
    };
    expect(
      assessConsumer(
        [sources('public'), at('models/staging/orders.sql'), own],
        target,
        added,
      ).results.find(r => r.path === 'models/staging/orders.sql')?.impact
        .needsTable,
    ).toBe(true);
  });

  it.each([
    [
      'snapshots/orders_snapshot.sql',
      "strategy='timestamp', updated_at='updated_at'",
    ],
    [
      'snapshots/orders_snapshot.sql',
      "strategy='check', check_cols=['order_id', 'amount']",
    ],
    [
      'snapshots/orders.yml',
      'strategy: timestamp\n      updated_at: updated_at',
    ],
    ['snapshots/orders.yml', 'check_cols: [order_id, amount]'],
  ])(
    "leaves %s alone where its own config (%s) overrides the project's check of all columns",
    (path, config) => {
      const project = {
        path: 'dbt_project.yml',
        content:
          'name: shop\nsnapshots:\n  shop:\n    +strategy: check\n    +check_cols: all\n',
      };
      const snapshot = {
        path,
        content: path.endsWith('.sql')
          ? `{% snapshot orders_snapshot %}\n{{ config(target_schema='snapshots', unique_key='order_id', ${config}) }}\n${starModel.content}{% endsnapshot %}\n`
          : `snapshots:\n  - name: orders_snapshot\n    relation: source('shop', 'orders')\n    config:\n      unique_key: order_id\n      ${config}\n`,
      };
      const result = assessConsumer(
        [sources('public'), snapshot, project],
        target,
        added,
      );
      expect(
        result.results.find(r => r.path === snapshot.path)?.impact.needsTable,
      ).toBeUndefined();
    },
  );

  it('rewrites such a model where its result names its columns, or under a widening', () => {
    const named = {
      ...starModel,
      content:
        "with source as (select * from {{ source('shop', 'orders') }})\nselect order_id, amount from source\n",
    };
    expect(
      statusOf(
        assessConsumer([sources('public'), named, contract], target, added),
        'models/orders.sql',
      ),
    ).toBe('rewritten');
    // A `*` without a contract is rewritten as before, and so is one where
    // only another model's contract is enforced (found by the day's review).
    for (const others of [
      [],
      [
        {
          ...contract,
          content: contract.content.replace('name: orders', 'name: revenue'),
        },
      ],
    ])
      expect(
        statusOf(
          assessConsumer(
            [sources('public'), starModel, ...others],
            target,
            added,
          ),
          'models/orders.sql',
        ),
      ).toBe('rewritten');
  });

  describe('downstream of a model passing `*` of the dataset on (found by round 33b)', () => {
    // stg_orders is rewritten to list its columns, but until that pull
    // request merges dbt builds it with the new field after the others, and
    // models reading it by ref() into a fixed number of columns fail then.
    const staging = {
      path: 'models/staging/stg_orders.sql',
      content:
        "with source as (select * from {{ source('shop', 'orders') }})\nselect * from source\n",
    };
    const union = {
      path: 'models/marts/all_orders.sql',
      content:
        "select * from {{ ref('stg_orders') }}\nunion all\nselect order_id, amount from {{ ref('legacy_orders') }}\n",
    };
    const legacy = {
      path: 'models/legacy_orders.sql',
      content: 'select 1 as order_id, 2 as amount\n',
    };
    const passOn = {
      path: 'models/intermediate/int_orders.sql',
      content: "select * from {{ ref('stg_orders') }}\n",
    };
    const contracted = {
      path: 'models/marts/orders_contracted.sql',
      content: "select * from {{ ref('int_orders') }}\n",
    };
    const contractYml = {
      path: 'models/marts/schema.yml',
      content:
        'version: 2\nmodels:\n  - name: orders_contracted\n    config:\n      contract:\n        enforced: true\n',
    };

    it('sends the model to a person where a reader takes its `*` into a UNION', () => {
      const result = assessConsumer(
        [sources('public'), staging, union, legacy],
        target,
        added,
      );
      expect(statusOf(result, staging.path)).toBe('needs-decision');
      expect(
        result.results.find(r => r.path === staging.path)?.impact.needsTable,
      ).toBe(true);
      expect(messageOf(result, staging.path)).toMatch(
        /models\/marts\/all_orders\.sql.*once dbt builds stg_orders again/,
      );
    });

    it('follows the `*` through a model passing it on to an enforced contract', () => {
      const result = assessConsumer(
        [sources('public'), staging, passOn, contracted, contractYml],
        target,
        added,
      );
      expect(statusOf(result, staging.path)).toBe('needs-decision');
      expect(messageOf(result, staging.path)).toMatch(
        /ref\('stg_orders'\) then ref\('int_orders'\).*orders_contracted\.sql/,
      );
    });

    it('follows the `*` to a YAML snapshot checking all columns of the model', () => {
      const snapshot = {
        path: 'snapshots/orders.yml',
        content:
          "snapshots:\n  - name: orders_snapshot\n    relation: ref('stg_orders')\n    config:\n      unique_key: order_id\n      strategy: check\n      check_cols: all\n",
      };
      const result = assessConsumer(
        [sources('public'), staging, snapshot],
        target,
        added,
      );
      expect(statusOf(result, staging.path)).toBe('needs-decision');
      expect(messageOf(result, staging.path)).toMatch(
        /dbt snapshot orders_snapshot of snapshots\/orders\.yml.*versions again every row/,
      );
    });

    it('rewrites the model where readers name their columns, or nothing grows', () => {
      const named = {
        ...union,
        content:
          "select order_id, amount from {{ ref('stg_orders') }}\nunion all\nselect order_id, amount from {{ ref('legacy_orders') }}\n",
      };
      expect(
        statusOf(
          assessConsumer(
            [sources('public'), staging, named, legacy],
            target,
            added,
          ),
          staging.path,
        ),
      ).toBe('rewritten');
      // A widening leaves `*` as it was (it goes to a person for what readers
      // do with the wider field, not for this).
      const widened = consumerMapping(fields, [
        { changeType: { field: 'amount', type: 'bigint' } },
      ]);
      expect(
        messageOf(
          assessConsumer(
            [sources('public'), staging, union, legacy],
            target,
            widened,
          ),
          staging.path,
        ),
      ).not.toMatch(/once dbt builds/);
      // Without the contract, the model passing `*` on breaks nothing.
      expect(
        statusOf(
          assessConsumer(
            [sources('public'), staging, passOn, contracted],
            target,
            added,
          ),
          staging.path,
        ),
      ).toBe('rewritten');
    });
  });
});
