import type { Config } from '@backstage/config';
import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  encodeBranch,
  GithubClient,
  GithubRepositories,
  slug,
} from '../github';
import { CommitFilesCache } from './CommitFilesCache';
import { checkoutCommit, git } from './git';
import {
  MAX_READ_BYTES,
  isScannedFile,
  type RepositoryReader,
  type RepositorySnapshot,
} from './RepositoryReader';
import { mapConcurrently } from '../mapConcurrently';

/** Blobs fetched at once: fast enough, and gentle on GitHub's secondary rate limits. */
const BLOB_CONCURRENCY = 8;

interface GithubTree {
  truncated: boolean;
  tree: {
    path: string;
    mode: string;
    type: 'blob' | 'tree' | 'commit';
    sha: string;
    size?: number;
  }[];
}

interface GithubBlob {
  content: string;
  encoding: 'base64' | 'utf-8';
}

export interface GithubRepositoryReaderOptions {
  fetch?: typeof fetch;
  /** Where to clone from; by default `https://HOST/OWNER/REPO.git` of the integration. */
  cloneUrl?: (owner: string, repo: string) => string;
  /** Runs git; tests wrap it to see the arguments and environment. */
  git?: typeof git;
  /** Files read at a commit, kept across reads. */
  cache?: CommitFilesCache;
}

/**
 * Reads consumer repositories on GitHub and GitHub Enterprise through the REST API
 * (tree + blobs, nothing cloned), and clones them for working copies with the
 * integration's token sent as an HTTP header that never appears in argv or the URL.
 */
export class GithubRepositoryReader implements RepositoryReader {
  static fromConfig(
    config: Config,
    options: GithubRepositoryReaderOptions = {},
  ): GithubRepositoryReader {
    return new GithubRepositoryReader(
      GithubRepositories.fromConfig(config),
      options,
    );
  }

  private readonly fetchFn: typeof fetch;
  private readonly git: typeof git;
  private readonly cache: CommitFilesCache;

  constructor(
    private readonly github: GithubRepositories,
    private readonly options: GithubRepositoryReaderOptions = {},
  ) {
    this.fetchFn = options.fetch ?? ((input, init) => fetch(input, init));
    this.git = options.git ?? git;
    this.cache = options.cache ?? new CommitFilesCache();
  }

  supports(url: string): boolean {
    return this.github.covers(url);
  }

  async read(url: string, at?: string): Promise<RepositorySnapshot> {
    const repository = this.github.resolve(url);
    const api = new GithubClient(
      repository,
      await this.github.token(repository),
      this.fetchFn,
    );
    const { default_branch: defaultBranch } = await api.get<{
      default_branch: string;
    }>('');
    // One commit read throughout, however the branch moves meanwhile.
    const commit =
      at ??
      (
        await api.get<{ object: { sha: string } }>(
          `/git/ref/heads/${encodeBranch(defaultBranch)}`,
        )
      ).object.sha;
    if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit))
      throw new Error(`${JSON.stringify(commit)} is not a commit id`);
    // A commit read before is not listed and fetched blob by blob again.
    const files = await this.cache.filesAt(
      `${repository.apiBaseUrl}/${slug(repository)}`,
      commit,
      async () => {
        const listing = await api.get<GithubTree>(
          `/git/trees/${commit}?recursive=1`,
        );
        if (listing.truncated) {
          throw new Error(
            `GitHub repository ${slug(
              repository,
            )} is too large to scan through the API: ` +
              `GitHub truncated the file listing of branch "${defaultBranch}"`,
          );
        }
        const wanted = listing.tree.filter(
          entry =>
            entry.type === 'blob' &&
            entry.mode !== '120000' && // a symbolic link's blob is its target, not code
            isScannedFile(entry.path) &&
            (entry.size ?? 0) <= MAX_READ_BYTES,
        );
        return mapConcurrently(
          wanted,
          BLOB_CONCURRENCY,
          async (entry): Promise<ChangedFile> => {
            const blob = await api.get<GithubBlob>(`/git/blobs/${entry.sha}`);
            return {
              path: entry.path,
              content:
                blob.encoding === 'base64'
                  ? Buffer.from(blob.content, 'base64').toString('utf8')
                  : blob.content,
            };
          },
        );
      },
    );
    return { url, defaultBranch, commit, files };
  }

  async checkout(url: string, dir: string, commit?: string): Promise<void> {
    const repository = this.github.resolve(url);
    const { owner, repo, host } = repository;
    const cloneUrl =
      this.options.cloneUrl?.(owner, repo) ??
      `https://${host}/${encodeURIComponent(owner)}/${encodeURIComponent(
        repo,
      )}.git`;
    const token = await this.github.token(repository);
    const env = {
      GIT_TERMINAL_PROMPT: '0',
      ...(token ? authorizationConfig(cloneUrl, token) : {}),
    };
    try {
      if (commit)
        await checkoutCommit(cloneUrl, dir, commit, { env, git: this.git });
      else
        await this.git(
          [
            'clone',
            '--quiet',
            '--depth',
            '1',
            '--no-tags',
            '--',
            cloneUrl,
            dir,
          ],
          { env },
        );
    } catch (error) {
      // git's message comes from stderr; the token was only ever in the environment.
      throw new Error(
        `could not clone GitHub repository ${slug(
          repository,
        )} from ${cloneUrl}: ${(error as Error).message}`,
      );
    }
  }
}

/**
 * git configuration, passed through the environment (GIT_CONFIG_COUNT/KEY/VALUE) so the
 * token is in neither argv nor the clone's `.git/config`. The header is scoped to the
 * clone URL's origin, so a redirect to another host does not carry it.
 */
function authorizationConfig(
  cloneUrl: string,
  token: string,
): NodeJS.ProcessEnv {
  const url = new URL(cloneUrl);
  const key = /^https?:$/.test(url.protocol)
    ? `http.${url.origin}/.extraHeader`
    : 'http.extraHeader';
  const credentials = Buffer.from(`x-access-token:${token}`).toString('base64');
  // Keep any configuration the process environment already passes this way.
  const index = Number(process.env.GIT_CONFIG_COUNT) || 0;
  return {
    GIT_CONFIG_COUNT: String(index + 1),
    [`GIT_CONFIG_KEY_${index}`]: key,
    [`GIT_CONFIG_VALUE_${index}`]: `Authorization: Basic ${credentials}`,
  };
}
