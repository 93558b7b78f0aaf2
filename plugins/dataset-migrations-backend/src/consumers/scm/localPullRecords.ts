/**
 * The local-git provider's pull requests: JSON records in the repository's git
 * directory, and their state read from the branches.
 */
import { randomUUID } from 'node:crypto';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import type {
  PullRequestDraft,
  PullRequestRef,
  PullRequestState,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import { withFileLock } from './fileLock';
import { git, type LocalRepository } from './localGit';

/** A pull request as recorded in `<git-dir>/dataset-migrations/pulls.json`. */
export interface LocalPullRecord {
  number: number;
  branch: string;
  base: string;
  title: string;
  body: string;
  /** The commit the branch was last set to, to tell merged after the branch is deleted. */
  head: string;
  /** The base commit the branch was last built on: what its diff is against once merged. */
  baseSha?: string;
  /** Set to `closed` by hand to close it; merged is derived from the branches. */
  state: 'open' | 'closed';
  /** Comments left on it, e.g. why it was closed. */
  comments?: Array<{ body: string; createdAt: string }>;
  createdAt: string;
  updatedAt: string;
}

export function toRef(
  repo: LocalRepository,
  record: LocalPullRecord,
  state: PullRequestState,
): PullRequestRef {
  return {
    provider: 'local-git',
    url: `${pathToFileURL(repo.root).href}#pull/${record.number}`,
    number: record.number,
    branch: record.branch,
    state,
  };
}

/** Merged once the branch tip (or, if the branch is gone, its last known tip) is in the base. */
export async function stateOf(
  repo: LocalRepository,
  record: LocalPullRecord,
): Promise<PullRequestState> {
  if (record.state === 'closed') return 'closed';
  const tips = [`refs/heads/${record.branch}`];
  if (/^[0-9a-f]{40,64}$/.test(record.head)) tips.push(record.head);
  for (const tip of tips) {
    const { code } = await git(
      repo,
      ['merge-base', '--is-ancestor', tip, `refs/heads/${record.base}`],
      { okCodes: [0, 1, 128] },
    );
    if (code === 0) return 'merged';
    if (code === 1) return 'open';
  }
  return 'open';
}

/**
 * `pulls.json` in the git directory. Every change happens under a lock file (held
 * between processes and replicas too) and is written to a temporary file
 * that is renamed over the old one, so readers never see a partial file.
 */
export class PullRecordStore {
  private readonly dir: string;
  private readonly file: string;

  constructor(repo: LocalRepository) {
    this.dir = join(repo.gitDir, 'dataset-migrations');
    this.file = join(this.dir, 'pulls.json');
  }

  async read(): Promise<LocalPullRecord[]> {
    try {
      return JSON.parse(await readFile(this.file, 'utf8')).pulls ?? [];
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw new Error(`cannot read ${this.file}: ${(error as Error).message}`);
    }
  }

  /** Records the pull request of the draft's branch, numbering a new one after the last. */
  async upsert(
    draft: PullRequestDraft,
    head: string,
    baseSha: string,
  ): Promise<LocalPullRecord> {
    await mkdir(this.dir, { recursive: true });
    return this.withLock(async () => {
      const pulls = await this.read();
      const now = new Date().toISOString();
      const fields = {
        base: draft.baseBranch,
        title: draft.title,
        body: draft.body,
        head,
        baseSha,
        updatedAt: now,
      };
      let record = pulls.find(p => p.branch === draft.branch);
      if (record) {
        Object.assign(record, fields);
      } else {
        record = {
          number: Math.max(0, ...pulls.map(p => p.number)) + 1,
          branch: draft.branch,
          state: 'open',
          createdAt: now,
          ...fields,
        };
        pulls.push(record);
      }
      await this.write(pulls);
      return record;
    });
  }

  /**
   * Marks the numbered pull request closed with the comment, when `shouldClose`
   * says it is still open; returns its record, undefined if there is none.
   */
  async close(
    number: number,
    comment: string,
    shouldClose: (record: LocalPullRecord) => Promise<boolean>,
  ): Promise<LocalPullRecord | undefined> {
    await mkdir(this.dir, { recursive: true });
    return this.withLock(async () => {
      const pulls = await this.read();
      const record = pulls.find(p => p.number === number);
      if (!record || !(await shouldClose(record))) return record;
      const now = new Date().toISOString();
      record.state = 'closed';
      record.updatedAt = now;
      record.comments = [
        ...(record.comments ?? []),
        { body: comment, createdAt: now },
      ];
      await this.write(pulls);
      return record;
    });
  }

  private async write(pulls: LocalPullRecord[]): Promise<void> {
    const tmp = `${this.file}.${randomUUID()}.tmp`;
    await writeFile(tmp, `${JSON.stringify({ pulls }, null, 2)}\n`);
    await rename(tmp, this.file);
  }

  private withLock<T>(fn: () => Promise<T>): Promise<T> {
    return withFileLock(`${this.file}.lock`, fn);
  }
}
