import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { chmod, mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runSandboxed, type SandboxOptions } from './runSandboxed';

const asRoot = process.getuid?.() === 0;

/**
 * Alive, and not a zombie: orphans are reparented to init, which reaps them when it
 * gets to them, so `process.kill(pid, 0)` alone would still see a dead one.
 */
function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat[stat.lastIndexOf(')') + 2];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

async function eventually(check: () => boolean, ms = 3000): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  return check();
}

describe('runSandboxed', () => {
  let cwd: string;
  const run = (command: string, options: Partial<SandboxOptions> = {}) =>
    runSandboxed({
      command,
      cwd,
      timeoutMs: 20_000,
      memoryMb: 512,
      ...options,
    });

  beforeEach(async () => {
    cwd = await mkdtemp(join(tmpdir(), 'sandbox-test-'));
  });

  afterEach(async () => {
    await rm(cwd, { recursive: true, force: true });
  });

  it('returns the exit code and the combined output of a command that succeeds', async () => {
    const result = await run('echo to stdout; echo to stderr >&2');

    expect(result).toMatchObject({
      command: 'echo to stdout; echo to stderr >&2',
      exitCode: 0,
      timedOut: false,
    });
    expect(result.outputTail).toContain('to stdout\n');
    expect(result.outputTail).toContain('to stderr\n');
    expect(result.signal).toBeUndefined();
    expect(result.memoryExceeded).toBeUndefined();
  });

  it('returns a failing command as evidence, with the end of its output', async () => {
    const result = await run(
      'echo checking models; echo "3 tests failed" >&2; exit 3',
    );

    expect(result.exitCode).toBe(3);
    expect(result.timedOut).toBe(false);
    expect(result.outputTail).toContain('3 tests failed');
  });

  it('runs in the working copy with a private temp dir that is removed afterwards', async () => {
    const result = await run(
      'pwd; echo "$TMPDIR"; touch "$TMPDIR/scratch" && echo written > out.txt',
    );

    expect(result.exitCode).toBe(0);
    const [pwd, tmp] = result.outputTail.trim().split('\n');
    expect(pwd).toBe(cwd);
    expect(tmp).not.toBe('');
    expect(tmp.startsWith(`${cwd}/`)).toBe(false); // not in the working copy's diff
    expect(existsSync(tmp)).toBe(false);
    expect(await readFile(join(cwd, 'out.txt'), 'utf8')).toBe('written\n');
  });

  it('kills the whole process group when the time limit passes', async () => {
    const started = Date.now();
    const result = await run('sleep 30 & echo $! > sleep.pid; sleep 30', {
      timeoutMs: 500,
    });

    expect(result.timedOut).toBe(true);
    expect(result.exitCode).toBeNull();
    expect(result.signal).toBe('SIGTERM');
    expect(Date.now() - started).toBeLessThan(10_000);
    const pid = Number(await readFile(join(cwd, 'sleep.pid'), 'utf8'));
    expect(pid).toBeGreaterThan(0);
    expect(await eventually(() => !isRunning(pid))).toBe(true);
  });

  it('kills a command that ignores SIGTERM after a grace period', async () => {
    const result = await run("trap '' TERM; sleep 30; sleep 30", {
      timeoutMs: 500,
    });

    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGKILL');
    expect(result.memoryExceeded).toBeUndefined();
  });

  it('returns when the command exits, even if a background child keeps the output open', async () => {
    const result = await run(
      'sleep 30 & echo $! > sleep.pid; echo started in the background',
    );

    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBe(0);
    expect(result.outputTail).toContain('started in the background');
    // Nothing it started outlives it.
    const pid = Number(await readFile(join(cwd, 'sleep.pid'), 'utf8'));
    expect(await eventually(() => !isRunning(pid))).toBe(true);
  });

  it('keeps only the tail of a huge output', async () => {
    const result = await run('yes | head -c 5000000; echo THE END');

    expect(result.exitCode).toBe(0);
    expect(Buffer.byteLength(result.outputTail)).toBe(64 * 1024);
    expect(result.outputTail.endsWith('y\nTHE END\n')).toBe(true);

    const small = await run('yes | head -c 5000000; echo THE END', {
      maxOutputBytes: 100,
    });
    expect(Buffer.byteLength(small.outputTail)).toBe(100);
    expect(small.outputTail.endsWith('y\nTHE END\n')).toBe(true);
  });

  it('does not split a multi-byte character where the tail is cut', async () => {
    // 'é' is two bytes; a cut after an odd number of them lands inside one.
    const result = await run(
      "for i in 1 2 3 4 5 6 7 8 9 10; do printf 'é'; done",
      { maxOutputBytes: 7 },
    );

    expect(result.outputTail).toBe('ééé');
  });

  it('passes on none of the backend environment, only a minimal one and the extra variables', async () => {
    process.env.SECRET_FOR_TEST = 'hunter2-do-not-leak';
    try {
      const result = await run('env', { env: { DBT_TARGET: 'ci' } });

      expect(result.outputTail).not.toContain('hunter2-do-not-leak');
      expect(result.outputTail).not.toContain('SECRET_FOR_TEST');
      const given = ['DBT_TARGET', 'HOME', 'LANG', 'PATH', 'TMPDIR'];
      const variables = result.outputTail
        .trim()
        .split('\n')
        .map(line => line.split('=')[0]);
      expect(variables).toEqual(expect.arrayContaining(given));
      // Besides those, only what the shell sets itself.
      const fromShell = ['PWD', 'OLDPWD', 'SHLVL', '_'];
      expect(
        variables.filter(v => ![...given, ...fromShell].includes(v)),
      ).toEqual([]);
      expect(result.outputTail).toContain(`HOME=${cwd}\n`);
      expect(result.outputTail).toContain('LANG=C.UTF-8\n');
      expect(result.outputTail).toContain('DBT_TARGET=ci\n');
    } finally {
      delete process.env.SECRET_FOR_TEST;
    }
  });

  it('fails a command that needs more memory than its limit', async () => {
    const allocate = `node -e "new ArrayBuffer(600 * 1024 * 1024); console.log('allocated')"`;

    // Within a generous limit it works, so the failure below is the limit's doing.
    const roomy = await run(allocate, { memoryMb: 4096 });
    expect(roomy).toMatchObject({ exitCode: 0, outputTail: 'allocated\n' });

    const bounded = await run(allocate, { memoryMb: 200 });
    expect(bounded.exitCode).not.toBe(0);
    expect(bounded.timedOut).toBe(false);
    expect(bounded.outputTail).not.toContain('allocated');
    expect(bounded.memoryExceeded).toBe(true);
  });

  it('throws for a working copy that does not exist', async () => {
    const missing = join(cwd, 'not-there');
    await expect(
      runSandboxed({
        command: 'true',
        cwd: missing,
        timeoutMs: 1000,
        memoryMb: 64,
      }),
    ).rejects.toThrow(missing);
  });

  (asRoot ? describe : describe.skip)('as root', () => {
    let outside: string;

    beforeEach(async () => {
      outside = await mkdtemp(join(tmpdir(), 'sandbox-outside-'));
      await chmod(outside, 0o755);
    });

    afterEach(async () => {
      await rm(outside, { recursive: true, force: true });
    });

    it('runs the command as nobody, in no privileged group', async () => {
      const nobody = execFileSync('id', ['-u', 'nobody'], {
        encoding: 'utf8',
      }).trim();
      const result = await run('id -u; id -G');

      expect(result.exitCode).toBe(0);
      const [uid, groups] = result.outputTail.trim().split('\n');
      expect(uid).toBe(nobody);
      expect(groups.split(' ')).not.toContain('0');
    });

    it('can write in the working copy but not outside it', async () => {
      const result = await run(
        `touch inside && echo wrote inside; touch ${outside}/escaped`,
      );

      expect(result.exitCode).not.toBe(0);
      expect(result.outputTail).toContain('wrote inside');
      expect(result.outputTail).toMatch(/Permission denied/);
      expect(existsSync(join(cwd, 'inside'))).toBe(true);
      expect(existsSync(join(outside, 'escaped'))).toBe(false);
    });
  });
});
