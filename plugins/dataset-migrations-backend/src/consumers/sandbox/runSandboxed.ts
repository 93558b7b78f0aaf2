import { execFile, spawn } from 'node:child_process';
import { mkdtemp, realpath, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { CommandEvidence } from '@dataset-migrations/plugin-dataset-migrations-common';
import { hiddenPaths } from './hiddenPaths';
import {
  DEFAULT_ISOLATION,
  isolatedArgv,
  READY,
  type SandboxIsolation,
} from './namespaces';

export interface SandboxOptions {
  /** A shell command line, as the consumer's owner declared it (run with `/bin/sh -c`). */
  command: string;
  /** The working copy; the only place the command may write, besides its own temp dir. */
  cwd: string;
  timeoutMs: number;
  /** Address-space limit, applied to the command and to each of its children. */
  memoryMb: number;
  /** Extra variables; the backend's own environment is never passed on. */
  env?: Record<string, string>;
  /** Only the end of the combined stdout and stderr is kept. Default 64 KiB. */
  maxOutputBytes?: number;
  /** Default: namespaces, no network, no paths beyond the system's. */
  isolation?: SandboxIsolation;
}

export interface SandboxResult extends CommandEvidence {
  /** The signal that ended the command, when one did. */
  signal?: string;
  /**
   * Set when the failure looks like the memory limit (an out-of-memory message or
   * a SIGKILL we did not send). Best effort: a program may report it otherwise.
   */
  memoryExceeded?: boolean;
}

/** The user commands run as when the backend is root. */
const SANDBOX_USER = 'nobody';
const SANDBOX_GROUP = 'nogroup';
const DEFAULT_MAX_OUTPUT_BYTES = 64 * 1024;
/** Between SIGTERM and SIGKILL on timeout. */
const KILL_GRACE_MS = 2000;
/** How long setting up the namespaces may take before the attempt is given up. */
const SETUP_TIMEOUT_MS = 30_000;
/** How long to wait for the pipes to drain once the command has exited. */
const DRAIN_MS = 1000;

const OUT_OF_MEMORY =
  /out of memory|cannot allocate memory|MemoryError|std::bad_alloc|failed to reserve virtual memory|allocation failed/i;

/**
 * Runs a consumer's command in its working copy, bounded in time and memory, with
 * none of the backend's environment (database passwords, tokens). A failing
 * command is evidence, never an exception.
 *
 * Isolation, and its limits:
 * - With namespaces (the default, see namespaces.ts) the command runs in its own
 *   PID namespace: when it exits or is killed, the kernel kills everything it
 *   started, a `setsid` child included. Its own mount namespace shows only the
 *   system directories, the backend's node, the given read-only paths (all
 *   read-only) and the working copy and a private temp dir: none of the backend's
 *   files. Without `network`, its network namespace has only its own loopback, so
 *   nothing on the host (the backend's port, its database) can be reached. When
 *   the namespaces cannot be made, it throws rather than run the command
 *   unisolated; only `isolation.namespaces: false` runs it without.
 * - As root, the command runs as `nobody` (setpriv, no supplementary groups, no
 *   new privileges through setuid binaries); the working copy and a private temp
 *   dir are chowned to it first. Commands running at once share that one user.
 *   Not as root, it runs as root of a user namespace mapped to the backend's
 *   user, with every capability dropped.
 * - `prlimit --as` bounds the address space of each process, not their sum.
 * - The command gets its own process group, killed as a whole on timeout (SIGTERM,
 *   then SIGKILL); without namespaces a `setsid` child escapes that.
 */
export async function runSandboxed(
  options: SandboxOptions,
): Promise<SandboxResult> {
  const cwd = await workingCopy(options.cwd);
  if (!(options.timeoutMs > 0) || !(options.memoryMb > 0)) {
    throw new Error(
      `runSandboxed needs a positive timeoutMs and memoryMb (got ${options.timeoutMs} and ${options.memoryMb})`,
    );
  }
  const asRoot = process.getuid?.() === 0;
  const privateTmp = await makePrivateTmp(cwd);
  try {
    if (asRoot) {
      await execFileAsync('chown', [
        '-R',
        '-h', // never follow a symlink in the working copy out of it
        `${SANDBOX_USER}:${SANDBOX_GROUP}`,
        cwd,
        privateTmp,
      ]);
    }
    const isolation = options.isolation ?? DEFAULT_ISOLATION;
    const argv = sandboxArgv({
      command: options.command,
      memoryMb: options.memoryMb,
      isolation,
      asRoot,
      paths: {
        cwd,
        tmp: privateTmp,
        // The same node as the backend's, named first in PATH below.
        node: dirname(process.execPath),
        hidden: isolation.namespaces
          ? await hiddenPaths(isolation.hiddenPaths)
          : [],
      },
    });
    const env = {
      // The backend's node first, so `node` is the same one; without namespaces,
      // `nobody` may not reach it, and the shell then falls through to the system's.
      PATH: `${dirname(process.execPath)}:/usr/local/bin:/usr/bin:/bin`,
      HOME: cwd,
      TMPDIR: privateTmp,
      LANG: 'C.UTF-8',
      ...options.env,
    };
    return await run(options, argv, cwd, env, isolation.namespaces);
  } finally {
    await rm(privateTmp, { recursive: true, force: true }).catch(() => {});
  }
}

/**
 * The argv that runs a shell command line as runSandboxed does: under its memory
 * limit, as `nobody` when the backend is root, and inside the namespaces unless
 * they are switched off.
 */
export function sandboxArgv(options: {
  command: string;
  memoryMb: number;
  isolation: SandboxIsolation;
  /** Whether the backend runs as root. */
  asRoot: boolean;
  /** Where the namespaces put things; unused without them. */
  paths: Parameters<typeof isolatedArgv>[1];
}): string[] {
  const { isolation, asRoot } = options;
  const command = [
    'prlimit',
    `--as=${Math.floor(options.memoryMb * 1024 * 1024)}`,
    '--',
    ...(asRoot
      ? [
          'setpriv',
          `--reuid=${SANDBOX_USER}`,
          `--regid=${SANDBOX_GROUP}`,
          '--clear-groups',
          '--no-new-privs',
          '--',
        ]
      : []),
    '/bin/sh',
    '-c',
    options.command,
  ];
  return isolation.namespaces
    ? isolatedArgv(isolation, options.paths, command, asRoot)
    : command;
}

/** The last `max` bytes of a stream of chunks, never more in memory than that plus a chunk. */
class OutputTail {
  private chunks: Buffer[] = [];
  private size = 0;

  constructor(private readonly max: number) {}

  push(chunk: Buffer) {
    if (this.max <= 0) return;
    this.chunks.push(chunk);
    this.size += chunk.length;
    while (this.size - this.chunks[0].length >= this.max) {
      this.size -= this.chunks.shift()!.length;
    }
    if (this.size > this.max) {
      this.chunks[0] = this.chunks[0].subarray(this.size - this.max);
      this.size = this.max;
    }
  }

  toString(): string {
    const bytes = Buffer.concat(this.chunks, this.size);
    // The cut may fall inside a UTF-8 character; drop its continuation bytes.
    let start = 0;
    while (start < bytes.length && start < 3 && (bytes[start] & 0xc0) === 0x80)
      start++;
    return bytes.subarray(start).toString('utf8');
  }
}

async function run(
  options: SandboxOptions,
  argv: string[],
  cwd: string,
  env: Record<string, string>,
  isolated: boolean,
): Promise<SandboxResult> {
  const output = new OutputTail(
    options.maxOutputBytes ?? DEFAULT_MAX_OUTPUT_BYTES,
  );
  const started = Date.now();
  const child = spawn(argv[0], argv.slice(1), {
    cwd,
    env,
    detached: true, // a new session, so a process group to kill as a whole
    // fd 3: the namespace setup says it is done, just before the command starts.
    stdio: ['ignore', 'pipe', 'pipe', ...(isolated ? ['pipe' as const] : [])],
  });
  child.stdout!.on('data', (chunk: Buffer) => output.push(chunk));
  child.stderr!.on('data', (chunk: Buffer) => output.push(chunk));
  const setup = child.stdio[3] as NodeJS.ReadableStream | undefined;
  let setupSaid = '';

  const killGroup = (signal: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, signal);
    } catch {
      // the group is gone already
    }
  };
  let timedOut = false;
  let sent: NodeJS.Signals | undefined;
  let graceTimer: NodeJS.Timeout | undefined;
  let timer: NodeJS.Timeout | undefined;
  const startClock = () => {
    timer = setTimeout(() => {
      timedOut = true;
      sent = 'SIGTERM';
      killGroup('SIGTERM');
      graceTimer = setTimeout(() => {
        sent = 'SIGKILL';
        killGroup('SIGKILL');
      }, KILL_GRACE_MS);
    }, options.timeoutMs);
  };
  // The time limit is the command's: it starts once the sandbox is set up, which
  // has a bound of its own (a busy machine may take a while to make namespaces).
  const setupTimer = setup
    ? setTimeout(() => killGroup('SIGKILL'), SETUP_TIMEOUT_MS)
    : undefined;
  if (setup) {
    setup.on('data', (chunk: Buffer) => {
      setupSaid += chunk.toString('utf8');
      if (!timer && setupSaid.includes(READY)) {
        clearTimeout(setupTimer);
        startClock();
      }
    });
  } else {
    startClock();
  }

  try {
    const { code, signal } = await new Promise<{
      code: number | null;
      signal: NodeJS.Signals | null;
    }>((resolve, reject) => {
      child.once('error', error =>
        reject(
          new Error(
            `runSandboxed could not start ${argv[0]}: ${error.message}`,
          ),
        ),
      );
      // 'exit', not 'close': a background child holding the pipes must not hang us.
      child.once('exit', (exitCode, exitSignal) =>
        resolve({ code: exitCode, signal: exitSignal }),
      );
    });
    const durationMs = Date.now() - started;
    killGroup('SIGKILL'); // whatever it left running
    await drained([child.stdout, child.stderr, setup], DRAIN_MS);

    if (isolated && !setupSaid.includes(READY) && !timedOut) {
      // Fail closed: the command never ran, and must not run unisolated.
      throw new Error(
        `runSandboxed could not isolate the command in its own namespaces (${
          signal ?? `exit ${code}`
        }): ${
          output.toString().trim().slice(-1000) || 'no output'
        }. unshare needs root or unprivileged user namespaces; to run commands without this isolation, set datasetMigrations.consumers.sandbox.namespaces: false`,
      );
    }
    const result: SandboxResult = {
      command: options.command,
      exitCode: code,
      timedOut,
      durationMs,
      outputTail: output.toString(),
    };
    // In a PID namespace the command's shell is its init, which does not die of
    // a SIGTERM: what ended a timed-out command is what we sent last.
    const endedBy = timedOut && isolated ? sent : signal;
    if (endedBy) result.signal = endedBy;
    if (!timedOut && code !== 0 && looksLikeMemoryLimit(signal, result)) {
      result.memoryExceeded = true;
    }
    return result;
  } finally {
    clearTimeout(timer);
    clearTimeout(graceTimer);
    clearTimeout(setupTimer);
    child.stdout!.destroy();
    child.stderr!.destroy();
    (setup as { destroy?: () => void } | undefined)?.destroy?.();
  }
}

