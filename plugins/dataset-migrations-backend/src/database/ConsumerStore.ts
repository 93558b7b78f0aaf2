import type { Knex } from 'knex';
import type { ConsumerLedgerStore } from './ConsumerLedgerStore';
import type { ConsumerProgressStore } from './ConsumerProgressStore';
import type { ConsumerPullRequestStore } from './ConsumerPullRequestStore';
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
  ConsumerPullRequestStore &
  ConsumerProgressStore;

/**
 * The consumer ledger's store: its rows, the pull requests recorded on them, and
 * consumers' progress, each its own part over one knex client. Each method is its
 * part's own, bound to it.
 */
export class ConsumerStore implements AllParts {
  readonly addDiscovered: AllParts['addDiscovered'];
  readonly get: AllParts['get'];
  readonly getPatchedFiles: AllParts['getPatchedFiles'];
  readonly list: AllParts['list'];
  readonly ledger: AllParts['ledger'];
  readonly advance: AllParts['advance'];
  readonly existing: AllParts['existing'];
  readonly decide: AllParts['decide'];
  readonly undecided: AllParts['undecided'];
  readonly resetForRetry: AllParts['resetForRetry'];

  readonly listAwaitingMerge: AllParts['listAwaitingMerge'];
  readonly supersede: AllParts['supersede'];
  readonly recordClosedPullRequest: AllParts['recordClosedPullRequest'];
  readonly listMergedPatches: AllParts['listMergedPatches'];

  readonly listMoving: AllParts['listMoving'];
  readonly countOpenByDataset: AllParts['countOpenByDataset'];
  readonly listEarlierHolds: AllParts['listEarlierHolds'];
  readonly listHolds: AllParts['listHolds'];

  constructor(knex: Knex) {
    const ledger = new DatabaseConsumerLedgerStore(knex);
    const pullRequests = new DatabaseConsumerPullRequestStore(knex);
    const progress = new DatabaseConsumerProgressStore(knex);

    this.addDiscovered = ledger.addDiscovered.bind(ledger);
    this.get = ledger.get.bind(ledger);
    this.getPatchedFiles = ledger.getPatchedFiles.bind(ledger);
    this.list = ledger.list.bind(ledger);
    this.ledger = ledger.ledger.bind(ledger);
    this.advance = ledger.advance.bind(ledger);
    this.existing = ledger.existing.bind(ledger);
    this.decide = ledger.decide.bind(ledger);
    this.undecided = ledger.undecided.bind(ledger);
    this.resetForRetry = ledger.resetForRetry.bind(ledger);

    this.listAwaitingMerge = pullRequests.listAwaitingMerge.bind(pullRequests);
    this.supersede = pullRequests.supersede.bind(pullRequests);
    this.recordClosedPullRequest =
      pullRequests.recordClosedPullRequest.bind(pullRequests);
    this.listMergedPatches = pullRequests.listMergedPatches.bind(pullRequests);

    this.listMoving = progress.listMoving.bind(progress);
    this.countOpenByDataset = progress.countOpenByDataset.bind(progress);
    this.listEarlierHolds = progress.listEarlierHolds.bind(progress);
    this.listHolds = progress.listHolds.bind(progress);
  }

  /**
   * Takes the consumer for `owner` until `leaseMs` from now, or renews the
   * owner's claim. While another owner holds a live claim, returns false and,
   * with `requestPass`, asks that owner for one more pass before it lets go.
   */
  async claim(
    migrationId: string,
    entityRef: string,
    owner: string,
    options: { leaseMs: number; requestPass: boolean },
  ): Promise<boolean> {
    const free = `(claimed_by = :owner OR claimed_until IS NULL OR claimed_until < now())`;
    const { rows } = await this.knex.raw<{ rows: { claimed: boolean }[] }>(
      `UPDATE ${TABLE} SET
         advance_requested = CASE WHEN claimed_by = :owner THEN advance_requested
           WHEN ${free} THEN false ELSE advance_requested OR :requestPass END,
         claimed_until = CASE WHEN ${free}
           THEN now() + :leaseMs * interval '1 millisecond' ELSE claimed_until END,
         claimed_by = CASE WHEN ${free} THEN :owner ELSE claimed_by END
       WHERE migration_id = :migrationId AND entity_ref = :entityRef
       RETURNING claimed_by = :owner AS claimed`,
      { owner, migrationId, entityRef, ...options },
    );
    return rows[0]?.claimed ?? false;
  }

  /**
   * Lets go of the owner's claim and returns true; returns false, keeping it,
   * when another job asked for one more pass meanwhile. One statement, so a
   * request lands either before (another pass) or after (on a free row).
   */
  async releaseClaim(
    migrationId: string,
    entityRef: string,
    owner: string,
  ): Promise<boolean> {
    const { rows } = await this.knex.raw<{ rows: { released: boolean }[] }>(
      `UPDATE ${TABLE} SET
         claimed_by = CASE WHEN advance_requested THEN claimed_by END,
         claimed_until = CASE WHEN advance_requested THEN claimed_until END,
         advance_requested = false
       WHERE migration_id = :migrationId AND entity_ref = :entityRef
         AND claimed_by = :owner
       RETURNING claimed_by IS NULL AS released`,
      { owner, migrationId, entityRef },
    );
    return rows[0]?.released ?? true;
  }
}
