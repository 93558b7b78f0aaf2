import type { Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import { mockServices } from '@backstage/backend-test-utils';
import {
  createTestDatabases,
  createTestEngine,
  waitFor,
} from '../../__testUtils__/testDatabases';
import { loadSqlParser } from '../../sql/sqlParser';
import { shadowCheckFile } from '../../__testUtils__/shadowCheckFile';

const ROLE = 'dataset_migrations_shadow';

/** The shadow-check role's grants last only while a check runs. */
describe('shadow-check grants', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  beforeAll(async () => {
    await loadSqlParser();
    knex = await init();
    await knex.raw(`
      CREATE SCHEMA music;
      CREATE TABLE music.plays_v1 (id int PRIMARY KEY, track_id text, ms int);
      INSERT INTO music.plays_v1 SELECT g, 't' || (g % 4), g * 10 FROM generate_series(1, 50) g;
      CREATE TABLE music.plays_v2 (id int PRIMARY KEY, track_uri text, ms int);
      INSERT INTO music.plays_v2 SELECT id, track_id, ms FROM music.plays_v1;
      CREATE TABLE music.laps_v1 (id int PRIMARY KEY, secret text);
      INSERT INTO music.laps_v1 VALUES (1, 'another dataset''s row');
      CREATE TABLE music.tracks (track text PRIMARY KEY, title text);
      INSERT INTO music.tracks SELECT 't' || g, 'title ' || g FROM generate_series(0, 3) g;
    `);
    engine = await createTestEngine(knex);
  });

  afterAll(async () => {
    await engine.close?.();
  });

  const check = (
    original: string,
    rewritten: string,
    options: {
      alsoReads?: string[];
      dataset?: string;
      engine?: DatasetEngine;
    } = {},
  ) =>
    shadowCheckFile({
      engine: options.engine ?? engine,
      dataset: { table: `music.${options.dataset ?? 'plays'}` },
      target: {
        schema: 'music',
        table: options.dataset ?? 'plays',
        fields: ['id', 'track_id', 'ms'],
      },
      fromVersion: 1,
      targetVersion: 2,
      original: { path: 'q.sql', content: original },
      rewritten: { path: 'q.sql', content: rewritten },
      timeoutMs: 5000,
      alsoReads: options.alsoReads,
    });

  /** Every right the role holds in this database, as `object: privilege`. */
  const rightsOfRole = async (): Promise<string[]> =>
    (
      await knex.raw(
        `SELECT c.oid::regclass::text || ': ' || a.privilege_type AS r
           FROM pg_class c, aclexplode(c.relacl) a
          WHERE a.grantee = (SELECT oid FROM pg_roles WHERE rolname = ?)
         UNION ALL
         SELECT n.nspname || ': ' || a.privilege_type
           FROM pg_namespace n, aclexplode(n.nspacl) a
          WHERE a.grantee = (SELECT oid FROM pg_roles WHERE rolname = ?)
          ORDER BY 1`,
        [ROLE, ROLE],
      )
    ).rows.map((r: { r: string }) => r.r);

  const mayRead = async (relation: string): Promise<boolean> =>
    (
      await knex.raw(`SELECT has_table_privilege(?, ?, 'SELECT') AS may`, [
        ROLE,
        relation,
      ])
    ).rows[0].may;

  it('leaves the role no right on what a check compared once it ends', async () => {
    const [result] = await check(
      'select track_id, sum(ms) from plays group by track_id',
      'select track_uri AS track_id, sum(ms) from plays group by track_uri',
    );
    expect(result.outcome).toBe('match');
    expect(await mayRead('music.plays_v1')).toBe(false);
    expect(await mayRead('music.plays_v2')).toBe(false);
    expect(await rightsOfRole()).toEqual([]);
  });

  it("refuses consumer SQL another dataset's version, though an earlier check compared it", async () => {
    // A check of the other dataset ran before: its versions were granted then.
    const [earlier] = await check(
      'select id from laps',
      'select id from laps',
      {
        dataset: 'laps',
      },
    );
    expect(earlier.outcome).not.toBe('match'); // laps_v2 does not exist
    const [result] = await check(
      'select p.track_id, l.secret from plays p join music.laps_v1 l using (id)',
      'select p.track_uri AS track_id, l.secret from plays p join music.laps_v1 l using (id)',
    );
    expect(result.outcome).toBe('skipped');
    expect(result.detail).toMatch(
      /permission denied for table laps_v1: shadow checks may read only the dataset's versions and the datasets the consumer declares in dependsOn/,
    );
    expect(result.differingRows).toBeUndefined();
    expect(await rightsOfRole()).toEqual([]);
  });

  it('reads a dataset the consumer declares beside the versions, for that check only', async () => {
    const [result] = await check(
      'select t.title, count(*) from plays p join music.tracks t on t.track = p.track_id group by 1',
      'select t.title, count(*) from plays p join music.tracks t on t.track = p.track_uri group by 1',
      { alsoReads: ['music.tracks'] },
    );
    expect(result.outcome).toBe('match');
    expect(result.before).toBeUndefined();
    expect(await mayRead('music.tracks')).toBe(false);
  });

  it('keeps no value of a dataset read beside: no differing rows, counts or checksums', async () => {
    const [result] = await check(
      'select t.title from plays p join music.tracks t on t.track = p.track_id',
      "select t.title || ' changed' AS title from plays p join music.tracks t on t.track = p.track_uri",
      { alsoReads: ['music.tracks'] },
    );
    expect(result.outcome).toBe('mismatch');
    expect(result.differingRows ?? []).toEqual([]);
    // A row count can be made to equal a value (generate_series(1, salary)).
    expect(result.before).toBeUndefined();
    expect(result.after).toBeUndefined();
    expect(result.detail).toMatch(
      /dependsOn.*no counts, checksums or rows are kept/,
    );
    expect(JSON.stringify(result)).not.toMatch(
      /title \d|"before"|"after"|\d+ rows/,
    );
  });

  it("withholds the engine's message, which may quote a value of a dataset read beside", async () => {
    const [result] = await check(
      'select t.title::int AS n from plays p join music.tracks t on t.track = p.track_id',
      'select t.title::int AS n from plays p join music.tracks t on t.track = p.track_uri',
      { alsoReads: ['music.tracks'] },
    );
    expect(result.outcome).toBe('mismatch');
    expect(result.detail).toMatch(
      /^the check failed: the engine answered SQLSTATE 22P02 \(data exception\).*its message is withheld/,
    );
    expect(JSON.stringify(result)).not.toMatch(/title \d/);
  });

  it('keeps rights a running check holds when another check on the same versions ends first', async () => {
    const slow = check(
      'select p.track_id from plays p, pg_sleep(1.5) s',
      'select p.track_uri AS track_id from plays p, pg_sleep(1.5) s',
    );
    // Several quick checks start and end while the slow one reads.
    await new Promise(resolve => setTimeout(resolve, 300));
    const quick = await Promise.all(
      [1, 2, 3].map(() =>
        check(
          'select track_id from plays',
          'select track_uri AS track_id from plays',
        ),
      ),
    );
    expect(quick.map(([c]) => c.outcome)).toEqual(['match', 'match', 'match']);
    expect(await mayRead('music.plays_v1')).toBe(true);
    const [slowResult] = await slow;
    expect(slowResult.outcome).toBe('match');
    expect(await rightsOfRole()).toEqual([]);
  });

  it('makes the missing role once when several checks start at the same moment', async () => {
    const fresh = await createTestEngine(knex, {
      config: { shadowCheck: { user: 'dsm_shadow_fresh' } },
    });
    try {
      const results = await Promise.all(
        [1, 2, 3, 4].map(() =>
          check(
            'select track_id from plays',
            'select track_uri AS track_id from plays',
            { engine: fresh },
          ),
        ),
      );
      expect(results.map(([c]) => c.outcome)).toEqual(Array(4).fill('match'));
    } finally {
      await fresh.close?.();
    }
  });

  it("leaves the engine's connections free while more checks wait than the role has connections", async () => {
    // Six slow checks: more than the role's connections (2), and than the engine's (4).
    const order: string[] = [];
    const checks = [1, 2, 3, 4, 5, 6].map(() =>
      check(
        'select p.track_id from plays p, pg_sleep(1) s',
        'select p.track_uri AS track_id from plays p, pg_sleep(1) s',
      ).then(([c]) => {
        order.push('check');
        return c;
      }),
    );
    await new Promise(resolve => setTimeout(resolve, 300));
    const read = await engine.introspect({ table: 'music.tracks' });
    order.push('engine');
    expect(read.fields.map(f => f.name)).toEqual(['track', 'title']);
    // Each check sleeps 2 s on the role's connection: the engine answered first.
    expect(order[0]).toBe('engine');
    expect((await Promise.all(checks)).map(c => c.outcome)).toEqual(
      Array(6).fill('match'),
    );
    expect(await rightsOfRole()).toEqual([]);
  });

  describe('a grant revoked while its check runs', () => {
    const sleep = (ms: number) =>
      new Promise(resolve => setTimeout(resolve, ms));
    /** Revokes SELECT on `relation` from the role shortly after each of its next `times` grants. */
    const revokeWhenGranted = async (
      relation: string,
      times: number,
      done: { checked: boolean },
    ) => {
      for (let i = 0; i < times && !done.checked; i++) {
        while (!done.checked && !(await mayRead(relation))) await sleep(10);
        await sleep(300);
        await knex.raw(`REVOKE SELECT ON ${relation} FROM ${ROLE}`);
      }
    };
    const slowCheck = () =>
      check(
        'select p.track_id from plays p, pg_sleep(1.5) s',
        'select p.track_uri AS track_id from plays p, pg_sleep(1.5) s',
      );

    it('is granted anew and the statement checked, not skipped', async () => {
      const done = { checked: false };
      const revoking = revokeWhenGranted('music.plays_v2', 1, done);
      const [result] = await slowCheck();
      done.checked = true;
      await revoking;
      expect(result).toMatchObject({ outcome: 'match', before: { rows: 50 } });
      expect(await rightsOfRole()).toEqual([]);
    });

    it('fails the statement, not verified, when it is revoked again', async () => {
      const done = { checked: false };
      const revoking = revokeWhenGranted('music.plays_v2', 2, done);
      const [result] = await slowCheck();
      done.checked = true;
      await revoking;
      expect(result.outcome).toBe('mismatch');
      expect(result.detail).toMatch(
        /^permission denied for table plays_v2, which the check had granted, 2 times: .*not verified/,
      );
      expect(await rightsOfRole()).toEqual([]);
    });
  });

  it('revokes grants a killed process left, at the next start and after the next check', async () => {
    // As a backend killed mid-check leaves them.
    await knex.raw(
      `GRANT USAGE ON SCHEMA music TO ${ROLE}; GRANT SELECT ON music.laps_v1 TO ${ROLE}`,
    );
    const restarted = await createTestEngine(knex);
    await restarted.close?.();
    expect(await rightsOfRole()).toEqual([]);

    await knex.raw(`GRANT SELECT ON music.laps_v1 TO ${ROLE}`);
    await check(
      'select track_id from plays',
      'select track_uri AS track_id from plays',
    );
    expect(await mayRead('music.laps_v1')).toBe(false);
  });

  it('revokes a right on a column left to the role, after the next check', async () => {
    await knex.raw(`GRANT SELECT (secret) ON music.laps_v1 TO ${ROLE}`);
    const mayReadSecret = async () =>
      (
        await knex.raw(
          `SELECT has_column_privilege(?, 'music.laps_v1', 'secret', 'SELECT') AS may`,
          [ROLE],
        )
      ).rows[0].may;
    expect(await mayReadSecret()).toBe(true);
    await check(
      'select track_id from plays',
      'select track_uri AS track_id from plays',
    );
    expect(await mayReadSecret()).toBe(false);
  });

  it("runs no check with a killed process's grants when the start's sweep failed", async () => {
    // A first check makes the role.
    await check(
      'select track_id from plays',
      'select track_uri AS track_id from plays',
    );
    await knex.raw(
      `GRANT USAGE ON SCHEMA music TO ${ROLE}; GRANT SELECT ON music.laps_v1 TO ${ROLE}`,
    );
    // The start's sweep cannot revoke while another session holds the table: it
    // gives up at the engine's statement timeout, as it does on an engine down.
    const holder = await knex.client.acquireConnection();
    const logger = mockServices.logger.mock();
    let restarted: Awaited<ReturnType<typeof createTestEngine>> | undefined;
    try {
      await holder.query('BEGIN');
      await holder.query('LOCK TABLE music.laps_v1 IN ACCESS EXCLUSIVE MODE');
      restarted = await createTestEngine(knex, {
        config: { statementTimeout: '1s' },
        logger,
      });
      await waitFor(
        async () =>
          logger.warn.mock.calls.some(([m]) =>
            /keeps rights no check holds/.test(String(m)),
          )
            ? true
            : undefined,
        { timeoutMs: 20_000, what: "the start's sweep to fail" },
      );
      await holder.query('COMMIT');
      expect(await mayRead('music.laps_v1')).toBe(true);

      const [result] = await check(
        'select p.track_id, l.secret from plays p join music.laps_v1 l using (id)',
        'select p.track_uri AS track_id, l.secret from plays p join music.laps_v1 l using (id)',
        { engine: restarted },
      );
      expect(result.outcome).toBe('skipped');
      expect(result.detail).toMatch(/permission denied for table laps_v1/);
      expect(await rightsOfRole()).toEqual([]);
    } finally {
      await holder.query('ROLLBACK').catch(() => {});
      await knex.client.releaseConnection(holder);
      await restarted?.close?.();
    }
  }, 60_000);
});
