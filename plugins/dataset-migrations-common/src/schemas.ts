import { z } from 'zod';
import { FIELD_TYPES, isFieldType } from './fieldTypes';
import { CONSUMER_DECISION_KINDS, CONSUMER_STATES } from './consumers';
import {
  entityRefSchema,
  isSystemSchemaName,
  personText,
  withoutNul,
} from './inputText';

/** Field names become SQL identifiers; keep them to the portable, unquoted form. */
const fieldName = z
  .string()
  .regex(
    /^[a-z_][a-z0-9_]*$/,
    'must start with a lower-case letter or _ and hold only a-z, 0-9 and _',
  )
  .max(63, 'must be at most 63 characters');

const fieldType = z.string().refine(isFieldType, value => ({
  message:
    value === ''
      ? `no type chosen (one of: ${FIELD_TYPES.join(', ')})`
      : `unsupported type "${value}" (supported: ${FIELD_TYPES.join(', ')})`,
}));

/**
 * A SQL expression over the source version's fields, e.g. `duration_ms / 1000.0`.
 * It is embedded in the engine's statements, so statement separators, comments,
 * dollar quotes and subqueries are refused outright here; the engine then reads it
 * with its own parser (Postgres: source fields only, deterministic built-ins only).
 * What it computes is shown in the plan for review, so it is read as a person's
 * text: no control that would reorder what the reviewer sees.
 */
const expression = personText(
  z
    .string()
    .trim()
    .min(1, 'must not be empty')
    .max(2000, 'must be at most 2000 characters'),
).refine(
  sql => !/;|--|\/\*|\$|\bselect\b/i.test(sql),
  'must be one expression over the row: no ";", comments, "$" or subqueries',
);

const renameField = z
  .object({
    renameField: z.object({ from: fieldName, to: fieldName }).strict(),
  })
  .strict();

const addField = z
  .object({
    addField: z
      .object({
        name: fieldName,
        type: fieldType,
        default: z
          .union([
            withoutNul(
              z.string().max(10_000, 'must be at most 10000 characters'),
            ),
            z.number(),
            z.boolean(),
            z.null(),
          ])
          .optional(),
        /** Computes the new field from the source row instead of a constant. */
        expression: expression.optional(),
      })
      .strict()
      .superRefine((add, ctx) => {
        if (add.default !== undefined && add.expression !== undefined)
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message: 'takes a default or an expression, not both',
          });
        if (readsTheClock(add.type, add.default))
          ctx.addIssue({
            code: z.ZodIssueCode.custom,
            message:
              "'now', 'today', 'tomorrow' and 'yesterday' are read as the time each value is cast, so rows copied at different moments would differ from each other and from the check after the copy: give a fixed time, e.g. '2026-01-01 00:00:00+00'",
            path: ['default'],
          });
      }),
  })
  .strict();

/**
 * A date or time default PostgreSQL reads from the clock when it is cast
 * (`'now'::timestamptz`): ALTER TABLE casts it once, a copy in batches once a
 * batch (found by a probe, 2026-12-07: verify failed on every such run).
 */
function readsTheClock(type: string, value: unknown): boolean {
  return (
    (type === 'date' || type === 'timestamp' || type === 'timestamptz') &&
    typeof value === 'string' &&
    // A word anywhere: 'today 10:00' takes the date from the clock.
    /\b(?:now|today|tomorrow|yesterday)\b/i.test(value)
  );
}

const dropField = z
  .object({ dropField: z.object({ name: fieldName }).strict() })
  .strict();

const changeType = z
  .object({
    changeType: z
      .object({
        field: fieldName,
        type: fieldType,
        /** How to convert, when a plain cast will not do, e.g. `round(score * 100)`. */
        using: expression.optional(),
      })
      .strict(),
  })
  .strict();

/** Recomputes an existing field's values, keeping its name and type. */
const deriveField = z
  .object({
    deriveField: z.object({ field: fieldName, expression }).strict(),
  })
  .strict();

/** @public */
export const fieldChangeSchema = z.union([
  renameField,
  addField,
  dropField,
  changeType,
  deriveField,
]);

