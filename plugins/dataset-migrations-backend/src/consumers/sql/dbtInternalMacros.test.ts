import type { Knex } from 'knex';
import { createTestDatabases } from '../../__testUtils__/testDatabases';
import { dbtProjectOf, type DbtProject } from './dbtProject';
import { renderDbtModel } from './dbtRender';

const plain = dbtProjectOf([
  { path: 'dbt_project.yml', content: 'name: shop\n' },
]);

function render(content: string, project: DbtProject = plain) {
  return renderDbtModel(content, {
    project,
    relation: r => (r.kind === 'ref' ? r.model : r.table),
    targetSchema: 'analytics',
    self: 'analytics.m',
  });
}

function rendered(content: string, project?: DbtProject): string {
  const result = render(content, project);
  if (!('sql' in result)) throw new Error(result.unrendered);
  return result.sql;
}

/**
 * dbt's layout aside: runs of whitespace as one space, none just inside
 * parentheses. dbt-postgres's output below is its macros' text with the
 * arguments put in, newlines and indentation as dbt leaves them.
 */
function tokens(sql: string): string {
  return sql
    .replace(/\s+/g, ' ')
    .replace(/\(\s/g, '(')
    .replace(/\s\)/g, ')')
    .trim();
}

/**
 * What dbt-postgres compiles each call to, written out by hand from
 * dbt-adapters' global_project/macros/utils and dbt-postgres's macros/utils
 * and macros/timestamps.sql (dbt-labs/dbt-adapters at 802d40f).
 */
const DBT_POSTGRES: Array<[string, string]> = [
  ["dbt.date_trunc('month', 'd')", "date_trunc('month', d)"],
  ["dbt.dateadd('day', 1, 'd')", "\n\n    d + ((interval '1 day') * (1))\n\n"],
  // Keyword arguments, a number for the interval, the global name.
  [
    "dateadd(datepart='month', interval=-3, from_date_or_timestamp='d')",
    "\n\n    d + ((interval '1 month') * (-3))\n\n",
  ],
  ["dbt.datediff('a', 'b', 'day')", '\n        ((b)::date - (a)::date)\n    '],
  [
    "dbt.datediff('a', 'b', 'year')",
    "\n        (date_part('year', (b)::date) - date_part('year', (a)::date))\n    ",
  ],
  [
    "dbt.datediff('a', 'b', 'month')",
    "\n        (\n        (date_part('year', (b)::date) - date_part('year', (a)::date))\n     * 12 + date_part('month', (b)::date) - date_part('month', (a)::date))\n    ",
  ],
  [
    "dbt.datediff('a', 'b', 'week')",
    "\n        (\n        ((b)::date - (a)::date)\n     / 7 + case\n            when date_part('dow', (a)::timestamp) <= date_part('dow', (b)::timestamp) then\n                case when a <= b then 0 else -1 end\n            else\n                case when a <= b then 1 else 0 end\n        end)\n    ",
  ],
  [
    "dbt.datediff('a', 'b', 'second')",
    "(((((b)::date - (a)::date) * 24 + date_part('hour', (b)::timestamp) - date_part('hour', (a)::timestamp)) * 60 + date_part('minute', (b)::timestamp) - date_part('minute', (a)::timestamp)) * 60 + floor(date_part('second', (b)::timestamp)) - floor(date_part('second', (a)::timestamp)))",
  ],
  [
    "dbt.last_day('d', 'month')",
    "cast(\n        \n\n    \n\n    date_trunc('month', d) + ((interval '1 month') * (1))\n\n + ((interval '1 day') * (-1))\n\n\n        as date)",
  ],
  [
    "dbt.last_day('d', 'quarter')",
    "-- postgres dateadd does not support quarter interval.\n    cast(\n        \n\n    \n\n    date_trunc('quarter', d) + ((interval '1 month') * (3))\n\n + ((interval '1 day') * (-1))\n\n\n        as date)",
  ],
  ['dbt.current_timestamp()', 'now()'],
  ['dbt.any_value("x")', 'min(x)'],
  ['dbt.bool_or("x")', 'bool_or(x)'],
  [
    'dbt.listagg("x")',
    "\n    string_agg(\n        x,\n        ','\n        \n        )",
  ],
  [
    "dbt.listagg('x', \"', '\", 'order by x')",
    "\n    string_agg(\n        x,\n        ', '\n        order by x\n        )",
  ],
  [
    "dbt.listagg('x', \"', '\", 'order by x', 2)",
    "array_to_string(\n        (array_agg(\n            x\n            order by x\n        ))[1:2],\n        ', '\n        )",
  ],
  [
    "dbt.split_part('s', \"','\", 2)",
    "\n    split_part(\n        s,\n        ',',\n        2\n        )\n",
  ],
  [
    "dbt.split_part('s', \"','\", -1)",
    "\n    split_part(\n        s,\n        ',',\n          length(s)\n          - length(\n              replace(s,  ',', '')\n          ) + 2 + -1\n        )\n",
  ],
  ["dbt.safe_cast('x', dbt.type_int())", '\n    \n    cast(x as integer)\n'],
  ["dbt.cast('x', dbt.type_numeric())", '\n    cast(x as numeric(28,6))\n'],
  ["dbt.cast_bool_to_text('b')", '\n    cast(b as TEXT)\n'],
  ["dbt.hash('x')", 'md5(cast(x as TEXT))'],
  ["dbt.concat(['a', \"'-'\", 'b'])", "a || '-' || b"],
  ['dbt.type_string()', 'TEXT'],
  ['dbt.type_timestamp()', 'timestamp'],
  ['dbt.type_float()', 'float'],
  ['dbt.type_bigint()', 'bigint'],
  ['dbt.type_boolean()', 'boolean'],
  ["dbt.string_literal('it')", "'it'"],
  ['dbt.escape_single_quotes("they\'re")', "they''re"],
  [
    "dbt.replace('x', \"'a'\", \"'b'\")",
    "\n    replace(\n        x,\n        'a',\n        'b'\n    )\n",
  ],
  ["dbt.length('x')", '\n    length(\n        x\n    )'],
  ["dbt.position(\"'b'\", 'x')", "\n    position(\n        'b' in x\n    )"],
  ["dbt.right('x', 2)", '\n    right(\n        x,\n        2\n    )'],
  ['dbt.date(2024, 2, 29)', "to_date('2024-02-29', 'YYYY-MM-DD')"],
  ["dbt.array_construct(['1', '2'])", '\n    array[ 1 , 2 ]\n    '],
  ['dbt.array_construct()', '\n    array[]::integer[]\n    '],
  ["dbt.array_append('a', '1')", 'array_append(a, 1)'],
  ["dbt.array_concat('a', 'b')", 'array_cat(a, b)'],
  ['dbt.except()', '\n    except\n'],
  ['dbt.intersect()', '\n    intersect\n'],
];

