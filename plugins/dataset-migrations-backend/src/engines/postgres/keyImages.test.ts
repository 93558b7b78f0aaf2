/**
 * A write that changes only how a key is spelled: values `=` calls equal that
 * differ (numeric `1.0` and `1.00`, text under a nondeterministic collation, a
 * user's e-mail address changing case). The triggers took such a write for one
 * keeping its key, so the other version kept the row under the previous
 * spelling: a write during the copy failed the run at verify, and one after
 * cut-over was undone by a rollback.
 */
import type { Knex } from 'knex';
import type {
  DatasetEngine,
  DatasetMigrationRun,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import type { FieldChange } from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun } from '../../__testUtils__/engineRun';

const KEYS = {
  numeric: { type: 'numeric', rows: ['1.0', '2.0'], respelt: ['1.00', '2.00'] },
  'case-insensitive text': {
    type: 'public.ci_text',
    rows: ['alice@x.com', 'bob@x.com'],
    respelt: ['Alice@X.com', 'Bob@X.com'],
  },
};

/** A plain view over the new version, and one with a trigger (a dropped field). */
const CHANGES: Record<string, FieldChange[]> = {
  'an added field': [{ addField: { name: 'source', type: 'text' } }],
  'a dropped field': [{ dropField: { name: 'legacy' } }],
};

describe('PostgresDatasetEngine on writes that change only how a key is spelled', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  beforeEach(async () => {
    knex = await init();
    await knex.raw(
      `CREATE COLLATION public.ci (provider = icu, locale = 'und-u-ks-level2', deterministic = false)`,
    );
    await knex.raw(`CREATE DOMAIN public.ci_text AS text COLLATE public.ci`);
    engine = await createTestEngine(knex);
  });

  afterEach(async () => {
    await engine.close?.();
    await knex.destroy();
  });

  const keysOf = async (relation: string) =>
    (
      await knex.raw(
        `SELECT k::text AS k, legacy FROM ${relation} ORDER BY lower(k::text) COLLATE "C"`,
      )
    ).rows;

  describe.each(Object.entries(KEYS))('a %s key', (_, key) => {
    beforeEach(async () => {
      await knex.raw(
        `CREATE TABLE public.users (k ${key.type} PRIMARY KEY, name text, legacy text)`,
      );
      await knex.raw(
        `INSERT INTO public.users VALUES (?, 'a', 'l1'), (?, 'b', 'l2')`,
        key.rows,
      );
    });

    const respell = (i: number) =>
      knex.raw(`UPDATE public.users SET k = ? WHERE k = ?`, [
        key.respelt[i],
        key.rows[i],
      ]);

    it.each(Object.entries(CHANGES))(
      'carries it during the copy and back after cut-over, with %s',
      async (_change, changes) => {
        let respelt = false;
        const { run } = await engineRun(engine, 'public.users', changes, {
          progress: (async stage => {
            if (stage !== 'backfill' || respelt) return;
            respelt = true;
            await respell(1);
          }) as DatasetMigrationRun['progress'],
        });
        await engine.migrate(run);
        expect(respelt).toBe(true);
        expect(
          (
            await knex.raw(
              `SELECT k::text AS k FROM public.users_v2 ORDER BY lower(k::text) COLLATE "C"`,
            )
          ).rows,
        ).toEqual([{ k: key.rows[0] }, { k: key.respelt[1] }]);

        await respell(0);
        const written = [
          { k: key.respelt[0], legacy: 'l1' },
          { k: key.respelt[1], legacy: 'l2' },
        ];
        expect(await keysOf('public.users')).toEqual(written);
        expect(await keysOf('public.users_v1')).toEqual(written);
        await engine.rollback(run);
        expect(await keysOf('public.users')).toEqual(written);
      },
    );
  });
});
