/**
 * Names of the dataset's dependent objects in a consumer's code or SQL: its
 * key's sequence (`orders_id_seq`), its constraints and indexes (`orders_pkey`,
 * `orders_number_key`, Ecto's `orders_email_index`, Rails'
 * `index_orders_on_email`, SQLAlchemy's `ix_orders_email`, Laravel's
 * `orders_email_unique`). The new version's objects carry the version's
 * suffix (`orders_v2_pkey`, `orders_number_key_v2`, `orders_v2_id_seq`; see
 * docs/engine.md), so from the cut-over code matching or naming the old ones
 * reads wrong or acts on the previous version, and after contract they are
 * gone. Such a name does not name the table (`orders_pkey` is not `orders`),
 * so nothing else reads the file for the dataset: it goes to a person before
 * the data moves, as a statement needing a table does (tableStatements.ts).
 *
 * The consumer agent is told the dataset's fields and key, not its indexes'
 * actual names nor whether the key is an identity or a serial, so names are
 * those PostgreSQL and the ORMs give by default, of the dataset's own fields.
 */
import type { FileImpactStatus } from '@dataset-migrations/plugin-dataset-migrations-common';
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import { type DatasetTarget } from './datasetTarget';
import { escapeRegExp } from '../../sql/regExp';
import type { RewrittenFile } from './rewriteSql';
import { migrationHistoryOf, rollbackSql } from './migrationHistory';
import { positionOf } from '../../sql/sqlParser';

type ObjectKind = 'sequence' | 'constraint or index';

/** PostgreSQL truncates names to 63 bytes; longer tokens are no default name. */
const LONGEST = 63;

/** Documentation shows names a person may use; it runs nothing itself. */
const DOCUMENT = /\.(?:md|markdown|rst|txt|adoc)$/i;

/**
 * Whether `cols` is the dataset's fields joined by `sep`, as PostgreSQL and
 * Ecto join a constraint's columns into its default name (`customer_id_amount`).
 */
function joinedFields(cols: string, fields: string[], sep: string): boolean {
  // starts[i]: a field may start at i, what is before it being fields and seps.
  const starts = new Array<boolean>(cols.length + 1).fill(false);
  starts[0] = true;
  for (let i = 0; i < cols.length; i++) {
    if (!starts[i]) continue;
    for (const field of fields) {
      if (field.length === 0 || !cols.startsWith(field, i)) continue;
      const end = i + field.length;
      if (end === cols.length) return true;
      if (cols.startsWith(sep, end)) starts[end + sep.length] = true;
    }
  }
  return false;
}

/**
 * What a token starting with the table's name (or Rails' `index_<table>_on_`,
 * SQLAlchemy's `ix_<table>_`)
 * is of the dataset by default naming, if anything.
 */
function kindOf(
  token: string,
  table: string,
  fields: string[],
): ObjectKind | undefined {
  if (token.length > LONGEST) return undefined;
  const rails = `index_${table}_on_`;
  if (token.startsWith(rails))
    return joinedFields(token.slice(rails.length), fields, '_and_')
      ? 'constraint or index'
      : undefined;
  // SQLAlchemy's `index=True` names it `ix_<table>_<column>`.
  if (token.startsWith(`ix_${table}_`))
    return joinedFields(token.slice(table.length + 4), fields, '_')
      ? 'constraint or index'
      : undefined;
  if (!token.startsWith(`${table}_`)) return undefined;
  const rest = token.slice(table.length + 1);
  // A name PostgreSQL made unique adds a number (`orders_email_key1`).
  if (/^pkey\d*$/.test(rest)) return 'constraint or index';
  // Laravel's and Knex's are `_unique`, `_foreign` and `_index`; Ecto's
  // `_index` and `_exclusion`.
  const named =
    /^(.+)_(key|idx|fkey|check|seq|excl|index|exclusion|unique|foreign)\d*$/.exec(
      rest,
    );
  if (!named || !joinedFields(named[1], fields, '_')) return undefined;
  return named[2] === 'seq' ? 'sequence' : 'constraint or index';
}

