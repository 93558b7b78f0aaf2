/**
 * A primary key numbered by an identity column (Django's AutoField since 4.1,
 * `GENERATED ... AS IDENTITY` generally): writers leave it out and get the next
 * number, before cut-over from the source, after it from the new version, after
 * a rollback from the source again, and never a number another row holds.
 */
import type { Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { FieldChange } from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine on a key numbered by an identity column', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  afterEach(async () => {
    await engine.close?.();
    await knex.destroy();
  });

  async function withTable(kind: 'ALWAYS' | 'BY DEFAULT', type = 'integer') {
    knex = await init();
    await knex.raw(`
      CREATE TABLE public.accounts (
        id ${type} GENERATED ${kind} AS IDENTITY (START WITH 100 INCREMENT BY 10) PRIMARY KEY,
        name text NOT NULL,
        plan text
      )`);
    await knex.raw(
      `INSERT INTO public.accounts (name, plan) VALUES ('alice', 'free'), ('bob', 'pro')`,
    );
    engine = await createTestEngine(knex);
  }

  const insert = async (name: string) =>
    (
      await knex.raw(
        `INSERT INTO public.accounts (name) VALUES (?) RETURNING id::int`,
        [name],
      )
    ).rows[0].id;
  const rows = async (table = 'public.accounts') =>
    (await knex.raw(`SELECT id::int, name FROM ${table} ORDER BY id`)).rows;
  const identityOf = async (table: string) =>
    (
      await knex.raw(
        `SELECT a.attidentity AS identity FROM pg_attribute a
          WHERE a.attrelid = ?::regclass AND a.attname = 'id'`,
        [table],
      )
    ).rows[0].identity;

  const changes: Record<string, FieldChange[]> = {
    // The name serves the new version through a plain view.
    plain: [{ addField: { name: 'source', type: 'text', default: 'app' } }],
    // The name serves a dropped field from the previous version: its writes go
    // through the expand trigger, and the key is widened.
    expand: [
      { dropField: { name: 'plan' } },
      { changeType: { field: 'id', type: 'bigint' } },
    ],
  };

  it.each([
    ['BY DEFAULT', 'plain'],
    ['ALWAYS', 'plain'],
    ['ALWAYS', 'expand'],
  ] as const)(
    'numbers rows inserted through the name without a repeat, GENERATED %s, %s view, through a rollback and a contract',
    async (kind, view) => {
      await withTable(kind);
      const first = await engineRun(engine, 'public.accounts', changes[view]);
      await engine.plan(first.run);
      await engine.migrate(first.run);
      const afterCutOver = await insert('carol');
      expect(afterCutOver).toBe(120);
      // The previous version has the row too, under the same number.
      expect(await rows('public.accounts_v1')).toEqual([
        { id: 100, name: 'alice' },
        { id: 110, name: 'bob' },
        { id: 120, name: 'carol' },
      ]);

      await engine.rollback(first.run);
      const afterRollback = await insert('dave');
      expect(afterRollback).toBe(130);

      const second = await engineRun(engine, 'public.accounts', changes[view]);
      await engine.migrate(second.run);
      expect(await insert('erin')).toBe(140);
      await engine.contract(second.run);
      expect(await insert('frank')).toBe(150);
      expect(await rows()).toEqual(
        [100, 110, 120, 130, 140, 150].map((id, i) => ({
          id,
          name: ['alice', 'bob', 'carol', 'dave', 'erin', 'frank'][i],
        })),
      );
      // The new version's identity is what the old one's was.
      expect(await identityOf('public.accounts_v2')).toBe(
        kind === 'ALWAYS' ? 'a' : 'd',
      );
    },
  );

  it.each(['plain', 'expand'] as const)(
    'numbers rows a writer that is not the engine inserts through the %s view',
    async view => {
      // A writer with INSERT on the table needs no right on its identity's
      // sequence; through the name it must not need one on the new version's.
      await withTable('BY DEFAULT');
      await knex.raw(`DROP ROLE IF EXISTS dsm_identity_writer`);
      await knex.raw(`CREATE ROLE dsm_identity_writer`);
      await knex.raw(`GRANT USAGE ON SCHEMA public TO dsm_identity_writer`);
      await knex.raw(
        `GRANT SELECT, INSERT ON public.accounts TO dsm_identity_writer`,
      );
      // Nor do the engine role's default privileges give it one.
      await knex.raw(
        `ALTER DEFAULT PRIVILEGES GRANT ALL ON SEQUENCES TO dsm_identity_writer`,
      );
      try {
        const { run } = await engineRun(
          engine,
          'public.accounts',
          changes[view],
        );
        await engine.migrate(run);
        const inserted = await knex.transaction(async tx => {
          await tx.raw(`SET LOCAL ROLE dsm_identity_writer`);
          return (
            await tx.raw(
              `INSERT INTO public.accounts (name) VALUES ('carol') RETURNING id::int`,
            )
          ).rows;
        });
        expect(inserted).toEqual([{ id: 120 }]);
        expect(
          (
            await knex.raw(
              `SELECT has_sequence_privilege('dsm_identity_writer',
                        pg_get_serial_sequence('public.accounts_v2', 'id'), 'USAGE') AS usage`,
            )
          ).rows,
        ).toEqual([{ usage: false }]);
      } finally {
        await knex.raw(`DROP OWNED BY dsm_identity_writer`);
        await knex.raw(`DROP ROLE dsm_identity_writer`);
      }
    },
  );

  describe('two migrations in a row, the second started before the first contracts', () => {
    async function chain() {
      await withTable('ALWAYS');
      const first = await engineRun(engine, 'public.accounts', changes.plain);
      await engine.migrate(first.run);
      const second = await engineRun(
        engine,
        'public.accounts',
        [{ addField: { name: 'region', type: 'text', default: 'eu' } }],
        {
          fromVersion: 2,
          targetVersion: 3,
          migrationId: '00000000-0000-4000-8000-000000000002',
        },
      );
      await engine.migrate(second.run);
      return { first: first.run, second: second.run };
    }

    it('carries writes back and rolls back after the first contracts', async () => {
      // The first's contract makes version 2 ALWAYS again under the second's
      // reverse trigger: its inserts failed there, and blocked the rollback.
      const { first, second } = await chain();
      await engine.contract(first);
      expect(await identityOf('public.accounts_v2')).toBe('a');
      expect(await insert('carol')).toBe(120);
      await engine.rollback(second);
      expect(await rows()).toEqual([
        { id: 100, name: 'alice' },
        { id: 110, name: 'bob' },
        { id: 120, name: 'carol' },
      ]);
      expect(await insert('dave')).toBe(130);
    });

    it.each(['first', 'second'] as const)(
      'ends ALWAYS whichever contracts first (%s)',
      async earlier => {
        const runs = await chain();
        const later = earlier === 'first' ? 'second' : 'first';
        await engine.contract(runs[earlier]);
        await engine.contract(runs[later]);
        expect(await identityOf('public.accounts_v3')).toBe('a');
        // The note that carried ALWAYS through is gone with it.
        expect(
          (
            await knex.raw(
              `SELECT col_description('public.accounts_v3'::regclass, 1) AS note`,
            )
          ).rows,
        ).toEqual([{ note: null }]);
        expect(await insert('carol')).toBe(120);
        await expect(
          knex.raw(`INSERT INTO public.accounts (id, name) VALUES (1, 'x')`),
        ).rejects.toThrow(/cannot insert a non-DEFAULT value into column "id"/);
      },
    );
  });

  it('refuses to make an identity key a type an identity cannot have, creating nothing', async () => {
    await withTable('BY DEFAULT');
    const { run } = await engineRun(engine, 'public.accounts', [
      { changeType: { field: 'id', type: 'numeric' } },
    ]);
    await expect(engine.plan(run)).rejects.toThrow(
      'identity column "id" of public.accounts would become numeric; the new version numbers its rows with an identity too, which must be smallint, integer or bigint',
    );
    await expect(engine.migrate(run)).rejects.toThrow('would become numeric');
    expect(
      (await knex.raw(`SELECT to_regclass('public.accounts_v2') AS target`))
        .rows,
    ).toEqual([{ target: null }]);
  });
});
