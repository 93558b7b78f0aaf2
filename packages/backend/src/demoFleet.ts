import { existsSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Client } from 'pg';
import {
  createRepository,
  writeDemoCatalog,
  type DemoEntity,
} from './demoConsumers';

/**
 * The demo fleet: a few dozen generated datasets owned by several teams, with
 * criticality, lineage (regional tables roll up into one) and consumers in local
 * git repositories, for the demo campaign (demo/campaigns). Every dataset has a
 * `user_id`, which the campaign renames fleet-wide.
 */
const TOPICS: {
  topic: string;
  owner: string;
  criticality: 'low' | 'medium' | 'high' | 'critical';
  rollup: boolean;
}[] = [
  { topic: 'searches', owner: 'podcasts', criticality: 'low', rollup: true },
  { topic: 'follows', owner: 'podcasts', criticality: 'low', rollup: false },
  {
    topic: 'shares',
    owner: 'listening-insights',
    criticality: 'low',
    rollup: false,
  },
  {
    topic: 'sessions',
    owner: 'listening-insights',
    criticality: 'medium',
    rollup: true,
  },
  {
    topic: 'playlists',
    owner: 'listening-insights',
    criticality: 'medium',
    rollup: true,
  },
  {
    topic: 'ad-impressions',
    owner: 'royalties',
    criticality: 'medium',
    rollup: false,
  },
  {
    topic: 'downloads',
    owner: 'data-platform',
    criticality: 'medium',
    rollup: true,
  },
  { topic: 'skips', owner: 'data-platform', criticality: 'high', rollup: true },
  {
    topic: 'payouts',
    owner: 'royalties',
    criticality: 'critical',
    rollup: true,
  },
  {
    topic: 'subscriptions',
    owner: 'data-platform',
    criticality: 'critical',
    rollup: false,
  },
];
const REGIONS = ['eu', 'us', 'apac'];
const ROWS_PER_DATASET = 2000;

export interface FleetDataset {
  /** Catalog name, e.g. `sessions-eu`. */
  name: string;
  /** Relation in the warehouse, e.g. `fleet.sessions_eu`. */
  table: string;
  owner: string;
  criticality: string;
  /** Catalog names of the fleet datasets it is derived from. */
  derivedFrom: string[];
}

export function fleetDatasets(): FleetDataset[] {
  return TOPICS.flatMap(({ topic, owner, criticality, rollup }) => {
    const regional = REGIONS.map(region => ({
      name: `${topic}-${region}`,
      table: `fleet.${topic.replace(/-/g, '_')}_${region}`,
      owner: `group:default/${owner}`,
      criticality,
      derivedFrom: [],
    }));
    if (!rollup) return regional;
    return [
      ...regional,
      {
        name: `${topic}-global`,
        table: `fleet.${topic.replace(/-/g, '_')}_global`,
        owner: `group:default/${owner}`,
        criticality,
        derivedFrom: regional.map(r => r.name),
      },
    ];
  });
}

/** Creates the fleet's tables once (each only if absent), in the caller's warehouse connection. */
export async function seedFleetTables(client: Client): Promise<void> {
  await client.query('CREATE SCHEMA IF NOT EXISTS fleet');
  for (const dataset of fleetDatasets()) {
    await client.query('BEGIN');
    await client.query('SELECT pg_advisory_xact_lock(hashtext($1))', [
      dataset.table,
    ]);
    const { rows } = await client.query('SELECT to_regclass($1) AS found', [
      dataset.table,
    ]);
    if (rows[0].found === null) {
      // Names come from the constant list above, never from input.
      await client.query(`CREATE TABLE ${dataset.table} (
          id bigint PRIMARY KEY, user_id bigint NOT NULL, amount integer,
          happened_at timestamptz NOT NULL, region text)`);
      await client.query(
        `INSERT INTO ${dataset.table}
         SELECT g, 1 + (g * 7919) % 5000, (g * 31) % 1000,
                timestamptz '2026-06-01' + g * interval '17 minutes', $1
           FROM generate_series(1::bigint, $2) AS g`,
        [dataset.name.split('-').pop(), ROWS_PER_DATASET],
      );
      await client.query(`ANALYZE ${dataset.table}`);
    }
    await client.query('COMMIT');
  }
}

/**
 * Writes the fleet's catalog file (datasets and their consumers) and creates the
 * consumers' repositories once. Each topic has one consumer pipeline, owned by a
 * team that reads it, with a SQL file per dataset of the topic.
 */
