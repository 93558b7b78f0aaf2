/**
 * The logical field types a migration may target. Engines map them to their own
 * types; anything else is rejected before a migration is queued.
 */
export const FIELD_TYPES = [
  'smallint',
  'integer',
  'bigint',
  'numeric',
  'real',
  'double precision',
  'text',
  'boolean',
  'date',
  'timestamp',
  'timestamptz',
  'jsonb',
  'uuid',
] as const;

export type FieldType = (typeof FIELD_TYPES)[number];

export function isFieldType(value: string): value is FieldType {
  return (FIELD_TYPES as readonly string[]).includes(value);
}
