import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import type {
  PullRequestDescription,
  PullRequestDraft,
  PullRequestRef,
  ScmProvider,
} from '@dataset-migrations/plugin-dataset-migrations-node';
import { assertBranchName, assertValidDraft } from './validateDraft';
import { boundDiff, MAX_DIFF_BYTES } from './diffLimit';
import { stripUrlPrefix } from '../repositories/RepositoryReader';
import {
  AUTHOR,
  assertNotCheckedOut,
  checkedOutWorkTree,
  git,
  locate,
  moveWorkTree,
  openRepository,
  readBranches,
  toLocalPath,
  moveBranch,
  writeCommit,
  type LocalRepository,
} from './localGit';
import { PullRecordStore, stateOf, toRef } from './localPullRecords';
import type { LocalRepositoryRoots } from '../repositories/LocalRepositoryRoots';

/**
 * Pull requests on a git repository on this machine, for the demo, end-to-end tests
 * and benchmarks: the branch is written with git plumbing straight into the
 * repository (its work tree, index and HEAD are never touched) and the pull request
 * is a JSON record in the git directory.
 */
export class LocalGitScmProvider implements ScmProvider {
  readonly id = 'local-git';

  constructor(private readonly roots: LocalRepositoryRoots) {}

  supports(repositoryUrl: string): boolean {
    const target = stripUrlPrefix(repositoryUrl);
    if (target.startsWith('file:')) return toLocalPath(target) !== undefined;
    const path = toLocalPath(target);
    return path !== undefined && locate(path) !== undefined;
  }

  async openPullRequest(draft: PullRequestDraft): Promise<PullRequestRef> {
    assertValidDraft(draft);
    const repo = openRepository(draft.repositoryUrl, this.roots);
    assertNotCheckedOut(repo, draft.branch);

    const refs = await readBranches(repo, [draft.baseBranch, draft.branch], {
      sweep: true,
    });
    const base = refs.get(draft.baseBranch);
    if (!base) {
      throw new InputError(
        `base branch "${draft.baseBranch}" does not exist in local git repository ${repo.root}`,
      );
    }
    const store = new PullRecordStore(repo);
    const existing = (await store.read()).find(r => r.branch === draft.branch);
    const existingState = existing && (await stateOf(repo, existing));
    if (existing && existingState === 'merged')
      return toRef(repo, existing, 'merged');
    if (existing && existingState === 'closed')
      throw new ConflictError(
        `pull request #${existing.number} of ${repo.root} was closed without merging; it is not re-opened`,
      );
    // The branch starts at the commit the patch was made from: a base that moved
    // since shows as a merge (or a conflict), never as the patch undoing others' work.
    const parent = draft.baseCommit ?? base.sha;
    // The base's tip was just read; any other commit is looked up.
    const found =
      parent === base.sha ||
      (
        await git(repo, ['cat-file', '-e', `${parent}^{commit}`], {
          okCodes: [0, 1, 128],
        })
      ).code === 0;
    if (!found)
      throw new InputError(
        `commit ${parent}, which the patch was made from, is not in local git repository ${repo.root}`,
      );
    const current = refs.get(draft.branch);
    if (current && !(await madeFrom(repo, current, draft)))
      throw new ConflictError(
        `branch "${draft.branch}" of ${
          repo.root
        } has commits this plugin did not make (its tip is ${current.sha.slice(
          0,
          12,
        )}); it is left as it is`,
      );
    const written = await writeCommit(
      repo,
      parent,
      draft.files,
      draft.commitMessage,
    );
    // Recommitting identical content would only churn the branch.
    const unchanged =
      current?.tree === written.tree && current.parents === parent;
    const head = unchanged ? current.sha : written.sha;
    await moveBranch(repo, draft.branch, written, {
      from: current?.sha,
      move: !unchanged,
      message: 'dataset-migrations: open pull request',
    }).catch(error => {
      throw new Error(
        `branch "${draft.branch}" of ${repo.root} changed while it was being updated, or git refused to move it; try again (${error.message})`,
      );
    });

    const record = await store.upsert(draft, head, parent);
    return toRef(repo, record, record.state === 'closed' ? 'closed' : 'open');
  }

  async getPullRequest(
    repositoryUrl: string,
    branch: string,
  ): Promise<PullRequestRef | undefined> {
    assertBranchName(branch);
    const repo = openRepository(repositoryUrl, this.roots);
    const records = await new PullRecordStore(repo).read();
    const record = records.find(r => r.branch === branch);
    return record && toRef(repo, record, await stateOf(repo, record));
  }

  async closePullRequest(
    ref: PullRequestRef & { repositoryUrl: string },
    comment: string,
  ): Promise<PullRequestRef> {
    assertBranchName(ref.branch);
    const repo = openRepository(ref.repositoryUrl, this.roots);
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
    const repo = openRepository(repositoryUrl, this.roots);
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
    const repo = openRepository(repositoryUrl, this.roots);
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

/**
 * A branch tip this plugin made for the draft: one commit with the draft's message.
 * Anything else (a reviewer's fix committed to the branch) is not overwritten.
 */
async function madeFrom(
  repo: LocalRepository,
  tip: { sha: string; parents: string },
  draft: PullRequestDraft,
): Promise<boolean> {
  if (tip.parents.split(' ').length !== 1) return false;
  const message = (
    await git(repo, ['log', '-1', '--format=%B', tip.sha])
  ).stdout.trim();
  return message === draft.commitMessage.trim();
}
