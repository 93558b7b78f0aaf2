import type { Knex } from 'knex';
import type { ConsumerClaims } from './ConsumerClaims';
import type { ConsumerLedgerStore } from './ConsumerLedgerStore';
import type { ConsumerProgressStore } from './ConsumerProgressStore';
import type { ConsumerPullRequestStore } from './ConsumerPullRequestStore';
import { DatabaseConsumerClaims } from './DatabaseConsumerClaims';
import { DatabaseConsumerLedgerStore } from './DatabaseConsumerLedgerStore';
import { DatabaseConsumerProgressStore } from './DatabaseConsumerProgressStore';
import { DatabaseConsumerPullRequestStore } from './DatabaseConsumerPullRequestStore';

export type {
  ConsumerLedgerStore,
  ConsumerUpdate,
  DiscoveredConsumer,
} from './ConsumerLedgerStore';
export type {
  ConsumerProgressStore,
  EarlierMigrationHold,
} from './ConsumerProgressStore';
export type {
  ConsumerPullRequestStore,
  PullRequestToClose,
} from './ConsumerPullRequestStore';

type AllParts = ConsumerLedgerStore &
  ConsumerClaims &
  ConsumerPullRequestStore &
  ConsumerProgressStore;

/**
 * The consumer ledger's store: its rows, the pull requests recorded on them, and
 * consumers' progress and the claims of the jobs advancing them, each its own part over one knex client. Each method is its
 * part's own, bound to it.
 */
export class ConsumerStore implements AllParts {
  readonly addDiscovered: AllParts['addDiscovered'];
  readonly get: AllParts['get'];
  readonly getPatch: AllParts['getPatch'];
  readonly list: AllParts['list'];
  readonly listByEntity: AllParts['listByEntity'];
  readonly ledger: AllParts['ledger'];
  readonly advance: AllParts['advance'];
  readonly existing: AllParts['existing'];
  readonly decide: AllParts['decide'];
  readonly undecided: AllParts['undecided'];
  readonly resetForRetry: AllParts['resetForRetry'];
  readonly retryable: AllParts['retryable'];

  readonly listAwaitingMerge: AllParts['listAwaitingMerge'];
  readonly takeStalePullRequests: AllParts['takeStalePullRequests'];
  readonly supersede: AllParts['supersede'];
  readonly recordClosedPullRequest: AllParts['recordClosedPullRequest'];
  readonly listMergedPatches: AllParts['listMergedPatches'];
  readonly holdForMerge: AllParts['holdForMerge'];
  readonly holdForRollback: AllParts['holdForRollback'];

  readonly listMoving: AllParts['listMoving'];
  readonly countMoving: AllParts['countMoving'];
  readonly countUnchecked: AllParts['countUnchecked'];
  readonly lastMovedAt: AllParts['lastMovedAt'];
  readonly countOpenByDataset: AllParts['countOpenByDataset'];
  readonly listEarlierHolds: AllParts['listEarlierHolds'];
  readonly listHolds: AllParts['listHolds'];

  readonly claim: AllParts['claim'];
  readonly renewClaim: AllParts['renewClaim'];
  readonly releaseClaim: AllParts['releaseClaim'];
  readonly listExpiredClaims: AllParts['listExpiredClaims'];
  readonly listUnclaimed: AllParts['listUnclaimed'];

  constructor(knex: Knex) {
    const ledger = new DatabaseConsumerLedgerStore(knex);
    const pullRequests = new DatabaseConsumerPullRequestStore(knex);
    const progress = new DatabaseConsumerProgressStore(knex);

    this.addDiscovered = ledger.addDiscovered.bind(ledger);
    this.get = ledger.get.bind(ledger);
    this.getPatch = ledger.getPatch.bind(ledger);
    this.list = ledger.list.bind(ledger);
    this.listByEntity = ledger.listByEntity.bind(ledger);
    this.ledger = ledger.ledger.bind(ledger);
    this.advance = ledger.advance.bind(ledger);
    this.existing = ledger.existing.bind(ledger);
    this.decide = ledger.decide.bind(ledger);
    this.undecided = ledger.undecided.bind(ledger);
    this.resetForRetry = ledger.resetForRetry.bind(ledger);
    this.retryable = ledger.retryable.bind(ledger);

    this.listAwaitingMerge = pullRequests.listAwaitingMerge.bind(pullRequests);
    this.takeStalePullRequests =
      pullRequests.takeStalePullRequests.bind(pullRequests);
    this.supersede = pullRequests.supersede.bind(pullRequests);
    this.recordClosedPullRequest =
      pullRequests.recordClosedPullRequest.bind(pullRequests);
    this.listMergedPatches = pullRequests.listMergedPatches.bind(pullRequests);
    this.holdForMerge = pullRequests.holdForMerge.bind(pullRequests);
    this.holdForRollback = pullRequests.holdForRollback.bind(pullRequests);

    this.listMoving = progress.listMoving.bind(progress);
    this.countMoving = progress.countMoving.bind(progress);
    this.countUnchecked = progress.countUnchecked.bind(progress);
    this.lastMovedAt = progress.lastMovedAt.bind(progress);
    this.countOpenByDataset = progress.countOpenByDataset.bind(progress);
    this.listEarlierHolds = progress.listEarlierHolds.bind(progress);
    this.listHolds = progress.listHolds.bind(progress);

    const claims = new DatabaseConsumerClaims(knex);
    this.claim = claims.claim.bind(claims);
    this.renewClaim = claims.renewClaim.bind(claims);
    this.releaseClaim = claims.releaseClaim.bind(claims);
    this.listExpiredClaims = claims.listExpiredClaims.bind(claims);
    this.listUnclaimed = claims.listUnclaimed.bind(claims);
  }
}
