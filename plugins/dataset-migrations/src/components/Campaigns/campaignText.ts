import type {
  Campaign,
  CampaignDatasetProgress,
  CampaignDatasetState,
  CampaignState,
  CampaignStuckItem,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { csvTable } from '@dataset-migrations/plugin-dataset-migrations-common';
import { datedFileName } from '../shared/format';

export const STUCK_KINDS: Record<CampaignStuckItem['kind'], string> = {
  failed: 'Failed',
  'rolled-back': 'Rolled back',
  'consumer-failed': 'Consumer failed',
  'needs-decision': 'Needs a decision',
  'awaiting-approval': 'Awaiting approval',
  'pull-request-stale': 'Pull request open too long',
  'undiscovered-readers': 'Readers nobody discovered',
  'no-window': 'No rollout window before the deadline',
  'contract-not-allowed': 'Contract left to its owners',
  'rollback-not-allowed': 'Rollback left to its owners',
};

/** A dataset that reached its new version (contracted or not). */
export function isDone(state: CampaignDatasetState): boolean {
  return state === 'migrated' || state === 'contracted';
}

/** A dataset the campaign still owes: not done, and not skipped for good. */
export function isOutstanding(state: CampaignDatasetState): boolean {
  return !isDone(state) && state !== 'skipped';
}

/** What a person may do to a campaign in each state, and why not otherwise. */
export const CAMPAIGN_ACTIONS = {
  start: {
    allowedIn: ['draft'],
    whyNot: 'Only a draft campaign can be started',
  },
  pause: {
    allowedIn: ['running'],
    whyNot: 'Only a running campaign can be paused',
  },
  resume: {
    allowedIn: ['paused'],
    whyNot: 'Only a paused campaign can be resumed',
  },
  abort: {
    allowedIn: ['draft', 'running', 'paused'],
    whyNot: 'A completed or aborted campaign is over',
  },
} as const satisfies Record<
  string,
  { allowedIn: readonly CampaignState[]; whyNot: string }
>;

export type CampaignAction = keyof typeof CAMPAIGN_ACTIONS;

export function actionAllowed(
  action: CampaignAction,
  state: CampaignState,
): boolean {
  return (CAMPAIGN_ACTIONS[action].allowedIn as readonly string[]).includes(
    state,
  );
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['week', 7 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/**
 * "in 3 weeks", "2 days ago": a moment relative to now, in the reader's language.
 * The exact time goes next to it with {@link formatTime}.
 */
export function relativeTime(iso: string, now = Date.now()): string {
  const ms = Date.parse(iso) - now;
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });
  for (const [unit, size] of UNITS) {
    if (Math.abs(ms) >= size) return format.format(Math.round(ms / size), unit);
  }
  return format.format(Math.round(ms / 1000), 'second');
}

/** Per owning team: datasets done and outstanding, consumers outstanding. */
export interface OwnerProgress {
  owner: string;
  done: number;
  outstanding: number;
  consumersOutstanding: number;
}

export const NO_OWNER = '(no owner)';

export function progressByOwner(
  datasets: CampaignDatasetProgress[],
): OwnerProgress[] {
  const byOwner = new Map<string, OwnerProgress>();
  for (const dataset of datasets) {
    const owner = dataset.owner ?? NO_OWNER;
    const row = byOwner.get(owner) ?? {
      owner,
      done: 0,
      outstanding: 0,
      consumersOutstanding: 0,
    };
    if (isDone(dataset.state)) row.done += 1;
    if (isOutstanding(dataset.state)) row.outstanding += 1;
    row.consumersOutstanding += dataset.consumersOutstanding;
    byOwner.set(owner, row);
  }
  // Most work left first: that is whom the campaign owner calls.
  return [...byOwner.values()].sort(
    (a, b) =>
      b.outstanding - a.outstanding ||
      b.consumersOutstanding - a.consumersOutstanding ||
      a.owner.localeCompare(b.owner),
  );
}

const CSV_COLUMNS: [string, (d: CampaignDatasetProgress) => unknown][] = [
  ['dataset', d => d.entityRef],
  ['owner', d => d.owner],
  ['wave', d => d.wave],
  ['position', d => d.position],
  ['criticality', d => d.criticality],
  ['state', d => d.state],
  ['migration_id', d => d.migrationId],
  ['migration_status', d => d.migrationStatus],
  ['consumers_moved', d => d.consumersMoved],
  ['consumers_outstanding', d => d.consumersOutstanding],
  ['started_at', d => d.startedAt],
  ['finished_at', d => d.finishedAt],
  ['reason', d => d.reason],
];

/** The campaign's datasets table as CSV (RFC 4180: CRLF, a header row). */
export function campaignDatasetsCsv(campaign: Pick<Campaign, 'datasets'>) {
  const rows = [...campaign.datasets].sort(
    (a, b) => a.wave - b.wave || a.position - b.position,
  );
  return csvTable([
    CSV_COLUMNS.map(([name]) => name),
    ...rows.map(row => CSV_COLUMNS.map(([, cell]) => cell(row))),
  ]);
}

/** `drop-legacy-country-2026-12-01.csv`: the campaign's name and the local date. */
export function campaignCsvFileName(
  campaign: Pick<Campaign, 'name'>,
  now = new Date(),
): string {
  return datedFileName(campaign.name, 'csv', now);
}

/**
 * The document the New campaign screen starts from: every part of a campaign, the
 * optional ones commented out, with a deadline three months on.
 */
export function exampleCampaignDocument(now = new Date()): string {
  const deadline = new Date(now.getTime() + 90 * 86_400_000)
    .toISOString()
    .slice(0, 10);
  return `# A campaign moves many datasets through the same change, in waves.
# "Review plan" shows what it would do; nothing runs until it is started.
apiVersion: dataset-migrations.io/v1
kind: Campaign
# Names the campaign for good: lower-case letters, digits and -.
name: rename-country
title: Rename country to country_code
# The team answering for the campaign.
owner: group:default/data-platform
description: Every dataset with a country field moves to country_code.
# When every dataset and consumer should have moved.
deadline: ${deadline}

# Which datasets: every filter given must hold.
selector:
  hasFields: [country]
  # owners: [group:default/payments]
  # tags: [pii]
  # types: [dataset]
  # entityRefs: [resource:default/orders]
  # exclude: [resource:default/legacy-orders]

# What each dataset gets; each goes to its own next version.
changes:
  - renameField: { from: country, to: country_code }

rollout:
  # The first wave: the least critical datasets.
  canary: { datasets: 1 }
  # Each later wave: a count, or a percent of the datasets selected.
  waveSize: 25%
  # How long a healthy wave is watched before the next one starts.
  soak: 10m
  # Dataset migrations running at once.
  concurrency: 2
  # When waves may start (any time if none), and when nothing new starts.
  # windows:
  #   - { days: [mon, tue, wed, thu], start: "09:00", end: "16:00", timeZone: Europe/Stockholm }
  # freezes:
  #   - { from: "2026-12-20", to: "2027-01-06", reason: holidays }
  failurePolicy:
    # pause waits for a person; rollback-wave also rolls the wave back.
    action: pause
    # A wave whose failed share is over this stops the campaign.
    maxFailureRate: 0.2
    maxConsecutiveFailures: 2
    # A consumer failing verification or a shadow check fails its dataset.
    countConsumerFailures: true
  pullRequests:
    concurrentLimit: 50
    hourlyLimit: 20
    perOwnerLimit: 5
    # Merge verified pull requests of consumers whose owners opted in.
    automerge: false
    remindAfter: 7d
    escalateBefore: 14d
`;
}
