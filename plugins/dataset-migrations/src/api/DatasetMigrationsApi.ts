import { createApiRef } from '@backstage/core-plugin-api';
import type {
  ApproveMigrationRequest,
  Campaign,
  CampaignPlan,
  CampaignResumeRequest,
  CampaignSummary,
  ContractRequest,
  ConsumerDecisionRequest,
  ConsumerLedger,
  ConsumerState,
  ConsumerMigrationsResponse,
  ConsumerPullRequestDetails,
  CreateMigrationRequest,
  ImpactPreview,
  ImpactPreviewRequest,
  InferredSpec,
  RetryConsumersResponse,
  RetryableConsumersResponse,
  CodingAgentResponse,
  ConsumerDecisionResponse,
  RejectMigrationRequest,
  RollbackRequest,
  TargetSchema,
  DatasetDetails,
  DatasetSummary,
  Migration,
  MigrationDetails,
  PlanResponse,
} from '@dataset-migrations/plugin-dataset-migrations-common';

/** @public */
export interface DatasetMigrationsApi {
  listDatasets(): Promise<DatasetSummary[]>;
  /** The dataset with its live schema, introspected on its engine. */
  getDataset(entityRef: string): Promise<DatasetDetails>;
  /**
   * The plan a request would execute, and whether the user's migration would wait
   * for an approval; changes nothing. A string is a spec in YAML or JSON.
   */
  planMigration(
    request: CreateMigrationRequest | string,
  ): Promise<PlanResponse>;
  createMigration(request: CreateMigrationRequest | string): Promise<Migration>;
  /** A spec to a desired schema, with the evidence for each change. */
  inferSpec(target: TargetSchema): Promise<InferredSpec>;
  listMigrations(entityRef: string): Promise<Migration[]>;
  getMigration(id: string): Promise<MigrationDetails>;
  cancelMigration(id: string): Promise<Migration>;
  retryMigration(id: string): Promise<Migration>;
  /**
   * Puts readers back on the previous version, losing no write made since. With an
   * override (and its reason), also when consumers have merged patches for the new one.
   */
  rollbackMigration(
    id: string,
    override?: RollbackRequest['override'],
  ): Promise<Migration>;
  /**
   * Makes the name exactly the new version and drops the previous one, after the
   * retention period and once every consumer moved; `request.override` contracts
   * anyway, with a reason kept on the run.
   */
  contractMigration(id: string, request?: ContractRequest): Promise<Migration>;
  /**
   * Approves a migration awaiting approval: exactly the request named by
   * `requestDigest`, the one the approver saw. A request that changed since, or a
   * run no longer awaiting approval, is refused (409).
   */
  approveMigration(
    id: string,
    request: ApproveMigrationRequest,
  ): Promise<Migration>;
  /** Rejects a migration awaiting approval, saying why; it never runs. */
  rejectMigration(
    id: string,
    request: RejectMigrationRequest,
  ): Promise<Migration>;
  /**
   * Where the consumers of a migration stand: with `limit`, a page of them from
   * `offset` (in ledger order), only those in `state` when given; the counts are
   * over every consumer either way.
   */
  getConsumerLedger(
    id: string,
    query?: ConsumerLedgerPageQuery,
  ): Promise<ConsumerLedger>;
  /**
   * A consumer entity's rows in the ledgers of the runs the user may read, newest
   * first, a page at a time (`nextOffset` names the next).
   */
  listConsumerMigrations(
    entityRef: string,
    page?: { limit?: number; offset?: number },
  ): Promise<ConsumerMigrationsResponse>;
  /**
   * The consumers a retry of all failed ones would send again, split by whether
   * the signed-in user may update each; changes nothing. Optional: without it the
   * portal's Retry failed does not say beforehand whose consumers it leaves.
   */
  getRetryableConsumers?(id: string): Promise<RetryableConsumersResponse>;
  /**
   * Whether the backend has a coding agent to hand a consumer to. Optional:
   * without it the portal offers the choice and the backend's answer says.
   */
  getCodingAgent?(): Promise<CodingAgentResponse>;
  /**
   * Sends failed consumers through again: the ones named, or all failed ones;
   * refused unless the user may update each, or, with `allowedOnly`, those the
   * user may update (the others named in the answer).
   */
  retryConsumers(
    id: string,
    entityRefs?: string[],
    options?: { allowedOnly?: boolean },
  ): Promise<RetryConsumersResponse>;
  /**
   * Records what happens to a consumer that reads a field the migration drops or
   * recomputes; the last one a waiting run needs lets it start.
   */
  decideConsumer(
    id: string,
    decision: ConsumerDecisionRequest,
  ): Promise<ConsumerDecisionResponse>;
  /**
   * The impact report with owners, one row per consumer file. A Blob, not a URL:
   * the backend wants the user's token, which a plain link does not send.
   */
  getImpactCsv(id: string): Promise<Blob>;
  /** Which consumers the changes would affect; changes nothing. */
  previewImpact(request: ImpactPreviewRequest): Promise<ImpactPreview>;
  /** A consumer's pull request with its body and diff, read from its source control. */
  getConsumerPullRequest(
    id: string,
    entityRef: string,
  ): Promise<ConsumerPullRequestDetails>;
  /** Demo: merges a consumer's local git pull request into its base branch. */
  mergeConsumerPullRequest(
    id: string,
    entityRef: string,
  ): Promise<ConsumerPullRequestDetails>;

  /**
   * What a campaign document (YAML or JSON text, as a person typed it) would do:
   * its waves, the datasets it skips and why, the load per owner. Changes nothing.
   */
  planCampaign(document: string): Promise<CampaignPlan>;
  /** Creates a campaign as a draft; nothing runs until it is started. */
  createCampaign(document: string): Promise<Campaign>;
  listCampaigns(): Promise<CampaignSummary[]>;
  getCampaign(id: string): Promise<Campaign>;
  startCampaign(id: string): Promise<Campaign>;
  /** Starts nothing new; migrations already running finish. */
  pauseCampaign(id: string, reason: string): Promise<Campaign>;
  /**
   * Resumes a paused campaign; `failedSeen` (the datasets shown failed)
   * accepts no failure the person did not see.
   */
  resumeCampaign(
    id: string,
    failedSeen?: CampaignResumeRequest['failedSeen'],
  ): Promise<Campaign>;
  /** Ends the campaign for good: datasets not started are skipped. */
  abortCampaign(id: string, reason: string): Promise<Campaign>;
}

/** @public */
export const datasetMigrationsApiRef = createApiRef<DatasetMigrationsApi>({
  id: 'plugin.dataset-migrations.api',
});

/**
 * A page of a consumer ledger, as `GET /migrations/:id/consumers` takes it.
 *
 * @public
 */
export interface ConsumerLedgerPageQuery {
  limit?: number;
  offset?: number;
  /** Only consumers in these states. */
  state?: readonly ConsumerState[];
}
