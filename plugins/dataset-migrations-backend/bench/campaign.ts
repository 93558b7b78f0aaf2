/**
 * yarn bench:campaign [--datasets N] [--rows R] [--consumers C] [--concurrency K]
 *   [--workers W] [--direct-datasets D] [--direct-concurrency P] [--optimize-sql-parser]
 *
 * A generated fleet of N datasets (tables of R rows sharing `user_id`, owned by a
 * few teams, of mixed criticality, some derived from others through
 * `spec.dependsOn`) and C consumers (local git repositories with a SQL file reading
 * one dataset), migrated twice in one run through the real parts:
 *
 * 1. as a campaign: the planner, the campaign service's create and start, and
 *    graphile-worker running the real migration, campaign-tick and consumer
 *    handlers until the campaign is `completed` (soak 0s, no windows, campaign
 *    concurrency K, approvals off) and every consumer settled;
 * 2. the baseline: the same migrations of an identical second fleet, each
 *    submitted directly through `MigrationService.createMigration`, on the same
 *    workers, until all succeeded and every consumer settled; all queued at
 *    once, or with `--direct-concurrency P` at most P queued or running at a time
 *    (a script submitting with the campaign's parallelism, polling every 50 ms).
 *
 * Prints the whole time, datasets and consumers per minute, the campaign's overhead
 * against the baseline, queue latency (a migration's creation to its start, from
 * the store's timestamps) and the process's peak RSS.
 */
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Knex } from 'knex';
import type { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_CRITICALITY,
  CRITICALITY_LEVELS,
  type CampaignDocumentInput,
  type FieldChange,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { MigrationAnnouncer } from '../src/announcements/MigrationAnnouncer';
import { withCampaignTicks } from '../src/campaigns/campaignTicks';
import { ConsumerStore } from '../src/database/ConsumerStore';
import { CampaignPlanner } from '../src/campaigns/CampaignPlanner';
import { CampaignRunner } from '../src/campaigns/CampaignRunner';
import { CampaignAuditOutbox } from '../src/database/CampaignAuditOutbox';
import { CampaignLookLeases } from '../src/database/CampaignLookLeases';
import { CampaignService } from '../src/campaigns/CampaignService';
import { DatabaseCampaignStore } from '../src/database/DatabaseCampaignStore';
import { CampaignPullRequestSlots } from '../src/database/CampaignPullRequestSlots';
import { mapConcurrently } from '../src/consumers/mapConcurrently';
import { campaignSlots, meanRunning } from './campaignSlots';
import {
  benchAuth,
  benchCatalog,
  benchConsumerPipeline,
  benchEngines,
  benchPermissions,
  benchUser,
  consumerEntity,
  createGitRepositories,
  percentile,
  quiet,
  random,
  startBenchPostgres,
  sqlParserAsConfigured,
  startJobPath,
} from './harness';

const arg = (name: string, fallback: number) =>
  process.argv.includes(name)
    ? Number(process.argv[process.argv.indexOf(name) + 1])
    : fallback;
const DATASETS = arg('--datasets', 200);
const ROWS = arg('--rows', 2000);
const CONSUMERS = arg('--consumers', 0);
const CONCURRENCY = arg('--concurrency', 4);
/**
 * Worker slots of the queue. Migrations and looks go before consumer steps, so
 * with no more slots than the campaign's concurrency its consumers would wait for
 * every migration: twice as many leaves them half.
 */
const WORKERS = arg('--workers', 2 * CONCURRENCY);
/**
 * The baseline on the first N datasets of an identical fleet (with their share of
 * the consumers), its time scaled to the campaign's count: a 1,000-dataset run
 * then fits in an evening. Said in the output.
 */
const DIRECT_DATASETS = Math.min(arg('--direct-datasets', DATASETS), DATASETS);
const DIRECT_CONSUMERS = Math.round((CONSUMERS * DIRECT_DATASETS) / DATASETS);
/**
 * At most this many of the baseline's migrations queued or running at once
 * (default: all queued at once). The campaign runs at most `--concurrency` at
 * once by design; the same limit here compares the campaign's machinery alone.
 */
const DIRECT_CONCURRENCY = arg('--direct-concurrency', Infinity);
const SAMPLED = DIRECT_DATASETS < DATASETS;
const OWNERS = ['data-platform', 'payments', 'growth', 'search'].map(
  t => `group:default/${t}`,
);
const CHANGES: FieldChange[] = [
  { renameField: { from: 'user_id', to: 'account_id' } },
];
/** Consumer states after which nothing more happens without a person. */
const SETTLED = ['unaffected', 'pr-opened', 'failed', 'done'];

/** One fleet: its datasets' names and tables, and the consumers reading them. */
interface Fleet {
  prefix: string;
  tag: string;
  datasets: string[];
  consumerDirs: string[][];
}

function fleetOf(
  prefix: string,
  root: string,
  count: number,
  consumers: number,
): Fleet {
  const datasets = Array.from(
    { length: count },
    (_, i) => `${prefix}_${String(i).padStart(4, '0')}`,
  );
  // Consumers spread unevenly over the datasets, the same way in both fleets.
  const rand = random(7);
  const consumerDirs: string[][] = datasets.map(() => []);
  for (let c = 0; c < consumers; c++) {
    const d = Math.floor(rand() * rand() * count);
    consumerDirs[d].push(
      path.join(root, `${prefix}-consumer-${String(c).padStart(5, '0')}`),
    );
  }
  return { prefix, tag: `${prefix}-fleet`, datasets, consumerDirs };
}

/**
 * The rows every dataset starts with, made once: each table copies them rather
 * than computing its own series.
 */
async function createRowsTemplate(warehouse: Knex) {
  await warehouse.raw(`
    CREATE UNLOGGED TABLE bench_rows AS
      SELECT g::bigint AS id, (1 + (g * 7919) % 5000)::bigint AS user_id,
             ((g * 31) % 100000)::integer AS amount_cents,
             (ARRAY['SE','US','GB','DE'])[1 + g % 4] AS country,
             timestamptz '2026-01-01' + g * interval '1 minute' AS created_at
        FROM generate_series(1, ${ROWS}) g;`);
}

/** The fleet's tables, several to a statement. */
async function createTables(warehouse: Knex, fleet: Fleet) {
  const batches: string[][] = [];
  for (let i = 0; i < fleet.datasets.length; i += 10)
    batches.push(fleet.datasets.slice(i, i + 10));
  await mapConcurrently(batches, 2, async tables => {
    await warehouse.raw(
      tables
        .map(
          table => `
      CREATE TABLE public.${table} (id bigint PRIMARY KEY, user_id bigint NOT NULL,
        amount_cents integer, country text, created_at timestamptz);
      INSERT INTO public.${table} SELECT * FROM bench_rows;
      ANALYZE public.${table};`,
        )
        .join(''),
    );
  });
}

async function createConsumers(fleet: Fleet) {
  await createGitRepositories(
    fleet.datasets.flatMap((table, d) =>
      fleet.consumerDirs[d].map((dir, c) => ({
        dir,
        files: {
          'sql/report.sql': `select user_id, sum(amount_cents) as spent
from public.${table}
where country = '${['SE', 'US', 'GB', 'DE'][c % 4]}'
group by user_id;
`,
        },
      })),
    ),
  );
}

/** The fleet's datasets and consumers as the catalog holds them. */
function entitiesOf(fleet: Fleet): Entity[] {
  const ref = (table: string) => `resource:default/${table.replace(/_/g, '-')}`;
  const consumers: Entity[] = [];
  const datasets = fleet.datasets.map((table, i) => {
    // Every fifth dataset is a source; the four after it are derived from it.
    const upstream = i % 5 === 0 ? [] : [ref(fleet.datasets[i - (i % 5)])];
    const readers = fleet.consumerDirs[i].map((dir, c) =>
      consumerEntity(dir, OWNERS[(i + c) % OWNERS.length]),
    );
    consumers.push(...readers);
    return {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: table.replace(/_/g, '-'),
        namespace: 'default',
        tags: [fleet.tag],
        annotations: {
          'dataset-migrations.io/engine': 'warehouse',
          'dataset-migrations.io/table': `public.${table}`,
          [ANNOTATION_CRITICALITY]:
            CRITICALITY_LEVELS[i % CRITICALITY_LEVELS.length],
        },
      },
      spec: {
        type: 'dataset',
        owner: OWNERS[i % OWNERS.length],
        dependsOn: upstream,
      },
      relations: [
        { type: 'ownedBy', targetRef: OWNERS[i % OWNERS.length] },
        ...upstream.map(targetRef => ({ type: 'dependsOn', targetRef })),
        ...readers.map(r => ({
          type: 'dependencyOf',
          targetRef: `component:default/${r.metadata.name}`,
        })),
      ],
    } as Entity;
  });
  return [...datasets, ...consumers];
}