/** @public */
export type FieldChange = z.infer<typeof fieldChangeSchema>;

/**
 * At most 200 changes (and at least `min`), counted before any is read: 20,000
 * changes, each read against every kind of change, held a request for 10 s
 * before the count refused them.
 *
 * @public
 */
export function fieldChangeList(min = 0) {
  return z
    .array(z.unknown())
    .min(min, 'must hold at least one change')
    .max(200, 'must hold at most 200 changes')
    .pipe(z.array(fieldChangeSchema));
}

/**
 * Where this package keeps the spec's published JSON Schema (generate:schema writes it).
 *
 * @public
 */
export const SPEC_JSON_SCHEMA_PATH = 'schema/migration-spec.v1.schema.json';

/**
 * The version of the migration spec format; documents without one are read as v1.
 *
 * @public
 */
export const MIGRATION_SPEC_API_VERSION = 'dataset-migrations.io/v1';

/**
 * The highest version a migration may go to: versions are stored as 32-bit
 * integers, and the largest one would leave the dataset no next version.
 *
 * @public
 */
export const MAX_TARGET_VERSION = 2_147_483_646;

/**
 * A migration spec: the machine-readable mapping from one schema version of a
 * dataset to the next. The same document is the API request, the input to code
 * generation and what a reviewer approves; JSON or YAML.
 *
 * @public
 */
export const createMigrationRequestSchema = z
  .object({
    apiVersion: z.literal(MIGRATION_SPEC_API_VERSION).optional(),
    kind: z.literal('MigrationSpec').optional(),
    entityRef: entityRefSchema,
    targetVersion: z
      .number({ invalid_type_error: 'must be a number' })
      .int('must be a whole number')
      .positive('must be above 0')
      .max(
        MAX_TARGET_VERSION,
        `must be at most ${MAX_TARGET_VERSION}: versions are 32-bit integers, and a later migration needs a version above this one`,
      ),
    changes: fieldChangeList(),
    /** Moves the dataset to a new name, or to another schema (`schema.name`). */
    renameDataset: z
      .object({
        to: z
          .string()
          .regex(
            /^([a-z_][a-z0-9_]{0,62}\.)?[a-z_][a-z0-9_]{0,59}$/,
            'must be name or schema.name in lower-case letters, digits and _ (a name of at most 60 characters, leaving room for its version suffix)',
          )
          .refine(
            to => !(to.includes('.') && isSystemSchemaName(to.split('.')[0])),
            'must not be in a system schema (pg_* or information_schema)',
          ),
      })
      .strict()
      .optional(),
    dryRun: z.boolean().optional().default(false),
  })
  .strict()
  .refine(spec => spec.changes.length > 0 || spec.renameDataset, {
    path: ['changes'],
    message: 'must hold at least one change, or renameDataset',
  });

/** @public */
export type CreateMigrationRequest = z.input<
  typeof createMigrationRequestSchema
>;

/**
 * Turns zod issues into one line each that names where the problem is, e.g.
 * `changes[0].renameField.to: must start with …`. A failed union reports the
 * closest branch's problems, so the user hears about the field they meant.
 *
 * @public
 */
export function describeIssues(error: z.ZodError): string[] {
  return error.issues.flatMap(issue => describeIssue(issue, []));
}

function describeIssue(
  issue: z.ZodIssue,
  prefix: (string | number)[],
): string[] {
  const path = [...prefix, ...issue.path];
  if (issue.code === 'invalid_union') {
    const closest = [...issue.unionErrors].sort(
      (a, b) => depthOf(b) - depthOf(a),
    )[0];
    if (closest && depthOf(closest) > path.length) {
      return closest.issues.flatMap(inner => describeIssue(inner, prefix));
    }
    return [
      atPath(
        path,
        'must be one of renameField, addField, dropField, changeType, deriveField',
      ),
    ];
  }
  if (issue.code === 'unrecognized_keys') {
    // zod names every key in full: thousands, or one of a megabyte, would make
    // the 400 (and the audit event that records it) as large as the body.
    return [
      atPath(
        path,
        `Unrecognized key(s) in object: ${namedFewKeys(
          issue.keys.map(key => `'${cutShort(key)}'`),
        )}`,
      ),
    ];
  }
  return [atPath(path, issue.message)];
}

