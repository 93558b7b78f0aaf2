import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * The demo's consumers of listening-events: local git repositories with plain SQL
 * and dbt models, and the catalog entities that point at them. Repositories are
 * created once; the catalog file is rewritten on every start so its paths match
 * this clone.
 */
export interface DemoConsumer {
  name: string;
  description: string;
  owner: string;
  dependsOn: string[];
  /** No files: a consumer whose entity names no repository. */
  files?: Record<string, string>;
  verifyCommand?: string;
}

export const DEMO_CONSUMERS: DemoConsumer[] = [
  {
    name: 'daily-listening-report',
    description: 'Daily plays per country (plain SQL).',
    owner: 'group:default/listening-insights',
    dependsOn: ['resource:default/listening-events'],
    verifyCommand: 'sh ci/check.sh',
    files: {
      'reports/daily_plays.sql': `-- Plays and listening time per country and day.
SELECT e.country,
       date_trunc('day', e.played_at) AS day,
       count(*) AS plays,
       sum(e.duration_ms) AS listened_ms
FROM public.listening_events e
GROUP BY 1, 2;
`,
      'reports/top_tracks.sql': `-- The most played tracks.
select track_id, count(*) as plays
from listening_events
group by track_id
order by plays desc, track_id
limit 100;
`,
      'ci/check.sh': `#!/bin/sh
# Every report must be non-empty SQL ending in a semicolon.
set -e
for f in reports/*.sql; do
  test -s "$f"
  grep -q ';' "$f"
done
echo "reports ok"
`,
    },
  },
  {
    name: 'royalty-calculator',
    description: 'Monthly royalty statements from plays per track (dbt).',
    owner: 'group:default/royalties',
    dependsOn: ['resource:default/listening-events', 'resource:default/tracks'],
    verifyCommand: 'sh ci/check.sh',
    files: {
      'models/sources.yml': `version: 2
sources:
  - name: warehouse
    schema: public
    tables:
      - name: listening_events
      - name: tracks
`,
      'models/staging/stg_plays.sql': `{{ config(materialized='view') }}

with plays as (
    select
        track_id,
        user_id,
        duration_ms,
        played_at
    from {{ source('warehouse', 'listening_events') }}
    where duration_ms >= 30000  -- a royalty-bearing play lasts 30 s
)

select * from plays
`,
      'models/royalties.sql': `select p.track_id, t.artist, count(*) as plays
from {{ ref('stg_plays') }} p
join {{ source('warehouse', 'tracks') }} t on t.track_id = p.track_id
group by 1, 2
`,
      'ci/check.sh': `#!/bin/sh
set -e
test -f models/sources.yml
echo "dbt project layout ok"
`,
    },
  },
  {
    name: 'churn-model',
    description: 'Predicts churn from listening habits and plan.',
    owner: 'group:default/listening-insights',
    dependsOn: [
      'resource:default/listening-events',
      'resource:default/user-profiles',
    ],
    files: {
      'features/user_features.sql': `-- Features per user for the churn model.
SELECT u.user_id,
       u.premium,
       count(e.event_id) AS plays_90d,
       avg(e.duration_ms) AS avg_play_ms,
       bool_or(e.legacy_flag) AS used_legacy_client
FROM public.user_profiles u
LEFT JOIN public.listening_events e ON e.user_id = u.user_id
   AND e.played_at > now() - interval '90 days'
GROUP BY u.user_id, u.premium;
`,
    },
  },
  {
    name: 'skip-rate-dashboard',
    description: 'Share of plays under 30 seconds, per country.',
    owner: 'group:default/listening-insights',
    dependsOn: ['resource:default/listening-events'],
    files: {
      'queries/short_plays.sql': `-- Raw short plays, for the dashboard's drill-down.
select *
from listening_events
where duration_ms < 30000
  and country = 'SE';
`,
    },
  },
  {
    name: 'genre-charts',
    description: 'Weekly charts per genre; reads only track metadata.',
    owner: 'group:default/royalties',
    dependsOn: ['resource:default/listening-events'],
    files: {
      'charts/weekly.sql': `select date_trunc('week', played_at) as week, count(distinct user_id) as listeners
from listening_events
group by 1;
`,
    },
  },
  {
    name: 'ad-hoc-notebooks',
    description: 'Analysts’ notebooks; no repository is registered.',
    owner: 'group:default/listening-insights',
    dependsOn: ['resource:default/listening-events'],
  },
];

