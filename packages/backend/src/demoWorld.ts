import { Client } from 'pg';
import { ensureDatabase } from '@internal/embedded-postgres';
import { seedFleetTables } from './demoFleet';

/**
 * The demo warehouse: datasets the demo catalog (demo/catalog) points at. Each table
 * is created and filled only if no relation of its name exists, so restarts keep
 * whatever migrations did to it.
 */
export const DEMO_DATASETS: { name: string; ddl: string; fill: string }[] = [
  {
    name: 'public.listening_events',
    ddl: `CREATE TABLE public.listening_events (
            event_id bigint PRIMARY KEY, user_id bigint, track_id text, duration_ms integer,
            played_at timestamptz, country text, legacy_flag boolean)`,
    fill: `INSERT INTO public.listening_events
           SELECT g, 1 + (g * 7919) % 20000, 'trk_' || lpad(((g * 104729) % 5000)::text, 5, '0'),
                  30000 + (g * 31) % 240000,
                  timestamptz '2026-01-01' + (g * interval '13 seconds'),
                  (ARRAY['SE','US','GB','DE','BR','JP','IN','FR'])[1 + g % 8],
                  g % 17 = 0
             FROM generate_series(1::bigint, 200000) AS g`,
  },
  {
    name: 'public.tracks',
    ddl: `CREATE TABLE public.tracks (
            track_id text PRIMARY KEY, title text NOT NULL, artist text, duration_ms integer,
            released_on date)`,
    fill: `INSERT INTO public.tracks
           SELECT 'trk_' || lpad(g::text, 5, '0'), 'Track ' || g, 'Artist ' || (1 + g % 700),
                  30000 + (g * 31) % 240000, date '1990-01-01' + (g * 3)::integer
             FROM generate_series(0::bigint, 4999) AS g`,
  },
  {
    name: 'public.user_profiles',
    ddl: `CREATE TABLE public.user_profiles (
            user_id bigint PRIMARY KEY, country text, signup_at timestamptz, premium boolean)`,
    fill: `INSERT INTO public.user_profiles
           SELECT g, (ARRAY['SE','US','GB','DE','BR','JP','IN','FR'])[1 + g % 8],
                  timestamptz '2015-01-01' + (g * interval '4 hours'), g % 3 = 0
             FROM generate_series(1::bigint, 20000) AS g`,
  },
];

export async function seedDemoWorld(serverUrl: string): Promise<void> {
  const client = new Client({
    connectionString: await ensureDatabase(serverUrl, 'warehouse'),
  });
  await client.connect();
  try {
    // So the plan names statements seen that fail through a view (the server
    // preloads it: devDatabase.ts).
    await client.query('BEGIN');
    await client.query("SELECT pg_advisory_xact_lock(hashtext('extensions'))");
    await client.query('CREATE EXTENSION IF NOT EXISTS pg_stat_statements');
    await client.query('COMMIT');
    for (const dataset of DEMO_DATASETS) {
      await client.query('BEGIN');
      // A restarting dev server may seed twice at once; one waits for the other.
      await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
        dataset.name,
      ]);
      const { rows } = await client.query('SELECT to_regclass($1) AS found', [
        dataset.name,
      ]);
      if (rows[0].found === null) {
        await client.query(dataset.ddl);
        await client.query(dataset.fill);
        await client.query(`ANALYZE ${dataset.name}`);
        console.log(`[demo] created ${dataset.name}`);
      }
      await client.query('COMMIT');
    }
    await seedFleetTables(client);
    await createShadowCheckRole(client);
  } finally {
    await client.end();
  }
}

const DEMO_SHADOW_ROLE = 'dataset_migrations_shadow';

/**
 * The role shadow checks run as, with app-config.yaml's password
 * (`engines.warehouse.shadowCheck`). It is granted nothing here: each check grants
 * it the versions it compares and the demo datasets its consumer declares in
 * `dependsOn` (churn-model joins user profiles), and revokes them when it ends.
 */
async function createShadowCheckRole(client: Client): Promise<void> {
  const password = process.env.SHADOW_CHECK_PASSWORD ?? 'shadow-checks-demo';
  await client.query('BEGIN');
  await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
    DEMO_SHADOW_ROLE,
  ]);
  const { rowCount } = await client.query(
    'SELECT 1 FROM pg_roles WHERE rolname = $1',
    [DEMO_SHADOW_ROLE],
  );
  await client.query(
    `${
      rowCount ? 'ALTER' : 'CREATE'
    } ROLE ${DEMO_SHADOW_ROLE} LOGIN NOINHERIT PASSWORD ${client.escapeLiteral(
      password,
    )}`,
  );
  await client.query('COMMIT');
}
