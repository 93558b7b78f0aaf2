/**
 * dbt's own cross-database macros (its `dbt` package) as dbt-postgres renders
 * them, for the renderer (`dbtRender.ts`): the `postgres__` version where
 * dbt-postgres has one, else the `default__` one. Each is called through
 * `adapter.dispatch`, so a project's own `postgres__`/`default__` version wins,
 * as in dbt; so do the macros these call (`dateadd` in `last_day`), which dbt
 * dispatches too. A call the macro's source writes without `dbt.` (dbt-postgres's
 * `datediff` by the week calls `datediff(…, 'day')`) resolves as the model's
 * names do, where a project's own macro of that name comes first.
 *
 * Written from dbt-adapters' `global_project/macros/utils` and dbt-postgres's
 * `macros/utils` and `macros/timestamps.sql` (dbt-labs/dbt-adapters at
 * 802d40f, August 2026), where `api.Column.translate_type` maps `string` to
 * `TEXT` and gives every other name back as it is. The SQL is theirs token for
 * token; only the layout (newlines, indentation) is not kept. What dbt would
 * refuse (a date part `datediff` does not know) fails the render with dbt's
 * reason. `equals` is left out: what it renders depends on a behaviour flag
 * the renderer does not read.
 */
export interface InternalMacro {
  /** The version dbt-postgres takes: `postgres__` when it has its own. */
  prefix: 'postgres__' | 'default__';
  /** The macro's parameters, in order, each with its default when it has one. */
  params: Array<string | [name: string, fallback: unknown]>;
  /** The SQL, given the arguments by name and a way to call another macro as the macro's source does. */
  render(args: Arguments, call: DbtCall): string;
}

export type Arguments = Record<string, unknown>;
/**
 * Calls a macro by the name the macro's source calls it: `dbt.dateadd` is dbt's
 * (which dispatches), a bare `datediff` whatever the model's context names so.
 */
export type DbtCall = (name: string, ...args: unknown[]) => string;

const types = {
  // api.Column.translate_type: only `string` has a label of its own.
  type_string: 'TEXT',
  type_timestamp: 'timestamp',
  type_float: 'float',
  type_bigint: 'bigint',
  type_int: 'integer',
  type_boolean: 'boolean',
  // api.Column.numeric_type('numeric', 28, 6)
  type_numeric: 'numeric(28,6)',
};

/** `datediff`'s date parts on Postgres: each below `year` built on the next larger one. */
function datediff(
  { first_date: first, second_date: second, datepart }: Arguments,
  call: DbtCall,
): string {
  const [f, s] = [sql(first), sql(second)];
  const part = (p: string, cast: 'date' | 'timestamp') =>
    `date_part('${p}', (${s})::${cast}) - date_part('${p}', (${f})::${cast})`;
  const floored = (p: string) =>
    `floor(date_part('${p}', (${s})::timestamp)) - floor(date_part('${p}', (${f})::timestamp))`;
  // dbt-postgres writes `datediff(…)`, not `dbt.datediff(…)`: a project's own wins.
  const on = (p: string) => call('datediff', first, second, p);
  switch (datepart) {
    case 'year':
      return `(${part('year', 'date')})`;
    case 'quarter':
      return `(${on('year')} * 4 + ${part('quarter', 'date')})`;
    case 'month':
      return `(${on('year')} * 12 + ${part('month', 'date')})`;
    case 'day':
      return `((${s})::date - (${f})::date)`;
    case 'week':
      return `(${on(
        'day',
      )} / 7 + case when date_part('dow', (${f})::timestamp) <= date_part('dow', (${s})::timestamp) then case when ${f} <= ${s} then 0 else -1 end else case when ${f} <= ${s} then 1 else 0 end end)`;
    case 'hour':
      return `(${on('day')} * 24 + ${part('hour', 'timestamp')})`;
    case 'minute':
      return `(${on('hour')} * 60 + ${part('minute', 'timestamp')})`;
    case 'second':
      return `(${on('minute')} * 60 + ${floored('second')})`;
    case 'millisecond':
      return `(${on('minute')} * 60000 + ${floored('millisecond')})`;
    case 'microsecond':
      return `(${on('minute')} * 60000000 + ${floored('microsecond')})`;
    default:
      throw new Error(
        `Unsupported datepart for macro datediff in postgres: ${pythonRepr(
          datepart,
        )}`,
      );
  }
}

