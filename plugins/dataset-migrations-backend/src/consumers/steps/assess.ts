import {
  decisionRefusal,
  isLiveMigration,
  type ConsumerState,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { patchConsumer } from './patch';
import {
  assertRegisteredRepository,
  codeReadingFailure,
  ConsumerFailed,
  describeProblems,
  type MigrationContext,
  type StepDependencies,
  type StepInput,
} from './stepContext';

/**
 * From `discovered`: records what the consumer reads of the dataset (unaffected,
 * waiting for a decision, or affected) and, once the new version is live, its patch.
 */
export async function assessAndPatch(
  deps: StepDependencies,
  context: MigrationContext,
  { consumer, snapshot: readSnapshot }: StepInput,
): Promise<ConsumerState | undefined> {
  const { migration, target, mapping } = context;
  const { consumers } = deps;
  const { entityRef } = consumer;
  // Still on an earlier version of the dataset: this migration's mapping does not
  // describe what it reads, and it must not be called unaffected.
  const [hold] = await consumers.listEarlierHolds(migration.id, entityRef);
  if (hold) {
    throw new ConsumerFailed({
      kind: 'behind-previous-version',
      message: `${entityRef} has not moved off migration ${
        hold.migrationId
      } (to version ${hold.targetVersion}${
        hold.contractedAt ? ', contracted' : ''
      }), where it is ${hold.state}; it still reads version ${
        hold.fromVersion
      }, so move it to version ${hold.targetVersion} first, then retry it here`,
    });
  }
  if (consumer.depth > 1) {
    // It reads a derived dataset, not this one. Assumed unaffected: the derived
    // dataset's own consumer (depth 1) is rewritten to keep its output as it was,
    // but this is not checked against that consumer's outcome.
    await consumers.advance(migration.id, entityRef, ['discovered'], {
      state: 'unaffected',
      impact: { status: 'unaffected', fields: [], files: [] },
    });
    return 'unaffected';
  }
  const url = consumer.repositoryUrl;
  if (!url) {
    throw new ConsumerFailed({
      kind: 'no-repository',
      message: `${entityRef} has no backstage.io/source-location annotation, so its code cannot be found`,
    });
  }
  // Neither read nor written, the repository of an entity not registered from it.
  await assertRegisteredRepository(deps, entityRef, url);
  const snapshot = await readSnapshot().catch(error => {
    throw new ConsumerFailed({
      kind: 'repository-unreachable',
      message: `could not read ${url}: ${(error as Error).message}`,
    });
  });
  const { impact, results } = await deps.code
    .assessment(snapshot.files, target, mapping)
    .catch(error => {
      throw codeReadingFailure(
        error,
        `reading ${url} for what it reads of the dataset`,
      );
    });
  const decided = consumer.decision?.kind;
  // The coding agent never takes an installed dbt package's file (`dbt deps`
  // replaces it), and neither it nor keeping the field keeps code that needs
  // a table working: such a consumer waits for a person whatever they chose
  // (deciding refuses it too, but the code may have changed since).
  const refusal = decided ? decisionRefusal(decided, impact) : undefined;
  if (impact.status === 'needs-decision' && (decided !== 'agent' || refusal)) {
    // Kept: it goes on reading the old shape, which the expand phase serves.
    // Otherwise it waits for a person, with its impact, in one write: a run
    // checking for undecided consumers never sees it half-recorded.
    let outcome: ConsumerState = 'failed';
    if (decided === 'keep-field' && !refusal) outcome = 'kept';
    else if (decided === 'exclude') outcome = 'excluded';
    await consumers.advance(migration.id, entityRef, ['discovered'], {
      state: outcome,
      impact,
      ...(outcome === 'failed'
        ? {
            failure: {
              kind: 'needs-decision',
              message: `${refusal ? `${refusal}: ` : ''}${describeProblems(
                impact.files,
                'needs-decision',
              )}`,
            },
          }
        : {}),
    });
    return outcome;
  }
  // Impact is known before the data moves; patches wait for a successful cut-over.
  await consumers.advance(migration.id, entityRef, ['discovered'], {
    state: impact.status === 'unaffected' ? 'unaffected' : 'discovered',
    impact,
  });
  if (impact.status === 'unaffected') return 'unaffected';
  if (!isLiveMigration(migration)) return undefined;
  return patchConsumer(
    deps,
    context,
    { ...consumer, repositoryUrl: url },
    impact,
    results,
    snapshot,
  );
}
