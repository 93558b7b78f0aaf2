import { escapeIdentifier } from 'pg';
import { parseSql, SqlSyntaxError, type ParsedSql } from '../../sql/sqlParser';

/**
 * Functions an expression may call: built-ins whose result depends only on their
 * arguments. The backfill, the capture trigger and verification each compute an
 * expression again, so a clock, a random number or a lookup in another table
 * would make the copies disagree; such calls are refused before anything is queued.
 */
// prettier-ignore
const ALLOWED_FUNCTIONS = new Set([
  // text
  'lower', 'upper', 'initcap', 'btrim', 'ltrim', 'rtrim', 'substr', 'substring',
  'left', 'right', 'length', 'char_length', 'octet_length', 'replace',
  'translate', 'split_part', 'concat', 'concat_ws', 'lpad', 'rpad', 'repeat',
  'reverse', 'strpos', 'position', 'md5', 'sha256', 'encode', 'decode',
  'regexp_replace', 'regexp_substr', 'regexp_like', 'starts_with', 'to_hex',
  'string_to_array', 'array_to_string', 'array_length', 'cardinality',
  // numbers
  'abs', 'round', 'trunc', 'floor', 'ceil', 'ceiling', 'mod', 'div', 'power',
  'sqrt', 'sign', 'exp', 'ln', 'log', 'log10', 'width_bucket',
  // dates and times (not the clock)
  'date_trunc', 'date_part', 'extract', 'make_date', 'make_time',
  'make_timestamp', 'make_timestamptz', 'make_interval', 'to_timestamp',
  'to_char', 'to_date', 'to_number', 'timezone', 'justify_days',
  'justify_hours', 'justify_interval', 'isfinite',
  // json
  'to_json', 'to_jsonb', 'json_build_object', 'jsonb_build_object',
  'json_build_array', 'jsonb_build_array', 'jsonb_extract_path_text',
  'json_extract_path_text', 'jsonb_typeof', 'json_typeof',
]);

/** The parse nodes an expression over one row may contain. */
// prettier-ignore
const ALLOWED_NODES = new Set([
  'ResTarget', 'ColumnRef', 'String', 'A_Const', 'Integer', 'Float', 'Boolean',
  'BitString', 'TypeCast', 'TypeName', 'FuncCall', 'A_Expr', 'BoolExpr',
  'CaseExpr', 'CaseWhen', 'CoalesceExpr', 'MinMaxExpr', 'NullTest',
  'BooleanTest', 'A_Indirection', 'A_Indices', 'A_ArrayExpr', 'CollateClause',
  'RowExpr', 'List',
]);

/** What the parser calls some nodes a user would know by another name. */
const NODE_NAMES: Record<string, string> = {
  SubLink: 'a subquery',
  SQLValueFunction: 'a clock or session value (e.g. current_date)',
  ParamRef: 'a parameter',
  GroupingFunc: 'GROUPING',
};

type Node = Record<string, unknown>;

/** What an expression is wrapped in to parse it as a statement. */
const PREFIX = 'SELECT (';
const SUFFIX = '\n)';

/**
 * Problems with an expression over the source version's fields, read by
 * PostgreSQL's own parser: exactly one expression, reading only the named fields
 * (unqualified), calling only deterministic built-ins, with no subquery, aggregate
 * or window. An empty list means it may be embedded in the engine's statements.
 */
export function checkExpression(
  expression: string,
  fieldNames: string[],
): string[] {
  const parsed = parseExpression(expression);
  if ('problem' in parsed) return [parsed.problem];
  const problems = new Set<string>();
  const known = new Set(fieldNames);
  visitNodes(parsed.expression, (type, node) => {
    if (!ALLOWED_NODES.has(type)) {
      problems.add(
        `uses ${
          NODE_NAMES[type] ?? type
        }, which an expression over one row may not`,
      );
      return false;
    }
    if (type === 'ColumnRef') checkColumn(node, known, problems);
    if (type === 'FuncCall') checkCall(node, problems);
    if (type === 'A_Expr' && names(node.name).length > 1) {
      // OPERATOR(schema.op) can call any function.
      problems.add(
        `uses operator ${names(node.name).join('.')}; use built-in operators`,
      );
    }
    if (type === 'TypeCast') checkCast(node, problems);
    return true;
  });
  checkGrowth(parsed.expression, 1, problems);
  return [...problems];
}

/**
 * How many times longer than its input the text an expression makes may be.
 * Every stage computes the expression for every row (the dry run too), so
 * `repeat(title, 100000)` would hold the engine for as long as it takes.
 */
export const MAX_EXPRESSION_GROWTH = 1000;

/** Functions that make text as long as one of their arguments says: its index. */
const SIZED_BY_ARGUMENT: Record<string, number> = {
  repeat: 1,
  lpad: 1,
  rpad: 1,
};

/**
 * Refuses a `repeat`, `lpad` or `rpad` whose size is not a whole-number
 * constant, or whose sizes, multiplied through their nesting, pass
 * {@link MAX_EXPRESSION_GROWTH}.
 */
function checkGrowth(value: unknown, growth: number, problems: Set<string>) {
  if (Array.isArray(value)) {
    for (const item of value) checkGrowth(item, growth, problems);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value as Node)) {
    let next = growth;
    const call = inner as Node;
    const parts = key === 'FuncCall' ? names(call.funcname) : [];
    const name = parts[parts.length - 1]?.toLowerCase() ?? '';
    const at = SIZED_BY_ARGUMENT[name];
    if (at !== undefined) {
      const size = wholeNumber((call.args as Node[] | undefined)?.[at]);
      if (size === undefined) {
        problems.add(
          `calls ${name}() with a size that is not a whole-number constant; the engine bounds what an expression costs`,
        );
      } else {
        next = growth * Math.max(size, 1);
        if (next > MAX_EXPRESSION_GROWTH)
          problems.add(
            `calls ${name}() with a size of ${size}: the text an expression makes may be at most ${MAX_EXPRESSION_GROWTH} times as long as what it reads (sizes of repeat, lpad and rpad multiply when nested)`,
          );
      }
    }
    checkGrowth(inner, next, problems);
  }
}

