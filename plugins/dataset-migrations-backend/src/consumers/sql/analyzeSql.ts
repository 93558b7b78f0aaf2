/**
 * Which fields of the dataset each statement of consumer SQL reads. One module
 * because `analyzeSql` is one walk of the parse tree whose scopes (aliases, CTEs,
 * subqueries, correlated references) every branch of the walk reads and extends.
 * The dataset it resolves against, and how text names it, are datasetTarget.ts.
 */
import type { ScanToken } from 'libpg-query';
import type { JinjaReference } from './dbtJinja';
import {
  jinjaNamesDataset,
  namesWord,
  type DatasetTarget,
} from './datasetTarget';
import { parseSql, type ParsedSql } from '../../sql/sqlParser';
import { escapeRegExp } from '../../sql/regExp';
import { groupedColumnsSubqueriesSee, keyDependentReads } from './groupedByKey';
import { BUILTIN_NUMBER_CALLS } from './builtinCalls';

export interface Span {
  start: number;
  end: number;
}

/** A read of one dataset field, e.g. `e.ms_played`. */
export interface ColumnUse extends Span {
  field: string;
  /** The field-name token inside the reference. */
  name: Span;
  /** A whole select-list item without an alias: the field's name is the output column's name. */
  bareTarget: boolean;
  /**
   * Such an item in parentheses (`(n)`, also named `n`): where they close, after
   * which an alias goes.
   */
  aliasAfter?: number;
  /** `SET f = …` or an INSERT column: a name, where no expression may stand. */
  assignment?: boolean;
  /** `SET f = 13`, `= NULL`, `= DEFAULT`: an assignment of a value with no fraction. */
  writesWhole?: boolean;
  /**
   * Unqualified, beside other relations at the level that owns it: the dataset's
   * alias (or name), which a new name for the field must be qualified with, since
   * another relation there may have a column of that name.
   */
  crowdedOwner?: string;
  /**
   * The dataset's alias is also a nearer relation's (`FROM orders t WHERE EXISTS
   * (SELECT … FROM (…) t WHERE … cust)`): qualifying the field with it would
   * read that relation instead.
   */
  shadowedOwner?: boolean;
  /**
   * The name the field's value is passed on under, when a CTE, subquery, view or
   * created table gives it another (`n AS a`, `WITH x(a) AS (SELECT n …)`): what is
   * done with it by that name is not followed.
   */
  passedOnAs?: string;
  /**
   * In an operand of `/`, where integers divide as integers: `direct` through
   * `+ - * %` only, `nested` inside a call too (`sum(f) / count(*)`), where the
   * call's result type depends on the field's.
   */
  divided?: 'direct' | 'nested';
  /**
   * Read by `sum()`, whose type follows its argument's (`sum(integer)` is bigint,
   * `sum(bigint)` numeric): `call` spans the whole call, `OVER` and `FILTER`
   * included; `bare` when the field is the call's whole argument; `inner` when
   * the sum is no output of the statement itself (a CTE's, a subquery's), so a
   * query around it may divide it.
   */
  summed?: { call: Span; bare: boolean; inner: boolean };
  /**
   * Given to a function or operator that Postgres picks by its argument's
   * type (`sqrt()`, `repeat()`, `date + f`, `&`): a wider type may pick
   * another (other digits, another result type) or none. `what` names it;
   * `besideField` is a dataset field added to or subtracted from this one,
   * whose type decides (`created_at + f`).
   */
  typed?: Typed;
  /**
   * A bare name as a whole ORDER BY or DISTINCT ON key, which Postgres takes
   * for an output column of that name first: a new name among `outputs` must
   * be qualified (with `owner`, the dataset's alias or name) to stay the field.
   */
  sortKey?: { outputs: Set<string>; owner: string };
}

/**
 * What a field is given to that Postgres picks by type (see
 * {@link ColumnUse.typed}). `exactType`: the value takes the field's type
 * itself (an array of it, `pg_typeof`), so any other type is seen, even
 * `smallint` → `integer`, which picks the same functions: `integer[] <@
 * smallint[]` does not exist.
 */
export interface Typed {
  what: string;
  besideField?: string;
  /** A dataset field this one is concatenated with (`country || f`): text when it is text. */
  besideText?: string;
  exactType?: boolean;
  /** Why the type shows, where it is not an array, a row or its name. */
  because?: string;
  /** What the wider type then does there, where {@link because} says why it shows. */
  consequence?: string;
  /**
   * Chosen between a double precision and a numeric version: any integer takes
   * the double precision one, so only an integer widened to numeric picks another.
   */
  floatOrNumeric?: boolean;
  /** `ROW(t.*)`: `t.*` there is the row's fields, each its own value, not the row. */
  expandsStar?: boolean;
  /**
   * The value is how the field is stored, not what it holds
   * (`pg_column_size`, `pg_column_compression`): a column of another type, or
   * one cast back, is stored otherwise (a cast makes a new, uncompressed value).
   */
  storedForm?: boolean;
  /**
   * A function or operator the rewriter does not know as Postgres's own (a
   * user's, an extension's): what versions it has only the database knows, so
   * any wider integer, `smallint` → `integer` too, may find none or another.
   */
  signatureUnknown?: boolean;
}

/** A relation in a FROM list, as `*` sees it. */
export interface ScopeRelation {
  alias: string;
  dataset: boolean;
  /**
   * Its columns can be written `alias.column` where it is in scope: a table or
   * a subquery with an alias, not a function, dbt Jinja or a relation inside an
   * aliased join (whose alias hides it).
   */
  qualifiable?: boolean;
  /** A subquery's or CTE's output column names, when every one of them is known. */
  columns?: Set<string>;
  /** A recursive CTE read in its own recursive term: its columns' types are its non-recursive term's. */
  recursiveSelf?: boolean;
  /**
   * A subquery or a CTE of the statement: its columns may be the dataset's
   * fields, with their types (`(SELECT * FROM t) d`).
   */
  derived?: boolean;
  /**
   * Another table or view, by name (no CTE): its columns have a dataset
   * field's type only where the file made it from the dataset.
   */
  table?: string;
  /** A CTE of the statement, by name. */
  cte?: string;
}

/** `*` or `alias.*` that includes the dataset's fields. */
export interface StarUse extends Span {
  qualified: boolean;
  /** The relations `*` stands for, in FROM order. */
  relations: ScopeRelation[];
  /** The `*` is a select-list item (not inside a function call). */
  target: boolean;
  /**
   * An unqualified `*` over one `JOIN … USING` or `NATURAL JOIN` of the dataset
   * and a subquery whose outputs are all known, the FROM list's only item: the
   * merged columns come first, then the left side's others, then the right's.
   */
  merged?: MergedJoin;
  /** A select-list `*` whose columns' types are seen (see {@link ColumnUse.typed}). */
  typed?: Typed;
  /** `TABLE t`: no `*` in the text, which no column list can replace. */
  implicit?: boolean;
  /**
   * Inside a statement that takes as many columns as it took before (an INSERT's
   * rows, a set operation's arm not all `*` of the dataset alike): what it is.
   * From cut-over `*` through the name has the new version's own fields too.
   */
  countFixedBy?: string;
}

/**
 * The count (see StarUse.countFixedBy) a relation's making walks its select
 * with: `MADE` and the relation's name, which no reason starts with.
 */
const MADE = '\u0000made ';

/** The relation `countFixedBy` makes, if it is one's making. */
function madeFrom(countFixedBy: string | undefined): string | undefined {
  return countFixedBy?.startsWith(MADE)
    ? countFixedBy.slice(MADE.length)
    : undefined;
}

export interface MergedJoin {
  /** The merged columns, in Postgres's order (USING's, or the left side's). */
  names: string[];
  datasetFirst: boolean;
  /** The subquery's alias and its output columns in order. */
  other: { alias: string; columns: string[] };
}

export interface StatementAnalysis extends Span {
  /** 1-based, in file order. */
  index: number;
  isSelect: boolean;
  columns: ColumnUse[];
  stars: StarUse[];
  /**
   * `JOIN … USING (f)` or `NATURAL JOIN` (`field` `*`) with the dataset on one
   * side: names matched across tables. `otherColumns`: every output column of
   * the other side, when it is one relation (a CTE or subquery) whose outputs
   * are all known; a NATURAL JOIN then matches a name the migration touches
   * only if that name is one of them.
   */
  joinsByName: Array<Span & { field: string; otherColumns?: Set<string> }>;
  /** Where the statement names the dataset (to point it at another version). */
  datasetRelations: DatasetRelation[];
  /** Unqualified dataset field names in a subquery over other relations: theirs or the dataset's. */
  ambiguous: Array<Span & { field: string }>;
  /**
   * Unqualified names the new version introduces (a rename's target, an added
   * field) read where the dataset is in scope and not provably from a nearer
   * relation: from cut-over the dataset's column could take them.
   */
  captures: Array<
    Span & {
      field: string;
      candidates: string[];
      /**
       * The one relation in scope besides the dataset, qualifiable and by an alias
       * nothing else in scope has: the name was that relation's column, since the
       * old version of the dataset lacks it and the statement ran.
       */
      owner?: string;
    }
  >;
  /**
   * A dataset field's name divided where it is not read from the dataset itself:
   * a CTE's or subquery's column, fed by the dataset through `*` or a plain read,
   * carries a changed type to the division unseen.
   */
  dividedElsewhere: Array<Span & { field: string }>;
  /**
   * A dataset field's name summed where it is not read from the dataset itself,
   * in a sum that is divided or that a CTE or subquery outputs (see
   * {@link ColumnUse.summed}).
   */
  summedElsewhere: Array<Span & { field: string }>;
  /**
   * A dataset field's name passed on under another name (a CTE's, a derived
   * table's) where it is not read from the dataset itself (`d AS (SELECT n AS
   * m FROM c)` over `c AS (SELECT n FROM t)`): what is done with it by that name
   * is not followed.
   */
  passedOnElsewhere: Array<Span & { field: string; as: string }>;
  /**
   * Another relation's fields reached in a way names do not follow (found by
   * adversarial27): its row as one value (`SELECT c AS x FROM c`, then
   * `(x).n`), its row type (`NULL::m`, `ROW(…)::m`, a function's `r m`), or a
   * column of it renamed (`ALTER TABLE m RENAME COLUMN n TO q`). Where the
   * relation holds a dataset field (a CTE or subquery of a statement reading
   * the dataset, a relation the file made from it), a widened field's type
   * travels on unseen.
   */
  rowsElsewhere: Array<
    Span & {
      relation: string;
      how: 'row' | 'row-type' | 'column-renamed';
      /** A CTE or subquery of the statement, not a table or view by name. */
      derived?: boolean;
      /** The column renamed. */
      column?: string;
      /** A CTE's or subquery's output columns, where every one is known. */
      columns?: string[];
    }
  >;
  /**
   * A dataset field's name given to a function or operator chosen by type (see
   * {@link ColumnUse.typed}) where it is not read from the dataset itself.
   */
  /**
   * The relations the statement creates (a table, a view, `SELECT … INTO`), by
   * name: later statements may read what it read, and read them by that name.
   */
  creates: string[];
  /**
   * Whether it makes a table (or view) of the dataset's own name where the
   * dataset is, or a temporary one (not `IF NOT EXISTS`, which keeps the
   * dataset): later statements of the file act on that, not on the dataset.
   */
  makesOwnTable: boolean;
  /**
   * Writes into a relation other than the dataset (`INSERT INTO r (f) …`,
   * `UPDATE r SET f = …`) of a value that may have a fraction, into a column
   * named like a dataset field (`field`), or into all its columns by position
   * (no `field`): a relation the file made from the dataset has its fields'
   * new types, which may store a value with a fraction where the old rounded.
   */
  /**
   * Relations other than the dataset that a statement writes into (INSERT,
   * UPDATE, DELETE, MERGE, COPY … FROM), whatever it writes: a view the file
   * made from the dataset takes no write into a column it reads cast back.
   */
  writeTargets: Array<Span & { relation: string }>;
  /** Where the statement writes into the dataset itself (INSERT, UPDATE, DELETE, MERGE, COPY … FROM). */
  datasetWrites: Span[];
  /**
   * A field grouped by as it is in a query whose subqueries may read it:
   * PostgreSQL matches an outer reference there only to a grouped column, not
   * to a grouped expression, so a cast back in GROUP BY fails the query.
   */
  groupedForSubqueries: Array<Span & { field: string }>;
  writesElsewhere: Array<
    Span & {
      relation: string;
      field?: string;
      /** By position, `SELECT *` of the dataset alone: its own fields' values. */
      datasetStar?: boolean;
    }
  >;
  /** Relations the statement makes as `SELECT *` of the dataset alone (a copy of its columns, in order). */
  copies: string[];
  /**
   * `*` of other tables, views or CTEs, by name, read into a fixed number of
   * columns (see StarUse.countFixedBy): one made with a `*` of the dataset
   * ({@link grows}) grows with it.
   */
  tableStarsCounted: Array<Span & { tables: string[]; countFixedBy: string }>;
  /**
   * Relations the statement makes (a CTE, a table, `SELECT … INTO`, a view)
   * whose columns a `*` of the dataset reaches: from the cut-over they have
   * its new version's own fields too.
   */
  grows: string[];
  /** Relations it makes whose columns a `*` of others, by name, reaches: they grow where those do. */
  growsThrough: Array<{ name: string; tables: string[] }>;
  /**
   * The names of the CTEs the statement defines, at any depth, as Postgres
   * reads them (`T2` is `t2`; a comment may stand before its AS): a bare
   * relation name there means the nearest such CTE before any table.
   */
  cteNames: string[];
  /**
   * A function or operator none of Postgres's own is given, somewhere in an
   * argument, a column of something other than the dataset (a CTE's, a
   * subquery's): whose width that column has, and so which version is
   * chosen, may be a dataset field's, under any name.
   */
  unknownSignatureOnDerived: boolean;
  /**
   * (`relation`: through `*` over that relation, a table or view by name,
   * which only a relation the file made from the dataset makes the field's.)
   */
  typedElsewhere: Array<Span & { field: string; relation?: string } & Typed>;
  opaque: OpaqueRead[];
}

/**
 * A read of the dataset whose fields the SQL does not spell out, so no edit of
 * names can keep it reading the same values.
 */
export interface OpaqueRead extends Span {
  /**
   * `whole-row`: a relation's row as one value (`row_to_json(o)`, `select o`);
   * `jinja-columns`: a Jinja expression where a column stands, which may render
   * any of the dataset's fields (`{{ dbt_utils.star(…) }}`, a macro given a
   * field's name); `jinja-relation`: a relation dbt names at run time
   * (`{{ target.schema }}.orders`), which may be the dataset; `row-shape`: the
   * dataset's column list taken whole outside a query (`LIKE orders`,
   * `INHERITS (orders)`, the row type `null::orders`); `shadow`: a relation the
   * file creates under the dataset's table name, which later statements read
   * in its place; `body`: a function or `DO` body (a string to the parser)
   * that names the dataset; `positional`: `INSERT INTO` the dataset without a
   * column list, which fills its columns by position; `column-aliases`: the
   * dataset with a column alias list (`orders o(a, b)`), which renames its
   * columns by position; `statement`: a statement naming the dataset that the
   * rewriter does not read through (MERGE, a RETURNING list, DDL such as CREATE
   * INDEX or COMMENT ON); `join-alias`: a join including the dataset given an
   * alias (`(orders JOIN …) AS j`), which hides the dataset's own name;
   * `derived-name`: an output column without an alias whose name Postgres takes
   * from a column inside a cast, subscript, collation or a CASE's ELSE
   * (`k::bigint` and `CASE WHEN … ELSE k END` are named `k`), so a rename would
   * rename the output; `named-in-string`: a string
   * equal to the dataset's table name, as a catalog query (information_schema,
   * pg_catalog) uses to read its columns, or in a statement calling a function
   * the rewriter does not know, which may run it as SQL; `search-path`: the file sets
   * `search_path`, so which table an unqualified name reads depends on it;
   * `system-column`: the dataset's `tableoid`, `ctid`, `xmin`…, the table's
   * own, which the version a migration makes has others of (or, under the
   * view that serves the dataset's name, none); `schema-qualified`: a column
   * of the dataset qualified with its schema and table (`public.t.k`), which
   * no alias can stand for; `grouped-by-key`: a column a grouped query reads
   * neither grouped nor aggregated, valid only through the table's primary key
   * (see groupedByKey.ts), which the view serving the name from cut-over has not;
   * `view-statement`: a statement that needs the dataset's name to be a table
   * and fails through the view serving it from cut-over (see
   * {@link ViewStatement}).
   */
  kind:
    | 'whole-row'
    | 'search-path'
    | 'system-column'
    | 'jinja-columns'
    | 'jinja-relation'
    | 'row-shape'
    | 'shadow'
    | 'body'
    | 'positional'
    | 'column-aliases'
    | 'statement'
    | 'join-alias'
    | 'derived-name'
    | 'named-in-string'
    | 'schema-qualified'
    | 'grouped-by-key'
    | 'view-statement';
  /** `view-statement`: which statement. */
  statement?: ViewStatement;
  /** `statement`: the parser's name of the statement not read through (`DeclareCursorStmt`). */
  node?: string;
  /**
   * `view-statement` `copy-to`: where the relation and its column list end, the
   * columns listed (none: every column), and whether it writes PostgreSQL's
   * binary format.
   */
  copy?: { end: number; columns?: string[]; binary: boolean };
  /**
   * `jinja-columns` where the dataset is not in scope, naming one of its fields:
   * a CTE's or subquery's column the dataset may feed, whose changed type a
   * macro may divide unseen (as {@link StatementAnalysis.dividedElsewhere}).
   */
  elsewhere?: boolean;
  /** `whole-row` that takes one field from the row (`(t).n`, `n(t)`). */
  field?: string;
  /**
   * `whole-row` given where its type itself is seen (`pg_typeof(t)`, an array
   * of it): the row type is named after the table.
   */
  typed?: Typed;
  /**
   * `whole-row` compared with another row (`=`, `IS DISTINCT FROM`, `IN`,
   * `ANY`): records compare only where their fields' types are alike.
   */
  compared?: boolean;
  /**
   * `whole-row` given where its fields' types, not only their values, decide
   * the result: its storage size or hash (`pg_column_size(t)`,
   * `hash_record(t)`), or a function that is not PostgreSQL's own, which may
   * read any field and pick functions by its type (the function named).
   */
  seesTypes?: string;
  /**
   * `whole-row` passed on under this name (a CTE's, subquery's, view's or
   * created table's column), where what is done with it is not followed: a
   * field read from it (`(r).n / 2`) or its type shown.
   */
  passedOn?: string;
}

/**
 * A statement naming the dataset that needs its name to be a table: from the
 * first cut-over the name is a view, where PostgreSQL refuses it (`cannot copy
 * from view`, `is not a table`, `WHERE CURRENT OF on a view is not
 * implemented`, `constraint … for table … does not exist`) or, for VACUUM and
 * ANALYZE, skips it with a warning. `copy-from` works through a view with an
 * `INSTEAD OF` trigger, so until contract where the migration makes one;
 * `on-conflict` (`ON CONFLICT (cols)` or without a target) fails only through
 * such a view.
 */
export type ViewStatement =
  | 'copy-to'
  | 'copy-from'
  | 'truncate'
  | 'alter-table'
  | 'create-index'
  | 'vacuum'
  | 'analyze'
  | 'references'
  | 'inherits'
  | 'tablesample'
  | 'current-of'
  | 'on-conflict-constraint'
  | 'on-conflict'
  | 'cluster'
  | 'reindex'
  | 'trigger'
  | 'statistics'
  | 'policy'
  | 'publication'
  | 'comment'
  | 'drop';

export interface DatasetRelation extends Span {
  /** The name columns are qualified with when the relation has no alias. */
  name: string;
  aliased: boolean;
  /** Named outside a FROM list or a DML target (`TRUNCATE t`, `COPY t`): it takes no alias, and nothing in the statement refers to it by name. */
  outsideFrom?: true;
  /** `TABLE t`: it takes no alias, though its ORDER BY or FOR UPDATE OF may name it. */
  tableForm?: true;
}

class Scope {
  readonly relations: ScopeRelation[] = [];
  /** The CTEs named here, with their output column names when all are known. */
  readonly ctes = new Map<string, Set<string> | undefined>();
  constructor(readonly parent?: Scope) {}

  hasCte(name: string): boolean {
    return this.ctes.has(name) || !!this.parent?.hasCte(name);
  }

  /** The output columns of the nearest CTE of that name, when all are known. */
  cteColumns(name: string): Set<string> | undefined {
    return this.ctes.has(name)
      ? this.ctes.get(name)
      : this.parent?.cteColumns(name);
  }

  byAlias(alias: string): ScopeRelation | undefined {
    return (
      this.relations.find(r => r.alias === alias) ?? this.parent?.byAlias(alias)
    );
  }
}

type Node = Record<string, any>;

/** A join's ON condition, and the relations it sees: the join's own. */
interface JoinCondition {
  quals: unknown;
  scope: Scope;
}

/**
 * What an item of a FROM list sees of its level without LATERAL: the CTEs
 * named there and the levels around it, none of the FROM list's relations.
 */
function outsideFrom(scope: Scope): Scope {
  const outside = new Scope(scope.parent);
  for (const [name, columns] of scope.ctes) outside.ctes.set(name, columns);
  return outside;
}

const ARITHMETIC = new Set(['/', '+', '-', '*', '%']);
/**
 * Operators with integer but no numeric version, or a float result from
 * integers; `jsonb -> integer` has no bigint or numeric version either.
 */
