import { execFileSync, spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import {
  chmod,
  mkdir,
  mkdtemp,
  readFile,
  rm,
  symlink,
  writeFile,
} from 'node:fs/promises';
import { createServer, type AddressInfo, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  eventually,
  runningWith,
  uniqueSleep,
} from '../../__testUtils__/processes';
import { DEFAULT_ISOLATION, READY } from './namespaces';
import { runSandboxed, sandboxArgv, type SandboxOptions } from './runSandboxed';

const asRoot = process.getuid?.() === 0;

/** Runs what follows as nobody, as a backend that is not root would run it. */
const AS_NOBODY = [
  'setpriv',
  '--reuid=nobody',
  '--regid=nogroup',
  '--clear-groups',
  '--',
];

/**
 * Why this kernel refuses a user that is not root a user namespace (disabled,
 * `max_user_namespaces` 0, an AppArmor or seccomp policy), as `unshare` says it;
 * undefined when it grants one, or when the probe fails for any other reason
 * (the tests that need it then fail and say why).
 */
function userNamespacesRefused(): string | undefined {
  const [command, ...args] = [...AS_NOBODY, 'unshare', '--user', '--', 'true'];
  const probe = spawnSync(command, args, {
    encoding: 'utf8',
    env: { PATH: '/usr/bin:/bin', LC_ALL: 'C' },
  });
  return probe.status !== 0 && /^unshare: unshare failed/m.test(probe.stderr)
    ? probe.stderr.trim()
    : undefined;
}

/**
 * A port on 127.0.0.1 that answers as the backend would, open for the describe
 * block that calls this; the getter gives its number once the block runs.
 */
function listeningBackend(): () => number {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    server = createServer(socket => socket.end('backend\n'));
    await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as AddressInfo).port;
  });
  afterAll(async () => {
    await new Promise(resolve => server.close(resolve));
  });
  return () => port;
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

  it('kills everything the command started when the time limit passes, a setsid child included', async () => {
    const marker = uniqueSleep();
    const started = Date.now();
    const result = await run(
      `sleep ${marker} & setsid sh -c 'while :; do date +%s%N >> late.txt; sleep 0.1; done' & sleep 30`,
      { timeoutMs: 1000 },
    );

    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGTERM');
    expect(Date.now() - started).toBeLessThan(10_000);
    expect(await eventually(() => runningWith(marker).length === 0)).toBe(true);
    // The setsid child was writing while the command ran, and writes nothing after.
    const written = await readFile(join(cwd, 'late.txt'), 'utf8');
    expect(written.split('\n').length).toBeGreaterThan(2);
    await new Promise(resolve => setTimeout(resolve, 1000));
    expect(await readFile(join(cwd, 'late.txt'), 'utf8')).toBe(written);
  });

  it('kills a command that ignores SIGTERM after a grace period', async () => {
    const result = await run("trap '' TERM; sleep 30; sleep 30", {
      timeoutMs: 500,
    });

    expect(result.timedOut).toBe(true);
    expect(result.signal).toBe('SIGKILL');
    expect(result.memoryExceeded).toBeUndefined();
  });

  it('returns when the command exits, and nothing it started in the background outlives it', async () => {
    const marker = uniqueSleep();
    const result = await run(
      `sleep ${marker} & setsid sleep ${marker} & sleep 0.5; echo started in the background`,
    );

    expect(result.timedOut).toBe(false);
    expect(result.exitCode).toBe(0);
    expect(result.outputTail).toContain('started in the background');
    expect(await eventually(() => runningWith(marker).length === 0)).toBe(true);

    // Without namespaces, the setsid one escapes: the check above can fail.
    const escaped = await run(`setsid sleep ${marker} & sleep 0.5`, {
      isolation: { ...DEFAULT_ISOLATION, namespaces: false },
    });
    expect(escaped.exitCode).toBe(0);
    const left = runningWith(marker);
    expect(left.length).toBe(1);
    for (const pid of left) process.kill(pid, 'SIGKILL');
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
    // Time limits far above the second either takes alone: a CI machine busy
    // with other suites once took over 20 s to end the bounded one.
    const roomy = await run(allocate, { memoryMb: 4096, timeoutMs: 60_000 });
    expect(roomy).toMatchObject({ exitCode: 0, outputTail: 'allocated\n' });

    // V8 reports the limit at once and traps (about a second here, also under
    // load). Twice on a loaded machine (once in CI, once beside two busy loops
    // and a memory churner) the run lasted until its time limit instead, what it
    // printed not captured; it is then ended as any command is. Either way it
    // never allocated, and its failure is the limit's or the time limit's.
    const bounded = await run(allocate, { memoryMb: 200, timeoutMs: 30_000 });
    expect(bounded.exitCode).not.toBe(0);
    expect(bounded.outputTail).not.toContain('allocated');
    expect(bounded.timedOut || bounded.memoryExceeded).toBe(true);
  }, 150_000);

  describe('what the command can reach', () => {
    const backendPort = listeningBackend();
    let secret: string;

    beforeEach(async () => {
      // A file the backend reads, and one anybody on the machine could read.
      const dir = await mkdtemp(join(tmpdir(), 'sandbox-backend-'));
      await chmod(dir, 0o755);
      secret = join(dir, 'app-config.yaml');
      await writeFile(secret, 'password: hunter2\n', { mode: 0o644 });
    });

    afterEach(async () => {
      await rm(dirname(secret), { recursive: true, force: true });
    });

    const connect = () =>
      `node -e "require('net').connect(${backendPort()}, '127.0.0.1').on('data', d => { process.stdout.write('read ' + d); process.exit(0) }).on('error', e => { console.log('failed', e.code); process.exit(7) })"`;

    it('cannot connect to a port the backend listens on at 127.0.0.1', async () => {
      const result = await run(connect(), { memoryMb: 4096 });

      expect(result.outputTail).toMatch(/failed E(NETUNREACH|CONNREFUSED)/);
      expect(result.exitCode).toBe(7);
    });

    it('reaches it when config allows the network', async () => {
      const result = await run(connect(), {
        memoryMb: 4096,
        isolation: { ...DEFAULT_ISOLATION, network: true },
      });

      expect(result.outputTail).toBe('read backend\n');
      expect(result.exitCode).toBe(0);
    });

    it("cannot read the backend's files, even world-readable ones", async () => {
      const result = await run(
        `cat ${secret}; cat ${join(__dirname, 'runSandboxed.ts')} | head -1`,
      );

      expect(result.outputTail).not.toContain('hunter2');
      expect(result.outputTail).not.toContain('import');
      expect(result.outputTail).toMatch(/No such file or directory/);
    });

    it('sees of /etc only what tools need to run, and nothing of /opt', async () => {
      // Readable by anyone on the host, and needed by no tool.
      const unneeded = [
        '/etc/debian_version',
        '/etc/machine-id',
        '/etc/login.defs',
        '/etc/default',
        '/etc/environment',
        '/opt',
      ].filter(p => existsSync(p));
      expect(unneeded.length).toBeGreaterThan(0);
      const result = await run(
        unneeded
          .map(p => `ls -A ${p} > /dev/null 2>&1 && echo "shown ${p}"`)
          .concat(['true'])
          .join('; '),
      );

      expect(result.outputTail).not.toMatch(/shown/);
    });

    it('runs node, python3, git and sh with the part of /etc it is shown', async () => {
      const result = await run(
        [
          `node -e "require('node:https'); console.log('node runs')"`,
          `if command -v python3 > /dev/null; then python3 -c "import ssl, json, locale; ssl.create_default_context(); print('python runs')"; else echo python runs; fi`,
          `git init -q repo && git -C repo status --short && echo git runs`,
          `sh -c 'echo sh runs as $(id -un)'`,
          `test -r /etc/ssl/certs/ca-certificates.crt || test ! -e /etc/ssl/certs/ca-certificates.crt && echo certificates`,
        ].join(' && '),
        { memoryMb: 4096 },
      );

      expect(result.exitCode).toBe(0);
      for (const line of [
        'node runs',
        'python runs',
        'git runs',
        'sh runs as ',
        'certificates',
      ])
        expect(result.outputTail).toContain(line);
    });

    it('reads a path it is given, read-only', async () => {
      const result = await run(`cat ${secret}; echo changed > ${secret}`, {
        isolation: { ...DEFAULT_ISOLATION, readOnlyPaths: [dirname(secret)] },
      });

      expect(result.outputTail).toContain('password: hunter2');
      expect(result.outputTail).toMatch(/Read-only file system/);
      expect(await readFile(secret, 'utf8')).toBe('password: hunter2\n');
    });

    it('cannot read what config hides, though it lies under a path it is given', async () => {
      const dir = dirname(secret);
      await mkdir(join(dir, 'secrets'));
      await writeFile(join(dir, 'secrets', 'token'), 'tok-123\n', {
        mode: 0o644,
      });
      await writeFile(join(dir, 'public.txt'), 'shared\n', { mode: 0o644 });
      const result = await run(
        // One stream, so `end` comes last: cat's errors on another pipe may land after it.
        `exec 2>&1; cat ${dir}/public.txt; cat ${dir}/secrets/token; cat ${secret}; echo end`,
        {
          isolation: {
            ...DEFAULT_ISOLATION,
            readOnlyPaths: [dir],
            hiddenPaths: [join(dir, 'secrets'), secret],
          },
        },
      );

      expect(result.outputTail).toContain('shared');
      expect(result.outputTail).toMatch(/secrets\/token: No such file/);
      expect(result.outputTail).not.toContain('tok-123');
      expect(result.outputTail).not.toContain('hunter2');
      expect(result.outputTail).toMatch(/end\n$/);
    });

    it("cannot read the backend's install and app-config even where they are shown", async () => {
      // As if the backend were installed under /opt: its whole repository is shown.
      const repository = join(__dirname, '../../../../..');
      const config = join(repository, 'app-config.yaml');
      expect(readFileSync(config, 'utf8')).toContain('datasetMigrations');
      const result = await run(
        `cat ${config}; head -1 ${join(
          __dirname,
          'runSandboxed.ts',
        )}; ls -A ${repository} | wc -l; ls -A /etc/ssl/private; node -e "console.log('node runs')"`,
        {
          memoryMb: 4096,
          isolation: { ...DEFAULT_ISOLATION, readOnlyPaths: [repository] },
        },
      );

      expect(result.outputTail).not.toContain('datasetMigrations');
      expect(result.outputTail).not.toContain('import');
      expect(result.outputTail).toMatch(/app-config\.yaml: No such file/);
      // Secret stores under /etc are empty, not merely unreadable.
      expect(result.outputTail).not.toMatch(/Permission denied/);
      expect(result.outputTail).toContain('node runs');
    });

    it('sees only its own processes', async () => {
      const result = await run('ps -e -o pid= | wc -l; echo $$');

      const [count, pid] = result.outputTail.trim().split('\n');
      expect(Number(pid)).toBe(1);
      expect(Number(count)).toBeLessThan(5);
    });

    it('refuses to run the command when its sandbox cannot be set up', async () => {
      // A path to show that cannot be mounted: a symlink to nothing.
      const dangling = join(dirname(secret), 'dangling');
      await symlink(join(dirname(secret), 'nothing'), dangling);
      const result = run(`touch ran`, {
        isolation: { ...DEFAULT_ISOLATION, readOnlyPaths: [dangling] },
      });

      await expect(result).rejects.toThrow(/could not isolate the command/);
      expect(existsSync(join(cwd, 'ran'))).toBe(false);
    });
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

  /**
   * A backend that is not root makes the namespaces inside a user namespace. Root
   * is needed here only to become such a user (nobody): the argv is the one
   * runSandboxed builds for a backend that is not root, run by that user. Its own
   * node lies under root's home, out of nobody's reach, so the system's is shown.
   */
  const noUserNamespaces = asRoot ? userNamespacesRefused() : undefined;
  const asUser = noUserNamespaces
    ? `as a backend that is not root (skipped: unprivileged user namespaces are unavailable here: ${noUserNamespaces})`
    : 'as a backend that is not root';
  (asRoot && !noUserNamespaces ? describe : describe.skip)(asUser, () => {
    let home: string;
    const backendPort = listeningBackend();

    beforeEach(async () => {
      home = await mkdtemp(join(tmpdir(), 'sandbox-user-'));
      await mkdir(join(home, 'work'));
      await mkdir(join(home, 'tmp'));
      execFileSync('chown', ['-R', 'nobody:nogroup', home]);
    });

    afterEach(async () => {
      await rm(home, { recursive: true, force: true });
    });

    /** Runs `script` as nobody in the sandbox; resolves with its output and what the setup said. */
    const runAsUser = (script: string) =>
      new Promise<{ code: number | null; output: string; setup: string }>(
        (resolve, reject) => {
          const workDir = join(home, 'work');
          const [command, ...args] = [
            ...AS_NOBODY,
            ...sandboxArgv({
              command: script,
              memoryMb: 4096, // node reserves gigabytes of address space to start
              isolation: DEFAULT_ISOLATION,
              asRoot: false,
              paths: {
                cwd: workDir,
                tmp: join(home, 'tmp'),
                node: '/usr/bin',
                hidden: [],
              },
            }),
          ];
          const child = spawn(command, args, {
            cwd: workDir,
            env: { PATH: '/usr/bin:/bin', HOME: workDir, LANG: 'C.UTF-8' },
            stdio: ['ignore', 'pipe', 'pipe', 'pipe'],
            timeout: 30_000,
          });
          let output = '';
          let setup = '';
          child.stdout!.on('data', d => (output += d));
          child.stderr!.on('data', d => (output += d));
          (child.stdio[3] as NodeJS.ReadableStream).on(
            'data',
            d => (setup += d),
          );
          child.on('error', reject);
          child.on('close', code => resolve({ code, output, setup }));
        },
      );

    it('sets its namespaces up in a user namespace: the allowlisted /etc, none of the host, no capability, no network', async () => {
      const canNest = await runAsUser('true');
      expect(canNest.output).toBe('');
      expect(canNest.setup.trim()).toBe(READY);

      const result = await runAsUser(
        [
          'echo uid=$(id -u)',
          'grep CapEff /proc/self/status',
          'head -c 5 /etc/passwd; echo',
          'for f in /etc/debian_version /etc/shadow /etc/default /opt /work /root; do test -e $f && echo "seen $f"; done',
          'git --version > /dev/null && echo git runs',
          'touch here && echo wrote here',
          'touch /usr/escaped 2>/dev/null || echo usr read-only',
          'echo processes=$(ls /proc | grep -c "^[0-9]")',
          `node -e "require('net').connect(${backendPort()}, '127.0.0.1').on('data', () => console.log('reached')).on('error', e => console.log('unreachable', e.code))"`,
        ].join('; '),
      );

      expect(result.code).toBe(0);
      const lines = result.output.trim().split('\n');
      expect(lines).toEqual([
        // Root of the user namespace, mapped to nobody outside, with no capability.
        'uid=0',
        expect.stringMatching(/^CapEff:\s+0+$/),
        'root:',
        'git runs',
        'wrote here',
        'usr read-only',
        expect.stringMatching(/^processes=[1-5]$/),
        expect.stringMatching(/^unreachable E(NETUNREACH|CONNREFUSED)$/),
      ]);
      expect(existsSync(join(home, 'work', 'here'))).toBe(true);
      expect(existsSync('/usr/escaped')).toBe(false);
    });
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
      // Not there at all, with namespaces; not writable for nobody, without.
      expect(result.outputTail).toMatch(/No such file|Permission denied/);
      expect(existsSync(join(cwd, 'inside'))).toBe(true);
      expect(existsSync(join(outside, 'escaped'))).toBe(false);
    });
  });
});
