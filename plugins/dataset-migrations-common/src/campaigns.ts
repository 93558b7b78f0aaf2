import { z } from 'zod';
import type { CompatibilityClass } from './compatibility';
import { fieldChangeList, MIGRATION_SPEC_API_VERSION } from './schemas';
import { entityRefSchema, personText, withoutNul } from './inputText';

/**
 * A campaign moves a fleet of datasets (and their consumers) in waves: which
 * datasets, what change each gets, and how the rollout goes and stops itself.
 * The document is YAML or JSON, like the migration spec.
 */

/** Where this package keeps the campaign document's published JSON Schema. @public */
export const CAMPAIGN_JSON_SCHEMA_PATH = 'schema/campaign.v1.schema.json';

/**
 * On a dataset: how much it matters, which orders a campaign (least critical first,
 * so the canary is the dataset whose failure costs least). One of
 * {@link CRITICALITY_LEVELS}; a dataset without it is `medium`.
 *
 * @public
 */
export const ANNOTATION_CRITICALITY = 'dataset-migrations.io/criticality';

/** @public */
export const CRITICALITY_LEVELS = [
  'low',
  'medium',
  'high',
  'critical',
] as const;

/** @public */
export type Criticality = (typeof CRITICALITY_LEVELS)[number];

/** The criticality of a dataset without the annotation. @public */
export const DEFAULT_CRITICALITY: Criticality = 'medium';

/**
 * On a consumer (or its owner's group): `true` lets a campaign merge the consumer's
 * pull request once it is verified and shadow-checked, when the campaign allows
 * automerge. Nothing is merged without it.
 *
 * @public
 */
export const ANNOTATION_AUTOMERGE = 'dataset-migrations.io/automerge';

/** A duration such as `30s`, `10m`, `2h` or `7d`. */
const durationPattern = /^(\d{1,6})(s|m|h|d)$/;
const durationSchema = z
  .string()
  .regex(
    durationPattern,
    'must be a number followed by s, m, h or d, e.g. 10m',
  );

/**
 * Milliseconds in a duration written as in the campaign document (`10m`).
 *
 * @public
 */
export function durationMs(duration: string): number {
  const match = durationPattern.exec(duration);
  if (!match) throw new Error(`Not a duration: ${duration}`);
  const unit = { s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 }[
    match[2] as 's' | 'm' | 'h' | 'd'
  ];
  return Number(match[1]) * unit;
}

/** Whether `YYYY-MM-DD` names a day of the calendar (not 2027-02-30). */
function isCalendarDay(value: string): boolean {
  const [year, month, day] = value.slice(0, 10).split('-').map(Number);
  const date = new Date(Date.UTC(year, month - 1, day));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day
  );
}

// Date.parse reads `2027-03-31 (any comment)`, so the text is checked as text too,
// and it rolls 2027-02-30 over to March 2nd, so the day is checked too.
const isoInstant = withoutNul(
  z.string().max(100, 'must be at most 100 characters'),
).refine(
  value =>
    /^\d{4}-\d{2}-\d{2}/.test(value) &&
    !Number.isNaN(Date.parse(value)) &&
    isCalendarDay(value),
  'must be a date or date-time, e.g. 2027-03-31 or 2027-03-31T17:00:00Z',
);
const clockTime = z
  .string()
  .regex(
    /^([01]\d|2[0-3]):[0-5]\d$/,
    'must be a time of day as HH:MM, 24-hour',
  );
const weekday = z.enum(['mon', 'tue', 'wed', 'thu', 'fri', 'sat', 'sun'], {
  errorMap: () => ({
    message: 'must be one of mon, tue, wed, thu, fri, sat, sun',
  }),
});

/** Wave sizes: a count of datasets, or a percent of those selected (`25%`). */
const waveSize = z.union([
  z.number().int('must be a whole number').positive('must be above 0'),
  z
    .string()
    .regex(
      /^([1-9]\d?|100)%$/,
      'must be a count, or a percent from 1% to 100%',
    ),
]);

/**
 * The campaign document.
 *
 * @public
 */
