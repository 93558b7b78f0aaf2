/**
 * Git plumbing for the local-git provider: finding the repository a URL points
 * at, running git on its git directory, and building trees and work-tree moves
 * without touching the owner's index or HEAD.
 */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { randomUUID } from 'node:crypto';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConflictError, InputError } from '@backstage/errors';
import type { PullRequestDraft } from '@dataset-migrations/plugin-dataset-migrations-node';
import type { LocalRepositoryRoots } from '../repositories/LocalRepositoryRoots';
import { stripUrlPrefix } from '../repositories/RepositoryReader';
import { runGit } from '../repositories/gitSpawner';

export const AUTHOR = {
  GIT_AUTHOR_NAME: 'Dataset migrations',
  GIT_AUTHOR_EMAIL: 'dataset-migrations@localhost',
  GIT_COMMITTER_NAME: 'Dataset migrations',
  GIT_COMMITTER_EMAIL: 'dataset-migrations@localhost',
};

/** A repository on this machine: where the caller points, and where git keeps its data. */
export interface LocalRepository {
  /** The work tree root, or the bare repository directory. */
  root: string;
  /** The git directory shared by all work trees: objects, refs and our records. */
  gitDir: string;
  /** The HEAD of the work tree found at `root`; undefined for a bare repository. */
  headFile?: string;
}

/** The work tree (and its index) that has `branch` checked out, if any. */
export function checkedOutWorkTree(
  repo: LocalRepository,
  branch: string,
): { root: string; index: string } | undefined {
  if (!repo.headFile) return undefined;
  const head = readFileSync(repo.headFile, 'utf8').trim();
  if (head !== `ref: refs/heads/${branch}`) return undefined;
  return { root: repo.root, index: join(dirname(repo.headFile), 'index') };
}

/**
 * Moves a work tree's index and files from one commit to another (a two-tree
 * `read-tree -m -u`, as a fast-forward checkout): refused, changing nothing, when
 * that would overwrite uncommitted or untracked changes.
 */
export async function moveWorkTree(
  repo: LocalRepository,
  workTree: { root: string; index: string },
  from: string,
  to: string,
  label: string,
): Promise<void> {
  const env = { GIT_WORK_TREE: workTree.root, GIT_INDEX_FILE: workTree.index };
  try {
    // Stat information only, so unchanged files do not look changed to read-tree.
    await git(repo, ['update-index', '-q', '--refresh'], {
      env,
      cwd: workTree.root,
      okCodes: [0, 1],
    });
    await git(repo, ['read-tree', '-m', '-u', from, to], {
      env,
      cwd: workTree.root,
    });
  } catch (error) {
    throw new ConflictError(
      `${label} cannot be merged: the work tree at ${
        workTree.root
      } has local changes in the way (${(error as Error).message})`,
    );
  }
}

export interface BranchTip {
  sha: string;
  tree: string;
  /** Space-separated parent shas. */
  parents: string;
}

/** Where {@link writeCommit} keeps a commit until {@link moveBranch} moves a branch to it. */
const WRITTEN_COMMITS = 'refs/dataset-migrations/commits/';

/**
 * A written commit's ref whose commit is older than this was left by a process
 * that died between writing and moving (seconds apart otherwise): removed by the
 * next {@link readBranches} that sweeps. The commit's date is the writer's clock:
 * a day leaves room for replicas whose clocks disagree and for stalled processes.
 */
export const LEFT_COMMIT_REF_AFTER_MS = 24 * 60 * 60_000;

/**
 * The tips of the named branches that exist, in one `git for-each-ref`. With
 * `sweep`, the same listing finds written commits' refs left behind, and removes
 * them (one more git only when there are some). The sweep never fails the read:
 * a listing it breaks (a ref of ours at a missing object) is read again without
 * it, and a removal that fails is left to the next sweep.
 */
export async function readBranches(
  repo: LocalRepository,
  names: string[],
  options: { sweep?: boolean } = {},
): Promise<Map<string, BranchTip>> {
  if (options.sweep) {
    const listed = await listRefs(repo, names, true).catch(() => undefined);
    if (listed) {
      await removeLeftCommitRefs(repo, listed.left);
      return listed.tips;
    }
  }
  return (await listRefs(repo, names, false)).tips;
}

async function listRefs(
  repo: LocalRepository,
  names: string[],
  withWrittenCommits: boolean,
): Promise<{
  tips: Map<string, BranchTip>;
  left: { ref: string; sha: string }[];
}> {
  const refs = names.map(n => `refs/heads/${n}`);
  const { stdout } = await git(repo, [
    'for-each-ref',
    '--format=%(refname)%00%(objectname)%00%(tree)%00%(parent)%00%(committerdate:unix)',
    ...refs,
    ...(withWrittenCommits ? [WRITTEN_COMMITS] : []),
  ]);
  const tips = new Map<string, BranchTip>();
  const leftBefore = (Date.now() - LEFT_COMMIT_REF_AFTER_MS) / 1000;
  const left: { ref: string; sha: string }[] = [];
  for (const line of stdout.split('\n').filter(Boolean)) {
    const [ref, sha, tree, parents, committedAt] = line.split('\0');
    // for-each-ref also matches refs below a pattern (main/x for main); keep exact ones.
    if (refs.includes(ref)) {
      tips.set(ref.slice('refs/heads/'.length), { sha, tree, parents });
    } else if (
      ref.startsWith(WRITTEN_COMMITS) &&
      Number(committedAt) < leftBefore
    ) {
      left.push({ ref, sha });
    }
  }
  return { tips, left };
}

