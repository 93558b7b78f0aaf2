/**
 * A lock file shared by processes and replicas that write the same file (the
 * local-git provider's pull-request records). It is created with `wx`, so only one
 * holder wins, and names its holder so a lock left by a killed process is broken
 * at once on the host that ran it, and after `staleMs` anywhere else.
 */
import { randomUUID } from 'node:crypto';
import { link, open, readFile, rename, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';

export interface FileLockTimes {
  /** A lock older than this outlived its holder (critical sections take ms). */
  staleMs: number;
  /** Waiting longer than this fails; longer than `staleMs`, so a stale lock is broken first. */
  timeoutMs: number;
}

const DEFAULT_TIMES: FileLockTimes = { staleMs: 30_000, timeoutMs: 45_000 };

interface Holder {
  host: string;
  pid: number;
  token: string;
}

/** Runs `fn` holding the lock file `lock`, created next to what it guards. */
export async function withFileLock<T>(
  lock: string,
  fn: () => Promise<T>,
  times: FileLockTimes = DEFAULT_TIMES,
): Promise<T> {
  const mine: Holder = {
    host: hostname(),
    pid: process.pid,
    token: randomUUID(),
  };
  const deadline = Date.now() + times.timeoutMs;
  for (;;) {
    if (await tryCreate(lock, mine)) break;
    if (await breakIfStale(lock, times.staleMs)) continue;
    if (Date.now() > deadline) {
      const holder = await readHolder(lock);
      throw new Error(
        `timed out after ${times.timeoutMs} ms waiting for ${lock}${
          holder ? `, held by process ${holder.pid} on ${holder.host}` : ''
        }; remove it if no dataset-migrations process is running`,
      );
    }
    await new Promise(r => setTimeout(r, 5 + Math.random() * 20));
  }
  try {
    return await fn();
  } finally {
    // Only our own lock: one broken as stale may be another holder's by now.
    if ((await readHolder(lock))?.token === mine.token)
      await unlink(lock).catch(() => {});
  }
}

async function tryCreate(lock: string, holder: Holder): Promise<boolean> {
  let handle;
  try {
    handle = await open(lock, 'wx');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    await handle.writeFile(JSON.stringify(holder));
  } finally {
    await handle.close();
  }
  return true;
}

/** The lock's holder; undefined when there is no lock or it is still being written. */
async function readHolder(lock: string): Promise<Holder | undefined> {
  try {
    const holder = JSON.parse(await readFile(lock, 'utf8'));
    return typeof holder?.token === 'string' ? holder : undefined;
  } catch {
    return undefined;
  }
}

function processGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

/**
 * Removes the lock when its holder is dead (a process of this host that is gone)
 * or it is older than `staleMs`; true when it was removed, or was gone already.
 */
async function breakIfStale(lock: string, staleMs: number): Promise<boolean> {
  const held = await stat(lock).catch(() => undefined);
  if (!held) return true;
  const holder = await readHolder(lock);
  const old = Date.now() - held.mtimeMs > staleMs;
  const dead =
    holder !== undefined &&
    holder.host === hostname() &&
    holder.pid !== process.pid &&
    processGone(holder.pid);
  if (!old && !dead) return false;
  // Moved aside, not unlinked: a waiter that judged the same lock stale may
  // have broken it and taken a new one since; that one is put back.
  const aside = `${lock}.${randomUUID()}.stale`;
  try {
    await rename(lock, aside);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return true;
    throw error;
  }
  const moved = await readHolder(aside);
  if (holder && moved && moved.token !== holder.token)
    await link(aside, lock).catch(() => {});
  await unlink(aside).catch(() => {});
  return true;
}