/** dbt's `default_last_day`, and dbt-postgres's quarter, which Postgres intervals lack. */
function lastDay({ date, datepart }: Arguments, call: DbtCall): string {
  const quarter = datepart === 'quarter';
  const start = call('dbt.date_trunc', datepart, date);
  const next = call(
    'dbt.dateadd',
    quarter ? 'month' : datepart,
    quarter ? '3' : '1',
    start,
  );
  // dbt-postgres prints its comment into the SQL, on a line of its own.
  return `${
    quarter ? '-- postgres dateadd does not support quarter interval.\n' : ''
  }cast(${call('dbt.dateadd', 'day', '-1', next)} as date)`;
}

function listagg({
  measure,
  delimiter_text: delimiter,
  order_by_clause: orderBy,
  limit_num: limit,
}: Arguments): string {
  const order = truthy(orderBy) ? ` ${sql(orderBy)}` : '';
  if (truthy(limit))
    return `array_to_string((array_agg(${sql(measure)}${order}))[1:${sql(
      limit,
    )}], ${sql(delimiter)})`;
  return `string_agg(${sql(measure)}, ${sql(delimiter)}${order})`;
}

function splitPart({
  string_text: text,
  delimiter_text: delimiter,
  part_number: part,
}: Arguments): string {
  if (typeof part !== 'number')
    throw new Error('dbt.split_part() needs a part number as a number');
  const [t, d] = [sql(text), sql(delimiter)];
  // Counted from the end: the delimiters in the text, by what removing them takes away.
  const position =
    part >= 0
      ? sql(part)
      : `length(${t}) - length(replace(${t}, ${d}, '')) + 2 + ${sql(part)}`;
  return `split_part(${t}, ${d}, ${position})`;
}

/** dbt's `modules.datetime.date(…)`, formatted `%Y-%m-%d`: a date that exists, or dbt fails. */
function isoDate({ year, month, day }: Arguments): string {
  const parts = [year, month, day];
  if (!parts.every(Number.isInteger))
    throw new Error('dbt.date() needs a year, a month and a day as integers');
  const [y, m, d] = parts as number[];
  const date = new Date(Date.UTC(2000, m - 1, d));
  date.setUTCFullYear(y);
  if (
    y < 1000 ||
    y > 9999 ||
    date.getUTCMonth() !== m - 1 ||
    date.getUTCDate() !== d
  )
    throw new Error(`dbt.date(${y}, ${m}, ${d}) is no date`);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `to_date('${y}-${pad(m)}-${pad(d)}', 'YYYY-MM-DD')`;
}

