import type express from 'express';
import { parse as parseYaml } from 'yaml';
import { InputError } from '@backstage/errors';

/** Content types whose body is YAML text (parsed by `express.text`, then here). */
export const YAML_TYPES = [
  'application/yaml',
  'application/x-yaml',
  'text/yaml',
];

/**
 * A document (a migration spec, a campaign) arrives as JSON or, with a YAML
 * content type, as YAML text; `what` names it in the 400.
 */
export function specOf(req: express.Request, what = 'migration spec'): unknown {
  if (typeof req.body !== 'string') return req.body;
  try {
    return parseYaml(req.body);
  } catch (error) {
    throw new InputError(
      `Invalid ${what}: not valid YAML: ${(error as Error).message}`,
    );
  }
}