/** How many unknown keys a message names before it counts the rest. */
const KEYS_NAMED_AT_MOST = 10;

/** The longest part of a path or key a message repeats from a request. */
const NAME_SHOWN_AT_MOST = 100;

function namedFewKeys(keys: string[]): string {
  if (keys.length <= KEYS_NAMED_AT_MOST) return keys.join(', ');
  return `${keys.slice(0, KEYS_NAMED_AT_MOST).join(', ')} and ${
    keys.length - KEYS_NAMED_AT_MOST
  } more (${keys.length} in all)`;
}

/**
 * A name from a request as a message repeats it: its start, marked when cut.
 *
 * @public
 */
export function cutShort(name: string): string {
  return name.length <= NAME_SHOWN_AT_MOST
    ? name
    : `${name.slice(0, NAME_SHOWN_AT_MOST)}…(cut short: ${
        name.length - NAME_SHOWN_AT_MOST
      } more characters)`;
}

/** How far into the value a union branch got before failing. */
function depthOf(error: z.ZodError): number {
  const unrecognised = error.issues.some(i => i.code === 'unrecognized_keys');
  const deepest = Math.max(...error.issues.map(i => i.path.length));
  return unrecognised ? 0 : deepest;
}

/** One part of a path as written: an index in brackets, a key after a dot but the first. */
function formatPathPart(part: string | number, i: number): string {
  if (typeof part === 'number') return `[${part}]`;
  return i === 0 ? cutShort(part) : `.${cutShort(part)}`;
}

/**
 * A problem at its path; one with the whole value (a body, an id) is said alone:
 * the message already names what was invalid (`Invalid campaign id: …`).
 */
function atPath(path: (string | number)[], problem: string): string {
  if (path.length === 0) return problem;
  return `${path.map(formatPathPart).join('')}: ${problem}`;
}

/**
 * The most content `POST /rewrite-preview` rewrites in one request, all files
 * together. Parsing and rewriting run on the backend's event loop at about
 * 20 ms per KiB of dense SQL on a loaded 2-core machine, so this keeps every
 * other request (health included) waiting at most a second or two.
 *
 * @public
 */
export const MAX_REWRITE_PREVIEW_CHARACTERS = 64 * 1024;

/**
 * `POST /rewrite-preview`: what the rewriter makes of files under a mapping, without a repository.
 *
 * @public
 */
export const rewritePreviewRequestSchema = z
  .object({
    entityRef: entityRefSchema,
    changes: fieldChangeList(),
    /** The spec's `renameDataset`: files are rewritten to read the new name. */
    renameDataset: createMigrationRequestSchema.innerType().shape.renameDataset,
    files: z
      .array(
        z
          .object({
            path: withoutNul(z.string().min(1, 'is required').max(1000)),
            content: withoutNul(z.string()),
          })
          .strict(),
      )
      .min(1, 'must hold at least one file')
      .max(500, 'must hold at most 500 files')
      .refine(
        files =>
          files.reduce((sum, f) => sum + f.content.length, 0) <=
          MAX_REWRITE_PREVIEW_CHARACTERS,
        `must hold at most ${MAX_REWRITE_PREVIEW_CHARACTERS} characters of content in all (64 KiB): the backend parses every statement while other requests wait`,
      ),
  })
  .strict()
  .refine(request => request.changes.length > 0 || request.renameDataset, {
    path: ['changes'],
    message: 'must hold at least one change, or renameDataset',
  });

/** @public */
export type RewritePreviewRequest = z.input<typeof rewritePreviewRequestSchema>;

/**
 * `POST /impact`: which consumers a mapping would affect, before anything is
 * queued. Takes a whole migration spec (JSON or YAML); only the dataset and the
 * changes matter.
 *
 * @public
 */
export const impactPreviewRequestSchema = createMigrationRequestSchema
  .innerType()
  .partial({ targetVersion: true })
  .strict();

/** @public */
export type ImpactPreviewRequest = z.input<typeof impactPreviewRequestSchema>;

