import type { Config } from '@backstage/config';
import { InputError } from '@backstage/errors';
import {
  DefaultGithubCredentialsProvider,
  ScmIntegrations,
  type GithubCredentialsProvider,
} from '@backstage/integration';
import { stripUrlPrefix } from './repositories/RepositoryReader';

/*
 * What reading consumer repositories on GitHub and opening pull requests there
 * share: which integration a URL belongs to, its token, and the REST client.
 */

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

const REQUEST_TIMEOUT_MS = 30_000;

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

  /** A GET answered in a custom media type, e.g. `application/vnd.github.diff`, as text. */
  async getText(path: string, mediaType: string): Promise<string> {
    return (await this.request<string>('GET', path, undefined, false, {
      accept: mediaType,
      text: true,
    }))!;
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
    media: { accept?: string; text?: boolean } = {},
  ): Promise<T | undefined> {
    const { apiBaseUrl, owner, repo } = this.repository;
    const fullPath = `/repos/${encodeURIComponent(owner)}/${encodeURIComponent(
      repo,
    )}${path}`;
    const headers: Record<string, string> = {
      Accept: media.accept ?? 'application/vnd.github+json',
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
    if (media.text) return (await response.text()) as T;
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

/** Consumer repositories on GitHub and GitHub Enterprise, by the integrations configured. */
export class GithubRepositories {
  static fromConfig(config: Config): GithubRepositories {
    const integrations = ScmIntegrations.fromConfig(config);
    return new GithubRepositories(
      integrations,
      DefaultGithubCredentialsProvider.fromIntegrations(integrations),
    );
  }

  constructor(
    private readonly integrations: ScmIntegrations,
    private readonly credentials: GithubCredentialsProvider,
  ) {}

  /** Whether a GitHub integration covers the URL's host. */
  covers(url: string): boolean {
    return !!this.integrations.github.byUrl(stripUrlPrefix(url));
  }

  /** The repository a URL names, with its integration's API; throws when none covers it. */
  resolve(repositoryUrl: string): Repository {
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

  async token(repository: Repository): Promise<string | undefined> {
    const { token } = await this.credentials.getCredentials({
      url: `https://${repository.host}/${repository.owner}/${repository.repo}`,
    });
    return token;
  }

  async client(
    repository: Repository,
    fetchFn: typeof fetch,
  ): Promise<GithubClient> {
    return new GithubClient(repository, await this.token(repository), fetchFn);
  }
}

export function slug(repository: Pick<Repository, 'owner' | 'repo'>): string {
  return `${repository.owner}/${repository.repo}`;
}

/** Branches may contain `/`, which GitHub expects unencoded in the path. */
export function encodeBranch(branch: string): string {
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
