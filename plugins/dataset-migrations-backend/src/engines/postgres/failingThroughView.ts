/**
 * Statements that work on the dataset today and fail once its name is a view
 * (see docs/engine.md, "What does not work through a view"): the plan and the
 * cut-over's log warn of them. Where pg_stat_statements is installed and the
 * engine's role may read every role's statements, the warning names the
 * statements it has seen run (it keeps only those that succeeded), else it
 * names the upserts by constraint writers may send, which no plan can see.
 */
import type { PoolClient } from 'pg';
import {
  formatRelation,
  quoteRelation,
  type ResolvedDataset,
} from './relations';
import { escapeRegExp } from '../../sql/regExp';
import { isConnectionLost } from './connection';
import { lowerWords, readBody } from '../../sql/functionBodies';

/** A kind of statement that fails through the view, and from when. */
interface FailingKind {
  what: string;
  /**
   * A JavaScript pattern over a statement as pg_stat_statements keeps it,
   * its spaces made one and its words (all but quoted names) lower case;
   * `{T}` stands for the dataset's name.
   */
  pattern: string;
  /** What it does from when, or undefined where it works in this migration. */
  fails: (first: boolean, untilContract: boolean) => string | undefined;
  /** What to write instead; `{N}` stands for the dataset's name. */
  instead: string;
}

const fromCutOver = (first: boolean) =>
  first ? 'fails from this cut-over' : undefined;

/** The first kind a statement matches is its kind. */
const KINDS: FailingKind[] = [
  {
    // pg_dump's own COPY: a whole-database dump goes on working, dumping the
    // version's table; a dump of this table alone gets the view's definition.
    what: 'COPY to a client, as pg_dump sends it',
    pattern: String.raw`^copy {T} \([^)]*\) to stdout;?$`,
    fails: first =>
      first ? 'dumps no row from this cut-over with `pg_dump -t`' : undefined,
    instead:
      'a whole-database pg_dump goes on working; with `pg_dump -t {N}`, name its version’s table too',
  },
  {
    what: 'COPY to a file or client',
    pattern: String.raw`^copy {T} ?(\([^)]*\) ?)?to\b`,
    fails: fromCutOver,
    instead: 'copy a query: `COPY (SELECT … FROM {N}) TO`',
  },
  {
    what: 'COPY from a file or client',
    pattern: String.raw`^copy {T} ?(\([^)]*\) ?)?from\b`,
    // Through the view's trigger it works as an insert, until contract.
    fails: (first, untilContract) => {
      if (!first) return undefined;
      return untilContract ? 'fails from contract' : 'fails from this cut-over';
    },
    instead: 'INSERT, or COPY into the version’s own table',
  },
  {
    what: 'TRUNCATE',
    pattern: String.raw`^truncate (table )?(only )?([^;]*, ?)?{T}`,
    fails: fromCutOver,
    instead: 'DELETE, or TRUNCATE the version’s own table',
  },
  {
    what: 'an upsert naming a constraint',
    pattern: String.raw`^(with\b.*)?insert into {T}.*\bon conflict on constraint\b`,
    fails: fromCutOver,
    instead: 'name its columns: `ON CONFLICT (…)`',
  },
  {
    what: 'an upsert',
    pattern: String.raw`^(with\b.*)?insert into {T}.*\bon conflict\b`,
    // A view with a trigger matches no constraint; a plain view does.
    fails: (_first, untilContract) =>
      untilContract ? 'fails from this cut-over until contract' : undefined,
    instead: 'MERGE',
  },
  {
    what: 'a write at a cursor',
    pattern: String.raw`^(update (only )?{T}|delete from (only )?{T}).*\bwhere current of\b`,
    fails: fromCutOver,
    instead: 'a write by the row’s key',
  },
  {
    what: 'a table sample',
    pattern: String.raw`{T}( (as )?([a-z_][a-z0-9_$]*|"[^"]+"))? tablesample\b`,
    fails: fromCutOver,
    instead: 'a sample of the version’s own table',
  },
  {
    // What PostgreSQL refuses on a view: not OWNER TO, RENAME or a column's
    // DEFAULT, which act on the view.
    what: 'a change to the table',
    pattern: String.raw`^(alter table (if exists )?(only )?{T} (add|drop|alter (column )?("[^"]+"|\S+) (set data type|type|set not null|drop not null|set statistics|set storage|set compression|add generated|drop identity|drop expression)|enable|disable|force|no force|set (logged|unlogged|tablespace|access method|without|\()|cluster|attach|detach|inherit|no inherit|replica identity|validate)|create (unique )?index (concurrently )?(if not exists )?(("[^"]+"|\S+) )?on (only )?{T}|cluster (verbose |\([^)]*\) )?{T}|reindex (\([^)]*\) )?table (concurrently )?{T})|\breferences {T}`,
    fails: fromCutOver,
    instead: 'the same on the version’s own table',
  },
  {
    what: 'VACUUM or ANALYZE',
    pattern: String.raw`^(vacuum|analyze)\b[^;]*[ ,(]{T}`,
    fails: first =>
      first
        ? 'does nothing from this cut-over (PostgreSQL skips a view, with a warning)'
        : undefined,
    instead: 'the same on the version’s own table',
  },
];

