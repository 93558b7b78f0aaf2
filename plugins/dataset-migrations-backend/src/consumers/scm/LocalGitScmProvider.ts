import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, readFileSync, statSync } from 'node:fs';
import {
  mkdir,
  mkdtemp,
  open,
  readFile,
  rename,
  rm,
  stat,
  unlink,
  writeFile,
} from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, isAbsolute, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type {
  PullRequestDescription,
  PullRequestDraft,
  PullRequestRef,
  PullRequestState,
  ScmProvider,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import { assertBranchName, assertValidDraft } from './validateDraft';
import { boundDiff, MAX_DIFF_BYTES } from './diffLimit';
import { stripUrlPrefix } from '../repositories/RepositoryReader';

const AUTHOR = {
  GIT_AUTHOR_NAME: 'Dataset migrations',
  GIT_AUTHOR_EMAIL: 'dataset-migrations@localhost',
  GIT_COMMITTER_NAME: 'Dataset migrations',
  GIT_COMMITTER_EMAIL: 'dataset-migrations@localhost',
};

/** A repository on this machine: where the caller points, and where git keeps its data. */
interface LocalRepository {
  /** The work tree root, or the bare repository directory. */
  root: string;
  /** The git directory shared by all work trees: objects, refs and our records. */
  gitDir: string;
  /** The HEAD of the work tree found at `root`; undefined for a bare repository. */
  headFile?: string;
}

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

/**
 * Pull requests on a git repository on this machine, for the demo, end-to-end tests
 * and benchmarks: the branch is written with git plumbing straight into the
 * repository (its work tree, index and HEAD are never touched) and the pull request
 * is a JSON record in the git directory.
 */
export class LocalGitScmProvider implements ScmProvider {
  readonly id = 'local-git';

  supports(repositoryUrl: string): boolean {
    const target = stripUrlPrefix(repositoryUrl);
    if (target.startsWith('file:')) return toLocalPath(target) !== undefined;
    const path = toLocalPath(target);
    return path !== undefined && locate(path) !== undefined;
  }

  async openPullRequest(draft: PullRequestDraft): Promise<PullRequestRef> {
    assertValidDraft(draft);
    const repo = openRepository(draft.repositoryUrl);
    assertNotCheckedOut(repo, draft.branch);

    const refs = await readBranches(repo, [draft.baseBranch, draft.branch]);
    const base = refs.get(draft.baseBranch);
    if (!base) {
      throw new InputError(
        `base branch "${draft.baseBranch}" does not exist in local git repository ${repo.root}`,
      );
    }
    const current = refs.get(draft.branch);
    const tree = await writeTree(repo, base.sha, draft.files);

    let head = current?.sha;
    // Recommitting identical content would only churn the branch.
    if (!current || current.tree !== tree || current.parents !== base.sha) {
      head = (
        await git(
          repo,
          ['commit-tree', '--no-gpg-sign', '-p', base.sha, '-F', '-', tree],
          { input: draft.commitMessage, env: AUTHOR },
        )
      ).stdout.trim();
      await git(repo, [
        'update-ref',
        '-m',
        'dataset-migrations: open pull request',
        `refs/heads/${draft.branch}`,
        head,
        // Compare-and-swap: fails instead of losing a concurrent update.
        current?.sha ?? '',
      ]).catch(error => {
        throw new Error(
          `branch "${draft.branch}" of ${repo.root} changed while it was being updated; try again (${error.message})`,
        );
      });
    }

    const record = await new PullRecordStore(repo).upsert(
      draft,
      head!,
      base.sha,
    );
    return toRef(repo, record, record.state === 'closed' ? 'closed' : 'open');
  }

  async getPullRequest(
    repositoryUrl: string,
    branch: string,
  ): Promise<PullRequestRef | undefined> {
    assertBranchName(branch);
    const repo = openRepository(repositoryUrl);
    const records = await new PullRecordStore(repo).read();
    const record = records.find(r => r.branch === branch);
    return record && toRef(repo, record, await stateOf(repo, record));
  }

  async closePullRequest(
    ref: PullRequestRef & { repositoryUrl: string },
    comment: string,
  ): Promise<PullRequestRef> {
    assertBranchName(ref.branch);
    const repo = openRepository(ref.repositoryUrl);
    const store = new PullRecordStore(repo);
    const record = await store.close(ref.number, comment, async found => {
      // Merged is read from the branches: a merged one stays as it is.
      const state = await stateOf(repo, found);
      return state === 'open';
    });
    if (!record) {
      throw new InputError(
        `pull request #${ref.number} is not recorded in local git repository ${repo.root}`,
      );
    }
    return toRef(repo, record, await stateOf(repo, record));
  }

  /**
   * The pull request with its title, body, per-file counts and unified diff (the
   * branch against where it left the base, as `git diff base...head`), the diff cut
   * at {@link MAX_DIFF_BYTES} with a marker line.
   */
  async describePullRequest(
    repositoryUrl: string,
    branch: string,
  ): Promise<PullRequestDescription | undefined> {
    assertBranchName(branch);
    const repo = openRepository(repositoryUrl);
    const record = (await new PullRecordStore(repo).read()).find(
      r => r.branch === branch,
    );
    if (!record) return undefined;
    const state = await stateOf(repo, record);
    const tips = await readBranches(repo, [record.base, record.branch]);
    const head = tips.get(record.branch)?.sha ?? record.head;
    const baseTip = tips.get(record.base)?.sha;
    // Once merged the base holds the head, so the merge base would be the head itself:
    // diff against the base it was built on (records from before that was kept: the
    // branch's one commit's parent).
    let from: string | undefined;
    if (state === 'merged') {
      from =
        record.baseSha ??
        (
          await git(repo, ['rev-parse', '--verify', '-q', `${head}^1`], {
            okCodes: [0, 1],
          })
        ).stdout.trim();
      from ||= undefined;
    }
    if (!from && baseTip) {
      const mergeBase = await git(repo, ['merge-base', baseTip, head], {
        okCodes: [0, 1],
      });
      from = mergeBase.code === 0 ? mergeBase.stdout.trim() : undefined;
    }
    // No common history (or no base left): everything on the head is the change.
    const range = from ? [from, head] : ['--root', head];
    const [numstat, patch] = await Promise.all([
      git(repo, [
        'diff-tree',
        '-r',
        '--numstat',
        '-z',
        '--no-renames',
        ...range,
      ]),
      git(
        repo,
        [
          'diff-tree',
          '-r',
          '-p',
          '--no-color',
          '--no-ext-diff',
          '--no-renames',
          ...range,
        ],
        { maxStdoutBytes: MAX_DIFF_BYTES },
      ),
    ]);
    return {
      ...toRef(repo, record, state),
      title: record.title,
      body: record.body,
      base: record.base,
      ...boundDiff(patch.stdout, patch.totalBytes),
      files: parseNumstat(numstat.stdout, !from),
    };
  }

  /**
   * Merges an open pull request into its base, for the demo: a fast-forward when the
   * base has not moved, else a merge commit of a clean three-way merge
   * (`git merge-tree`). The base ref moves by compare-and-swap; when the base is the
   * branch checked out in the repository's work tree, its index and files are
   * brought along as `git merge` would, refusing to overwrite local changes.
   */
  async mergePullRequest(
    repositoryUrl: string,
    branch: string,
  ): Promise<PullRequestRef> {
    assertBranchName(branch);
    const repo = openRepository(repositoryUrl);
    const record = (await new PullRecordStore(repo).read()).find(
      r => r.branch === branch,
    );
    if (!record) {
      throw new NotFoundError(
        `no pull request from branch "${branch}" in ${repo.root}`,
      );
    }
    const label = `pull request #${record.number} of ${repo.root}`;
    const state = await stateOf(repo, record);
    if (state !== 'open') {
      throw new ConflictError(`${label} is ${state}, not open`);
    }
    const tips = await readBranches(repo, [record.base, record.branch]);
    const base = tips.get(record.base);
    const head = tips.get(record.branch);
    if (!base) {
      throw new ConflictError(
        `${label} cannot be merged: its base branch "${record.base}" does not exist`,
      );
    }
    if (!head) {
      throw new ConflictError(
        `${label} cannot be merged: its branch "${record.branch}" was deleted`,
      );
    }

    const fastForward =
      (
        await git(repo, ['merge-base', '--is-ancestor', base.sha, head.sha], {
          okCodes: [0, 1],
        })
      ).code === 0;
    let merged = head.sha;
    if (!fastForward) {
      const result = await git(
        repo,
        [
          'merge-tree',
          '--write-tree',
          '--name-only',
          '--no-messages',
          base.sha,
          head.sha,
        ],
        { okCodes: [0, 1] },
      );
      const [tree, ...conflicts] = result.stdout.split('\n').filter(Boolean);
      if (result.code !== 0) {
        throw new ConflictError(
          `${label} does not merge cleanly into "${record.base}": ${
            conflicts.length > 0 ? conflicts.join(', ') : 'conflicts'
          } changed on both sides; update the branch first`,
        );
      }
      merged = (
        await git(
          repo,
          [
            'commit-tree',
            '--no-gpg-sign',
            '-p',
            base.sha,
            '-p',
            head.sha,
            '-F',
            '-',
            tree,
          ],
          {
            input: `Merge pull request #${record.number} from ${record.branch}\n\n${record.title}\n`,
            env: AUTHOR,
          },
        )
      ).stdout.trim();
    }

    const workTree = checkedOutWorkTree(repo, record.base);
    // The files first: refused (nothing changed) when local changes are in the way.
    if (workTree) await moveWorkTree(repo, workTree, base.sha, merged, label);
    try {
      await git(repo, [
        'update-ref',
        '-m',
        `dataset-migrations: merge pull request #${record.number}`,
        `refs/heads/${record.base}`,
        merged,
        base.sha,
      ]);
    } catch (error) {
      if (workTree)
        await moveWorkTree(repo, workTree, merged, base.sha, label).catch(
          () => {},
        );
      throw new ConflictError(
        `${label}: "${record.base}" changed while merging; try again (${
          (error as Error).message
        })`,
      );
    }
    return toRef(repo, record, 'merged');
  }
}

/** `diff-tree --numstat -z` output; `-` counts (binary files) are 0. */
function parseNumstat(
  output: string,
  root: boolean,
): PullRequestDescription['files'] {
  // With --root the first field is the commit itself.
  const fields = output.split('\0').filter(Boolean);
  if (root && /^[0-9a-f]{40,64}$/.test(fields[0] ?? '')) fields.shift();
  return fields.flatMap(line => {
    const match = /^(\d+|-)\t(\d+|-)\t(.*)$/s.exec(line.replace(/^\n/, ''));
    if (!match) return [];
    return [
      {
        path: match[3],
        additions: match[1] === '-' ? 0 : Number(match[1]),
        deletions: match[2] === '-' ? 0 : Number(match[2]),
      },
    ];
  });
}

/** The work tree (and its index) that has `branch` checked out, if any. */
function checkedOutWorkTree(
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
async function moveWorkTree(
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

function toRef(
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
async function stateOf(
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

// ---------------------------------------------------------------------------------
// Git plumbing

interface BranchTip {
  sha: string;
  tree: string;
  /** Space-separated parent shas. */
  parents: string;
}

/** The tips of the named branches that exist, in one `git for-each-ref`. */
async function readBranches(
  repo: LocalRepository,
  names: string[],
): Promise<Map<string, BranchTip>> {
  const refs = names.map(n => `refs/heads/${n}`);
  const { stdout } = await git(repo, [
    'for-each-ref',
    '--format=%(refname)%00%(objectname)%00%(tree)%00%(parent)',
    ...refs,
  ]);
  const tips = new Map<string, BranchTip>();
  for (const line of stdout.split('\n').filter(Boolean)) {
    const [ref, sha, tree, parents] = line.split('\0');
    // for-each-ref also matches refs below a pattern (main/x for main); keep exact ones.
    if (refs.includes(ref)) {
      tips.set(ref.slice('refs/heads/'.length), { sha, tree, parents });
    }
  }
  return tips;
}

/**
 * The base commit's tree with the files replaced, built in a throwaway index so the
 * repository's own index and work tree stay as they are.
 */
async function writeTree(
  repo: LocalRepository,
  baseSha: string,
  files: PullRequestDraft['files'],
): Promise<string> {
  const tmp = await mkdtemp(join(tmpdir(), 'dataset-migrations-git-'));
  try {
    const env = { GIT_INDEX_FILE: join(tmp, 'index') };
    const paths = files.map((_, i) => join(tmp, `blob-${i}`));
    await Promise.all(files.map((f, i) => writeFile(paths[i], f.content)));
    // One hash-object for all files; exact bytes (no attributes or eol filters).
    const [hashed] = await Promise.all([
      git(repo, ['hash-object', '-w', '--no-filters', '--stdin-paths'], {
        input: `${paths.join('\n')}\n`,
      }),
      git(repo, ['read-tree', baseSha], { env }),
    ]);
    const shas = hashed.stdout.trim().split('\n');
    const entries = files.map((f, i) => `100644 ${shas[i]}\t${f.path}\0`);
    await git(repo, ['update-index', '-z', '--index-info'], {
      input: entries.join(''),
      env,
    });
    return (await git(repo, ['write-tree'], { env })).stdout.trim();
  } finally {
    await rm(tmp, { recursive: true, force: true });
  }
}

/** The parent's environment without GIT_* variables (e.g. from a hook) that would redirect git. */
const baseEnv = Object.fromEntries(
  Object.entries(process.env).filter(([key]) => !key.startsWith('GIT_')),
);

/** Runs git on the repository's git directory, without a shell. */
function git(
  repo: LocalRepository,
  args: string[],
  options: {
    input?: string;
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
  return new Promise((resolvePromise, reject) => {
    const child = spawn('git', argv, {
      cwd: options.cwd ?? repo.gitDir,
      env: { ...baseEnv, ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    const limit = options.maxStdoutBytes ?? Infinity;
    let kept = 0;
    let totalBytes = 0;
    child.stdout.on('data', (chunk: Buffer) => {
      totalBytes += chunk.length;
      if (kept >= limit) return;
      const part = chunk.subarray(0, limit - kept);
      kept += part.length;
      stdout.push(part);
    });
    child.stderr.on('data', chunk => stderr.push(chunk));
    // git may exit before reading stdin; its exit code tells what went wrong.
    child.stdin.on('error', () => {});
    child.on('error', error =>
      reject(new Error(`could not run git: ${error.message}`)),
    );
    child.on('close', code => {
      const exit = code ?? -1;
      if ((options.okCodes ?? [0]).includes(exit)) {
        resolvePromise({
          code: exit,
          stdout: Buffer.concat(stdout).toString(),
          truncated: totalBytes > kept,
          totalBytes,
        });
        return;
      }
      const message = Buffer.concat(stderr).toString().trim();
      reject(
        new Error(
          `git ${args[0]} failed in ${repo.root} (exit ${exit}): ${message}`,
        ),
      );
    });
    child.stdin.end(options.input ?? '');
  });
}

// ---------------------------------------------------------------------------------
// Finding the repository

/** `file://` URLs and absolute paths; anything else is not local. */
function toLocalPath(target: string): string | undefined {
  if (target.startsWith('file:')) {
    try {
      return resolve(fileURLToPath(target));
    } catch {
      return undefined;
    }
  }
  return isAbsolute(target) ? resolve(target) : undefined;
}

function openRepository(repositoryUrl: string): LocalRepository {
  const path = toLocalPath(stripUrlPrefix(repositoryUrl));
  if (!path) {
    throw new InputError(
      `"${repositoryUrl}" is not a local repository (expected a file:// URL or an absolute path)`,
    );
  }
  if (!existsSync(path)) {
    throw new InputError(`local git repository ${path} does not exist`);
  }
  const repo = locate(path);
  if (!repo) throw new InputError(`${path} is not a git repository`);
  return repo;
}

/** The repository containing `path`: a work tree (with `.git`) or a bare repository. */
function locate(path: string): LocalRepository | undefined {
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

function kindOf(path: string): 'file' | 'directory' | undefined {
  const stats = statSync(path, { throwIfNoEntry: false });
  if (stats?.isDirectory()) return 'directory';
  return stats?.isFile() ? 'file' : undefined;
}

/** Moving the checked-out branch would make the work tree look changed under its owner. */
function assertNotCheckedOut(repo: LocalRepository, branch: string): void {
  if (!repo.headFile) return;
  const head = readFileSync(repo.headFile, 'utf8').trim();
  if (head === `ref: refs/heads/${branch}`) {
    throw new InputError(
      `branch "${branch}" is checked out in ${repo.root}; choose another branch for the pull request`,
    );
  }
}

// ---------------------------------------------------------------------------------
// Pull request records

const LOCK_STALE_MS = 30_000;
const LOCK_TIMEOUT_MS = 10_000;

/**
 * `pulls.json` in the git directory. Every change happens under a lock file (created
 * with `wx`, so it also holds between processes) and is written to a temporary file
 * that is renamed over the old one, so readers never see a partial file.
 */
class PullRecordStore {
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
      const tmp = `${this.file}.${randomUUID()}.tmp`;
      await writeFile(tmp, `${JSON.stringify({ pulls }, null, 2)}\n`);
      await rename(tmp, this.file);
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

  private async withLock<T>(fn: () => Promise<T>): Promise<T> {
    const lock = `${this.file}.lock`;
    const deadline = Date.now() + LOCK_TIMEOUT_MS;
    for (;;) {
      try {
        const handle = await open(lock, 'wx');
        await handle.writeFile(`${process.pid}\n`);
        await handle.close();
        break;
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }
      // A lock this old outlived a crashed process; the critical section takes ms.
      const held = await stat(lock).catch(() => undefined);
      if (held && Date.now() - held.mtimeMs > LOCK_STALE_MS) {
        await unlink(lock).catch(() => {});
        continue;
      }
      if (Date.now() > deadline) {
        throw new Error(
          `timed out waiting for ${lock}; remove it if no dataset-migrations process is running`,
        );
      }
      await new Promise(r => setTimeout(r, 5 + Math.random() * 20));
    }
    try {
      return await fn();
    } finally {
      await unlink(lock).catch(() => {});
    }
  }
}