export const DBT_INTERNAL_MACROS: Record<string, InternalMacro> = {
  ...Object.fromEntries(
    Object.entries(types).map(([name, type]) => [
      name,
      { prefix: 'default__', params: [], render: () => type },
    ]),
  ),
  date_trunc: fixed(
    ['datepart', 'date'],
    a => `date_trunc('${sql(a.datepart)}', ${sql(a.date)})`,
  ),
  dateadd: {
    prefix: 'postgres__',
    params: ['datepart', 'interval', 'from_date_or_timestamp'],
    render: a =>
      `${sql(a.from_date_or_timestamp)} + ((interval '1 ${sql(
        a.datepart,
      )}') * (${sql(a.interval)}))`,
  },
  datediff: {
    prefix: 'postgres__',
    params: ['first_date', 'second_date', 'datepart'],
    render: datediff,
  },
  last_day: {
    prefix: 'postgres__',
    params: ['date', 'datepart'],
    render: lastDay,
  },
  current_timestamp: {
    prefix: 'postgres__',
    params: [],
    render: () => 'now()',
  },
  date: fixed(['year', 'month', 'day'], isoDate),
  hash: fixed(
    ['field'],
    a => `md5(cast(${sql(a.field)} as ${types.type_string}))`,
  ),
  concat: fixed(['fields'], ({ fields }) => {
    if (!Array.isArray(fields))
      throw new Error('dbt.concat() needs a list of fields');
    return fields.map(f => sql((f as { value?: unknown })?.value)).join(' || ');
  }),
  cast: fixed(
    ['field', 'type'],
    a => `cast(${sql(a.field)} as ${sql(a.type)})`,
  ),
  // Most databases have no safe cast, dbt says: a plain cast.
  safe_cast: fixed(
    ['field', 'type'],
    a => `cast(${sql(a.field)} as ${sql(a.type)})`,
  ),
  cast_bool_to_text: fixed(
    ['field'],
    a => `cast(${sql(a.field)} as ${types.type_string})`,
  ),
  // Postgres has no any_value(): dbt-postgres takes min().
  any_value: {
    prefix: 'postgres__',
    params: ['expression'],
    render: a => `min(${sql(a.expression)})`,
  },
  bool_or: fixed(['expression'], a => `bool_or(${sql(a.expression)})`),
  listagg: {
    prefix: 'postgres__',
    params: [
      'measure',
      ['delimiter_text', "','"],
      ['order_by_clause', null],
      ['limit_num', null],
    ],
    render: listagg,
  },
  split_part: {
    prefix: 'postgres__',
    params: ['string_text', 'delimiter_text', 'part_number'],
    render: splitPart,
  },
  replace: fixed(
    ['field', 'old_chars', 'new_chars'],
    a => `replace(${sql(a.field)}, ${sql(a.old_chars)}, ${sql(a.new_chars)})`,
  ),
  length: fixed(['expression'], a => `length(${sql(a.expression)})`),
  position: fixed(
    ['substring_text', 'string_text'],
    a => `position(${sql(a.substring_text)} in ${sql(a.string_text)})`,
  ),
  right: fixed(
    ['string_text', 'length_expression'],
    a => `right(${sql(a.string_text)}, ${sql(a.length_expression)})`,
  ),
  // No escaping: dbt prints the value between quotes as it is.
  string_literal: fixed(['value'], a => `'${sql(a.value)}'`),
  escape_single_quotes: fixed(['expression'], a =>
    sql(a.expression).replace(/'/g, "''"),
  ),
  array_append: fixed(
    ['array', 'new_element'],
    a => `array_append(${sql(a.array)}, ${sql(a.new_element)})`,
  ),
  array_concat: fixed(
    ['array_1', 'array_2'],
    a => `array_cat(${sql(a.array_1)}, ${sql(a.array_2)})`,
  ),
  array_construct: fixed(
    [
      ['inputs', []],
      ['data_type', 'integer'],
    ],
    ({ inputs, data_type: type }) => {
      if (!Array.isArray(inputs))
        throw new Error('dbt.array_construct() needs a list of inputs');
      return inputs.length > 0
        ? `array[ ${inputs
            .map(i => sql((i as { value?: unknown })?.value ?? i))
            .join(' , ')} ]`
        : `array[]::${sql(type)}[]`;
    },
  ),
  except: fixed([], () => 'except'),
  intersect: fixed([], () => 'intersect'),
};

/** A macro dbt-postgres takes in its `default__` version. */
function fixed(
  params: InternalMacro['params'],
  render: InternalMacro['render'],
): InternalMacro {
  return { prefix: 'default__', params, render };
}

/**
 * The arguments by name, as Jinja binds a macro's: by position, then by
 * keyword (the engine's keyword map comes last), then the defaults.
 */
export function bindArguments(
  name: string,
  { params }: InternalMacro,
  args: unknown[],
): Arguments {
  const last = args[args.length - 1];
  const keywords = last instanceof Map ? (last as Map<string, unknown>) : null;
  const given = keywords ? args.slice(0, -1) : args;
  if (given.length > params.length)
    throw new Error(`dbt.${name}() takes at most ${params.length} arguments`);
  const bound: Arguments = {};
  params.forEach((param, i) => {
    const [key, fallback] = typeof param === 'string' ? [param] : param;
    const keyword = keywords?.get(key);
    let value: unknown;
    if (i < given.length) value = given[i];
    else if (keyword !== undefined)
      value = (keyword as { value?: unknown }).value;
    else if (typeof param !== 'string') value = fallback;
    if (value === undefined)
      throw new Error(`dbt.${name}() needs its argument ${key}`);
    bound[key] = value;
  });
  for (const key of keywords?.keys() ?? [])
    if (!params.some(p => (typeof p === 'string' ? p : p[0]) === key))
      throw new Error(`dbt.${name}() has no argument ${key}`);
  return bound;
}

/** A value as Jinja prints it into SQL: text as it is, numbers as Python writes them. */
function sql(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' && Number.isFinite(value)) return String(value);
  throw new Error(
    `a dbt macro was given ${
      value === null ? 'none' : typeof value
    }, not SQL text or a number`,
  );
}

/** Jinja's truth: none, false, 0, '' and empty lists are false. */
function truthy(value: unknown): boolean {
  if (Array.isArray(value)) return value.length > 0;
  return !!value;
}

function pythonRepr(value: unknown): string {
  return typeof value === 'string' ? `'${value}'` : String(value);
}