const TYPED_OPERATORS = new Set([
  '->',
  '->>',
  '&',
  '|',
  '#',
  '~',
  '<<',
  '>>',
  '^',
  '!',
  '!!',
  '||/',
  // Containment and ranges' own operators: `n <@ int4range(…)` takes an
  // integer, no bigint or numeric (their result is boolean all the same).
  '<@',
  '@>',
  '&&',
  '-|-',
  '&<',
  '&>',
]);
/** How a statement begins: a string that does may be SQL a function runs, whole or completed. */
const STATEMENT_START =
  /^\s*(?:\(\s*)?(select|with|insert|update|delete|merge|table|values|copy)\b/i;
/**
 * What the left operand of `<<` is given to: the shift keeps its operand's type
 * and drops the bits past its width, so any wider integer reads other values
 * (`smallint` 7 << 14 is -16384, `integer` 7 << 14 is 114688), and numeric has
 * no `<<`. Its right operand, the count, is integer alone; `>>`, `&`, `|`, `#`
 * and `~` read the same bits in any integer width.
 */
const SHIFT_LEFT: Typed = {
  what: 'operator <<',
  exactType: true,
  because:
    "which keeps its operand's type and drops the bits shifted past its width",
  consequence:
    'which that shift then reads with other bits (or, for numeric, finds no operator)',
};
/**
 * What a subscript is given to: Postgres coerces it by what it subscripts, and
 * jsonb takes integer or text, no bigint or numeric (`j[n]`).
 */
const SUBSCRIPT: Typed = { what: 'a subscript ([…])' };
/**
 * What the number `to_char(x, format)` formats is given to when the format asks
 * for scientific notation (`EEEE`) or a shift (`V`), or is no constant: for
 * `integer` Postgres rounds `EEEE`'s digits through double precision (ties to
 * even: `to_char(125, '9.9EEEE')` is ` 1.2e+02`), for `bigint` and `numeric`
 * through numeric (ties away from zero: ` 1.3e+02`), and `V` multiplies an
 * `integer` without checking for overflow. Other number formats spell a value
 * alike in any integer type or numeric ({@link FIXED_RESULT}).
 */
const TO_CHAR_NUMBER: Typed = {
  what: "to_char()'s number, under a format with EEEE or V (or no constant format)",
  because:
    'which Postgres rounds (EEEE) or multiplies (V) by its type: through double precision for integer, through numeric for bigint and numeric',
  consequence: 'which then spells some values with other digits',
};

/** A constant number format of `to_char()` spelling any integer or numeric alike: no `EEEE`, no `V`. */
function plainNumberFormat(arg: Node | undefined): boolean {
  const value = arg?.TypeCast ? arg.TypeCast.arg : arg;
  const format = value?.A_Const?.sval?.sval;
  return typeof format === 'string' && !/eeee|v/i.test(format);
}

/**
 * Types a cast may give a value that no number is: beside one, `+`, `-`, `*`
 * and comparisons pick an operator by the number's type, which exists for some
 * integer types only (`jsonb - integer` deletes an array element and has no
 * bigint or numeric version; `inet + bigint` no numeric one; `xid = integer` no
 * bigint or numeric one), or rounds by it (`money * integer` is exact, `money *
 * numeric` goes through double precision). Anything but these is no number.
 */
const NUMBER_TYPES = new Set([
  'int2',
  'int4',
  'int8',
  'smallint',
  'integer',
  'int',
  'bigint',
  'numeric',
  'decimal',
  'float4',
  'float8',
  'real',
  'float',
  'double precision',
]);
/** Calls whose value is JSON (`to_jsonb(x) - n`), in which `-` and `->` take integer alone. */
const JSON_CALL =
  /^(?:to_jsonb?|row_to_json|array_to_json|jsonb?(?:_(?!array_length$|typeof$)\w+)?)$/;
/** Operators whose value is JSON (`j -> 'a'`, `j #> '{a}'`, `j #- '{0}'`): no number. */
const JSON_OPERATORS = new Set(['->', '#>', '#-']);

/**
 * Functions taking `smallint` alone at some argument (no `integer` version
 * there), or whose value shows its width: a `smallint` widened even to
 * `integer` finds none, or another (`has_column_privilege(t, attnum, p)` takes
 * a smallint column number; `hashint2(n)`, `int24pl(n, m)`, the operators'
 * own functions, which Postgres's catalog names by width; `bytea(n)`, the cast
 * to bytea, spells as many bytes as the type is wide). Found by sweeping
 * pg_proc on Postgres 18 for calls that fail or read other values once the
 * argument is integer.
 */
const SMALLINT_ONLY = new Set([
  'has_column_privilege',
  'bytea',
  'cash_mul_int2',
  'cash_div_int2',
  'int2_mul_cash',
  'hashint2',
  'hashint2extended',
  'btint24cmp',
  'btint28cmp',
  'btint42cmp',
  'btint82cmp',
  'int2abs',
  'int2not',
  'int2shl',
  'int2shr',
  'int2um',
  'int2up',
  'int2out',
  'int2send',
  'int2_sum',
  'int2_avg_accum',
  'int2_avg_accum_inv',
  ...['int24', 'int28', 'int42', 'int82'].flatMap(pair =>
    ['pl', 'mi', 'mul', 'div', 'eq', 'ne', 'lt', 'le', 'gt', 'ge'].map(
      op => `${pair}${op}`,
    ),
  ),
]);
/** What a call of {@link SMALLINT_ONLY} is given to. */
const SMALLINT_ONLY_CALL = {
  exactType: true,
  because: 'which takes smallint alone there, or spells a value by its width',
  consequence:
    'for which it finds no version, or another (other bits or digits)',
};
/**
 * What a cast to `bytea` is given to: Postgres 18 spells an integer as its
 * bytes, as many as its type is wide (`1::smallint::bytea` is `\x0001`,
 * `1::integer::bytea` `\x00000001`), and numeric has no such cast.
 */
const BYTES_OF_WIDTH: Typed = {
  what: 'a cast to bytea',
  exactType: true,
  because: "which spells an integer as its bytes, as many as its type's width",
  consequence: 'which then has more bytes (or, for numeric, finds no cast)',
};

/** What a function or operator the rewriter does not know is given, bare. */
const UNKNOWN_SIGNATURE = {
  signatureUnknown: true,
  because:
    "which is no function or operator the rewriter knows as PostgreSQL's own (a user's or an extension's): which versions it has only the database knows",
  consequence:
    'for which it may find no version (a function taking smallint takes no integer) or another',
} as const;

/**
 * Operators of Postgres's own whose versions the rewriter's checks know (see
 * {@link TYPED_OPERATORS}, `arithmetic`, `noNumber`): any other (a user's, an
 * extension's) is chosen among the database's versions by its operands' types.
 */
const KNOWN_OPERATORS = new Set([
  '+',
  '-',
  '*',
  '/',
  '%',
  '||',
  '->>',
  '#>',
  '#>>',
  '#-',
  '?',
  '?|',
  '?&',
  '@?',
  '@@',
  '@',
  '|/',
  '<<=',
  '>>=',
  '~=',
  '<->',
]);

/** Window functions whose first argument may be of any type, the others integer. */
const VALUE_THEN_INTEGER = new Set(['lag', 'lead', 'nth_value']);
/**
 * Functions of {@link SAME_FOR_WIDER} with an argument that is integer alone,
 * by how many arguments the call has: `width_bucket(x, low, high, count)` takes
 * its bucket count only as integer (no bigint or numeric version:
 * `width_bucket(p, 0, 12, n)` fails once n is bigint). Its other arguments are
 * given to `others` where that is set: `width_bucket`'s operand and bounds pick
 * its double precision version for any integer and its numeric version for
 * numeric, which computes the bucket exactly where double precision rounds
 * (`width_bucket(13, 0, 23, 23)` is 13, `width_bucket(13::numeric, 0, 23, 23)`
 * 14).
 */
const INTEGER_ARGUMENT = new Map<
  string,
  { arity: number; position: number; what: string; others?: Typed }
>([
  [
    'width_bucket',
    {
      arity: 4,
      position: 3,
      what: "width_bucket()'s bucket count",
      others: {
        what: "width_bucket()'s operand or bounds",
        floatOrNumeric: true,
        because:
          'which Postgres computes in double precision for any integer and exactly for numeric',
        consequence:
          'which then puts a value on a bucket boundary in another bucket',
      },
    },
  ],
]);

/**
 * Functions whose result for an integer is the same as for the same value in a
 * wider integer or in numeric (checked on Postgres 18 for integer → bigint and
 * → numeric): aggregates and window functions that pass values through or
 * average them, formatting, JSON building, `mod`/`div`.
 */
const SAME_FOR_WIDER = new Set([
  'min',
  'max',
  'abs',
  'coalesce',
  'greatest',
  'least',
  'nullif',
  'json_build_object',
  'jsonb_build_object',
  'json_build_array',
  'jsonb_build_array',
  'to_json',
  'to_jsonb',
  'json_agg',
  'jsonb_agg',
  'mod',
  'div',
  'gcd',
  'lcm',
  'width_bucket',
  'lag',
  'lead',
  'first_value',
  'last_value',
  'nth_value',
  'percentile_disc',
  'mode',
  'row_number',
  'rank',
  'dense_rank',
  'cume_dist',
  'percent_rank',
  'grouping',
  'every',
  'bool_and',
  'bool_or',
]);
/**
 * What an output of a recursive CTE's recursive term is given to: its type
 * must be the non-recursive term's, type modifier included (`numeric(10,2)`).
 */
const RECURSIVE_TERM: Typed = {
  what: "an output of a recursive CTE's recursive term",
  exactType: true,
  because:
    "whose type must be the same as the non-recursive term's column, type modifier included, or the query fails",
};

/**
 * Calls whose value holds no row of their argument's type: a whole row given
 * to them is not passed on as a row (see `rowHidden`).
 */
const HIDES_ROW = new Set([
  'to_json',
  'to_jsonb',
  'row_to_json',
  'json_build_object',
  'jsonb_build_object',
  'json_build_array',
  'jsonb_build_array',
  'json_agg',
  'jsonb_agg',
  'json_object_agg',
  'jsonb_object_agg',
  'json_each',
  'jsonb_each',
  'json_each_text',
  'jsonb_each_text',
  'json_object_keys',
  'jsonb_object_keys',
  'count',
  'format',
  'concat',
  'concat_ws',
]);

/** The sort key of `percentile_disc()` given an array of fractions (or what may be one). */
const PERCENTILES_ARRAY: Typed = {
  what: 'percentile_disc() with an array of fractions (WITHIN GROUP (ORDER BY …))',
  exactType: true,
};

/**
 * What an output of `CREATE OR REPLACE VIEW` is given to: a view that exists
 * keeps its columns' types, type modifier included.
 */
const REPLACED_VIEW: Typed = {
  what: 'an output column of CREATE OR REPLACE VIEW',
  exactType: true,
  because:
    'whose type must stay the one the view has where it exists already (made by an earlier run, on the old version), or the statement fails',
};

/** Columns every table has, of the table rather than of its rows' values. */
const SYSTEM_COLUMNS = new Set([
  'tableoid',
  'ctid',
  'xmin',
  'xmax',
  'cmin',
  'cmax',
]);

/**
 * Functions of a whole row whose value its fields' storage decides, not only
 * their values: a widened integer makes the row longer (`pg_column_size(t)`)
 * or hashes otherwise (`hash_record(t)` of a numeric).
 */
const ROW_STORAGE = /^(?:pg_column_size|hash_record|hash_record_extended)\(\)$/;

/** Functions of a field's stored bytes (see {@link Typed.storedForm}). */
const STORED_FORM = new Set([
  'pg_column_size',
  'pg_column_compression',
  'pg_column_toast_chunk_id',
]);

/** A call of one of {@link STORED_FORM} anywhere in a text. */
export const STORED_FORM_CALL = new RegExp(
  `\\b(?:${[...STORED_FORM].join('|')})\\s*\\(`,
  'i',
);

/** Functions whose value takes their argument's type itself: arrays of it, its name, its size. */
const EXACT_TYPE = new Set([
  'array_agg',
  'array_append',
  'array_prepend',
  'array_cat',
  'array_fill',
  // anycompatiblearray: `array_remove(smallint_array, s)` is an integer[] once s is.
  'array_remove',
  'array_replace',
  'pg_typeof',
  'pg_column_size',
]);

/** Where a node holds a type name (unwrapped, as the parser's JSON gives typed fields). */
const TYPE_KEYS = new Set([
  'TypeName',
  'typeName',
  'ofTypename',
  'argType',
  'returnType',
]);

/** Types every integer type and numeric cast to, giving the same value or text. */
const SAME_CAST = new Set([
  'int2',
  'int4',
  'int8',
  'numeric',
  'float4',
  'float8',
  'text',
  'varchar',
  'bpchar',
  'money',
]);

/** `CREATE TABLE … AS` (`into`), `SELECT … INTO` (`intoClause`): a relation created. */
const INTO_KEYS = new Set(['IntoClause', 'into', 'intoClause']);
const TEMPORAL = /^(date|time|timetz|timestamp|timestamptz|interval)$/;
const TEMPORAL_CALLS = new Set([
  'now',
  'date_trunc',
  'to_date',
  'to_timestamp',
  'make_date',
  'make_timestamp',
  'make_timestamptz',
  'make_interval',
  'date_bin',
  'clock_timestamp',
  'statement_timestamp',
  'transaction_timestamp',
  'timezone',
  'age',
  'justify_days',
  'justify_interval',
  'date',
]);

/**
 * Functions that look a relation up by its name (`to_regclass('orders')`,
 * `pg_relation_size`, `pg_get_serial_sequence`, `has_table_privilege`): given
 * the dataset's name, they read the view, not the table. Code's patterns
 * (tableStatements' catalog reads) use the same list.
 */
export const CATALOG_FUNCTION = String.raw`(?:pg_\w*|to_regclass|has_\w*privilege)`;
const CATALOG_CALL = new RegExp(`^${CATALOG_FUNCTION}$`, 'i');

/**
 * Functions whose result has one type for any integer or numeric argument
 * (`avg()` is numeric, `to_char()` text, same values checked on Postgres 18):
 * what is done with the result does not depend on the field's type.
 */
const FIXED_RESULT = new Set([
  'avg',
  'stddev',
  'stddev_samp',
  'stddev_pop',
  'variance',
  'var_samp',
  'var_pop',
  'percentile_cont',
  'to_char',
  'format',
  'concat',
  'concat_ws',
  'string_agg',
  'length',
  'char_length',
]);

/**
 * Statements that take a name in the relation or type namespace other than by
 * creating a table or view (see {@link takenName}): a later bare read of that
 * name reads what they made, and making it fails where a relation or type of
 * that name exists already (a table's row type is a type of its name).
 */
const TAKES_NAME = new Set([
  'RenameStmt',
  'CreateSeqStmt',
  'CompositeTypeStmt',
  'CreateEnumStmt',
  'CreateRangeStmt',
  'CreateDomainStmt',
  'IndexStmt',
]);
/**
 * Statements {@link StatementWalker.tableStatement} looks at: on a relation
 * that is not the dataset, they read nothing of it (a name like it elsewhere in
 * the text is no reference).
 */
const TABLE_STATEMENTS = new Set([
  'CopyStmt',
  'TruncateStmt',
  'VacuumStmt',
  'AlterTableStmt',
  'IndexStmt',
  'ClusterStmt',
  'ReindexStmt',
  'CreateTrigStmt',
  'CreateStatsStmt',
  'CreatePolicyStmt',
  'CreatePublicationStmt',
  'AlterPublicationStmt',
  'CommentStmt',
  'RenameStmt',
  'DropStmt',
]);

/** What `ALTER … RENAME TO` renames that has a relation's or a type's name. */
const RENAMED_RELATIONS = new Set([
  'OBJECT_TABLE',
  'OBJECT_VIEW',
  'OBJECT_MATVIEW',
  'OBJECT_SEQUENCE',
  'OBJECT_FOREIGN_TABLE',
  'OBJECT_INDEX',
  'OBJECT_TYPE',
  'OBJECT_DOMAIN',
]);

/** The name a {@link TAKES_NAME} statement takes, if any (not a column's rename). */
function takenName(key: string, stmt: Node): string | undefined {
  const last = (names: Node[] | undefined) =>
    names?.[names.length - 1]?.String?.sval as string | undefined;
  switch (key) {
    case 'RenameStmt':
      return RENAMED_RELATIONS.has(stmt.renameType) ? stmt.newname : undefined;
    case 'CreateSeqStmt':
      return stmt.sequence?.relname;
    case 'CompositeTypeStmt':
      return stmt.typevar?.relname;
    case 'CreateEnumStmt':
    case 'CreateRangeStmt':
      return last(stmt.typeName);
    case 'CreateDomainStmt':
      return last(stmt.domainname);
    case 'IndexStmt':
      return stmt.idxname;
    default:
      return undefined;
  }
}

/**
 * Whether a string names the dataset's table among other text (`'{orders}'`,
 * `'^orders$'`, `LIKE 'order\_items'`): as a word in any case, or in double
 * quotes as written, and not after another schema's name (`'other.orders'`,
 * `'"Orders"'` are others).
 */
function namesTableAmong(text: string, target: DatasetTarget): boolean {
  const table = escapeRegExp(target.table);
  // `$` ends a pattern as often as it continues a name: taken as an end.
  const word = String.raw`[\p{L}\p{M}\p{N}_"]`;
  const named = new RegExp(
    String.raw`"${table}"|(?<!${word})${table}(?!${word})`,
    'giu',
  );
  // A LIKE pattern escapes `_` and `%` (`'order\_items'`).
  const unescaped = text.replace(/\\([_%])/g, '$1');
  for (const { 0: name, index } of unescaped.matchAll(named)) {
    if (name.startsWith('"') && name !== `"${target.table}"`) continue;
    // Its qualifier, from a bounded look back (a long run of letters before
    // each name would make a pattern reaching back quadratic).
    const qualifier = /([\p{L}\p{M}\p{N}_$"]+)\s*\.\s*$/u.exec(
      unescaped.slice(Math.max(0, index - 200), index),
    )?.[1];
    const schema = qualifier?.startsWith('"')
      ? qualifier.slice(1, -1)
      : qualifier?.toLowerCase();
    if (schema === undefined || schema === target.schema) return true;
  }
  return false;
}

/**
 * A string's text read as a dotted name of one or two parts, a part in double
 * quotes (`""` a quote inside) kept as written and marked so; undefined when
 * the text is no such name.
 */
function quotedNameParts(
  text: string,
): Array<{ name: string; quoted: boolean }> | undefined {
  const part = /\s*(?:"((?:[^"]|"")+)"|([^".\s]+))\s*/y;
  const parts: Array<{ name: string; quoted: boolean }> = [];
  let at = 0;
  for (;;) {
    part.lastIndex = at;
    const match = part.exec(text);
    if (!match) return undefined;
    parts.push(
      match[1] !== undefined
        ? { name: match[1].replace(/""/g, '"'), quoted: true }
        : { name: match[2], quoted: false },
    );
    at = part.lastIndex;
    if (at === text.length) return parts.length <= 2 ? parts : undefined;
    if (text[at] !== '.') return undefined;
    at += 1;
  }
}

/** One whole identifier, quoted or not (`other`, `"Other"`). */
const IDENTIFIER =
  /^(?:"(?:[^"]|"")+"|[A-Za-z_\u0080-\uffff][\w$\u0080-\uffff]*)$/;

/**
 * The part of a dotted name after its last dot outside double quotes (`t` of
 * `'.t'`, `'%I.t'`, `'x."t"'`), with what stands before that dot (`head`,
 * trimmed), when the string has such a dot and that part is one identifier.
 */
function lastDottedPart(
  text: string,
): { name: string; quoted: boolean; head: string } | undefined {
  let quoted = false;
  let dot = -1;
  for (let i = 0; i < text.length; i++) {
    if (text[i] === '"') quoted = !quoted;
    else if (text[i] === '.' && !quoted) dot = i;
  }
  if (dot < 0) return undefined;
  const parts = quotedNameParts(text.slice(dot + 1));
  return parts?.length === 1
    ? { ...parts[0], head: text.slice(0, dot).trim() }
    : undefined;
}

/** The argument of a call that {@link INTEGER_ARGUMENT} says is integer alone, if any. */
function integerArgument(
  call: Node,
): { position: number; what: string; others?: Typed } | undefined {
  const known = INTEGER_ARGUMENT.get(funcName(call));
  const args: Node[] | undefined = call.args;
  if (!known || args?.length !== known.arity) return undefined;
  // Named arguments (`f(count => n)`) may stand in any order.
  if (args.some(a => a.NamedArgExpr)) return undefined;
  return known;
}

