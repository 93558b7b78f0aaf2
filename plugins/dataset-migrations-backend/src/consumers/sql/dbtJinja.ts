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

const JINJA = /\{\{[\s\S]*?\}\}|\{%[\s\S]*?%\}|\{#[\s\S]*?#\}/g;
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
  const masked = text.replace(JINJA, span => {
    // Statements, comments and config() calls carry no SQL: blank them, keeping lines.
    if (!span.startsWith('{{') || CONFIG.test(span)) return blank(span);
    const name = placeholderName(counter++, span.length);
    placeholders.set(name, { original: span, ...jinjaReference(span) });
    return name;
  });
  return { text: masked, placeholders };
}

/**
 * The `config()` calls of a model that hand dbt SQL to run beside the model's
 * own (`pre_hook`, `post_hook`, `sql_header`): dbt runs that text against the
 * database as it is, so a table or field it names is read there too, though
 * the model's SQL never shows it (masking blanks `config()`).
 */
export function configHooks(text: string): string[] {
  return (text.match(JINJA) ?? []).filter(
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
  return (text.match(JINJA) ?? []).filter(
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
  for (const match of text.matchAll(JINJA)) {
    const span = match[0];
    if (!span.startsWith('{{')) continue;
    const start = match.index ?? 0;
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
