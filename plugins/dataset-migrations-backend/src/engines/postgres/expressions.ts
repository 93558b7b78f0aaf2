import { parseSql, SqlSyntaxError } from '../../sql/sqlParser';

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
  'to_char', 'to_date', 'to_number', 'timezone', 'age', 'justify_days',
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
  const wrapped = `SELECT (${expression}\n)`;
  let root: Node;
  try {
    const parsed = parseSql(wrapped).result.stmts ?? [];
    if (parsed.length !== 1) return ['must be one expression'];
    root = parsed[0]!.stmt as Node;
  } catch (error) {
    if (error instanceof SqlSyntaxError) {
      const at = Math.max(0, error.index - 'SELECT ('.length);
      return [`${error.message} (at character ${at + 1})`];
    }
    throw error;
  }
  const select = root.SelectStmt as Node | undefined;
  const extra = select
    ? Object.keys(select).filter(
        k => !['targetList', 'limitOption', 'op'].includes(k),
      )
    : [];
  const targets = (select?.targetList as Node[] | undefined) ?? [];
  if (!select || extra.length > 0 || targets.length !== 1) {
    return ['must be one expression over the row, not a query'];
  }

  const problems = new Set<string>();
  const known = new Set(fieldNames);
  const visit = (value: unknown): void => {
    if (Array.isArray(value)) {
      value.forEach(visit);
      return;
    }
    if (value === null || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value as Node)) {
      // Node types are capitalised; lower-case keys are a node's own fields.
      if (/^[A-Z]/.test(key)) {
        if (!ALLOWED_NODES.has(key)) {
          problems.add(
            `uses ${
              NODE_NAMES[key] ?? key
            }, which an expression over one row may not`,
          );
          continue;
        }
        if (key === 'ColumnRef') checkColumn(inner as Node, known, problems);
        if (key === 'FuncCall') checkCall(inner as Node, problems);
      }
      visit(inner);
    }
  };
  visit(targets[0]);
  return [...problems];
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