class StatementWalker {
  readonly columns: ColumnUse[] = [];
  readonly stars: StarUse[] = [];
  readonly joinsByName: StatementAnalysis['joinsByName'] = [];
  /** Per scope, its one JOIN … USING or NATURAL JOIN of the dataset and a known subquery. */
  private readonly mergedJoins = new Map<
    Scope,
    MergedJoin & { relations: ScopeRelation[] }
  >();
  readonly ambiguous: Array<Span & { field: string }> = [];
  /**
   * The bare name `count(p)` counts: a whole row there counts the rows it
   * stands in (a row is null only where an outer join found none), whatever its
   * fields are, so it reads none of them. `count(DISTINCT p)` compares them.
   */
  private countedRow: Node | undefined;
  /** The row one field is taken from (`(c).n`), read as `c.n` is (see fieldOfRow). */
  private rowOfField: Node | undefined;
  /** The aliases of joins (`(a JOIN b) AS j`), which name a whole row too. */
  private readonly joinAliases = new Set<string>();
  readonly captures: StatementAnalysis['captures'] = [];
  readonly dividedElsewhere: StatementAnalysis['dividedElsewhere'] = [];
  readonly summedElsewhere: StatementAnalysis['summedElsewhere'] = [];
  readonly typedElsewhere: StatementAnalysis['typedElsewhere'] = [];
  readonly passedOnElsewhere: StatementAnalysis['passedOnElsewhere'] = [];
  readonly rowsElsewhere: StatementAnalysis['rowsElsewhere'] = [];
  readonly creates: string[] = [];
  makesOwnTable = false;
  readonly writesElsewhere: StatementAnalysis['writesElsewhere'] = [];
  readonly writeTargets: StatementAnalysis['writeTargets'] = [];
  readonly datasetWrites: Span[] = [];
  readonly groupedForSubqueries: StatementAnalysis['groupedForSubqueries'] = [];
  readonly copies: string[] = [];
  readonly tableStarsCounted: StatementAnalysis['tableStarsCounted'] = [];
  readonly grows: string[] = [];
  readonly growsThrough: StatementAnalysis['growsThrough'] = [];
  readonly opaque: OpaqueRead[] = [];
  /** Where the statement being walked starts in the text. */
  statementStart = 0;
  /**
   * Strings equal to the dataset's table name, or naming it as a word (SQL a
   * function may run); a read only with {@link readsCatalog} or {@link callsUnknown}.
   */
  readonly tableInStrings: Span[] = [];
  /** Strings holding the table's name among other text (`'{orders}'`, `'orders%'`). */
  readonly tableWordInStrings: Span[] = [];
  /** The statement reads the system catalogs (information_schema, pg_catalog, `::regclass`). */
  readsCatalog = false;
  /**
   * The statement calls a function not known to take values (a user's), which
   * may look a name it is given up at run time (`EXECUTE format('… FROM %I',
   * tbl)`), from a string anywhere in it (`FROM (VALUES ('orders')) v(tbl)`).
   */
  callsUnknown = false;
  /** The statement sets `search_path` (`SET`, `SET SCHEMA`, `set_config()`). */
  setsSearchPath = false;
  /** Names select lists give their output columns, anywhere in the statement. */
  readonly outputNames = new Set<string>();
  readonly datasetRelations: DatasetRelation[] = [];
  /** Inside an operand of `/` (see {@link ColumnUse.divided}). */
  private dividing: ColumnUse['divided'];
  /** Inside the argument of `sum()` (see {@link ColumnUse.summed}), and the reference that is the whole argument. */
  summing: { call: Span; arg?: Node; inner: boolean } | undefined;
  /** Inside an argument of a function or operator chosen by type (see {@link ColumnUse.typed}). */
  private typed: ColumnUse['typed'];
  /**
   * Inside an argument, at any depth, of a function or operator none of
   * Postgres's own (its name): the argument's type may follow a field's width
   * through any expression (`tier(s * 2)`, `tier(coalesce(s, 0))`), so nothing
   * nested (a call, an operator, a CASE) clears it, unlike `typed`.
   */
  private unknownSignature: string | undefined;
  /** See {@link StatementAnalysis.unknownSignatureOnDerived}. */
  unknownSignatureOnDerived = false;
  /** The output names of the select whose bare ORDER BY or DISTINCT ON name is walked. */
  private sortOutputs: Set<string> | undefined;
  /** What a scalar subquery's select list is given (see `visit`), for the next select. */
  private toSelectList:
    | {
        dividing: ColumnUse['divided'];
        typed: ColumnUse['typed'];
        /** The name the subquery's value is passed on under (`(SELECT max(f) …) AS top` in a CTE). */
        passedOn?: string;
        /** The sum the subquery's value is summed in (`sum((SELECT f …))`). */
        summing?: StatementWalker['summing'];
        /** The subquery's value is compared with another (`(SELECT x …) = (SELECT b …)`). */
        compared?: boolean;
        /** Select-list positions `typed` does not apply to. */
        untyped?: (position: number) => boolean;
      }
    | undefined;
  /** The next select is the statement's result (or an arm of it). */
  private atTop = true;
  /** The output name the select-list item being walked passes its value on under (see ColumnUse.passedOnAs). */
  private passedOn: string | undefined;
  /** Where `TABLE x`'s relation is, for its `*`, which the text does not hold. */
  private implicitStarAt: number | undefined;
  /**
   * Inside `(…).name`, the field a row there is read for (`((array_agg(t))[1]).n`,
   * `(CASE … THEN t END).n`): a whole row of the dataset there is read for it.
   */
  private selectingField: string | undefined;
  /**
   * Inside a call whose value holds no row of its argument's type (JSON of it,
   * a count, `n(t)`): a whole row there is not passed on as a row.
   */
  private rowHidden = false;
  /** The next select is a `WITH RECURSIVE` CTE's query (see {@link RECURSIVE_TERM}). */
  private recursiveQuery = false;
  /** The `WITH RECURSIVE` CTEs whose queries are being walked. */
  private readonly recursiveCtes = new Set<string>();
  /** The select being walked defines a relation read later (a view, a created table). */
  private definesRelation = false;
  /** The next select's outputs are renamed by a column alias list (of its CTE or derived table). */
  private aliasList: Node[] | undefined;
  /** Walking a select whose output is the statement's result. */
  private inResult = false;
  /** The next select is a subquery's (`(SELECT …)`, `IN (SELECT …)`, `ARRAY(SELECT …)`, `EXISTS`). */
  private subLinkSelect = false;
  /**
   * Walking what a statement takes by its number of columns (see
   * StarUse.countFixedBy), or, {@link MADE}, the relation it makes.
   */
  private countFixedBy: string | undefined;
  /** A select list item read as a compared subquery's value (see `toSelectList`). */
  private comparedRow = false;
  /** Scalar subqueries compared as they are with another value. */
  private readonly comparedSubLinks = new WeakSet<Node>();
  /**
   * Rows and arrays whose fields or elements are compared one by one (`(a, b)
   * = (1, 2)`, `5 = ANY(ARRAY[a, b])`, `ROW(a) IS NULL`), which keep their own
   * types.
   */
  private readonly byField = new WeakSet<Node>();

  constructor(
    private readonly parsed: ParsedSql,
    private readonly target: DatasetTarget,
    private readonly fields: Set<string>,
    private readonly placeholders: Map<string, JinjaReference>,
    private readonly introduced: ReadonlySet<string>,
  ) {}

  visit(value: unknown, scope: Scope): void {
    if (Array.isArray(value)) {
      for (const item of value) this.visit(item, scope);
      return;
    }
    if (!value || typeof value !== 'object') return;
    for (const [key, inner] of Object.entries(value as Node)) {
      // A string naming the dataset's table: a catalog query
      // (`information_schema.columns … table_name = 'orders'`) reads its shape;
      // a function may run SQL a string holds (`query_to_xml('SELECT k FROM
      // orders', …)`), which the rewriter does not read.
      if (
        key === 'A_Const' &&
        (this.namesTable(inner?.sval?.sval) ||
          this.holdsSqlNamingTable(inner?.sval?.sval))
      ) {
        this.tableInStrings.push(this.spanAt(inner.location ?? -1));
        continue;
      }
      // A catalog query may match the name among other text: an array
      // (`table_name = ANY ('{orders}')`), a pattern (`LIKE 'orders%'`, `~
      // '^orders$'`), a list split later (found by adversarial27).
      if (
        key === 'A_Const' &&
        typeof inner?.sval?.sval === 'string' &&
        namesTableAmong(inner.sval.sval, this.target)
      )
        this.tableWordInStrings.push(this.spanAt(inner.location ?? -1));
      if (key === 'WindowDef') {
        this.window(inner, scope);
        continue;
      }
      if (TABLE_STATEMENTS.has(key)) this.tableStatement(key, inner, scope);
      if (
        key === 'RenameStmt' &&
        inner.renameType === 'OBJECT_COLUMN' &&
        inner.relation?.relname &&
        inner.relation.relname !== this.target.table
      )
        this.rowsElsewhere.push({
          ...this.spanAt(inner.relation.location ?? -1),
          relation: inner.relation.relname,
          how: 'column-renamed',
          column: inner.subname,
        });
      if (key === 'RangeVar' && isCatalogRelation(inner))
        this.readsCatalog = true;
      // MERGE and COPY … FROM write values the rewriter does not follow.
      const written =
        key === 'MergeStmt' || (key === 'CopyStmt' && inner.is_from)
          ? inner.relation
          : undefined;
      if (written?.relname && written.relname !== this.target.table)
        this.writesElsewhere.push({
          ...this.spanAt(written.location ?? -1),
          relation: written.relname,
        });
      const target =
        key === 'InsertStmt' ||
        key === 'UpdateStmt' ||
        key === 'DeleteStmt' ||
        key === 'MergeStmt' ||
        (key === 'CopyStmt' && inner.is_from)
          ? inner.relation
          : undefined;
      if (target?.relname && target.relname !== this.target.table)
        this.writeTargets.push({
          ...this.spanAt(target.location ?? -1),
          relation: target.relname,
        });
      else if (
        target?.relname &&
        (target.schemaname ?? this.target.schema) === this.target.schema
      )
        this.datasetWrites.push(this.spanAt(target.location ?? -1));
      if (key === 'FuncCall' && CATALOG_CALL.test(funcName(inner)))
        this.readsCatalog = true;
      if (
        (key === 'VariableSetStmt' &&
          String(inner?.name).toLowerCase() === 'search_path') ||
        (key === 'FuncCall' &&
          funcName(inner) === 'set_config' &&
          ['search_path', '?'].includes(settingName(inner.args?.[0]) ?? ''))
      )
        this.setsSearchPath = true;
      if (
        key === 'A_Expr' &&
        ARITHMETIC.has(operatorOf(inner) ?? '') &&
        !userOperator(inner)
      ) {
        this.arithmetic(inner, scope);
        continue;
      }
      // A cast, a subquery, a test or count() decides its own result type; a
      // call may follow its arguments'.
      const dividing = this.dividing;
      const summing = this.summing;
      const typed = this.typed;
      const passedOn = this.passedOn;
      const unknownSignature = this.unknownSignature;
      /** This node's context back, for its siblings, once it was visited. */
      const restore = () => {
        this.dividing = dividing;
        this.summing = summing;
        this.typed = typed;
        this.unknownSignature = unknownSignature;
        this.passedOn = passedOn;
      };
      // A scalar subquery's value is its select list's: a division, a sum, a
      // call or a name around it reaches what that list reads (`(select max(f)
      // …) / 3`); `ARRAY(SELECT f …)` is an array of f's type, as `ARRAY[f]` is.
      let toSubquery: StatementWalker['toSelectList'];
      if (key === 'SubLink' && inner.subLinkType === 'ARRAY_SUBLINK')
        toSubquery = {
          dividing: undefined,
          typed: { what: 'an array (ARRAY(SELECT …))', exactType: true },
        };
      else if (
        key === 'SubLink' &&
        inner.subLinkType === 'EXPR_SUBLINK' &&
        (dividing || typed || summing || passedOn !== undefined)
      )
        toSubquery = { dividing, typed, passedOn, summing };
      if (key === 'SubLink' && this.comparedSubLinks.has(inner))
        toSubquery = {
          ...(toSubquery ?? { dividing: undefined, typed: undefined }),
          compared: true,
        };
      const own = ownType(key, inner);
      if (own || (key === 'FuncCall' && isCount(inner))) {
        this.dividing = undefined;
        this.summing = undefined;
      } else if (/^[A-Z]/.test(key) && key !== 'ColumnRef' && dividing)
        this.dividing = 'nested';
      if (
        own ||
        (key === 'FuncCall' &&
          (isCount(inner) || isSum(inner) || FIXED_RESULT.has(funcName(inner))))
      ) {
        this.typed = isSum(inner) ? this.typed : undefined;
        this.passedOn = undefined;
        // A cast, a test or count() is of its own type whatever the field's
        // width; a subquery is its select list's, and sum() its argument's.
        if (key !== 'SubLink' && key !== 'SelectStmt' && !isSum(inner))
          this.unknownSignature = undefined;
      }
      if (key === 'A_Expr' && userOperator(inner)) {
        this.typed = {
          what: `operator ${operatorOf(inner)}`,
          ...UNKNOWN_SIGNATURE,
        };
        this.unknownSignature ??= `operator ${operatorOf(inner)}`;
      } else if (
        key === 'A_Expr' &&
        TYPED_OPERATORS.has(operatorOf(inner) ?? '')
      )
        this.typed = { what: `operator ${operatorOf(inner)}` };
      // `m << 14` keeps m's type and loses the bits past its width; the count
      // on the right is integer, as any operator's integer operand is.
      if (key === 'A_Expr' && operatorOf(inner) === '<<' && inner.lexpr) {
        this.typed = SHIFT_LEFT;
        this.visit(inner.lexpr, scope);
        this.typed = { what: 'operator <<' };
        this.visit(inner.rexpr, scope);
        restore();
        continue;
      }
      // `(n || ' days')::interval`: text beside it, `||` gives text, which
      // spells an integer alike in any integer type or numeric; what the text
      // is given to, or the name it is passed on under, does not see n's type.
      if (
        key === 'A_Expr' &&
        operatorOf(inner) === '||' &&
        (isText(inner.lexpr) || isText(inner.rexpr))
      ) {
        this.typed = undefined;
        this.passedOn = undefined;
      }
      // `ARRAY[0] || n` is an array of n's type; `'#' || n` text.
      if (
        key === 'A_Expr' &&
        operatorOf(inner) === '||' &&
        !isText(inner.lexpr) &&
        !isText(inner.rexpr)
      ) {
        this.concatenation(inner, scope);
        restore();
        continue;
      }
      // Some types only some integer types cast to (`::bit(8)` from integer,
      // not numeric; `::"char"` not from bigint).
      const castTo = key === 'TypeCast' ? typeNameOf(inner) : undefined;
      // `'t'::regclass` looks a relation up by name, `'t'::regtype` a type,
      // a table's row type among them.
      if (castTo === 'regclass' || castTo === 'regtype')
        this.readsCatalog = true;
      if (castTo && !SAME_CAST.has(castTo))
        this.typed =
          castTo === 'bytea' ? BYTES_OF_WIDTH : { what: `a cast to ${castTo}` };
      // An array takes its elements' type: `ARRAY[n] <@ ARRAY[1, 2]` has no
      // bigint[] <@ integer[].
      if (key === 'A_ArrayExpr' && !this.byField.has(inner))
        this.typed = { what: 'an array (ARRAY[…])', exactType: true };
      // A row is a record of its fields' types, which compares with another
      // record only where they are alike, unless it is compared field by field.
      if (key === 'A_Expr' || key === 'SubLink' || key === 'NullTest')
        for (const row of rowsComparedByField(inner)) this.byField.add(row);
      // The dataset's whole row compared with another (`t IS DISTINCT FROM
      // b`, `t IN (SELECT b FROM b)`): records compare only where their
      // fields' types are alike, so a widened field fails the comparison.
      if (key === 'A_Expr' || key === 'SubLink') {
        const operands = comparedOperands(key, inner);
        for (const o of operands)
          if (o?.SubLink?.subLinkType === 'EXPR_SUBLINK')
            this.comparedSubLinks.add(o.SubLink);
        const rows = operands.filter(o => this.datasetWholeRow(o, scope));
        // Two of the dataset's own rows (`a < b` over `t a, t b`) stay
        // alike; a subquery's rows may be any.
        if (key === 'SubLink' || rows.length < operands.length)
          for (const row of rows)
            this.opaque.push({
              ...this.referenceSpan(
                row.ColumnRef.location,
                row.ColumnRef.fields.length,
              ).whole,
              kind: 'whole-row',
              compared: true,
            });
      }
      if (key === 'RowExpr' && !this.byField.has(inner))
        this.typed = {
          what: 'a row (ROW(…))',
          exactType: true,
          expandsStar: true,
        };
      // `x = n` beside what is surely no number (`'5'::xid = n`): the operator
      // is chosen by n's type too, and exists for some integer types only.
      if (
        key === 'A_Expr' &&
        isComparison(inner) &&
        inner.lexpr &&
        inner.rexpr &&
        (noNumber(inner.lexpr) || noNumber(inner.rexpr))
      ) {
        const current = this.typed;
        for (const [operand, other] of [
          [inner.lexpr, inner.rexpr],
          [inner.rexpr, inner.lexpr],
        ]) {
          const beside = noNumber(other);
          this.typed = beside
            ? { what: `operator ${operatorOf(inner)} beside ${beside}` }
            : current;
          this.visit(operand, scope);
        }
        restore();
        continue;
      }
      if (key === 'FuncCall' && !knownCall(inner)) this.callsUnknown = true;
      if (key === 'FuncCall' && !isSum(inner) && !isCount(inner)) {
        this.call(inner, scope);
        restore();
        continue;
      }
      if (
        key === 'FuncCall' &&
        isCount(inner) &&
        !inner.agg_distinct &&
        inner.args?.length === 1 &&
        inner.args[0].ColumnRef?.fields?.length === 1
      )
        this.countedRow = inner.args[0].ColumnRef;
      if (key === 'FuncCall' && isSum(inner)) this.sum(inner, scope);
      else if (key === 'TableLikeClause') this.rowShape(inner.relation, scope);
      else if (key === 'CreateStmt') this.create(inner, scope);
      else if (key === 'CreateForeignTableStmt') {
        this.create(inner.base ?? {}, scope);
        const { base: _b, ...rest } = inner;
        this.visit(rest, scope);
      } else if (TAKES_NAME.has(key)) {
        // A sequence, a composite type, an index, a renamed relation: a name
        // in the relation or type namespace, which a later bare read may take.
        const taken = takenName(key, inner);
        if (taken !== undefined) this.creates.push(taken);
        this.visit(inner, scope);
      } else if (INTO_KEYS.has(key)) this.created(inner?.rel);
      else if (key === 'ViewStmt') {
        this.created(inner.view);
        this.definesRelation = true;
        this.aliasList = inner.aliases;
        // `CREATE OR REPLACE VIEW` keeps the view's column types: one the view
        // has already (an earlier run made it) cannot change.
        if (inner.replace)
          this.toSelectList = { dividing: undefined, typed: REPLACED_VIEW };
        this.making(inner.view?.relname, () => this.visit(inner.query, scope));
        this.toSelectList = undefined;
        this.aliasList = undefined;
        this.definesRelation = false;
      } else if (key === 'CreateTableAsStmt') {
        if (
          inner.into?.rel?.relname &&
          !inner.into.colNames?.length &&
          this.datasetStarOnly(inner.query?.SelectStmt, scope)
        )
          this.copies.push(inner.into.rel.relname);
        // `CREATE TABLE c (a) AS …` names the created columns, as a view's list does.
        this.definesRelation = true;
        this.aliasList = inner.into?.colNames;
        this.making(inner.into?.rel?.relname, () => this.visit(inner, scope));
        this.aliasList = undefined;
        this.definesRelation = false;
      } else if (TYPE_KEYS.has(key) && Array.isArray(inner?.names))
        this.typeName(inner);
      else if (key === 'SelectStmt') this.select(inner, scope);
      else if (key === 'SubLink') this.subLink(inner, scope, toSubquery);
      else if (key === 'CaseExpr') this.caseExpr(inner, scope);
      else if (key === 'XmlExpr') this.xmlExpr(inner, scope);
      else if (key === 'ColumnRef') this.columnRef(inner, scope, false);
      else if (key === 'A_Indirection') {
        this.fieldOfRow(
          inner.arg?.ColumnRef,
          inner.indirection?.[0]?.String?.sval,
          scope,
        );
        const { indirection, ...subscripted } = inner;
        const selecting = this.selectingField;
        const name: string | undefined = (indirection ?? []).find(
          (i: Node) => i?.String,
        )?.String?.sval;
        if (name !== undefined && this.fields.has(name))
          this.selectingField = name;
        const rowOfField = this.rowOfField;
        if (inner.indirection?.[0]?.String)
          this.rowOfField = inner.arg?.ColumnRef;
        this.visit(subscripted, scope);
        this.selectingField = selecting;
        this.rowOfField = rowOfField;
        // A subscript's value is no part of the result's: only what it is given to counts.
        this.dividing = undefined;
        this.summing = undefined;
        this.passedOn = undefined;
        // An array takes any integer or numeric subscript (assigned to integer);
        // jsonb only integer or text, and only the catalog knows a column's type.
        // A slice is an array's.
        for (const item of indirection ?? []) {
          this.typed =
            item?.A_Indices?.is_slice || surelyArray(inner.arg)
              ? undefined
              : SUBSCRIPT;
          this.visit(item, scope);
        }
      } else if (key === 'UpdateStmt' || key === 'DeleteStmt')
        this.modify(inner, scope);
      else if (key === 'InsertStmt') this.insert(inner, scope);
      else if (key === 'RangeVar') this.relationOutsideFrom(inner, scope);
      else this.visit(inner, scope);
      restore();
    }
  }

  /**
   * A subquery: the value it is tested against first (`x IN (…)`), then its
   * select, which is told what is done with its value (`toSubquery`) and that
   * its outputs are not passed on by name.
   */
  private subLink(
    link: Node,
    scope: Scope,
    toSubquery: StatementWalker['toSelectList'],
  ): void {
    const { subselect, ...tested } = link;
    this.visit(tested, scope);
    this.toSelectList = toSubquery;
    this.subLinkSelect = true;
    // What the statement around takes by number of columns stops here; the
    // subquery's own use may fix its number (`(a, b) IN (SELECT …)`).
    const countFixedBy = this.countFixedBy;
    this.countFixedBy = subqueryCountFixedBy(link);
    if (existsOfOneSelect(link)) this.select(subselect.SelectStmt, scope, true);
    else this.visit(subselect, scope);
    this.countFixedBy = countFixedBy;
    this.toSelectList = undefined;
    this.subLinkSelect = false;
  }

  /**
   * `CASE f WHEN 5 …`, `CASE WHEN … THEN`: what is compared decides nothing of
   * the value, which only the results carry.
   */
  private caseExpr(expr: Node, scope: Scope): void {
    const { dividing, summing, typed, passedOn } = this;
    this.dividing = undefined;
    this.summing = undefined;
    this.typed = undefined;
    this.passedOn = undefined;
    const whens: Node[] = (expr.args ?? []).map((w: Node) => w.CaseWhen);
    this.visit([expr.arg, whens.map(w => w?.expr)], scope);
    this.dividing = dividing;
    this.summing = summing;
    this.typed = typed;
    this.passedOn = passedOn;
    this.visit([whens.map(w => w?.result), expr.defresult], scope);
  }

