/**
 * A dataset whose columns have types of its own (an enum, an array of it, a
 * domain over an array): the engine's functions resolve names in pg_catalog
 * only, so every type they spell must carry its schema, or writes through them
 * fail after cut-over.
 */
import type { Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun, outcomeOf } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine on columns of types the database defines', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  beforeEach(async () => {
    knex = await init();
    await knex.raw(`CREATE TYPE public.mood AS ENUM ('sad', 'ok', 'happy')`);
    await knex.raw(`CREATE DOMAIN public.tags AS text[]`);
    await knex.raw(`
      CREATE TABLE public.events (
        id bigint PRIMARY KEY,
        owner text NOT NULL,
        mood public.mood,
        moods public.mood[],
        labels public.tags
      )`);
    await knex.raw(
      `INSERT INTO public.events VALUES (1, 'alice', 'ok', '{ok}', '{x}'), (2, 'bob', NULL, NULL, NULL)`,
    );
    engine = await createTestEngine(knex);
  });

  afterEach(async () => {
    await engine.close?.();
    await knex.destroy();
  });

  it('takes writes through the name after an enum field becomes text, and rolls them back', async () => {
    const { run } = await engineRun(engine, 'public.events', [
      { changeType: { field: 'mood', type: 'text' } },
      { dropField: { name: 'moods' } },
      { dropField: { name: 'labels' } },
    ]);
    await engine.migrate(run);

    await knex.raw(
      `INSERT INTO public.events (id, owner, mood, moods, labels) VALUES (3, 'carol', 'happy', '{sad}', '{y}')`,
    );
    await knex.raw(`UPDATE public.events SET mood = 'sad' WHERE id = 1`);
    expect(
      (await knex.raw(`SELECT id, mood FROM public.events_v2 ORDER BY id`))
        .rows,
    ).toEqual([
      { id: '1', mood: 'sad' },
      { id: '2', mood: null },
      { id: '3', mood: 'happy' },
    ]);

    // The previous version kept every write, so the rollback loses none.
    await engine.rollback(run);
    expect(
      (
        await knex.raw(
          `SELECT id, mood, moods, labels FROM public.events ORDER BY id`,
        )
      ).rows,
    ).toEqual([
      { id: '1', mood: 'sad', moods: '{ok}', labels: ['x'] },
      { id: '2', mood: null, moods: null, labels: null },
      { id: '3', mood: 'happy', moods: '{sad}', labels: ['y'] },
    ]);
  });

  it('computes a derived enum field for writes through the name', async () => {
    const { run } = await engineRun(engine, 'public.events', [
      {
        deriveField: {
          field: 'mood',
          expression: "CASE WHEN owner = 'bob' THEN 'sad' ELSE 'happy' END",
        },
      },
    ]);
    await engine.migrate(run);

    await knex.raw(
      `INSERT INTO public.events (id, owner) VALUES (3, 'bob'), (4, 'dave')`,
    );
    expect(
      (await knex.raw(`SELECT id, mood FROM public.events_v2 ORDER BY id`))
        .rows,
    ).toEqual([
      { id: '1', mood: 'happy' },
      { id: '2', mood: 'sad' },
      { id: '3', mood: 'sad' },
      { id: '4', mood: 'happy' },
    ]);
  });

  it("refuses an expression naming the database's own type without its schema, and takes it with the schema", async () => {
    const derive = (expression: string) =>
      engineRun(engine, 'public.events', [
        { deriveField: { field: 'owner', expression } },
      ]);
    // The engine's triggers resolve names in pg_catalog only: unchecked, this
    // migrated, and every write through the name then failed.
    const bare = (
      await derive(
        "CASE WHEN mood = 'ok'::mood THEN upper(owner) ELSE owner END",
      )
    ).run;
    const refusal = expect.stringContaining(
      'the new version\'s field "owner" cannot be computed where the migration\'s triggers compute it, with only pg_catalog on the search path: type "mood" does not exist; name the database\'s own types',
    );
    expect(await outcomeOf(engine.plan(bare))).toEqual(refusal);
    expect(await outcomeOf(engine.migrate(bare))).toEqual(refusal);
    expect(
      (await knex.raw(`SELECT to_regclass('public.events_v2') AS target`)).rows,
    ).toEqual([{ target: null }]);

    const qualified = (
      await derive(
        "CASE WHEN mood = 'ok'::public.mood THEN upper(owner) ELSE owner END",
      )
    ).run;
    await engine.plan(qualified);
    await engine.migrate(qualified);
    await knex.raw(
      `INSERT INTO public.events (id, owner, mood) VALUES (3, 'carol', 'ok')`,
    );
    expect(
      (await knex.raw(`SELECT id, owner FROM public.events_v2 ORDER BY id`))
        .rows,
    ).toEqual([
      { id: '1', owner: 'ALICE' },
      { id: '2', owner: 'bob' },
      { id: '3', owner: 'CAROL' },
    ]);
  });

  it("refuses an expression an extension's type resolves otherwise than the triggers would", async () => {
    // citext brings its own replace(); the triggers, seeing only pg_catalog,
    // would take text's: 'Alice' copied as 'Xlice', a write of 'Anna' as 'AnnX'.
    await knex.raw(`CREATE EXTENSION IF NOT EXISTS citext`);
    await knex.raw(`ALTER TABLE public.events ALTER COLUMN owner TYPE citext`);
    const { run } = await engineRun(engine, 'public.events', [
      {
        deriveField: { field: 'owner', expression: "replace(owner, 'a', 'X')" },
      },
    ]);
    await expect(engine.plan(run)).rejects.toThrow(
      'the new version\'s field "owner" would be computed otherwise by the migration\'s triggers, which see only pg_catalog on the search path, than by its copy',
    );
    // Cast to the type the built-in takes, both compute alike.
    const cast = await engineRun(engine, 'public.events', [
      {
        deriveField: {
          field: 'owner',
          expression: "replace(owner::text, 'a', 'X')",
        },
      },
    ]);
    await engine.plan(cast.run);
  });

  it("rebuilds an index with an operator class of the database's own named like a built-in one", async () => {
    // Spelled without its schema, pg_catalog's name_ops (for type name) was
    // taken instead, and create-target failed.
    await knex.raw(`
      CREATE OPERATOR CLASS public.name_ops FOR TYPE text USING btree AS
        OPERATOR 1 <, OPERATOR 2 <=, OPERATOR 3 =, OPERATOR 4 >=, OPERATOR 5 >,
        FUNCTION 1 bttextcmp(text, text)`);
    await knex.raw(
      `CREATE INDEX events_owner_idx ON public.events (owner public.name_ops)`,
    );
    const { run } = await engineRun(engine, 'public.events', [
      { addField: { name: 'source', type: 'text', default: 'app' } },
    ]);
    await engine.migrate(run);
    const { rows } = await knex.raw(
      `SELECT o.opcname AS class, o.opcnamespace::regnamespace::text AS schema
         FROM pg_index i
         JOIN pg_opclass o ON o.oid = i.indclass[0]
        WHERE i.indrelid = 'public.events_v2'::regclass AND NOT i.indisprimary`,
    );
    expect(rows).toEqual([{ class: 'name_ops', schema: 'public' }]);
  });
});
