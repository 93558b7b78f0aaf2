import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import { escapeRegExp } from '../../sql/regExp';

/**
 * A schema-migration tool's history: a migration applied once, in order, and
 * never run again (Flyway's `V2__x.sql`, a Liquibase changeset, golang-migrate's
 * `000007_x.up.sql`, Prisma's `migrations/<ts>_x/migration.sql`, Alembic's
 * `versions/*.py`, Rails' `db/migrate/*.rb`, Django's `migrations/0001_x.py`,
 * Sqitch's `deploy/`, dbmate's and goose's files, Knex's, TypeORM's and
 * Sequelize's migration folders). An edit never reaches a database where it
 * ran, and Flyway, Liquibase and Prisma (Atlas, golang-migrate's tooling too)
 * refuse to migrate once an applied file's checksum changes: such a file is no
 * reader to rewrite. What it created (a view) lives in the database, where the
 * engine sees it. A repeatable migration, re-applied whenever it changes
 * (Flyway's `R__x.sql`, a Liquibase changeset with `runOnChange` or
 * `runAlways`), is live code and is not history.
 *
 * Recognised by the tools' own file names, folders and headers, not by one
 * example; returns what the file is, for the reason shown, or undefined.
 */
export function migrationHistoryOf(
  file: ChangedFile,
  files: ChangedFile[] = [],
): MigrationHistory | undefined {
  const what = historyKind(file, files);
  if (what === undefined) return undefined;
  const history = typeof what === 'string' ? { what } : what;
  const rollback = rollbackPart(file, history.what);
  return rollback === undefined ? history : { ...history, rollback };
}

/**
 * What a schema migration holds, DDL or a migration framework's own steps:
 * a numbered script that only reads or loads data (a nightly export under
 * `warehouse/migration/`, a refresh under `dags/sql/migrations/`) is live
 * code run again and again (found by a review, 2026-12-06).
 */
