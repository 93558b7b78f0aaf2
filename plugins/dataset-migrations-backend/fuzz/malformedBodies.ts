/**
 * Malformed request bodies, generated from a seed: a route's own well-formed body
 * with one part broken (a wrong type, null, a huge or deeply nested value, a
 * prototype key, a NUL), or a body broken as a whole (invalid UTF-8, truncated
 * JSON, a YAML alias bomb, the wrong content type).
 *
 * Every replacement value is one no schema accepts anywhere (strings carry a NUL
 * or a lone UTF-16 surrogate, or pass every length limit; numbers are never a
 * usable version or count), so a body is malformed wherever it is broken and
 * must be refused.
 */

export interface MalformedBody {
  /** What was broken, for the report. */
  kind: string;
  contentType: string;
  body: string | Buffer;
}

/** A small, fast PRNG (mulberry32): the same seed gives the same bodies. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

const pick = <T>(random: () => number, items: readonly T[]): T =>
  items[Math.floor(random() * items.length)];

/** Values no field of any route accepts, as JSON text (deep ones are too deep to build as values). */
function badValue(random: () => number): { kind: string; text: string } {
  const value = (kind: string, v: Json) => ({ kind, text: JSON.stringify(v) });
  const depth = () => 2_000 + ((random() * 8_000) | 0);
  const kinds: Array<() => { kind: string; text: string }> = [
    () => value('null', null),
    () => value('true', true),
    () => value('negative', -1),
    () => value('fraction', 1.5),
    () => value('huge-number', 1e308),
    () => value('past-int32', 2 ** 31),
    () => value('past-safe-integer', 2 ** 53 + 2),
    () => value('nul-string', 'resource:default/a\u0000b'),
    // Alone, not beside a NUL that would be refused first: PostgreSQL refuses both.
    () => ({ kind: 'lone-high-surrogate', text: '"a\\ud800"' }),
    () => ({ kind: 'lone-low-surrogate', text: '"\\udc00b"' }),
    () => value('huge-string', 'x'.repeat((70_000 + random() * 200_000) | 0)),
    () => value('empty-object', {}),
    () =>
      value(
        'huge-array',
        Array.from({ length: 20_000 }, (_, i) => i),
      ),
    () => {
      const n = depth();
      return { kind: 'deep-array', text: `${'['.repeat(n)}${']'.repeat(n)}` };
    },
    () => {
      const n = depth();
      return {
        kind: 'deep-object',
        text: `${'{"a":'.repeat(n)}1${'}'.repeat(n)}`,
      };
    },
    () => ({ kind: 'proto-object', text: '{"__proto__":{"polluted":true}}' }),
    () => value('sql-ish', "x'); DROP TABLE migrations; --\u0000"),
  ];
  return pick(random, kinds)();
}

/** Every path to a value in a JSON document, the document itself included. */
function pathsOf(
  value: Json,
  prefix: (string | number)[] = [],
): (string | number)[][] {
  const paths: (string | number)[][] = [prefix];
  if (Array.isArray(value))
    value.forEach((item, i) => paths.push(...pathsOf(item, [...prefix, i])));
  else if (value && typeof value === 'object')
    for (const [key, item] of Object.entries(value))
      paths.push(...pathsOf(item, [...prefix, key]));
  return paths;
}

/** The document as JSON text with the value at `path` replaced by `text`. */
function replaced(
  document: Json,
  path: (string | number)[],
  text: string,
): string {
  if (path.length === 0) return text;
  const marker = `\u0001fuzz\u0001`;
  const copy = JSON.parse(JSON.stringify(document));
  let at = copy;
  for (const part of path.slice(0, -1)) at = at[part];
  at[path[path.length - 1]] = marker;
  return JSON.stringify(copy).replace(JSON.stringify(marker), () => text);
}

/** A JSON text with an own `__proto__` (or `constructor`) key added where an object is. */
function withPrototypeKey(document: Json, random: () => number): string {
  const key = pick(random, ['__proto__', 'constructor', 'prototype']);
  const text = JSON.stringify(document);
  if (!text.startsWith('{')) return `{"${key}":{"polluted":true}}`;
  const inner = text === '{}' ? '' : `,${text.slice(1, -1)}`;
  return `{"${key}":{"polluted":true,"prototype":{"polluted":true}}${inner}}`;
}

const YAML_ALIAS_BOMB = [
  'a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]',
  'b: &b [*a,*a,*a,*a,*a,*a,*a,*a,*a]',
  'c: &c [*b,*b,*b,*b,*b,*b,*b,*b,*b]',
  'd: &d [*c,*c,*c,*c,*c,*c,*c,*c,*c]',
  'e: &e [*d,*d,*d,*d,*d,*d,*d,*d,*d]',
  'f: &f [*e,*e,*e,*e,*e,*e,*e,*e,*e]',
  'g: &g [*f,*f,*f,*f,*f,*f,*f,*f,*f]',
  'entityRef: *g',
].join('\n');

/** One malformed body for a route whose well-formed body is `template`. */
export function malformedBody(
  template: Json,
  random: () => number,
): MalformedBody {
  const json = (kind: string, value: Json | string): MalformedBody => ({
    kind,
    contentType: 'application/json',
    body: typeof value === 'string' ? value : JSON.stringify(value),
  });
  const whole = random();
  if (whole < 0.04) {
    // Bytes that are not UTF-8 inside a string of the body.
    const text = JSON.stringify(template);
    const at = Math.max(1, text.indexOf('"', 1) + 1);
    return {
      kind: 'invalid-utf8',
      contentType: 'application/json',
      body: Buffer.concat([
        Buffer.from(text.slice(0, at)),
        Buffer.from([0xff, 0xfe, 0xc0, 0x80, 0xed, 0xa0, 0x80]),
        Buffer.from(text.slice(at)),
      ]),
    };
  }
  if (whole < 0.07)
    return {
      kind: 'yaml-alias-bomb',
      contentType: 'application/yaml',
      body: YAML_ALIAS_BOMB,
    };
  if (whole < 0.09)
    return {
      kind: 'yaml-proto-key',
      contentType: 'application/yaml',
      body: `__proto__: { polluted: true }\nconstructor: { prototype: { polluted: true } }\n`,
    };
  if (whole < 0.11) {
    const text = JSON.stringify(template);
    return json('truncated-json', text.slice(0, Math.floor(text.length / 2)));
  }
  if (whole < 0.13)
    return {
      kind: 'wrong-content-type',
      contentType: 'text/plain',
      body: JSON.stringify(template),
    };
  if (whole < 0.2)
    return json('prototype-key', withPrototypeKey(template, random));
  const paths = pathsOf(template);
  const path = pick(random, paths);
  const at = path.reduce<Json>(
    (value, part) => (value as never)[part],
    template,
  );
  let bad = badValue(random);
  // An empty object where one stands keeps its meaning when all its fields are optional.
  while (bad.kind === 'empty-object' && at !== null && typeof at === 'object')
    bad = badValue(random);
  return json(
    `${bad.kind} at ${path.length ? path.join('.') : 'body'}`,
    replaced(template, path, bad.text),
  );
}
