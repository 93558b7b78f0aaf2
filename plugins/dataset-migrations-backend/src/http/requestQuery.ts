import type express from 'express';
import { InputError } from '@backstage/errors';
import { cutShort } from '../audit/boundAudit';
import { namedFew } from '../validation/namedFew';

/**
 * The middleware every GET route starts with: a request whose query names a
 * parameter the route does not take is refused with a 400 naming it, as a body
 * with an unknown key is, rather than answered as if it were not there (a
 * misspelt filter read as "no filter"). The names are read from the query
 * string as sent: express's parser drops some (`__proto__`) and stops counting
 * at a thousand, and a dropped name would be ignored again. The values are the
 * route's to check, with its (strict) schema.
 *
 * `takes` names the parameters, e.g. `Object.keys(schema.shape)`; none for a
 * route that reads no query.
 */
export function takesQuery(...takes: string[]): express.RequestHandler {
  const known = new Set(takes);
  // Named so, as anyQuery's is: a test finds every GET route's by its name.
  return function queryCheck(req, _res, next) {
    const unknown = [...new Set(sentNames(req))].filter(n => !known.has(n));
    if (unknown.length === 0) {
      next();
      return;
    }
    next(
      new InputError(
        `Invalid query: unknown parameter${
          unknown.length === 1 ? '' : 's'
        } ${namedFew(unknown.map(n => `'${cutShort(n, 100)}'`))} (${
          takes.length === 0
            ? 'this route takes none'
            : `this route takes ${takes.join(', ')}`
        })`,
      ),
    );
  };
}

/**
 * A route that takes any query and reads none: health probes and static
 * documents, which a probe or cache may ask for with a parameter of its own.
 */
export function anyQuery(): express.RequestHandler {
  return function queryCheck(_req, _res, next) {
    next();
  };
}

/** Each parameter's name as sent, up to its first `[` (`a[b]=1` is `a`, as express reads it). */
function sentNames(req: express.Request): string[] {
  const url = req.originalUrl ?? req.url;
  const at = url.indexOf('?');
  if (at < 0) return [];
  return [...new URLSearchParams(url.slice(at + 1)).keys()].map(name => {
    const bracket = name.indexOf('[');
    // A name that starts with `[` is kept whole: express reads it as no parameter of ours.
    return bracket > 0 ? name.slice(0, bracket) : name;
  });
}
