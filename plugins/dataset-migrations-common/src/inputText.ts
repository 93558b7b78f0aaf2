import { z } from 'zod';

/**
 * PostgreSQL's text and jsonb cannot hold U+0000, so a string with one would
 * fail the first statement that stores it (a 500); refused where it is read.
 *
 * @public
 */
export function withoutNul<T extends z.ZodString>(schema: T) {
  return schema.refine(
    value => !value.includes('\u0000'),
    'must not contain a NUL character (\\u0000)',
  );
}

/**
 * Longest entity reference accepted: `kind:namespace/name`, each part at most
 * 63 characters in the catalog, with room to spare. Longer ones never name an
 * entity, and sent to the catalog they come back as a misleading 431.
 *
 * @public
 */
export const ENTITY_REF_MAX_LENGTH = 300;

/**
 * A catalog entity reference in a request.
 *
 * @public
 */
export const entityRefSchema = withoutNul(
  z
    .string()
    .min(1, 'is required')
    .max(
      ENTITY_REF_MAX_LENGTH,
      `must be at most ${ENTITY_REF_MAX_LENGTH} characters`,
    ),
);

/**
 * PostgreSQL's own schemas (`pg_catalog`, `pg_toast`, `pg_temp_*`, any `pg_*`,
 * and `information_schema`): their tables are the server's, never a dataset.
 *
 * @public
 */
export function isSystemSchemaName(schema: string): boolean {
  const name = schema.toLowerCase();
  return name.startsWith('pg_') || name === 'information_schema';
}