/** A word each kind's statements hold, for PostgreSQL to narrow them by. */
const KEYWORDS =
  '(copy|truncate|conflict|current[[:space:]]+of|tablesample|alter|index|cluster|reindex|references|vacuum|analyze)';

/** SQL: this database's oid, as pg_stat_statements keys statements. */
const THIS_DATABASE =
  '(SELECT oid FROM pg_database WHERE datname = current_database())';

/** A statement pg_stat_statements has seen, and the kind it is of. */
interface Seen {
  query: string;
  calls: number;
  kind: FailingKind;
  fails: string;
}

/** Statements shown at most, the most called first. */
const SEEN_SHOWN = 10;

/**
 * How much of a statement's text is read: its head, where each kind shows but
 * an upsert's `ON CONFLICT` after thousands of values. Any role may send a
 * text megabytes long.
 */
const STATEMENT_READ = 4000;

/** The longest statement text shown. */
const SHOWN_LENGTH = 200;

/**
 * What the plan and the cut-over warn of, if anything. `untilContract`: the
 * view has a trigger until contract (a field retyped, dropped or recomputed).
 */
export async function throughViewWarnings(
  client: PoolClient,
  dataset: ResolvedDataset,
  untilContract: boolean,
): Promise<string[]> {
  const statements = await statementsView(client);
  const read = await routinesNaming(client, dataset, untilContract);
  const jobs = await jobsNaming(client, dataset, untilContract);
  return [
    await failingThroughViewWarning(client, dataset, untilContract, statements),
    failingInRoutinesWarning(dataset, untilContract, read),
    failingInRoutinesWarning(dataset, untilContract, jobs),
    untilContract
      ? await replicaWritersWarning(client, dataset, statements, [
          ...read.routines,
          ...jobs.routines,
        ])
      : undefined,
  ].filter((w): w is string => w !== undefined);
}

/** Each kind failing in this migration, its pattern over the dataset's name. */
function failingPatterns(
  dataset: ResolvedDataset,
  untilContract: boolean,
): { kind: FailingKind; fails: string; pattern: RegExp }[] {
  const first = dataset.kind === 'table';
  const named = namePattern(dataset);
  return KINDS.flatMap(kind => {
    const fails = kind.fails(first, untilContract);
    return fails
      ? [
          {
            kind,
            fails,
            pattern: new RegExp(
              kind.pattern.replace(/\{T\}/g, `(${named})`),
              's',
            ),
          },
        ]
      : [];
  });
}

async function failingThroughViewWarning(
  client: PoolClient,
  dataset: ResolvedDataset,
  untilContract: boolean,
  statements: string | undefined,
): Promise<string | undefined> {
  const first = dataset.kind === 'table';
  const name = formatRelation(dataset.relation);
  const seen =
    statements === undefined
      ? undefined
      : await statementsSeen(client, dataset, untilContract, statements);
  if (seen === undefined) {
    const upserts = first
      ? await upsertsByConstraintWarning(client, dataset, untilContract)
      : undefined;
    return (
      upserts &&
      `${upserts}; other statements fail through a view too (COPY … TO, TRUNCATE, ALTER TABLE: see docs/engine.md): with pg_stat_statements tracking utility statements, read by a role in pg_read_all_stats, the engine names those it has seen instead`
    );
  }
  if (seen.length === 0) return undefined;
  const shown = seen.slice(0, SEEN_SHOWN).map(s => {
    const text =
      s.query.length > SHOWN_LENGTH
        ? `${s.query.slice(0, SHOWN_LENGTH)}…`
        : s.query;
    return `\`${text}\` (${s.kind.what}, ${s.calls} call${
      s.calls === 1 ? '' : 's'
    }, ${s.fails}; instead: ${s.kind.instead.replace(/\{N\}/g, name)})`;
  });
  return `${name} becomes a view, and pg_stat_statements has seen statements run on it that do not work through a view: ${shown.join(
    ', ',
  )}${
    seen.length > SEEN_SHOWN ? `, and ${seen.length - SEEN_SHOWN} more` : ''
  }; change them before the migration (and reset their statistics, pg_stat_statements_reset, so the plan stops naming them)`;
}

/**
 * pg_stat_statements' view, or undefined where what it holds cannot be
 * trusted to show these statements: not installed in this database, not
 * preloaded, not tracking utility statements (COPY, TRUNCATE, ALTER) or any,
 * the view out of the engine's role's reach, or other roles' statements hidden
 * from it. Statements run inside functions (with `track = top`), and those
 * reset or evicted, are not seen.
 */
async function statementsView(client: PoolClient): Promise<string | undefined> {
  const { rows } = await client.query<{ view: string }>(
    `SELECT format('%I.pg_stat_statements', n.nspname) AS view
       FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace
       JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = 'pg_stat_statements'
      WHERE e.extname = 'pg_stat_statements'
        -- Defined only where the library is preloaded; else its view fails.
        AND current_setting('pg_stat_statements.max', true) IS NOT NULL
        AND current_setting('pg_stat_statements.track_utility', true) = 'on'
        AND current_setting('pg_stat_statements.track', true) <> 'none'
        AND pg_has_role(current_user, 'pg_read_all_stats', 'USAGE')
        AND has_schema_privilege(n.oid, 'USAGE')
        AND has_table_privilege(c.oid, 'SELECT')`,
  );
  return rows[0]?.view;
}

