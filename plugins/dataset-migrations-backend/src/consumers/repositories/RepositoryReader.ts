import type { ChangedFile } from '@dataset-migrations/plugin-dataset-migrations-node';

/** The files of a consumer's default branch that could read a dataset. */
export interface RepositorySnapshot {
  url: string;
  defaultBranch: string;
  /** The commit of the default branch that was read: a patch made from it is pinned there. */
  commit?: string;
  /**
   * The default branch's commit when this was read, where the reader saw it: a
   * read at a commit that was also the tip serves for the tip.
   */
  tipCommit?: string;
  /** Text files the scan looks at (SQL, dbt, Python, YAML…), by path. */
  files: ChangedFile[];
}

/** Reads consumer repositories and makes working copies of them. */
export interface RepositoryReader {
  supports(url: string): boolean;
  /** The default branch as it is now, or as it was at `commit` (one of its commits). */
  read(url: string, commit?: string): Promise<RepositorySnapshot>;
  /**
   * Clones the default branch, or exactly `commit`, into `dir` for commands and
   * agents to work in: a patch is made, verified and proposed on one commit.
   */
  checkout(url: string, dir: string, commit?: string): Promise<void>;
}

/** Source-location annotations carry a `url:` prefix; repository URLs may come either way. */
export function stripUrlPrefix(repositoryUrl: string): string {
  return repositoryUrl.replace(/^url:/, '');
}

/** Where a consumer's code is, from its `backstage.io/source-location` annotation. */
export function repositoryUrlFromSourceLocation(
  location: string | undefined,
): string | undefined {
  return location ? stripUrlPrefix(location).trim() || undefined : undefined;
}

/** Files worth scanning: code and config that may name a table. */
export const SCANNED_FILE = /\.(sql|py|ya?ml|scala|java|kt|ts|js|r|ipynb)$/i;
export const MAX_SCANNED_BYTES = 1024 * 1024;

export class RepositoryUnreachableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RepositoryUnreachableError';
  }
}
