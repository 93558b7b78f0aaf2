/**
 * A retyped field is served cast back to its previous type (`(topic)::varchar(60)`
 * of a field made text), which the new version's own indexes do not match: the
 * new version also indexes that cast until contract, so that readers and writers
 * of the previous shape looking a row up by the field do not scan every row.
 * A cast back that can fail (`(id)::integer` of a key widened to bigint) too:
 * the new version refuses such values until contract anyway. Not one that can
 * change a value (text to an enum, numeric to integer).
 */
import type { Knex } from 'knex';
import { Client } from 'pg';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  connectionUrlOf,
  createTestDatabases,
  createTestEngine,
} from '../../__testUtils__/testDatabases';
import { engineRun } from '../../__testUtils__/engineRun';

describe('PostgresDatasetEngine: lookups through the name by a retyped field', () => {
  const { init } = createTestDatabases();
  let knex: Knex;
  let engine: DatasetEngine;

  beforeEach(async () => {
    knex = await init();
    // As Zulip's zerver_usermessage before its ids became bigints.
    await knex.raw(`
      CREATE TYPE public.mood AS ENUM ('read', 'unread');
      CREATE TABLE public.usermessages (
        id integer PRIMARY KEY,
        user_profile_id integer NOT NULL,
        message_id integer NOT NULL,
        topic varchar(60),
        sent_at timestamp NOT NULL,
        flags bigint NOT NULL DEFAULT 0,
        mood public.mood,
        note text
      );
      CREATE UNIQUE INDEX usermessages_user_message ON public.usermessages (user_profile_id, message_id);
      CREATE INDEX usermessages_topic ON public.usermessages (topic);
      CREATE INDEX usermessages_topic_message ON public.usermessages (topic, message_id);
      CREATE INDEX usermessages_sent_at ON public.usermessages (sent_at DESC);
      CREATE INDEX usermessages_mood ON public.usermessages (mood);
      -- Named like the indexes kept for readers of the previous shape: the
      -- dataset's own all the same, carried.
      CREATE INDEX flags_dsmx ON public.usermessages (flags);
      INSERT INTO public.usermessages
        SELECT i, i % 100, i, 'topic ' || (i % 500), timestamp '2026-01-01' + i * interval '1 min', 0, 'read', 'n'
          FROM generate_series(1, 20000) AS i;
      ANALYZE public.usermessages`);
    engine = await createTestEngine(knex);
  });

  afterEach(async () => {
    await engine.close?.();
    await knex.destroy();
  });

  async function plan(sql: string): Promise<string> {
    await knex.raw('ANALYZE public.usermessages_v2');
    const { rows } = await knex.raw(`EXPLAIN (COSTS OFF) ${sql}`);
    return rows.map((r: Record<string, string>) => r['QUERY PLAN']).join('\n');
  }

  it('reads and writes one row by the retyped key or field through an index, until contract', async () => {
    const { run, logs } = await engineRun(engine, 'public.usermessages', [
      { changeType: { field: 'id', type: 'bigint' } },
      { changeType: { field: 'user_profile_id', type: 'bigint' } },
      { changeType: { field: 'topic', type: 'text' } },
      { changeType: { field: 'sent_at', type: 'timestamptz' } },
      { changeType: { field: 'mood', type: 'text' } },
      { dropField: { name: 'note' } },
    ]);
    // The plan says which of the indexes it builds go at contract.
    const indexes = (await engine.plan(run)).find(s => s.name === 'indexes')!;
    const forPrevious = indexes.sql.filter(sql => /_dsmx" ON/.test(sql));
    expect(forPrevious.length).toBeGreaterThan(0);
    expect(indexes.description).toContain(
      `(${forPrevious.length} of them on the previous types' values, for readers of version 1 until contract, which drops them)`,
    );
    await engine.migrate(run);
    expect(logs.filter(l => l.startsWith('not indexed'))).toEqual([]);

    for (const lookup of [
      `SELECT * FROM public.usermessages WHERE topic = 'topic 9'`,
      `SELECT * FROM public.usermessages ORDER BY sent_at DESC LIMIT 5`,
    ])
      expect(await plan(lookup)).not.toMatch(/Seq Scan on usermessages_v2/);
    // One over a retyped field and one kept as it was.
    expect(
      await plan(
        `SELECT * FROM public.usermessages WHERE topic = 'topic 9' AND message_id = 9`,
      ),
    ).toMatch(/usermessages_topic_message_v2_dsmx/);
    // On a key widened from integer too: before, every lookup by it scanned.
    expect(
      await plan(`SELECT * FROM public.usermessages WHERE id = 5`),
    ).not.toMatch(/Seq Scan on usermessages_v2/);
    // Not on a cast back to an enum.
    expect(
      await plan(`SELECT * FROM public.usermessages WHERE mood = 'read'`),
    ).toMatch(/Seq Scan on usermessages_v2/);
    await knex.raw(`UPDATE public.usermessages SET flags = 1 WHERE id = 5`);
    expect(
      (await knex.raw(`SELECT flags FROM public.usermessages WHERE id = 5`))
        .rows,
    ).toEqual([{ flags: '1' }]);

    // A later migration does not take them for the dataset's own.
    expect(
      (await engine.introspect({ table: 'public.usermessages' })).indexes?.map(
        i => i.name,
      ),
    ).toEqual([
      'flags_dsmx_v2',
      'usermessages_mood_v2',
      'usermessages_sent_at_v2',
      'usermessages_topic_message_v2',
      'usermessages_topic_v2',
      'usermessages_user_message_v2',
    ]);

    // What only the new types hold, which the widening is for, is written from
    // contract on: until then every reader of the name would fail on the row.
    const wide = `INSERT INTO public.usermessages_v2 (id, user_profile_id, message_id, sent_at, mood)
         VALUES (3000000000, 3000000000, 1, now(), 'neither')`;
    await expect(knex.raw(wide)).rejects.toThrow(
      'until contract a value must also fit',
    );

    // Readers of the new shape only, from contract on: those indexes go, known
    // by their mark, whatever they are called (an earlier release named them
    // otherwise).
    await knex.raw(
      `ALTER INDEX public.usermessages_topic_v2_dsmx RENAME TO named_otherwise`,
    );
    await engine.contract(run);
    const { rows } = await knex.raw(
      `SELECT indexname FROM pg_indexes WHERE tablename = 'usermessages_v2' ORDER BY 1`,
    );
    expect(rows.map((r: { indexname: string }) => r.indexname)).toEqual([
      'flags_dsmx_v2',
      'usermessages_mood_v2',
      'usermessages_sent_at_v2',
      'usermessages_topic_message_v2',
      'usermessages_topic_v2',
      'usermessages_user_message_v2',
      'usermessages_v2_pkey',
    ]);
    await knex.raw(wide);
  });

  it('finds by the cast back what a reader in any session reads through the name', async () => {
    await knex.raw(`
      CREATE TABLE public.ratios (id integer PRIMARY KEY, ratio text, note text);
      CREATE INDEX ratios_ratio ON public.ratios (ratio);
      INSERT INTO public.ratios
        SELECT i, (i / 3.0::double precision)::text, 'n' FROM generate_series(1, 20000) AS i;
      ANALYZE public.ratios`);
    const { run } = await engineRun(engine, 'public.ratios', [
      { changeType: { field: 'ratio', type: 'double precision' } },
      { dropField: { name: 'note' } },
    ]);
    await engine.migrate(run);
    await knex.raw('ANALYZE public.ratios_v2');
    // A double shown as text depends on the session (extra_float_digits), as
    // the view computes it for each reader: an index of the engine's session
    // would not find what this reader reads.
    const reader = new Client(connectionUrlOf(knex));
    await reader.connect();
    try {
      await reader.query('SET extra_float_digits = 0');
      const { rows } = await reader.query(
        `SELECT ratio FROM public.ratios WHERE id = 1`,
      );
      expect(rows).toEqual([{ ratio: '0.333333333333333' }]);
      expect(
        (
          await reader.query(
            `SELECT id FROM public.ratios WHERE ratio = '0.333333333333333'`,
          )
        ).rows,
      ).toEqual([{ id: 1 }]);
    } finally {
      await reader.end();
    }
  });

  it('rebuilds two indexes whose names are alike up to the length Postgres keeps', async () => {
    // As Rails names them: Postgres keeps 63 characters of each.
    await knex.raw(`
      CREATE TABLE public.issues (id integer PRIMARY KEY, title varchar(60), body varchar(60));
      CREATE UNIQUE INDEX index_issues_on_title_for_the_search_page_of_the_project_by_title
        ON public.issues (title);
      CREATE INDEX index_issues_on_title_for_the_search_page_of_the_project_by_body
        ON public.issues (body);
      INSERT INTO public.issues VALUES (1, 't', 'b')`);
    const { run } = await engineRun(engine, 'public.issues', [
      { changeType: { field: 'title', type: 'text' } },
      { changeType: { field: 'body', type: 'text' } },
    ]);
    await engine.migrate(run);
    const { rows } = await knex.raw(
      `SELECT regexp_replace(indexdef, '^.* USING ', '') AS d, indisunique AS u
         FROM pg_indexes JOIN pg_index ON indexrelid = (schemaname || '.' || quote_ident(indexname))::regclass
        WHERE tablename = 'issues_v2' ORDER BY 1`,
    );
    expect(rows).toEqual([
      { d: 'btree (((body)::character varying(60)))', u: false },
      { d: 'btree (((title)::character varying(60)))', u: false },
      { d: 'btree (body)', u: false },
      { d: 'btree (id)', u: true },
      { d: 'btree (title)', u: true },
    ]);
    await expect(
      knex.raw(`INSERT INTO public.issues_v2 (id, title) VALUES (2, 't')`),
    ).rejects.toThrow('duplicate key value');
  });
});