/** A whole-number literal (`1000`, `-3`), else undefined. */
function wholeNumber(node: Node | undefined): number | undefined {
  const constant = node?.A_Const as Node | undefined;
  const integer = constant?.ival as Node | undefined;
  if (!integer) return undefined;
  return typeof integer.ival === 'number' ? integer.ival : 0;
}

/**
 * An expression with its field names replaced (the engine's own expressions, such
 * as an index's or a CHECK's, carried to a version whose fields were renamed).
 * Returns the first field `rename` has no name for instead.
 */
export function renameFields(
  expression: string,
  rename: (field: string) => string | undefined,
): { sql: string } | { missing: string } {
  const parsed = parseExpression(expression);
  if ('problem' in parsed) throw new Error(parsed.problem);
  const edits: Array<{ start: number; end: number; name: string }> = [];
  let missing: string | undefined;
  visitNodes(parsed.expression, (type, node) => {
    if (type !== 'ColumnRef') return true;
    const parts = names(node.fields);
    const field = parts[parts.length - 1];
    const renamed = rename(field);
    if (renamed === undefined) missing ??= field;
    const start = parsed.indexOf(node.location as number);
    const token = parsed.tokens.find(t => t.start === start);
    if (renamed !== undefined && parts.length === 1 && token)
      edits.push({ start, end: token.end, name: escapeIdentifier(renamed) });
    return true;
  });
  if (missing !== undefined) return { missing };
  let sql = parsed.text;
  for (const edit of edits.sort((a, b) => b.start - a.start))
    sql = sql.slice(0, edit.start) + edit.name + sql.slice(edit.end);
  return { sql: sql.slice(PREFIX.length, sql.length - SUFFIX.length) };
}

/** Parses `SELECT (<expression>)` and checks it is that and nothing more. */
function parseExpression(
  expression: string,
): (ParsedSql & { text: string; expression: Node }) | { problem: string } {
  const text = `${PREFIX}${expression}${SUFFIX}`;
  let parsed: ParsedSql;
  try {
    parsed = parseSql(text);
  } catch (error) {
    if (error instanceof SqlSyntaxError) {
      const at = Math.max(0, error.index - PREFIX.length);
      return { problem: `${error.message} (at character ${at + 1})` };
    }
    throw error;
  }
  const statements = parsed.result.stmts ?? [];
  const select = (statements[0]?.stmt as Node | undefined)?.SelectStmt as
    | Node
    | undefined;
  const extra = select
    ? Object.keys(select).filter(
        k => !['targetList', 'limitOption', 'op'].includes(k),
      )
    : [];
  const targets = (select?.targetList as Node[] | undefined) ?? [];
  if (statements.length !== 1 || extra.length > 0 || targets.length !== 1) {
    return { problem: 'must be one expression over the row, not a query' };
  }
  return { ...parsed, text, expression: targets[0] };
}

/** Calls `visit` on every parse node, depth first; `false` skips a node's insides. */
function visitNodes(
  value: unknown,
  visit: (type: string, node: Node) => boolean,
): void {
  if (Array.isArray(value)) {
    for (const item of value) visitNodes(item, visit);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const [key, inner] of Object.entries(value as Node)) {
    // Node types are capitalised; lower-case keys are a node's own fields.
    if (/^[A-Z]/.test(key) && !visit(key, inner as Node)) continue;
    visitNodes(inner, visit);
  }
}

function names(list: unknown): string[] {
  return ((list as Node[] | undefined) ?? []).map(part =>
    'String' in part ? String((part.String as Node).sval) : '*',
  );
}

function checkColumn(ref: Node, known: Set<string>, problems: Set<string>) {
  const parts = names(ref.fields);
  if (parts.length !== 1 || parts[0] === '*') {
    problems.add(
      `reads "${parts.join(
        '.',
      )}": name fields of the dataset on their own, without a table or *`,
    );
  } else if (!known.has(parts[0])) {
    problems.add(`reads unknown field "${parts[0]}"`);
  }
}

/** `'now'::timestamptz`, `'today'::date`: a constant that reads the clock. */
const CLOCK_WORDS = /^\s*(now|today|tomorrow|yesterday)\s*$/i;

function checkCast(cast: Node, problems: Set<string>) {
  const constant = (cast.arg as Node | undefined)?.A_Const as Node | undefined;
  const text = (constant?.sval as Node | undefined)?.sval;
  if (typeof text === 'string' && CLOCK_WORDS.test(text)) {
    problems.add(`casts '${text.trim()}', which reads the clock`);
  }
}

function checkCall(call: Node, problems: Set<string>) {
  const parts = names(call.funcname);
  const name = parts[parts.length - 1].toLowerCase();
  const schema = parts.length > 1 ? parts[0].toLowerCase() : 'pg_catalog';
  if (
    call.over ||
    call.agg_star ||
    call.agg_distinct ||
    call.agg_order ||
    call.agg_filter
  ) {
    problems.add(
      `calls ${name}() as an aggregate or window; an expression reads one row`,
    );
  } else if (schema !== 'pg_catalog' || !ALLOWED_FUNCTIONS.has(name)) {
    problems.add(
      `calls ${parts.join(
        '.',
      )}(), which is not an allowed function (built-ins whose result depends only on their arguments, e.g. lower, round, date_trunc, coalesce)`,
    );
  }
}