export const campaignDocumentSchema = z
  .object({
    apiVersion: z.literal(MIGRATION_SPEC_API_VERSION).optional(),
    kind: z.literal('Campaign').optional(),
    /** Names the campaign for good: lower-case letters, digits and `-`. */
    name: z
      .string()
      .regex(
        /^[a-z0-9][a-z0-9-]{0,62}$/,
        'must be lower-case letters, digits and -, at most 63 characters',
      ),
    title: personText(z.string().min(1, 'is required').max(200)),
    /** The team answering for the campaign, e.g. `group:default/data-platform`. */
    owner: entityRefSchema,
    description: personText(z.string().max(10_000)).optional(),
    /** When every dataset and consumer should have moved. */
    deadline: isoInstant,
    /** Which datasets: every filter given must hold; `entityRefs` adds and narrows nothing. */
    selector: z
      .object({
        /** Owners (group or user refs) whose datasets are selected. */
        owners: z.array(entityRefSchema).max(100).optional(),
        /** Datasets carrying every one of these tags. */
        tags: z
          .array(withoutNul(z.string().min(1).max(63)))
          .max(20)
          .optional(),
        /** `spec.type` of the Resource; `dataset` unless set. */
        types: z
          .array(withoutNul(z.string().min(1).max(63)))
          .max(20)
          .optional(),
        /** Datasets named explicitly. */
        entityRefs: z.array(entityRefSchema).max(10_000).optional(),
        /** Datasets never selected. */
        exclude: z.array(entityRefSchema).max(10_000).optional(),
        /** A condition on the live schema: the dataset has every one of these fields. */
        hasFields: z
          .array(
            z.string().regex(/^[a-z_][a-z0-9_]{0,62}$/, 'must be a field name'),
          )
          .max(50)
          .optional(),
      })
      .strict(),
    /** The changes every selected dataset gets; each goes to its own next version. */
    changes: fieldChangeList(1),
    rollout: z
      .object({
        /** The first wave: a few of the least critical datasets. */
        canary: z
          .object({ datasets: z.number().int().min(1).max(100).default(1) })
          .strict()
          .default({}),
        /** The size of each wave after the canary. */
        waveSize: waveSize.default('25%'),
        /** How long a healthy wave is watched before the next one starts. */
        soak: durationSchema.default('10m'),
        /** Dataset migrations of this campaign running at once. */
        concurrency: z.number().int().min(1).max(100).default(2),
        /** When waves may start; any time if none. */
        windows: z
          .array(
            z
              .object({
                days: z
                  .array(weekday)
                  .min(1)
                  .default(['mon', 'tue', 'wed', 'thu', 'fri']),
                start: clockTime,
                end: clockTime,
                timeZone: withoutNul(z.string().min(1).max(100)).default('UTC'),
              })
              .strict(),
          )
          .max(20)
          .default([]),
        /** When nothing new starts, whatever the windows say. */
        freezes: z
          .array(
            z
              .object({
                from: isoInstant,
                to: isoInstant,
                reason: personText(z.string().max(500)).optional(),
              })
              .strict(),
          )
          .max(50)
          .default([]),
        /** What a wave that fails too often does to the campaign. */
        failurePolicy: z
          .object({
            /** `pause` waits for a person; `rollback-wave` also rolls back the wave's migrations. */
            action: z.enum(['pause', 'rollback-wave']).default('pause'),
            /** A wave whose failed share of datasets exceeds this stops the campaign (0–1). */
            maxFailureRate: z.number().min(0).max(1).default(0.2),
            /** Failures in a row, in start order, that stop the campaign. */
            maxConsecutiveFailures: z
              .number()
              .int()
              .min(1)
              .max(1000)
              .default(2),
            /** A dataset counts as failed when one of its consumers fails verification or a shadow check. */
            countConsumerFailures: z.boolean().default(true),
          })
          .strict()
          .default({}),
        /** Throttles on consumer pull requests, as Renovate's knobs. */
        pullRequests: z
          .object({
            /** Open pull requests of this campaign at once (Renovate `prConcurrentLimit`). */
            concurrentLimit: z.number().int().min(1).max(10_000).default(50),
            /** Pull requests opened per hour (Renovate `prHourlyLimit`). */
            hourlyLimit: z.number().int().min(1).max(10_000).default(20),
            /** Open pull requests per repository owner at once. */
            perOwnerLimit: z.number().int().min(1).max(10_000).default(5),
            /** Merge verified, shadow-checked pull requests of consumers that opted in. */
            automerge: z.boolean().default(false),
            /** A pull request open this long without a merge reminds its owner. */
            remindAfter: durationSchema.default('7d'),
            /** Owners of consumers still outstanding this long before the deadline are told. */
            escalateBefore: durationSchema.default('14d'),
          })
          .strict()
          .default({}),
      })
      .strict()
      .default({}),
  })
  .strict();