export function seedDemoConsumers(dataDir: string): string {
  const reposDir = path.join(dataDir, 'consumer-repos');
  const entities: DemoEntity[] = [];
  for (const consumer of DEMO_CONSUMERS) {
    const annotations: Record<string, string> = {};
    let repo: string | undefined;
    if (consumer.files) {
      repo = path.join(reposDir, consumer.name);
      if (!existsSync(path.join(repo, '.git')))
        createRepository(repo, consumer.files);
      annotations['backstage.io/source-location'] = `url:${
        pathToFileURL(repo).href
      }/`;
    }
    if (consumer.verifyCommand)
      annotations['dataset-migrations.io/verify-command'] =
        consumer.verifyCommand;
    entities.push({
      repo,
      entity: {
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: {
          name: consumer.name,
          description: consumer.description,
          annotations,
        },
        spec: {
          type: 'pipeline',
          lifecycle: 'production',
          owner: consumer.owner,
          system: 'listening',
          dependsOn: consumer.dependsOn,
        },
      },
    });
  }
  return writeDemoCatalog(
    path.join(dataDir, 'demo-catalog', 'consumers.yaml'),
    `Written by the demo backend on start; the repositories are in ${reposDir}.`,
    entities,
  );
}

/** A demo catalog entity, and the repository whose catalog file registers it. */
export interface DemoEntity {
  entity: object;
  repo?: string;
}

/**
 * Writes a demo catalog file. An entity with a repository goes into that
 * repository's `catalog-info.yaml`, registered through a Location here, as a team
 * registers its own repository: the catalog then records it as managed from there,
 * which is what lets its pull requests go to that repository
 * (`consumers.pullRequestRepositories`). The rest are written here directly.
 */
export function writeDemoCatalog(
  catalogFile: string,
  header: string,
  entities: DemoEntity[],
): string {
  const byRepository = new Map<string, object[]>();
  const direct: object[] = [];
  for (const { entity, repo } of entities) {
    if (!repo) direct.push(entity);
    else byRepository.set(repo, [...(byRepository.get(repo) ?? []), entity]);
  }
  // JSON is YAML: one document per entity.
  const documents = (list: object[]) =>
    list.map(e => `---\n${JSON.stringify(e)}\n`).join('');
  const targets: string[] = [];
  for (const [repo, list] of byRepository) {
    const file = path.resolve(repo, 'catalog-info.yaml');
    // Not committed: the catalog reads it from the work tree, and the demo's
    // queries stay the repository's only commit.
    writeFileSync(
      file,
      `# Written by the demo backend on start.\n${documents(list)}`,
    );
    targets.push(file);
  }
  if (targets.length > 0)
    direct.push({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Location',
      metadata: {
        name: `${path.basename(catalogFile, '.yaml')}-repositories`,
        description: "The demo's consumer repositories' own catalog files.",
      },
      spec: { type: 'file', targets },
    });
  mkdirSync(path.dirname(catalogFile), { recursive: true });
  writeFileSync(catalogFile, `# ${header}\n${documents(direct)}`);
  return catalogFile;
}

/** A local git repository with these files in one commit on `main`. */
export function createRepository(
  repo: string,
  files: Record<string, string>,
): void {
  for (const [file, content] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(repo, file)), { recursive: true });
    writeFileSync(path.join(repo, file), content);
  }
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: repo,
      stdio: 'ignore',
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'Demo',
        GIT_AUTHOR_EMAIL: 'demo@localhost',
        GIT_COMMITTER_NAME: 'Demo',
        GIT_COMMITTER_EMAIL: 'demo@localhost',
      },
    });
  git('init', '-q', '-b', 'main');
  git('add', '-A');
  git('commit', '-q', '-m', 'Initial pipeline');
  console.log(`[demo] created consumer repository ${repo}`);
}
