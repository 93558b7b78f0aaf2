import { dbtProjectOf } from './dbtProject';
import { renderDbtModel, type DbtRenderOptions } from './dbtRender';

const project = dbtProjectOf([
  {
    path: 'dbt_project.yml',
    content:
      "name: shop\nvars:\n  min_amount: 5\n  methods: ['card', 'coupon']\n",
  },
  {
    path: 'macros/cents.sql',
    content:
      '{% macro cents_to_dollars(column, scale=2) -%}\n  ({{ column }} / 100)::numeric(16, {{ scale }})\n{%- endmacro %}\n',
  },
  // dbt accepts this; the engine does not parse it, so its macro is unknown.
  {
    path: 'macros/odd.sql',
    content: '{% materialization x %}{% endmaterialization %}',
  },
  { path: 'models/orders.sql', content: 'select 1' },
]);

const options: DbtRenderOptions = {
  project,
  relation: r =>
    r.kind === 'ref'
      ? `"analytics"."${r.model}"`
      : `"${r.source}"."${r.table}"`,
  targetSchema: 'analytics',
  self: '"analytics"."payments"',
};
const render = (content: string, extra: Partial<DbtRenderOptions> = {}) =>
  renderDbtModel(content, { ...options, ...extra });

describe('renderDbtModel', () => {
  it('renders macros, loops over vars, source(), ref(), config() and is_incremental() as dbt compiles them', () => {
    const model = [
      "{{ config(materialized='table') }}",
      'select o.order_id,',
      "{% for m in var('methods') -%}",
      "  sum(case when p.method = '{{ m }}' then {{ cents_to_dollars('p.amount') }} else 0 end) as {{ m }}_amount,",
      '{% endfor %}',
      '  count(*) as n',
      "from {{ source('jaffle', 'raw_payments') }} p join {{ ref('orders') }} o using (order_id)",
      "where p.amount >= {{ var('min_amount') }}",
      '{% if is_incremental() %}and p.id > (select max(id) from {{ this }}){% endif %}',
      'group by 1',
    ].join('\n');
    expect(render(model)).toEqual({
      sql: [
        '',
        'select o.order_id,',
        "sum(case when p.method = 'card' then (p.amount / 100)::numeric(16, 2) else 0 end) as card_amount,",
        "sum(case when p.method = 'coupon' then (p.amount / 100)::numeric(16, 2) else 0 end) as coupon_amount,",
        '',
        '  count(*) as n',
        'from "jaffle"."raw_payments" p join "analytics"."orders" o using (order_id)',
        'where p.amount >= 5',
        '',
        'group by 1',
      ].join('\n'),
    });
  });

  // dbt-labs/jaffle-shop's macros/cents_to_dollars.sql and stg_orders (corpus).
  it('dispatches macros to their postgres__ or default__ version and returns what return() gives', () => {
    const dispatching = dbtProjectOf([
      {
        path: 'macros/cents.sql',
        content: [
          '{% macro cents_to_dollars(column_name) -%}',
          "    {{ return(adapter.dispatch('cents_to_dollars')(column_name)) }}",
          '{%- endmacro %}',
          '{% macro default__cents_to_dollars(column_name) -%}',
          '    ({{ column_name }} / 100)::numeric(16, 2)',
          '{%- endmacro %}',
          '{% macro postgres__cents_to_dollars(column_name) -%}',
          '    ({{ column_name }}::numeric(16, 2) / 100)',
          '{%- endmacro %}',
          '{% macro only_default(x) %}{{ return(adapter.dispatch("d")(x)) }}{% endmacro %}',
          '{% macro default__d(x) %}d({{ x }}){% endmacro %}',
          '{% macro nowhere(x) %}{{ return(adapter.dispatch("n")(x)) }}{% endmacro %}',
        ].join('\n'),
      },
    ]);
    const model =
      "select {{ cents_to_dollars('subtotal') }} as subtotal, {{ only_default('x') }}, {{ dbt.date_trunc('day', 'ordered_at') }} as ordered_at";
    expect(render(model, { project: dispatching })).toEqual({
      sql: "select (subtotal::numeric(16, 2) / 100) as subtotal, d(x), date_trunc('day', ordered_at) as ordered_at",
    });
    expect(
      render("select {{ nowhere('x') }}", { project: dispatching }),
    ).toEqual({
      unrendered: "adapter.dispatch('n') finds none of postgres__n, default__n",
    });
  });

  it('runs only the macro blocks of a macro file: a name it sets around them is undefined in them', () => {
    const withTopLevelSet = (prefix: string) =>
      dbtProjectOf([
        {
          path: 'macros/scale.sql',
          content: `${prefix}{% set factor = 100 %}\n{% macro scaled(c) %}{{ c }} / {{ factor }}{% endmacro %}\n`,
        },
      ]);
    expect(
      render("select {{ scaled('amount') }}", {
        project: withTopLevelSet(''),
      }),
    ).toEqual({ unrendered: "'factor' is undefined" });
    // Nor is anything around the blocks printed, or run.
    expect(
      render('select 1', {
        project: withTopLevelSet("{{ exceptions.raise_compiler_error('x') }}"),
      }),
    ).toEqual({ sql: 'select 1' });
  });

  // dbt-labs/dbt-utils 1.3.3's macros/sql/generate_surrogate_key.sql, as
  // jaffle-shop's stg_supplies calls it (corpus/jaffle_shop_v3/dbt_packages).
  const surrogateKey = [
    '{%- macro generate_surrogate_key(field_list) -%}',
    "    {{ return(adapter.dispatch('generate_surrogate_key', 'dbt_utils')(field_list)) }}",
    '{% endmacro %}',
    '{%- macro default__generate_surrogate_key(field_list) -%}',
    "{%- if var('surrogate_key_treat_nulls_as_empty_strings', False) -%}",
    '    {%- set default_null_value = "" -%}',
    '{%- else -%}',
    "    {%- set default_null_value = '_dbt_utils_surrogate_key_null_' -%}",
    '{%- endif -%}',
    '{%- set fields = [] -%}',
    '{%- for field in field_list -%}',
    '    {%- do fields.append(',
    '        "coalesce(cast(" ~ field ~ " as " ~ dbt.type_string() ~ "), \'" ~ default_null_value  ~"\')"',
    '    ) -%}',
    '    {%- if not loop.last %}',
    '        {%- do fields.append("\'-\'") -%}',
    '    {%- endif -%}',
    '{%- endfor -%}',
    '{{ dbt.hash(dbt.concat(fields)) }}',
    '{%- endmacro -%}',
  ].join('\n');
  const withUtils = (...more: Array<{ path: string; content: string }>) =>
    dbtProjectOf([
      { path: 'dbt_project.yml', content: 'name: shop\n' },
      {
        path: 'dbt_packages/dbt_utils/dbt_project.yml',
        content: "name: 'dbt_utils'\nmacro-paths: ['macros']\n",
      },
      {
        path: 'dbt_packages/dbt_utils/macros/sql/generate_surrogate_key.sql',
        content: surrogateKey,
      },
      ...more,
    ]);
  const keyModel =
    "select {{ dbt_utils.generate_surrogate_key(['id', 'sku']) }} as uuid from s";

  it('calls an installed package’s macros by its namespace, as dbt-postgres compiles them', () => {
    expect(render(keyModel, { project: withUtils() })).toEqual({
      sql: "select md5(cast(coalesce(cast(id as TEXT), '_dbt_utils_surrogate_key_null_') || '-' || coalesce(cast(sku as TEXT), '_dbt_utils_surrogate_key_null_') as TEXT)) as uuid from s",
    });
    // The package's macros are its own: not global, and the project's are not the package's.
    expect(
      render("select {{ generate_surrogate_key(['id']) }}", {
        project: withUtils(),
      }),
    ).toEqual({
      unrendered:
        "'generate_surrogate_key' is no macro or function known here (a package's macro?)",
    });
    expect(
      render("select {{ dbt_utils.star('x') }}", { project: withUtils() }),
    ).toEqual({
      unrendered:
        'dbt_utils.star is no macro of the package dbt_utils installed under dbt_packages/dbt_utils/',
    });
  });

  it('dispatches to the project’s own version of a package’s macro first, or as dispatch: orders', () => {
    const override = {
      path: 'macros/keys.sql',
      content:
        '{% macro default__generate_surrogate_key(fields) %}md5({{ fields | join(",") }}){% endmacro %}',
    };
    expect(render(keyModel, { project: withUtils(override) })).toEqual({
      sql: 'select md5(id,sku) as uuid from s',
    });
    const packageFirst = withUtils(override, {
      path: 'dbt_project.yml',
      content:
        "name: shop\ndispatch:\n  - macro_namespace: dbt_utils\n    search_order: ['dbt_utils', 'shop']\n",
    });
    expect(render(keyModel, { project: packageFirst })).toEqual({
      sql: expect.stringMatching(/^select md5\(cast\(coalesce/),
    });
    // dbt's own macros dispatch too: a project's postgres__hash wins.
    const hash = withUtils({
      path: 'macros/hash.sql',
      content: '{% macro postgres__hash(f) %}sha256({{ f }}){% endmacro %}',
    });
    expect(render("select {{ dbt.hash('a') }}", { project: hash })).toEqual({
      sql: 'select sha256(a)',
    });
  });

  it('says a package packages.yml names is not installed, so the model is not checked', () => {
    const declared = dbtProjectOf([
      { path: 'dbt_project.yml', content: 'name: shop\n' },
      {
        path: 'packages.yml',
        content:
          'packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.3.3\n',
      },
    ]);
    expect(render(keyModel, { project: declared })).toEqual({
      unrendered:
        'dbt_utils.generate_surrogate_key is a macro of the package dbt_utils, which packages.yml names and the repository does not hold installed (`dbt deps` puts it under dbt_packages/)',
    });
  });

  it('keeps a line break after a block, as Jinja’s defaults do', () => {
    expect(render('{% if true %}a{% endif %}\nfrom t')).toEqual({
      sql: 'a\nfrom t',
    });
  });

  it('fails, naming why, where dbt would render something it cannot', () => {
    expect(render('select {{ dbt_utils.star(ref("orders")) }}')).toEqual({
      unrendered:
        "'dbt_utils'.star is no macro or function known here (a package's macro?)",
    });
    expect(render('select {{ missing_name }} from t')).toEqual({
      unrendered: "'missing_name' is undefined",
    });
    expect(render('select {{ target.nothing }} from t')).toEqual({
      unrendered: "'target'.nothing is undefined",
    });
    expect(render("select {{ var('unset') }}")).toEqual({
      unrendered:
        "var('unset') is not set in dbt_project.yml and has no default",
    });
    expect(render("select {{ env_var('HOME') }}")).toEqual({
      unrendered: "env_var('HOME') is not set and has no default",
    });
    expect(render('select {% if %}')).toEqual({
      unrendered: expect.stringMatching(/^its Jinja does not parse/),
    });
  });

  it('reads defaults and tests what is defined without failing', () => {
    expect(
      render(
        "{% if other is defined %}x{% else %}{{ var('schema', default='raw') }}.{{ env_var('T', 'events') }}{% endif %}",
      ),
    ).toEqual({ sql: 'raw.events' });
  });

  it('gives a template no way into JavaScript', () => {
    for (const hostile of [
      "{{ range.constructor('return process')() }}",
      "{{ ''.constructor.constructor('return 1')() }}",
      '{{ ref.__proto__ }}',
      "{{ cycler.__init__.__globals__.os.popen('id').read() }}",
    ])
      expect(render(hostile)).toHaveProperty('unrendered');
  });

  it('ends runaway loops and recursion as failures', () => {
    expect(render('{% for i in range(100000000) %}a{% endfor %}')).toEqual({
      unrendered: 'range() produced more than 20000 items',
    });
    // Within range()'s budget, but loops over lists multiply it past the step bound.
    const ten = '[1, 2, 3, 4, 5, 6, 7, 8, 9, 10]';
    const nested = `{% for a in range(10000) %}{% for b in ${ten} %}{% for c in ${ten} %}{% endfor %}{% endfor %}{% endfor %}`;
    expect(render(nested)).toEqual({
      unrendered: expect.stringMatching(
        /^rendering took more than 100000 steps/,
      ),
    });
    expect(
      render('{% macro f(n) %}{{ f(n) }}{% endmacro %}{{ f(1) }}'),
    ).toHaveProperty('unrendered');
    // A list extended by itself doubles: 2^40 items if nothing stopped it.
    expect(
      render(
        '{% set a = [1] %}{% for i in range(40) %}{% do a.extend(a) %}{% endfor %}{{ a | length }}',
      ),
    ).toEqual({ unrendered: 'lists grew by more than 20000 items' });
  });

  it('ends a value doubled in a loop before it holds the memory, naming it', () => {
    // Each would reach gigabytes within the step bound: 2^40 characters or items.
    const doubled = (init: string, step: string) =>
      render(
        `{% set ns = namespace(v=${init}) %}{% for i in range(40) %}{% set ns.v = ${step} %}{% endfor %}{{ ns.v | length }}`,
      );
    const tooLong = {
      unrendered: `a value grew past ${
        4 * 1024 * 1024
      } characters (a string doubled in a loop?)`,
    };
    expect(doubled("'ab'", 'ns.v ~ ns.v')).toEqual(tooLong);
    expect(doubled("'aa'", "ns.v | replace('a', 'aa')")).toEqual(tooLong);
    expect(doubled('[1]', 'ns.v + ns.v')).toEqual({
      unrendered: 'a value grew past 20000 items (a list doubled in a loop?)',
    });
    // Below the bounds, the same loops render.
    expect(
      render(
        "{% set ns = namespace(v='ab') %}{% for i in range(10) %}{% set ns.v = ns.v ~ ns.v %}{% endfor %}{{ ns.v | length }}",
      ),
    ).toEqual({ sql: '2048' });
  });
});