/** The document as written. @public */
export type CampaignDocumentInput = z.input<typeof campaignDocumentSchema>;
/** The document with its defaults filled in. @public */
export type CampaignDocument = z.output<typeof campaignDocumentSchema>;

/** @public */
export type CampaignState =
  | 'draft'
  | 'running'
  | 'paused'
  | 'completed'
  | 'aborted';

/** States a person may still act on (pause, resume, abort). @public */
export const ACTIVE_CAMPAIGN_STATES: readonly CampaignState[] = [
  'draft',
  'running',
  'paused',
];

/**
 * Where one dataset of a campaign stands. `pending` has no migration yet;
 * `migrating` has one that is not finished (including awaiting approval or
 * decisions); `migrated` succeeded; `contracted` has its previous version dropped;
 * `failed` and `rolled-back` are failures the policy counts; `skipped` was never
 * started (aborted, or no longer applicable), with a reason.
 *
 * @public
 */
export type CampaignDatasetState =
  | 'pending'
  | 'migrating'
  | 'migrated'
  | 'contracted'
  | 'failed'
  | 'rolled-back'
  | 'skipped';

/** The dataset states a campaign's failure policy counts as failures. @public */
export const FAILED_CAMPAIGN_DATASET_STATES: readonly CampaignDatasetState[] = [
  'failed',
  'rolled-back',
];

/** One selected dataset in a campaign's plan. @public */
export interface CampaignPlannedDataset {
  entityRef: string;
  title?: string;
  owner?: string;
  criticality: Criticality;
  fromVersion: number;
  targetVersion: number;
  compatibility: CompatibilityClass;
  /** Known consumers (catalog lineage) that read it. */
  consumers: number;
  /** Consumers with a repository: the pull requests the campaign expects to open. */
  pullRequests: number;
  /** Datasets of the campaign this one is derived from (they go first). */
  upstream: string[];
}

/** @public */
export interface CampaignPlannedWave {
  /** 0 is the canary. */
  index: number;
  kind: 'canary' | 'wave';
  datasets: CampaignPlannedDataset[];
  consumers: number;
  pullRequests: number;
}

/** A dataset the selector matched but the campaign will not migrate, and why. @public */
export interface CampaignSkippedDataset {
  entityRef: string;
  reason: string;
}

/** Predicted work per owning team: datasets they own, consumers and pull requests they own. @public */
export interface CampaignOwnerLoad {
  owner: string;
  datasets: number;
  consumers: number;
  pullRequests: number;
}

/**
 * What a campaign would do, computed without changing anything.
 *
 * @public
 */
export interface CampaignPlan {
  document: CampaignDocument;
  waves: CampaignPlannedWave[];
  skipped: CampaignSkippedDataset[];
  byOwner: CampaignOwnerLoad[];
  totals: { datasets: number; consumers: number; pullRequests: number };
}

/** One dataset of a campaign as it runs. @public */
export interface CampaignDatasetProgress {
  entityRef: string;
  wave: number;
  /** Start order within the campaign. */
  position: number;
  owner?: string;
  criticality: Criticality;
  state: CampaignDatasetState;
  migrationId?: string;
  /** The migration's own status, when there is one. */
  migrationStatus?: string;
  reason?: string;
  startedAt?: string;
  finishedAt?: string;
  /** Consumers of its migration, moved and not yet moved. */
  consumersMoved: number;
  consumersOutstanding: number;
}

/** Where a wave stands as the runner records it. @public */
export type CampaignWaveState =
  | 'pending'
  | 'running'
  | 'soaking'
  | 'healthy'
  | 'failed'
  | 'rolled-back';

/** @public */
export interface CampaignWaveProgress {
  index: number;
  kind: 'canary' | 'wave';
  /**
   * The recorded state, except for a wave left unfinished by its campaign: `paused`
   * (running or soaking while the campaign is paused: nothing new starts, no next
   * wave follows) and `aborted` (not finished when the campaign was aborted).
   */
  state: CampaignWaveState | 'paused' | 'aborted';
  startedAt?: string;
  /** When a healthy wave's soak ends and the next may start. */
  soakedAt?: string;
  finishedAt?: string;
  datasets: number;
  done: number;
  /** As the campaign's counts: failed, and rolled back, apart. */
  failed: number;
  rolledBack: number;
}

/** Outstanding work at one moment, for the burndown chart. @public */
export interface CampaignBurndownPoint {
  at: string;
  datasetsOutstanding: number;
  consumersOutstanding: number;
}

