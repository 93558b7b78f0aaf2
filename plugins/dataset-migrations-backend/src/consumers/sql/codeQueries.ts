/**
 * Whole SQL queries held in code's string literals (a Python `cur.execute("…")`,
 * a Java text block, a JavaScript template), read by the parser where a
 * pattern cannot judge them: a grouped query reading the dataset's columns
 * through its primary key (see groupedByKey.ts) breaks at the first cut-over
 * whatever the migration changes, in code as in a SQL file.
 */
import { dollarQuotes } from '../../sql/dollarQuotes';
import { readBody } from '../../sql/functionBodies';
import { positionOf, parseSql } from '../../sql/sqlParser';
import { analyzeSql } from './analyzeSql';
import { namesWord, type DatasetTarget } from './datasetTarget';
import { escapeRegExp } from '../../sql/regExp';
import { starsCounted, type CountedStar } from './growingStars';

/**
 * Code's text with its strings' escapes (`\n`, `\t`, `\r`…) blanked, keeping
 * every position: SQL in a JSON or code string (a Grafana panel's `"rawSql":
 * "SELECT\ntrack_id\nFROM\nlistening_events"`) has a name right after one,
 * which as written is glued to the escape's letter.
 */
export function unescapedCode(content: string): string {
  return content.replace(/\\[ntrfvb]/g, '  ');
}

/**
 * A string literal of code: Python's triple-quoted or prefixed (`f"…"`), a
 * line's `'…'` or `"…"`, or a `` `…` `` template. Linear on any text: a quote
 * right after a backslash opens nothing (so a run of escaped quotes is scanned
 * once, not from each of them), and a triple-quoted text ends at its first
 * closing quotes (a lazy `[\s\S]*?` went on past them whenever what followed
 * the literal in a larger pattern failed: 48 s on 100 kB, found by a review).
 */
export const LITERAL = String.raw`(?:\b[fFrRbBuUsS]{1,2}(?=['"]))?(?<!\\)(?:"""(?:(?!""")[\s\S])*"""|'''(?:(?!''')[\s\S])*'''|"(?:\\.|[^"\\\n])*"|'(?:\\.|[^'\\\n])*'|\x60(?:\\[\s\S]|[^\x60\\])*\x60)`;