/** The statements seen that do not work through the view. */
async function statementsSeen(
  client: PoolClient,
  dataset: ResolvedDataset,
  untilContract: boolean,
  view: string,
): Promise<Seen[]> {
  const patterns = failingPatterns(dataset, untilContract);
  if (patterns.length === 0) return [];
  const { rows } = await client.query<{ query: string; calls: string }>(
    `SELECT left(query, ${STATEMENT_READ}) AS query, sum(calls)::text AS calls FROM ${view}
        WHERE dbid = ${THIS_DATABASE}
          AND left(query, ${STATEMENT_READ}) ~* $1 AND left(query, ${STATEMENT_READ}) ~* $2
        GROUP BY 1 ORDER BY sum(calls) DESC, 1 LIMIT 1000`,
    // Narrowed in SQL by the name's letters and a keyword (PostgreSQL's
    // patterns differ: its \b is a backspace), judged here.
    [escapeRegExp(dataset.relation.name), KEYWORDS],
  );
  return rows.flatMap(row => {
    const query = row.query.replace(/\s+/g, ' ').trim();
    const words = lowerWords(query);
    const found = patterns.find(({ pattern }) => pattern.test(words));
    return found
      ? [
          {
            query,
            calls: Number(row.calls),
            kind: found.kind,
            fails: found.fails,
          },
        ]
      : [];
  });
}

/**
 * A function or procedure of the database's own (not PostgreSQL's, an
 * extension's or the engine's), or a job a scheduler runs in it, as the plan
 * reads it.
 */
interface Routine {
  /** `schema.name(argument types)`, or `pg_cron job nightly (jobid 3)` */
  name: string;
  /**
   * Its body: prosrc, a BEGIN ATOMIC body as pg_get_functiondef writes it, or
   * a job's command.
   */
  body: string;
  /** The triggers that run it, `trigger t on schema.table`. */
  triggers: string[];
  /** Its own SET clause sets session_replication_role to replica. */
  runsAsReplica: boolean;
}

/**
 * A word each kind's statements, or setting session_replication_role, hold: a
 * whole word (`current`, not `current_date`; `alter`, not `alternative`), as
 * each kind's pattern reads it.
 */
const BODY_WORDS = [
  'copy',
  'truncate',
  'conflict',
  'current',
  'tablesample',
  'alter',
  'index',
  'reindex',
  'cluster',
  'references',
  'vacuum',
  'analyze',
  'session_replication_role',
];

/** Functions read at most, and how much of each body. */
const ROUTINES_READ = 200;
const BODY_READ = 100_000;

/** pg_proc.prosqlbody, a BEGIN ATOMIC body's tree, came with PostgreSQL 14. */
const SQL_BODY_VERSION = 140_000;

/** What holds the statements read, as the warnings name it. */
interface Holders {
  /** `functions of this database` */
  what: string;
  /** What pg_stat_statements does not show of them. */
  unseen: string;
  /** One of them: `function`. */
  one: string;
  /** Which are read past the cap: `by name`. */
  order: string;
}

const FUNCTIONS: Holders = {
  what: 'functions of this database',
  unseen: 'pg_stat_statements does not see statements run inside functions',
  one: 'function',
  order: 'by name',
};

const JOBS: Holders = {
  what: 'jobs scheduled to run in this database',
  unseen:
    'pg_stat_statements names no job, nor a statement not run since its statistics were reset',
  one: 'job',
  order: 'by scheduler and id',
};

/** What the plan read of the database's functions, or of its jobs. */
interface RoutinesRead {
  from: Holders;
  routines: Routine[];
  /** Those that may hold such a statement, past ROUTINES_READ: not read. */
  unread: number;
  /** Why none could be read (an error of PostgreSQL's), if so. */
  failed?: string;
  /** What the engine's role may not read, or this connection cannot. */
  unreadable?: string[];
}

/**
 * SQL: whether `text` may hold a statement of a failing kind on the dataset
 * or set session_replication_role, with $1 the dataset's name as a pattern
 * and $2 BODY_WORDS. One pass over every text for the name or the setting;
 * on those alone, a word of a failing kind or the setting, in lower case by
 * strpos (a pattern of many words would take as long as the pass), then as a
 * whole word (not current_date, alternative, index_name).
 */
function mayHoldFailing(text: string): string {
  return `(${text} ~* ('(' || $1 || '|session_replication_role)')
              AND EXISTS (SELECT FROM (SELECT lower(${text}) AS src OFFSET 0) AS s,
                                      unnest($2::text[]) AS w
                           WHERE strpos(s.src, w) > 0
                             AND s.src ~ ('(^|[^a-z0-9_])' || w || '($|[^a-z0-9_])')))`;
}

