/**
 * Grouped queries an ORM or a query builder builds from code, which no SQL in
 * the file shows (found by round 31, each called unaffected): Rails'
 * `Order.left_joins(:notes).group(:id).select('orders.*, …')`, Django's
 * `Order.objects.annotate(n=Count('notes'))` (on PostgreSQL Django groups a
 * managed model's queryset by its primary key alone), SQLAlchemy's
 * `session.query(Order, func.count(Note.id)).group_by(Order.id)`, knex's
 * `knex('orders').select('orders.*').groupBy('orders.id')`, Kysely's and
 * Sequel's alike. Grouped by the key, they read the table's other columns
 * through it, which a view (the dataset's name from the first cut-over) has
 * not: "must appear in the GROUP BY clause" (see groupedByKey.ts).
 */
import { type DatasetTarget } from './datasetTarget';
import { escapeRegExp } from '../../sql/regExp';
import { positionOf } from '../../sql/sqlParser';
import { drizzleNameOf } from './ormClasses';

/** How far a chain is read back from its grouping call, and its arguments on: each read is bounded, so all are linear. */
const CHAIN_LIMIT = 2000;
const ARGS_LIMIT = 1000;

/** Django's aggregates (and contrib.postgres'): an `annotate()` with one groups the queryset. */
const DJANGO_AGGREGATE =
  /\b(?:Count|Sum|Avg|Max|Min|StdDev|Variance|ArrayAgg|StringAgg|JSONBAgg|BitAnd|BitOr|BitXor|BoolAnd|BoolOr|Corr|CovarPop|RegrAvgX|RegrAvgY|RegrCount|RegrIntercept|RegrR2|RegrSlope|RegrSXX|RegrSXY|RegrSYY|Aggregate)\s*\(|(?<![\w$])\w*Agg\s*\(|\*\*/;

/** Where the bracket opened at `open` closes (strings skipped), or -1 within the limit. */
function closing(code: string, open: number): number {
  let depth = 0;
  const end = Math.min(code.length, open + ARGS_LIMIT);
  for (let i = open; i < end; i++) {
    const c = code[i];
    if (c === '"' || c === "'" || c === '`') {
      // Looked for within the limit only: one unclosed quote is not read to the end.
      const close = code.slice(i + 1, end).indexOf(c);
      if (close < 0) return -1;
      i += close + 1;
    } else if (c === '(' || c === '[' || c === '{') depth++;
    else if (c === ')' || c === ']' || c === '}') {
      depth--;
      if (depth === 0) return i;
    }
  }
  return -1;
}

/** Where the `{` enclosing `at` opens (brackets balanced, strings not read), or -1 within the limit. */
function enclosingBrace(code: string, at: number): number {
  let depth = 0;
  for (let i = at - 1; i >= Math.max(0, at - CHAIN_LIMIT); i--) {
    const c = code[i];
    if (c === ')' || c === ']' || c === '}') depth++;
    else if (c === '(' || c === '[' || c === '{') {
      if (depth === 0) return c === '{' ? i : -1;
      depth--;
    }
  }
  return -1;
}

/** Whether an arrow that links a chain ends at `i`: PHP's `->`, Elixir's pipe `|>`. */
function arrowEndsAt(code: string, i: number): boolean {
  return code[i] === '>' && (code[i - 1] === '-' || code[i - 1] === '|');
}

/**
 * Where the method chain ending before `at` (a `.`, `->`, `::` or `|>`)
 * starts: back over names, dots and arrows, bracketed arguments and line
 * breaks before a link, to what is no part of it (`=`, `(`, `,`, a line's end).
 */
function chainStart(code: string, at: number): number {
  const limit = Math.max(0, at - CHAIN_LIMIT);
  let i = at - 1;
  let depth = 0;
  while (i >= limit) {
    const c = code[i];
    if (depth > 0) {
      if (c === ')' || c === ']' || c === '}') depth++;
      else if (c === '(' || c === '[' || c === '{') depth--;
      i--;
      // A block is given after a space (`.select_append { … }`).
      if (depth === 0 && c === '{') while (i >= limit && code[i] === ' ') i--;
      continue;
    }
    // Arguments, an index (`DB[:orders]`), a Ruby block (`{ count(:id) }`).
    if (c === ')' || c === ']' || c === '}') {
      depth = 1;
      i--;
      continue;
    }
    if (/[\w$.:@?!&]/.test(c)) {
      i--;
      continue;
    }
    if (arrowEndsAt(code, i)) {
      i -= 2;
      continue;
    }
    if (/\s/.test(c)) {
      // Whitespace continues a chain only at a link (`Order\n  .group(…)`,
      // `Order.\n  group(…)`, `$q\n  ->groupBy(…)`, `Order\n|> group_by(…)`)
      // or after Python's `\`; `code[i + 1]`, already read, is what follows it.
      let j = i;
      while (j >= limit && /\s/.test(code[j])) j--;
      if (
        code[i + 1] === '.' ||
        code.startsWith('->', i + 1) ||
        code.startsWith('|>', i + 1) ||
        code[j] === '.' ||
        arrowEndsAt(code, j) ||
        code[j] === '\\'
      ) {
        i = j;
        continue;
      }
    }
    break;
  }
  return i + 1;
}

/** A reference in a grouping call's arguments: a column and what qualifies it. */
interface Ref {
  qualifier?: string;
  column: string;
}

/**
 * The columns a grouping call's arguments name (`:id`, `'orders.id'`,
 * `Order.id`, `Sequel[:orders][:id]`, `:orders__id`, `['a', 'b']`), or
 * undefined where they hold anything else (a variable, an expression): then
 * they may name the key.
 */
function refsOf(args: string): Ref[] | undefined {
  const refs: Ref[] = [];
  const token =
    /\s+|,|\[|\]|'([^'\\]*)'|"([^"\\]*)"|`([^`$\\]*)`|:(\w+)(?![\w$])|Sequel\s*\[\s*:(\w+)\s*\]\s*\[\s*:(\w+)\s*\]|([A-Za-z_$][\w$]*)\s*\.\s*(?:c\s*\.\s*)?([A-Za-z_$][\w$]*)(?![\w$(])/y;
  let at = 0;
  while (at < args.length) {
    token.lastIndex = at;
    const m = token.exec(args);
    if (!m || m[0].length === 0) return undefined;
    at = token.lastIndex;
    const text = m[1] ?? m[2] ?? m[3];
    if (text !== undefined) {
      // `'orders.id, orders.name'`, `'"orders"."id"'`, `'DATE(created_at)'`:
      // every name in it, qualified where it is.
      for (const name of text.matchAll(/(?:"?(\w+)"?\s*\.\s*)?"?(\w+)"?/g))
        refs.push({ qualifier: name[1], column: name[2] });
    } else if (m[4]) {
      // Sequel's `:orders__id` is `orders.id`.
      const parts = m[4].split('__');
      refs.push(
        parts.length === 2
          ? { qualifier: parts[0], column: parts[1] }
          : { column: m[4] },
      );
    } else if (m[5]) refs.push({ qualifier: m[5], column: m[6] });
    else if (m[7]) refs.push({ qualifier: m[7], column: m[8] });
  }
  return refs;
}