describe("dbt's cross-database macros", () => {
  it.each(DBT_POSTGRES)('renders %s as dbt-postgres does', (call, dbt) => {
    expect(tokens(rendered(`select {{ ${call} }}`))).toBe(
      `select ${tokens(dbt)}`,
    );
  });

  it('fails where dbt fails, with its reason', () => {
    expect(render("select {{ dbt.datediff('a', 'b', 'fortnight') }}")).toEqual({
      unrendered:
        "Unsupported datepart for macro datediff in postgres: 'fortnight'",
    });
    expect(render('select {{ dbt.date(2023, 2, 29) }}')).toEqual({
      unrendered: 'dbt.date(2023, 2, 29) is no date',
    });
    expect(render("select {{ dbt.split_part('s', ',', '2') }}")).toEqual({
      unrendered: 'dbt.split_part() needs a part number as a number',
    });
    expect(render("select {{ dbt.dateadd('day', 1) }}")).toEqual({
      unrendered: 'dbt.dateadd() needs its argument from_date_or_timestamp',
    });
    expect(render("select {{ dbt.length('x', lenght=2) }}")).toEqual({
      unrendered: 'dbt.length() has no argument lenght',
    });
    // Left out: what it renders depends on a behaviour flag.
    expect(render("select {{ dbt.equals('a', 'b') }}")).toMatchObject({
      unrendered: expect.stringMatching(/equals/),
    });
  });

  it("dispatches the macros they call, as dbt does: a project's dateadd is used by last_day and its own default__ beats dbt's postgres__", () => {
    const project = dbtProjectOf([
      { path: 'dbt_project.yml', content: 'name: shop\n' },
      {
        path: 'macros/dates.sql',
        content: [
          '{% macro default__dateadd(datepart, interval, from_date_or_timestamp) %}',
          '{{ from_date_or_timestamp }} + make_interval({{ datepart }}s => {{ interval }})',
          '{% endmacro %}',
          '{% macro postgres__datediff(first_date, second_date, datepart) %}',
          "{% if datepart == 'day' %}days({{ first_date }}, {{ second_date }}){% else %}{{ dbt.postgres__datediff(first_date, second_date, datepart) }}{% endif %}",
          '{% endmacro %}',
        ].join('\n'),
      },
    ]);
    expect(
      tokens(rendered("select {{ dbt.last_day('d', 'month') }}", project)),
    ).toBe(
      "select cast(date_trunc('month', d) + make_interval(months => 1) + make_interval(days => -1) as date)",
    );
    // dbt-postgres's week counts on the day difference it dispatches.
    expect(
      tokens(rendered("select {{ dbt.datediff('a', 'b', 'week') }}", project)),
    ).toMatch(/^select \(days\(a, b\) \/ 7 \+ case/);
  });
});

describe("dbt's cross-database macros and a model's own sets", () => {
  it("resolve the names they call without a model's variable of the same name", () => {
    // The model's `datediff` is a string; dbt-postgres's week calls the macro.
    const result = render(
      "{% set datediff = dbt.datediff('a', 'b', 'day') %}select {{ datediff }} as age, {{ dbt.datediff('a', 'b', 'week') }} as weeks",
    );
    expect(result).toHaveProperty('sql');
    expect(tokens((result as { sql: string }).sql)).toMatch(
      /^select \(\(b\)::date - \(a\)::date\) as age, \(\(\(b\)::date - \(a\)::date\) \/ 7 \+ case/,
    );
  });
});

describe("dbt's cross-database macros, overridden by a project", () => {
  // A project's own `datediff` that counts days its way and leaves the rest to dbt.
  const businessDays = dbtProjectOf([
    { path: 'dbt_project.yml', content: 'name: shop\n' },
    {
      path: 'macros/datediff.sql',
      content: [
        '{% macro datediff(first_date, second_date, datepart) %}',
        "{%- if datepart == 'day' %}business_days({{ first_date }}, {{ second_date }}){% else %}{{ dbt.datediff(first_date, second_date, datepart) }}{% endif -%}",
        '{% endmacro %}',
      ].join('\n'),
    },
  ]);

  it("renders the project's datediff where dbt-postgres's calls datediff without dbt., as dbt resolves it in the model's context", () => {
    // dbt.datediff dispatches to dbt-postgres's postgres__datediff, whose week
    // is written `datediff(first_date, second_date, 'day') / 7 + …`: dbt looks
    // that bare name up in the model's context, the root project's macros first.
    expect(
      tokens(
        rendered("select {{ dbt.datediff('a', 'b', 'week') }}", businessDays),
      ),
    ).toMatch(/^select \(business_days\(a, b\) \/ 7 \+ case/);
    // Called by the model, the project's own macro, then dbt's through it.
    expect(
      tokens(rendered("select {{ datediff('a', 'b', 'hour') }}", businessDays)),
    ).toMatch(/^select \(business_days\(a, b\) \* 24 \+ date_part\('hour'/);
    // dbt's last_day calls dbt.dateadd, which the project's bare macros do not replace.
    expect(
      tokens(rendered("select {{ dbt.last_day('d', 'month') }}", businessDays)),
    ).toBe(tokens(rendered("select {{ dbt.last_day('d', 'month') }}", plain)));
  });

  it("searches the project's own macros, then dbt's, and without a namespace finds dbt-postgres's as dbt does", () => {
    const project = dbtProjectOf([
      { path: 'dbt_project.yml', content: 'name: shop\n' },
      {
        path: 'macros/m.sql',
        content: [
          // The project's default__ comes before dbt-postgres's postgres__.
          '{% macro default__any_value(e) %}max({{ e }}){% endmacro %}',
          // No namespace: dbt searches the model's context, which ends with dbt's own.
          "{% macro days(a, b) %}{{ return(adapter.dispatch('datediff')(a, b, 'day')) }}{% endmacro %}",
        ].join('\n'),
      },
    ]);
    expect(rendered("select {{ dbt.any_value('x') }}", project)).toBe(
      'select max(x)',
    );
    expect(
      tokens(
        rendered(
          "select {{ days('a', 'b') }}, {{ postgres__dateadd('day', 1, 'd') }}",
          project,
        ),
      ),
    ).toBe("select ((b)::date - (a)::date), d + ((interval '1 day') * (1))");
  });
});

describe("dbt's cross-database macros, run on Postgres", () => {
  const { init } = createTestDatabases();
  let db: Knex;
  beforeAll(async () => {
    db = await init();
  }, 60_000);

  it('compute what dbt documents them to', async () => {
    const model = `
      with v(x) as (values ('c'), ('a'), ('b'))
      select
        {{ dbt.dateadd('day', 1, "date '2024-02-28'") }} as next_day,
        {{ dbt.dateadd('month', -3, "date '2024-05-31'") }} as months_back,
        {{ dbt.datediff("date '2024-01-31'", "date '2024-03-01'", 'month') }} as months,
        {{ dbt.datediff("date '2024-01-01'", "date '2024-01-15'", 'week') }} as weeks,
        {{ dbt.datediff("timestamp '2024-01-01 10:00'", "timestamp '2024-01-02 09:30'", 'hour') }} as hours,
        {{ dbt.datediff("timestamp '2024-01-01 10:00:00'", "timestamp '2024-01-01 10:01:05'", 'second') }} as seconds,
        {{ dbt.last_day("date '2024-02-10'", 'month') }} as end_of_month,
        {{ dbt.last_day("date '2024-02-10'", 'quarter') }} as end_of_quarter,
        {{ dbt.split_part("'a,b,c'", "','", -1) }} as last_part,
        {{ dbt.split_part("'a,b,c'", "','", 2) }} as second_part,
        (select {{ dbt.listagg('x', "', '", 'order by x', 2) }} from v) as first_two,
        (select {{ dbt.listagg('x') }} from v) as listed,
        (select {{ dbt.any_value('x') }} from v) as any_x,
        {{ dbt.position("'b'", "'abc'") }} as pos,
        {{ dbt.right("'abc'", 2) }} as tail,
        {{ dbt.length("'abc'") }} as len,
        {{ dbt.replace("'abc'", "'b'", "'x'") }} as swapped,
        {{ dbt.date(2024, 2, 29) }} as leap_day,
        {{ dbt.cast_bool_to_text('true') }} as flag,
        {{ dbt.safe_cast("'1.23456789'", dbt.type_numeric()) }} as amount,
        {{ dbt.cast("'2024-01-01 12:00'", dbt.type_timestamp()) }} as ts,
        '{{ dbt.escape_single_quotes("they're") }}' as quoted,
        {{ dbt.string_literal('plain') }} as literal,
        {{ dbt.array_construct(['1', '2']) }} as arr,
        {{ dbt.array_append(dbt.array_construct(), '3') }} as appended,
        {{ dbt.concat(["'a'", "'b'"]) }} as joined,
        {{ dbt.hash("'a'") }} as hashed,
        {{ dbt.current_timestamp() }} is not null as has_now
    `;
    const { rows } = await db.raw(rendered(model));
    expect(rows).toEqual([
      {
        next_day: new Date('2024-02-29T00:00:00'),
        months_back: new Date('2024-02-29T00:00:00'),
        months: 2,
        weeks: 2,
        hours: 23,
        seconds: 65,
        end_of_month: new Date('2024-02-29T00:00:00'),
        end_of_quarter: new Date('2024-03-31T00:00:00'),
        last_part: 'c',
        second_part: 'b',
        first_two: 'a, b',
        listed: 'c,a,b',
        any_x: 'a',
        pos: 2,
        tail: 'bc',
        len: 3,
        swapped: 'axc',
        leap_day: new Date('2024-02-29T00:00:00'),
        flag: 'true',
        amount: '1.234568',
        ts: new Date('2024-01-01T12:00:00'),
        quoted: "they're",
        literal: 'plain',
        arr: [1, 2],
        appended: [3],
        joined: 'ab',
        hashed: '0cc175b9c0f1b6a831c399e269772661',
        has_now: true,
      },
    ]);
  });
});