/** Migrations' states and consumers' states of one fleet, read from the store's tables. */
async function progressOf(pluginDb: Knex, campaign: boolean) {
  const where = campaign ? 'campaign_id IS NOT NULL' : 'campaign_id IS NULL';
  const migrations = await pluginDb.raw(
    `SELECT status, count(*)::int AS n FROM migrations WHERE ${where} GROUP BY status`,
  );
  const consumers = await pluginDb.raw(
    `SELECT c.state, count(*)::int AS n FROM migration_consumers c
       JOIN migrations m ON m.id = c.migration_id WHERE m.${where} GROUP BY c.state`,
  );
  const count = (rows: { n: number }[]) => rows.reduce((s, r) => s + r.n, 0);
  const m = migrations.rows as { status: string; n: number }[];
  const c = consumers.rows as { state: string; n: number }[];
  return {
    succeeded: count(m.filter(r => r.status === 'succeeded')),
    failed: m.filter(
      r => !['queued', 'running', 'succeeded'].includes(r.status),
    ),
    consumers: count(c),
    consumersSettled: count(c.filter(r => SETTLED.includes(r.state))),
    consumerStates: c,
  };
}

/** Waits until every consumer the fleet's migrations discovered is settled. */
async function consumersSettled(
  pluginDb: Knex,
  campaign: boolean,
  expected: number,
) {
  for (;;) {
    const p = await progressOf(pluginDb, campaign);
    if (p.consumers >= expected && p.consumersSettled === p.consumers) return p;
    await sleep(250);
  }
}