/**
 * Whether the name ending before `at` is qualified by a schema other than the
 * dataset's (`archive.orders_pkey`, `"archive"."orders_pkey"`), or is a
 * member of something (`obj.orders_pkey`). Scans back a bounded distance.
 */
function qualifiedElsewhere(text: string, at: number, schema: string): boolean {
  let i = at - 1;
  if (text[i] === '"') i--;
  const limit = Math.max(0, at - 80);
  while (i >= limit && /\s/.test(text[i])) i--;
  if (text[i] !== '.') return false;
  i--;
  while (i >= limit && /\s/.test(text[i])) i--;
  if (text[i] === '"') {
    const open = text.lastIndexOf('"', i - 1);
    if (open < limit || open < 0) return true;
    return text.slice(open + 1, i) !== schema;
  }
  let start = i;
  while (start >= limit && /[\w$]/.test(text[start])) start--;
  return text.slice(start + 1, i + 1).toLowerCase() !== schema.toLowerCase();
}

/**
 * Where the file makes its own table of the dataset's name (a schema dump's or
 * a fixture's `CREATE TABLE public.orders (`, a session's `CREATE TEMP TABLE
 * orders`): objects named from there are that table's. Not one made only where
 * missing (`IF NOT EXISTS`), nor another schema's; in code, whose `CREATE
 * TABLE` may be a docstring's, only a temporary one (as tableStatements.ts'
 * `ownTableFrom`). The text's length where it makes none.
 */
function ownTableFrom(
  text: string,
  target: DatasetTarget,
  sql: boolean,
  history: boolean,
) {
  const kind = sql
    ? '(?:(?:global|local)\\s+)?(?:(?:temp|temporary|unlogged)\\s+)?'
    : '(?:(?:global|local)\\s+)?(?:temp|temporary)\\s+';
  // A migration's `IF NOT EXISTS` made the table when it ran.
  const missing = history ? '(?:if\\s+not\\s+exists\\s+)?' : '(?!if\\s)';
  const made = new RegExp(
    `(?<![\\w$])create\\s+${kind}table\\s+${missing}(?:"?${escapeRegExp(
      target.schema,
    )}"?\\s*\\.\\s*)?"?${escapeRegExp(target.table)}"?\\s*\\(`,
    'i',
  ).exec(text);
  return made ? made.index : text.length;
}

/**
 * Ecto names a constraint the changeset does not name by default from the
 * schema's table (`unique_constraint(:email)` in `schema "orders"` matches
 * `orders_email_index`; `foreign_key_constraint(:customer_id)` and
 * `assoc_constraint(:customer)` `orders_customer_id_fkey`): the name never
 * shows. Each such call without `name:`, with the name it stands for.
 */