/**
 * The lines of `code` (comments blanked) where an ORM or query builder builds
 * a grouped query of the dataset that may read its columns through its
 * primary key: a grouping call (`.group(`, `.group_by(`, `.groupBy(`,
 * `.groupByRaw(`, Django's `.annotate(` with an aggregate not after
 * `.values(`) in a chain on the dataset (a class the file or an ORM's
 * convention maps to it, the table named as a string or a symbol, or a
 * variable bound to one) whose arguments may name the key. Grouped by other
 * columns only (`.values('status').annotate(…)`, `.group(:status)` where the
 * key is known), or a chain on another model, it reads nothing through the
 * key. `mapped`: the classes mapped to the dataset, as tableStatementsIn finds
 * them (in the file, in others, or by an ORM's convention where the file maps
 * no table): one finding, so a class the file maps to another table is not
 * taken for the dataset's by its name.
 */
export function ormGroupedQueries(
  code: string,
  target: DatasetTarget,
  mapped: string[],
): number[] {
  // A dataset known to have no key groups nothing through one.
  if (target.key?.length === 0) return [];
  const calls: Array<{
    at: number;
    line: number;
    kind: string;
    args?: string;
    /** Where the chain starts, where it is no method chain (Ecto's `from o in Order, …`). */
    chainFrom?: number;
  }> = [];
  // Methods (`.group(`), PHP's (`->groupBy(`, Eloquent's `Order::groupBy(`)
  // and Elixir's piped calls (`|> group_by([o], o.id)`).
  for (const call of code.matchAll(
    /(\.|->|::|\|>)\s*(group|group_by|groupBy|groupByRaw|group_and_count|annotate|alias)\s*\(/g,
  )) {
    const at = call.index ?? 0;
    const open = at + call[0].length - 1;
    const close = closing(code, open);
    let args = close < 0 ? undefined : code.slice(open + 1, close);
    // Ecto's bindings come first (`[o]`); a column follows.
    if (call[1] === '|>' && args !== undefined)
      args = /^\s*\[[^\]]*\]\s*,([\s\S]*)$/.exec(args)?.[1];
    calls.push({ at, line: at + 1, kind: call[2], args });
  }
  // Ecto's keyword query: `from o in Order, join: …, group_by: o.id`; the
  // chain is from its source (`Order`, `"orders"`) to the grouping.
  const sources = [...code.matchAll(/\bfrom\s*(?:\(\s*)?\w+\s+in\s+/g)].map(
    m => (m.index ?? 0) + m[0].length,
  );
  let source = -1;
  for (const option of code.matchAll(/(?<![\w$.])group_by:\s*/g)) {
    const at = option.index ?? 0;
    while (source + 1 < sources.length && sources[source + 1] < at) source++;
    if (source < 0 || at - sources[source] > CHAIN_LIMIT) continue;
    const from = at + option[0].length;
    let args: string | undefined;
    if (code[from] === '[') {
      const close = closing(code, from);
      args = close < 0 ? undefined : code.slice(from + 1, close);
    } else
      args = /^[\w$]+(?:\s*\.\s*[\w$]+)?(?=\s*(?:,|\)|$))/m.exec(
        code.slice(from, from + 300),
      )?.[0];
    calls.push({
      at,
      line: at,
      kind: 'group_by',
      args,
      chainFrom: sources[source],
    });
  }
  // Sequelize's `Order.findAll({ include: [Note], group: ['Order.id'] })`:
  // the chain is the call's whose options hold `group`.
  for (const option of code.matchAll(/(?<![\w$.])group\s*:\s*/g)) {
    const from = (option.index ?? 0) + option[0].length;
    const options = enclosingBrace(code, option.index ?? 0);
    if (options < 0) continue;
    // A query's options, not a record's values (`Order.create({ group: … })`).
    const method = /\.\s*(?:find\w*|count|aggregate|sum|max|min)\s*\(\s*$/.exec(
      code.slice(Math.max(0, options - 100), options),
    );
    if (!method) continue;
    let args: string | undefined;
    if (code[from] === '[') {
      const close = closing(code, from);
      args = close < 0 ? undefined : code.slice(from + 1, close);
    } else
      args = /^(?:'[^'\\\n]*'|"[^"\\\n]*")/.exec(
        code.slice(from, from + 300),
      )?.[0];
    calls.push({
      at: options - method[0].length,
      line: option.index ?? 0,
      kind: 'group',
      args,
    });
  }
  if (calls.length === 0) return [];
  const table = escapeRegExp(target.table);
  // Django names a model's table `<app>_<model>` by default (`shop_order`
  // for `Order`, imported or declared), as rewriteSql's namesDjangoModel reads.
  const cut = target.table.lastIndexOf('_');
  const djangoModel =
    cut > 0 && /^[a-z0-9]+$/.test(target.table.slice(cut + 1))
      ? target.table.slice(cut + 1)
      : undefined;
  // Drizzle's table object, named as the table in camelCase (`orders`,
  // `orderItems`), selected from: `db.select().from(orders)`.
  const camel = drizzleNameOf(target.table);
  const drizzle = new RegExp(
    `\\.\\s*from\\s*\\(\\s*${escapeRegExp(camel)}\\s*\\)`,
  ).test(code);
  const classes = new Set([
    ...mapped,
    ...(drizzle ? [camel] : []),
    ...(djangoModel
      ? [...code.matchAll(/(?<![\w$])[A-Z][\w$]*(?![\w$])/g)]
          .map(m => m[0])
          .filter(name => name.toLowerCase() === djangoModel)
      : []),
  ]);
  // Django's related manager of the model (`customer.order_set`).
  const managers = [...classes].map(c => `${c.toLowerCase()}_set`);
  const alternatives = [...classes, ...managers].map(escapeRegExp);
  // The dataset in a chain: its class, the table as a string (with an alias)
  // or a symbol (Sequel's, Active Record's association).
  const schema = escapeRegExp(target.schema);
  const datasetIn = new RegExp(
    `(?<![\\w$])(?:${
      alternatives.join('|') || '(?!)'
    })(?![\\w$])|(["'\`])(?:"?${schema}"?\\.)?"?${table}"?(?:\\s+(?:as\\s+)?\\w+)?\\1|(?<![\\w$:]):(?:${schema}__)?${table}(?![\\w$])`,
  );
  // Variables bound to a chain on the dataset (`qs = Order.objects.filter(…)`,
  // `o = aliased(Order)`, `const q = knex('orders')`), read to the line's end.
  const variables = new Set<string>();
  for (const m of code.matchAll(
    /(?<![\w$.])([A-Za-z_$][\w$]*)\s*=(?![=>~])/g,
  )) {
    const from = (m.index ?? 0) + m[0].length;
    const value = code.slice(from, from + 300).split('\n', 1)[0];
    if (datasetIn.test(value)) variables.add(m[1]);
  }
  // The dataset's aliases in a chain (`'orders as o'`, `{ o: 'orders' }`,
  // Sequel's `Sequel[:orders].as(:o)`, TypeORM's `getRepository(Order)
  // .createQueryBuilder('o')`).
  const aliasesIn = (chain: string) =>
    new Set(
      [
        ...chain.matchAll(
          new RegExp(
            `["'\`]"?${table}"?\\s+(?:as\\s+)?(\\w+)["'\`]|(?<![\\w$])(\\w+)\\s*:\\s*["'\`]${table}["'\`]|:${table}\\s*\\]?\\s*\\.\\s*as\\s*\\(\\s*:(\\w+)|createQueryBuilder\\s*\\(\\s*["'\`](\\w+)`,
            'gi',
          ),
        ),
      ].map(m => (m[1] ?? m[2] ?? m[3] ?? m[4]).toLowerCase()),
    );
  // Other relations a chain names (`.leftJoin('notes', …)`, `'customers as
  // c'`, `.joins(:notes)`): a column they qualify is not the dataset's.
  const relationsIn = (chain: string) =>
    new Set(
      [
        ...chain.matchAll(
          // Ecto's bindings of joins too (`join: n in assoc(o, :notes)`):
          // the chain starts past the source's.
          /["'`]"?(\w+)"?(?:\s+(?:as\s+)?(\w+))?["'`]|(?<![\w$:]):(\w+)(?![\w$])|(?<![\w$.])(\w+)\s+in\s/g,
        ),
      ].flatMap(m =>
        [m[1], m[2], m[3], m[4]].filter(Boolean).map(n => n.toLowerCase()),
      ),
    );
  const key = target.key?.map(k => k.toLowerCase());
  const lines = new Set<number>();
  for (const { at, line, kind, args, chainFrom } of calls) {
    const chain = code.slice(chainFrom ?? chainStart(code, at), at);
    const head = /^[\w$]+/.exec(chain.replace(/^(?:[\w$]+::)+/, ''))?.[0] ?? '';
    const ofDataset = classes.has(head) || variables.has(head);
    if (!ofDataset && !datasetIn.test(chain)) continue;
    // A chain on another model class: its unqualified columns are that
    // model's. Not a database object given the dataset at once (Sequel's
    // `DB[:orders]`, `DB.from(:orders)`, Laravel's `DB::table('orders')`).
    const headIsOther =
      /^[A-Z]/.test(head) &&
      !ofDataset &&
      !datasetIn.test(
        /^[\w$]+\s*(?:(?:\.|::|->)\s*(?:from|table)\s*\(|\[)[^)\]]{0,300}/.exec(
          chain,
        )?.[0] ?? '',
      );
    let aliases: Set<string> | undefined;
    let relations: Set<string> | undefined;
    const mayBeKey = (refs: Ref[] | undefined): boolean =>
      !refs ||
      refs.some(({ qualifier, column }) => {
        if (key && !key.includes(column.toLowerCase())) return false;
        if (qualifier === undefined) return !headIsOther;
        const q = qualifier.toLowerCase();
        if (
          q === target.table.toLowerCase() ||
          classes.has(qualifier) ||
          variables.has(qualifier)
        )
          return true;
        aliases ??= aliasesIn(chain);
        if (aliases.has(q)) return true;
        // Another model's class, or another relation the chain names; any
        // other qualifier may be an alias of the dataset's.
        if (/^[A-Z]/.test(qualifier)) return false;
        relations ??= relationsIn(chain);
        return !relations.has(q);
      });
    // Django's `alias()` groups as `annotate()` does.
    if (kind === 'annotate' || kind === 'alias') {
      // Django: an aggregate on a queryset of the dataset's model itself.
      if (!ofDataset && !managers.some(m => chain.includes(`${m}.`))) continue;
      if (args !== undefined && !DJANGO_AGGREGATE.test(args)) continue;
      // After `.values(…)` it groups by those, unless they hold the key (then
      // Django groups by the key alone); `.values()` names every field.
      const values = [...chain.matchAll(/\.\s*values(?:_list)?\s*\(/g)].at(-1);
      if (values) {
        const valuesOpen = (values.index ?? 0) + values[0].length - 1;
        const valuesClose = closing(chain, valuesOpen);
        const named =
          valuesClose < 0
            ? undefined
            : chain
                .slice(valuesOpen + 1, valuesClose)
                // `flat=True` and `named=True` name no field.
                .replace(/,?\s*\b(?:flat|named)\s*=\s*\w+/g, '');
        if (named?.trim() && !mayBeKey(refsOf(named))) continue;
      }
    } else if (!mayBeKey(args === undefined ? undefined : refsOf(args)))
      continue;
    lines.add(positionOf(code, line).line);
  }
  return [...lines].sort((a, b) => a - b);
}

/** Why such a query goes to a person, naming its lines. */
export function ormGroupedReason(lines: number[]): string {
  return `through the view the grouped query an ORM or query builder builds (line ${lines.join(
    ', line ',
  )}) may fail on columns it reads through the primary key ("must appear in the GROUP BY clause"): group by every selected column, or read it after contract`;
}
