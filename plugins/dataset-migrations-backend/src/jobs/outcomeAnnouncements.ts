import type { LoggerService } from '@backstage/backend-plugin-api';
import type {
  MigrationAnnouncer,
  MigrationChange,
} from '../announcements/MigrationAnnouncer';
import type {
  MigrationOutcomeOutbox,
  OwedOutcome,
} from '../database/MigrationOutcomeOutbox';
import type { StoreTransaction } from '../database/StoreTransaction';
import { drainOutbox } from './drainOutbox';

/**
 * How old an owed outcome must be before a sweep announces it: far past a live
 * announcement (its retries take seconds), so the drain takes only what a
 * worker that died left behind, not what a healthy one is still telling.
 */
const GRACE_MS = 60_000;
/** Announced outcomes are kept this long, then pruned by the sweep. */
const KEPT_MS = 24 * 3_600_000;
/**
 * The drain waits this long for the announcer to say an outcome's deliveries are
 * over (its retries take seconds), then backs the entry off: a delivery that never
 * ends must not hold up the lease sweep, which resumes dead workers' runs.
 */
const SETTLE_TIMEOUT_MS = 60_000;
/** Outcomes one sweep announces at most; a backlog goes on at the next sweep. */
const DRAIN_LIMIT = 20;

/** An outcome a worker is about to record: written with it, then announced. */
export interface PendingOutcome {
  /** Writes the outcome's announcement as owed, in the transaction of the outcome. */
  record: (tx: StoreTransaction) => Promise<void>;
  /**
   * Announces it once the outcome is committed. Resolves as the announcer does
   * (at once: it delivers on its own time); the entry is marked announced once
   * the deliveries are over, so a worker killed before then leaves it to the drain.
   */
  announce: () => Promise<void>;
}

/**
 * The outcomes workers record (succeeded, failed, cancelled, rolled back,
 * contracted), announced at least once although a worker may die between the
 * commit of an outcome and its announcement: written to an outbox with the
 * outcome, marked once announced, and otherwise announced by a sweep once
 * {@link GRACE_MS} old. A repeat is possible (a worker that dies after the
 * announcer delivered and before its mark): the notification, scoped to the run,
 * is then updated in place rather than sent twice, while the event is published
 * again with the same `occurredAt`, so a subscriber can tell it is a repeat.
 */
export class OutcomeAnnouncements {
  private readonly graceMs: number;

  constructor(
    private readonly deps: {
      outbox: MigrationOutcomeOutbox;
      announcer: MigrationAnnouncer;
      logger: LoggerService;
      /** How old an owed outcome must be before the drain takes it; {@link GRACE_MS} by default. */
      graceMs?: number;
      /** {@link SETTLE_TIMEOUT_MS} by default. */
      settleTimeoutMs?: number;
    },
  ) {
    this.graceMs = deps.graceMs ?? GRACE_MS;
  }

  /** An outcome to record and announce; see {@link PendingOutcome}. */
  pending(owed: OwedOutcome): PendingOutcome {
    const { outbox, announcer, logger } = this.deps;
    // One time for the live announcement and a drain's repeat of it.
    const at = new Date();
    let id: string | undefined;
    return {
      record: async tx => {
        id = await outbox.record(tx, owed, at);
      },
      announce: async () => {
        const recorded = id;
        await announcer.migrationChanged({
          ...owed,
          occurredAt: at,
          settled: () => {
            // Not recorded: the outcome was not this worker's to write.
            if (!recorded) return;
            outbox
              .markAnnounced(recorded)
              .catch(error =>
                logger.warn(
                  `Could not mark the ${owed.outcome} of migration ${owed.migrationId} announced; a sweep announces it again: ${error}`,
                ),
              );
          },
        });
      },
    };
  }

  /**
   * Announces the outcomes left owed by workers that died, oldest first, each
   * once its deliveries are over; answers how many. A failure to announce one
   * (the run could not be read) backs it off while the others go on.
   */
  async drain(): Promise<number> {
    const { outbox, announcer, logger } = this.deps;
    return drainOutbox({
      outbox: {
        claimMs: outbox.claimMs,
        claimNext: () => outbox.claimNext(this.graceMs),
        renewClaim: owed => outbox.renewClaim(owed),
        markDone: owed => outbox.markDone(owed),
        markRejected: owed => outbox.markRejected(owed),
      },
      limit: DRAIN_LIMIT,
      deliver: owed =>
        settled(announcer, this.deps.settleTimeoutMs ?? SETTLE_TIMEOUT_MS, {
          migrationId: owed.migrationId,
          outcome: owed.outcome,
          ...(owed.actor ? { actor: owed.actor } : {}),
          ...(owed.reason ? { reason: owed.reason } : {}),
          occurredAt: owed.recordedAt,
        }),
      describe: owed =>
        `the ${owed.outcome} of migration ${owed.migrationId} (outbox entry ${owed.id})`,
      repeatedAs: 'updating its notification in place',
      logger,
    });
  }

  /** Deletes the entries announced more than a day ago. */
  async prune(): Promise<void> {
    await this.deps.outbox.pruneAnnounced(KEPT_MS);
  }
}

/** Announces `change` and resolves once its deliveries are over, or rejects after `timeoutMs`. */
function settled(
  announcer: MigrationAnnouncer,
  timeoutMs: number,
  change: MigrationChange,
): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  return new Promise<void>((resolve, reject) => {
    timer = setTimeout(
      () =>
        reject(
          new Error(
            `the announcer did not finish its deliveries within ${timeoutMs} ms`,
          ),
        ),
      timeoutMs,
    );
    announcer
      .migrationChanged({
        ...change,
        settled: error => (error === undefined ? resolve() : reject(error)),
      })
      .catch(reject);
  }).finally(() => clearTimeout(timer));
}

/**
 * An outcome a runner records: through the outbox when the runner has one, told
 * straight to its announcer otherwise.
 */
export function pendingOutcome(
  deps: { announcer?: MigrationAnnouncer; outcomes?: OutcomeAnnouncements },
  owed: OwedOutcome,
): PendingOutcome {
  return (
    deps.outcomes?.pending(owed) ?? {
      record: async () => {},
      announce: async () => {
        await deps.announcer?.migrationChanged(owed);
      },
    }
  );
}