/**
 * `POST /migrations/:id/consumers/retry`: failed consumers to try again; all when
 * omitted. Refused (403, nothing retried) unless the caller may update every one,
 * or, with `allowedOnly`, those the caller may update are retried and the others
 * named in the answer.
 *
 * @public
 */
export const retryConsumersRequestSchema = z
  .object({
    entityRefs: z.array(entityRefSchema).max(5000).optional(),
    allowedOnly: z.boolean().optional(),
  })
  .strict();

/** @public */
export type RetryConsumersRequest = z.input<typeof retryConsumersRequestSchema>;

/**
 * The body of a gated action (`POST /migrations/:id/contract`, `/rollback`):
 * empty, or an override with the reason a person goes ahead although the rules
 * refuse (consumers not moved; merged patches). The reason is kept with the run.
 *
 * @public
 */
export const overrideRequestSchema = z
  .object({
    override: z
      .object({
        reason: personText(
          z
            .string({ required_error: 'is required' })
            .trim()
            .min(1, 'must say why')
            .max(2000),
        ),
      })
      .strict()
      .optional(),
  })
  .strict();

/** @public */
export type OverrideRequest = z.infer<typeof overrideRequestSchema>;
/** @public */
export const contractRequestSchema = overrideRequestSchema;
/** @public */
export const rollbackRequestSchema = overrideRequestSchema;
/** @public */
export type ContractRequest = OverrideRequest;
/** @public */
export type RollbackRequest = OverrideRequest;

/**
 * `POST /migrations/:id/consumers/decisions`: what happens to a consumer that reads a
 * field the migration drops or recomputes. A reason is required to keep the field
 * or exclude the consumer, so whoever reads the ledger later knows why.
 *
 * @public
 */
export const consumerDecisionRequestSchema = z
  .object({
    entityRef: entityRefSchema,
    decision: z.enum(CONSUMER_DECISION_KINDS, {
      errorMap: () => ({
        message: 'must be one of keep-field, exclude, agent',
      }),
    }),
    reason: personText(
      z.string().trim().max(2000, 'must be at most 2000 characters'),
    ).optional(),
  })
  .strict()
  .superRefine((value, ctx) => {
    if (value.decision !== 'agent' && !value.reason)
      ctx.addIssue({
        code: z.ZodIssueCode.custom,
        path: ['reason'],
        message: `is required to ${
          value.decision === 'exclude' ? 'exclude a consumer' : 'keep the field'
        }`,
      });
  });

/** @public */
export type ConsumerDecisionRequest = z.input<
  typeof consumerDecisionRequestSchema
>;

/** A number as a query string may write it: digits, a sign and a fraction (refused below as what they are). */
const DECIMAL = /^-?[0-9]+(\.[0-9]+)?$/;

/**
 * A whole number in a query string, read as written in decimal digits: never
 * `z.coerce`'s `Number()`, which took `1e2` for 100, ` 5` for 5, `0x10` for 16,
 * an empty value for 0 and a one-element array for its element. Anything else,
 * a parameter given twice (`limit=1&limit=2`) included, is refused, named.
 * Numbers pass as they are (callers inside the backend).
 */
function queryInteger(min: number, max: number) {
  return (
    z
      // Typed by what a client sends; anything else is refused by the number below.
      .custom<number | string>()
      .transform(value =>
        typeof value === 'string' && DECIMAL.test(value)
          ? Number(value)
          : value,
      )
      .pipe(
        z
          .number({
            invalid_type_error:
              'must be a number written in decimal digits (as 20), given once',
          })
          .int('must be a whole number')
          .min(
            min,
            min === 0 ? 'must not be negative' : `must be at least ${min}`,
          )
          .max(max, `must be at most ${max}`),
      )
  );
}

/** Where a page starts; bounded so that no number reaches SQL beyond PostgreSQL's bigint. */
const pageOffset = queryInteger(0, Number.MAX_SAFE_INTEGER).default(0);

