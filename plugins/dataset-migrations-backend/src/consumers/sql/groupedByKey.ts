/**
 * Reads a grouped query makes of the dataset's columns that are valid only while
 * the dataset is a table with a primary key: `SELECT o.id, o.name FROM orders o
 * GROUP BY o.id` reads `o.name` neither grouped nor aggregated, which PostgreSQL
 * accepts because `name` depends on the key (functional dependency). From the
 * first cut-over the dataset's name is a view, which has no key, and the same
 * query fails ("must appear in the GROUP BY clause"): an unmerged consumer would
 * break. A query that runs today with such a read groups by the key, so no key
 * needs to be known here.
 */

type Node = Record<string, any>;

/** PostgreSQL's built-in aggregates: a column read inside one is aggregated. */
const AGGREGATES = new Set([
  'any_value',
  'array_agg',
  'avg',
  'bit_and',
  'bit_or',
  'bit_xor',
  'bool_and',
  'bool_or',
  'count',
  'corr',
  'covar_pop',
  'covar_samp',
  'cume_dist',
  'dense_rank',
  'every',
  'json_agg',
  'json_agg_strict',
  'json_arrayagg',
  'json_object_agg',
  'json_object_agg_strict',
  'json_object_agg_unique',
  'json_object_agg_unique_strict',
  'json_objectagg',
  'jsonb_agg',
  'jsonb_agg_strict',
  'jsonb_object_agg',
  'jsonb_object_agg_strict',
  'jsonb_object_agg_unique',
  'jsonb_object_agg_unique_strict',
  'max',
  'min',
  'mode',
  'percent_rank',
  'percentile_cont',
  'percentile_disc',
  'range_agg',
  'range_intersect_agg',
  'rank',
  'regr_avgx',
  'regr_avgy',
  'regr_count',
  'regr_intercept',
  'regr_r2',
  'regr_slope',
  'regr_sxx',
  'regr_sxy',
  'regr_syy',
  'stddev',
  'stddev_pop',
  'stddev_samp',
  'string_agg',
  'sum',
  'var_pop',
  'var_samp',
  'variance',
  'xmlagg',
]);

/**
 * A node as text without its source positions, to compare expressions, each
 * column named as `resolve` names it (`subject_id` and `ce.subject_id` are one
 * column, as PostgreSQL matches them).
 */
function shape(node: unknown, resolve: (ref: Node) => string): string {
  return JSON.stringify(node, (key, value) => {
    if (key === 'location') return undefined;
    if (key === 'ColumnRef') return resolve(value);
    return value;
  });
}

/** An aggregate evaluated at this query's level: a known aggregate without OVER. */
function isAggregateCall(call: Node): boolean {
  const names: Node[] = call.funcname ?? [];
  const name = names[names.length - 1]?.String?.sval;
  return !call.over && (AGGREGATES.has(name) || !!call.agg_within_group);
}

/** GROUP BY's items, those inside `ROLLUP`, `CUBE`, `GROUPING SETS` and `(a, b)` included. */
function groupingItems(items: Node[] | undefined): Node[] {
  return (items ?? []).flatMap(item => {
    if (item.GroupingSet) return groupingItems(item.GroupingSet.content);
    if (item.RowExpr) return groupingItems(item.RowExpr.args);
    return [item];
  });
}

/** The expressions GROUP BY groups by, grouping sets' included, positions and output names resolved. */
function groupedShapes(
  select: Node,
  shapeOf: (node: unknown) => string,
): Set<string> {
  const shapes = new Set<string>();
  const targets: Node[] = (select.targetList ?? []).map(
    (t: Node) => t.ResTarget,
  );
  for (const item of groupingItems(select.groupClause)) {
    const position = item.A_Const?.ival?.ival;
    if (typeof position === 'number') {
      const target = targets[position - 1]?.val;
      for (const value of target ? groupingItems([target]) : [])
        shapes.add(shapeOf(value));
      continue;
    }
    shapes.add(shapeOf(item));
    // `GROUP BY label` may name an output (`upper(o.name) AS label`).
    const fields: Node[] = item.ColumnRef?.fields ?? [];
    if (fields.length === 1) {
      const name = fields[0].String?.sval;
      for (const target of targets)
        if (target?.name === name) shapes.add(shapeOf(target.val));
    }
  }
  return shapes;
}

/**
 * The dataset's columns GROUP BY names as they are (`t.ch`, or `ch` alone), in a
 * query whose select list, HAVING or ORDER BY holds a subquery: PostgreSQL lets
 * a subquery read a grouped column, not a grouped expression such as a cast.
 */