/** The quote a literal opens and closes with, and its text between. */
export function literalParts(
  literal: string,
): { open: string; body: string; close: string } | undefined {
  const m = /^([fFrRbBuUsS]{0,2})("""|'''|["'\x60])([\s\S]*)\2$/.exec(literal);
  if (!m) return undefined;
  return { open: `${m[1]}${m[2]}`, body: m[3], close: m[2] };
}

/**
 * Where the parser reads a query built in code only through a stand-in: a
 * number no query holds, so each stand-in's place can be found in the tree.
 */
const STAND_IN = 990000;

/**
 * A client's placeholders as SQL the parser takes: `%s`, `%(name)s`, `?`,
 * `:name` stand for values (`$1` is SQL's own), and become `NULL`. What code
 * writes into the text (`{name}`, `${name}`, `#{name}`, Kotlin's and a shell's
 * `$name`) may be any SQL: it becomes a stand-in `$990000…`, whose place
 * decides whether the reading is sound. One standing for a name fails the
 * parse, and the query is not read whole. `keepMarks` leaves `?` alone (jsonb's
 * `data ? 'key'` is an operator, not a placeholder).
 */
function withValuesForPlaceholders(sql: string, keepMarks = false): string {
  let next = STAND_IN;
  const out = sql
    .replace(/[$#]?\{[^{}\n]*\}|\$[A-Za-z_]\w*(?![\w$])/g, () => `$${next++}`)
    .replace(/%\(\w+\)s|%s|(?<![:\w]):(?!:)[A-Za-z_]\w*/g, 'NULL');
  return keepMarks ? out : out.replace(/\?(?![|&-])/g, 'NULL');
}

/** A piece of code's text that may hold SQL, with where it starts and ends. */
interface Piece {
  at: number;
  end: number;
  body: string;
  /** A heredoc's or YAML block's lines: a text of its own, joined to none. */
  block?: boolean;
}

/** A statement's first word, in lower or upper case, as plain text may start with it. */
const SQL_START = String.raw`(?:select|insert|with|update|delete|merge|copy|create|SELECT|INSERT|WITH|UPDATE|DELETE|MERGE|COPY|CREATE)\b(?![:=]|\s*\()`;

/**
 * What else holds a text in code, before LITERAL is tried: a heredoc's start
 * (Ruby's `<<~SQL`, a shell's `<<'EOF'`, PHP's `<<<SQL`), C#'s verbatim
 * `@"…"` (`""` a quote), Rust's raw `r#"…"#` start, a YAML block scalar's key
 * (`query: |`), a YAML plain scalar starting as SQL does (`- insert into …`,
 * `sql: SELECT …`, found by round 34) or a `.properties`, `.ini` or `.env`
 * value (`archive.sql=INSERT …`), each over the lines continuing it, the
 * text of an XML element
 * holding SQL (MyBatis's `<select>`/`<insert>`…, Hibernate's `<sql-query>`,
 * CDATA too); after it a `"…"` or `'…'`
 * continued over lines by a backslash.
 * Each alternative stops at its first closing quote or at its line's end.
 */
const PIECE = new RegExp(
  [
    String.raw`(?<heredoc><<<?[~-]?[ \t]*(?<quote>['"]?)(?<tag>[A-Za-z_]\w*)\k<quote>)`,
    String.raw`(?<verbatim>(?<![\w"])\$?@\$?"(?:[^"]|"")*")`,
    String.raw`(?<raw>\bb?r(?<hashes>#+)")`,
    String.raw`(?<yaml>^(?<indent>[ \t]*)(?:-[ \t]+)?[\w.-]+[ \t]*:[ \t]*[|>][+-]?\d*[ \t]*$)`,
    String.raw`(?<plain>^(?<keyIndent>[ \t]*)(?:-[ \t]+(?:[\w.-]+[ \t]*:[ \t]+)?|(?:export[ \t]+)?[\w.-]+[ \t]*(?::[ \t]+|=[ \t]*))(?<sql>${SQL_START}[^\n]*))`,
    String.raw`(?<element><(?:select|insert|update|delete|sql|sql-query|query|statement)\b[^<>]*>[ \t\r\n]*(?:<!\[CDATA\[[ \t\r\n]*)?(?<text>${SQL_START}[^<]*))`,
    LITERAL,
    String.raw`(?<continued>(?<!\\)(?:"(?:\\[\s\S]|[^"\\\n])*"|'(?:\\[\s\S]|[^'\\\n])*'))`,
  ].join('|'),
  'gm',
);

/**
 * The texts of `code` that may hold SQL, in order, one pass: literals, heredoc
 * and YAML block bodies, verbatim and raw strings. A heredoc ends at the first
 * line holding its tag alone (found through an index of such lines, so many
 * unterminated starts cost one look each); a raw string at its first closing
 * quote and hashes (a count found unclosed once is not looked for again).
 */
function piecesOf(code: string): Piece[] {
  const pieces: Piece[] = [];
  let ends: Map<string, number[]> | undefined;
  const spent = new Map<string, number>();
  const unclosed = new Set<string>();
  PIECE.lastIndex = 0;
  for (let m = PIECE.exec(code); m; m = PIECE.exec(code)) {
    const at = m.index;
    const g = m.groups ?? {};
    if (g.heredoc) {
      // `<< name` with a blank is a shift (`cout << endl`, Ruby's `list <<
      // item`) unless the tag is quoted or in capitals, as heredocs' are.
      if (/\s/.test(g.heredoc) && !g.quote && g.tag !== g.tag.toUpperCase())
        continue;
      const from = code.indexOf('\n', PIECE.lastIndex) + 1;
      if (from === 0) continue;
      if (!ends) {
        ends = new Map();
        for (const line of code.matchAll(
          /^[ \t]*([A-Za-z_]\w*)(?:[ \t]*[;,)]+)?[ \t]*$/gm,
        )) {
          const list = ends.get(line[1]) ?? [];
          list.push(line.index ?? 0);
          ends.set(line[1], list);
        }
      }
      const list = ends.get(g.tag) ?? [];
      // Heredocs are met in order: a terminator before this one is spent.
      let i = spent.get(g.tag) ?? 0;
      while (i < list.length && list[i] < from) i++;
      spent.set(g.tag, i);
      if (i === list.length) continue;
      pieces.push({
        at: from,
        end: list[i],
        body: code.slice(from, list[i]),
        block: true,
      });
      PIECE.lastIndex = list[i] + 1;
    } else if (g.verbatim) {
      const open = g.verbatim.indexOf('"') + 1;
      pieces.push({
        at,
        end: PIECE.lastIndex,
        body: g.verbatim.slice(open, -1).replace(/""/g, '"'),
      });
    } else if (g.raw) {
      const close = `"${g.hashes}`;
      const found = unclosed.has(close)
        ? -1
        : code.indexOf(close, PIECE.lastIndex);
      if (found < 0) {
        unclosed.add(close);
        continue;
      }
      pieces.push({
        at,
        end: found + close.length,
        body: code.slice(PIECE.lastIndex, found),
      });
      PIECE.lastIndex = found + close.length;
    } else if (g.yaml) {
      // The lines below indented deeper than the key's, blank ones among them.
      let end = PIECE.lastIndex;
      let next = end + 1;
      while (next <= code.length) {
        const stop = code.indexOf('\n', next);
        const lineEnd = stop < 0 ? code.length : stop;
        const line = code.slice(next, lineEnd);
        const indent = /^[ \t]*/.exec(line)![0].length;
        if (line.trim() !== '' && indent <= g.indent.length) break;
        end = lineEnd;
        next = lineEnd + 1;
      }
      pieces.push({
        at,
        end,
        body: code.slice(PIECE.lastIndex, end),
        block: true,
      });
      PIECE.lastIndex = Math.max(end, PIECE.lastIndex + 1);
    } else if (g.sql) {
      const from = at + m[0].indexOf(g.sql);
      const end = plainScalarEnd(code, PIECE.lastIndex, g.keyIndent.length);
      // Without YAML comments after the scalar, or a value's continuing
      // backslashes, blanked in place.
      const body = code
        .slice(from, end)
        .replace(/(?<![ \t])[ \t]+#.*$|\\(?=\r?\n)/gm, blank =>
          ' '.repeat(blank.length),
        );
      pieces.push({ at: from, end, body, block: true });
      PIECE.lastIndex = Math.max(end, PIECE.lastIndex);
    } else if (g.element) {
      // Without CDATA's end.
      const text = g.text.replace(/\]\]>\s*$/, '');
      const from = at + m[0].indexOf(g.text);
      pieces.push({
        at: from,
        end: from + text.length,
        body: text,
        block: true,
      });
    } else if (g.continued) {
      pieces.push({
        at,
        end: PIECE.lastIndex,
        body: g.continued.slice(1, -1).replace(/\\\r?\n/g, '\n'),
      });
    } else {
      const body = literalParts(m[0])?.body ?? '';
      // Kotlin's `"""…""".trimMargin()` runs without each line's `|` margin.
      const margin = /^\s*\.\s*trimMargin\s*\(/.test(
        code.slice(PIECE.lastIndex, PIECE.lastIndex + 40),
      );
      pieces.push({
        at,
        end: PIECE.lastIndex,
        body: margin ? body.replace(/^[ \t]*\|/gm, '') : body,
      });
    }
  }
  return pieces;
}

/**
 * Where a plain value that starts as SQL on `lineEnd`'s line ends: past the
 * lines a backslash continues (`.properties`), and the lines a YAML plain
 * scalar goes on to, indented deeper than its key and no key or list item of
 * their own (`sql: INSERT INTO archive` then `  SELECT * FROM orders`).
 */
function plainScalarEnd(code: string, lineEnd: number, keyIndent: number) {
  let end = lineEnd;
  while (end < code.length) {
    const next = end + 1;
    const stop = code.indexOf('\n', next);
    const lineStop = stop < 0 ? code.length : stop;
    const line = code.slice(next, lineStop);
    const continued = /\\\r?$/.test(code.slice(end - 2, end));
    const indent = /^[ \t]*/.exec(line)![0].length;
    const deeper =
      line.trim() !== '' &&
      indent > keyIndent &&
      !/^[ \t]*(?:-[ \t]|[\w.-]+[ \t]*:(?:[ \t]|$)|#)/.test(line);
    if (!continued && !deeper) break;
    end = lineStop;
  }
  return end;
}

/**
 * Dollar-quoted texts (`$$…$$`, `$body$…$body$`): a function's or DO block's
 * body. One no delimiter closes runs to the end, as PostgreSQL reads it: read
 * as SQL, it can only find more reads of the dataset, never fewer.
 */
function dollarQuoted(code: string): Array<{ at: number; body: string }> {
  return dollarQuotes(code).map(q => ({
    at: q.at,
    body: code.slice(q.from, q.to),
  }));
}

/**
 * How code puts the texts before and after `gap` together: into one string
 * (side by side, `+`, PHP's `.`), around a variable (`" … " + cond + " … "`,
 * read with a stand-in for it), within one statement some other way (`"
 * ".join([…])`, `sql += …`, a template in a template: not read whole), or not
 * (another statement).
 */
function joinOf(gap: string): 'whole' | 'variable' | 'statement' | undefined {
  // `sql += "…"` on the next statement, as unconditional as the first.
  if (
    /^[\s+\\]*$/.test(gap) ||
    /^\s*\.\s*$/.test(gap) ||
    /^\s*(?:;\s*)?[\w$]+\s*(?:\+=|\.=)\s*$/.test(gap)
  )
    return 'whole';
  if (
    /^\s*\+\s*[\w.$]+(?:\([^()"'`;\n]*\))?\s*\+\s*$/.test(gap) ||
    /^\s*\.\s*\$\w+\s*\.\s*$/.test(gap)
  )
    return 'variable';
  if (gap.length > 500 || /\n[ \t]*\r?\n/.test(gap)) return undefined;
  // `;` ends a statement, unless the next one appends to the text (`sql +=
  // …`, `sb.append(…)`, either under an `if`).
  if (
    /;(?![\s}]*(?:if\s*\([^;\n]*\)\s*\{?\s*)?(?:[\w.$]+[ \t]*(?:\+=|\.=|<<)|[\w.$]+\.(?:append|add|push|concat|write)\w*[ \t]*\())/i.test(
      gap,
    )
  )
    return undefined;
  // So does a new assignment, not one extending the text (`sql = sql + …`).
  if (/\n[ \t]*([\w.$]+)[ \t]*=(?![=>])(?![ \t]*\1(?![\w$]))/.test(gap))
    return undefined;
  // A line closing more than the gap opened has left the call holding the
  // text (a block's `}` has not: `if (…) { sql += …; }`).
  let depth = 0;
  for (const ch of gap) {
    if (ch === '(' || ch === '[') depth++;
    else if (ch === ')' || ch === ']') depth--;
    else if (ch === '\n' && depth < 0) return undefined;
  }
  return 'statement';
}

/** What a grouped query read from code comes to. */
type Verdict = 'through-key' | 'fine' | 'unread';

/**
 * Whether a parsed query's stand-in for code (see withValuesForPlaceholders)
 * sits where it could read a column through the key or change what is
 * grouped: in a grouped query's select list, HAVING, ORDER BY, windows,
 * DISTINCT ON or GROUP BY. In WHERE, ON or FROM it reads rows before they
 * are grouped, which a view does alike.
 */
function standInAfterGrouping(tree: unknown): boolean {
  const standIn = new RegExp(
    `"ParamRef":\\{"number":${STAND_IN / 10000}\\d{4}\\b`,
  );
  const seen = (node: unknown): boolean => {
    if (Array.isArray(node)) return node.some(seen);
    if (!node || typeof node !== 'object') return false;
    const n = node as Record<string, any>;
    const select = n.SelectStmt;
    if (
      select?.groupClause?.length &&
      standIn.test(
        JSON.stringify([
          select.targetList,
          select.havingClause,
          select.sortClause,
          select.windowClause,
          select.distinctClause,
          select.groupClause,
        ]),
      )
    )
      return true;
    return Object.values(n).some(seen);
  };
  return seen(tree);
}

/**
 * What a grouped query in code comes to: read through the key, fine, or not
 * read whole (not SQL the parser takes, or code's text where it decides).
 * A PL/pgSQL body is read statement by statement.
 */
function verdictOf(text: string, target: DatasetTarget): Verdict {
  const one = (sql: string): Verdict | undefined => {
    try {
      const parsed = parseSql(sql);
      if (
        analyzeSql(sql, parsed, target).some(statement =>
          statement.opaque.some(read => read.kind === 'grouped-by-key'),
        )
      )
        return 'through-key';
      return standInAfterGrouping(parsed.result) ? 'unread' : 'fine';
    } catch {
      return undefined;
    }
  };
  const whole =
    one(withValuesForPlaceholders(text)) ??
    one(withValuesForPlaceholders(text, true));
  if (whole) return whole;
  // `PERFORM …` is a SELECT whose rows PL/pgSQL drops.
  const verdicts = readBody(text)
    .statements.filter(s => /\bgroup\s+by\b/i.test(s.text))
    .map(
      s =>
        one(
          withValuesForPlaceholders(s.text.replace(/^perform\b/i, 'SELECT')),
        ) ?? 'unread',
    );
  if (verdicts.includes('through-key')) return 'through-key';
  return verdicts.length === 0 || verdicts.includes('unread')
    ? 'unread'
    : 'fine';
}

/** The dataset as a relation: after FROM (in its list), JOIN, UPDATE, INTO. */
function relationPattern(target: DatasetTarget): RegExp {
  const schema = escapeRegExp(target.schema);
  const table = escapeRegExp(target.table);
  return new RegExp(
    `\\b(?:from|join|update|into)\\s+(?:only\\s+)?(?:[\\w."]+(?:\\s+(?:as\\s+)?\\w+)?\\s*,\\s*){0,5}(?:"?${schema}"?\\s*\\.\\s*)?"?${table}"?(?![\\w$.])`,
    'i',
  );
}

/** A text code puts together from its pieces, with where it starts. */
interface CodeText {
  at: number;
  body: string;
  /** Code is joined on before or after it (`prefix + "…"`): any SQL may be there. */
  open: boolean;
}

/**
 * The texts of `code` that may hold SQL (literals, heredoc and YAML block
 * bodies, verbatim and raw strings, dollar-quoted bodies), each statement's
 * together (a chain), and within it those read as one string put together.
 */
function codeTexts(code: string): CodeText[][] {
  const chains: Piece[][][] = [];
  let last: Piece | undefined;
  for (const piece of piecesOf(code)) {
    const join =
      last && !last.block && !piece.block
        ? joinOf(code.slice(last.end, piece.at))
        : undefined;
    const chain = chains[chains.length - 1];
    if (!join || !chain) chains.push([[piece]]);
    else if (join === 'statement') chain.push([piece]);
    else {
      const group = chain[chain.length - 1];
      if (join === 'variable')
        group.push({ ...piece, body: ` {} ${piece.body}` });
      else group.push(piece);
    }
    last = piece;
  }
  for (const body of dollarQuoted(code)) chains.push([[{ ...body, end: 0 }]]);
  return chains.map(chain =>
    chain.map(group => {
      const first = group[0];
      const end = group[group.length - 1].end;
      // Code joined on before or after (`prefix + "…"`, `"…" + order_by`) may
      // be any SQL, an ORDER BY or the select list: not read whole.
      const open =
        (end > 0 &&
          /^\s*(?:\+(?![+=])|\|\||\.\.|\.\s)/.test(
            code.slice(end, end + 20),
          )) ||
        /(?:[^+]\+|\|\||\.\.|\s\.)\s*$/.test(
          code.slice(Math.max(0, first.at - 20), first.at),
        );
      return { at: first.at, body: group.map(p => p.body).join(''), open };
    }),
  );
}

/** A text of code as SQL: a quote escaped in the literal is one in the SQL. */
function sqlOf(body: string): string {
  return body.replace(/\\(["'`])/g, '$1').replace(/\\n/g, '\n');
}

/** Lines of `code` at the given offsets, each once, in order. */
function linesAt(code: string, starts: number[]): number[] {
  return [...new Set(starts.map(at => positionOf(code, at).line))].sort(
    (a, b) => a - b,
  );
}

/**
 * The lines of `code` (its comments blanked, the names it builds in written
 * in) holding a grouped query that reads a column of the dataset through its
 * primary key (`throughKey`), and those holding one that goes with the
 * dataset but cannot be read whole (`unread`): SQL with GROUP BY that it, or
 * a text joined to it in the same statement, names the dataset as a
 * relation of, built in a way the parser cannot take or with code's text
 * where it decides what is grouped. Through the view either may fail.
 */
export function groupedByKeyInCode(
  code: string,
  target: DatasetTarget,
): { throughKey: number[]; unread: number[] } {
  const throughKey: number[] = [];
  const unread: number[] = [];
  const relation = relationPattern(target);
  for (const groups of codeTexts(code)) {
    const grouped = groups.filter(g => /\bgroup\s+by\b/i.test(g.body));
    if (grouped.length === 0) continue;
    const named = groups.some(g => relation.test(g.body));
    for (const { at, body, open } of grouped) {
      const verdict =
        !open && namesWord(body, target.table)
          ? verdictOf(sqlOf(body), target)
          : 'unread';
      if (verdict === 'through-key') throughKey.push(at);
      else if (verdict === 'unread' && named) unread.push(at);
    }
  }
  // Lines are counted after the parser's last use: one count of `code`'s
  // lines, not one per query.
  return {
    throughKey: linesAt(code, throughKey),
    unread: linesAt(code, unread),
  };
}

/** A `*` or `alias.*` item of a select list, where SQL cannot be parsed. */
const STAR_ITEM =
  /(?:\bselect(?:\s+distinct|\s+all)?|,)\s*(?:(?:"[^"]+"|[A-Za-z_][\w$]*)\s*\.\s*)?\*\s*(?:,|\bfrom\b)/i;

/** Right before a whole row read as JSON, by its columns' names. */
const AS_JSON =
  /\b(?:row_to_json|to_jsonb?|jsonb?_agg(?:_strict)?|jsonb?_object_agg)\s*\(\s*(?:distinct\s+)?$/i;

/** Right before a table made with the dataset's columns (`CREATE TABLE t (LIKE orders)`). */
const MADE_LIKE = /\blike\s*$/i;

/** What a statement's result is read into while asking what reaches it. */
const RESULT = '\u0000what code gets';

/**
 * A relation code names at run time after FROM: a stand-in for code's text
 * (`{table}`, `${t}`), a placeholder (`%s` formatted in), the text's end
 * (`"… FROM " + t`), after a schema or in quotes too (`raw.{name}`).
 */
const FROM_CODE = new RegExp(
  String.raw`\bfrom\s+(?:(?:"[^"]*"|[A-Za-z_]\w*)\s*\.\s*)?"?(?:\$${
    STAND_IN / 10000
  }\d{4}\b|NULL\b|$)`,
  'i',
);

/**
 * A `RETURNING` list with `*` (or `t.*`) among its items. Each item ends at its
 * comma, one way only, and the blanks after the keyword are the first item's:
 * an item and the blanks after its comma both taking blanks made a list of one
 * column per indented line fail in time growing with the indent to the power
 * of the columns (a probe, round 37: over 170 s for seven columns, the
 * backend's event loop held throughout).
 */
const RETURNING_STAR =
  /\breturning\s(?:[^;(),]*,)*\s*(?:(?:"[^"]+"|[A-Za-z_]\w*)\s*\.\s*)?\*/i;

/** A `*` in code's SQL read into a fixed number of columns, with its line. */
export interface CountedStarInCode extends CountedStar {
  line: number;
}

export interface CodeWholeRowReads {
  readonly lines: readonly number[];
  readonly byPosition: readonly number[];
  readonly counted: readonly CountedStarInCode[];
}

/**
 * The lines of `code` holding SQL that reads the dataset's whole rows: `*`
 * or `o.*` anywhere in a select list, `TABLE orders`, a row as one value
 * (`row_to_json(o)`, `SELECT o`). Read by the parser, which knows what an
 * alias stands for, where a pattern sees only a `*` right after SELECT
 * (found by round 31: `SELECT c.name, o.* FROM orders o JOIN …` in code was
 * unaffected under a rename). A text the parser cannot take counts where it
 * names the dataset as a relation and lists a `*` item.
 *
 * For the cut-over, when `*` gains the new version's fields: `byPosition`,
 * the lines whose rows code gets with those columns, which it may take by
 * position (`*` of the dataset reaching a statement's result, a row as a
 * record, not as JSON, a table made `LIKE` it; a `*` over a relation code
 * names at run time in a file naming the dataset); `counted`, the `*`s a
 * statement takes a fixed number of columns from (`INSERT INTO t SELECT *
 * FROM orders`, a `UNION`'s arm), which fail once `*` has more.
 */
export function wholeRowsInCode(
  code: string,
  target: DatasetTarget,
): CodeWholeRowReads {
  const relation = relationPattern(target);
  const found: number[] = [];
  const byPosition: number[] = [];
  const counted: CountedStarInCode[] = [];
  for (const groups of codeTexts(code))
    for (const { at, body } of groups) {
      const sql = sqlOf(body);
      const withValues = withValuesForPlaceholders(sql);
      if (!namesWord(body, target.table) && !FROM_CODE.test(withValues))
        continue;
      // A block's lines are the code's; a one-line literal's `\n` are not.
      const lineOf = (text: string, start: number) =>
        positionOf(code, at).line +
        (body.includes('\n') ? text.slice(0, start).split('\n').length - 1 : 0);
      const whole = (text: string) => {
        let statements;
        let tree;
        try {
          tree = parseSql(text);
          statements = analyzeSql(text, tree, target);
        } catch {
          return undefined;
        }
        for (const star of starsCounted(statements, text))
          counted.push({ ...star, line: lineOf(text, star.start) });
        const datasetStar = statements.some(
          statement =>
            statement.grows.length > 0 ||
            statement.stars.some(star => star.relations.some(r => r.dataset)),
        );
        // What reaches a result, asked apart: the mark would hide the counts
        // a result's `UNION` sets.
        for (const star of datasetStar
          ? starsCounted(
              analyzeSql(text, tree, { ...target, resultCountFixedBy: RESULT }),
              text,
            )
          : [])
          if (star.countFixedBy === RESULT)
            byPosition.push(lineOf(text, star.start));
        const rows = statements.flatMap(statement =>
          statement.opaque.filter(read => read.kind === 'whole-row'),
        );
        const before = (start: number) =>
          text.slice(Math.max(0, start - 60), start);
        // A write's `RETURNING *` gives code the dataset's row too.
        for (const statement of statements) {
          if (statement.datasetWrites.length === 0) continue;
          const returning = RETURNING_STAR.exec(
            text.slice(statement.start, statement.end),
          );
          if (returning)
            byPosition.push(lineOf(text, statement.start + returning.index));
        }
        for (const read of [
          ...rows.filter(row => !AS_JSON.test(before(row.start))),
          ...statements.flatMap(statement =>
            statement.opaque.filter(
              shape =>
                shape.kind === 'row-shape' &&
                MADE_LIKE.test(before(shape.start)),
            ),
          ),
        ])
          byPosition.push(lineOf(text, read.start));
        return (
          rows.length > 0 ||
          statements.some(statement =>
            statement.stars.some(star => star.relations.some(r => r.dataset)),
          )
        );
      };
      const parsed =
        whole(withValues) ?? whole(withValuesForPlaceholders(sql, true));
      // Unparsed: a `*` item of the dataset, or of a relation code names at
      // run time (`f"SELECT * FROM {table}"`, `"SELECT * FROM " + t`) in a
      // file naming the dataset, which may be read by position.
      const listed =
        parsed === undefined &&
        STAR_ITEM.test(sql) &&
        (relation.test(sql) || FROM_CODE.test(withValues));
      if (listed) byPosition.push(positionOf(code, at).line);
      if (parsed || listed) found.push(at);
    }
  return {
    lines: linesAt(code, found),
    byPosition: [...new Set(byPosition)].sort((a, b) => a - b),
    counted,
  };
}
