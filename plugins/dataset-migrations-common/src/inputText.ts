import { z } from 'zod';

/**
 * A UTF-16 surrogate without its pair. JSON may escape one (`"\ud800"`), and
 * JavaScript keeps it, but it is no character: PostgreSQL's text and jsonb refuse it.
 */
const LONE_SURROGATE =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/**
 * Text PostgreSQL can store: its text and jsonb hold neither U+0000 nor a lone
 * UTF-16 surrogate, so a string with one would fail the first statement that
 * stores it (a 500, or worse, after work that cannot be undone); refused where
 * it is read, the 400 naming the field. Every free-text string a request
 * carries goes through this.
 *
 * @public
 */
export function withoutNul<T extends z.ZodString>(schema: T) {
  return schema.superRefine((value, ctx) => {
    if (value.includes('\u0000'))
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message: 'must not contain a NUL character (\\u0000)',
      });
    if (LONE_SURROGATE.test(value))
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        message:
          'must not contain a lone UTF-16 surrogate (\\ud800-\\udfff without its pair): it is not a character',
      });
  });
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
