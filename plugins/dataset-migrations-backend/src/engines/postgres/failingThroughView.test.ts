/**
 * Statements that work on a table and fail once its name is a view (`COPY …
 * TO`, `TRUNCATE`, upserts by constraint…): where pg_stat_statements is
 * preloaded and the engine may read every role's statements, the plan and the
 * cut-over's log name those it has seen run on the dataset, and nothing else;
 * where it may not, the plan names the upserts by constraint writers may send.
 * Needs `shared_preload_libraries`: on a server of the test's own.
 */
import knexFactory, { type Knex } from 'knex';
import { Client, type PoolClient } from 'pg';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { FieldChange } from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  startRestartablePostgres,
  type RestartablePostgres,
} from '../../__testUtils__/postgresServer';
import { createTestEngine } from '../../__testUtils__/testDatabases';
import { engineRun, outcomeOf } from '../../__testUtils__/engineRun';
import { routinesQuery, throughViewWarnings } from './failingThroughView';
import { parseRelationName, resolveDataset } from './relations';

describe('PostgresDatasetEngine: statements that fail through the view', () => {
  let server: RestartablePostgres;
  let admin: Knex;
  let db: Knex;
  let engine: DatasetEngine | undefined;
  let database = 0;
  const urlOf = (name: string, user?: string) => {
    const url = new URL(server.url);
    url.pathname = `/${name}`;
    if (user) {
      url.username = user;
      url.password = user;
    }
    return url.toString();
  };
  const connect = (name: string) =>
    knexFactory({
      client: 'pg',
      connection: urlOf(name),
      pool: { min: 0, max: 2 },
    });

  beforeAll(async () => {
    server = await startRestartablePostgres();
    admin = connect('postgres');
    await admin.raw(
      `ALTER SYSTEM SET shared_preload_libraries = 'pg_stat_statements'`,
    );
    await admin.destroy();
    await server.stop();
    await server.start();
    admin = connect('postgres');
  }, 120_000);

  beforeEach(async () => {
    database += 1;
    await admin.raw(`CREATE DATABASE d${database}`);
    db = connect(`d${database}`);
    await db.raw(`
      CREATE TABLE public.orders (id int PRIMARY KEY, amount int, note text);
      CREATE TABLE public.orders_archive (id int PRIMARY KEY, amount int);
      CREATE SCHEMA other;
      CREATE TABLE other.orders (id int PRIMARY KEY, amount int);
      INSERT INTO public.orders SELECT i, i, 'n' FROM generate_series(1, 100) i`);
  });

  afterEach(async () => {
    await engine?.close?.();
    engine = undefined;
    await db.destroy();
  });

  afterAll(async () => {
    await admin?.destroy();
    await server?.destroy();
  }, 60_000);

  /** Statements run, as readers and writers of the database would. */
  async function workload(statements: string[]) {
    for (const sql of statements) await db.raw(sql);
  }

  async function cutOverWarning(
    changes: FieldChange[],
    url = urlOf(`d${database}`),
  ) {
    engine = await createTestEngine(url);
    const made = await engineRun(engine, 'public.orders', changes);
    const cutOver = (await engine.plan(made.run)).find(
      s => s.name === 'cut-over',
    )!;
    return { ...made, description: (cutOver.warnings ?? []).join('\n') };
  }

  it('names each statement seen that fails from the cut-over, and no other', async () => {
    await db.raw(`CREATE EXTENSION pg_stat_statements`);
    await workload([
      `COPY public.orders TO '/dev/null'`,
      `COPY "orders" (id, amount) TO '/dev/null' WITH (FORMAT csv)`,
      `TRUNCATE public.orders_archive`,
      `INSERT INTO orders (id, amount) VALUES (1, 5)
         ON CONFLICT ON CONSTRAINT orders_pkey DO UPDATE SET amount = excluded.amount`,
      // Not the dataset, or fine through a view.
      `COPY (SELECT * FROM public.orders) TO '/dev/null'`,
      `COPY public.orders_archive TO '/dev/null'`,
      `COPY other.orders TO '/dev/null'`,
      `INSERT INTO orders (id, amount) VALUES (2, 5) ON CONFLICT (id) DO NOTHING`,
      `SELECT count(*) FROM public.orders WHERE note = 'truncate'`,
      `CREATE TABLE public."Orders" (id int)`,
      `TRUNCATE public."Orders"`,
      `ALTER TABLE public.orders ALTER COLUMN note SET DEFAULT 'n'`,
    ]);
    const { description, run } = await cutOverWarning([
      { addField: { name: 'region', type: 'text' } },
    ]);
    expect(description).toContain(
      'public.orders becomes a view, and pg_stat_statements has seen statements run on it that do not work through a view: ',
    );
    const named = [
      ...description.matchAll(
        /`([^`]*)` \(([^,]*), 1 call, fails from ([^;]*);/g,
      ),
    ].map(([, query, what, from]) => `${what} | ${from} | ${query}`);
    expect(named.sort()).toEqual([
      expect.stringMatching(
        /^COPY to a file or client \| this cut-over \| COPY "orders" \(id, amount\) TO /,
      ),
      expect.stringMatching(
        /^COPY to a file or client \| this cut-over \| COPY public\.orders TO /,
      ),
      expect.stringMatching(
        /^an upsert naming a constraint \| this cut-over \| INSERT INTO orders \(id, amount\) VALUES \(\$1, \$2\) ON CONFLICT ON CONSTRAINT orders_pkey /,
      ),
    ]);
    // Seen statements replace the warning of every constraint.
    expect(description).not.toContain('name its columns instead');
    // A warning: the run goes on.
    expect(await outcomeOf(engine!.migrate(run))).toBe('done');
  }, 60_000);

  it('names upserts by columns and copies in, which fail while the view has a trigger', async () => {
    await db.raw(`CREATE EXTENSION pg_stat_statements`);
    await workload([
      `INSERT INTO public.orders (id, amount) VALUES (2, 5) ON CONFLICT (id) DO NOTHING`,
      `COPY public.orders (id, amount, note) FROM PROGRAM 'echo 500,1,x' WITH (FORMAT csv)`,
      `TRUNCATE TABLE ONLY public.orders_archive, public.orders`,
    ]);
    const { description, run, logs } = await cutOverWarning([
      { changeType: { field: 'amount', type: 'bigint' } },
    ]);
    expect(description).toMatch(
      /`INSERT INTO public\.orders \(id, amount\) VALUES \(\$1, \$2\) ON CONFLICT \(id\) DO NOTHING` \(an upsert, 1 call, fails from this cut-over until contract; instead: MERGE\)/,
    );
    expect(description).toMatch(
      /`COPY public\.orders \(id, amount, note\) FROM [^`]*` \(COPY from a file or client, 1 call, fails from contract; /,
    );
    expect(description).toMatch(
      /`TRUNCATE TABLE ONLY public\.orders_archive, public\.orders` \(TRUNCATE, 1 call, fails from this cut-over; instead: DELETE/,
    );
    expect(await outcomeOf(engine!.migrate(run))).toBe('done');
    expect(logs).toContainEqual(
      expect.stringContaining(
        'public.orders becomes a view, and pg_stat_statements has seen statements run on it',
      ),
    );
    // What it said: through the view with a trigger, the upsert fails.
    expect(
      await outcomeOf(
        db.raw(
          `INSERT INTO public.orders (id, amount) VALUES (2, 5) ON CONFLICT (id) DO NOTHING`,
        ),
      ),
    ).toContain(
      'there is no unique or exclusion constraint matching the ON CONFLICT specification',
    );
  }, 60_000);

  it("names changes to the table, maintenance and pg_dump's copy, each as what it does through a view", async () => {
    await db.raw(`CREATE EXTENSION pg_stat_statements`);
    await workload([
      `ALTER TABLE public.orders ADD COLUMN extra int`,
      `ALTER TABLE public.orders OWNER TO CURRENT_USER`,
      `CREATE INDEX orders_amount ON public.orders (amount)`,
      `CLUSTER public.orders USING orders_pkey`,
      `REINDEX TABLE public.orders`,
      `VACUUM (ANALYZE) public.orders`,
      `CREATE TABLE public.lines (id int, order_id int REFERENCES public.orders)`,
      // Gone again: the engine refuses a table a foreign key references.
      `DROP TABLE public.lines`,
      `COPY public.orders (id, amount, note, extra) TO '/dev/null'`,
    ]);
    const { description } = await cutOverWarning([
      { addField: { name: 'region', type: 'text' } },
    ]);
    const named = [
      ...description.matchAll(/`([^`]*)` \(([^,]*), 1 call, ([^;]*);/g),
    ].map(([, query, what, does]) => `${what} | ${does} | ${query}`);
    expect(named.sort()).toEqual(
      [
        "COPY to a file or client | fails from this cut-over | COPY public.orders (id, amount, note, extra) TO '/dev/null'",
        'VACUUM or ANALYZE | does nothing from this cut-over (PostgreSQL skips a view, with a warning) | VACUUM (ANALYZE) public.orders',
        'a change to the table | fails from this cut-over | ALTER TABLE public.orders ADD COLUMN extra int',
        'a change to the table | fails from this cut-over | CLUSTER public.orders USING orders_pkey',
        'a change to the table | fails from this cut-over | CREATE INDEX orders_amount ON public.orders (amount)',
        'a change to the table | fails from this cut-over | CREATE TABLE public.lines (id int, order_id int REFERENCES public.orders)',
        'a change to the table | fails from this cut-over | REINDEX TABLE public.orders',
      ].sort(),
    );
  }, 60_000);

  it("tells pg_dump's own copy apart: a whole-database dump goes on working", async () => {
    await db.raw(`CREATE EXTENSION pg_stat_statements`);
    // As pg_dump sends it, for each table it dumps (the rows go to the client).
    await workload([`COPY public.orders (id, amount, note) TO stdout;`]);
    const { description } = await cutOverWarning([
      { addField: { name: 'region', type: 'text' } },
    ]);
    expect(description).toContain(
      '`COPY public.orders (id, amount, note) TO stdout` (COPY to a client, as pg_dump sends it, 1 call, dumps no row from this cut-over with `pg_dump -t`; instead: a whole-database pg_dump goes on working; with `pg_dump -t public.orders`, name its version’s table too)',
    );
  }, 60_000);

  it.each([
    [
      'not tracking utility statements',
      `ALTER DATABASE d{db} SET pg_stat_statements.track_utility = off`,
    ],
    [
      'in a schema the engine cannot use',
      `ALTER EXTENSION pg_stat_statements SET SCHEMA monitor`,
    ],
  ])(
    'falls back to warning of every upsert by constraint where pg_stat_statements cannot show them (%s)',
    async (_, setUp) => {
      await db.raw(`CREATE SCHEMA monitor`);
      await db.raw(`CREATE EXTENSION pg_stat_statements`);
      await admin.raw(
        `DO $$ BEGIN
           IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'watcher') THEN
             CREATE ROLE watcher LOGIN PASSWORD 'watcher' IN ROLE pg_read_all_stats;
           END IF;
         END $$`,
      );
      await db.raw(`
        ALTER TABLE public.orders OWNER TO watcher;
        GRANT ALL ON SCHEMA public TO watcher;
        GRANT CREATE ON DATABASE d${database} TO watcher;
        REVOKE ALL ON SCHEMA monitor FROM PUBLIC`);
      await db.raw(setUp.replace('{db}', String(database)));
      const { description } = await cutOverWarning(
        [{ addField: { name: 'region', type: 'text' } }],
        urlOf(`d${database}`, 'watcher'),
      );
      expect(description).toContain(
        '`ON CONFLICT ON CONSTRAINT orders_pkey` (name its columns instead: `ON CONFLICT (id)`)',
      );
      expect(description).not.toContain('has seen statements');
    },
    60_000,
  );

  it('says nothing where pg_stat_statements has seen nothing that fails', async () => {
    await db.raw(`CREATE EXTENSION pg_stat_statements`);
    await workload([`SELECT * FROM public.orders`]);
    const { description } = await cutOverWarning([
      { addField: { name: 'region', type: 'text' } },
    ]);
    expect(description).toBe('');
  }, 60_000);

  it.each([
    ['not installed in the database', false],
    ['hidden from a role not in pg_read_all_stats', true],
  ])(
    'warns of every upsert by constraint where pg_stat_statements cannot be read (%s)',
    async (_, installed) => {
      if (installed) {
        await db.raw(`CREATE EXTENSION pg_stat_statements`);
        await admin.raw(
          `DO $$ BEGIN
             IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'migrator') THEN
               CREATE ROLE migrator LOGIN PASSWORD 'migrator' CREATEDB;
             END IF;
           END $$`,
        );
        await db.raw(`
          ALTER TABLE public.orders OWNER TO migrator;
          GRANT ALL ON SCHEMA public TO migrator;
          GRANT CREATE ON DATABASE d${database} TO migrator`);
      }
      await workload([`COPY public.orders TO '/dev/null'`]);
      const { description } = await cutOverWarning(
        [{ addField: { name: 'region', type: 'text' } }],
        installed ? urlOf(`d${database}`, 'migrator') : undefined,
      );
      expect(description).toContain(
        '`ON CONFLICT ON CONSTRAINT orders_pkey` (name its columns instead: `ON CONFLICT (id)`); change such writers before the migration; other statements fail through a view too (COPY … TO, TRUNCATE, ALTER TABLE: see docs/engine.md): with pg_stat_statements tracking utility statements, read by a role in pg_read_all_stats, the engine names those it has seen instead',
      );
      expect(description).not.toContain('has seen statements');
    },
    60_000,
  );

  /** Functions of the database's own, with statements failing through a view. */
  const FUNCTIONS = `
    CREATE FUNCTION public.reset_orders() RETURNS void LANGUAGE plpgsql AS $f$
    DECLARE
      kept int; -- keeps TRUNCATE public.orders_archive as it is
    BEGIN
      IF now() > '2000-01-01; ' THEN TRUNCATE public.orders; END IF;
    END $f$;
    CREATE PROCEDURE other.export_orders(path text) LANGUAGE sql
      AS $f$ COPY "orders" TO '/dev/null' $f$;
    CREATE FUNCTION public.archive() RETURNS trigger LANGUAGE plpgsql AS $f$
    BEGIN
      INSERT INTO orders (id, amount) VALUES (NEW.id, NEW.amount)
        ON CONFLICT ON CONSTRAINT orders_pkey DO NOTHING;
      RETURN NEW;
    END $f$;
    CREATE TRIGGER archive_back AFTER INSERT ON public.orders_archive
      FOR EACH ROW EXECUTE FUNCTION public.archive();
    CREATE FUNCTION public.empty_orders() RETURNS void LANGUAGE plpgsql
      AS $f$ BEGIN EXECUTE 'TRUNCATE public.orders'; END $f$;
    CREATE FUNCTION public.empty_named(t text) RETURNS void LANGUAGE plpgsql
      AS $f$ BEGIN EXECUTE format('TRUNCATE %I.%I', 'public', 'orders'); END $f$`;

  /** Functions not the dataset's, only reading it, or naming no table they run. */
  const NOT_FAILING = `
    CREATE FUNCTION public.trim_archive() RETURNS void LANGUAGE plpgsql AS $f$
    BEGIN
      TRUNCATE public.orders_archive;
      COPY other.orders TO '/dev/null';
      INSERT INTO public."Orders" VALUES (1) ON CONFLICT DO NOTHING;
    END $f$;
    CREATE FUNCTION public.total() RETURNS bigint LANGUAGE sql
      AS $f$ SELECT sum(amount) FROM public.orders $f$;
    CREATE FUNCTION public.told() RETURNS void LANGUAGE plpgsql AS $f$
    BEGIN
      RAISE NOTICE 'cannot truncate orders, copy it instead';
      PERFORM count(*) FROM orders;
    END $f$;
    CREATE FUNCTION public.empty_any(t text) RETURNS void LANGUAGE plpgsql
      AS $f$ BEGIN EXECUTE format('TRUNCATE %I', t); PERFORM * FROM orders; END $f$`;

  it("names the statements of the database's functions that fail from the cut-over, where pg_stat_statements cannot see them", async () => {
    await db.raw(`CREATE TABLE public."Orders" (id int PRIMARY KEY)`);
    await db.raw(FUNCTIONS);
    await db.raw(NOT_FAILING);
    const { description, run, logs } = await cutOverWarning([
      { addField: { name: 'region', type: 'text' } },
    ]);
    // Without pg_stat_statements, the warning of every upsert by constraint.
    expect(description).toContain('the engine names those it has seen instead');
    const warning = description
      .split('\n')
      .find(w => w.includes('functions of this database'))!;
    expect(warning).toMatch(
      /^public\.orders becomes a view, and functions of this database hold statements on it that do not work through a view \(pg_stat_statements does not see statements run inside functions\): /,
    );
    const named = [...warning.matchAll(/`([^`]*)` in ([^ ]*) (\([^;]*;)/g)].map(
      ([, statement, fn, what]) => `${fn} | ${statement} | ${what}`,
    );
    expect(named.sort()).toEqual(
      [
        'other.export_orders(text) | COPY "orders" TO \'/dev/null\' | (COPY to a file or client, fails from this cut-over;',
        'public.archive() | INSERT INTO orders (id, amount) VALUES (NEW.id, NEW.amount) ON CONFLICT ON CONSTRAINT orders_pkey DO NOTHING | (run by trigger archive_back on public.orders_archive, an upsert naming a constraint, fails from this cut-over;',
        'public.empty_orders() | TRUNCATE public.orders | (in a string it may run, TRUNCATE, fails from this cut-over;',
        'public.reset_orders() | TRUNCATE public.orders | (TRUNCATE, fails from this cut-over;',
      ].sort(),
    );
    expect(warning).toContain(
      'ON CONFLICT ON CONSTRAINT orders_pkey DO NOTHING` in public.archive() (run by trigger archive_back on public.orders_archive, an upsert naming a constraint, fails from this cut-over; instead: name its columns',
    );
    expect(warning).toContain(
      '; public.empty_named(text) runs statements built at run time (EXECUTE) and names public.orders in a string beside a statement',
    );
    expect(warning).not.toMatch(/trim_archive|total|told|empty_any/);
    expect(await outcomeOf(engine!.migrate(run))).toBe('done');
    // The cut-over's log says the same, and nothing of the engine's own
    // trigger functions, there by then.
    expect(logs).toContainEqual(expect.stringContaining(warning));
    // What it said: the function fails through the view.
    expect(await outcomeOf(db.raw(`SELECT public.reset_orders()`))).toContain(
      '"orders" is not a table',
    );
  }, 60_000);

  it('reads the functions of a server before PostgreSQL 14, which has no prosqlbody', async () => {
    await db.raw(FUNCTIONS);
    const client = new Client({ connectionString: urlOf(`d${database}`) });
    await client.connect();
    try {
      // A PostgreSQL 13 as the engine sees it: its version, and no prosqlbody.
      const asThirteen = {
        query: (query: string | { text: string }, values?: unknown[]) => {
          const text = typeof query === 'string' ? query : query.text;
          if (/prosqlbody/.test(text))
            return Promise.reject(
              new Error('column p.prosqlbody does not exist'),
            );
          const as13 = text.replace(
            /current_setting\('server_version_num'\)/g,
            `'130000'`,
          );
          return typeof query === 'string'
            ? client.query(as13, values)
            : client.query({ ...query, text: as13 });
        },
      } as unknown as PoolClient;
      const dataset = await resolveDataset(
        asThirteen,
        parseRelationName('public.orders'),
      );
      const warnings = await throughViewWarnings(asThirteen, dataset, true);
      const warning = warnings.find(w => w.includes('functions of this'))!;
      expect(warning).toContain(
        '`TRUNCATE public.orders` in public.reset_orders() (TRUNCATE, fails from this cut-over;',
      );
      expect(warning).toContain(
        '`COPY "orders" TO \'/dev/null\'` in other.export_orders(text)',
      );
      expect(warnings.join('\n')).not.toContain('could not read');
      // No BEGIN ATOMIC body before 14: the column is not read there.
      expect(routinesQuery(130_000, dataset).text).not.toContain('prosqlbody');
      expect(routinesQuery(140_000, dataset).text).toContain('prosqlbody');
    } finally {
      await client.end();
    }
  }, 60_000);

  it('says it could not read the functions where PostgreSQL refuses, and plans and cuts over all the same', async () => {
    await admin.raw(
      `DO $$ BEGIN
         IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'migrator') THEN
           CREATE ROLE migrator LOGIN PASSWORD 'migrator' CREATEDB;
         END IF;
       END $$`,
    );
    await db.raw(FUNCTIONS);
    await db.raw(`
      ALTER TABLE public.orders OWNER TO migrator;
      GRANT ALL ON SCHEMA public TO migrator;
      GRANT CREATE ON DATABASE d${database} TO migrator`);
    // Every column of pg_proc but the body's tree: the read fails in
    // PostgreSQL itself, as on a server without the column.
    const { rows } = await db.raw(
      `SELECT string_agg(quote_ident(attname), ', ') AS columns FROM pg_attribute
        WHERE attrelid = 'pg_catalog.pg_proc'::regclass AND attnum > 0
          AND attname <> 'prosqlbody'`,
    );
    await db.raw(`
      REVOKE SELECT ON pg_catalog.pg_proc FROM PUBLIC;
      GRANT SELECT (${rows[0].columns}) ON pg_catalog.pg_proc TO PUBLIC`);
    const { description, run, logs } = await cutOverWarning(
      [{ changeType: { field: 'amount', type: 'bigint' } }],
      urlOf(`d${database}`, 'migrator'),
    );
    const warning = description
      .split('\n')
      .find(w => w.includes('could not read'));
    expect(warning).toBe(
      'public.orders becomes a view, and the engine could not read the functions of this database (permission denied for table pg_proc): it names none of their statements that do not work through a view (TRUNCATE, COPY … TO, ALTER TABLE, ON CONFLICT ON CONSTRAINT…: see docs/engine.md; pg_stat_statements does not see statements run inside functions), nor those setting session_replication_role = replica; check them by hand',
    );
    expect(description).not.toContain('functions of this database hold');
    expect(await outcomeOf(engine!.migrate(run))).toBe('done');
    expect(logs).toContainEqual(expect.stringContaining(warning!));
  }, 60_000);

  /**
   * pg_cron's table of jobs as its extension (1.4-1) makes it: pg_cron itself
   * loads only where preloaded, into cron.database_name alone.
   */
  const CRON = `
    CREATE SCHEMA cron;
    CREATE SEQUENCE cron.jobid_seq;
    CREATE TABLE cron.job (
      jobid bigint PRIMARY KEY DEFAULT pg_catalog.nextval('cron.jobid_seq'),
      schedule text NOT NULL,
      command text NOT NULL,
      nodename text NOT NULL DEFAULT 'localhost',
      nodeport int NOT NULL DEFAULT pg_catalog.inet_server_port(),
      database text NOT NULL DEFAULT pg_catalog.current_database(),
      username text NOT NULL DEFAULT current_user,
      active boolean NOT NULL DEFAULT 'true',
      jobname name,
      CONSTRAINT jobname_username_uniq UNIQUE (jobname, username));
    GRANT SELECT ON cron.job TO public;
    ALTER TABLE cron.job ENABLE ROW LEVEL SECURITY;
    CREATE POLICY cron_job_policy ON cron.job USING (username OPERATOR(pg_catalog.=) current_user)`;

  /** pgAgent's tables of jobs and their steps (4.2), but their references. */
  const PGAGENT = `
    CREATE SCHEMA pgagent;
    CREATE TABLE pgagent.pga_job (
      jobid serial NOT NULL PRIMARY KEY,
      jobjclid int4 NOT NULL DEFAULT 1,
      jobname text NOT NULL,
      jobdesc text NOT NULL DEFAULT '',
      jobhostagent text NOT NULL DEFAULT '',
      jobenabled bool NOT NULL DEFAULT true,
      jobcreated timestamptz NOT NULL DEFAULT current_timestamp,
      jobchanged timestamptz NOT NULL DEFAULT current_timestamp,
      jobagentid int4 NULL,
      jobnextrun timestamptz NULL,
      joblastrun timestamptz NULL);
    CREATE TABLE pgagent.pga_jobstep (
      jstid serial NOT NULL PRIMARY KEY,
      jstjobid int4 NOT NULL REFERENCES pgagent.pga_job (jobid) ON DELETE CASCADE,
      jstname text NOT NULL,
      jstdesc text NOT NULL DEFAULT '',
      jstenabled bool NOT NULL DEFAULT true,
      jstkind char NOT NULL CHECK (jstkind IN ('b', 's')),
      jstcode text NOT NULL,
      jstconnstr text NOT NULL DEFAULT '' CHECK ((jstconnstr != '' AND jstkind = 's' ) OR (jstconnstr = '' AND (jstkind = 'b' OR jstdbname != ''))),
      jstdbname name NOT NULL DEFAULT '' CHECK ((jstdbname != '' AND jstkind = 's' ) OR (jstdbname = '' AND (jstkind = 'b' OR jstconnstr != ''))),
      jstonerror char NOT NULL CHECK (jstonerror IN ('f', 's', 'i')) DEFAULT 'f',
      jscnextrun timestamptz NULL)`;

  it('names the jobs pg_cron and pgAgent run in this database that fail through the view', async () => {
    await db.raw(CRON);
    await db.raw(PGAGENT);
    await db.raw(`
      INSERT INTO cron.job (jobname, schedule, command, active, database) VALUES
        ('nightly-trim', '0 3 * * *', 'TRUNCATE public.orders', true, current_database()),
        (NULL, '0 4 * * *', $j$DELETE FROM orders WHERE id < 0; VACUUM orders$j$, true, current_database()),
        ('paused', '0 5 * * *', $j$INSERT INTO orders (id, amount) VALUES (1, 1) ON CONFLICT (id) DO NOTHING$j$, false, current_database()),
        ('loader', '0 6 * * *', $j$SET session_replication_role = replica; INSERT INTO public.orders_archive SELECT id, amount FROM public.orders$j$, true, current_database()),
        -- Not this database's, or working through a view.
        ('elsewhere', '0 3 * * *', 'TRUNCATE public.orders', true, 'postgres'),
        ('reader', '0 3 * * *', 'SELECT count(*) FROM public.orders', true, current_database()),
        ('archive', '0 3 * * *', 'TRUNCATE public.orders_archive', true, current_database());
      INSERT INTO pgagent.pga_job (jobname) VALUES ('weekly');
      INSERT INTO pgagent.pga_jobstep (jstjobid, jstname, jstkind, jstcode, jstdbname) VALUES
        (1, 'export', 's', $j$COPY public.orders TO '/tmp/orders.csv'$j$, current_database()),
        (1, 'elsewhere', 's', 'TRUNCATE public.orders', 'postgres');
      INSERT INTO pgagent.pga_jobstep (jstjobid, jstname, jstkind, jstcode) VALUES
        (1, 'shell', 'b', 'psql -c "TRUNCATE public.orders"')`);
    const { description, run } = await cutOverWarning([
      { changeType: { field: 'amount', type: 'bigint' } },
    ]);
    const warning = description
      .split('\n')
      .find(w => w.includes('jobs scheduled'))!;
    expect(warning).toMatch(
      /^public\.orders becomes a view, and jobs scheduled to run in this database hold statements on it that do not work through a view \(pg_stat_statements names no job, nor a statement not run since its statistics were reset\): /,
    );
    const named = [
      ...warning.matchAll(/`([^`]*)` in (.*?) \((?!jobid)([^;]*); instead/g),
    ].map(([, statement, job, what]) => `${job} | ${statement} | ${what}`);
    expect(named.sort()).toEqual(
      [
        'pg_cron job "nightly-trim" (jobid 1) | TRUNCATE public.orders | TRUNCATE, fails from this cut-over',
        'pg_cron job 2 | VACUUM orders | VACUUM or ANALYZE, does nothing from this cut-over (PostgreSQL skips a view, with a warning)',
        'pg_cron job paused (jobid 3, inactive) | INSERT INTO orders (id, amount) VALUES (1, 1) ON CONFLICT (id) DO NOTHING | an upsert, fails from this cut-over until contract',
        "pgAgent job weekly step export (jobid 1) | COPY public.orders TO '/tmp/orders.csv' | COPY to a file or client, fails from this cut-over",
      ].sort(),
    );
    expect(warning).toContain(
      '`TRUNCATE public.orders` in pg_cron job "nightly-trim" (jobid 1) (TRUNCATE, fails from this cut-over; instead: DELETE, or TRUNCATE the version’s own table)',
    );
    expect(warning).not.toMatch(/elsewhere|reader|archive|shell|not read/);
    expect(description).toContain(
      'pg_cron job loader (jobid 4) sets it; such writers',
    );
    expect(await outcomeOf(engine!.migrate(run))).toBe('done');
    // What it said: the job's statement fails through the view.
    expect(await outcomeOf(db.raw(`TRUNCATE public.orders`))).toContain(
      '"orders" is not a table',
    );
  }, 60_000);

  it("plans where the engine's role may not read pg_cron's jobs, or only its own, and says so", async () => {
    await admin.raw(
      `DO $$ BEGIN
         IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'migrator') THEN
           CREATE ROLE migrator LOGIN PASSWORD 'migrator' CREATEDB;
         END IF;
       END $$`,
    );
    await db.raw(CRON);
    await db.raw(`
      ALTER TABLE public.orders OWNER TO migrator;
      GRANT ALL ON SCHEMA public TO migrator;
      GRANT CREATE ON DATABASE d${database} TO migrator;
      INSERT INTO cron.job (jobname, schedule, command, username) VALUES
        ('own', '0 3 * * *', 'TRUNCATE public.orders', 'migrator'),
        ('theirs', '0 3 * * *', 'TRUNCATE public.orders', current_user)`);
    // As pg_cron makes it: no USAGE on its schema but for its owner.
    const denied = await cutOverWarning(
      [{ addField: { name: 'region', type: 'text' } }],
      urlOf(`d${database}`, 'migrator'),
    );
    expect(denied.description).toContain(
      "public.orders becomes a view, and the engine could not read pg_cron's jobs (the engine's role may not read cron.job): check them by hand for statements on it that do not work through a view",
    );
    expect(denied.description).not.toMatch(/`TRUNCATE public\.orders` in/);
    await engine!.close?.();
    await db.raw(`GRANT USAGE ON SCHEMA cron TO migrator`);
    const own = await cutOverWarning(
      [{ addField: { name: 'region', type: 'text' } }],
      urlOf(`d${database}`, 'migrator'),
    );
    expect(own.description).toContain(
      "`TRUNCATE public.orders` in pg_cron job own (jobid 1) (TRUNCATE, fails from this cut-over; instead: DELETE, or TRUNCATE the version’s own table); change them before the migration; and the engine could not read pg_cron's jobs of other roles (row-level security on cron.job shows the engine's role only its own): check them by hand",
    );
    expect(own.description).not.toContain('theirs');
    expect(await outcomeOf(engine!.migrate(own.run))).toBe('done');
  }, 60_000);

  it('says where pg_cron keeps its jobs in another database, and how many jobs past the first 200 it did not read', async () => {
    await db.raw(
      `ALTER DATABASE d${database} SET cron.database_name = 'postgres'`,
    );
    const elsewhere = await cutOverWarning(
      [{ addField: { name: 'region', type: 'text' } }],
      // A new connection, with the database's settings.
      urlOf(`d${database}`),
    );
    expect(elsewhere.description).toContain(
      "public.orders becomes a view, and the engine could not read pg_cron's jobs, kept in database postgres (cron.database_name), not this one: check them by hand",
    );
    await engine!.close?.();
    await db.raw(CRON);
    await db.raw(`
      INSERT INTO cron.job (jobname, schedule, command)
        SELECT 'trim' || i, '0 3 * * *', 'TRUNCATE public.orders' FROM generate_series(1, 203) i`);
    const { description } = await cutOverWarning([
      { addField: { name: 'region', type: 'text' } },
    ]);
    expect(description).toContain(
      '`TRUNCATE public.orders` in pg_cron job trim1 (jobid 1) (TRUNCATE',
    );
    expect(description).toContain(
      ', and 190 more; change them before the migration; and 3 more jobs naming public.orders (or session_replication_role) not read (the engine reads 200 at most, by scheduler and id): check them by hand',
    );
    expect(description).not.toContain('kept in database postgres');
  }, 60_000);

  /** `count` functions named `<prefix>NNN` with `body`, a statement. */
  async function manyFunctions(prefix: string, count: number, body: string) {
    await db.raw(
      `DO $d$ BEGIN
         FOR i IN 1..${count} LOOP
           EXECUTE format('CREATE FUNCTION public.%I() RETURNS void LANGUAGE plpgsql AS %L',
                          '${prefix}' || lpad(i::text, 3, '0'), $b$${body}$b$);
         END LOOP;
       END $d$`,
    );
  }

  it('narrows functions by whole words: current_date or alternative is no keyword', async () => {
    await manyFunctions(
      'report_',
      250,
      `BEGIN
         -- the alternative: an index_name of current_user's
         PERFORM count(*) FROM public.orders WHERE note <> current_date::text;
       END`,
    );
    await db.raw(`
      CREATE FUNCTION public.zz_reset() RETURNS void LANGUAGE plpgsql
        AS $f$ BEGIN TRUNCATE public.orders; END $f$`);
    const { description } = await cutOverWarning([
      { addField: { name: 'region', type: 'text' } },
    ]);
    expect(description).toContain(
      '`TRUNCATE public.orders` in public.zz_reset() (TRUNCATE, fails from this cut-over;',
    );
    expect(description).not.toContain('not read');
  }, 60_000);

  it('says how many functions that may hold such statements it did not read, past the first 200', async () => {
    await manyFunctions(
      'report_',
      203,
      `BEGIN
         RAISE NOTICE 'cannot truncate orders';
         PERFORM count(*) FROM public.orders;
       END`,
    );
    await db.raw(`
      CREATE FUNCTION public.zz_reset() RETURNS void LANGUAGE plpgsql
        AS $f$ BEGIN TRUNCATE public.orders; END $f$`);
    const { description } = await cutOverWarning([
      { addField: { name: 'region', type: 'text' } },
    ]);
    expect(description).toContain(
      'public.orders becomes a view, and 4 more functions naming public.orders (or session_replication_role) not read (the engine reads 200 at most, by name): check them by hand for statements that do not work through a view',
    );
  }, 60_000);

  it('says nothing of functions only reading the dataset, or writing another table', async () => {
    await db.raw(`CREATE TABLE public."Orders" (id int PRIMARY KEY)`);
    await db.raw(NOT_FAILING);
    // With pg_stat_statements too, where its warning names nothing.
    await db.raw(`CREATE EXTENSION pg_stat_statements`);
    const { description } = await cutOverWarning([
      { changeType: { field: 'amount', type: 'bigint' } },
    ]);
    expect(description).toBe('');
  }, 60_000);

  it('names the functions that set session_replication_role = replica, by their SET clause or their body', async () => {
    await db.raw(`CREATE EXTENSION pg_stat_statements`);
    await db.raw(`
      CREATE FUNCTION public.bulk_load() RETURNS void LANGUAGE sql
        AS $f$ INSERT INTO public.orders (id, amount) VALUES (500, 1) $f$;
      ALTER FUNCTION public.bulk_load() SET session_replication_role = replica;
      CREATE PROCEDURE public.quiet_load() LANGUAGE plpgsql AS $f$
      BEGIN
        PERFORM set_config('session_replication_role', 'replica', true);
        INSERT INTO public.orders (id, amount) VALUES (501, 1);
      END $f$;
      -- Not to replica.
      CREATE FUNCTION public.loud_load() RETURNS void LANGUAGE plpgsql AS $f$
      BEGIN
        SET LOCAL session_replication_role = origin;
      END $f$`);
    await db.raw(`SELECT pg_stat_statements_reset()`);
    await workload([
      `DO $$ BEGIN PERFORM set_config('session_replication_role', 'replica', true); END $$`,
      // Kept as \`set_config($1, $2, $3)\`: as psql restoring a dump sends it.
      `SELECT set_config('session_replication_role', 'replica', false)`,
      `SELECT set_config('search_path', '', false)`,
    ]);
    const { description } = await cutOverWarning([
      { changeType: { field: 'amount', type: 'bigint' } },
    ]);
    expect(description).toContain(
      'in a session with session_replication_role = replica stores nothing and reports its rows as written (PostgreSQL fires no trigger of a view then): pg_stat_statements has seen it set 1 time in this database (to replica, or to a value it does not keep), public.bulk_load() runs with it (its own SET clause), public.quiet_load() sets it; ',
    );
    expect(description).not.toContain('loud_load');
  }, 60_000);

  it('warns that writes under session_replication_role = replica store nothing through a view with a trigger', async () => {
    await db.raw(`CREATE EXTENSION pg_stat_statements`);
    await admin.raw(`DROP ROLE IF EXISTS loader`);
    await admin.raw(`CREATE ROLE loader`);
    await admin.raw(
      `ALTER ROLE loader IN DATABASE d${database} SET session_replication_role = replica`,
    );
    await workload([`SET session_replication_role = replica`]);
    await workload([`SET session_replication_role = DEFAULT`]);
    const plain = await cutOverWarning([
      { addField: { name: 'region', type: 'text' } },
    ]);
    expect(plain.description).not.toContain('session_replication_role');
    await engine!.close?.();
    const { description, run } = await cutOverWarning([
      { changeType: { field: 'amount', type: 'bigint' } },
    ]);
    expect(description).toContain(
      'until contract a write through public.orders in a session with session_replication_role = replica stores nothing and reports its rows as written (PostgreSQL fires no trigger of a view then): role loader has it by default, pg_stat_statements has seen it set 1 time in this database (to replica, or to a value it does not keep); ',
    );
    expect(await outcomeOf(engine!.migrate(run))).toBe('done');
    // What it warns of.
    const written = await db.transaction(async tx => {
      await tx.raw(`SET LOCAL session_replication_role = replica`);
      return (
        await tx.raw(`INSERT INTO public.orders (id, amount) VALUES (1000, 1)`)
      ).rowCount;
    });
    expect(written).toBe(1);
    expect(
      (
        await db.raw(
          `SELECT count(*)::int AS n FROM public.orders WHERE id = 1000`,
        )
      ).rows[0].n,
    ).toBe(0);
  }, 60_000);
});
