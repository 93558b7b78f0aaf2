import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import {
  spawnStandbyReplica,
  UNHANDLED_MARK,
  type ReplicaOptions,
  type ReplicaProcess,
  type StandbyReplica,
} from '../__testUtils__/replica';
import { progressSignature, runningPoints, type KillPoint } from './points';

/**
 * The worker replica the suite kills: a real backend process running the plugin's
 * graphile-worker task runner against the shared plugin database, started again
 * at once after each SIGKILL.
 */
export interface Kill {
  /** What the suite aimed at. */
  aimed: KillPoint;
  /** What was running when the signal landed (read from the ledger right after). */
  landed: KillPoint[];
  migrationId: string;
  /** From the kill to the restarted worker's first write to the interrupted work. */
  resumeMs?: number;
}

export class ChaosWorker {
  private process?: ReplicaProcess;
  private standby?: Promise<StandbyReplica>;
  /** Output of every process that was killed, for a failure's message. */
  private readonly outputs: string[] = [];
  /** Every report of an unhandled error or rejection, of any process so far. */
  private readonly unhandled: string[] = [];

  constructor(
    private readonly options: ReplicaOptions,
    /** Aborted when the suite's world closes: nothing is started or awaited after it. */
    private readonly closed: AbortSignal,
    private readonly log: (line: string) => void = () => {},
    private readonly replicaOutput?: (pid: number, output: string) => void,
  ) {}

  /** Hands the live replica's output so far to `replicaOutput` (a stall's cause is in it). */
  keepOutput(): void {
    const child = this.process;
    if (child) this.replicaOutput?.(child.pid, child.output());
  }

  /**
   * Starts a worker process: the standby, which has loaded its code already, and
   * a new standby behind it (a deployment's spare replica; loading the code is most
   * of a process start on a busy machine, and would otherwise be most of every
   * resume time). One that fails to start (its connection terminated while it
   * migrates its database, say) is replaced, as a process supervisor would.
   */
  async start(): Promise<void> {
    for (let tries = 1; ; tries++) {
      this.closed.throwIfAborted();
      try {
        const standby = await (this.standby ?? this.spawnStandby());
        this.standby = undefined;
        this.process = await standby.start({ startTimeoutMs: 180_000 });
        // The next spare loads while this one works, not while it starts.
        this.standby = this.spawnStandby();
        return;
      } catch (error) {
        this.standby = undefined;
        this.outputs.push(String(error));
        this.log(
          `  a worker did not start (try ${tries}): ${String(error)
            .split('\n')
            .slice(0, 12)
            .join('\n    ')}`,
        );
        if (tries >= 5) throw error;
      }
    }
  }

  private spawnStandby(): Promise<StandbyReplica> {
    const standby = spawnStandbyReplica(this.options);
    // Awaited by the next start; a failure there is retried.
    standby.catch(() => {});
    return standby;
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  lastOutput(lines = 40): string {
    const all = [...this.outputs, this.process?.output() ?? ''].join('\n');
    return all.split('\n').slice(-lines).join('\n');
  }

  /** SIGKILLs the worker and starts the next; what it held is left to the leases. */
  async killAndStart(): Promise<void> {
    this.keepKilled(await this.kill());
    await this.start();
  }

  private async kill(): Promise<ReplicaProcess> {
    const child = this.process!;
    await child.kill('SIGKILL');
    return child;
  }

  /** The unhandled errors and rejections every process of this worker reported. */
  unhandledReports(): string[] {
    return [...this.unhandled, ...unhandledIn(this.process?.output() ?? '')];
  }

  private keepKilled(child: ReplicaProcess): void {
    this.unhandled.push(...unhandledIn(child.output()));
    this.outputs.push(child.output());
    this.replicaOutput?.(child.pid, child.output());
    this.outputs.splice(0, Math.max(0, this.outputs.length - 3));
  }

  /**
   * SIGKILLs the worker, reads what it was doing, starts a new one and waits for
   * it (or its lease sweep) to take the work up again.
   */
  async killAndRestart(
    plugin: Pool,
    aimed: KillPoint,
    migrationId: string,
    resumeTimeoutMs: number,
    /** Runs once the process is dead, before anything is read or restarted. */
    afterKill?: () => Promise<void> | undefined,
  ): Promise<Kill> {
    const child = await this.kill();
    const killedAt = Date.now();
    await afterKill?.();
    this.keepKilled(child);
    const landed = await retry(() => runningPoints(plugin, migrationId));
    const before = await retry(() => progressSignature(plugin, migrationId));
    await this.start();
    const kill: Kill = { aimed, landed, migrationId };
    if (landed.length === 0) return kill;
    const deadline = killedAt + resumeTimeoutMs;
    while (Date.now() < deadline) {
      const now = await progressSignature(plugin, migrationId).catch(
        () => before,
      );
      if (now !== before) {
        kill.resumeMs = Date.now() - killedAt;
        return kill;
      }
      await sleep(50, undefined, { signal: this.closed });
    }
    throw new Error(
      `migration ${migrationId} did not resume within ${resumeTimeoutMs} ms after a kill in ${landed.join(
        ', ',
      )}\n${this.lastOutput()}`,
    );
  }
}

/** A ledger read that a terminated connection or a restart may fail once or twice. */
export async function retry<T>(read: () => Promise<T>, times = 20): Promise<T> {
  for (let i = 1; ; i++) {
    try {
      return await read();
    } catch (error) {
      if (i >= times) throw error;
      await sleep(250);
    }
  }
}

function unhandledIn(output: string): string[] {
  return output.split('\n').filter(line => line.includes(UNHANDLED_MARK));
}
