import { spawnSync } from 'node:child_process';
import {
  existsSync,
  mkdtempSync,
  readdirSync,
  rmSync,
  utimesSync,
  writeFileSync,
} from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { withFileLock } from './fileLock';

/** A pid that was a process of this host and has exited. */
function deadPid(): number {
  const child = spawnSync(process.execPath, ['-e', '0']);
  return child.pid!;
}

const holder = (host: string, pid: number) =>
  JSON.stringify({ host, pid, token: `token-of-${pid}` });

describe('withFileLock', () => {
  let dir: string;
  let lock: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'file-lock-test-'));
    lock = join(dir, 'pulls.json.lock');
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  // Long times, so only a broken lock lets these through in time.
  const times = { staleMs: 60_000, timeoutMs: 2_000 };

  it('breaks at once a lock left by a process of this host that was killed', async () => {
    writeFileSync(lock, holder(hostname(), deadPid()));
    await expect(withFileLock(lock, async () => 'ran', times)).resolves.toBe(
      'ran',
    );
    expect(readdirSync(dir)).toEqual([]);
  });

  it('waits for a live holder, and names it when the wait runs out', async () => {
    writeFileSync(lock, holder(hostname(), process.ppid));
    await expect(
      withFileLock(lock, async () => 'ran', { ...times, timeoutMs: 200 }),
    ).rejects.toThrow(
      `waiting for ${lock}, held by process ${process.ppid} on ${hostname()}`,
    );
    expect(existsSync(lock)).toBe(true);
  });

  it('does not judge a holder on another host by its pid, only by the lock age', async () => {
    writeFileSync(lock, holder('another-replica', deadPid()));
    await expect(
      withFileLock(lock, async () => 'ran', { ...times, timeoutMs: 200 }),
    ).rejects.toThrow('held by process');

    const old = (Date.now() - 61_000) / 1000;
    utimesSync(lock, old, old);
    await expect(withFileLock(lock, async () => 'ran', times)).resolves.toBe(
      'ran',
    );
  });

  it('lets one holder in at a time among many waiters, and leaves no lock behind', async () => {
    let inside = 0;
    let most = 0;
    await Promise.all(
      Array.from({ length: 20 }, () =>
        withFileLock(
          lock,
          async () => {
            most = Math.max(most, ++inside);
            await new Promise(r => setTimeout(r, 2));
            inside--;
          },
          { staleMs: 60_000, timeoutMs: 20_000 },
        ),
      ),
    );
    expect(most).toBe(1);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('releases only its own lock: one that was broken and taken by another stays', async () => {
    await withFileLock(
      lock,
      async () => {
        // Another waiter judged ours stale, broke it and holds its own now.
        rmSync(lock);
        writeFileSync(lock, holder(hostname(), process.ppid));
      },
      times,
    );
    expect(existsSync(lock)).toBe(true);
  });
});