/**
 * Deletes each ref only while it is still at the commit listed. All in one
 * transaction; when that fails (a lock left by a killed git on one of them), one
 * by one, so a stuck ref does not keep the others forever.
 */
async function removeLeftCommitRefs(
  repo: LocalRepository,
  left: { ref: string; sha: string }[],
): Promise<void> {
  if (left.length === 0) return;
  const removed = await git(repo, ['update-ref', '--stdin'], {
    input: left.map(l => `delete ${l.ref} ${l.sha}\n`).join(''),
  }).then(
    () => true,
    () => false,
  );
  if (removed) return;
  for (const { ref, sha } of left)
    await git(repo, ['update-ref', '-d', ref, sha]).catch(() => {});
}

/** A commit written beside the branches, held by a ref of its own until a branch moves to it. */
export interface WrittenCommit {
  sha: string;
  tree: string;
  ref: string;
}

/**
 * A commit of the files (exact bytes, mode 100644) on `parent`, written by one
 * `git fast-import`: the repository's index, work tree and branches stay as they
 * are, and one process does what a throwaway index and `commit-tree` took six for
 * (each git costs a fork and an exec on a busy backend). fast-import must commit
 * to a ref; it is the commit's own, which {@link moveBranch} deletes.
 */
export async function writeCommit(
  repo: LocalRepository,
  parent: string,
  files: PullRequestDraft['files'],
  message: string,
): Promise<WrittenCommit> {
  const ref = `${WRITTEN_COMMITS}${randomUUID()}`;
  const signature = `${AUTHOR.GIT_COMMITTER_NAME} <${
    AUTHOR.GIT_COMMITTER_EMAIL
  }> ${Math.floor(Date.now() / 1000)} +0000`;
  const parts: Buffer[] = [];
  const line = (text: string) => parts.push(Buffer.from(`${text}\n`));
  const data = (text: string) => {
    const bytes = Buffer.from(text);
    line(`data ${bytes.length}`);
    parts.push(bytes);
    line('');
  };
  line(`commit ${ref}`);
  line('mark :1');
  line(`author ${signature}`);
  line(`committer ${signature}`);
  data(message);
  line(`from ${parent}`);
  for (const file of files) {
    line(`M 100644 inline ${quotedPath(file.path)}`);
    data(file.content);
  }
  // The commit's sha, then its root tree ("040000 tree <sha>\t").
  line('get-mark :1');
  line('ls :1 ""');
  line('done');
  const { stdout } = await git(repo, ['fast-import', '--quiet', '--done'], {
    input: Buffer.concat(parts),
  });
  const [sha, listing] = stdout.split('\n');
  const tree = /^040000 tree ([0-9a-f]+)\t/.exec(listing ?? '')?.[1];
  if (!/^[0-9a-f]+$/.test(sha) || !tree) {
    await git(repo, ['update-ref', '-d', ref]).catch(() => {});
    throw new Error(
      `git fast-import in ${
        repo.root
      } answered neither a commit nor its tree: ${stdout.slice(0, 200)}`,
    );
  }
  return { sha, tree, ref };
}

/**
 * A path as fast-import reads it: C-style quoted, so spaces and quotes stay part
 * of it (control characters and backslashes never reach here: see validateDraft).
 */
function quotedPath(path: string): string {
  return `"${path.replace(/["\\]/g, c => `\\${c}`)}"`;
}

/**
 * Moves the branch to the written commit (or, with `move: false`, keeps it where
 * it is) and deletes the commit's own ref, in one transaction: compare-and-swap,
 * refused, changing nothing, when the branch is no longer at `from` (absent when
 * undefined); the commit's ref is then deleted on its own.
 */
export async function moveBranch(
  repo: LocalRepository,
  branch: string,
  commit: WrittenCommit,
  change: { from: string | undefined; move: boolean; message: string },
): Promise<void> {
  const ref = `refs/heads/${branch}`;
  const zero = '0'.repeat(commit.sha.length);
  const branchUpdate = change.move
    ? `update ${ref} ${commit.sha} ${change.from ?? zero}`
    : `verify ${ref} ${change.from ?? zero}`;
  try {
    await git(repo, ['update-ref', '-m', change.message, '--stdin'], {
      input: `${branchUpdate}\ndelete ${commit.ref} ${commit.sha}\n`,
    });
  } catch (error) {
    await git(repo, ['update-ref', '-d', commit.ref]).catch(() => {});
    throw error;
  }
}