export function groupedColumnsSubqueriesSee(
  select: Node,
  datasetAliases: ReadonlySet<string>,
  fields: ReadonlySet<string>,
): Node[] {
  if (!select.groupClause?.length || datasetAliases.size === 0) return [];
  const subqueries = JSON.stringify([
    select.targetList,
    select.havingClause,
    select.sortClause,
  ]).includes('"SubLink"');
  if (!subqueries) return [];
  return groupingItems(select.groupClause).filter(item => {
    const parts: Node[] = item.ColumnRef?.fields ?? [];
    const field = parts[parts.length - 1]?.String?.sval;
    const qualifier = parts[parts.length - 2]?.String?.sval;
    return (
      !!field &&
      fields.has(field) &&
      (qualifier === undefined || datasetAliases.has(qualifier))
    );
  });
}

/** The relation a ColumnRef names before its column (`o` of `o.total`), if any. */
function qualifierOf(ref: Node): string | undefined {
  const parts: Node[] = ref.fields ?? [];
  return parts.length >= 2 ? parts[parts.length - 2]?.String?.sval : undefined;
}

/** The aliases a FROM list gives its plain relations (a subquery's own names, to leave its columns alone). */
function fromAliases(select: Node | undefined): Set<string> {
  const aliases = new Set<string>();
  const walk = (item: Node | undefined): void => {
    if (!item) return;
    if (item.RangeVar)
      aliases.add(item.RangeVar.alias?.aliasname ?? item.RangeVar.relname);
    else if (item.JoinExpr) {
      walk(item.JoinExpr.larg);
      walk(item.JoinExpr.rarg);
    } else {
      const alias = (Object.values(item)[0] as Node | undefined)?.alias
        ?.aliasname;
      if (alias) aliases.add(alias);
    }
  };
  for (const item of select?.fromClause ?? []) walk(item);
  return aliases;
}

/**
 * The ColumnRefs of `select` (a SelectStmt with GROUP BY) that read a dataset
 * column or its whole row neither grouped nor inside an aggregate: in its
 * select list, HAVING, ORDER BY and windows, and inside its subqueries
 * qualified by the dataset's alias, or unqualified where GROUP BY holds a
 * column of the dataset. `datasetAliases` are the names the dataset goes by in the FROM
 * list, `fields` its columns (an unqualified name of one is the dataset's).
 */
