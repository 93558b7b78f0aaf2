import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type { LoggerService } from '@backstage/backend-plugin-api';
import { MigrationInterruptedError } from '@dataset-migrations/plugin-dataset-migrations-node';
import {
  isLiveMigration,
  SETTLED_CONSUMER_STATES,
  type ConsumerFailure,
  type ConsumerState,
  type MigrationConsumer,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { discoverConsumers } from './discovery';
import { jobReads } from './jobReads';
import { mapConcurrently } from './mapConcurrently';
import { assessAndPatch } from './steps/assess';
import { followPullRequest } from './steps/followPullRequest';
import { openPullRequest } from './steps/openPullRequest';
import {
  ConsumerFailed,
  loadMigrationContext,
  readerFor,
  type MigrationContext,
  type Step,
  type StepDependencies,
  type StepInput,
} from './steps/stepContext';
import { verify } from './steps/verify';
import { asInterruption } from '../jobs/databaseLoss';
import { holdLease, type LeaseHold } from '../jobs/leaseHold';
import type {
  ConsumerChange,
  MigrationAnnouncer,
} from '../announcements/MigrationAnnouncer';

export interface ConsumerPipelineOptions extends StepDependencies {
  /** Enqueues one consumer's job; its key makes a repeat a no-op. */
  enqueueConsumer(migrationId: string, entityRef: string): Promise<void>;
  /**
   * Called when a consumer of a migration that waits for decisions was assessed
   * again (a retry): queues the migration if no consumer waits for one any more.
   */
  resumeIfDecided?(migrationId: string): Promise<void>;
  /** Told of each consumer change a step commits. */
  announcer?: MigrationAnnouncer;
  /**
   * How long a consumer stays with a job that stopped renewing its claim (its
   * worker died). Default two minutes; the plugin uses the worker's lease.
   */
  claimLeaseMs?: number;
  /** Hears of claim renewals that failed. */
  logger?: LoggerService;
}

/** The step that moves a consumer on from each state; settled states have none. */
const STEPS: Partial<Record<ConsumerState, Step>> = {
  discovered: assessAndPatch,
  patched: verify,
  verified: openPullRequest,
  'pr-opened': followPullRequest,
  merged: followPullRequest,
};

/**
 * How long a job's claim on a consumer lasts unless renewed; renewed every quarter
 * of it while a step runs, so only a dead worker's claim runs out.
 */
const CLAIM_LEASE_MS = 120_000;

/** Why a job stops before its next step when no renewal of its claim took for a whole claim. */
export const CLAIM_RAN_OUT =
  "this job's claim on the consumer ran out while its renewals failed; a retry or the sweep goes on";

/**
 * Moves each consumer of a migrated dataset through the ledger: discovered →
 * unaffected | patched → verified → pr-opened → merged → done, or failed with the
 * reason. Every step starts from the state the ledger holds and records its
 * outcome only from that state, so jobs may repeat and replicas may race safely.
 */
export class ConsumerPipeline {
  constructor(private readonly options: ConsumerPipelineOptions) {}

  /** Finds the dataset's consumers through catalog lineage and queues each one's job. */
  async discover(migrationId: string): Promise<number> {
    const { consumers, migrations, catalog, auth } = this.options;
    const migration = await migrations.getMigrationWithPlan(migrationId);
    // A rolled-back migration's consumers were superseded; none is added after.
    if (!migration || migration.status === 'rolled-back') return 0;
    const found = await discoverConsumers(
      catalog,
      migration.entityRef,
      await auth.getOwnServiceCredentials(),
      this.options.limits.maxDepth,
    );
    await consumers.addDiscovered(migrationId, found);
    const ledger = await consumers.list(migrationId);
    const open = ledger.filter(c => !SETTLED_CONSUMER_STATES.includes(c.state));
    for (const c of open)
      await this.options.enqueueConsumer(migrationId, c.entityRef);
    return open.length;
  }

  /**
   * Before a migration's first stage: discovers its consumers and assesses, here and
   * now, each one not assessed yet, through the same step as its job (so a job
   * racing this one records nothing twice). Returns the consumers that wait for a
   * person's decision.
   */
  async assessBeforeRun(migrationId: string): Promise<MigrationConsumer[]> {
    const { consumers, migrations, catalog, auth } = this.options;
    const migration = await migrations.getMigrationWithPlan(migrationId);
    if (!migration || migration.dryRun) return [];
    const found = await discoverConsumers(
      catalog,
      migration.entityRef,
      await auth.getOwnServiceCredentials(),
      this.options.limits.maxDepth,
    );
    await consumers.addDiscovered(migrationId, found);
    const unassessed = (await consumers.list(migrationId)).filter(
      c => c.state === 'discovered' && !c.impact,
    );
    // Waits for a job holding one: its impact must be recorded before this returns.
    await mapConcurrently(unassessed, 8, c =>
      this.advanceConsumer(migrationId, c.entityRef, { wait: true }),
    );
    return consumers.undecided(migrationId);
  }

  /** Advances one consumer as far as it can go now. */
  async advance(
    migrationId: string,
    entityRef: string,
    { lastAttempt = false } = {},
  ): Promise<void> {
    await this.advanceConsumer(migrationId, entityRef, { lastAttempt });
    const migration = await this.options.migrations.getMigrationWithPlan(
      migrationId,
    );
    if (migration?.status === 'awaiting-decision')
      await this.options.resumeIfDecided?.(migrationId);
  }

  /**
   * One job at a time per consumer: the job claims the consumer's row. A job that
   * finds it claimed asks the holder for one more pass and ends (or, with `wait`,
   * waits for the claim), so whatever queued it is seen without running a step
   * twice at once.
   */
  private async advanceConsumer(
    migrationId: string,
    entityRef: string,
    { wait = false, lastAttempt = false } = {},
  ): Promise<void> {
    const { consumers } = this.options;
    const owner = randomUUID();
    const leaseMs = this.options.claimLeaseMs ?? CLAIM_LEASE_MS;
    const claim = () =>
      consumers.claim(migrationId, entityRef, owner, {
        leaseMs,
        requestPass: !wait,
      });
    let claimedAt = Date.now();
    while (!(await claim())) {
      if (!wait) return;
      // Gone or settled: nothing to wait for (a settled row is never claimed).
      const consumer = await consumers.get(migrationId, entityRef);
      if (!consumer || SETTLED_CONSUMER_STATES.includes(consumer.state)) return;
      await sleep(250);
      claimedAt = Date.now();
    }
    const hold = holdLease({
      claimedAt,
      durationMs: leaseMs,
      everyMs: leaseMs / 4,
      renew: () => consumers.renewClaim(migrationId, entityRef, owner, leaseMs),
      warn: message =>
        this.options.logger?.warn(
          `The claim on consumer ${entityRef} of migration ${migrationId}: ${message}`,
        ),
    });
    let holding = true;
    try {
      while (holding && !hold.lost) {
        await this.advanceClaimed(migrationId, entityRef, lastAttempt, hold);
        if (hold.lost) break;
        holding = !(await consumers.releaseClaim(
          migrationId,
          entityRef,
          owner,
        ));
      }
    } finally {
      await hold.stop();
      // A step threw: let go (dropping a pass asked for, which the job's retry
      // makes) so the retry can claim it. A claim lost is not let go: another
      // job holds it, or it runs out in the database too, and then the sweep
      // queues the consumer again (even after this job's last attempt).
      while (holding && !hold.lost)
        holding = !(await consumers.releaseClaim(
          migrationId,
          entityRef,
          owner,
        ));
    }
    // Renewals failed for a whole claim: the queue's retry (or the sweep) goes on.
    if (hold.lostBecause === 'ran-out')
      throw new MigrationInterruptedError(CLAIM_RAN_OUT);
    // Another job took it and takes the steps from here; one waiting for the
    // consumer's assessment waits for that job, as for any holder.
    if (hold.lostBecause === 'taken' && wait)
      await this.advanceConsumer(migrationId, entityRef, { wait, lastAttempt });
  }

  private async advanceClaimed(
    migrationId: string,
    entityRef: string,
    /** No retry follows: an interruption fails the consumer, visibly, for a person's retry. */
    lastAttempt: boolean,
    claim: Pick<LeaseHold, 'lost'>,
  ): Promise<void> {
    const context = await loadMigrationContext(
      this.options.migrations,
      migrationId,
    );
    if (!context || context.migration.status === 'rolled-back') return;
    // Read once per job: the default branch now, and any commit asked for.
    let url: string | undefined;
    const snapshot = jobReads(async commit =>
      readerFor(this.options, url!).read(url!, commit),
    );
    // Each step returns the state it reached; stop when a step cannot go further yet.
    for (let steps = 0; steps < 8; steps++) {
      // Another job may hold the consumer now: it takes the next step, not this one.
      if (claim.lost) return;
      const consumer = await this.options.consumers.get(migrationId, entityRef);
      if (!consumer) return;
      const from = consumer.state;
      url = consumer.repositoryUrl!;
      const input: StepInput = { consumer, snapshot };
      try {
        const next = await this.step(context, input);
        await this.announce(migrationId, consumer);
        if (!next || next === from) return;
      } catch (error) {
        // Looking at a pull request can fail for a while (rate limits, network):
        // the job is retried and the follow-up comes back; nothing is failed.
        // The plugin's database or the engine went away (a shadow check's
        // connection terminated, say): the job is retried, nothing failed, until
        // the queue's last attempt, which records it rather than leave the
        // consumer where it was with no job to move it.
        const interrupted =
          asInterruption(error) instanceof MigrationInterruptedError;
        if (
          !(error instanceof ConsumerFailed) &&
          (from === 'pr-opened' ||
            from === 'merged' ||
            (interrupted && !lastAttempt))
        )
          throw error;
        const failure: ConsumerFailure =
          error instanceof ConsumerFailed
            ? error.failure
            : {
                kind: stepFailureKind(from),
                message: interrupted
                  ? `interrupted on every attempt, the last by: ${
                      (error as Error).message
                    }; retry it once the engine and the plugin's database answer`
                  : (error as Error).message,
              };
        await this.options.consumers.advance(migrationId, entityRef, [from], {
          state: 'failed',
          failure,
        });
        await this.announce(migrationId, consumer);
        return;
      }
    }
  }

  /**
   * Tells of what a step changed on the consumer since `before`: every change as a
   * signal, and its owners of an opened pull request or a failure (a decision they
   * must make being one).
   */
  private async announce(
    migrationId: string,
    before: MigrationConsumer,
  ): Promise<void> {
    const { announcer, consumers } = this.options;
    if (!announcer) return;
    const after = await consumers
      .get(migrationId, before.entityRef)
      .catch(() => undefined);
    if (!after || after.updatedAt === before.updatedAt) return;
    await announcer.consumerChanged({
      migrationId,
      consumerRef: after.entityRef,
      ...(after.owner ? { owner: after.owner } : {}),
      ...(after.state !== before.state
        ? {
            transition: { from: before.state, to: after.state },
            ...consumerNotice(after),
          }
        : {}),
    });
  }

  private async step(
    context: MigrationContext,
    input: StepInput,
  ): Promise<ConsumerState | undefined> {
    const { state } = input.consumer;
    // Patches are checked against, and proposed for, a new version that is live.
    if (!isLiveMigration(context.migration) && state !== 'discovered')
      return undefined;
    return STEPS[state]?.(this.options, context, input);
  }
}

/** What a consumer's owners are told on reaching this state, if anything. */
export function consumerNotice(
  consumer: MigrationConsumer,
): Pick<ConsumerChange, 'notice' | 'reason'> {
  if (consumer.state === 'pr-opened')
    return { notice: 'pull-request-opened', reason: consumer.pullRequest?.url };
  if (consumer.state !== 'failed') return {};
  return {
    notice:
      consumer.failure?.kind === 'needs-decision' ? 'needs-decision' : 'failed',
    reason: consumer.failure?.message,
  };
}

function stepFailureKind(state: ConsumerState): ConsumerFailure['kind'] {
  if (state === 'patched') return 'verification-failed';
  if (state === 'verified' || state === 'pr-opened' || state === 'merged')
    return 'pull-request-failed';
  return 'patch-failed';
}
