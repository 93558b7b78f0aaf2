import { randomUUID } from 'node:crypto';
import type {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  isActiveMigrationStatus,
  isLiveMigration,
  type Migration,
} from '@dataset-migrations/plugin-dataset-migrations-common';
import { DatasetCatalog } from '../catalog/DatasetCatalog';
import type { MigrationStore, QueueResult } from '../database/MigrationStore';
import type { JobQueue } from '../queue/JobQueue';
import type { ConsumerLedgerPort } from './ConsumerLedgerPort';
import type { MigrationPlanner } from './MigrationPlanner';
import type { MigrationQueries } from './MigrationQueries';
import type { MigrationAnnouncer } from '../announcements/MigrationAnnouncer';

/** What queues, stops and requeues migrations; each run's work is a job. */
export class MigrationCommands {
  constructor(
    private readonly deps: {
      store: MigrationStore;
      queue: Pick<JobQueue, 'enqueueMigration' | 'enqueueConsumerDiscovery'>;
      planner: MigrationPlanner;
      queries: MigrationQueries;
      /** The consumer ledger; without it, migrations ignore consumers. */
      consumers?: ConsumerLedgerPort;
      announcer?: MigrationAnnouncer;
    },
  ) {}

  /**
   * Queues a migration with its plan, or answers with the one an identical request
   * already made. Nothing is written unless the whole request is valid against the
   * live schema.
   */
  async createMigration(
    body: unknown,
    credentials: BackstageCredentials<BackstageUserPrincipal>,
  ): Promise<{ migration: Migration; created: boolean }> {
    const { store, queue, planner } = this.deps;
    const request = await planner.parse(body, credentials);
    const repeated = await store.findByFingerprint(request.fingerprint);
    if (repeated) return { migration: repeated, created: false };

    const valid = await planner.validate(request);
    if (!request.dryRun) await this.assertConsumersMoved(request.entityRef);
    const id = randomUUID();
    const result = await store.createMigration(
      {
        id,
        entityRef: request.entityRef,
        fromVersion: valid.currentVersion,
        targetVersion: request.targetVersion,
        changes: request.changes,
        dryRun: request.dryRun,
        fingerprint: request.fingerprint,
        requestedBy: credentials.principal.userEntityRef,
        datasetOwner: DatasetCatalog.ownerOf(request.entity),
        plan: await planner.plan(valid, id),
      },
      async (tx, migrationId) => {
        await queue.enqueueMigration(tx, migrationId);
        // Consumers and their impact are known before the data moves; a dry run has none.
        if (!request.dryRun)
          await queue.enqueueConsumerDiscovery(tx, migrationId);
      },
    );
    if (result.queued) return { migration: result.migration, created: true };
    // Lost a race to an identical request, or the dataset is busy with another one.
    const twin = await store.findByFingerprint(request.fingerprint);
    if (twin) return { migration: twin, created: false };
    throw busy(request.entityRef, result);
  }

  /**
   * A later migration waits while an earlier live one is not contracted and any of
   * its consumers is still moving: they would be left two versions behind.
   */
  private async assertConsumersMoved(entityRef: string): Promise<void> {
    const ledger = this.deps.consumers;
    if (!ledger) return;
    const open = (
      await this.deps.store.listMigrations({ entityRef, limit: 500 })
    ).filter(m => isLiveMigration(m) && !m.contractedAt);
    for (const previous of open) {
      const moving = await ledger.listMoving(previous.id);
      if (moving.length === 0) continue;
      throw new ConflictError(
        `dataset ${entityRef} waits for migration ${previous.id} (to version ${
          previous.targetVersion
        }), which is not contracted: ${moving.length} ${
          moving.length === 1 ? 'consumer is' : 'consumers are'
        } still moving to it: ${moving
          .map(c => `${c.entityRef} (${c.state})`)
          .join(', ')}; start the next migration once they have moved`,
      );
    }
  }

  /** `actor`: the user who asked, left out of the notification it causes. */
  async cancelMigration(id: string, actor?: string): Promise<Migration> {
    const migration = await this.deps.store.requestCancel(id);
    if (!migration) throw new NotFoundError(`migration ${id} was not found`);
    if (
      !isActiveMigrationStatus(migration.status) &&
      migration.status !== 'cancelled'
    ) {
      throw new ConflictError(
        `migration ${id} has already ${migration.status}`,
      );
    }
    // A run that had not started is cancelled here; a running one is the runner's
    // to stop, and it announces the outcome.
    await this.deps.announcer?.migrationChanged({
      migrationId: id,
      ...(migration.status === 'cancelled'
        ? { outcome: 'cancelled', reason: 'cancelled by request' }
        : {}),
      ...(actor ? { actor } : {}),
    });
    return migration;
  }

  async retryMigration(id: string): Promise<Migration> {
    const existing = await this.deps.queries.findMigration(id);
    if (existing.status !== 'failed' && existing.status !== 'cancelled') {
      throw new ConflictError(
        `migration ${id} is ${existing.status}; only failed or cancelled migrations can be retried`,
      );
    }
    const result = await this.deps.store.requeueMigration(
      id,
      (tx, migrationId) => this.deps.queue.enqueueMigration(tx, migrationId),
    );
    if (result.queued) return result.migration;
    throw busy(existing.entityRef, result);
  }
}

function busy(entityRef: string, result: QueueResult): ConflictError {
  const active = !result.queued && result.active;
  return new ConflictError(
    active
      ? `dataset ${entityRef} is busy with migration ${active.id} (${active.status}, to version ${active.targetVersion})`
      : `dataset ${entityRef} could not be queued; try again`,
  );
}
