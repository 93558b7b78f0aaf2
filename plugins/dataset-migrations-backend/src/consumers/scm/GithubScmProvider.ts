import type { Config } from '@backstage/config';
import { ConflictError, InputError } from '@backstage/errors';
import type {
  PullRequestDescription,
  PullRequestDraft,
  PullRequestRef,
  ScmProvider,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import { assertBranchName, assertValidDraft } from './validateDraft';
import { boundDiff, diffCutMarker } from './diffLimit';
import {
  encodeBranch,
  GithubApiError,
  GithubRepositories,
  slug,
  type GithubClient,
  type Repository,
} from '../github';

interface GithubPull {
  number: number;
  html_url: string;
  state: 'open' | 'closed';
  merged_at: string | null;
  /** Its conversation's (issue) comments; in a single pull request's answer, not in lists. */
  comments?: number;
}

/** `GET /repos/{owner}/{repo}/pulls/{pull_number}`, the fields read here. */
interface GithubPullDetails extends GithubPull {
  title: string;
  body: string | null;
  base: { ref: string };
}

/** `GET /repos/{owner}/{repo}/pulls/{pull_number}/files`, one entry. */
interface GithubPullFile {
  filename: string;
  additions: number;
  deletions: number;
}

/** GitHub lists at most 3,000 files of a pull request, 100 a page. */
const FILES_PER_PAGE = 100;
const MAX_FILE_PAGES = 30;

/** `GET /repos/{owner}/{repo}/issues/{issue_number}/comments`, the field read here. */
interface GithubComment {
  body?: string;
}

/** Comments are read 100 a page, the newest two pages (where a close's own would be). */
const COMMENTS_PER_PAGE = 100;

interface GithubCommit {
  sha: string;
  message: string;
  tree: { sha: string };
  parents: { sha: string }[];
}

/**
 * Opens pull requests on GitHub and GitHub Enterprise through the REST API. Files are
 * written with the Git Data API (blobs, tree, commit, ref), so nothing is cloned.
 */
export class GithubScmProvider implements ScmProvider {
  readonly id = 'github';

  static fromConfig(
    config: Config,
    options?: { fetch?: typeof fetch },
  ): GithubScmProvider {
    return new GithubScmProvider(
      GithubRepositories.fromConfig(config),
      options?.fetch ?? ((input, init) => fetch(input, init)),
    );
  }

  constructor(
    private readonly github: GithubRepositories,
    private readonly fetchFn: typeof fetch,
  ) {}

  supports(repositoryUrl: string): boolean {
    return this.github.covers(repositoryUrl);
  }

  async openPullRequest(draft: PullRequestDraft): Promise<PullRequestRef> {
    assertValidDraft(draft);
    const repository = this.github.resolve(draft.repositoryUrl);
    const api = await this.github.client(repository, this.fetchFn);
    const refPath = (branch: string) =>
      `/git/ref/heads/${encodeBranch(branch)}`;

    const baseRef = await api.get<{ object: { sha: string } }>(
      refPath(draft.baseBranch),
      { allowNotFound: true },
    );
    if (!baseRef) {
      await api.get(''); // a clearer error when the repository itself is out of reach
      throw new InputError(
        `base branch "${
          draft.baseBranch
        }" does not exist in GitHub repository ${slug(repository)}`,
      );
    }
    const existing = await this.findPull(api, repository, draft.branch);
    if (existing?.merged_at) return toRef(existing, draft.branch);
    if (existing?.state === 'closed')
      throw new ConflictError(
        `pull request ${existing.html_url} was closed without merging; it is not re-opened: re-open it on GitHub, or decide for this consumer in the portal`,
      );
    // The branch starts at the commit the patch was made from: a base that moved
    // since shows as a merge (or a conflict), never as the patch undoing others' work.
    const parentSha = draft.baseCommit ?? baseRef.object.sha;
    const parent = await api.get<GithubCommit>(`/git/commits/${parentSha}`, {
      allowNotFound: true,
    });
    if (!parent)
      throw new InputError(
        `commit ${parentSha}, which the patch was made from, is not in GitHub repository ${slug(
          repository,
        )}`,
      );

    // Serially, as GitHub asks of content-creating requests (secondary rate limits).
    const tree = [];
    for (const file of draft.files) {
      const blob = await api.send<{ sha: string }>('POST', '/git/blobs', {
        content: file.content,
        encoding: 'utf-8',
      });
      tree.push({
        path: file.path,
        mode: '100644',
        type: 'blob',
        sha: blob.sha,
      });
    }
    const newTree = await api.send<{ sha: string }>('POST', '/git/trees', {
      base_tree: parent.tree.sha,
      tree,
    });

    const branchRef = await api.get<{ object: { sha: string } }>(
      refPath(draft.branch),
      { allowNotFound: true },
    );
    const current =
      branchRef &&
      (await api.get<GithubCommit>(`/git/commits/${branchRef.object.sha}`));
    if (current && !madeFrom(current, draft))
      throw new ConflictError(
        `branch "${draft.branch}" of GitHub repository ${slug(
          repository,
        )} has commits this plugin did not make (its tip is ${current.sha.slice(
          0,
          12,
        )}); it is left as it is`,
      );
    // Re-pushing identical content would only dismiss reviews and notify people.
    const unchanged =
      current?.tree.sha === newTree.sha && current.parents[0].sha === parentSha;
    if (!unchanged) {
      const commit = await api.send<{ sha: string }>('POST', '/git/commits', {
        message: draft.commitMessage,
        tree: newTree.sha,
        parents: [parentSha],
      });
      if (branchRef) {
        // Only ever over a commit of ours (checked above).
        await api.send(
          'PATCH',
          `/git/refs/heads/${encodeBranch(draft.branch)}`,
          {
            sha: commit.sha,
            force: true,
          },
        );
      } else {
        await api.send('POST', '/git/refs', {
          ref: `refs/heads/${draft.branch}`,
          sha: commit.sha,
        });
      }
    }

    const pull = existing
      ? await api.send<GithubPull>('PATCH', `/pulls/${existing.number}`, {
          title: draft.title,
          body: draft.body,
        })
      : await api.send<GithubPull>('POST', '/pulls', {
          title: draft.title,
          head: draft.branch,
          base: draft.baseBranch,
          body: draft.body,
        });
    return toRef(pull, draft.branch);
  }

  async getPullRequest(
    repositoryUrl: string,
    branch: string,
  ): Promise<PullRequestRef | undefined> {
    assertBranchName(branch);
    const repository = this.github.resolve(repositoryUrl);
    const api = await this.github.client(repository, this.fetchFn);
    const pull = await this.findPull(api, repository, branch);
    return pull && toRef(pull, branch);
  }

  /**
   * The pull request of a branch with its title, body, per-file counts (`pulls/{n}/files`)
   * and unified diff (`pulls/{n}` in the `application/vnd.github.diff` media type), the
   * diff cut at 512 KiB with a marker line. GitHub refuses diffs above its own limits
   * (406); then the diff is only the marker and the files still list every change.
   */
  async describePullRequest(
    repositoryUrl: string,
    branch: string,
  ): Promise<PullRequestDescription | undefined> {
    assertBranchName(branch);
    const repository = this.github.resolve(repositoryUrl);
    const api = await this.github.client(repository, this.fetchFn);
    const found = await this.findPull(api, repository, branch);
    if (!found) return undefined;
    const path = `/pulls/${found.number}`;
    const pull = await api.get<GithubPullDetails>(path);
    const files: GithubPullFile[] = [];
    for (let page = 1; page <= MAX_FILE_PAGES; page++) {
      const batch = await api.get<GithubPullFile[]>(
        `${path}/files?per_page=${FILES_PER_PAGE}&page=${page}`,
      );
      files.push(...batch);
      if (batch.length < FILES_PER_PAGE) break;
    }
    const diff = await api
      .getText(path, 'application/vnd.github.diff')
      .then(text => boundDiff(text))
      .catch(error => {
        if (error instanceof GithubApiError && error.status === 406)
          return { diff: diffCutMarker().trimStart(), diffTruncated: true };
        throw error;
      });
    return {
      ...toRef(pull, branch),
      title: pull.title,
      body: pull.body ?? '',
      base: pull.base.ref,
      ...diff,
      files: files.map(f => ({
        path: f.filename,
        additions: f.additions,
        deletions: f.deletions,
      })),
    };
  }

  /**
   * Comments on the pull request (an issue comment, as GitHub keeps them), then
   * closes it unmerged. One merged or closed already is left as it is. The comment
   * is posted only when the pull request has no comment with the same text yet, so
   * a close repeated after it failed past its comment (or re-queued after its
   * worker died) does not say it twice.
   */
  async closePullRequest(
    ref: PullRequestRef & { repositoryUrl: string },
    comment: string,
  ): Promise<PullRequestRef> {
    assertBranchName(ref.branch);
    const repository = this.github.resolve(ref.repositoryUrl);
    const api = await this.github.client(repository, this.fetchFn);
    const current = await api.get<GithubPull>(`/pulls/${ref.number}`);
    if (current.state !== 'open') return toRef(current, ref.branch);
    if (!(await this.hasComment(api, current, comment)))
      await api.send('POST', `/issues/${ref.number}/comments`, {
        body: comment,
      });
    const closed = await api.send<GithubPull>('PATCH', `/pulls/${ref.number}`, {
      state: 'closed',
    });
    return toRef(closed, ref.branch);
  }

  /**
   * Whether the pull request's conversation has a comment with exactly this text
   * among its newest 100 to 200 (GitHub lists them oldest first, so those are the
   * last two pages, found from the pull request's comment count): a close's own
   * comment, posted just before a close that failed, is among them.
   */
  private async hasComment(
    api: GithubClient,
    pull: GithubPull,
    body: string,
  ): Promise<boolean> {
    const count = pull.comments ?? COMMENTS_PER_PAGE;
    const last = Math.max(1, Math.ceil(count / COMMENTS_PER_PAGE));
    for (const page of last > 1 ? [last, last - 1] : [1]) {
      const batch = await api.get<GithubComment[]>(
        `/issues/${pull.number}/comments?per_page=${COMMENTS_PER_PAGE}&page=${page}`,
      );
      if (batch.some(c => c.body === body)) return true;
    }
    return false;
  }

  /** Any pull request, open or not, from this branch of the same repository. */
  private async findPull(
    api: GithubClient,
    repository: Repository,
    branch: string,
  ): Promise<GithubPull | undefined> {
    const query = new URLSearchParams({
      head: `${repository.owner}:${branch}`,
      state: 'all',
    });
    const pulls = await api.get<GithubPull[]>(`/pulls?${query}`);
    return pulls?.[0];
  }
}

/**
 * A branch tip this plugin made for the draft: one commit with the draft's message.
 * Anything else (a reviewer's fix pushed to the branch) is not overwritten.
 */
function madeFrom(commit: GithubCommit, draft: PullRequestDraft): boolean {
  return commit.parents.length === 1 && commit.message === draft.commitMessage;
}

function toRef(pull: GithubPull, branch: string): PullRequestRef {
  let state: PullRequestRef['state'] = 'open';
  if (pull.merged_at) state = 'merged';
  else if (pull.state === 'closed') state = 'closed';
  return {
    provider: 'github',
    url: pull.html_url,
    number: pull.number,
    branch,
    state,
  };
}