  /**
   * What a field read here is given to: inside any argument of a function or
   * operator none of Postgres's own, one whose versions only the database
   * knows, whatever else is around the field.
   */
  private typedHere(): ColumnUse['typed'] {
    if (this.unknownSignature === undefined) return this.typed;
    return {
      ...(this.typed ?? {}),
      what: this.unknownSignature,
      ...UNKNOWN_SIGNATURE,
    };
  }

  /**
   * A call other than `sum()` and `count()`: its arguments are chosen by type
   * unless the function takes any of the integer and numeric types alike
   * ({@link SAME_FOR_WIDER}); its `FILTER`, `ORDER BY` and window are not.
   */
  private call(call: Node, scope: Scope): void {
    const typed = this.typed;
    const rowHidden = this.rowHidden;
    const name = funcName(call);
    if (
      HIDES_ROW.has(name) ||
      (this.fields.has(name) && call.args?.length === 1)
    )
      this.rowHidden = true;
    if (call.funcname?.length === 1 && call.args?.length === 1)
      this.fieldOfRow(call.args[0].ColumnRef, name, scope);
    if (!builtInCall(call)) {
      // A user's function (or an extension's): a field given to it as it is
      // is of the type its versions must take; inside an expression, of that
      // expression's, which the field's width may decide too.
      const unknownSignature = this.unknownSignature;
      this.unknownSignature ??= `${name}()`;
      this.typed = { what: `${name}()` };
      for (const arg of call.args ?? []) {
        const value = arg.NamedArgExpr ? arg.NamedArgExpr.arg : arg;
        this.typed = value?.ColumnRef
          ? { what: `${name}()`, ...UNKNOWN_SIGNATURE }
          : { what: `${name}()` };
        this.visit(arg, scope);
      }
      this.unknownSignature = unknownSignature;
      this.typed = typed;
      this.besideArguments(call, scope);
      this.typed = typed;
      this.rowHidden = rowHidden;
      return;
    }
    if (!SAME_FOR_WIDER.has(name) && !FIXED_RESULT.has(name))
      this.typed = {
        what: `${name}()`,
        ...(EXACT_TYPE.has(name) ? { exactType: true } : {}),
        ...(STORED_FORM.has(name) ? { storedForm: true } : {}),
        ...(SMALLINT_ONLY.has(name) ? SMALLINT_ONLY_CALL : {}),
      };
    if (VALUE_THEN_INTEGER.has(name)) {
      // `lag(x, n)`: x any type, the offset an integer.
      const [value, ...rest] = call.args ?? [];
      this.visit(value, scope);
      this.typed = { what: `${name}()'s offset` };
      this.visit(rest, scope);
    } else if (
      name === 'to_char' &&
      (call.args?.length ?? 0) === 2 &&
      !plainNumberFormat(call.args[1])
    ) {
      // `to_char(n, '9.9EEEE')`: integer rounds through double precision,
      // bigint and numeric through numeric.
      const [value, format] = call.args;
      this.typed = TO_CHAR_NUMBER;
      this.visit(value, scope);
      this.typed = typed;
      this.visit(format, scope);
    } else if (integerArgument(call)) {
      const { position, what, others } = integerArgument(call)!;
      const args: Node[] = call.args;
      if (others) this.typed = others;
      this.visit(
        args.filter((_, i) => i !== position),
        scope,
      );
      this.typed = { what };
      this.visit(args[position], scope);
    } else this.visit(call.args, scope);
    // `percentile_disc(ARRAY[0.25, 0.5]) WITHIN GROUP (ORDER BY k)` is an array
    // of the k, whose type it takes itself (`integer[]`, then `bigint[]`); only a
    // number for its fraction makes it one of the k.
    this.typed =
      name === 'percentile_disc' && !scalarFraction(call.args)
        ? PERCENTILES_ARRAY
        : typed;
    this.besideArguments(call, scope);
    this.typed = typed;
    this.rowHidden = rowHidden;
  }

  /**
   * What a call has besides its arguments: its window (`OVER (PARTITION BY k
   * ORDER BY t)`), `FILTER (WHERE …)` and an aggregate's `ORDER BY` choose rows
   * and their order, and none of them is part of the call's value, so no
   * division, sum, call or output name around the call reaches them
   * (`row_number() OVER (PARTITION BY k) AS rn` passes no k on as rn,
   * `sqrt(lag(x) OVER (PARTITION BY k))` gives sqrt() no k). `WITHIN GROUP
   * (ORDER BY k)` is the value of an ordered-set aggregate
   * (`percentile_disc(0.5) WITHIN GROUP (ORDER BY k)` is one of the k), and is
   * visited as the arguments are.
   */
  private besideArguments(call: Node, scope: Scope): void {
    const { args: _args, over, agg_filter: filter, ...rest } = call;
    const order = call.agg_within_group ? undefined : call.agg_order;
    const { agg_order: _order, ...others } = rest;
    this.visit(call.agg_within_group ? rest : others, scope);
    const { dividing, summing, typed, passedOn } = this;
    this.dividing = undefined;
    this.summing = undefined;
    this.typed = undefined;
    this.passedOn = undefined;
    if (over) this.window(over, scope);
    this.visit([filter, order], scope);
    this.dividing = dividing;
    this.summing = summing;
    this.typed = typed;
    this.passedOn = passedOn;
  }

  /**
   * A window, after OVER or in a WINDOW clause: its frame's offsets are given to
   * the frame, which takes an offset's type only with some types of the ORDER BY
   * (`RANGE BETWEEN (SELECT max(k) …) PRECEDING` over an integer ORDER BY has no
   * numeric offset).
   */
  private window(def: Node, scope: Scope): void {
    const { startOffset, endOffset, ...rest } = def;
    this.visit(rest, scope);
    const typed = this.typed;
    this.typed = { what: "a window frame's offset" };
    this.visit([startOffset, endOffset], scope);
    this.typed = typed;
  }

  /**
   * `XMLFOREST(k, …)` and `XMLATTRIBUTES(k, …)` name each element or attribute
   * given a bare column after it (`<k>10</k>`), as a select list names its
   * outputs, and take nothing else without a name (`XMLFOREST(CAST(k AS …))`
   * fails): such a field is read as a bare select-list item is, kept under its
   * name by an alias.
   */
  private xmlExpr(expr: Node, scope: Scope): void {
    const { named_args: named, ...rest } = expr;
    for (const arg of named ?? []) {
      const target = arg?.ResTarget;
      if (target && !target.name && target.val?.ColumnRef)
        this.columnRef(target.val.ColumnRef, scope, true);
      else this.visit(arg, scope);
    }
    this.visit(rest, scope);
  }

  /** `CREATE TABLE`: `INHERITS (t)` takes t's columns; the created name may shadow the dataset. */
  private create(stmt: Node, scope: Scope): void {
    this.created(stmt.relation, !!stmt.if_not_exists);
    for (const parent of stmt.inhRelations ?? []) {
      this.rowShape(parent.RangeVar, scope);
      // `INHERITS (t)` and `PARTITION OF t` need a table.
      if (parent.RangeVar && this.isDataset(parent.RangeVar, scope))
        this.opaque.push({
          ...this.referenceSpan(parent.RangeVar.location).whole,
          kind: 'view-statement',
          statement: 'inherits',
        });
    }
    if (stmt.ofTypename) this.typeName(stmt.ofTypename);
    // A foreign key to the dataset (`x int REFERENCES t (k)`, `FOREIGN KEY (x)
    // REFERENCES t`) names its columns as names, not references, and needs a
    // table there: from cut-over the name serves a view.
    for (const element of stmt.tableElts ?? []) {
      const constraints: Node[] = element.ColumnDef
        ? element.ColumnDef.constraints ?? []
        : [element];
      for (const c of constraints) {
        const pktable = c.Constraint?.pktable;
        if (
          c.Constraint?.contype === 'CONSTR_FOREIGN' &&
          pktable &&
          this.isDataset(pktable, scope)
        )
          this.opaque.push({
            ...this.referenceSpan(pktable.location).whole,
            kind: 'statement',
          });
        if (
          c.Constraint?.contype === 'CONSTR_FOREIGN' &&
          pktable &&
          this.isDataset(pktable, scope)
        )
          this.opaque.push({
            ...this.referenceSpan(pktable.location).whole,
            kind: 'view-statement',
            statement: 'references',
          });
      }
    }
    const { relation: _r, inhRelations: _i, ofTypename: _o, ...rest } = stmt;
    this.visit(rest, scope);
  }

  /**
   * A statement that needs the dataset's name to be a table (see
   * {@link ViewStatement}), noted on each of its relations that is the dataset.
   */
  private tableStatement(key: string, stmt: Node, scope: Scope): void {
    const note = (
      rv: Node | undefined,
      statement: ViewStatement,
      extra: Partial<OpaqueRead> = {},
    ) => {
      if (rv?.relname && this.isDataset(rv, scope))
        this.opaque.push({
          ...this.referenceSpan(rv.location).whole,
          kind: 'view-statement',
          statement,
          ...extra,
        });
    };
    // An object named by a list of names (`DROP TABLE`, `COMMENT ON TABLE`),
    // where no RangeVar says where it stands.
    const noteNamed = (items: Node[] | undefined, statement: ViewStatement) => {
      if (this.namesDataset(items))
        this.opaque.push({
          ...this.statementNamed(this.target.table),
          kind: 'view-statement',
          statement,
        });
    };
    switch (key) {
      case 'CopyStmt':
        // `COPY (SELECT …) TO` reads through a query, which works on a view.
        if (stmt.query || !stmt.relation) return;
        if (stmt.is_from) note(stmt.relation, 'copy-from');
        else
          note(stmt.relation, 'copy-to', {
            copy: {
              end: this.copyRelationEnd(stmt.relation.location),
              ...(stmt.attlist?.length
                ? {
                    columns: stmt.attlist.map(
                      (n: Node) => n.String?.sval as string,
                    ),
                  }
                : {}),
              binary: (stmt.options ?? []).some(
                (o: Node) =>
                  o.DefElem?.defname === 'format' &&
                  String(o.DefElem.arg?.String?.sval).toLowerCase() ===
                    'binary',
              ),
            },
          });
        return;
      case 'TruncateStmt':
        for (const r of stmt.relations ?? []) note(r.RangeVar, 'truncate');
        return;
      case 'VacuumStmt':
        for (const r of stmt.rels ?? [])
          note(
            r.VacuumRelation?.relation,
            stmt.is_vacuumcmd ? 'vacuum' : 'analyze',
          );
        return;
      case 'AlterTableStmt':
        if (stmt.objtype === 'OBJECT_TABLE') note(stmt.relation, 'alter-table');
        // `ALTER TABLE other ADD FOREIGN KEY (o) REFERENCES <dataset>`.
        for (const cmd of stmt.cmds ?? []) {
          const c = cmd.AlterTableCmd?.def?.Constraint;
          if (c?.contype === 'CONSTR_FOREIGN') note(c.pktable, 'references');
        }
        return;
      case 'IndexStmt':
        note(stmt.relation, 'create-index');
        return;
      case 'ClusterStmt':
        note(stmt.relation, 'cluster');
        return;
      case 'ReindexStmt':
        if (stmt.kind === 'REINDEX_OBJECT_TABLE')
          note(stmt.relation, 'reindex');
        return;
      case 'CreateTrigStmt':
        // A view takes row-level INSTEAD OF triggers only (TRIGGER_TYPE_INSTEAD is 64).
        if (stmt.row && !((stmt.timing ?? 0) & 64))
          note(stmt.relation, 'trigger');
        return;
      case 'CreateStatsStmt':
        for (const r of stmt.relations ?? []) note(r.RangeVar, 'statistics');
        return;
      case 'CreatePolicyStmt':
        note(stmt.table, 'policy');
        return;
      // A publication takes tables only ("cannot add relation … to publication").
      case 'CreatePublicationStmt':
      case 'AlterPublicationStmt':
        for (const o of stmt.pubobjects ?? [])
          if (o.PublicationObjSpec?.pubobjtype === 'PUBLICATIONOBJ_TABLE')
            note(o.PublicationObjSpec.pubtable?.relation, 'publication');
        return;
      case 'RenameStmt':
        // `ALTER TABLE t RENAME [COLUMN] …` renames the view, not the table.
        if (
          stmt.relationType === 'OBJECT_TABLE' ||
          stmt.renameType === 'OBJECT_TABLE'
        )
          note(stmt.relation, 'alter-table');
        return;
      case 'DropStmt':
        if (stmt.removeType !== 'OBJECT_TABLE') return;
        for (const object of stmt.objects ?? [])
          noteNamed(object.List?.items, 'drop');
        return;
      case 'CommentStmt':
        if (stmt.objtype === 'OBJECT_TABLE')
          noteNamed(stmt.object?.List?.items, 'comment');
        return;
      default:
    }
  }

  /**
   * Where `t` or `t (a, "B")` ends, from the relation's location: the text a
   * `COPY t (…) TO` rewritten as `COPY (SELECT … FROM t) TO` replaces.
   */
  private copyRelationEnd(byteOffset: number): number {
    const tokens = this.parsed.tokens.filter(t => !/COMMENT/.test(t.tokenName));
    let i = tokens.findIndex(t => t.start === this.parsed.indexOf(byteOffset));
    if (i < 0) return this.parsed.indexOf(byteOffset);
    while (tokens[i + 1]?.text === '.' && tokens[i + 2]) i += 2;
    let end = tokens[i].end;
    if (tokens[i + 1]?.text === '(') {
      const close = tokens.findIndex((t, k) => k > i && t.text === ')');
      if (close > 0) end = tokens[close].end;
    }
    return end;
  }

  /**
   * The span of the statement's first token naming `name` (a COMMENT's table
   * has no location).
   */
  private statementNamed(name: string): Span {
    const token = this.parsed.tokens.find(
      t =>
        t.start >= this.statementStart &&
        (t.text.toLowerCase() === name || t.text === `"${name}"`),
    );
    return token
      ? { start: token.start, end: token.end }
      : { start: this.statementStart, end: this.statementStart };
  }

  /** `LIKE t` or `INHERITS (t)`: t's columns as its version has them, whichever that is. */
  private rowShape(rv: Node | undefined, scope: Scope): void {
    if (!rv) return;
    if (this.isDataset(rv, scope))
      this.opaque.push({
        ...this.referenceSpan(rv.location).whole,
        kind: 'row-shape',
      });
    else this.jinjaRelation(rv);
  }

  /** A relation the statement creates: under the dataset's name it hides the dataset from later statements. */
  private created(rv: Node | undefined, mayExist = false): void {
    if (rv) this.creates.push(rv.relname);
    if (
      rv?.relname === this.target.table &&
      !mayExist &&
      (rv.relpersistence === 't' ||
        !rv.schemaname ||
        rv.schemaname === this.target.schema)
    )
      this.makesOwnTable = true;
    if (rv?.relname === this.target.table)
      this.opaque.push({
        ...this.referenceSpan(rv.location).whole,
        kind: 'shadow',
      });
  }

  /** Whether a list of names (`public.orders`, `orders`) names the dataset's table. */
  private namesDataset(items: Node[] | undefined): boolean {
    const names: string[] = (items ?? []).map(
      (n: Node) => n.String?.sval as string,
    );
    const schema = names.length >= 2 ? names[names.length - 2] : undefined;
    return (
      names[names.length - 1] === this.target.table &&
      (schema === undefined || schema === this.target.schema)
    );
  }

  /** A type named like the dataset's table is its row type (`null::orders`, `orders[]`). */
  private typeName(type: Node): void {
    const names: Node[] = type.names ?? [];
    if (this.namesDataset(names))
      this.opaque.push({
        ...this.referenceSpan(type.location).whole,
        kind: 'row-shape',
      });
    else if (names.length > 0 && names[0]?.String?.sval !== 'pg_catalog')
      this.rowsElsewhere.push({
        ...this.referenceSpan(type.location).whole,
        relation: names[names.length - 1]?.String?.sval as string,
        how: 'row-type',
      });
  }

  /** `sum(…)`: its arguments are summed; its `FILTER`, `ORDER BY` and window are not. */
  private sum(call: Node, scope: Scope): void {
    const summing = this.summing;
    const args: Node[] = call.args ?? [];
    this.summing = {
      call: this.callSpan(call.location),
      arg: args.length === 1 ? args[0].ColumnRef : undefined,
      inner: !this.inResult,
    };
    this.visit(args, scope);
    this.summing = undefined;
    this.besideArguments(call, scope);
    this.summing = summing;
  }

  /** `a / b`, `a + b`, `-a`…: notes which references are divided. */
  private arithmetic(expr: Node, scope: Scope): void {
    const dividing = this.dividing;
    const typed = this.typed;
    const op = operatorOf(expr);
    if (op === '/') this.dividing ??= 'direct';
    for (const [operand, other] of [
      [expr.lexpr, expr.rexpr],
      [expr.rexpr, expr.lexpr],
    ]) {
      // Beside a numeric value the result is numeric whatever the field's
      // integer type (`x / 1000.0`); `date + f` is chosen by f's type (date +
      // integer only), and so may be any sum with an operand that is no number.
      // `f * interval '1 day'` takes any number (interval * double precision).
      // Beside what is surely no number (`jsonb - n`, `inet + n`, `money *
      // n`), the operator is chosen by the field's type, for some integer
      // types only or rounding by it; `/` is the division's (read as the old
      // type there).
      const beside = op === '/' ? undefined : noNumber(other);
      if (isNumeric(other) || (op === '*' && isInterval(other)))
        this.typed = undefined;
      else if (op === '+' || op === '-')
        this.typed =
          typed ??
          this.besideOperand(other, op) ??
          (beside ? { what: `operator ${op} beside ${beside}` } : undefined);
      else
        this.typed =
          typed ??
          (beside ? { what: `operator ${op} beside ${beside}` } : undefined);
      this.visit(operand, scope);
    }
    this.dividing = dividing;
    this.typed = typed;
  }

  /**
   * `a || b` where neither is surely text: each operand beside what may be an
   * array, whose `||` takes the element's type, unless it is beside a dataset
   * field, whose type the caller checks (text makes it text).
   */
  private concatenation(expr: Node, scope: Scope): void {
    for (const [operand, other] of [
      [expr.lexpr, expr.rexpr],
      [expr.rexpr, expr.lexpr],
    ]) {
      const beside = this.datasetField(other, scope);
      this.typed =
        beside !== undefined
          ? {
              what: `operator || beside ${beside}`,
              besideText: beside,
              exactType: true,
            }
          : {
              what: 'operator || beside what may be an array',
              exactType: true,
            };
      this.visit(operand, scope);
    }
  }

  /** The dataset's field a bare column reference reads, if it is one. */
  private datasetField(
    node: Node | undefined,
    scope: Scope,
  ): string | undefined {
    const names: Array<string | undefined> = (
      node?.ColumnRef?.fields ?? []
    ).map((p: Node) => p.String?.sval);
    const field = names[names.length - 1];
    if (!field || !this.fields.has(field)) return undefined;
    const owner =
      names.length >= 2
        ? scope.byAlias(names[names.length - 2]!)
        : this.ownerOfUnqualified(scope, field);
    return owner !== 'ambiguous' && owner?.dataset ? field : undefined;
  }

  /**
   * What an operand of `+` or `-` beside a field makes of the field's type:
   * a date, time or interval (a cast, a literal, `now()`), a dataset field
   * whose type the caller checks, or another relation's column, whose type only
   * the catalog knows (it may be a date).
   */
  private besideOperand(
    node: Node | undefined,
    outer = '+',
  ): ColumnUse['typed'] {
    if (!node) return undefined;
    const op = node.A_Expr && operatorOf(node.A_Expr);
    if (op === '+' || op === '-')
      return (
        this.besideOperand(node.A_Expr.lexpr) ??
        this.besideOperand(node.A_Expr.rexpr)
      );
    const cast = node.TypeCast?.typeName?.names;
    const castTo = cast?.[cast.length - 1]?.String?.sval;
    if (castTo && TEMPORAL.test(castTo))
      return { what: `${op ?? '+'} beside a ${castTo}` };
    if (node.SQLValueFunction) return { what: '+ beside a date or time' };
    const call = node.FuncCall?.funcname;
    const name = call?.[call.length - 1]?.String?.sval;
    if (name && TEMPORAL_CALLS.has(name)) return { what: `+ beside ${name}()` };
    // These take their type from their arguments (`coalesce(c.d, date '…') + n`).
    const passed: Node[] | undefined =
      node.CoalesceExpr?.args ??
      node.MinMaxExpr?.args ??
      (node.CaseExpr && [
        ...(node.CaseExpr.args ?? []).map((w: Node) => w.CaseWhen?.result),
        node.CaseExpr.defresult,
      ]) ??
      (name === 'nullif' ? node.FuncCall.args : undefined);
    for (const arg of passed ?? []) {
      const beside = this.besideOperand(arg);
      if (beside) return beside;
    }
    const ref: Node[] | undefined = node.ColumnRef?.fields;
    const field = ref?.[ref.length - 1]?.String?.sval;
    if (field && this.fields.has(field))
      return { what: `operator ${outer} beside ${field}`, besideField: field };
    // Another relation's column: its type only the catalog knows, and a date
    // takes an integer but no bigint or numeric (`d + n`).
    if (field)
      return {
        what: `+ or - beside ${ref!
          .map(p => p.String?.sval)
          .filter(Boolean)
          .join(
            '.',
          )}, a column of a type the rewriter cannot see (a date takes integer, not bigint or numeric)`,
      };
    return undefined;
  }

