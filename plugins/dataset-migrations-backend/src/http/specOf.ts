import type express from 'express';
import { parse as parseYaml } from 'yaml';
import { InputError } from '@backstage/errors';
import { bodyOf } from './requestBody';

/**
 * A document (a migration spec, a campaign) arrives as JSON or, with a YAML
 * content type, as YAML text; `what` names it in the 400.
 */
/**
 * The document, or the 400 refusing it, for a route that creates something: the
 * refusal is thrown inside its audit event, so it is recorded as the other 400s are.
 */
export function specOrRefusal(
  req: express.Request,
  what?: string,
): { spec?: unknown; refusal?: Error } {
  try {
    return { spec: specOf(req, what) };
  } catch (error) {
    return { refusal: error as Error };
  }
}

export function specOf(req: express.Request, what = 'migration spec'): unknown {
  const body = bodyOf(req);
  if (typeof body !== 'string') return body;
  try {
    return parseYaml(body);
  } catch (error) {
    throw new InputError(
      `Invalid ${what}: not valid YAML: ${(error as Error).message}`,
    );
  }
}