export function keyDependentReads(
  select: Node,
  datasetAliases: ReadonlySet<string>,
  fields: ReadonlySet<string>,
  primaryKey?: readonly string[],
): Node[] {
  if (!select.groupClause?.length || datasetAliases.size === 0) return [];
  if (primaryKey?.length === 0) return [];
  // A dataset column by its relation's alias (the only one, unqualified);
  // anything else as written.
  const only = datasetAliases.size === 1 ? [...datasetAliases][0] : undefined;
  const resolve = (ref: Node): string => {
    const parts: Node[] = ref.fields ?? [];
    const names = parts.map(p => p.String?.sval ?? '*');
    const column = names[names.length - 1];
    const qualifier = names[names.length - 2];
    if (qualifier !== undefined && datasetAliases.has(qualifier))
      return `${qualifier}.${column}`;
    if (qualifier === undefined && only && fields.has(column))
      return `${only}.${column}`;
    return names.join('.');
  };
  const shapeOf = (node: unknown) => shape(node, resolve);
  const grouped = groupedShapes(select, shapeOf);
  // `alias.column` as shapeOf writes it.
  const columnShape = (alias: string, column: string) =>
    shapeOf({
      ColumnRef: {
        fields: [{ String: { sval: alias } }, { String: { sval: column } }],
      },
    });
  // Where the key is known, nothing is read through it unless GROUP BY holds
  // all of it for one of the dataset's relations: the query that runs today
  // reads the dataset's other columns grouped or aggregated.
  if (
    primaryKey &&
    ![...datasetAliases].some(alias =>
      primaryKey.every(k => grouped.has(columnShape(alias, k))),
    )
  )
    return [];
  // Whether GROUP BY holds a column of the dataset: a query that runs today
  // then may read its other columns through the key, an unqualified one in a
  // subquery among them (`WHERE c.tier <> status`), which may be the
  // subquery's own relation's as well (only the catalog knows): a person
  // decides. Grouped by nothing of the dataset, such a name cannot be its.
  const groupsDataset = [...grouped].some(text =>
    [...datasetAliases].some(alias =>
      // Any column of it: the shape of `alias.` without its closing `"}`.
      text.includes(columnShape(alias, '').slice(0, -2)),
    ),
  );
  // Only a node of a kind GROUP BY holds can be one of its items: the rest are
  // not turned into text (each would be, whole, at every level of the walk).
  const groupedKinds = new Set(
    [...grouped].map(text => /^\{"([^"]*)"/.exec(text)?.[1]),
  );
  const kindOf = (n: Node) => Object.keys(n).find(key => key !== 'location');
  // Output names, an unaliased column's own name included (`ORDER BY d_week_seq`
  // after `SELECT d1.d_week_seq`).
  const outputNames = new Set(
    (select.targetList ?? [])
      .map((t: Node) => {
        const target = t.ResTarget;
        const parts: Node[] = target?.val?.ColumnRef?.fields ?? [];
        return target?.name ?? parts[parts.length - 1]?.String?.sval;
      })
      .filter(Boolean),
  );
  // An aggregate in a subquery whose columns are all the outer query's
  // (`sum(a.four)` where `a` is the dataset's alias outside) is the outer
  // query's aggregate, as PostgreSQL takes it: what it reads is aggregated. One
  // reading a column of the subquery's own, or one unqualified, is the
  // subquery's (found by round 35: `HAVING EXISTS (SELECT 1 FROM onek b WHERE
  // sum(DISTINCT a.four) = b.four)`).
  const outerAggregate = (call: Node, shadowed: ReadonlySet<string>) => {
    const refs: Node[] = [];
    // A subquery in its arguments may read its own relations' columns there,
    // which makes it the inner query's: not followed, so not the outer's.
    let subquery = false;
    const collect = (node: unknown): void => {
      if (Array.isArray(node)) node.forEach(collect);
      else if (node && typeof node === 'object') {
        const n = node as Node;
        if (n.ColumnRef) refs.push(n.ColumnRef);
        else if (n.SelectStmt) subquery = true;
        else Object.values(n).forEach(collect);
      }
    };
    collect([call.args, call.agg_order, call.agg_filter]);
    return (
      !subquery &&
      refs.length > 0 &&
      refs.every(ref => {
        const qualifier = qualifierOf(ref);
        return (
          qualifier !== undefined &&
          datasetAliases.has(qualifier) &&
          !shadowed.has(qualifier)
        );
      })
    );
  };
  const found: Node[] = [];
  // `shadowed`: aliases a subquery's own FROM list takes over.
  const walk = (
    node: unknown,
    shadowed: ReadonlySet<string>,
    inner: boolean,
  ): void => {
    if (Array.isArray(node)) {
      for (const item of node) walk(item, shadowed, inner);
      return;
    }
    if (!node || typeof node !== 'object') return;
    const n = node as Node;
    // A grouped column may be read anywhere, in a subquery too.
    if (groupedKinds.has(kindOf(n)) && grouped.has(shapeOf(n))) return;
    if (
      n.FuncCall &&
      isAggregateCall(n.FuncCall) &&
      (!inner || outerAggregate(n.FuncCall, shadowed))
    )
      return;
    if (n.ColumnRef) {
      const parts: Node[] = n.ColumnRef.fields ?? [];
      const qualifier = qualifierOf(n.ColumnRef);
      const last = parts[parts.length - 1];
      const column = last?.String?.sval;
      // `*` alone reads every relation's columns, the dataset's among them;
      // the dataset's name alone (`o::text`, `to_jsonb(o)`) its whole row.
      let dataset: boolean;
      if (qualifier)
        dataset = datasetAliases.has(qualifier) && !shadowed.has(qualifier);
      else if (column !== undefined && fields.has(column))
        dataset = !inner || groupsDataset;
      else if (column !== undefined && datasetAliases.has(column))
        dataset = !shadowed.has(column);
      else dataset = !inner && !!last?.A_Star;
      if (dataset) found.push(n);
      return;
    }
    if (n.SelectStmt) {
      // A subquery's own relations hide the same names outside it; all of it
      // may read the outer row: its ORDER BY, LIMIT, DISTINCT ON, VALUES, a
      // UNION's arms (found by round 30b: only four parts were read).
      const own = fromAliases(n.SelectStmt);
      walk(Object.values(n.SelectStmt), new Set([...shadowed, ...own]), true);
      return;
    }
    for (const value of Object.values(n)) walk(value, shadowed, inner);
  };
  const none = new Set<string>();
  for (const item of select.targetList ?? [])
    walk(item.ResTarget?.val, none, false);
  walk(select.havingClause, none, false);
  for (const sort of select.sortClause ?? []) {
    const key = sort.SortBy?.node;
    const parts: Node[] = key?.ColumnRef?.fields ?? [];
    // `ORDER BY name` names an output first.
    if (parts.length === 1 && outputNames.has(parts[0].String?.sval)) continue;
    walk(key, none, false);
  }
  walk(select.windowClause, none, false);
  // `DISTINCT ON (name)` names an output first, as ORDER BY does.
  for (const item of select.distinctClause ?? []) {
    const parts: Node[] = item?.ColumnRef?.fields ?? [];
    if (parts.length === 1 && outputNames.has(parts[0].String?.sval)) continue;
    walk(item, none, false);
  }
  return found;
}