  /**
   * `outputUnread`: the select is the whole of an `EXISTS (…)`, which tests for
   * rows only, so a `*` in its select list reads no field.
   */
  private select(stmt: Node, parent: Scope, outputUnread = false): void {
    const top = this.atTop;
    const subLink = this.subLinkSelect;
    this.subLinkSelect = false;
    const inResult = this.inResult;
    const passedOn = this.passedOn;
    const aliasList = this.aliasList;
    const rowHidden = this.rowHidden;
    this.passedOn = undefined;
    this.aliasList = undefined;
    this.rowHidden = false;
    this.atTop = false;
    // A view's, a created table's or `SELECT … INTO`'s select is read later,
    // not the statement's result.
    this.inResult = top && !this.definesRelation && !stmt.intoClause;
    // What a statement takes by number of columns reaches into this select
    // only through a `*` of its select list (or its arms'): a subquery's, a
    // CTE's or a derived table's columns beyond those named do not reach it.
    const countFixedBy = this.countFixedBy;
    if (this.inResult) this.countFixedBy ??= this.target.resultCountFixedBy;
    if (stmt.intoClause?.rel?.relname)
      this.countFixedBy = MADE + stmt.intoClause.rel.relname;
    if (!(stmt.larg || stmt.rarg || hasStarTarget(stmt)))
      this.countFixedBy = undefined;
    // Grouped, `*`'s every column must be grouped: one more is not
    // ("must appear in the GROUP BY clause"), whatever the ordinals name.
    else if (stmt.groupClause?.length && hasStarTarget(stmt))
      this.countAs(
        'a grouped query, whose every selected column must be grouped',
      );
    this.selectIn(stmt, parent, { outputUnread, top, subLink }, aliasList);
    this.countFixedBy = countFixedBy;
    this.inResult = inResult;
    this.passedOn = passedOn;
    this.aliasList = aliasList;
    this.rowHidden = rowHidden;
  }

  private selectIn(
    stmt: Node,
    parent: Scope,
    {
      outputUnread,
      top,
      subLink,
    }: { outputUnread: boolean; top: boolean; subLink: boolean },
    aliasList?: Node[],
  ): void {
    const scope = new Scope(parent);
    const toSelectList = this.toSelectList;
    this.toSelectList = undefined;
    const recursive = this.recursiveQuery;
    this.recursiveQuery = false;
    // `SELECT … INTO t` creates t (the select itself is walked here, not by `visit`).
    this.created(stmt.intoClause?.rel);
    if (
      stmt.intoClause?.rel?.relname &&
      !stmt.intoClause.colNames?.length &&
      this.datasetStarOnly(stmt, parent)
    )
      this.copies.push(stmt.intoClause.rel.relname);
    this.withClause(stmt.withClause, scope);
    if (stmt.larg || stmt.rarg) {
      // UNION / INTERSECT / EXCEPT: each side has its own FROM, and the first
      // arm names the outputs of all (`SELECT 0 AS a UNION SELECT n …`).
      const names = aliasList ?? outputNameList(stmt);
      const countFixedBy = this.countFixedBy;
      if (!this.armsAllDatasetStars(stmt, scope))
        this.countAs(
          `${setOperationName(stmt.op)}, whose arms must have as many columns`,
        );
      for (const arm of [stmt.larg, stmt.rarg]) {
        this.atTop = top;
        this.subLinkSelect = subLink;
        // A recursive CTE's recursive term (the last arm of its UNION) must
        // output its non-recursive term's types exactly, so a widened field
        // read as it is there fails the query (`SELECT 5 UNION ALL SELECT t.n`
        // with n bigint: "column 1 has type integer in non-recursive term but
        // type bigint overall").
        this.toSelectList =
          recursive && arm === stmt.rarg && stmt.op === 'SETOP_UNION'
            ? {
                dividing: toSelectList?.dividing,
                typed: RECURSIVE_TERM,
                ...(toSelectList?.passedOn !== undefined
                  ? { passedOn: toSelectList.passedOn }
                  : {}),
                untyped: this.sameAsNonRecursive(stmt.larg, stmt.rarg, scope),
              }
            : toSelectList;
        this.aliasList = names;
        this.visit(arm && { SelectStmt: arm }, scope);
      }
      this.countFixedBy = countFixedBy;
      this.aliasList = undefined;
      this.atTop = false;
      this.visit([stmt.sortClause, stmt.limitCount, stmt.limitOffset], scope);
      return;
    }
    const joinConditions: JoinCondition[] = [];
    const madeBefore = this.datasetRelations.length;
    for (const item of stmt.fromClause ?? [])
      this.fromItem(item, scope, joinConditions);
    // `TABLE t`: a `*` the parser made (no location), which takes no alias.
    const star = stmt.targetList?.[0]?.ResTarget;
    if (
      stmt.targetList?.length === 1 &&
      star?.location === -1 &&
      star.val?.ColumnRef?.fields?.[0]?.A_Star
    )
      for (const relation of this.datasetRelations.slice(madeBefore))
        relation.tableForm = true;
    const outputNames = new Set<string>();
    // Outputs read by later SQL under the names given here: a CTE's or
    // derived table's, a view's or a created table's.
    // (A view's or created table's own select only: not a subquery inside it.)
    const passesOn =
      (!top && !subLink) || (top && this.definesRelation) || !!stmt.intoClause;
    // How many more outputs than items the `*`s before an item gave, so an alias
    // list names each item by its output's place (`c(a, b, x) AS (SELECT *, n
    // FROM t2)` over two columns names n x); unknown after a `*` of unknown columns.
    let starsWidth: number | undefined = 0;
    for (const [position, item] of (stmt.targetList ?? []).entries()) {
      const target = item.ResTarget;
      // The field, or a value whose type follows it (`max(f)`, `coalesce(f, 0)`,
      // `f + 1`), passed on under this name; `visit` lets go of it inside what
      // decides its own type (a cast, a comparison, count()). A sum follows the
      // rules for sums.
      const before: number | undefined = starsWidth;
      const starColumns = isStar(target?.val?.ColumnRef)
        ? this.starColumns(target.val.ColumnRef, scope)
        : undefined;
      if (isStar(target?.val?.ColumnRef))
        starsWidth =
          before === undefined || starColumns === undefined
            ? undefined
            : before + starColumns.length - 1;
      this.passedOn = passesOn
        ? outputNameAt(target, aliasList, position, before)
        : undefined;
      if (target?.name) {
        outputNames.add(target.name);
        this.outputNames.add(target.name);
      }
      if (outputUnread && isStar(target?.val?.ColumnRef)) continue;
      // `c(a, b) AS (SELECT * FROM t)`: the alias list renames what `*` reads.
      // After a `*` of unknown columns any field may be under any later alias.
      if (passesOn && aliasList && isStar(target?.val?.ColumnRef))
        this.renamedByPosition(
          before === undefined ? undefined : starColumns,
          aliasList.slice(position + (before ?? 0)),
          this.referenceSpan(target.val.ColumnRef.location).whole,
        );
      const [dividing, typed, summing] = [
        this.dividing,
        this.typed,
        this.summing,
      ];
      if (toSelectList) {
        this.dividing = toSelectList.dividing;
        this.typed = toSelectList.untyped?.(position)
          ? undefined
          : toSelectList.typed;
        this.passedOn ??= toSelectList.passedOn;
        // Summed, but not as the sum's whole argument.
        this.summing = toSelectList.summing && {
          ...toSelectList.summing,
          arg: undefined,
        };
      }
      const comparedRow = this.comparedRow;
      this.comparedRow = !!toSelectList?.compared;
      this.implicitStarAt = stmt.fromClause?.[0]?.RangeVar?.location;
      if (target?.val?.ColumnRef && !target.name)
        this.columnRef(target.val.ColumnRef, scope, true, target.location);
      else this.visit(item, scope);
      this.comparedRow = comparedRow;
      this.dividing = dividing;
      this.typed = typed;
      this.summing = summing;
    }
    this.passedOn = undefined;
    // A bare name in ORDER BY or DISTINCT ON means the output column of that
    // name first, as in Postgres: an alias's or a bare column's.
    for (const item of stmt.targetList ?? []) {
      if (item.ResTarget?.name) continue;
      const val: Node | undefined = item.ResTarget?.val;
      const parts: Node[] = val?.ColumnRef?.fields ?? [];
      const last = parts[parts.length - 1]?.String?.sval;
      if (last) outputNames.add(last);
      else {
        // Postgres names other outputs too (`count(*)` is `count`, `k::int` is
        // `k`): a bare name in ORDER BY means that output first.
        const implicit = implicitName(val);
        if (implicit) outputNames.add(implicit);
        const named = namingColumn(val);
        if (named && named.location >= 0)
          this.opaque.push({
            ...this.referenceSpan(named.location, named.fields?.length).whole,
            kind: 'derived-name',
          });
      }
    }
    const keys = [
      ...(stmt.sortClause ?? []).map((sort: Node) => [sort, sort.SortBy?.node]),
      ...(stmt.distinctClause ?? []).map((node: Node) => [node, node]),
    ];
    for (const [key, node] of keys) {
      const fields = node?.ColumnRef?.fields;
      const name = fields?.length === 1 ? fields[0].String?.sval : undefined;
      if (name && outputNames.has(name)) continue;
      // A field's new name there may be an output column's: see ColumnUse.sortKey.
      this.sortOutputs = name ? outputNames : undefined;
      this.visit(key, scope);
      this.sortOutputs = undefined;
    }
    for (const { quals, scope: sides } of joinConditions)
      this.visit(quals, sides);
    for (const item of stmt.groupClause ?? []) this.groupingList(item);
    const datasetAliases = new Set(
      scope.relations.filter(r => r.dataset).map(r => r.alias),
    );
    for (const item of groupedColumnsSubqueriesSee(
      stmt,
      datasetAliases,
      this.fields,
    ))
      this.groupedForSubqueries.push({
        ...this.referenceSpan(item.ColumnRef.location).whole,
        field: item.ColumnRef.fields.at(-1).String.sval,
      });
    for (const ref of keyDependentReads(
      stmt,
      datasetAliases,
      this.fields,
      this.target.key,
    ))
      this.opaque.push({
        ...this.referenceSpan(ref.ColumnRef.location).whole,
        kind: 'grouped-by-key',
      });
    this.visit(
      [
        stmt.whereClause,
        stmt.groupClause,
        stmt.havingClause,
        stmt.windowClause,
        stmt.limitCount,
        stmt.limitOffset,
      ],
      scope,
    );
    // A VALUES list's columns (`column1…`, or its alias list) pass values on too.
    for (const row of stmt.valuesLists ?? [])
      for (const [position, value] of (row.List?.items ?? []).entries()) {
        this.passedOn = passesOn
          ? aliasList?.[position]?.String?.sval ?? `column${position + 1}`
          : undefined;
        this.visit(value, scope);
      }
    this.passedOn = undefined;
  }

  /**
   * `GROUP BY (a, b)`, `GROUPING SETS ((a, b), ())`: a parenthesized list there
   * (an implicit row to the parser, at any depth of grouping sets) is a list of
   * grouping expressions, each grouped by alone, as Postgres flattens it, no
   * row; `ROW(a, b)` and a row inside an expression stay rows.
   */
  private groupingList(item: Node | undefined): void {
    const row = item?.RowExpr;
    if (row?.row_format === 'COERCE_IMPLICIT_CAST') {
      this.byField.add(row);
      for (const arg of row.args ?? []) this.groupingList(arg);
    }
    for (const inner of item?.GroupingSet?.content ?? [])
      this.groupingList(inner);
  }

  /**
   * A statement's `WITH`: each CTE sees those before it, and with RECURSIVE
   * every one of them, itself included.
   */
  private withClause(clause: Node | undefined, scope: Scope): void {
    const ctes: Node[] = (clause?.ctes ?? []).map(
      (cte: Node) => cte.CommonTableExpr,
    );
    if (clause?.recursive)
      for (const { ctename } of ctes) scope.ctes.set(ctename, undefined);
    for (const cte of ctes) {
      const { ctename, ctequery, aliascolnames } = cte;
      this.aliasList = aliascolnames;
      this.recursiveQuery = !!clause?.recursive;
      const walking = clause?.recursive && !this.recursiveCtes.has(ctename);
      if (walking) this.recursiveCtes.add(ctename);
      // What counts the columns of a later `*` of it counts its `*`'s.
      this.making(ctename, () => this.visit(ctequery, scope));
      if (walking) this.recursiveCtes.delete(ctename);
      this.recursiveQuery = false;
      this.aliasList = undefined;
      // `SEARCH … SET seq` and `CYCLE … SET mark USING path` give a recursive
      // CTE columns its query does not name: its outputs are not known.
      scope.ctes.set(
        ctename,
        cte.search_clause || cte.cycle_clause
          ? undefined
          : outputColumnsOf(ctequery?.SelectStmt, aliascolnames),
      );
    }
  }

  /** Walks the select of a relation the statement makes, named `name`. */
  private making(name: string | undefined, walk: () => void): void {
    const countFixedBy = this.countFixedBy;
    this.countFixedBy = name === undefined ? undefined : MADE + name;
    walk();
    this.countFixedBy = countFixedBy;
  }

  /** What takes the select's columns by number, if anything (not a relation made). */
  private counted(): string | undefined {
    return madeFrom(this.countFixedBy) === undefined
      ? this.countFixedBy
      : undefined;
  }

  /**
   * A select-list `*` over `relations`: a relation made with it grows with
   * the dataset's or another's (see StatementAnalysis.grows), and one of
   * another table, view or CTE read into a fixed number of columns is noted.
   */
  private starReaches(relations: ScopeRelation[], at: Span): void {
    const made = madeFrom(this.countFixedBy);
    const names = relations.flatMap(r => r.table ?? r.cte ?? []);
    if (made !== undefined && relations.some(r => r.dataset))
      this.grows.push(made);
    if (made !== undefined && names.length > 0)
      this.growsThrough.push({ name: made, tables: names });
    const counted = this.counted();
    if (counted && names.length > 0)
      this.tableStarsCounted.push({
        start: at.start,
        end: at.end,
        tables: names,
        countFixedBy: counted,
      });
  }

  /** Takes the select's columns by number for `reason`, unless already so. */
  private countAs(reason: string): void {
    if (this.countFixedBy === undefined || madeFrom(this.countFixedBy))
      this.countFixedBy = reason;
  }

  /** Adds what a FROM item makes visible; returns whether it includes the dataset. */
  private fromItem(
    item: Node,
    scope: Scope,
    conditions: JoinCondition[],
    /** The relation is the target of UPDATE or DELETE (see isDataset). */
    dmlTarget = false,
  ): boolean {
    if (item.RangeVar) {
      const rv = item.RangeVar;
      if (isCatalogRelation(rv)) this.readsCatalog = true;
      const dataset = this.isDataset(rv, scope, dmlTarget);
      if (dataset) this.datasetRelations.push(this.relationSpan(rv));
      else this.jinjaRelation(rv);
      // `orders o(a, b)` names the dataset's columns by position: which field a
      // name reads (`o(cust_ref, order_id)` swaps two) the names do not say.
      if (dataset && rv.alias?.colnames?.length)
        this.opaque.push({
          ...this.referenceSpan(rv.location).whole,
          kind: 'column-aliases',
        });
      // `c AS c2(a)` renames a CTE's or a relation's columns by position.
      if (!dataset && rv.alias?.colnames?.length)
        this.renamedByPosition(
          rv.schemaname ? undefined : scope.cteColumns(rv.relname),
          rv.alias.colnames,
          this.referenceSpan(rv.location).whole,
        );
      const alias = rv.alias?.aliasname ?? rv.relname;
      // A CTE's outputs are known like a subquery's (TPC-DS q14's
      // `ss_item_sk in (select ss_item_sk from cross_items)`).
      // (Column aliases on the reference rename them: left unknown.)
      const columns =
        rv.schemaname || rv.alias?.colnames || dmlTarget
          ? undefined
          : scope.cteColumns(rv.relname);
      const cte = !rv.schemaname && scope.hasCte(rv.relname);
      scope.relations.push({
        alias,
        dataset,
        qualifiable: !this.placeholders.has(alias),
        ...(columns ? { columns } : {}),
        ...(!dataset && cte ? { derived: true, cte: rv.relname } : {}),
        ...(!dataset && !cte && !this.placeholders.has(rv.relname)
          ? { table: rv.relname }
          : {}),
        ...(!rv.schemaname && !dataset && this.recursiveCtes.has(rv.relname)
          ? { recursiveSelf: true }
          : {}),
      });
      return dataset;
    }
    if (item.JoinExpr) {
      const join = item.JoinExpr;
      const before = scope.relations.length;
      const left = this.fromItem(join.larg, scope, conditions);
      const middle = scope.relations.length;
      const right = this.fromItem(join.rarg, scope, conditions);
      if (join.alias) {
        this.joinAliases.add(join.alias.aliasname);
        for (const r of scope.relations.slice(before)) r.qualifiable = false;
      }
      // `(a JOIN b) AS j(x, y)` renames the join's columns by position (USING
      // and NATURAL merge some first: positions not known).
      if (join.alias?.colnames?.length)
        this.renamedByPosition(
          join.usingClause?.length || join.isNatural
            ? undefined
            : this.columnsOf(scope.relations.slice(before)),
          join.alias.colnames,
          this.spanAt(join.larg?.RangeVar?.location ?? -1),
        );
      // The alias hides the dataset's name: its columns are read as `j.x` or
      // unqualified through the join, which the walker does not resolve.
      if (join.alias && (left || right))
        this.opaque.push({
          ...this.spanAt(join.larg?.RangeVar?.location ?? -1),
          kind: 'join-alias',
        });
      if (left || right) {
        const at = this.spanAt(join.rarg?.RangeVar?.location ?? -1);
        for (const name of join.usingClause ?? [])
          this.joinsByName.push({ ...at, field: name.String.sval });
        if (join.isNatural) {
          // The side without the dataset, when it is a single CTE or subquery
          // whose output columns are all known (not a table, whose columns only
          // the catalog knows, nor a join, a function or the dataset again).
          const [node, relations] = left
            ? [join.rarg, scope.relations.slice(middle)]
            : [join.larg, scope.relations.slice(before, middle)];
          const otherColumns =
            !(left && right) &&
            (node?.RangeVar || node?.RangeSubselect) &&
            relations.length === 1 &&
            !relations[0].dataset
              ? relations[0].columns
              : undefined;
          this.joinsByName.push({
            ...at,
            field: '*',
            ...(otherColumns ? { otherColumns } : {}),
          });
        }
        this.recordMergedJoin(join, left, right, scope, before, middle);
      }
      // ON sees the join's two sides only, not FROM items after it.
      const sides = outsideFrom(scope);
      sides.relations.push(...scope.relations.slice(before));
      conditions.push({ quals: join.quals, scope: sides });
      return left || right;
    }
    // `t TABLESAMPLE …`: the relation itself, sampled.
    if (item.RangeTableSample) {
      const { relation, ...sample } = item.RangeTableSample;
      const dataset = this.fromItem(relation, scope, conditions);
      if (dataset && relation?.RangeVar)
        this.opaque.push({
          ...this.referenceSpan(relation.RangeVar.location).whole,
          kind: 'view-statement',
          statement: 'tablesample',
        });
      this.visit(sample, scope);
      return dataset;
    }
    if (item.RangeSubselect) {
      this.aliasList = item.RangeSubselect.alias?.colnames;
      // Without LATERAL a subquery sees no other item of its FROM list.
      this.visit(
        item.RangeSubselect.subquery,
        item.RangeSubselect.lateral ? scope : outsideFrom(scope),
      );
      this.aliasList = undefined;
      const alias = item.RangeSubselect.alias?.aliasname;
      const columns = outputColumnsOf(
        item.RangeSubselect.subquery?.SelectStmt,
        item.RangeSubselect.alias?.colnames,
      );
      scope.relations.push({
        alias: alias ?? '',
        dataset: false,
        qualifiable: !!alias,
        derived: true,
        ...(columns ? { columns } : {}),
      });
      return false;
    }
    const alias = Object.values(item)[0]?.alias?.aliasname;
    if (item.RangeFunction) {
      // `abs(t.n) AS a`, `ROWS FROM (f(x), g(y)) AS r(a, b)`: each function's
      // value is passed on as a column, named by its position in the alias
      // list, else by the alias (one function) or after the function
      // (`coalesce`); past a function with a column definition list, which
      // may return several, the positions are not known.
      const { functions, ...rest } = item.RangeFunction;
      const colnames: Node[] = item.RangeFunction.alias?.colnames ?? [];
      const passedOn = this.passedOn;
      let known = true;
      for (const [i, fn] of (functions ?? []).entries()) {
        const [expr, definitions] = fn.List?.items ?? [];
        this.passedOn = known
          ? colnames[i]?.String?.sval ??
            (functions.length === 1 ? alias : undefined) ??
            implicitName(expr) ??
            '?column?'
          : '?column?';
        known &&= !definitions?.List?.items?.length;
        this.visit(fn, scope);
      }
      this.passedOn = passedOn;
      this.visit(rest, scope);
    } else this.visit(item, scope);
    scope.relations.push({ alias: alias ?? '', dataset: false });
    return false;
  }

  /**
   * Columns renamed by position (`c AS c2(a)`, `*` under a column alias list):
   * a dataset field's name among them is passed on under its alias, as a
   * select-list item's is (see {@link ColumnUse.passedOnAs}); where the columns
   * are not known, any field may be, under any of the aliases.
   */
  private renamedByPosition(
    columns: Iterable<string> | undefined,
    aliases: Node[],
    at: Span,
  ): void {
    const names = aliases.map(a => a.String?.sval as string);
    const renamed: Array<[string, string]> = columns
      ? [...columns].flatMap((column, i) =>
          i < names.length ? [[column, names[i]] as [string, string]] : [],
        )
      : [...this.fields].map(field => [field, names.join(', ')]);
    for (const [field, as] of renamed)
      if (this.fields.has(field) && as !== field)
        this.passedOnElsewhere.push({ ...at, field, as });
  }

  /** The columns `*` (or `x.*`) stands for, in order, when all are known. */
  private starColumns(ref: Node, scope: Scope): string[] | undefined {
    const parts: Node[] = ref.fields ?? [];
    const qualifier =
      parts.length >= 2 ? parts.at(-2)?.String?.sval : undefined;
    return this.columnsOf(
      qualifier ? [scope.byAlias(qualifier)] : scope.relations,
    );
  }

