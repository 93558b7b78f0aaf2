import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
  type GithubCredentialsProvider,
} from '@backstage/integration';
import type {
  PullRequestDraft,
  PullRequestRef,
  ScmProvider,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import { assertBranchName, assertValidDraft } from './validateDraft';
import { stripUrlPrefix } from '../repositories/RepositoryReader';

/** A non-2xx answer from the GitHub API; `status` is GitHub's HTTP status. */
export class GithubApiError extends Error {
  readonly name = 'GithubApiError';
  constructor(message: string, readonly status: number) {
    super(message);
  }
}

export interface Repository {
  host: string;
  apiBaseUrl: string;
  owner: string;
  repo: string;
}

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

const REQUEST_TIMEOUT_MS = 30_000;

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
    const integrations = ScmIntegrations.fromConfig(config);
    return new GithubScmProvider(
      integrations,
      DefaultGithubCredentialsProvider.fromIntegrations(integrations),
      options?.fetch ?? ((input, init) => fetch(input, init)),
    );
  }

  constructor(
    private readonly integrations: ScmIntegrations,
    private readonly credentials: GithubCredentialsProvider,
    private readonly fetchFn: typeof fetch,
  ) {}

  supports(repositoryUrl: string): boolean {
    return Boolean(
      this.integrations.github.byUrl(stripUrlPrefix(repositoryUrl)),
    );
  }

  async openPullRequest(draft: PullRequestDraft): Promise<PullRequestRef> {
    assertValidDraft(draft);
    const repository = this.resolve(draft.repositoryUrl);
    const api = await this.client(repository);
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
    const repository = this.resolve(repositoryUrl);
    const api = await this.client(repository);
    const pull = await this.findPull(api, repository, branch);
    return pull && toRef(pull, branch);
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

  private resolve(repositoryUrl: string): Repository {
    const { url, owner, repo } = parseRepositoryUrl(repositoryUrl);
    const integration = this.integrations.github.byUrl(url);
    if (!integration) {
      throw new InputError(
        `no GitHub integration is configured for host ${url.host} (repository ${repositoryUrl})`,
      );
    }
    const { host, apiBaseUrl } = integration.config;
    if (!apiBaseUrl) {
      throw new InputError(
        `integrations.github for host ${host} needs an apiBaseUrl (repository ${repositoryUrl})`,
      );
    }
    return { host, apiBaseUrl, owner, repo };
  }

  private async client(repository: Repository): Promise<GithubClient> {
    const { token } = await this.credentials.getCredentials({
      url: `https://${repository.host}/${repository.owner}/${repository.repo}`,
    });
    return new GithubClient(repository, token, this.fetchFn);
  }
}

/** Requests under `/repos/{owner}/{repo}`, with errors that say what went wrong. */
export class GithubClient {
  constructor(
    private readonly repository: Repository,
    private readonly token: string | undefined,
    private readonly fetchFn: typeof fetch,
  ) {}

  async get<T>(path: string): Promise<T>;
  async get<T>(
    path: string,
    options: { allowNotFound: true },
  ): Promise<T | undefined>;
  async get<T>(
    path: string,
    options?: { allowNotFound: true },
  ): Promise<T | undefined> {
    return this.request<T>('GET', path, undefined, options?.allowNotFound);
  }

  async send<T = unknown>(
    method: 'POST' | 'PATCH',
    path: string,
    body: unknown,
  ): Promise<T> {
    return (await this.request<T>(method, path, body, false))!;
  }

  private async request<T>(
    method: string,
    path: string,
    body: unknown,
    allowNotFound = false,
  ): Promise<T | undefined> {
    const { apiBaseUrl, owner, repo } = this.repository;
    const fullPath = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(
      repo,
    )}${path}`;
    const headers: Record<string, string> = {
      Accept: 'application/vnd.github+json',
      'X-GitHub-Api-Version': '2022-11-28',
    };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';

    let response: Response;
    try {
      response = await this.fetchFn(`${apiBaseUrl}${fullPath}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
      });
    } catch (error) {
      throw new Error(
        `GitHub ${method} ${fullPath} on ${this.repository.host} failed: ${
          (error as Error).message
        }`,
      );
    }
    if (response.status === 404 && allowNotFound) return undefined;
    if (!response.ok) {
      throw await this.describeFailure(method, fullPath, response);
    }
    return (await response.json()) as T;
  }

  private async describeFailure(
    method: string,
    path: string,
    response: Response,
  ): Promise<GithubApiError> {
    const { status } = response;
    const payload = (await response.json().catch(() => ({}))) as {
      message?: string;
      errors?: { message?: string; code?: string; field?: string }[];
    };
    const details = (payload.errors ?? [])
      .map(e => e.message ?? [e.field, e.code].filter(Boolean).join(' '))
      .filter(Boolean);
    const reason = [payload.message ?? response.statusText, ...details].join(
      '; ',
    );
    const request = `${method} ${path}: ${status} ${reason}`;
    const { host } = this.repository;
    const repository = slug(this.repository);

    let message = `GitHub ${request}`;
    if (
      status === 429 ||
      (status === 403 && response.headers.get('x-ratelimit-remaining') === '0')
    ) {
      const reset = Number(response.headers.get('x-ratelimit-reset'));
      const at = reset
        ? `; it resets at ${new Date(reset * 1000).toISOString()}`
        : '';
      message = `GitHub rate limit reached on ${host}${at} (${request})`;
    } else if (status === 401) {
      message = `GitHub on ${host} rejected the configured credentials (${request})`;
    } else if (status === 403) {
      message = `the GitHub token is not allowed to do this in repository ${repository} (${request})`;
    } else if (status === 404) {
      const access = method === 'GET' ? 'see it' : 'write to it';
      message = `GitHub repository ${repository} was not found or the token cannot ${access} (${request})`;
    }
    return new GithubApiError(message, status);
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

function slug(repository: Pick<Repository, 'owner' | 'repo'>): string {
  return `${repository.owner}/${repository.repo}`;
}

/** Branches may contain `/`, which the ref endpoints expect unencoded. */
function encodeBranch(branch: string): string {
  return branch.split('/').map(encodeURIComponent).join('/');
}

/**
 * `https://host/OWNER/REPO`, optionally with `.git`, a trailing slash, or a
 * `/tree/BRANCH/...` or `/blob/BRANCH/...` suffix as source locations have.
 */
export function parseRepositoryUrl(repositoryUrl: string): {
  url: URL;
  owner: string;
  repo: string;
} {
  const invalid = () =>
    new InputError(
      `"${repositoryUrl}" is not a GitHub repository URL (expected https://HOST/OWNER/REPO)`,
    );
  let url: URL;
  try {
    url = new URL(stripUrlPrefix(repositoryUrl));
  } catch {
    throw invalid();
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw invalid();
  const [owner, rawRepo, kind, ...rest] = url.pathname
    .split('/')
    .filter(Boolean);
  const repo = rawRepo?.replace(/\.git$/, '');
  const validOwner = owner && /^[A-Za-z0-9][A-Za-z0-9_.-]*$/.test(owner);
  const validRepo =
    repo && /^[A-Za-z0-9_.-]+$/.test(repo) && repo !== '.' && repo !== '..';
  const validSuffix =
    kind === undefined ||
    ((kind === 'tree' || kind === 'blob') && rest.length > 0);
  if (!validOwner || !validRepo || !validSuffix) throw invalid();
  return { url, owner, repo };
}
