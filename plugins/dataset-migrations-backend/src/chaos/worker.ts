import { setTimeout as sleep } from 'node:timers/promises';
import type { Pool } from 'pg';
import {
  spawnReplica,
  type ReplicaOptions,
  type ReplicaProcess,
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
  /** Output of every process that was killed, for a failure's message. */
  private readonly outputs: string[] = [];

  constructor(private readonly options: ReplicaOptions) {}

  /**
   * Starts a worker process; one that fails to start (its connection terminated
   * while it migrates its database, say) exits, and is started again as a
   * process supervisor would.
   */
  async start(): Promise<void> {
    for (let tries = 1; ; tries++) {
      try {
        this.process = await spawnReplica(this.options, {
          startTimeoutMs: 180_000,
        });
        return;
      } catch (error) {
        this.outputs.push(String(error));
        if (tries >= 5) throw error;
      }
    }
  }

  get pid(): number | undefined {
    return this.process?.pid;
  }

  lastOutput(lines = 40): string {
    const all = [...this.outputs, this.process?.output() ?? ''].join('\n');
    return all.split('\n').slice(-lines).join('\n');
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
  ): Promise<Kill> {
    const child = this.process!;
    await child.kill('SIGKILL');
    const killedAt = Date.now();
    this.outputs.push(child.output());
    this.outputs.splice(0, Math.max(0, this.outputs.length - 3));
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
      await sleep(50);
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