  /** The columns of relations side by side, in order, when all are known. */
  private columnsOf(
    relations: Array<ScopeRelation | undefined>,
  ): string[] | undefined {
    const columns: string[] = [];
    for (const relation of relations) {
      const own = relation?.dataset ? this.target.fields : relation?.columns;
      if (!own) return undefined;
      columns.push(...own);
    }
    return columns;
  }

  /**
   * `t JOIN (…) s USING (…)` or `t NATURAL JOIN (…) s` (either way round), the
   * dataset a plain table reference and the other side a subquery whose output
   * columns are all known and distinct: the columns a `*` over it returns are
   * then known in order.
   */
  private recordMergedJoin(
    join: Node,
    left: boolean,
    right: boolean,
    scope: Scope,
    before: number,
    middle: number,
  ): void {
    if (left === right || join.alias) return;
    if (!join.isNatural && !join.usingClause?.length) return;
    const [datasetNode, otherNode] = left
      ? [join.larg, join.rarg]
      : [join.rarg, join.larg];
    const subselect = otherNode?.RangeSubselect;
    const relations = scope.relations.slice(before);
    if (
      !datasetNode?.RangeVar ||
      !subselect?.alias?.aliasname ||
      relations.length !== 2 ||
      scope.relations.length - middle !== 1
    )
      return;
    const columns = outputColumnListOf(
      subselect.subquery?.SelectStmt,
      subselect.alias.colnames,
    );
    if (!columns || new Set(columns).size !== columns.length) return;
    const fields = this.target.fields;
    let names: string[];
    if (!join.isNatural)
      names = join.usingClause.map((n: Node) => n.String.sval);
    else if (left) names = fields.filter(f => columns.includes(f));
    else names = columns.filter(c => fields.includes(c));
    this.mergedJoins.set(scope, {
      names,
      datasetFirst: left,
      other: { alias: subselect.alias.aliasname, columns },
      relations,
    });
  }

  /**
   * A string that is SQL (it parses, or begins as a statement does: the start of
   * one completed by `||`) naming the dataset's table as a word (`'SELECT k FROM
   * orders'`, `'SELECT k FROM orders WHERE id = ' || id`): a function may run it.
   * An XPath or a label naming it (`'/p:Orders/text()'`, `'from orders'`) is no
   * statement.
   */
  private holdsSqlNamingTable(text: unknown): boolean {
    if (typeof text !== 'string' || !namesWord(text, this.target.table))
      return false;
    if (STATEMENT_START.test(text)) return true;
    try {
      parseSql(text);
      return true;
    } catch {
      return false;
    }
  }

  /** Whether a string is the dataset's table name, bare or schema-qualified. */
  private namesTable(text: unknown): boolean {
    if (typeof text !== 'string') return false;
    const name = text.trim().toLowerCase();
    const { schema, table } = this.target;
    if (
      name === table.toLowerCase() ||
      name === `${schema}.${table}`.toLowerCase()
    )
      return true;
    // `'"t"'::regclass`, `to_regclass('public."Orders"')`: the name as an
    // identifier, a part in double quotes taken as it is written.
    const parts = quotedNameParts(text.trim());
    const part = (at: number, value: string) =>
      parts![at].quoted
        ? parts![at].name === value
        : parts![at].name.toLowerCase() === value.toLowerCase();
    if (
      !!parts &&
      parts.some(p => p.quoted) &&
      part(parts.length - 1, table) &&
      (parts.length === 1 || (parts.length === 2 && part(0, schema)))
    )
      return true;
    // The table's name after a schema the query puts before it
    // (`to_regclass(current_schema() || '.t')`, `format('%I.t', s)`): a
    // string whose last dotted part names the table after no schema's whole
    // name (`'other.t'` is another table).
    const last = lastDottedPart(text.trim());
    return (
      !!last &&
      !IDENTIFIER.test(last.head) &&
      (last.quoted
        ? last.name === table
        : last.name.toLowerCase() === table.toLowerCase())
    );
  }

  /**
   * Whether a relation name is the dataset's table. A CTE of that name hides it,
   * except as the target of INSERT, UPDATE or DELETE (`dmlTarget`), which
   * Postgres never resolves to a CTE.
   */
  private isDataset(rv: Node, scope: Scope, dmlTarget = false): boolean {
    const jinja = this.placeholders.get(rv.relname);
    if (jinja) return jinjaNamesDataset(jinja, this.target);
    if (!dmlTarget && !rv.schemaname && scope.hasCte(rv.relname)) return false;
    return (
      rv.relname === this.target.table &&
      (!rv.schemaname || rv.schemaname === this.target.schema)
    );
  }

  private columnRef(
    ref: Node,
    scope: Scope,
    bareTarget: boolean,
    targetLocation?: number,
  ): void {
    const parts: Node[] = ref.fields ?? [];
    const names = parts.map(p => p.String?.sval as string | undefined);
    const star = !!parts[parts.length - 1]?.A_Star;
    const spans = this.referenceSpan(ref.location, parts.length);
    if (star && !(ref.location >= 0)) {
      // `TABLE t`: a `*` the text does not hold, so no list can replace it.
      const relation = this.datasetRelations[this.datasetRelations.length - 1];
      const dataset = scope.relations.filter(r => r.dataset);
      if (relation && dataset.length > 0) {
        this.opaque.push({
          start: relation.start,
          end: relation.end,
          kind: 'whole-row',
        });
        // Its columns' types are seen as `*`'s are (CREATE OR REPLACE VIEW v
        // AS TABLE t).
        if (this.typed?.exactType)
          this.stars.push({
            start: relation.start,
            end: relation.end,
            qualified: false,
            relations: dataset,
            target: bareTarget,
            typed: this.typed,
            implicit: true,
          });
      }
      if (bareTarget && this.typed?.exactType)
        this.typedThroughStar(
          scope.relations,
          this.spanAt(this.implicitStarAt ?? -1),
          this.typed,
        );
      if (bareTarget)
        this.starReaches(
          scope.relations,
          dataset.length > 0 && relation
            ? relation
            : this.spanAt(this.implicitStarAt ?? -1),
        );
      return;
    }
    if (star) {
      const qualifier = names[names.length - 2];
      const relations = qualifier
        ? [scope.byAlias(qualifier)].filter((r): r is ScopeRelation => !!r)
        : scope.relations;
      const join = qualifier ? undefined : this.mergedJoins.get(scope);
      const merged =
        join &&
        relations.length === join.relations.length &&
        join.relations.every((r, i) => relations[i] === r)
          ? {
              names: join.names,
              datasetFirst: join.datasetFirst,
              other: join.other,
            }
          : undefined;
      if (parts.length >= 3 && relations.some(r => r.dataset))
        this.opaque.push({ ...spans.whole, kind: 'schema-qualified' });
      if (
        this.unknownSignature !== undefined &&
        relations.some(r => !r.dataset)
      )
        this.unknownSignatureOnDerived = true;
      // `c.*` given as one value (`array_agg(c.*)`, `g(m.*)`) is `c`'s row.
      if (qualifier && !bareTarget && relations[0] && !relations[0].dataset)
        this.rowElsewhere(relations[0], qualifier, spans.whole);
      const counted = bareTarget ? this.counted() : undefined;
      if (relations.some(r => r.dataset))
        this.stars.push({
          ...spans.whole,
          qualified: !!qualifier,
          relations,
          target: bareTarget,
          ...(merged ? { merged } : {}),
          ...(this.typed?.exactType ? { typed: this.typed } : {}),
          ...(counted ? { countFixedBy: counted } : {}),
        });
      if (bareTarget) this.starReaches(relations, spans.whole);
      if (bareTarget && this.typed?.exactType)
        this.typedThroughStar(relations, spans.whole, this.typed);
      return;
    }
    const field = names[names.length - 1];
    if (field && names.length === 1 && this.introduced.has(field))
      this.captureRisk(field, spans.whole, scope);
    if (
      field &&
      names.length === 1 &&
      !this.fields.has(field) &&
      ref !== this.countedRow
    )
      this.opaqueName(field, spans.whole, scope, ref === this.rowOfField);
    if (field && SYSTEM_COLUMNS.has(field) && !this.fields.has(field)) {
      const owner =
        names.length >= 2
          ? scope.byAlias(names[names.length - 2]!)
          : this.ownerOfUnqualified(scope, field);
      if (owner !== 'ambiguous' && owner?.dataset)
        this.opaque.push({ ...spans.whole, kind: 'system-column' });
    }
    if (this.unknownSignature !== undefined) {
      let owner: ScopeRelation | 'ambiguous' | undefined;
      if (names.length >= 2) owner = scope.byAlias(names[names.length - 2]!);
      else if (field !== undefined)
        owner = this.ownerOfUnqualified(scope, field);
      if (owner === 'ambiguous' || !owner?.dataset)
        this.unknownSignatureOnDerived = true;
    }
    if (!field || !this.fields.has(field)) return;
    const owner =
      names.length >= 2
        ? scope.byAlias(names[names.length - 2]!)
        : this.ownerOfUnqualified(scope, field);
    if (owner === 'ambiguous') this.ambiguous.push({ ...spans.whole, field });
    else if (owner?.dataset) {
      if (names.length >= 3)
        this.opaque.push({ ...spans.whole, kind: 'schema-qualified' });
      const crowded =
        names.length === 1 &&
        levelsOf(scope)[0]?.relations.some(r => !r.dataset);
      const aliasAfter = bareTarget
        ? this.parenthesesEnd(targetLocation, ref.location, spans.whole.end)
        : undefined;
      this.columns.push({
        ...spans.whole,
        field,
        name: spans.last,
        bareTarget,
        ...(aliasAfter !== undefined ? { aliasAfter } : {}),
        ...(this.dividing ? { divided: this.dividing } : {}),
        ...(this.summing
          ? {
              summed: {
                call: this.summing.call,
                bare: this.summing.arg === ref,
                inner: this.summing.inner,
              },
            }
          : {}),
        ...(crowded ? { crowdedOwner: owner.alias } : {}),
        ...(names.length === 1 && aliasShadowed(scope, owner)
          ? { shadowedOwner: true }
          : {}),
        ...(this.passedOn !== undefined && this.passedOn !== field
          ? { passedOnAs: this.passedOn }
          : {}),
        ...(this.typedHere() ? { typed: this.typedHere() } : {}),
        ...(this.sortOutputs && names.length === 1
          ? { sortKey: { outputs: this.sortOutputs, owner: owner.alias } }
          : {}),
      });
    } else {
      if (this.dividing) this.dividedElsewhere.push({ ...spans.whole, field });
      // A recursive CTE's own column has its non-recursive term's type.
      const typedHere = this.typedHere();
      if (typedHere && !(this.typed === RECURSIVE_TERM && owner?.recursiveSelf))
        this.typedElsewhere.push({ ...spans.whole, field, ...typedHere });
      if (this.summing && (this.dividing || this.summing.inner))
        this.summedElsewhere.push({ ...spans.whole, field });
      if (this.passedOn !== undefined && this.passedOn !== field)
        this.passedOnElsewhere.push({
          ...spans.whole,
          field,
          as: this.passedOn,
        });
    }
  }

  /**
   * A select-list `*` (or `TABLE x`) whose columns' types are seen (see
   * {@link ColumnUse.typed}), over a subquery or CTE, or a relation the file
   * may have made from the dataset: each of their columns named like a
   * dataset field (every field, where their columns are not known) may be
   * that field, with its type, as `d.n` would be (`CREATE OR REPLACE VIEW v AS
   * SELECT * FROM (SELECT * FROM t) d`).
   */
  private typedThroughStar(
    relations: ScopeRelation[],
    at: Span,
    typed: Typed,
  ): void {
    for (const relation of relations) {
      if (relation.dataset || (!relation.derived && !relation.table)) continue;
      const fields = relation.columns
        ? [...relation.columns].filter(c => this.fields.has(c))
        : [...this.fields];
      for (const field of fields)
        this.typedElsewhere.push({
          ...at,
          field,
          ...typed,
          what: `${typed.what} (through \`*\`)`,
          ...(relation.derived ? {} : { relation: relation.table }),
        });
    }
  }

  /**
   * `(c).n`, or `n(c)` in functional notation: another relation's column read
   * through its row, as `c.n` reads it (the dataset's own row is a whole-row
   * read of that field).
   */
  private fieldOfRow(
    rowRef: Node | undefined,
    field: string | undefined,
    scope: Scope,
  ): void {
    const row: Node[] | undefined = rowRef?.fields;
    // `(t).n`, and `(t.*).n`, which is the same row.
    const relation =
      row?.length === 1 || (row?.length === 2 && row[1].A_Star)
        ? row[0].String?.sval
        : undefined;
    const owner = relation === undefined ? undefined : scope.byAlias(relation);
    if (field === undefined || !owner) return;
    // The dataset's own: a whole-row read of that field, which no edit of
    // names reaches (`(t).n / 2` divides a widened n unseen).
    if (owner.dataset) {
      if (this.fields.has(field))
        this.opaque.push({
          ...this.referenceSpan(rowRef!.location).whole,
          kind: 'whole-row',
          field,
        });
      return;
    }
    this.columnRef(
      {
        fields: [row![0], { String: { sval: field } }],
        location: rowRef!.location,
      },
      scope,
      false,
    );
  }

  /** Whether a comparison's operand is the dataset's whole row (`t`, `t.*`). */
  private datasetWholeRow(operand: Node, scope: Scope): boolean {
    const ref = operand?.ColumnRef;
    if (!ref) return false;
    const parts: Node[] = ref.fields ?? [];
    const alias = parts[0]?.String?.sval as string | undefined;
    if (alias === undefined) return false;
    const whole =
      (parts.length === 1 && !this.fields.has(alias)) ||
      (parts.length === 2 && !!parts[1]?.A_Star);
    return whole && !!scope.byAlias(alias)?.dataset;
  }

  /**
   * A bare name that is no field of the dataset: the dataset's whole row when it
   * names the dataset's relation (Postgres tries columns first, and the old
   * version has none of that name), or a Jinja expression standing for columns.
   */
  private opaqueName(
    name: string,
    at: Span,
    scope: Scope,
    /** `(name).field`: that field is read, not the row. */
    fieldTaken = false,
  ): void {
    const jinja = this.placeholders.get(name);
    if (jinja?.kind === 'expression') {
      const datasetInScope = levelsOf(scope).some(level =>
        level.relations.some(r => r.dataset),
      );
      if (
        datasetInScope ||
        this.tableNames().some(t => namesWord(jinja.text, t))
      )
        this.opaque.push({ ...at, kind: 'jinja-columns' });
      else if ([...this.fields].some(f => namesWord(jinja.text, f)))
        this.opaque.push({ ...at, kind: 'jinja-columns', elsewhere: true });
    } else if (scope.byAlias(name)?.dataset) {
      // Given as it is to a function that is not Postgres's own (`k(t)` is
      // the field k, read as such), or to one of its size or hash.
      const what = this.typed?.what;
      const seesTypes =
        what !== undefined &&
        (ROW_STORAGE.test(what) ||
          (this.typed?.signatureUnknown &&
            !this.fields.has(what.replace(/\(\)$/, ''))))
          ? what
          : undefined;
      this.opaque.push({
        ...at,
        kind: 'whole-row',
        ...(this.typed?.exactType ? { typed: this.typed } : {}),
        ...(seesTypes !== undefined ? { seesTypes } : {}),
        ...(this.comparedRow ? { compared: true } : {}),
        ...(this.passedOn !== undefined && !this.rowHidden
          ? { passedOn: this.passedOn }
          : {}),
      });
      // Read for one field too, which the migration may change alone.
      if (this.selectingField !== undefined)
        this.opaque.push({
          ...at,
          kind: 'whole-row',
          field: this.selectingField,
        });
    } else if (!fieldTaken) {
      const owner = scope.byAlias(name);
      if (owner && !owner.dataset && !owner.columns?.has(name))
        this.rowElsewhere(owner, name, at);
    }
  }

  /** Another relation's row read as one value (see StatementAnalysis.rowsElsewhere). */
  private rowElsewhere(owner: ScopeRelation, alias: string, at: Span): void {
    this.rowsElsewhere.push({
      ...at,
      relation: owner.table ?? owner.cte ?? alias,
      how: 'row',
      ...(owner.derived ? { derived: true } : {}),
      ...(owner.columns ? { columns: [...owner.columns] } : {}),
    });
  }

  /**
   * A relation dbt names at run time: `{{ target.schema }}.orders`, or a Jinja
   * expression that mentions the dataset's table. Only rendering tells whether
   * it is the dataset.
   */
  private jinjaRelation(rv: Node): void {
    const expression = (name?: string) => {
      const jinja = name ? this.placeholders.get(name) : undefined;
      return jinja?.kind === 'expression' ? jinja.text : undefined;
    };
    const tables = this.tableNames();
    const named = expression(rv.relname);
    const qualifiedByJinja =
      (expression(rv.schemaname) ?? expression(rv.catalogname)) !== undefined;
    if (
      named !== undefined
        ? tables.some(t => namesWord(named, t))
        : qualifiedByJinja && tables.includes(rv.relname)
    )
      this.opaque.push({
        ...this.referenceSpan(rv.location).whole,
        kind: 'jinja-relation',
      });
  }

  /** The names the dataset's table goes by in consumer SQL. */
  private tableNames(): string[] {
    const { table, sourceTable } = this.target;
    return sourceTable ? [table, sourceTable] : [table];
  }

  /**
   * An unqualified name the new version introduces. Postgres gives it to the
   * nearest level with a relation that has the column; the dataset gains the column
   * at cut-over, so unless the name provably belongs to a relation nearer than the
   * dataset (the only other relation in scope, and nearer), the dataset may take it
   * (silently, from an outer level) or make it ambiguous (at its own level).
   */
  private captureRisk(field: string, at: Span, scope: Scope): void {
    const levels = levelsOf(scope);
    const datasetLevel = levels.findIndex(l =>
      l.relations.some(r => r.dataset),
    );
    if (datasetLevel < 0) return;
    const aliases = levels.flatMap(l => l.relations.map(r => r.alias));
    // A name no relation has as a column is a whole-row reference to the FROM
    // item of that name (`(select kk::text from w) … from t, (select 1) kk`):
    // from cut-over the dataset's column takes it instead, so none owns it.
    const wholeRow = aliases.includes(field) || this.joinAliases.has(field);
    // A CTE or subquery whose outputs are all known and lack the name cannot
    // own it (TPC-DS q10-style `(select kk from u where u.id = s.id)` over
    // `t natural join (select id from u) s`): only the others could.
    const others = levels.flatMap((level, i) =>
      level.relations
        .filter(r => !r.dataset && !(r.columns && !r.columns.has(field)))
        .map(r => ({ ...r, nearer: i < datasetLevel })),
    );
    if (others.length === 1 && others[0].nearer && !wholeRow) return;
    const [only] = others;
    const owner =
      !wholeRow &&
      others.length === 1 &&
      only.qualifiable &&
      only.alias !== field &&
      aliases.filter(a => a === only.alias).length === 1
        ? only.alias
        : undefined;
    this.captures.push({
      ...at,
      field,
      candidates: others.map(o => o.alias),
      ...(owner !== undefined ? { owner } : {}),
    });
  }

  /**
   * The innermost scope with relations owns an unqualified name, as in Postgres —
   * unless its relations lack the column, which only the database knows. When an
   * outer scope holds the dataset, the name is reported as ambiguous.
   */
  private ownerOfUnqualified(
    scope: Scope,
    field: string,
  ): ScopeRelation | 'ambiguous' | undefined {
    for (let s: Scope | undefined = scope; s; s = s.parent) {
      if (s.relations.length === 0) continue;
      // With several relations, a name the dataset has is the dataset's.
      const dataset = s.relations.find(r => r.dataset);
      if (dataset) return dataset;
      // A subquery whose outputs are known has the name, or no relation here
      // has it and it is resolved further out, as Postgres does.
      if (s.relations.some(r => r.columns?.has(field))) return undefined;
      if (s.relations.every(r => r.columns)) continue;
      for (let outer = s.parent; outer; outer = outer.parent)
        if (outer.relations.some(r => r.dataset)) return 'ambiguous';
      return undefined;
    }
    return undefined;
  }

  private modify(stmt: Node, parent: Scope): void {
    const scope = new Scope(parent);
    this.withClause(stmt.withClause, scope);
    const conditions: JoinCondition[] = [];
    const dataset = this.fromItem(
      { RangeVar: stmt.relation },
      scope,
      conditions,
      true,
    );
    // `WHERE CURRENT OF c` names no column, only the cursor's row.
    if (dataset && stmt.whereClause?.CurrentOfExpr)
      this.opaque.push({
        ...this.referenceSpan(stmt.relation.location).whole,
        kind: 'view-statement',
        statement: 'current-of',
      });
    for (const item of [
      ...(stmt.fromClause ?? []),
      ...(stmt.usingClause ?? []),
    ])
      this.fromItem(item, scope, conditions);
    for (const item of stmt.targetList ?? []) {
      this.assignment(item.ResTarget, dataset);
      if (!dataset) this.setElsewhere(item.ResTarget, stmt.relation?.relname);
      this.targetSubscripts(item.ResTarget, scope);
      this.visit(item.ResTarget?.val, scope);
    }
    for (const { quals, scope: sides } of conditions) this.visit(quals, sides);
    this.visit([stmt.whereClause, stmt.returningList], scope);
  }

  /**
   * The subscripts of an assignment's target (`SET scores[qty / 2] = …`,
   * `INSERT INTO t (a[k])`), read as a read's are: never read until
   * adversarial27, so a widened `qty` wrote another element and a renamed one
   * was said unaffected.
   */
  private targetSubscripts(target: Node | undefined, scope: Scope): void {
    for (const item of target?.indirection ?? []) {
      if (!item?.A_Indices) continue;
      const typed = this.typed;
      this.typed = item.A_Indices.is_slice ? undefined : SUBSCRIPT;
      this.visit(item, scope);
      this.typed = typed;
    }
  }

