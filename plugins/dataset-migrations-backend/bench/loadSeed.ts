/**
 * A long-lived installation's history, written straight into the plugin's tables
 * with `INSERT … SELECT generate_series`: runs of many datasets in every finished
 * state with their steps and logs, the datasets' migrated versions, and consumer
 * ledgers of the newest runs. Shapes follow what the plugin itself writes.
 */
import type { Knex } from 'knex';
import type { MigrationPlan } from '@dataset-migrations/plugin-dataset-migrations-common';

export const datasetName = (i: number) => `ds-${String(i).padStart(4, '0')}`;
export const datasetRef = (i: number) => `resource:default/${datasetName(i)}`;
export const consumerName = (i: number) =>
  `consumer-${String(i).padStart(5, '0')}`;

/** One in twenty runs is a dry run; the others' statuses, by weight out of 20. */
const STATUSES = [
  ...Array(15).fill('succeeded'),
  'failed',
  'failed',
  'cancelled',
  'rolled-back',
  'rejected',
];

const CONSUMER_STATES = [
  ...Array(8).fill('done'),
  ...Array(6).fill('unaffected'),
  'merged',
  'merged',
  'pr-opened',
  'pr-opened',
  'failed',
  'excluded',
];

export interface SeedOptions {
  runs: number;
  datasets: number;
  consumers: number;
  consumersPerRun: number;
  /** Consumer entities; each appears in the ledgers of consumers ÷ entities runs. */
  consumerEntities: number;
  /** A real plan, as `POST /plans` answered it, stored with every run. */
  plan: MigrationPlan;
}

