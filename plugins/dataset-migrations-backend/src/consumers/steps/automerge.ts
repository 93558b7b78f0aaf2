import {
  ANNOTATION_AUTOMERGE,
  type ConsumerVerification,
  type Migration,
  type MigrationConsumer,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { PullRequestRef } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  registeredRepositoryRefusal,
  scmFor,
  type StepDependencies,
} from './stepContext';
import { boundAuditError, boundAuditMeta } from '../../audit/boundAudit';

/**
 * A campaign's automerge: an open pull request of a campaign migration is merged
 * without a person only when the campaign allows it, the consumer (or the group
 * that owns it) opted in with `dataset-migrations.io/automerge: "true"`, and the
 * patch is proven: its verify command passed and every shadow check matched.
 * Returns the merged pull request, or undefined when it stays for a person.
 */
export async function automerge(
  deps: StepDependencies,
  migration: Migration,
  consumer: MigrationConsumer,
): Promise<PullRequestRef | undefined> {
  const campaignId = migration.campaign?.id;
  if (!campaignId || !deps.campaigns || !isProven(consumer.verification))
    return undefined;
  const rollout = await deps.campaigns.pullRequests.rolloutOf(campaignId);
  if (!rollout?.automerge || !(await optedIn(deps, consumer))) return undefined;
  const url = consumer.repositoryUrl!;
  // Opened before the entity moved (or before this check was made): a person merges it.
  if (await registeredRepositoryRefusal(deps, consumer.entityRef, url))
    return undefined;
  const provider = scmFor(deps, url);
  if (!provider.mergePullRequest) return undefined;
  const event = await deps.auditor?.createEvent({
    eventId: 'consumer-automerge',
    severityLevel: 'high',
    meta: boundAuditMeta({
      migrationId: migration.id,
      campaignId,
      consumerRef: consumer.entityRef,
      pullRequest: consumer.pullRequest?.url,
    }),
  });
  try {
    // Not while the migration is rolled back, nor once it is: left to a later look.
    const merge = await deps.consumers.holdForMerge(migration.id, () =>
      provider.mergePullRequest!(url, consumer.pullRequest!.branch),
    );
    const merged = merge.held ? merge.value : undefined;
    await (merged
      ? event?.success()
      : event?.fail({ error: new Error('the migration is not live') }));
    return merged;
  } catch (error) {
    await event?.fail({ error: boundAuditError(error as Error) });
    throw error;
  }
}

/** Verified by the consumer's own command and by shadow checks that all matched. */
export function isProven(verification?: ConsumerVerification): boolean {
  const command = verification?.command;
  return (
    command !== undefined &&
    command.exitCode === 0 &&
    !command.timedOut &&
    verification!.shadowChecks.length > 0 &&
    verification!.shadowChecks.every(check => check.outcome === 'match')
  );
}

async function optedIn(
  { catalog, auth }: StepDependencies,
  consumer: MigrationConsumer,
): Promise<boolean> {
  const credentials = await auth.getOwnServiceCredentials();
  for (const ref of [consumer.entityRef, consumer.owner]) {
    if (!ref) continue;
    // An owner the catalog cannot resolve has not opted in.
    const entity = await catalog
      .getEntity(ref, credentials)
      .catch(() => undefined);
    if (entity?.metadata.annotations?.[ANNOTATION_AUTOMERGE] === 'true')
      return true;
  }
  return false;
}
