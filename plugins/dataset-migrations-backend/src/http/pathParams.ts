import type express from 'express';
import { z } from 'zod';
import { entityRefSchema } from '@dataset-migrations/plugin-dataset-migrations-common';
import { parseInput } from '../validation/parseInput';
import { cutShort } from '../audit/boundAudit';

/** The `:id` of a path as sent, cut short (and marked) for an audit event: it may not be an id at all. */
export function idInPath(req: express.Request): string {
  return cutShort(String(req.params.id), 100);
}

/**
 * The entity named by a route's `:kind/:namespace/:name`, checked as a ref in a
 * query or body is (no NUL, no lone surrogate, bounded), so that a bad segment is
 * a 400 naming it rather than a failed statement or the catalog's bare 400.
 */
export function entityRefInPath(req: express.Request, what: string): string {
  const { kind, namespace, name } = req.params;
  return parseInput(
    z.object({ [what]: entityRefSchema }),
    { [what]: `${kind}:${namespace}/${name}` },
    'path',
  )[what];
}