/** Seeds the plugin's tables; returns the runs that carry consumer ledgers. */
export async function seedHistory(
  db: Knex,
  options: SeedOptions,
): Promise<{ ledgerRuns: string[] }> {
  const { runs, datasets, consumers, consumersPerRun, consumerEntities } =
    options;
  // Run g is run number floor(g / datasets) of dataset g % datasets; newest last.
  await db.raw(
    `INSERT INTO migrations (id, entity_ref, from_version, target_version, changes,
        dry_run, fingerprint, status, failure_reason, requested_by, attempts,
        created_at, started_at, finished_at, updated_at, plan, contracted_at,
        dataset_owner, approval)
     SELECT gen_random_uuid(),
            'resource:default/ds-' || lpad((g % :datasets)::text, 4, '0'),
            1 + g / :datasets, 2 + g / :datasets,
            CAST(:changes AS jsonb),
            dry, encode(sha256(('seed-' || g)::bytea), 'hex'), status,
            CASE WHEN status = 'failed' THEN 'verify: 3 rows differ between the versions (first key 1042)' END,
            'user:default/engineer-' || (g % 40), 1,
            at, at + interval '2 seconds',
            at + interval '40 seconds', at + interval '40 seconds',
            CAST(:plan AS jsonb),
            CASE WHEN status = 'succeeded' AND NOT dry THEN at + interval '1 hour' END,
            'group:default/team-' || (g % :datasets % 12),
            CASE WHEN status = 'rejected' THEN jsonb_build_object(
              'reasons', jsonb_build_array('breaking'), 'requestDigest', md5(g::text),
              'decision', jsonb_build_object('outcome', 'rejected',
                'by', 'user:default/owner', 'at', at, 'comment', 'not this quarter')) END
       FROM (SELECT g, g % 20 = 7 AS dry,
                    CASE WHEN g % 20 = 7 THEN 'succeeded'
                         ELSE (CAST(:statuses AS text[]))[1 + (g * 7) % 20] END AS status,
                    now() - (:runs - g) * interval '1 minute' AS at
               FROM generate_series(0, :runs - 1) g) runs`,
    {
      datasets,
      runs,
      changes: JSON.stringify([
        { renameField: { from: 'title', to: 'headline' } },
      ]),
      plan: JSON.stringify(options.plan),
      statuses: `{${STATUSES.join(',')}}`,
    },
  );
  await db.raw(
    `INSERT INTO migration_steps (migration_id, attempt, name, status, started_at,
        finished_at, rows_done, rows_total)
     SELECT m.id, 1, s.name,
            CASE WHEN m.status = 'failed' AND s.i = 3 THEN 'failed' ELSE 'succeeded' END,
            m.started_at + s.i * interval '5 seconds',
            m.started_at + (s.i + 1) * interval '5 seconds',
            CASE WHEN s.name = 'backfill' THEN 25000 END,
            CASE WHEN s.name = 'backfill' THEN 25000 END
       FROM migrations m
       CROSS JOIN (VALUES (1, 'dry-run'), (2, 'create-target'), (3, 'backfill'),
                          (4, 'indexes'), (5, 'verify'), (6, 'cut-over')) s(i, name)
      WHERE m.status <> 'rejected' AND (m.status = 'succeeded' OR s.i <= 3)
        AND (NOT m.dry_run OR s.i = 1)`,
  );
  await db.raw(
    `INSERT INTO migration_logs (migration_id, attempt, step, level, message, created_at)
     SELECT m.id, 1, l.step, l.level, l.message, m.started_at + l.i * interval '9 seconds'
       FROM migrations m
       CROSS JOIN (VALUES (1, 'create-target', 'info', 'created public.ds_v2 with 4 fields'),
                          (2, 'backfill', 'info', 'copied 25000 of 25000 rows in 5 batches'),
                          (3, 'verify', 'info', 'row counts and checksums match on both versions')) l(i, step, level, message)
      WHERE m.status <> 'rejected'`,
  );
  // Each dataset is at the version of its newest live run.
  await db.raw(
    `INSERT INTO dataset_versions (entity_ref, schema_version, migration_id, updated_at)
     SELECT DISTINCT ON (entity_ref) entity_ref, target_version, id, finished_at
       FROM migrations WHERE status = 'succeeded' AND NOT dry_run
      ORDER BY entity_ref, target_version DESC`,
  );

  const ledgerRuns: string[] = (
    await db.raw(
      `SELECT id FROM migrations WHERE status = 'succeeded' AND NOT dry_run
        ORDER BY created_at DESC LIMIT ?`,
      [Math.ceil(consumers / consumersPerRun)],
    )
  ).rows.map((r: { id: string }) => r.id);
  // Run r's consumers start a quarter ledger after run r-1's: each entity is in several ledgers.
  await db.raw(
    `INSERT INTO migration_consumers (migration_id, entity_ref, title, owner, depth,
        via, repository_url, state, failure_kind, failure_message, impact,
        verification, pull_request, patch, attempts, updated_at)
     SELECT run.id, 'component:default/' || c.name, c.name,
            'group:default/team-' || (c.n % 12), 1 + (j % 7 = 0)::int,
            CASE WHEN j % 7 = 0 THEN 'component:default/consumer-00000' END,
            'https://github.com/acme/' || c.name, state,
            CASE WHEN state = 'failed' THEN 'verify-failed' END,
            CASE WHEN state = 'failed' THEN 'dbt build exited 1: column "title" does not exist' END,
            CASE WHEN state = 'unaffected'
                 THEN jsonb_build_object('status', 'unaffected', 'fields', '[]'::jsonb, 'files', '[]'::jsonb)
                 ELSE jsonb_build_object('status', 'affected', 'fields', jsonb_build_array('title'),
                   'files', jsonb_build_array(
                     jsonb_build_object('path', 'models/orders_' || j || '.sql', 'status', 'affected',
                       'fields', jsonb_build_array('title'), 'lines', jsonb_build_array(3, 11)),
                     jsonb_build_object('path', 'sql/report_' || j || '.sql', 'status', 'affected',
                       'fields', jsonb_build_array('title'), 'lines', jsonb_build_array(7)))) END,
            CASE WHEN state <> 'unaffected' THEN jsonb_build_object('patchedBy', 'rewriter',
              'commandNotRun', 'verify commands are off',
              'shadowChecks', jsonb_build_array(
                jsonb_build_object('path', 'models/orders_' || j || '.sql', 'statement', 1,
                  'before', jsonb_build_object('rows', 1200 + j, 'checksum', md5(c.name)),
                  'after', jsonb_build_object('rows', 1200 + j, 'checksum', md5(c.name)),
                  'outcome', 'match'))) END,
            CASE WHEN state IN ('done', 'merged', 'pr-opened') THEN jsonb_build_object(
              'provider', 'github', 'url', 'https://github.com/acme/' || c.name || '/pull/' || (j + 1),
              'number', j + 1, 'branch', 'dataset-migrations/' || run.id,
              'state', CASE WHEN state = 'pr-opened' THEN 'open' ELSE 'merged' END,
              'openedAt', now()) END,
            CASE WHEN state <> 'unaffected' THEN
              '--- a/models/orders_' || j || E'.sql\\n+++ b/models/orders_' || j || E'.sql\\n'
              || E'@@ -1,12 +1,12 @@\\n select o.id,\\n-       o.title,\\n+       o.headline as title,\\n'
              || repeat(E'        o.amount,\\n', 8) END,
            0, now()
       FROM (SELECT id, row_number() OVER () - 1 AS r FROM unnest(CAST(? AS uuid[])) id) run
       CROSS JOIN generate_series(0, ? - 1) j
       CROSS JOIN LATERAL (SELECT ((run.r * ? / 4 + j) % ?) AS n) k
       CROSS JOIN LATERAL (SELECT k.n, 'consumer-' || lpad(k.n::text, 5, '0') AS name) c
       CROSS JOIN LATERAL (SELECT (CAST(? AS text[]))[1 + (j * 13 + run.r) % 20] AS state) s
      WHERE run.r * ? + j < ?`,
    [
      ledgerRuns,
      consumersPerRun,
      consumersPerRun,
      consumerEntities,
      `{${CONSUMER_STATES.join(',')}}`,
      consumersPerRun,
      consumers,
    ],
  );
  await db.raw('ANALYZE');
  return { ledgerRuns };
}