function looksLikeMemoryLimit(
  signal: NodeJS.Signals | null,
  result: SandboxResult,
): boolean {
  // We send SIGKILL only on timeout; otherwise it is most likely the OOM killer.
  return signal === 'SIGKILL' || OUT_OF_MEMORY.test(result.outputTail);
}

/** Waits for the pipes to close, or `ms` at most (a process may have escaped the group). */
async function drained(
  streams: Array<NodeJS.ReadableStream | null | undefined>,
  ms: number,
): Promise<void> {
  const closed = (stream: NodeJS.ReadableStream | null | undefined) =>
    new Promise<void>(resolve => {
      if (!stream || (stream as { closed?: boolean }).closed) resolve();
      else stream.once('close', () => resolve());
    });
  let timer: NodeJS.Timeout | undefined;
  await Promise.race([
    Promise.all(streams.map(closed)),
    new Promise<void>(resolve => {
      timer = setTimeout(resolve, ms);
    }),
  ]);
  clearTimeout(timer);
}

async function workingCopy(cwd: string): Promise<string> {
  try {
    const real = await realpath(cwd);
    if ((await stat(real)).isDirectory()) return real;
  } catch {
    // reported below
  }
  throw new Error(
    `runSandboxed: working directory ${cwd} does not exist or is not a directory`,
  );
}

/**
 * A temp dir next to the working copy (same disk, outside what the command's
 * diff would show), or in the system temp dir when its parent is not writable.
 */
async function makePrivateTmp(cwd: string): Promise<string> {
  try {
    return await mkdtemp(join(dirname(cwd), `.${basename(cwd)}-tmp-`));
  } catch {
    return await mkdtemp(join(tmpdir(), 'dataset-migrations-sandbox-tmp-'));
  }
}

function execFileAsync(file: string, args: string[]): Promise<unknown> {
  return promisify(execFile)(file, args).catch(error => {
    throw new Error(
      `runSandboxed: ${file} ${args.join(' ')} failed: ${
        (error as { stderr?: string }).stderr || (error as Error).message
      }`,
    );
  });
}
