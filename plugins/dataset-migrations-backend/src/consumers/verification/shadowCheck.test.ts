import type { Knex } from 'knex';
import {
  MigrationInterruptedError,
  type DatasetEngine,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  connectionUrlOf,
  createTestDatabases,
  createTestEngine,
  waitFor,
} from '../../__testUtils__/testDatabases';
import { loadSqlParser } from '../../sql/sqlParser';
import { dbtProjectOf, type DbtProject } from '../sql/dbtProject';
import { consumerMapping } from '../sql/fieldMapping';
import { rewriteSqlFile } from '../sql/rewriteSql';
import { shadowCheckFile } from '../../__testUtils__/shadowCheckFile';

const target = {
  schema: 'public',
  table: 'plays',
  fields: ['id', 'track_id', 'ms'],
};

describe('shadowCheckFile', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  beforeAll(async () => {
    await loadSqlParser();
    knex = await init();
    // Two versions side by side, as after a cut-over: v1 as it was, v2 with track_id renamed.
    await knex.raw(`
      CREATE TABLE public.plays_v1 (id int PRIMARY KEY, track_id text, ms int);
      INSERT INTO public.plays_v1 SELECT g, 't' || (g % 4), g * 10 FROM generate_series(1, 50) g;
      CREATE TABLE public.plays_v2 (id int PRIMARY KEY, track_uri text, ms bigint);
      INSERT INTO public.plays_v2 SELECT id, track_id, ms FROM public.plays_v1;
      CREATE VIEW public.plays AS SELECT * FROM public.plays_v2;
      CREATE SEQUENCE public.plays_seq;
    `);
    engine = await createTestEngine(knex);
  });

  afterAll(async () => {
    await engine.close?.();
  });

  const check = (original: string, rewritten: string) =>
    shadowCheckFile({
      engine,
      dataset: { table: 'public.plays' },
      target,
      fromVersion: 1,
      targetVersion: 2,
      original: { path: 'q.sql', content: original },
      rewritten: { path: 'q.sql', content: rewritten },
      timeoutMs: 5000,
    });

  it('matches when the rewrite reads the new version the way the original read the old one', async () => {
    const [result] = await check(
      'select plays.track_id, sum(ms) from plays group by plays.track_id;',
      'select plays.track_uri AS track_id, sum(CAST(ms AS integer)) from plays group by plays.track_uri;',
    );
    expect(result.outcome).toBe('match');
    expect(result.before).toEqual({
      rows: 4,
      checksum: result.after!.checksum,
    });
  });

  it('fails a rewrite that computes something else, with rows from each side', async () => {
    const [result] = await check(
      'select track_id, ms from plays where ms > 100',
      'select track_uri AS track_id, CAST(ms AS integer) AS ms from plays where ms >= 100',
    );
    expect(result.outcome).toBe('mismatch');
    expect(result.before!.rows).toBe(40);
    expect(result.after!.rows).toBe(41);
    expect(result.differingRows).toEqual([{ side: 'after', row: '(t2,100)' }]);
  });

  it('reads statements that end in a comment, and fails a rewrite whose columns are named differently', async () => {
    const [commented] = await check(
      'select track_id from plays -- the end',
      'select track_uri AS track_id from plays -- the end',
    );
    expect(commented.outcome).toBe('match');
    const [renamed] = await check(
      'select track_id from plays',
      'select track_uri from plays',
    );
    expect(renamed.outcome).toBe('mismatch');
    expect(renamed.detail).toMatch(
      /returns other columns \(track_uri:25\) than the original \(track_id:25\)/,
    );
  });

  it('reports a check whose connection was terminated as an interruption, to be retried, not as a mismatch', async () => {
    const checking = check(
      'select id, pg_sleep(5) from plays where id = 1',
      'select id, pg_sleep(5) from plays where id = 1',
    );
    const outcome = checking.then(
      checks => ({ checks }),
      error => ({ error }),
    );
    const terminated = await waitFor(
      async () => {
        const { rows } = await knex.raw(
          `SELECT count(*) FILTER (WHERE pg_terminate_backend(pid))::int AS n FROM pg_stat_activity
            WHERE query LIKE '%pg_sleep(5)%' AND pid <> pg_backend_pid()`,
        );
        return rows[0].n > 0 ? rows[0].n : undefined;
      },
      { timeoutMs: 20_000, what: 'the check to be running' },
    );
    expect(terminated).toBeGreaterThan(0);
    const result = await outcome;
    expect(result).toEqual({ error: expect.any(MigrationInterruptedError) });
    expect((result as { error: Error }).error.message).toMatch(
      /^the database is unavailable: /,
    );
  });

  it('cannot change data: the check runs read-only', async () => {
    const [result] = await check(
      'select track_id from plays',
      "select track_uri AS track_id from plays where nextval('public.plays_seq') > 0",
    );
    expect(result.outcome).toBe('mismatch');
    // Refused twice over: its role may not use the sequence, and the transaction is read-only.
    expect(result.detail).toMatch(
      /read-only transaction|permission denied for sequence/,
    );
    const [{ called }] = (
      await knex.raw('select is_called as called from public.plays_seq')
    ).rows;
    expect(called).toBe(false);
  });

  it("runs consumer SQL as a role that cannot read the server's files", async () => {
    // The engine's own role (a superuser here) could.
    const { rows } = await knex.raw(
      `select pg_read_file('PG_VERSION') as content`,
    );
    expect(rows[0].content).toMatch(/^\d+/);

    const [result] = await check(
      "select track_id, pg_read_file('PG_VERSION') as f from plays",
      "select track_uri AS track_id, pg_read_file('PG_VERSION') as f from plays",
    );
    expect(result.outcome).toBe('mismatch');
    expect(result.detail).toMatch(
      /permission denied for function pg_read_file/,
    );
    expect(result.differingRows).toBeUndefined();
  });

  it('refuses to run consumer SQL as a role configured to be a superuser', async () => {
    const url = new URL(connectionUrlOf(knex));
    const asSuperuser = await createTestEngine(knex, {
      config: {
        shadowCheck: {
          user: decodeURIComponent(url.username),
          password: decodeURIComponent(url.password),
        },
      },
    });
    try {
      const [result] = await shadowCheckFile({
        engine: asSuperuser,
        dataset: { table: 'public.plays' },
        target,
        fromVersion: 1,
        targetVersion: 2,
        original: { path: 'q.sql', content: 'select track_id from plays' },
        rewritten: {
          path: 'q.sql',
          content: 'select track_uri AS track_id from plays',
        },
        timeoutMs: 5000,
      });
      expect(result.outcome).toBe('mismatch');
      expect(result.detail).toMatch(
        /may read more than the datasets it is granted \(a superuser/,
      );
    } finally {
      await asSuperuser.close?.();
    }
  });

  it('makes its role while another session makes the same role', async () => {
    const user = `dsm_shadow_race_${Date.now()}`;
    const own = await createTestEngine(knex, {
      config: { shadowCheck: { user, password: 'race-password' } },
    });
    // Another check (another replica) makes the role first, not yet committed: this
    // check's CREATE ROLE waits for it, then meets pg_authid's unique index.
    const other = await knex.client.acquireConnection();
    try {
      await other.query('BEGIN');
      await other.query(
        `CREATE ROLE ${user} LOGIN NOINHERIT PASSWORD 'race-password'`,
      );
      const checking = shadowCheckFile({
        engine: own,
        dataset: { table: 'public.plays' },
        target,
        fromVersion: 1,
        targetVersion: 2,
        original: { path: 'q.sql', content: 'select track_id from plays' },
        rewritten: {
          path: 'q.sql',
          content: 'select track_uri AS track_id from plays',
        },
        timeoutMs: 5000,
      });
      await new Promise(resolve => setTimeout(resolve, 500));
      await other.query('COMMIT');
      const [result] = await checking;
      expect(result.detail).toBeUndefined();
      expect(result.outcome).toBe('match');
    } finally {
      await knex.client.releaseConnection(other);
      await own.close?.();
    }
  });

  it('grants its versions to the role while another session changes their rights', async () => {
    await knex.raw(`
      CREATE TABLE public.laps_v1 (id int PRIMARY KEY, track_id text);
      INSERT INTO public.laps_v1 SELECT g, 't' || g FROM generate_series(1, 20) g;
      CREATE TABLE public.laps_v2 (id int PRIMARY KEY, track_uri text);
      INSERT INTO public.laps_v2 SELECT id, track_id FROM public.laps_v1;
    `);
    // Another session (an operator, a check on another replica) is granting on the
    // same version, not yet committed: the check's own GRANT waits, and then meets
    // PostgreSQL's "tuple concurrently updated".
    const other = await knex.client.acquireConnection();
    await other.query('BEGIN');
    await other.query('GRANT SELECT ON public.laps_v1 TO PUBLIC');
    const checking = shadowCheckFile({
      engine,
      dataset: { table: 'public.laps' },
      target: { schema: 'public', table: 'laps', fields: ['id', 'track_id'] },
      fromVersion: 1,
      targetVersion: 2,
      original: { path: 'q.sql', content: 'select track_id from laps' },
      rewritten: {
        path: 'q.sql',
        content: 'select track_uri AS track_id from laps',
      },
      timeoutMs: 5000,
    });
    await new Promise(resolve => setTimeout(resolve, 500));
    await other.query('COMMIT');
    await knex.client.releaseConnection(other);
    expect((await checking).map(c => c.outcome)).toEqual(['match']);
  });

  it('creates its role while another session creates the same role', async () => {
    // Two first checks at once (two replicas, or the campaign's and a direct run's):
    // the one that waited on the other's uncommitted role meets a unique violation.
    const role = 'dsm_shadow_race';
    const racing = await createTestEngine(knex, {
      config: { shadowCheck: { user: role, password: 'race-pw' } },
    });
    const other = await knex.client.acquireConnection();
    try {
      await other.query('BEGIN');
      await other.query(
        `CREATE ROLE ${role} LOGIN NOINHERIT PASSWORD 'race-pw'`,
      );
      const checking = shadowCheckFile({
        engine: racing,
        dataset: { table: 'public.plays' },
        target,
        fromVersion: 1,
        targetVersion: 2,
        original: { path: 'q.sql', content: 'select track_id from plays' },
        rewritten: {
          path: 'q.sql',
          content: 'select track_uri AS track_id from plays',
        },
        timeoutMs: 5000,
      });
      await new Promise(resolve => setTimeout(resolve, 500));
      await other.query('COMMIT');
      expect((await checking).map(c => [c.outcome, c.detail])).toEqual([
        ['match', undefined],
      ]);
    } finally {
      await knex.client.releaseConnection(other);
      await racing.close?.();
    }
  });

  it("skips a statement that reads a table other than the dataset's versions", async () => {
    await knex.raw(
      `CREATE TABLE public.secrets (id int, token text);
       INSERT INTO public.secrets VALUES (1, 'hunter2')`,
    );
    const [result] = await check(
      'select p.track_id, s.token from plays p join secrets s on s.id = p.id',
      'select p.track_uri AS track_id, s.token from plays p join secrets s on s.id = p.id',
    );
    expect(result).toMatchObject({ outcome: 'skipped' });
    expect(result.detail).toMatch(
      /permission denied for table secrets: shadow checks may read only the dataset's versions/,
    );
  });

  it('fails, rather than skips, a check whose missing relation is named by the rows: its error quotes them', async () => {
    const [result] = await check(
      'select (select min(track_id) from plays)::regclass',
      'select (select min(track_uri) from plays)::regclass',
    );
    expect(result).toMatchObject({
      outcome: 'mismatch',
      detail: expect.stringMatching(/^the check failed: relation "t0"/),
    });
  });

  it('fails, rather than skips, a check whose error only words itself as a refusal: the rows can word an error', async () => {
    // Errors of another kind (invalid input syntax) whose text the statement
    // made of the rows and of a refusal's words: the words decide nothing.
    const checks = await check(
      "select ((select min(track_id) from plays) || ' permission denied for table x')::int;\nselect ('relation \"plays\" does not exist ' || (select min(track_id) from plays))::int;",
      "select ((select min(track_uri) from plays) || ' permission denied for table x')::int;\nselect ('relation \"plays\" does not exist ' || (select min(track_uri) from plays))::int;",
    );
    expect(checks.map(c => [c.outcome, c.detail?.split(':')[0]])).toEqual([
      ['mismatch', 'the check failed'],
      ['mismatch', 'the check failed'],
    ]);
  });

  it('skips statements it cannot run here, saying why', async () => {
    const checks = await check(
      "select p.track_id from plays p join users u on u.id = p.id;\nselect * from {{ ref('other') }} o join plays p on p.id = o.id;",
      "select p.track_uri AS track_id from plays p join users u on u.id = p.id;\nselect * from {{ ref('other') }} o join plays p on p.id = o.id;",
    );
    expect(checks.map(c => c.outcome)).toEqual(['skipped', 'skipped']);
    expect(checks[0].detail).toMatch(/relation "users" does not exist/);
    expect(checks[1].detail).toMatch(/Jinja/);
  });

  describe('dbt models with Jinja beyond ref() and source()', () => {
    const project = dbtProjectOf([
      {
        path: 'dbt_project.yml',
        content: 'name: p\nvars:\n  buckets: [1, 2]\n',
      },
      {
        path: 'macros/seconds.sql',
        content:
          '{% macro seconds(column) %}({{ column }} / 1000.0){% endmacro %}',
      },
      {
        path: 'models/staging/sources.yml',
        content:
          'version: 2\nsources:\n  - name: raw\n    schema: public\n    tables:\n      - name: plays\n',
      },
    ]);
    const model = (column: string, op = '=') =>
      [
        "{{ config(materialized='view') }}",
        `select ${column},`,
        "{% for b in var('buckets') %}",
        `  sum(case when id % 3 ${op} {{ b }} then {{ seconds('ms') }} else 0 end) as bucket_{{ b }},`,
        '{% endfor %}',
        '  count(*) as n',
        "from {{ source('raw', 'plays') }}",
        '{% if is_incremental() %}where id > 100{% endif %}',
        `group by 1`,
      ].join('\n');
    const dbtCheck = (original: string, rewritten: string) =>
      shadowCheckFile({
        engine,
        dataset: { table: 'public.plays' },
        target: { ...target, dbt: project },
        fromVersion: 1,
        targetVersion: 2,
        original: { path: 'models/plays_by_track.sql', content: original },
        rewritten: { path: 'models/plays_by_track.sql', content: rewritten },
        timeoutMs: 5000,
      });

    it('runs both sides as dbt renders them, macros and loops included', async () => {
      const [result] = await dbtCheck(
        model('track_id'),
        model('track_uri as track_id'),
      );
      expect(result).toMatchObject({ outcome: 'match', before: { rows: 4 } });
    });

    it('fails a rewrite whose rendered SQL computes something else', async () => {
      const [result] = await dbtCheck(
        model('track_id'),
        model('track_uri as track_id', '>='),
      );
      expect(result.outcome).toBe('mismatch');
    });

    // dbt-utils' generate_surrogate_key, installed by `dbt deps` under dbt_packages/.
    const withPackage = (...files: Array<{ path: string; content: string }>) =>
      dbtProjectOf([
        ...files,
        {
          path: 'models/staging/sources.yml',
          content:
            'version: 2\nsources:\n  - name: raw\n    schema: public\n    tables:\n      - name: plays\n',
        },
      ]);
    const keyed = (column: string) =>
      `select {{ dbt_utils.generate_surrogate_key(['id', '${column}']) }} as k from {{ source('raw', 'plays') }}`;
    const packageCheck = (
      withPackages: DbtProject,
      original: string,
      rewritten: string,
    ) =>
      shadowCheckFile({
        engine,
        dataset: { table: 'public.plays' },
        target: { ...target, dbt: withPackages },
        fromVersion: 1,
        targetVersion: 2,
        original: { path: 'models/keys.sql', content: original },
        rewritten: { path: 'models/keys.sql', content: rewritten },
        timeoutMs: 5000,
      });

    it('runs a model calling an installed package’s macro, and says so when packages.yml names one not installed', async () => {
      const installed = withPackage(
        { path: 'dbt_project.yml', content: 'name: p\n' },
        {
          path: 'dbt_packages/dbt_utils/dbt_project.yml',
          content: "name: 'dbt_utils'\n",
        },
        {
          path: 'dbt_packages/dbt_utils/macros/keys.sql',
          content: [
            "{%- macro generate_surrogate_key(field_list) -%}{{ return(adapter.dispatch('generate_surrogate_key', 'dbt_utils')(field_list)) }}{% endmacro %}",
            '{%- macro default__generate_surrogate_key(field_list) -%}',
            '{%- set fields = [] -%}',
            '{%- for field in field_list -%}{%- do fields.append("coalesce(cast(" ~ field ~ " as " ~ dbt.type_string() ~ "), \'\')") -%}{%- endfor -%}',
            '{{ dbt.hash(dbt.concat(fields)) }}',
            '{%- endmacro -%}',
          ].join('\n'),
        },
      );
      expect(
        await packageCheck(installed, keyed('track_id'), keyed('track_uri')),
      ).toEqual([expect.objectContaining({ outcome: 'match' })]);
      // The same hash of another column differs: the rendered SQL really ran.
      expect(
        await packageCheck(installed, keyed('track_id'), keyed('id')),
      ).toEqual([expect.objectContaining({ outcome: 'mismatch' })]);

      const declared = withPackage(
        { path: 'dbt_project.yml', content: 'name: p\n' },
        {
          path: 'packages.yml',
          content:
            'packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.3.3\n',
        },
      );
      const [skipped] = await packageCheck(
        declared,
        keyed('track_id'),
        keyed('track_uri'),
      );
      expect(skipped).toMatchObject({ outcome: 'skipped' });
      expect(skipped.detail).toMatch(
        /^not shadow-checked: .*the package dbt_utils, which packages.yml names and the repository does not hold installed/,
      );
    });

    // Before dbt's own date, string and aggregate macros rendered, such a model was skipped.
    it("runs a model built with dbt's cross-database macros as dbt-postgres renders them", async () => {
      const spread = (column: string) =>
        [
          'select',
          `  {{ dbt.listagg(dbt.safe_cast('${column}', dbt.type_string()), "','", 'order by ' ~ '${column}', 3) }} as tracks,`,
          "  {{ dbt.datediff(dbt.dateadd('day', 'min(id)', \"date '2026-01-01'\"), dbt.last_day(\"date '2026-01-01'\", 'month'), 'day') }} as days,",
          `  {{ dbt.any_value(dbt.split_part('${column}', "'t'", -1)) }} as last_digit`,
          "from {{ source('raw', 'plays') }}",
          'group by ms % 2',
        ].join('\n');
      expect(await dbtCheck(spread('track_id'), spread('track_uri'))).toEqual([
        expect.objectContaining({ outcome: 'match' }),
      ]);
      // Another column's values differ: the rendered SQL really ran.
      expect(await dbtCheck(spread('track_id'), spread('id'))).toEqual([
        expect.objectContaining({ outcome: 'mismatch' }),
      ]);
      // dbt.equals renders by a behaviour flag this does not read: still skipped.
      const equals = `select {{ dbt.equals('track_id', "'t1'") }} as one from {{ source('raw', 'plays') }}`;
      expect(await dbtCheck(equals, equals)).toEqual([
        expect.objectContaining({
          outcome: 'skipped',
          detail: expect.stringMatching(/^not shadow-checked: /),
        }),
      ]);
    });

    it('marks a model it cannot render as not shadow-checked, saying why', async () => {
      const star =
        "select {{ dbt_utils.star(source('raw', 'plays')) }} from {{ source('raw', 'plays') }}";
      expect(await dbtCheck(star, star)).toEqual([
        {
          path: 'models/plays_by_track.sql',
          statement: 0,
          outcome: 'skipped',
          detail: expect.stringMatching(
            /^not shadow-checked: its dbt Jinja could not be rendered \(.+\)$/,
          ),
        },
      ]);
    });
  });
});

