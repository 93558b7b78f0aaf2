import { startHeartbeat } from './heartbeat';

/**
 * A lease in the plugin's database kept by a heartbeat while work runs under
 * it: a migration's run, a consumer's claim, a campaign's look. Each kind has
 * its own table and statements; how they are kept, and when the work must stop,
 * is this one idea.
 */
export interface LeaseHold {
  /**
   * True once a renewal (or a fenced write, through {@link markLost}) found the
   * lease another's, or once a lease's duration has passed since the last
   * renewal that took was sent. The database's expiry is never earlier than that
   * (it counts from when the renewal landed), so work that stops here stops
   * before another worker can claim — including when renewals fail rather than
   * being refused.
   */
  readonly lost: boolean;
  /**
   * Why it was lost, once it was: `taken` (a renewal or fenced write found
   * another holder) or `ran-out` (no renewal took for a lease's duration). Lost
   * stays lost: a renewal landing after the deadline does not bring it back.
   */
  readonly lostBecause: 'taken' | 'ran-out' | undefined;
  /** A write fenced by the lease was refused: another holds it now. */
  markLost(): void;
  /** Stops renewing, waiting for a renewal under way; the lease is then released or runs out. */
  stop(): Promise<void>;
}

export interface LeaseHoldOptions {
  /** When the claim that took the lease was sent (`Date.now()` before it). */
  claimedAt: number;
  /** How long the lease holds without a renewal; renewed every third of it. */
  durationMs: number;
  /** Renews the lease: false when it is no longer this holder's. */
  renew: () => Promise<boolean>;
  /** Hears of renewals that failed, and of giving up at `maxMs`. */
  warn: (message: string) => void;
  /**
   * No renewal after this long from the claim: work that hangs then holds its
   * lease no longer than one more duration, and others may take over.
   */
  maxMs?: number;
  /** Renewals at most this often apart (the lease's third by default). */
  everyMs?: number;
}

export function holdLease(options: LeaseHoldOptions): LeaseHold {
  const { claimedAt, durationMs, renew, warn, maxMs } = options;
  let heldUntil = claimedAt + durationMs;
  let lostBecause: LeaseHold['lostBecause'];
  let gaveUp = false;
  const why = () => {
    if (!lostBecause && Date.now() >= heldUntil) lostBecause = 'ran-out';
    return lostBecause;
  };
  const heartbeat = startHeartbeat(
    options.everyMs ?? Math.max(10, Math.floor(durationMs / 3)),
    async () => {
      if (why()) return;
      const sentAt = Date.now();
      if (maxMs !== undefined && sentAt - claimedAt >= maxMs) {
        if (!gaveUp)
          warn(
            `held for ${
              maxMs / 1000
            } s by work still running; no longer renewed, so others may take it`,
          );
        gaveUp = true;
        return;
      }
      try {
        const held = await renew();
        // Checked first: a renewal that lands after the deadline does not revive a
        // hold whose work may already have been told it was lost.
        if (!why()) {
          if (held) heldUntil = Math.max(heldUntil, sentAt + durationMs);
          else lostBecause = 'taken';
        }
      } catch (error) {
        warn(`could not be renewed: ${error}`);
      }
    },
  );
  return {
    get lost() {
      return why() !== undefined;
    },
    get lostBecause() {
      return why();
    },
    markLost: () => {
      lostBecause ??= 'taken';
    },
    stop: () => heartbeat.stop(),
  };
}
