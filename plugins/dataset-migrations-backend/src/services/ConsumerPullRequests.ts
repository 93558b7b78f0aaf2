import type { BackstageCredentials } from '@backstage/backend-plugin-api';
import {
  ConflictError,
  NotAllowedError,
  NotFoundError,
  NotImplementedError,
} from '@backstage/errors';
import { catalogEntityReadPermission } from '@backstage/plugin-catalog-common/alpha';
import {
  isLiveMigration,
  type ConsumerPullRequestDetails,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { ScmProvider } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { MigrationStore } from '../database/MigrationStore';
import { DatasetCatalog } from '../catalog/DatasetCatalog';
import type { ConsumerStore } from '../database/ConsumerStore';
import type { AuthorizeConsumers } from './ConsumerService';

/** Portal merges one replica runs at once (see ConsumerPullRequests.inTurn). */
const MERGES_AT_ONCE = 2;

/**
 * A consumer's pull request as the portal shows it, read from its source control,
 * and, for providers that can (the demo's local git repositories), merged from
 * the portal. A merge queues the consumer's job at once, so the ledger follows it
 * to merged and done without waiting for the periodic follow-up.
 */
export class ConsumerPullRequests {
  private merging = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    private readonly deps: {
      consumers: ConsumerStore;
      migrations: MigrationStore;
      scm: ScmProvider[];
      /** Reads consumer entities with the caller's credentials. */
      catalog: Pick<DatasetCatalog, 'getEntity'>;
      enqueueConsumer(migrationId: string, entityRef: string): Promise<void>;
    },
  ) {}

  /** Its diff is the consumer's code: shown only to a caller who may read its entity. */
  async describe(
    migrationId: string,
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<ConsumerPullRequestDetails> {
    const { provider, url, branch, ref } = await this.locate(
      migrationId,
      entityRef,
    );
    if (!(await this.deps.catalog.getEntity(ref, credentials))) {
      throw new NotAllowedError(
        `not allowed: permission ${catalogEntityReadPermission.name} on ${ref} was denied; its pull request is not shown`,
      );
    }
    return this.read(provider, url, branch, ref);
  }

  private async read(
    provider: ScmProvider,
    url: string,
    branch: string,
    ref: string,
  ): Promise<ConsumerPullRequestDetails> {
    if (!provider.describePullRequest) {
      throw new NotImplementedError(
        `pull request ${url} is on ${provider.id}, which the portal cannot show; open it there`,
      );
    }
    const details = await provider.describePullRequest(url, branch);
    if (!details) {
      throw new NotFoundError(
        `the pull request of ${ref} (branch "${branch}") no longer exists in ${url}`,
      );
    }
    return {
      ...details,
      canMerge: Boolean(provider.mergePullRequest) && details.state === 'open',
    };
  }

  /**
   * Merges once the caller may update the consumer (`authorize` throws otherwise),
   * never while the migration is being rolled back: a patch merged then would
   * read a version its readers just left. Checked before the merge's lock is
   * taken, so a refused caller holds nothing.
   */
  async merge(
    migrationId: string,
    entityRef: string,
    authorize: AuthorizeConsumers,
  ): Promise<ConsumerPullRequestDetails> {
    const { provider, url, branch, ref, pullRequestUrl } = await this.locate(
      migrationId,
      entityRef,
      { live: true },
    );
    await authorize([ref]);
    const mergePullRequest = provider.mergePullRequest?.bind(provider);
    if (!mergePullRequest) {
      throw new ConflictError(
        `${pullRequestUrl} is a ${provider.id} pull request: merge it on ${
          provider.id === 'github' ? 'GitHub' : 'its host'
        }; only the demo's local git pull requests merge from the portal`,
      );
    }
    const merge = await this.inTurn(() =>
      this.deps.consumers.holdForMerge(migrationId, () =>
        mergePullRequest(url, branch),
      ),
    );
    if (!merge.held) {
      throw new ConflictError(
        `migration ${migrationId} is ${
          'rollingBack' in merge ? 'being rolled back' : merge.status
        }: its consumers' pull requests are not to be merged`,
      );
    }
    await this.deps.enqueueConsumer(migrationId, ref);
    return this.read(provider, url, branch, ref);
  }

  /**
   * Runs `work` once fewer than {@link MERGES_AT_ONCE} of this replica's merges
   * run: each holds a database connection for its lock while git merges.
   */
  private async inTurn<T>(work: () => Promise<T>): Promise<T> {
    while (this.merging >= MERGES_AT_ONCE)
      await new Promise<void>(resolve => this.waiting.push(resolve));
    this.merging++;
    try {
      return await work();
    } finally {
      this.merging--;
      this.waiting.shift()?.();
    }
  }

  private async locate(
    migrationId: string,
    entityRef: string,
    options: { live?: boolean } = {},
  ) {
    const migration = await this.deps.migrations.getMigrationWithPlan(
      migrationId,
    );
    if (!migration)
      throw new NotFoundError(`migration ${migrationId} was not found`);
    const ref = DatasetCatalog.normalizeRef(entityRef);
    const consumer = await this.deps.consumers.get(migrationId, ref);
    if (!consumer) {
      throw new NotFoundError(
        `${ref} is not a consumer of migration ${migrationId}`,
      );
    }
    if (!consumer.pullRequest || !consumer.repositoryUrl) {
      throw new NotFoundError(
        `${ref} has no pull request in migration ${migrationId} (it is ${consumer.state})`,
      );
    }
    // Merging moves a consumer onto the new version: only while that version is live.
    if (options.live && !isLiveMigration(migration)) {
      throw new ConflictError(
        `migration ${migrationId} is ${migration.status}${
          migration.dryRun ? ' (a dry run)' : ''
        }: its consumers' pull requests are not to be merged`,
      );
    }
    const url = consumer.repositoryUrl;
    const provider = this.deps.scm.find(p => p.supports(url));
    if (!provider) {
      throw new NotFoundError(`no source-control provider handles ${url}`);
    }
    return {
      provider,
      url,
      ref,
      branch: consumer.pullRequest.branch,
      pullRequestUrl: consumer.pullRequest.url,
    };
  }
}
