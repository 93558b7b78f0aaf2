import type { Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { loadSqlParser } from '../../sql/sqlParser';
import { shadowCheckFile } from './shadowCheck';

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

  it('cannot change data: the check runs read-only', async () => {
    const [result] = await check(
      'select track_id from plays',
      "select track_uri AS track_id from plays where nextval('public.plays_seq') > 0",
    );
    expect(result.outcome).toBe('mismatch');
    expect(result.detail).toMatch(/read-only transaction/);
    const [{ called }] = (
      await knex.raw('select is_called as called from public.plays_seq')
    ).rows;
    expect(called).toBe(false);
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
});