/**
 * The functions and procedures whose body may hold a statement on the dataset
 * that fails through the view, or may set session_replication_role: those
 * whose text names the dataset beside a keyword of a failing kind (narrowed in
 * SQL, as pg_stat_statements' texts, then judged statement by statement here),
 * those with a BEGIN ATOMIC body bound to it (its text is a tree, not the
 * name: refuseDependents refuses a migration while one is, read here all the
 * same), and those whose body or SET clause mentions the setting. Any role may
 * read pg_proc; the engine's own trigger functions (`dsm_<tag>_…`) write the
 * versions' tables, not the name. Bounded: one pass over every body, then at
 * most ROUTINES_READ functions by name, BODY_READ characters of each; how many
 * more there were is said. Advice only: where PostgreSQL refuses the read (a
 * catalog's privileges revoked, a statement_timeout), the plan and the
 * cut-over go on, and the warning says the functions were not read.
 */
async function routinesNaming(
  client: PoolClient,
  dataset: ResolvedDataset,
  untilContract: boolean,
): Promise<RoutinesRead> {
  // Nothing fails through the view then, and no trigger is skipped.
  if (!untilContract && failingPatterns(dataset, untilContract).length === 0)
    return { from: FUNCTIONS, routines: [], unread: 0 };
  try {
    const { rows: server } = await client.query<{ version: number }>(
      `SELECT current_setting('server_version_num')::int AS version`,
    );
    const { rows } = await client.query<Routine & { kept: number }>(
      routinesQuery(server[0].version, dataset),
    );
    return {
      from: FUNCTIONS,
      routines: rows.map(({ kept: _kept, ...routine }) => routine),
      unread: Math.max(0, (rows[0]?.kept ?? 0) - rows.length),
    };
  } catch (error) {
    // The connection gone: the plan cannot go on, nor the client be reused.
    if (isConnectionLost(error)) throw error;
    return {
      from: FUNCTIONS,
      routines: [],
      unread: 0,
      failed: (error as Error).message,
    };
  }
}

/**
 * The query reading the functions routinesNaming reads, on a server of this
 * version (`server_version_num`): before PostgreSQL 14 there is no
 * prosqlbody, and no BEGIN ATOMIC body. Each row has `kept`, how many
 * functions passed the narrowing, read or not.
 */
export function routinesQuery(
  serverVersion: number,
  dataset: ResolvedDataset,
): { text: string; values: unknown[] } {
  const sqlBody = serverVersion >= SQL_BODY_VERSION;
  const values = [
    escapeRegExp(dataset.relation.name),
    BODY_WORDS,
    // PostgreSQL refuses a value for a parameter the text does not use.
    ...(sqlBody
      ? [quoteRelation(dataset.relation), quoteRelation(dataset.storage)]
      : []),
  ];
  const body = sqlBody
    ? `CASE WHEN p.prosqlbody IS NULL THEN left(p.prosrc, ${BODY_READ})
            ELSE left(pg_get_functiondef(p.oid), ${BODY_READ}) END`
    : `left(p.prosrc, ${BODY_READ})`;
  const boundAtomic = sqlBody
    ? `
             OR (p.prosqlbody IS NOT NULL
                 AND EXISTS (SELECT FROM pg_depend d
                              WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                                AND d.refclassid = 'pg_class'::regclass
                                AND d.refobjid IN (to_regclass($3), to_regclass($4))))`
    : '';
  const text = `WITH kept AS (
     SELECT p.oid,
            format('%I.%I(%s)', n.nspname, p.proname,
                   array_to_string(array(SELECT format_type(a.t, NULL)
                                           FROM unnest(p.proargtypes::oid[]) WITH ORDINALITY AS a(t, i)
                                          ORDER BY a.i), ', ')) AS name
       FROM pg_proc p
       JOIN pg_namespace n ON n.oid = p.pronamespace
       JOIN pg_language l ON l.oid = p.prolang
      WHERE l.lanname IN ('sql', 'plpgsql')
        AND n.nspname NOT IN ('pg_catalog', 'information_schema')
        AND p.proname !~ '^dsm_[0-9a-f]{12}_'
        AND NOT EXISTS (SELECT FROM pg_depend d
                         WHERE d.classid = 'pg_proc'::regclass AND d.objid = p.oid
                           AND d.deptype = 'e')
        AND (${mayHoldFailing('p.prosrc')}
             OR EXISTS (SELECT FROM unnest(p.proconfig) AS c
                         WHERE c ~* '^session_replication_role=.*replica')${boundAtomic})),
   read AS (SELECT oid, name FROM kept ORDER BY name LIMIT ${ROUTINES_READ})
   SELECT r.name,
          ${body} AS body,
          array(SELECT format('trigger %I on %I.%I', t.tgname, tn.nspname, tc.relname)
                  FROM pg_trigger t JOIN pg_class tc ON tc.oid = t.tgrelid
                  JOIN pg_namespace tn ON tn.oid = tc.relnamespace
                 WHERE t.tgfoid = p.oid AND NOT t.tgisinternal
                 ORDER BY 1) AS triggers,
          coalesce(EXISTS (SELECT FROM unnest(p.proconfig) AS c
                            WHERE c ~* '^session_replication_role=.*replica'), false) AS "runsAsReplica",
          (SELECT count(*) FROM kept)::int AS kept
     FROM read r JOIN pg_proc p ON p.oid = r.oid
    ORDER BY r.name`;
  return { text, values };
}

