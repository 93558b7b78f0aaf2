/**
 * The logical field types a migration may target. Engines map them to their own
 * types; anything else is rejected before a migration is queued.
 *
 * @public
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

/** @public */
export type FieldType = (typeof FIELD_TYPES)[number];

/** @public */
export function isFieldType(value: string): value is FieldType {
  return (FIELD_TYPES as readonly string[]).includes(value);
}
