import { createHash, randomUUID } from 'node:crypto';
import type { JsonObject } from '@backstage/types';
import type {
  AuditorService,
  AuthService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  durationMs,
  FAILED_CAMPAIGN_DATASET_STATES,
  isActiveMigrationStatus,
  type CampaignDatasetState,
  type CampaignDocument,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import type { MigrationAnnouncer } from '../announcements/MigrationAnnouncer';
import type {
  CampaignAuditEvent,
  CampaignAuditOutbox,
} from '../database/CampaignAuditOutbox';
import {
  LookLeaseLost,
  type CampaignLookLeases,
} from '../database/CampaignLookLeases';
import type { StoreTransaction } from '../database/StoreTransaction';
import {
  CampaignStartRefused,
  type CampaignDatasetUpdate,
  type CampaignRun,
  type CampaignRunDataset,
  type CampaignRunWave,
  type CampaignStore,
} from '../database/CampaignStore';
import type { PreparedMigration } from '../services/MigrationCommands';
import type { OnQueued } from '../services/MigrationOperations';
import { RetentionNotPassed } from '../services/retention';
import type { MigrationService } from '../services/MigrationService';
import type { JobQueue } from '../queue/JobQueue';
import { mapConcurrently } from '../consumers/mapConcurrently';
import { emitCampaignAudit } from './emitCampaignAudit';
import { holdLease, type LeaseHold } from '../jobs/leaseHold';
import { nextStartAt, whyNotStartAt } from './rolloutCalendar';

/** What the runner asks of migrations: the same paths a person's requests take. */
export type CampaignMigrations = Pick<
  MigrationService,
  'createCampaignMigration' | 'requestRollback' | 'requestContract'
> &
  Partial<
    Pick<MigrationService, 'prepareCampaignMigration' | 'cancelMigration'>
  >;

export interface Clock {
  now(): Date;
}

/**
 * How long a migration planned ahead of its start may wait for a slot: about as
 * long as a direct request waits in the queue, whose plan is as old when it runs.
 */
const PREPARED_FOR_MS = 60_000;
/** How long a look asked for while another runs waits for it in its job. */
const LOOK_WAIT_MS = 60_000;
/** The least time between two burndown records of a running campaign's looks. */
const BURNDOWN_INTERVAL_MS = 10_000;
/** Contract asks a look makes at once. */
const CONTRACT_ASKS_AT_ONCE = 4;
/** How soon the runner looks again while a campaign's migrations run. */
const POLL_MS = 15_000;
/** A soaked wave whose consumers' checks are still to run is looked at again this soon. */
const UNCHECKED_CONSUMERS_LOOK_MS = POLL_MS;
/** How long an emitted audit event stays in the outbox. */
const AUDIT_KEPT_MS = 7 * 86_400_000;
/** … and while a completed campaign's datasets wait for their contract (consumers move in days). */
const CONTRACT_POLL_MS = 5 * 60_000;
/**
 * … and while a rolled-back wave has a migration not rolled back yet, whatever the
 * campaign's state: a paused campaign has no other look to ask again after a
 * rollback request failed, or for a migration that succeeded after the wave's trip.
 */
const ROLLBACK_POLL_MS = 60_000;
/**
 * … and this long after a rollback was refused (contracted, no longer the
 * dataset's current version): a person's to look at, asked again in case they
 * mended it. A look stays queued meanwhile, so the lease sweep adds none.
 */
const ROLLBACK_REFUSED_POLL_MS = 3600_000;
/** A look refused for another's lease comes back this long after that lease runs out, if its holder died. */
const LEASE_RUN_OUT_MARGIN_MS = 250;
/**
 * The longest a look renews its lease: one hung past it (a call that never
 * settles) lets other replicas look at the campaign.
 */
const LOOK_LEASE_MAX_MS = 5 * 60_000;
/**
 * How long after asking for a contract the campaign may ask again, when it was
 * refused for reads of the previous shape: each refusal restarts the count, so the
 * next window is at least this long (a reader that runs daily shows up in it).
 */
export const CONTRACT_RETRY_MS = 24 * 3600_000;
/** Where a pause's reason says what rolling its wave back does (the policy's words before). */
const ROLLED_BACK_WORDS = '; the wave is rolled back: ';

/** A dataset whose work is over, one way or another. */
const FINISHED: CampaignDatasetState[] = [
  'migrated',
  'contracted',
  'failed',
  'rolled-back',
  'skipped',
];
const FAILED = FAILED_CAMPAIGN_DATASET_STATES;
/** States the runner reconciles from the dataset's migration (skipped ones stay skipped). */
const RECONCILED: CampaignDatasetState[] = [
  'migrating',
  'migrated',
  'contracted',
  'failed',
  'rolled-back',
];
/**
 * Refusals, not failures (400, 403, 404, 409): a dataset refused at start is
 * skipped rather than stopping the campaign; a rollback refused is not asked again.
 */
const REFUSALS = [
  'InputError',
  'NotAllowedError',
  'NotFoundError',
  'ConflictError',
];

/**
 * A look's hold on its campaign's lease: its heartbeat finds it lost before each
 * decision, and each write is fenced by it in SQL (a look frozen between the two
 * is refused there: {@link CampaignLookLeases.fenced}).
 */
interface LookFence extends Pick<LeaseHold, 'lost'> {
  /** Writes in a transaction fenced by the lease. */
  write<T>(work: (tx: StoreTransaction) => Promise<T>): Promise<T>;
  /** Fences a transaction another service opened (a migration's start, a job queued). */
  check(tx: StoreTransaction): Promise<void>;
}

function assertHeld(fence: LookFence, run: CampaignRun): void {
  if (fence.lost)
    throw new LookLeaseLost(
      `A look at campaign ${run.name} stopped: its lease ran out and another look may have taken it`,
    );
}

/**
 * One look at a campaign, as a graphile-worker job (`advance-campaign`): records
 * what its migrations did, applies the failure policy per wave, starts the current
 * wave's migrations inside the rollout windows, soaks healthy waves, and schedules
 * its next look. Idempotent: every change is a compare-and-set, and a dataset's
 * migration is written with its campaign row in one transaction, so two looks at
 * once never start a dataset twice. Each action it takes by itself is written with
 * its audit event in one transaction (the outbox), emitted through the auditor at
 * the end of the look, or by a later look or sweep after a crash.
 */
export class CampaignRunner {
  private readonly pollMs: number;
  private readonly lookWaitMs: number;
  private readonly burndownIntervalMs: number;
  /**
   * The look running in this process per campaign. A look asked for meanwhile (a
   * migration ended, a consumer moved) does not run beside it — both would plan
   * the same datasets, one only to be refused — but makes it look once more when
   * it is done, and waits for that.
   */
  private readonly looking = new Map<
    string,
    { again: boolean; done: Promise<void> }
  >();
  /**
   * Migrations planned ahead while the campaign's slots are taken, by campaign and
   * dataset: planning reads the catalog and the engine, and a freed slot would
   * wait for it. A start that finds none (another process, too old) plans then.
   */
  private readonly prepared = new Map<
    string,
    { at: number; migration: Promise<PreparedMigration | undefined> }
  >();
  /**
   * Until when each migration's previous version is kept, from a contract refused
   * for retention: a look before then would only be refused again (it read the
   * migration and the ledger for it on every look). By the wall clock, as the gate.
   */
  private readonly retained = new Map<string, number>();

  constructor(
    private readonly deps: {
      campaigns: CampaignStore;
      /** One look per campaign at a time across replicas. */
      lookLeases: CampaignLookLeases;
      migrations: CampaignMigrations;
      queue: Pick<JobQueue, 'enqueueCampaignTick'>;
      auth: Pick<AuthService, 'getOwnServiceCredentials'>;
      logger: LoggerService;
      /**
       * Records what the campaign does in its starter's name: each migration it
       * starts, each rollback and contract it asks for, each time its failure
       * policy trips; `auditor` is where the recorded events are emitted.
       */
      audit: CampaignAuditOutbox;
      auditor?: Pick<AuditorService, 'createEvent'>;
      clock?: Clock;
      announcer?: MigrationAnnouncer;
      pollMs?: number;
      /** How long a look asked for while another runs waits for it ({@link LOOK_WAIT_MS}). */
      lookWaitMs?: number;
      /** The longest a look renews its lease ({@link LOOK_LEASE_MAX_MS}). */
      lookLeaseMaxMs?: number;
      /**
       * A look while the campaign runs records the burndown only this long after
       * the last record ({@link BURNDOWN_INTERVAL_MS}): a chart over weeks needs
       * no point per migration, and counting read every ledger of the fleet.
       */
      burndownIntervalMs?: number;
    },
  ) {
    this.pollMs = deps.pollMs ?? POLL_MS;
    this.lookWaitMs = deps.lookWaitMs ?? LOOK_WAIT_MS;
    this.burndownIntervalMs = deps.burndownIntervalMs ?? BURNDOWN_INTERVAL_MS;
  }

  /** Records the audit event of an action the campaign takes, with the action's writes. */
  private async audit(
    tx: StoreTransaction,
    event: Omit<CampaignAuditEvent, 'id'> & { key: string },
  ): Promise<void> {
    const { key, ...rest } = event;
    await this.deps.audit.record(
      tx,
      { ...rest, id: derivedUuid(`${event.campaignId}:${key}:audit`) },
      this.now(),
    );
  }

  /**
   * An operation the campaign asks for, audited with the job that carries it out,
   * in the transaction that queues it: one event per job queued.
   */
  private auditWhenQueued(
    run: CampaignRun,
    operation: 'contract' | 'rollback',
    ask: string,
    meta: JsonObject,
    fence: LookFence,
  ): OnQueued {
    return async (tx, { jobId }) => {
      await fence.check(tx);
      await this.audit(tx, {
        key: `${operation}:${ask}:${jobId}`,
        campaignId: run.id,
        eventId: `campaign-${operation}`,
        severityLevel: 'high',
        meta,
      });
    };
  }

  /**
   * Deletes the audit events emitted more than {@link AUDIT_KEPT_MS} ago: the
   * auditor's log has them, and a repeat of one recorded that long after is none.
   */
  async pruneAudit(): Promise<void> {
    try {
      await this.deps.audit.pruneEmitted(AUDIT_KEPT_MS);
    } catch (error) {
      this.deps.logger.warn(
        `Could not prune emitted campaign audit events: ${error}`,
      );
    }
  }

  /**
   * Emits the recorded events not emitted yet (this look's, and any a crashed look
   * left). An auditor that fails does not stop the campaign: its events wait
   * (each rejected one logged and backed off by the outbox; a database error here).
   */
  async emitAudit(): Promise<void> {
    if (!this.deps.auditor) return;
    try {
      await emitCampaignAudit(
        this.deps.audit,
        this.deps.auditor,
        this.deps.logger,
      );
    } catch (error) {
      this.deps.logger.warn(
        `Could not emit campaign audit events; they wait for the next look: ${error}`,
      );
    }
  }

  private now(): Date {
    return this.deps.clock?.now() ?? new Date();
  }

  /**
   * Looks at the campaign; resolves once a look that began after this call is
   * done, or rejects after `lookWaitMs` with that look still asked for. Looks of
   * one campaign take turns in a process, and across processes under the
   * campaign's look lease.
   */
  tick(campaignId: string): Promise<void> {
    const running = this.looking.get(campaignId);
    if (running) {
      running.again = true;
      // Bounded: a look that hangs must not take every worker that asks after it,
      // nor pass for done: the job fails, visibly, and its retry asks again.
      let timer: ReturnType<typeof setTimeout> | undefined;
      const waited = new Promise<void>((_, reject) => {
        timer = setTimeout(
          () =>
            reject(
              new Error(
                `a look at campaign ${campaignId} has run for over ${this.lookWaitMs} ms in this process; the look asked for waits behind it`,
              ),
            ),
          this.lookWaitMs,
        );
      });
      return Promise.race([running.done, waited]).finally(() =>
        clearTimeout(timer),
      );
    }
    const look = { again: true, done: Promise.resolve() };
    look.done = (async () => {
      try {
        while (look.again) {
          look.again = false;
          await this.lookUnderLease(campaignId);
        }
      } finally {
        this.looking.delete(campaignId);
      }
    })();
    this.looking.set(campaignId, look);
    return look.done;
  }

  /**
   * A look under the campaign's lease, renewed while it runs (for at most
   * {@link LOOK_LEASE_MAX_MS}). Refused while another holds the lease: the
   * refused look marks it, and is queued for when it runs out should its holder
   * die. A holder that finds it marked when done queues one more look, as a job
   * of its own (looking again here, a holder whose looks outlast the lease would
   * be marked by each refused look's return, and never end its job). Each change
   * a look makes is a compare-and-set besides, but decisions taken on two reads
   * at once are not (a soak passing on a read from before a failure another look
   * tripped on).
   */
  private async lookUnderLease(campaignId: string): Promise<void> {
    const { lookLeases, queue, logger } = this.deps;
    // Each look holds the lease under a name of its own: what a look left running
    // (a contract ask beside the one that failed) is fenced off from the next
    // look of the same process.
    const owner = randomUUID();
    const claimSentAt = Date.now();
    const claim = await lookLeases.claim(campaignId, owner);
    if (!claim.held) {
      await queue.enqueueCampaignTick(
        campaignId,
        new Date(claim.expiresAt.getTime() + LEASE_RUN_OUT_MARGIN_MS),
      );
      return;
    }
    const lease = holdLease({
      claimedAt: claimSentAt,
      durationMs: lookLeases.durationMs,
      renew: () => lookLeases.renew(campaignId, owner),
      warn: message =>
        logger.warn(`The look lease on campaign ${campaignId}: ${message}`),
      maxMs: this.deps.lookLeaseMaxMs ?? LOOK_LEASE_MAX_MS,
    });
    // A write refused in SQL tells the heartbeat too: the lease is another's.
    const refused = (error: unknown) => {
      if (error instanceof LookLeaseLost) lease.markLost();
      throw error;
    };
    const fence: LookFence = {
      get lost() {
        return lease.lost;
      },
      write: work => lookLeases.fenced(campaignId, owner, work).catch(refused),
      check: tx =>
        lookLeases.assertHeldIn(tx, campaignId, owner).catch(refused),
    };
    try {
      await this.look(campaignId, fence);
    } catch (error) {
      if (!(error instanceof LookLeaseLost)) throw error;
      logger.warn(error.message);
    } finally {
      await lease.stop();
      // Released after a failed look too. One that cannot be released runs
      // out; a look asked for meanwhile then comes from the refused look's job.
      try {
        if (await lookLeases.release(campaignId, owner))
          await queue.enqueueCampaignTick(campaignId);
      } catch (error) {
        logger.warn(
          `Could not release the look lease on campaign ${campaignId}: ${error}`,
        );
      }
    }
  }

  /**
   * One look: reads the campaign once, and keeps what it changes on that copy
   * (each change is a compare-and-set in the store, so the copy only decides
   * what this look does next). Stops where it finds its lease lost.
   */
  private async look(campaignId: string, fence: LookFence): Promise<void> {
    const { campaigns, queue } = this.deps;
    const now = this.now();
    const run = await campaigns.getRun(campaignId);
    if (!run) return;
    // Outcomes are recorded whatever the campaign's state: an aborted campaign's
    // migrations run to their end, and their end is part of its record.
    await this.reconcile(run, now, fence);
    if (run.state === 'aborted') await this.cancelUnapproved(run);
    const rollbackAgainMs = await this.rollBackRolledBackWaves(run, fence);
    if (run.state === 'paused') await this.refreshPauseReason(run, fence);
    const next =
      run.state === 'running' ? await this.advance(run, now, fence) : undefined;
    // The burndown (outcomes, skips, consumers moved, which need no campaign
    // write) once the starts are written: a freed slot waits for the outcome that
    // freed it, not for the progress record (measured with `yarn bench:campaign`).
    // A look that dies before it leaves it to the next look. Not fenced by the
    // lease: it counts what is written, and decides nothing.
    // A look that leaves no later look (the campaign finished, paused or
    // stopped) always records: the chart's last point is where it stands.
    // Left to a later look, one is asked for by then: a soak or a closed
    // window must not keep the chart as it stood before the last outcomes.
    const burndownDue = await campaigns.recordProgress(campaignId, now, {
      minIntervalMs: next ? this.burndownIntervalMs : 0,
    });
    // Contract goes on after the last wave: consumers take days to move.
    assertHeld(fence, run);
    const contracting =
      run.state === 'running' || run.state === 'completed'
        ? await this.contractOpened(run, now, fence)
        : false;
    // A running campaign looks again soon anyway; a completed one only for this.
    const contractLook =
      contracting && !next
        ? new Date(now.getTime() + CONTRACT_POLL_MS)
        : undefined;
    const rollbackLook = rollbackAgainMs
      ? new Date(now.getTime() + rollbackAgainMs)
      : undefined;
    const at = [next, contractLook, rollbackLook, burndownDue].filter(
      (d): d is Date => !!d,
    );
    if (at.length > 0)
      await queue.enqueueCampaignTick(
        campaignId,
        new Date(Math.min(...at.map(d => d.getTime()))),
      );
    await this.emitAudit();
  }

  /**
   * An aborted campaign never resumes, so its migrations still awaiting an
   * approval would hold their datasets for nothing (an approval is refused while
   * the campaign does not run): they are cancelled, as their owners could. A
   * cancel that fails is tried again by the next look.
   */
  private async cancelUnapproved(run: CampaignRun): Promise<void> {
    for (const dataset of run.datasets) {
      if (dataset.migrationStatus !== 'awaiting-approval') continue;
      if (!dataset.migrationId) continue;
      try {
        await this.deps.migrations.cancelMigration?.(
          dataset.migrationId,
          undefined,
          undefined,
          `cancelled with campaign ${run.name}, which was aborted${
            run.stateReason ? `: ${run.stateReason}` : ''
          }`,
        );
      } catch (error) {
        this.deps.logger.warn(
          `Campaign ${run.name} could not cancel migration ${dataset.migrationId} of ${dataset.entityRef}, which awaited an approval: ${error}`,
        );
      }
    }
  }

  /**
   * Asks for the contract of each migration whose gate opened:
   * its wave soaked healthy (so the failure policy's rollback stays possible until
   * then), every consumer moved, the retention passed. The same contract job a
   * person's request queues, in the starter's name and only where they held the
   * contract permission; the job still judges reads of the previous shape and
   * refuses for a reader nobody discovered (listed as stuck; the campaign asks
   * again {@link CONTRACT_RETRY_MS} later, a person may contract sooner with an
   * override). Answers whether a dataset still waits for its contract.
   */
  private async contractOpened(
    run: CampaignRun,
    now: Date,
    fence: LookFence,
  ): Promise<boolean> {
    const healthy = new Set(
      run.waves.filter(w => w.state === 'healthy').map(w => w.index),
    );
    const askedBefore = new Date(now.getTime() - CONTRACT_RETRY_MS);
    const wallClock = Date.now();
    for (const [migrationId, until] of this.retained)
      if (until <= wallClock) this.retained.delete(migrationId);
    let waiting = false;
    const asks: CampaignRunDataset[] = [];
    for (const d of run.datasets) {
      if (d.state !== 'migrated' || d.contracted) continue;
      if (d.migrationId && this.retained.has(d.migrationId)) {
        waiting = true;
        continue;
      }
      if (d.contractRequestedAt && d.contractRequestedAt >= askedBefore) {
        waiting = true;
        continue;
      }
      if (!d.migrationId || d.migrationStatus !== 'succeeded') continue;
      // Not the campaign's to contract: listed as stuck for its owners.
      if (!d.starterMayContract || !run.startedBy) continue;
      if (!healthy.has(d.wave) || d.consumersMoving > 0) {
        waiting = true;
        continue;
      }
      asks.push(d);
    }
    // Side by side: a wave that turns healthy opens many gates at once, and the
    // looks a migration's end asks for wait for this one.
    const refused = await mapConcurrently(asks, CONTRACT_ASKS_AT_ONCE, d =>
      this.askContract(run, d, now, askedBefore, fence),
    );
    return waiting || refused.includes(true);
  }

  /** Asks for one dataset's contract; answers true when its gate is still shut. */
  private async askContract(
    run: CampaignRun,
    d: CampaignRunDataset,
    now: Date,
    askedBefore: Date,
    fence: LookFence,
  ): Promise<boolean> {
    const { campaigns, migrations, logger } = this.deps;
    if (!d.migrationId || !run.startedBy) return false;
    const meta = {
      campaignId: run.id,
      campaign: run.name,
      migrationId: d.migrationId,
      entityRef: d.entityRef,
      onBehalfOf: run.startedBy,
    };
    // One job per ask: a repeat of this ask joins it while it waits.
    const requestId = derivedUuid(
      `${run.id}:${d.migrationId}:contract:${
        d.contractRequestedAt?.toISOString() ?? 'first'
      }`,
    );
    try {
      await migrations.requestContract(d.migrationId, {
        actor: run.startedBy,
        requestId,
        onQueued: this.auditWhenQueued(run, 'contract', requestId, meta, fence),
      });
    } catch (error) {
      // The gate is still shut (retention, a consumer moving since this look read it).
      if ((error as Error)?.name !== 'ConflictError') throw error;
      if (error instanceof RetentionNotPassed)
        this.retained.set(d.migrationId, error.keptUntil);
      return true;
    }
    // Queued (a repeat joins the waiting job); recorded once per ask.
    if (
      await fence.write(tx =>
        campaigns.markContractRequested(
          run.id,
          d.entityRef,
          now,
          askedBefore,
          tx,
        ),
      )
    ) {
      logger.info(
        `Campaign ${run.name} asks for the contract of migration ${d.migrationId} of ${d.entityRef} on behalf of ${run.startedBy}`,
      );
    }
    return false;
  }

  /**
   * Each started dataset's state from its migration's status, on the look's copy
   * too (the look records the progress it made).
   */
  private async reconcile(
    run: CampaignRun,
    now: Date,
    fence: LookFence,
  ): Promise<void> {
    const { countConsumerFailures } = run.document.rollout.failurePolicy;
    const updates: CampaignDatasetUpdate[] = [];
    for (const dataset of run.datasets) {
      if (!RECONCILED.includes(dataset.state)) continue;
      const target = stateFromMigration(dataset, countConsumerFailures);
      if (target && target.state !== dataset.state)
        updates.push({
          entityRef: dataset.entityRef,
          from: dataset.state,
          to: target.state,
          ...(target.reason ? { reason: target.reason } : {}),
        });
    }
    const byRef = new Map(run.datasets.map(d => [d.entityRef, d]));
    for (const update of updates) {
      const dataset = byRef.get(update.entityRef)!;
      dataset.state = update.to;
    }
    if (updates.length > 0)
      await fence.write(tx =>
        this.deps.campaigns.updateDatasetStates(run.id, updates, now, tx),
      );
    await this.tellLateSuccessesLeftToOwners(run, updates, byRef);
  }

  /**
   * A migration of a rolled-back wave that succeeded only after the wave was
   * rolled back, on a dataset the campaign may not roll back: listed as stuck
   * for its owners, who are told as those of the datasets migrated when the wave
   * was rolled back are, once, by the look that recorded its success (the trip
   * told only those that had succeeded by then).
   */
  private async tellLateSuccessesLeftToOwners(
    run: CampaignRun,
    updates: readonly CampaignDatasetUpdate[],
    byRef: ReadonlyMap<string, CampaignRunDataset>,
  ): Promise<void> {
    const { announcer } = this.deps;
    if (!announcer?.campaignLeftToOwners) return;
    const rolledBack = new Set(
      run.waves.filter(w => w.state === 'rolled-back').map(w => w.index),
    );
    if (rolledBack.size === 0) return;
    for (const update of updates) {
      const dataset = byRef.get(update.entityRef)!;
      if (update.from !== 'migrating' || !rolledBack.has(dataset.wave))
        continue;
      if (dataset.starterMayRollBack || dataset.contracted) continue;
      if (dataset.migrationStatus !== 'succeeded' || !dataset.migrationId)
        continue;
      await announcer.campaignLeftToOwners({
        campaignId: run.id,
        entityRef: dataset.entityRef,
        migrationId: dataset.migrationId,
        reason: `wave ${dataset.wave} was rolled back before its migration succeeded`,
      });
    }
  }

  /** Starts, soaks and completes waves in order; answers when to look next. */
  private async advance(
    run: CampaignRun,
    now: Date,
    fence: LookFence,
  ): Promise<Date | undefined> {
    const { rollout } = run.document;
    for (const wave of run.waves) {
      if (wave.state === 'healthy' || wave.state === 'rolled-back') continue;
      assertHeld(fence, run);
      const datasets = run.datasets.filter(d => d.wave === wave.index);
      const tripped = policyTrip(wave, datasets, rollout.failurePolicy);
      if (tripped || wave.state === 'failed') {
        await this.trip(
          run,
          wave,
          tripped ?? run.stateReason ?? 'failed',
          fence,
        );
        return undefined;
      }
      // Its start written, but not the wave's (the look that started it died
      // between the two): it runs.
      if (wave.state === 'pending' && datasets.some(d => d.migrationId))
        await this.moveWave(
          run,
          wave,
          { from: ['pending'], to: 'running', at: now },
          fence,
        );
      if (datasets.every(d => FINISHED.includes(d.state))) {
        const soaked = await this.soak(run, wave, datasets, now, fence);
        if (soaked !== 'healthy') return soaked;
        continue;
      }
      // A dataset of a soaking wave moves again (a person retried it): the wave
      // runs again, and soaks afresh once that migration has ended too.
      if (wave.state === 'soaking')
        await this.moveWave(
          run,
          wave,
          { from: ['soaking'], to: 'running', at: now },
          fence,
        );
      return this.startWave(run, wave, datasets, now, fence);
    }
    assertHeld(fence, run);
    const completed = await fence.write(tx =>
      this.deps.campaigns.transition(
        run.id,
        { from: ['running'], to: 'completed', at: now },
        tx,
      ),
    );
    run.state = completed.changed
      ? 'completed'
      : completed.current ?? run.state;
    if (completed.changed)
      await this.deps.announcer?.campaignChanged?.({
        campaignId: run.id,
        state: 'completed',
        reason: completedWith(run.datasets),
      });
    return undefined;
  }

  /**
   * A finished, healthy wave is watched for the soak time before the next starts;
   * where consumer failures count, also until its consumers' checks have run (they
   * queue after migrations, so a busy queue can hold them past the soak).
   */
  private async soak(
    run: CampaignRun,
    wave: CampaignRunWave,
    datasets: CampaignRunDataset[],
    now: Date,
    fence: LookFence,
  ): Promise<Date | 'healthy'> {
    let soakedAt = wave.soakedAt;
    if (wave.state !== 'soaking' || !soakedAt) {
      soakedAt = new Date(
        now.getTime() + durationMs(run.document.rollout.soak),
      );
      await this.moveWave(
        run,
        wave,
        { from: ['pending', 'running'], to: 'soaking', at: now, soakedAt },
        fence,
      );
      // Moved by another meanwhile (a person retried a dataset): look again soon.
      if (wave.state !== 'soaking')
        return new Date(now.getTime() + this.pollMs);
    }
    if (now < soakedAt) return soakedAt;
    // Only a live migration's consumers are checked: those of one that failed
    // (a failure the policy tolerated or a person accepted) never will be.
    if (
      run.document.rollout.failurePolicy.countConsumerFailures &&
      datasets.some(
        d => d.migrationStatus === 'succeeded' && d.consumersUnchecked > 0,
      )
    )
      return new Date(now.getTime() + UNCHECKED_CONSUMERS_LOOK_MS);
    // Healthy only from the soak this look read; a trip or retry since wins.
    if (
      !(await this.moveWave(
        run,
        wave,
        { from: ['soaking'], to: 'healthy', at: now },
        fence,
      ))
    )
      return new Date(now.getTime() + this.pollMs);
    return 'healthy';
  }

  /** A compare-and-set of the wave's state, kept on this look's copy when it took. */
  private async moveWave(
    run: CampaignRun,
    wave: CampaignRunWave,
    change: Parameters<CampaignStore['updateWave']>[2],
    fence: LookFence,
  ): Promise<boolean> {
    const moved = await fence.write(tx =>
      this.deps.campaigns.updateWave(run.id, wave.index, change, tx),
    );
    if (moved)
      Object.assign(wave, {
        state: change.to,
        ...(change.soakedAt && { soakedAt: change.soakedAt }),
      });
    return moved;
  }

  /**
   * Starts the wave's pending datasets in order, up to the campaign's concurrency,
   * inside a window and outside every freeze.
   */
  private async startWave(
    run: CampaignRun,
    wave: CampaignRunWave,
    datasets: CampaignRunDataset[],
    now: Date,
    fence: LookFence,
  ): Promise<Date | undefined> {
    const { windows, freezes, concurrency } = run.document.rollout;
    const migrating = run.datasets.filter(d => d.state === 'migrating').length;
    const poll = new Date(now.getTime() + this.pollMs);
    if (whyNotStartAt(now, windows, freezes)) {
      const opens = nextStartAt(now, windows, freezes);
      if (migrating > 0 && (!opens || poll < opens)) return poll;
      return opens;
    }
    let slots = concurrency - migrating;
    const byRef = new Map(run.datasets.map(d => [d.entityRef, d]));
    const rolledBack = new Set(
      run.waves.filter(w => w.state === 'rolled-back').map(w => w.index),
    );
    const pending = datasets.filter(d => d.state === 'pending');
    let next = 0;
    let stopped = false;
    while (!stopped && slots > 0 && next < pending.length) {
      // The next datasets that may start, one per free slot: planned side by
      // side (planning reads the engine, and every free slot waits for it), then
      // written one after the other, in start order.
      const batch: CampaignRunDataset[] = [];
      for (; next < pending.length && batch.length < slots; next++) {
        const dataset = pending[next];
        const upstream = upstreamHold(dataset, byRef, rolledBack);
        if (upstream === 'wait') continue;
        if (upstream) await this.skip(run, dataset, upstream, now, fence);
        else batch.push(dataset);
      }
      if (batch.length > 1) this.prepareAhead(run, batch);
      for (const dataset of batch) {
        // Each start takes a while (its plan, its transaction): a window that
        // closed, or a freeze that began, since the look began stops the rest.
        if (whyNotStartAt(this.now(), windows, freezes)) {
          stopped = true;
          break;
        }
        assertHeld(fence, run);
        const started = await this.startDataset(run, dataset, now, fence);
        // The slots were taken meanwhile (or the campaign stopped): each
        // further try would plan a migration only to be refused.
        if (started === 'full') {
          stopped = true;
          break;
        }
        if (started === 'not-started') continue;
        slots--;
        // Running once its first migration is written (never for a campaign paused meanwhile).
        if (wave.state === 'pending')
          await this.moveWave(
            run,
            wave,
            { from: ['pending'], to: 'running', at: now },
            fence,
          );
      }
    }
    // The slots are taken: the next datasets to start are planned meanwhile.
    if (slots <= 0)
      this.prepareAhead(
        run,
        pending
          .slice(next)
          .filter(
            d => d.state === 'pending' && !upstreamHold(d, byRef, rolledBack),
          )
          .slice(0, concurrency),
      );
    return poll;
  }

  /**
   * An ordinary migration of the dataset, requested in the starter's name; the
   * migration row, its job and the dataset's campaign row are one transaction. A
   * dataset that turned busy or invalid is skipped with the reason.
   */
  private async startDataset(
    run: CampaignRun,
    dataset: CampaignRunDataset,
    now: Date,
    fence: LookFence,
  ): Promise<'started' | 'not-started' | 'full'> {
    const { campaigns, migrations, auth } = this.deps;
    let reason: string;
    try {
      const prepared = await this.takePrepared(run, dataset);
      const { migration, created } = await migrations.createCampaignMigration(
        requestOf(run, dataset),
        {
          ...(prepared ? { prepared } : {}),
          credentials: await auth.getOwnServiceCredentials(),
          requestedBy: run.startedBy!,
          mayStart: dataset.starterMayStart,
          // Starting the campaign, after its plan was reviewed, was the starter's approval.
          approvedAtStart:
            dataset.starterMayApprove && dataset.reviewedCompatibility
              ? {
                  campaignName: run.name,
                  at: now,
                  compatibility: dataset.reviewedCompatibility,
                }
              : undefined,
          campaign: { id: run.id, wave: dataset.wave },
          inTransaction: async (tx, migrationId, { approved }) => {
            await fence.check(tx);
            await campaigns.claimDatasetStart(tx, {
              campaignId: run.id,
              entityRef: dataset.entityRef,
              migrationId,
              concurrency: run.document.rollout.concurrency,
              at: now,
              rightsRead: {
                mayStart: dataset.starterMayStart,
                mayApprove: dataset.starterMayApprove,
              },
            });
            // Created once per dataset and campaign: a repeat finds it and returns below.
            await this.audit(tx, {
              key: `start:${migrationId}`,
              campaignId: run.id,
              eventId: 'campaign-migration-start',
              severityLevel: 'medium',
              meta: {
                campaignId: run.id,
                campaign: run.name,
                wave: dataset.wave,
                migrationId,
                entityRef: dataset.entityRef,
                onBehalfOf: run.startedBy ?? null,
                approvedAtStart: approved,
              },
            });
          },
        },
      );
      if (created) {
        Object.assign(dataset, {
          state: 'migrating',
          migrationId: migration.id,
          migrationStatus: migration.status,
        });
        return 'started';
      }
      // Another look at the campaign started it a moment ago.
      if (migration.campaign?.id === run.id) return 'not-started';
      reason = `the same change was already requested outside the campaign: migration ${migration.id} (${migration.status})`;
    } catch (error) {
      if (error instanceof CampaignStartRefused)
        return error.full ? 'full' : 'not-started';
      const name = (error as Error)?.name;
      if (!REFUSALS.includes(name)) throw error;
      reason = (error as Error).message;
    }
    await this.skip(run, dataset, reason, now, fence);
    return 'not-started';
  }

  /**
   * Plans each dataset's migration in the background, unless it is planned
   * already; forgets plans too old to use. A dataset that cannot be planned is
   * planned again at its start, which skips it with the reason.
   */
  private prepareAhead(run: CampaignRun, datasets: CampaignRunDataset[]) {
    const { migrations, auth } = this.deps;
    if (!migrations.prepareCampaignMigration) return;
    const now = Date.now();
    for (const [key, { at }] of this.prepared)
      if (now - at > PREPARED_FOR_MS) this.prepared.delete(key);
    for (const dataset of datasets) {
      const key = `${run.id}\n${dataset.entityRef}`;
      if (this.prepared.has(key)) continue;
      const migration = auth
        .getOwnServiceCredentials()
        .then(credentials =>
          migrations.prepareCampaignMigration!(
            requestOf(run, dataset),
            credentials,
          ),
        )
        .catch(() => undefined);
      this.prepared.set(key, { at: now, migration });
    }
  }

  /** The dataset's migration planned ahead, when fresh enough to start. */
  private async takePrepared(
    run: CampaignRun,
    dataset: CampaignRunDataset,
  ): Promise<PreparedMigration | undefined> {
    const key = `${run.id}\n${dataset.entityRef}`;
    const ahead = this.prepared.get(key);
    this.prepared.delete(key);
    if (!ahead || Date.now() - ahead.at > PREPARED_FOR_MS) return undefined;
    return ahead.migration;
  }

  private async skip(
    run: CampaignRun,
    dataset: CampaignRunDataset,
    reason: string,
    now: Date,
    fence: LookFence,
  ): Promise<void> {
    this.deps.logger.info(
      `Campaign ${run.name} skips ${dataset.entityRef}: ${reason}`,
    );
    dataset.state = 'skipped';
    const skipped = {
      entityRef: dataset.entityRef,
      from: 'pending' as const,
      to: 'skipped' as const,
      reason,
    };
    await fence.write(tx =>
      this.deps.campaigns.updateDatasets(run.id, [skipped], now, tx),
    );
  }

  /**
   * The wave crossed its failure policy: the campaign pauses, saying why; with
   * `rollback-wave` the wave's succeeded migrations are rolled back and its
   * datasets not yet started are skipped.
   */
  private async trip(
    run: CampaignRun,
    wave: CampaignRunWave,
    tripped: string,
    fence: LookFence,
  ): Promise<void> {
    const { campaigns, announcer, queue } = this.deps;
    const now = this.now();
    const rollBack =
      run.document.rollout.failurePolicy.action === 'rollback-wave';
    // The failures the policy saw, and with rollback-wave what rolling the wave
    // back does: the reason said only the first while the wave was rolled back.
    const reason = rollBack
      ? `${tripped}; ${waveRollbackInWords(run, wave.index)}`
      : tripped;
    // The campaign pauses first: a look at it meanwhile finds it paused and starts
    // nothing, rather than finding the wave over and moving on. The wave's end, the
    // trip's audit record and, for a rollback, a look at once are written with the
    // pause: a look that dies after it leaves the trip recorded and the next look
    // queued (a paused campaign schedules none, and a dead look's job stays locked
    // for hours), which asks the rollbacks. Only the look that paused the campaign
    // writes them. A campaign a person paused or aborted since is left alone.
    const pending = run.datasets.filter(
      d => d.wave === wave.index && d.state === 'pending',
    );
    const paused = await fence.write(fenced =>
      campaigns.transition(
        run.id,
        {
          from: ['running'],
          to: 'paused',
          reason,
          at: now,
          pausedByRunner: true,
          inTransaction: async tx => {
            await campaigns.updateWave(
              run.id,
              wave.index,
              {
                from: ['pending', 'running', 'soaking'],
                to: rollBack ? 'rolled-back' : 'failed',
                at: now,
              },
              tx,
            );
            if (rollBack)
              await campaigns.updateDatasets(
                run.id,
                pending.map(d => ({
                  entityRef: d.entityRef,
                  from: 'pending' as const,
                  to: 'skipped' as const,
                  reason: `wave ${wave.index} was rolled back: ${tripped}`,
                })),
                now,
                tx,
              );
            // Not at `now`: the look is due at once, by the queue's clock.
            if (rollBack)
              await queue.enqueueCampaignTick(run.id, undefined, tx);
            await this.audit(tx, {
              key: `trip:${wave.index}:${now.toISOString()}`,
              campaignId: run.id,
              eventId: 'campaign-policy-trip',
              severityLevel: 'high',
              meta: {
                campaignId: run.id,
                campaign: run.name,
                wave: wave.index,
                reason,
                action: run.document.rollout.failurePolicy.action,
                onBehalfOf: run.startedBy ?? run.owner,
              },
            });
          },
        },
        fenced,
      ),
    );
    run.state = paused.changed ? 'paused' : paused.current ?? run.state;
    if (!paused.changed) return;
    if (rollBack)
      await this.rollBackRolledBackWaves(
        (await campaigns.getRun(run.id))!,
        fence,
      );
    // Told once, by the look that rolled the wave back.
    if (rollBack)
      for (const dataset of run.datasets) {
        if (dataset.wave !== wave.index || dataset.starterMayRollBack) continue;
        if (dataset.migrationStatus !== 'succeeded' || !dataset.migrationId)
          continue;
        await announcer?.campaignLeftToOwners?.({
          campaignId: run.id,
          entityRef: dataset.entityRef,
          migrationId: dataset.migrationId,
          reason,
        });
      }
    await announcer?.campaignChanged?.({
      campaignId: run.id,
      state: 'paused',
      reason,
    });
  }

  /**
   * The failure policy's pause says what rolling its wave back does as this look
   * finds it (a migration still running at the trip has ended since, a rollback
   * asked is done): the policy's words for the trip stay, and the wave's are
   * said again. Looks come when a migration of the campaign ends and while a
   * rollback is outstanding, so the reason follows both. A person's pause is
   * theirs; the audit record and the notice keep the trip's words.
   */
  private async refreshPauseReason(
    run: CampaignRun,
    fence: LookFence,
  ): Promise<void> {
    if (!run.pausedByRunner || !run.stateReason) return;
    const at = run.stateReason.indexOf(ROLLED_BACK_WORDS);
    if (at < 0) return;
    // The policy's pause is the latest trip, of the latest wave rolled back.
    const wave = run.waves.filter(w => w.state === 'rolled-back').at(-1);
    if (!wave) return;
    const reason = `${run.stateReason.slice(0, at)}; ${waveRollbackInWords(
      run,
      wave.index,
    )}`;
    if (reason === run.stateReason) return;
    const from = run.stateReason;
    const written = await fence.write(tx =>
      this.deps.campaigns.refreshPauseReason(run.id, { from, to: reason }, tx),
    );
    if (written) run.stateReason = reason;
  }

  /**
   * Asks a rollback of every succeeded migration of a rolled-back wave, including
   * one that succeeded after the wave was rolled back. Each request's id is derived
   * from the campaign and the migration, so a repeat joins the job still waiting;
   * each job queued (the first ask, or one after a job that failed for good) is
   * audited with it. Answers how soon to ask again while any such migration is
   * not rolled back yet: a minute, or an hour when every one left was refused.
   */
  private async rollBackRolledBackWaves(
    run: CampaignRun,
    fence: LookFence,
  ): Promise<number | undefined> {
    const rolledBack = new Set(
      run.waves.filter(w => w.state === 'rolled-back').map(w => w.index),
    );
    let again: number | undefined;
    const askAgainIn = (ms: number) => {
      again = Math.min(again ?? ms, ms);
    };
    for (const dataset of run.datasets) {
      if (!rolledBack.has(dataset.wave) || dataset.contracted) continue;
      // Migrated, or counted failed for a consumer that failed its checks: its
      // migration succeeded all the same, and is what tripped the policy.
      if (dataset.state !== 'migrated' && dataset.state !== 'failed') continue;
      if (dataset.migrationStatus !== 'succeeded' || !dataset.migrationId)
        continue;
      // Not the campaign's to roll back: listed as stuck for its owners.
      if (!dataset.starterMayRollBack || !run.startedBy) continue;
      const actor = run.startedBy;
      const reason = `campaign ${run.name} rolls back wave ${dataset.wave}, which failed its failure policy`;
      const migrationId = dataset.migrationId;
      try {
        await this.deps.migrations.requestRollback(migrationId, {
          actor,
          reason,
          requestId: derivedUuid(`${run.id}:${migrationId}:rollback`),
          onQueued: this.auditWhenQueued(
            run,
            'rollback',
            migrationId,
            {
              campaignId: run.id,
              campaign: run.name,
              wave: dataset.wave,
              migrationId,
              entityRef: dataset.entityRef,
              onBehalfOf: actor,
              reason,
            },
            fence,
          ),
        });
        askAgainIn(ROLLBACK_POLL_MS);
      } catch (error) {
        if (error instanceof LookLeaseLost) throw error;
        // Lost on the way (a connection): asked again a minute later.
        askAgainIn(
          REFUSALS.includes((error as Error)?.name)
            ? ROLLBACK_REFUSED_POLL_MS
            : ROLLBACK_POLL_MS,
        );
        this.deps.logger.warn(
          `Campaign ${run.name} could not roll back migration ${dataset.migrationId} of ${dataset.entityRef}: ${error}`,
        );
      }
    }
    return again;
  }
}

/** The migration request of a campaign's dataset: its own next version, the campaign's changes. */
function requestOf(run: CampaignRun, dataset: CampaignRunDataset) {
  return {
    entityRef: dataset.entityRef,
    targetVersion: dataset.targetVersion,
    changes: run.document.changes,
  };
}

/** What the dataset's migration says its campaign state is. */
export function stateFromMigration(
  dataset: CampaignRunDataset,
  countConsumerFailures: boolean,
): { state: CampaignDatasetState; reason?: string } | undefined {
  const status = dataset.migrationStatus;
  if (!status) return undefined;
  const id = dataset.migrationId;
  if (status === 'rolled-back')
    return { state: 'rolled-back', reason: `migration ${id} was rolled back` };
  if (status === 'failed' || status === 'cancelled' || status === 'rejected')
    return {
      state: 'failed',
      // Why a run failed may quote its dataset's rows: the run says, to who may see them.
      reason: `migration ${id} ${
        status === 'failed' ? 'failed' : `was ${status}`
      }${
        dataset.migrationFailure && status !== 'failed'
          ? `: ${dataset.migrationFailure}`
          : ''
      }`,
    };
  if (isActiveMigrationStatus(status)) return { state: 'migrating' };
  // Succeeded.
  if (countConsumerFailures && dataset.consumerFailure)
    return {
      state: 'failed',
      reason: `migration ${id} succeeded, but consumer ${dataset.consumerFailure} failed`,
    };
  return { state: dataset.contracted ? 'contracted' : 'migrated' };
}

/**
 * Whether the dataset may start as far as its upstreams in the campaign go: a
 * dataset derived from another (lineage) starts only once that one's migration
 * succeeded, even in the same wave. `'wait'` while one is still to move; the reason
 * to skip it when one ended without succeeding, or is in a rolled-back wave (its
 * migration's rollback may not have gone through yet); undefined when it may start.
 */
export function upstreamHold(
  dataset: Pick<CampaignRunDataset, 'upstream'>,
  byRef: ReadonlyMap<
    string,
    Pick<
      CampaignRunDataset,
      'state' | 'wave' | 'migrationId' | 'migrationStatus'
    >
  >,
  rolledBackWaves: ReadonlySet<number> = new Set(),
): 'wait' | string | undefined {
  let wait = false;
  for (const ref of dataset.upstream) {
    const upstream = byRef.get(ref);
    if (!upstream) continue;
    if (rolledBackWaves.has(upstream.wave))
      return `its upstream ${ref} did not migrate (wave ${upstream.wave} was rolled back)`;
    if (upstream.migrationStatus === 'succeeded') continue;
    if (!FINISHED.includes(upstream.state)) {
      wait = true;
      continue;
    }
    return `its upstream ${ref} did not migrate (${upstream.state}${
      upstream.migrationId
        ? `, migration ${upstream.migrationId} ${upstream.migrationStatus}`
        : ''
    })`;
  }
  return wait ? 'wait' : undefined;
}

/** Why the wave stops the campaign, or undefined while it is within its policy. */
export function policyTrip(
  wave: Pick<CampaignRunWave, 'index' | 'kind' | 'failuresAccepted'>,
  datasets: Pick<CampaignRunDataset, 'state' | 'position'>[],
  policy: CampaignDocument['rollout']['failurePolicy'],
): string | undefined {
  const failed = datasets.filter(d => FAILED.includes(d.state)).length;
  if (failed === 0 || failed <= wave.failuresAccepted) return undefined;
  const name = `wave ${wave.index}${wave.kind === 'canary' ? ' (canary)' : ''}`;
  // Of the datasets the wave tried: one skipped (busy, invalid) never ran.
  const tried = datasets.filter(d => d.state !== 'skipped').length;
  const rate = failed / Math.max(tried, 1);
  if (rate > policy.maxFailureRate)
    return `${name}: ${failed} of ${tried} failed (${percent(rate)} > ${percent(
      policy.maxFailureRate,
    )})`;
  let inRow = 0;
  let longest = 0;
  for (const dataset of [...datasets].sort((a, b) => a.position - b.position)) {
    if (!FINISHED.includes(dataset.state) || dataset.state === 'skipped')
      continue;
    inRow = FAILED.includes(dataset.state) ? inRow + 1 : 0;
    longest = Math.max(longest, inRow);
  }
  if (longest >= policy.maxConsecutiveFailures)
    return `${name}: ${longest} failed in a row (limit ${policy.maxConsecutiveFailures})`;
  return undefined;
}

function percent(share: number): string {
  return `${Math.round(share * 1000) / 10}%`;
}

/** A UUID-shaped id derived from `seed` (version 5 and variant bits set). */
function derivedUuid(seed: string): string {
  const hex = createHash('sha256').update(seed).digest('hex');
  const variant = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-5${hex.slice(
    13,
    16,
  )}-${variant}${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

/**
 * What rolling back the wave does, as a look sees it (the one that trips, and
 * each after while the pause holds): the migrations rolled back (by then), the
 * rollbacks the campaign asks (succeeded migrations its starter may roll back),
 * those left to their owners, those still running (rolled back or left once
 * they succeed) and those not started, skipped. E.g. "the wave is rolled back:
 * the campaign rolls back 1 succeeded migration, leaves 1 succeeded to its
 * owners (its starter may not roll it back), skips 2 not started", and once
 * that rollback is done "the wave is rolled back: 1 migration rolled back,
 * leaves 1 …".
 */
export function waveRollbackInWords(
  run: Pick<CampaignRun, 'startedBy' | 'datasets'>,
  waveIndex: number,
): string {
  const of = run.datasets.filter(d => d.wave === waveIndex);
  const succeeded = of.filter(
    d =>
      (d.state === 'migrated' || d.state === 'failed') &&
      d.migrationStatus === 'succeeded' &&
      d.migrationId &&
      !d.contracted,
  );
  const ours = succeeded.filter(
    d => d.starterMayRollBack && run.startedBy,
  ).length;
  const left = succeeded.length - ours;
  const running = of.filter(d => d.state === 'migrating').length;
  // Those the trip skipped are not started either (a look after it reads them so).
  const notStarted = of.filter(
    d => d.state === 'pending' || (d.state === 'skipped' && !d.migrationId),
  ).length;
  const rolledBack = of.filter(d => d.state === 'rolled-back').length;
  const migrations = (n: number) =>
    `${n} ${n === 1 ? 'migration' : 'migrations'}`;
  const parts = [
    ...(rolledBack > 0 ? [`${migrations(rolledBack)} rolled back`] : []),
    ...(ours > 0
      ? [
          `the campaign rolls back ${ours} succeeded ${
            ours === 1 ? 'migration' : 'migrations'
          }`,
        ]
      : []),
    // Nothing rolled back, nor to: said so rather than nothing.
    ...(ours === 0 && rolledBack === 0
      ? ['the campaign rolls back no migration (none of its own had succeeded)']
      : []),
    ...(left > 0
      ? [
          `leaves ${left} succeeded to ${
            left === 1 ? 'its' : 'their'
          } owners (its starter may not roll ${
            left === 1 ? 'it' : 'them'
          } back)`,
        ]
      : []),
    ...(running > 0 ? [`waits for ${migrations(running)} still running`] : []),
    ...(notStarted > 0 ? [`skips ${notStarted} not started`] : []),
  ];
  return `the wave is rolled back: ${parts.join(', ')}`;
}

/** How a completed campaign's datasets ended, in words: "3 migrated, 1 failed, 1 skipped". */
function completedWith(datasets: ReadonlyArray<{ state: string }>): string {
  const count = (states: readonly string[]) =>
    datasets.filter(d => states.includes(d.state)).length;
  const ends: Array<[number, string]> = [
    [count(['migrated', 'contracted']), 'migrated'],
    [count(['failed']), 'failed'],
    [count(['rolled-back']), 'rolled back'],
    [count(['skipped']), 'skipped'],
  ];
  return ends
    .filter(([n]) => n > 0)
    .map(([n, what]) => `${n} ${what}`)
    .join(', ');
}