/**
 * A scheduler keeping in tables the statements it runs in a database: a
 * `TRUNCATE orders` scheduled at night breaks at cut-over as one in a
 * function does.
 */
interface Scheduler {
  /** As the warning names its jobs: `pg_cron's jobs` */
  what: string;
  /** The tables it keeps them in, `schema.table`, all read. */
  tables: string[];
  /**
   * A setting naming the one database it keeps its tables in, said where
   * they are not here (and the role may read it).
   */
  keptIn?: string;
  /**
   * SQL: its statements run in this database, each row's `scheduler` (its
   * rank), `key`, `name`, `id` (beside the name, or NULL), `active` and
   * `body`.
   */
  rows: string;
}

const SCHEDULERS: Scheduler[] = [
  {
    // pg_cron runs each command, statements and all, as one query string in
    // `database` (on `nodename`, or on this server with background workers).
    // Inactive jobs are named too, as inactive: a job is paused to be resumed.
    // jobname and active came with pg_cron 1.3 and 1.1: read from the row's
    // JSON, on any version. Its row-level security shows a role (not a
    // superuser) only its own jobs.
    what: "pg_cron's jobs",
    tables: ['cron.job'],
    keptIn: 'cron.database_name',
    rows: `SELECT 1 AS scheduler, j.jobid::bigint AS key,
                  'pg_cron job ' || coalesce(quote_ident(to_jsonb(j) ->> 'jobname'), j.jobid::text) AS name,
                  CASE WHEN to_jsonb(j) ->> 'jobname' IS NOT NULL THEN 'jobid ' || j.jobid END AS id,
                  coalesce((to_jsonb(j) ->> 'active')::boolean, true) AS active,
                  j.command AS body
             FROM cron.job j
            WHERE j.database = current_database()`,
  },
  {
    // pgAgent's SQL steps (jstkind 's'), read where its tables are here (most
    // keep them in the maintenance database, which no setting names); a step
    // run over a connection string (jstconnstr) has no jstdbname: not read.
    what: "pgAgent's job steps",
    tables: ['pgagent.pga_job', 'pgagent.pga_jobstep'],
    rows: `SELECT 2, s.jstid::bigint,
                  format('pgAgent job %I step %I', j.jobname, s.jstname),
                  format('jobid %s', j.jobid),
                  j.jobenabled AND s.jstenabled,
                  s.jstcode
             FROM pgagent.pga_jobstep s JOIN pgagent.pga_job j ON j.jobid = s.jstjobid
            WHERE s.jstkind = 's' AND s.jstdbname = current_database()`,
  },
];

/**
 * The jobs of the schedulers whose tables are in this database that may hold
 * a statement on the dataset failing through the view, or set
 * session_replication_role: narrowed as functions are, at most ROUTINES_READ
 * of them, BODY_READ characters of each. One query finds the tables and what
 * the engine's role may read of them, one more reads those it may (none
 * where no scheduler's tables are here). Advice only: what the role may not
 * read, or a scheduler keeps in another database, is said, and a refusal of
 * PostgreSQL's is the warning that the jobs were not read.
 */
