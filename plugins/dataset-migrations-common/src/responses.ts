import type {
  ConsumerImpactStatus,
  ConsumerPullRequestDetails,
  MigrationConsumer,
  RewritePreviewFile,
} from './consumers';
import type { InferenceEvidence } from './inference';
import type { CreateMigrationRequest } from './schemas';
import type {
  DatasetSummary,
  Migration,
  MigrationDetails,
  MigrationPlan,
} from './types';

// What the backend answers, route by route, so that its router and every client
// read the same declaration instead of each keeping a copy.

/**
 * `GET /datasets`
 *
 * @public
 */
export interface DatasetListResponse {
  items: DatasetSummary[];
}

/**
 * `GET /migrations?entityRef=`
 *
 * @public
 */
export interface MigrationListResponse {
  items: Migration[];
}

/**
 * `POST /migrations` and every action on one (`cancel`, `retry`, `rollback`, `contract`).
 *
 * @public
 */
export interface MigrationResponse {
  migration: Migration;
}

/**
 * `GET /migrations/:id`
 *
 * @public
 */
export interface MigrationDetailsResponse {
  migration: MigrationDetails;
}

/**
 * `POST /plans`
 *
 * @public
 */
export interface PlanResponse {
  plan: MigrationPlan;
  /**
   * Set when this migration, started by the caller now, would wait for an
   * approval (`datasetMigrations.approvals.required`), with why; a dry run never
   * waits.
   */
  approval?: { reasons: string[] };
}

/**
 * `POST /plans/infer`: a spec to a desired schema, each change with its evidence.
 *
 * @public
 */
export interface InferredSpec {
  spec: CreateMigrationRequest;
  /** One per change of `spec.changes`, in the same order. */
  evidence: InferenceEvidence[];
}

/**
 * `POST /migrations/:id/consumers/retry`
 *
 * @public
 */
export interface RetryConsumersResponse {
  /** The consumers sent through the pipeline again. */
  retried: string[];
  /** With `allowedOnly`: those left as they were, the caller may not update them. */
  notAllowed?: string[];
}

/**
 * `GET /migrations/:id/consumers/retryable`: the consumers a retry of all failed
 * ones would send again (failed and kept), split by whether the caller may update
 * each, so a portal can say before the click what the backend would refuse.
 *
 * @public
 */
export interface RetryableConsumersResponse {
  /** Those the caller may retry, in entity-ref order. */
  allowed: string[];
  /** Those the caller may not (a retry of all would be refused), in entity-ref order. */
  notAllowed: string[];
}

/**
 * `GET /coding-agent`: whether a coding agent is configured to take a consumer
 * over, so a portal offers the choice only where the backend would accept it.
 *
 * @public
 */
export interface CodingAgentResponse {
  /** True when the backend has `datasetMigrations.consumers.agent`. */
  configured: boolean;
}

/**
 * `POST /migrations/:id/consumers/decisions`: the consumer as the decision left it.
 *
 * @public
 */
export interface ConsumerDecisionResponse {
  consumer: MigrationConsumer;
}

/**
 * What the backend knows of when a run's previous version goes away.
 *
 * @public
 */
export interface ConsumerContractOutlook {
  /**
   * The earliest the previous version may be dropped (the run's retention ends);
   * absent unless the run is live (succeeded, real, not yet contracted).
   */
  previousVersionKeptUntil?: string;
  /**
   * The run's consumers, this one included, still reading the previous version
   * (in no state of `MOVED_CONSUMER_STATES`): contract waits for each of them.
   * 0 unless the run is live.
   */
  consumersStillMoving: number;
}

/**
 * One run's consumer-ledger row of one consumer entity.
 *
 * @public
 */
export interface ConsumerMigrationEntry {
  /** The run; its `entityRef` is the dataset. */
  migration: Migration;
  consumer: MigrationConsumer;
  contract: ConsumerContractOutlook;
}

/**
 * `GET /consumers?entityRef=`: the runs whose ledger holds the entity, newest
 * first, among the runs the caller may read.
 *
 * @public
 */
export interface ConsumerMigrationsResponse {
  items: ConsumerMigrationEntry[];
  /** The `offset` of the next page; absent on the last. */
  nextOffset?: number;
}

/**
 * `GET …/pull-request` and `POST …/pull-request/merge`
 *
 * @public
 */
export interface ConsumerPullRequestResponse {
  pullRequest: ConsumerPullRequestDetails;
}

/**
 * `POST /rewrite-preview`
 *
 * @public
 */
export interface RewritePreviewResponse {
  files: RewritePreviewFile[];
}

/**
 * `GET /schema-versions?entityRef=`: what migrations recorded for a dataset; nulls when none.
 *
 * @public
 */
export interface SchemaVersionResponse {
  entityRef: string;
  schemaVersion: number | null;
  /** Set when a migration renamed or relocated the dataset. */
  table: string | null;
}

/**
 * How a consumer came out of an impact preview; `no-repository` and `unreachable` mean it could not be read.
 *
 * @public
 */
export type ImpactPreviewStatus =
  | ConsumerImpactStatus
  | 'no-repository'
  /** Its entity was not registered from the repository it names: not read. */
  | 'repository-not-registered'
  | 'unreachable'
  /** Has not moved off an earlier migration of the dataset. */
  | 'behind-previous-version'
  /** Reading its code took past `consumers.rewritePreview.timeout`, or its worker's memory: not known. */
  | 'assessment-stopped';

/**
 * `POST /impact`: which direct consumers a change would affect, read from their repositories now.
 *
 * @public
 */
export interface ImpactPreview {
  /** Direct consumers found in the catalog. */
  consumers: number;
  byStatus: Record<ImpactPreviewStatus, number>;
  /** Consumers that are not unaffected, with the changed fields they read, by entity ref. */
  affected: Array<{
    entityRef: string;
    status:
      | Exclude<ConsumerImpactStatus, 'unaffected'>
      | 'behind-previous-version'
      | 'assessment-stopped';
    fields: string[];
  }>;
}
