import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import type {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { ConflictError } from '@backstage/errors';
import {
  contractRequestSchema,
  isLiveMigration,
  rollbackRequestSchema,
  type ContractOverride,
  type Migration,
  type MigrationDetails,
  type PersonOverride,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { parseInput } from '../validation/parseInput';
import { mergedPatchesRefusal } from '../consumers/mergedPatches';
import type { MigrationStore } from '../database/MigrationStore';
import {
  operationOutcomeName,
  type JobQueue,
  type OperationJob,
  type OperationOutcome,
} from '../queue/JobQueue';
import type { ConsumerLedgerPort } from './ConsumerLedgerPort';
import type { EntityPermissions } from './MigrationApprovals';
import { ROWS_WITHHELD } from './rowsWithheld';
import type { MigrationQueries } from './MigrationQueries';
import { previousVersionKeptUntil, RetentionNotPassed } from './retention';

/** Writes with a newly queued operation job, in its transaction (e.g. its audit record). */
export type OnQueued = Parameters<JobQueue['enqueueOperationOnce']>[1];

/**
 * How a rollback or contract request ends: `finished` when its job answered within
 * the wait, else the migration as it stands while a worker carries it out.
 */
export interface OperationAnswer {
  migration: MigrationDetails;
  finished: boolean;
}

/** How long a request waits for its operation by default, before answering 202. */
const DEFAULT_WAIT_MS = 20_000;
/** How often the waiting request looks for its outcome: soon at first, then less often. */
const FIRST_POLL_MS = 25;
const MAX_POLL_MS = 250;

/**
 * Rollback and contract of a finished migration: the gates a person must pass here,
 * the engine work in a job under the run's lease. A request waits a bounded time
 * for that job, never on the engine's locks.
 */
export class MigrationOperations {
  constructor(
    private readonly deps: {
      store: MigrationStore;
      queue: Pick<JobQueue, 'enqueueOperation' | 'enqueueOperationOnce'>;
      queries: MigrationQueries;
      /** The consumer ledger; without it, the gates ignore consumers. */
      consumers?: ConsumerLedgerPort;
      /** Who may read the engine's words on a refusal, which may quote rows. */
      permissions: Pick<EntityPermissions, 'seesRowsOf'>;
      /** How long a previous version is kept after its migration succeeded. */
      retentionMs: number;
      /** How long a request waits for its job before answering with the migration as it stands. */
      waitMs?: number;
    },
  ) {}

  /**
   * Puts the dataset's readers back on the previous version, losing no write made
   * since the cut-over. Only the dataset's latest migration, before it is contracted.
   */
  async rollbackMigration(
    id: string,
    credentials: BackstageCredentials,
    body: unknown = {},
  ): Promise<OperationAnswer> {
    const { override: asked } = parseInput(
      rollbackRequestSchema,
      body ?? {},
      'rollback request',
    );
    const migration = await this.currentMigration(id, 'rolled back');
    // Consumers that merged their patch read the new field names: going back breaks them.
    const merged = (await this.deps.consumers?.listMergedPatches(id)) ?? [];
    // Asked again by the job, of source control too, as it rolls back.
    const refusal = mergedPatchesRefusal(migration, { merged, unread: [] });
    if (refusal && !asked) throw new ConflictError(refusal);
    const override: PersonOverride | undefined = asked && {
      reason: asked.reason,
      by: principalRef(credentials),
      at: new Date().toISOString(),
    };
    return this.operate(migration, 'rollback', override, credentials);
  }

  /**
   * A rollback the system asks for (a campaign's failure policy), with an override
   * in `actor`'s name saying why: the same job and gates as a person's rollback,
   * queued without waiting for it. A repeat with the same `requestId` joins the
   * job still waiting; `onQueued` writes with a new job, in its transaction.
   * Answers whether a job was queued.
   */
  async requestRollback(
    id: string,
    request: {
      actor: string;
      reason: string;
      requestId: string;
      onQueued: OnQueued;
    },
  ): Promise<boolean> {
    const migration = await this.currentMigration(id, 'rolled back');
    return this.deps.queue.enqueueOperationOnce(
      {
        migrationId: migration.id,
        operation: 'rollback',
        requestId: request.requestId,
        override: {
          reason: request.reason,
          by: request.actor,
          at: new Date().toISOString(),
        },
        keepMergedReaders: true,
        actor: request.actor,
      },
      request.onQueued,
    );
  }

  /**
   * The breaking moment: the name becomes exactly the new version and the previous
   * one is dropped for good. Waits for the retention period, and for every consumer
   * to have moved, unless a person overrides with a reason (kept with the run).
   */
  async contractMigration(
    id: string,
    body: unknown,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<OperationAnswer> {
    const request = parseInput(
      contractRequestSchema,
      body ?? {},
      'contract request',
    );
    const migration = await this.liveMigration(id, 'contracted');
    const named = await this.contractGate(migration, !request.override);
    // Passed on even with no consumer in the way: the engine's evidence of readers
    // nobody discovered is judged by the job, and the override may be needed there.
    const override: ContractOverride | undefined = request.override
      ? {
          reason: request.override.reason,
          by: credentials.principal.userEntityRef,
          at: new Date().toISOString(),
          blockers: named,
        }
      : undefined;
    return this.operate(migration, 'contract', override, credentials);
  }

  /**
   * A contract the system asks for (a campaign whose dataset's gate opened), in
   * `actor`'s name: the same gates and the same job as a person's contract, never
   * an override, queued without waiting for it. The job judges reads of the
   * previous shape as for anyone; a repeat with the same `requestId` joins the job
   * still waiting; `onQueued` writes with a new job, in its transaction. Throws a
   * ConflictError while the gate is shut; answers whether a job was queued.
   */
  async requestContract(
    id: string,
    request: { actor: string; requestId: string; onQueued: OnQueued },
  ): Promise<boolean> {
    const migration = await this.liveMigration(id, 'contracted');
    await this.contractGate(migration, true);
    return this.deps.queue.enqueueOperationOnce(
      {
        migrationId: migration.id,
        operation: 'contract',
        requestId: request.requestId,
        actor: request.actor,
      },
      request.onQueued,
    );
  }

  /**
   * Contract's gates before its job: the retention period, then every consumer
   * moved (refused when `strict`). Answers the consumers still moving, named.
   */
  private async contractGate(
    migration: Migration,
    strict: boolean,
  ): Promise<string[]> {
    const keptUntil = previousVersionKeptUntil(
      migration,
      this.deps.retentionMs,
    );
    if (Date.now() < keptUntil) {
      throw new RetentionNotPassed(
        `version ${migration.fromVersion} is kept until ${new Date(
          keptUntil,
        ).toISOString()}; contract it after that`,
        keptUntil,
      );
    }
    const blockers =
      (await this.deps.consumers?.listMoving(migration.id)) ?? [];
    const named = blockers.map(b => `${b.entityRef} (${b.state})`);
    if (blockers.length > 0 && strict) {
      throw new ConflictError(
        `contract refused: ${blockers.length} consumer${
          blockers.length > 1 ? 's' : ''
        } still read${blockers.length > 1 ? '' : 's'} version ${
          migration.fromVersion
        }: ${named.join(
          ', ',
        )}. Each must be done or unaffected first, or override with a reason`,
      );
    }
    return named;
  }

  /**
   * Queues the operation as a job of the run (the job is the request's record), then
   * waits a bounded time for its outcome: a refusal is a 409 as if the engine had
   * refused here; no outcome yet answers with the migration as it stands.
   */
  private async operate(
    migration: Migration,
    operation: OperationJob['operation'],
    override: PersonOverride | undefined,
    credentials: BackstageCredentials,
  ): Promise<OperationAnswer> {
    const actor = principalRef(credentials);
    const requestId = randomUUID();
    await this.deps.queue.enqueueOperation({
      migrationId: migration.id,
      operation,
      requestId,
      ...(override ? { override } : {}),
      actor,
    });
    const deadline = Date.now() + (this.deps.waitMs ?? DEFAULT_WAIT_MS);
    let pollMs = FIRST_POLL_MS;
    for (;;) {
      // The job is queued and will run: a read that fails (a session terminated
      // under it) says nothing of the outcome, so the wait goes on rather than
      // answering 500 for an operation that is carried out.
      const outcome = await this.deps.store
        .getCheckpoint<OperationOutcome>(
          migration.id,
          operationOutcomeName(requestId),
        )
        .catch(() => undefined);
      if (outcome && 'refused' in outcome)
        throw new ConflictError(
          outcome.byEngine &&
          !(
            await this.deps.permissions.seesRowsOf(credentials)([
              migration.entityRef,
            ])
          ).has(migration.entityRef)
            ? `${operation} refused; why is withheld: ${ROWS_WITHHELD}`
            : outcome.refused,
        );
      const left = deadline - Date.now();
      if (outcome || left <= 0) {
        return {
          migration: await this.deps.queries.getMigration(migration.id),
          finished: outcome !== undefined,
        };
      }
      await sleep(Math.min(pollMs, left));
      pollMs = Math.min(2 * pollMs, MAX_POLL_MS);
    }
  }

  /** A succeeded, real migration whose previous version is still there. */
  private async liveMigration(id: string, action: string): Promise<Migration> {
    const migration = await this.deps.queries.findMigration(id);
    if (!isLiveMigration(migration)) {
      throw new ConflictError(
        `migration ${id} is ${
          migration.dryRun ? 'a dry run' : migration.status
        }; it cannot be ${action}`,
      );
    }
    if (migration.contractedAt) {
      throw new ConflictError(
        `migration ${id} was contracted: version ${migration.fromVersion} is gone`,
      );
    }
    return migration;
  }

  /** A succeeded, real migration that produced the dataset's current version. */
  private async currentMigration(
    id: string,
    action: string,
  ): Promise<Migration> {
    const migration = await this.liveMigration(id, action);
    const current = await this.deps.store.getSchemaVersion(migration.entityRef);
    if (current !== migration.targetVersion) {
      throw new ConflictError(
        `the dataset is at version ${current}; only the migration to it can be ${action}`,
      );
    }
    return migration;
  }
}

/** Who made a request: the user's entity ref, else the principal's kind. */
function principalRef(credentials: BackstageCredentials): string {
  const principal = credentials.principal as {
    type?: string;
    userEntityRef?: string;
    subject?: string;
  };
  return (
    principal.userEntityRef ?? principal.subject ?? principal.type ?? 'unknown'
  );
}
