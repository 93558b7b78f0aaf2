/**
 * Upserts (`INSERT … ON CONFLICT`) of a table that migrates. Found by a probe
 * (2026-12-06): a `UNIQUE` constraint was rebuilt on the new version as a
 * unique index only, so `ON CONFLICT ON CONSTRAINT <name>_v<N>` on the new
 * version's table failed, before contract and after. Through the name an
 * upsert naming a constraint fails from the first cut-over whatever the new
 * version holds: PostgreSQL looks the constraint up on the view, which has
 * none. The plan says so, naming each constraint and its columns.
 */
import type { Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun, outcomeOf } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine: upserts', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  beforeEach(async () => {
    knex = await init();
    engine = await createTestEngine(knex);
    await knex.raw(`
      CREATE TABLE public.people (id int PRIMARY KEY, email text, n int,
        CONSTRAINT people_email_key UNIQUE (email));
      INSERT INTO public.people VALUES (1, 'a', 1), (2, 'b', 2)`);
  });

  afterEach(async () => {
    await engine.close?.();
    await knex.destroy();
  });

  /** What an upsert does, undone after: `ok <rows>` or the error. */
  const tryUpsert = (sql: string) =>
    outcomeOf(
      knex.transaction(async trx => {
        const { rowCount } = await trx.raw(sql);
        throw new Error(`ok ${rowCount}`);
      }),
    ).then(outcome => outcome.replace(/^[\s\S]* - /, ''));

  const byColumns = `INSERT INTO public.people (id, email, n) VALUES (10, 'a', 10)
    ON CONFLICT (email) DO UPDATE SET n = excluded.n`;
  const byConstraint = (table: string, constraint: string) =>
    `INSERT INTO public.${table} (id, email, n) VALUES (11, 'b', 11)
      ON CONFLICT ON CONSTRAINT ${constraint} DO UPDATE SET n = excluded.n`;

  it.each([
    ['a plain view', [{ addField: { name: 'note', type: 'text' } }], 'ok 1'],
    [
      'a view with a trigger',
      [{ changeType: { field: 'n', type: 'bigint' } }],
      'there is no unique or exclusion constraint matching the ON CONFLICT specification',
    ],
  ] as const)(
    'keeps upserts by columns, and warns at plan of those by constraint, which fail through the name (%s)',
    async (_, changes, byColumnsUntilContract) => {
      expect(await tryUpsert(byColumns)).toBe('ok 1');
      expect(await tryUpsert(byConstraint('people', 'people_email_key'))).toBe(
        'ok 1',
      );
      const { run, logs } = await engineRun(engine, 'public.people', [
        ...changes,
      ]);
      const cutOver = (await engine.plan(run)).find(
        s => s.name === 'cut-over',
      )!;
      expect(cutOver.warnings?.join('\n')).toContain(
        '`ON CONFLICT ON CONSTRAINT people_pkey` (name its columns instead: `ON CONFLICT (id)`), `ON CONFLICT ON CONSTRAINT people_email_key` (name its columns instead: `ON CONFLICT (email)`)',
      );
      // By its columns too where that fails until contract (found by a review).
      expect(
        (cutOver.warnings ?? [])
          .join('\n')
          .includes(
            'and until contract no upsert through it works, by its columns neither',
          ),
      ).toBe(byColumnsUntilContract !== 'ok 1');
      expect(await outcomeOf(engine.migrate(run))).toBe('done');
      // And the run's log, at the cut-over.
      expect(logs).toContainEqual(
        expect.stringMatching(
          /^from this cut-over public\.people is a view, .*`ON CONFLICT ON CONSTRAINT people_email_key` \(name its columns instead: `ON CONFLICT \(email\)`\)/,
        ),
      );

      expect(await tryUpsert(byColumns)).toBe(byColumnsUntilContract);
      // By any name: PostgreSQL looks for it on the view.
      for (const constraint of ['people_email_key', 'people_email_key_v2'])
        expect(await tryUpsert(byConstraint('people', constraint))).toBe(
          `constraint "${constraint}" for table "people" does not exist`,
        );
      // Into the new version's table, by its constraint's name.
      expect(
        await tryUpsert(byConstraint('people_v2', 'people_email_key_v2')),
      ).toBe('ok 1');

      expect(await outcomeOf(engine.contract(run))).toBe('done');
      expect(await tryUpsert(byColumns)).toBe('ok 1');
      expect(await tryUpsert(byConstraint('people', 'people_email_key'))).toBe(
        'constraint "people_email_key" for table "people" does not exist',
      );
      expect(
        await tryUpsert(byConstraint('people_v2', 'people_email_key_v2')),
      ).toBe('ok 1');
      expect(
        (
          await knex.raw(
            `SELECT conname, contype, pg_get_constraintdef(oid) AS definition
               FROM pg_constraint WHERE conrelid = 'public.people_v2'::regclass
                AND contype IN ('p', 'u') ORDER BY conname`,
          )
        ).rows,
      ).toEqual([
        {
          conname: 'people_email_key_v2',
          contype: 'u',
          definition: 'UNIQUE (email)',
        },
        {
          conname: 'people_v2_pkey',
          contype: 'p',
          definition: 'PRIMARY KEY (id)',
        },
      ]);
    },
  );

  it('makes a unique index an earlier attempt built the constraint', async () => {
    const { run } = await engineRun(engine, 'public.people', [
      { addField: { name: 'note', type: 'text' } },
    ]);
    const { step } = run;
    // As an attempt that stopped once the index was built would leave it.
    run.step = async (name, work) => {
      if (name === 'indexes')
        await knex.raw(
          `CREATE UNIQUE INDEX people_email_key_v2 ON public.people_v2 (email)`,
        );
      return step(name, work);
    };
    expect(await outcomeOf(engine.migrate(run))).toBe('done');
    expect(
      await tryUpsert(byConstraint('people_v2', 'people_email_key_v2')),
    ).toBe('ok 1');
  });

  it('keeps a unique index, and the run going, while a reader of the new version holds off the constraint', async () => {
    const { run, logs } = await engineRun(engine, 'public.people', [
      { addField: { name: 'note', type: 'text' } },
    ]);
    const { step } = run;
    let release = () => {};
    let held: Promise<unknown> = Promise.resolve();
    // A reader of the new version, idle in its transaction from before the
    // indexes stage until the run ends: ADD CONSTRAINT waits for it, and every
    // writer of the source would queue behind that wait.
    run.step = async (name, work) => {
      if (name === 'indexes') {
        let reading = () => {};
        const read = new Promise<void>(resolve => {
          reading = resolve;
        });
        held = knex.transaction(async trx => {
          await trx.raw(`SELECT FROM public.people_v2 LIMIT 1`);
          reading();
          await new Promise<void>(resolve => {
            release = resolve;
          });
        });
        await read;
      }
      return step(name, work);
    };
    const outcome = await outcomeOf(engine.migrate(run));
    release();
    await held;
    expect(outcome).toBe('done');
    expect(logs).toContainEqual(
      expect.stringMatching(
        /^kept as a unique index, not a UNIQUE constraint: people_email_key_v2 .*its lock on the new version was not granted within 100 ms in 8 tries/,
      ),
    );
    // Still unique.
    expect(
      await outcomeOf(
        knex.raw(`INSERT INTO public.people (id, email) VALUES (30, 'a')`),
      ),
    ).toMatch(/duplicate key value violates unique constraint/);
  }, 60_000);

  it('carries the constraint on to the next version, and warns no more once the name is a view', async () => {
    const { run } = await engineRun(engine, 'public.people', [
      { addField: { name: 'note', type: 'text' } },
    ]);
    expect(await outcomeOf(engine.migrate(run))).toBe('done');
    expect(await outcomeOf(engine.contract(run))).toBe('done');
    const { run: next, logs } = await engineRun(
      engine,
      'public.people',
      [{ renameField: { from: 'note', to: 'remark' } }],
      {
        fromVersion: 2,
        targetVersion: 3,
        migrationId: '00000000-0000-4000-8000-000000000002',
      },
    );
    const cutOver = (await engine.plan(next)).find(s => s.name === 'cut-over')!;
    expect(cutOver.warnings ?? []).toEqual([]);
    expect(await outcomeOf(engine.migrate(next))).toBe('done');
    expect(logs.filter(l => l.includes('ON CONSTRAINT'))).toEqual([]);
    expect(
      await tryUpsert(byConstraint('people_v3', 'people_email_key_v3')),
    ).toBe('ok 1');
    // Two emails alike are still refused through the name.
    expect(
      await outcomeOf(
        knex.raw(`INSERT INTO public.people (id, email) VALUES (30, 'a')`),
      ),
    ).toMatch(/duplicate key value violates unique constraint/);
  });
});
