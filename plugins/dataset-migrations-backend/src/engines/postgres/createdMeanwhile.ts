/**
 * A CREATE (role, schema or table) that lost to another session creating the same object:
 * "already exists" when that one committed first, or a unique violation on the
 * catalog's name index when it committed while this one waited on it.
 */
export function createdMeanwhile(error: unknown): boolean {
  const { code, constraint } = error as { code?: string; constraint?: string };
  return (
    code === '42710' || // duplicate_object (a role)
    code === '42P06' || // duplicate_schema
    code === '42P07' || // duplicate_table
    (code === '23505' &&
      (constraint === 'pg_authid_rolname_index' ||
        constraint === 'pg_namespace_nspname_index' ||
        constraint === 'pg_type_typname_nsp_index' ||
        constraint === 'pg_class_relname_nsp_index'))
  );
}
