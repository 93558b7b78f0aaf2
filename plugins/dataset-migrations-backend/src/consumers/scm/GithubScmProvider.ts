import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import type {
  PullRequestDraft,
  PullRequestRef,
  ScmProvider,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import { assertBranchName, assertValidDraft } from './validateDraft';
import {
  encodeBranch,
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
}

interface GithubCommit {
  sha: string;
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
    const baseSha = baseRef.object.sha;
    const baseCommit = await api.get<GithubCommit>(`/git/commits/${baseSha}`);

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
      base_tree: baseCommit.tree.sha,
      tree,
    });

    const branchRef = await api.get<{ object: { sha: string } }>(
      refPath(draft.branch),
      { allowNotFound: true },
    );
    const current =
      branchRef &&
      (await api.get<GithubCommit>(`/git/commits/${branchRef.object.sha}`));
    // Re-pushing identical content would only dismiss reviews and notify people.
    const unchanged =
      current?.tree.sha === newTree.sha &&
      current.parents.length === 1 &&
      current.parents[0].sha === baseSha;
    if (!unchanged) {
      const commit = await api.send<{ sha: string }>('POST', '/git/commits', {
        message: draft.commitMessage,
        tree: newTree.sha,
        parents: [baseSha],
      });
      if (branchRef) {
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

    const existing = await this.findPull(api, repository, draft.branch);
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
   * Comments on the pull request (an issue comment, as GitHub keeps them), then
   * closes it unmerged. One merged or closed already is left as it is; when the
   * close fails after the comment, closing again repeats the comment.
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
    await api.send('POST', `/issues/${ref.number}/comments`, { body: comment });
    const closed = await api.send<GithubPull>('PATCH', `/pulls/${ref.number}`, {
      state: 'closed',
    });
    return toRef(closed, ref.branch);
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