describe('shadowCheckFile, widened fields and a renamed dataset', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;
  const events = {
    schema: 'public',
    table: 'events',
    fields: ['id', 'score', 'ms'],
  };

  beforeAll(async () => {
    await loadSqlParser();
    knex = await init();
    // v1: real and integer; v2 (renamed to analytics.plays): double precision and
    // bigint, holding v1's values as the backfill casts them.
    await knex.raw(`
      CREATE TABLE public.events_v1 (id int PRIMARY KEY, score real, ms int);
      INSERT INTO public.events_v1 SELECT g, g / 10.0, 2000000000 + g FROM generate_series(1, 30) g;
      CREATE SCHEMA analytics;
      CREATE TABLE analytics.plays_v2 (id int PRIMARY KEY, score double precision, ms bigint);
      INSERT INTO analytics.plays_v2 SELECT id, score, ms FROM public.events_v1;
      CREATE TABLE public.durations_v1 (id int PRIMARY KEY, ms int);
      INSERT INTO public.durations_v1 SELECT g, g * 1001 FROM generate_series(1, 20) g;
      CREATE TABLE public.durations_v2 (id int PRIMARY KEY, ms numeric);
      INSERT INTO public.durations_v2 SELECT id, ms FROM public.durations_v1;
    `);
    engine = await createTestEngine(knex);
  });

  afterAll(async () => {
    await engine.close?.();
  });

  const check = (original: string, rewritten: string, renamed = false) =>
    shadowCheckFile({
      engine,
      dataset: { table: 'public.events' },
      target: events,
      fromVersion: 1,
      targetVersion: 2,
      original: { path: 'q.sql', content: original },
      rewritten: { path: 'q.sql', content: rewritten },
      renamed: renamed
        ? {
            target: { ...events, schema: 'analytics', table: 'plays' },
            dataset: { table: 'analytics.plays' },
          }
        : undefined,
      timeoutMs: 5000,
    });

  it('matches an integer → bigint field read as it is, and no real → double precision one', async () => {
    // The original's columns are compared as the wider type.
    const sql = 'select id, ms, ms + 1 as next from events';
    const [result] = await check(
      sql,
      sql.replace('events', 'analytics.plays'),
      true,
    );
    expect(result.outcome).toBe('match');
    expect(result.before).toEqual(result.after);
    expect(result.before!.rows).toBe(30);
    // Aggregates change type too (sum(integer) is bigint, sum(bigint) numeric).
    const [sum] = await check(
      'select sum(ms) as total from events',
      'select sum(ms) as total from analytics.plays',
      true,
    );
    expect(sum.outcome).toBe('match');
    // 0.1::real prints as 0.1, and as 0.10000000149011612 once double precision,
    // and computes otherwise: the rewriter casts such a field back.
    const [float] = await check(
      'select id, score from events',
      'select id, score from analytics.plays',
      true,
    );
    expect(float.outcome).toBe('mismatch');
    expect(float.detail).toMatch(/returns other columns/);
  });

  it('still fails a widened read whose values differ', async () => {
    const [result] = await check(
      'select id, ms from events',
      'select id, ms + 1 as ms from analytics.plays',
      true,
    );
    expect(result.outcome).toBe('mismatch');
    expect(result.before!.rows).toBe(30);
    expect(result.before!.checksum).not.toBe(result.after!.checksum);
    expect(result.differingRows?.length).toBeGreaterThan(0);
    // A column read in a type that does not widen the original's stays refused.
    const [other] = await check(
      'select id from events',
      'select id::text as id from analytics.plays',
      true,
    );
    expect(other.outcome).toBe('mismatch');
    expect(other.detail).toMatch(/returns other columns/);
  });

  it('reads the rewrite of a renamed dataset from the new name’s version', async () => {
    const [result] = await check(
      'select e.id, e.ms from events e where e.id < 10',
      'select e.id, e.ms from analytics.plays e where e.id < 10',
      true,
    );
    expect(result.outcome).toBe('match');
    expect(result.after!.rows).toBe(9);
  });

  it('proves an integer widened to numeric keeps dividing as an integer once rewritten', async () => {
    const durations = {
      schema: 'public',
      table: 'durations',
      fields: ['id', 'ms'],
    };
    const mapping = consumerMapping(
      [
        { name: 'id', type: 'integer', nullable: false, primaryKey: true },
        { name: 'ms', type: 'integer', nullable: true, primaryKey: false },
      ],
      [{ changeType: { field: 'ms', type: 'numeric' } }],
    );
    const original = 'select id, ms / 1000 as s from durations';
    const rewritten = rewriteSqlFile(
      { path: 'q.sql', content: original },
      durations,
      mapping,
    );
    expect(rewritten.content).toBe(
      'select id, CAST(ms AS bigint) / 1000 as s from durations',
    );
    const compare = (after: string) =>
      shadowCheckFile({
        engine,
        dataset: { table: 'public.durations' },
        target: durations,
        fromVersion: 1,
        targetVersion: 2,
        original: { path: 'q.sql', content: original },
        rewritten: { path: 'q.sql', content: after },
        timeoutMs: 5000,
      });
    const [kept] = await compare(rewritten.content);
    expect(kept.outcome).toBe('match');
    // Read as it is, numeric division returns fractions: the trap the rewrite avoids.
    const [asIs] = await compare(original);
    expect(asIs.outcome).toBe('mismatch');
  });
});