/**
 * p50 / p95 of the time between two of the store's timestamps on a fleet's
 * migrations: created_at → started_at is queue latency, started_at → finished_at
 * a run.
 */
async function between(
  pluginDb: Knex,
  campaign: boolean,
  from: 'created_at' | 'started_at',
  to: 'started_at' | 'finished_at',
) {
  const { rows } = await pluginDb.raw(
    `SELECT extract(epoch FROM ${to} - ${from}) * 1000 AS ms FROM migrations
      WHERE ${to} IS NOT NULL AND campaign_id IS ${
      campaign ? 'NOT NULL' : 'NULL'
    }`,
  );
  const values = (rows as { ms: string }[]).map(r => Number(r.ms));
  return `${Math.round(percentile(values, 50))} ms / ${Math.round(
    percentile(values, 95),
  )} ms`;
}

/**
 * Per wave after the first, how long its first migration came after the wave
 * before it ended: that wave's last migration finished and its consumers' last
 * step (their checks, which a wave whose consumer failures count waits for).
 */
async function waveHandovers(pluginDb: Knex, campaignId: string) {
  const { rows } = await pluginDb.raw(
    `WITH waves AS (
       SELECT d.wave_index, min(m.created_at) AS first_created,
              greatest(max(m.finished_at), max(c.last_step)) AS ended
         FROM campaign_datasets d
         JOIN migrations m ON m.id = d.migration_id
         LEFT JOIN LATERAL (SELECT max(updated_at) AS last_step
                              FROM migration_consumers
                             WHERE migration_id = m.id) c ON true
        WHERE d.campaign_id = ?
        GROUP BY d.wave_index)
     SELECT extract(epoch FROM w.first_created - p.ended) * 1000 AS ms
       FROM waves w JOIN waves p ON p.wave_index = w.wave_index - 1
      ORDER BY w.wave_index`,
    [campaignId],
  );
  return (rows as { ms: string }[]).map(r => Number(r.ms));
}