/** The parent's environment without GIT_* variables (e.g. from a hook) that would redirect git. */
const baseEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !key.startsWith('GIT_')),
);

/** Runs git on the repository's git directory, without a shell. */
export function git(
  repo: LocalRepository,
  args: string[],
  options: {
    input?: string | Buffer;
    env?: Record<string, string>;
    okCodes?: number[];
    /** Work tree commands run there; others in the git directory. */
    cwd?: string;
    /** Keep at most this much of stdout (the rest is read and counted, not kept). */
    maxStdoutBytes?: number;
  } = {},
): Promise<{
  code: number;
  stdout: string;
  /** True when stdout was longer than maxStdoutBytes. */
  truncated: boolean;
  totalBytes: number;
}> {
  const argv = [
    `--git-dir=${repo.gitDir}`,
    // A configured fsmonitor would otherwise be consulted about the work tree.
    '-c',
    'core.fsmonitor=false',
    ...args,
  ];
  return runGit({
    args: argv,
    cwd: options.cwd ?? repo.gitDir,
    env: { ...baseEnv, ...options.env },
    input: options.input,
    maxStdoutBytes: options.maxStdoutBytes,
  }).then(
    ({ code, signal, stdout, stderr, totalBytes }) => {
      const exit = code ?? -1;
      if ((options.okCodes ?? [0]).includes(exit))
        return {
          code: exit,
          stdout: stdout.toString(),
          truncated: totalBytes > stdout.length,
          totalBytes,
        };
      const message = stderr.toString().trim() || (signal ?? '');
      throw new Error(
        `git ${args[0]} failed in ${repo.root} (exit ${exit}): ${message}`,
      );
    },
    error => {
      throw new Error(`could not run git: ${(error as Error).message}`);
    },
  );
}

/** `file://` URLs and absolute paths; anything else is not local. */
export function toLocalPath(target: string): string | undefined {
  if (target.startsWith('file:')) {
    try {
      return resolve(fileURLToPath(target));
    } catch {
      return undefined;
    }
  }
  return isAbsolute(target) ? resolve(target) : undefined;
}

/** The repository a URL points at, if it and its git directory lie under the allowed roots. */
export function openRepository(
  repositoryUrl: string,
  roots: LocalRepositoryRoots,
): LocalRepository {
  const path = toLocalPath(stripUrlPrefix(repositoryUrl));
  if (!path) {
    throw new InputError(
      `"${repositoryUrl}" is not a local repository (expected a file:// URL or an absolute path)`,
    );
  }
  // Before anything touches the path: whether it exists is no business of a catalog entity.
  roots.assertInside(repositoryUrl, path);
  if (!existsSync(path)) {
    throw new InputError(`local git repository ${path} does not exist`);
  }
  const repo = locate(path);
  if (!repo) throw new InputError(`${path} is not a git repository`);
  // The repository found may sit above the path, and a `.git` file may point anywhere.
  roots.assertInside(repositoryUrl, repo.root, repo.gitDir);
  return repo;
}

/** The repository containing `path`: a work tree (with `.git`) or a bare repository. */
export function locate(path: string): LocalRepository | undefined {
  for (let dir = path; ; dir = dirname(dir)) {
    const dotGit = join(dir, '.git');
    const kind = kindOf(dotGit);
    if (kind === 'directory') {
      return { root: dir, gitDir: dotGit, headFile: join(dotGit, 'HEAD') };
    }
    if (kind === 'file') {
      // A linked work tree or submodule: `.git` names its own git directory, whose
      // `commondir` (if any) holds the shared refs and objects.
      const match = /^gitdir: (.+)$/m.exec(readFileSync(dotGit, 'utf8'));
      if (!match) return undefined;
      const own = resolve(dir, match[1].trim());
      const common = join(own, 'commondir');
      const gitDir = existsSync(common)
        ? resolve(own, readFileSync(common, 'utf8').trim())
        : own;
      return { root: dir, gitDir, headFile: join(own, 'HEAD') };
    }
    if (
      kindOf(join(dir, 'HEAD')) === 'file' &&
      kindOf(join(dir, 'objects')) === 'directory' &&
      kindOf(join(dir, 'refs')) === 'directory'
    ) {
      return { root: dir, gitDir: dir };
    }
    if (dirname(dir) === dir) return undefined;
  }
}

export function kindOf(path: string): 'file' | 'directory' | undefined {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats?.isDirectory()) return 'directory';
  return stats?.isFile() ? 'file' : undefined;
}

/** Moving the checked-out branch would make the work tree look changed under its owner. */
export function assertNotCheckedOut(
  repo: LocalRepository,
  branch: string,
): void {
  if (!repo.headFile) return;
  const head = readFileSync(repo.headFile, 'utf8').trim();
  if (head === `ref: refs/heads/${branch}`) {
    throw new InputError(
      `branch "${branch}" is checked out in ${repo.root}; choose another branch for the pull request`,
    );
  }
}
