import { spawn } from 'node:child_process';

/** Runs git without a shell; resolves with stdout, rejects with stderr's message. */
export function git(
  args: string[],
  options: {
    cwd?: string;
    input?: string | Buffer;
    env?: NodeJS.ProcessEnv;
  } = {},
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: { ...process.env, GIT_TERMINAL_PROMPT: '0', ...options.env },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', chunk => out.push(chunk));
    child.stderr.on('data', chunk => err.push(chunk));
    child.on('error', reject);
    child.on('close', code => {
      if (code === 0) resolve(Buffer.concat(out));
      else
        reject(
          new Error(
            `git ${args[0]} failed: ${
              Buffer.concat(err).toString().trim() || `exit ${code}`
            }`,
          ),
        );
    });
    child.stdin.end(options.input);
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