  private insert(stmt: Node, parent: Scope): void {
    const scope = new Scope(parent);
    // (A CTE does not hide the relation an INSERT writes.)
    const dataset = this.isDataset(stmt.relation, scope, true);
    // Rows for another relation, or for named columns, come in a fixed number
    // of columns (all the dataset's, into it, grow alike with a `*` of it),
    // its CTEs' included.
    const countFixedBy = this.countFixedBy;
    if (!dataset || stmt.cols?.length)
      this.countFixedBy ??= `INSERT INTO ${
        stmt.relation?.relname ?? 'a relation'
      }, whose rows must have as many columns as ${
        stmt.cols?.length ? 'its column list names' : 'it has'
      }`;
    // Its CTEs reach its rows only through a `*` of them (see grows).
    this.withClause(stmt.withClause, scope);
    if (dataset) this.datasetRelations.push(this.relationSpan(stmt.relation));
    if (dataset && stmt.onConflictClause)
      this.opaque.push({
        ...this.referenceSpan(stmt.relation.location).whole,
        kind: 'view-statement',
        statement: stmt.onConflictClause.infer?.conname
          ? 'on-conflict-constraint'
          : 'on-conflict',
      });
    if (dataset && !stmt.cols?.length)
      this.opaque.push({
        ...this.referenceSpan(stmt.relation.location).whole,
        kind: 'positional',
      });
    for (const item of stmt.cols ?? []) {
      this.assignment(item.ResTarget, dataset);
      this.targetSubscripts(item.ResTarget, scope);
    }
    if (!dataset && stmt.relation?.relname) {
      // A VALUES list's whole numbers are stored the same in any number type.
      const rows: Node[][] | undefined =
        stmt.selectStmt?.SelectStmt?.valuesLists?.map(
          (row: Node) => row.List?.items ?? [],
        );
      const whole = (i: number) =>
        !!rows && rows.every(row => wholeValue(row[i]));
      const cols: Node[] = stmt.cols ?? [];
      const select: Node | undefined = stmt.selectStmt?.SelectStmt;
      // `INSERT INTO r (f) SELECT f FROM <dataset>`: the field's own values.
      const ownField = (i: number, name: string) => {
        const ref = select?.targetList?.[i]?.ResTarget?.val?.ColumnRef;
        const parts: Node[] = ref?.fields ?? [];
        return (
          !select?.larg &&
          select?.targetList?.length === cols.length &&
          parts[parts.length - 1]?.String?.sval === name &&
          this.datasetOnly(select, scope)
        );
      };
      if (cols.length === 0) {
        if (!rows || rows.some(row => row.some(v => !wholeValue(v))))
          this.writesElsewhere.push({
            ...this.referenceSpan(stmt.relation.location).whole,
            relation: stmt.relation.relname,
            ...(this.datasetStarOnly(select, scope)
              ? { datasetStar: true }
              : {}),
          });
      } else
        for (const [i, item] of cols.entries()) {
          const name = item.ResTarget?.name;
          if (name && this.fields.has(name) && !whole(i) && !ownField(i, name))
            this.writesElsewhere.push({
              ...this.referenceSpan(item.ResTarget.location).first,
              relation: stmt.relation.relname,
              field: name,
            });
        }
    }
    // `ON CONFLICT … DO UPDATE SET f = …` writes as UPDATE does.
    if (!dataset)
      for (const item of stmt.onConflictClause?.targetList ?? [])
        this.setElsewhere(item.ResTarget, stmt.relation?.relname);
    this.visit(stmt.selectStmt, scope);
    this.countFixedBy = countFixedBy;
  }

  /**
   * `SET f = …` into `relation`, not the dataset: a write of a value that may
   * have a fraction into a column named like a dataset field (see writesElsewhere).
   */
  private setElsewhere(target: Node | undefined, relation?: string): void {
    if (
      relation &&
      target?.name &&
      this.fields.has(target.name) &&
      !wholeValue(target.val)
    )
      this.writesElsewhere.push({
        ...this.referenceSpan(target.location).first,
        relation,
        field: target.name,
      });
  }

  /**
   * The recursive term's outputs whose non-recursive column is the dataset's
   * field itself, read as it is from the dataset alone, which the recursive
   * term reads too (`SELECT n FROM t … UNION ALL SELECT t.n FROM t JOIN r …`,
   * or `*` of the dataset in both): both have its new type.
   */
  private sameAsNonRecursive(
    nonRecursive: Node | undefined,
    recursive: Node | undefined,
    scope: Scope,
  ): (position: number) => boolean {
    const lastName = (item: Node | undefined) => {
      const ref = item?.ResTarget?.val?.ColumnRef;
      const parts: Node[] = ref?.fields ?? [];
      return ref && !isStar(ref)
        ? (parts[parts.length - 1]?.String?.sval as string | undefined)
        : undefined;
    };
    const theirs: Node[] = recursive?.targetList ?? [];
    if (
      this.datasetStarOnly(nonRecursive, scope) &&
      theirs.length === 1 &&
      isStar(theirs[0]?.ResTarget?.val?.ColumnRef) &&
      (theirs[0].ResTarget.val.ColumnRef.fields?.length ?? 0) >= 2
    )
      return () => true;
    if (!this.datasetOnly(nonRecursive, scope)) return () => false;
    const ours: Node[] = nonRecursive?.targetList ?? [];
    return position => {
      const name = lastName(ours[position]);
      return (
        !!name && this.fields.has(name) && lastName(theirs[position]) === name
      );
    };
  }

  /** A select (no set operation, no VALUES) whose FROM is the dataset alone. */
  private datasetOnly(select: Node | undefined, scope: Scope): boolean {
    const from: Node[] = select?.fromClause ?? [];
    const rv = from[0]?.RangeVar;
    return (
      !!select &&
      !select.larg &&
      !select.valuesLists &&
      from.length === 1 &&
      !!rv &&
      !rv.alias?.colnames?.length &&
      this.isDataset(rv, scope)
    );
  }

  /**
   * Every arm of a set operation is one `*` (or `t.*`) of the dataset, so its
   * arms gain the same columns at cut-over (a recursive CTE walking a
   * hierarchy: `SELECT * FROM t … UNION ALL SELECT t.* FROM t JOIN r …`).
   */
  private armsAllDatasetStars(select: Node, scope: Scope): boolean {
    if (select.larg || select.rarg)
      return [select.larg, select.rarg].every(
        arm => !!arm && this.armsAllDatasetStars(arm, scope),
      );
    const targets: Node[] = select.targetList ?? [];
    const ref = targets[0]?.ResTarget?.val?.ColumnRef;
    if (targets.length !== 1 || !isStar(ref)) return false;
    const parts: Node[] = ref.fields ?? [];
    const qualifier: string | undefined = parts[parts.length - 2]?.String?.sval;
    const relations = tablesOf(select.fromClause ?? []);
    const named = qualifier
      ? relations.filter(
          rv => (rv?.alias?.aliasname ?? rv?.relname) === qualifier,
        )
      : relations;
    return (
      named.length === 1 &&
      !!named[0] &&
      !named[0].alias?.colnames?.length &&
      this.isDataset(named[0], scope)
    );
  }

  /** `SELECT *` (or `t.*`) of the dataset alone: its fields, in order. */
  private datasetStarOnly(select: Node | undefined, scope: Scope): boolean {
    const targets: Node[] = select?.targetList ?? [];
    return (
      this.datasetOnly(select, scope) &&
      targets.length === 1 &&
      isStar(targets[0]?.ResTarget?.val?.ColumnRef) &&
      !select!.distinctClause?.some((d: Node) => Object.keys(d).length > 0)
    );
  }

  /** `SET f = …` or an INSERT column list names dataset fields too. */
  private assignment(target: Node | undefined, dataset: boolean): void {
    if (!dataset || !target?.name || !this.fields.has(target.name)) return;
    const spans = this.referenceSpan(target.location);
    this.columns.push({
      ...spans.first,
      field: target.name,
      name: spans.first,
      bareTarget: false,
      assignment: true,
      ...(wholeValue(target.val) ? { writesWhole: true } : {}),
    });
  }

  /** A relation named outside a FROM list (e.g. `TABLE t`); only its position matters. */
  private relationOutsideFrom(rv: Node, scope: Scope): void {
    if (this.isDataset(rv, scope))
      this.datasetRelations.push({
        ...this.relationSpan(rv),
        outsideFrom: true,
      });
    else this.jinjaRelation(rv);
  }

  private relationSpan(rv: Node): DatasetRelation {
    return {
      ...this.referenceSpan(rv.location).whole,
      name: rv.relname,
      aliased: !!rv.alias,
    };
  }

  private spanAt(byteOffset: number): Span {
    if (byteOffset < 0) return { start: 0, end: 0 };
    return this.referenceSpan(byteOffset).whole;
  }

  /**
   * A function call starting at a parser location, through its closing
   * parenthesis and any `FILTER (…)` and `OVER (…)` or `OVER name` after it.
   */
  private callSpan(byteOffset: number): Span {
    const start = this.parsed.indexOf(byteOffset);
    const tokens = this.parsed.tokens;
    let i = tokenStartingAt(tokens, start);
    if (i < 0) return { start, end: start };
    const closing = (open: number): number => {
      let depth = 0;
      for (let j = open; j < tokens.length; j++) {
        if (tokens[j].text === '(') depth++;
        else if (tokens[j].text === ')' && --depth === 0) return j;
      }
      return tokens.length - 1;
    };
    while (i < tokens.length && tokens[i].text !== '(') i++;
    i = closing(i);
    const word = (j: number) => tokens[j]?.text.toLowerCase();
    if (word(i + 1) === 'filter' && word(i + 2) === '(') i = closing(i + 2);
    if (word(i + 1) === 'over')
      i = word(i + 2) === '(' ? closing(i + 2) : i + 2;
    return { start, end: tokens[Math.min(i, tokens.length - 1)].end };
  }

  /** The dotted name starting at a parser location: `a.b.c`, `"Q".x` or `t.*`. */
  /**
   * Where the parentheses close around a select-list item that is a column in
   * parentheses only (`(n)`, `((t.n))`, comments aside): the item starts at
   * `targetLocation`, the column at `refLocation` and ends at `nameEnd`.
   * Undefined when the item is the bare column, or holds anything else.
   */
  private parenthesesEnd(
    targetLocation: number | undefined,
    refLocation: number,
    nameEnd: number,
  ): number | undefined {
    if (
      targetLocation === undefined ||
      !(targetLocation >= 0) ||
      !(targetLocation < refLocation)
    )
      return undefined;
    const tokens = this.parsed.tokens;
    const from = tokenStartingAt(tokens, this.parsed.indexOf(targetLocation));
    const to = tokenStartingAt(tokens, this.parsed.indexOf(refLocation));
    if (from < 0 || to < from) return undefined;
    let open = 0;
    for (let i = from; i < to; i++) {
      if (/COMMENT/.test(tokens[i].tokenName)) continue;
      if (tokens[i].text !== '(') return undefined;
      open++;
    }
    let end: number | undefined;
    for (let i = to + 1; open > 0 && i < tokens.length; i++) {
      if (tokens[i].start < nameEnd) continue;
      if (/COMMENT/.test(tokens[i].tokenName)) continue;
      if (tokens[i].text !== ')') return undefined;
      end = tokens[i].end;
      open--;
    }
    return open === 0 ? end : undefined;
  }

  private referenceSpan(
    byteOffset: number,
    parts?: number,
  ): {
    whole: Span;
    first: Span;
    last: Span;
  } {
    const start = this.parsed.indexOf(byteOffset);
    const tokens = this.parsed.tokens;
    let i = tokenStartingAt(tokens, start);
    if (i < 0) {
      const fallback = { start, end: start };
      return { whole: fallback, first: fallback, last: fallback };
    }
    const first = span(tokens[i]);
    let last = first;
    if (parts !== undefined) {
      // The parser's own count of the name's parts: `o . f` and `o./* */f`
      // are one name too.
      const next = (j: number) => {
        let k = j + 1;
        while (tokens[k] && /COMMENT/.test(tokens[k].tokenName)) k++;
        return k;
      };
      for (let n = 1; n < parts; n++) {
        const dot = next(i);
        if (tokens[dot]?.text !== '.') break;
        const name = next(dot);
        if (!tokens[name]) break;
        i = name;
        last = span(tokens[i]);
      }
      return { whole: { start: first.start, end: last.end }, first, last };
    }
    while (
      tokens[i + 1]?.text === '.' &&
      tokens[i + 1].start === tokens[i].end &&
      tokens[i + 2] &&
      tokens[i + 2].start === tokens[i + 1].end
    ) {
      i += 2;
      last = span(tokens[i]);
    }
    return { whole: { start: first.start, end: last.end }, first, last };
  }
}

/**
 * Finds which fields of a dataset each statement reads, resolving aliases, CTEs,
 * subqueries and correlated references scope by scope, as Postgres would.
 */
export function analyzeSql(
  text: string,
  parsed: ParsedSql,
  target: DatasetTarget,
  placeholders: Map<string, JinjaReference> = new Map(),
  introduced: ReadonlySet<string> = new Set(),
): StatementAnalysis[] {
  const fields = new Set(target.fields);
  return (parsed.result.stmts ?? []).map((raw, i) => {
    const start = parsed.indexOf(raw.stmt_location ?? 0);
    const end = raw.stmt_len
      ? parsed.indexOf((raw.stmt_location ?? 0) + raw.stmt_len)
      : text.length;
    const walker = new StatementWalker(
      parsed,
      target,
      fields,
      placeholders,
      introduced,
    );
    walker.statementStart = start;
    walker.visit(raw.stmt, new Scope());
    // A body is a string the parser does not read: what it reads is unknown.
    if (
      raw.stmt &&
      ('CreateFunctionStmt' in raw.stmt || 'DoStmt' in raw.stmt) &&
      namesWord(text.slice(start, end), target.table)
    )
      walker.opaque.push({ start, end: start, kind: 'body' });
    else if (
      raw.stmt &&
      !readThrough(raw.stmt) &&
      !decidedByTable(raw.stmt, walker.opaque) &&
      namesWord(text.slice(start, end), target.table)
    )
      walker.opaque.push({
        start,
        end: start,
        kind: 'statement',
        node: Object.keys(raw.stmt)[0],
      });
    // Which table an unqualified name is, after this, depends on the path set.
    if (walker.setsSearchPath && namesWord(text, target.table))
      walker.opaque.push({ start, end: start, kind: 'search-path' });
    // A catalog query names the table in a string to read its shape, and a
    // user's function may; elsewhere a string like it is a label (`'store' AS
    // channel`).
    if (walker.readsCatalog || walker.callsUnknown)
      for (const at of [
        ...walker.tableInStrings,
        ...(walker.readsCatalog ? walker.tableWordInStrings : []),
      ])
        walker.opaque.push({ ...at, kind: 'named-in-string' });
    return {
      index: i + 1,
      start,
      end,
      isSelect: !!raw.stmt && 'SelectStmt' in raw.stmt,
      columns: walker.columns,
      stars: walker.stars,
      joinsByName: walker.joinsByName,
      ambiguous: walker.ambiguous,
      // GROUP BY or ORDER BY may read an output column by its name: a name
      // some select list gives its output is not surely a relation's column.
      captures: walker.captures.map(({ owner, ...capture }) =>
        owner !== undefined && !walker.outputNames.has(capture.field)
          ? { ...capture, owner }
          : capture,
      ),
      dividedElsewhere: walker.dividedElsewhere,
      summedElsewhere: walker.summedElsewhere,
      typedElsewhere: walker.typedElsewhere,
      passedOnElsewhere: walker.passedOnElsewhere,
      rowsElsewhere: walker.rowsElsewhere,
      creates: walker.creates,
      makesOwnTable: walker.makesOwnTable,
      writesElsewhere: walker.writesElsewhere,
      writeTargets: walker.writeTargets,
      datasetWrites: walker.datasetWrites,
      groupedForSubqueries: walker.groupedForSubqueries,
      copies: walker.copies,
      tableStarsCounted: walker.tableStarsCounted,
      grows: walker.grows,
      growsThrough: walker.growsThrough,
      cteNames: cteNamesIn(raw.stmt),
      unknownSignatureOnDerived: walker.unknownSignatureOnDerived,
      opaque: walker.opaque,
      datasetRelations: walker.datasetRelations,
    };
  });
}

/** Every CTE name a statement's tree defines, nested queries' included. */
function cteNamesIn(stmt: unknown): string[] {
  const names: string[] = [];
  const look = (value: unknown): void => {
    if (!value || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach(look);
      return;
    }
    for (const [key, inner] of Object.entries(value as Node)) {
      if (key === 'CommonTableExpr' && typeof inner?.ctename === 'string')
        names.push(inner.ctename);
      look(inner);
    }
  };
  look(stmt);
  return names;
}

/**
 * Whether a relation nearer than `owner`'s own scope has `owner`'s alias, so a
 * reference qualified with it here would read that relation.
 */
function aliasShadowed(scope: Scope, owner: ScopeRelation): boolean {
  const alias = owner.alias.toLowerCase();
  for (let s: Scope | undefined = scope; s; s = s.parent) {
    if (s.relations.includes(owner)) return false;
    if (s.relations.some(r => r.alias.toLowerCase() === alias)) return true;
  }
  return false;
}

/** The scopes with relations, from the innermost out: the levels a name is resolved at. */
function levelsOf(scope: Scope): Scope[] {
  const levels: Scope[] = [];
  for (let s: Scope | undefined = scope; s; s = s.parent)
    if (s.relations.length > 0) levels.push(s);
  return levels;
}

/** Comparisons of two values of any integer or numeric types, by value. */
const ORDERINGS = new Set(['=', '<>', '!=', '<', '>', '<=', '>=']);

/**
 * The rows of `(a, b) = (c, d)`, `(a, b) IN ((…), (…))`, `(a, b) = (SELECT c,
 * d …)` or `(a, b) IN (SELECT c, d …)`, which Postgres compares field by field,
 * each by its own type; the row of `ROW(a) IS NULL` and the array of `5 =
 * ANY(ARRAY[a, b])`, whose values alone decide.
 */
function rowsComparedByField(expr: Node): Node[] {
  // A row is null, or not, by its fields' values alone.
  if (expr.nulltesttype) return expr.arg?.RowExpr ? [expr.arg.RowExpr] : [];
  // `5 = ANY(ARRAY[a, b])` compares 5 with each element, whatever the array's type.
  if (
    (expr.kind === 'AEXPR_OP_ANY' || expr.kind === 'AEXPR_OP_ALL') &&
    ORDERINGS.has(expr.name?.[expr.name.length - 1]?.String?.sval)
  )
    return expr.rexpr?.A_ArrayExpr ? [expr.rexpr.A_ArrayExpr] : [];
  const left = expr.lexpr?.RowExpr;
  if (expr.subLinkType)
    return expr.testexpr?.RowExpr &&
      ['ANY_SUBLINK', 'ALL_SUBLINK', 'ROWCOMPARE_SUBLINK'].includes(
        expr.subLinkType,
      )
      ? [expr.testexpr.RowExpr]
      : [];
  const right: Node[] = expr.rexpr?.List?.items ?? [expr.rexpr];
  return left && right.every(item => item?.RowExpr || item?.SubLink)
    ? [left, ...right.flatMap(item => (item.RowExpr ? [item.RowExpr] : []))]
    : [];
}

const TEXT_TYPES = new Set(['text', 'varchar', 'bpchar']);
const TEXT_CALLS = new Set([
  'to_char',
  'format',
  'concat',
  'concat_ws',
  'string_agg',
  'upper',
  'lower',
  'trim',
  'btrim',
  'ltrim',
  'rtrim',
  'lpad',
  'rpad',
  'substr',
  'substring',
  'replace',
  'initcap',
  'md5',
]);

/**
 * A value that is surely text (a string constant, a cast to a text type, a
 * text concatenation, a call giving text): `||` beside it concatenates text.
 */
function isText(node: Node | undefined): boolean {
  if (!node) return false;
  if (node.A_Const) return node.A_Const.sval !== undefined;
  if (node.TypeCast) return TEXT_TYPES.has(typeNameOf(node.TypeCast) ?? '');
  if (node.A_Expr && operatorOf(node.A_Expr) === '||')
    return isText(node.A_Expr.lexpr) || isText(node.A_Expr.rexpr);
  return !!node.FuncCall && TEXT_CALLS.has(funcName(node.FuncCall));
}

/** A numeric value (a constant, a cast, …): arithmetic with it is numeric for any integer. */
function isNumeric(node: Node | undefined): boolean {
  if (node?.A_Const?.fval) return true;
  // Arithmetic with a numeric operand is numeric (`100.0 * sum(f)`), as is avg().
  if (node?.A_Expr && ARITHMETIC.has(operatorOf(node.A_Expr) ?? ''))
    return isNumeric(node.A_Expr.lexpr) || isNumeric(node.A_Expr.rexpr);
  if (node?.FuncCall && funcName(node.FuncCall) === 'avg') return true;
  const names: Node[] | undefined = node?.TypeCast?.typeName?.names;
  const type = names?.[names.length - 1]?.String?.sval;
  return type === 'numeric' || type === 'decimal';
}

/**
 * `percentile_disc(0.5)`'s one argument, a number written as it is: the
 * aggregate is then one of its sort key's values, not an array of them.
 */
function scalarFraction(args: Node[] | undefined): boolean {
  const [arg] = args ?? [];
  return args?.length === 1 && !!(arg?.A_Const?.fval || arg?.A_Const?.ival);
}

/** An array constructor or a cast to an array type: subscripted, an array's subscript. */
function surelyArray(node: Node | undefined): boolean {
  if (node?.A_ArrayExpr) return true;
  if (node?.SubLink?.subLinkType === 'ARRAY_SUBLINK') return true;
  return (node?.TypeCast?.typeName?.arrayBounds?.length ?? 0) > 0;
}

