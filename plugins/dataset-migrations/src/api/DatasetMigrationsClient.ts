import type { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { parseEntityRef } from '@backstage/catalog-model';
import { ResponseError } from '@backstage/errors';
import type {
  ApproveMigrationRequest,
  Campaign,
  CampaignActionRequest,
  CampaignResumeRequest,
  CampaignListResponse,
  CampaignPlan,
  CampaignPlanResponse,
  CampaignResponse,
  CampaignSummary,
  ConsumerDecisionRequest,
  ConsumerDecisionResponse,
  ConsumerLedger,
  ConsumerMigrationsResponse,
  ConsumerPullRequestDetails,
  ConsumerPullRequestResponse,
  ContractRequest,
  CreateMigrationRequest,
  DatasetDetails,
  DatasetListResponse,
  DatasetSummary,
  ImpactPreview,
  ImpactPreviewRequest,
  InferredSpec,
  Migration,
  MigrationDetails,
  MigrationDetailsResponse,
  MigrationListResponse,
  MigrationResponse,
  PlanResponse,
  RejectMigrationRequest,
  RetryConsumersResponse,
  RetryableConsumersResponse,
  CodingAgentResponse,
  RollbackRequest,
  TargetSchema,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type {
  ConsumerLedgerPageQuery,
  DatasetMigrationsApi,
} from './DatasetMigrationsApi';

/**
 * Talks to the dataset-migrations backend; serves both frontend systems.
 *
 * @public
 */
export class DatasetMigrationsClient implements DatasetMigrationsApi {
  constructor(
    private readonly deps: { discoveryApi: DiscoveryApi; fetchApi: FetchApi },
  ) {}

  async listDatasets(): Promise<DatasetSummary[]> {
    return (await this.request<DatasetListResponse>('GET', '/datasets')).items;
  }

  async getDataset(entityRef: string): Promise<DatasetDetails> {
    const { kind, namespace, name } = parseEntityRef(entityRef);
    const path = [kind, namespace, name].map(encodeURIComponent).join('/');
    return this.request('GET', `/datasets/${path}`);
  }

  async planMigration(
    request: CreateMigrationRequest | string,
  ): Promise<PlanResponse> {
    return this.request('POST', '/plans', request);
  }

  async inferSpec(target: TargetSchema): Promise<InferredSpec> {
    return this.request('POST', '/plans/infer', target);
  }

  async createMigration(
    request: CreateMigrationRequest | string,
  ): Promise<Migration> {
    return (
      await this.request<MigrationResponse>('POST', '/migrations', request)
    ).migration;
  }

  async listMigrations(entityRef: string): Promise<Migration[]> {
    const query = new URLSearchParams({ entityRef });
    return (
      await this.request<MigrationListResponse>('GET', `/migrations?${query}`)
    ).items;
  }

  async getMigration(id: string): Promise<MigrationDetails> {
    return (
      await this.request<MigrationDetailsResponse>(
        'GET',
        `/migrations/${encodeURIComponent(id)}`,
      )
    ).migration;
  }

  async cancelMigration(id: string): Promise<Migration> {
    return this.act(id, 'cancel');
  }

  async retryMigration(id: string): Promise<Migration> {
    return this.act(id, 'retry');
  }

  async rollbackMigration(
    id: string,
    override?: RollbackRequest['override'],
  ): Promise<Migration> {
    if (!override) return this.act(id, 'rollback');
    return (
      await this.request<MigrationResponse>(
        'POST',
        `/migrations/${encodeURIComponent(id)}/rollback`,
        { override } satisfies RollbackRequest,
      )
    ).migration;
  }

  async contractMigration(
    id: string,
    request: ContractRequest = {},
  ): Promise<Migration> {
    return this.act(id, 'contract', request);
  }

  async approveMigration(
    id: string,
    request: ApproveMigrationRequest,
  ): Promise<Migration> {
    return this.act(id, 'approve', request);
  }

  async rejectMigration(
    id: string,
    request: RejectMigrationRequest,
  ): Promise<Migration> {
    return this.act(id, 'reject', request);
  }

  async getConsumerLedger(
    id: string,
    page: ConsumerLedgerPageQuery = {},
  ): Promise<ConsumerLedger> {
    const query = new URLSearchParams();
    if (page.limit !== undefined) query.set('limit', String(page.limit));
    if (page.offset !== undefined) query.set('offset', String(page.offset));
    if (page.state) query.set('state', page.state.join(','));
    const search = query.toString() ? `?${query}` : '';
    return this.request(
      'GET',
      `/migrations/${encodeURIComponent(id)}/consumers${search}`,
    );
  }

  async listConsumerMigrations(
    entityRef: string,
    page: { limit?: number; offset?: number } = {},
  ): Promise<ConsumerMigrationsResponse> {
    const query = new URLSearchParams({ entityRef });
    if (page.limit !== undefined) query.set('limit', String(page.limit));
    if (page.offset !== undefined) query.set('offset', String(page.offset));
    return this.request('GET', `/consumers?${query}`);
  }

  async getRetryableConsumers(id: string): Promise<RetryableConsumersResponse> {
    return this.request(
      'GET',
      `/migrations/${encodeURIComponent(id)}/consumers/retryable`,
    );
  }

  async getCodingAgent(): Promise<CodingAgentResponse> {
    return this.request('GET', '/coding-agent');
  }

  async retryConsumers(
    id: string,
    entityRefs?: string[],
    options: { allowedOnly?: boolean } = {},
  ): Promise<RetryConsumersResponse> {
    return this.request(
      'POST',
      `/migrations/${encodeURIComponent(id)}/consumers/retry`,
      {
        ...(entityRefs ? { entityRefs } : {}),
        ...(options.allowedOnly ? { allowedOnly: true } : {}),
      },
    );
  }

  async decideConsumer(
    id: string,
    decision: ConsumerDecisionRequest,
  ): Promise<ConsumerDecisionResponse> {
    return this.request(
      'POST',
      `/migrations/${encodeURIComponent(id)}/consumers/decisions`,
      decision,
    );
  }

  async getImpactCsv(id: string): Promise<Blob> {
    const response = await this.send(
      'GET',
      `/migrations/${encodeURIComponent(id)}/impact.csv`,
    );
    return response.blob();
  }

  async previewImpact(request: ImpactPreviewRequest): Promise<ImpactPreview> {
    return this.request('POST', '/impact', request);
  }

  async getConsumerPullRequest(
    id: string,
    entityRef: string,
  ): Promise<ConsumerPullRequestDetails> {
    return (
      await this.request<ConsumerPullRequestResponse>(
        'GET',
        this.pullRequestPath(id, entityRef),
      )
    ).pullRequest;
  }

  async mergeConsumerPullRequest(
    id: string,
    entityRef: string,
  ): Promise<ConsumerPullRequestDetails> {
    return (
      await this.request<ConsumerPullRequestResponse>(
        'POST',
        `${this.pullRequestPath(id, entityRef)}/merge`,
      )
    ).pullRequest;
  }

  async planCampaign(document: string): Promise<CampaignPlan> {
    return (
      await this.request<CampaignPlanResponse>(
        'POST',
        '/campaigns/plan',
        document,
      )
    ).plan;
  }

  async createCampaign(document: string): Promise<Campaign> {
    return (
      await this.request<CampaignResponse>('POST', '/campaigns', document)
    ).campaign;
  }

  async listCampaigns(): Promise<CampaignSummary[]> {
    return (await this.request<CampaignListResponse>('GET', '/campaigns'))
      .items;
  }

  async getCampaign(id: string): Promise<Campaign> {
    return (
      await this.request<CampaignResponse>(
        'GET',
        `/campaigns/${encodeURIComponent(id)}`,
      )
    ).campaign;
  }

  async startCampaign(id: string): Promise<Campaign> {
    return this.actOnCampaign(id, 'start');
  }

  async pauseCampaign(id: string, reason: string): Promise<Campaign> {
    return this.actOnCampaign(id, 'pause', {
      reason,
    } satisfies CampaignActionRequest);
  }

  async resumeCampaign(
    id: string,
    failedSeen?: CampaignResumeRequest['failedSeen'],
  ): Promise<Campaign> {
    return this.actOnCampaign(
      id,
      'resume',
      failedSeen ? ({ failedSeen } satisfies CampaignResumeRequest) : undefined,
    );
  }

  async abortCampaign(id: string, reason: string): Promise<Campaign> {
    return this.actOnCampaign(id, 'abort', {
      reason,
    } satisfies CampaignActionRequest);
  }

  /** One of the actions on a campaign, all answered with the campaign as it is after. */
  private async actOnCampaign(
    id: string,
    action: 'start' | 'pause' | 'resume' | 'abort',
    body?: CampaignActionRequest | CampaignResumeRequest,
  ): Promise<Campaign> {
    return (
      await this.request<CampaignResponse>(
        'POST',
        `/campaigns/${encodeURIComponent(id)}/${action}`,
        body,
      )
    ).campaign;
  }

  /** `/migrations/:id/consumers/:kind/:namespace/:name/pull-request` */
  private pullRequestPath(id: string, entityRef: string): string {
    const { kind, namespace, name } = parseEntityRef(entityRef);
    return `/migrations/${[id, 'consumers', kind, namespace, name]
      .map(encodeURIComponent)
      .join('/')}/pull-request`;
  }

  /** One of the actions on a migration, all answered with the migration as it is after. */
  private async act(
    id: string,
    action: string,
    body?: unknown,
  ): Promise<Migration> {
    return (
      await this.request<MigrationResponse>(
        'POST',
        `/migrations/${encodeURIComponent(id)}/${action}`,
        body,
      )
    ).migration;
  }

  private async request<T>(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<T> {
    return (await (await this.send(method, path, body)).json()) as T;
  }

  /** The response of a call that succeeded; a refusal throws with the server's error. */
  private async send(
    method: string,
    path: string,
    body?: unknown,
  ): Promise<Response> {
    const baseUrl = await this.deps.discoveryApi.getBaseUrl(
      'dataset-migrations',
    );
    // A spec typed by a person goes as it is: the backend reads YAML, and JSON is YAML.
    const text = typeof body === 'string';
    const response = await this.deps.fetchApi.fetch(`${baseUrl}${path}`, {
      method,
      headers:
        body === undefined
          ? undefined
          : { 'Content-Type': text ? 'application/yaml' : 'application/json' },
      body: body === undefined || text ? body : JSON.stringify(body),
    });
    if (!response.ok) throw await ResponseError.fromResponse(response);
    return response;
  }
}
