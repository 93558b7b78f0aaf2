/**
 * dbt's own cross-database macros (its `dbt` package), the `default__` versions
 * dbt-postgres uses, for the renderer (`dbtRender.ts`). Each is called through
 * `adapter.dispatch`, so a project's own `postgres__`/`default__` version wins,
 * as in dbt. Arguments arrive as the engine passes them to JavaScript: strings
 * as strings, lists as lists of the engine's values.
 *
 * As dbt-adapters' global_project/macros/utils renders them on Postgres, where
 * `api.Column.translate_type('string')` is `TEXT`.
 */
export const DBT_INTERNAL_MACROS: Record<
  string,
  (...args: unknown[]) => string
> = {
  date_trunc: (datepart, date) =>
    `date_trunc('${text(datepart, 'a date part')}', ${text(date, 'a column')})`,
  type_string: () => STRING_TYPE,
  hash: field => `md5(cast(${text(field, 'a column')} as ${STRING_TYPE}))`,
  concat: fields => {
    if (!Array.isArray(fields))
      throw new Error('dbt.concat() needs a list of fields');
    return fields
      .map(f => text((f as { value?: unknown })?.value, 'fields as text'))
      .join(' || ');
  },
};

const STRING_TYPE = 'TEXT';

function text(value: unknown, what: string): string {
  if (typeof value !== 'string')
    throw new Error(`a dbt macro was given ${typeof value}, not ${what}`);
  return value;
}