function ectoDefaults(
  text: string,
  target: DatasetTarget,
): Array<{ at: number; name: string }> {
  const table = escapeRegExp(target.table);
  const schema = escapeRegExp(target.schema);
  if (
    !new RegExp(
      `\\bschema\\s*(?:\\(\\s*)?"(?:${schema}\\.)?${table}"`,
      'i',
    ).test(text)
  )
    return [];
  // A schema prefix other than the dataset's is another schema's table.
  const prefix = /@schema_prefix\s*(?:\(\s*)?[":]?(\w+)/.exec(text);
  if (prefix && prefix[1].toLowerCase() !== target.schema.toLowerCase())
    return [];
  const found: Array<{ at: number; name: string }> = [];
  for (const call of text.matchAll(
    /\b(unique_constraint|foreign_key_constraint|assoc_constraint|exclusion_constraint)\b([^\n]{0,300})/g,
  )) {
    const args = call[2];
    if (/\bname\s*:/.test(args)) continue;
    const fields = [
      ...(/^[^:]{0,120}?\[([^\]]{0,200})\]/.exec(args)?.[1] ?? args).matchAll(
        /:(\w+)/g,
      ),
    ].map(m => m[1]);
    // A list names every field; else the first atom is the field.
    const cols = /^[^:]{0,120}?\[/.test(args) ? fields : fields.slice(0, 1);
    if (cols.length === 0) continue;
    const suffix = {
      unique_constraint: 'index',
      foreign_key_constraint: 'fkey',
      assoc_constraint: 'fkey',
      exclusion_constraint: 'exclusion',
    }[call[1]]!;
    const joined =
      call[1] === 'assoc_constraint' ? `${cols[0]}_id` : cols.join('_');
    found.push({
      at: call.index ?? 0,
      name: `${target.table}_${joined}_${suffix}`,
    });
  }
  return found;
}

/** Code whose names outside its string literals are its own identifiers. */
const CODE =
  /\.(?:py|pyi|rb|rake|ex|exs|js|jsx|mjs|cjs|ts|tsx|go|java|kt|kts|scala|groovy|cs|rs|php|swift|dart|c|cc|cpp|h|hpp)$/i;
/** Languages whose comments start with `#`, and with `//` or `/*`. */
const HASH_COMMENTS = /\.(?:py|pyi|rb|rake|ex|exs|php)$/i;
const SLASH_COMMENTS =
  /\.(?:js|jsx|mjs|cjs|ts|tsx|go|java|kt|kts|scala|groovy|cs|rs|php|swift|dart|c|cc|cpp|h|hpp)$/i;
/** Languages whose `'…'` and `"…"` may span lines, and with heredocs. */
const MULTILINE_QUOTES = /\.(?:rb|rake|ex|exs|php)$/i;
const HEREDOCS = /\.(?:rb|rake|php)$/i;

/**
 * The spans of code's string literals (`'…'`, `"…"`, `` `…` ``, `"""…"""`,
 * Ruby's and PHP's heredocs), outside its comments, in order, in one pass: a
 * name there is SQL's or a value the code compares, one outside a variable
 * of the code's own (`orders_amount_index = {…}`), which names no object.
 */
function literalSpans(text: string, path: string): Array<[number, number]> {
  const spans: Array<[number, number]> = [];
  const hash = HASH_COMMENTS.test(path);
  const slash = SLASH_COMMENTS.test(path);
  const multiline = MULTILINE_QUOTES.test(path);
  const php = /\.php$/i.test(path);
  const heredoc = HEREDOCS.test(path)
    ? /<<<?[~-]?(["']?)([A-Za-z_]\w*)\1/y
    : undefined;
  const eol = (from: number) => {
    const end = text.indexOf('\n', from);
    return end < 0 ? text.length : end;
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    // Not PHP's attributes (`#[ORM\\Index(name: '…')]`).
    if (
      (hash && c === '#' && !(php && text[i + 1] === '[')) ||
      (slash && c === '/' && text[i + 1] === '/')
    ) {
      i = eol(i);
      continue;
    }
    if (slash && c === '/' && text[i + 1] === '*') {
      const end = text.indexOf('*/', i + 2);
      i = end < 0 ? text.length : end + 2;
      continue;
    }
    if (heredoc && c === '<') {
      heredoc.lastIndex = i;
      const doc = heredoc.exec(text);
      if (doc) {
        const body = eol(i);
        const close = new RegExp(`^[ \\t]*${doc[2]}\\b`, 'gm');
        close.lastIndex = body;
        const end = close.exec(text)?.index ?? text.length;
        spans.push([body, end]);
        i = Math.max(end, i + doc[0].length);
        continue;
      }
    }
    if (c === '"' || c === "'" || c === '`') {
      const triple = c + c + c;
      if (c !== '`' && text.startsWith(triple, i)) {
        const end = text.indexOf(triple, i + 3);
        const close = end < 0 ? text.length : end;
        spans.push([i + 3, close]);
        i = close + 3;
        continue;
      }
      let j = i + 1;
      while (j < text.length && text[j] !== c) {
        if (text[j] === '\\') j++;
        else if (text[j] === '\n' && c !== '`' && !multiline) break;
        j++;
      }
      spans.push([i + 1, Math.min(j, text.length)]);
      i = j + 1;
      continue;
    }
    i++;
  }
  return spans;
}

/** A verb of a statement or call: what it does to the object it names. */
const VERB =
  /^(create|add|drop|remove|rename|reindex|cluster|alter|comment|setval|nextval|currval|conflict|truncate)(.*)$/i;
/** A noun of a definition (`t.index`, `models.Index(`, `UniqueConstraint(`). */
const NOUN =
  /^(?:\w*_)?(?:index|unique|primary|foreign|constraint|references|sequence|check|key|exclude)$/i;
/** One ending a class's name in camel case (`TableIndex`, `ForeignKey`). */
const CLASS_NOUN = /[a-z](?:Index|Unique|Constraint|Sequence|Key|Check)$/;

/**
 * Whether the name at `at` is defined there (`CREATE INDEX orders_email_idx`,
 * `ADD CONSTRAINT orders_pkey`, `op.create_index('ix_orders_email'`,
 * `add_index … name:`, `t.index … name:`, `models.Index(… name=`), not used
 * (`DROP INDEX`, `ALTER INDEX`, `REINDEX`, `remove_index`, `op.drop_index`,
 * `setval(`, `ON CONFLICT ON CONSTRAINT`): by the last verb, or noun not part
 * of a verb's phrase, of the statement before it (a bounded look back).
 */
function definedAt(text: string, at: number, table: string): boolean {
  const start = Math.max(0, at - 200);
  // Bounded: from the statement's start within the window.
  const window = text.slice(start, at);
  const statement = window.slice(window.lastIndexOf(';') + 1);
  let last: 'def' | 'use' | undefined;
  // The word before: a noun right after a verb or `ON` is its phrase's.
  let previous: 'verb' | 'phrase' | 'other' = 'other';
  for (const word of statement.matchAll(/[A-Za-z_]\w*/g)) {
    const w = word[0];
    const lower = w.toLowerCase();
    if (
      lower.startsWith(`${table}_`) ||
      lower.startsWith(`ix_${table}_`) ||
      lower.startsWith(`index_${table}_`)
    ) {
      previous = 'other';
      continue;
    }
    const verb = VERB.exec(w);
    if (
      verb &&
      (verb[2] === '' ||
        verb[2][0] === '_' ||
        (/^[A-Z]/.test(verb[2]) && w !== w.toUpperCase()))
    ) {
      last = /^(?:create|add)$/i.test(verb[1]) ? 'def' : 'use';
      previous = 'verb';
    } else if (NOUN.test(w) || CLASS_NOUN.test(w)) {
      if (previous === 'other') last = 'def';
      previous = previous === 'other' ? 'other' : 'phrase';
    } else previous = lower === 'on' ? 'phrase' : 'other';
  }
  return last === 'def';
}

/**
 * A schema dump (Rails' `db/schema.rb` and `db/structure.sql`, pg_dump's
 * output): made from a database after its migrations ran, and loaded only
 * into a new one (`rails db:schema:load`), where the objects it names are its
 * own. It never runs against the dataset's database.
 */
function schemaDump(file: ChangedFile): boolean {
  if (/(?:^|\/)db\/(?:\w+_)?(?:structure\.sql|schema\.rb)$/.test(file.path))
    return true;
  const head = file.content.slice(0, 3000);
  return (
    /\bActiveRecord::Schema(?:\[[\d.]+\])?\.define\b/.test(head) ||
    (/\.sql$/i.test(file.path) &&
      /^--\s*(?:PostgreSQL database dump|Dumped from database version|Dumped by pg_dump)\b/m.test(
        head,
      ))
  );
}

interface Found {
  named: Map<string, ObjectKind>;
  lines: Set<number>;
  ecto: Array<{ at: number; name: string }>;
}

/**
 * The names `text` (of a file at `path`) gives the dataset's objects, with
 * their lines in `lineOf`'s terms. In code, only in a string literal or as a
 * symbol or atom (`:orders_number_key`); in a migration's history, only
 * where it uses one, not where it defines one (a migration creating an index
 * names it, and that ran once).
 */
function scan(
  text: string,
  path: string,
  target: DatasetTarget,
  history: boolean,
  lineOf: (at: number) => number,
): Found {
  const table = target.table.toLowerCase();
  const fields = target.fields.map(f => f.toLowerCase());
  const named = new Map<string, ObjectKind>();
  const lines = new Set<number>();
  // A whole identifier starting with the name: nothing follows the greedy
  // run, so a match never backtracks.
  const token = new RegExp(
    `(?<![\\w$])(?:index_|ix_)?${escapeRegExp(table)}_[\\w$]*`,
    'gi',
  );
  const own = ownTableFrom(text, target, /\.sql$/i.test(path), history);
  const literals = CODE.test(path) ? literalSpans(text, path) : undefined;
  // Ruby's symbols and Elixir's atoms (`name: :orders_number_key`).
  const symbols = /\.(?:rb|rake|ex|exs)$/i.test(path);
  let span = 0;
  for (const match of text.matchAll(token)) {
    const at = match.index ?? 0;
    if (at >= own) break;
    const name = match[0].toLowerCase();
    const kind = kindOf(name, table, fields);
    if (!kind) continue;
    if (literals) {
      while (span < literals.length && literals[span][1] <= at) span++;
      const inLiteral = span < literals.length && literals[span][0] <= at;
      const symbol = symbols && text[at - 1] === ':' && text[at - 2] !== ':';
      if (!inLiteral && !symbol) continue;
    }
    if (qualifiedElsewhere(text, at, target.schema)) continue;
    if (history && definedAt(text, at, table)) continue;
    if (!named.has(name)) named.set(name, kind);
    lines.add(lineOf(at));
  }
  const ecto = history ? [] : ectoDefaults(text, target);
  for (const { at, name } of ecto) {
    if (!named.has(name)) named.set(name, 'constraint or index');
    lines.add(lineOf(at));
  }
  return { named, lines, ecto };
}

/** A line that is a comment (`--`, `#`, `//`) runs nothing; positions kept. */
function uncommented(content: string): string {
  return content.replace(/^[ \t]*(?:--|#(?!\{)|\/\/)[^\n]*/gm, m =>
    ' '.repeat(m.length),
  );
}

/**
 * The names of the dataset's objects a migration's down part (what a rollback
 * runs, `file`'s text) uses, not those it defines (see {@link objectNamesIn}):
 * the reverse Django, or Rails for a `change`, derives of an index the
 * migration adds drops the migration's own index.
 */
export function objectNamesInRollback(
  file: ChangedFile,
  target: DatasetTarget,
): string[] {
  if (!file.content.toLowerCase().includes(target.table.toLowerCase()))
    return [];
  return [
    ...scan(
      uncommented(file.content),
      file.path,
      target,
      true,
      () => 0,
    ).named.keys(),
  ];
}

/**
 * The dataset's dependent objects `content` names by default naming, with
 * their lines and a reason for a person; undefined where it names none (or is
 * documentation, or a schema dump). A migration's history (as
 * `migrationHistoryOf` tells, `files` the repository's) counts the names it
 * uses, not those it defines: applied, it never runs again; what a rollback
 * runs of it, and whether it is still pending, is judged as for its other
 * statements (impact.ts' `historyAsIs`).
 */
export function objectNamesIn(
  file: ChangedFile,
  target: DatasetTarget,
  files: ChangedFile[] = [],
): { names: string[]; lines: number[]; message: string } | undefined {
  if (DOCUMENT.test(file.path)) return undefined;
  const table = target.table.toLowerCase();
  // Cheap: a file never spelling the table's name names none of its objects.
  if (!file.content.toLowerCase().includes(table)) return undefined;
  if (schemaDump(file)) return undefined;
  const lineOf = (at: number) => positionOf(file.content, at).line;
  const migration = migrationHistoryOf(file, files);
  const history = migration !== undefined && !migration.mixed;
  const { named, lines, ecto } = scan(
    uncommented(file.content),
    file.path,
    target,
    history,
    lineOf,
  );
  if (history && migration.rollback !== undefined) {
    const down = objectNamesInRollback(
      rollbackSql(file.path, migration.rollback),
      target,
    );
    if (down.length > 0) {
      const kinds = new Map(
        down.map(n => [
          n,
          kindOf(
            n,
            table,
            target.fields.map(f => f.toLowerCase()),
          )!,
        ]),
      );
      for (const [n, k] of kinds) if (!named.has(n)) named.set(n, k);
      // Its lines: where the file spells those names.
      const token = new RegExp(
        `(?<![\\w$])(?:index_|ix_)?${escapeRegExp(table)}_[\\w$]*`,
        'gi',
      );
      for (const m of file.content.matchAll(token))
        if (kinds.has(m[0].toLowerCase())) lines.add(lineOf(m.index ?? 0));
    }
  }
  if (named.size === 0) return undefined;
  const t = target.table;
  const sequences = [...named].filter(([, k]) => k === 'sequence');
  const others = [...named].filter(([, k]) => k !== 'sequence');
  const reasons: string[] = [];
  if (sequences.length > 0)
    reasons.push(
      `${sequences
        .map(([n]) => n)
        .join(
          ', ',
        )} is the default name of the sequence of a key of ${t}: where the key is an identity column (GENERATED … AS IDENTITY, Django ≥ 4.1's default), from the cut-over the new version draws its numbers from its own sequence (${sequences
        .map(([n]) => `${t}_v<N>${n.slice(t.length)}`)
        .join(
          ', ',
        )}), so currval on the old one reads a stale number (another row's id), nextval hands out numbers rows already have (the next insert then fails on a duplicate key) and setval moves a sequence nothing draws from; after contract it is gone ("relation … does not exist"). With a serial key the engine keeps the sequence and this keeps working, but the consumer agent is not told which the key is, so a person checks: read an inserted id with INSERT … RETURNING id (or lastval()), and leave numbering to the column`,
    );
  if (others.length > 0)
    reasons.push(
      `${others.map(([n]) => n).join(', ')} ${
        others.length > 1 ? 'are default names' : 'is the default name'
      } of a constraint or index of ${t} (PostgreSQL's or an ORM's${
        ecto.length > 0
          ? `; Ecto's ${ecto
              .map(e => e.name)
              .join(', ')} from a changeset naming no constraint`
          : ''
      }): from the cut-over the new version's carry the version's suffix (${t}_v<N>_pkey, <name>_v<N>) and errors name the relation ${t}_v<N>, so code matching an error's constraint name or message by the old name no longer matches, and a statement naming the old one (REINDEX, ALTER or DROP INDEX, CLUSTER … USING, ON CONFLICT ON CONSTRAINT) acts on the previous version, which readers no longer read, or fails; after contract it is gone ("does not exist"). Match a unique violation by SQLSTATE 23505 and its columns rather than its name (in Ecto, give the constraint's name: or match the versioned one), name the columns in ON CONFLICT (id), or name the versioned object`,
    );
  return {
    names: [...named.keys()],
    lines: [...lines].sort((a, b) => a - b),
    message: `names ${[...named.keys()].join(
      ', ',
    )}, not ${t} itself: ${reasons.join(
      '; ',
    )}. Change it before the migration runs, then Retry`,
  };
}

/**
 * `result` for `file`, sent to a person before the data moves where the file
 * names the dataset's dependent objects (see {@link objectNamesIn}), with
 * what else was found kept: its message, and a rewrite of its other
 * statements as the content proposed with the decision; as it is otherwise,
 * or where said already.
 */
export function withObjectNames(
  file: ChangedFile,
  result: RewrittenFile,
  target: DatasetTarget,
  files: ChangedFile[] = [],
): RewrittenFile {
  const found = objectNamesIn(file, target, files);
  if (!found) return result;
  const before = result.impact.problem?.message;
  if (before?.includes(found.message)) return result;
  // The rest rewritten: kept, not lost, and the person told it waits.
  const rewritten =
    result.status === 'rewritten' && result.content !== file.content;
  const message = `${file.path} ${found.message}${
    rewritten
      ? `; the rewrite of its other statements for the migration${
          result.impact.fields.length > 0
            ? ` (reading ${result.impact.fields.map(f => `"${f}"`).join(', ')})`
            : ''
        } is kept as the proposed content and waits on this decision`
      : ''
  }`;
  const status: FileImpactStatus = 'needs-decision';
  return {
    ...result,
    content: rewritten ? result.content : file.content,
    status,
    impact: {
      ...result.impact,
      path: file.path,
      status,
      lines: [...new Set([...result.impact.lines, ...found.lines])].sort(
        (a, b) => a - b,
      ),
      needsTable: true,
      problem: {
        ...result.impact.problem,
        message: before ? `${before}; and ${message}` : message,
      },
    },
  };
}
