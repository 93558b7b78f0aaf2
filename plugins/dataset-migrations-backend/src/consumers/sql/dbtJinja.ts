/**
 * dbt models are SQL with Jinja in it. The parser only reads SQL, so each Jinja
 * span is swapped for something of exactly the same length: positions in the
 * masked text are positions in the file, and edits apply to the file unchanged.
 */

/** What a masked `{{ … }}` stood for. */
export type JinjaReference =
  | { kind: 'source'; source: string; table: string }
  | { kind: 'ref'; model: string }
  /** Anything else: a macro, `var()`, `target.schema`…, kept as written. */
  | { kind: 'expression'; text: string };

export interface MaskedSql {
  text: string;
  /** Placeholder identifier → the Jinja it replaced. */
  placeholders: Map<string, JinjaReference & { original: string }>;
}

/** What closes each kind of Jinja tag, by the character after its `{`. */
const TAG_CLOSERS: Record<string, string> = { '{': '}}', '%': '%}', '#': '#}' };

/**
 * Jinja's tags in `text` in order, each `{{…}}`, `{%…%}` or `{#…#}` ending at
 * its first closer, as `/\{\{[\s\S]*?\}\}|…/g` finds them, in linear time: the
 * pattern looked from each unclosed opener to the text's end (7 s on 200 kB
 * of `{%{{`, found by round 31b), where an opener with no closer after it
 * here leaves none for a later opener of its kind.
 */
export function jinjaTags(
  text: string,
): Array<{ index: number; span: string }> {
  const tags: Array<{ index: number; span: string }> = [];
  const unclosedFrom: Record<string, number> = {};
  let at = text.indexOf('{');
  while (at !== -1) {
    const kind = text[at + 1];
    const closer = TAG_CLOSERS[kind];
    if (closer !== undefined && !(at >= (unclosedFrom[kind] ?? Infinity))) {
      const end = text.indexOf(closer, at + 2);
      if (end !== -1) {
        tags.push({ index: at, span: text.slice(at, end + 2) });
        at = text.indexOf('{', end + 2);
        continue;
      }
      unclosedFrom[kind] = at;
    }
    at = text.indexOf('{', at + 1);
  }
  return tags;
}

/** The text of each Jinja tag in `text`, in order. */
function jinjaSpans(text: string): string[] {
  return jinjaTags(text).map(tag => tag.span);
}
const SOURCE =
  /^\{\{-?\s*source\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)\s*-?\}\}$/;
/**
 * `ref('model')`, `ref('package', 'model')`, `ref('model', v=2)`: the model is
 * the last quoted argument before any keyword argument.
 */
const REF_CALL = String.raw`ref\(\s*(?:['"][^'"]+['"]\s*,\s*)?['"]([^'"]+)['"]\s*(?:,[^)]*)?\)`;
const REF = new RegExp(String.raw`^\{\{-?\s*${REF_CALL}\s*-?\}\}$`);