/**
 * `GET /migrations?entityRef=&limit=`: the runs of one dataset (or all), newest
 * first. Strict, as the ledger's: a parameter the route does not know (a
 * misspelt filter) is named in a 400, not ignored.
 *
 * @public
 */
export const migrationListQuerySchema = z
  .object({
    entityRef: entityRefSchema.optional(),
    limit: queryInteger(1, 500).default(100),
  })
  .strict();

/** @public */
export type MigrationListQuery = z.input<typeof migrationListQuerySchema>;

/** Longer than every state named once, comma-separated: anything above is not a filter. */
const MAX_STATE_FILTER_LENGTH = 200;

/**
 * `state=failed,kept`: the consumer states to list (also as repeated `state=`).
 * The length is bounded before the value is split.
 */
const consumerStateFilter = z.preprocess(
  value => (Array.isArray(value) ? value.join(',') : value),
  z
    .string({ invalid_type_error: 'must be a list of states' })
    .max(
      MAX_STATE_FILTER_LENGTH,
      `must be at most ${MAX_STATE_FILTER_LENGTH} characters`,
    )
    .transform((value, ctx) => {
      const states = [...new Set(value.split(',').map(s => s.trim()))];
      const unknown = states.filter(
        s => !(CONSUMER_STATES as readonly string[]).includes(s),
      );
      if (unknown.length > 0) {
        ctx.addIssue({
          code: z.ZodIssueCode.custom,
          message: `unknown state ${unknown
            .map(s => JSON.stringify(s))
            .join(', ')} (states: ${CONSUMER_STATES.join(', ')})`,
        });
        return z.NEVER;
      }
      return states as Array<(typeof CONSUMER_STATES)[number]>;
    }),
);

/**
 * `GET /migrations/:id/consumers`: a run's consumer ledger; with `limit`, a page
 * of it (in the ledger's order: depth, then entity ref), the counts still over
 * every consumer; with `state`, only consumers in those states.
 *
 * @public
 */
export const consumerLedgerQuerySchema = z
  .object({
    limit: queryInteger(1, 500).optional(),
    offset: pageOffset,
    state: consumerStateFilter.optional(),
  })
  .strict();

/** @public */
export type ConsumerLedgerQuery = z.input<typeof consumerLedgerQuerySchema>;

/**
 * `GET /consumers?entityRef=`: one consumer entity's rows in the consumer ledgers
 * of every run, newest run first, a page at a time.
 *
 * @public
 */
export const consumerMigrationsQuerySchema = z
  .object({
    entityRef: z
      .string({ required_error: 'is required' })
      .pipe(entityRefSchema),
    limit: queryInteger(1, 100).default(20),
    offset: pageOffset,
  })
  .strict();

/** @public */
export type ConsumerMigrationsQuery = z.input<
  typeof consumerMigrationsQuerySchema
>;

/**
 * The body of an action that takes none (`POST /migrations/:id/cancel`,
 * `/retry`, a pull request's merge, `POST /campaigns/:id/start`): nothing, or
 * an empty object. A key sent anyway is refused, named, rather than dropped
 * while the action runs without it.
 *
 * @public
 */
export const emptyRequestSchema = z.object({}).strict();

/**
 * `POST /migrations/:id/approve`: approves exactly the request the approver saw,
 * named by its `requestDigest`; a request that changed since answers 409.
 *
 * @public
 */
export const approveMigrationRequestSchema = z
  .object({
    requestDigest: withoutNul(z.string().trim().min(1, 'is required').max(128)),
    comment: personText(z.string().trim().max(2000)).optional(),
  })
  .strict();

/** @public */
export type ApproveMigrationRequest = z.input<
  typeof approveMigrationRequestSchema
>;

/**
 * `POST /migrations/:id/reject`: a rejection says why.
 *
 * @public
 */
export const rejectMigrationRequestSchema = z
  .object({
    requestDigest: withoutNul(z.string().trim().min(1).max(128)).optional(),
    comment: personText(
      z
        .string()
        .trim()
        .min(1, 'is required: say why the migration is rejected')
        .max(2000),
    ),
  })
  .strict();

/** @public */
export type RejectMigrationRequest = z.input<
  typeof rejectMigrationRequestSchema
>;
