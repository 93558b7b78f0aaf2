import type express from 'express';
import { bodyOf } from './requestBody';

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

/** A document (a migration spec, a campaign), as JSON or YAML; `what` names it in the 400. */
export function specOf(req: express.Request, what = 'migration spec'): unknown {
  return bodyOf(req, what);
}
