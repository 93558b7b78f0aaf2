import type express from 'express';
import { parse as parseYaml } from 'yaml';
import { InputError } from '@backstage/errors';
import { bodyOf } from './requestBody';

/**
 * A document (a migration spec, a campaign) arrives as JSON or, with a YAML
 * content type, as YAML text; `what` names it in the 400.
 */
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
