import type express from 'express';
import { parse as parseYaml } from 'yaml';
import { InputError } from '@backstage/errors';
import { emptyRequestSchema } from '@dataset-migrations/plugin-dataset-migrations-common';
import { parseInput } from '../validation/parseInput';

/** Content types whose body is YAML text (parsed by `express.text`, then by `specOf`). */
export const YAML_TYPES = [
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
];

/** The content types the plugin's router parses (`express.json`, `express.text` for YAML). */
const READ_TYPES = ['application/json', ...YAML_TYPES];

/**
 * A request's body, JSON or YAML, or `{}` when there is none; `what` names it in
 * a 400. A body of another content type is refused, naming it: express would
 * leave it unread and hand the route `{}`, so that `{"override": …}` sent as
 * `text/plain` ran the action without its override.
 */
export function bodyOf(req: express.Request, what = 'request'): unknown {
  if (hasBody(req) && !req.is(READ_TYPES))
    throw new InputError(
      `Invalid ${what}: a body must be JSON (Content-Type: application/json) or YAML (${YAML_TYPES.join(
        ', ',
      )}), not ${JSON.stringify(
        (req.headers['content-type'] ?? 'none').slice(0, 100),
      )}`,
    );
  if (typeof req.body !== 'string') return req.body ?? {};
  // YAML, as express.text left it (duplicate keys and alias bombs refused).
  try {
    return parseYaml(req.body) ?? {};
  } catch (error) {
    throw new InputError(
      `Invalid ${what}: not valid YAML: ${(error as Error).message}`,
    );
  }
}

/**
 * Refuses any body but an empty one for an action that reads none (`what`
 * names it in the 400: `Invalid cancel request: request: Unrecognized key(s)
 * in object: 'overide'`); call it inside the action's audit event.
 */
export function noBody(req: express.Request, what: string): void {
  parseInput(emptyRequestSchema, bodyOf(req, what), what);
}

/** Whether the request carries a body: chunked, or of a length above 0 (a bodiless POST may say `Content-Length: 0`). */
function hasBody(req: express.Request): boolean {
  return (
    req.headers['transfer-encoding'] !== undefined ||
    Number(req.headers['content-length'] ?? 0) > 0
  );
}
