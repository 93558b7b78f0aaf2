import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import {
  eventually,
  runningWith,
  uniqueSleep,
} from '../../__testUtils__/processes';
import { runGit } from './gitSpawner';

/** The parent of the git process a command ran in (git's shell alias tells). */
async function parentOfGit(): Promise<number> {
  const { stdout } = await runGit({
    args: ['-c', 'alias.parent=!ps -o ppid= -p $PPID', 'parent'],
    env: process.env,
  });
  return Number(stdout.toString().trim());
}

/**
 * A git that sleeps until killed, through an alias's shell: `nap` is one of the
 * arguments of the git and of the sleep, so /proc finds both.
 */
function napArgs(nap: string): string[] {
  return ['-c', `alias.nap=!sleep ${nap}`, 'nap', nap];
}

/** Fails unless the git and its sleep are running within a few seconds. */
async function napping(nap: string) {
  expect(await eventually(() => runningWith(nap).length >= 2)).toBe(true);
}

/** Whether nothing with the nap is left running; what is, is killed (no leak). */
async function noneLeft(nap: string): Promise<boolean> {
  const gone = await eventually(() => runningWith(nap).length === 0);
  for (const pid of runningWith(nap)) process.kill(pid, 'SIGKILL');
  return gone;
}

describe('git started from a helper process', () => {
  it('runs git as a child of the helper, not of this process', async () => {
    const parent = await parentOfGit();
    expect(parent).toBeGreaterThan(0);
    expect(parent).not.toBe(process.pid);
    // The same helper serves the next command.
    expect(await parentOfGit()).toBe(parent);
  });

  it('gives back exit code, stdout (bounded, all of it counted), stderr and input', async () => {
    const echoed = await runGit({
      args: ['hash-object', '--stdin'],
      env: process.env,
      input: 'hello\n',
    });
    expect(echoed.code).toBe(0);
    expect(echoed.stdout.toString().trim()).toBe(
      'ce013625030ba8dba906f756967f9e9ca394464a',
    );
    const bounded = await runGit({
      args: ['hash-object', '--stdin'],
      env: process.env,
      input: 'hello\n',
      maxStdoutBytes: 10,
    });
    expect(bounded.stdout.toString()).toBe('ce01362503');
    expect(bounded.totalBytes).toBe(41);
    const failed = await runGit({
      args: ['rev-parse', '--verify', 'no-such-ref'],
      env: process.env,
      cwd: tmpdir(),
    });
    expect(failed.code).not.toBe(0);
    expect(failed.stderr.toString()).toMatch(/fatal/);
  });

  it('rejects with spawn’s error when git cannot start', async () => {
    await expect(
      runGit({ args: ['--version'], env: process.env, cwd: '/no/such/dir' }),
    ).rejects.toMatchObject({ code: 'ENOENT' });
  });

  it('fails what ran in a helper that died, and starts another for the next command', async () => {
    const helper = await parentOfGit();
    const sleeping = runGit({
      args: ['-c', 'alias.nap=!sleep 5', 'nap'],
      env: process.env,
    });
    // Once the nap runs (its git is a child of the helper), the helper is killed.
    await new Promise(r => setTimeout(r, 300));
    process.kill(helper, 'SIGKILL');
    await expect(sleeping).rejects.toThrow(
      /the process that starts git exited \(SIGKILL\)/,
    );
    const next = await parentOfGit();
    expect(next).not.toBe(helper);
    expect(next).not.toBe(process.pid);
  });

  it('leaves no git running when the helper is killed mid-command', async () => {
    const helper = await parentOfGit();
    const nap = uniqueSleep();
    const running = runGit({ args: napArgs(nap), env: process.env });
    running.catch(() => {});
    await napping(nap);

    process.kill(helper, 'SIGKILL');
    await expect(running).rejects.toThrow(/exited \(SIGKILL\)/);
    expect(await noneLeft(nap)).toBe(true);
  });

  it('leaves no git running when the process that asked for it is killed', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'dsm-git-spawner-'));
    const nap = uniqueSleep();
    try {
      const script = join(dir, 'nap.ts');
      writeFileSync(
        script,
        `import { runGit } from ${JSON.stringify(
          join(__dirname, 'gitSpawner'),
        )};
runGit({ args: ${JSON.stringify(napArgs(nap))}, env: process.env });
`,
      );
      const asking = spawn(
        process.execPath,
        [
          '--require',
          require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
          script,
        ],
        { stdio: 'ignore' },
      );
      const exited = new Promise(resolve => asking.on('exit', resolve));
      await napping(nap);

      asking.kill('SIGKILL');
      await exited;
      expect(await noneLeft(nap)).toBe(true);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('does not keep a process alive once its commands are answered', () => {
    const dir = mkdtempSync(join(tmpdir(), 'dsm-git-spawner-'));
    try {
      const script = join(dir, 'run.ts');
      writeFileSync(
        script,
        `import { runGit } from ${JSON.stringify(
          join(__dirname, 'gitSpawner'),
        )};
runGit({ args: ['--version'], env: process.env }).then(r => console.log(r.stdout.toString().trim()));
`,
      );
      const started = Date.now();
      const run = spawnSync(
        process.execPath,
        [
          '--require',
          require.resolve('@backstage/cli-node/config/nodeTransform.cjs'),
          script,
        ],
        { encoding: 'utf8', timeout: 30_000 },
      );
      expect(run.stderr).toBe('');
      expect(run.stdout).toMatch(/^git version/);
      expect(run.status).toBe(0);
      // Not held for the helper's idle time (10 s).
      expect(Date.now() - started).toBeLessThan(9_000);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
