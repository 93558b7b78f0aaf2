import type express from 'express';
import { isScalar, parseDocument, visit } from 'yaml';
import { InputError } from '@backstage/errors';
import {
  cutShort,
  emptyRequestSchema,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { parseInput } from '../validation/parseInput';
import { firstDuplicateKey } from './duplicateKeys';

/** Content types whose body is YAML text (parsed by `express.text`, then by `specOf`). */
export const YAML_TYPES = [
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
];

/** Deeper than any spec, campaign or decision is written (they nest a few levels). */
const MAX_YAML_NESTING = 64;

/** The body parsers' refusals, kept for bodyOf (see keepBodyRefusals). */
const bodyRefusals = new WeakMap<express.Request, Error>();

/** The content types the plugin's router parses (`express.json`, `express.text` for YAML). */
const READ_TYPES = ['application/json', ...YAML_TYPES];

/**
 * A request's body, JSON or YAML, or `{}` when there is none; `what` names it in
 * a 400. A body of another content type is refused, naming it: express would
 * leave it unread and hand the route `{}`, so that `{"override": …}` sent as
 * `text/plain` ran the action without its override.
 */
export function bodyOf(req: express.Request, what = 'request'): unknown {
  const refusal = bodyRefusals.get(req);
  if (refusal) throw refusal;
  if (hasBody(req) && !req.is(READ_TYPES))
    throw new InputError(
      `Invalid ${what}: a body must be JSON (Content-Type: application/json) or YAML (${YAML_TYPES.join(
        ', ',
      )}), not ${JSON.stringify(
        (req.headers['content-type'] ?? 'none').slice(0, 100),
      )}`,
    );
  if (typeof req.body !== 'string') {
    refuseDuplicateKeys(req, what);
    return req.body ?? {};
  }
  // YAML, as express.text left it (duplicate keys and alias bombs refused).
  // The parser takes seconds, on the event loop, for a megabyte of nested
  // brackets: such a body is refused before it is parsed.
  if (yamlNesting(req.body) > MAX_YAML_NESTING)
    throw new InputError(
      `Invalid ${what}: not valid YAML here: it nests collections more than ${MAX_YAML_NESTING} deep`,
    );
  try {
    return parseYaml(req.body) ?? {};
  } catch (error) {
    throw new InputError(
      `Invalid ${what}: not valid YAML: ${(error as Error).message}`,
    );
  }
}

/**
 * The YAML text's one document as plain data, refused for a key repeated within
 * a map as the parser would refuse it, but in one pass: the parser's own check
 * compares each key with every earlier key of its map, which took seconds, on
 * the event loop, for a flat map of 20,000 keys (a quarter of a megabyte).
 */
function parseYaml(text: string): unknown {
  const doc = parseDocument(text, { uniqueKeys: false });
  if (doc.errors.length > 0) throw doc.errors[0];
  let repeated: unknown;
  visit(doc, {
    Map(_, map) {
      const keys = new Set<unknown>();
      for (const { key } of map.items) {
        // Scalars by value, as the parser compares them; other keys by identity.
        const value = isScalar(key) ? key.value : key;
        if (keys.has(value)) {
          repeated = value;
          return visit.BREAK;
        }
        keys.add(value);
      }
      return undefined;
    },
  });
  if (repeated !== undefined)
    throw new Error(
      `map keys must be unique: ${JSON.stringify(
        String(repeated).slice(0, 100),
      )} is repeated`,
    );
  return doc.toJS();
}

/** A line's run of block indicators, each a level: `- - ? a` nests three. */
const BLOCK_INDICATORS = /^(?:[ \t]*[-?:](?:[ \t]+|$))+/gm;

/**
 * About how deep a YAML text nests, in one pass: its flow collections (`[`,
 * `{`, counted wherever they stand: a quote or a comment need not be one, and a
 * string with 64 brackets left open is no spec), or the longest run of block
 * indicators opening a line. Nesting by indentation alone needs as many spaces
 * as levels on each line, so a body's size bounds it.
 */
function yamlNesting(text: string): number {
  let blocks = 0;
  for (const [run] of text.matchAll(BLOCK_INDICATORS))
    blocks = Math.max(blocks, run.replace(/[ \t]/g, '').length);
  let depth = 0;
  let deepest = 0;
  for (let i = 0; i < text.length && deepest <= MAX_YAML_NESTING; i++) {
    const c = text.charCodeAt(i);
    if (c === 91 || c === 123) deepest = Math.max(deepest, ++depth);
    else if ((c === 93 || c === 125) && depth > 0) depth--;
  }
  return Math.max(blocks, deepest);
}

/**
 * Refuses any body but an empty one for an action that reads none (`what`
 * names it in the 400: `Invalid cancel request: Unrecognized key(s) in object:
 * 'overide'`); call it inside the action's audit event.
 */
export function noBody(req: express.Request, what: string): void {
  parseInput(emptyRequestSchema, bodyOf(req, what), what);
}

/** What express's body parsers refuse a body for: it is the request's to answer. */
const BODY_REFUSALS = new Set([
  'entity.parse.failed',
  'entity.too.large',
  'entity.verify.failed',
  'charset.unsupported',
  'encoding.unsupported',
  'request.size.invalid',
  'stream.encoding.set',
]);

/**
 * After express's body parsers: a body they refused (not JSON, too large, a
 * charset they do not read) is kept for bodyOf to throw, rather than answered
 * here, so the action's route refuses it inside its audit event and the
 * refusal is recorded like any other. JSON.parse's own message alone
 * (`Unexpected end of JSON input`) becomes a 400 that says what was wrong; a
 * body of valid JSON but no object (`null`, `"hello"`), which the parser
 * refuses as `"null" is not valid JSON`, is told what it is instead.
 */
export const keepBodyRefusals: express.ErrorRequestHandler = (
  error,
  req,
  _res,
  next,
) => {
  // A read (GET, HEAD) records nothing and reads no body: refused here.
  if (!BODY_REFUSALS.has(error?.type) || ['GET', 'HEAD'].includes(req.method)) {
    next(namedRefusal(error));
    return;
  }
  bodyRefusals.set(req, namedRefusal(error));
  req.body = undefined;
  next();
};

function namedRefusal(
  error: Error & { type?: unknown; body?: unknown },
): Error {
  if (error?.type !== 'entity.parse.failed') return error;
  const other = jsonScalarKind(error.body);
  return new InputError(
    other
      ? `Invalid request: the body must be a JSON object, not ${other}`
      : `Invalid request: the body is not a JSON object or array: ${error.message}`,
  );
}

/** What a body the strict parser refused is when it is JSON after all: `null`, `a string`… */
function jsonScalarKind(body: unknown): string | undefined {
  if (typeof body !== 'string') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(body);
  } catch {
    return undefined;
  }
  if (value === null) return 'null';
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'number') return 'a number';
  if (typeof value === 'boolean') return `${value}`;
  return undefined;
}