async function jobsNaming(
  client: PoolClient,
  dataset: ResolvedDataset,
  untilContract: boolean,
): Promise<RoutinesRead> {
  if (!untilContract && failingPatterns(dataset, untilContract).length === 0)
    return { from: JOBS, routines: [], unread: 0 };
  try {
    const { rows: found } = await client.query<{
      tables: Record<string, 'denied' | 'own rows' | 'read'>;
      settings: Record<string, string | null>;
      database: string;
    }>(
      `SELECT coalesce(jsonb_object_agg(format('%s.%s', n.nspname, c.relname),
                         CASE WHEN NOT (has_schema_privilege(n.oid, 'USAGE')
                                        AND has_table_privilege(c.oid, 'SELECT')) THEN 'denied'
                              WHEN row_security_active(c.oid) THEN 'own rows'
                              ELSE 'read' END), '{}') AS tables,
              -- pg_cron's cron.database_name is for superusers alone: hidden
              -- from others (shown, it fails the read), and not said then.
              (SELECT coalesce(jsonb_object_agg(s, current_setting(s, true)), '{}')
                 FROM unnest($2::text[]) AS s
                WHERE pg_has_role('pg_read_all_settings', 'USAGE')) AS settings,
              current_database() AS database
         FROM unnest($1::text[]) AS t(name)
         JOIN pg_namespace n ON n.nspname = split_part(t.name, '.', 1)
         JOIN pg_class c ON c.relnamespace = n.oid AND c.relname = split_part(t.name, '.', 2)`,
      [
        SCHEDULERS.flatMap(s => s.tables),
        SCHEDULERS.flatMap(s => (s.keptIn ? [s.keptIn] : [])),
      ],
    );
    const { tables, settings, database } = found[0];
    const unreadable: string[] = [];
    const readable = SCHEDULERS.filter(s => {
      const states = s.tables.map(t => tables[t]);
      const elsewhere = s.keptIn && settings[s.keptIn];
      if (states.some(state => state === undefined)) {
        if (elsewhere && elsewhere !== database)
          unreadable.push(
            `${s.what}, kept in database ${elsewhere} (${s.keptIn}), not this one`,
          );
        return false;
      }
      if (states.includes('denied')) {
        unreadable.push(
          `${s.what} (the engine's role may not read ${s.tables.join(
            ' and ',
          )})`,
        );
        return false;
      }
      if (states.includes('own rows'))
        unreadable.push(
          `${s.what} of other roles (row-level security on ${s.tables.join(
            ' and ',
          )} shows the engine's role only its own)`,
        );
      return true;
    });
    if (readable.length === 0)
      return { from: JOBS, routines: [], unread: 0, unreadable };
    const { rows } = await client.query<{
      name: string;
      id: string | null;
      active: boolean;
      body: string;
      kept: number;
    }>(
      `WITH kept AS (SELECT * FROM (${readable
        .map(s => s.rows)
        .join(' UNION ALL ')}) AS j
                      WHERE ${mayHoldFailing('j.body')}),
            read AS (SELECT * FROM kept ORDER BY scheduler, key LIMIT ${ROUTINES_READ})
       SELECT name, id, active, left(body, ${BODY_READ}) AS body,
              (SELECT count(*) FROM kept)::int AS kept
         FROM read ORDER BY scheduler, key`,
      [escapeRegExp(dataset.relation.name), BODY_WORDS],
    );
    return {
      from: JOBS,
      routines: rows.map(row => {
        const about = [row.id, ...(row.active ? [] : ['inactive'])].filter(
          Boolean,
        );
        return {
          name:
            about.length > 0 ? `${row.name} (${about.join(', ')})` : row.name,
          body: row.body,
          triggers: [],
          runsAsReplica: false,
        };
      }),
      unread: Math.max(0, (rows[0]?.kept ?? 0) - rows.length),
      unreadable,
    };
  } catch (error) {
    if (isConnectionLost(error)) throw error;
    return {
      from: JOBS,
      routines: [],
      unread: 0,
      failed: (error as Error).message,
    };
  }
}

/** A statement in a function that fails through the view. */
interface InRoutine {
  routine: Routine;
  text: string;
  kind: FailingKind;
  fails: string;
  /** Found in a string the function holds, which it may run (EXECUTE). */
  inString: boolean;
}

/**
 * The statements of the functions' bodies that fail through the view, and the
 * functions that run statements they build (EXECUTE) and name the dataset in
 * a string beside a keyword of a failing kind.
 *
 * A statement built at run time (`EXECUTE format('TRUNCATE %I', t)`) cannot
 * be read. A string that is itself a failing statement on the dataset
 * (`EXECUTE 'TRUNCATE public.orders'`) is named as one. A function that runs
 * built statements and holds the dataset's name and such a keyword in its
 * strings (`format('TRUNCATE %I', 'orders')`) is named as one that may: a
 * warning of every function using EXECUTE would name each maintenance
 * function of every database, a warning people learn to skip, while one
 * holding the name and the keyword is worth a reader's look.
 */
function routineFindings(
  dataset: ResolvedDataset,
  untilContract: boolean,
  routines: Routine[],
): { found: InRoutine[]; built: Routine[] } {
  const patterns = failingPatterns(dataset, untilContract);
  const named = new RegExp(namePattern(dataset));
  const keyword = new RegExp(
    `\\b${KEYWORDS.replace('[[:space:]]', '\\s')}\\b`,
    'i',
  );
  // Only statements naming it are judged: the name, in lower case.
  const mentioning = dataset.relation.name.toLowerCase();
  const found: InRoutine[] = [];
  const built: Routine[] = [];
  if (patterns.length === 0) return { found, built };
  for (const routine of routines) {
    const atomic = /\bBEGIN\s+ATOMIC\b/i.exec(routine.body);
    const body = readBody(
      atomic ? routine.body.slice(atomic.index) : routine.body,
      mentioning,
    );
    const judge = (
      statements: { text: string; words: string }[],
      inString: boolean,
    ) =>
      statements.flatMap(s => {
        const match = patterns.find(({ pattern }) => pattern.test(s.words));
        return match ? [{ routine, text: s.text, ...match, inString }] : [];
      });
    const own = [
      ...judge(body.statements, false),
      // A string that is a statement: one level down, as EXECUTE runs it.
      ...body.strings.flatMap(text =>
        text.toLowerCase().includes(mentioning)
          ? judge(readBody(text, mentioning).statements, true)
          : [],
      ),
    ];
    found.push(...own);
    if (
      own.length === 0 &&
      /\bexecute\b/i.test(routine.body) &&
      body.strings.some(text => named.test(lowerWords(text))) &&
      body.strings.some(text => keyword.test(text))
    )
      built.push(routine);
  }
  return { found, built };
}

