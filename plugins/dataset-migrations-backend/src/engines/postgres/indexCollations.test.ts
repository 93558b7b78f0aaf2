/**
 * An index whose key has a collation of its own (`email COLLATE case_insensitive`,
 * the nondeterministic ICU collation PostgreSQL's manual offers in place of citext,
 * or `name COLLATE "C"` for prefix lookups): the new version's index must have it
 * too. Before, it was rebuilt with the column's collation, so a unique index that
 * refused `a@x.com` beside `A@x.com` took both once the name served the new
 * version alone (found by a probe, 2026-12-06).
 */
import type { Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { FieldChange } from '@dataset-migrations/plugin-dataset-migrations-common';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun, outcomeOf } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine on an index with a collation of its own', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  beforeEach(async () => {
    knex = await init();
    engine = await createTestEngine(knex);
    await knex.raw(`
      CREATE COLLATION public.case_insensitive (provider = icu, locale = 'und-u-ks-level2', deterministic = false);
      CREATE TABLE public.users (id int PRIMARY KEY, email varchar(100) NOT NULL, name text);
      CREATE UNIQUE INDEX users_email_key ON public.users (email COLLATE public.case_insensitive);
      CREATE INDEX users_name_prefix ON public.users (name COLLATE "C" DESC);
      CREATE INDEX users_name_lower ON public.users (lower(name) COLLATE "C" text_pattern_ops);
      INSERT INTO public.users VALUES (1, 'Ann@example.com', 'ann')`);
  });

  afterEach(async () => {
    await engine.close?.();
    await knex.destroy();
  });

  const definitions = async (table: string) =>
    (
      await knex.raw(
        `SELECT pg_get_indexdef(indexrelid) AS definition FROM pg_index
          WHERE indrelid = ?::regclass AND NOT indisprimary ORDER BY indexrelid::regclass::text`,
        [table],
      )
    ).rows.map((r: { definition: string }) => r.definition);

  it.each<[string, FieldChange[]]>([
    [
      'a field added (a plain view)',
      [{ addField: { name: 'bio', type: 'text' } }],
    ],
    [
      'the field widened (a view with a trigger)',
      [{ changeType: { field: 'email', type: 'text' } }],
    ],
  ])('keeps it on the new version, %s', async (_, changes) => {
    const { run } = await engineRun(engine, 'public.users', changes);
    await engine.plan(run);
    expect(await outcomeOf(engine.migrate(run))).toBe('done');
    expect(await definitions('public.users_v2')).toEqual(
      expect.arrayContaining([
        expect.stringMatching(
          /^CREATE UNIQUE INDEX users_email_key_v2 ON public\.users_v2 USING btree \(email COLLATE case_insensitive\)$/,
        ),
        'CREATE INDEX users_name_prefix_v2 ON public.users_v2 USING btree (name COLLATE "C" DESC)',
        'CREATE INDEX users_name_lower_v2 ON public.users_v2 USING btree (lower(name) COLLATE "C" text_pattern_ops)',
      ]),
    );
    expect(await outcomeOf(engine.contract(run))).toBe('done');
    // The name now serves the new version alone: its index refuses the same
    // address in other case, as the table's did.
    expect(
      await outcomeOf(
        knex.raw(
          `INSERT INTO public.users (id, email, name) VALUES (2, 'ann@EXAMPLE.com', 'x')`,
        ),
      ),
    ).toMatch(
      /duplicate key value violates unique constraint "users_email_key_v2"/,
    );
  });

  it('drops the collation of a key whose field is retyped to a type without one, not refusing the run', async () => {
    // Found by a probe (2026-12-06): refused at plan, as the index could not be
    // built with it over the new type.
    await knex.raw(`
      CREATE TABLE public.items (id int PRIMARY KEY, code text NOT NULL, note text);
      CREATE UNIQUE INDEX items_code_key ON public.items (code COLLATE "C");
      CREATE INDEX items_code_note ON public.items (code COLLATE "C" DESC, note COLLATE "C");
      INSERT INTO public.items VALUES (1, '10', 'a'), (2, '20', 'b')`);
    const { run } = await engineRun(engine, 'public.items', [
      { changeType: { field: 'code', type: 'integer' } },
    ]);
    await engine.plan(run);
    expect(await outcomeOf(engine.migrate(run))).toBe('done');
    expect(await definitions('public.items_v2')).toEqual([
      'CREATE UNIQUE INDEX items_code_key_v2 ON public.items_v2 USING btree (code)',
      'CREATE INDEX items_code_note_v2 ON public.items_v2 USING btree (code DESC, note COLLATE "C")',
    ]);
    expect(
      await outcomeOf(
        knex.raw(`INSERT INTO public.items_v2 (id, code) VALUES (3, 10)`),
      ),
    ).toMatch(
      /duplicate key value violates unique constraint "items_code_key_v2"/,
    );
  });
});
