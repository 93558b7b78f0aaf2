import { z } from 'zod';

/**
 * A UTF-16 surrogate without its pair. JSON may escape one (`"\ud800"`), and
 * JavaScript keeps it, but it is no character: PostgreSQL's text and jsonb refuse it.
 */
const LONE_SURROGATE =
  /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;

/** What makes text unfit to keep: the problem named, or undefined when it is fine. */
type TextCheck = (value: string) => string | undefined;

/** PostgreSQL's text and jsonb hold neither U+0000 nor a lone UTF-16 surrogate. */
const STORABLE: TextCheck[] = [
  value =>
    value.includes('\u0000')
      ? 'must not contain a NUL character (\\u0000)'
      : undefined,
  value =>
    LONE_SURROGATE.test(value)
      ? 'must not contain a lone UTF-16 surrogate (\\ud800-\\udfff without its pair): it is not a character'
      : undefined,
];

/**
 * Bidirectional formatting controls (U+202A–U+202E, U+2066–U+2069). Shown to
 * others, one reorders what follows it, so a reason could make the name and date
 * beside it read as someone else's.
 */
const BIDI_CONTROL = /[\u202a-\u202e\u2066-\u2069]/;

const UNREORDERED: TextCheck = value => {
  const found = BIDI_CONTROL.exec(value);
  return found
    ? `must not contain a bidirectional formatting control (\\u${found[0]
        .charCodeAt(0)
        .toString(16)}): it would reorder the text shown after it`
    : undefined;
};

function refusing<T extends z.ZodString>(schema: T, checks: TextCheck[]) {
  return schema.superRefine((value, ctx) => {
    for (const check of checks) {
      const message = check(value);
      if (message) ctx.addIssue({ code: z.ZodIssueCode.custom, message });
    }
  });
}

/**
 * Text PostgreSQL can store: a string with U+0000 or a lone surrogate would fail
 * the first statement that stores it (a 500, or worse, after work that cannot be
 * undone); refused where it is read, the 400 naming the field. Every free-text
 * string a request carries goes through this.
 *
 * @public
 */
export function withoutNul<T extends z.ZodString>(schema: T) {
  return refusing(schema, STORABLE);
}

/**
 * Text a person writes for others to read (reasons, comments, titles): text
 * PostgreSQL can store ({@link withoutNul}) without bidirectional formatting
 * controls, refused with the 400 naming the field. Right-to-left letters are
 * text like any other.
 *
 * @public
 */
export function personText<T extends z.ZodString>(schema: T) {
  return refusing(schema, [...STORABLE, UNREORDERED]);
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
