import type { LoggerService } from '@backstage/backend-plugin-api';
import type { ClaimedEntry } from '../database/OutboxClaims';
import { holdLease } from './leaseHold';

/** An outbox's claims, as {@link drainOutbox} takes its entries one at a time. */
export interface DrainableOutbox<E extends ClaimedEntry> {
  readonly claimMs: number;
  claimNext(): Promise<E | undefined>;
  renewClaim(entry: E): Promise<boolean>;
  /** False when the claim was no longer this drain's (another took the entry). */
  markDone(entry: E): Promise<boolean>;
  markRejected(entry: E): Promise<void>;
}

/**
 * Delivers an outbox's owed entries, oldest first, and marks them; answers how
 * many this call delivered and marked. Each is claimed first, and the claim is
 * renewed while `deliver` works, so a slow delivery is not taken for a dead
 * process (another would deliver the entry again); `deliver` runs outside any
 * transaction, holding no row lock or pooled connection, and other drains skip
 * the claimed entry meanwhile. A claim that runs out (its process died) is taken
 * again, and the mark applies only under the drain's own claim: at least once, a
 * process that dies between the delivery and the mark delivering it again. An
 * entry whose delivery throws is logged and backs off while the others go on.
 */
export async function drainOutbox<E extends ClaimedEntry>(options: {
  outbox: DrainableOutbox<E>;
  deliver: (entry: E) => Promise<void>;
  /** Names an entry in the log, e.g. `campaign audit event <id> (<event>)`. */
  describe: (entry: E) => string;
  /** Says what a repeat looks like to the reader, after a taken claim. */
  repeatedAs: string;
  logger: Pick<LoggerService, 'warn'>;
  /** At most this many entries per call (the rest wait for the next); all by default. */
  limit?: number;
}): Promise<number> {
  const { outbox, deliver, describe, logger } = options;
  let delivered = 0;
  for (let taken = 0; taken < (options.limit ?? Infinity); taken++) {
    const claimedAt = Date.now();
    const entry = await outbox.claimNext();
    if (!entry) return delivered;
    const claim = holdLease({
      claimedAt,
      durationMs: outbox.claimMs,
      renew: () => outbox.renewClaim(entry),
      warn: message =>
        logger.warn(`The claim on ${describe(entry)}: ${message}`),
    });
    let failure: { error: unknown } | undefined;
    try {
      await deliver(entry);
    } catch (error) {
      failure = { error };
    } finally {
      await claim.stop();
    }
    if (failure) {
      logger.warn(
        `Could not deliver ${describe(entry)} (attempt ${
          entry.attempts + 1
        }); it is tried again after a back-off: ${failure.error}`,
      );
      await outbox.markRejected(entry);
      continue;
    }
    if (await outbox.markDone(entry)) {
      delivered++;
    } else {
      logger.warn(
        `${describe(
          entry,
        )} was delivered after its claim ran out and another took it; it may be delivered again, ${
          options.repeatedAs
        }`,
      );
    }
  }
  return delivered;
}
