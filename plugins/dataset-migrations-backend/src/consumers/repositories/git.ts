import { runGit } from './gitSpawner';

/** Runs git without a shell; resolves with stdout, rejects with stderr's message. */
export function git(
  args: string[],
  options: {
    cwd?: string;
    input?: string | Buffer;
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<Buffer> {
  return runGit({
    args,
    cwd: options.cwd,
    env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...options.env },
    input: options.input,
  }).then(({ code, signal, stdout, stderr }) => {
    if (code === 0) return stdout;
    throw new Error(
      `git ${args[0]} failed: ${
        stderr.toString().trim() || `exit ${code ?? signal}`
      }`,
    );
  });
}

/**
 * Makes `dir` a working copy of exactly `commit` of the repository at `url`, one
 * commit deep: a fetch by object id, which protocol v2 serves for any commit
 * reachable from a branch (GitHub's included).
 */
export async function checkoutCommit(
  url: string,
  dir: string,
  commit: string,
  options: { env?: NodeJS.ProcessEnv; git?: typeof git } = {},
): Promise<void> {
  const run = options.git ?? git;
  if (!/^[0-9a-f]{40}([0-9a-f]{24})?$/.test(commit))
    throw new Error(`${JSON.stringify(commit)} is not a commit id`);
  await run(['init', '--quiet', dir]);
  await run(
    ['fetch', '--quiet', '--depth', '1', '--no-tags', '--', url, commit],
    {
      cwd: dir,
      env: options.env,
    },
  );
  await run(['checkout', '--quiet', '--detach', 'FETCH_HEAD'], { cwd: dir });
}
