import type {
  ConsumerPullRequest,
  ConsumerState,
  Migration,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { ScmProvider } from '@dataset-migrations/plugin-dataset-migrations-node';
import { pullRequestBody, pullRequestNames } from '../pullRequestBody';
import { closeComment } from '../RollbackSettlement';
import { relationText } from '../sql/rewriteSql';
import { boundedCastBacks, widenedFields } from '../sql/fieldMapping';
import {
  assertRegisteredRepository,
  ConsumerFailed,
  scmFor,
  type MigrationContext,
  type StepDependencies,
  type StepInput,
} from './stepContext';

/**
 * From `verified`: proposes the patch to the consumer's owner as a pull request.
 * A campaign's migration opens it only within the campaign's throttles; over one,
 * the consumer stays `verified` and its job comes back when a slot could free.
 */
export async function openPullRequest(
  deps: StepDependencies,
  context: MigrationContext,
  input: StepInput,
): Promise<ConsumerState> {
  const { migration } = context;
  const { consumer } = input;
  await assertRegisteredRepository(
    deps,
    consumer.entityRef,
    consumer.repositoryUrl!,
    (
      await input.snapshot()
    ).defaultBranch,
  );
  const campaignId = migration.campaign?.id;
  if (!campaignId || !deps.campaigns) return open(deps, context, input);
  const slot = await deps.campaigns.pullRequests.withSlot(
    campaignId,
    {
      migrationId: migration.id,
      entityRef: consumer.entityRef,
      owner: consumer.owner,
    },
    () => open(deps, context, input),
  );
  if ('opened' in slot) return slot.opened;
  await deps.campaigns.defer(migration.id, consumer.entityRef, slot.retryAt);
  return 'verified';
}

async function open(
  deps: StepDependencies,
  { migration, plan, mapping }: MigrationContext,
  { consumer, snapshot: readSnapshot }: StepInput,
): Promise<ConsumerState> {
  const { consumers } = deps;
  const { entityRef } = consumer;
  const url = consumer.repositoryUrl!;
  const snapshot = await readSnapshot();
  const provider = scmFor(deps, url);
  const patch = await consumers.getPatch(migration.id, entityRef);
  const pullRequest = await provider
    .openPullRequest({
      repositoryUrl: url,
      baseBranch: snapshot.defaultBranch,
      ...(patch.baseCommit ? { baseCommit: patch.baseCommit } : {}),
      ...pullRequestNames(migration, plan, entityRef),
      body: pullRequestBody({
        datasetRef: migration.entityRef,
        fromVersion: migration.fromVersion,
        targetVersion: migration.targetVersion,
        migrationId: migration.id,
        changes: migration.changes,
        impact: consumer.impact!,
        verification: consumer.verification!,
        ...(mapping.renamedTo
          ? { renamedTo: relationText(mapping.renamedTo) }
          : {}),
        widened: widenedFields(mapping),
        castBack: boundedCastBacks(mapping),
      }),
      files: patch.files,
    })
    .catch(error => {
      throw new ConsumerFailed({
        kind: 'pull-request-failed',
        message: (error as Error).message,
      });
    });
  const recorded = await consumers.advance(
    migration.id,
    entityRef,
    ['verified'],
    {
      state: 'pr-opened',
      pullRequest: { ...pullRequest, openedAt: new Date().toISOString() },
    },
  );
  // Rolled back while the pull request was being opened: it is not wanted.
  if (!recorded && pullRequest.state === 'open')
    await closeIfSuperseded(
      deps,
      migration,
      entityRef,
      url,
      provider,
      pullRequest,
    );
  return 'pr-opened';
}

async function closeIfSuperseded(
  { consumers }: StepDependencies,
  migration: Migration,
  entityRef: string,
  repositoryUrl: string,
  provider: ScmProvider,
  pullRequest: ConsumerPullRequest,
): Promise<void> {
  const now = await consumers.get(migration.id, entityRef);
  if (now?.state !== 'superseded' || !provider.closePullRequest) return;
  const closed = await provider.closePullRequest(
    { ...pullRequest, repositoryUrl },
    closeComment(migration),
  );
  await consumers.recordClosedPullRequest(migration.id, entityRef, {
    ...pullRequest,
    state: closed.state,
  });
}