/**
 * What a node surely is when it is no number, a date or an interval (those are
 * the arithmetic's own cases): a cast to another type (`'[1]'::jsonb`, `inet
 * '10.0.0.1'`, `'5'::xid`, `'$1'::money`), JSON from a call or an operator.
 */
function noNumber(node: Node | undefined): string | undefined {
  const cast = node?.TypeCast;
  if (cast) {
    const type = typeNameOf(cast);
    if (!type) return undefined;
    if ((cast.typeName?.arrayBounds?.length ?? 0) > 0) return 'an array';
    if (NUMBER_TYPES.has(type) || TEMPORAL.test(type)) return undefined;
    // A string or a column cast to text is text: `text - n` exists for none.
    return TEXT_TYPES.has(type) || type === 'unknown'
      ? undefined
      : `${/^[aeiou]/.test(type) ? 'an' : 'a'} ${type}`;
  }
  const call = node?.FuncCall;
  if (call && JSON_CALL.test(funcName(call))) return `${funcName(call)}()`;
  const expr = node?.A_Expr;
  const op = expr && operatorOf(expr);
  if (op && JSON_OPERATORS.has(op)) return `JSON (operator ${op})`;
  // `(j - 0) - n` is j's type.
  if (op === '-' || op === '+') return noNumber(expr.lexpr);
  return undefined;
}

function isInterval(node: Node | undefined): boolean {
  const names: Node[] | undefined = node?.TypeCast?.typeName?.names;
  return names?.[names.length - 1]?.String?.sval === 'interval';
}

function typeNameOf(cast: Node): string | undefined {
  const names: Node[] | undefined = cast.typeName?.names;
  return names?.[names.length - 1]?.String?.sval;
}

/** Operators whose result is boolean whatever their operands' types (not `||`: an array's follows its element's). */
const COMPARISONS = new Set([
  '=',
  '<>',
  '!=',
  '<',
  '>',
  '<=',
  '>=',
  '~~',
  '!~~',
  '~~*',
  '!~~*',
  '~*',
  '!~',
  '!~*',
  '@>',
  '<@',
  '&&',
]);

/** A binary operator whose result is boolean ({@link COMPARISONS}): `=`, `<`, `@>`… */
function isComparison(expr: Node): boolean {
  return expr.kind === 'AEXPR_OP' && COMPARISONS.has(operatorOf(expr) ?? '');
}

/** Nodes whose result type does not follow their operands' (A_Expr here: not arithmetic). */
const OWN_TYPE = new Set([
  'TypeCast',
  'XmlExpr',
  'SubLink',
  'SelectStmt',
  'A_Expr',
  'BoolExpr',
  'NullTest',
  'BooleanTest',
]);

/**
 * Whether a node's value has a type of its own, whatever the fields in it: a
 * cast, a subquery, a test or a comparison. NULLIF returns its first argument,
 * and an operator other than a comparison may return its operands' type (`@ n`,
 * `n OPERATOR(pg_catalog./) 2`).
 */
function ownType(key: string, inner: Node): boolean {
  if (key !== 'A_Expr') return OWN_TYPE.has(key);
  if (inner.kind === 'AEXPR_NULLIF') return false;
  // LIKE, IN, BETWEEN, IS DISTINCT FROM, = ANY (…): tests.
  if (inner.kind !== 'AEXPR_OP') return true;
  return COMPARISONS.has(operatorOf(inner) ?? '');
}

/**
 * What a subquery's use takes by number of columns (see StarUse.countFixedBy):
 * every use but `EXISTS` ("subquery has too many columns", "subquery must
 * return only one column", "number of columns does not match number of values").
 */
function subqueryCountFixedBy(link: Node): string | undefined {
  switch (link.subLinkType) {
    case 'EXISTS_SUBLINK':
      return undefined;
    case 'ANY_SUBLINK':
    case 'ALL_SUBLINK':
    case 'ROWCOMPARE_SUBLINK':
      return 'a subquery compared with a row, whose columns must be as many as its values';
    default:
      return 'a subquery read as a value or a row, whose columns must be as many as it takes';
  }
}

/**
 * `EXISTS (SELECT …)` of one select: no UNION or other set operation, whose
 * sides must agree on their columns, so what `*` expands to cannot matter.
 */
function existsOfOneSelect(link: Node): boolean {
  const select = link.subselect?.SelectStmt;
  return (
    link.subLinkType === 'EXISTS_SUBLINK' &&
    !!select &&
    !select.larg &&
    !select.rarg
  );
}

/**
 * The name Postgres gives an output column without an alias, for the
 * expressions that name it after something (as its FigureColname does); none
 * for a bare column (handled apart) or where it would be `?column?`.
 */
function implicitName(val: Node | undefined): string | undefined {
  return figuredName(val)?.name;
}

/**
 * The name Postgres gives an output without an alias (its FigureColname), with
 * how strongly (2: a column's, a field's, a function's or a construct's own
 * name; 1: a cast's type, `case`), and the column it is taken from, if any. A
 * cast, a collation or a subscript keeps its argument's name, a CASE its ELSE
 * result's unless that is weak (`CASE WHEN … THEN 0 ELSE k END` is named `k`),
 * and a scalar subquery its select list's (`(SELECT k …)` is `k`).
 */
function figuredName(
  val: Node | undefined,
): { name: string; strength: number; column?: Node } | undefined {
  if (!val) return undefined;
  if (val.ColumnRef) {
    const parts: Node[] = val.ColumnRef.fields ?? [];
    const name = parts.filter(p => p.String).at(-1)?.String?.sval;
    return name ? { name, strength: 2, column: val.ColumnRef } : undefined;
  }
  if (val.A_Indirection) {
    const field = (val.A_Indirection.indirection ?? [])
      .filter((i: Node) => i.String)
      .at(-1)?.String?.sval;
    if (field) return { name: field, strength: 2 };
    return figuredName(val.A_Indirection.arg);
  }
  if (val.FuncCall) return { name: funcName(val.FuncCall), strength: 2 };
  if (val.A_Expr?.kind === 'AEXPR_NULLIF')
    return { name: 'nullif', strength: 2 };
  if (val.TypeCast) {
    const own = figuredName(val.TypeCast.arg);
    if (own && own.strength > 1) return own;
    const names: Node[] = val.TypeCast.typeName?.names ?? [];
    const type = names[names.length - 1]?.String?.sval;
    return type ? { name: type, strength: 1 } : own;
  }
  if (val.CollateClause) return figuredName(val.CollateClause.arg);
  if (val.GroupingFunc) return { name: 'grouping', strength: 2 };
  if (val.SubLink) {
    switch (val.SubLink.subLinkType) {
      case 'EXISTS_SUBLINK':
        return { name: 'exists', strength: 2 };
      case 'ARRAY_SUBLINK':
        return { name: 'array', strength: 2 };
      case 'EXPR_SUBLINK': {
        let select: Node | undefined = val.SubLink.subselect?.SelectStmt;
        while (select?.larg) select = select.larg;
        const first: Node | undefined = select?.targetList?.[0]?.ResTarget;
        return first ? { name: outputName(first), strength: 2 } : undefined;
      }
      default:
        return undefined;
    }
  }
  if (val.CaseExpr) {
    const otherwise = figuredName(val.CaseExpr.defresult);
    return otherwise && otherwise.strength > 1
      ? otherwise
      : { name: 'case', strength: 1 };
  }
  if (val.A_ArrayExpr) return { name: 'array', strength: 2 };
  if (val.RowExpr) return { name: 'row', strength: 2 };
  if (val.CoalesceExpr) return { name: 'coalesce', strength: 2 };
  if (val.MinMaxExpr)
    return {
      name: val.MinMaxExpr.op === 'IS_LEAST' ? 'least' : 'greatest',
      strength: 2,
    };
  if (val.SQLValueFunction) {
    const op = String(val.SQLValueFunction.op ?? '');
    const name = op
      .replace(/^SVFOP_/, '')
      .replace(/_N$/, '')
      .toLowerCase();
    return name ? { name, strength: 2 } : undefined;
  }
  return undefined;
}

/**
 * The name the select-list item `target` at `position` passes its value on
 * under, where the `*`s before it gave `starsWidth` more outputs than items: its
 * alias in `aliasList`, its own name past that list, and every name it may have
 * (joined) when `starsWidth` is not known.
 */
function outputNameAt(
  target: Node | undefined,
  aliasList: Node[] | undefined,
  position: number,
  starsWidth: number | undefined,
): string {
  const own = outputName(target);
  if (!aliasList) return own;
  if (starsWidth === undefined)
    return [
      ...new Set([
        ...aliasList.slice(position).map(a => a.String?.sval as string),
        own,
      ]),
    ].join(', ');
  return aliasList[position + starsWidth]?.String?.sval ?? own;
}

function outputName(target: Node | undefined): string {
  return (
    target?.name ??
    target?.val?.ColumnRef?.fields?.at(-1)?.String?.sval ??
    implicitName(target?.val) ??
    '?column?'
  );
}

/**
 * The names a select gives its outputs, as a column alias list would (its
 * first arm's for a set operation); past a `*`, whose columns it does not
 * know, `?column?`.
 */
function outputNameList(select: Node | undefined): Node[] | undefined {
  if (!select) return undefined;
  if (select.larg) return outputNameList(select.larg);
  const named = (sval: string): Node => ({ String: { sval } });
  const row: Node[] | undefined = select.valuesLists?.[0]?.List?.items;
  if (row) return row.map((_, i) => named(`column${i + 1}`));
  let star = false;
  return (select.targetList ?? []).map((item: Node) => {
    star ||= isStar(item.ResTarget?.val?.ColumnRef);
    return named(star ? '?column?' : outputName(item.ResTarget));
  });
}

/**
 * The column an output without an alias is named after when it stands inside a
 * cast, a subscript, a collation or a CASE's ELSE (`k::bigint`, `tags[1]`, `s
 * COLLATE "C"`, `CASE WHEN … ELSE k END`), not bare.
 */
function namingColumn(val: Node | undefined): Node | undefined {
  if (!val || val.ColumnRef) return undefined;
  return figuredName(val)?.column;
}

/** A relation of the system catalogs: `information_schema.columns`, `pg_attribute`. */
function isCatalogRelation(rv: Node): boolean {
  const schema = String(rv?.schemaname ?? '').toLowerCase();
  return (
    schema === 'information_schema' ||
    schema === 'pg_catalog' ||
    /^pg_/i.test(String(rv?.relname ?? ''))
  );
}

/** Statements whose every read of the dataset the walker resolves. */
const READ_THROUGH = new Set([
  'SelectStmt',
  'InsertStmt',
  'UpdateStmt',
  'DeleteStmt',
  'ViewStmt',
  'CreateStmt',
  'CreateTableAsStmt',
]);

/**
 * Whether what a statement does to the dataset is all in what
 * {@link StatementWalker.tableStatement} noted: TRUNCATE, VACUUM, `COPY t`,
 * CLUSTER, REINDEX, CREATE STATISTICS and CREATE POLICY name columns of no
 * relation but the one they act on, so on another relation (`other.orders`)
 * they read nothing of the dataset; ALTER TABLE, CREATE INDEX and DROP TABLE
 * of another relation neither (a foreign key to the dataset is noted). Not
 * `ALTER TABLE x RENAME TO <the dataset's name>`, which shadows it.
 */
function decidedByTable(stmt: Node, opaque: OpaqueRead[]): boolean {
  const key = Object.keys(stmt)[0];
  if (
    [
      'TruncateStmt',
      'VacuumStmt',
      'ClusterStmt',
      'ReindexStmt',
      'CreateStatsStmt',
      'CreatePolicyStmt',
    ].includes(key) ||
    (key === 'CopyStmt' && !stmt.CopyStmt.query)
  )
    return true;
  const onTable =
    key === 'AlterTableStmt' ||
    key === 'IndexStmt' ||
    (key === 'DropStmt' && stmt.DropStmt.removeType === 'OBJECT_TABLE');
  return onTable && !opaque.some(read => read.kind === 'view-statement');
}

/**
 * Whether the rewriter reads a statement through: one of READ_THROUGH with no
 * MERGE, no RETURNING list and no ON CONFLICT anywhere in it (a RETURNING
 * list's columns and types are the statement's output, and ON CONFLICT's
 * target and `excluded` row name the table's columns, which the walker does
 * not follow).
 */
function readThrough(stmt: Node): boolean {
  // `COPY (SELECT …) TO` writes out what its query reads, by its output
  // names, as text; in the binary format a type read widened would show.
  const copiedQuery =
    !!stmt.CopyStmt?.query &&
    !stmt.CopyStmt.is_from &&
    !(stmt.CopyStmt.options ?? []).some(
      (o: Node) =>
        o.DefElem?.defname === 'format' &&
        String(o.DefElem.arg?.String?.sval).toLowerCase() === 'binary',
    );
  if (!READ_THROUGH.has(Object.keys(stmt)[0]) && !copiedQuery) return false;
  let found = false;
  const look = (value: unknown): void => {
    if (found || !value || typeof value !== 'object') return;
    if (Array.isArray(value)) {
      value.forEach(look);
      return;
    }
    for (const [key, inner] of Object.entries(value as Node)) {
      if (
        key === 'MergeStmt' ||
        (key === 'onConflictClause' && inner) ||
        ((key === 'returningList' || key === 'returningClause') &&
          inner &&
          (!Array.isArray(inner) || inner.length > 0))
      ) {
        found = true;
        return;
      }
      look(inner);
    }
  };
  look(stmt);
  return !found;
}

/** A `*` (or `t.*`) among the select list's own items. */
function hasStarTarget(select: Node): boolean {
  return (select.targetList ?? []).some((item: Node) =>
    isStar(item?.ResTarget?.val?.ColumnRef),
  );
}

/** `UNION`, `INTERSECT`…, as written. */
function setOperationName(op: string | undefined): string {
  return (op ?? 'SETOP_UNION').replace(/^SETOP_/, '');
}

/**
 * The tables a FROM list names, through joins, with undefined in place of any
 * other item (a subquery, a function), whose outputs are not a table's.
 */
function tablesOf(items: Node[]): Array<Node | undefined> {
  const found: Array<Node | undefined> = [];
  const walk = (item: Node | undefined): void => {
    if (item?.RangeVar) found.push(item.RangeVar);
    else if (item?.JoinExpr) {
      walk(item.JoinExpr.larg);
      walk(item.JoinExpr.rarg);
    } else found.push(undefined);
  };
  items.forEach(walk);
  return found;
}

function isStar(ref: Node | undefined): boolean {
  const parts: Node[] = ref?.fields ?? [];
  return !!parts[parts.length - 1]?.A_Star;
}

/**
 * The output column names of a select (of its first arm for a set operation),
 * or the alias's column list; undefined when one of them is not known (`*`, an
 * expression without an alias).
 */
function outputColumnsOf(
  select: Node | undefined,
  aliasColumns?: Node[],
): Set<string> | undefined {
  const names = outputColumnListOf(select, aliasColumns);
  return names ? new Set(names) : undefined;
}

/** outputColumnsOf, in order and with repeats. */
function outputColumnListOf(
  select: Node | undefined,
  aliasColumns?: Node[],
): string[] | undefined {
  if (!select) return undefined;
  if (select.larg) return outputColumnListOf(select.larg, aliasColumns);
  // `VALUES (…)`: columns `column1`, `column2`, … unless an alias list names them.
  const row = select.valuesLists?.[0]?.List?.items;
  if (row)
    return row.map(
      (_: unknown, i: number) =>
        aliasColumns?.[i]?.String?.sval ?? `column${i + 1}`,
    );
  const names: string[] = [];
  for (const [i, item] of (select.targetList ?? []).entries()) {
    const target = item.ResTarget;
    // `*` (or `u.*`) stands for columns of its own, however many: an alias
    // list naming it (`(select * from u) s(id)`) names only the first of them.
    if (isStar(target?.val?.ColumnRef)) return undefined;
    const aliased = aliasColumns?.[i]?.String?.sval;
    const fields: Node[] = target?.val?.ColumnRef?.fields ?? [];
    const name =
      aliased ?? target?.name ?? fields[fields.length - 1]?.String?.sval;
    if (!name) return undefined;
    names.push(name);
  }
  return names;
}

function funcName(call: Node): string {
  return call.funcname?.[call.funcname.length - 1]?.String?.sval ?? '';
}

/**
 * Built-in functions known to take a string as a value, not as a relation's
 * name: any other (a user's function, which may run it as SQL) may look a name
 * up at run time.
 */
const VALUE_CALLS = new Set([
  ...TEXT_CALLS,
  ...SAME_FOR_WIDER,
  ...FIXED_RESULT,
  ...TEMPORAL_CALLS,
  'sum',
  'count',
  'length',
  'position',
  'strpos',
  'split_part',
  'left',
  'right',
  'reverse',
  'starts_with',
  'regexp_replace',
  'regexp_match',
  'regexp_matches',
  'array_agg',
  'array_append',
  'array_position',
  'array_to_string',
  'unnest',
  'round',
  'ceil',
  'ceiling',
  'floor',
  'trunc',
  'sign',
  'sqrt',
  'exp',
  'ln',
  'log',
  'power',
  'random',
  'extract',
  'date_part',
  'generate_series',
  'ntile',
  'row_to_json',
]);

function knownCall(call: Node): boolean {
  const names: Node[] = call.funcname ?? [];
  const schema = names.length > 1 ? names[0]?.String?.sval : 'pg_catalog';
  return schema === 'pg_catalog' && VALUE_CALLS.has(funcName(call));
}

/**
 * A call of one of Postgres's own functions (see {@link BUILTIN_NUMBER_CALLS}),
 * bare or qualified with `pg_catalog`; any other is the database's own.
 */
function builtInCall(call: Node): boolean {
  const names: Node[] = call.funcname ?? [];
  if (names.length > 2) return false;
  if (names.length === 2 && names[0]?.String?.sval !== 'pg_catalog')
    return false;
  const name = funcName(call);
  return (
    BUILTIN_NUMBER_CALLS.has(name) ||
    VALUE_CALLS.has(name) ||
    SMALLINT_ONLY.has(name) ||
    EXACT_TYPE.has(name) ||
    STORED_FORM.has(name) ||
    HIDES_ROW.has(name)
  );
}

/**
 * A binary or prefix operator that is none of Postgres's own the rewriter
 * knows, or one qualified with another schema (`OPERATOR(util.+)`).
 */
function userOperator(expr: Node): boolean {
  if (expr?.kind !== 'AEXPR_OP') return false;
  const names: Node[] = expr.name ?? [];
  if (names.length > 1 && names[0]?.String?.sval !== 'pg_catalog') return true;
  const op = operatorOf(expr) ?? '';
  return !(
    KNOWN_OPERATORS.has(op) ||
    TYPED_OPERATORS.has(op) ||
    COMPARISONS.has(op)
  );
}

function isSum(call: Node): boolean {
  const name = call.funcname?.[call.funcname.length - 1]?.String?.sval;
  return name === 'sum' && !call.agg_star;
}

function isCount(call: Node): boolean {
  const name = call.funcname?.[call.funcname.length - 1]?.String?.sval;
  return name === 'count';
}

/** `a / b`'s `/`; `OPERATOR(pg_catalog./)`'s too, by its last name part. */
/** An integer constant, NULL or DEFAULT, or `+`, `-`, `*` of them: no fraction to round. */
function wholeValue(val: Node | undefined): boolean {
  if (!val) return false;
  if (val.SetToDefault) return true;
  if (val.A_Const) return !!val.A_Const.isnull || 'ival' in val.A_Const;
  const op = val.A_Expr && operatorOf(val.A_Expr);
  return (
    (op === '+' || op === '-' || op === '*') &&
    (!val.A_Expr.lexpr || wholeValue(val.A_Expr.lexpr)) &&
    wholeValue(val.A_Expr.rexpr)
  );
}

/** The setting `set_config` is given: its name, `?` when not a constant. */
function settingName(arg: Node | undefined): string | undefined {
  if (!arg) return undefined;
  const value = arg.TypeCast ? arg.TypeCast.arg : arg;
  const name = value?.A_Const?.sval?.sval;
  return typeof name === 'string' ? name.toLowerCase() : '?';
}

/** Comparison operators, by which two records compare field by field. */
const RECORD_COMPARISONS = new Set(['=', '<>', '!=', '<', '>', '<=', '>=']);

/** The operands a comparison compares as they are: both sides, a list's items, a subquery's test. */
function comparedOperands(key: string, node: Node): Node[] {
  if (key === 'SubLink')
    return node.subLinkType === 'ANY_SUBLINK' ||
      node.subLinkType === 'ALL_SUBLINK'
      ? [node.testexpr]
      : [];
  const compares =
    node.kind === 'AEXPR_DISTINCT' ||
    node.kind === 'AEXPR_NOT_DISTINCT' ||
    node.kind === 'AEXPR_IN' ||
    ((node.kind === 'AEXPR_OP' ||
      node.kind === 'AEXPR_OP_ANY' ||
      node.kind === 'AEXPR_OP_ALL') &&
      RECORD_COMPARISONS.has(
        node.name?.[node.name.length - 1]?.String?.sval ?? '',
      ));
  if (!compares) return [];
  if (Array.isArray(node.rexpr)) return [node.lexpr, ...node.rexpr];
  if (node.rexpr?.List) return [node.lexpr, ...(node.rexpr.List.items ?? [])];
  return [node.lexpr, node.rexpr];
}

function operatorOf(expr: Node): string | undefined {
  return expr?.kind === 'AEXPR_OP' && expr.name?.length
    ? expr.name[expr.name.length - 1].String?.sval
    : undefined;
}

function span(token: ScanToken): Span {
  return { start: token.start, end: token.end };
}

/** Binary search: tokens are in text order. */
function tokenStartingAt(tokens: ScanToken[], start: number): number {
  let low = 0;
  let high = tokens.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    if (tokens[mid].start === start) return mid;
    if (tokens[mid].start < start) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}
