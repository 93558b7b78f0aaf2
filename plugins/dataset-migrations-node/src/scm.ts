import type { ConsumerPullRequestDetails } from '@dataset-migrations/plugin-dataset-migrations-common';

/**
 * One file of a change set, by its path relative to the repository root.
 *
 * @public
 */
export interface ChangedFile {
  path: string;
  content: string;
}

/**
 * A change to propose to a consumer's repository as a pull request.
 *
 * @public
 */
export interface PullRequestDraft {
  /** The repository, as the consumer's source-location annotation names it. */
  repositoryUrl: string;
  /** The branch the pull request targets, e.g. `main`. */
  baseBranch: string;
  /**
   * The commit of `baseBranch` the patch was made from. The pull request's branch
   * starts there, so changes others made to the base since show as a merge or a
   * conflict, never as the patch undoing them. Without it, the base's tip.
   */
  baseCommit?: string;
  /** One branch per consumer and migration; re-opening the same draft updates it. */
  branch: string;
  title: string;
  /** Markdown: the mapping, the impacted fields and the verification evidence. */
  body: string;
  commitMessage: string;
  /** The full new content of every changed file. */
  files: ChangedFile[];
}

/** @public */
export type PullRequestState = 'open' | 'merged' | 'closed';

/** @public */
export interface PullRequestRef {
  /** Which provider opened it, e.g. `github` or `local-git`. */
  provider: string;
  url: string;
  number: number;
  branch: string;
  state: PullRequestState;
}

/**
 * Opens and follows pull requests on one kind of source control. The GitHub and
 * local-git providers are built in; others plug in through
 * {@link datasetMigrationsScmExtensionPoint}.
 *
 * @public
 */
export interface ScmProvider {
  /** Short name shown in the ledger, e.g. `github`. */
  readonly id: string;
  /** True when this provider handles the repository URL. */
  supports(repositoryUrl: string): boolean;
  /**
   * Creates the branch and the pull request, or updates both when they exist:
   * one branch and one pull request per draft branch, however often it is called.
   * A merged pull request is returned as it is. Throws a `ConflictError` rather
   * than re-open a pull request closed unmerged, or overwrite a branch holding
   * commits the provider did not make.
   */
  openPullRequest(draft: PullRequestDraft): Promise<PullRequestRef>;
  /** The pull request of a branch, if one was opened. */
  getPullRequest(
    repositoryUrl: string,
    branch: string,
  ): Promise<PullRequestRef | undefined>;
  /**
   * Optional: the pull request of a branch with its title, body and diff;
   * undefined if none was opened.
   */
  describePullRequest?(
    repositoryUrl: string,
    branch: string,
  ): Promise<PullRequestDescription | undefined>;
  /**
   * Optional, for demo and local providers: merges the pull request of a branch into
   * its base. Throws a `ConflictError` with the reason when it is not open or does
   * not merge cleanly, a `NotFoundError` when there is none.
   */
  mergePullRequest?(
    repositoryUrl: string,
    branch: string,
  ): Promise<PullRequestRef>;
  /**
   * Closes the pull request unmerged, leaving the comment on it (e.g. when its
   * migration was rolled back), and returns it as it now stands. A pull request
   * already closed or merged is returned as it is. Optional: without it, pull
   * requests of a rolled-back migration stay open for people to close.
   */
  closePullRequest?(
    ref: PullRequestRef & { repositoryUrl: string },
    comment: string,
  ): Promise<PullRequestRef>;
}

/**
 * A pull request with its content, as {@link ScmProvider.describePullRequest} reads it.
 *
 * @public
 */
export type PullRequestDescription = Omit<
  ConsumerPullRequestDetails,
  'canMerge'
>;
