import type { ConsumerPullRequest } from '@dataset-migrations/plugin-dataset-migrations-common';

/** A consumer superseded by a rollback whose pull request is still open. */
export interface PullRequestToClose {
  entityRef: string;
  repositoryUrl: string;
  pullRequest: ConsumerPullRequest;
}

/** What became of consumers' pull requests: followed up, merged, closed by a rollback. */
export interface ConsumerPullRequestStore {
  /** Consumers whose pull requests are open or merged, to follow up on. */
  listAwaitingMerge(): Promise<
    Array<{ migrationId: string; entityRef: string }>
  >;
  /**
   * Consumers whose pull request has been open longer than `openForMs`, each
   * returned once per pull request: the reminder is recorded (as a checkpoint of
   * the run) in the same statement, so replicas racing here remind only once.
   */
  takeStalePullRequests(
    openForMs: number,
  ): Promise<Array<{ migrationId: string; entityRef: string; url: string }>>;
  /**
   * Settles every consumer of a rolled-back migration that is not unaffected:
   * `superseded`, with the reason, keeping its failure and pull request. Returns
   * those whose pull request is still open, to be closed.
   */
  supersede(
    migrationId: string,
    reasons: {
      /** For a consumer whose patch was merged: its code now reads the new version. */
      merged: string;
      /** For one with a pull request that is still open. */
      open: string;
      /** For every other one. */
      other: string;
    },
  ): Promise<PullRequestToClose[]>;
  /**
   * Records a superseded consumer's pull request as it stands after closing it,
   * with a new reason when it was not closed as expected (merged meanwhile).
   */
  recordClosedPullRequest(
    migrationId: string,
    entityRef: string,
    pullRequest: ConsumerPullRequest,
    supersededReason?: string,
  ): Promise<boolean>;
  /**
   * Consumers whose code reads the migration's new version because their patch was
   * merged: `merged`, or `done` with a patch.
   */
  listMergedPatches(migrationId: string): Promise<string[]>;
  /**
   * Runs `work`, a merge of one of the migration's pull requests, while the
   * migration is live and no rollback of it is under way; otherwise answers at
   * once why not (`status`: the run's, when it is not live). `work` holds the
   * connection of the lock's transaction: it must not wait for another of the
   * store's. Merges do not hold each other off.
   */
  holdForMerge<T>(
    migrationId: string,
    work: () => Promise<T>,
  ): Promise<
    | { held: true; value: T }
    | { held: false; rollingBack: true }
    | { held: false; status: string }
  >;
  /**
   * Runs `work`, a rollback from its last look at the pull requests until readers
   * are back on the previous version, once no merge of the migration's pull
   * requests is under way, and with none starting meanwhile.
   */
  holdForRollback<T>(migrationId: string, work: () => Promise<T>): Promise<T>;
}