function failingInRoutinesWarning(
  dataset: ResolvedDataset,
  untilContract: boolean,
  read: RoutinesRead,
): string | undefined {
  const name = formatRelation(dataset.relation);
  const { from } = read;
  let findings: ReturnType<typeof routineFindings> = { found: [], built: [] };
  let failed = read.failed;
  try {
    if (!failed)
      findings = routineFindings(dataset, untilContract, read.routines);
  } catch (error) {
    failed = (error as Error).message;
  }
  if (failed)
    // Never silence: the cautious warning, for a reader to do by hand.
    return `${name} becomes a view, and the engine could not read the ${
      from.what
    } (${failed}): it names none of their statements that do not work through a view (TRUNCATE, COPY … TO, ALTER TABLE, ON CONFLICT ON CONSTRAINT…: see docs/engine.md; ${
      from.unseen
    })${
      untilContract
        ? ', nor those setting session_replication_role = replica'
        : ''
    }; check them by hand`;
  const { found, built } = findings;
  const unreadable = read.unreadable ?? [];
  if (
    found.length === 0 &&
    built.length === 0 &&
    read.unread === 0 &&
    unreadable.length === 0
  )
    return undefined;
  const runBy = (r: Routine) =>
    r.triggers.length > 0 ? [`run by ${r.triggers.join(' and ')}`] : [];
  const shown = found.slice(0, SEEN_SHOWN).map(f => {
    const text =
      f.text.length > SHOWN_LENGTH
        ? `${f.text.slice(0, SHOWN_LENGTH)}…`
        : f.text;
    return `\`${text}\` in ${f.routine.name} (${[
      ...(f.inString ? ['in a string it may run'] : []),
      ...runBy(f.routine),
      f.kind.what,
      f.fails,
    ].join(', ')}; instead: ${f.kind.instead.replace(/\{N\}/g, name)})`;
  });
  const parts = [
    ...(shown.length > 0
      ? [
          `${
            from.what
          } hold statements on it that do not work through a view (${
            from.unseen
          }): ${shown.join(', ')}${
            found.length > SEEN_SHOWN
              ? `, and ${found.length - SEEN_SHOWN} more`
              : ''
          }; change them before the migration`,
        ]
      : []),
    ...(built.length > 0
      ? [
          `${built
            .slice(0, SEEN_SHOWN)
            .map(r => [r.name, ...runBy(r).map(by => `(${by})`)].join(' '))
            .join(', ')}${
            built.length > SEEN_SHOWN
              ? `, and ${built.length - SEEN_SHOWN} more`
              : ''
          } run${
            built.length === 1 ? 's' : ''
          } statements built at run time (EXECUTE) and name${
            built.length === 1 ? 's' : ''
          } ${name} in a string beside a statement's keyword (COPY, TRUNCATE, ON CONFLICT, ALTER…): the engine cannot read what they run; read them`,
        ]
      : []),
  ];
  if (read.unread > 0)
    parts.push(
      `${parts.length > 0 ? 'and ' : ''}${read.unread} more ${from.one}${
        read.unread === 1 ? '' : 's'
      } naming ${name} (or session_replication_role) not read (the engine reads ${ROUTINES_READ} at most, ${
        from.order
      }): check them by hand for statements that do not work through a view`,
    );
  if (unreadable.length > 0)
    parts.push(
      `${
        parts.length > 0 ? 'and ' : ''
      }the engine could not read ${unreadable.join(
        ', nor ',
      )}: check them by hand for statements on it that do not work through a view (TRUNCATE, COPY … TO, ALTER TABLE, ON CONFLICT ON CONSTRAINT…: see docs/engine.md)`,
    );
  return `${name} becomes a view, and ${parts.join('; ')}`;
}

/**
 * A body setting session_replication_role to replica: by SET (in its code or
 * a string it runs) or set_config.
 */