async function main() {
  const postgres = await startBenchPostgres({ fast: true });
  const work = mkdtempSync(path.join(tmpdir(), 'dsm-bench-campaign-'));
  chmodSync(work, 0o755);
  try {
    console.log(
      `bench:campaign — ${DATASETS} datasets of ${ROWS} rows, ${CONSUMERS} consumers, campaign concurrency ${CONCURRENCY}, ${WORKERS} worker slots, the direct baseline ${
        Number.isFinite(DIRECT_CONCURRENCY)
          ? `at most ${DIRECT_CONCURRENCY} at once`
          : 'queued all at once'
      }, ${sqlParserAsConfigured()}`,
    );
    if (SAMPLED)
      console.log(
        `the direct baseline runs on a sample: ${DIRECT_DATASETS} datasets and ${DIRECT_CONSUMERS} consumers, its time scaled ×${(
          DATASETS / DIRECT_DATASETS
        ).toFixed(2)} for the overhead (linear scaling assumed, not measured)`,
      );
    const setupStarted = Date.now();
    const campaignFleet = fleetOf('fleet', work, DATASETS, CONSUMERS);
    const directFleet = fleetOf(
      'direct',
      work,
      DIRECT_DATASETS,
      DIRECT_CONSUMERS,
    );
    const warehouse = await postgres.connect('warehouse', 4);
    await createRowsTemplate(warehouse);
    for (const fleet of [campaignFleet, directFleet])
      await createTables(warehouse, fleet);
    const tablesMs = Date.now() - setupStarted;
    for (const fleet of [campaignFleet, directFleet])
      await createConsumers(fleet);
    const catalog = benchCatalog([
      ...entitiesOf(campaignFleet),
      ...entitiesOf(directFleet),
    ]);
    const engines = await benchEngines(await postgres.url('warehouse'), 8);
    console.log(
      `generated ${DATASETS + DIRECT_DATASETS} tables in ${(
        tablesMs / 1000
      ).toFixed(1)} s and ${CONSUMERS + DIRECT_CONSUMERS} repositories in ${(
        (Date.now() - setupStarted - tablesMs) /
        1000
      ).toFixed(1)} s (peak RSS so far ${postgres.peakRssMb()} MB)`,
    );

    // Wired as src/plugin.ts wires it: an outcome asks its campaign to look again.
    const pluginDb = await postgres.connect('plugin', 10);
    const campaignStore = new DatabaseCampaignStore(pluginDb);
    // The announcer and the job path need each other: the announcer reaches
    // the path through it once the path has started.
    const wiring: { jobPath?: Awaited<ReturnType<typeof startJobPath>> } = {};
    const silent: MigrationAnnouncer = {
      migrationChanged: async () => {},
      consumerChanged: async () => {},
      campaignChanged: async () => {},
    };
    const announcer = withCampaignTicks(silent, {
      migrations: {
        campaignOf: id => wiring.jobPath!.store.campaignOf(id),
      },
      consumers: new ConsumerStore(pluginDb),
      enqueueTick: id => wiring.jobPath!.queue.enqueueCampaignTick(id),
      logger: quiet,
    });
    const jobPath = await startJobPath({
      pluginDb,
      engines,
      catalog,
      withConsumers: CONSUMERS > 0,
      announcer,
    });
    wiring.jobPath = jobPath;
    const { store, queue, runner, service } = jobPath;
    const { pipeline, assessments } = benchConsumerPipeline({
      root: work,
      pluginDb,
      jobPath,
      catalog,
      engines,
      announcer,
      campaigns: {
        pullRequests: new CampaignPullRequestSlots(pluginDb),
        defer: (migrationId, entityRef, runAt) =>
          queue.enqueueConsumer(migrationId, entityRef, runAt),
      },
    });
    const campaigns = new CampaignService({
      campaigns: campaignStore,
      planning: new CampaignPlanner({
        catalog,
        engines,
        store,
        permissions: benchPermissions,
      }),
      permissions: benchPermissions,
      // The bench user is of the platform team that owns the campaign.
      userInfo: {
        getUserInfo: async () => ({
          userEntityRef: benchUser.principal.userEntityRef,
          ownershipEntityRefs: [
            benchUser.principal.userEntityRef,
            'group:default/data-platform',
          ],
        }),
      },
      queue,
      announcer,
    });
    const campaignRunner = new CampaignRunner({
      campaigns: campaignStore,
      migrations: service,
      queue,
      auth: benchAuth,
      logger: quiet,
      audit: new CampaignAuditOutbox(pluginDb),
      lookLeases: new CampaignLookLeases(pluginDb, 30_000),
      announcer,
    });
    /** How long each look at the campaign held a worker. */
    const ticks: number[] = [];
    await queue.start({
      concurrency: WORKERS,
      handlers: {
        runMigration: id => runner.run(id),
        discoverConsumers: async id => {
          await pipeline.discover(id);
        },
        advanceConsumer: (id, ref) => pipeline.advance(id, ref),
        advanceCampaign: async id => {
          const started = Date.now();
          try {
            await campaignRunner.tick(id);
          } finally {
            ticks.push(Date.now() - started);
          }
        },
      },
    });

    // 1. The campaign.
    const document: CampaignDocumentInput = {
      name: 'bench-fleet',
      title: 'Rename user_id to account_id across the fleet',
      owner: 'group:default/data-platform',
      deadline: '2027-12-31',
      selector: { tags: [campaignFleet.tag], hasFields: ['user_id'] },
      changes: CHANGES,
      rollout: {
        soak: '0s',
        concurrency: CONCURRENCY,
        windows: [],
        // Throttles off: the bench measures the campaign, not Renovate's knobs.
        pullRequests: {
          concurrentLimit: 10_000,
          hourlyLimit: 10_000,
          perOwnerLimit: 10_000,
        },
      },
    };
    // The review (POST /campaigns/plan) changes nothing and is optional, like a
    // dry run before a direct request: timed apart. The campaign's time runs from
    // its creation (which plans again) through its start (again, with the
    // starter's rights) until it is completed and its consumers settled.
    const reviewStarted = Date.now();
    const plan = await campaigns.plan(document, benchUser);
    const campaignStarted = Date.now();
    const reviewMs = campaignStarted - reviewStarted;
    const draft = await campaigns.create(document, benchUser);
    await campaigns.start(draft.id, benchUser);
    const startedAt = Date.now();
    // Polled on its row alone: the campaign's page (burndown, stuck items) is not
    // what a bench should load the database with.
    const stateOf = async () =>
      (await pluginDb('campaigns').where({ id: draft.id }).first('state'))
        .state as string;
    // A line a minute, so a run stopped before its end still says how far it got.
    const reporter = setInterval(() => {
      progressOf(pluginDb, true)
        .then(p =>
          console.log(
            `${new Date().toISOString()} campaign +${Math.round(
              (Date.now() - campaignStarted) / 1000,
            )} s: ${p.succeeded} datasets migrated, ${p.consumersSettled} of ${
              p.consumers
            } consumers discovered settled, RSS ${Math.round(
              process.memoryUsage().rss / 1024 / 1024,
            )} MB (peak ${postgres.peakRssMb()} MB)`,
          ),
        )
        .catch(() => undefined);
    }, 60_000);
    while ((await stateOf()) === 'running') await sleep(250);
    const campaign = await campaigns.get(draft.id);
    if (campaign.state !== 'completed')
      throw new Error(
        `campaign ${campaign.state}: ${JSON.stringify(campaign.stateReason)}`,
      );
    const campaignMigrated = Date.now();
    const campaignProgress = await consumersSettled(pluginDb, true, CONSUMERS);
    const campaignFinished = Date.now();
    clearInterval(reporter);

    // 2. The baseline: the same migrations, submitted directly.
    const directStarted = Date.now();
    const unsubmitted = [...directFleet.datasets];
    let submitted = 0;
    for (;;) {
      const p = await progressOf(pluginDb, false);
      if (p.failed.length > 0)
        throw new Error(`direct migrations ${JSON.stringify(p.failed)}`);
      if (p.succeeded === DIRECT_DATASETS) break;
      while (
        unsubmitted.length > 0 &&
        submitted - p.succeeded < DIRECT_CONCURRENCY
      ) {
        const table = unsubmitted.shift()!;
        await service.createMigration(
          {
            entityRef: `resource:default/${table.replace(/_/g, '-')}`,
            targetVersion: 2,
            changes: CHANGES,
          },
          benchUser,
        );
        submitted += 1;
      }
      await sleep(unsubmitted.length > 0 ? 50 : 250);
    }
    const directMigrated = Date.now();
    const directProgress = await consumersSettled(
      pluginDb,
      false,
      DIRECT_CONSUMERS,
    );
    const directFinished = Date.now();

    await queue.stop();
    await assessments.close();
    await engines.close();

    const s = (ms: number) => `${(ms / 1000).toFixed(1)} s`;
    const perMinute = (n: number, ms: number) => Math.round((n / ms) * 60_000);
    const campaignMs = campaignFinished - campaignStarted;
    /** The baseline's time for the campaign's count (scaled when sampled). */
    const directMs =
      ((directFinished - directStarted) * DATASETS) / DIRECT_DATASETS;
    const ratio = campaignMs / directMs;
    const direct = SAMPLED
      ? `direct (baseline, ${DIRECT_DATASETS} of ${DATASETS} datasets; rates scaled to ${DATASETS})`
      : 'direct (baseline)';
    const states = (rows: { state: string; n: number }[]) =>
      rows.map(r => `${r.state} ${r.n}`).join(', ') || '—';
    // A failure is a finding, not noise: say what failed and why.
    const { rows: failures } = await pluginDb.raw(
      `SELECT 'consumer ' || c.entity_ref || ' of ' || m.entity_ref || ': ' ||
              coalesce(c.failure_kind, '') || ' ' || coalesce(c.failure_message, '') ||
              coalesce(' — ' || (SELECT string_agg(sc->>'outcome' || ': ' || coalesce(sc->>'detail', ''), '; ')
                                   FROM jsonb_array_elements(c.verification->'shadowChecks') sc
                                  WHERE sc->>'outcome' <> 'match'), '') AS what
         FROM migration_consumers c JOIN migrations m ON m.id = c.migration_id
        WHERE c.state = 'failed'
       UNION ALL
       SELECT 'migration of ' || entity_ref || ' (' || status || '): ' || coalesce(failure_reason, '')
         FROM migrations WHERE status NOT IN ('queued', 'running', 'succeeded')`,
    );
    for (const { what } of failures as { what: string }[])
      console.log(`failed: ${what.slice(0, 400)}`);
    console.log('');
    console.log(`| measure | campaign | ${direct} |`);
    console.log('|---|---|---|');
    console.log(
      `| datasets migrated | ${campaign.counts.done} of ${campaign.counts.datasets} (${plan.waves.length} waves, ${campaign.counts.failed} failed) | ${directProgress.succeeded} of ${DIRECT_DATASETS} |`,
    );
    console.log(
      `| consumers | ${states(campaignProgress.consumerStates)} | ${states(
        directProgress.consumerStates,
      )} |`,
    );
    console.log(
      `| whole time | ${s(campaignMs)} (of which create and start ${s(
        startedAt - campaignStarted,
      )}; the review plan before it ${s(reviewMs)}) | ${s(
        directFinished - directStarted,
      )}${SAMPLED ? ` (scaled: ${s(directMs)})` : ''} |`,
    );
    console.log(
      `| of which until every migration succeeded | ${s(
        campaignMigrated - campaignStarted,
      )} | ${s(directMigrated - directStarted)} |`,
    );
    console.log(
      `| datasets per minute | ${perMinute(DATASETS, campaignMs)} | ${perMinute(
        DATASETS,
        directMs,
      )} |`,
    );
    console.log(
      `| consumers per minute | ${
        CONSUMERS ? perMinute(CONSUMERS, campaignMs) : '—'
      } | ${CONSUMERS ? perMinute(CONSUMERS, directMs) : '—'} |`,
    );
    console.log(
      `| queue latency (created → started), p50 / p95 | ${await between(
        pluginDb,
        true,
        'created_at',
        'started_at',
      )} | ${await between(pluginDb, false, 'created_at', 'started_at')} |`,
    );
    console.log(
      `| one migration's run (started → finished), p50 / p95 | ${await between(
        pluginDb,
        true,
        'started_at',
        'finished_at',
      )} | ${await between(pluginDb, false, 'started_at', 'finished_at')} |`,
    );
    console.log(
      `| looks at the campaign (ticks): count, p50 / p95, total | ${
        ticks.length
      }, ${percentile(ticks, 50)} ms / ${percentile(ticks, 95)} ms, ${s(
        ticks.reduce((a, b) => a + b, 0),
      )} | |`,
    );
    console.log(
      `| migrations running at once, on average | ${(
        await meanRunning(pluginDb, true)
      ).toFixed(1)} (at most ${CONCURRENCY}) | ${(
        await meanRunning(pluginDb, false)
      ).toFixed(1)} (${WORKERS} worker slots) |`,
    );
    const slots = await campaignSlots(pluginDb, draft.id, CONCURRENCY);
    if (slots)
      console.log(
        `| the campaign's ${CONCURRENCY} slots from its first migration's creation to its last one's end | ${s(
          slots.total,
        )} of slot time: busy ${s(
          slots.busy,
        )}; idle waiting for a look to start the next ${s(
          slots.look,
        )}, for an upstream's migration ${s(slots.upstream)}, in wave tails ${s(
          slots.tail,
        )}, between waves ${s(slots.between)} | |`,
      );
    console.log(
      `| wave handovers (the wave before ended: its last migration and its consumers' last step → the next wave's first migration), each | ${(
        await waveHandovers(pluginDb, draft.id)
      )
        .map(ms => `${(ms / 1000).toFixed(1)} s`)
        .join(', ')} | |`,
    );
    console.log(
      `| campaign overhead (campaign ÷ direct) | ${ratio.toFixed(2)}× (${
        ratio >= 1 ? '+' : ''
      }${((ratio - 1) * 100).toFixed(1)} %; goal ≤ 10 %${
        SAMPLED ? '; the baseline scaled from its sample' : ''
      }) | |`,
    );
    console.log(
      `| the same with the review plan | ${(
        (campaignMs + reviewMs) /
        directMs
      ).toFixed(2)}× | |`,
    );
    console.log(
      `| peak RSS of this process (the backend side) | ${postgres.peakRssMb()} MB | |`,
    );
  } finally {
    await postgres.stop();
    rmSync(work, { recursive: true, force: true });
  }
}

main().catch(error => {
  console.error(error);
  process.exit(1);
});
