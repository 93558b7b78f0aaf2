import type {
  ConsumerPullRequest,
  ConsumerState,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { automerge } from './automerge';
import {
  scmFor,
  type MigrationContext,
  type StepDependencies,
  type StepInput,
} from './stepContext';

/**
 * From `pr-opened` or `merged`: follows the pull request to its merge, then to the
 * default branch moved off the previous version (`done`). Nothing while it is open.
 */
export async function followPullRequest(
  deps: StepDependencies,
  context: MigrationContext,
  { consumer, snapshot: readSnapshot }: StepInput,
): Promise<ConsumerState | undefined> {
  const { consumers } = deps;
  const { migration } = context;
  const { entityRef, state } = consumer;
  const url = consumer.repositoryUrl!;
  let pullRequest: ConsumerPullRequest | undefined = await scmFor(
    deps,
    url,
  ).getPullRequest(url, consumer.pullRequest!.branch);
  if (pullRequest?.state === 'open' && state === 'pr-opened') {
    const merged = await automerge(deps, migration, consumer);
    if (merged) pullRequest = { ...merged, mergedBy: 'automerge' };
  }
  if (!pullRequest || pullRequest.state === 'open') return undefined;
  if (pullRequest.state === 'closed') {
    // Recorded closed with the failure: an open one holds a campaign's slot.
    await consumers.advance(migration.id, entityRef, [state], {
      state: 'failed',
      failure: {
        kind: 'pull-request-failed',
        message: `pull request ${pullRequest.url} was closed without merging`,
      },
      pullRequest: { ...consumer.pullRequest, ...pullRequest },
    });
    return 'failed';
  }
  if (state === 'pr-opened') {
    await consumers.advance(migration.id, entityRef, ['pr-opened'], {
      state: 'merged',
      // When it was opened stays: campaigns count pull requests opened per hour.
      pullRequest: { ...consumer.pullRequest, ...pullRequest },
    });
  }
  // Done once the default branch has moved off the previous version.
  const { files } = await consumers.getPatch(migration.id, entityRef);
  const snapshot = await readSnapshot();
  // An assessment stopped past its budget throws: the follow-up comes back.
  if (
    await deps.code.movedOffPrevious(
      snapshot.files,
      { files, diff: consumer.patch },
      context.target,
      context.mapping,
    )
  ) {
    await consumers.advance(migration.id, entityRef, ['merged'], {
      state: 'done',
    });
    return 'done';
  }
  return 'merged';
}