const SETS_REPLICA =
  /session_replication_role'*\s*(=|\bto\b)\s*'*replica\b|set_config\s*\(\s*'+session_replication_role'+\s*,\s*'+replica\b/i;

/**
 * Until contract the name is a view with triggers, which PostgreSQL does not
 * fire in a session with session_replication_role = replica (and refuses to
 * fire always, for a view): such a write through the name stores nothing and
 * reports its rows as written (found by a probe, 2026-12-06). Bulk loaders set
 * it to skip foreign keys' checks (AWS DMS's full load, pglogical's apply). The
 * engine cannot see a session's settings, but it can see a role's or
 * database's default, a function's SET clause or body setting it, and, where
 * it may read pg_stat_statements, the setting made by a SET or a set_config
 * in a DO block. Not a `SELECT set_config($1, $2, $3)`: pg_stat_statements
 * keeps its arguments as `$n`, and keeps one entry for every set_config of
 * the database (psql restoring a pg_dump sends one for search_path), so it
 * tells nothing. Nor a connection's options (`options=-c
 * session_replication_role=replica`), which no catalog keeps.
 */
async function replicaWritersWarning(
  client: PoolClient,
  dataset: ResolvedDataset,
  statements: string | undefined,
  routines: Routine[],
): Promise<string | undefined> {
  const { rows: defaults } = await client.query<{ who: string }>(
    `SELECT CASE WHEN s.setrole = 0 THEN 'every role' ELSE format('role %I', r.rolname) END
            || CASE WHEN s.setdatabase = 0 THEN ' in every database' ELSE '' END AS who
       FROM pg_db_role_setting s LEFT JOIN pg_roles r ON r.oid = s.setrole
      WHERE s.setdatabase IN (0, ${THIS_DATABASE})
        AND EXISTS (SELECT FROM unnest(s.setconfig) AS c
                     WHERE c ~* '^session_replication_role=.*replica')
      ORDER BY 1`,
  );
  const evidence = defaults.map(d => `${d.who} has it by default`);
  if (statements !== undefined) {
    const { rows } = await client.query<{ calls: string | null }>(
      `SELECT sum(calls)::text AS calls FROM ${statements}
        WHERE dbid = ${THIS_DATABASE}
          -- PostgreSQL 18 keeps \`= replica\` as \`= $1\`, and DEFAULT as it is;
          -- a set_config's arguments it keeps as they are only in a utility
          -- statement's text (a DO block): in a SELECT they are \`$1, $2\`.
          AND (query ~* 'session_replication_role\\s*(=|to)\\s*(\\$[0-9]|''?replica)'
               OR query ~* 'set_config\\s*\\(\\s*''+session_replication_role''+\\s*,\\s*''+replica')`,
    );
    const calls = Number(rows[0]?.calls ?? 0);
    if (calls > 0)
      evidence.push(
        `pg_stat_statements has seen it set ${calls} time${
          calls === 1 ? '' : 's'
        } in this database (to replica, or to a value it does not keep)`,
      );
  }
  for (const r of routines) {
    if (r.runsAsReplica)
      evidence.push(`${r.name} runs with it (its own SET clause)`);
    else if (SETS_REPLICA.test(r.body)) evidence.push(`${r.name} sets it`);
  }
  if (evidence.length === 0) return undefined;
  return `until contract a write through ${formatRelation(
    dataset.relation,
  )} in a session with session_replication_role = replica stores nothing and reports its rows as written (PostgreSQL fires no trigger of a view then): ${evidence.join(
    ', ',
  )}; such writers (bulk loads, replication) must wait for contract or write to the new version's own table`;
}

/**
 * The dataset's name as a statement, its words made lower case, spells it:
 * bare (where the name is in lower case, as PostgreSQL folds a bare name) or
 * quoted as it is, after its own schema or none; not after another schema. A
 * bare name may be another schema's table on the writer's search_path.
 */
function namePattern(dataset: ResolvedDataset): string {
  const part = (p: string) =>
    [
      ...(/^[a-z_][a-z0-9_$]*$/.test(p) ? [escapeRegExp(p)] : []),
      escapeRegExp(`"${p.replace(/"/g, '""')}"`),
    ].join('|');
  const { schema, name } = dataset.relation;
  return String.raw`(?<![a-z0-9_$."])((${part(schema)}) ?\. ?)?(${part(
    name,
  )})(?![a-z0-9_$"])`;
}

/**
 * The first cut-over makes the name a view, and PostgreSQL looks the constraint
 * of `INSERT … ON CONFLICT ON CONSTRAINT <c>` up on the view itself, which has
 * none: such an upsert through the name fails from then on, by the table's
 * constraint name or the new version's alike (found by a probe, 2026-12-06),
 * and no constraint the engine builds can change that. Upserts naming the
 * columns (`ON CONFLICT (email)`) find the new version's unique indexes.
 * Without pg_stat_statements the engine cannot see which statements writers
 * send, so the plan and the cut-over's log name each constraint such a writer
 * may use, with the columns to name instead.
 */
async function upsertsByConstraintWarning(
  client: PoolClient,
  dataset: ResolvedDataset,
  untilContract: boolean,
): Promise<string | undefined> {
  const { rows } = await client.query<{ name: string; columns: string[] }>(
    `SELECT c.conname::text AS name,
            array(SELECT quote_ident(a.attname) FROM unnest(c.conkey) WITH ORDINALITY AS k(n, i)
                    JOIN pg_attribute a ON a.attrelid = c.conrelid AND a.attnum = k.n
                   ORDER BY k.i) AS columns
       FROM pg_constraint c
      WHERE c.conrelid = $1::regclass AND c.contype IN ('p', 'u')
      ORDER BY c.contype, c.conname`,
    [quoteRelation(dataset.storage)],
  );
  if (rows.length === 0) return undefined;
  return `from this cut-over ${formatRelation(
    dataset.relation,
  )} is a view, and an upsert naming a constraint through it fails (\`constraint … does not exist\`: PostgreSQL looks the constraint up on the view, which has none), before and after contract: ${rows
    .map(
      r =>
        `\`ON CONFLICT ON CONSTRAINT ${
          r.name
        }\` (name its columns instead: \`ON CONFLICT (${r.columns.join(
          ', ',
        )})\`)`,
    )
    .join(', ')}${
    untilContract
      ? '; and until contract no upsert through it works, by its columns neither (no constraint matches, and `ON CONFLICT DO NOTHING` fails on a conflicting row): use MERGE'
      : ''
  }; change such writers before the migration`;
}