/** The models a text's `ref()` calls name. */
export function refsIn(text: string): string[] {
  return [...text.matchAll(new RegExp(String.raw`\b${REF_CALL}`, 'g'))].map(
    match => match[1],
  );
}
const CONFIG = /^\{\{-?\s*config\(/;

export function maskJinja(text: string): MaskedSql {
  const placeholders: MaskedSql['placeholders'] = new Map();
  let counter = 0;
  let masked = '';
  let from = 0;
  for (const { index, span } of jinjaTags(text)) {
    masked += text.slice(from, index);
    from = index + span.length;
    // Statements, comments and config() calls carry no SQL: blank them, keeping lines.
    if (!span.startsWith('{{') || CONFIG.test(span)) {
      masked += blank(span);
      continue;
    }
    const name = placeholderName(counter++, span.length);
    placeholders.set(name, { original: span, ...jinjaReference(span) });
    masked += name;
  }
  return { text: masked + text.slice(from), placeholders };
}

/**
 * The `config()` calls of a model that hand dbt SQL to run beside the model's
 * own (`pre_hook`, `post_hook`, `sql_header`): dbt runs that text against the
 * database as it is, so a table or field it names is read there too, though
 * the model's SQL never shows it (masking blanks `config()`).
 */
export function configHooks(text: string): string[] {
  return jinjaSpans(text).filter(
    span =>
      CONFIG.test(span) &&
      /\b(?:pre_hook|post_hook|sql_header)\b|\b(?:pre|post)-hook\b/.test(span),
  );
}

/** What a `{{ … }}` span stands for: a `source()`, a `ref()` or another expression. */
function jinjaReference(span: string): JinjaReference {
  const source = SOURCE.exec(span);
  if (source) return { kind: 'source', source: source[1], table: source[2] };
  const ref = REF.exec(span);
  if (ref) return { kind: 'ref', model: ref[1] };
  return { kind: 'expression', text: span };
}

/**
 * A model's Jinja other than comments and bare `ref()` and `source()`, whose
 * relations the text says already: what only rendering tells.
 */
export function jinjaBeyondReferences(text: string): string[] {
  return jinjaSpans(text).filter(
    span => !span.startsWith('{#') && !SOURCE.test(span) && !REF.test(span),
  );
}

function blank(span: string): string {
  return span.replace(/[^\n]/g, ' ');
}

function placeholderName(n: number, length: number): string {
  // The shortest span, `{{x}}`, has room for `_j` and three digits.
  const name = `_j${n.toString(36)}`;
  return name.padEnd(length, '_').slice(0, Math.max(length, name.length));
}

/** A name written right against a Jinja expression, e.g. `amount{{ to_dollars() }}`. */
export interface GluedName {
  /** Index of the name in the file. */
  at: number;
  /** The letters, digits and `_` touching the expression. */
  fragment: string;
  /** Whether the name comes before the expression (`amount{{…}}`) or after it (`{{…}}_amount`). */
  side: 'before' | 'after';
  jinja: string;
}

/**
 * Names glued to a `{{ … }}` expression. Whether `amount{{ x }}` reads `amount`
 * (the expression rendering `/ 100`) or a name Jinja completes (`amount_usd`) only
 * rendering tells; the rewriter must not guess either way.
 */
export function gluedNames(text: string): GluedName[] {
  const glued: GluedName[] = [];
  for (const { index: start, span } of jinjaTags(text)) {
    if (!span.startsWith('{{')) continue;
    const end = start + span.length;
    const before = /[A-Za-z0-9_$]+$/.exec(
      text.slice(Math.max(0, start - 63), start),
    );
    if (before)
      glued.push({
        at: start - before[0].length,
        fragment: before[0],
        side: 'before',
        jinja: span,
      });
    const after = /^[A-Za-z0-9_$]+/.exec(text.slice(end, end + 63));
    if (after)
      glued.push({ at: end, fragment: after[0], side: 'after', jinja: span });
  }
  return glued;
}

const SOURCE_CALL =
  /\bsource\(\s*['"]([^'"]+)['"]\s*,\s*['"]([^'"]+)['"]\s*\)/g;

/**
 * The `source()` and `ref()` calls anywhere in a Jinja text, also those handed
 * to a macro (`dbt_utils.star(from=source('shop', 'orders'))`).
 */
export function referencesIn(text: string): JinjaReference[] {
  return [
    ...[...text.matchAll(SOURCE_CALL)].map(
      (m): JinjaReference => ({ kind: 'source', source: m[1], table: m[2] }),
    ),
    ...refsIn(text).map((model): JinjaReference => ({ kind: 'ref', model })),
  ];
}

/**
 * Relations a model renders as a value rather than as a relation it reads: a
 * `{{ source() }}` or `{{ ref() }}` inside a SQL string literal (`'{{
 * source("shop", "orders") }}' as loaded_from`), or one whose attribute Jinja
 * reads (`{{ source('shop', 'orders').identifier }}`). Their text is the
 * relation's name: a rename changes the values the model returns.
 */
export function relationsAsValues(text: string): JinjaReference[] {
  const { text: masked, placeholders } = maskJinja(text);
  const found: JinjaReference[] = [];
  for (const p of placeholders.values())
    if (
      p.kind === 'expression' &&
      /\b(?:source|ref)\([^)]*\)\s*\.\s*[A-Za-z_]/.test(p.original)
    )
      found.push(...referencesIn(p.original));
  let i = 0;
  while (i < masked.length) {
    const c = masked[i];
    if (c === '-' && masked[i + 1] === '-') {
      const end = masked.indexOf('\n', i);
      i = end < 0 ? masked.length : end;
    } else if (c === '/' && masked[i + 1] === '*') {
      const end = masked.indexOf('*/', i + 2);
      i = end < 0 ? masked.length : end + 2;
    } else if (c === "'" || c === '"') {
      // A string literal, or a quoted identifier: both hold a relation's name as text.
      let end = i + 1;
      for (; end < masked.length; end++) {
        if (masked[end] !== c) continue;
        if (masked[end + 1] === c) end++;
        else break;
      }
      for (const match of masked.slice(i + 1, end).matchAll(/_j[0-9a-z]+_*/g)) {
        const p = placeholders.get(match[0]);
        if (p)
          found.push(
            ...(p.kind === 'expression' ? referencesIn(p.original) : [p]),
          );
      }
      i = end + 1;
    } else i++;
  }
  return found;
}

/**
 * SQL a macro hands the database as a Jinja string (`{% do
 * run_query('truncate table raw.orders') %}`, `adapter.execute("copy …")`,
 * `{% set q = 'truncate raw.orders' %}`), with where it stands: each literal,
 * or a `~` join of literals and other values, written out as a template
 * (`'truncate table ' ~ source('raw', 'orders')` is `truncate table {{
 * source('raw', 'orders') }}`), for the parser to read as it reads a `{% call
 * statement %}` block's. Masking blanks the tags, so such SQL was never read.
 * One pass over the text, each tag's end found once: linear on any input.
 */
export function jinjaSqlStrings(
  text: string,
): Array<{ at: number; sql: string }> {
  const found: Array<{ at: number; sql: string }> = [];
  for (let open = text.indexOf('{'); open >= 0; ) {
    const kind = text[open + 1];
    if (kind !== '%' && kind !== '{') {
      open = text.indexOf('{', open + 1);
      continue;
    }
    const close = text.indexOf(kind === '%' ? '%}' : '}}', open + 2);
    // No tag of this kind closes after it: none further does either.
    if (close < 0) break;
    found.push(...stringsOfTag(text.slice(open + 2, close), open + 2));
    open = text.indexOf('{', close + 2);
  }
  return found;
}

/** One operand of a Jinja expression: a string literal's body, or another value's text. */
interface Operand {
  start: number;
  end: number;
  literal?: string;
}

/**
 * Where each bracket of a tag closes, past string literals: one pass, so
 * unclosed brackets cost nothing more.
 */
function closingBrackets(tag: string): Map<number, number> {
  const pairs = new Map<number, number>();
  const open: number[] = [];
  for (let i = 0; i < tag.length; i++) {
    const c = tag[i];
    if (c === "'" || c === '"') {
      i++;
      while (i < tag.length && tag[i] !== c) i += tag[i] === '\\' ? 2 : 1;
    } else if ('([{'.includes(c)) open.push(i);
    else if (')]}'.includes(c) && open.length > 0) pairs.set(open.pop()!, i);
  }
  return pairs;
}

/**
 * The `~` (or `+`) joins and lone literals of one tag's expression (see
 * {@link jinjaSqlStrings}), at each depth of brackets: a call's arguments are
 * read apart from what is joined around the call.
 */
function stringsOfTag(
  tag: string,
  offset: number,
): Array<{ at: number; sql: string }> {
  const found: Array<{ at: number; sql: string }> = [];
  const pairs = closingBrackets(tag);
  type Chain = { operands: Operand[]; joined: boolean };
  const depth: Chain[] = [{ operands: [], joined: false }];
  const flush = (chain: Chain) => {
    if (chain.operands.some(o => o.literal !== undefined))
      found.push({
        at: offset + chain.operands[0].start,
        sql: chain.operands
          .map(o => o.literal ?? `{{ ${tag.slice(o.start, o.end)} }}`)
          .join(''),
      });
    chain.operands = [];
    chain.joined = false;
  };
  const add = (o: Operand) => {
    const chain = depth[depth.length - 1];
    if (chain.operands.length > 0 && !chain.joined) flush(chain);
    chain.operands.push(o);
    chain.joined = false;
  };
  let i = 0;
  while (i < tag.length) {
    const c = tag[i];
    const chain = depth[depth.length - 1];
    if (c === "'" || c === '"') {
      let end = i + 1;
      let body = '';
      for (; end < tag.length && tag[end] !== c; end++) {
        if (tag[end] === '\\' && end + 1 < tag.length) end++;
        body += tag[end];
      }
      if (end >= tag.length) break;
      add({ start: i, end: end + 1, literal: body });
      i = end + 1;
    } else if (c === '~' || c === '+') {
      chain.joined = chain.operands.length > 0;
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      // A name, or the call it makes: one value (`source('raw', 'orders')`).
      const name = /^[\w.]+\s*/.exec(tag.slice(i, i + 200))![0];
      const close = pairs.get(i + name.length);
      if (tag[i + name.length] === '(' && close !== undefined) {
        add({ start: i, end: close + 1 });
        depth.push({ operands: [], joined: false });
        i += name.length + 1;
      } else {
        add({ start: i, end: i + name.trimEnd().length });
        i += name.length;
      }
    } else if ('([{'.includes(c)) {
      flush(chain);
      depth.push({ operands: [], joined: false });
      i++;
    } else if (')]}'.includes(c)) {
      flush(chain);
      if (depth.length > 1) depth.pop();
      i++;
    } else {
      if (!/\s/.test(c)) flush(chain);
      i++;
    }
  }
  for (const chain of depth) flush(chain);
  return found;
}