export function seedFleetCatalog(dataDir: string): string {
  const reposDir = path.join(dataDir, 'consumer-repos');
  const datasets = fleetDatasets();
  const entities: DemoEntity[] = datasets.map(dataset => ({
    entity: {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Resource',
      metadata: {
        name: dataset.name,
        description: `Generated fleet dataset (${dataset.table}).`,
        tags: ['fleet'],
        annotations: {
          'dataset-migrations.io/engine': 'warehouse',
          'dataset-migrations.io/table': dataset.table,
          'dataset-migrations.io/schema-version': '1',
          'dataset-migrations.io/criticality': dataset.criticality,
        },
      },
      spec: {
        type: 'dataset',
        owner: dataset.owner,
        system: 'fleet',
        ...(dataset.derivedFrom.length
          ? {
              dependsOn: dataset.derivedFrom.map(n => `resource:default/${n}`),
            }
          : {}),
      },
    },
  }));
  const readers = ['listening-insights', 'royalties', 'podcasts'];
  TOPICS.forEach(({ topic }, i) => {
    const read = datasets.filter(d => d.name.startsWith(`${topic}-`));
    // Every third topic's consumer has no repository: a reader a person must handle.
    const withRepository = i % 3 !== 2;
    const name = `fleet-${topic}-report`;
    const annotations: Record<string, string> = {};
    let repo: string | undefined;
    if (withRepository) {
      repo = path.join(reposDir, name);
      if (!existsSync(path.join(repo, '.git')))
        createRepository(
          repo,
          Object.fromEntries(
            read.map(d => [
              `queries/${d.name}.sql`,
              `-- Active users and total amount per day, ${d.name}.
SELECT date_trunc('day', happened_at) AS day,
       count(DISTINCT user_id) AS users,
       sum(amount) AS amount
FROM ${d.table}
GROUP BY 1;
`,
            ]),
          ),
        );
      annotations['backstage.io/source-location'] = `url:${
        pathToFileURL(repo).href
      }/`;
    }
    entities.push({
      repo,
      entity: {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name,
          description: `Daily ${topic} report across regions.`,
          annotations,
        },
        spec: {
          type: 'pipeline',
          lifecycle: 'production',
          owner: `group:default/${readers[i % readers.length]}`,
          system: 'fleet',
          dependsOn: read.map(d => `resource:default/${d.name}`),
        },
      },
    });
  });
  entities.push(...followsDashboards(reposDir));
  entities.push({
    entity: {
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'System',
      metadata: {
        name: 'fleet',
        description: 'Generated datasets for the demo campaign.',
      },
      spec: { owner: 'group:default/data-platform' },
    },
  });
  return writeDemoCatalog(
    path.join(dataDir, 'demo-catalog', 'fleet.yaml'),
    'Written by the demo backend on start (packages/backend/src/demoFleet.ts).',
    entities,
  );
}

/** How many dashboards read follows-eu: more than a page of its ledger (20). */
const FOLLOWS_DASHBOARDS = 30;

/**
 * A widely read dataset: follows-eu has dashboards besides its report, so its
 * consumer ledger runs to more than one page. Two in three live in one shared
 * repository whose files read none of the dataset's fields by name (unaffected
 * by most changes); the rest register no repository (a person must handle them).
 */
function followsDashboards(reposDir: string): DemoEntity[] {
  const repo = path.join(reposDir, 'fleet-follows-dashboards');
  if (!existsSync(path.join(repo, '.git')))
    createRepository(repo, {
      'README.md':
        '# Follows dashboards\n\nCharts are defined in the BI tool.\n',
    });
  return Array.from({ length: FOLLOWS_DASHBOARDS }, (_, i) => {
    const n = String(i + 1).padStart(2, '0');
    const withRepository = i % 3 !== 2;
    return {
      repo: withRepository ? repo : undefined,
      entity: {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: `follows-dashboard-${n}`,
          description: `Follows dashboard ${n}.`,
          annotations: withRepository
            ? {
                'backstage.io/source-location': `url:${
                  pathToFileURL(repo).href
                }/`,
              }
            : {},
        },
        spec: {
          type: 'dashboard',
          lifecycle: 'production',
          owner: 'group:default/podcasts',
          system: 'fleet',
          dependsOn: ['resource:default/follows-eu'],
        },
      },
    };
  });
}
