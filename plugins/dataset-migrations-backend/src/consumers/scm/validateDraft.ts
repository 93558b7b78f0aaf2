import { InputError } from '@backstage/errors';
import type { PullRequestDraft } from '@dataset-migrations/plugin-dataset-migrations-node';

/**
 * A strict subset of what `git check-ref-format --branch` accepts, checked without
 * spawning git: branch names end up in URL paths, ref names and file names.
 */
export function assertBranchName(name: string, what = 'branch'): void {
  const valid =
    typeof name === 'string' &&
    name.length <= 200 &&
    /^[A-Za-z0-9][A-Za-z0-9._/-]*$/.test(name) &&
    !name.endsWith('/') &&
    name.split('/').every(s => s && !s.startsWith('.') && !s.endsWith('.')) &&
    !name.split('/').some(s => s.endsWith('.lock')) &&
    name !== 'HEAD';
  if (!valid) {
    throw new InputError(
      `${what} "${name}" is not an acceptable branch name (letters, digits, ".", "_", "-" and "/"-separated segments)`,
    );
  }
}

/** A path relative to the repository root that cannot escape it or reach `.git`. */
function assertFilePath(path: string): void {
  const segments = typeof path === 'string' ? path.split('/') : [];
  const valid =
    segments.length > 0 &&
    // Control characters are exactly what this refuses.
    // eslint-disable-next-line no-control-regex
    !/[\x00-\x1f\x7f\\]/.test(path) &&
    segments.every(
      s => s !== '' && s !== '.' && s !== '..' && s.toLowerCase() !== '.git',
    );
  if (!valid) {
    throw new InputError(
      `file path "${path}" must be relative to the repository root, without "..", ".git" or empty segments`,
    );
  }
}

/** Rejects drafts no provider could turn into a sensible pull request. */
export function assertValidDraft(draft: PullRequestDraft): void {
  assertBranchName(draft.baseBranch, 'base branch');
  assertBranchName(draft.branch);
  if (draft.branch === draft.baseBranch) {
    throw new InputError(
      `the pull request branch must differ from its base branch "${draft.baseBranch}"`,
    );
  }
  if (!draft.files.length) {
    throw new InputError(
      `the pull request for branch "${draft.branch}" changes no files`,
    );
  }
  const seen = new Set<string>();
  for (const file of draft.files) {
    assertFilePath(file.path);
    if (seen.has(file.path)) {
      throw new InputError(
        `file path "${file.path}" appears twice in the draft`,
      );
    }
    seen.add(file.path);
  }
}
