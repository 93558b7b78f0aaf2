import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isAbsolute } from 'node:path';
import { openRepository } from '../scm/localGit';
import { CommitFilesCache } from './CommitFilesCache';
import { checkoutCommit, git } from './git';
import type { LocalRepositoryRoots } from './LocalRepositoryRoots';
import {
  MAX_READ_BYTES,
  RepositoryUnreachableError,
  isScannedFile,
  type RepositoryReader,
  type RepositorySnapshot,
} from './RepositoryReader';

/** Repositories on this machine (`file://` URLs): the demo's, the tests' and the benchmark's. */
export class LocalGitRepositoryReader implements RepositoryReader {
  constructor(
    private readonly roots: LocalRepositoryRoots,
    private readonly cache = new CommitFilesCache(),
  ) {}

  supports(url: string): boolean {
    return url.startsWith('file://') || isAbsolute(url);
  }

  async read(url: string, at?: string): Promise<RepositorySnapshot> {
    const dir = this.pathOf(url);
    // A commit id only, as GitHub's reader takes: what git sees is never an option.
    if (at !== undefined && !/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(at))
      throw new Error(`${JSON.stringify(at)} is not a commit id`);
    // One process: the default branch's commit and name, and the commit asked
    // for; one commit is read throughout, however the branch moves meanwhile.
    const [tipCommit, ...rest] = (
      await git(
        [
          'rev-parse',
          'HEAD^{commit}',
          ...(at ? [`${at}^{commit}`] : []),
          '--symbolic-full-name',
          'HEAD',
        ],
        { cwd: dir },
      )
    )
      .toString()
      .trim()
      .split('\n');
    const head = rest.pop()!;
    const commit = at ? rest[0] : tipCommit;
    if (!head.startsWith('refs/heads/'))
      throw new Error(
        `repository ${url} has no default branch: its HEAD is not a branch (${head})`,
      );
    const defaultBranch = head.slice('refs/heads/'.length);
    // Then, unless this commit was read before, two processes: list the tree,
    // then read every blob in one batch.
    const files = await this.cache.filesAt(dir, commit, async () => {
      const listing = (
        await git(['ls-tree', '-r', '-z', '-l', commit], { cwd: dir })
      ).toString();
      const wanted: Array<{ sha: string; path: string }> = [];
      for (const entry of listing.split('\0')) {
        const match = /^\d+ blob ([0-9a-f]+)\s+(\d+)\t(.*)$/s.exec(entry);
        if (
          match &&
          isScannedFile(match[3]) &&
          Number(match[2]) <= MAX_READ_BYTES
        )
          wanted.push({ sha: match[1], path: match[3] });
      }
      return wanted.length === 0
        ? []
        : splitBatch(
            await git(['cat-file', '--batch'], {
              cwd: dir,
              input: `${wanted.map(w => w.sha).join('\n')}\n`,
            }),
          ).map((content, i) => ({ path: wanted[i].path, content }));
    });
    return { url, defaultBranch, commit, tipCommit, files };
  }

  async checkout(url: string, dir: string, commit?: string): Promise<void> {
    if (commit) {
      await checkoutCommit(`file://${this.pathOf(url)}`, dir, commit);
      return;
    }
    await git([
      'clone',
      '--quiet',
      '--depth',
      '1',
      '--no-tags',
      `file://${this.pathOf(url)}`,
      dir,
    ]);
  }

  /** The repository's root; git run there cannot wander to a repository above it. */
  private pathOf(url: string): string {
    const path = url.startsWith('file://') ? fileURLToPath(url) : url;
    this.roots.assertInside(url, path);
    if (!existsSync(path))
      throw new RepositoryUnreachableError(`repository ${url} does not exist`);
    return openRepository(url, this.roots).root;
  }
}

/** Splits `git cat-file --batch` output into the blobs' contents. */
function splitBatch(output: Buffer): string[] {
  const contents: string[] = [];
  let at = 0;
  while (at < output.length) {
    const headerEnd = output.indexOf(10, at);
    const size = Number(
      output.subarray(at, headerEnd).toString().split(' ')[2],
    );
    contents.push(
      output.subarray(headerEnd + 1, headerEnd + 1 + size).toString(),
    );
    at = headerEnd + 1 + size + 1;
  }
  return contents;
}
