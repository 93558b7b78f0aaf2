/**
 * Starts the consumer agent's `git` processes from a small helper process instead
 * of this one. Node forks before it execs, synchronously, on the thread that asks:
 * from a backend with hundreds of MB resident, each fork copied page tables and
 * waited for the child to exec, on the main thread that also drives migrations and
 * the queue (62 % of its samples in a campaign's profile). The helper is a bare
 * Node process (tens of MB) that forks cheaply; this process only exchanges a
 * message per command with it.
 *
 * The helper leads its own process group, which its gits and what they start
 * (remote helpers, an alias's shell) join: when the helper is killed, this process
 * kills the group, and when this process goes, the helper kills it; no git
 * outlives the helper either way. Only when both die at once are the gits left
 * to finish on their own. SIGTERM, not SIGKILL: git removes its lock files
 * (`index.lock`, a ref's `.lock`) on SIGTERM, and a local repository's work tree
 * and refs are updated in place.
 */
import { spawn, type ChildProcess } from 'node:child_process';

export interface GitCommand {
  args: string[];
  cwd?: string;
  /** The whole environment of the command (nothing is added to it). */
  env: NodeJS.ProcessEnv;
  input?: string | Buffer;
  /** Keep at most this much of stdout (the rest is read and counted, not kept). */
  maxStdoutBytes?: number;
}

export interface GitExit {
  /** The exit code; null when a signal ended it. */
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: Buffer;
  stderr: Buffer;
  /** All of stdout's bytes, kept or not. */
  totalBytes: number;
}

/**
 * The helper: runs each command it is sent with `spawn` (no shell) and sends back
 * its exit and output. When this process goes (its channel closes), it ends
 * with its whole process group: the gits still running go with it. Plain
 * JavaScript, run with `node -e`, so it needs no file of its own in the package
 * and no transpiler.
 */
const HELPER = `
const { spawn } = require('node:child_process');
process.on('disconnect', () => {
  try {
    process.kill(-process.pid, 'SIGTERM');
  } finally {
    process.exit(0);
  }
});
process.on('message', ({ id, args, cwd, env, input, maxStdoutBytes }) => {
  let done = false;
  const reply = message => {
    if (done) return;
    done = true;
    if (process.connected) process.send({ id, ...message });
  };
  let child;
  try {
    child = spawn('git', args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'] });
  } catch (error) {
    reply({ error: { message: error.message, code: error.code } });
    return;
  }
  const stdout = [];
  const stderr = [];
  const limit = maxStdoutBytes ?? Infinity;
  let kept = 0;
  let totalBytes = 0;
  child.stdout.on('data', chunk => {
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
    reply({ error: { message: error.message, code: error.code } }),
  );
  child.on('close', (code, signal) =>
    reply({
      code,
      signal,
      stdout: Buffer.concat(stdout),
      stderr: Buffer.concat(stderr),
      totalBytes,
    }),
  );
  child.stdin.end(input ?? '');
});
`;

/** How long the helper is kept with nothing to do (it starts again when asked). */
const IDLE_MS = 10_000;

interface Pending {
  resolve(exit: GitExit): void;
  reject(error: Error): void;
}

/** The helper that commands are sent to; another is started once it has ended. */
let current: GitSpawner | undefined;

/** One helper process and the commands it has been sent and not answered. */
class GitSpawner {
  private readonly child: ChildProcess;
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private idle: NodeJS.Timeout | undefined;
  ended = false;

  constructor() {
    const { NODE_OPTIONS: _ignored, ...env } = process.env;
    this.child = spawn(process.execPath, ['-e', HELPER], {
      // No pipe of ours held open by it: how it ended is told by its exit.
      stdio: ['ignore', 'ignore', 'ignore', 'ipc'],
      serialization: 'advanced', // Buffers both ways, as they are
      env,
      // Its own process group (and session), which its gits join.
      detached: true,
    });
    this.child.unref();
    this.child.on('error', error => this.end(error.message));
    this.child.on('exit', (code, signal) => {
      // Killed (or crashed) with gits under way: they go too.
      killGroup(this.child.pid);
      this.end(`exited (${signal ?? `code ${code}`})`);
    });
    this.child.on('message', (message: Reply) => this.settle(message));
    this.idleSoon();
  }

  run(command: GitCommand): Promise<GitExit> {
    const id = this.nextId++;
    return new Promise<GitExit>((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      clearTimeout(this.idle);
      // A command under way keeps this process alive, as its child would.
      this.child.channel?.ref();
      const send = (error: Error | null) => error && this.fail(id, error);
      try {
        // A plain copy: process.env itself is not always one that clones.
        this.child.send({ id, ...command, env: { ...command.env } }, send);
      } catch (error) {
        send(error as Error);
      }
    });
  }

  private settle(message: Reply) {
    const waiting = this.pending.get(message.id);
    if (!waiting) return;
    this.pending.delete(message.id);
    if ('error' in message) {
      waiting.reject(
        Object.assign(new Error(message.error.message), {
          code: message.error.code,
        }),
      );
    } else {
      waiting.resolve({
        ...message,
        stdout: asBuffer(message.stdout),
        stderr: asBuffer(message.stderr),
      });
    }
    this.idleSoon();
  }

  private fail(id: number, error: Error) {
    const waiting = this.pending.get(id);
    this.pending.delete(id);
    waiting?.reject(error);
    this.idleSoon();
  }

  private idleSoon() {
    if (this.pending.size > 0 || this.ended) return;
    this.child.channel?.unref();
    clearTimeout(this.idle);
    this.idle = setTimeout(() => this.end('was idle'), IDLE_MS);
    this.idle.unref();
  }

  /** Gone or let go: what it was running is failed, and the next command starts another. */
  private end(why: string) {
    if (this.ended) return;
    this.ended = true;
    clearTimeout(this.idle);
    if (current === this) current = undefined;
    for (const waiting of this.pending.values())
      waiting.reject(new Error(`the process that starts git ${why}`));
    this.pending.clear();
    if (this.child.connected) this.child.disconnect();
  }
}

type Reply = { id: number } & (
  | { error: { message: string; code?: string } }
  | (Omit<GitExit, 'stdout' | 'stderr'> & {
      stdout: Uint8Array;
      stderr: Uint8Array;
    })
);

/**
 * Kills what is left of the helper's process group, at once on its exit: while
 * any process is in the group its id cannot be given to another.
 */
function killGroup(leader: number | undefined) {
  if (leader === undefined) return;
  try {
    process.kill(-leader, 'SIGTERM');
  } catch {
    // ESRCH: nothing is left of it.
  }
}

/** The bytes as a Buffer, not copied. */
function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/**
 * Runs one `git` command through the helper, starting it if there is none. Rejects
 * when git cannot be started (the error's `code` as spawn gives it) or the helper
 * went away while it ran.
 */
export function runGit(command: GitCommand): Promise<GitExit> {
  if (!current || current.ended) current = new GitSpawner();
  return current.run(command);
}