const SCHEMA_CHANGE =
  /\b(?:create|alter|drop)\s+(?:(?:unique\s+)?index|table|(?:materialized\s+)?view|schema|type|sequence|extension|function|procedure|trigger|column)\b|\bexports\.(?:up|down)\b|\b(?:def|function|async)\s+(?:up|down|change|upgrade|downgrade)\s*\(|\bextends\s+Migration\b|\bEcto\.Migration\b|:\s*Migration\b|\b(?:createTable|addColumn|create_table|add_column|add_index|addIndex)\b/i;

/**
 * A numbered script in a release's folder of a migration folder (memos'
 * `migration/postgres/0.23/00__reactions.sql`): the release and the script's
 * number are its version, the folder above the releases its sequence.
 */
const RELEASE_SCRIPT =
  /^(.*(?:^|\/)migrations?\/(?:[^/]+\/){0,2})v?(\d+(?:\.\d+)+)\/(\d+)__[^/]+\.sql$/i;

/**
 * The Liquibase changelogs among a repository's files, found once per file
 * list: looked for from each file naming the dataset, the whole list read
 * each time made the assessment of a 4,500-file repository quadratic (a probe
 * of round 35: most of 12–18 s).
 */
const changelogsByFiles = new WeakMap<ChangedFile[], ChangedFile[]>();
function changelogsOf(files: ChangedFile[]): ChangedFile[] {
  let found = changelogsByFiles.get(files);
  if (!found) {
    found = files.filter(f => f.content.includes('databaseChangeLog'));
    changelogsByFiles.set(files, found);
  }
  return found;
}

export interface MigrationHistory {
  /** What the file is: "a Flyway versioned migration". */
  what: string;
  /**
   * A Liquibase file whose changesets run once beside ones that run again
   * when they change: the latter are live code, so the file is neither
   * history alone nor rewritable whole (the others' checksums would change).
   */
  mixed?: true;
  /**
   * What of the file a rollback runs (`rails db:rollback`, `alembic
   * downgrade`, `migrate down`, `flyway undo`, `liquibase rollback`, `knex
   * migrate:rollback`, Django's reverse): the whole file for a down script,
   * else its down part. Applied or not, that part runs again when someone
   * rolls back, against the dataset's new shape, so it is no history (found
   * by a review, 2026-12-06).
   */
  rollback?: string;
}

function historyKind(
  file: ChangedFile,
  files: ChangedFile[],
): string | MigrationHistory | undefined {
  const { path, content } = file;
  const name = path.replace(/^.*\//, '');
  const head = content.slice(0, 2000);
  // Liquibase: formatted SQL, and XML, YAML or JSON changelogs.
  if (/^\s*--\s*liquibase\s+formatted\s+sql\b/i.test(content))
    return liquibase(
      content,
      /^[ \t\uFEFF]*--\s*changeset\s[^\n]*/gim,
      'formatted SQL',
    );
  if (
    /<databaseChangeLog\b/.test(head) ||
    /(?:^|\n)\s*["']?databaseChangeLog["']?\s*:/.test(head)
  )
    return liquibase(
      content,
      /<changeSet\b[^>]*>|\bchangeSet["']?\s*:[^\n]*(?:\n[^\n]*){0,12}/g,
      'changelog',
    );
  // A SQL file a Liquibase changelog of the repository runs (`<sqlFile
  // path="…">`, `sqlFile: path:`) is part of that changeset's checksum.
  // By the path the changelog gives, not the file's bare name (found by a
  // review: `legacy/nightly_export.sql` named a live `jobs/export.sql`).
  const runBy = (f: ChangedFile) =>
    [
      ...f.content.matchAll(
        /\bsqlFile\b[^>]{0,300}?\bpath["']?\s*[=:]\s*["']?([^"'\s>]+)/g,
      ),
    ].find(m => path.endsWith(m[1].replace(/^(?:\.\/|classpath:)/, '')));
  const changelog = /\.sql$/i.test(name)
    ? changelogsOf(files).find(f => f !== file && runBy(f) !== undefined)
    : undefined;
  if (changelog) {
    const at = runBy(changelog)!.index ?? 0;
    const around = changelog.content.slice(Math.max(0, at - 600), at + 200);
    if (!/\brun(?:OnChange|Always)["']?\s*[:=]\s*["']?true/i.test(around))
      return `a SQL file the Liquibase changelog ${changelog.path} runs as a changeset`;
  }
  // Flyway: versioned (V), undo (U) and baseline (B) migrations; R__ is
  // repeatable. Outside a migration folder, only one changing the schema.
  if (
    /^[VUB]\d+(?:[._]\d+)*__[^/]+\.(?:sql|java|kt|scala|groovy)$/i.test(name) &&
    (/(?:^|\/)migrations?\//i.test(path) || SCHEMA_CHANGE.test(content))
  )
    return 'a Flyway versioned migration';
  // A migration folder of release folders, each with its numbered scripts
  // (memos' `migration/postgres/0.23/00__reactions.sql`, applied once from the
  // version a database records): history, data updates too (a probe, round
  // 37, saw two such files rewritten).
  // Not one only reading, a nightly export (a review, round 37).
  if (
    RELEASE_SCRIPT.test(path) &&
    (SCHEMA_CHANGE.test(content) ||
      /\b(?:update\s+\S+\s+set|insert\s+into|delete\s+from)\b/i.test(content))
  )
    return 'a versioned migration of a release folder';
  // golang-migrate, and migrate-style folders of up/down pairs.
  if (/^\d+_[^/]+\.(?:up|down)\.sql$/i.test(name))
    return 'a versioned migration (golang-migrate)';
  // Prisma, and Diesel's `migrations/<date>_x/up.sql`.
  if (
    /(?:^|\/)migrations\/\d{8,}[^/]*\/(?:migration|up|down)\.sql$/i.test(path)
  )
    return 'a versioned migration (Prisma, Diesel)';
  if (
    /(?:^|\/)migrations\/\d{4}-\d{2}-\d{2}-\d+[^/]*\/(?:up|down)\.sql$/i.test(
      path,
    )
  )
    return 'a versioned migration (Diesel)';
  // dbmate, goose and sql-migrate headers.
  if (
    /^[ \t\uFEFF]*--\s*(?:migrate:up|\+goose\s+up|\+migrate\s+up)\b/im.test(
      head,
    )
  )
    return 'a versioned migration (dbmate, goose or sql-migrate)';
  // Alembic: revision identifiers.
  if (
    /\.py$/i.test(name) &&
    /^[ \t\uFEFF]*down_revision[ \t]*(?::[^=\n\r]*)?=/m.test(content) &&
    /^[ \t\uFEFF]*revision[ \t]*(?::[^=\n\r]*)?=/m.test(content)
  )
    return 'an Alembic migration';
  // Django.
  if (
    /(?:^|\/)migrations\/\d{4}_[^/]+\.py$/i.test(path) ||
    (/\.py$/i.test(name) &&
      /^[ \t\uFEFF]*class\s+\w+\s*\(\s*migrations\.Migration\s*\)/m.test(
        content,
      ))
  )
    return 'a Django migration';
  // Rails (and ActiveRecord outside Rails).
  if (
    /(?:^|\/)db\/migrate\/\d+_[^/]+\.rb$/i.test(path) ||
    (/\.rb$/i.test(name) && /\bActiveRecord::Migration\b/.test(content))
  )
    return 'a Rails migration';
  // Sqitch: deploy, revert and verify scripts of a plan.
  if (
    // Not verify/: `sqitch verify` runs those again (found by a review).
    /(?:^|\/)(?:deploy|revert)\/[^/]+\.sql$/i.test(path) &&
    (/^[ \t\uFEFF]*--\s*(?:Deploy|Revert)\s+\S+:\S+/m.test(head) ||
      files.some(f => /(?:^|\/)sqitch\.(?:plan|conf)$/.test(f.path)))
  )
    return 'a Sqitch change';
  // Doctrine Migrations (`final class Version20160410190541 extends
  // AbstractMigration`; a probe, round 38, saw wallabag's 24 sent to a person).
  if (
    /\.php$/i.test(name) &&
    /\bclass\s+Version\w*\s+extends\s+(?:\\?[\w\\]*\\)?AbstractMigration\b/.test(
      content,
    )
  )
    return 'a Doctrine migration';
  // TypeORM, Knex, Sequelize, Laravel, Phinx, Ecto, EF Core, Play evolutions,
  // and any migration folder whose files are numbered in the order they run.
  if (
    /^[ \t\uFEFF]*(?:export\s+)?(?:default\s+)?class\s+\w+\s+implements\s+MigrationInterface\b/m.test(
      content,
    ) ||
    (/(?:^|\/)(?:db\/)?(?:migrations?|migrate|evolutions(?:\/[^/]+)?)\/(?:V?\d{1,}[-_.][^/]*|\d+)\.(?:sql|js|cjs|mjs|ts|py|rb|php|exs|cs|go|java|kt)$/i.test(
      path,
    ) &&
      SCHEMA_CHANGE.test(content))
  )
    return 'a versioned migration';
  return undefined;
}

/**
 * A Liquibase file: history unless its changesets run again when they change
 * (`runOnChange:true`, `runAlways:true`); one mixing both is marked so.
 */
function liquibase(
  content: string,
  changesets: RegExp,
  kind: string,
): MigrationHistory | undefined {
  const sets = content.match(changesets) ?? [];
  const repeatable = (s: string) =>
    /\brun(?:OnChange|Always)["']?\s*[:=]\s*["']?true/i.test(s);
  if (sets.length > 0 && sets.every(repeatable)) return undefined;
  return sets.some(repeatable)
    ? {
        what: `a Liquibase ${kind} whose changesets run once beside ones that run again on change`,
        mixed: true,
      }
    : { what: `a Liquibase ${kind}` };
}

/**
 * A migration's down part as the SQL a rollback runs: Liquibase's `--rollback`
 * lines are SQL behind a comment's mark. Line starts take a line's own blanks
 * only, so a long run of blank lines stays one pass.
 */
export function rollbackSql(
  path: string,
  rollback: string,
): { path: string; content: string } {
  return {
    path,
    content: rollback.replace(/^([ \t\uFEFF]*)--[ \t]*rollback\b/gim, '$1'),
  };
}

/** Where a code migration's down part starts (Rails' and Ecto's `change` is reversed on a rollback). */
const DOWN_START =
  /^[ \t]*def\s+(?:self\.)?(?:down|change)\b|^[ \t]*def\s+downgrade\s*\(|\bfunction\s+(?:down|change)\s*\(|\bexports\.down\b|\bexport\s+(?:async\s+)?function\s+down\b|\bexport\s+const\s+down\b|^[ \t]*(?:(?:public|async)[ \t]+)*down\s*(?:\(|:)|\bvoid\s+Down\s*\(|\bfunc\s+[dD]own\w*\s*\(/gm;
/** Where its up part starts, ending a down part before it. */
const UP_START =
  /^[ \t]*def\s+(?:self\.)?up\b|^[ \t]*def\s+upgrade\s*\(|\bfunction\s+up\s*\(|\bexports\.up\b|\bexport\s+(?:async\s+)?function\s+up\b|\bexport\s+const\s+up\b|^[ \t]*(?:(?:public|async)[ \t]+)*up\s*(?:\(|:)|\bvoid\s+Up\s*\(|\bfunc\s+[uU]p\w*\s*\(/gm;
/** Liquibase change types it reverses by itself when a changeset has no `<rollback>`. */
const LIQUIBASE_REVERSED =
  /<(?:createTable|addColumn|renameColumn|renameTable|renameView|createIndex|createView|addForeignKeyConstraint|addPrimaryKey|addUniqueConstraint|addNotNullConstraint|dropNotNullConstraint|addDefaultValue|dropDefaultValue|createSequence|addLookupTable|addAutoIncrement|modifyDataType)\b|^[ \t\uFEFF]*-\s*(?:createTable|addColumn|renameColumn|renameTable|renameView|createIndex|createView|addForeignKeyConstraint|addPrimaryKey|addUniqueConstraint|addNotNullConstraint|dropNotNullConstraint|addDefaultValue|dropDefaultValue|createSequence|addLookupTable|addAutoIncrement|modifyDataType)\s*:|"(?:createTable|addColumn|renameColumn|renameTable|createIndex|createView|addForeignKeyConstraint|addNotNullConstraint|addDefaultValue)"\s*:/m;

/**
 * The text a rollback runs of a migration, or undefined when it has none. By
 * pattern, erring to more: a `change` is taken whole, as are Liquibase
 * changes it reverses by itself and Django operations other than RunSQL and
 * RunPython (which Django reverses by themselves).
 */
function rollbackPart(file: ChangedFile, what: string): string | undefined {
  const { path, content } = file;
  const name = path.replace(/^.*\//, '');
  // Down scripts: golang-migrate's, Flyway's undo, Diesel's, Sqitch's revert.
  if (
    /\.down\.sql$/i.test(name) ||
    /^U\d+(?:[._]\d+)*__/i.test(name) ||
    /^down\.sql$/i.test(name) ||
    /(?:^|\/)revert\/[^/]+\.sql$/i.test(path)
  )
    return content;
  const parts: string[] = [];
  // dbmate's, goose's and sql-migrate's down section.
  const section = content.search(
    /^[ \t\uFEFF]*--\s*(?:migrate:down|\+goose\s+down|\+migrate\s+down)\b/im,
  );
  if (section >= 0) parts.push(content.slice(section));
  if (/^a Liquibase\b/.test(what)) {
    // Liquibase: `--rollback` lines, `<rollback>` blocks, YAML/JSON rollback keys.
    parts.push(
      ...[...content.matchAll(/^[ \t\uFEFF]*--\s*rollback\b[^\n]*/gim)].map(
        m => m[0],
      ),
      ...[
        ...content.matchAll(
          /<rollback\b(?:[^<]|<(?!rollback\b))*?(?:<\/rollback>|\/>)/g,
        ),
      ].map(m => m[0]),
      ...[
        ...content.matchAll(
          /["']?rollback["']?\s*:[\s\S]*?(?=\n[ \t]*-\s*changeSet\s*:|\{\s*"changeSet"|$)/g,
        ),
      ].map(m => m[0]),
    );
    if (LIQUIBASE_REVERSED.test(content)) parts.push(content);
  }
  if (what === 'a Django migration') {
    const ops = [...content.matchAll(/\bmigrations\.(\w+)\s*\(/g)];
    ops.forEach((op, i) => {
      const text = content.slice(op.index, ops[i + 1]?.index ?? content.length);
      if (!/^Run(?:SQL|Python)$/.test(op[1])) parts.push(text);
      else {
        // The reverse: `reverse_sql=`/`reverse_code=`, or a second argument.
        const keyword = /\breverse_(?:sql|code)\s*=/.exec(text);
        const second =
          /^migrations\.\w+\s*\(\s*(?:"""[\s\S]*?"""|'''[\s\S]*?'''|[rbuf]*"(?:[^"\\\n]|\\.)*"|[rbuf]*'(?:[^'\\\n]|\\.)*'|\[[\s\S]*?\]|[\w.]+)\s*,\s*(?![\w]+\s*=)(?=\S)/.exec(
            text,
          );
        if (keyword) parts.push(text.slice(keyword.index));
        else if (second) parts.push(text.slice(second[0].length));
      }
    });
  } else {
    // Code: the down method, to where an up method starts. A down start
    // inside the span already taken adds nothing new: taking it again made
    // the part grow with the square of the file (found by a review: 12,000
    // `def down` lines threw a RangeError), so the spans never overlap.
    let taken = 0;
    for (const down of content.matchAll(DOWN_START)) {
      if (down.index! < taken) continue;
      UP_START.lastIndex = down.index! + down[0].length;
      const up = UP_START.exec(content);
      taken = up?.index ?? content.length;
      parts.push(content.slice(down.index, taken));
    }
  }
  return parts.length > 0 ? parts.join('\n') : undefined;
}

/**
 * Of the migration history files the dataset's migration breaks (each would
 * fail, or read the wrong thing, run against its new shape), those nothing
 * shows to have run before it, each with the reason. A migration not yet
 * applied (merged, not deployed) runs after the dataset moved, so it is
 * history only on evidence, and a repository holds little:
 *
 * - pending migrations are the newest: of the files the change breaks, each
 *   sequence's newest (by version, Alembic's down_revision chain, the Sqitch
 *   plan, a changelog's sqlFile order; and any whose order is not known) goes
 *   to a person, and one with a later one the change breaks after it is taken
 *   as run (two pending at once are the case this misses).
 * - a Rails schema dump beside its folder that leaves a migration out
 *   (`db/structure.sql` lists every version run where it was made,
 *   `db/schema.rb` holds the newest) proves it pending, however old. A dump
 *   naming it proves no more than that: it was made on a developer's
 *   database, and a migration committed with its dump is just the one not yet
 *   deployed where the dataset lives.
 *
 * Erring to a person: over-caution costs a look, calling a pending migration
 * unaffected breaks a deployment.
 */
export function unprovenHistory(
  breaking: ChangedFile[],
  files: ChangedFile[],
): Map<string, string> {
  const unproven = new Map<string, string>();
  const sequences = new Map<string, ChangedFile[]>();
  for (const file of breaking) {
    const dump = railsDump(file, files);
    if (dump && !dump.applied)
      unproven.set(
        file.path,
        `the schema dump ${dump.path} ${dump.says}: it had not run where the dump was made, and once deployed it runs after the dataset moved, against its new shape`,
      );
    const key = sequenceOf(file.path);
    sequences.set(key, [...(sequences.get(key) ?? []), file]);
  }
  const later = runsLater(files);
  for (const sequence of sequences.values())
    for (const file of sequence)
      if (
        !unproven.has(file.path) &&
        !sequence.some(other => later(other, file))
      )
        unproven.set(
          file.path,
          'nothing in the repository shows it ran before the dataset’s migration where the dataset lives, and it is the newest of its migrations the change breaks, the one a deployment may not have run yet: if it is still pending, it runs after the dataset moved, against its new shape',
        );
  return unproven;
}

/** A repository's migration order and its files by sequence, found once per file list. */
const orderings = new WeakMap<
  ChangedFile[],
  {
    later: ReturnType<typeof runsLater>;
    bySequence: Map<string, ChangedFile[]>;
  }
>();

/**
 * Whether a rollback of one step undoes `file` (`rails db:rollback`, `alembic
 * downgrade -1`, `flyway undo`, `migrate down 1`): no migration of its
 * sequence in the repository runs after it. An older one's down part runs
 * only when several steps are rolled back, and then, its statements meeting
 * the view, fails rather than misreads; sending every such file to a person
 * held each migration of an app's own tables (24-37 files in a Rails app a
 * probe of round 35 read).
 */
export function undoneFirst(file: ChangedFile, files: ChangedFile[]): boolean {
  const { later, bySequence } = orderOf(files);
  return !(bySequence.get(sequenceOf(file.path)) ?? []).some(other =>
    later(other, file),
  );
}

function orderOf(files: ChangedFile[]) {
  let order = orderings.get(files);
  if (!order) {
    const bySequence = new Map<string, ChangedFile[]>();
    for (const f of files) {
      const key = sequenceOf(f.path);
      bySequence.set(key, [...(bySequence.get(key) ?? []), f]);
    }
    order = { later: runsLater(files), bySequence };
    orderings.set(files, order);
  }
  return order;
}

/** Whether `other` runs after `file`, both in one sequence of migrations. */
function laterInOrder(
  files: ChangedFile[],
): (other: ChangedFile, file: ChangedFile) => boolean {
  const { later } = orderOf(files);
  return (other, file) =>
    sequenceOf(other.path) === sequenceOf(file.path) && later(other, file);
}

/** A Rails migration's schema dump (`db/schema.rb`, `db/structure.sql`, `db/<name>_schema.rb` for `db/<name>_migrate/`), and whether it shows the file applied. */
function railsDump(
  file: ChangedFile,
  files: ChangedFile[],
): { path: string; applied: boolean; says: string } | undefined {
  const m = /^(.*?)(\w+_)?migrate\/(\d+)_[^/]+\.rb$/.exec(file.path);
  if (!m) return undefined;
  const [, dir, prefix = ''] = m;
  const version = BigInt(m[3]);
  const dumps: { path: string; applied: boolean; says: string }[] = [];
  const structure = files.find(f => f.path === `${dir}${prefix}structure.sql`);
  // One INSERT of every version (Rails 5+), or one per version (older dumps,
  // which a probe of round 37 saw read as listing only their first).
  const listed = [
    ...(structure?.content.matchAll(
      /\binsert\s+into\s+(?:"?\w+"?\.)?"?schema_migrations"?\s*\(\s*"?version"?\s*\)\s*values\s*[^;]*/gi,
    ) ?? []),
  ];
  if (structure && listed.length > 0) {
    const applied = listed.some(insert =>
      [...insert[0].matchAll(/'(\d+)'/g)].some(v => BigInt(v[1]) === version),
    );
    dumps.push({
      path: structure.path,
      applied,
      says: applied ? 'lists it' : `does not list version ${m[3]}`,
    });
  }
  const schema = files.find(f => f.path === `${dir}${prefix}schema.rb`);
  const at = schema?.content.match(
    /ActiveRecord::Schema(?:\[[\d.]+\])?\.define\s*\(\s*version:\s*([\d_]+)/,
  );
  if (schema && at) {
    const applied = BigInt(at[1].replace(/_/g, '')) >= version;
    dumps.push({
      path: schema.path,
      applied,
      says: `is at version ${at[1]}, before ${m[3]}`,
    });
  }
  if (dumps.length === 0) return undefined;
  // Any dump leaving it out decides: the repository says it is pending.
  return dumps.find(d => !d.applied) ?? dumps[0];
}

/** The sequence a migration runs in: its folder, or the folder of Prisma's and Diesel's migration folders. */
function sequenceOf(path: string): string {
  const release = RELEASE_SCRIPT.exec(path);
  if (release) return release[1].replace(/\/$/, '');
  const dir = path.replace(/\/?[^/]*$/, '');
  return /(?:^|\/)migrations\/[^/]+$/.test(dir) &&
    /\/(?:migration|up|down)\.sql$/i.test(path)
    ? dir.replace(/\/?[^/]*$/, '')
    : dir;
}

/** A migration's version by its name (or its folder's): `V1_2__`, `20240101120000_`, `0002_`, Doctrine's `Version20240101120000`. */
function versionOf(path: string): bigint[] | undefined {
  const release = RELEASE_SCRIPT.exec(path);
  if (release) {
    // Releases of fewer parts are padded, so 0.23's 01 comes before 0.23.1's.
    const parts = release[2].split('.').map(BigInt);
    while (parts.length < 4) parts.push(0n);
    return [...parts, BigInt(release[3])];
  }
  const parts = path.split('/');
  const name = /^(?:migration|up|down)\.sql$/i.test(parts[parts.length - 1])
    ? parts[parts.length - 2] ?? ''
    : parts[parts.length - 1];
  const m = /^(?:Version|[VUB])?(\d+(?:[._-]\d+)*)/i.exec(name);
  return m ? m[1].split(/[._-]/).map(BigInt) : undefined;
}

type Alembic = { revision: string | undefined; down: string[] };

/**
 * Whether `other` runs after `file` in their sequence: a greater version, an
 * Alembic revision descending from it, a later line of the Sqitch plan, a
 * later sqlFile of a Liquibase changelog. What it reads of the repository
 * (the Alembic revisions, the plan, the changelogs) is read once, when first
 * needed, and each file's place once: `unprovenHistory` compares every pair
 * of a sequence, and reading every file again for each pair took 25 s for
 * 100 migrations among 2,000 files (found by a review).
 */
function runsLater(
  files: ChangedFile[],
): (other: ChangedFile, file: ChangedFile) => boolean {
  const once = <T>(compute: () => T): (() => T) => {
    let value: { of: T } | undefined;
    return () => (value ??= { of: compute() }).of;
  };
  const perFile = <T>(compute: (f: ChangedFile) => T) => {
    const known = new Map<ChangedFile, T>();
    return (f: ChangedFile): T => {
      if (!known.has(f)) known.set(f, compute(f));
      return known.get(f)!;
    };
  };

  const alembic = perFile(
    (f): Alembic => ({
      revision:
        /^[ \t\uFEFF]*revision\s*(?::[^=\n]*)?=\s*['"]([^'"]+)['"]/m.exec(
          f.content,
        )?.[1],
      down: [
        ...(
          /^[ \t\uFEFF]*down_revision[ \t]*(?::[^=\n\r]*)?=([^\n]*)/m.exec(
            f.content,
          )?.[1] ?? ''
        ).matchAll(/['"]([^'"]+)['"]/g),
      ].map(m => m[1]),
    }),
  );
  const byRevision = once(
    () =>
      new Map(
        files
          .filter(f => /\.py$/.test(f.path))
          .map(f => [alembic(f).revision, f] as const),
      ),
  );
  // Every revision reached walking back from a file along down_revision.
  const ancestors = perFile(f => {
    const seen = new Set<string>();
    const queue = [...alembic(f).down];
    while (queue.length > 0) {
      const revision = queue.shift()!;
      if (seen.has(revision)) continue;
      seen.add(revision);
      const parent = byRevision().get(revision);
      if (parent) queue.push(...alembic(parent).down);
    }
    return seen;
  });

  const planLines = once(() =>
    files.find(f => /(?:^|\/)sqitch\.plan$/.test(f.path))?.content.split('\n'),
  );
  const planLine = perFile(f =>
    planLines()!.findIndex(l =>
      l.startsWith(`${f.path.replace(/^.*\/|\.sql$/g, '')} `),
    ),
  );

  // SQL files a Liquibase changelog runs: in the order of its changesets.
  const changelogs = once(() =>
    changelogsOf(files)
      .map(c => [
        ...c.content.matchAll(
          /\bsqlFile\b[^>]{0,300}?\bpath["']?\s*[=:]\s*["']?([^"'\s>]+)/g,
        ),
      ])
      .map(runs =>
        runs.map(m => ({
          path: m[1].replace(/^(?:\.\/|classpath:)/, ''),
          index: m.index!,
        })),
      ),
  );
  // Where each changelog runs the file, by the changelogs' order.
  const runAt = perFile(f =>
    changelogs().map(runs => runs.find(r => f.path.endsWith(r.path))?.index),
  );

  const version = perFile(f => versionOf(f.path));

  return (other, file) => {
    if (other === file) return false;
    const mine = alembic(file).revision;
    if (mine !== undefined && /\.py$/.test(file.path))
      return ancestors(other).has(mine);
    if (
      planLines() !== undefined &&
      /(?:^|\/)(?:deploy|revert)\/[^/]+\.sql$/.test(file.path)
    )
      return planLine(file) >= 0 && planLine(other) > planLine(file);
    const mineAt = runAt(file);
    const otherAt = runAt(other);
    const changelog = mineAt.findIndex(
      (at, i) => at !== undefined && otherAt[i] !== undefined,
    );
    if (changelog >= 0) return otherAt[changelog]! > mineAt[changelog]!;
    const a = version(other);
    const b = version(file);
    if (!a || !b) return false;
    for (let i = 0; i < Math.max(a.length, b.length); i++) {
      const x = a[i] ?? 0n;
      const y = b[i] ?? 0n;
      if (x !== y) return x > y;
    }
    return false;
  };
}

/** What of a function's body is read for the dataset's name. */
const BODY_READ = 20_000;

/**
 * Functions and procedures a migration creates whose body reads `table`, and
 * that no file run after it replaces or drops (found by round 38's probe:
 * Rails' `execute "CREATE FUNCTION bump() … UPDATE links SET visit_count =
 * …"`). Such a body keeps running in the database as it was written, and
 * PostgreSQL keeps no dependency on what it names (only a `BEGIN ATOMIC`
 * body's), so no look at the database shows it reading the dataset: applied,
 * the migration is history, but what it made is a reader. A later
 * migration's down part, or a down script, replaces nothing going forward.
 */
export function liveRoutinesReading(
  file: ChangedFile,
  files: ChangedFile[],
  table: string,
): string[] {
  const created =
    /\bcreate\s+(?:or\s+replace\s+)?(?:function|procedure)\s+(?:(?:"[^"\n]+"|[\w$]+)\s*\.\s*)?("[^"\n]+"|[\w$]+)\s*\(/gi;
  const reads = new RegExp(`(?<![\\w$])${escapeRegExp(table)}(?![\\w$])`, 'i');
  const replacing = routinesReplaced(files);
  const later = laterInOrder(files);
  const routines = new Set<string>();
  for (const m of file.content.matchAll(created)) {
    const name = m[1].replace(/^"|"$/g, '').toLowerCase();
    if (routines.has(name)) continue;
    const from = m.index + m[0].length;
    // The body: a dollar-quoted text (the usual), else what follows.
    const open = /\$([A-Za-z_]\w*)?\$|\bbegin\s+atomic\b/i.exec(
      file.content.slice(from, from + 2000),
    );
    if (open && /^begin/i.test(open[0])) continue;
    const start = from + (open ? open.index + open[0].length : 0);
    const window = file.content.slice(start, start + BODY_READ);
    const end = open ? window.indexOf(open[0]) : -1;
    if (!reads.test(end === -1 ? window : window.slice(0, end))) continue;
    const replaced = (replacing.get(name) ?? []).some(
      other =>
        other !== file &&
        (migrationHistoryOf(other, files) === undefined || later(other, file)),
    );
    if (!replaced) routines.add(name);
  }
  return [...routines];
}

/**
 * The files that replace or drop each function or procedure, going forward
 * (not a down script, nor a migration's down part), by its name in lower
 * case: found once per file list, so a file of many functions costs one pass.
 */
const replacedByFiles = new WeakMap<
  ChangedFile[],
  Map<string, ChangedFile[]>
>();
function routinesReplaced(files: ChangedFile[]): Map<string, ChangedFile[]> {
  let found = replacedByFiles.get(files);
  if (found) return found;
  found = new Map();
  for (const f of files) {
    if (!/\b(?:replace|drop)\s+(?:function|procedure)\b/i.test(f.content))
      continue;
    const down = migrationHistoryOf(f, files)?.rollback;
    if (down === f.content) continue;
    for (const m of f.content.matchAll(
      /\b(?:create\s+or\s+replace|drop)\s+(?:function|procedure)\s+(?:if\s+exists\s+)?(?:(?:"[^"\n]+"|[\w$]+)\s*\.\s*)?("[^"\n]+"|[\w$]+)/gi,
    )) {
      // In the down part: a rollback's, not a step forward.
      if (down?.includes(f.content.slice(m.index, m.index + m[0].length + 40)))
        continue;
      const name = m[1].replace(/^"|"$/g, '').toLowerCase();
      const list = found.get(name) ?? [];
      if (!list.includes(f)) list.push(f);
      found.set(name, list);
    }
  }
  replacedByFiles.set(files, found);
  return found;
}
