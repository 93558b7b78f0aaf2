import { readdirSync, readFileSync } from 'node:fs';

/**
 * Alive, and not a zombie: orphans are reparented to init, which reaps them when it
 * gets to them, so `process.kill(pid, 0)` alone would still see a dead one.
 */
export function isRunning(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat[stat.lastIndexOf(')') + 2];
    return state !== 'Z' && state !== 'X';
  } catch {
    return false;
  }
}

/** A sleep duration no other process uses, to find the sleeps in /proc. */
export function uniqueSleep(): string {
  return `${30 + Math.floor(Math.random() * 1000)}.${process.pid}`;
}

/** Host pids of the running processes with `text` as one of their arguments. */
export function runningWith(text: string): number[] {
  return readdirSync('/proc')
    .filter(entry => /^\d+$/.test(entry))
    .map(Number)
    .filter(pid => {
      try {
        const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
        return cmdline.split('\0').includes(text) && isRunning(pid);
      } catch {
        return false;
      }
    });
}

/** Whether `check` holds within `ms`, asked every 50 ms. */
export async function eventually(
  check: () => boolean,
  ms = 3000,
): Promise<boolean> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (check()) return true;
    await new Promise(resolve => setTimeout(resolve, 50));
  }
  return check();
}
