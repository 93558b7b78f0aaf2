import {
  isLiveMigration,
  isMovedConsumerState,
  type ConsumerMigrationEntry,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { formatTime } from '../shared/format';
import { CONSUMER_STATE_LABELS, FAILURE_LABELS } from '../shared/labels';

/** The state as the card names it; a failure says which. */
export function stateLabel(consumer: ConsumerMigrationEntry['consumer']) {
  return consumer.state === 'failed' && consumer.failure
    ? FAILURE_LABELS[consumer.failure.kind]
    : CONSUMER_STATE_LABELS[consumer.state];
}

/** What moves this consumer off the previous version, from where it stands. */
function whatMovesIt(consumer: ConsumerMigrationEntry['consumer']): string {
  switch (consumer.state) {
    case 'pr-opened':
      return 'its pull request is merged';
    case 'merged':
      return 'the merged change is confirmed';
    case 'kept':
      return 'its code stops reading the kept field';
    case 'failed':
      return consumer.failure?.kind === 'needs-decision'
        ? 'a decision is taken for it'
        : 'its failure is resolved and it is retried';
    default:
      return 'its patch is verified and merged';
  }
}

/**
 * What happens to this consumer at contract, when the run's previous version is
 * dropped for good, from what the backend knows: the retention end and how many
 * readers still hold it back.
 */
export function contractOutlook(entry: ConsumerMigrationEntry): string {
  const { migration, consumer, contract } = entry;
  const from = `version ${migration.fromVersion}`;
  if (migration.status === 'rolled-back')
    return 'The run was rolled back: nothing more is needed from this consumer.';
  if (migration.contractedAt) {
    const moved = isMovedConsumerState(consumer.state);
    return `Contracted ${formatTime(
      migration.contractedAt,
    )}: ${from} is gone. ${
      moved
        ? 'This consumer had moved.'
        : `This consumer had not moved (${stateLabel(
            consumer,
          )}): its reads of the old shape no longer work.`
    }`;
  }
  if (!isLiveMigration(migration))
    return `The dataset has not reached version ${migration.targetVersion} yet. Afterwards both shapes are served until contract drops ${from}, once every reader has moved.`;
  const others = contract.consumersStillMoving;
  if (isMovedConsumerState(consumer.state))
    return `Nothing: this consumer no longer reads ${from}. Contract drops it once every reader has moved (${others} still ${
      others === 1 ? 'reads' : 'read'
    } it)${
      contract.previousVersionKeptUntil
        ? `, not before ${formatTime(contract.previousVersionKeptUntil)}`
        : ''
    }.`;
  const deadline = contract.previousVersionKeptUntil;
  const holds = `Contract drops the old shape (${from}) after every reader has moved; this consumer holds it back until ${whatMovesIt(
    consumer,
  )}.`;
  // Before the retention ends, contract is refused outright; after, a person may override.
  if (deadline && Date.parse(deadline) > Date.now())
    return `${holds} Move it before ${formatTime(
      deadline,
    )}: from then on the dataset owner may contract anyway, and this consumer's reads would break.`;
  return `${holds} The dataset owner may contract anyway with a reason${
    deadline ? ` (${from} was kept until ${formatTime(deadline)})` : ''
  }, and this consumer's reads would break.`;
}
