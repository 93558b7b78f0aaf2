/**
 * A retyped field is served cast back to its previous type (`(id)::integer` of a
 * key widened to bigint), which the new version's own indexes do not match: the
 * new version also indexes that cast until contract, so that readers and writers
 * of the previous shape looking a row up by the field do not scan every row.
 */
import type { Knex } from 'knex';
import type { DatasetEngine } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
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
    await engine.migrate(run);
    // A cast to an enum is not IMMUTABLE: that one is left out, the run goes on.
    expect(logs).toContain(
      'not indexed for readers of the previous shape: usermessages_mood: functions in index expression must be marked IMMUTABLE',
    );

    for (const lookup of [
      `SELECT * FROM public.usermessages WHERE id = 5`,
      `UPDATE public.usermessages SET flags = 1 WHERE id = 5`,
      `DELETE FROM public.usermessages WHERE id = 6`,
      `SELECT * FROM public.usermessages WHERE user_profile_id = 7 AND message_id = 7`,
      `SELECT * FROM public.usermessages WHERE topic = 'topic 9'`,
      `SELECT * FROM public.usermessages ORDER BY sent_at DESC LIMIT 5`,
    ])
      expect(await plan(lookup)).not.toMatch(/Seq Scan on usermessages_v2/);
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
      'usermessages_topic_v2',
      'usermessages_user_message_v2',
    ]);

    // Readers of the new shape only, from contract on: those indexes go.
    await engine.contract(run);
    const { rows } = await knex.raw(
      `SELECT indexname FROM pg_indexes WHERE tablename = 'usermessages_v2' ORDER BY 1`,
    );
    expect(rows.map((r: { indexname: string }) => r.indexname)).toEqual([
      'flags_dsmx_v2',
      'usermessages_mood_v2',
      'usermessages_sent_at_v2',
      'usermessages_topic_v2',
      'usermessages_user_message_v2',
      'usermessages_v2_pkey',
    ]);
  });
});