/** Each JSON body's text as received, kept by `express.json` (see keepJsonText) for bodyOf. */
const jsonTexts = new WeakMap<
  express.Request,
  { buffer: Buffer; encoding: string }
>();

/**
 * `express.json`'s `verify`: keeps the body's bytes, so that bodyOf can refuse a
 * key repeated in one object, which JSON.parse resolves to the last silently.
 * Nothing is copied; the bytes go with the request.
 */
export function keepJsonText(
  req: express.Request,
  _res: unknown,
  buffer: Buffer,
  encoding: string,
): void {
  jsonTexts.set(req, { buffer, encoding });
}

/**
 * Refuses a JSON body that names a key twice in one object, naming the key and
 * where, as YAML refuses one: JSON.parse would keep the last and drop the
 * first without a word. Looked for once per request, in one pass over the text
 * JSON.parse has already accepted (see firstDuplicateKey).
 */
function refuseDuplicateKeys(req: express.Request, what: string): void {
  const kept = jsonTexts.get(req);
  if (!kept) return;
  jsonTexts.delete(req);
  let text: string;
  try {
    // As body-parser decoded it (a UTF-8 BOM left out): utf-8, or utf-16.
    text = new TextDecoder(kept.encoding).decode(kept.buffer);
  } catch {
    throw new InputError(
      `Invalid ${what}: a JSON body must be UTF-8 or UTF-16, not ${JSON.stringify(
        kept.encoding.slice(0, 100),
      )}`,
    );
  }
  const duplicate = firstDuplicateKey(text);
  if (!duplicate) return;
  const path = duplicate.path.length ? `${keyPath(duplicate.path)}: ` : '';
  throw new InputError(
    `Invalid ${what}: ${path}Duplicate key in object: '${cutShort(
      duplicate.key,
    )}' (each key may be named once)`,
  );
}

/** Parts of a key's path named at each end; a deeper one's middle is counted. */
const PATH_ENDS = 4;

/**
 * A key's path as a message names it (`changes[1].addField`): each part cut
 * short, and a deeply nested one's middle counted, not written out (a body of
 * 100,000 nested arrays would make a message as long).
 */
function keyPath(parts: ReadonlyArray<string | number>): string {
  const shown = (part: string | number, first: boolean) =>
    typeof part === 'number'
      ? `[${part}]`
      : `${first ? '' : '.'}${cutShort(part)}`;
  if (parts.length <= 2 * PATH_ENDS + 1)
    return parts.map((part, i) => shown(part, i === 0)).join('');
  const head = parts.slice(0, PATH_ENDS).map((p, i) => shown(p, i === 0));
  const tail = parts.slice(-PATH_ENDS).map(p => shown(p, false));
  return `${head.join('')}…(${parts.length - 2 * PATH_ENDS} more)…${tail.join(
    '',
  )}`;
}

/** Whether the request carries a body: chunked, or of a length above 0 (a bodiless POST may say `Content-Length: 0`). */
function hasBody(req: express.Request): boolean {
  return (
    req.headers['transfer-encoding'] !== undefined ||
    Number(req.headers['content-length'] ?? 0) > 0
  );
}
