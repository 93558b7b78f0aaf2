/**
 * CHECKs and foreign keys over a field whose type is only widened (integer →
 * bigint, varchar(n) → text, numeric(p, s) → numeric): every value keeps its
 * meaning, so the constraint is carried to the new version, as Django's
 * PositiveIntegerField (`CHECK (times_seen >= 0)`, Sentry's groups) needs when it
 * becomes a bigint. Not carried, a write through the name that the table refused
 * was taken from cut-over on, and after contract the dataset lost the constraint.
 */
import type { Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine: constraints over a widened field', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  beforeEach(async () => {
    knex = await init();
    await knex.raw(`
      CREATE TABLE public.projects (id integer PRIMARY KEY);
      INSERT INTO public.projects VALUES (1), (2);
      CREATE FUNCTION public.is_small(v integer) RETURNS boolean
        LANGUAGE sql IMMUTABLE AS 'SELECT v < 1000';
      CREATE FUNCTION public.is_even(v integer) RETURNS boolean
        LANGUAGE sql IMMUTABLE AS 'SELECT v % 2 = 0';
      CREATE TABLE public.groups (
        id bigint PRIMARY KEY,
        project_id integer REFERENCES public.projects (id),
        owner_id integer REFERENCES public.projects (id),
        times_seen integer NOT NULL CHECK (times_seen >= 0),
        culprit varchar(200) CHECK (char_length(culprit) <= 200),
        score numeric(10, 2) CHECK (score BETWEEN 0 AND 100),
        level integer CHECK (public.is_small(level)),
        rank smallint CHECK (public.is_even(rank)),
        kind char(4) CHECK (octet_length(kind) = 4),
        pair integer CHECK (pair / 2 * 2 = pair)
      );
      INSERT INTO public.groups VALUES
        (1, 1, 1, 0, 'views.index', 1.5, 40, 2, 'err ', 4),
        (2, NULL, NULL, 2147483647, NULL, NULL, NULL, NULL, NULL, NULL)`);
    engine = await createTestEngine(knex);
  });

  afterEach(async () => {
    await engine.close?.();
    await knex.destroy();
  });

  async function constraintsOf(table: string): Promise<string[]> {
    const { rows } = await knex.raw(
      `SELECT pg_get_constraintdef(oid) AS d FROM pg_constraint
        WHERE conrelid = ?::regclass AND contype IN ('c', 'f') ORDER BY 1`,
      [table],
    );
    return rows.map((r: { d: string }) => r.d);
  }

  it('carries them, and the name refuses what the table refused, until and after contract', async () => {
    const { run, logs } = await engineRun(engine, 'public.groups', [
      { changeType: { field: 'project_id', type: 'bigint' } },
      // No btree operator compares numeric with the integer key it references.
      { changeType: { field: 'owner_id', type: 'numeric' } },
      { changeType: { field: 'times_seen', type: 'bigint' } },
      { changeType: { field: 'culprit', type: 'text' } },
      { changeType: { field: 'score', type: 'numeric' } },
      // Widened too, but its CHECK calls a function of integer: not carried, said so.
      { changeType: { field: 'level', type: 'bigint' } },
      // Its CHECK reads it cast to integer, which would refuse the wider values.
      { changeType: { field: 'rank', type: 'bigint' } },
      // char(n) → text drops trailing blanks: a change of value, not carried.
      { changeType: { field: 'kind', type: 'text' } },
      // Its / no longer truncates in numeric: odd numbers would pass.
      { changeType: { field: 'pair', type: 'numeric' } },
    ]);
    const indexes = (await engine.plan(run)).find(s => s.name === 'indexes')!;
    // Each one left behind is in the plan, before anything runs.
    expect(indexes.description).toContain(
      'add 4 CHECK and foreign-key constraints',
    );
    expect(indexes.description).toContain(
      'check groups_kind_check: field "kind" is not copied unchanged to the new version',
    );
    expect(indexes.description).toContain(
      'check groups_rank_check: it casts field "rank" to integer',
    );
    expect(indexes.description).toContain(
      'check groups_pair_check: field "pair" is not copied unchanged to the new version',
    );
    expect(indexes.description).toMatch(
      /owner_id_fkey: field "owner_id" is not copied unchanged to the new version/,
    );
    expect(indexes.description).toMatch(
      /check groups_level_check: it does not apply to the new types: function (public\.)?is_small\(bigint\) does not exist/,
    );
    await engine.migrate(run);
    expect(logs).toContainEqual(
      expect.stringContaining(
        'not carried over: check groups_level_check: it does not apply to the new types: function is_small(bigint) does not exist',
      ),
    );
    expect(await constraintsOf('public.groups_v2')).toEqual([
      'CHECK (((score >= (0)::numeric) AND (score <= (100)::numeric)))',
      'CHECK ((char_length(culprit) <= 200))',
      'CHECK ((times_seen >= 0))',
      'FOREIGN KEY (project_id) REFERENCES projects(id)',
    ]);

    const refused = (sql: string, what: string) =>
      expect(knex.raw(sql)).rejects.toThrow(what);
    await refused(
      `UPDATE public.groups SET times_seen = -1 WHERE id = 1`,
      'violates check constraint "groups_times_seen_check"',
    );
    await refused(
      `INSERT INTO public.groups (id, times_seen, score) VALUES (3, 0, 101)`,
      'violates check constraint "groups_score_check"',
    );
    await refused(
      `INSERT INTO public.groups (id, project_id, times_seen) VALUES (3, 7, 0)`,
      'violates foreign key constraint "groups_project_id_fkey"',
    );
    await knex.raw(
      `INSERT INTO public.groups (id, project_id, times_seen, culprit) VALUES (3, 2, 5, 'api')`,
    );

    await engine.contract(run);
    await refused(
      `UPDATE public.groups SET times_seen = -1 WHERE id = 3`,
      'violates check constraint "groups_times_seen_check"',
    );
    expect(
      (
        await knex.raw(
          `SELECT id, project_id, times_seen FROM public.groups ORDER BY id`,
        )
      ).rows,
    ).toEqual([
      { id: '1', project_id: '1', times_seen: '0' },
      { id: '2', project_id: null, times_seen: '2147483647' },
      { id: '3', project_id: '2', times_seen: '5' },
    ]);
  });
});
