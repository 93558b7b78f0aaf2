import type { DatasetField } from '@dataset-migrations/plugin-dataset-migrations-common';
import { assessConsumer } from '../impact';
import { consumerMapping } from './fieldMapping';
import { withRenderedExpressions } from './dbtJinja';
import { loadSqlParser } from '../../sql/sqlParser';

// raw.raw_orders.tax_paid widens integer -> numeric, which divides with a
// fraction where integers did not (dbt-labs/jaffle-shop, corpus/jaffle_shop_v3).
const fields: DatasetField[] = [
  { name: 'id', type: 'integer', nullable: false, primaryKey: true },
  { name: 'tax_paid', type: 'integer', nullable: true, primaryKey: false },
];
const target = {
  schema: 'raw',
  table: 'raw_orders',
  fields: ['id', 'tax_paid'],
};
const widened = consumerMapping(fields, [
  { changeType: { field: 'tax_paid', type: 'numeric' } },
]);
const project = [
  { path: 'dbt_project.yml', content: 'name: shop\nvars:\n  scale: 2\n' },
  {
    path: 'models/__sources.yml',
    content:
      'sources:\n  - name: ecom\n    schema: raw\n    tables:\n      - name: raw_orders\n',
  },
];
const macros = (...lines: string[]) => ({
  path: 'macros/cents_to_dollars.sql',
  content: lines.join('\n'),
});
// jaffle-shop's macros/cents_to_dollars.sql: Postgres casts before dividing.
const jaffleShop = macros(
  '{% macro cents_to_dollars(column_name) -%}',
  "    {{ return(adapter.dispatch('cents_to_dollars')(column_name)) }}",
  '{%- endmacro %}',
  '{% macro default__cents_to_dollars(column_name) -%}',
  '    ({{ column_name }} / 100)::numeric(16, 2)',
  '{%- endmacro %}',
  '{% macro postgres__cents_to_dollars(column_name) -%}',
  '    ({{ column_name }}::numeric(16, 2) / 100)',
  '{%- endmacro %}',
);
const model = (sql: string) => ({
  path: 'models/stg_orders.sql',
  content: sql,
});
const stgOrders = model(
  [
    "with source as (select * from {{ source('ecom', 'raw_orders') }})",
    "select id, {{ cents_to_dollars('tax_paid') }} as tax_paid from source",
  ].join('\n'),
);
const statusOf = (files: Array<{ path: string; content: string }>) =>
  assessConsumer(files, target, widened).results.find(
    r => r.path === 'models/stg_orders.sql',
  );

beforeAll(() => loadSqlParser());

describe('Jinja where a column stands, decided by rendering it', () => {
  it('calls a model unaffected when its macro, rendered, casts the widened integer before dividing', () => {
    const result = statusOf([...project, jaffleShop, stgOrders]);
    expect(result?.status).toBe('unaffected');
    // Unaffected: the file is left as written, its Jinja unrendered.
    expect(result?.content).toBe(stgOrders.content);
  });

  it('leaves it to a person when the macro divides the integer first', () => {
    const divides = macros(
      '{% macro cents_to_dollars(column_name) -%}',
      '    ({{ column_name }} / 100)::numeric(16, 2)',
      '{%- endmacro %}',
    );
    expect(statusOf([...project, divides, stgOrders])).toMatchObject({
      status: 'needs-decision',
      impact: { problem: { message: expect.stringMatching(/"tax_paid"/) } },
    });
  });

  it('leaves it to a person when what the macro renders depends on how dbt is run', () => {
    // var() may be set on the command line, target differs between runs.
    for (const cast of [
      "{{ column_name }}::numeric(16, {{ var('scale') }})",
      "{% if target.name == 'prod' %}{{ column_name }}{% else %}{{ column_name }}::numeric{% endif %}",
    ]) {
      const dependent = macros(
        '{% macro cents_to_dollars(column_name) -%}',
        `    (${cast} / 100)`,
        '{%- endmacro %}',
      );
      expect(statusOf([...project, dependent, stgOrders])?.status).toBe(
        'needs-decision',
      );
    }
    // A macro the repository does not define is not rendered either.
    expect(statusOf([...project, stgOrders])?.status).toBe('needs-decision');
  });

  it('reads a name glued to Jinja as rendered', () => {
    const suffix = macros('{% macro paid() %}_paid{% endmacro %}');
    const glued = (sql: string) =>
      statusOf([
        ...project,
        suffix,
        model(`select id, ${sql} as t from {{ source('ecom', 'raw_orders') }}`),
      ])?.status;
    // `tax{{ paid() }}` is tax_paid read as it is: a widening it reads as is.
    expect(glued('tax{{ paid() }}')).toBe('unaffected');
    // Rendered, it divides the widened integer: still a person's decision.
    expect(glued('tax{{ paid() }} / 100')).toBe('needs-decision');
  });

  it('renders expressions but ref(), source() and config(), trimming whitespace as {{- -}} does', () => {
    const text =
      "{{ config(materialized='view') }}select a {{- x -}} b, {{ y }} from {{ ref('m') }} {# c #}";
    expect(
      withRenderedExpressions(text, e => (e.includes('y') ? '2' : '_1_')),
    ).toBe(
      "{{ config(materialized='view') }}select a_1_b, 2 from {{ ref('m') }} {# c #}",
    );
    // An expression it cannot render stays as written.
    expect(withRenderedExpressions('a {{- x }} b', () => undefined)).toBe(
      'a {{- x }} b',
    );
  });
});
