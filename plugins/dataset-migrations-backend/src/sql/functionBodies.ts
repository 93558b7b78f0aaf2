/**
 * The statements of a function's body (LANGUAGE sql or plpgsql), in the form
 * pg_stat_statements keeps a statement in, for the plan to judge them alike:
 * statements inside functions are not in pg_stat_statements (with `track =
 * top`, its default), and a function's body is readable by every role. The
 * consumer agent reads a body in its repository's SQL the same way.
 */

import { DOLLAR_DELIMITER } from './dollarQuotes';

/** A statement of a body. */
export interface BodyStatement {
  /** As written, its comments cut, its spaces made one. */
  text: string;
  /**
   * The same, its words (all but quoted names) lower case, each string
   * literal one placeholder, for patterns over words alone.
   */
  words: string;
}

export interface Body {
  statements: BodyStatement[];
  /** The text of each string literal (`'…'`, `E'…'`, `$tag$…$tag$`), unquoted. */
  strings: string[];
}

/** What stands for a string literal in `words`. */
export const STRING = `'\u0001'`;

/**
 * What PL/pgSQL writes before a statement in the same piece between two
 * semicolons: a label, BEGIN, DECLARE, ELSE, a condition's `… THEN`, a loop's
 * `… LOOP`, EXCEPTION, RETURN QUERY. Cut again and again.
 */
const PREFIXES = [
  /^<<[^>]*>> ?/,
  /^(begin( atomic)?|declare|else|loop|exception|return query)\b ?/,
  /^(if|elsif|elseif|when|case) .*?\bthen\b ?/,
  /^(for|foreach|while) .*?\bloop\b ?/,
];

const SPECIAL = /[-/'"$;]/g;

const DOLLAR_TAG = new RegExp(DOLLAR_DELIMITER, 'y');

/**
 * Reads a body: splits it at semicolons outside strings, quoted names and
 * comments, and keeps each string literal's text. With `mentioning` (in lower
 * case), only the statements whose words, in lower case, hold it: a body of
 * thousands of statements is read in a few milliseconds.
 */
export function readBody(body: string, mentioning?: string): Body {
  const statements: BodyStatement[] = [];
  const strings: string[] = [];
  // The piece read since the last semicolon: its code, string literals as
  // placeholders, and each literal as written.
  let code = '';
  let literals: string[] = [];
  const end = () => {
    const piece =
      mentioning === undefined || code.toLowerCase().includes(mentioning)
        ? statement(code, literals)
        : undefined;
    if (piece) statements.push(piece);
    code = '';
    literals = [];
  };
  let i = 0;
  const n = body.length;
  while (i < n) {
    const c = body[i];
    const next = body[i + 1];
    if (c === '-' && next === '-') {
      const eol = body.indexOf('\n', i);
      i = eol < 0 ? n : eol;
      code += ' ';
    } else if (c === '/' && next === '*') {
      let depth = 0;
      while (i < n) {
        if (body.startsWith('/*', i)) {
          depth += 1;
          i += 2;
        } else if (body.startsWith('*/', i)) {
          depth -= 1;
          i += 2;
          if (depth === 0) break;
        } else i += 1;
      }
      code += ' ';
    } else if (c === "'") {
      // E'…' takes backslash escapes; a standard string only doubled quotes.
      const escapes =
        /[eE]/.test(body[i - 1] ?? '') &&
        !/[A-Za-z0-9_$]/.test(body[i - 2] ?? ' ');
      let text = '';
      let j = i + 1;
      while (j < n) {
        if (escapes && body[j] === '\\') {
          text += body[j + 1] ?? '';
          j += 2;
        } else if (body[j] === "'") {
          if (body[j + 1] === "'") {
            text += "'";
            j += 2;
          } else break;
        } else {
          text += body[j];
          j += 1;
        }
      }
      strings.push(text);
      literals.push(body.slice(i, j + 1));
      code += STRING;
      i = j + 1;
    } else if (c === '"') {
      const close = body.indexOf('"', i + 1);
      let j = close < 0 ? n : close;
      while (body[j + 1] === '"') {
        const again = body.indexOf('"', j + 2);
        j = again < 0 ? n : again;
      }
      code += body.slice(i, j + 1);
      i = j + 1;
    } else if (c === '$' && !/[A-Za-z0-9_$]/.test(body[i - 1] ?? ' ')) {
      DOLLAR_TAG.lastIndex = i;
      const tag = DOLLAR_TAG.exec(body)?.[0];
      if (tag) {
        const close = body.indexOf(tag, i + tag.length);
        const j = close < 0 ? n : close;
        strings.push(body.slice(i + tag.length, j));
        literals.push(body.slice(i, j + tag.length));
        code += STRING;
        i = j + tag.length;
      } else {
        code += c;
        i += 1;
      }
    } else if (c === ';') {
      end();
      i += 1;
    } else {
      // Up to the next character that may start something else, at once.
      SPECIAL.lastIndex = i + 1;
      const to = SPECIAL.exec(body)?.index ?? n;
      code += body.slice(i, to);
      i = to;
    }
  }
  end();
  return { statements, strings };
}

/** A statement's words, all but quoted names in lower case. */
export function lowerWords(text: string): string {
  return text.replace(/"[^"]*"|[^"]+/g, part =>
    part.startsWith('"') ? part : part.toLowerCase(),
  );
}

function prefixOf(words: string): string | undefined {
  return PREFIXES.map(p => p.exec(words)?.[0]).find(Boolean);
}

/** A piece between semicolons as a statement, its PL/pgSQL prefixes cut. */
function statement(
  code: string,
  literals: string[],
): BodyStatement | undefined {
  const normal = code.replace(/\s+/g, ' ').trim();
  let words = lowerWords(normal);
  for (let cut = prefixOf(words); cut; cut = prefixOf(words)) {
    words = words.slice(cut.length);
  }
  if (!words) return undefined;
  // Cutting a prefix cuts as many letters of the text; the literals left are
  // the piece's last ones.
  let at = literals.length - (words.split(STRING).length - 1);
  const text = normal
    .slice(Math.max(0, normal.length - words.length))
    .split(STRING)
    .reduce((a, b) => `${a}${literals[at++] ?? "''"}${b}`);
  return { text, words };
}