/** Something a person should look at. @public */
export interface CampaignStuckItem {
  entityRef: string;
  migrationId?: string;
  /** `failed`: its migration; `rolled-back`: rolled back (by the policy or a person); `consumer-failed`: one of its consumers. */
  kind:
    | 'failed'
    | 'rolled-back'
    | 'consumer-failed'
    | 'needs-decision'
    | 'awaiting-approval'
    | 'pull-request-stale'
    | 'undiscovered-readers'
    | 'no-window'
    | 'contract-not-allowed'
    | 'rollback-not-allowed';
  detail: string;
  /** The consumer the item is about, for those about one (its failure, decision or pull request). */
  consumerRef?: string;
  since?: string;
}

/** One owning team's share of a campaign's escalation. @public */
export interface CampaignEscalationOwner {
  /** The team owning the consumers or datasets; absent when the catalog named none. */
  owner?: string;
  consumers: number;
  datasets: number;
}

/**
 * The owners a campaign told that its deadline nears (within
 * `rollout.pullRequests.escalateBefore`) while their consumers or datasets were
 * still outstanding. Each consumer and dataset is told once per campaign.
 *
 * @public
 */
export interface CampaignEscalation {
  /** When the first of them was told. */
  at: string;
  /** When the last of them was told: work reached later is told later. */
  lastAt: string;
  /** Consumers and datasets whose owners were told. */
  consumers: number;
  datasets: number;
  byOwner: CampaignEscalationOwner[];
}

/** @public */
export interface CampaignSummary {
  id: string;
  name: string;
  title: string;
  owner: string;
  deadline: string;
  state: CampaignState;
  /** Why it is paused, aborted or waiting (e.g. "wave 1: 2 of 5 failed, over 20%"). */
  stateReason?: string;
  /**
   * Set while paused by its failure policy rather than by a person: resuming then
   * overrides the policy.
   */
  pausedByFailurePolicy?: true;
  createdBy: string;
  createdAt: string;
  startedAt?: string;
  finishedAt?: string;
  /**
   * Counts of its datasets: selected, finished (migrated or contracted), failed
   * (its migration failed, was rejected or cancelled, or a consumer failed where
   * the policy counts those) and rolled back (by the failure policy or a person),
   * as the campaign's page tells its datasets apart. The failure policy counts
   * the last two alike ({@link FAILED_CAMPAIGN_DATASET_STATES}).
   */
  counts: {
    datasets: number;
    done: number;
    failed: number;
    rolledBack: number;
  };
}

/** @public */
export interface Campaign extends CampaignSummary {
  document: CampaignDocument;
  plan: CampaignPlan;
  waves: CampaignWaveProgress[];
  datasets: CampaignDatasetProgress[];
  burndown: CampaignBurndownPoint[];
  stuck: CampaignStuckItem[];
  /** Set once the deadline neared and owners of outstanding work were told. */
  escalation?: CampaignEscalation;
}

/** @public */
export interface CampaignListResponse {
  items: CampaignSummary[];
}

/** @public */
export interface CampaignPlanResponse {
  plan: CampaignPlan;
}

/** @public */
export interface CampaignResponse {
  campaign: Campaign;
}

/** Pause or abort: a person says why. @public */
export const campaignActionRequestSchema = z
  .object({
    reason: personText(z.string().trim().min(1, 'is required').max(2000)),
  })
  .strict();

/** @public */
export type CampaignActionRequest = z.input<typeof campaignActionRequestSchema>;

/**
 * Resume: optionally, the datasets the person saw failed (entity refs; the
 * datasets in {@link FAILED_CAMPAIGN_DATASET_STATES} as their page showed them).
 * After the failure policy paused the campaign, a resume accepts only those
 * failures, so one that landed after the person looked trips the policy again
 * instead of being accepted unseen. Without it, every failure so far is accepted.
 *
 * @public
 */
export const campaignResumeRequestSchema = z
  .object({
    failedSeen: z
      .array(withoutNul(z.string().min(1).max(300)))
      .max(10_000)
      .optional(),
  })
  .strict();

/** @public */
export type CampaignResumeRequest = z.input<typeof campaignResumeRequestSchema>;

/**
 * The signal channel of campaigns: portals watching a campaign refetch it on a
 * {@link CampaignSignal}. Ids only; what changed is read through the API, under
 * the reader's permissions.
 *
 * @public
 */
export const CAMPAIGN_SIGNAL_CHANNEL = 'dataset-migrations-campaigns';

/** @public */
export interface CampaignSignal {
  campaignId: string;
  // Signals are JSON objects.
  [key: string]: string | undefined;
}
